"""The checks, the live matrix view and the CLI's matrix give every cell the same verdict.

On every built-in lesson's starter and solution, and on random clusters (with Services and
external addresses): the graded goal cells (`learning.checks`), the cells of the matrix view
(`learning.matrix_view`), the CLI's table (`core.matrix.table`), the per-cell function
(`core.verdict.cell`) and the explanations (`core.explain`, `core.services.reach_service`) agree.
Also: a lesson's background built once and joined to the learner's objects is the cluster one
build of both gives.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8snet_tutor.core import verdict
from k8snet_tutor.core.cluster import Node, Service, ServicePort, build_cluster
from k8snet_tutor.core.evaluate import Evaluator
from k8snet_tutor.core.explain import explain
from k8snet_tutor.core.manifests import load_text
from k8snet_tutor.core.matrix import Matrix, table
from k8snet_tutor.core.ports import PortProbe
from k8snet_tutor.core.services import reach_service
from k8snet_tutor.learning.checks import BACKGROUND_SOURCE, LEARNER_SOURCE, grade
from k8snet_tutor.learning.evaluation import LessonEvaluator
from k8snet_tutor.learning.lesson import Lesson, TableCheck, discover
from k8snet_tutor.learning.matrix_view import (
    ALL_PORTS,
    ALLOWED,
    NA,
    SELF,
    ExternalPeer,
    MatrixView,
    PodPeer,
    ServicePeer,
    lesson_view,
    sandbox_view,
)
from tests.builders import cluster_from_raw
from tests.test_properties import EXTERNAL_IPS, NS_NAMES, POD_KEYS, POD_VALUES, clusters

LESSONS = list(discover([], include_builtin=True, include_env=False))


def lesson_texts() -> list[Any]:
    out = []
    for lesson in LESSONS:
        for name in ("starter", "solution"):
            text = getattr(lesson, name)
            if text is not None:
                out.append(pytest.param(lesson, text, id=f"{lesson.id}-{name}"))
    return out


def endpoint(peer: PodPeer | ExternalPeer) -> Any:
    return peer.pod if isinstance(peer, PodPeer) else peer.external


def check_view(view: MatrixView, ev: Evaluator) -> None:
    """Every cell of every port of `view` against the core, the explanations and the CLI."""
    matrix = Matrix.build(ev)
    node_index = {n.id: i for i, n in enumerate(matrix.nodes)}
    for port in view.ports:
        grid = view.grid(port)
        probe = None if port == ALL_PORTS else PortProbe.parse(port)
        cli_cells = table(matrix, probe)[1] if probe is not None else None
        for r, src in enumerate(view.rows):
            for c, dst in enumerate(view.cols):
                code = grid.cells[r][c]
                target = (
                    dst.service
                    if isinstance(dst, ServicePeer)
                    else dst.pod
                    if isinstance(dst, PodPeer)
                    else dst.external
                )
                where = f"{src.id} -> {dst.id} on {port}"
                assert code == verdict.cell(ev, endpoint(src), target, probe), where
                if probe is None or code == NA:
                    continue
                allowed = (
                    code == ALLOWED
                    if code != SELF
                    else verdict.allowed(ev, endpoint(src), target, probe) is True
                )
                if isinstance(dst, ServicePeer):
                    sv = reach_service(ev, endpoint(src), dst.service, probe)
                    assert verdict.reach_code(sv.reach) == code, where
                    continue
                if code != SELF:
                    assert explain(ev, endpoint(src), target, probe).allowed == allowed, where
                if cli_cells is not None and isinstance(src, PodPeer) and isinstance(dst, PodPeer):
                    cli = cli_cells[node_index[src.id]][1 + node_index[dst.id]]
                    assert (cli == "allowed") == allowed, where


def check_graded(view: MatrixView, cells: list[Any]) -> None:
    """The graded cells sit in the view with their verdict; the view's wrong cells are
    exactly the graded wrong ones."""
    wrong: dict[str, set[tuple[int, int]]] = {p: set() for p in view.goal.ports}
    for cell in cells:
        r = view.row_index[cell.source]
        c = view.col_index[cell.destination]
        code = view.grid(cell.port).cells[r][c]
        if code != SELF:  # a pod to itself: the checks answer for the port asked about
            assert (code == ALLOWED) == cell.actual, (cell.source, cell.destination, cell.port)
        if not cell.ok:
            wrong[cell.port].add((r, c))
    for port in view.goal.ports:
        assert view.grid(port).wrong == wrong[port], port
    assert view.wrong_count() == sum(len(w) for w in wrong.values())


@pytest.mark.parametrize(("lesson", "text"), lesson_texts())
def test_builtin_lessons_agree_on_every_cell(lesson: Lesson, text: str) -> None:
    evaluation = LessonEvaluator(lesson).evaluate(text)
    report = evaluation.report
    assert report is not None
    if evaluation.view is None:
        assert not report.valid
        return
    check_graded(evaluation.view, list(report.cells()))
    check_view(evaluation.view, report.evaluator)


@pytest.mark.parametrize(("lesson", "text"), lesson_texts())
def test_background_read_once_is_the_same_cluster(lesson: Lesson, text: str) -> None:
    bg_docs, bg_problems = load_text(lesson.cluster_yaml(), BACKGROUND_SOURCE)
    docs, problems = load_text(text, LEARNER_SOURCE)
    whole = build_cluster([*bg_docs, *docs], [*bg_problems, *problems])
    evaluator = LessonEvaluator(lesson)
    joined = evaluator.background.with_learner(*load_text(text, LEARNER_SOURCE))
    assert [p.id for p in joined.pods] == [p.id for p in whole.pods]
    assert joined.pods == whole.pods
    assert joined.services == whole.services
    assert joined.nodes == whole.nodes
    assert joined.endpoint_groups == whole.endpoint_groups
    assert [p.id for p in joined.policies] == [p.id for p in whole.policies]
    assert joined.policies == whole.policies
    assert list(joined.namespaces.items()) == list(whole.namespaces.items())
    assert [p.to_dict() for p in joined.problems if p.file == LEARNER_SOURCE] == [
        p.to_dict() for p in whole.problems if p.file == LEARNER_SOURCE
    ]
    assert sorted(str(p.to_dict()) for p in joined.problems) == sorted(
        str(p.to_dict()) for p in whole.problems
    )


# --------------------------------------------------------------------------------------------
# Random clusters


@st.composite
def services(draw: st.DrawFn, namespaces: list[str]) -> list[Service]:
    out = []
    for i in range(draw(st.integers(0, 3))):
        selector = draw(
            st.none() | st.dictionaries(st.sampled_from(POD_KEYS), st.sampled_from(POD_VALUES))
        )
        ports = []
        for number in draw(st.lists(st.sampled_from([80, 443, 53]), max_size=2, unique=True)):
            target = draw(st.sampled_from([80, 8080, 9090, 53, "http", "metrics", "dns"]))
            ports.append(
                ServicePort(
                    number,
                    target,
                    draw(st.sampled_from(["TCP", "UDP"])),
                    name=draw(st.sampled_from([None, "web"])),
                    node_port=draw(st.sampled_from([None, 30080])),
                )
            )
        kind = draw(st.sampled_from(["ClusterIP", "NodePort", "LoadBalancer"]))
        out.append(
            Service(
                draw(st.sampled_from(namespaces)),
                f"s{i}",
                kind,
                selector or None,
                tuple(ports),
                external_traffic_policy=draw(st.sampled_from(["Cluster", "Local"]))
                if kind != "ClusterIP"
                else None,
                internal_traffic_policy=draw(st.sampled_from(["Cluster", "Local"])),
            )
        )
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clusters(), st.data())
def test_random_clusters_agree_on_every_cell(raw: dict[str, Any], data: st.DataObject) -> None:
    cluster = cluster_from_raw(raw["namespaces"], raw["pods"], raw["policies"])
    names = NS_NAMES[: len(raw["namespaces"])]
    cluster.services = data.draw(services(names))
    # Node addresses (source NAT for outside clients under externalTrafficPolicy Cluster),
    # some inside the policies' ipBlocks, some not.
    node_ips = data.draw(st.lists(st.sampled_from(EXTERNAL_IPS), max_size=2, unique=True))
    cluster.nodes = [Node(f"node-{i}", (ip,)) for i, ip in enumerate(node_ips)]
    # Where pods run (internalTrafficPolicy Local keeps a client on its own node's endpoints).
    cluster.pods = [
        replace(p, node=data.draw(st.sampled_from([None, "node-0", "node-1"]))) for p in cluster.pods
    ]
    addresses = data.draw(st.lists(st.sampled_from(EXTERNAL_IPS), max_size=2, unique=True))
    ev = Evaluator(cluster, externals=addresses)
    # The sandbox's view: every pod, Service and external range the policies mention.
    view = sandbox_view(cluster, ev)
    view.ports.extend(p for p in ("80/TCP", "53/UDP", "http/TCP", "30080/TCP") if p not in view.ports)
    check_view(view, ev)
    # A lesson whose goal is a table over every pod, Service and address: graded by the
    # checks, placed by the lesson view, against the core.
    nodes = [p.id for p in cluster.pods] + [f"svc:{s.id}" for s in cluster.services] + addresses
    for port in ("80/TCP", "http/TCP", "53/UDP"):
        check = TableCheck(id="all", port=PortProbe.parse(port), nodes=nodes, default=True)
        lesson = Lesson(id="random", title="random", topic="policies", difficulty=1, goal=[check])
        report = grade(lesson, cluster, ev, [], [])
        assert all(r.passed or r.cells for r in report.results[1:]), report.results
        graded = list(report.cells())
        lview = lesson_view(cluster, ev, graded)
        check_graded(lview, graded)
        check_view(lview, ev)
