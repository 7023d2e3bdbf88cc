"""The policy evaluator: who may connect to whom, on which ports (networking.k8s.io/v1).

How it stays fast: pods that no selector, ipBlock or named port can tell apart (same namespace,
same values for every label key any selector reads, same container ports, same ipBlock
membership) form one *class*, and all work is per class. Selections are bitsets over classes
(Python ints), built from a label index, so a selector costs a few integer operations.

The rules it follows (see the semantics lesson texts and `explain.py` for the same rules in
words):
- a pod is isolated for a direction iff a policy in its namespace selects it and has that
  direction in its (inferred) policyTypes; a non-isolated direction allows everything;
- an isolated direction allows the union of the matching rules of all selecting policies;
- pod-to-pod traffic needs the source's egress AND the destination's ingress;
- a pod always reaches itself;
- ipBlocks match external addresses, and (in the default `pods` mode) pods whose `status.podIP`
  lies inside them; in `external` mode they match external addresses only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from k8snet_tutor.core.cluster import Cluster, NetworkPolicy, Pod, PolicyPort, Rule
from k8snet_tutor.core.ipsets import IPSet, address_value, range_text, split_space, value_text
from k8snet_tutor.core.ports import ALL, NONE, ConnectionSet
from k8snet_tutor.core.selectors import LabelSelector, Requirement

IPBlockMode = Literal["pods", "external"]


def iter_bits(bits: int) -> list[int]:
    """Indexes of the set bits of `bits`, ascending."""
    if not bits:
        return []
    text = bin(bits)[:1:-1]
    out = []
    find = text.find
    i = find("1")
    while i >= 0:
        out.append(i)
        i = find("1", i + 1)
    return out


@dataclass(frozen=True)
class External:
    """A piece of the address space outside the cluster, shown as one peer."""

    lo: int
    hi: int

    @property
    def id(self) -> str:
        """`203.0.113.9` for one address, `first-last` for a range."""
        return value_text(self.lo) if self.lo == self.hi else range_text(self.lo, self.hi)

    @property
    def label(self) -> str:
        """netpol-analyzer's form, always a range: `1.2.3.4-1.2.3.4[External]`."""
        return f"{range_text(self.lo, self.hi)}[External]"


def ports_connections(ports: Sequence[PolicyPort], pod: Pod | None) -> ConnectionSet:
    """The connections a rule's `ports` allow towards `pod` (None: an address, not a pod).

    Empty `ports` means every port. A named port is looked up on the destination pod by name and
    protocol; with no pod (an external address) or no such port it allows nothing.
    """
    if not ports:
        return ALL
    out = NONE
    for p in ports:
        if p.port is None:
            out = out | ConnectionSet.all_of(p.protocol)
        elif isinstance(p.port, int):
            out = out | ConnectionSet.of(p.protocol, p.port, p.end_port or p.port)
        elif pod is not None:
            cp = pod.named_port(p.port, p.protocol)
            if cp is not None:
                out = out | ConnectionSet.of(p.protocol, cp.port)
    return out


class Evaluator:
    """Evaluates one cluster. Build once; ask for cells, rows, or the full matrix."""

    def __init__(
        self,
        cluster: Cluster,
        *,
        ipblocks: IPBlockMode = "pods",
        externals: Iterable[str] = (),
    ) -> None:
        self.cluster = cluster
        self.mode: IPBlockMode = ipblocks
        self.extra_externals: tuple[str, ...] = tuple(externals)
        self._node_by_address: dict[str, str] | None = None
        self.pods: list[Pod] = list(cluster.pods)
        self.policies: list[NetworkPolicy] = list(cluster.policies)
        self._pod_index = {p.id: i for i, p in enumerate(self.pods)}
        self._build_blocks(self.extra_externals)
        self._build_classes()
        self._build_index()
        self._select_policies()
        self._conn_ids: dict[ConnectionSet, int] = {}
        self.conns: list[ConnectionSet] = []
        self.ALL_ID = self._intern(ALL)
        self.NONE_ID = self._intern(NONE)
        self._and_memo: dict[tuple[int, int], int] = {}
        self._in_cols: dict[int, list[int] | None] = {}
        self._eg_rows: dict[int, list[int] | None] = {}
        # Classes isolated by the same policies (and, for ingress, with the same ports) share
        # their column / row.
        self._in_by_key: dict[tuple[object, ...], list[int] | None] = {}
        self._eg_by_key: dict[tuple[int, ...], list[int] | None] = {}
        self._ext_memo: dict[tuple[int, int, int, bool], ConnectionSet] = {}
        self._class_matrix: list[list[int]] | None = None

    # ---------------------------------------------------------------------------------------
    # Set-up

    def _build_blocks(self, externals: Iterable[str]) -> None:
        """Collect ipBlocks: the distinct blocks, and the external pieces for each direction."""
        self.blocks: list[IPSet] = []
        block_ids: dict[IPSet, int] = {}
        in_sets: list[IPSet] = []
        eg_sets: list[IPSet] = []
        for pol in self.policies:
            for rules, bucket in ((pol.ingress, in_sets), (pol.egress, eg_sets)):
                for rule in rules:
                    for peer in rule.peers:
                        if peer.ip_block is None:
                            continue
                        ipset = peer.ip_block.ipset
                        bucket.append(ipset)
                        if ipset not in block_ids:
                            block_ids[ipset] = len(self.blocks)
                            self.blocks.append(ipset)
        self._block_ids = block_ids
        extra = [IPSet.from_address(e) for e in externals]
        self.external_sources = [External(lo, hi) for lo, hi in split_space(in_sets + extra)]
        self.external_destinations = [External(lo, hi) for lo, hi in split_space(eg_sets + extra)]

    def _ip_signature(self, pod: Pod) -> frozenset[int]:
        if self.mode != "pods" or not pod.ip or not self.blocks:
            return frozenset()
        try:
            value = address_value(pod.ip)
        except ValueError:
            return frozenset()
        return frozenset(i for i, b in enumerate(self.blocks) if b.contains_value(value))

    def pod_ips_in_blocks(self) -> bool:
        """Does some pod's IP lie inside some ipBlock (so the ipBlock reading matters)?"""
        for pod in self.pods:
            if not pod.ip:
                continue
            try:
                value = address_value(pod.ip)
            except ValueError:
                continue
            if any(b.contains_value(value) for b in self.blocks):
                return True
        return False

    def _build_classes(self) -> None:
        keys: set[str] = set()
        for pol in self.policies:
            keys |= pol.pod_selector.keys
            for rule in (*pol.ingress, *pol.egress):
                for peer in rule.peers:
                    if peer.pod_selector is not None:
                        keys |= peer.pod_selector.keys
        self.label_keys = tuple(sorted(keys))
        class_of_key: dict[tuple[object, ...], int] = {}
        self.class_of: list[int] = []
        self.reps: list[Pod] = []
        self.class_ips: list[frozenset[int]] = []
        for pod in self.pods:
            labels = pod.labels
            sig = self._ip_signature(pod)
            key = (
                pod.namespace,
                tuple(labels.get(k) for k in self.label_keys),
                pod.ports,
                sig,
            )
            idx = class_of_key.get(key)
            if idx is None:
                idx = len(self.reps)
                class_of_key[key] = idx
                self.reps.append(pod)
                self.class_ips.append(sig)
            self.class_of.append(idx)
        self.n = len(self.reps)
        self.all_bits = (1 << self.n) - 1

    def _build_index(self) -> None:
        self.ns_bits: dict[str, int] = {}
        self.label_index: dict[str, dict[str, int]] = {k: {} for k in self.label_keys}
        for c, pod in enumerate(self.reps):
            bit = 1 << c
            self.ns_bits[pod.namespace] = self.ns_bits.get(pod.namespace, 0) | bit
            for k in self.label_keys:
                v = pod.labels.get(k)
                if v is not None:
                    idx = self.label_index[k]
                    idx[v] = idx.get(v, 0) | bit
        self.block_bits = [0] * len(self.blocks)
        for c, sig in enumerate(self.class_ips):
            for b in sig:
                self.block_bits[b] |= 1 << c
        self._req_memo: dict[Requirement, int] = {}
        self._sel_memo: dict[LabelSelector, int] = {}
        self._nssel_memo: dict[LabelSelector, int] = {}

    def _select_policies(self) -> None:
        self.in_policies: list[list[NetworkPolicy]] = [[] for _ in range(self.n)]
        self.eg_policies: list[list[NetworkPolicy]] = [[] for _ in range(self.n)]
        for pol in self.policies:
            selected = self.ns_bits.get(pol.namespace, 0) & self.selector_bits(pol.pod_selector)
            if not selected:
                continue
            for c in iter_bits(selected):
                if pol.affects_ingress:
                    self.in_policies[c].append(pol)
                if pol.affects_egress:
                    self.eg_policies[c].append(pol)

    # ---------------------------------------------------------------------------------------
    # Selection as bitsets

    def _requirement_bits(self, req: Requirement) -> int:
        memo = self._req_memo.get(req)
        if memo is not None:
            return memo
        index = self.label_index.get(req.key, {})
        if req.operator in ("In", "NotIn"):
            bits = 0
            for v in req.values:
                bits |= index.get(v, 0)
            if req.operator == "NotIn":
                bits = self.all_bits & ~bits
        else:
            bits = 0
            for b in index.values():
                bits |= b
            if req.operator == "DoesNotExist":
                bits = self.all_bits & ~bits
        self._req_memo[req] = bits
        return bits

    def selector_bits(self, selector: LabelSelector) -> int:
        """Classes (in any namespace) whose labels match `selector`."""
        memo = self._sel_memo.get(selector)
        if memo is not None:
            return memo
        bits = self.all_bits
        for req in selector.requirements:
            bits &= self._requirement_bits(req)
            if not bits:
                break
        self._sel_memo[selector] = bits
        return bits

    def namespace_bits(self, selector: LabelSelector) -> int:
        """Classes in namespaces whose labels match `selector`."""
        memo = self._nssel_memo.get(selector)
        if memo is not None:
            return memo
        bits = 0
        for name, ns_bits in self.ns_bits.items():
            if selector.matches(self.cluster.namespace_labels(name)):
                bits |= ns_bits
        self._nssel_memo[selector] = bits
        return bits

    def rule_pod_bits(self, rule: Rule, namespace: str) -> int:
        """Classes a rule's `from`/`to` admits (all classes for an empty peer list)."""
        if not rule.peers:
            return self.all_bits
        bits = 0
        for peer in rule.peers:
            if peer.ip_block is not None:
                block = self._block_ids.get(peer.ip_block.ipset)
                if block is not None:
                    bits |= self.block_bits[block]
                continue
            if peer.namespace_selector is None:
                scope = self.ns_bits.get(namespace, 0)
            else:
                scope = self.namespace_bits(peer.namespace_selector)
            if peer.pod_selector is not None and scope:
                scope &= self.selector_bits(peer.pod_selector)
            bits |= scope
        return bits

    @staticmethod
    def rule_admits_range(rule: Rule, lo: int, hi: int) -> bool:
        """Does a rule's peer list admit the external range lo..hi (a piece of the split)?"""
        if not rule.peers:
            return True
        return any(
            peer.ip_block is not None and peer.ip_block.ipset.contains_range(lo, hi)
            for peer in rule.peers
        )

    # ---------------------------------------------------------------------------------------
    # Connection sets, interned as small ints

    def _intern(self, conn: ConnectionSet) -> int:
        cid = self._conn_ids.get(conn)
        if cid is None:
            cid = len(self.conns)
            self._conn_ids[conn] = cid
            self.conns.append(conn)
        return cid

    def _and(self, a: int, b: int) -> int:
        if a == self.ALL_ID or b == self.NONE_ID:
            return b
        if b == self.ALL_ID or a == self.NONE_ID:
            return a
        key = (a, b)
        r = self._and_memo.get(key)
        if r is None:
            r = self._intern(self.conns[a] & self.conns[b])
            self._and_memo[key] = r
        return r

    @staticmethod
    def _partition(entries: dict[object, int], universe: int) -> list[tuple[int, frozenset[object]]]:
        """Split `universe` into parts whose members are in the same subset of entry bitsets."""
        parts: list[tuple[int, frozenset[object]]] = [(universe, frozenset())]
        for key, bits in entries.items():
            nxt: list[tuple[int, frozenset[object]]] = []
            for pbits, pkeys in parts:
                inside = pbits & bits
                outside = pbits & ~bits
                if inside:
                    nxt.append((inside, pkeys | {key}))
                if outside:
                    nxt.append((outside, pkeys))
            parts = nxt
        return parts

    def ingress_column(self, d: int) -> list[int] | None:
        """For destination class d: the connection id each source class may use (None: all)."""
        if d in self._in_cols:
            return self._in_cols[d]
        pols = self.in_policies[d]
        if not pols:
            self._in_cols[d] = None
            return None
        rep = self.reps[d]
        key = (tuple(id(p) for p in pols), rep.ports)
        if key in self._in_by_key:
            shared = self._in_by_key[key]
            self._in_cols[d] = shared
            return shared
        merged: dict[object, int] = {}
        for pol in pols:
            for rule in pol.ingress:
                bits = self.rule_pod_bits(rule, pol.namespace)
                if not bits:
                    continue
                cid = self._intern(ports_connections(rule.ports, rep))
                if cid == self.NONE_ID:
                    continue
                merged[cid] = merged.get(cid, 0) | bits
        col = [self.NONE_ID] * self.n
        for bits, keys in self._partition(merged, self.all_bits):
            if not keys:
                continue
            conn = NONE
            for k in keys:
                assert isinstance(k, int)
                conn = conn | self.conns[k]
            cid = self._intern(conn)
            for s in iter_bits(bits):
                col[s] = cid
        self._in_cols[d] = col
        self._in_by_key[key] = col
        return col

    def egress_row(self, s: int) -> list[int] | None:
        """For source class s: the connection id towards each destination class (None: all)."""
        if s in self._eg_rows:
            return self._eg_rows[s]
        pols = self.eg_policies[s]
        if not pols:
            self._eg_rows[s] = None
            return None
        key = tuple(id(p) for p in pols)
        if key in self._eg_by_key:
            shared = self._eg_by_key[key]
            self._eg_rows[s] = shared
            return shared
        merged: dict[object, int] = {}
        for pol in pols:
            for rule in pol.egress:
                bits = self.rule_pod_bits(rule, pol.namespace)
                if bits:
                    merged[rule.ports] = merged.get(rule.ports, 0) | bits
        row = [self.NONE_ID] * self.n
        resolved: dict[tuple[frozenset[object], tuple[object, ...]], int] = {}
        for bits, keys in self._partition(merged, self.all_bits):
            if not keys:
                continue
            for d in iter_bits(bits):
                rep = self.reps[d]
                memo_key = (keys, rep.ports)
                cid = resolved.get(memo_key)
                if cid is None:
                    conn = NONE
                    for k in keys:
                        assert isinstance(k, tuple)
                        conn = conn | ports_connections(k, rep)
                    cid = self._intern(conn)
                    resolved[memo_key] = cid
                row[d] = cid
        self._eg_rows[s] = row
        self._eg_by_key[key] = row
        return row

    # ---------------------------------------------------------------------------------------
    # Answers

    def class_cell(self, s: int, d: int) -> int:
        col = self.ingress_column(d)
        row = self.egress_row(s)
        a = self.ALL_ID if row is None else row[d]
        b = self.ALL_ID if col is None else col[s]
        return self._and(a, b)

    def class_matrix(self) -> list[list[int]]:
        """Connection ids for every (source class, destination class)."""
        if self._class_matrix is not None:
            return self._class_matrix
        all_id = self.ALL_ID
        all_row = [all_id] * self.n
        cols = [self.ingress_column(d) or all_row for d in range(self.n)]
        # Row s of the ingress side is column s of `cols`: transpose once.
        in_rows = [list(r) for r in zip(*cols, strict=True)] if self.n else []
        matrix: list[list[int]] = []
        pair = self._and
        for s in range(self.n):
            eg = self.egress_row(s)
            in_row = in_rows[s]
            if eg is None:
                matrix.append(in_row)
            else:
                matrix.append([pair(a, b) for a, b in zip(eg, in_row, strict=True)])
        self._class_matrix = matrix
        return matrix

    def pod_index(self, pod_id: str) -> int | None:
        return self._pod_index.get(pod_id)

    def class_index(self, pod: Pod) -> int:
        return self.class_of[self._pod_index[pod.id]]

    def class_connections(self, src: Pod, dst: Pod) -> ConnectionSet:
        """What the policies allow between two distinct pods like `src` and `dst` (for the
        replicas of one workload: the self-connection rule applies to one pod only)."""
        return self.conns[self.class_cell(self.class_index(src), self.class_index(dst))]

    def connections(self, src: Pod, dst: Pod) -> ConnectionSet:
        """Allowed connections from pod `src` to pod `dst`."""
        if src.id == dst.id and src.replicas <= 1:
            return ALL  # a pod can always reach itself
        s = self.class_of[self._pod_index[src.id]]
        d = self.class_of[self._pod_index[dst.id]]
        return self.conns[self.class_cell(s, d)]

    def connections_from_external(self, ext: External, dst: Pod) -> ConnectionSet:
        """What an external address may open on `dst`: only dst's ingress decides."""
        d = self.class_index(dst)
        key = (ext.lo, ext.hi, d, True)
        memo = self._ext_memo.get(key)
        if memo is not None:
            return memo
        pols = self.in_policies[d]
        out = ALL if not pols else NONE
        for pol in pols:
            for rule in pol.ingress:
                if self.rule_admits_range(rule, ext.lo, ext.hi):
                    out = out | ports_connections(rule.ports, dst)
        self._ext_memo[key] = out
        return out

    def connections_to_external(self, src: Pod, ext: External) -> ConnectionSet:
        """What `src` may open towards an external address: only src's egress decides."""
        s = self.class_index(src)
        key = (ext.lo, ext.hi, s, False)
        memo = self._ext_memo.get(key)
        if memo is not None:
            return memo
        pols = self.eg_policies[s]
        out = ALL if not pols else NONE
        for pol in pols:
            for rule in pol.egress:
                if self.rule_admits_range(rule, ext.lo, ext.hi):
                    out = out | ports_connections(rule.ports, None)
        self._ext_memo[key] = out
        return out

    def isolation(self, pod: Pod) -> tuple[list[NetworkPolicy], list[NetworkPolicy]]:
        """(policies isolating the pod for ingress, for egress)."""
        c = self.class_of[self._pod_index[pod.id]]
        return list(self.in_policies[c]), list(self.eg_policies[c])

    def node_of(self, pod: Pod) -> str | None:
        """The node a pod runs on: `spec.nodeName`, else the node its `status.hostIP` belongs
        to (a Node object's address, or the address itself); None when the input says neither."""
        if pod.node is not None:
            return pod.node
        if pod.host_ip is None:
            return None
        if self._node_by_address is None:
            self._node_by_address = {a: n for n, a in self.cluster.node_addresses()}
        return self._node_by_address.get(pod.host_ip, pod.host_ip)

    def external_for_address(self, text: str, *, as_source: bool) -> External:
        """The external peer for an address or CIDR typed by a user.

        A single address is always wholly inside or outside every ipBlock (the split cuts at
        every block boundary), so it can stand alone; a CIDR is kept as its whole range.
        """
        if "/" in text:
            lo, hi = IPSet.from_address(text).ranges[0]
            return External(lo, hi)
        value = address_value(text)
        return External(value, value)
