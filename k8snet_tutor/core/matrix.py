"""The connectivity matrix: nodes (pods or workloads, external peers) and their connections,
and the ways to print it (text, json, csv, md, dot, connlist).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from k8snet_tutor.core.cluster import Pod
from k8snet_tutor.core.evaluate import Evaluator, External
from k8snet_tutor.core.ports import ALL, ConnectionSet, PortProbe
from k8snet_tutor.core.problems import Problem

# The verdict of one cell lives in core.verdict (re-exported for the CLI and older imports).
from k8snet_tutor.core.verdict import probe_allowed as probe_allowed

Granularity = Literal["pod", "workload"]


@dataclass(frozen=True)
class Node:
    """A row/column of the matrix: a pod (or workload) or an external address range."""

    id: str  # "ns/name" for pods, "ns/name[Kind]" for workloads, "a.b.c.d-e.f.g.h" for externals
    label: str  # how connlist prints it
    namespace: str | None
    pod: Pod | None = None
    external: External | None = None
    size: int = 1  # how many pods the node stands for (replicas, or pods of one workload)

    @property
    def is_external(self) -> bool:
        return self.external is not None


@dataclass
class Matrix:
    """All allowed connections among the nodes of a cluster."""

    evaluator: Evaluator
    granularity: Granularity = "pod"
    nodes: list[Node] = field(default_factory=list)
    sources_ext: list[Node] = field(default_factory=list)
    destinations_ext: list[Node] = field(default_factory=list)

    @classmethod
    def build(cls, evaluator: Evaluator, granularity: Granularity = "pod") -> Matrix:
        m = cls(evaluator, granularity)
        by_id: dict[str, Node] = {}
        for pod in evaluator.pods:
            nid = pod.workload_id if granularity == "workload" else pod.id
            node = by_id.get(nid)
            if node is None:
                by_id[nid] = Node(nid, nid, pod.namespace, pod=pod, size=pod.replicas)
            else:
                by_id[nid] = Node(nid, nid, pod.namespace, pod=node.pod, size=node.size + 1)
        m.nodes = sorted(by_id.values(), key=lambda n: n.id)
        m.sources_ext = [Node(e.id, e.label, None, external=e) for e in evaluator.external_sources]
        m.destinations_ext = [
            Node(e.id, e.label, None, external=e) for e in evaluator.external_destinations
        ]
        return m

    def other_mode(self) -> Matrix | None:
        """The same matrix with the other ipBlock reading, when the choice can matter (some pod
        IP lies inside some ipBlock); None otherwise. Cells that differ are CNI-dependent."""
        ev = self.evaluator
        if not ev.pod_ips_in_blocks():
            return None
        other = Evaluator(
            ev.cluster,
            ipblocks="external" if ev.mode == "pods" else "pods",
            externals=ev.extra_externals,
        )
        return Matrix.build(other, self.granularity)

    def connections(self, src: Node, dst: Node) -> ConnectionSet:
        """Allowed connections from one node to another.

        A node to itself: a single pod always reaches itself; between the replicas (or pods)
        that one node stands for, the policies decide.
        """
        ev = self.evaluator
        if src.pod is not None and dst.pod is not None:
            if src.id == dst.id:
                if src.size <= 1:
                    return ALL
                return ev.class_connections(src.pod, dst.pod)
            return ev.connections(src.pod, dst.pod)
        if src.external is not None and dst.pod is not None:
            return ev.connections_from_external(src.external, dst.pod)
        if src.pod is not None and dst.external is not None:
            return ev.connections_to_external(src.pod, dst.external)
        return ConnectionSet.NONE

    def pairs(self, *, include_self: bool = False) -> Iterator[tuple[Node, Node, ConnectionSet]]:
        """Every (source, destination, connections) with something allowed, in connlist order."""
        ev = self.evaluator
        matrix = ev.class_matrix()
        conns = ev.conns
        node_class = [ev.class_index(n.pod) if n.pod else -1 for n in self.nodes]
        for i, src in enumerate(self.nodes):
            row = matrix[node_class[i]]
            for j, dst in enumerate(self.nodes):
                if i == j:
                    if include_self:
                        yield src, dst, self.connections(src, dst)
                    continue
                conn = conns[row[node_class[j]]]
                if conn:
                    yield src, dst, conn
        for ext in self.sources_ext:
            for dst in self.nodes:
                conn = self.connections(ext, dst)
                if conn:
                    yield ext, dst, conn
        for src in self.nodes:
            for ext in self.destinations_ext:
                conn = self.connections(src, ext)
                if conn:
                    yield src, ext, conn


def connlist_entries(
    matrix: Matrix, focus: str | None = None, focus_direction: str | None = None
) -> list[tuple[str, bool]]:
    """The connlist lines, sorted bytewise, each with whether it is undefined (a hostNetwork
    pod at either end: the spec leaves policy for such pods undefined)."""

    def matches(node: Node) -> bool:
        if focus is None:
            return True
        if node.pod is None:
            return False
        name = node.label.split("[")[0]
        return focus in (name, name.split("/", 1)[1])

    def keep(src: Node, dst: Node) -> bool:
        if focus is None:
            return True
        if focus_direction == "egress":
            return matches(src)
        if focus_direction == "ingress":
            return matches(dst)
        return matches(src) or matches(dst)

    entries = []
    # Pod-pair cells are shared, interned objects: print each distinct set once.
    # (The cache holds each set too, so an id is never reused while it is in use.)
    texts: dict[int, tuple[ConnectionSet, str]] = {}
    hosts = {n.id for n in matrix.nodes if n.pod is not None and n.pod.host_network}
    for src, dst, conn in matrix.pairs():
        if not keep(src, dst):
            continue
        cached = texts.get(id(conn))
        if cached is None:
            cached = texts[id(conn)] = (conn, str(conn))
        undefined = bool(hosts) and (src.id in hosts or dst.id in hosts)
        entries.append((f"{src.label} => {dst.label} : {cached[1]}", undefined))
    # Code-point order of str is the byte order of their UTF-8 encoding.
    entries.sort()
    return entries


def connlist_lines(
    matrix: Matrix, focus: str | None = None, focus_direction: str | None = None
) -> list[str]:
    """The netpol-analyzer `list` text output: `src => dst : conns`, sorted bytewise."""
    return [line for line, _undefined in connlist_entries(matrix, focus, focus_direction)]


def to_connlist(matrix: Matrix, focus: str | None = None, focus_direction: str | None = None) -> str:
    lines = connlist_lines(matrix, focus, focus_direction)
    return "".join(line + "\n" for line in lines)


def connlist_undefined_note(
    matrix: Matrix, entries: Sequence[tuple[str, bool]], limit: int = 5
) -> str | None:
    """What to say about the connlist lines that involve a hostNetwork pod, or None when no line
    does: how many, which hostNetwork nodes, and the first `limit` lines, each marked '?'. The
    lines themselves stay exactly what netpol-analyzer prints (it, too, treats such a pod as a
    normal one), so the note goes beside them."""
    undefined = [line for line, flag in entries if flag]
    if not undefined:
        return None
    ends = {end for line in undefined for end in line.split(" : ", 1)[0].split(" => ")}
    hosts = [
        n.label
        for n in matrix.nodes
        if n.pod is not None and n.pod.host_network and n.label in ends
    ]
    names = ", ".join(hosts[:limit]) + (f" and {len(hosts) - limit} more" if len(hosts) > limit else "")
    shown = "".join(f"\n  ? {line}" for line in undefined[:limit])
    if len(undefined) > limit:
        shown += f"\n  ... and {len(undefined) - limit} more"
    return (
        f"note: {len(undefined)} of the {len(entries)} connlist line(s) involve a hostNetwork "
        f"pod ({names}): the spec leaves policy for such pods undefined, and these lines treat "
        f"it as a normal pod (as netpol-analyzer does):{shown}"
    )


def to_json(
    matrix: Matrix,
    probes: Sequence[PortProbe] = (),
    warnings: Sequence[Problem] = (),
    services: Sequence[Mapping[str, object]] | None = None,
) -> str:
    """`{"nodes": [...], "connections": [...], "warnings": [...]}` over every ordered pod pair
    (plus `"services": [...]` when given). With external addresses given to the evaluator
    (`--external`), also `"externals": [...]` and the connections from each address to every
    pod and from every pod to it."""
    nodes = matrix.nodes
    out: dict[str, object] = {"nodes": [n.id for n in nodes]}
    connections: list[dict[str, object]] = []
    other = matrix.other_mode()

    def emit(
        src: str, dst: str, dst_pod: Pod | None, conn: ConnectionSet, alt: ConnectionSet, hn: bool
    ) -> None:
        if probes:
            for probe in probes:
                allowed = probe_allowed(conn, probe, dst_pod)
                entry: dict[str, object] = {
                    "from": src,
                    "to": dst,
                    "port": str(probe),
                    "allowed": allowed,
                }
                if allowed != probe_allowed(alt, probe, dst_pod):
                    entry["cni_dependent"] = True
                if hn:
                    entry["undefined"] = HOST_NETWORK_NOTE
                connections.append(entry)
        else:
            entry = {"from": src, "to": dst, "conns": str(conn)}
            if alt != conn:
                entry["cni_dependent"] = True
            if hn:
                entry["undefined"] = HOST_NETWORK_NOTE
            connections.append(entry)

    for src in nodes:
        for dst in nodes:
            conn = matrix.connections(src, dst)
            alt = other.connections(src, dst) if other is not None else conn
            emit(src.id, dst.id, dst.pod, conn, alt, host_network(src, dst))
    ev = matrix.evaluator
    alt_ev = other.evaluator if other is not None else ev
    if ev.extra_externals:
        out["externals"] = list(ev.extra_externals)
    for text in ev.extra_externals:
        for node in nodes:
            if node.pod is None:
                continue
            pod, hn = node.pod, node.pod.host_network
            # From the address (only the pod's ingress decides), then to it (only its egress).
            e, a = (x.external_for_address(text, as_source=True) for x in (ev, alt_ev))
            conn = ev.connections_from_external(e, pod)
            emit(text, node.id, pod, conn, alt_ev.connections_from_external(a, pod), hn)
            e, a = (x.external_for_address(text, as_source=False) for x in (ev, alt_ev))
            conn = ev.connections_to_external(pod, e)
            emit(node.id, text, None, conn, alt_ev.connections_to_external(pod, a), hn)
    out["connections"] = connections
    if services is not None:
        out["services"] = list(services)
    out["warnings"] = [w.to_dict() for w in warnings]
    return json.dumps(out, indent=2)


HOST_NETWORK_NOTE = (
    "a hostNetwork pod is involved: the spec leaves policy for such pods undefined; "
    "this cell treats it as a normal pod"
)


def host_network(src: Node, dst: Node) -> bool:
    """Is either end a hostNetwork pod (whose policy behaviour the spec leaves undefined)?"""
    return any(n.pod is not None and n.pod.host_network for n in (src, dst))


NOT_APPLICABLE = "n/a"  # an outside address to an outside address: no policy between them


def table(
    matrix: Matrix, probe: PortProbe | None, *, externals: bool = False
) -> tuple[list[str], list[list[str]]]:
    """Header ids and rows of cell strings ("allowed"/"denied" with a probe, else conns).

    With `externals`, the addresses given to the evaluator (`--external`) follow the pods:
    as columns (a pod's egress to them) and as rows (their connections into the pods)."""
    ev = matrix.evaluator
    texts = list(ev.extra_externals) if externals else []

    def address(text: str, *, as_source: bool) -> Node:
        return Node(text, text, None, external=ev.external_for_address(text, as_source=as_source))

    sources = [*matrix.nodes, *(address(t, as_source=True) for t in texts)]
    destinations = [*matrix.nodes, *(address(t, as_source=False) for t in texts)]
    rows = []
    for src in sources:
        row = [src.id]
        for dst in destinations:
            if src.is_external and dst.is_external:
                row.append(NOT_APPLICABLE)
                continue
            conn = matrix.connections(src, dst)
            if probe is None:
                row.append(str(conn))
            else:
                row.append("allowed" if probe_allowed(conn, probe, dst.pod) else "denied")
        rows.append(row)
    return [n.id for n in destinations], rows


def to_csv(matrix: Matrix, probe: PortProbe | None = None) -> str:
    ids, rows = table(matrix, probe, externals=True)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["from \\ to", *ids])
    writer.writerows(rows)
    return buf.getvalue()


def to_markdown(matrix: Matrix, probe: PortProbe | None = None) -> str:
    ids, rows = table(matrix, probe, externals=True)
    mark = {"allowed": "✓", "denied": "✗"}
    lines = ["| from \\ to | " + " | ".join(ids) + " |", "|---" * (len(ids) + 1) + "|"]
    for row in rows:
        lines.append("| " + " | ".join([row[0], *(mark.get(c, c) for c in row[1:])]) + " |")
    return "\n".join(lines) + "\n"
