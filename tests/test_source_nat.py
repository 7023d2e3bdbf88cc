"""Source NAT through a NodePort or LoadBalancer Service (`externalTrafficPolicy`).

With the default `externalTrafficPolicy: Cluster` a node that receives an outside client's
connection may hand it to an endpoint on another node and replaces the client address with its
own, so the endpoint's ingress rules see a node address. When the input says where the nodes
are (Node objects, or pods' `status.hostIP`), every verdict uses those addresses: the
connection must be admitted from every node the client may enter by. `Local` keeps the client
address. Without node addresses the verdict keeps the client address and says so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from k8snet_tutor.cli.main import main
from k8snet_tutor.core import verdict
from k8snet_tutor.core.cluster import cluster_from_text
from k8snet_tutor.core.evaluate import Evaluator
from k8snet_tutor.core.manifests import load_text
from k8snet_tutor.core.ports import PortProbe
from k8snet_tutor.core.services import ServiceVerdict, reach_service
from k8snet_tutor.learning.checks import LEARNER_SOURCE
from k8snet_tutor.learning.evaluation import Background

NODES = """\
apiVersion: v1
kind: Node
metadata: {name: node-a}
status:
  addresses:
  - {type: InternalIP, address: 10.0.0.11}
  - {type: Hostname, address: node-a}
---
apiVersion: v1
kind: Node
metadata: {name: node-b}
status:
  addresses:
  - {type: ExternalIP, address: 192.0.2.12}
  - {type: InternalIP, address: 10.0.0.12}
---
"""

WEB = """\
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: shop, labels: {app: web}}
spec:
  nodeName: node-a
  containers:
  - {name: web, image: web, ports: [{containerPort: 8080, name: http}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 80, targetPort: http, nodePort: 30080}]
---
"""


def only_from(*cidrs: str) -> str:
    peers = ", ".join(f"{{ipBlock: {{cidr: {c}}}}}" for c in cidrs)
    return f"""\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: web-in, namespace: shop}}
spec:
  podSelector: {{matchLabels: {{app: web}}}}
  ingress: [{{from: [{peers}], ports: [{{port: 8080}}]}}]
---
"""


LOCAL = WEB.replace("type: LoadBalancer", "type: LoadBalancer\n  externalTrafficPolicy: Local")


def reach(text: str, client: str, port: int | str = 30080) -> ServiceVerdict:
    cluster = cluster_from_text(text)
    assert not [p for p in cluster.problems if p.severity == "error"], cluster.problems
    ev = Evaluator(cluster, externals=[client])
    src = ev.external_for_address(client, as_source=True)
    svc = cluster.service("shop/web")
    assert svc is not None
    v = reach_service(ev, src, svc, PortProbe(port, "TCP"))
    # The fast per-cell verdict (matrix, checks) agrees with the explained one.
    assert verdict.allowed(ev, src, svc, PortProbe(port, "TCP")) == v.allowed
    return v


def test_cluster_policy_hides_the_client_behind_a_node_address() -> None:
    v = reach(NODES + WEB + only_from("198.51.100.0/24"), "198.51.100.7")
    assert not v.allowed and v.reach == "none"
    assert v.client_address_kept is False
    text = v.text()
    assert "10.0.0.11" in text and "10.0.0.12" in text  # the addresses the pod sees
    assert "externalTrafficPolicy: Local" in text  # the way out
    assert "as if the client address were kept" not in text


def test_local_keeps_the_client_address() -> None:
    ok = reach(NODES + LOCAL + only_from("198.51.100.0/24"), "198.51.100.7")
    assert ok.allowed and ok.client_address_kept is True
    other = reach(NODES + LOCAL + only_from("198.51.100.0/24"), "203.0.113.9")
    assert not other.allowed


def test_allowing_the_node_addresses_lets_every_client_in() -> None:
    text = NODES + WEB + only_from("10.0.0.0/24")
    assert reach(text, "198.51.100.7").allowed
    assert reach(text, "203.0.113.9").allowed  # a stranger too: the pod cannot tell them apart


def test_a_node_refused_means_the_service_fails_for_clients_entering_there() -> None:
    v = reach(NODES + WEB + only_from("10.0.0.11/32"), "198.51.100.7")
    assert not v.allowed
    assert "Entering by node-a, a client gets in; by node-b, it is refused" in v.text()
    assert "1 of the 2" in v.endpoints[0].reason and "10.0.0.12" in v.endpoints[0].reason


def test_an_open_endpoint_is_reached_either_way() -> None:
    assert reach(NODES + WEB, "198.51.100.7").allowed
    allow_all = only_from("0.0.0.0/0")
    assert reach(NODES + WEB + allow_all, "198.51.100.7").allowed


def test_node_addresses_from_pods_host_ip() -> None:
    text = WEB + only_from("198.51.100.0/24")
    with_host = text.replace(
        "  - {name: web, image: web, ports: [{containerPort: 8080, name: http}]}\n",
        "  - {name: web, image: web, ports: [{containerPort: 8080, name: http}]}\n"
        "status: {hostIP: 10.0.0.11, podIP: 10.244.1.5}\n",
    )
    assert "hostIP" in with_host
    cluster = cluster_from_text(with_host)
    assert cluster.node_addresses() == [("node-a", "10.0.0.11")]
    assert not reach(with_host, "198.51.100.7").allowed
    # A Node object and a pod's hostIP for one node: the Node object's addresses are used.
    both = NODES + with_host
    assert cluster_from_text(both).node_addresses() == [
        ("node-a", "10.0.0.11"),
        ("node-b", "10.0.0.12"),
    ]


def test_without_node_addresses_the_client_is_kept_and_it_says_so() -> None:
    v = reach(WEB + only_from("198.51.100.0/24"), "198.51.100.7")
    assert v.allowed and v.client_address_kept is False
    assert "no node addresses" in v.text() and "as if the client address were kept" in v.text()


def test_inside_the_cluster_nothing_is_translated() -> None:
    text = NODES + WEB + only_from("198.51.100.0/24") + """\
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop, labels: {app: client}}
spec: {containers: [{name: c, image: curl}]}
"""
    cluster = cluster_from_text(text)
    ev = Evaluator(cluster)
    client, svc = cluster.pod("shop/client"), cluster.service("shop/web")
    assert client is not None and svc is not None
    v = reach_service(ev, client, svc, PortProbe(80, "TCP"))
    assert not v.allowed and "source NAT" not in v.text()


def test_the_client_address_family_picks_the_node_addresses() -> None:
    dual = NODES.replace(
        "  - {type: InternalIP, address: 10.0.0.11}\n",
        "  - {type: InternalIP, address: 10.0.0.11}\n  - {type: InternalIP, address: fd00::11}\n",
    )
    text = dual + WEB + only_from("10.0.0.0/24")
    assert reach(text, "198.51.100.7").allowed  # IPv4 client: the IPv4 node addresses
    v6 = reach(text, "2001:db8::7")
    assert not v6.allowed  # IPv6 client: node-a's fd00::11, which the policy does not allow
    assert "fd00::11" in v6.endpoints[0].reason


def test_node_objects_are_read_and_checked() -> None:
    cluster = cluster_from_text(NODES)
    assert [n.name for n in cluster.nodes] == ["node-a", "node-b"]
    assert not [p for p in cluster.problems if p.code == "skipped-kind"]
    bad = cluster_from_text(NODES.replace("address: 10.0.0.11", "address: 10.0.0.300"))
    errors = [p for p in bad.problems if p.severity == "error"]
    assert len(errors) == 1 and errors[0].line == 6 and "10.0.0.300" in errors[0].message
    assert [n.name for n in bad.nodes] == ["node-b"]  # the bad one is left out
    host = cluster_from_text(WEB + (
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\n"
        "spec: {containers: [{name: c, image: i}]}\nstatus: {hostIP: node-a}\n"
    ))
    assert any(p.severity == "error" and "hostIP" in p.message for p in host.problems)


def test_a_lesson_background_with_nodes_joins_as_one_build() -> None:
    background = Background.read(NODES + WEB)
    assert background.cluster is not None
    docs, problems = load_text(only_from("198.51.100.0/24"), LEARNER_SOURCE)
    joined = background.with_learner(docs, problems)
    assert [n.name for n in joined.nodes] == ["node-a", "node-b"]
    ev = Evaluator(joined, externals=["198.51.100.7"])
    src = ev.external_for_address("198.51.100.7", as_source=True)
    svc = joined.service("shop/web")
    assert svc is not None
    assert verdict.allowed(ev, src, svc, PortProbe(30080, "TCP")) is False


def test_cli_explain_names_the_node_addresses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(NODES + WEB + only_from("198.51.100.0/24"))
    main(["explain", str(path), "--from", "198.51.100.7", "--to", "svc:shop/web", "--port", "30080/TCP"])
    out = capsys.readouterr().out
    assert "denied" in out and "10.0.0.11" in out and "externalTrafficPolicy: Local" in out


def test_a_lesson_check_names_the_address_the_endpoint_sees() -> None:
    from k8snet_tutor.learning.checks import check
    from k8snet_tutor.learning.lesson import discover

    lesson = {les.id: les for les in discover(include_env=False)}["external-traffic-policy"]
    report = check(lesson, lesson.starter)
    failed = [r for r in report.results if not r.passed]
    assert [r.id for r in failed] == ["partners-in"]
    assert "node address 10.0.0.11 (source NAT)" in failed[0].reasons[0]
    # A pod in the cluster is seen as itself: no source NAT is mentioned.
    broken = lesson.solution.replace("matchLabels: {app: orders}", "matchLabels: {app: web}")
    inside = [r for r in check(lesson, broken).results if r.id == "inside"][0]
    assert not inside.passed and "source NAT" not in " ".join(inside.reasons)


def _lint_codes(text: str) -> list[tuple[str, int | None, str]]:
    from k8snet_tutor.core.lint import lint

    cluster = cluster_from_text(text)
    return [(p.code or "", p.line, p.message) for p in lint(Evaluator(cluster))]


def test_lint_warns_when_source_nat_hides_the_client_from_an_ip_block() -> None:
    text = NODES + WEB + only_from("198.51.100.0/24")
    found = [x for x in _lint_codes(text) if x[0] == "client-address-hidden"]
    assert len(found) == 1
    code, line, message = found[0]
    # At the Service's `type:` line (it has no externalTrafficPolicy line).
    assert line == text.splitlines().index("  type: LoadBalancer") + 1
    assert "Service shop/web " in message and "shop/web-1 usually sees a node address" in message
    assert "198.51.100.0/24" in message and "web-in" in message
    # The same without node addresses: the warning is about the cluster, not the input.
    bare = _lint_codes(WEB + only_from("198.51.100.0/24"))
    assert any(x[0] == "client-address-hidden" for x in bare)


def test_lint_is_quiet_when_the_address_is_kept_or_does_not_matter() -> None:
    quiet = [
        NODES + LOCAL + only_from("198.51.100.0/24"),  # Local keeps the client address
        NODES + WEB,  # no policy
        NODES + WEB + only_from("0.0.0.0/0"),  # every address admitted
        NODES
        + WEB.replace("type: LoadBalancer", "type: ClusterIP").replace(", nodePort: 30080", "")
        + only_from("198.51.100.0/24"),  # not reachable from outside
    ]
    for text in quiet:
        assert not [x for x in _lint_codes(text) if x[0] == "client-address-hidden"], text


def test_lint_looks_at_the_services_target_port_and_every_rule() -> None:
    two_rules = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-in, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{ipBlock: {cidr: 192.0.2.0/24}}]
    ports: [{port: 9090}]
  - from: [{ipBlock: {cidr: 0.0.0.0/0}}]
    ports: [{port: 8080}]
---
"""
    # The narrow block is on another port; the target port admits every address.
    assert not [x for x in _lint_codes(NODES + WEB + two_rules) if x[0] == "client-address-hidden"]
    narrow_on_target = two_rules.replace("cidr: 0.0.0.0/0", "cidr: 198.51.100.0/24")
    found = [x for x in _lint_codes(NODES + WEB + narrow_on_target) if x[0] == "client-address-hidden"]
    assert len(found) == 1 and "198.51.100.0/24" in found[0][2] and "rule #2" in found[0][2]


def test_a_node_object_without_addresses_leaves_its_pods_host_ip() -> None:
    bare_node = "apiVersion: v1\nkind: Node\nmetadata: {name: node-a}\n---\n"
    pod = WEB.replace(
        "  - {name: web, image: web, ports: [{containerPort: 8080, name: http}]}\n",
        "  - {name: web, image: web, ports: [{containerPort: 8080, name: http}]}\n"
        "status: {hostIP: 10.0.0.11}\n",
    )
    cluster = cluster_from_text(bare_node + pod)
    assert cluster.node_addresses() == [("node-a", "10.0.0.11")]
    assert not reach(bare_node + pod + only_from("198.51.100.0/24"), "198.51.100.7").allowed


def test_an_external_ip_is_not_a_source_address() -> None:
    only_external = NODES.replace("{type: InternalIP, address: 10.0.0.12}", "{type: Hostname, address: b}")
    cluster = cluster_from_text(only_external)
    assert cluster.node_addresses() == [("node-a", "10.0.0.11")]


def test_an_ipv6_client_without_ipv6_node_addresses_keeps_its_address() -> None:
    v = reach(NODES + WEB + only_from("2001:db8::/64"), "2001:db8::7")
    assert v.allowed and "10.0.0.11" not in v.endpoints[0].reason


def test_the_matrix_marks_source_nat_cells_as_plugin_dependent() -> None:
    from k8snet_tutor.learning.evaluation import LessonEvaluator
    from k8snet_tutor.learning.lesson import discover

    lesson = {les.id: les for les in discover(include_env=False)}["external-traffic-policy"]
    evaluator = LessonEvaluator(lesson)

    def marked(text: str) -> set[tuple[str, str]]:
        view = evaluator.evaluate(text).view
        assert view is not None
        grid = view.grid("443/TCP")
        return {(view.rows[r].id, view.cols[c].id) for r, c in grid.plugin_dependent}

    # Under Cluster the partner's cell turns on where the plugin enforces policy; a stranger's
    # is refused either way.
    starter = marked(lesson.starter)
    partner = ("198.51.100.20", "svc:shop/partner-api")
    assert partner in starter
    assert ("203.0.113.9", "svc:shop/partner-api") not in starter
    assert marked(lesson.solution) == set()  # Local keeps the address: nothing to depend on


def test_ipblocks_external_mode_never_matches_a_node_address() -> None:
    text = NODES + WEB + only_from("10.0.0.0/24")  # the nodes' range
    cluster = cluster_from_text(text)
    ev = Evaluator(cluster, ipblocks="external", externals=["198.51.100.7"])
    src = ev.external_for_address("198.51.100.7", as_source=True)
    svc = cluster.service("shop/web")
    assert svc is not None
    v = reach_service(ev, src, svc, PortProbe(30080, "TCP"))
    # Not admitted through the node range: the client's own address is evaluated, and said so.
    assert not v.allowed and "--ipblocks external" in v.text()
    assert verdict.allowed(ev, src, svc, PortProbe(30080, "TCP")) is False


def test_load_balancer_source_ranges_are_said_not_enforced() -> None:
    text = LOCAL.replace(
        "  externalTrafficPolicy: Local", "  externalTrafficPolicy: Local\n  loadBalancerSourceRanges: [198.51.100.0/24]"
    )
    inside = reach(NODES + text, "198.51.100.7")
    assert "loadBalancerSourceRanges (198.51.100.0/24)" in inside.text()
    assert "198.51.100.7 is inside them" in inside.text()
    outside = reach(NODES + text, "203.0.113.9")
    assert outside.allowed and "203.0.113.9 is outside them" in outside.text()
    assert "not in this verdict" in outside.text()
