"""Wrong answers for the lessons added by issue 11: each fails exactly the checks it should.

Same idea as tests/test_lesson_wrong_answers.py: start from the lesson's solution (or starter),
apply one realistic mistake by replacing a fragment that occurs exactly once, grade with the
lesson's own goal, and assert which checks fail and what the failing check's reasons say.
`ALTERNATIVES` are different valid answers that must pass.

`DECOY_CAUGHT` are wrong answers that only the lesson's decoys expose (a namespace or a pod
created later, a look-alike one label or one namespace away): each passes the goal graded
without the decoys and the checks on them, and fails it with them.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

import pytest
import yaml

from k8snet_tutor.learning.checks import CheckReport, check, results_summary
from k8snet_tutor.learning.lesson import Lesson, discover
from k8snet_tutor.learning.lesson.goal import (
    Check,
    EndpointsCheck,
    ProbesCheck,
    SelectsCheck,
    TableCheck,
    qualify,
)

NEW_LESSONS = (
    "allow-all-namespaces",
    "cluster-only-egress",
    "scaling-behind-a-service",
    "hostnetwork-and-nodes",
    "portable-policies",
    "endpointslices-and-readiness",
    "service-dns-and-headless",
    "external-traffic-policy",
)


@dataclass(frozen=True)
class Case:
    lesson: str
    name: str
    edits: tuple[tuple[str, str], ...] = ()
    fails: tuple[str, ...] = ()
    says: tuple[tuple[str, str], ...] = ()  # (check id, fragment of its reasons)
    base: str = "solution"
    append: str = ""
    whole: str = ""  # replaces the learner's YAML entirely

    @property
    def id(self) -> str:
        return f"{self.lesson}:{self.name}"


@functools.lru_cache(maxsize=1)
def lessons() -> dict[str, Lesson]:
    found = discover(include_env=False)
    assert not [p for p in found.problems if p.severity == "error"], found.problems
    return {les.id: les for les in found}


def build(case: Case) -> str:
    if case.whole:
        return case.whole
    text: str = getattr(lessons()[case.lesson], case.base)
    for old, new in ((_file_to_text(a), _file_to_text(b)) for a, b in case.edits):
        n = text.count(old)
        assert n == 1, f"{case.id}: fragment occurs {n} times (expected once):\n{old}"
        text = text.replace(old, new)
    if case.append:
        text = text.rstrip("\n") + "\n---\n" + case.append
    return text


def _file_to_text(fragment: str) -> str:
    """Fragments are written as indented in the lesson file; the loaded text is 2 spaces less."""
    return "\n".join(line[2:] if line.startswith("  ") else line for line in fragment.split("\n"))


def grade(case: Case) -> CheckReport:
    return check(lessons()[case.lesson], build(case))


def decoy_names(lesson: Lesson) -> set[str]:
    """`namespace/name` of every pod and workload in the lesson's decoys."""
    out: set[str] = set()
    for obj in yaml.safe_load_all(lesson.decoys or ""):
        if isinstance(obj, dict) and obj.get("kind") != "Namespace":
            meta = obj.get("metadata") or {}
            out.add(f"{meta.get('namespace') or 'default'}/{meta['name']}")
    return out


def without_decoys(lesson: Lesson) -> Lesson:
    """The lesson as it was before its decoys: no decoys, and no probe, table override or
    listed pod that names one (a check left with nothing to check is dropped)."""
    names = decoy_names(lesson)

    def named(text: str | None) -> bool:
        return text is not None and qualify(text.removeprefix("svc:")) in names

    goal: list[Check] = []
    for c in lesson.goal:
        if isinstance(c, ProbesCheck):
            probes = [p for p in c.probes if not (named(p.source) or named(p.destination))]
            if probes:
                goal.append(dataclasses.replace(c, probes=probes))
        elif isinstance(c, TableCheck):
            kept = [o for o in c.overrides if not (named(o.source) or named(o.destination))]
            nodes = None if c.nodes is None else [n for n in c.nodes if not named(n)]
            goal.append(dataclasses.replace(c, overrides=kept, nodes=nodes))
        elif isinstance(c, EndpointsCheck | SelectsCheck):
            goal.append(dataclasses.replace(c, pods=[p for p in c.pods if not named(p)]))
        else:
            assert not any(named(n.text) for n in c.names()), (lesson.id, c.id)
            goal.append(c)
    return dataclasses.replace(lesson, decoys="", goal=goal)


ALL_NS_8080 = """      - from:
          - namespaceSelector: {}
        ports:
          - {port: 8080, protocol: TCP}"""

CLUSTER_PEER = "          - namespaceSelector: {}"

WEB_PEER = """          - podSelector:
              matchLabels: {app: web}"""

NODE_BLOCK = """          - ipBlock:
              cidr: 10.0.0.0/24"""

BILLING_PEER = """          - namespaceSelector:
              matchLabels: {kubernetes.io/metadata.name: billing}"""

THREE_PORTS = """          - {port: 9100, protocol: TCP}
          - {port: 9101, protocol: TCP}
          - {port: 9102, protocol: TCP}"""

PARTNER_BLOCK = "          - ipBlock: {cidr: 198.51.100.0/24}   # the partners' offices"

WRONG = [
    # allow-all-namespaces
    Case("allow-all-namespaces", "starter-own-namespace-only", base="starter",
         fails=("every-namespace", "others-open"), says=(("every-namespace", "shop/web"),)),
    Case("allow-all-namespaces", "empty-rule-lets-the-internet-in",
         edits=((ALL_NS_8080, "      - ports:\n          - {port: 8080, protocol: TCP}"),),
         fails=("not-outside",), says=(("not-outside", "203.0.113.40"),)),
    Case("allow-all-namespaces", "every-namespace-on-every-port",
         edits=((ALL_NS_8080, "      - from:\n          - namespaceSelector: {}"),),
         fails=("admin-port",), says=(("admin-port", "9090"),)),
    Case("allow-all-namespaces", "allow-everything",
         whole=("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
                "metadata: {name: status-api-ingress, namespace: platform}\n"
                "spec:\n  podSelector: {matchLabels: {app: status-api}}\n"
                "  policyTypes: [Ingress]\n  ingress:\n  - {}\n"),
         fails=("not-outside", "admin-port")),
    Case("allow-all-namespaces", "whole-namespace-isolated",
         edits=(("    podSelector:\n      matchLabels: {app: status-api}", "    podSelector: {}"),),
         fails=("console-open",)),
    # cluster-only-egress
    Case("cluster-only-egress", "starter-ten-slash-eight", base="starter",
         fails=("not-outside",), says=(("not-outside", "10.20.0.5"),)),
    Case("cluster-only-egress", "own-namespace-only",
         edits=((CLUSTER_PEER, "          - podSelector: {}"),),
         fails=("in-cluster", "dns"), says=(("in-cluster", "clickhouse-0"),)),
    Case("cluster-only-egress", "egress-to-everything",
         edits=(("      - to:\n" + CLUSTER_PEER, "      - {}"),),
         fails=("not-outside", "every-reports-pod"), says=(("not-outside", "198.51.100.25"),)),
    Case("cluster-only-egress", "isolates-ingress-too",
         edits=(("policyTypes: [Egress]", "policyTypes: [Ingress, Egress]"),),
         fails=("in-cluster", "ingress-untouched"), says=(("ingress-untouched", "isolated for ingress"),)),
    Case("cluster-only-egress", "dns-forgotten",
         edits=((CLUSTER_PEER, "          - namespaceSelector:\n"
                 "              matchLabels: {kubernetes.io/metadata.name: warehouse}\n"
                 "          - podSelector: {}"),),
         # ml, a namespace created later, is missed too.
         fails=("dns", "in-cluster"), says=(("dns", "kube-dns"), ("in-cluster", "ml/"))),
    # scaling-behind-a-service
    Case("scaling-behind-a-service", "starter-hash-and-addresses", base="starter",
         fails=("endpoints", "service", "web-to-db", "db-closed", "no-addresses")),
    Case("scaling-behind-a-service", "service-on-the-shared-tier-label",
         edits=(("    selector:\n      app: web\n", "    selector:\n      tier: frontend\n"),),
         fails=("endpoints",), says=(("endpoints", "admin"),)),
    Case("scaling-behind-a-service", "policy-on-the-shared-tier-label",
         edits=((WEB_PEER, "          - podSelector:\n              matchLabels: {tier: frontend}"),),
         fails=("db-closed",), says=(("db-closed", "shop/admin"),)),
    Case("scaling-behind-a-service", "policy-from-every-namespace",
         edits=((WEB_PEER, "          - namespaceSelector: {}\n" + WEB_PEER[:-1].replace(
             "          - podSelector", "            podSelector") + "}"),),
         fails=("db-closed",), says=(("db-closed", "staging/web"),)),
    Case("scaling-behind-a-service", "selector-plus-old-address",
         edits=((WEB_PEER, WEB_PEER + "\n          - ipBlock: {cidr: 10.244.1.17/32}"),),
         fails=("db-closed", "no-addresses")),
    Case("scaling-behind-a-service", "policy-without-ports",
         edits=(("        ports:\n          - {port: 5432, protocol: TCP}", ""),),
         fails=("db-closed",), says=(("db-closed", "8080"),)),
    # hostnetwork-and-nodes
    Case("hostnetwork-and-nodes", "starter-selects-the-hostnetwork-pod", base="starter",
         fails=("nodes",), says=(("nodes", "10.0.0.11"),)),
    Case("hostnetwork-and-nodes", "node-block-on-every-port",
         edits=((NODE_BLOCK + "\n        ports:\n          - {port: 9100, protocol: TCP}",
                 NODE_BLOCK),),
         fails=("only-9100",), says=(("only-9100", "22/TCP"),)),
    Case("hostnetwork-and-nodes", "block-too-wide",
         edits=(("cidr: 10.0.0.0/24", "cidr: 0.0.0.0/0"),),
         fails=("only-9100",), says=(("only-9100", "198.51.100.9"),)),
    Case("hostnetwork-and-nodes", "one-node-only",
         edits=(("cidr: 10.0.0.0/24", "cidr: 10.0.0.11/32"),),
         fails=("nodes",), says=(("nodes", "10.0.0.12"),)),
    # portable-policies
    Case("portable-policies", "starter-ipblock-and-endport", base="starter",
         fails=("billing", "not-others", "portable", "no-endport")),
    Case("portable-policies", "every-namespace",
         edits=((BILLING_PEER, "          - namespaceSelector: {}"),),
         fails=("not-others", "exporter", "exporter-only"), says=(("not-others", "shop/web"),)),
    Case("portable-policies", "range-kept",
         edits=((THREE_PORTS, "          - {port: 9100, endPort: 9102, protocol: TCP}"),),
         fails=("no-endport",)),
    Case("portable-policies", "debug-port-opened",
         edits=((THREE_PORTS, THREE_PORTS + "\n          - {port: 9103, protocol: TCP}"),),
         fails=("exporter",), says=(("exporter", "9103"),)),
    Case("portable-policies", "billing-without-ports",
         edits=((BILLING_PEER + "\n        ports:\n          - {port: 8443, protocol: TCP}",
                 BILLING_PEER),),
         fails=("not-others", "exporter-only"), says=(("not-others", "9100"),)),
]

PEERS_FLAG = """    clusterIP: None
    publishNotReadyAddresses: true"""

SEARCH_POLICY_PORT = """        ports:
          - {port: 9200, protocol: TCP}"""

WRONG += [
    # endpointslices-and-readiness
    Case("endpointslices-and-readiness", "starter-flag-on-the-wrong-service", base="starter",
         fails=("clients-ready-only", "peers-all"), says=(("clients-ready-only", "db-2"),)),
    Case("endpointslices-and-readiness", "flag-on-both",
         edits=(("    selector: {app: db}\n    ports:\n      - {name: sql",
                 "    selector: {app: db}\n    publishNotReadyAddresses: true\n    ports:\n"
                 "      - {name: sql"),),
         fails=("clients-ready-only",), says=(("clients-ready-only", "db-2"),)),
    Case("endpointslices-and-readiness", "flag-on-neither",
         edits=((PEERS_FLAG, "    clusterIP: None"),),
         fails=("peers-all",), says=(("peers-all", "db-2"),)),
    Case("endpointslices-and-readiness", "peers-select-backup-too",
         edits=(("    publishNotReadyAddresses: true\n    selector: {app: db}",
                 "    publishNotReadyAddresses: true\n    selector: {}"),),
         # A Service's `selector: {}` selects nothing (unlike a policy's): no endpoints at all.
         fails=("peers-all", "peers-port")),
    # service-dns-and-headless
    Case("service-dns-and-headless", "starter-translation-assumed", base="starter",
         fails=("by-service-name", "by-pod-name", "declared-port", "closed")),
    Case("service-dns-and-headless", "policy-still-on-80",
         edits=((SEARCH_POLICY_PORT, SEARCH_POLICY_PORT.replace("9200", "80")),),
         fails=("by-service-name", "by-pod-name", "closed")),
    Case("service-dns-and-headless", "service-port-still-80",
         edits=(("{name: http, port: 9200, targetPort: 9200, protocol: TCP}",
                 "{name: http, port: 80, targetPort: 9200, protocol: TCP}"),),
         fails=("declared-port",), says=(("declared-port", "80/TCP"),)),
    Case("service-dns-and-headless", "made-a-cluster-ip-service",
         edits=(("    clusterIP: None\n", ""),),
         fails=("headless",)),
    Case("service-dns-and-headless", "shop-namespace-dropped-from-the-peer",
         edits=(("          - namespaceSelector:\n"
                 "              matchLabels: {kubernetes.io/metadata.name: shop}\n"
                 "            podSelector:\n"
                 "              matchLabels: {app: shop}",
                 "          - namespaceSelector: {}\n"
                 "            podSelector:\n"
                 "              matchLabels: {app: shop}"),),
         fails=("closed",), says=(("closed", "staging/app"),)),
    Case("service-dns-and-headless", "given-a-fixed-cluster-ip",
         edits=(("clusterIP: None", "clusterIP: 10.96.0.50"),),
         fails=("headless",), says=(("headless", "10.96.0.50"),)),
    Case("endpointslices-and-readiness", "peers-service-lost-headless",
         edits=(("    clusterIP: None\n", ""),),
         fails=("peers-headless",), says=(("peers-headless", "data/db-peers"),)),
    # external-traffic-policy
    Case("external-traffic-policy", "starter-cluster-hides-the-partner", base="starter",
         fails=("partners-in",), says=(("partners-in", "198.51.100.20"),)),
    Case("external-traffic-policy", "allow-the-node-range-instead", base="starter",
         edits=((PARTNER_BLOCK, PARTNER_BLOCK + "\n          - ipBlock: {cidr: 10.0.0.0/24}"),),
         fails=("others-out",), says=(("others-out", "203.0.113.9"),)),
    Case("external-traffic-policy", "open-to-every-address", base="starter",
         edits=((PARTNER_BLOCK, "          - ipBlock: {cidr: 0.0.0.0/0}"),),
         fails=("others-out",)),
    Case("external-traffic-policy", "local-but-made-internal",
         edits=(("    type: LoadBalancer\n    # Keep the client's address: nodes hand connections "
                 "only to endpoints on themselves.\n    externalTrafficPolicy: Local\n",
                 "    type: ClusterIP\n"),
                (", nodePort: 31443", "")),
         fails=("partners-in",)),
    Case("external-traffic-policy", "cluster-spelled-out",
         edits=(("externalTrafficPolicy: Local", "externalTrafficPolicy: Cluster"),),
         fails=("partners-in",)),
    Case("external-traffic-policy", "orders-from-any-namespace",
         edits=(("          - podSelector:\n              matchLabels: {app: orders}",
                 "          - namespaceSelector: {}\n            podSelector:\n"
                 "              matchLabels: {app: orders}"),),
         fails=("inside",), says=(("inside", "analytics/orders-replay"),)),
]

DECOY_CAUGHT = [
    # allow-all-namespaces: ml (created later), platform/deploy-bot, sandbox/ops-console
    Case("allow-all-namespaces", "todays-namespaces-listed",
         edits=((ALL_NS_8080, ALL_NS_8080.replace(
             "namespaceSelector: {}",
             "namespaceSelector:\n              matchExpressions:\n"
             "                - {key: kubernetes.io/metadata.name, operator: In,"
             " values: [platform, shop, analytics]}")),),
         fails=("every-namespace", "others-open"), says=(("every-namespace", "ml/trainer"),)),
    Case("allow-all-namespaces", "admin-port-for-ops-console-only",
         edits=(("      - from:\n          - podSelector: {}",
                 "      - from:\n          - podSelector:\n"
                 "              matchLabels: {app: ops-console}"),),
         fails=("admin-port",), says=(("admin-port", "platform/deploy-bot"),)),
    Case("allow-all-namespaces", "admin-port-for-all-but-shop-and-analytics",
         edits=(("      - from:\n          - podSelector: {}",
                 "      - from:\n          - namespaceSelector:\n"
                 "              matchExpressions:\n"
                 "                - {key: kubernetes.io/metadata.name, operator: NotIn,"
                 " values: [shop, analytics]}"),),
         fails=("admin-port",), says=(("admin-port", "sandbox/ops-console"),)),
    # cluster-only-egress: reports/mailer (added later), ml/feature-store (new namespace and range)
    Case("cluster-only-egress", "todays-namespaces-listed",
         edits=((CLUSTER_PEER, "          - namespaceSelector:\n"
                 "              matchExpressions:\n"
                 "                - {key: kubernetes.io/metadata.name, operator: In,"
                 " values: [reports, warehouse, kube-system]}"),),
         fails=("in-cluster",), says=(("in-cluster", "ml/feature-store"),)),
    Case("cluster-only-egress", "todays-pod-range",
         edits=((CLUSTER_PEER, "          - ipBlock: {cidr: 10.244.0.0/16}"),),
         fails=("in-cluster",), says=(("in-cluster", "ml/feature-store"),)),
    Case("cluster-only-egress", "todays-pods-by-label",
         edits=(("    podSelector: {}\n",
                 "    podSelector:\n      matchExpressions:\n"
                 "        - {key: app, operator: In, values: [generator, renderer]}\n"),),
         fails=("every-reports-pod",), says=(("every-reports-pod", "reports/mailer"),)),
    # scaling-behind-a-service: shop/checkout (another frontend, deployed later)
    Case("scaling-behind-a-service", "frontend-except-admin",
         edits=((WEB_PEER, "          - podSelector:\n              matchExpressions:\n"
                 "                - {key: tier, operator: In, values: [frontend]}\n"
                 "                - {key: app, operator: NotIn, values: [admin]}"),),
         fails=("db-closed",), says=(("db-closed", "shop/checkout"),)),
    Case("scaling-behind-a-service", "everyone-but-admin-and-client",
         edits=((WEB_PEER, "          - podSelector:\n              matchExpressions:\n"
                 "                - {key: app, operator: NotIn, values: [admin, client]}"),),
         fails=("db-closed",), says=(("db-closed", "shop/checkout"),)),
    # hostnetwork-and-nodes: sandbox/node-exporter (an ordinary pod with the label, on 9100)
    Case("hostnetwork-and-nodes", "nodes-and-every-pod-on-9100",
         edits=((NODE_BLOCK, NODE_BLOCK + "\n          - namespaceSelector: {}"),),
         fails=("pods-not-on-9100",), says=(("pods-not-on-9100", "sandbox/node-exporter"),)),
    Case("hostnetwork-and-nodes", "block-beside-the-label-in-every-namespace",
         base="starter",
         edits=(("          - podSelector:\n              matchLabels: {app: node-exporter}",
                 "          - namespaceSelector: {}\n            podSelector:\n"
                 "              matchLabels: {app: node-exporter}\n" + NODE_BLOCK),),
         fails=("pods-not-on-9100",), says=(("pods-not-on-9100", "sandbox/node-exporter"),)),
    # portable-policies: billing/refunds (a billing pod deployed later)
    Case("portable-policies", "invoicers-only",
         edits=((BILLING_PEER, BILLING_PEER + "\n            podSelector:\n"
                 "              matchLabels: {app: invoicer}"),),
         fails=("billing",), says=(("billing", "billing/refunds"),)),
    # endpointslices-and-readiness: data/db-3 (a member added later, Ready). The slice written
    # by hand is graded as the matrix command reads it (its endpoints serve db today).
    Case("endpointslices-and-readiness", "endpointslice-written-by-hand",
         whole=("apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: data}\n"
                "spec:\n  ports:\n  - {name: sql, port: 5432, targetPort: sql, protocol: TCP}\n"
                "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
                "metadata:\n  name: db-ready\n  namespace: data\n"
                "  labels: {kubernetes.io/service-name: db}\n"
                "addressType: IPv4\nports:\n- {name: sql, port: 5432, protocol: TCP}\n"
                "endpoints:\n"
                "- addresses: [10.244.1.7]\n  conditions: {ready: true}\n"
                "  targetRef: {kind: Pod, name: db-0, namespace: data}\n"
                "- addresses: [10.244.2.8]\n  conditions: {ready: true}\n"
                "  targetRef: {kind: Pod, name: db-1, namespace: data}\n"
                "---\napiVersion: v1\nkind: Service\nmetadata: {name: db-peers, namespace: data}\n"
                "spec:\n  clusterIP: None\n  publishNotReadyAddresses: true\n"
                "  selector: {app: db}\n"
                "  ports:\n  - {name: gossip, port: 7000, targetPort: gossip, protocol: TCP}\n"),
         fails=("clients-ready-only",),
         says=(("clients-ready-only", "data/db-3"),
               ("clients-ready-only", "EndpointSlice data/db-ready (written by hand)"))),
]

# Lessons 20-26: their decoys were added after the lessons, each for a wrong answer it catches.
DECOYED = NEW_LESSONS[:7]

# Lessons whose decoys catch no plausible wrong answer: they are there for what they show.
DECOYS_FOR_THE_MATRIX_ONLY = {
    # data/search-2, a member still starting: the headless name leaves it out while the policy
    # already covers it; the look-alikes elsewhere are in the background.
    "service-dns-and-headless",
}

ALTERNATIVES = [
    Case("allow-all-namespaces", "and-peer-with-empty-selectors",
         edits=((ALL_NS_8080, ALL_NS_8080.replace(
             "          - namespaceSelector: {}",
             "          - namespaceSelector: {}\n            podSelector: {}")),)),
    Case("cluster-only-egress", "separate-dns-rule",
         append=("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
                 "metadata: {name: dns, namespace: reports}\n"
                 "spec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n"
                 "  - to:\n    - namespaceSelector:\n"
                 "        matchLabels: {kubernetes.io/metadata.name: kube-system}\n"
                 "      podSelector: {matchLabels: {k8s-app: kube-dns}}\n"
                 "    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]\n")),
    Case("scaling-behind-a-service", "match-expressions",
         edits=((WEB_PEER, "          - podSelector:\n              matchExpressions:\n"
                 "                - {key: app, operator: In, values: [web]}"),)),
    # The starter's selector kept beside the node block: useless on most plugins, not wrong.
    Case("hostnetwork-and-nodes", "starter-peer-kept-beside-the-block", base="starter",
         edits=(("          - podSelector:\n              matchLabels: {app: node-exporter}",
                 "          - podSelector:\n              matchLabels: {app: node-exporter}\n"
                 + NODE_BLOCK),)),
    Case("hostnetwork-and-nodes", "node-metrics-port-by-number",
         edits=(("cidr: 10.0.0.0/24", "cidr: 10.0.0.0/24\n              except: [10.0.0.0/32]"),)),
    Case("service-dns-and-headless", "named-target-port",
         edits=(("{name: http, port: 9200, targetPort: 9200, protocol: TCP}",
                 "{name: http, port: 9200, targetPort: http, protocol: TCP}"),)),
    Case("external-traffic-policy", "partners-in-a-rule-of-their-own",
         edits=((PARTNER_BLOCK + "\n", ""),
                ("        ports:\n          - {port: 8443, protocol: TCP}",
                 "        ports:\n          - {port: 8443, protocol: TCP}\n"
                 "      - from:\n          - ipBlock: {cidr: 198.51.100.0/24}\n"
                 "        ports:\n          - {port: 8443, protocol: TCP}")),),
    Case("portable-policies", "billing-by-and-peer",
         edits=((BILLING_PEER, BILLING_PEER + "\n            podSelector: {}"),)),
]


@pytest.mark.parametrize("case", [*WRONG, *DECOY_CAUGHT], ids=lambda c: c.id)
def test_wrong_answer_fails_the_expected_checks(case: Case) -> None:
    report = grade(case)
    summary = results_summary(report)
    assert not report.passed, f"{case.id} should not pass:\n{summary}"
    assert sorted(r.id for r in report.failed) == sorted(case.fails), summary
    by_id = {r.id: r for r in report.results}
    for check_id, text in case.says:
        reasons = "\n".join(by_id[check_id].reasons)
        assert text in reasons, f"{case.id}: {check_id} does not mention {text!r}:\n{reasons}"


@pytest.mark.parametrize("case", ALTERNATIVES, ids=lambda c: c.id)
def test_alternative_answer_passes(case: Case) -> None:
    text = build(case)
    assert text != getattr(lessons()[case.lesson], case.base)
    report = check(lessons()[case.lesson], text)
    assert report.passed, f"{case.id} should pass:\n{results_summary(report)}"


@pytest.mark.parametrize("case", DECOY_CAUGHT, ids=lambda c: c.id)
def test_decoy_caught_answer_passes_without_the_decoys(case: Case) -> None:
    report = check(without_decoys(lessons()[case.lesson]), build(case))
    assert report.passed, f"{case.id} needs no decoy to fail:\n{results_summary(report)}"


def test_every_new_lesson_has_decoys_that_checks_name() -> None:
    for lesson_id in NEW_LESSONS:
        lesson = lessons()[lesson_id]
        names = decoy_names(lesson)
        assert names, f"{lesson_id} has no decoys"
        named = {qualify(n.text.removeprefix("svc:")) for c in lesson.goal for n in c.names()}
        assert names <= named, f"{lesson_id}: no check names {sorted(names - named)}"
        if lesson_id in DECOYED:
            caught = any(c.lesson == lesson_id for c in DECOY_CAUGHT)
            assert caught != (lesson_id in DECOYS_FOR_THE_MATRIX_ONLY), lesson_id
        # Without the decoys the lesson is what it was: the solution passes, the starter fails.
        bare = without_decoys(lesson)
        assert check(bare, lesson.solution).passed, lesson_id
        assert not check(bare, lesson.starter).passed, lesson_id


def test_every_new_lesson_has_wrong_answers_and_starter_fails() -> None:
    for lesson_id in NEW_LESSONS:
        assert lesson_id in lessons(), lesson_id
        assert sum(c.lesson == lesson_id for c in WRONG) >= 3, lesson_id
        assert any(c.lesson == lesson_id and c.base == "starter" for c in WRONG), lesson_id
    ids = [c.id for c in [*WRONG, *DECOY_CAUGHT, *ALTERNATIVES]]
    assert len(ids) == len(set(ids))


def covered_lessons() -> set[str]:
    """Lessons whose wrong answers live here (the older test file counts them as covered)."""
    return {c.lesson for c in [*WRONG, *DECOY_CAUGHT]}

