"""The meaning of sentences the tutor generates (skipped kinds, lint warnings).

Each test asserts what a sentence must convey, not its exact wording.
"""

from __future__ import annotations

from k8snet_tutor.core.cluster import build_cluster
from k8snet_tutor.core.evaluate import Evaluator
from k8snet_tutor.core.lint import lint
from k8snet_tutor.core.manifests import load_text
from k8snet_tutor.core.problems import Problem

NS_AND_PODS = """\
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 8080}]}]}
"""


def cluster_problems(text: str) -> list[Problem]:
    docs, problems = load_text(text, "t.yaml")
    return build_cluster(docs, problems).problems


def lint_text(text: str) -> list[Problem]:
    docs, problems = load_text(text, "t.yaml")
    return lint(Evaluator(build_cluster(docs, problems)))


def skipped(text: str, kind: str) -> Problem:
    found = [p for p in cluster_problems(text) if p.code == "skipped-kind" and kind in p.message]
    assert len(found) == 1, [p.message for p in cluster_problems(text)]
    return found[0]


# --- skipped kinds: "not modelled, verdicts may differ", never "does not affect connectivity"

def test_skipped_policy_kinds_say_not_modelled_and_name_the_plugin() -> None:
    for kind, plugin in (
        ("CiliumNetworkPolicy", "Cilium"),
        ("GlobalNetworkPolicy", "Calico"),
        ("AdminNetworkPolicy", "SIG-Network"),
        ("ClusterNetworkPolicy", "Antrea"),
    ):
        text = NS_AND_PODS + f"---\napiVersion: x.io/v2\nkind: {kind}\nmetadata: {{name: p}}\nspec: {{}}\n"
        problem = skipped(text, kind)
        message = problem.message.lower()
        assert "not model" in message
        assert "differ" in message
        assert "do not affect" not in message
        assert plugin.lower() in message
        assert problem.severity == "warning"


def test_skipped_routing_kinds_warn_that_verdicts_may_differ() -> None:
    for kind in ("EndpointSlice", "Ingress", "Gateway", "HTTPRoute"):
        text = NS_AND_PODS + f"---\napiVersion: x.io/v1\nkind: {kind}\nmetadata: {{name: r, namespace: shop}}\n"
        problem = skipped(text, kind)
        assert "not model" in problem.message
        assert "differ" in problem.message
        assert "do not affect" not in problem.message
        assert problem.severity == "warning"


def test_skipped_unknown_kind_is_a_note_that_does_not_promise_no_effect() -> None:
    text = NS_AND_PODS + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\n"
    problem = skipped(text, "ConfigMap")
    assert problem.severity == "note"
    assert "not model" in problem.message
    assert "do not affect" not in problem.message


def test_plugin_kinds_named_networkpolicy_are_skipped_as_plugin_policies() -> None:
    # Calico and Antrea have their own kind `NetworkPolicy`: it is neither read as the
    # Kubernetes one (no "unknown field" errors) nor passed over in silence.
    for api_version, plugin in (
        ("projectcalico.org/v3", "Calico"),
        ("crd.projectcalico.org/v1", "Calico"),
        ("crd.antrea.io/v1beta1", "Antrea"),
    ):
        text = NS_AND_PODS + (
            f"---\napiVersion: {api_version}\nkind: NetworkPolicy\n"
            "metadata: {name: deny, namespace: shop}\n"
            "spec: {selector: all(), types: [Ingress], ingress: [{action: Deny}]}\n"
        )
        problems = cluster_problems(text)
        assert not [p for p in problems if p.severity == "error"], [p.message for p in problems]
        problem = skipped(text, api_version)
        message = problem.message.lower()
        assert "not model" in message and "differ" in message
        assert plugin.lower() in message
        assert problem.severity == "warning"


def test_kubernetes_networkpolicy_is_still_read() -> None:
    text = NS_AND_PODS + (
        "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        "metadata: {name: deny, namespace: shop}\nspec: {podSelector: {}}\n"
    )
    docs, problems = load_text(text, "t.yaml")
    cluster = build_cluster(docs, problems)
    assert [p.id for p in cluster.policies] == ["shop/deny"]
    assert not [p for p in cluster.problems if p.code == "skipped-kind"]


def test_objects_that_plugin_policies_refer_to_are_not_called_rule_carriers() -> None:
    for kind, plugin in (("NetworkSet", "Calico"), ("Tier", "Calico"), ("ClusterGroup", "Antrea")):
        text = NS_AND_PODS + f"---\napiVersion: x.io/v1\nkind: {kind}\nmetadata: {{name: s}}\n"
        problem = skipped(text, kind)
        message = problem.message
        assert "not model" in message and "differ" in message
        assert plugin in message
        assert "denies included" not in message  # such objects carry no rules of their own
        assert problem.severity == "warning"


def test_staged_calico_policies_are_said_not_to_be_enforced() -> None:
    text = NS_AND_PODS + (
        "---\napiVersion: projectcalico.org/v3\nkind: StagedNetworkPolicy\n"
        "metadata: {name: s, namespace: shop}\n"
    )
    problem = skipped(text, "StagedNetworkPolicy")
    assert "not enforced" in problem.message
    assert "may differ" not in problem.message
    assert problem.severity == "note"


# --- no endpoints: "no pod matches" versus "pods match, none Ready"

SERVICE = """\
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
"""

NOT_READY = """\
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 8080}]}]}
status:
  conditions: [{type: Ready, status: "False"}]
"""


def test_no_endpoints_from_a_selector_typo_points_at_the_labels() -> None:
    text = NS_AND_PODS + SERVICE.replace("app: web}", "app: wbe}")
    warnings = [w for w in lint_text(text) if w.code.startswith("service-no")]
    assert [w.code for w in warnings] == ["service-no-endpoints"]
    assert "label" in (warnings[0].hint or "")
    assert "ready" not in warnings[0].message.lower()


def test_no_endpoints_because_not_ready_says_the_selector_matches() -> None:
    warnings = [w for w in lint_text(NOT_READY + SERVICE) if w.code.startswith("service-no")]
    assert [w.code for w in warnings] == ["service-no-ready-endpoints"]
    message = warnings[0].message
    assert "1 pod(s)" in message and "Ready" in message
    hint = warnings[0].hint or ""
    assert "readiness" in hint or "Ready" in hint
    assert "--show-labels" not in hint


def test_no_endpoints_because_terminating_does_not_send_the_learner_to_readiness_probes() -> None:
    terminating = NS_AND_PODS.replace(
        "labels: {app: web}}", "labels: {app: web}, deletionTimestamp: '2026-01-01T00:00:00Z'}"
    ) + "status: {podIP: 10.244.0.9, phase: Running, conditions: [{type: Ready, status: 'True'}]}\n"
    warnings = [w for w in lint_text(terminating + SERVICE) if w.code.startswith("service-no")]
    assert [w.code for w in warnings] == ["service-no-ready-endpoints"]
    assert "terminating" in warnings[0].message
    assert "is not Ready" not in warnings[0].message
    hint = warnings[0].hint or ""
    assert "terminating" in hint and "Ready" in hint  # replacements must become Ready
    # A terminating pod that still serves is the last resort for the proxy: the warning does
    # not claim that nothing reaches it.
    assert "no connection" not in warnings[0].message


def test_no_endpoints_because_finished_says_the_pod_has_finished() -> None:
    finished = NS_AND_PODS + "status: {phase: Succeeded}\n"
    warnings = [w for w in lint_text(finished + SERVICE) if w.code.startswith("service-no")]
    assert [w.code for w in warnings] == ["service-no-ready-endpoints"]
    assert "finished" in warnings[0].message


def test_a_service_with_ready_endpoints_gets_no_warning() -> None:
    assert not [w for w in lint_text(NS_AND_PODS + SERVICE) if w.code.startswith("service-no")]


# --- DNS lint: a rule that reaches only a look-alike pod does not count as DNS

DNS_BACKGROUND = """\
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Namespace
metadata: {name: kube-system}
---
apiVersion: v1
kind: Pod
metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec: {containers: [{name: c, image: coredns, ports: [{containerPort: 53, protocol: UDP}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: dns-cache, namespace: shop, labels: {app: dns-cache}}
spec: {containers: [{name: c, image: dnsmasq, ports: [{containerPort: 53, protocol: UDP}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop, labels: {app: api}}
spec: {containers: [{name: c, image: api}]}
"""


def egress_policy(to: str, ports: str = "[{protocol: UDP, port: 53}]") -> str:
    return (
        DNS_BACKGROUND
        + "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        "metadata: {name: api-egress, namespace: shop}\n"
        "spec:\n  podSelector: {matchLabels: {app: api}}\n  policyTypes: [Egress]\n"
        f"  egress:\n  - to: {to}\n    ports: {ports}\n"
    )


def dns_warnings(text: str) -> list[Problem]:
    return [w for w in lint_text(text) if w.code == "dns-blocked"]


def test_dns_rule_to_a_look_alike_pod_is_reported() -> None:
    warnings = dns_warnings(egress_policy("[{podSelector: {matchLabels: {app: dns-cache}}}]"))
    assert len(warnings) == 1
    assert "NodeLocal" in (warnings[0].hint or "")


def test_dns_rule_to_an_unrelated_address_is_reported() -> None:
    assert dns_warnings(egress_policy("[{ipBlock: {cidr: 203.0.113.99/32}}]", "[]"))


def test_dns_rule_to_the_cluster_dns_pods_is_accepted() -> None:
    peer = (
        "[{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}},"
        " podSelector: {matchLabels: {k8s-app: kube-dns}}}]"
    )
    assert not dns_warnings(egress_policy(peer))


def test_dns_hint_names_node_local_cache_addresses_and_an_ipblock() -> None:
    warnings = dns_warnings(egress_policy("[{podSelector: {matchLabels: {app: dns-cache}}}]"))
    hint = warnings[0].hint or ""
    assert "169.254.20.10" in hint
    assert "Service address" in hint  # the cache often answers at the kube-dns Service IP too
    assert "ipBlock" in hint


def test_dns_rule_on_the_dns_pods_own_port_is_accepted() -> None:
    # Some distributions serve DNS on 5353 behind Service port 53; policies see the pod port.
    on_5353 = DNS_BACKGROUND.replace("containerPort: 53, protocol: UDP}]}]}\n---\napiVersion: v1\n"
                                     "kind: Pod\nmetadata: {name: dns-cache",
                                     "containerPort: 5353, protocol: UDP}]}]}\n---\napiVersion: v1\n"
                                     "kind: Pod\nmetadata: {name: dns-cache")
    assert on_5353 != DNS_BACKGROUND
    peer = (
        "[{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}},"
        " podSelector: {matchLabels: {k8s-app: kube-dns}}}]"
    )
    text = egress_policy(peer, "[{protocol: UDP, port: 5353}]").replace(DNS_BACKGROUND, on_5353)
    assert not dns_warnings(text)
    # The same port towards the look-alike cache is still no DNS rule.
    look_alike = egress_policy(
        "[{podSelector: {matchLabels: {app: dns-cache}}}]", "[{protocol: UDP, port: 5353}]"
    ).replace(DNS_BACKGROUND, on_5353)
    assert dns_warnings(look_alike)


def test_dns_rule_to_the_node_local_cache_address_is_accepted() -> None:
    assert not dns_warnings(egress_policy("[{ipBlock: {cidr: 169.254.20.10/32}}]"))


def test_dns_rule_without_dns_pods_in_the_input_still_recognises_kube_system() -> None:
    text = egress_policy(
        "[{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]"
    ).replace("k8s-app: kube-dns", "k8s-app: other-dns")
    # No pod carries the kube-dns labels: a peer that would select them still counts.
    assert not dns_warnings(text)


# --- validation wording: host bits in CIDRs, the beta timeline, repeated port names

def validation_problems(text: str) -> list[Problem]:
    docs, problems = load_text(text, "t.yaml")
    return list(build_cluster(docs, problems).problems)


def egress_block(block: str) -> str:
    return (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        "metadata: {name: p, namespace: shop}\n"
        "spec:\n  podSelector: {}\n  policyTypes: [Egress]\n"
        f"  egress:\n  - to:\n    - ipBlock: {block}\n"
    )


def test_cidr_with_host_bits_warns_that_newer_api_servers_reject_it() -> None:
    found = [p for p in validation_problems(egress_block("{cidr: 192.168.1.22/24}"))
             if p.code == "cidr-host-bits"]
    assert len(found) == 1
    warning = found[0]
    assert warning.severity == "warning"
    assert "192.168.1.0/24" in warning.message  # what it really means
    assert "reject" in warning.message and "newer" in warning.message
    assert "192.168.1.22/32" in (warning.hint or "")


def test_except_with_host_bits_warns_too_and_clean_cidrs_do_not() -> None:
    text = egress_block("{cidr: 10.0.0.0/8, except: [10.1.2.3/16]}")
    codes = [p.code for p in validation_problems(text)]
    assert codes.count("cidr-host-bits") == 1
    clean = egress_block("{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}")
    assert "cidr-host-bits" not in [p.code for p in validation_problems(clean)]


def test_beta_policy_warning_limits_the_opt_in_semantics_to_before_1_7() -> None:
    text = egress_block("{cidr: 10.0.0.0/8}").replace("networking.k8s.io/v1", "extensions/v1beta1")
    found = [p for p in validation_problems(text) if p.code == "legacy-beta-policy"]
    assert len(found) == 1
    message = found[0].message
    assert "1.16" in message and "1.7" in message
    assert "1.3 to 1.6" in message or "before 1.7" in message.lower()


def test_repeated_port_name_across_containers_names_services_and_probes_not_policies() -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  containers:\n"
        "  - {name: a, image: x, ports: [{containerPort: 80, name: web}]}\n"
        "  - {name: b, image: y, ports: [{containerPort: 81, name: web}]}\n"
    )
    found = [p for p in validation_problems(text) if p.code == "duplicate-port-name"]
    assert len(found) == 1
    message = found[0].message
    assert "probes" in message
    assert "plugin" in message  # NetworkPolicy named ports: plugin-specific


# --- explain: the self rule and hostNetwork notes

def test_self_note_speaks_of_traffic_to_itself_not_of_what_a_pod_sends() -> None:
    from k8snet_tutor.core.explain import explain
    from k8snet_tutor.core.ports import PortProbe

    docs, problems = load_text(NS_AND_PODS, "t.yaml")
    ev = Evaluator(build_cluster(docs, problems))
    web = next(p for p in ev.pods if p.id == "shop/web")
    text = explain(ev, web, web, PortProbe(8080)).text()
    assert "itself" in text
    assert "own traffic" not in text  # read as "what the pod sends", which policies do block


def test_hostnetwork_note_calls_the_verdict_undefined_and_names_the_common_reading() -> None:
    from k8snet_tutor.core.explain import explain
    from k8snet_tutor.core.ports import PortProbe

    text = NS_AND_PODS + (
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: agent, namespace: shop, labels: {app: a}}\n"
        "spec: {hostNetwork: true, containers: [{name: c, image: x, ports: [{containerPort: 9100}]}]}\n"
    )
    docs, problems = load_text(text, "t.yaml")
    ev = Evaluator(build_cluster(docs, problems))
    web = next(p for p in ev.pods if p.id == "shop/web")
    agent = next(p for p in ev.pods if p.id == "shop/agent")
    note = explain(ev, web, agent, PortProbe(9100)).text()
    assert "undefined" in note
    assert "node" in note  # most plugins: node traffic
    assert "treats it as a normal pod." not in note
