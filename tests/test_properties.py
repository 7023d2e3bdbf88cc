"""Property tests for the evaluator (Hypothesis).

The main one: on random small clusters the engine agrees with `reference_model.py`, a plain
reading of the spec, for every ordered pod pair and a set of probe ports, in both ipBlock modes,
and for a few external addresses in both directions. The others are laws any correct evaluator
obeys (monotonicity of allow rules, irrelevance of empty namespaces and of policy order, the
diagonal) plus the ConnectionSet algebra and the connlist output shape.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8snet_tutor.core.evaluate import Evaluator
from k8snet_tutor.core.matrix import Matrix, to_connlist
from k8snet_tutor.core.ports import ALL, NONE, ConnectionSet
from tests.builders import cluster_from_raw
from tests.reference_model import ReferenceModel

# Generation is cheap, but a loaded CI box must not turn that into a health-check failure.
SLOW = [HealthCheck.too_slow]

# --------------------------------------------------------------------------------------------
# Vocabulary: tiny alphabets so selectors actually hit things

NS_NAMES = ["alpha", "beta", "gamma"]
NS_KEYS = ["team", "env"]
NS_VALUES = ["a", "b"]
POD_KEYS = ["app", "tier", "env"]
POD_VALUES = ["a", "b"]
PORT_NAMES = ["http", "metrics", "dns"]
CONTAINER_PORTS = [53, 80, 8080, 9090, 8443]
POD_IPS = ["10.0.0.1", "10.0.0.5", "10.0.0.17", "10.0.0.130", "10.0.0.200"]
PROTOCOLS = ["TCP", "UDP", "SCTP"]
# (cidr, excepts that are strict subsets of it)
BLOCKS: list[tuple[str, list[str]]] = [
    ("0.0.0.0/0", ["10.0.0.0/8", "10.0.0.0/24", "192.168.0.0/16"]),
    ("10.0.0.0/24", ["10.0.0.0/28", "10.0.0.128/25", "10.0.0.16/28"]),
    ("10.0.0.0/28", ["10.0.0.4/30"]),
    ("10.0.0.128/25", []),
    ("10.0.0.0/24", []),
    ("10.0.0.0/27", ["10.0.0.1/32"]),
    ("192.168.1.0/24", ["192.168.1.128/25"]),
    ("203.0.113.0/24", []),
    ("fd00::/8", ["fd00::/16"]),
]
EXTERNAL_IPS = [
    "10.0.0.5",
    "10.0.0.200",
    "192.168.1.7",
    "192.168.1.200",
    "8.8.8.8",
    "fd00::1",
    "fd01::1",
]
# Probe ports: named ports' numbers, 53/UDP, inside/outside/edges of endPort ranges, SCTP.
PROBES: list[tuple[int, str]] = [
    (53, "UDP"),
    (53, "TCP"),
    (80, "TCP"),
    (80, "UDP"),
    (443, "TCP"),
    (8080, "TCP"),
    (8080, "UDP"),
    (9090, "TCP"),
    (9090, "UDP"),
    (8443, "TCP"),
    (8000, "TCP"),
    (8050, "TCP"),
    (8100, "TCP"),
    (8101, "TCP"),
    (8200, "TCP"),
    (55, "SCTP"),
    (9000, "SCTP"),
]
END_RANGES = [(8000, 8100), (80, 80), (50, 60), (9000, 9090), (8080, 8443)]


# --------------------------------------------------------------------------------------------
# Strategies


def label_maps(
    keys: list[str], values: list[str], max_size: int = 3
) -> st.SearchStrategy[dict[str, str]]:
    return st.dictionaries(st.sampled_from(keys), st.sampled_from(values), max_size=max_size)


@st.composite
def selectors(draw: st.DrawFn, keys: list[str], values: list[str]) -> dict[str, Any]:
    """Mostly 0 or 1 constraints, sometimes 2, so that selectors often pick something."""
    out: dict[str, Any] = {}
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 1, 2]))):
        key = draw(st.sampled_from(keys))
        op = draw(st.sampled_from(["matchLabels", "In", "NotIn", "Exists", "DoesNotExist"]))
        if op == "matchLabels":
            out.setdefault("matchLabels", {})[key] = draw(st.sampled_from(values))
            continue
        expr: dict[str, Any] = {"key": key, "operator": op}
        if op in ("In", "NotIn"):
            expr["values"] = draw(
                st.lists(st.sampled_from(values), min_size=1, max_size=2, unique=True)
            )
        out.setdefault("matchExpressions", []).append(expr)
    return out


pod_selectors = selectors(POD_KEYS, POD_VALUES)
ns_selectors = st.one_of(
    selectors(NS_KEYS, NS_VALUES),
    selectors(["kubernetes.io/metadata.name"], NS_NAMES),
)


@st.composite
def ip_blocks(draw: st.DrawFn) -> dict[str, Any]:
    cidr, candidates = draw(st.sampled_from(BLOCKS))
    block: dict[str, Any] = {"cidr": cidr}
    excepts = (
        draw(st.lists(st.sampled_from(candidates), unique=True, max_size=2)) if candidates else []
    )
    if excepts:
        block["except"] = excepts
    return block


peers = st.one_of(
    st.builds(lambda s: {"podSelector": s}, pod_selectors),
    st.builds(lambda s: {"namespaceSelector": s}, ns_selectors),
    st.builds(lambda n, p: {"namespaceSelector": n, "podSelector": p}, ns_selectors, pod_selectors),
    st.builds(lambda b: {"ipBlock": b}, ip_blocks()),
    st.builds(lambda b: {"ipBlock": b}, ip_blocks()),
)


@st.composite
def port_entries(
    draw: st.DrawFn,
    kinds: tuple[str, ...] = ("absent", "number", "range", "range", "named", "named"),
) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    protocol = draw(st.sampled_from([None, None, "TCP", "UDP", "SCTP"]))
    if protocol is not None:
        entry["protocol"] = protocol
    kind = draw(st.sampled_from(kinds))
    if kind == "number":
        entry["port"] = draw(st.sampled_from([53, 80, 443, 8080, 9090, 55]))
    elif kind == "range":
        lo, hi = draw(st.sampled_from(END_RANGES))
        entry["port"], entry["endPort"] = lo, hi
    elif kind == "named":
        entry["port"] = draw(st.sampled_from(PORT_NAMES))
    return entry


@st.composite
def rules(draw: st.DrawFn, peers_key: str) -> dict[str, Any]:
    rule: dict[str, Any] = {}
    shape = draw(st.sampled_from(["absent", "empty", "some", "some", "some"]))
    if shape == "empty":
        rule[peers_key] = []
    elif shape == "some":
        rule[peers_key] = draw(st.lists(peers, min_size=1, max_size=2))
    shape = draw(st.sampled_from(["absent", "empty", "some", "some"]))
    if shape == "empty":
        rule["ports"] = []
    elif shape == "some":
        rule["ports"] = draw(st.lists(port_entries(), min_size=1, max_size=2))
    return rule


def rule_lists(peers_key: str) -> st.SearchStrategy[list[dict[str, Any]] | None]:
    some = st.lists(rules(peers_key), min_size=1, max_size=3)
    return st.one_of(st.none(), st.just([]), st.just([{}]), some, some, some)


@st.composite
def policies(draw: st.DrawFn, namespace: str, name: str) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if draw(st.booleans()):
        spec["podSelector"] = draw(pod_selectors)
    types = draw(
        st.sampled_from(
            [None, [], ["Ingress"], ["Egress"], ["Ingress", "Egress"], ["Egress", "Ingress"]]
        )
    )
    if types is not None:
        spec["policyTypes"] = types
    for key, peers_key in (("ingress", "from"), ("egress", "to")):
        value = draw(rule_lists(peers_key))
        if value is not None:
            spec[key] = value
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"namespace": namespace, "name": name},
        "spec": spec,
    }


@st.composite
def container_ports(draw: st.DrawFn) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    used_names: set[str] = set()
    used_ports: set[tuple[int, str]] = set()
    for _ in range(draw(st.integers(0, 3))):
        number = draw(st.sampled_from(CONTAINER_PORTS))
        protocol = draw(st.sampled_from(["TCP", "UDP"]))
        name = draw(st.sampled_from([None, *PORT_NAMES]))
        if (number, protocol) in used_ports or (name is not None and name in used_names):
            continue
        used_ports.add((number, protocol))
        cp: dict[str, Any] = {"containerPort": number}
        if protocol != "TCP" or draw(st.booleans()):
            cp["protocol"] = protocol
        if name is not None:
            used_names.add(name)
            cp["name"] = name
        out.append(cp)
    return out


@st.composite
def clusters(draw: st.DrawFn, with_owners: bool = False) -> dict[str, Any]:
    n_ns = draw(st.integers(2, 3))
    namespaces = [
        {"name": NS_NAMES[i], "labels": draw(label_maps(NS_KEYS, NS_VALUES, max_size=2))}
        for i in range(n_ns)
    ]
    pods = []
    for i in range(draw(st.integers(2, 6))):
        pod: dict[str, Any] = {
            "namespace": draw(st.sampled_from(NS_NAMES[:n_ns])),
            "name": f"p{i}",
            "labels": draw(label_maps(POD_KEYS, POD_VALUES)),
            "containerPorts": draw(container_ports()),
        }
        if draw(st.integers(0, 2)):
            pod["podIP"] = draw(st.sampled_from(POD_IPS))
        if with_owners and draw(st.booleans()):
            pod["owner"] = (
                draw(st.sampled_from(["Deployment", "StatefulSet"])),
                draw(st.sampled_from(["web", "db"])),
            )
        pods.append(pod)
    pols = [
        draw(policies(draw(st.sampled_from(NS_NAMES[:n_ns])), f"np{i}"))
        for i in range(draw(st.integers(0, 4)))
    ]
    return {"namespaces": namespaces, "pods": pods, "policies": pols}


# --------------------------------------------------------------------------------------------
# Helpers


def evaluator(
    raw: dict[str, Any], mode: str = "pods", externals: list[str] | None = None
) -> Evaluator:
    c = cluster_from_raw(raw["namespaces"], raw["pods"], raw["policies"])
    return Evaluator(c, ipblocks=mode, externals=externals or [])  # type: ignore[arg-type]


def snapshot(ev: Evaluator) -> dict[tuple[str, str], ConnectionSet]:
    """Every pod-pair cell plus every external address in both directions, keyed by ids."""
    out: dict[tuple[str, str], ConnectionSet] = {}
    for s in ev.pods:
        for d in ev.pods:
            out[(s.id, d.id)] = ev.connections(s, d)
    for ip in EXTERNAL_IPS:
        src_piece = ev.external_for_address(ip, as_source=True)
        dst_piece = ev.external_for_address(ip, as_source=False)
        for p in ev.pods:
            out[(ip, p.id)] = ev.connections_from_external(src_piece, p)
            out[(p.id, ip)] = ev.connections_to_external(p, dst_piece)
    return out


def probe_points(raw: dict[str, Any]) -> list[tuple[int, str]]:
    """Probe ports that make the comparison exhaustive, plus the fixed PROBES.

    Along the port line, both the spec's answer and a ConnectionSet can only change where some
    port range of this cluster starts or ends: at a numeric `port`, one past a `port` or an
    `endPort`, a container port or one past it. Checking 1 and every such start point, for every
    protocol, therefore checks the whole ConnectionSet, not a sample of it.
    """
    numbers = {1}
    for pod in raw["pods"]:
        for cp in pod["containerPorts"]:
            numbers |= {cp["containerPort"], cp["containerPort"] + 1}
    for pol in raw["policies"]:
        spec = pol["spec"]
        for rule in (spec.get("ingress") or []) + (spec.get("egress") or []):
            for entry in rule.get("ports") or []:
                if isinstance(entry.get("port"), int):
                    numbers |= {entry["port"], entry.get("endPort", entry["port"]) + 1}
    points = {(n, proto) for n in numbers if n <= 65535 for proto in PROTOCOLS}
    return sorted(points | set(PROBES))


def describe(raw: dict[str, Any]) -> str:
    import json

    return json.dumps(raw, indent=1, sort_keys=True)


# --------------------------------------------------------------------------------------------
# a. the engine agrees with the reference model


def check_agreement(raw: dict[str, Any]) -> None:
    """Engine == reference on every pod pair and external address, both modes, all probes."""
    probes = probe_points(raw)
    pods_by_id = {f"{p['namespace']}/{p['name']}": p for p in raw["pods"]}
    for mode in ("pods", "external"):
        ev = evaluator(raw, mode, EXTERNAL_IPS)
        ref = ReferenceModel(raw["namespaces"], raw["pods"], raw["policies"], ipblocks=mode)
        for s in ev.pods:
            for d in ev.pods:
                conn = ev.connections(s, d)
                for port, proto in probes:
                    want = ref.allowed(pods_by_id[s.id], pods_by_id[d.id], port, proto)
                    assert conn.allows(port, proto) == want, (
                        f"[{mode}] {s.id} -> {d.id} {port}/{proto}: engine says {conn}, "
                        f"reference says {want}\n{describe(raw)}"
                    )
        for ip in EXTERNAL_IPS:
            src_piece = ev.external_for_address(ip, as_source=True)
            dst_piece = ev.external_for_address(ip, as_source=False)
            for p in ev.pods:
                inbound = ev.connections_from_external(src_piece, p)
                outbound = ev.connections_to_external(p, dst_piece)
                for port, proto in probes:
                    want_in = ref.allowed_from_ip(ip, pods_by_id[p.id], port, proto)
                    want_out = ref.allowed_to_ip(pods_by_id[p.id], ip, port, proto)
                    assert inbound.allows(port, proto) == want_in, (
                        f"[{mode}] {ip} -> {p.id} {port}/{proto}: engine says {inbound}, "
                        f"reference says {want_in}\n{describe(raw)}"
                    )
                    assert outbound.allows(port, proto) == want_out, (
                        f"[{mode}] {p.id} -> {ip} {port}/{proto}: engine says {outbound}, "
                        f"reference says {want_out}\n{describe(raw)}"
                    )


@settings(max_examples=120, deadline=None, suppress_health_check=SLOW)
@given(clusters())
def test_engine_agrees_with_reference_model(raw: dict[str, Any]) -> None:
    check_agreement(raw)


# Typical container port layouts: the same names on different numbers and protocols.
PORT_LAYOUTS: list[list[dict[str, Any]]] = [
    [
        {"name": "http", "containerPort": 80},
        {"name": "dns", "containerPort": 53, "protocol": "UDP"},
    ],
    [{"name": "http", "containerPort": 8080}, {"name": "metrics", "containerPort": 9090}],
    [
        {"name": "http", "containerPort": 80, "protocol": "UDP"},
        {"name": "dns", "containerPort": 53},
    ],
    [{"name": "metrics", "containerPort": 9090, "protocol": "UDP"}, {"containerPort": 80}],
    [],
]


@st.composite
def port_focused_clusters(draw: st.DrawFn) -> dict[str, Any]:
    """One namespace, a few pods, policies whose peers are trivial: the ports do the work."""
    pods = []
    for i in range(draw(st.integers(2, 3))):
        pod: dict[str, Any] = {
            "namespace": "alpha",
            "name": f"p{i}",
            "labels": draw(label_maps(["app"], ["a", "b"], max_size=1)),
            "containerPorts": draw(st.one_of(st.sampled_from(PORT_LAYOUTS), container_ports())),
        }
        if draw(st.booleans()):
            pod["podIP"] = draw(st.sampled_from(POD_IPS))
        pods.append(pod)
    simple_peers: st.SearchStrategy[list[dict[str, Any]] | None] = st.sampled_from(
        [
            None,
            [],
            [{"podSelector": {}}],
            [{"ipBlock": {"cidr": "0.0.0.0/0"}}],
            [{"podSelector": {"matchLabels": {"app": "a"}}}, {"ipBlock": {"cidr": "10.0.0.0/24"}}],
        ]
    )

    @st.composite
    def simple_rules(draw2: st.DrawFn, peers_key: str) -> dict[str, Any]:
        entries = port_entries(("absent", "number", "range", "named", "named", "named"))
        rule: dict[str, Any] = {"ports": draw2(st.lists(entries, min_size=1, max_size=3))}
        chosen = draw2(simple_peers)
        if chosen is not None:
            rule[peers_key] = chosen
        return rule

    pols = []
    for i in range(draw(st.integers(1, 2))):
        spec: dict[str, Any] = {
            "podSelector": draw(st.sampled_from([{}, {"matchLabels": {"app": "a"}}])),
            "policyTypes": draw(st.sampled_from([["Ingress"], ["Egress"], ["Ingress", "Egress"]])),
            "ingress": draw(st.lists(simple_rules("from"), min_size=1, max_size=2)),
            "egress": draw(st.lists(simple_rules("to"), min_size=1, max_size=2)),
        }
        pols.append({"metadata": {"namespace": "alpha", "name": f"np{i}"}, "spec": spec})
    return {"namespaces": [{"name": "alpha", "labels": {}}], "pods": pods, "policies": pols}


@settings(max_examples=70, deadline=None, suppress_health_check=SLOW)
@given(port_focused_clusters())
def test_engine_agrees_with_reference_model_on_ports(raw: dict[str, Any]) -> None:
    """The same comparison on clusters built so that port entries decide most cells."""
    check_agreement(raw)


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW)
@given(clusters(), st.sampled_from(["pods", "external"]))
def test_answer_for_an_address_does_not_depend_on_declared_externals(
    raw: dict[str, Any], mode: str
) -> None:
    """`externals=[ip]`, all of EXTERNAL_IPS, or none (the piece that holds ip): same cells."""
    everything = evaluator(raw, mode, EXTERNAL_IPS)
    nothing = evaluator(raw, mode, [])
    for ip in EXTERNAL_IPS:
        alone = evaluator(raw, mode, [ip])
        for ev in (alone, nothing):
            for p in ev.pods:
                q = everything.pods[everything.pod_index(p.id) or 0]
                assert ev.connections_from_external(
                    ev.external_for_address(ip, as_source=True), p
                ) == everything.connections_from_external(
                    everything.external_for_address(ip, as_source=True), q
                ), (ip, p.id)
                assert ev.connections_to_external(
                    p, ev.external_for_address(ip, as_source=False)
                ) == everything.connections_to_external(
                    q, everything.external_for_address(ip, as_source=False)
                ), (p.id, ip)


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW)
@given(clusters())
def test_class_matrix_agrees_with_single_cells(raw: dict[str, Any]) -> None:
    """The bulk path (class_matrix, used by connlist) and the per-cell path agree."""
    ev = evaluator(raw)
    matrix = ev.class_matrix()
    for i, s in enumerate(ev.pods):
        for j, d in enumerate(ev.pods):
            if s.id == d.id:
                continue
            bulk = ev.conns[matrix[ev.class_of[i]][ev.class_of[j]]]
            assert bulk == Evaluator(ev.cluster).connections(s, d)


# --------------------------------------------------------------------------------------------
# b. adding an allow rule never removes a connection


@settings(max_examples=60, deadline=None, suppress_health_check=SLOW)
@given(clusters(), st.data())
def test_adding_a_rule_never_removes_a_connection(raw: dict[str, Any], data: st.DataObject) -> None:
    if not raw["policies"]:
        return
    mode = data.draw(st.sampled_from(["pods", "external"]))
    before_raw = copy.deepcopy(raw)
    after_raw = copy.deepcopy(raw)
    index = data.draw(st.integers(0, len(raw["policies"]) - 1))
    direction, peers_key = data.draw(st.sampled_from([("ingress", "from"), ("egress", "to")]))
    spec = after_raw["policies"][index]["spec"]
    if direction == "egress" and not spec.get("policyTypes") and not spec.get("egress"):
        # The first egress rule of a policy with inferred policyTypes would turn on egress
        # isolation (a deny, by design). Pin the types it already had, on both sides.
        spec["policyTypes"] = ["Ingress"]
        before_raw["policies"][index]["spec"]["policyTypes"] = ["Ingress"]
    spec[direction] = [*(spec.get(direction) or []), data.draw(rules(peers_key))]
    before = snapshot(evaluator(before_raw, mode, EXTERNAL_IPS))
    after = snapshot(evaluator(after_raw, mode, EXTERNAL_IPS))
    for key, conn in before.items():
        assert conn.issubset(after[key]), (key, str(conn), str(after[key]), describe(after_raw))


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW)
@given(clusters())
def test_pinning_inferred_policy_types_changes_nothing(raw: dict[str, Any]) -> None:
    pinned = copy.deepcopy(raw)
    for pol in pinned["policies"]:
        spec = pol["spec"]
        if not spec.get("policyTypes"):
            spec["policyTypes"] = ["Ingress", "Egress"] if spec.get("egress") else ["Ingress"]
    assert snapshot(evaluator(raw, externals=EXTERNAL_IPS)) == snapshot(
        evaluator(pinned, externals=EXTERNAL_IPS)
    )


# --------------------------------------------------------------------------------------------
# c. a policy in a namespace with no pods changes nothing


@settings(max_examples=50, deadline=None, suppress_health_check=SLOW)
@given(clusters(), st.data())
def test_policy_in_a_namespace_without_pods_changes_nothing(
    raw: dict[str, Any], data: st.DataObject
) -> None:
    used = {p["namespace"] for p in raw["pods"]}
    empty = [n["name"] for n in raw["namespaces"] if n["name"] not in used]
    after_raw = copy.deepcopy(raw)
    if len(empty) > 0 and data.draw(st.booleans()):
        target = data.draw(st.sampled_from(empty))
    else:
        target = "spare"
        after_raw["namespaces"].append(
            {"name": target, "labels": data.draw(label_maps(NS_KEYS, NS_VALUES, max_size=2))}
        )
    after_raw["policies"].append(data.draw(policies(target, "newcomer")))
    mode = data.draw(st.sampled_from(["pods", "external"]))
    assert snapshot(evaluator(raw, mode, EXTERNAL_IPS)) == snapshot(
        evaluator(after_raw, mode, EXTERNAL_IPS)
    )


# --------------------------------------------------------------------------------------------
# d. the diagonal


@settings(max_examples=50, deadline=None, suppress_health_check=SLOW)
@given(clusters(), st.sampled_from(["pods", "external"]))
def test_a_pod_always_reaches_itself(raw: dict[str, Any], mode: str) -> None:
    ev = evaluator(raw, mode)
    for p in ev.pods:
        assert ev.connections(p, p) == ALL
    m = Matrix.build(ev, "pod")
    for node in m.nodes:
        assert m.connections(node, node) == ALL


# --------------------------------------------------------------------------------------------
# e. order of policies (and pods) doesn't matter


@settings(max_examples=50, deadline=None, suppress_health_check=SLOW)
@given(clusters(), st.data())
def test_policy_and_pod_order_do_not_matter(raw: dict[str, Any], data: st.DataObject) -> None:
    shuffled = copy.deepcopy(raw)
    shuffled["policies"] = data.draw(st.permutations(shuffled["policies"]))
    shuffled["pods"] = data.draw(st.permutations(shuffled["pods"]))
    mode = data.draw(st.sampled_from(["pods", "external"]))
    assert snapshot(evaluator(raw, mode, EXTERNAL_IPS)) == snapshot(
        evaluator(shuffled, mode, EXTERNAL_IPS)
    )


# --------------------------------------------------------------------------------------------
# f. ConnectionSet algebra against brute-force sets of (protocol, port)

# Two windows of the port line, so the edges (1 and 65535) are exercised too.
WINDOWS = [(1, 12), (65528, 65535)]


@st.composite
def range_lists(draw: st.DrawFn) -> list[tuple[int, int]]:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        lo_w, hi_w = draw(st.sampled_from(WINDOWS))
        a = draw(st.integers(lo_w, hi_w))
        b = draw(st.integers(lo_w, hi_w))
        out.append((min(a, b), max(a, b)))
    return out


@st.composite
def conn_maps(draw: st.DrawFn) -> dict[str, tuple[tuple[int, int], ...]]:
    return {
        proto: tuple(draw(range_lists()))
        for proto in draw(st.lists(st.sampled_from(PROTOCOLS), unique=True))
    }


def brute(mapping: dict[str, tuple[tuple[int, int], ...]]) -> set[tuple[str, int]]:
    return {(proto, p) for proto, rs in mapping.items() for lo, hi in rs for p in range(lo, hi + 1)}


def as_set(conn: ConnectionSet) -> set[tuple[str, int]]:
    return {
        (proto, p)
        for proto in PROTOCOLS
        for lo, hi in conn.ranges(proto)
        for p in range(lo, hi + 1)
    }


@settings(max_examples=200, deadline=None, suppress_health_check=SLOW)
@given(conn_maps(), conn_maps(), conn_maps())
def test_connection_set_algebra(ma: Any, mb: Any, mc: Any) -> None:
    a, b, c = (ConnectionSet.from_map(m) for m in (ma, mb, mc))
    sa, sb, sc = brute(ma), brute(mb), brute(mc)
    # construction is canonical: the same set of ports is the same value
    assert as_set(a) == sa and as_set(b) == sb and as_set(c) == sc
    assert (a == b) == (sa == sb)
    # the three operations
    assert as_set(a | b) == sa | sb
    assert as_set(a & b) == sa & sb
    assert as_set(a - b) == sa - sb
    assert a.issubset(b) == (sa <= sb)
    assert bool(a) == bool(sa)
    for proto in PROTOCOLS:
        for port in (1, 2, 6, 12, 13, 65527, 65528, 65535):
            assert a.allows(port, proto) == ((proto, port) in sa)
    # laws, checked on the values themselves (canonical form makes == meaningful)
    assert a | b == b | a and a & b == b & a
    assert (a | b) | c == a | (b | c) and (a & b) & c == a & (b & c)
    assert a & (b | c) == (a & b) | (a & c)
    assert a | (b & c) == (a | b) & (a | c)
    assert a - (b | c) == (a - b) & (a - c)
    assert (a - b) | (a & b) == a
    assert not ((a - b) & b)
    # identities with ALL and NONE
    assert a | NONE == a and a & ALL == a and a & NONE == NONE and a | ALL == ALL
    assert a - NONE == a and not (a - ALL) and a.issubset(ALL)
    assert (ALL - (ALL - a)) == a
    # printing round-trips
    assert ConnectionSet.parse(str(a)) == a


# --------------------------------------------------------------------------------------------
# g. workload connlist output shape


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW)
@given(clusters(with_owners=True), st.sampled_from(["pods", "external"]))
def test_workload_connlist_sorted_without_self_lines(raw: dict[str, Any], mode: str) -> None:
    ev = evaluator(raw, mode)
    text = to_connlist(Matrix.build(ev, "workload"))
    lines = text.splitlines()
    assert text == "".join(line + "\n" for line in lines)
    assert lines == sorted(lines, key=lambda s: s.encode())
    assert len(lines) == len(set(lines))
    for line in lines:
        src, sep, rest = line.partition(" => ")
        dst, sep2, conn = rest.partition(" : ")
        assert sep and sep2 and conn, line
        assert src != dst, line
        assert ConnectionSet.parse(conn), line  # only non-empty cells are listed
