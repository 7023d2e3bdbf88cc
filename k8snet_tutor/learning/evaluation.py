"""One evaluation, one value: a learner's text in, one frozen result out.

A `LessonEvaluator` reads a lesson's background once (parsed, validated and built) and the
addresses its goal names once; `evaluate(text)` then builds only the learner's objects, grades
the checks, and returns an `Evaluation`: the problems, the graded goal cells, the matrix view
(whose wrong cells are the graded ones) and explanations worked out on demand and kept. The
sandbox gets the same kind of result from a `SandboxEvaluator` (no goal, no checks).

Everything here is pure: the TUI runs `evaluate` in a worker thread and shows the result.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from k8snet_tutor.core.cluster import NAME_LABEL, Cluster, Namespace, build_cluster, merge_text
from k8snet_tutor.core.evaluate import Evaluator, IPBlockMode
from k8snet_tutor.core.legacy import is_alpha_policy
from k8snet_tutor.core.lint import lint
from k8snet_tutor.core.manifests import Document, load_text
from k8snet_tutor.core.problems import Problem
from k8snet_tutor.learning.checks import (
    BACKGROUND_SOURCE,
    LEARNER_SOURCE,
    CheckReport,
    goal_addresses,
    grade,
)
from k8snet_tutor.learning.lesson import Lesson
from k8snet_tutor.learning.matrix_view import MatrixView, lesson_view, sandbox_view
from k8snet_tutor.learning.ownership import lesson_editable, refuse_redefinitions

SANDBOX_SOURCE = "sandbox.yaml"


@dataclass(frozen=True, eq=False)
class Evaluation:
    """The result of evaluating one version of the learner's (or the sandbox's) YAML."""

    text: str
    view: MatrixView | None  # None when the YAML cannot be shown: the last good view stays
    problems: tuple[Problem, ...] = ()  # of the edited text only
    report: CheckReport | None = None  # a lesson's graded checks
    seconds: float = 0.0
    # Loader warnings and notes of the edited text, then lint warnings located in it ("this
    # policy selects no pod", DNS blocked, the alpha -> v1 translation...).
    warnings: tuple[Problem, ...] = ()
    _changed: dict[tuple[int, str], set[tuple[int, int]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def model(self) -> MatrixView | None:
        """The matrix view (the name the TUI has always used)."""
        return self.view

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def passed(self) -> bool:
        return bool(self.report is not None and self.ok and self.report.passed)

    @property
    def wrong_count(self) -> int:
        """Goal cells the checks found wrong (0 without a view)."""
        return self.view.wrong_count() if self.view is not None else 0

    def explain(self, row: int, col: int, port: str) -> list[str]:
        """Why one cell of the view is what it is (worked out once)."""
        if self.view is None:
            return []
        return self.view.explain_cell(row, col, port)

    def changed_from(self, previous: MatrixView | None, port: str) -> set[tuple[int, int]]:
        """Cells of this view that differ from `previous` on `port` (worked out once)."""
        if self.view is None or previous is None:
            return set()
        key = (id(previous), port)
        cached = self._changed.get(key)
        if cached is None:
            cached = self.view.changed(previous, port)
            self._changed.clear()  # one previous view at a time
            self._changed[key] = cached
        return set(cached)


@dataclass(frozen=True)
class Background:
    """A lesson's background, read once."""

    documents: tuple[Document, ...]
    problems: tuple[Problem, ...]
    # Built once when it can be joined to the learner's objects exactly as one build of both
    # would be (see `join`); None: every evaluation builds both together.
    cluster: Cluster | None

    @classmethod
    def read(cls, text: str) -> Background:
        docs, problems = load_text(text or "", BACKGROUND_SOURCE)
        built: Cluster | None = build_cluster(docs, problems)
        if not _joinable(docs, built):
            built = None
        return cls(tuple(docs), tuple(problems), built)

    def with_learner(self, docs: list[Document], problems: list[Problem]) -> Cluster:
        """The cluster of the background plus the learner's documents."""
        if self.cluster is not None:
            learner = build_cluster(docs, problems)
            joined = join(self.cluster, learner)
            if joined is not None:
                return joined
        return build_cluster([*self.documents, *docs], [*self.problems, *problems])


def _joinable(docs: list[Document], built: Cluster | None) -> bool:
    """Can the background's cluster be built alone? Only when nothing in it depends on the
    objects after it: no policy made from a Namespace annotation or an alpha policy (those are
    added after all documents), no skipped kinds (counted over all documents), and no
    EndpointSlice or Endpoints objects (whether one is used depends on the learner's Services)."""
    if built is None or any(p.code == "skipped-kind" for p in built.problems):
        return False
    if built.endpoint_groups:  # whether a slice is used depends on the learner's Services
        return False
    for doc in docs:
        data = doc.data
        if isinstance(data, dict) and is_alpha_policy(data):
            return False
    return not any(
        p.origin.document is not None
        and isinstance(p.origin.document.data, dict)
        and p.origin.document.data.get("kind") != "NetworkPolicy"
        for p in built.policies
    )


def join(background: Cluster, learner: Cluster) -> Cluster | None:
    """The background's cluster and the learner's as one, or None when an object of the
    learner's redefines one of the background's (one build of both reports that)."""
    for attr in ("pods", "services", "policies", "nodes"):
        ids = {item.id for item in getattr(background, attr)}
        if any(item.id in ids for item in getattr(learner, attr)):
            return None
    out = Cluster(
        pods=[*background.pods, *learner.pods],
        services=[*background.services, *learner.services],
        policies=[*background.policies, *learner.policies],
        problems=[*background.problems, *learner.problems],
        endpoint_groups=[*background.endpoint_groups, *learner.endpoint_groups],
        nodes=[*background.nodes, *learner.nodes],
    )
    for source in (background, learner):
        for name, ns in source.namespaces.items():
            if ns.declared:
                out.namespaces[name] = ns
    used = [p.namespace for p in out.pods]
    used += [s.namespace for s in out.services]
    used += [p.namespace for p in out.policies]
    for name in used:
        if name not in out.namespaces:
            out.namespaces[name] = Namespace(name, {NAME_LABEL: name}, declared=False)
    return out


def warnings_of(
    problems: list[Problem] | tuple[Problem, ...], evaluator: Evaluator, source: str
) -> tuple[Problem, ...]:
    """The edited text's warnings and notes, then the lint warnings located in it."""
    out = [p for p in problems if p.severity != "error" and p.file == source]
    seen = {(p.line, p.column, p.message) for p in out}
    for p in lint(evaluator):
        if p.file == source and (p.line, p.column, p.message) not in seen:
            seen.add((p.line, p.column, p.message))
            out.append(p)
    return tuple(out)


class LessonEvaluator:
    """Evaluates texts against one lesson: the background and goal addresses are read once."""

    def __init__(self, lesson: Lesson, *, ipblocks: IPBlockMode = "pods") -> None:
        self.lesson = lesson
        self.ipblocks: IPBlockMode = ipblocks
        self.background = Background.read(lesson.cluster_yaml())
        self.addresses = goal_addresses(lesson)

    def report(self, text: str, *, source: str = LEARNER_SOURCE) -> CheckReport:
        """Grade `text` (the checks only, no matrix view)."""
        docs, problems = load_text(text or "", source)
        # The lesson's cluster is not the learner's to rewrite (see learning/ownership.py).
        docs, refused = refuse_redefinitions(
            list(self.background.documents), docs, lesson_editable(self.lesson)
        )
        problems = [*problems, *refused]
        cluster = self.background.with_learner(docs, problems)
        evaluator = Evaluator(cluster, ipblocks=self.ipblocks, externals=self.addresses)
        all_docs = [*self.background.documents, *docs]
        return grade(self.lesson, cluster, evaluator, docs, all_docs, source=source)

    def evaluate(self, text: str) -> Evaluation:
        """Grade `text` and build its matrix view (none while the YAML has errors)."""
        started = time.perf_counter()
        report = self.report(text)
        view = (
            lesson_view(report.cluster, report.evaluator, report.cells()) if report.valid else None
        )
        warnings = warnings_of(report.problems, report.evaluator, LEARNER_SOURCE)
        seconds = time.perf_counter() - started
        return Evaluation(text, view, tuple(report.problems), report, seconds, warnings)


class SandboxEvaluator:
    """Evaluates the sandbox's text: real manifests, every pod, Service and external range."""

    def __init__(self, *, ipblocks: IPBlockMode = "pods") -> None:
        self.ipblocks: IPBlockMode = ipblocks

    def evaluate(self, text: str) -> Evaluation:
        started = time.perf_counter()
        cluster = merge_text([(text, SANDBOX_SOURCE)])
        problems = list(cluster.problems)
        if any(p.severity == "error" and p.code == "yaml-syntax" for p in problems):
            # A syntax error hides whole documents: keep the last good matrix instead.
            return Evaluation(text, None, tuple(problems), None, time.perf_counter() - started)
        evaluator = Evaluator(cluster, ipblocks=self.ipblocks)
        view = sandbox_view(cluster, evaluator)
        ordered = [p for p in problems if p.severity != "error"]
        ordered += [p for p in problems if p.severity == "error"]
        warnings = warnings_of(problems, evaluator, SANDBOX_SOURCE)
        return Evaluation(text, view, tuple(ordered), None, time.perf_counter() - started, warnings)
