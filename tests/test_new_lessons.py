"""Wrong answers for the lessons added by issue 11: each fails exactly the checks it should.

Same idea as tests/test_lesson_wrong_answers.py: start from the lesson's solution (or starter),
apply one realistic mistake by replacing a fragment that occurs exactly once, grade with the
lesson's own goal, and assert which checks fail and what the failing check's reasons say.
`ALTERNATIVES` are different valid answers that must pass.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pytest

from k8snet_tutor.learning.checks import CheckReport, check, results_summary
from k8snet_tutor.learning.lesson import Lesson, discover

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
         fails=("not-outside",), says=(("not-outside", "198.51.100.25"),)),
    Case("cluster-only-egress", "isolates-ingress-too",
         edits=(("policyTypes: [Egress]", "policyTypes: [Ingress, Egress]"),),
         fails=("in-cluster", "ingress-untouched"), says=(("ingress-untouched", "isolated for ingress"),)),
    Case("cluster-only-egress", "dns-forgotten",
         edits=((CLUSTER_PEER, "          - namespaceSelector:\n"
                 "              matchLabels: {kubernetes.io/metadata.name: warehouse}\n"
                 "          - podSelector: {}"),),
         fails=("dns",), says=(("dns", "kube-dns"),)),
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


@pytest.mark.parametrize("case", WRONG, ids=lambda c: c.id)
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


def test_every_new_lesson_has_wrong_answers_and_starter_fails() -> None:
    for lesson_id in NEW_LESSONS:
        assert lesson_id in lessons(), lesson_id
        assert sum(c.lesson == lesson_id for c in WRONG) >= 3, lesson_id
        assert any(c.lesson == lesson_id and c.base == "starter" for c in WRONG), lesson_id
    ids = [c.id for c in [*WRONG, *ALTERNATIVES]]
    assert len(ids) == len(set(ids))


def covered_lessons() -> set[str]:
    """Lessons whose wrong answers live here (the older test file counts them as covered)."""
    return {c.lesson for c in WRONG}

