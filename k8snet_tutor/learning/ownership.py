"""The lesson's cluster is not the learner's to rewrite.

A lesson's background stands for objects that exist before the learner arrives and that other
people own. An object in the learner's YAML with the same kind, namespace and name as a
background object would, on a real cluster, replace that object: something a user with the
rights the task implies (create policies, Services, ... in their namespace) cannot do. Without
this rule an answer could "solve" a lesson by relabelling the lesson's own pods or namespaces.

`refuse_redefinitions` is pure: it sorts the learner's documents into those kept and those
refused, with one located error per refused object. A lesson may declare objects the learner
is allowed to change (`editable: [Kind/namespace/name]`, or `Namespace/name` for a namespace).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from k8snet_tutor.core.manifests import Document
from k8snet_tutor.core.problems import Problem

CLUSTER_SCOPED = {"namespace", "node", "clusterrole", "clusterrolebinding", "persistentvolume"}

Key = tuple[str, str | None, str]


def object_key(data: Any) -> Key | None:
    """(kind, namespace or None for cluster-scoped kinds, name); None without kind or name."""
    if not isinstance(data, dict):
        return None
    kind = data.get("kind")
    meta = data.get("metadata")
    if not isinstance(kind, str) or not isinstance(meta, dict):
        return None
    name = meta.get("name")
    if not isinstance(name, str) or not name:
        return None
    lowered = kind.lower()
    if lowered in CLUSTER_SCOPED:
        return (lowered, None, name)
    ns = meta.get("namespace")
    return (lowered, ns if isinstance(ns, str) and ns else "default", name)


def key_text(key: Key, kind: str) -> str:
    return f"{kind} {key[2]}" if key[1] is None else f"{kind} {key[1]}/{key[2]}"


def parse_editable(items: Iterable[str]) -> set[Key]:
    """`Kind/namespace/name` (or `Kind/name` for cluster-scoped kinds, and for namespaced kinds
    in `default`) -> keys."""
    out: set[Key] = set()
    for item in items:
        parts = str(item).strip().split("/")
        if len(parts) == 2:
            kind = parts[0].lower()
            ns = None if kind in CLUSTER_SCOPED else "default"
            out.add((kind, ns, parts[1]))
        elif len(parts) == 3:
            kind = parts[0].lower()
            out.add((kind, None if kind in CLUSTER_SCOPED else parts[1], parts[2]))
    return out


def refuse_redefinitions(
    background: Sequence[Document],
    learner: Sequence[Document],
    editable: Iterable[str] = (),
) -> tuple[list[Document], list[Problem]]:
    """The learner's documents to keep, and an error for each one that redefines a background
    object the lesson does not declare editable (located at its `metadata.name`)."""
    owned = {k for k in (object_key(d.data) for d in background) if k is not None}
    allowed = parse_editable(editable)
    keep: list[Document] = []
    problems: list[Problem] = []
    for doc in learner:
        key = object_key(doc.data)
        if key is None or key not in owned or key in allowed:
            keep.append(doc)
            continue
        kind = str(doc.data.get("kind"))
        what = key_text(key, kind)
        line, column = doc.position(("metadata", "name")) or (None, None)
        problems.append(
            Problem(
                "error",
                f"{what} belongs to the lesson's cluster, so your YAML cannot redefine it: on "
                "a real cluster, replacing an object that someone else owns needs rights "
                "that this task does not give you. This object was ignored",
                file=doc.source,
                line=line,
                column=column,
                obj=f"{kind} {key[2] if key[1] is None else f'{key[1]}/{key[2]}'}",
                hint="leave the lesson's objects as they are and solve the task with your own "
                "objects (a NetworkPolicy, a Service, ...) around them",
                code="redefines-background",
            )
        )
    return keep, problems


def lesson_editable(lesson: Any) -> list[str]:
    """The lesson's `editable` list (background objects the learner may redefine)."""
    raw = getattr(lesson, "editable", None)
    if raw is None:
        extra = getattr(lesson, "extra", None)
        raw = extra.get("editable") if isinstance(extra, dict) else None
    return [str(x) for x in raw] if isinstance(raw, list) else []
