"""Grading: the learner's YAML plus the lesson's background, checked against the lesson's goal.

`check(lesson, learner_yaml)` never raises for bad input. Invalid learner YAML becomes a failing
check ("Your YAML is valid") listing each problem with its line and column; a name in the goal
that matches nothing becomes a failing check with the reason. Connection checks decide pass/fail
with the evaluator's class matrix and only explain the cells that are wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from k8snet_tutor.core.cluster import (
    Cluster,
    NetworkPolicy,
    Pod,
    Service,
)
from k8snet_tutor.core.endpoints import Unresolved, resolve
from k8snet_tutor.core.evaluate import Evaluator, External, IPBlockMode
from k8snet_tutor.core.explain import Explanation, explain
from k8snet_tutor.core.ipsets import value_text
from k8snet_tutor.core.manifests import Document
from k8snet_tutor.core.ports import PortProbe
from k8snet_tutor.core.problems import FieldPath, Problem, format_path
from k8snet_tutor.core.services import (
    endpoint_set,
    endpoints,
    find_port,
    reach_service,
    target_port,
)
from k8snet_tutor.core.validation import WORKLOAD_KINDS
from k8snet_tutor.core.verdict import allowed as cell_allowed
from k8snet_tutor.core.wording import is_address
from k8snet_tutor.learning.lesson import (
    Check,
    EndpointsCheck,
    ExposedCheck,
    ForbidCheck,
    HeadlessCheck,
    LabelsCheck,
    Lesson,
    MaxPoliciesCheck,
    ObjectsCheck,
    Probe,
    ProbesCheck,
    RequireCheck,
    SelectsCheck,
    ServicePortCheck,
    TableCheck,
    UniquePortsCheck,
    qualify,
    service_id,
    verdict,
)

LEARNER_SOURCE = "lesson.yaml"
BACKGROUND_SOURCE = "background"
VALID_CHECK_ID = "valid-yaml"
VALID_CHECK_DESCRIPTION = "Your YAML is valid"
MAX_REASONS = 12  # wrong cells listed in a check's reasons; the rest are counted

Target = Pod | Service | External


@dataclass
class CellResult:
    """One connection the goal has an expectation about.

    A wrong cell's `reason` (what happens, what the goal says, and why) and `explanation` (the
    evaluator's sentences) are worked out when first read, then kept: a screen that shows a few
    cells never pays for explaining all of them.
    """

    source: str
    destination: str
    port: str
    expected: bool
    actual: bool
    _detail: Callable[[], tuple[str, list[str]]] | None = field(
        default=None, repr=False, compare=False
    )
    _memo: list[tuple[str, list[str]]] = field(default_factory=list, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.expected == self.actual

    def _details(self) -> tuple[str, list[str]]:
        if not self._memo:
            self._memo.append(self._detail() if self._detail is not None else ("", []))
        return self._memo[0]

    @property
    def reason(self) -> str:
        """For a wrong cell: what happens, what the goal says, and why ("" for a right one)."""
        return self._details()[0]

    @property
    def explanation(self) -> list[str]:
        """For a wrong cell: the evaluator's sentences ([] for a right one)."""
        return self._details()[1]

    def to_dict(self) -> dict[str, object]:
        return {
            "from": self.source,
            "to": self.destination,
            "port": self.port,
            "expected": verdict(self.expected),
            "actual": verdict(self.actual),
            "ok": self.ok,
            "reason": self.reason or None,
            "explanation": self.explanation,
        }


@dataclass
class CheckResult:
    id: str
    description: str
    passed: bool
    reasons: list[str] = field(default_factory=list)
    hint: str | None = None
    type: str = ""
    cells: list[CellResult] = field(default_factory=list)
    check: Check | None = field(default=None, repr=False)

    @property
    def wrong_cells(self) -> list[CellResult]:
        return [c for c in self.cells if not c.ok]

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "type": self.type,
            "description": self.description,
            "passed": self.passed,
            "reasons": self.reasons,
            "hint": self.hint,
            "cells": [c.to_dict() for c in self.cells],
        }


@dataclass
class CheckReport:
    lesson: Lesson
    results: list[CheckResult]
    problems: list[Problem]  # the learner's YAML: errors, warnings and notes with positions
    cluster: Cluster
    evaluator: Evaluator
    documents: list[Document] = field(default_factory=list)  # the learner's documents
    lesson_problems: list[Problem] = field(default_factory=list)  # the background's (a lesson bug)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if not r.passed]

    @property
    def valid(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    def cells(self) -> Iterator[CellResult]:
        for r in self.results:
            yield from r.cells

    def to_dict(self) -> dict[str, object]:
        return {
            "lesson": self.lesson.id,
            "passed": self.passed,
            "passed_checks": sum(1 for r in self.results if r.passed),
            "total_checks": len(self.results),
            "results": [r.to_dict() for r in self.results],
            "problems": [p.to_dict() for p in self.problems],
        }


# --------------------------------------------------------------------------------------------
# Entry points


def check(
    lesson: Lesson,
    learner_yaml: str,
    *,
    source: str = LEARNER_SOURCE,
    ipblocks: IPBlockMode = "pods",
) -> CheckReport:
    """Evaluate `learner_yaml` together with the lesson's background and grade every check.

    One-off use (the CLI, lint, the quiz). A screen that grades many texts of one lesson keeps
    a `learning.evaluation.LessonEvaluator`, which reads the background once.
    """
    # evaluation builds on this module: imported here to keep the import graph one way.
    from k8snet_tutor.learning.evaluation import LessonEvaluator

    return LessonEvaluator(lesson, ipblocks=ipblocks).report(learner_yaml, source=source)


def grade(
    lesson: Lesson,
    cluster: Cluster,
    evaluator: Evaluator,
    documents: list[Document],
    all_documents: list[Document],
    *,
    source: str = LEARNER_SOURCE,
) -> CheckReport:
    """Grade every check of `lesson` on a built cluster (`documents`: the learner's)."""
    problems = [p for p in cluster.problems if p.file == source]
    lesson_problems = [p for p in cluster.problems if p.file != source]
    learner_docs = [d for d in documents if isinstance(d.data, dict)]
    grader = _Grader(lesson, cluster, evaluator, learner_docs, all_documents)
    results = [_validity(problems)]
    for c in lesson.goal:
        results.append(grader.run(c))
    return CheckReport(lesson, results, problems, cluster, evaluator, learner_docs, lesson_problems)


def results_summary(report: CheckReport) -> str:
    """The report as plain text: a count, then each check with its reasons and hint."""
    total = len(report.results)
    ok = sum(1 for r in report.results if r.passed)
    lines = [
        f"{report.lesson.id}: {ok} of {total} checks pass"
        + (" - well done!" if ok == total else "")
    ]
    for r in report.results:
        mark = "[pass]" if r.passed else "[FAIL]"
        lines.append(f"{mark} {r.description}")
        if not r.passed:
            lines.extend(f"       - {reason}" for reason in r.reasons)
            if r.hint:
                lines.append(f"       hint: {r.hint}")
    return "\n".join(lines)


def goal_addresses(lesson: Lesson) -> list[str]:
    """External addresses the goal names (so the evaluator shows them as peers)."""
    out: list[str] = []
    for c in lesson.goal:
        for ref in c.names():
            if is_address(ref.text.strip(), cidr=True) and ref.text not in out:
                out.append(ref.text)
    return out



def _validity(problems: list[Problem]) -> CheckResult:
    errors = [p for p in problems if p.severity == "error"]
    reasons = []
    for p in errors:
        where = f"line {p.line}:{p.column}" if p.line is not None else p.location
        context = f" [{p.obj}]" if p.obj else ""
        reasons.append(f"{where}: {p.message}{context}")
    hint = next((p.hint for p in errors if p.hint), None)
    return CheckResult(
        VALID_CHECK_ID,
        VALID_CHECK_DESCRIPTION,
        not errors,
        reasons,
        hint,
        type="valid",
    )


# --------------------------------------------------------------------------------------------
# Names and cells


def display(target: Target) -> str:
    if isinstance(target, Service):
        return f"svc:{target.id}"
    if isinstance(target, External) and target.lo == target.hi:
        return value_text(target.lo)
    return target.id


def _label_text(labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items())) or "none"


def _policy_names(names: list[str]) -> str:
    quoted = [f"policy {n}" for n in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def why(exp: Explanation) -> str:
    """The main reason for an explanation's verdict, naming the policies involved."""
    if exp.egress is None and exp.ingress is None:
        return exp.notes[0].rstrip(".") if exp.notes else exp.summary()
    sides = [s for s in (exp.egress, exp.ingress) if s is not None]
    blocking = [s for s in sides if not s.allowed]
    if blocking:
        side = blocking[0]
        d = side.direction
        return (
            f"{side.pod} is isolated for {d} by {_policy_names(side.policies)}, "
            f"and no {d} rule admits it"
        )
    pods = [s for s in sides if s.pod is not None]
    if all(not s.isolated for s in pods):
        parts = [f"{s.pod} for {s.direction}" for s in pods]
        return f"no NetworkPolicy isolates {' or '.join(parts)}, so nothing restricts it"
    parts = []
    for s in pods:
        if not s.isolated:
            parts.append(f"{s.pod} is not isolated for {s.direction}")
        else:
            parts.append(s.admitted_by[0].sentence(s.direction).rstrip("."))
    return "; ".join(parts)


class _Grader:
    """Grades the checks of one lesson on one evaluated cluster."""

    def __init__(
        self,
        lesson: Lesson,
        cluster: Cluster,
        ev: Evaluator,
        learner_docs: list[Document],
        all_docs: list[Document],
    ) -> None:
        self.lesson = lesson
        self.cluster = cluster
        self.ev = ev
        self.learner_docs = learner_docs
        self.all_docs = all_docs
        self._resolved: dict[tuple[str, bool], Target | Unresolved] = {}

    # -- dispatch -----------------------------------------------------------------------------

    def run(self, c: Check) -> CheckResult:
        result = CheckResult(c.id, c.description, True, hint=c.hint, type=c.type, check=c)
        GRADERS[type(c)](self, c, result)
        result.passed = not result.reasons and all(cell.ok for cell in result.cells)
        if result.passed:
            result.reasons = []
        return result

    # -- names --------------------------------------------------------------------------------

    def target(self, text: str, *, as_source: bool) -> Target | Unresolved:
        key = (text, as_source)
        if key not in self._resolved:
            self._resolved[key] = resolve(self.ev, text, as_source=as_source)
        return self._resolved[key]

    def service(self, text: str, result: CheckResult) -> Service | None:
        sid = service_id(text)
        svc = self.cluster.service(sid)
        if svc is None:
            known = ", ".join(s.id for s in self.cluster.services) or "none"
            result.reasons.append(f"there is no Service {sid} (yet); the Services are: {known}")
        return svc

    def pod(self, text: str, result: CheckResult) -> Pod | None:
        t = self.target(text, as_source=False)
        if isinstance(t, Pod):
            return t
        if isinstance(t, Unresolved):
            result.reasons.append(f"there is no pod {qualify(text)} (yet): {t.reason}")
        else:
            result.reasons.append(f"{text} is not a pod")
        return None

    def pod_id(self, text: str) -> str:
        t = self.target(text, as_source=False)
        return t.id if isinstance(t, Pod) else qualify(text)

    def endpoint(self, text: str, *, as_source: bool, result: CheckResult) -> Target | None:
        t = self.target(text, as_source=as_source)
        if isinstance(t, Unresolved):
            hint = f" ({t.hint})" if t.hint else ""
            result.reasons.append(f"the goal names {text!r}, but there is {t.reason}{hint}")
            return None
        if as_source and isinstance(t, Service):
            result.reasons.append(
                f"{text!r} is a Service; a Service is never the source of a connection, name a pod"
            )
            return None
        return t

    # -- one connection ---------------------------------------------------------------------

    def actual(self, src: Target, dst: Target, probe: PortProbe) -> bool | None:
        """Is src -> dst on probe allowed? None when the pair cannot be asked about."""
        if isinstance(src, Service):
            return None
        return cell_allowed(self.ev, src, dst, probe)

    def cell(
        self, src: Target, dst: Target, probe: PortProbe, expected: bool, actual: bool
    ) -> CellResult:
        out = CellResult(display(src), display(dst), str(probe), expected, actual)
        if not out.ok:
            assert not isinstance(src, Service)
            out._detail = lambda: self.wrong_cell_detail(out, src, dst, probe)
        return out

    def wrong_cell_detail(
        self, out: CellResult, src: Pod | External, dst: Target, probe: PortProbe
    ) -> tuple[str, list[str]]:
        """(reason, explanation) of a wrong cell."""
        head = (
            f"{out.source} -> {out.destination} on {probe} is {verdict(out.actual)}, "
            f"the goal says {verdict(out.expected)}"
        )
        if isinstance(dst, Service):
            sv = reach_service(self.ev, src, dst, probe)
            explanation = sv.sentences()
            first = explanation[0]
            reason = (first.split(": ", 1)[1] if ": " in first else first).rstrip(".")
            # The endpoint that decides: a refusing one, else (goal: denied) an accepting one.
            pick = [e for e in sv.endpoints if not e.allowed] or sv.endpoints
            if pick:
                ep = pick[0]
                detail = why(ep.explanation) if ep.explanation else ep.reason
                port = f" (port {ep.target_port})" if ep.target_port is not None else ""
                seen = ep.explanation.source if ep.explanation else src.id
                if seen != src.id:  # source NAT: the endpoint sees a node's address
                    port += f", which sees it come from node address {seen} (source NAT)"
                reason += f"; {ep.pod.id}{port}: {detail}"
            elif sv.notes:
                reason += f" ({sv.notes[0].rstrip('.')})"
            return f"{head}: {reason.rstrip('.')}", explanation
        exp = explain(self.ev, src, dst, probe)
        return f"{head}: {why(exp)}", exp.sentences()

    def add_cells(self, result: CheckResult, cells: list[CellResult]) -> None:
        result.cells.extend(cells)
        wrong = [c for c in cells if not c.ok]
        result.reasons.extend(c.reason for c in wrong[:MAX_REASONS])
        if len(wrong) > MAX_REASONS:
            result.reasons.append(f"... and {len(wrong) - MAX_REASONS} more connections differ")

    # -- connection checks ----------------------------------------------------------------

    def grade_probes(self, c: ProbesCheck, result: CheckResult) -> None:
        cells: list[CellResult] = []
        for p in c.probes:
            cell = self.probe(p, result)
            if cell is not None:
                cells.append(cell)
        self.add_cells(result, cells)

    def probe(self, p: Probe, result: CheckResult) -> CellResult | None:
        src = self.endpoint(p.source, as_source=True, result=result)
        dst = self.endpoint(p.destination, as_source=False, result=result)
        if src is None or dst is None:
            return None
        actual = self.actual(src, dst, p.port)
        if actual is None:
            result.reasons.append(
                f"{p.source} -> {p.destination}: the tutor cannot evaluate a connection between "
                "two addresses outside the cluster"
            )
            return None
        return self.cell(src, dst, p.port, p.expect, actual)

    def grade_table(self, c: TableCheck, result: CheckResult) -> None:
        expectations = self.table_expectations(c, result)
        if expectations is None:
            return
        cells: list[CellResult] = []
        for src, dst, expected in expectations:
            actual = self.actual(src, dst, c.port)
            if actual is None:
                continue
            cells.append(self.cell(src, dst, c.port, expected, actual))
        self.add_cells(result, cells)

    def table_expectations(
        self, c: TableCheck, result: CheckResult
    ) -> list[tuple[Target, Target, bool]] | None:
        """Every (source, destination, expected) cell of a table check; None if a name is unknown."""
        nodes: list[Target] = []
        if c.nodes is None:
            nodes = list(self.ev.pods)
        else:
            for text in c.nodes:
                t = self.endpoint(text, as_source=False, result=result)
                if t is not None:
                    nodes.append(t)
        overrides: list[tuple[str | None, str | None, bool]] = []
        for o in c.overrides:
            src_id = dst_id = None
            if o.source is not None:
                t = self.endpoint(o.source, as_source=True, result=result)
                if t is None:
                    continue
                src_id = display(t)
            if o.destination is not None:
                t = self.endpoint(o.destination, as_source=False, result=result)
                if t is None:
                    continue
                dst_id = display(t)
            overrides.append((src_id, dst_id, o.expect))
        if result.reasons:
            return None
        out: list[tuple[Target, Target, bool]] = []
        ids = [display(n) for n in nodes]
        for i, src in enumerate(nodes):
            if isinstance(src, Service):
                continue
            for j, dst in enumerate(nodes):
                if ids[i] == ids[j] or (isinstance(src, External) and isinstance(dst, External)):
                    continue
                expected = c.default
                for o_src, o_dst, o_exp in overrides:
                    if (o_src is None or o_src == ids[i]) and (o_dst is None or o_dst == ids[j]):
                        expected = o_exp
                out.append((src, dst, expected))
        return out

    # -- Service checks -----------------------------------------------------------------------

    def _why_not_endpoint(self, svc: Service, pod_text: str) -> str:
        pid = self.pod_id(pod_text)
        pod = self.cluster.pod(pid)
        if pod is None:
            return f"{pid} should be an endpoint, but there is no such pod"
        if pod.namespace != svc.namespace:
            return (
                f"{pid} should be an endpoint, but it is in namespace {pod.namespace} and a "
                f"Service only selects pods in its own namespace ({svc.namespace})"
            )
        if not svc.selector:
            given = endpoint_set(self.cluster, svc).given_by
            if given:
                return (
                    f"{pid} should be an endpoint, but the Service has no selector and "
                    f"{', '.join(given)} (written by hand) does not list it; a selector keeps "
                    "the list up to date as pods come and go"
                )
            return f"{pid} should be an endpoint, but the Service has no selector"
        missing = {k: v for k, v in svc.selector.items() if pod.labels.get(k) != v}
        if missing:
            return (
                f"{pid} should be an endpoint, but its labels ({_label_text(pod.labels)}) lack "
                f"{_label_text(missing)} from the Service's selector"
            )
        if not pod.ready:
            return f"{pid} should be an endpoint, but it is not ready"
        if pod.terminating:
            return f"{pid} should be an endpoint, but it is terminating"
        return f"{pid} should be an endpoint, but is not"

    def grade_endpoints(self, c: EndpointsCheck, result: CheckResult) -> None:
        svc = self.service(c.service, result)
        if svc is None:
            return
        actual = {p.id for p in endpoints(self.cluster, svc)}
        wanted = {self.pod_id(p): p for p in c.pods}
        for pid, text in wanted.items():
            if pid not in actual:
                result.reasons.append(self._why_not_endpoint(svc, text))
        sel = _label_text(svc.selector) if svc.selector else "none"
        for pid in sorted(actual - set(wanted)):
            pod = self.cluster.pod(pid)
            labels = _label_text(pod.labels) if pod else "?"
            result.reasons.append(
                f"{pid} is an endpoint but should not be: its labels ({labels}) include all of "
                f"the Service's selector ({sel})"
            )

    def grade_service_port(self, c: ServicePortCheck, result: CheckResult) -> None:
        svc = self.service(c.service, result)
        if svc is None:
            return
        sp = find_port(svc, c.port)
        if sp is None:
            ports = ", ".join(f"{p.port}/{p.protocol}" for p in svc.ports) or "none"
            result.reasons.append(f"Service {svc.id} has no port {c.port}; its ports are: {ports}")
            return
        eps = endpoints(self.cluster, svc)
        if not eps:
            result.reasons.append(
                f"Service {svc.id} has no endpoints, so port {c.port} reaches no pod"
            )
            return
        if svc.headless and isinstance(c.port.port, int):
            # No proxy, no translation: a client dials a pod address from DNS on the port it
            # chose, so `targetPort` never applies (core.services.plan says the same; a port
            # *name* is an SRV lookup, which does give the endpoint's port: graded below).
            dialled = c.port.port
            for pod in eps:
                if isinstance(c.target, int):
                    wanted: int | None = c.target
                else:
                    named = pod.named_port(c.target, c.port.protocol)
                    wanted = named.port if named is not None else None
                if wanted != dialled:
                    where = f"{c.target}" if isinstance(c.target, int) else (
                        f"{c.target!r} ({wanted})" if wanted is not None else f"{c.target!r}"
                    )
                    result.reasons.append(
                        f"Service {svc.id} is headless (clusterIP: None): it has no virtual IP "
                        f"and no port translation, so a client that dials port {dialled} "
                        f"reaches {pod.id} on {dialled}, not on {where}; targetPort is not used"
                    )
            return
        if isinstance(c.target, str) and sp.target_port != c.target:
            result.reasons.append(
                f"port {c.port} of Service {svc.id} has targetPort {sp.target_port!r}, the goal "
                f"says the name {c.target!r}"
            )
        for pod in eps:
            tp = target_port(sp, pod)
            if tp is None:
                result.reasons.append(
                    f"on {pod.id}, targetPort {sp.target_port!r} is not a container port name, "
                    "so the Service cannot send traffic there"
                )
            elif isinstance(c.target, int) and tp != c.target:
                via = f" (targetPort {sp.target_port!r})" if isinstance(sp.target_port, str) else ""
                result.reasons.append(
                    f"on {pod.id}, port {c.port} of Service {svc.id} goes to {tp}{via}, the goal "
                    f"says {c.target}"
                )

    def grade_exposed(self, c: ExposedCheck, result: CheckResult) -> None:
        svc = self.service(c.service, result)
        if svc is None:
            return
        external = svc.type in ("NodePort", "LoadBalancer")
        if external and not c.external:
            result.reasons.append(
                f"Service {svc.id} is type {svc.type}, so it is reachable from outside the "
                "cluster; the goal wants it internal only (type ClusterIP)"
            )
        elif not external and c.external:
            result.reasons.append(
                f"Service {svc.id} is type {svc.type}, which has only a cluster-internal "
                "address; the goal wants it reachable from outside (NodePort or LoadBalancer)"
            )

    def grade_headless(self, c: HeadlessCheck, result: CheckResult) -> None:
        svc = self.service(c.service, result)
        if svc is None:
            return
        if c.headless and not svc.headless:
            ip = f"clusterIP {svc.cluster_ip}" if svc.cluster_ip else "no clusterIP (one is assigned)"
            result.reasons.append(
                f"Service {svc.id} has {ip}, so it gets a virtual IP and its DNS name resolves "
                "to that one address; the goal wants it headless (`clusterIP: None`), so that "
                "its name lists the pods and each pod gets a name of its own"
            )
        elif not c.headless and svc.headless:
            result.reasons.append(
                f"Service {svc.id} is headless (`clusterIP: None`): no virtual IP and no port "
                "translation; the goal wants it to have a virtual IP"
            )

    # -- pod and label checks ------------------------------------------------------------------

    def grade_unique_ports(self, c: UniquePortsCheck, result: CheckResult) -> None:
        wanted = self.pod_id(c.pod) if c.pod is not None else None
        found = False
        for doc in self.all_docs:
            obj = doc.data
            if not isinstance(obj, dict) or obj.get("kind") not in ("Pod", *WORKLOAD_KINDS):
                continue
            meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
            assert isinstance(meta, dict)
            pid = f"{meta.get('namespace') or 'default'}/{meta.get('name')}"
            if wanted is not None and pid != wanted:
                continue
            found = True
            result.reasons.extend(_port_clashes(pid, obj, doc))
        if wanted is not None and not found:
            result.reasons.append(f"there is no pod {wanted} (yet)")

    def grade_labels(self, c: LabelsCheck, result: CheckResult) -> None:
        pod = self.pod(c.pod, result)
        if pod is None:
            return
        for k, v in c.labels.items():
            have = pod.labels.get(k)
            if have is None:
                result.reasons.append(f"{pod.id} has no label {k} (the goal wants {k}={v})")
            elif have != v:
                result.reasons.append(f"{pod.id} has {k}={have}, the goal wants {k}={v}")

    def grade_selects(self, c: SelectsCheck, result: CheckResult) -> None:
        selected: set[str]
        what: str
        if c.policy is not None:
            pid = qualify(c.policy)
            policy: NetworkPolicy | None = next(
                (p for p in self.cluster.policies if p.id == pid), None
            )
            if policy is None:
                known = ", ".join(p.id for p in self.cluster.policies) or "none"
                result.reasons.append(
                    f"there is no (valid) NetworkPolicy {pid} (yet); the policies are: {known}"
                )
                return
            selected = {
                p.id
                for p in self.cluster.pods
                if p.namespace == policy.namespace and policy.pod_selector.matches(p.labels)
            }
            what = f"policy {policy.id} (podSelector {policy.pod_selector.describe()})"
        else:
            svc = self.service(c.service or "", result)
            if svc is None:
                return
            sel = svc.selector
            selected = (
                {
                    p.id
                    for p in self.cluster.pods
                    if p.namespace == svc.namespace
                    and all(p.labels.get(k) == v for k, v in sel.items())
                }
                if sel
                else set()
            )
            what = f"Service {svc.id} (selector {_label_text(sel) if sel else 'none'})"
        wanted = {self.pod_id(p) for p in c.pods}
        for pid in sorted(wanted - selected):
            pod = self.cluster.pod(pid)
            detail = f"its labels are {_label_text(pod.labels)}" if pod else "there is no such pod"
            result.reasons.append(f"{what} should select {pid}, but does not: {detail}")
        for pid in sorted(selected - wanted):
            pod = self.cluster.pod(pid)
            detail = f"its labels are {_label_text(pod.labels)}" if pod else ""
            result.reasons.append(f"{what} also selects {pid}, which it should not: {detail}")

    # -- structural checks ------------------------------------------------------------------

    def _count(self, kind: str) -> int:
        return sum(1 for d in self.learner_docs if d.data.get("kind") == kind)

    def grade_max_policies(self, c: MaxPoliciesCheck, result: CheckResult) -> None:
        n = self._count("NetworkPolicy")
        if n > c.count:
            result.reasons.append(
                f"your YAML has {n} NetworkPolicies; the goal allows at most {c.count}"
            )

    def grade_objects(self, c: ObjectsCheck, result: CheckResult) -> None:
        n = self._count(c.kind)
        if n != c.count:
            result.reasons.append(
                f"your YAML has {n} object(s) of kind {c.kind}; the goal wants exactly {c.count}"
            )

    def grade_forbid(self, c: ForbidCheck, result: CheckResult) -> None:
        for doc, path in self.field_uses(c.field):
            line, col = doc.position(path) or (None, None)
            where = f"line {line}:{col}" if line is not None else "your YAML"
            result.reasons.append(
                f"{where}: `{c.field}` is used here ({format_path(path)}); the goal forbids it"
            )

    def grade_require(self, c: RequireCheck, result: CheckResult) -> None:
        if not any(True for _ in self.field_uses(c.field)):
            result.reasons.append(f"your YAML does not use `{c.field}` anywhere; the goal needs it")

    def field_uses(self, name: str) -> Iterator[tuple[Document, FieldPath]]:
        dotted = "." in name or "[" in name
        for doc in self.learner_docs:
            for path in _key_paths(doc.data, ()):
                if dotted:
                    text = format_path(path)
                    if text == name or text.endswith("." + name):
                        yield doc, path
                elif path[-1] == name:
                    yield doc, path



# Each check type's grader: adding a type means a dataclass in learning.lesson, its parser, and
# one line here.
Grader = Callable[[_Grader, Any, CheckResult], None]
GRADERS: dict[type[Check], Grader] = {
    ProbesCheck: _Grader.grade_probes,
    TableCheck: _Grader.grade_table,
    EndpointsCheck: _Grader.grade_endpoints,
    ServicePortCheck: _Grader.grade_service_port,
    ExposedCheck: _Grader.grade_exposed,
    HeadlessCheck: _Grader.grade_headless,
    UniquePortsCheck: _Grader.grade_unique_ports,
    LabelsCheck: _Grader.grade_labels,
    SelectsCheck: _Grader.grade_selects,
    MaxPoliciesCheck: _Grader.grade_max_policies,
    ObjectsCheck: _Grader.grade_objects,
    ForbidCheck: _Grader.grade_forbid,
    RequireCheck: _Grader.grade_require,
}

def _key_paths(data: Any, prefix: FieldPath) -> Iterator[FieldPath]:
    if isinstance(data, dict):
        for k, v in data.items():
            path = (*prefix, k)
            yield path
            yield from _key_paths(v, path)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _key_paths(v, (*prefix, i))


def _port_clashes(pid: str, obj: dict[str, Any], doc: Document) -> list[str]:
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    assert isinstance(spec, dict)
    prefix: FieldPath = ("spec",)
    if obj.get("kind") == "CronJob":
        job = spec.get("jobTemplate")
        spec = (
            job.get("spec") if isinstance(job, dict) and isinstance(job.get("spec"), dict) else {}
        )
        prefix = ("spec", "jobTemplate", "spec")
    if obj.get("kind") != "Pod":
        template = spec.get("template") if isinstance(spec, dict) else None
        spec = template.get("spec") if isinstance(template, dict) else None
        prefix = (*prefix, "template", "spec")
    if not isinstance(spec, dict):
        return []
    seen: dict[tuple[int, str], str] = {}
    out: list[str] = []
    for key in ("containers", "initContainers"):
        containers = spec.get(key)
        if not isinstance(containers, list):
            continue
        for ci, container in enumerate(containers):
            if not isinstance(container, dict) or not isinstance(container.get("ports"), list):
                continue
            cname = str(container.get("name") or f"#{ci + 1}")
            for pi, port in enumerate(container["ports"]):
                if not isinstance(port, dict) or not isinstance(port.get("containerPort"), int):
                    continue
                binding = (int(port["containerPort"]), str(port.get("protocol") or "TCP"))
                path = (*prefix, key, ci, "ports", pi, "containerPort")
                first = seen.get(binding)
                if first is None:
                    seen[binding] = cname
                    continue
                line, col = doc.position(path) or (None, None)
                where = (
                    f" (line {line}:{col})"
                    if line is not None and doc.source != BACKGROUND_SOURCE
                    else ""
                )
                who = (
                    f"containers {first} and {cname} both listen"
                    if first != cname
                    else f"container {cname} listens twice"
                )
                out.append(
                    f"{pid}: {who} on {binding[0]}/{binding[1]}{where}; the containers of a pod "
                    "share one IP address, so each port can be used once"
                )
    return out
