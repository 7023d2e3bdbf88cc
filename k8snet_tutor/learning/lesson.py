"""Lesson files: the format of `lessons/README.md`, read with positions, and found on disk.

A lesson is one YAML file. `load_lesson(path)` reads it into a `Lesson` (its goal already parsed
into typed checks) or returns schema problems with file, line and column; it never raises for
bad input. `discover()` finds the built-in lessons plus instructor folders and sorts them into a
`LessonSet`. Grading the learner's YAML against a lesson's goal lives in `checks.py`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

import k8snet_tutor
from k8snet_tutor.core.manifests import Document, load_text
from k8snet_tutor.core.ports import PortProbe
from k8snet_tutor.core.problems import FieldPath, Problem, Severity, format_path
from k8snet_tutor.learning.locations import lesson_dirs_from_env

FORMAT_VERSION = 1
SUPPORTED_FORMATS = frozenset({1})
TOPICS = ("pods", "labels", "services", "policies", "debugging", "legacy")
DIFFICULTIES = (1, 2, 3)
ID_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\Z")
LESSON_SUFFIXES = (".yaml", ".yml")
QUIZ_FOLDER = "quizzes"
MAX_LESSON_BYTES = 4 * 1024 * 1024
DEFAULT_ORDER = 1000
DEFAULT_MINUTES = 5

KNOWN_FIELDS = (
    "format",
    "id",
    "title",
    "topic",
    "difficulty",
    "minutes",
    "order",
    "prerequisites",
    "exploration",
    "introduction",
    "background",
    "starter",
    "solution",
    "goal",
    "hints",
    "explanation",
    "remember",
)
COMMON_CHECK_KEYS = ("id", "description", "hint")

Role = Literal["endpoint", "source", "destination", "pod", "service", "policy"]


def verdict(allowed: bool) -> str:
    return "allowed" if allowed else "denied"


def qualify(name: str) -> str:
    """`web` -> `default/web`; `shop/web` unchanged."""
    return name if "/" in name else f"default/{name}"


def service_id(name: str) -> str:
    """`svc:shop/web`, `shop/web` or `web` -> `shop/web` (the Service's namespace/name)."""
    raw = name.strip()
    for prefix in ("svc:", "service:"):
        if raw.startswith(prefix):
            raw = raw[len(prefix) :]
    return qualify(raw)


# --------------------------------------------------------------------------------------------
# Checks, as written in a lesson's `goal`


@dataclass(frozen=True)
class NameRef:
    """A name a check uses (for lint: it must exist in the background plus the solution)."""

    text: str
    role: Role
    path: FieldPath


@dataclass(kw_only=True)
class Check:
    """One item of a lesson's goal. Subclasses add the check's own fields."""

    type: ClassVar[str] = ""

    id: str
    description: str = ""
    hint: str | None = None
    path: FieldPath = ()  # where the check is written, e.g. ("goal", 2)
    custom_description: bool = False

    def default_description(self) -> str:
        return self.type

    def details(self) -> list[str]:
        """The check in readable lines (for `lessons show` and the TUI's goal list)."""
        return []

    def names(self) -> list[NameRef]:
        return []


@dataclass(frozen=True)
class Probe:
    source: str
    destination: str
    port: PortProbe
    expect: bool
    path: FieldPath = ()

    def text(self) -> str:
        return f"{self.source} -> {self.destination} on {self.port}: {verdict(self.expect)}"


@dataclass(kw_only=True)
class ProbesCheck(Check):
    type: ClassVar[str] = "probes"
    probes: list[Probe]

    def default_description(self) -> str:
        if len(self.probes) == 1:
            return f"{self.probes[0].text()}"
        return f"These {len(self.probes)} connections behave as the goal says"

    def details(self) -> list[str]:
        return [p.text() for p in self.probes]

    def names(self) -> list[NameRef]:
        out: list[NameRef] = []
        for p in self.probes:
            out.append(NameRef(p.source, "source", (*p.path, "from")))
            out.append(NameRef(p.destination, "destination", (*p.path, "to")))
        return out


@dataclass(frozen=True)
class TableOverride:
    source: str | None
    destination: str | None
    expect: bool
    path: FieldPath = ()

    def text(self) -> str:
        src = self.source or "every source"
        dst = self.destination or "every destination"
        return f"{src} -> {dst}: {verdict(self.expect)}"


@dataclass(kw_only=True)
class TableCheck(Check):
    type: ClassVar[str] = "table"
    port: PortProbe
    nodes: list[str] | None = None
    default: bool = True
    overrides: list[TableOverride] = field(default_factory=list)

    def default_description(self) -> str:
        among = "the listed peers" if self.nodes else "all pods"
        extra = f", except {len(self.overrides)} listed case(s)" if self.overrides else ""
        return f"On {self.port}, connections among {among} are {verdict(self.default)}{extra}"

    def details(self) -> list[str]:
        nodes = ", ".join(self.nodes) if self.nodes else "every pod"
        out = [f"between {nodes} on {self.port}: {verdict(self.default)} by default"]
        out.extend(f"except {o.text()}" for o in self.overrides)
        return out

    def names(self) -> list[NameRef]:
        out = [
            NameRef(n, "endpoint", (*self.path, "table", "nodes", i))
            for i, n in enumerate(self.nodes or [])
        ]
        for o in self.overrides:
            if o.source is not None:
                out.append(NameRef(o.source, "source", (*o.path, "from")))
            if o.destination is not None:
                out.append(NameRef(o.destination, "destination", (*o.path, "to")))
        return out


@dataclass(kw_only=True)
class EndpointsCheck(Check):
    type: ClassVar[str] = "endpoints"
    service: str
    pods: list[str]

    def default_description(self) -> str:
        pods = ", ".join(qualify(p) for p in self.pods) or "no pods"
        return f"Service {service_id(self.service)} has exactly these endpoints: {pods}"

    def names(self) -> list[NameRef]:
        base = (*self.path, "endpoints")
        out = [NameRef(self.service, "service", (*base, "service"))]
        out.extend(NameRef(p, "pod", (*base, "pods", i)) for i, p in enumerate(self.pods))
        return out


@dataclass(kw_only=True)
class ServicePortCheck(Check):
    type: ClassVar[str] = "service_port"
    service: str
    port: PortProbe
    target: int | str

    def default_description(self) -> str:
        return (
            f"Service {service_id(self.service)} port {self.port} reaches every endpoint "
            f"on {self.target}"
        )

    def names(self) -> list[NameRef]:
        return [NameRef(self.service, "service", (*self.path, "service_port", "service"))]


@dataclass(kw_only=True)
class ExposedCheck(Check):
    type: ClassVar[str] = "exposed"
    service: str
    external: bool

    def default_description(self) -> str:
        sid = service_id(self.service)
        if self.external:
            return f"Service {sid} is reachable from outside the cluster (NodePort or LoadBalancer)"
        return f"Service {sid} is only reachable inside the cluster (ClusterIP)"

    def names(self) -> list[NameRef]:
        return [NameRef(self.service, "service", (*self.path, "exposed", "service"))]


@dataclass(kw_only=True)
class UniquePortsCheck(Check):
    type: ClassVar[str] = "unique_ports"
    pod: str | None = None

    def default_description(self) -> str:
        if self.pod:
            return f"No two containers of {qualify(self.pod)} listen on the same port"
        return "No two containers of one pod listen on the same port"

    def names(self) -> list[NameRef]:
        if self.pod is None:
            return []
        return [NameRef(self.pod, "pod", (*self.path, "unique_ports", "pod"))]


@dataclass(kw_only=True)
class LabelsCheck(Check):
    type: ClassVar[str] = "labels"
    pod: str
    labels: dict[str, str]

    def default_description(self) -> str:
        pairs = ", ".join(f"{k}={v}" for k, v in self.labels.items())
        return f"{qualify(self.pod)} has the labels {pairs}"

    def names(self) -> list[NameRef]:
        return [NameRef(self.pod, "pod", (*self.path, "labels", "pod"))]


@dataclass(kw_only=True)
class SelectsCheck(Check):
    type: ClassVar[str] = "selects"
    policy: str | None = None
    service: str | None = None
    pods: list[str] = field(default_factory=list)

    def default_description(self) -> str:
        pods = ", ".join(qualify(p) for p in self.pods) or "no pods"
        if self.policy is not None:
            return f"Policy {qualify(self.policy)} selects exactly: {pods}"
        return f"Service {service_id(self.service or '')} selects exactly: {pods}"

    def names(self) -> list[NameRef]:
        base = (*self.path, "selects")
        out: list[NameRef] = []
        if self.policy is not None:
            out.append(NameRef(self.policy, "policy", (*base, "policy")))
        if self.service is not None:
            out.append(NameRef(self.service, "service", (*base, "service")))
        out.extend(NameRef(p, "pod", (*base, "pods", i)) for i, p in enumerate(self.pods))
        return out


@dataclass(kw_only=True)
class MaxPoliciesCheck(Check):
    type: ClassVar[str] = "max_policies"
    count: int

    def default_description(self) -> str:
        return f"Your YAML has at most {self.count} NetworkPolic{'y' if self.count == 1 else 'ies'}"


@dataclass(kw_only=True)
class ForbidCheck(Check):
    type: ClassVar[str] = "forbid"
    field: str

    def default_description(self) -> str:
        return f"Your YAML does not use `{self.field}`"


@dataclass(kw_only=True)
class RequireCheck(Check):
    type: ClassVar[str] = "require"
    field: str

    def default_description(self) -> str:
        return f"Your YAML uses `{self.field}`"


@dataclass(kw_only=True)
class ObjectsCheck(Check):
    type: ClassVar[str] = "objects"
    kind: str
    count: int

    def default_description(self) -> str:
        return f"Your YAML has exactly {self.count} object(s) of kind {self.kind}"


CHECK_TYPES: dict[str, type[Check]] = {
    cls.type: cls
    for cls in (
        ProbesCheck,
        TableCheck,
        EndpointsCheck,
        ServicePortCheck,
        ExposedCheck,
        UniquePortsCheck,
        LabelsCheck,
        SelectsCheck,
        MaxPoliciesCheck,
        ForbidCheck,
        RequireCheck,
        ObjectsCheck,
    )
}


# --------------------------------------------------------------------------------------------
# The lesson


class ContentFile:
    """Positions and problems in a content file (a lesson or a quiz bank): a mixin for the
    dataclasses of both, which provide `id`, `source`, `document` and `text`."""

    id: str
    source: str
    document: Document | None
    text: str
    object_word: ClassVar[str] = "lesson"
    default_code: ClassVar[str] = ""

    def position(self, path: FieldPath = ()) -> tuple[int | None, int | None]:
        """1-based (line, column) of a field of the file (or of its nearest ancestor)."""
        if self.document is None:
            return None, None
        pos = self.document.position(path)
        return pos if pos else (None, None)

    def block_at(
        self, path: FieldPath, line: int | None, column: int | None
    ) -> tuple[int | None, int | None]:
        """Map (line, column) inside a `key: |` block at `path` to the file; the key's own
        position when the block cannot be mapped."""
        key_line, key_col = self.position(path)
        if key_line is None or line is None or not self.text:
            return key_line, key_col
        lines = self.text.splitlines()
        head = lines[key_line - 1] if key_line - 1 < len(lines) else ""
        after = head.split(":", 1)[1].split("#", 1)[0].strip() if ":" in head else ""
        if not after.startswith(("|", ">")):
            return key_line, key_col
        for raw in lines[key_line:]:
            if raw.strip():
                indent = len(raw) - len(raw.lstrip(" "))
                return key_line + line, (indent + column) if column is not None else None
        return key_line, key_col

    def problem(
        self,
        path: FieldPath,
        message: str,
        *,
        severity: Severity = "error",
        hint: str | None = None,
        code: str | None = None,
        obj: str | None = None,
    ) -> Problem:
        line, column = self.position(path)
        return Problem(
            severity,
            message,
            file=self.source,
            line=line,
            column=column,
            obj=obj or f"{self.object_word} {self.id}",
            field=format_path(path) or None,
            hint=hint,
            code=self.default_code if code is None else code,
        )


@dataclass
class Lesson(ContentFile):
    """One lesson file, parsed. Text fields are Markdown (prose) or YAML (clusters)."""

    id: str
    title: str
    topic: str
    difficulty: int
    minutes: int = DEFAULT_MINUTES
    order: int = DEFAULT_ORDER
    prerequisites: list[str] = field(default_factory=list)
    exploration: bool = False
    introduction: str = ""
    background: str = ""
    starter: str = ""
    solution: str = ""
    goal: list[Check] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    explanation: str = ""
    remember: str = ""
    format: int = FORMAT_VERSION
    path: Path | None = None
    source: str = "<lesson>"  # the file name used in messages
    extra: dict[str, Any] = field(default_factory=dict)  # unknown top-level fields, kept as read
    document: Document | None = field(default=None, repr=False, compare=False)
    text: str = field(default="", repr=False, compare=False)  # the lesson file as read

    def block_position(
        self, name: str, line: int | None, column: int | None
    ) -> tuple[int | None, int | None]:
        """Map (line, column) inside a `name: |` block (background, starter, solution) to the
        lesson file. Falls back to the field's own position when the block cannot be mapped."""
        return self.block_at((name,), line, column)

    def check_by_id(self, check_id: str) -> Check | None:
        for c in self.goal:
            if c.id == check_id:
                return c
        return None


# --------------------------------------------------------------------------------------------
# Reading


class _Reader:
    """Typed access to the lesson document, turning every mismatch into a positioned problem."""

    def __init__(self, doc: Document | None, source: str) -> None:
        self.doc = doc
        self.source = source
        self.problems: list[Problem] = []

    def report(
        self,
        path: FieldPath,
        message: str,
        hint: str | None = None,
        *,
        severity: Severity = "error",
        code: str = "lesson-schema",
    ) -> None:
        pos = self.doc.position(path) if self.doc else None
        line, column = pos if pos else (None, None)
        self.problems.append(
            Problem(
                severity,
                message,
                file=self.source,
                line=line,
                column=column,
                field=format_path(path) or None,
                hint=hint,
                code=code,
            )
        )

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    # -- scalars ----------------------------------------------------------------------------

    def text(self, value: Any, path: FieldPath, *, what: str = "text") -> str | None:
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        self.report(
            path,
            f"`{format_path(path)}` should be {what}, not {_type_name(value)}",
            "write it as a string; for several lines use `|` and indent the text below it",
        )
        return None

    def name(self, value: Any, path: FieldPath, what: str) -> str | None:
        if isinstance(value, str) and value.strip():
            return value.strip()
        if value is None:
            self.report(path, f"missing {what}", f"write {what} here")
        else:
            self.report(path, f"{what} should be a string, not {_type_name(value)}")
        return None

    def integer(
        self, value: Any, path: FieldPath, what: str, *, minimum: int | None = None
    ) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(path, f"{what} should be a whole number, not {_type_name(value)}")
            return None
        if minimum is not None and value < minimum:
            self.report(path, f"{what} should be at least {minimum}, not {value}")
            return None
        return value

    def boolean(self, value: Any, path: FieldPath, what: str) -> bool | None:
        if isinstance(value, bool):
            return value
        self.report(path, f"{what} should be true or false, not {_type_name(value)}")
        return None

    def expect(self, value: Any, path: FieldPath) -> bool | None:
        if value in ("allowed", "denied"):
            return bool(value == "allowed")
        if value is None:
            self.report(path, "missing `expect`", "write `expect: allowed` or `expect: denied`")
        else:
            self.report(
                path,
                f"`expect` should be `allowed` or `denied`, not {value!r}",
                "write `expect: allowed` or `expect: denied`",
            )
        return None

    def port(self, value: Any, path: FieldPath) -> PortProbe | None:
        if value is None:
            self.report(path, "missing `port`", "write a port like `80/TCP`, `53/UDP` or `8080`")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            self.report(path, f"a port should be like `80/TCP`, not {_type_name(value)}")
            return None
        try:
            return PortProbe.parse(str(value))
        except ValueError as exc:
            self.report(path, f"bad port {value!r}: {exc}", "write a port like `80/TCP`")
            return None

    def string_list(self, value: Any, path: FieldPath, what: str) -> list[str] | None:
        if value is None:
            return []
        if not isinstance(value, list):
            self.report(path, f"{what} should be a list, not {_type_name(value)}", "write `[a, b]`")
            return None
        out: list[str] = []
        ok = True
        for i, item in enumerate(value):
            name = self.name(item, (*path, i), f"an item of {what}")
            if name is None:
                ok = False
            else:
                out.append(name)
        return out if ok else None

    def mapping(self, value: Any, path: FieldPath, what: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.report(
            path, f"{what} should be a mapping (`key: value` lines), not {_type_name(value)}"
        )
        return None

    def keys(
        self,
        raw: dict[str, Any],
        path: FieldPath,
        allowed: Sequence[str],
        required: Sequence[str] = (),
        what: str = "",
    ) -> bool:
        ok = True
        for key in raw:
            if key not in allowed:
                near = _closest(key, allowed)
                self.report(
                    (*path, key),
                    f"unknown key `{key}`{' in ' + what if what else ''}",
                    f"did you mean `{near}`?" if near else f"known keys: {', '.join(allowed)}",
                )
                ok = False
        for key in required:
            if key not in raw:
                self.report(path, f"missing `{key}`{' in ' + what if what else ''}")
                ok = False
        return ok


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int):
        return f"a number ({value})"
    if isinstance(value, float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _closest(word: str, options: Sequence[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return found[0] if found else None


# -- goal ---------------------------------------------------------------------------------


def _parse_probe(r: _Reader, raw: Any, path: FieldPath) -> Probe | None:
    m = r.mapping(raw, path, "a probe")
    if m is None:
        return None
    keys_ok = r.keys(m, path, ("from", "to", "port", "expect"), (), "a probe")
    src = r.name(m.get("from"), (*path, "from"), "`from` (a pod, `svc:ns/name` or an IP)")
    dst = r.name(m.get("to"), (*path, "to"), "`to` (a pod, `svc:ns/name` or an IP)")
    port = r.port(m.get("port"), (*path, "port"))
    expect = r.expect(m.get("expect"), (*path, "expect"))
    if not keys_ok or src is None or dst is None or port is None or expect is None:
        return None
    return Probe(src, dst, port, expect, path)


def _parse_check(r: _Reader, raw: Any, path: FieldPath, index: int) -> Check | None:
    m = r.mapping(raw, path, "a check")
    if m is None:
        return None
    types = [k for k in m if k in CHECK_TYPES]
    others = [k for k in m if k not in CHECK_TYPES and k not in COMMON_CHECK_KEYS]
    for key in others:
        near = _closest(key, [*CHECK_TYPES, *COMMON_CHECK_KEYS])
        r.report(
            (*path, key),
            f"unknown key `{key}` in a check",
            f"did you mean `{near}`?" if near else f"a check is one of: {', '.join(CHECK_TYPES)}",
        )
    if len(types) != 1:
        if not types and not others:
            r.report(path, "this check has no type", f"a check is one of: {', '.join(CHECK_TYPES)}")
        elif not types:
            pass  # the unknown key reported above is the likely typo
        else:
            r.report(
                (*path, types[1]),
                f"one check item has several types ({', '.join(types)})",
                "write each check as its own list item (`- probes: ...`, `- table: ...`)",
            )
        return None
    if others:
        return None
    kind = types[0]
    common: dict[str, Any] = {"path": path}
    cid = m.get("id")
    if cid is not None and (not isinstance(cid, str) or not cid.strip()):
        r.report((*path, "id"), "a check's `id` should be a non-empty string")
        return None
    common["id"] = cid.strip() if isinstance(cid, str) else f"{kind}-{index + 1}"
    desc = m.get("description")
    if desc is not None:
        text = r.text(desc, (*path, "description"))
        if text is None:
            return None
        common["description"] = text.strip()
        common["custom_description"] = bool(text.strip())
    hint = m.get("hint")
    if hint is not None:
        text = r.text(hint, (*path, "hint"))
        if text is None:
            return None
        common["hint"] = text.strip() or None
    body = m[kind]
    bpath = (*path, kind)
    check = _PARSERS[kind](r, body, bpath, common)
    if check is not None and not check.description:
        check.description = check.default_description()
    return check


def _parse_probes(r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]) -> Check | None:
    if not isinstance(body, list) or not body:
        r.report(
            path,
            "`probes` should be a non-empty list of probes",
            "write `- {from: default/client, to: default/web, port: 80/TCP, expect: allowed}`",
        )
        return None
    probes = [_parse_probe(r, item, (*path, i)) for i, item in enumerate(body)]
    if any(p is None for p in probes):
        return None
    return ProbesCheck(probes=[p for p in probes if p is not None], **common)


def _parse_table(r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]) -> Check | None:
    m = r.mapping(body, path, "`table`")
    if m is None:
        return None
    if not r.keys(
        m, path, ("port", "nodes", "default", "overrides"), ("port", "default"), "a table"
    ):
        return None
    port = r.port(m.get("port"), (*path, "port"))
    nodes: list[str] | None = None
    ok = port is not None
    if m.get("nodes") is not None:
        nodes = r.string_list(m.get("nodes"), (*path, "nodes"), "`nodes`")
        if nodes is None:
            ok = False
        elif not nodes:
            r.report(
                (*path, "nodes"),
                "`nodes` is empty",
                "list the pods, or leave `nodes` out for all pods",
            )
            ok = False
    default = r.expect(m.get("default"), (*path, "default"))
    overrides: list[TableOverride] = []
    raw_overrides = m.get("overrides")
    if raw_overrides is not None and not isinstance(raw_overrides, list):
        r.report((*path, "overrides"), "`overrides` should be a list")
        ok = False
    for i, item in enumerate(raw_overrides if isinstance(raw_overrides, list) else []):
        opath = (*path, "overrides", i)
        om = r.mapping(item, opath, "an override")
        if om is None or not r.keys(
            om, opath, ("from", "to", "expect"), ("expect",), "an override"
        ):
            ok = False
            continue
        src = r.name(om["from"], (*opath, "from"), "`from`") if "from" in om else None
        dst = r.name(om["to"], (*opath, "to"), "`to`") if "to" in om else None
        exp = r.expect(om.get("expect"), (*opath, "expect"))
        if exp is None or ("from" in om and src is None) or ("to" in om and dst is None):
            ok = False
            continue
        overrides.append(TableOverride(src, dst, exp, opath))
    if not ok or port is None or default is None:
        return None
    return TableCheck(port=port, nodes=nodes, default=default, overrides=overrides, **common)


def _parse_endpoints(
    r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]
) -> Check | None:
    m = r.mapping(body, path, "`endpoints`")
    if m is None or not r.keys(m, path, ("service", "pods"), ("service", "pods"), "`endpoints`"):
        return None
    svc = r.name(m.get("service"), (*path, "service"), "`service`")
    pods = r.string_list(m.get("pods"), (*path, "pods"), "`pods`")
    if svc is None or pods is None:
        return None
    return EndpointsCheck(service=svc, pods=pods, **common)


def _parse_service_port(
    r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]
) -> Check | None:
    m = r.mapping(body, path, "`service_port`")
    if m is None or not r.keys(
        m, path, ("service", "port", "target"), ("service", "port", "target"), "`service_port`"
    ):
        return None
    svc = r.name(m.get("service"), (*path, "service"), "`service`")
    port = r.port(m.get("port"), (*path, "port"))
    target = m.get("target")
    if isinstance(target, str) and target.isdigit():
        target = int(target)
    if isinstance(target, bool) or not isinstance(target, (int, str)) or target == "":
        r.report((*path, "target"), "`target` should be a port number or a container port name")
        return None
    if svc is None or port is None:
        return None
    return ServicePortCheck(service=svc, port=port, target=target, **common)


def _parse_exposed(r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]) -> Check | None:
    m = r.mapping(body, path, "`exposed`")
    if m is None or not r.keys(m, path, ("service", "external"), ("service",), "`exposed`"):
        return None
    svc = r.name(m.get("service"), (*path, "service"), "`service`")
    external = r.boolean(m.get("external", True), (*path, "external"), "`external`")
    if svc is None or external is None:
        return None
    return ExposedCheck(service=svc, external=external, **common)


def _parse_unique_ports(
    r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]
) -> Check | None:
    if body is None or body is True:
        return UniquePortsCheck(**common)
    m = r.mapping(body, path, "`unique_ports`")
    if m is None or not r.keys(m, path, ("pod",), (), "`unique_ports`"):
        return None
    pod = None
    if m.get("pod") is not None:
        pod = r.name(m.get("pod"), (*path, "pod"), "`pod`")
        if pod is None:
            return None
    return UniquePortsCheck(pod=pod, **common)


def _parse_labels(r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]) -> Check | None:
    m = r.mapping(body, path, "`labels`")
    if m is None or not r.keys(m, path, ("pod", "labels"), ("pod", "labels"), "`labels`"):
        return None
    pod = r.name(m.get("pod"), (*path, "pod"), "`pod`")
    raw = r.mapping(m.get("labels"), (*path, "labels"), "`labels`")
    if pod is None or raw is None:
        return None
    labels: dict[str, str] = {}
    for k, v in raw.items():
        if not isinstance(v, str):
            r.report(
                (*path, "labels", k),
                f"label values are strings; {k}: {v!r} is {_type_name(v)}",
                f'quote it: `{k}: "{str(v).lower() if isinstance(v, bool) else v}"`',
            )
            return None
        labels[str(k)] = v
    return LabelsCheck(pod=pod, labels=labels, **common)


def _parse_selects(r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]) -> Check | None:
    m = r.mapping(body, path, "`selects`")
    if m is None or not r.keys(m, path, ("policy", "service", "pods"), ("pods",), "`selects`"):
        return None
    if ("policy" in m) == ("service" in m):
        r.report(path, "`selects` needs exactly one of `policy` or `service`")
        return None
    policy = r.name(m["policy"], (*path, "policy"), "`policy`") if "policy" in m else None
    service = r.name(m["service"], (*path, "service"), "`service`") if "service" in m else None
    pods = r.string_list(m.get("pods"), (*path, "pods"), "`pods`")
    if pods is None or (policy is None and service is None):
        return None
    return SelectsCheck(policy=policy, service=service, pods=pods, **common)


def _parse_max_policies(
    r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]
) -> Check | None:
    count = r.integer(body, path, "`max_policies`", minimum=0)
    return None if count is None else MaxPoliciesCheck(count=count, **common)


def _parse_field_check(cls: type[ForbidCheck] | type[RequireCheck]) -> _Parser:
    def parse(r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]) -> Check | None:
        if isinstance(body, str):
            name: str | None = body.strip() or None
        else:
            m = r.mapping(body, path, f"`{cls.type}`")
            if m is None or not r.keys(m, path, ("field",), ("field",), f"`{cls.type}`"):
                return None
            name = r.name(m.get("field"), (*path, "field"), "`field`")
        if name is None:
            return None
        return cls(field=name, **common)

    return parse


def _parse_objects(r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]) -> Check | None:
    m = r.mapping(body, path, "`objects`")
    if m is None or not r.keys(m, path, ("kind", "count"), ("kind", "count"), "`objects`"):
        return None
    kind = r.name(m.get("kind"), (*path, "kind"), "`kind`")
    count = r.integer(m.get("count"), (*path, "count"), "`count`", minimum=0)
    if kind is None or count is None:
        return None
    return ObjectsCheck(kind=kind, count=count, **common)


_Parser = Callable[[_Reader, Any, FieldPath, dict[str, Any]], "Check | None"]

_PARSERS: dict[str, _Parser] = {
    "probes": _parse_probes,
    "table": _parse_table,
    "endpoints": _parse_endpoints,
    "service_port": _parse_service_port,
    "exposed": _parse_exposed,
    "unique_ports": _parse_unique_ports,
    "labels": _parse_labels,
    "selects": _parse_selects,
    "max_policies": _parse_max_policies,
    "forbid": _parse_field_check(ForbidCheck),
    "require": _parse_field_check(RequireCheck),
    "objects": _parse_objects,
}


# -- the whole file -----------------------------------------------------------------------


def parse_lesson(
    text: str, source: str = "<lesson>", path: Path | None = None
) -> tuple[Lesson | None, list[Problem]]:
    """Parse lesson text. Returns (lesson, problems); the lesson is None when any is an error."""
    docs, load_problems = load_text(text, source)
    problems = list(load_problems)
    if any(p.severity == "error" for p in problems):
        return None, problems
    docs = [d for d in docs if d.data is not None]
    if len(docs) != 1:
        if not docs:
            problems.append(
                Problem(
                    "error",
                    "the lesson file is empty",
                    file=source,
                    line=1,
                    column=1,
                    hint="start from `k8snet-tutor lessons new ID`",
                    code="lesson-schema",
                )
            )
        else:
            line, col = docs[1].position() or (None, None)
            problems.append(
                Problem(
                    "error",
                    f"a lesson file holds exactly one YAML document, this one has {len(docs)}",
                    file=source,
                    line=line,
                    column=col,
                    hint="put the cluster objects inside `background:` or `solution:` "
                    "as a `|` block, not as separate documents",
                    code="lesson-schema",
                )
            )
        return None, problems
    doc = docs[0]
    r = _Reader(doc, source)
    raw = r.mapping(doc.data, (), "the lesson")
    if raw is None:
        return None, problems + r.problems

    # Format first: a newer format may mean anything below is unreadable.
    fmt = raw.get("format")
    if fmt is None:
        r.report((), "missing `format`", f"write `format: {FORMAT_VERSION}` at the top")
    elif isinstance(fmt, bool) or not isinstance(fmt, int):
        r.report(("format",), f"`format` should be a number, not {_type_name(fmt)}")
    elif fmt not in SUPPORTED_FORMATS:
        newest = max(SUPPORTED_FORMATS)
        r.report(
            ("format",),
            f"this lesson uses format {fmt}, but this version of k8snet-tutor reads format "
            f"{', '.join(str(f) for f in sorted(SUPPORTED_FORMATS))}",
            "upgrade k8snet-tutor" if fmt > newest else f"use `format: {newest}`",
            code="lesson-format",
        )
        return None, problems + r.problems

    extra: dict[str, Any] = {}
    for key in raw:
        if key not in KNOWN_FIELDS:
            near = _closest(str(key), KNOWN_FIELDS)
            r.report(
                (key,),
                f"unknown lesson field `{key}` (ignored)",
                f"did you mean `{near}`?" if near else "see lessons/README.md for the fields",
                severity="warning",
                code="lesson-unknown-field",
            )
            extra[str(key)] = raw[key]

    lesson_id = raw.get("id")
    if lesson_id is None:
        r.report((), "missing `id`", "write `id: my-lesson` (lowercase letters, digits and '-')")
    elif not isinstance(lesson_id, str) or not ID_PATTERN.match(lesson_id):
        r.report(
            ("id",),
            f"bad lesson id {lesson_id!r}: use lowercase letters, digits and '-'",
            "for example `id: first-policy`",
        )
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        r.report(
            ("title",) if "title" in raw else (),
            "missing or empty `title`",
            'write `title: "What this lesson teaches"`',
        )
    topic = raw.get("topic")
    if topic not in TOPICS:
        r.report(
            ("topic",) if "topic" in raw else (),
            f"`topic` should be one of {', '.join(TOPICS)}"
            + (f", not {topic!r}" if topic is not None else ""),
            code="lesson-topic",
        )
    difficulty = raw.get("difficulty")
    if isinstance(difficulty, bool) or difficulty not in DIFFICULTIES:
        r.report(
            ("difficulty",) if "difficulty" in raw else (),
            "`difficulty` should be 1 (beginner), 2 or 3 (advanced)"
            + (f", not {difficulty!r}" if difficulty is not None else ""),
            code="lesson-difficulty",
        )
    minutes = (
        r.integer(raw["minutes"], ("minutes",), "`minutes`", minimum=1)
        if raw.get("minutes") is not None
        else DEFAULT_MINUTES
    )
    order = (
        r.integer(raw["order"], ("order",), "`order`")
        if raw.get("order") is not None
        else DEFAULT_ORDER
    )
    prerequisites = r.string_list(raw.get("prerequisites"), ("prerequisites",), "`prerequisites`")
    exploration = (
        r.boolean(raw["exploration"], ("exploration",), "`exploration`")
        if raw.get("exploration") is not None
        else False
    )
    texts: dict[str, str] = {}
    for key in ("introduction", "background", "starter", "solution", "explanation", "remember"):
        value = r.text(raw.get(key), (key,))
        texts[key] = value if value is not None else ""
    hints: list[str] = []
    raw_hints = raw.get("hints")
    if isinstance(raw_hints, str):
        raw_hints = [raw_hints]
    if raw_hints is not None and not isinstance(raw_hints, list):
        r.report(("hints",), "`hints` should be a list of strings", '- "First hint"')
    for i, h in enumerate(raw_hints if isinstance(raw_hints, list) else []):
        if not isinstance(h, str):
            r.report(
                ("hints", i),
                f"a hint should be a string, not {_type_name(h)}",
                "quote it if it contains `: ` or starts with a special character",
            )
        elif h.strip():
            hints.append(h.strip())

    goal: list[Check] = []
    raw_goal = raw.get("goal")
    if raw_goal is None:
        if not exploration:
            r.report(
                (), "missing `goal`", "add `goal:` with a list of checks (see lessons/README.md)"
            )
    elif not isinstance(raw_goal, list):
        r.report(
            ("goal",),
            f"`goal` should be a list of checks, not {_type_name(raw_goal)}",
            "write `goal:` and one `- probes: ...` (or other check) per line below it",
        )
    else:
        for i, item in enumerate(raw_goal):
            check = _parse_check(r, item, ("goal", i), i)
            if check is not None:
                goal.append(check)

    if r.failed or any(p.severity == "error" for p in problems):
        return None, problems + r.problems
    assert isinstance(lesson_id, str) and isinstance(title, str) and isinstance(topic, str)
    assert isinstance(difficulty, int) and minutes is not None and order is not None
    assert prerequisites is not None and exploration is not None and isinstance(fmt, int)
    lesson = Lesson(
        id=lesson_id,
        title=title.strip(),
        topic=topic,
        difficulty=difficulty,
        minutes=minutes,
        order=order,
        prerequisites=prerequisites,
        exploration=exploration,
        introduction=texts["introduction"],
        background=texts["background"],
        starter=texts["starter"],
        solution=texts["solution"],
        goal=goal,
        hints=hints,
        explanation=texts["explanation"],
        remember=texts["remember"].strip(),
        format=fmt,
        path=path,
        source=source,
        extra=extra,
        document=doc,
        text=text,
    )
    return lesson, problems + r.problems


def read_text_file(
    path: str | os.PathLike[str], what: str, max_bytes: int, code: str
) -> tuple[str | None, Problem | None]:
    """Read a UTF-8 content file (a lesson, a quiz bank) with a size limit: the text, or a
    problem naming `what` it is. Codes are `<code>-too-large`, `-unreadable`, `-encoding`."""
    source = str(path)
    p = Path(path)
    try:
        if p.stat().st_size > max_bytes:
            return None, Problem(
                "error",
                f"the {what} file is larger than {max_bytes // 1024 // 1024} MiB",
                file=source,
                code=f"{code}-too-large",
            )
        raw = p.read_bytes()
    except OSError as exc:
        return None, Problem(
            "error",
            f"cannot read the {what} file: {exc.strerror or exc}",
            file=source,
            code=f"{code}-unreadable",
        )
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return None, Problem(
            "error",
            f"the {what} file is not UTF-8 text (byte {exc.start})",
            file=source,
            hint="save it as UTF-8",
            code=f"{code}-encoding",
        )


def load_lesson(path: str | os.PathLike[str]) -> tuple[Lesson | None, list[Problem]]:
    """Read one lesson file. Never raises for bad input: problems carry file:line:column."""
    text, problem = read_text_file(path, "lesson", MAX_LESSON_BYTES, "lesson")
    if text is None:
        return None, [problem] if problem else []
    return parse_lesson(text, str(path), Path(path))


# --------------------------------------------------------------------------------------------
# Finding lessons


def builtin_lessons_dir() -> Path:
    """The built-in lessons: packaged as `k8snet_tutor/lessons/` in a wheel, or the checkout's
    top-level `lessons/` folder."""
    packaged = Path(k8snet_tutor.__file__).resolve().parent / "lessons"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "lessons"
    if checkout.is_dir():
        return checkout
    return packaged


def lesson_files(folder: Path) -> list[Path]:
    """The lesson files directly inside `folder` (not `quizzes/`, not hidden files), sorted."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [
        e
        for e in entries
        if e.suffix.lower() in LESSON_SUFFIXES and not e.name.startswith((".", "_")) and e.is_file()
    ]


@dataclass
class LessonSet:
    """The lessons found, sorted by `order` then id, and the problems met while loading them."""

    lessons: list[Lesson] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)

    def __iter__(self) -> Iterator[Lesson]:
        return iter(self.lessons)

    def __len__(self) -> int:
        return len(self.lessons)

    def __contains__(self, lesson_id: object) -> bool:
        return any(lesson.id == lesson_id for lesson in self.lessons)

    def get(self, lesson_id: str) -> Lesson | None:
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        return None

    def ids(self) -> list[str]:
        return [lesson.id for lesson in self.lessons]

    def index(self, lesson_id: str) -> int | None:
        for i, lesson in enumerate(self.lessons):
            if lesson.id == lesson_id:
                return i
        return None

    def next_lesson(self, lesson_id: str) -> Lesson | None:
        i = self.index(lesson_id)
        if i is None or i + 1 >= len(self.lessons):
            return None
        return self.lessons[i + 1]

    def previous_lesson(self, lesson_id: str) -> Lesson | None:
        i = self.index(lesson_id)
        if i is None or i == 0:
            return None
        return self.lessons[i - 1]

    def by_topic(self) -> dict[str, list[Lesson]]:
        out: dict[str, list[Lesson]] = {}
        for lesson in self.lessons:
            out.setdefault(lesson.topic, []).append(lesson)
        return out

    def missing_prerequisites(self, lesson_id: str, completed: set[str]) -> list[str]:
        lesson = self.get(lesson_id)
        if lesson is None:
            return []
        return [p for p in lesson.prerequisites if p not in completed]


def discover(
    dirs: Sequence[str | os.PathLike[str]] | None = None,
    *,
    include_builtin: bool = True,
    include_env: bool = True,
) -> LessonSet:
    """Load the built-in lessons, then `$K8SNET_TUTOR_LESSONS` folders, then `dirs`.

    A lesson whose id was already loaded replaces the earlier one (an instructor can override a
    built-in lesson), with a warning. Files that do not load are left out; their problems are in
    `LessonSet.problems`. Never raises for bad input.
    """
    folders: list[Path] = []
    if include_builtin:
        folders.append(builtin_lessons_dir())
    if include_env:
        folders.extend(lesson_dirs_from_env())
    folders.extend(Path(d).expanduser() for d in dirs or ())
    result = LessonSet(folders=folders)
    by_id: dict[str, Lesson] = {}
    seen_folders: set[Path] = set()
    for i, folder in enumerate(folders):
        try:
            key = folder.resolve()
        except OSError:
            key = folder
        if key in seen_folders:
            continue
        seen_folders.add(key)
        if not folder.is_dir():
            if folder.is_file() and folder.suffix.lower() in LESSON_SUFFIXES:
                files = [folder]
            else:
                if not (include_builtin and i == 0):
                    result.problems.append(
                        Problem(
                            "warning",
                            "this lesson folder does not exist",
                            file=str(folder),
                            code="lesson-folder-missing",
                        )
                    )
                continue
        else:
            files = lesson_files(folder)
        for path in files:
            lesson, problems = load_lesson(path)
            result.problems.extend(problems)
            if lesson is None:
                continue
            earlier = by_id.get(lesson.id)
            if earlier is not None:
                line, col = lesson.position(("id",))
                result.problems.append(
                    Problem(
                        "warning",
                        f"lesson id {lesson.id!r} is also defined in {earlier.source}; "
                        "this file replaces it",
                        file=lesson.source,
                        line=line,
                        column=col,
                        code="lesson-duplicate-id",
                    )
                )
            by_id[lesson.id] = lesson
    result.lessons = sorted(by_id.values(), key=lambda lesson: (lesson.order, lesson.id))
    return result
