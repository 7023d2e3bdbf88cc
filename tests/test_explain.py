"""Explanations: the per-cell walk in explain.py must agree with the class-based engine, and its
sentences must name what decided the verdict."""

from __future__ import annotations

import json
import random

import pytest

from k8snet_tutor.core.cluster import cluster_from_text, load_cluster
from k8snet_tutor.core.evaluate import Evaluator
from k8snet_tutor.core.explain import explain
from k8snet_tutor.core.ports import PortProbe
from tests.conftest import CONFORMANCE_DIR

CORPUS = CONFORMANCE_DIR / "netpol-analyzer"


def _case_names() -> list[str]:
    index = CORPUS / "cases.json"
    if not index.exists():
        return []
    return [c["name"] for c in json.loads(index.read_text())]


def _probes(ev: Evaluator) -> list[PortProbe]:
    ports = {PortProbe(80), PortProbe(53, "UDP"), PortProbe(8080), PortProbe(9090, "SCTP")}
    for pol in ev.policies:
        for rule in (*pol.ingress, *pol.egress):
            for p in rule.ports:
                if isinstance(p.port, int):
                    ports.add(PortProbe(p.port, p.protocol))
                    if p.end_port:
                        ports.add(PortProbe(p.end_port, p.protocol))
                        if p.end_port < 65535:
                            ports.add(PortProbe(p.end_port + 1, p.protocol))
    for pod in ev.pods:
        for cp in pod.ports:
            ports.add(PortProbe(cp.port, cp.protocol))
    return sorted(ports, key=str)


@pytest.mark.skipif(not _case_names(), reason=f"conformance corpus not found at {CORPUS}")
@pytest.mark.parametrize("mode", ["pods", "external"])
def test_explanations_agree_with_engine_on_corpus(mode: str) -> None:
    rng = random.Random(7)
    checked = 0
    for name in _case_names():
        cluster = load_cluster([str(CORPUS / "cases" / name / "input")])
        ev = Evaluator(cluster, ipblocks=mode)  # type: ignore[arg-type]
        pods = ev.pods
        if not pods:
            continue
        probes = _probes(ev)
        pairs = [(a, b) for a in pods for b in pods]
        for src, dst in rng.sample(pairs, min(len(pairs), 40)):
            conn = ev.connections(src, dst)
            for probe in rng.sample(probes, min(len(probes), 6)):
                assert isinstance(probe.port, int)
                exp = explain(ev, src, dst, probe)
                assert exp.allowed == conn.allows(probe.port, probe.protocol), (
                    name, src.id, dst.id, str(probe), exp.text()
                )
                checked += 1
        for ext in ev.external_sources[:3]:
            for dst in pods[:5]:
                conn = ev.connections_from_external(ext, dst)
                for probe in probes[:4]:
                    assert isinstance(probe.port, int)
                    assert explain(ev, ext, dst, probe).allowed == conn.allows(
                        probe.port, probe.protocol
                    )
    assert checked > 1000


SHOP = """
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: shop}}
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 8080, name: http}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec: {containers: [{name: c, image: postgres, ports: [{containerPort: 5432, name: pg}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: other, labels: {app: web}}
spec: {containers: [{name: c, image: curl}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-allow-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: pg}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress-only, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
"""


@pytest.fixture()
def shop() -> Evaluator:
    cluster = cluster_from_text(SHOP, "shop.yaml")
    assert not [p for p in cluster.problems if p.severity == "error"], cluster.problems
    return Evaluator(cluster)


def _pod(ev: Evaluator, pod_id: str):  # type: ignore[no-untyped-def]
    idx = ev.pod_index(pod_id)
    assert idx is not None
    return ev.pods[idx]


def test_allowed_names_rule_and_named_port(shop: Evaluator) -> None:
    client = _pod(shop, "shop/db")
    exp = explain(shop, _pod(shop, "other/client"), client, PortProbe(5432))
    assert not exp.allowed
    text = exp.text()
    assert "isolated for ingress by policy shop/db-allow-web" in text
    assert "only looks in the policy's own namespace (shop)" in text


def test_egress_isolation_without_rules_is_explained(shop: Evaluator) -> None:
    exp = explain(shop, _pod(shop, "shop/web"), _pod(shop, "shop/db"), PortProbe(5432))
    assert not exp.allowed
    assert exp.egress is not None and exp.egress.isolated and not exp.egress.allowed
    assert "has no egress rules" in exp.text()
    assert exp.ingress is not None and exp.ingress.allowed


def test_named_port_mismatch_reason(shop: Evaluator) -> None:
    cluster = cluster_from_text(SHOP.replace("policyTypes: [Egress]", "policyTypes: [Ingress]"))
    ev = Evaluator(cluster)
    exp = explain(ev, _pod(ev, "shop/web"), _pod(ev, "shop/db"), PortProbe(5433))
    assert not exp.allowed
    assert "named port 'pg' is 5432 on shop/db, not 5433" in exp.text()
    ok = explain(ev, _pod(ev, "shop/web"), _pod(ev, "shop/db"), PortProbe.parse("pg/TCP"))
    assert ok.allowed and "pg=5432/TCP" in ok.probe


def test_self_is_always_allowed(shop: Evaluator) -> None:
    exp = explain(shop, _pod(shop, "shop/db"), _pod(shop, "shop/db"), PortProbe(1))
    assert exp.allowed and "always reach itself" in exp.text()


def test_ingress_only_policy_mentioned_for_egress(shop: Evaluator) -> None:
    exp = explain(shop, _pod(shop, "shop/db"), _pod(shop, "other/client"), PortProbe(80))
    assert exp.allowed
    assert exp.egress is not None
    assert "only for Ingress" in " ".join(exp.egress.sentences())


def test_json_form_has_rules(shop: Evaluator) -> None:
    data = explain(shop, _pod(shop, "other/client"), _pod(shop, "shop/db"), PortProbe(5432)).to_dict()
    assert data["allowed"] is False
    ingress = data["ingress"]
    assert isinstance(ingress, dict)
    assert ingress["policies"] == ["shop/db-allow-web"]
    rules = ingress["rules"]
    assert isinstance(rules, list) and rules[0]["peer_matched"] is False


CNI_CLUSTER = """
apiVersion: v1
kind: Pod
metadata: {name: a, labels: {app: a}}
spec: {containers: [{name: c, image: x}]}
status: {podIP: 10.1.2.3}
---
apiVersion: v1
kind: Pod
metadata: {name: b, labels: {app: b}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b-from-block}
spec:
  podSelector: {matchLabels: {app: b}}
  ingress: [{from: [{ipBlock: {cidr: 10.1.0.0/16}}]}]
"""


def test_cni_dependent_pod_ip_block() -> None:
    cluster = cluster_from_text(CNI_CLUSTER)
    pods_mode = Evaluator(cluster, ipblocks="pods")
    a, b = _pod(pods_mode, "default/a"), _pod(pods_mode, "default/b")
    exp = explain(pods_mode, a, b, PortProbe(80))
    assert exp.allowed and exp.cni_dependent
    ext_mode = Evaluator(cluster, ipblocks="external")
    exp2 = explain(ext_mode, a, b, PortProbe(80))
    assert not exp2.allowed and exp2.cni_dependent
    assert "would be allowed" in exp2.text()


def test_matrix_marks_cni_dependent_cells(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from k8snet_tutor.cli.main import main

    path = tmp_path / "cni.yaml"
    path.write_text(CNI_CLUSTER)
    assert main(["matrix", str(path), "--format", "json", "--port", "80/TCP"]) == 0
    data = json.loads(capsys.readouterr().out)
    flagged = [(c["from"], c["to"]) for c in data["connections"] if c.get("cni_dependent")]
    assert flagged == [("default/a", "default/b")]
    assert main(["matrix", str(path), "--port", "80/TCP"]) == 0
    assert "! depends on the network plugin" in capsys.readouterr().out
