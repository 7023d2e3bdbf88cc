"""The live connectivity matrix as data: peers, per-port cell grids, the goal's cells, changes.

Pure Python over the core (no Textual), so the TUI's workers, the tests and the benchmark can
build it off the UI thread. Every cell's code comes from `core.verdict`; grids are computed per
port on demand and per pod *class* (the evaluator's groups of indistinguishable pods), then
expanded, so a 300-pod sandbox stays fast. In a lesson, which cells are wrong is what the checks
graded (`learning.checks.CellResult`): the view places those cells, it never grades again.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import ClassVar, Literal, Protocol

from k8snet_tutor.core.cluster import Cluster, Pod, Service
from k8snet_tutor.core.evaluate import Evaluator, External
from k8snet_tutor.core.explain import explain
from k8snet_tutor.core.ipsets import value_text
from k8snet_tutor.core.matrix import HOST_NETWORK_NOTE
from k8snet_tutor.core.ports import PortProbe
from k8snet_tutor.core.services import reach_service
from k8snet_tutor.core.verdict import (
    ALLOWED,
    DENIED,
    NA,
    PARTIAL,
    SELF,
    ServiceTargets,
    conn_code,
    connections,
    reach_code,
    reach_of,
    service_targets,
)
from k8snet_tutor.core.wording import is_address

__all__ = [
    "ALLOWED",
    "ALL_PORTS",
    "DENIED",
    "NA",
    "PARTIAL",
    "SELF",
    "ExternalPeer",
    "GradedCell",
    "Grid",
    "HOST_NETWORK_NOTE",
    "SOURCE_NAT_NOTE",
    "MatrixView",
    "Peer",
    "PodPeer",
    "ServicePeer",
    "default_ports",
    "lesson_view",
    "sandbox_view",
]

ALL_PORTS = "all ports"
EXTERNAL_GROUP = "external"


@dataclass(frozen=True)
class PodPeer:
    """A pod (or a workload's pod template) as a row or column."""

    id: str  # "ns/name"
    group: str  # its namespace
    name: str  # short label inside its group
    pod: Pod = field(compare=False, repr=False)
    kind: ClassVar[Literal["pod"]] = "pod"


@dataclass(frozen=True)
class ServicePeer:
    """A Service as a column (a Service is never the source of a connection)."""

    id: str  # "svc:ns/name"
    group: str
    name: str  # "svc:name"
    service: Service = field(compare=False, repr=False)
    kind: ClassVar[Literal["service"]] = "service"


@dataclass(frozen=True)
class ExternalPeer:
    """An address or address range outside the cluster."""

    id: str  # "203.0.113.7" or "lo-hi"
    group: str  # "external"
    name: str  # the address, or its CIDR when the range is exactly one
    external: External = field(compare=False, repr=False)
    kind: ClassVar[Literal["external"]] = "external"


Peer = PodPeer | ServicePeer | ExternalPeer
Source = PodPeer | ExternalPeer


class GradedCell(Protocol):
    """What the view reads of a graded goal cell (`learning.checks.CellResult`)."""

    @property
    def source(self) -> str: ...
    @property
    def destination(self) -> str: ...
    @property
    def port(self) -> str: ...
    @property
    def expected(self) -> bool: ...
    @property
    def ok(self) -> bool: ...
    @property
    def explanation(self) -> list[str]: ...


def normalise_port(text: str) -> str:
    """`8080` -> `8080/TCP`, `53/udp` -> `53/UDP`; unparseable text is returned as given."""
    try:
        return str(PortProbe.parse(str(text)))
    except ValueError:
        return str(text)


def external_id(ext: External) -> str:
    """A single address as written (`203.0.113.7`), a range as `lo-hi`."""
    return value_text(ext.lo) if ext.lo == ext.hi else ext.id


def external_name(ext: External) -> str:
    """A short label: the address, the CIDR when the range is exactly one, else `lo-hi`."""
    if ext.lo == ext.hi:
        return value_text(ext.lo)
    try:
        lo = ipaddress.ip_address(value_text(ext.lo))
        hi = ipaddress.ip_address(value_text(ext.hi))
        nets = list(ipaddress.summarize_address_range(lo, hi))
    except (ValueError, TypeError):
        return ext.id
    return str(nets[0]) if len(nets) == 1 else ext.id


@dataclass
class GoalCells:
    """The graded goal cells, per port: (from id, to id) -> the graded cells there."""

    cells: dict[str, dict[tuple[str, str], list[GradedCell]]] = field(default_factory=dict)
    addresses_from: list[str] = field(default_factory=list)
    addresses_to: list[str] = field(default_factory=list)
    ports: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, graded: Iterable[GradedCell]) -> GoalCells:
        out = cls()
        for cell in graded:
            port = normalise_port(cell.port)
            if port not in out.cells:
                out.cells[port] = {}
                out.ports.append(port)
            out.cells[port].setdefault((cell.source, cell.destination), []).append(cell)
            if is_address(cell.source, cidr=True) and cell.source not in out.addresses_from:
                out.addresses_from.append(cell.source)
            if is_address(cell.destination, cidr=True) and cell.destination not in out.addresses_to:
                out.addresses_to.append(cell.destination)
        return out


@dataclass
class Grid:
    """One port's cells, with the goal's expectations and the cells the checks found wrong."""

    port: str
    cells: list[list[int]]
    expected: dict[tuple[int, int], bool]
    wrong: set[tuple[int, int]]
    # Cells with a hostNetwork pod at either end: the spec leaves policy for them undefined
    # (`matrix` marks them `?` and its JSON says "undefined"); they are evaluated as normal pods.
    undefined: set[tuple[int, int]] = field(default_factory=set)
    # Outside client -> Service cells that change with where the plugin enforces policy
    # relative to the node's source NAT (externalTrafficPolicy Cluster, node addresses known).
    plugin_dependent: set[tuple[int, int]] = field(default_factory=set)


SOURCE_NAT_NOTE = (
    "this cell assumes that the node's source NAT (externalTrafficPolicy Cluster) comes "
    "before policy, as with kube-proxy; a plugin that enforces policy before the NAT, or keeps "
    "the client's address (Cilium without kube-proxy), decides as if the client's own address "
    "arrived"
)


class MatrixView:
    """Rows (sources) and columns (destinations) of one evaluated cluster, and their cells."""

    def __init__(
        self,
        cluster: Cluster,
        evaluator: Evaluator,
        *,
        goal: GoalCells | None = None,
        ports: Sequence[str] = (),
        include_services: bool = True,
        external_sources: Sequence[External] = (),
        external_destinations: Sequence[External] = (),
        all_ports: bool = True,
    ) -> None:
        self.cluster = cluster
        self.evaluator = evaluator
        self.goal = goal or GoalCells()
        pods = sorted(evaluator.pods, key=lambda p: (p.namespace, p.name))
        pod_peers = [PodPeer(p.id, p.namespace, p.name, p) for p in pods]
        self.rows: list[Source] = list(pod_peers)
        cols: list[Peer] = list(pod_peers)
        if include_services:
            for svc in sorted(cluster.services, key=lambda s: (s.namespace, s.name)):
                cols.append(ServicePeer(f"svc:{svc.id}", svc.namespace, f"svc:{svc.name}", svc))
        # Keep namespaces together: services sort into their namespace's columns.
        cols.sort(key=lambda p: (p.group, p.kind != "pod", p.name))
        self.cols: list[Peer] = cols
        ext_src = list(external_sources)
        ext_dst = list(external_destinations)
        for text in self.goal.addresses_from:
            ext_src.append(evaluator.external_for_address(text, as_source=True))
        for text in self.goal.addresses_to:
            ext_dst.append(evaluator.external_for_address(text, as_source=False))
        seen: set[str] = set()
        for e in ext_src:
            eid = external_id(e)
            if eid not in seen:
                seen.add(eid)
                self.rows.append(ExternalPeer(eid, EXTERNAL_GROUP, external_name(e), e))
        seen = set()
        for e in ext_dst:
            eid = external_id(e)
            if eid not in seen:
                seen.add(eid)
                self.cols.append(ExternalPeer(eid, EXTERNAL_GROUP, external_name(e), e))
        self.row_index = {p.id: i for i, p in enumerate(self.rows)}
        self.col_index = {p.id: i for i, p in enumerate(self.cols)}
        self.ports: list[str] = list(dict.fromkeys([*self.goal.ports, *ports]))
        if not self.ports:
            self.ports = default_ports(cluster)
        if all_ports or not self.ports:
            self.ports.append(ALL_PORTS)
        self._grids: dict[str, Grid] = {}
        self._host_network = any(p.host_network for p in evaluator.pods)
        self._explanations: dict[tuple[int, int, str], list[str]] = {}

    # -- cells --------------------------------------------------------------------------------
    def grid(self, port: str) -> Grid:
        cached = self._grids.get(port)
        if cached is None:
            cached = self._build(port)
            self._grids[port] = cached
        return cached

    def _class_of(self, pod: Pod) -> int:
        return self.evaluator.class_index(pod)

    def _build(self, port: str) -> Grid:
        ev = self.evaluator
        probe = None if port == ALL_PORTS else PortProbe.parse(port)
        class_matrix = ev.class_matrix()
        conns = ev.conns
        width = len(self.cols)
        pod_cols = [(c, dst.pod) for c, dst in enumerate(self.cols) if isinstance(dst, PodPeer)]
        pod_col_classes = [self._class_of(pod) for _, pod in pod_cols]
        # Pod -> pod cells depend only on the (source class, destination class) pair: compute
        # each class row once (a representative pod resolves named ports for its whole class),
        # then expand it over the pod columns.
        representative = ev.reps
        class_rows: dict[int, list[int]] = {}

        def class_row(source_class: int) -> list[int]:
            row = class_rows.get(source_class)
            if row is None:
                ids = class_matrix[source_class]
                row = [conn_code(conns[ids[d]], probe, representative[d]) for d in range(ev.n)]
                class_rows[source_class] = row
            return row

        targets: dict[int, ServiceTargets] = {}
        if probe is not None:
            for c, dst in enumerate(self.cols):
                if isinstance(dst, ServicePeer):
                    targets[c] = service_targets(ev, dst.service, probe, external=False)
        other_cols = [(c, dst) for c, dst in enumerate(self.cols) if not isinstance(dst, PodPeer)]
        self_col = {dst.id: c for c, dst in enumerate(self.cols) if isinstance(dst, PodPeer)}
        ext_memo: dict[tuple[int, int], int] = {}  # (row or column, destination class) -> code
        cells: list[list[int]] = []
        plugin_dependent: set[tuple[int, int]] = set()
        for r, src in enumerate(self.rows):
            row = [NA] * width
            if isinstance(src, PodPeer):
                source_class = self._class_of(src.pod)
                crow = class_row(source_class)
                for (c, _), d in zip(pod_cols, pod_col_classes, strict=True):
                    row[c] = crow[d]
                me = self_col.get(src.id)
                if me is not None and src.pod.replicas <= 1:
                    row[me] = SELF
            else:
                for (c, pod), d in zip(pod_cols, pod_col_classes, strict=True):
                    key = (r, d)
                    code = ext_memo.get(key)
                    if code is None:
                        code = conn_code(
                            ev.connections_from_external(src.external, pod), probe, pod
                        )
                        ext_memo[key] = code
                    row[c] = code
            endpoint: Pod | External = src.pod if isinstance(src, PodPeer) else src.external
            for c, dst in other_cols:
                if isinstance(dst, ServicePeer):
                    if probe is None:
                        row[c] = NA
                    elif isinstance(src, ExternalPeer):
                        t = service_targets(ev, dst.service, probe, external=True)
                        row[c] = reach_code(reach_of(ev, endpoint, t))
                        if t.nat_sources:
                            kept = replace(t, nat_sources=())
                            if reach_code(reach_of(ev, endpoint, kept)) != row[c]:
                                plugin_dependent.add((r, c))
                    else:
                        row[c] = reach_code(reach_of(ev, endpoint, targets[c]))
                elif isinstance(src, ExternalPeer):
                    row[c] = NA
                else:
                    key = (-1 - c, self._class_of(src.pod))
                    code = ext_memo.get(key)
                    if code is None:
                        conn = ev.connections_to_external(src.pod, dst.external)
                        code = conn_code(conn, probe, None)
                        ext_memo[key] = code
                    row[c] = code
            cells.append(row)
        undefined: set[tuple[int, int]] = set()
        if self._host_network:
            for r, src in enumerate(self.rows):
                for c, dst in enumerate(self.cols):
                    if cells[r][c] not in (NA, SELF) and host_network_cell(src, dst):
                        undefined.add((r, c))
        expected: dict[tuple[int, int], bool] = {}
        wrong: set[tuple[int, int]] = set()
        if port == ALL_PORTS:
            # Every cell wrong on some port of the goal.
            for goal_port in self.goal.ports:
                wrong |= self.grid(goal_port).wrong
        for (src_id, dst_id), graded in self.goal.cells.get(port, {}).items():
            gr = self.row_index.get(src_id)
            gc = self.col_index.get(dst_id)
            if gr is None or gc is None:
                continue
            expected[(gr, gc)] = graded[-1].expected
            if any(not g.ok for g in graded):
                wrong.add((gr, gc))
        return Grid(port, cells, expected, wrong, undefined, plugin_dependent)

    # -- questions ----------------------------------------------------------------------------
    def wrong_count(self) -> int:
        """Goal cells the checks found wrong, over every port the goal uses."""
        return sum(len(self.grid(p).wrong) for p in self.goal.ports)

    def wrong_cells(self) -> list[tuple[str, int, int]]:
        """Every wrong goal cell as (port, row, column): port by port in the goal's order,
        then row by row."""
        return [(p, r, c) for p in self.goal.ports for r, c in sorted(self.grid(p).wrong)]

    def wrong_ports(self) -> list[str]:
        """The goal's ports with at least one wrong cell, in the goal's order."""
        return [p for p in self.goal.ports if self.grid(p).wrong]

    def changed(self, previous: MatrixView | None, port: str) -> set[tuple[int, int]]:
        """Cells (of this view) whose value differs from `previous` for the same peers."""
        if previous is None or port not in previous.ports:
            return set()
        old = previous.grid(port).cells
        new = self.grid(port).cells
        out: set[tuple[int, int]] = set()
        same_shape = [p.id for p in previous.rows] == [p.id for p in self.rows] and [
            p.id for p in previous.cols
        ] == [p.id for p in self.cols]
        if same_shape:
            for r, (a, b) in enumerate(zip(old, new, strict=True)):
                if a != b:
                    out.update((r, c) for c, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
            return out
        for r, src in enumerate(self.rows):
            pr = previous.row_index.get(src.id)
            if pr is None:
                continue
            for c, dst in enumerate(self.cols):
                pc = previous.col_index.get(dst.id)
                if pc is not None and old[pr][pc] != new[r][c]:
                    out.add((r, c))
        return out

    def explain_cell(self, r: int, c: int, port: str) -> list[str]:
        """Sentences explaining one cell (worked out once; a wrong goal cell reuses the
        explanation the checks give)."""
        key = (r, c, port)
        cached = self._explanations.get(key)
        if cached is None:
            cached = self._explain(r, c, port)
            self._explanations[key] = cached
        return cached

    def _explain(self, r: int, c: int, port: str) -> list[str]:
        src, dst = self.rows[r], self.cols[c]
        code = self.grid(port).cells[r][c]
        if code == NA:
            if isinstance(dst, ServicePeer):
                svc = dst.service
                ports = ", ".join(f"{p.port}/{p.protocol}" for p in svc.ports) or "none"
                return [f"service {svc.id} has no port {port}; its ports are: {ports}."]
            return ["Traffic between two addresses outside the cluster is not evaluated."]
        if port == ALL_PORTS:
            return self._explain_all_ports(src, dst)
        for graded in self.goal.cells.get(port, {}).get((src.id, dst.id), []):
            if not graded.ok and graded.explanation:
                return list(graded.explanation)
        probe = PortProbe.parse(port)
        endpoint = src.pod if isinstance(src, PodPeer) else src.external
        if isinstance(dst, ServicePeer):
            return reach_service(self.evaluator, endpoint, dst.service, probe).sentences()
        target = dst.pod if isinstance(dst, PodPeer) else dst.external
        return explain(self.evaluator, endpoint, target, probe).sentences()

    def _explain_all_ports(self, src: Source, dst: Peer) -> list[str]:
        ev = self.evaluator
        if isinstance(src, PodPeer) and src.id == dst.id and src.pod.replicas <= 1:
            return [
                "A pod can always reach itself: NetworkPolicy never blocks a pod's own traffic."
            ]
        if isinstance(dst, ServicePeer):
            return [f"Pick a port to see whether {src.id} reaches {dst.id}."]
        endpoint = src.pod if isinstance(src, PodPeer) else src.external
        target = dst.pod if isinstance(dst, PodPeer) else dst.external
        conn = connections(ev, endpoint, target)
        out = [f"{src.id} -> {dst.id}: {conn}"]
        if isinstance(dst, PodPeer):
            for cp in dst.pod.ports:
                out.append(
                    explain(ev, endpoint, dst.pod, PortProbe(cp.port, cp.protocol)).summary()
                )
        if len(out) == 1:
            out.append("Pick a port to see the rules that decide it.")
        return out


def host_network_cell(src: Peer, dst: Peer) -> bool:
    """Is a hostNetwork pod at either end of the cell (as `core.matrix.host_network` asks)?"""
    return any(isinstance(p, PodPeer) and p.pod.host_network for p in (src, dst))


def default_ports(cluster: Cluster) -> list[str]:
    """The container ports declared in the cluster, numerically (at most 12), or 80/TCP."""
    found: set[tuple[int, str]] = set()
    for pod in cluster.pods:
        for cp in pod.ports:
            found.add((cp.port, cp.protocol))
    for svc in cluster.services:
        for sp in svc.ports:
            found.add((sp.port, sp.protocol))
    ports = [f"{p}/{proto}" for p, proto in sorted(found)][:12]
    return ports or ["80/TCP"]


def sandbox_view(cluster: Cluster, evaluator: Evaluator) -> MatrixView:
    """A view of real manifests: every pod, Service and external range the policies mention.

    The "all ports" view comes first: it is the summary an engineer wants to see before any
    single port.
    """
    view = MatrixView(
        cluster,
        evaluator,
        external_sources=evaluator.external_sources,
        external_destinations=evaluator.external_destinations,
    )
    view.ports.remove(ALL_PORTS)
    view.ports.insert(0, ALL_PORTS)
    return view


def lesson_view(cluster: Cluster, evaluator: Evaluator, graded: Iterable[GradedCell]) -> MatrixView:
    """The matrix of a graded lesson: the goal's cells and ports, pods and Services as columns,
    and the addresses the goal names."""
    return MatrixView(cluster, evaluator, goal=GoalCells.of(graded))
