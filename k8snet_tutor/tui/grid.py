"""The data behind the live connectivity matrix: peers, per-port cell grids, goal cells, changes.

Pure Python over the core (no Textual here), so the TUI's workers, the tests and the benchmark
can build it off the UI thread. Grids are computed per port on demand and per pod *class*
(the evaluator's groups of indistinguishable pods), then expanded, so a 300-pod sandbox stays
fast.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from k8snet_tutor.core.cluster import Cluster, Pod, Service
from k8snet_tutor.core.evaluate import Evaluator, External
from k8snet_tutor.core.explain import explain
from k8snet_tutor.core.ipsets import value_text
from k8snet_tutor.core.matrix import probe_allowed
from k8snet_tutor.core.ports import ConnectionSet, PortProbe
from k8snet_tutor.core.services import endpoints, find_port, reach_service, target_port

PeerKind = Literal["pod", "service", "external"]

# Cell codes.
DENIED = 0
ALLOWED = 1
SELF = 2  # a pod to itself: always allowed, never checked
NA = 3  # nothing to evaluate (a Service without this port, an address to an address)
PARTIAL = 4  # "all ports" view: some ports allowed

ALL_PORTS = "all ports"
EXTERNAL_GROUP = "external"


@dataclass(frozen=True)
class Peer:
    """A row or column of the matrix."""

    id: str  # "ns/name", "svc:ns/name", "203.0.113.7" or an address range
    group: str  # namespace, or "external"
    name: str  # short label inside its group
    kind: PeerKind
    obj: Pod | Service | External = field(compare=False, repr=False)


def normalise_port(text: str) -> str:
    """`8080` -> `8080/TCP`, `53/udp` -> `53/UDP`; unparseable text is returned as given."""
    try:
        return str(PortProbe.parse(str(text)))
    except ValueError:
        return str(text)


def _norm_peer(text: str) -> str:
    raw = str(text).strip()
    if raw.startswith(("svc:", "service:")):
        ns, _, name = raw.split(":", 1)[1].rpartition("/")
        return f"svc:{ns or 'default'}/{name}"
    try:
        ipaddress.ip_network(raw, strict=False)
        return raw
    except ValueError:
        pass
    ns, _, name = raw.rpartition("/")
    return f"{ns or 'default'}/{name}"


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
        return True
    except ValueError:
        return False


# --------------------------------------------------------------------------------------------
# Reading a lesson goal


@dataclass
class GoalCells:
    """What the goal expects, per port: (from id, to id) -> allowed?"""

    cells: dict[str, dict[tuple[str, str], bool]] = field(default_factory=dict)
    addresses_from: list[str] = field(default_factory=list)
    addresses_to: list[str] = field(default_factory=list)
    ports: list[str] = field(default_factory=list)

    def add(self, port: str, src: str, dst: str, allowed: bool) -> None:
        if port not in self.cells:
            self.cells[port] = {}
            self.ports.append(port)
        self.cells[port][(src, dst)] = allowed


def _expect(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("allowed", "allow", "true", "yes", "1")


def _get(obj: Any, *names: str, default: Any = None) -> Any:
    """A field of a typed check (attribute) or of a raw mapping (key), by its first known name."""
    for name in names:
        if isinstance(obj, Mapping):
            if name in obj:
                return obj[name]
        elif hasattr(obj, name):
            return getattr(obj, name)
    return default


def goal_cells(goal: Iterable[Any] | None, pod_ids: Sequence[str]) -> GoalCells:
    """The cells a lesson's `probes` and `table` checks expect (other checks have no cells).

    Works on the typed checks of `learning.lesson` (ProbesCheck, TableCheck) and on raw goal
    mappings as written in a lesson file.
    """
    out = GoalCells()
    for check in goal or ():
        probes = _get(check, "probes")
        for probe in probes or ():
            src = _get(probe, "source", "from")
            dst = _get(probe, "destination", "to")
            if src is None or dst is None:
                continue
            src, dst = _norm_peer(src), _norm_peer(dst)
            port = normalise_port(str(_get(probe, "port", default="80/TCP")))
            out.add(port, src, dst, _expect(_get(probe, "expect", default=True)))
            if _is_address(src) and src not in out.addresses_from:
                out.addresses_from.append(src)
            if _is_address(dst) and dst not in out.addresses_to:
                out.addresses_to.append(dst)
        table = check.get("table") if isinstance(check, Mapping) else None
        if table is None and _get(check, "type") == "table":
            table = check
        if table is not None:
            port = normalise_port(str(_get(table, "port", default="80/TCP")))
            nodes = [_norm_peer(n) for n in (_get(table, "nodes") or pod_ids)]
            default = _expect(_get(table, "default", default=True))
            verdict = {(s, d): default for s in nodes for d in nodes if s != d}
            for ov in _get(table, "overrides") or ():
                raw_src = _get(ov, "source", "from")
                raw_dst = _get(ov, "destination", "to")
                src = _norm_peer(raw_src) if raw_src else None
                dst = _norm_peer(raw_dst) if raw_dst else None
                allowed = _expect(_get(ov, "expect", default=False))
                for s in nodes:
                    if src and s != src:
                        continue
                    for d in nodes:
                        if s == d or (dst and d != dst):
                            continue
                        verdict[(s, d)] = allowed
            for (s, d), allowed in verdict.items():
                out.add(port, s, d, allowed)
    return out


def goal_from_cells(cells: Iterable[Any]) -> GoalCells:
    """Goal cells from graded cells (`learning.checks.CellResult`: source, destination, port,
    expected), the authoritative reading of a lesson's probes and tables."""
    out = GoalCells()
    for cell in cells:
        port = normalise_port(cell.port)
        out.add(port, cell.source, cell.destination, bool(cell.expected))
        if _is_address(cell.source) and cell.source not in out.addresses_from:
            out.addresses_from.append(cell.source)
        if _is_address(cell.destination) and cell.destination not in out.addresses_to:
            out.addresses_to.append(cell.destination)
    return out


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


# --------------------------------------------------------------------------------------------
# The model


@dataclass
class Grid:
    """One port's cells, with the goal comparison."""

    port: str
    cells: list[list[int]]
    expected: dict[tuple[int, int], bool]
    wrong: set[tuple[int, int]]


def _sort_key(pod: Pod) -> tuple[str, str]:
    return (pod.namespace, pod.name)


class MatrixModel:
    """Rows (sources) and columns (destinations) of one evaluated cluster, and their cells."""

    def __init__(
        self,
        cluster: Cluster,
        evaluator: Evaluator,
        *,
        goal: GoalCells | None = None,
        ports: Sequence[str] = (),
        include_services: bool = True,
        external_sources: Sequence[External] | None = None,
        external_destinations: Sequence[External] | None = None,
        all_ports: bool = True,
    ) -> None:
        self.cluster = cluster
        self.evaluator = evaluator
        self.goal = goal or GoalCells()
        pods = sorted(evaluator.pods, key=_sort_key)
        self.rows: list[Peer] = [Peer(p.id, p.namespace, p.name, "pod", p) for p in pods]
        self.cols: list[Peer] = list(self.rows)
        if include_services:
            for svc in sorted(cluster.services, key=lambda s: (s.namespace, s.name)):
                self.cols.append(
                    Peer(f"svc:{svc.id}", svc.namespace, f"svc:{svc.name}", "service", svc)
                )
        # Keep namespaces together: services sort into their namespace's columns.
        self.cols.sort(key=lambda p: (p.group, p.kind != "pod", p.name))
        ext_src = list(external_sources) if external_sources is not None else []
        ext_dst = list(external_destinations) if external_destinations is not None else []
        for text in self.goal.addresses_from:
            ext_src.append(evaluator.external_for_address(text, as_source=True))
        for text in self.goal.addresses_to:
            ext_dst.append(evaluator.external_for_address(text, as_source=False))
        seen: set[str] = set()
        for e in ext_src:
            eid = external_id(e)
            if eid not in seen:
                seen.add(eid)
                self.rows.append(Peer(eid, EXTERNAL_GROUP, external_name(e), "external", e))
        seen = set()
        for e in ext_dst:
            eid = external_id(e)
            if eid not in seen:
                seen.add(eid)
                self.cols.append(Peer(eid, EXTERNAL_GROUP, external_name(e), "external", e))
        self.row_index = {p.id: i for i, p in enumerate(self.rows)}
        self.col_index = {p.id: i for i, p in enumerate(self.cols)}
        self.ports: list[str] = list(dict.fromkeys([*self.goal.ports, *ports]))
        if not self.ports:
            self.ports = default_ports(cluster)
        if all_ports or not self.ports:
            self.ports.append(ALL_PORTS)
        self._grids: dict[str, Grid] = {}
        ev = evaluator
        self._row_class = [
            ev.class_of[ev.pod_index(p.id) or 0] if p.kind == "pod" else -1 for p in self.rows
        ]
        self._col_class = [
            ev.class_of[ev.pod_index(p.id) or 0] if p.kind == "pod" else -1 for p in self.cols
        ]

    # -- cells --------------------------------------------------------------------------------
    def grid(self, port: str) -> Grid:
        cached = self._grids.get(port)
        if cached is None:
            cached = self._build(port)
            self._grids[port] = cached
        return cached

    def _build(self, port: str) -> Grid:
        ev = self.evaluator
        probe = None if port == ALL_PORTS else PortProbe.parse(port)
        class_matrix = ev.class_matrix()
        conns = ev.conns
        # Per class pair: the code for this port.
        code_memo: dict[tuple[int, int], int] = {}

        def conn_code(conn: ConnectionSet, dst: Pod | None) -> int:
            if probe is None:
                if conn.is_all:
                    return ALLOWED
                return PARTIAL if conn else DENIED
            return ALLOWED if probe_allowed(conn, probe, dst) else DENIED

        col_info: list[Any] = []
        for col in self.cols:
            if col.kind == "service":
                col_info.append(self._service_targets(col.obj, probe))  # type: ignore[arg-type]
            else:
                col_info.append(None)
        # Pod -> pod cells depend only on the (source class, destination class) pair: compute
        # each class row once, then expand it over the pod columns.
        pod_cols = [c for c, dst in enumerate(self.cols) if dst.kind == "pod"]
        pod_col_classes = [self._col_class[c] for c in pod_cols]
        other_cols = [c for c, dst in enumerate(self.cols) if dst.kind != "pod"]
        n_classes = ev.n
        # The class of one representative pod: named ports resolve the same for the whole class.
        rep_pod = ev.reps
        class_rows: dict[int, list[int]] = {}

        def class_row(rc: int) -> list[int]:
            row = class_rows.get(rc)
            if row is None:
                mrow = class_matrix[rc]
                row = [conn_code(conns[mrow[d]], rep_pod[d]) for d in range(n_classes)]
                class_rows[rc] = row
            return row

        self_col = {dst.id: c for c, dst in enumerate(self.cols) if dst.kind == "pod"}
        cells: list[list[int]] = []
        width = len(self.cols)
        for r, src in enumerate(self.rows):
            rc = self._row_class[r]
            row = [NA] * width
            if src.kind == "pod":
                crow = class_row(rc)
                for c, d in zip(pod_cols, pod_col_classes, strict=True):
                    row[c] = crow[d]
                me = self_col.get(src.id)
                if me is not None and src.obj.replicas <= 1:  # type: ignore[union-attr]
                    row[me] = SELF
            else:
                for c, d in zip(pod_cols, pod_col_classes, strict=True):
                    key = (-1 - r, d)
                    code = code_memo.get(key)
                    if code is None:
                        conn = ev.connections_from_external(src.obj, self.cols[c].obj)  # type: ignore[arg-type]
                        code = conn_code(conn, self.cols[c].obj)  # type: ignore[arg-type]
                        code_memo[key] = code
                    row[c] = code
            for c in other_cols:
                dst = self.cols[c]
                if dst.kind == "service":
                    row[c] = self._service_code(src, rc, col_info[c], probe, dst.obj)  # type: ignore[arg-type]
                elif src.kind != "pod":
                    row[c] = NA
                else:
                    key = (rc, -1 - c)
                    code = code_memo.get(key)
                    if code is None:
                        conn = ev.connections_to_external(src.obj, dst.obj)  # type: ignore[arg-type]
                        code = conn_code(conn, None)
                        code_memo[key] = code
                    row[c] = code
            cells.append(row)
        expected: dict[tuple[int, int], bool] = {}
        wrong: set[tuple[int, int]] = set()
        for (src_id, dst_id), allowed in self.goal.cells.get(port, {}).items():
            gr = self.row_index.get(src_id)
            gc = self.col_index.get(dst_id)
            if gr is None or gc is None:
                continue
            expected[(gr, gc)] = allowed
            code = cells[gr][gc]
            if code in (SELF,):
                continue
            if (code == ALLOWED) != allowed:
                wrong.add((gr, gc))
        return Grid(port, cells, expected, wrong)

    def _service_targets(
        self, svc: Service, probe: PortProbe | None
    ) -> list[tuple[Pod, int | None]] | None:
        """Endpoints and their target ports for a Service port (None: no such port)."""
        if probe is None:
            return None
        sp = find_port(svc, probe)
        if sp is None:
            return None
        return [(pod, target_port(sp, pod)) for pod in endpoints(self.cluster, svc)]

    def _service_code(
        self,
        src: Peer,
        rc: int,
        targets: list[tuple[Pod, int | None]] | None,
        probe: PortProbe | None,
        svc: Service,
    ) -> int:
        if src.kind == "external":
            if probe is None:
                return NA
            verdict = reach_service(self.evaluator, src.obj, svc, probe)  # type: ignore[arg-type]
            if verdict.reach in ("no-port", "not-exposed"):
                return NA
            return ALLOWED if verdict.allowed else DENIED
        if targets is None:
            return NA
        if not targets:
            return DENIED
        ev = self.evaluator
        assert probe is not None
        for pod, tp in targets:
            if tp is None:
                return DENIED
            if pod.id == src.id and pod.replicas <= 1:
                continue
            d = ev.class_of[ev.pod_index(pod.id) or 0]
            if not ev.conns[ev.class_cell(rc, d)].allows(tp, probe.protocol):
                return DENIED
        return ALLOWED

    # -- questions ----------------------------------------------------------------------------
    def wrong_count(self) -> int:
        """Goal cells that do not match, over every port the goal uses."""
        return sum(len(self.grid(p).wrong) for p in self.goal.ports)

    def changed(self, previous: MatrixModel | None, port: str) -> set[tuple[int, int]]:
        """Cells (of this model) whose value differs from `previous` for the same peers."""
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
        """Sentences explaining one cell."""
        src, dst = self.rows[r], self.cols[c]
        ev = self.evaluator
        code = self.grid(port).cells[r][c]
        if code == NA:
            if dst.kind == "service":
                svc = dst.obj
                assert isinstance(svc, Service)
                ports = ", ".join(f"{p.port}/{p.protocol}" for p in svc.ports) or "none"
                return [f"service {svc.id} has no port {port}; its ports are: {ports}."]
            return ["Traffic between two addresses outside the cluster is not evaluated."]
        if port == ALL_PORTS:
            return self._explain_all_ports(src, dst)
        probe = PortProbe.parse(port)
        if dst.kind == "service":
            verdict = reach_service(ev, src.obj, dst.obj, probe)  # type: ignore[arg-type]
            return verdict.sentences()
        return explain(ev, src.obj, dst.obj, probe).sentences()  # type: ignore[arg-type]

    def _explain_all_ports(self, src: Peer, dst: Peer) -> list[str]:
        ev = self.evaluator
        if src.id == dst.id and src.kind == "pod" and src.obj.replicas <= 1:  # type: ignore[union-attr]
            return [
                "A pod can always reach itself: NetworkPolicy never blocks a pod's own traffic."
            ]
        if dst.kind == "service":
            return [f"Pick a port to see whether {src.id} reaches {dst.id}."]
        if src.kind == "pod" and dst.kind == "pod":
            conn = ev.connections(src.obj, dst.obj)  # type: ignore[arg-type]
        elif src.kind == "external":
            conn = ev.connections_from_external(src.obj, dst.obj)  # type: ignore[arg-type]
        else:
            conn = ev.connections_to_external(src.obj, dst.obj)  # type: ignore[arg-type]
        out = [f"{src.id} -> {dst.id}: {conn}"]
        pod = dst.obj if isinstance(dst.obj, Pod) else None
        for cp in pod.ports if pod else ():
            exp = explain(ev, src.obj, pod, PortProbe(cp.port, cp.protocol))  # type: ignore[arg-type]
            out.append(exp.summary())
        if len(out) == 1:
            out.append("Pick a port to see the rules that decide it.")
        return out

    def cell_ids(self, r: int, c: int) -> tuple[str, str]:
        return self.rows[r].id, self.cols[c].id


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


def sandbox_model(cluster: Cluster, evaluator: Evaluator) -> MatrixModel:
    """A model of real manifests: every pod, Service and external range the policies mention.

    The "all ports" view comes first: it is the summary an engineer wants to see before any
    single port.
    """
    model = MatrixModel(
        cluster,
        evaluator,
        external_sources=evaluator.external_sources,
        external_destinations=evaluator.external_destinations,
    )
    model.ports.remove(ALL_PORTS)
    model.ports.insert(0, ALL_PORTS)
    return model


def lesson_model(report: Any) -> MatrixModel:
    """The matrix of a graded lesson (`learning.checks.CheckReport`): the goal's cells and
    ports, pods and Services as columns, and the addresses the goal names."""
    goal = goal_from_cells(report.cells())
    return MatrixModel(report.cluster, report.evaluator, goal=goal)
