"""One small test (or a few) per NetworkPolicy v1 rule, as the reference notes state them
(section 3 of networking-semantics-and-pitfalls.md). Clusters are built directly from the model;
policies go through `policy_from_dict` so the production policyTypes inference is exercised.
"""

from __future__ import annotations

from collections.abc import Sequence

from k8snet_tutor.core.cluster import Cluster, ContainerPort, NetworkPolicy
from k8snet_tutor.core.evaluate import Evaluator
from tests.builders import cluster, conns, conns_from_ip, conns_to_ip, cport, netpol, ns, pod

ALL = "All Connections"
NONE = "No Connections"

DENY_ALL_INGRESS = {"podSelector": {}, "policyTypes": ["Ingress"]}
DENY_ALL_EGRESS = {"podSelector": {}, "policyTypes": ["Egress"]}


HTTP_80 = (cport(80, "http"),)


def two_pods(*policies: NetworkPolicy, ports: Sequence[ContainerPort] = HTTP_80) -> Cluster:
    """prod/client -> prod/web, web labelled app=web with the given container ports."""
    return cluster(
        [pod("prod/client", {"app": "client"}), pod("prod/web", {"app": "web"}, ports)],
        list(policies),
    )


# --------------------------------------------------------------------------------------------
# 3.1 selection and scope


def test_no_policies_everything_allowed() -> None:
    c = two_pods()
    assert conns(c, "prod/client", "prod/web") == ALL
    assert conns(c, "prod/web", "prod/client") == ALL


def test_policy_selects_only_in_its_own_namespace() -> None:
    c = cluster(
        [pod("prod/web", {"app": "web"}), pod("dev/web", {"app": "web"}), pod("dev/client")],
        [netpol("prod/deny", podSelector={"matchLabels": {"app": "web"}}, policyTypes=["Ingress"])],
    )
    assert conns(c, "dev/client", "prod/web") == NONE
    assert conns(c, "dev/client", "dev/web") == ALL  # same labels, other namespace: not selected


def test_absent_pod_selector_selects_every_pod_of_the_namespace() -> None:
    c = two_pods(netpol("prod/deny", policyTypes=["Ingress"]))
    assert conns(c, "prod/client", "prod/web") == NONE
    assert conns(c, "prod/web", "prod/client") == NONE


def test_unselected_pods_stay_open() -> None:
    c = cluster(
        [pod("prod/web", {"app": "web"}), pod("prod/db", {"app": "db"}), pod("prod/client")],
        [
            netpol(
                "prod/db-only", podSelector={"matchLabels": {"app": "db"}}, policyTypes=["Ingress"]
            )
        ],
    )
    assert conns(c, "prod/client", "prod/db") == NONE
    assert conns(c, "prod/client", "prod/web") == ALL
    assert conns(c, "prod/db", "prod/web") == ALL  # db's egress is not isolated


def test_selector_not_in_and_does_not_exist_match_pods_without_the_key() -> None:
    pods = [pod("prod/plain"), pod("prod/prod", {"env": "prod"}), pod("prod/dev", {"env": "dev"})]
    not_in = netpol(
        "prod/notin",
        podSelector={"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["prod"]}]},
        policyTypes=["Ingress"],
    )
    c = cluster(pods, [not_in])
    assert conns(c, "prod/prod", "prod/plain") == NONE  # no `env` key: NotIn matches
    assert conns(c, "prod/prod", "prod/dev") == NONE
    assert conns(c, "prod/plain", "prod/prod") == ALL
    absent = netpol(
        "prod/absent",
        podSelector={"matchExpressions": [{"key": "env", "operator": "DoesNotExist"}]},
        policyTypes=["Ingress"],
    )
    c = cluster(pods, [absent])
    assert conns(c, "prod/prod", "prod/plain") == NONE
    assert conns(c, "prod/plain", "prod/dev") == ALL


def test_match_labels_and_match_expressions_are_anded() -> None:
    pods = [
        pod("prod/a", {"app": "web", "tier": "front"}),
        pod("prod/b", {"app": "web"}),
        pod("prod/c", {"tier": "front"}),
        pod("prod/x"),
    ]
    pol = netpol(
        "prod/p",
        podSelector={
            "matchLabels": {"app": "web"},
            "matchExpressions": [{"key": "tier", "operator": "Exists"}],
        },
        policyTypes=["Ingress"],
    )
    c = cluster(pods, [pol])
    assert conns(c, "prod/x", "prod/a") == NONE
    assert conns(c, "prod/x", "prod/b") == ALL
    assert conns(c, "prod/x", "prod/c") == ALL


def test_in_operator_needs_the_key() -> None:
    pol = netpol(
        "prod/p",
        podSelector={"matchExpressions": [{"key": "env", "operator": "In", "values": ["a", "b"]}]},
        policyTypes=["Ingress"],
    )
    c = cluster([pod("prod/b", {"env": "b"}), pod("prod/none"), pod("prod/c", {"env": "c"})], [pol])
    assert conns(c, "prod/none", "prod/b") == NONE
    assert conns(c, "prod/b", "prod/none") == ALL
    assert conns(c, "prod/b", "prod/c") == ALL


# --------------------------------------------------------------------------------------------
# 3.2 isolation and policyTypes inference


def test_ingress_rules_without_policy_types_isolate_ingress_only() -> None:
    c = two_pods(netpol("prod/p", podSelector={}, ingress=[{"ports": [{"port": 80}]}]))
    assert conns(c, "prod/client", "prod/web") == "TCP 80"
    assert conns(c, "prod/web", "prod/client") == "TCP 80"  # client's ingress, same policy
    ev = Evaluator(c)
    web = c.pod("prod/web")
    assert web is not None
    ingress, egress = ev.isolation(web)
    assert [p.name for p in ingress] == ["p"] and egress == []


def test_empty_egress_list_without_policy_types_does_not_isolate_egress() -> None:
    pol = netpol("prod/p", podSelector={"matchLabels": {"app": "client"}}, egress=[])
    assert pol.policy_types == ("Ingress",)
    c = two_pods(pol)
    assert conns(c, "prod/client", "prod/web") == ALL  # client's egress is open
    assert conns(c, "prod/web", "prod/client") == NONE  # client's ingress is isolated
    assert conns_to_ip(c, "prod/client", "8.8.8.8") == ALL


def test_non_empty_egress_without_policy_types_isolates_egress() -> None:
    pol = netpol(
        "prod/p",
        podSelector={"matchLabels": {"app": "client"}},
        egress=[{"ports": [{"port": 443}]}],
    )
    assert pol.policy_types == ("Ingress", "Egress")
    c = two_pods(pol)
    assert conns(c, "prod/client", "prod/web") == "TCP 443"
    assert conns_to_ip(c, "prod/client", "8.8.8.8") == "TCP 443"
    assert conns(c, "prod/web", "prod/client") == NONE  # Ingress inferred too, no rules


def test_empty_policy_types_list_is_inferred_like_absent() -> None:
    pol = netpol("prod/p", podSelector={}, policyTypes=[], egress=[])
    assert pol.policy_types == ("Ingress",)


def test_explicit_egress_type_leaves_ingress_open_even_with_ingress_rules() -> None:
    pol = netpol(
        "prod/p",
        podSelector={"matchLabels": {"app": "web"}},
        policyTypes=["Egress"],
        ingress=[{"ports": [{"port": 1}]}],  # ignored: Ingress is not a policy type
    )
    c = two_pods(pol)
    assert conns(c, "prod/client", "prod/web") == ALL
    assert conns(c, "prod/web", "prod/client") == NONE
    assert conns_to_ip(c, "prod/web", "8.8.8.8") == NONE


def test_explicit_ingress_type_with_egress_rules_leaves_egress_open() -> None:
    pol = netpol(
        "prod/p",
        podSelector={"matchLabels": {"app": "client"}},
        policyTypes=["Ingress"],
        egress=[{"ports": [{"port": 1}]}],
    )
    c = two_pods(pol)
    assert conns(c, "prod/client", "prod/web") == ALL


def test_ingress_empty_list_denies_and_list_with_empty_rule_allows_all() -> None:
    deny = two_pods(netpol("prod/p", podSelector={"matchLabels": {"app": "web"}}, ingress=[]))
    assert conns(deny, "prod/client", "prod/web") == NONE
    assert conns_from_ip(deny, "8.8.8.8", "prod/web") == NONE
    allow = two_pods(netpol("prod/p", podSelector={"matchLabels": {"app": "web"}}, ingress=[{}]))
    assert conns(allow, "prod/client", "prod/web") == ALL
    assert conns_from_ip(allow, "8.8.8.8", "prod/web") == ALL


def test_policy_types_ingress_with_absent_ingress_denies() -> None:
    c = two_pods(netpol("prod/p", **DENY_ALL_INGRESS))
    assert conns(c, "prod/client", "prod/web") == NONE


def test_policies_are_a_union() -> None:
    c = two_pods(
        netpol(
            "prod/a",
            podSelector={"matchLabels": {"app": "web"}},
            ingress=[{"ports": [{"port": 80}]}],
        ),
        netpol("prod/b", podSelector={}, ingress=[{"ports": [{"port": 443}]}]),
        netpol("prod/c", podSelector={"matchLabels": {"app": "web"}}, ingress=[]),  # adds nothing
    )
    assert conns(c, "prod/client", "prod/web") == "TCP 80,443"
    assert conns(c, "prod/web", "prod/client") == "TCP 443"


def test_rules_are_a_union_but_ports_stay_with_their_own_peers() -> None:
    pol = netpol(
        "prod/p",
        podSelector={"matchLabels": {"app": "web"}},
        ingress=[
            {"from": [{"podSelector": {"matchLabels": {"app": "a"}}}], "ports": [{"port": 80}]},
            {"from": [{"podSelector": {"matchLabels": {"app": "b"}}}], "ports": [{"port": 443}]},
        ],
    )
    c = cluster(
        [pod("prod/a", {"app": "a"}), pod("prod/b", {"app": "b"}), pod("prod/web", {"app": "web"})],
        [pol],
    )
    assert conns(c, "prod/a", "prod/web") == "TCP 80"
    assert conns(c, "prod/b", "prod/web") == "TCP 443"


def test_pod_to_pod_needs_source_egress_and_destination_ingress() -> None:
    egress = netpol(
        "prod/eg",
        podSelector={"matchLabels": {"app": "client"}},
        policyTypes=["Egress"],
        egress=[{"ports": [{"port": 80}, {"port": 443}]}],
    )
    ingress = netpol(
        "prod/in",
        podSelector={"matchLabels": {"app": "web"}},
        ingress=[{"ports": [{"port": 443}, {"port": 8080}]}],
    )
    assert conns(two_pods(egress, ingress), "prod/client", "prod/web") == "TCP 443"
    assert conns(two_pods(egress), "prod/client", "prod/web") == "TCP 80,443"
    assert conns(two_pods(ingress), "prod/client", "prod/web") == "TCP 443,8080"


def test_egress_allow_does_not_override_destination_deny() -> None:
    egress = netpol("prod/eg", podSelector={}, policyTypes=["Egress"], egress=[{}])
    deny = netpol("prod/deny", podSelector={"matchLabels": {"app": "web"}}, policyTypes=["Ingress"])
    assert conns(two_pods(egress, deny), "prod/client", "prod/web") == NONE


def test_ip_to_pod_needs_only_ingress_and_pod_to_ip_only_egress() -> None:
    # Deny all egress of web does not stop an address reaching web, and vice versa.
    c = two_pods(netpol("prod/eg", podSelector={}, **{"policyTypes": ["Egress"]}))
    assert conns_from_ip(c, "8.8.8.8", "prod/web") == ALL
    assert conns_to_ip(c, "prod/web", "8.8.8.8") == NONE
    c = two_pods(netpol("prod/in", **DENY_ALL_INGRESS))
    assert conns_from_ip(c, "8.8.8.8", "prod/web") == NONE
    assert conns_to_ip(c, "prod/web", "8.8.8.8") == ALL


def test_a_pod_always_reaches_itself() -> None:
    c = two_pods(netpol("prod/in", **DENY_ALL_INGRESS), netpol("prod/eg", **DENY_ALL_EGRESS))
    assert conns(c, "prod/web", "prod/web") == ALL
    assert conns(c, "prod/client", "prod/web") == NONE


def test_two_pods_with_equal_labels_are_not_the_same_pod() -> None:
    c = cluster(
        [pod("prod/a", {"app": "x"}), pod("prod/b", {"app": "x"})],
        [netpol("prod/in", **DENY_ALL_INGRESS)],
    )
    assert conns(c, "prod/a", "prod/b") == NONE
    assert conns(c, "prod/a", "prod/a") == ALL


# --------------------------------------------------------------------------------------------
# 3.3 rules and peers


def test_from_empty_list_means_every_source() -> None:
    c = two_pods(
        netpol(
            "prod/p",
            podSelector={"matchLabels": {"app": "web"}},
            ingress=[{"from": [], "ports": [{"port": 80}]}],
        )
    )
    assert conns(c, "prod/client", "prod/web") == "TCP 80"
    assert conns_from_ip(c, "8.8.8.8", "prod/web") == "TCP 80"


def test_ports_empty_list_means_every_port() -> None:
    c = two_pods(
        netpol("prod/p", podSelector={"matchLabels": {"app": "web"}}, ingress=[{"ports": []}])
    )
    assert conns(c, "prod/client", "prod/web") == ALL


def test_pod_selector_peer_is_own_namespace_only() -> None:
    pol = netpol(
        "prod/p",
        podSelector={"matchLabels": {"app": "web"}},
        ingress=[{"from": [{"podSelector": {"matchLabels": {"app": "client"}}}]}],
    )
    c = cluster(
        [
            pod("prod/web", {"app": "web"}),
            pod("prod/client", {"app": "client"}),
            pod("dev/client", {"app": "client"}),
        ],
        [pol],
    )
    assert conns(c, "prod/client", "prod/web") == ALL
    assert conns(c, "dev/client", "prod/web") == NONE


def test_empty_pod_selector_peer_is_every_pod_of_own_namespace() -> None:
    pol = netpol(
        "prod/p",
        podSelector={"matchLabels": {"app": "web"}},
        ingress=[{"from": [{"podSelector": {}}]}],
    )
    c = cluster([pod("prod/web", {"app": "web"}), pod("prod/x"), pod("dev/x")], [pol])
    assert conns(c, "prod/x", "prod/web") == ALL
    assert conns(c, "dev/x", "prod/web") == NONE
    assert conns_from_ip(c, "8.8.8.8", "prod/web") == NONE


def test_namespace_selector_peer_selects_every_pod_of_matching_namespaces() -> None:
    pol = netpol(
        "prod/p",
        podSelector={"matchLabels": {"app": "web"}},
        ingress=[{"from": [{"namespaceSelector": {"matchLabels": {"team": "blue"}}}]}],
    )
    c = cluster(
        [pod("prod/web", {"app": "web"}), pod("blue/x"), pod("red/x"), pod("prod/x")],
        [pol],
        [ns("blue", team="blue"), ns("red", team="red"), ns("prod", team="red")],
    )
    assert conns(c, "blue/x", "prod/web") == ALL
    assert conns(c, "red/x", "prod/web") == NONE
    assert conns(c, "prod/x", "prod/web") == NONE  # own namespace is not special here


def test_namespace_selector_by_metadata_name_label() -> None:
    pol = netpol(
        "prod/p",
        podSelector={},
        ingress=[
            {
                "from": [
                    {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "dev"}}}
                ]
            }
        ],
    )
    c = cluster([pod("prod/web"), pod("dev/x"), pod("qa/x")], [pol])
    assert conns(c, "dev/x", "prod/web") == ALL
    assert conns(c, "qa/x", "prod/web") == NONE


def test_empty_namespace_selector_is_all_namespaces_but_not_external_addresses() -> None:
    pol = netpol("prod/p", podSelector={}, ingress=[{"from": [{"namespaceSelector": {}}]}])
    egress = netpol(
        "prod/e",
        podSelector={},
        policyTypes=["Egress"],
        egress=[{"to": [{"namespaceSelector": {}}]}],
    )
    c = cluster([pod("prod/web"), pod("dev/x"), pod("qa/x")], [pol, egress])
    assert conns(c, "dev/x", "prod/web") == ALL
    assert conns(c, "qa/x", "prod/web") == ALL
    assert conns_from_ip(c, "8.8.8.8", "prod/web") == NONE
    assert conns_from_ip(c, "10.0.0.9", "prod/web") == NONE
    assert conns(c, "prod/web", "qa/x") == ALL
    assert conns_to_ip(c, "prod/web", "8.8.8.8") == NONE


def test_both_selectors_in_one_peer_are_anded() -> None:
    pol = netpol(
        "prod/p",
        podSelector={"matchLabels": {"app": "web"}},
        ingress=[
            {
                "from": [
                    {
                        "namespaceSelector": {"matchLabels": {"team": "blue"}},
                        "podSelector": {"matchLabels": {"role": "client"}},
                    }
                ]
            }
        ],
    )
    c = _and_or_cluster(pol)
    assert conns(c, "blue/client", "prod/web") == ALL
    assert conns(c, "blue/other", "prod/web") == NONE
    assert conns(c, "red/client", "prod/web") == NONE
    assert conns(c, "prod/client", "prod/web") == NONE


def test_two_peers_are_ored() -> None:
    pol = netpol(
        "prod/p",
        podSelector={"matchLabels": {"app": "web"}},
        ingress=[
            {
                "from": [
                    {"namespaceSelector": {"matchLabels": {"team": "blue"}}},
                    {"podSelector": {"matchLabels": {"role": "client"}}},
                ]
            }
        ],
    )
    c = _and_or_cluster(pol)
    assert conns(c, "blue/client", "prod/web") == ALL
    assert conns(c, "blue/other", "prod/web") == ALL  # any pod of a blue namespace
    assert conns(c, "prod/client", "prod/web") == ALL  # role=client in the policy's namespace
    assert conns(c, "red/client", "prod/web") == NONE  # role=client elsewhere: neither peer


def _and_or_cluster(pol: NetworkPolicy) -> Cluster:
    return cluster(
        [
            pod("prod/web", {"app": "web"}),
            pod("prod/client", {"role": "client"}),
            pod("blue/client", {"role": "client"}),
            pod("blue/other", {"role": "other"}),
            pod("red/client", {"role": "client"}),
        ],
        [pol],
        [ns("prod"), ns("blue", team="blue"), ns("red", team="red")],
    )


# --------------------------------------------------------------------------------------------
# 3.4 ports and protocols


def test_protocol_defaults_to_tcp() -> None:
    c = two_pods(
        netpol(
            "prod/p",
            podSelector={"matchLabels": {"app": "web"}},
            ingress=[{"ports": [{"port": 53}]}],
        )
    )
    assert conns(c, "prod/client", "prod/web") == "TCP 53"


def test_port_absent_means_every_port_of_the_protocol() -> None:
    c = two_pods(
        netpol(
            "prod/p",
            podSelector={"matchLabels": {"app": "web"}},
            ingress=[{"ports": [{"protocol": "UDP"}, {}]}],
        )
    )
    assert conns(c, "prod/client", "prod/web") == "TCP 1-65535,UDP 1-65535"


def test_protocols_are_kept_apart() -> None:
    c = two_pods(
        netpol(
            "prod/p",
            podSelector={"matchLabels": {"app": "web"}},
            ingress=[
                {
                    "ports": [
                        {"port": 53, "protocol": "UDP"},
                        {"port": 53},
                        {"port": 9, "protocol": "SCTP"},
                    ]
                }
            ],
        )
    )
    assert conns(c, "prod/client", "prod/web") == "SCTP 9,TCP 53,UDP 53"


def test_end_port_is_an_inclusive_range() -> None:
    c = two_pods(
        netpol(
            "prod/p",
            podSelector={"matchLabels": {"app": "web"}},
            ingress=[
                {
                    "ports": [
                        {"port": 8000, "endPort": 8100},
                        {"port": 30, "endPort": 30, "protocol": "UDP"},
                    ]
                }
            ],
        )
    )
    text = conns(c, "prod/client", "prod/web")
    assert text == "TCP 8000-8100,UDP 30"
    ev = Evaluator(c)
    cell = ev.connections(c.pods[0], c.pods[1])
    assert cell.allows(8000) and cell.allows(8050) and cell.allows(8100)
    assert not cell.allows(7999) and not cell.allows(8101) and not cell.allows(8050, "UDP")


def test_named_port_resolves_on_the_destination_pod() -> None:
    pol = netpol("prod/p", podSelector={}, ingress=[{"ports": [{"port": "http"}]}])
    c = cluster(
        [
            pod("prod/a", ports=[cport(8080, "http")]),
            pod("prod/b", ports=[cport(9000, "http")]),
            pod("prod/c", ports=[cport(80, "web")]),
        ],
        [pol],
    )
    assert conns(c, "prod/a", "prod/b") == "TCP 9000"  # b's http, not a's
    assert conns(c, "prod/b", "prod/a") == "TCP 8080"
    assert conns(c, "prod/a", "prod/c") == NONE  # no port named http on c


def test_named_port_needs_the_protocol_to_match() -> None:
    pods = [
        pod("prod/client"),
        pod("prod/dns", ports=[cport(53, "dns", "UDP"), cport(5353, "dns-tcp")]),
    ]
    tcp = netpol("prod/p", podSelector={}, ingress=[{"ports": [{"port": "dns"}]}])  # TCP by default
    assert conns(cluster(pods, [tcp]), "prod/client", "prod/dns") == NONE
    udp = netpol(
        "prod/p", podSelector={}, ingress=[{"ports": [{"port": "dns", "protocol": "UDP"}]}]
    )
    assert conns(cluster(pods, [udp]), "prod/client", "prod/dns") == "UDP 53"


def test_named_port_in_egress_resolves_on_the_destination_pod() -> None:
    pol = netpol(
        "prod/p",
        podSelector={"matchLabels": {"app": "client"}},
        policyTypes=["Egress"],
        egress=[{"ports": [{"port": "http"}]}],
    )
    c = cluster(
        [
            pod("prod/client", {"app": "client"}, [cport(1111, "http")]),
            pod("prod/web", ports=[cport(8080, "http")]),
        ],
        [pol],
    )
    assert conns(c, "prod/client", "prod/web") == "TCP 8080"


def test_named_port_in_ingress_from_ip_block_resolves_on_the_destination() -> None:
    pol = netpol(
        "prod/p",
        podSelector={},
        ingress=[{"from": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"port": "http"}]}],
    )
    c = cluster([pod("prod/web", ports=[cport(8080, "http")])], [pol])
    assert conns_from_ip(c, "8.8.8.8", "prod/web") == "TCP 8080"


def test_named_port_in_egress_to_ip_block_matches_nothing() -> None:
    pol = netpol(
        "prod/p",
        podSelector={},
        policyTypes=["Egress"],
        egress=[
            {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"port": "http"}]},
        ],
    )
    # The source itself has a port named http: that must not be used either.
    c = cluster([pod("prod/client", ports=[cport(8080, "http")])], [pol])
    assert conns_to_ip(c, "prod/client", "8.8.8.8") == NONE
    # ... and a numeric port next to it still works.
    pol2 = netpol(
        "prod/p",
        podSelector={},
        policyTypes=["Egress"],
        egress=[
            {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"port": "http"}, {"port": 443}]}
        ],
    )
    c = cluster([pod("prod/client", ports=[cport(8080, "http")])], [pol2])
    assert conns_to_ip(c, "prod/client", "8.8.8.8") == "TCP 443"


def test_named_port_in_egress_to_a_pod_in_an_ip_block_resolves_in_pods_mode() -> None:
    pol = netpol(
        "prod/p",
        podSelector={"matchLabels": {"app": "client"}},
        policyTypes=["Egress"],
        egress=[{"to": [{"ipBlock": {"cidr": "10.0.0.0/24"}}], "ports": [{"port": "http"}]}],
    )
    c = cluster(
        [
            pod("prod/client", {"app": "client"}),
            pod("prod/web", ports=[cport(8080, "http")], ip="10.0.0.7"),
        ],
        [pol],
    )
    assert conns(c, "prod/client", "prod/web", ipblocks="pods") == "TCP 8080"
    assert conns(c, "prod/client", "prod/web", ipblocks="external") == NONE


# --------------------------------------------------------------------------------------------
# 3.5 ipBlock


def _ip_policy(**block: object) -> NetworkPolicy:
    return netpol("prod/p", podSelector={}, ingress=[{"from": [{"ipBlock": block}]}])


def test_ip_block_matches_addresses_inside_cidr() -> None:
    c = cluster([pod("prod/web")], [_ip_policy(cidr="192.168.0.0/16")])
    assert conns_from_ip(c, "192.168.4.4", "prod/web") == ALL
    assert conns_from_ip(c, "192.169.0.1", "prod/web") == NONE


def test_ip_block_except_is_carved_out() -> None:
    c = cluster(
        [pod("prod/web")],
        [_ip_policy(cidr="10.0.0.0/8", **{"except": ["10.1.0.0/16", "10.2.3.0/24"]})],
    )
    assert conns_from_ip(c, "10.9.9.9", "prod/web") == ALL
    assert conns_from_ip(c, "10.1.2.3", "prod/web") == NONE
    assert conns_from_ip(c, "10.2.3.4", "prod/web") == NONE
    assert conns_from_ip(c, "10.2.4.4", "prod/web") == ALL
    assert conns_from_ip(c, "10.0.255.255", "prod/web") == ALL  # edge just below the except
    assert conns_from_ip(c, "10.2.0.0", "prod/web") == ALL  # edge just above it


def test_ip_block_egress_except() -> None:
    pol = netpol(
        "prod/p",
        podSelector={},
        policyTypes=["Egress"],
        egress=[
            {
                "to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["169.254.169.254/32"]}}],
                "ports": [{"port": 443}],
            }
        ],
    )
    c = cluster([pod("prod/client")], [pol])
    assert conns_to_ip(c, "prod/client", "1.1.1.1") == "TCP 443"
    assert conns_to_ip(c, "prod/client", "169.254.169.254") == NONE


def test_ip_block_matches_pod_ips_in_pods_mode_only() -> None:
    pol = netpol(
        "prod/p",
        podSelector={"matchLabels": {"app": "web"}},
        ingress=[{"from": [{"ipBlock": {"cidr": "10.0.0.0/24", "except": ["10.0.0.128/25"]}}]}],
    )
    c = cluster(
        [
            pod("prod/web", {"app": "web"}),
            pod("prod/in", ip="10.0.0.5"),
            pod("prod/excepted", ip="10.0.0.200"),
            pod("prod/noip"),
        ],
        [pol],
    )
    assert conns(c, "prod/in", "prod/web", ipblocks="pods") == ALL
    assert conns(c, "prod/in", "prod/web", ipblocks="external") == NONE
    assert conns(c, "prod/excepted", "prod/web", ipblocks="pods") == NONE
    assert conns(c, "prod/noip", "prod/web", ipblocks="pods") == NONE
    # the address itself is an external peer in both modes
    assert conns_from_ip(c, "10.0.0.5", "prod/web", ipblocks="external") == ALL
    assert conns_from_ip(c, "10.0.0.5", "prod/web", ipblocks="pods") == ALL


def test_selector_peers_still_match_pods_in_external_mode() -> None:
    pol = netpol(
        "prod/p",
        podSelector={"matchLabels": {"app": "web"}},
        ingress=[{"from": [{"podSelector": {}}]}],
    )
    c = cluster([pod("prod/web", {"app": "web"}), pod("prod/x", ip="10.0.0.5")], [pol])
    assert conns(c, "prod/x", "prod/web", ipblocks="external") == ALL


def test_ip_block_does_not_match_another_family() -> None:
    c = cluster([pod("prod/web")], [_ip_policy(cidr="0.0.0.0/0")])
    assert conns_from_ip(c, "8.8.8.8", "prod/web") == ALL
    assert conns_from_ip(c, "2001:db8::1", "prod/web") == NONE
