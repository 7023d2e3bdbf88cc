"""Predict the matrix: the answer key, computed by the evaluator (never written in the file)."""

from __future__ import annotations

from collections.abc import Mapping

from k8snet_tutor.core.cluster import Pod, Service, build_cluster
from k8snet_tutor.core.endpoints import Unresolved, resolve
from k8snet_tutor.core.evaluate import IPBlockMode
from k8snet_tutor.core.manifests import load_text
from k8snet_tutor.core.problems import Problem
from k8snet_tutor.learning.checks import CheckReport, check, display
from k8snet_tutor.learning.lesson.goal import TableCheck, TableOverride
from k8snet_tutor.learning.lesson.model import Lesson
from k8snet_tutor.learning.quiz.model import (
    CLUSTER_SOURCE,
    POLICIES_SOURCE,
    MatrixKey,
    MatrixQuestion,
    _canonical_name,
)


def _matrix_lesson(q: MatrixQuestion, overrides: list[TableOverride]) -> Lesson:
    table = TableCheck(id="matrix", port=q.port, nodes=q.nodes, default=True, overrides=overrides)
    return Lesson(
        id=q.id,
        title=q.title(),
        topic=q.topic,
        difficulty=q.difficulty,
        background=q.cluster,
        goal=[table],
        source=q.bank or "<quiz>",
    )


def _matrix_report(
    q: MatrixQuestion, overrides: list[TableOverride], ipblocks: IPBlockMode = "pods"
) -> CheckReport:
    return check(
        _matrix_lesson(q, overrides), q.policies, source=POLICIES_SOURCE, ipblocks=ipblocks
    )


def matrix_key(q: MatrixQuestion) -> MatrixKey:
    """Evaluate the question's cluster and policies: every cell of its matrix (cached)."""
    if q._key is not None:
        return q._key
    report = _matrix_report(q, [])
    problems = [*report.lesson_problems, *report.problems]
    ev = report.evaluator
    aliases: dict[str, str] = {}
    ids: list[str] = []
    kinds: dict[str, str] = {}
    names = q.nodes if q.nodes is not None else [p.id for p in ev.pods]
    for text in names:
        t = resolve(ev, text, as_source=False)
        if isinstance(t, Unresolved):
            problems.append(
                Problem(
                    "error",
                    f"matrix node {text!r}: {t.reason}",
                    hint=t.hint,
                    code="quiz-matrix-node",
                )
            )
            continue
        did = display(t)
        aliases[_canonical_name(text)] = did
        aliases[did] = did
        if did not in ids:
            ids.append(did)
            kinds[did] = (
                "service" if isinstance(t, Service) else "pod" if isinstance(t, Pod) else "ext"
            )
    cells: dict[tuple[str, str], bool] = {}
    for cell in report.results[-1].cells:
        cells[(cell.source, cell.destination)] = cell.actual
    sources = [i for i in ids if kinds[i] != "service"]
    key = MatrixKey(
        port=q.port,
        sources=sources,
        destinations=list(ids),
        cells=cells,
        problems=problems,
        aliases=aliases,
        pods=list(report.cluster.pods),
        services=list(report.cluster.services),
    )
    q._key = key
    return key


def matrix_cells(q: MatrixQuestion) -> list[tuple[str, str]]:
    """The cells the learner fills in, row by row."""
    key = matrix_key(q)
    return [(s, d) for s in key.sources for d in key.destinations if (s, d) in key.cells]


def cluster_summary(cluster_yaml: str) -> list[str]:
    """Plain lines describing a cluster: nodes, namespaces, pods with labels and ports, Services."""
    docs, problems = load_text(cluster_yaml, CLUSTER_SOURCE)
    cluster = build_cluster(docs, problems)
    lines: list[str] = []

    def labels(d: Mapping[str, str]) -> str:
        shown = {k: v for k, v in d.items() if k != "kubernetes.io/metadata.name"}
        return ", ".join(f"{k}={v}" for k, v in sorted(shown.items())) or "no labels"

    for node in cluster.nodes:
        lines.append(f"node {node.name} at {', '.join(node.addresses) or 'no address given'}")
    for ns in cluster.namespaces.values():
        if not ns.declared:
            continue
        extra = labels(ns.labels)
        lines.append(f"namespace {ns.name}" + (f" [{extra}]" if extra != "no labels" else ""))
    for pod in cluster.pods:
        ports = ", ".join(
            f"{p.port}/{p.protocol}" + (f" ({p.name})" if p.name else "") for p in pod.ports
        )
        lines.append(
            f"pod {pod.id} [{labels(pod.labels)}]" + (f" listens on {ports}" if ports else "")
        )
    for svc in cluster.services:
        sel = ", ".join(f"{k}={v}" for k, v in sorted((svc.selector or {}).items()))
        ports = ", ".join(
            f"{p.port}/{p.protocol} -> targetPort {p.target_port}"
            + (f", nodePort {p.node_port}" if p.node_port else "")
            for p in svc.ports
        )
        kind = svc.type
        if svc.external_traffic_policy is not None:
            kind += f", externalTrafficPolicy {svc.external_traffic_policy}"
        lines.append(f"Service {svc.id} ({kind}, selector {sel or 'none'}): {ports}")
    return lines
