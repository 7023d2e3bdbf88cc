"""Every kind of Service, through the evaluator (`reach_service`) and through `explain`.

Headless Services translate no ports, ExternalName Services reach nothing in the cluster,
Services without a selector take their endpoints from EndpointSlice / Endpoints objects,
readiness and publishNotReadyAddresses decide which pods are endpoints, and
externalTrafficPolicy / sessionAffinity are read and explained.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from k8snet_tutor.cli.main import main
from k8snet_tutor.core.cluster import Cluster, Service, cluster_from_text
from k8snet_tutor.core.evaluate import Evaluator, External
from k8snet_tutor.core.ports import PortProbe
from k8snet_tutor.core.problems import format_path
from k8snet_tutor.core.services import (
    ServiceVerdict,
    endpoint_set,
    endpoints,
    reach_service,
)
from k8snet_tutor.core.validation import validate_object

CLIENT = """\
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop, labels: {app: client}}
spec: {containers: [{name: c, image: curl}]}
"""


def db_pod(
    name: str,
    status: str = "",
    ports: str = "[{containerPort: 8080, name: http}]",
    extra_meta: str = "",
    spec_extra: str = "",
) -> str:
    return (
        "---\napiVersion: v1\nkind: Pod\n"
        f"metadata: {{name: {name}, namespace: shop, labels: {{app: db}}{extra_meta}}}\n"
        f"spec: {{{spec_extra}containers: [{{name: c, image: db, ports: {ports}}}]}}\n"
        + (f"status: {status}\n" if status else "")
    )


def service(name: str, spec: str) -> str:
    return f"---\napiVersion: v1\nkind: Service\nmetadata: {{name: {name}, namespace: shop}}\nspec: {spec}\n"


def policy(name: str, spec: str) -> str:
    return (
        "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        f"metadata: {{name: {name}, namespace: shop}}\nspec: {spec}\n"
    )


def load(text: str) -> tuple[Cluster, Evaluator]:
    cluster = cluster_from_text(text, "svc.yaml")
    errors = [p.format() for p in cluster.problems if p.severity == "error"]
    assert errors == []
    return cluster, Evaluator(cluster)


def svc_of(cluster: Cluster, name: str) -> Service:
    found = cluster.service(f"shop/{name}")
    assert found is not None
    return found


def reach(text: str, name: str, port: int | str, src: str = "shop/client") -> ServiceVerdict:
    cluster, ev = load(text)
    source: object
    if src[0].isdigit():
        source = ev.external_for_address(src, as_source=True)
    else:
        source = cluster.pod(src)
    assert isinstance(source, External) or source is not None
    return reach_service(ev, source, svc_of(cluster, name), PortProbe(port))  # type: ignore[arg-type]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------------------------
# Headless: no virtual IP, no port translation

HEADLESS = (
    CLIENT
    + db_pod("db-0")
    + db_pod("db-1")
    + service(
        "db",
        "{clusterIP: None, selector: {app: db}, ports: [{name: web, port: 80, targetPort: 8080}]}",
    )
)
SAME_WITH_VIP = HEADLESS.replace("clusterIP: None, ", "")


def test_headless_does_not_forward_the_service_port_to_the_target_port() -> None:
    v = reach(HEADLESS, "db", 80)
    assert v.service.headless
    assert not v.allowed and v.reach == "not-listening", v.text()
    assert [e.target_port for e in v.endpoints] == [80, 80]
    assert all(not e.listening for e in v.endpoints)
    text = v.text()
    assert "no proxy" in text and "translate nothing" in text
    assert "targetPort 8080" in text and "still arrives on port 80" in text
    # The same Service with a virtual IP does forward 80 to 8080.
    with_vip = reach(SAME_WITH_VIP, "db", 80)
    assert with_vip.allowed and [e.target_port for e in with_vip.endpoints] == [8080, 8080]


def test_headless_reaches_the_pods_on_the_dialled_port() -> None:
    """8080 is no Service port, yet dialling it reaches the pods' 8080."""
    v = reach(HEADLESS, "db", 8080)
    assert v.allowed and v.reach == "all", v.text()
    assert [e.target_port for e in v.endpoints] == [8080, 8080]
    # With a virtual IP, 8080 is not a port of the Service.
    assert reach(SAME_WITH_VIP, "db", 8080).reach == "no-port"


def test_headless_policy_sees_the_dialled_port() -> None:
    """Pods that list no ports; a policy admits port 80 only. Through the headless Service,
    dialling 80 is allowed; through a Service with a virtual IP, 80 goes to 8080: denied."""
    text = (
        CLIENT
        + db_pod("db-0", ports="[]")
        + service(
            "db", "{clusterIP: None, selector: {app: db}, ports: [{port: 80, targetPort: 8080}]}"
        )
        + policy("db", "{podSelector: {matchLabels: {app: db}}, ingress: [{ports: [{port: 80}]}]}")
    )
    headless = reach(text, "db", 80)
    assert headless.allowed, headless.text()
    vip = reach(text.replace("clusterIP: None, ", ""), "db", 80)
    assert vip.reach == "none" and vip.endpoints[0].target_port == 8080, vip.text()
    assert vip.endpoints[0].explanation is not None
    assert not vip.endpoints[0].explanation.allowed


def test_headless_named_port_is_an_srv_lookup() -> None:
    v = reach(HEADLESS, "db", "web")
    assert v.allowed and [e.target_port for e in v.endpoints] == [8080, 8080]
    assert "SRV" in v.text()
    assert reach(HEADLESS, "db", "nope").reach == "no-port"


def test_headless_is_not_reachable_from_outside() -> None:
    v = reach(HEADLESS, "db", 80, src="203.0.113.9")
    assert v.reach == "not-exposed" and "headless" in v.text().lower()


def test_headless_without_ports_or_selector_is_valid_and_uses_given_endpoints() -> None:
    text = (
        CLIENT
        + db_pod("db-0", status="{phase: Running, podIP: 10.0.0.5}")
        + service("db", "{clusterIP: None}")
        + SLICE.format(svc="db", ports="[]", eps="[{addresses: [10.0.0.5]}]")
    )
    cluster, _ = load(text)
    v = reach(text, "db", 8080)
    assert v.allowed and [e.pod.id for e in v.endpoints] == ["shop/db-0"], v.text()
    assert [p.id for p in endpoints(cluster, svc_of(cluster, "db"))] == ["shop/db-0"]


# --------------------------------------------------------------------------------------------
# ExternalName: a DNS alias


def test_external_name_has_no_endpoints_and_reaches_nothing() -> None:
    text = (
        CLIENT
        + db_pod("db-0")
        + service("ext", "{type: ExternalName, externalName: db.example.com, selector: {app: db}}")
    )
    cluster, _ = load(text)
    svc = svc_of(cluster, "ext")
    assert svc.external_name == "db.example.com"
    assert endpoints(cluster, svc) == []  # the selector is ignored for ExternalName
    for src in ("shop/client", "203.0.113.9"):
        v = reach(text, "ext", 80, src=src)
        assert v.reach == "external-name" and not v.allowed and v.endpoints == []
        text_out = v.text()
        assert "CNAME" in text_out and "db.example.com" in text_out
        assert "nothing in the cluster is reached" in text_out


# --------------------------------------------------------------------------------------------
# Services without a selector: endpoints given by EndpointSlice / Endpoints objects

SLICE = """\
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {{name: {svc}-abc, namespace: shop, labels: {{kubernetes.io/service-name: {svc}}}}}
addressType: IPv4
ports: {ports}
endpoints: {eps}
"""

MANUAL = (
    CLIENT
    + db_pod("db-0", status="{phase: Running, podIP: 10.0.0.5}", ports="[{containerPort: 6432}]")
    + service("pg", "{ports: [{name: pg, port: 5432, targetPort: 9999}]}")
    + SLICE.format(
        svc="pg",
        ports="[{name: pg, port: 6432, protocol: TCP}]",
        eps="[{addresses: [10.0.0.5]}, {addresses: [192.0.2.10]}, "
        "{addresses: [192.0.2.11], conditions: {ready: false}}]",
    )
)


def test_endpoint_slice_gives_pods_and_outside_addresses_with_their_ports() -> None:
    cluster, _ = load(MANUAL)
    eps = endpoint_set(cluster, svc_of(cluster, "pg"))
    assert [b.id for b in eps.backends] == ["shop/db-0", "192.0.2.10"]
    assert eps.left_out == [("192.0.2.11", "EndpointSlice shop/pg-abc marks it not ready")]
    v = reach(MANUAL, "pg", 5432)
    assert v.allowed, v.text()
    # the slice's port, not the Service's targetPort 9999
    assert [e.target_port for e in v.endpoints] == [6432, 6432]
    assert isinstance(v.endpoints[1].pod, External)
    assert "EndpointSlice shop/pg-abc" in v.text()


def test_outside_endpoint_is_judged_by_the_client_egress() -> None:
    text = MANUAL + policy(
        "client-out",
        "{podSelector: {matchLabels: {app: client}}, policyTypes: [Egress], "
        "egress: [{to: [{podSelector: {matchLabels: {app: db}}}]}]}",
    )
    v = reach(text, "pg", 5432)
    assert v.reach == "some", v.text()
    assert [(e.pod.id, e.allowed) for e in v.endpoints] == [
        ("shop/db-0", True),
        ("192.0.2.10", False),
    ]


def test_slice_ports_match_the_service_port_by_name() -> None:
    text = MANUAL.replace("[{name: pg, port: 6432, protocol: TCP}]", "[{name: other, port: 6432}]")
    v = reach(text, "pg", 5432)
    assert v.reach == "none" and all(e.target_port is None for e in v.endpoints), v.text()
    assert "no TCP port named 'pg'" in v.text()


def test_endpoints_object_with_not_ready_addresses_and_target_ref() -> None:
    text = (
        CLIENT
        + db_pod("db-0", ports="[{containerPort: 5432}]")
        + service("legacy", "{ports: [{port: 5432}]}")
        + "---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: legacy, namespace: shop}\n"
        "subsets:\n- addresses: [{ip: 10.9.9.9, targetRef: {kind: Pod, name: db-0}}]\n"
        "  notReadyAddresses: [{ip: 10.9.9.10}]\n  ports: [{port: 5432}]\n"
    )
    cluster, _ = load(text)
    eps = endpoint_set(cluster, svc_of(cluster, "legacy"))
    assert [b.id for b in eps.backends] == ["shop/db-0"]  # found by targetRef, not by IP
    assert [who for who, _ in eps.left_out] == ["10.9.9.10"]
    v = reach(text, "legacy", 5432)
    assert v.allowed and v.endpoints[0].target_port == 5432, v.text()


def test_no_selector_and_no_endpoint_objects() -> None:
    v = reach(CLIENT + service("pg", "{ports: [{port: 5432}]}"), "pg", 5432)
    assert v.reach == "no-endpoints"
    assert "no EndpointSlice or Endpoints object" in v.text()


@pytest.mark.parametrize(
    ("extra", "text"),
    [
        (
            service("sel", "{selector: {app: db}, ports: [{port: 80}]}")
            + SLICE.format(svc="sel", ports="[]", eps="[]"),
            "has a selector",
        ),
        (SLICE.format(svc="missing", ports="[]", eps="[]"), "not in the input"),
        (
            "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
            "metadata: {name: loose, namespace: shop}\naddressType: IPv4\nendpoints: []\n",
            "belongs to no Service",
        ),
    ],
)
def test_unused_endpoint_objects_get_a_note(extra: str, text: str) -> None:
    cluster = cluster_from_text(CLIENT + extra, "svc.yaml")
    notes = [p for p in cluster.problems if p.code == "unused-endpoints"]
    assert len(notes) == 1 and text in notes[0].message
    assert notes[0].severity == "note" and notes[0].line is not None


def test_selector_endpoints_ignore_given_slices() -> None:
    text = (
        CLIENT
        + db_pod("db-0")
        + service("db", "{selector: {app: db}, ports: [{port: 80, targetPort: 8080}]}")
        + SLICE.format(svc="db", ports="[{port: 1}]", eps="[{addresses: [192.0.2.1]}]")
    )
    v = reach(text, "db", 80)
    assert [e.pod.id for e in v.endpoints] == ["shop/db-0"] and v.allowed


# --------------------------------------------------------------------------------------------
# Readiness and publishNotReadyAddresses

READY = '{phase: Running, podIP: 10.0.0.5, conditions: [{type: Ready, status: "True"}]}'
NOT_READY = '{phase: Running, podIP: 10.0.0.6, conditions: [{type: Ready, status: "False"}]}'
PENDING = "{phase: Pending}"
DONE = "{phase: Succeeded, podIP: 10.0.0.8}"
PODS = (
    CLIENT
    + db_pod("ready", READY)
    + db_pod("unready", NOT_READY)
    + db_pod("pending", PENDING)
    + db_pod("done", DONE)
    + db_pod("plain")
    + db_pod(
        "leaving",
        READY.replace("10.0.0.5", "10.0.0.9"),
        extra_meta=", deletionTimestamp: '2026-01-01T00:00:00Z'",
    )
)


def test_not_ready_pods_are_not_endpoints() -> None:
    text = PODS + service("db", "{selector: {app: db}, ports: [{port: 80, targetPort: 8080}]}")
    cluster, _ = load(text)
    svc = svc_of(cluster, "db")
    assert sorted(p.name for p in endpoints(cluster, svc)) == ["plain", "ready"]
    why = dict(endpoint_set(cluster, svc).left_out)
    assert "not Ready" in why["shop/unready"]
    assert "Pending" in why["shop/pending"]
    assert "finished" in why["shop/done"]
    assert "terminating" in why["shop/leaving"]
    v = reach(text, "db", 80)
    assert v.allowed and "shop/unready is not an endpoint" in v.text()


LEAVING = ", deletionTimestamp: '2026-01-01T00:00:00Z'"


def test_terminating_pods_that_still_serve_take_connections_only_when_none_is_ready() -> None:
    svc_yaml = service("db", "{selector: {app: db}, ports: [{port: 80, targetPort: 8080}]}")
    # Only terminating pods: the proxy falls back to the ones that still pass readiness.
    draining = (
        CLIENT
        + db_pod("old-0", READY, extra_meta=LEAVING)
        + db_pod("old-1", NOT_READY.replace("10.0.0.6", "10.0.0.8"), extra_meta=LEAVING)
        + svc_yaml
    )
    cluster, _ = load(draining)
    eps = endpoint_set(cluster, svc_of(cluster, "db"))
    assert eps.draining and [b.id for b in eps.backends] == ["shop/old-0"]
    assert "no longer passes its readiness check" in dict(eps.left_out)["shop/old-1"]
    v = reach(draining, "db", 80)
    assert v.allowed and "falls back to the terminating pods" in v.text()
    assert "shop/old-0" in v.text()
    # With a Ready pod, the terminating one gets no new connection.
    mixed = CLIENT + db_pod("new-0") + db_pod("old-0", READY, extra_meta=LEAVING) + svc_yaml
    cluster, _ = load(mixed)
    eps = endpoint_set(cluster, svc_of(cluster, "db"))
    assert not eps.draining and [b.id for b in eps.backends] == ["shop/new-0"]
    why = dict(eps.left_out)["shop/old-0"]
    assert "only while no endpoint is Ready" in why and "publishNotReadyAddresses" not in why
    # Terminating and failing its readiness check: nothing answers.
    gone = CLIENT + db_pod("old-1", NOT_READY, extra_meta=LEAVING) + svc_yaml
    assert reach(gone, "db", 80).reach == "no-endpoints"


def test_publish_not_ready_addresses_keeps_unfinished_pods() -> None:
    text = PODS + service(
        "db",
        "{publishNotReadyAddresses: true, selector: {app: db}, ports: [{port: 80, targetPort: 8080}]}",
    )
    cluster, _ = load(text)
    svc = svc_of(cluster, "db")
    assert svc.publish_not_ready
    assert sorted(p.name for p in endpoints(cluster, svc)) == [
        "leaving",
        "plain",
        "ready",
        "unready",
    ]
    v = reach(text, "db", 80)
    assert "publishNotReadyAddresses: true, so shop/unready is an endpoint" in v.text()


def test_only_unready_pods_means_no_endpoints() -> None:
    text = (
        CLIENT
        + db_pod("unready", NOT_READY)
        + service("db", "{selector: {app: db}, ports: [{port: 80}]}")
    )
    v = reach(text, "db", 80)
    assert v.reach == "no-endpoints" and "not Ready" in v.text()


# --------------------------------------------------------------------------------------------
# externalTrafficPolicy and sessionAffinity

NODEPORT = (
    CLIENT
    + db_pod("db-0", spec_extra="nodeName: node-a, ")
    + service(
        "web",
        "{type: NodePort, selector: {app: db}, ports: [{port: 80, targetPort: http, nodePort: 30080}]}",
    )
)
BY_ADDRESS = policy(
    "db",
    "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{ipBlock: {cidr: 203.0.113.0/24}}]}]}",
)


def test_external_traffic_policy_cluster_is_the_default_and_says_source_nat() -> None:
    cluster, _ = load(NODEPORT)
    assert svc_of(cluster, "web").external_traffic_policy == "Cluster"
    v = reach(NODEPORT + BY_ADDRESS, "web", 30080, src="203.0.113.9")
    assert v.allowed and v.client_address_kept is False
    text = v.text()
    assert "source NAT" in text and "as if the client address were kept" in text
    assert "Here it can matter" in text
    plain = reach(NODEPORT, "web", 30080, src="203.0.113.9")
    assert "makes no difference" in plain.text()


def test_external_traffic_policy_local_keeps_the_client_address() -> None:
    text = NODEPORT.replace("type: NodePort,", "type: NodePort, externalTrafficPolicy: Local,")
    v = reach(text + BY_ADDRESS, "web", 30080, src="203.0.113.9")
    assert v.allowed and v.client_address_kept is True
    out = v.text()
    assert "only the nodes that run one of its endpoints (here: node-a) answer" in out
    assert "client address is kept" in out and "source NAT" not in out
    # The verdict itself is the same under both policies: the documented evaluation rule.
    assert reach(NODEPORT + BY_ADDRESS, "web", 30080, src="203.0.113.9").allowed
    assert not reach(text + BY_ADDRESS, "web", 30080, src="198.51.100.1").allowed


def test_traffic_policy_does_not_apply_inside_or_to_cluster_ip() -> None:
    v = reach(NODEPORT, "web", 80)
    assert v.client_address_kept is None and "externalTrafficPolicy" not in v.text()
    cluster, _ = load(SAME_WITH_VIP)
    assert svc_of(cluster, "db").external_traffic_policy is None


def test_session_affinity_is_read_and_explained() -> None:
    text = SAME_WITH_VIP.replace(
        "{selector:",
        "{sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 600}}, selector:",
    )
    cluster, _ = load(text)
    svc = svc_of(cluster, "db")
    assert (svc.session_affinity, svc.session_affinity_timeout) == ("ClientIP", 600)
    v = reach(text, "db", 80)
    assert "sessionAffinity ClientIP" in v.text() and "600 s" in v.text()
    data = v.to_dict()["service"]
    assert isinstance(data, dict) and data["session_affinity"] == "ClientIP"
    # the default timeout, and no effect on a headless Service
    default = SAME_WITH_VIP.replace("{selector:", "{sessionAffinity: ClientIP, selector:")
    assert "10800 s" in reach(default, "db", 80).text()
    headless = HEADLESS.replace("{clusterIP: None,", "{clusterIP: None, sessionAffinity: ClientIP,")
    assert "no effect on a headless Service" in reach(headless, "db", 8080).text()
    assert svc_of(load(HEADLESS)[0], "db").session_affinity == "None"


# --------------------------------------------------------------------------------------------
# Through the command line


@pytest.fixture()
def manifests(tmp_path: Path) -> Path:
    text = (
        HEADLESS
        + service("ext", "{type: ExternalName, externalName: db.example.com}")
        + service(
            "web",
            "{type: LoadBalancer, externalTrafficPolicy: Local, sessionAffinity: ClientIP, "
            "selector: {app: db}, ports: [{port: 80, targetPort: http}]}",
        )
    )
    path = tmp_path / "svc.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_explain_headless_in_words(manifests: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["explain", str(manifests), "--from", "shop/client", "--to", "svc:shop/db"]
    code, out, _ = run([*args, "--port", "80/TCP"], capsys)
    assert code == 0
    assert "no endpoint declares the port" in out and "translate nothing" in out
    code, out, _ = run([*args, "--port", "8080/TCP", "--format", "json"], capsys)
    data = json.loads(out)
    assert data["allowed"] is True and data["reach"] == "all"
    assert data["service"]["headless"] is True
    assert [e["target_port"] for e in data["endpoints"]] == [8080, 8080]


def test_cli_explain_external_name(manifests: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        [
            "explain",
            str(manifests),
            "--from",
            "shop/client",
            "--to",
            "svc:shop/ext",
            "--port",
            "443",
            "--format",
            "json",
        ],
        capsys,
    )
    data = json.loads(out)
    assert code == 0 and data["reach"] == "external-name" and data["allowed"] is False
    assert data["endpoints"] == [] and "CNAME" in data["summary"]


def test_cli_explain_traffic_policy(manifests: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        [
            "explain",
            str(manifests),
            "--from",
            "203.0.113.9",
            "--to",
            "svc:shop/web",
            "--port",
            "80",
        ],
        capsys,
    )
    assert code == 0
    assert "externalTrafficPolicy Local" in out and "sessionAffinity ClientIP" in out


def test_cli_matrix_json_lists_services(
    manifests: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["matrix", str(manifests), "--format", "json", "--no-lint"], capsys)
    assert code == 0
    services = {s["service"]: s for s in json.loads(out)["services"]}
    assert services["shop/web"]["session_affinity"] == "ClientIP"
    assert services["shop/web"]["external_traffic_policy"] == "Local"
    assert services["shop/db"]["headless"] is True
    assert services["shop/db"]["ports"][0]["target_port"] is None
    assert services["shop/db"]["endpoints"] == ["shop/db-0", "shop/db-1"]
    assert services["shop/ext"]["external_name"] == "db.example.com"
    assert services["shop/ext"]["endpoints"] == []


# --------------------------------------------------------------------------------------------
# matrix without --port


def test_matrix_of_one_pod_without_port_is_not_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "one.yaml"
    path.write_text(CLIENT, encoding="utf-8")
    for extra in ([], ["--granularity", "workload"]):
        code, out, _ = run(["matrix", str(path), *extra], capsys)
        assert code == 0
        lines = [line for line in out.splitlines() if "=>" in line]
        assert len(lines) == 1 and "All Connections" in lines[0], out
        assert "always reach itself" in lines[0]


def test_matrix_without_port_shows_traffic_between_replicas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
        "spec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n"
        "  template:\n    metadata: {labels: {app: web}}\n"
        "    spec: {containers: [{name: c, image: nginx}]}\n"
        + policy("deny", "{podSelector: {}}")
        + "---\n"
        + CLIENT
    )
    path = tmp_path / "dep.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run(["matrix", str(path)], capsys)
    lines = [line for line in out.splitlines() if "=>" in line]
    self_lines = [line for line in lines if line.split()[0] == line.split()[2]]
    assert len(self_lines) == 1 and "shop/web" in self_lines[0]
    assert "No Connections" in self_lines[0] and "between its 3 pods" in self_lines[0]
    assert len(lines) == 3  # client -> web, web -> client, web between its replicas


# --------------------------------------------------------------------------------------------
# Validation, as the API server does it for these fields


def svc_issues(spec: str) -> list[tuple[str, str, str]]:
    """(severity, code, field path) of a Service with this spec."""
    text = service("s", spec).removeprefix("---\n")
    obj = yaml.safe_load(text)
    return [(i.severity, i.code, format_path(i.path)) for i in validate_object(obj)]


@pytest.mark.parametrize(
    ("spec", "code", "where"),
    [
        (
            "{type: NodePort, clusterIP: None, ports: [{port: 80}]}",
            "headless-not-allowed",
            "spec.clusterIP",
        ),
        (
            "{type: LoadBalancer, clusterIP: None, ports: [{port: 80}]}",
            "headless-not-allowed",
            "spec.clusterIP",
        ),
        (
            "{type: ExternalName, externalName: a.example.com, clusterIP: None}",
            "clusterip-not-allowed",
            "spec.clusterIP",
        ),
        ("{type: ExternalName, externalName: DB.Example.com}", "bad-name", "spec.externalName"),
        ("{type: ExternalName}", "missing-field", "spec.externalName"),
        (
            "{externalTrafficPolicy: Local, selector: {a: b}, ports: [{port: 80}]}",
            "traffic-policy-not-allowed",
            "spec.externalTrafficPolicy",
        ),
        (
            "{type: NodePort, externalTrafficPolicy: local, ports: [{port: 80}]}",
            "bad-traffic-policy",
            "spec.externalTrafficPolicy",
        ),
        (
            "{type: NodePort, externalTrafficPolicy: Local, healthCheckNodePort: 31000, ports: [{port: 80}]}",
            "field-not-allowed",
            "spec.healthCheckNodePort",
        ),
        (
            "{internalTrafficPolicy: Node, ports: [{port: 80}]}",
            "bad-traffic-policy",
            "spec.internalTrafficPolicy",
        ),
        (
            "{sessionAffinity: Sticky, ports: [{port: 80}]}",
            "bad-session-affinity",
            "spec.sessionAffinity",
        ),
        (
            "{sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}, ports: [{port: 80}]}",
            "field-not-allowed",
            "spec.sessionAffinityConfig",
        ),
        (
            "{sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 0}}, ports: [{port: 80}]}",
            "bad-timeout",
            "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
        ),
        (
            "{sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 86401}}, ports: [{port: 80}]}",
            "bad-timeout",
            "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
        ),
        (
            "{publishNotReadyAddresses: 'yes', ports: [{port: 80}]}",
            "wrong-type",
            "spec.publishNotReadyAddresses",
        ),
        (
            "{loadBalancerSourceRanges: [10.0.0.0/8], ports: [{port: 80}]}",
            "field-not-allowed",
            "spec.loadBalancerSourceRanges",
        ),
        ("{type: LoadBalancer, ports: [{port: 10250}]}", "bad-port", "spec.ports[0].port"),
        ("{ports: [{port: 80, targetPort: 70000}]}", "bad-port", "spec.ports[0].targetPort"),
        (
            "{ports: [{port: 80, targetPort: '8080'}]}",
            "numeric-string-port",
            "spec.ports[0].targetPort",
        ),
        (
            "{ports: [{port: 80, targetPort: http_port}]}",
            "bad-port-name",
            "spec.ports[0].targetPort",
        ),
    ],
)
def test_service_field_errors(spec: str, code: str, where: str) -> None:
    issues = svc_issues(spec)
    assert ("error", code, where) in issues, issues


@pytest.mark.parametrize(
    "spec",
    [
        "{clusterIP: None, selector: {app: db}}",  # headless without ports
        "{clusterIP: None, ports: [{port: 80, targetPort: 8080}]}",  # tolerated by the API
        "{type: ExternalName, externalName: db.example.com.}",  # trailing dot: fully qualified
        "{type: ExternalName, externalName: db.example.com, ports: [{port: 5432}]}",
        "{type: NodePort, externalTrafficPolicy: Local, ports: [{port: 80}]}",
        "{type: LoadBalancer, externalTrafficPolicy: Local, healthCheckNodePort: 31000, ports: [{port: 80}]}",
        "{externalIPs: [192.0.2.1], externalTrafficPolicy: Local, ports: [{port: 80}]}",
        "{sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 86400}}, ports: [{port: 80}]}",
        "{sessionAffinity: None, internalTrafficPolicy: Local, publishNotReadyAddresses: true, ports: [{port: 80}]}",
    ],
)
def test_service_fields_accepted(spec: str) -> None:
    assert [i for i in svc_issues(spec) if i[0] == "error"] == []


def test_external_name_on_another_type_is_a_warning() -> None:
    issues = svc_issues("{externalName: db.example.com, ports: [{port: 80}]}")
    assert issues == [("warning", "field-not-used", "spec.externalName")]


def test_invalid_service_is_left_out() -> None:
    cluster = cluster_from_text(
        CLIENT + service("bad", "{externalTrafficPolicy: Local, ports: [{port: 80}]}"), "s.yaml"
    )
    assert cluster.services == []
    [problem] = [p for p in cluster.problems if p.severity == "error"]
    assert problem.code == "traffic-policy-not-allowed" and problem.line is not None


@pytest.mark.parametrize(
    ("doc", "code", "where"),
    [
        (
            SLICE.format(svc="pg", ports="[]", eps="[{addresses: [not-an-ip]}]"),
            "bad-ip",
            "endpoints[0].addresses[0]",
        ),
        (
            SLICE.format(svc="pg", ports="[]", eps="[{addresses: ['2001:db8::1']}]"),
            "bad-ip",
            "endpoints[0].addresses[0]",
        ),
        (
            SLICE.format(svc="pg", ports="[]", eps="[{addresses: [127.0.0.1]}]"),
            "bad-ip",
            "endpoints[0].addresses[0]",
        ),
        (
            SLICE.format(svc="pg", ports="[]", eps="[{addresses: []}]"),
            "missing-field",
            "endpoints[0].addresses",
        ),
        (SLICE.format(svc="pg", ports="[{port: 0}]", eps="[]"), "bad-port", "ports[0].port"),
        (
            SLICE.format(svc="pg", ports="[{port: 1, protocol: tcp}]", eps="[]"),
            "bad-protocol",
            "ports[0].protocol",
        ),
        (SLICE.format(svc="pg", ports="[{name: Web}]", eps="[]"), "bad-port-name", "ports[0].name"),
        (
            SLICE.format(
                svc="pg", ports="[]", eps="[{addresses: [10.0.0.1], conditions: {ready: 'no'}}]"
            ),
            "wrong-type",
            "endpoints[0].conditions.ready",
        ),
        (
            SLICE.format(svc="pg", ports="[]", eps="[]").replace(
                "addressType: IPv4", "addressType: ipv4"
            ),
            "bad-address-type",
            "addressType",
        ),
        (
            SLICE.format(svc="pg", ports="[]", eps="[]").replace("addressType: IPv4\n", ""),
            "missing-field",
            "addressType",
        ),
        (
            "---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: pg, namespace: shop}\n"
            "subsets: [{addresses: [{hostname: x}], ports: [{port: 5432}]}]\n",
            "missing-field",
            "subsets[0].addresses[0].ip",
        ),
        (
            "---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: pg, namespace: shop}\n"
            "subsets: [{addresses: [{ip: 10.0.0.1}], ports: [{port: 5432}, {name: b, port: 1}]}]\n",
            "missing-port-name",
            "subsets[0].ports[0].name",
        ),
    ],
)
def test_endpoint_object_errors(doc: str, code: str, where: str) -> None:
    obj = yaml.safe_load(doc.removeprefix("---\n"))
    issues = [(i.severity, i.code, format_path(i.path)) for i in validate_object(obj)]
    assert ("error", code, where) in issues, issues
    # and an invalid object is left out of the model
    cluster = cluster_from_text(CLIENT + doc, "e.yaml")
    assert cluster.endpoint_groups == []


def test_valid_endpoint_objects_have_no_issues() -> None:
    cluster, _ = load(MANUAL)
    assert [p.code for p in cluster.problems] == []


# --------------------------------------------------------------------------------------------
# internalTrafficPolicy Local: a client in the cluster only reaches endpoints on its own node

ON_NODES = (
    CLIENT.replace("spec: {containers", "spec: {nodeName: node-a, containers")
    + db_pod("db-a", spec_extra="nodeName: node-a, ")
    + db_pod("db-b", spec_extra="nodeName: node-b, ")
    + "---\napiVersion: v1\nkind: Pod\n"
    "metadata: {name: far, namespace: shop, labels: {app: client}}\n"
    "spec: {nodeName: node-c, containers: [{name: c, image: curl}]}\n"
)
LOCAL_SVC = service(
    "db", "{internalTrafficPolicy: Local, selector: {app: db}, ports: [{port: 80, targetPort: 8080}]}"
)
ONLY_DB_B = policy(
    "db-b-closed",
    "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {matchLabels: {app: db}}}]}]}",
)


def test_internal_traffic_policy_local_uses_the_clients_node_only() -> None:
    from k8snet_tutor.core import verdict

    v = reach(ON_NODES + LOCAL_SVC, "db", 80)
    assert v.allowed and [e.pod.id for e in v.endpoints] == ["shop/db-a"]
    assert "on node-a" in v.text() and "shop/db-a" in v.text()
    far = reach(ON_NODES + LOCAL_SVC, "db", 80, src="shop/far")
    assert far.reach == "no-local-endpoint" and not far.allowed
    assert "drops the connection" in far.text() and "node-c" in far.text()
    # Under the default (Cluster) the far client is served by any endpoint.
    plain = ON_NODES + LOCAL_SVC.replace("internalTrafficPolicy: Local, ", "")
    assert reach(plain, "db", 80, src="shop/far").allowed
    # The per-cell verdict (matrix, checks) agrees.
    cluster, ev = load(ON_NODES + LOCAL_SVC)
    svc, far_pod = svc_of(cluster, "db"), cluster.pod("shop/far")
    assert far_pod is not None
    assert verdict.allowed(ev, far_pod, svc, PortProbe(80)) is False


def test_internal_traffic_policy_local_with_unknown_nodes_evaluates_every_endpoint() -> None:
    text = ON_NODES.replace("nodeName: node-b, ", "") + LOCAL_SVC
    v = reach(text, "db", 80, src="shop/far")
    assert v.allowed and len(v.endpoints) == 2
    assert "does not say which node" in v.text()


def test_internal_traffic_policy_does_not_apply_to_headless_or_outside_clients() -> None:
    headless = LOCAL_SVC.replace("{internalTrafficPolicy", "{clusterIP: None, internalTrafficPolicy")
    v = reach(ON_NODES + headless, "db", 8080, src="shop/far")
    assert v.allowed and "internalTrafficPolicy" not in v.text()
    exposed = LOCAL_SVC.replace("{internalTrafficPolicy", "{type: NodePort, internalTrafficPolicy").replace(
        "targetPort: 8080}", "targetPort: 8080, nodePort: 30080}"
    )
    outside = reach(ON_NODES + exposed, "db", 30080, src="203.0.113.9")
    assert outside.allowed and len(outside.endpoints) == 2


def test_internal_traffic_policy_local_falls_back_per_node_to_terminating_pods() -> None:
    """kube-proxy decides the terminating fallback per node for a Local policy: a node with no
    Ready endpoint uses its own terminating ones that still pass readiness, even while other
    nodes have Ready endpoints."""
    from k8snet_tutor.core import verdict

    leaving_on_a = db_pod("db-old", READY, extra_meta=LEAVING, spec_extra="nodeName: node-a, ")
    ready_on_b = db_pod("db-b", spec_extra="nodeName: node-b, ")
    client_on_a = CLIENT.replace("spec: {containers", "spec: {nodeName: node-a, containers")
    text = client_on_a + leaving_on_a + ready_on_b + LOCAL_SVC
    v = reach(text, "db", 80)
    assert v.allowed and [e.pod.id for e in v.endpoints] == ["shop/db-old"]
    assert "falls back to the terminating ones" in v.text()
    cluster, ev = load(text)
    client, svc = cluster.pod("shop/client"), svc_of(cluster, "db")
    assert client is not None and verdict.allowed(ev, client, svc, PortProbe(80)) is True
    # Without the Local policy the Ready pod elsewhere serves, and the terminating one does not.
    plain = reach(text.replace("internalTrafficPolicy: Local, ", ""), "db", 80)
    assert [e.pod.id for e in plain.endpoints] == ["shop/db-b"]
    # A terminating pod that fails readiness is no fallback.
    failing = leaving_on_a.replace('status: "True"', 'status: "False"')
    gone = reach(client_on_a + failing + ready_on_b + LOCAL_SVC, "db", 80)
    assert gone.reach == "no-local-endpoint"


def test_slice_addresses_terminating_and_serving_are_the_fallback() -> None:
    """An EndpointSlice's conditions: an address that is terminating and still serving takes
    connections only while no address of the Service is ready."""
    draining = (
        CLIENT
        + service("pg", "{ports: [{name: pg, port: 5432}]}")
        + SLICE.format(
            svc="pg",
            ports="[{name: pg, port: 5432, protocol: TCP}]",
            eps="[{addresses: [192.0.2.10], conditions: {ready: false, serving: true, "
            "terminating: true}}, {addresses: [192.0.2.11], conditions: {ready: false, "
            "serving: false, terminating: true}}]",
        )
    )
    cluster, _ = load(draining)
    eps = endpoint_set(cluster, svc_of(cluster, "pg"))
    assert eps.draining and [b.id for b in eps.backends] == ["192.0.2.10"]
    assert [who for who, _ in eps.left_out] == ["192.0.2.11"]
    assert reach(draining, "pg", 5432).allowed
    # With a ready address, the terminating one is only a fallback.
    with_ready = draining.replace(
        "endpoints: [{addresses: [192.0.2.10]",
        "endpoints: [{addresses: [192.0.2.9]}, {addresses: [192.0.2.10]",
    )
    cluster, _ = load(with_ready)
    eps = endpoint_set(cluster, svc_of(cluster, "pg"))
    assert not eps.draining and [b.id for b in eps.backends] == ["192.0.2.9"]
    assert [b.id for b in eps.fallback] == ["192.0.2.10"]


def test_internal_traffic_policy_local_finds_the_node_from_host_ip() -> None:
    """A pod known only by `status.hostIP` runs on the node with that address."""
    node_a = (
        "---\napiVersion: v1\nkind: Node\nmetadata: {name: node-a}\n"
        "status: {addresses: [{type: InternalIP, address: 10.1.0.1}]}\n---\n"
    )
    client_by_ip = CLIENT + "status: {phase: Running, hostIP: 10.1.0.1}\n"
    text = (
        node_a
        + client_by_ip
        + db_pod("db-a", spec_extra="nodeName: node-a, ")
        + db_pod("db-b", spec_extra="nodeName: node-b, ")
        + LOCAL_SVC
    )
    v = reach(text, "db", 80)
    assert [e.pod.id for e in v.endpoints] == ["shop/db-a"] and "on node-a" in v.text()
