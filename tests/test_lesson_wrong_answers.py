"""Realistic wrong answers, lesson by lesson: each fails the checks it should, for the right reason.

Every case starts from the lesson's own `solution` (or `starter`) and applies one mistake that
learners really make (see the shared reference, "Common mistakes and misconceptions"), by
replacing a fragment that must occur exactly once: if a lesson is rewritten, the case fails
loudly instead of silently testing something else. For each wrong answer we assert

- that the report does not pass, and exactly which checks fail (by id);
- for non-connection checks, a fragment of the reason the learner reads;
- for probe/table checks, the wrong cell itself and the decisive fact in its reason or
  explanation ("isolated for egress", "own namespace", "no endpoints", the policy's name...).

`ALTERNATIVES` are different but valid answers that must pass.
"""

from __future__ import annotations

import functools
import textwrap
from collections import Counter
from dataclasses import dataclass

import pytest

from k8snet_tutor.learning.checks import (
    MAX_REASONS,
    CellResult,
    CheckReport,
    check,
    results_summary,
)
from k8snet_tutor.learning.lesson import Lesson, builtin_lessons_dir, discover
from k8snet_tutor.learning.quiz import FixQuestion, load_bank
from k8snet_tutor.learning.quiz.grading import grade as quiz_grade

TOPICS = ("pods", "labels", "services", "policies", "debugging", "legacy")
MIN_CASES_PER_TOPIC = 3


# --------------------------------------------------------------------------------------------
# Building answers


def lines(*parts: str) -> str:
    """A multi-line YAML fragment, indentation written out exactly as in the lesson."""
    return "\n".join(parts)


def doc(text: str) -> str:
    """A whole YAML document (or several), written indented in the source."""
    return textwrap.dedent(text).lstrip("\n")


@dataclass(frozen=True)
class Cell:
    """A connection that must be wrong in `check`, with facts its reason/explanation must state."""

    check: str
    source: str
    destination: str
    port: str
    mentions: tuple[str, ...]


def cell(check: str, route: str, *mentions: str) -> Cell:
    """`route` as the tutor prints it: "source -> destination on port"."""
    source, rest = route.split(" -> ")
    destination, port = rest.split(" on ")
    return Cell(check, source, destination, port, mentions)


@dataclass(frozen=True)
class Answer:
    lesson: str
    name: str
    base: str = "solution"  # the lesson text to start from: "solution" or "starter"
    edits: tuple[tuple[str, str], ...] = ()  # (fragment, replacement), each fragment unique
    append: str = ""  # more YAML documents after the (edited) base
    # Expectations for wrong answers:
    fails: tuple[str, ...] = ()  # exactly the ids of the failing checks
    reasons: tuple[tuple[str, str], ...] = ()  # (check id, text in that check's reasons)
    cells: tuple[Cell, ...] = ()
    problems: tuple[str, ...] = ()  # text in the learner's problems (warnings included)
    why: str = ""  # why the answer is wrong (documentation)

    @property
    def id(self) -> str:
        return f"{self.lesson}:{self.name}"


@functools.lru_cache(maxsize=1)
def lessons() -> dict[str, Lesson]:
    found = discover(include_env=False)
    assert not [p for p in found.problems if p.severity == "error"], found.problems
    return {lesson.id: lesson for lesson in found}


def lesson(lesson_id: str) -> Lesson:
    by_id = lessons()
    assert lesson_id in by_id, f"no lesson {lesson_id!r}; the lessons are {sorted(by_id)}"
    return by_id[lesson_id]


def build(answer: Answer) -> str:
    les = lesson(answer.lesson)
    text: str = getattr(les, answer.base)
    assert text.strip(), f"{les.id} has no {answer.base}"
    for old, new in answer.edits:
        n = text.count(old)
        assert n == 1, (
            f"{answer.id}: the fragment below occurs {n} times in the lesson's {answer.base} "
            f"(expected once); the lesson changed, update this case:\n{old}"
        )
        text = text.replace(old, new)
    if answer.append:
        text = text.rstrip("\n") + "\n---\n" + answer.append
    return text


def grade(answer: Answer) -> CheckReport:
    return check(lesson(answer.lesson), build(answer))


def cell_text(result: CellResult) -> str:
    return "\n".join([result.reason, *result.explanation])


# --------------------------------------------------------------------------------------------
# pods: one pod, one IP, shared ports

PODS_METRICS_PORT = lines("    - containerPort: 9090", "      name: metrics", "      protocol: TCP")
PODS_APP_PORT = lines("    - containerPort: 8080", "      name: http", "      protocol: TCP")

WRONG_PODS = [
    Answer(
        "pod-shared-network",
        "starter-sidecar-also-on-8080",
        base="starter",
        fails=("unique", "metrics-name"),
        reasons=(
            ("unique", "containers app and metrics both listen on 8080/TCP"),
            ("metrics-name", "goes to 8080 (targetPort 'metrics'), the goal says 9090"),
        ),
    ),
    Answer(
        "pod-shared-network",
        "moved-the-app-onto-9090-too",
        edits=(("containerPort: 8080", "containerPort: 9090"),),
        fails=("unique",),
        reasons=(("unique", "containers app and metrics both listen on 9090/TCP"),),
    ),
    Answer(
        "pod-shared-network",
        "same-port-twice-in-one-container",
        edits=((PODS_APP_PORT, PODS_APP_PORT + "\n" + PODS_APP_PORT.replace("http", "http-alt")),),
        fails=("unique",),
        reasons=(("unique", "container app listens twice on 8080/TCP"),),
    ),
    Answer(
        "pod-shared-network",
        "right-port-added-wrong-one-kept",
        edits=(
            (
                PODS_METRICS_PORT,
                PODS_METRICS_PORT
                + "\n"
                + PODS_METRICS_PORT.replace("9090", "8080").replace("metrics", "metrics-old"),
            ),
        ),
        fails=("unique",),
        reasons=(("unique", "containers app and metrics both listen on 8080/TCP"),),
    ),
    Answer(
        "pod-shared-network",
        "sidecar-port-reuses-the-name-http",
        # Across containers the API server accepts a repeated name (the tutor warns); the
        # Service's targetPort: metrics then finds nothing.
        edits=((PODS_METRICS_PORT, PODS_METRICS_PORT.replace("name: metrics", "name: http")),),
        fails=("metrics-name",),
        reasons=(("metrics-name", "targetPort 'metrics' is not a container port name"),),
        problems=('two ports in this pod are named "http"',),
    ),
    Answer(
        "pod-shared-network",
        "sidecar-declared-on-a-made-up-port",
        edits=(("containerPort: 9090", "containerPort: 8081"),),
        fails=("metrics-name",),
        reasons=(("metrics-name", "goes to 8081 (targetPort 'metrics'), the goal says 9090"),),
    ),
    Answer(
        "pod-shared-network",
        "duplicate-hidden-by-a-protocol-change",
        edits=(
            (
                PODS_METRICS_PORT,
                lines("    - containerPort: 8080", "      name: metrics", "      protocol: UDP"),
            ),
        ),
        fails=("metrics-name",),
        reasons=(("metrics-name", "targetPort 'metrics' is not a container port name"),),
    ),
]


# --------------------------------------------------------------------------------------------
# labels: selectors

LABELS_NOTIN = lines(
    "    matchExpressions:", "    - key: track", "      operator: NotIn", "      values: [canary]"
)
LABELS_SELECTOR = lines("  podSelector:", "    matchLabels:", "      app: web", LABELS_NOTIN)
LABELS_RULE = "  ingress:\n  - {}"

WRONG_LABELS = [
    Answer(
        "labels-and-selectors",
        "starter-notin-matches-pods-without-the-key",
        base="starter",
        fails=("selection",),
        reasons=(
            ("selection", "also selects default/debug"),
            ("selection", "also selects default/postgres"),
        ),
    ),
    Answer(
        "labels-and-selectors",
        "app-web-alone-keeps-the-canary",
        edits=((LABELS_NOTIN + "\n", ""),),
        fails=("selection",),
        reasons=(("selection", "also selects default/web-canary"),),
    ),
    Answer(
        "labels-and-selectors",
        "exists-instead-of-notin",
        edits=(("      operator: NotIn\n      values: [canary]", "      operator: Exists"),),
        fails=("selection",),
        reasons=(("selection", "also selects default/web-canary"),),
    ),
    Answer(
        "labels-and-selectors",
        "empty-selector-thought-to-select-nothing",
        edits=((LABELS_SELECTOR, "  podSelector: {}"),),
        fails=("selection",),
        reasons=(
            ("selection", "podSelector {}"),
            ("selection", "also selects default/debug"),
            ("selection", "also selects default/web-canary"),
        ),
    ),
    Answer(
        "labels-and-selectors",
        "doesnotexist-with-values",
        edits=(("operator: NotIn", "operator: DoesNotExist"),),
        fails=("valid-yaml", "selection"),
        reasons=(
            ("valid-yaml", "takes no values"),
            ("selection", "there is no (valid) NetworkPolicy default/highlight"),
        ),
    ),
    Answer(
        "labels-and-selectors",
        "empty-ingress-list-instead-of-one-empty-rule",
        edits=((LABELS_RULE, "  ingress: []  #"),),
        fails=("nothing-breaks",),
        cells=(
            cell(
                "nothing-breaks",
                "default/debug -> default/web-1 on 8080/TCP",
                "isolated for ingress",
                "default/highlight",
                "no ingress rule",
            ),
        ),
    ),
    Answer(
        "labels-and-selectors",
        "dropped-the-allow-all-rule",
        edits=((LABELS_RULE, "  #"),),
        fails=("nothing-breaks",),
        cells=(
            cell(
                "nothing-breaks",
                "default/web-canary -> default/web-2 on 8080/TCP",
                "isolated for ingress",
                "default/highlight",
            ),
        ),
    ),
]


# --------------------------------------------------------------------------------------------
# services: selectors, ports, types

SVC_SELECTOR = lines("    app: shop-web", "    tier: frontend")
SVC_PORTS_TARGET = "    targetPort: http\n"
EXPOSE_TYPE = "type: NodePort"

WRONG_SERVICES = [
    # services-find-pods
    Answer(
        "services-find-pods",
        "starter-selector-typo",
        base="starter",
        fails=("endpoints", "reach", "target"),
        reasons=(
            ("endpoints", "lack tier=front-end from the Service's selector"),
            ("target", "has no endpoints, so port 80/TCP reaches no pod"),
        ),
        cells=(
            cell(
                "reach",
                "default/client -> svc:default/web on 80/TCP",
                "no endpoints",
                "app=shop-web,tier=front-end",
            ),
        ),
    ),
    Answer(
        "services-find-pods",
        "tier-alone-also-picks-shop-admin",
        edits=((SVC_SELECTOR, "    tier: frontend"),),
        fails=("endpoints",),
        reasons=(("endpoints", "default/shop-admin is an endpoint but should not be"),),
    ),
    Answer(
        "services-find-pods",
        "selector-by-service-name",
        edits=((SVC_SELECTOR, "    app: web"),),
        fails=("endpoints", "reach", "target"),
        reasons=(("endpoints", "lack app=web"),),
        cells=(cell("reach", "default/client -> svc:default/web on 80/TCP", "no endpoints"),),
    ),
    Answer(
        "services-find-pods",
        "targetport-set-to-the-service-port",
        edits=(("targetPort: 8080", "targetPort: 80"),),
        fails=("target", "reach"),
        reasons=(("target", "port 80/TCP of Service default/web goes to 80, the goal says 8080"),),
    ),
    Answer(
        "services-find-pods",
        "matchlabels-in-a-service-selector",
        edits=((SVC_SELECTOR, lines("    matchLabels:", "      app: shop-web")),),
        fails=("valid-yaml", "endpoints", "reach", "target"),
        reasons=(
            ("valid-yaml", "a Service selector is a plain list of labels"),
            ("endpoints", "there is no Service default/web"),
        ),
    ),
    # service-ports
    Answer(
        "service-ports",
        "starter-service-port-equals-container-port",
        base="starter",
        fails=("target", "reach"),
        reasons=(("target", "has no port 80/TCP; its ports are: 8080/TCP"),),
        cells=(cell("reach", "default/client -> svc:default/web on 80/TCP", "no such port"),),
    ),
    Answer(
        "service-ports",
        "numeric-targetport-fits-v1-only",
        edits=(("targetPort: http", "targetPort: 8080"),),
        fails=("target", "reach"),
        reasons=(("target", "has targetPort 8080, the goal says the name 'http'"),),
    ),
    Answer(
        "service-ports",
        "targetport-omitted-defaults-to-port",
        edits=((SVC_PORTS_TARGET, ""),),
        fails=("target", "reach"),
        reasons=(("target", "has targetPort 80, the goal says the name 'http'"),),
    ),
    Answer(
        "service-ports",
        "targetport-name-typo",
        edits=(("targetPort: http", "targetPort: htpp"),),
        fails=("target", "reach"),
        reasons=(("target", "targetPort 'htpp' is not a container port name"),),
        cells=(
            cell(
                "reach",
                "default/client -> svc:default/web on 80/TCP",
                "denied to every endpoint",
                "not a container port name",
            ),
        ),
    ),
    Answer(
        "service-ports",
        "selector-narrowed-to-v1",
        edits=(("    app: web", "    app: web\n    version: v1"),),
        fails=("endpoints",),
        reasons=(("endpoints", "default/web-v2-5f6b8-m4trw should be an endpoint"),),
    ),
    # exposing-services
    Answer(
        "exposing-services",
        "starter-clusterip-when-nodeport-is-needed",
        base="starter",
        fails=("external", "customer"),
        reasons=(("external", "is type ClusterIP"),),
        cells=(
            cell(
                "customer",
                "203.0.113.10 -> svc:default/web on 30080/TCP",
                "not reachable from outside the cluster",
                "ClusterIP",
            ),
        ),
    ),
    Answer(
        "exposing-services",
        "nodeport-type-without-nodeport",
        edits=(("    nodePort: 30080\n", ""),),
        fails=("customer",),
        cells=(
            cell("customer", "203.0.113.10 -> svc:default/web on 30080/TCP", "no nodePort set"),
        ),
    ),
    Answer(
        "exposing-services",
        "nodeport-on-a-clusterip-service",
        edits=((EXPOSE_TYPE, "type: ClusterIP"),),
        fails=("valid-yaml", "external", "customer", "inside"),
        reasons=(("valid-yaml", "a nodePort only exists for NodePort and LoadBalancer"),),
    ),
    Answer(
        "exposing-services",
        "service-port-set-to-the-node-port",
        edits=(("    port: 80\n", "    port: 30080\n"),),
        fails=("inside",),
        cells=(
            cell(
                "inside", "default/client -> svc:default/web on 80/TCP", "no such port", "30080/TCP"
            ),
        ),
    ),
    Answer(
        "exposing-services",
        "pod-port-used-as-node-port",
        edits=(("nodePort: 30080", "nodePort: 8080"),),
        fails=("customer",),
        cells=(
            cell("customer", "203.0.113.10 -> svc:default/web on 30080/TCP", "8080/TCP (nodePort)"),
        ),
        problems=("outside the default node port range 30000-32767",),
    ),
]


# --------------------------------------------------------------------------------------------
# policies

FLAT_RULE = lines("  ingress:", "  - from:", "    - podSelector: {}")
FIRST_PEER = lines("    - podSelector:", "        matchLabels:", "          app: api")
FIRST_PORTS = lines("    ports:", "    - port: 5432", "      protocol: TCP")
ING = lines("  policyTypes:", "  - Ingress")
ING_EGR = lines("  policyTypes:", "  - Ingress", "  - Egress")
ORAND_PEER = lines(
    "        - namespaceSelector:",
    "            matchLabels:",
    "              purpose: monitoring",
    "          podSelector:",
    "            matchLabels:",
    "              app: prometheus",
)
BYNAME_NS_PEER = lines(
    "        - namespaceSelector:",
    "            matchLabels:",
    "              kubernetes.io/metadata.name: payments",
)
DNS_PEER = lines(
    "        - namespaceSelector:",
    "            matchLabels:",
    "              kubernetes.io/metadata.name: kube-system",
    "          podSelector:",
    "            matchLabels:",
    "              k8s-app: kube-dns",
)
DNS_PORTS = lines(
    "        - protocol: UDP", "          port: 53", "        - protocol: TCP", "          port: 53"
)
UDP_ONLY = lines("        - protocol: UDP", "          port: 53")
PRIVATE_EXCEPT = lines(
    "            except:",
    "              - 10.0.0.0/8",
    "              - 172.16.0.0/12",
    "              - 192.168.0.0/16",
)
POD_RULE = lines(
    "    # Every pod in every namespace, chosen by selector rather than by address.",
    "    - to:",
    "        - namespaceSelector: {}",
)
DENY_WEB_TO_DB = doc(
    """
    # Security request: block web -> db.
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: deny-web-to-db
      namespace: shop
    spec:
      podSelector:
        matchLabels:
          app: db
      policyTypes:
        - Ingress
      ingress: []
    """
)
REPORT_SYNC_ANY_443 = doc(
    """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: report-sync-https
      namespace: default
    spec:
      podSelector:
        matchLabels:
          app: report-sync
      policyTypes:
        - Egress
      egress:
        - ports:
            - protocol: TCP
              port: 443
    """
)
WHAT_FLOWS = "---\n# Replaces allow-same-namespace: only the flows the shop needs.\n"

WRONG_POLICIES = [
    # flat-network
    Answer(
        "flat-network",
        "starter-same-namespace-policy-isolates-payments",
        base="starter",
        fails=("flat", "cross-namespace", "nothing-isolated"),
        cells=(
            cell(
                "cross-namespace",
                "storefront/web -> payments/payments-api on 8080/TCP",
                "isolated for ingress",
                "payments/allow-same-namespace",
                "own namespace",
            ),
        ),
    ),
    Answer(
        "flat-network",
        "empty-ingress-list-thought-to-allow-all",
        base="starter",
        edits=((FLAT_RULE, "  ingress: []"),),
        fails=("flat", "cross-namespace", "nothing-isolated"),
        cells=(
            cell(
                "flat",
                "payments/payments-api -> payments/fraud-scorer on 8080/TCP",
                "isolated for ingress",
                "no ingress rule",
            ),
        ),
    ),
    Answer(
        "flat-network",
        "every-namespace-admitted-but-still-isolated",
        base="starter",
        edits=((FLAT_RULE, lines("  ingress:", "  - from:", "    - namespaceSelector: {}")),),
        fails=("nothing-isolated",),
        cells=(
            cell(
                "nothing-isolated",
                "203.0.113.20 -> payments/payments-api on 8080/TCP",
                "isolated for ingress",
            ),
        ),
    ),
    Answer(
        "flat-network",
        "every-namespace-on-8080-only",
        base="starter",
        edits=(
            (
                FLAT_RULE,
                lines(
                    "  ingress:", "  - from:", "    - namespaceSelector: {}",
                    "    - ipBlock: {cidr: 0.0.0.0/0}", "    ports: [{port: 8080}]",
                ),
            ),
        ),
        fails=("nothing-isolated",),
        cells=(
            cell(
                "nothing-isolated",
                "storefront/web -> payments/fraud-scorer on 9090/TCP",
                "isolated for ingress",
            ),
        ),
    ),
    Answer(
        "flat-network",
        "switched-to-egress-instead-of-deleting",
        base="starter",
        edits=(("  podSelector: {}\n", "  podSelector: {}\n  policyTypes: [Egress]\n"),),
        fails=("flat",),
        cells=(
            cell(
                "flat",
                "payments/payments-api -> storefront/web on 8080/TCP",
                "isolated for egress",
                "payments/allow-same-namespace",
            ),
        ),
    ),
    # first-policy
    Answer(
        "first-policy",
        "starter-policy-on-the-client",
        base="starter",
        fails=("db-port", "other-port", "dns"),
        cells=(
            cell(
                "db-port",
                "default/web -> default/db on 5432/TCP",
                "allowed",
                "no NetworkPolicy isolates",
                "default/db for ingress",
            ),
            cell(
                "dns",
                "default/api -> kube-system/kube-dns on 53/UDP",
                "isolated for egress",
                "default/db-access",
            ),
        ),
    ),
    Answer(
        "first-policy",
        "both-policytypes-to-be-safe",
        edits=((ING, ING_EGR),),
        fails=("db-port", "other-port"),
        cells=(
            cell(
                "db-port",
                "default/db -> default/web on 5432/TCP",
                "isolated for egress",
                "default/db-access",
            ),
        ),
    ),
    Answer(
        "first-policy",
        "ports-forgotten",
        edits=((FIRST_PORTS + "\n", ""),),
        fails=("other-port",),
        cells=(
            cell(
                "other-port",
                "default/api -> default/db on 8080/TCP",
                "lists no ports",
                "default/db-access",
            ),
        ),
    ),
    Answer(
        "first-policy",
        "empty-pod-selector-peer-admits-the-namespace",
        edits=((FIRST_PEER, "    - podSelector: {}"),),
        fails=("db-port",),
        cells=(
            cell(
                "db-port",
                "default/web -> default/db on 5432/TCP",
                "pods matching {} in namespace default",
            ),
        ),
    ),
    Answer(
        "first-policy",
        "extra-namespace-selector-peer",
        edits=((FIRST_PEER, FIRST_PEER + "\n    - namespaceSelector: {}"),),
        fails=("db-port",),
        cells=(
            cell(
                "db-port",
                "analytics/reports -> default/db on 5432/TCP",
                "matches all pods in any namespace",
            ),
        ),
    ),
    # default-deny
    Answer(
        "default-deny",
        "starter-lists-one-app",
        base="starter",
        fails=("lockdown", "db-port"),
        cells=(
            cell(
                "db-port",
                "ops/prober -> shop/api on 8080/TCP",
                "no NetworkPolicy isolates",
                "shop/api for ingress",
            ),
        ),
    ),
    Answer(
        "default-deny",
        "egress-isolated-too",
        edits=((ING, ING_EGR),),
        fails=("lockdown", "egress-unchanged"),
        cells=(
            cell(
                "egress-unchanged",
                "shop/api -> kube-system/kube-dns on 53/UDP",
                "isolated for egress",
                "shop/default-deny-ingress",
            ),
        ),
    ),
    Answer(
        "default-deny",
        "apps-listed-by-hand-miss-the-job-pod",
        edits=(
            (
                "  podSelector: {}",
                lines(
                    "  podSelector:",
                    "    matchExpressions:",
                    "    - {key: app, operator: In, values: [web, api, db]}",
                ),
            ),
        ),
        fails=("lockdown",),
        cells=(
            cell(
                "lockdown",
                "shop/web -> shop/db-migrate-7x2kq on 8080/TCP",
                "no NetworkPolicy isolates",
                "shop/db-migrate-7x2kq for ingress",
            ),
        ),
    ),
    Answer(
        "default-deny",
        "one-empty-rule-allows-everything",
        edits=(("  podSelector: {}", "  podSelector: {}\n  ingress:\n  - {}"),),
        fails=("lockdown", "db-port"),
        cells=(
            cell(
                "db-port",
                "203.0.113.10 -> shop/web on 8080/TCP",
                "allowed",
                "has no `from`",
                "shop/default-deny-ingress",
            ),
        ),
    ),
    Answer(
        "default-deny",
        "allow-same-namespace-kept",
        edits=(
            (
                "  podSelector: {}",
                lines("  podSelector: {}", "  ingress:", "  - from:", "    - podSelector: {}"),
            ),
        ),
        fails=("lockdown", "db-port"),
        cells=(
            cell(
                "db-port", "shop/api -> shop/db on 5432/TCP", "pods matching {} in namespace shop"
            ),
        ),
    ),
    Answer(
        "default-deny",
        "policy-in-the-wrong-namespace",
        edits=(("  namespace: shop", "  namespace: default"),),
        fails=("lockdown", "db-port"),
        cells=(
            cell(
                "db-port",
                "shop/api -> shop/db on 5432/TCP",
                "no NetworkPolicy isolates",
                "shop/db for ingress",
            ),
        ),
    ),
    # empty-rules-and-policytypes
    Answer(
        "empty-rules-and-policytypes",
        "starter-policytypes-omitted",
        base="starter",
        fails=("table", "no-way-out", "way-in"),
        cells=(
            cell(
                "way-in",
                "grading/controller -> sandbox/runner-a on 8080/TCP",
                "isolated for ingress",
                "sandbox/deny-all-egress",
            ),
            cell(
                "no-way-out",
                "sandbox/runner-a -> kube-system/kube-dns on 53/UDP",
                "no NetworkPolicy isolates",
                "sandbox/runner-a for egress",
            ),
        ),
    ),
    Answer(
        "empty-rules-and-policytypes",
        "one-empty-egress-rule",
        edits=(("  egress: []", "  egress:\n  - {}"),),
        fails=("table", "no-way-out"),
        cells=(
            cell(
                "no-way-out",
                "sandbox/runner-b -> 198.51.100.25 on 443/TCP",
                "has no `to`",
                "sandbox/deny-all-egress",
            ),
        ),
    ),
    Answer(
        "empty-rules-and-policytypes",
        "ingress-isolated-too",
        edits=(("  - Egress", "  - Ingress\n  - Egress"),),
        fails=("table", "way-in"),
        cells=(
            cell(
                "way-in",
                "203.0.113.10 -> sandbox/runner-b on 8080/TCP",
                "isolated for ingress",
                "no ingress rule",
            ),
        ),
    ),
    Answer(
        "empty-rules-and-policytypes",
        "dns-left-open",
        edits=(
            (
                "  egress: []",
                lines(
                    "  egress:",
                    "  - to:",
                    "    - namespaceSelector:",
                    "        matchLabels:",
                    "          kubernetes.io/metadata.name: kube-system",
                    "    ports:",
                    "    - {protocol: UDP, port: 53}",
                ),
            ),
        ),
        fails=("no-way-out",),
        cells=(
            cell(
                "no-way-out",
                "sandbox/runner-a -> kube-system/kube-dns on 53/UDP",
                "allowed",
                "UDP 53",
            ),
        ),
    ),
    # rules-or-fields-and
    Answer(
        "rules-or-fields-and",
        "starter-dash-before-ports",
        base="starter",
        fails=("the-vm", "nowhere-else"),
        cells=(
            cell(
                "the-vm",
                "default/report-sync -> 192.168.1.22 on 22/TCP",
                "egress rule #1",
                "lists no ports",
            ),
            cell(
                "nowhere-else",
                "default/report-sync -> 198.51.100.9 on 443/TCP",
                "egress rule #2",
                "has no `to`",
            ),
        ),
    ),
    Answer(
        "rules-or-fields-and",
        "whole-subnet-instead-of-the-vm",
        edits=(("cidr: 192.168.1.22/32", "cidr: 192.168.1.0/24"),),
        fails=("nowhere-else",),
        cells=(
            cell(
                "nowhere-else",
                "default/report-sync -> 192.168.1.23 on 443/TCP",
                "inside ipBlock 192.168.1.0/24",
            ),
        ),
    ),
    Answer(
        "rules-or-fields-and",
        "second-policy-for-the-port",
        append=REPORT_SYNC_ANY_443,
        fails=("nowhere-else",),
        cells=(
            cell(
                "nowhere-else",
                "default/report-sync -> 198.51.100.9 on 443/TCP",
                "default/report-sync-https",
                "has no `to`",
            ),
        ),
    ),
    # namespaces-and-or
    Answer(
        "namespaces-and-or",
        "starter-two-peers-or",
        base="starter",
        fails=("metrics", "redis-metrics-table"),
        cells=(
            cell(
                "metrics",
                "monitoring/grafana -> default/redis on 9121/TCP",
                "all pods in namespaces matching purpose=monitoring",
            ),
            cell(
                "metrics",
                "default/prometheus -> default/redis on 9121/TCP",
                "pods matching app=prometheus in namespace default",
            ),
        ),
    ),
    Answer(
        "namespaces-and-or",
        "pod-selector-alone-for-another-namespace",
        edits=(
            (
                ORAND_PEER,
                lines(
                    "        - podSelector:",
                    "            matchLabels:",
                    "              app: prometheus",
                ),
            ),
        ),
        fails=("metrics", "redis-metrics-table"),
        cells=(
            cell(
                "metrics",
                "monitoring/prometheus -> default/redis on 9121/TCP",
                "isolated for ingress",
                "own namespace",
            ),
        ),
    ),
    Answer(
        "namespaces-and-or",
        "namespace-selector-alone",
        edits=(
            (
                ORAND_PEER,
                lines(
                    "        - namespaceSelector:",
                    "            matchLabels:",
                    "              kubernetes.io/metadata.name: monitoring",
                ),
            ),
        ),
        fails=("metrics", "redis-metrics-table"),
        cells=(
            cell(
                "metrics",
                "monitoring/grafana -> default/redis on 9121/TCP",
                "all pods in namespaces matching kubernetes.io/metadata.name=monitoring",
            ),
        ),
    ),
    Answer(
        "namespaces-and-or",
        "ports-dropped-from-the-metrics-rule",
        edits=(("      ports:\n        - port: 9121\n", ""),),
        fails=("data", "redis-data-table"),
        cells=(
            cell("data", "monitoring/prometheus -> default/redis on 6379/TCP", "lists no ports"),
        ),
    ),
    Answer(
        "namespaces-and-or",
        "dash-before-ports",
        edits=(("      ports:\n        - port: 9121", "    - ports:\n        - port: 9121"),),
        fails=("data", "metrics", "redis-data-table", "redis-metrics-table"),
        cells=(
            cell(
                "metrics",
                "default/checkout -> default/redis on 9121/TCP",
                "ingress rule #3",
                "has no `from`",
            ),
        ),
    ),
    # namespace-by-name
    Answer(
        "namespace-by-name",
        "starter-made-up-name-label",
        base="starter",
        fails=("db-table",),
        cells=(
            cell(
                "db-table",
                "payments/payments-api -> billing/invoices-db on 5432/TCP",
                "billing/invoices-db-ingress",
                "does not match name=payments",
            ),
            cell(
                "db-table",
                "sandbox/load-test -> billing/invoices-db on 5432/TCP",
                "allowed",
                "namespaces matching name=payments",
            ),
        ),
    ),
    Answer(
        "namespace-by-name",
        "empty-namespace-selector",
        edits=((BYNAME_NS_PEER, "        - namespaceSelector: {}"),),
        fails=("db-table",),
        cells=(
            cell(
                "db-table",
                "sandbox/load-test -> billing/invoices-db on 5432/TCP",
                "matches all pods in any namespace",
            ),
        ),
    ),
    Answer(
        "namespace-by-name",
        "pod-selector-instead-of-namespace-selector",
        edits=((BYNAME_NS_PEER, "        - podSelector: {}"),),
        fails=("db-table",),
        cells=(
            cell(
                "db-table",
                "payments/refund-worker -> billing/invoices-db on 5432/TCP",
                "own namespace",
                "payments/refund-worker is in payments",
            ),
        ),
    ),
    Answer(
        "namespace-by-name",
        "peers-merged-into-one-and",
        edits=(
            (
                "              app: invoice-api\n        - namespaceSelector:",
                "              app: invoice-api\n          namespaceSelector:",
            ),
        ),
        fails=("db-table",),
        cells=(
            cell(
                "db-table",
                "billing/invoice-api -> billing/invoices-db on 5432/TCP",
                "namespace billing",
                "does not match kubernetes.io/metadata.name=payments",
            ),
        ),
    ),
    Answer(
        "namespace-by-name",
        "unrelated-shared-namespace-label",
        edits=(
            (
                "              kubernetes.io/metadata.name: payments",
                "              pod-security.kubernetes.io/enforce: restricted",
            ),
        ),
        fails=("db-table",),
        cells=(
            cell(
                "db-table",
                "audit/log-exporter -> billing/invoices-db on 5432/TCP",
                "allowed",
                "namespaces matching pod-security.kubernetes.io/enforce=restricted",
            ),
        ),
    ),
    # egress-and-dns
    Answer(
        "egress-and-dns",
        "starter-dns-peer-without-namespace-selector",
        base="starter",
        fails=("dns", "dns-table", "nothing-else"),
        cells=(
            cell(
                "dns",
                "shop/frontend -> kube-system/kube-dns on 53/UDP",
                "isolated for egress",
                "shop/frontend-egress",
                "own namespace",
            ),
            cell(
                "nothing-else",
                "shop/frontend -> shop/dns-cache on 53/UDP",
                "pods matching k8s-app=kube-dns in namespace shop",
            ),
        ),
    ),
    Answer(
        "egress-and-dns",
        "udp-only",
        edits=((DNS_PORTS, UDP_ONLY),),
        fails=("dns",),
        cells=(
            cell(
                "dns",
                "shop/frontend -> kube-system/kube-dns on 53/TCP",
                "isolated for egress",
                "UDP 53 is another protocol",
            ),
        ),
    ),
    Answer(
        "egress-and-dns",
        "dns-selectors-as-two-peers",
        edits=(
            (
                "              kubernetes.io/metadata.name: kube-system\n          podSelector:",
                "              kubernetes.io/metadata.name: kube-system\n        - podSelector:",
            ),
        ),
        fails=("dns-table", "nothing-else"),
        cells=(
            cell(
                "nothing-else",
                "shop/frontend -> shop/dns-cache on 53/UDP",
                "allowed",
                "k8s-app=kube-dns in namespace shop",
            ),
        ),
    ),
    Answer(
        "egress-and-dns",
        "dns-ports-without-a-destination",
        edits=((lines("    - to:", DNS_PEER, "      ports:"), "    - ports:"),),
        fails=("dns-table", "nothing-else"),
        cells=(cell("nothing-else", "shop/frontend -> 203.0.113.50 on 53/UDP", "has no `to`"),),
    ),
    Answer(
        "egress-and-dns",
        "service-port-instead-of-pod-port",
        edits=(("          port: 8080", "          port: 80"),),
        fails=("backend", "backend-table"),
        cells=(
            cell(
                "backend",
                "shop/frontend -> svc:shop/backend on 80/TCP",
                "port 8080",
                "isolated for egress",
                "shop/frontend-egress",
            ),
            cell(
                "backend",
                "shop/frontend -> shop/backend on 8080/TCP",
                "TCP 80 does not include 8080",
            ),
        ),
    ),
    Answer(
        "egress-and-dns",
        "ingress-isolated-too",
        edits=(("    - Egress", "    - Egress\n    - Ingress"),),
        fails=("backend-table", "dns-table", "other-port-table", "still-serves"),
        cells=(
            cell(
                "still-serves",
                "ingress-nginx/controller -> shop/frontend on 80/TCP",
                "isolated for ingress by policy shop/frontend-egress",
                "no ingress rule admits it",
            ),
        ),
    ),
    # ports-named-endport
    Answer(
        "ports-named-endport",
        "starter-service-port-and-one-number",
        base="starter",
        fails=("http-table", "metrics", "metrics-9090-table", "metrics-9100-table", "nothing-more", "web"),
        cells=(
            cell(
                "web",
                "default/frontend -> default/orders-api on 8080/TCP",
                "isolated for ingress",
                "default/orders-ingress",
            ),
            cell(
                "nothing-more",
                "monitoring/prometheus -> default/orders-worker on 9090/TCP",
                "allowed",
                "TCP 9090",
            ),
        ),
    ),
    Answer(
        "ports-named-endport",
        "web-rule-uses-the-service-port",
        edits=(("          port: http", "          port: 80"),),
        fails=("http-table", "web"),
        cells=(
            cell(
                "web",
                "default/frontend -> svc:default/orders-api on 80/TCP",
                "port 8080",
                "isolated for ingress",
            ),
            cell(
                "web",
                "default/frontend -> default/orders-api on 8080/TCP",
                "TCP 80 does not include 8080",
            ),
        ),
    ),
    Answer(
        "ports-named-endport",
        "one-number-for-both-pods",
        edits=(("          port: metrics", "          port: 9090"),),
        fails=("metrics", "metrics-9090-table", "metrics-9100-table", "nothing-more"),
        cells=(
            cell(
                "metrics",
                "monitoring/prometheus -> default/orders-worker on 9100/TCP",
                "TCP 9090 does not include 9100",
            ),
        ),
    ),
    Answer(
        "ports-named-endport",
        "range-covers-the-admin-port",
        edits=(("          port: metrics", "          port: 9090\n          endPort: 9100"),),
        fails=("metrics-9090-table", "metrics-9100-table", "nothing-more"),
        cells=(
            cell(
                "nothing-more",
                "monitoring/prometheus -> default/orders-worker on 9090/TCP",
                "allowed",
                "TCP 9090-9100",
            ),
        ),
    ),
    Answer(
        "ports-named-endport",
        "two-numbers-for-two-pods",
        edits=(
            (
                "          port: metrics",
                "          port: 9090\n        - protocol: TCP\n          port: 9100",
            ),
        ),
        fails=("metrics-9090-table", "metrics-9100-table", "nothing-more"),
        cells=(
            cell(
                "nothing-more",
                "monitoring/prometheus -> default/orders-api on 9100/TCP",
                "allowed",
                "TCP 9100",
            ),
        ),
    ),
    Answer(
        "ports-named-endport",
        "endport-with-a-named-port",
        edits=(("          port: metrics", "          port: metrics\n          endPort: 9100"),),
        # The API server rejects the policy, so nothing is isolated any more.
        fails=("http-table", "metrics-9090-table", "metrics-9100-table", "nothing-more", "valid-yaml", "web"),
        reasons=(("valid-yaml", "`endPort` may not be used with a named port"),),
        cells=(
            cell(
                "nothing-more",
                "monitoring/prometheus -> default/orders-api on 8080/TCP",
                "no NetworkPolicy isolates",
            ),
        ),
    ),
    # ipblock-and-except
    Answer(
        "ipblock-and-except",
        "starter-whole-internet-and-private-ranges",
        base="starter",
        # The lesson's pods have recorded IPs (issue 11): under the default ipBlock reading
        # 0.0.0.0/0 admits them, so only the private-range check fails.
        fails=("private",),
        cells=(
            cell(
                "private",
                "default/webhook-sender -> 10.0.5.9 on 5432/TCP",
                "allowed",
                "inside ipBlock 0.0.0.0/0",
            ),
        ),
    ),
    Answer(
        "ipblock-and-except",
        "no-rule-for-pods",
        edits=((POD_RULE + "\n", ""),),
        fails=("pods",),
        cells=(
            cell(
                "pods",
                "default/webhook-sender -> events/kafka-0 on 9092/TCP",
                "isolated for egress",
                "default/webhook-sender-egress",
            ),
        ),
    ),
    Answer(
        "ipblock-and-except",
        "pod-selector-only-covers-own-namespace",
        edits=(("        - namespaceSelector: {}", "        - podSelector: {}"),),
        fails=("pods",),
        cells=(
            cell(
                "pods",
                "default/webhook-sender -> events/kafka-0 on 9092/TCP",
                "isolated for egress",
                "own namespace",
            ),
        ),
    ),
    Answer(
        "ipblock-and-except",
        "ipblock-slash-32-for-a-pod",
        edits=(
            (
                "        - namespaceSelector: {}",
                "        - ipBlock:\n            cidr: 10.244.1.17/32",
            ),
        ),
        fails=("pods",),
        cells=(
            cell(
                "pods",
                "default/webhook-sender -> kube-system/kube-dns on 53/UDP",
                "ipBlock 10.244.1.17/32",
                "not inside ipBlock 10.244.1.17/32",
            ),
        ),
    ),
    Answer(
        "ipblock-and-except",
        "only-10-slash-8-excepted",
        edits=((PRIVATE_EXCEPT, "            except:\n              - 10.0.0.0/8"),),
        fails=("private",),
        cells=(
            cell(
                "private",
                "default/webhook-sender -> 172.20.1.15 on 443/TCP",
                "inside ipBlock 0.0.0.0/0 except 10.0.0.0/8",
            ),
        ),
    ),
    Answer(
        "ipblock-and-except",
        "only-the-vm-excepted",
        edits=((PRIVATE_EXCEPT, "            except:\n              - 10.0.5.9/32"),),
        fails=("private",),
        cells=(
            cell(
                "private", "default/webhook-sender -> 192.168.40.2 on 443/TCP", "except 10.0.5.9/32"
            ),
        ),
    ),
    # what-policies-cannot-do
    Answer(
        "what-policies-cannot-do",
        "starter-deny-policy-next-to-allow-all",
        base="starter",
        fails=("cache", "db", "http"),
        cells=(
            cell("db", "shop/web -> shop/db on 5432/TCP", "allowed", "shop/allow-same-namespace"),
        ),
    ),
    Answer(
        "what-policies-cannot-do",
        "deleted-only-the-deny-policy",
        base="starter",
        edits=(("---\n" + DENY_WEB_TO_DB, ""),),
        fails=("cache", "db", "http"),
        cells=(
            cell("db", "shop/web -> shop/db on 5432/TCP", "allowed", "shop/allow-same-namespace"),
        ),
    ),
    Answer(
        "what-policies-cannot-do",
        "allows-added-but-allow-all-kept",
        edits=(
            (
                WHAT_FLOWS,
                doc(
                    """
                    ---
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata:
                      name: allow-same-namespace
                      namespace: shop
                    spec:
                      podSelector: {}
                      policyTypes:
                        - Ingress
                      ingress:
                        - from:
                            - podSelector: {}
                    ---
                    """
                ),
            ),
        ),
        fails=("cache", "db", "http"),
        cells=(
            cell("http", "shop/api -> shop/db on 8080/TCP", "allowed", "shop/allow-same-namespace"),
        ),
    ),
    Answer(
        "what-policies-cannot-do",
        "api-allow-without-ports",
        edits=(
            (
                lines(
                    "              app: web",
                    "      ports:",
                    "        - protocol: TCP",
                    "          port: 8080",
                ),
                "              app: web",
            ),
        ),
        fails=("cache", "db"),
        cells=(
            cell("db", "shop/web -> shop/api on 5432/TCP", "shop/api-from-web", "lists no ports"),
        ),
    ),
    Answer(
        "what-policies-cannot-do",
        "db-allow-without-from",
        edits=(
            (
                lines(
                    "    - from:",
                    "        - podSelector:",
                    "            matchLabels:",
                    "              app: api",
                    "      ports:",
                ),
                "    - ports:",
            ),
        ),
        fails=("db",),
        cells=(
            cell(
                "db",
                "ingress-nginx/ingress-nginx-controller -> shop/db on 5432/TCP",
                "shop/db-from-api",
                "has no `from`",
            ),
        ),
    ),
]


# --------------------------------------------------------------------------------------------
# debugging

CATALOG_API_NS = "  name: catalog-api\n  namespace: default"
CATALOG_DB_FROM = lines(
    "    - from:",
    "        - podSelector:",
    "            matchLabels:",
    '              app: catalog-api   # Bug 2: was "catlog-api"',
    "      ports:",
)
CAP_API_TO_GATEWAY = lines(
    "              app: payments-gateway",
    "      ports:",
    "        - protocol: TCP",
    "          port: 8443",
)
CAP_GATEWAY_PEER = lines(
    "        - namespaceSelector:",
    "            matchLabels:",
    "              kubernetes.io/metadata.name: shop",
    "          podSelector:",
)
CAP_PUBLIC_RULE = lines("    # Public: any source, but only the HTTP port.", "    - ports:")
CAP_SHOP_DENY = lines(
    "  name: default-deny",
    "  namespace: shop",
    "spec:",
    "  podSelector: {}",
    "  policyTypes:",
    "    - Ingress",
    "    - Egress",
)
CAP_PAYMENTS_DNS = lines(
    "  name: allow-dns",
    "  namespace: payments",
    "spec:",
    "  podSelector: {}",
    "  policyTypes:",
    "    - Egress",
    "  egress:",
    "    - to:",
    "        - namespaceSelector:",
    "            matchLabels:",
    "              kubernetes.io/metadata.name: kube-system",
    "          podSelector:",
)

WRONG_DEBUGGING = [
    # debugging-broken-namespace
    Answer(
        "debugging-broken-namespace",
        "starter-three-bugs",
        base="starter",
        fails=("http", "mongo", "dns-udp", "dns-tcp"),
        cells=(
            cell(
                "http",
                "catalog/catalog-web -> catalog/catalog-api on 8080/TCP",
                "isolated for ingress by policy catalog/default-deny-all,",
                "no ingress rules",
            ),
            cell(
                "dns-udp",
                "catalog/catalog-db -> kube-system/kube-dns on 53/UDP",
                "isolated for egress",
                "catalog/default-deny-all",
            ),
        ),
    ),
    Answer(
        "debugging-broken-namespace",
        "only-the-namespace-fixed",
        base="starter",
        edits=((CATALOG_API_NS, "  name: catalog-api\n  namespace: catalog"),),
        fails=("mongo", "dns-udp", "dns-tcp"),
        cells=(
            cell(
                "mongo",
                "catalog/catalog-api -> catalog/catalog-db on 27017/TCP",
                "catalog/catalog-db",
                "labels app=catalog-api",
                "does not match app=catlog-api",
            ),
        ),
    ),
    Answer(
        "debugging-broken-namespace",
        "dns-udp-only",
        edits=((DNS_PORTS, UDP_ONLY),),
        fails=("dns-tcp",),
        cells=(
            cell(
                "dns-tcp",
                "catalog/catalog-db -> kube-system/kube-dns on 53/TCP",
                "catalog/allow-dns-egress",
                "UDP 53 is another protocol",
            ),
        ),
    ),
    Answer(
        "debugging-broken-namespace",
        "dns-peer-without-namespace-selector",
        edits=(
            (
                DNS_PEER,
                lines(
                    "        - podSelector:",
                    "            matchLabels:",
                    "              k8s-app: kube-dns",
                ),
            ),
        ),
        fails=("dns-udp", "dns-tcp"),
        cells=(
            cell(
                "dns-udp",
                "catalog/catalog-api -> kube-system/kube-dns on 53/UDP",
                "isolated for egress",
                "catalog/allow-dns-egress",
                "own namespace",
            ),
        ),
    ),
    Answer(
        "debugging-broken-namespace",
        "typo-fixed-by-dropping-the-peer",
        edits=((CATALOG_DB_FROM, "    - ports:"),),
        fails=("mongo",),
        cells=(
            cell(
                "mongo",
                "ingress-nginx/ingress-nginx-controller -> catalog/catalog-db on 27017/TCP",
                "allowed",
                "catalog/catalog-db",
                "has no `from`",
            ),
        ),
    ),
    # capstone
    Answer(
        "capstone",
        "starter-draft",
        base="starter",
        # dns-metrics too (issue 11): the draft leaves payments open and shop/db free to leave.
        fails=(
            "dns-metrics",
            "dns-tcp",
            "dns-udp",
            "edges",
            "gateway",
            "http",
            "other-ports",
            "postgres",
        ),
        cells=(
            cell(
                "http",
                "shop/frontend -> default/load-generator on 8080/TCP",
                "egress rule #2 of policy shop/frontend",
                "has no `to`",
            ),
            cell(
                "dns-tcp",
                "shop/api -> kube-system/kube-dns on 53/TCP",
                "isolated for egress",
                "shop/api",
            ),
        ),
    ),
    Answer(
        "capstone",
        "service-port-towards-the-gateway",
        edits=((CAP_API_TO_GATEWAY, CAP_API_TO_GATEWAY.replace("8443", "443")),),
        fails=("gateway", "edges"),
        cells=(
            cell(
                "gateway",
                "shop/api -> payments/payments-gateway on 8443/TCP",
                "isolated for egress",
                "policy shop/api",
                "TCP 443 does not include 8443",
            ),
            cell(
                "edges",
                "shop/api -> svc:payments/payments-gateway on 443/TCP",
                "port 8443",
                "isolated for egress",
            ),
        ),
    ),
    Answer(
        "capstone",
        "gateway-peer-without-namespace-selector",
        edits=((CAP_GATEWAY_PEER, "        - podSelector:"),),
        fails=("gateway", "edges"),
        cells=(
            cell(
                "gateway",
                "shop/api -> payments/payments-gateway on 8443/TCP",
                "isolated for ingress",
                "policy payments/payments-gateway",
                "own namespace",
            ),
        ),
    ),
    Answer(
        "capstone",
        "public-frontend-as-every-pod",
        edits=(
            (
                CAP_PUBLIC_RULE,
                lines("    - from:", "        - namespaceSelector: {}", "      ports:"),
            ),
        ),
        # Every pod of every namespace is not "anyone": clients outside the cluster stay out.
        fails=("edges",),
        cells=(
            cell(
                "edges",
                "203.0.113.10 -> shop/frontend on 8080/TCP",
                "isolated for ingress",
                "shop/frontend",
            ),
        ),
    ),
    Answer(
        "capstone",
        "processor-subnet-instead-of-one-address",
        edits=(("cidr: 198.51.100.7/32", "cidr: 198.51.100.0/24"),),
        fails=("edges",),
        cells=(
            cell(
                "edges",
                "payments/payments-gateway -> 198.51.100.8 on 443/TCP",
                "allowed",
                "inside ipBlock 198.51.100.0/24",
            ),
        ),
    ),
    Answer(
        "capstone",
        "public-rule-uses-the-load-balancer-port",
        edits=(
            (
                CAP_PUBLIC_RULE + "\n        - protocol: TCP\n          port: 8080",
                CAP_PUBLIC_RULE + "\n        - protocol: TCP\n          port: 80",
            ),
        ),
        fails=("http", "edges"),
        cells=(
            cell(
                "edges",
                "203.0.113.10 -> svc:shop/frontend on 80/TCP",
                "port 8080",
                "isolated for ingress",
            ),
            cell(
                "http",
                "default/load-generator -> shop/frontend on 8080/TCP",
                "policy shop/frontend",
                "TCP 80 does not include 8080",
            ),
        ),
    ),
    Answer(
        "capstone",
        "payments-dns-as-two-peers",
        edits=(
            (
                CAP_PAYMENTS_DNS,
                CAP_PAYMENTS_DNS[: -len("          podSelector:")] + "        - podSelector:",
            ),
        ),
        fails=("dns-udp", "dns-tcp"),
        cells=(
            cell(
                "dns-udp",
                "payments/payments-gateway -> kube-system/metrics-server on 53/UDP",
                "allowed",
                "payments/allow-dns",
                "kubernetes.io/metadata.name=kube-system",
            ),
        ),
    ),
]


# --------------------------------------------------------------------------------------------
# legacy

ALPHA_RULE = lines(
    "  ingress:",
    "    - from:",
    "        - podSelector:",
    "            matchLabels:",
    "              segment: frontend",
    "      ports:",
)
V1_PORTS = lines("      ports:", "        - protocol: TCP", "          port: 80")

WRONG_LEGACY = [
    Answer(
        "legacy-alpha-policy",
        "starter-alpha-policy-as-is",
        base="starter",
        fails=("no-alpha", "no-topports"),
        reasons=(
            ("no-alpha", "`allowIncoming` is used here (spec.allowIncoming)"),
            ("no-topports", "`toPorts` is used here"),
        ),
        problems=("2016 alpha NetworkPolicy",),
    ),
    Answer(
        "legacy-alpha-policy",
        "only-the-apiversion-changed",
        base="starter",
        edits=(("net.alpha.kubernetes.io/v1alpha1", "networking.k8s.io/v1"),),
        fails=("valid-yaml", "no-alpha", "no-topports", "same-matrix"),
        reasons=(
            ("valid-yaml", "unknown field `allowIncoming` in a NetworkPolicy spec"),
            ("valid-yaml", "unknown field `segment` in a label selector"),
        ),
        cells=(
            cell(
                "same-matrix",
                "tenant-b/nginx -> tenant-a/backend-1 on 80/TCP",
                "no NetworkPolicy isolates",
                "tenant-a/backend-1 for ingress",
            ),
        ),
    ),
    Answer(
        "legacy-alpha-policy",
        "allowincoming-kept-in-a-v1-policy",
        edits=(
            (
                ALPHA_RULE,
                lines(
                    "  allowIncoming:",
                    "    from:",
                    "      - podSelector:",
                    "          matchLabels:",
                    "            segment: frontend",
                    "    ports:",
                ),
            ),
            (
                "        - protocol: TCP\n          port: 80",
                "      - protocol: TCP\n        port: 80",
            ),
        ),
        fails=("valid-yaml", "no-alpha", "same-matrix"),
        reasons=(
            ("valid-yaml", "unknown field `allowIncoming`"),
            ("no-alpha", "`allowIncoming` is used here"),
        ),
    ),
    Answer(
        "legacy-alpha-policy",
        "toports-kept-in-a-v1-rule",
        edits=((V1_PORTS, V1_PORTS.replace("ports:", "toPorts:")),),
        fails=("valid-yaml", "no-topports", "same-matrix"),
        reasons=(
            ("valid-yaml", "unknown field `toPorts` in an ingress rule"),
            ("no-topports", "spec.ingress[0].toPorts"),
        ),
    ),
    Answer(
        "legacy-alpha-policy",
        "toports-dropped-instead-of-converted",
        edits=((V1_PORTS + "\n", ""),),
        fails=("same-matrix",),
        cells=(
            cell(
                "same-matrix",
                "tenant-a/nginx -> tenant-a/backend-1 on 8080/TCP",
                "allowed",
                "tenant-a/pol1",
                "lists no ports",
            ),
        ),
    ),
    Answer(
        "legacy-alpha-policy",
        "bare-label-map-as-pod-selector",
        edits=(
            (
                "  podSelector:\n    matchLabels:\n      segment: backend",
                "  podSelector:\n    segment: backend",
            ),
        ),
        fails=("valid-yaml", "same-matrix"),
        reasons=(("valid-yaml", "unknown field `segment` in a label selector"),),
    ),
    Answer(
        "legacy-alpha-policy",
        "frontends-from-every-namespace",
        edits=(
            (
                "        - podSelector:\n            matchLabels:\n              segment: frontend",
                lines(
                    "        - namespaceSelector: {}",
                    "          podSelector:",
                    "            matchLabels:",
                    "              segment: frontend",
                ),
            ),
        ),
        fails=("same-matrix",),
        cells=(
            cell(
                "same-matrix",
                "tenant-b/nginx -> tenant-a/backend-1 on 80/TCP",
                "allowed",
                "segment=frontend in any namespace",
            ),
        ),
    ),
    Answer(
        "legacy-alpha-policy",
        "every-pod-of-the-namespace-selected",
        edits=(("  podSelector:\n    matchLabels:\n      segment: backend", "  podSelector: {}"),),
        fails=("same-matrix",),
        cells=(
            cell(
                "same-matrix",
                "tenant-a/batch -> tenant-a/nginx on 80/TCP",
                "isolated for ingress by policy tenant-a/pol1",
            ),
        ),
    ),
    Answer(
        "legacy-alpha-policy",
        "egress-isolated-too",
        edits=(("    - Ingress", "    - Ingress\n    - Egress"),),
        fails=("same-matrix",),
        cells=(
            cell(
                "same-matrix",
                "tenant-a/backend-1 -> tenant-a/batch on 8080/TCP",
                "isolated for egress by policy tenant-a/pol1",
                "no egress rules",
            ),
        ),
    ),
]


# --------------------------------------------------------------------------------------------
# Issue 8: wrong answers that passed before goals were checked by mutation, and more of ours.
# Each is a variant of the solution that changes a connection the task decides (often only for
# a pod that could exist: the lesson's decoys stand for those).

ISSUE_8 = [
    Answer(
        "first-policy",
        "any-namespace-next-to-the-api-selector",
        edits=(
            (
                "    - podSelector:\n        matchLabels:\n          app: api",
                "    - namespaceSelector: {}\n      podSelector:\n        matchLabels:\n          app: api",
            ),
        ),
        fails=("db-port",),
        cells=(cell("db-port", "analytics/api-replay -> default/db on 5432/TCP", "any namespace"),),
    ),
    Answer(
        "capstone",
        "any-namespace-next-to-the-api-selector",
        edits=(
            (
                "      app: db\n  policyTypes:\n    - Ingress\n  ingress:\n    - from:\n"
                "        - podSelector:\n            matchLabels:\n              app: api",
                "      app: db\n  policyTypes:\n    - Ingress\n  ingress:\n    - from:\n"
                "        - namespaceSelector: {}\n          podSelector:\n"
                "            matchLabels:\n              app: api",
            ),
        ),
        fails=("postgres",),
        cells=(cell("postgres", "staging/api -> shop/db on 5432/TCP", "any namespace"),),
    ),
    Answer(
        "labels-and-selectors",
        "allow-all-narrowed-to-the-namespace",
        edits=(("  - {}", "  - from:\n    - podSelector: {}"),),
        fails=("nothing-breaks",),
        cells=(
            cell("nothing-breaks", "monitoring/prober -> default/web-2 on 8080/TCP", "isolated"),
            cell("nothing-breaks", "203.0.113.7 -> default/web-1 on 8080/TCP", "isolated"),
        ),
    ),
    Answer(
        "namespace-by-name",
        "background-namespace-relabelled-instead",
        base="starter",
        append=doc(
            """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: payments
              labels:
                name: payments
            """
        ),
        fails=("valid-yaml", "db-table"),
        reasons=(
            ("valid-yaml", "Namespace payments belongs to the lesson's cluster"),
            ("valid-yaml", "rights"),
        ),
    ),
    Answer(
        "services-find-pods",
        "headless-service-with-a-target-port",
        # A headless Service has no virtual IP and no port translation: clients reach the pods
        # on the port they dial (80), where nothing listens.
        edits=(("  type: ClusterIP\n", "  type: ClusterIP\n  clusterIP: None\n"),),
        fails=("reach", "target"),
        cells=(cell("reach", "default/client -> svc:default/web on 80/TCP", "port"),),
        reasons=(("target", "no port translation"),),
    ),
    Answer(
        "namespaces-and-or",
        "checkout-from-any-namespace",
        edits=(
            (
                "    - from:\n        - podSelector:\n            matchLabels:\n              app: checkout",
                "    - from:\n        - namespaceSelector: {}\n          podSelector:\n"
                "            matchLabels:\n              app: checkout",
            ),
        ),
        fails=("redis-data-table",),
        cells=(
            cell(
                "redis-data-table",
                "monitoring/checkout-synthetic -> default/redis on 6379/TCP",
                "any namespace",
            ),
        ),
    ),
    Answer(
        "ipblock-and-except",
        "private-range-narrowed",
        edits=(("- 10.0.0.0/8", "- 10.0.0.0/16"),),
        fails=("private",),
        cells=(cell("private", "default/webhook-sender -> 10.255.255.255 on 443/TCP", "ipBlock"),),
    ),
    Answer(
        "what-policies-cannot-do",
        "default-deny-deleted-allows-kept",
        edits=(
            (
                "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
                "  name: default-deny-ingress\n  namespace: shop\nspec:\n  podSelector: {}\n"
                "  policyTypes:\n    - Ingress\n---\n",
                "",
            ),
        ),
        fails=("cache", "db", "http"),
        cells=(
            cell(
                "cache",
                "ingress-nginx/ingress-nginx-controller -> shop/cache on 6379/TCP",
                "isolate",
            ),
        ),
    ),
]

# Issue 11: an extra port added to a rule's `ports` (the mutation lint's `add-port`), in the
# lessons whose goals it got past.
ISSUE_11 = [
    Answer(
        "rules-or-fields-and",
        "dns-port-added-to-the-vm-rule",
        edits=(
            (
                "        - protocol: TCP\n          port: 443\n",
                "        - protocol: TCP\n          port: 443\n        - protocol: UDP\n"
                "          port: 53\n",
            ),
        ),
        fails=("the-vm",),
        cells=(cell("the-vm", "default/report-sync -> 192.168.1.22 on 53/UDP", "allowed"),),
        why="DNS belongs to kube-dns: the VM rule now also opens UDP 53 to the VM",
    ),
    Answer(
        "debugging-broken-namespace",
        "dns-metrics-port-added-to-the-dns-rule",
        edits=((DNS_PORTS, DNS_PORTS + "\n        - protocol: TCP\n          port: 9153"),),
        fails=("dns-metrics",),
        cells=(
            cell(
                "dns-metrics",
                "catalog/catalog-api -> kube-system/kube-dns on 9153/TCP",
                "catalog/allow-dns-egress",
            ),
        ),
        why="the DNS rule opens kube-dns's metrics port too: catalog reaches more than DNS",
    ),
    Answer(
        "capstone",
        "dns-metrics-port-added-to-shop-dns",
        edits=(
            (
                "  name: allow-dns\n  namespace: shop\n" + CAP_PAYMENTS_DNS.split("\n", 2)[2]
                + "\n            matchLabels:\n              k8s-app: kube-dns\n      ports:\n",
                "  name: allow-dns\n  namespace: shop\n" + CAP_PAYMENTS_DNS.split("\n", 2)[2]
                + "\n            matchLabels:\n              k8s-app: kube-dns\n      ports:\n"
                "        - protocol: TCP\n          port: 9153\n",
            ),
        ),
        fails=("dns-metrics",),
        cells=(
            cell("dns-metrics", "shop/api -> kube-system/kube-dns on 9153/TCP", "shop/allow-dns"),
        ),
    ),
    Answer(
        "capstone",
        "dns-port-added-to-the-processor-rule",
        edits=(
            (
                "            cidr: 198.51.100.7/32\n      ports:\n",
                "            cidr: 198.51.100.7/32\n      ports:\n        - protocol: UDP\n"
                "          port: 53\n",
            ),
        ),
        fails=("edges",),
        cells=(
            cell(
                "edges",
                "payments/payments-gateway -> 198.51.100.7 on 53/UDP",
                "payments/payments-gateway",
            ),
        ),
    ),
    Answer(
        "hostnetwork-and-nodes",
        "dns-port-added-to-the-node-rule",
        edits=(
            (
                "        - {port: 9100, protocol: TCP}",
                "        - {port: 9100, protocol: TCP}\n        - {port: 53, protocol: UDP}",
            ),
        ),
        fails=("only-9100",),
        cells=(cell("only-9100", "monitoring/prometheus -> 10.0.0.11 on 53/UDP", "10.0.0.0/24"),),
    ),
    Answer(
        "hostnetwork-and-nodes",
        "dns-port-added-to-the-app-metrics-rule",
        edits=(
            (
                "        - {port: metrics, protocol: TCP}",
                "        - {port: metrics, protocol: TCP}\n        - {port: 53, protocol: TCP}",
            ),
        ),
        fails=("dns-only-kube-dns",),
        cells=(
            cell(
                "dns-only-kube-dns",
                "monitoring/prometheus -> kube-system/metrics-server on 53/TCP",
                "monitoring/prometheus-egress",
            ),
        ),
    ),
]

WRONG = [
    *WRONG_PODS,
    *WRONG_LABELS,
    *WRONG_SERVICES,
    *WRONG_POLICIES,
    *WRONG_DEBUGGING,
    *WRONG_LEGACY,
    *ISSUE_8,
    *ISSUE_11,
]


# --------------------------------------------------------------------------------------------
# Valid answers that differ from the reference solution

ALTERNATIVES = [
    Answer(
        "pod-shared-network",
        "flow-style-ports-protocol-defaulted",
        edits=((PODS_METRICS_PORT, "    - {containerPort: 9090, name: metrics}"),),
    ),
    Answer(
        "labels-and-selectors",
        "two-match-labels",
        edits=(
            (
                LABELS_SELECTOR,
                lines(
                    "  podSelector:", "    matchLabels:", "      app: web", "      track: stable"
                ),
            ),
        ),
    ),
    Answer(
        "labels-and-selectors",
        "track-in-stable",
        edits=(
            (
                LABELS_SELECTOR,
                lines(
                    "  podSelector:",
                    "    matchExpressions:",
                    "    - {key: track, operator: In, values: [stable]}",
                ),
            ),
        ),
    ),
    Answer("services-find-pods", "app-label-alone", edits=((SVC_SELECTOR, "    app: shop-web"),)),
    Answer("service-ports", "protocol-left-to-its-default", edits=(("    protocol: TCP\n", ""),)),
    Answer(
        "exposing-services",
        "loadbalancer-with-the-same-node-port",
        edits=((EXPOSE_TYPE, "type: LoadBalancer"),),
    ),
    Answer(
        "flat-network",
        "allow-all-rule-instead-of-deleting",
        base="starter",
        edits=((FLAT_RULE, "  ingress:\n  - {}"),),
    ),
    Answer(
        "first-policy",
        "tier-labels-and-named-port",
        edits=(
            ("      app: db", "      tier: data"),
            ("          app: api", "          tier: backend"),
            ("    - port: 5432", "    - port: postgres"),
        ),
    ),
    Answer("default-deny", "policytypes-omitted-ingress-implied", edits=((ING + "\n", ""),)),
    Answer("empty-rules-and-policytypes", "no-egress-key-at-all", edits=(("  egress: []\n", ""),)),
    Answer(
        "empty-rules-and-policytypes",
        "ingress-stated-open-in-a-second-policy",
        # Issue 8: a hardening the task does not forbid (ingress written out as allow-all)
        # must pass; isolating ingress is what the task forbids.
        append=doc(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: ingress-stays-open
              namespace: sandbox
            spec:
              podSelector: {}
              policyTypes: [Ingress]
              ingress:
                - {}
            """
        ),
    ),
    Answer(
        "empty-rules-and-policytypes",
        "both-types-listed-with-an-allow-all-ingress-rule",
        edits=(
            ("  - Egress\n", "  - Ingress\n  - Egress\n"),
            ("  egress: []", "  egress: []\n  ingress:\n  - {}"),
        ),
    ),
    Answer(
        "rules-or-fields-and",
        "ports-written-before-to",
        edits=(
            (
                lines(
                    "    - to:",
                    "        - ipBlock:",
                    "            cidr: 192.168.1.22/32",
                    "      ports:",
                    "        - protocol: TCP",
                    "          port: 443",
                ),
                lines(
                    "    - ports:",
                    "        - port: 443",
                    "      to:",
                    "        - ipBlock:",
                    "            cidr: 192.168.1.22/32",
                ),
            ),
        ),
    ),
    Answer(
        "rules-or-fields-and",
        "dns-rule-added-too",
        # Issue 8: the task allows DNS as well (the next lesson's good habit).
        edits=(
            (
                "          port: 443",
                lines(
                    "          port: 443",
                    "    - to:",
                    "        - namespaceSelector: {}",
                    "      ports:",
                    "        - {protocol: UDP, port: 53}",
                ),
            ),
        ),
    ),
    Answer(
        "rules-or-fields-and",
        "dns-in-a-second-policy",
        append=doc(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: report-sync-dns
              namespace: default
            spec:
              podSelector:
                matchLabels:
                  app: report-sync
              policyTypes: [Egress]
              egress:
                - to:
                    - namespaceSelector:
                        matchLabels:
                          kubernetes.io/metadata.name: kube-system
                      podSelector:
                        matchLabels:
                          k8s-app: kube-dns
                  ports:
                    - {protocol: UDP, port: 53}
                    - {protocol: TCP, port: 53}
            """
        ),
    ),
    Answer(
        "namespaces-and-or",
        "namespace-by-its-name-label",
        edits=(
            (
                "              purpose: monitoring",
                "              kubernetes.io/metadata.name: monitoring",
            ),
        ),
    ),
    Answer(
        "namespace-by-name",
        "name-label-with-match-expressions",
        edits=(
            (
                "            matchLabels:\n              kubernetes.io/metadata.name: payments",
                lines(
                    "            matchExpressions:",
                    "              - key: kubernetes.io/metadata.name",
                    "                operator: In",
                    "                values: [payments]",
                ),
            ),
        ),
    ),
    Answer(
        "ports-named-endport",
        "numeric-pod-port-for-the-web-rule",
        edits=(("          port: http", "          port: 8080"),),
    ),
    Answer(
        "ipblock-and-except",
        "both-selectors-empty-in-one-peer",
        edits=(
            (
                "        - namespaceSelector: {}",
                "        - namespaceSelector: {}\n          podSelector: {}",
            ),
        ),
    ),
    Answer(
        "what-policies-cannot-do",
        "pretend-deny-policy-kept",
        # Issue 8: a policy that allows nothing changes no connection, and the task does not
        # ask for it to go (the `tidy` check was incidental).
        append=DENY_WEB_TO_DB,
    ),
    Answer(
        "what-policies-cannot-do",
        "named-ports",
        edits=(("          port: 5432", "          port: postgres"),),
    ),
    Answer(
        "debugging-broken-namespace",
        "dns-policy-without-policytypes",
        # Without policyTypes the DNS policy also isolates ingress (it has egress rules, so
        # [Ingress, Egress]); harmless here, because default-deny-all already isolates both.
        edits=(
            (
                "  name: allow-dns-egress\n  namespace: catalog\nspec:\n  podSelector: {}\n"
                "  policyTypes:\n    - Egress\n",
                "  name: allow-dns-egress\n  namespace: catalog\nspec:\n  podSelector: {}\n",
            ),
        ),
    ),
    Answer(
        "capstone",
        "shop-lockdown-ingress-only",
        # Looks like a missing direction, but allow-dns (podSelector: {}, Egress) already
        # isolates every shop pod for egress, so the lockdown's Egress is redundant.
        edits=((CAP_SHOP_DENY, CAP_SHOP_DENY.replace("\n    - Egress", "")),),
    ),
    Answer(
        "capstone",
        "frontend-public-rule-with-empty-from",
        edits=((CAP_PUBLIC_RULE, "    - from: []\n      ports:"),),
    ),
    Answer(
        "legacy-alpha-policy",
        "policytypes-omitted-and-named-port",
        edits=(
            ("  policyTypes:\n    - Ingress\n", ""),
            ("          port: 80", "          port: http"),
        ),
    ),
]


# --------------------------------------------------------------------------------------------
# Tests


@pytest.mark.parametrize("answer", WRONG, ids=lambda a: a.id)
def test_wrong_answer_fails_the_expected_checks(answer: Answer) -> None:
    report = grade(answer)
    summary = results_summary(report)
    assert not report.passed, f"{answer.id} should not pass:\n{summary}"
    failed = sorted(r.id for r in report.failed)
    assert failed == sorted(answer.fails), f"{answer.id}: unexpected failing checks\n{summary}"
    by_id = {r.id: r for r in report.results}
    for check_id, text in answer.reasons:
        reasons = "\n".join(by_id[check_id].reasons)
        assert text in reasons, f"{answer.id}: {check_id} does not say {text!r}:\n{reasons}"
    for want in answer.cells:
        assert want.check in answer.fails, f"{answer.id}: a wrong cell in a passing check?"
        route = f"{want.source} -> {want.destination} on {want.port}"
        result = by_id[want.check]
        found = [c for c in result.cells if f"{c.source} -> {c.destination} on {c.port}" == route]
        assert found, f"{answer.id}: {want.check} has no cell {route}"
        got = found[0]
        assert not got.ok, f"{answer.id}: {route} is right, the case expects it wrong"
        assert got.reason.startswith(f"{route} is {'allowed' if got.actual else 'denied'}")
        assert got.explanation, f"{answer.id}: the wrong cell {route} has no explanation"
        assert got.reason in result.reasons or len(result.reasons) > MAX_REASONS
        text = cell_text(got)
        for fact in want.mentions:
            assert fact in text, f"{answer.id}: {route} does not say {fact!r}:\n{text}"
    messages = "\n".join(p.message for p in report.problems)
    for text in answer.problems:
        assert text in messages, f"{answer.id}: no problem says {text!r}:\n{messages}"


@pytest.mark.parametrize("answer", ALTERNATIVES, ids=lambda a: a.id)
def test_alternative_correct_answer_passes(answer: Answer) -> None:
    text = build(answer)
    assert text != getattr(lesson(answer.lesson), answer.base), "not an alternative"
    report = check(lesson(answer.lesson), text)
    assert report.passed, f"{answer.id} should pass:\n{results_summary(report)}"


def test_every_topic_has_enough_wrong_answers() -> None:
    lesson_topics = {les.topic for les in lessons().values()}
    assert lesson_topics <= set(TOPICS), f"new topic(s) without wrong answers: {lesson_topics}"
    per_topic = Counter(lesson(a.lesson).topic for a in WRONG)
    for topic in TOPICS:
        assert per_topic[topic] >= MIN_CASES_PER_TOPIC, f"{topic}: {per_topic[topic]} case(s)"


def test_every_graded_lesson_has_a_wrong_answer_and_ids_are_unique() -> None:
    from tests.test_new_lessons import covered_lessons  # issue 11's lessons have their own file

    covered = {a.lesson for a in WRONG} | covered_lessons()
    graded = {les.id for les in lessons().values() if not les.exploration}
    assert graded <= covered, f"lessons without wrong answers: {sorted(graded - covered)}"
    ids = [a.id for a in [*WRONG, *ALTERNATIVES]]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]


# --------------------------------------------------------------------------------------------
# Quiz fix questions (as the quiz's `--answers` mode grades them)


@dataclass(frozen=True)
class QuizAnswer:
    question: str
    name: str
    edits: tuple[tuple[str, str], ...]
    right: bool  # True: a right answer that must score 1
    fails: tuple[str, ...] = ()


QUIZ_ANSWERS = [
    QuizAnswer(
        "dbg-fix-frontend",
        "db-open-on-every-port-from-any-namespace",
        # Issue 8: no `ports` and `namespaceSelector: {}` used to pass "nothing else into db".
        (
            (
                "        matchLabels: {app: api}\n    ports:\n    - {port: 5432, protocol: TCP}",
                "        matchLabels: {app: api}\n      namespaceSelector: {}",
            ),
        ),
        right=False,
        fails=("api-8080",),
    ),
    QuizAnswer(
        "svc-fix-selector",
        "headless-service-with-a-target-port",
        (("spec:\n", "spec:\n  clusterIP: None\n"),),
        right=False,
    ),
    QuizAnswer(
        "pol-fix-dns",
        "dns-peer-any-namespace",
        (("matchLabels: {kubernetes.io/metadata.name: kube-system}", "{}"),),
        right=False,
        fails=("egress-dns",),
    ),
    QuizAnswer(
        "pol-fix-dns",
        "dns-over-two-rules",
        (
            (
                "    ports:\n    - {port: 53, protocol: UDP}\n    - {port: 53, protocol: TCP}",
                "    ports:\n    - {port: 53, protocol: UDP}\n  - to:\n    - namespaceSelector:\n"
                "        matchLabels: {kubernetes.io/metadata.name: kube-system}\n"
                "      podSelector:\n        matchLabels: {k8s-app: kube-dns}\n"
                "    ports:\n    - {port: 53, protocol: TCP}",
            ),
        ),
        right=True,
    ),
]


def _quiz_question(qid: str) -> FixQuestion:
    bank, problems = load_bank(builtin_lessons_dir() / "quizzes" / "k8s-networking.yaml")
    assert bank is not None, problems
    found = [q for q in bank.questions if q.id == qid]
    assert found and isinstance(found[0], FixQuestion), qid
    return found[0]


@pytest.mark.parametrize("answer", QUIZ_ANSWERS, ids=lambda a: f"{a.question}:{a.name}")
def test_quiz_fix_answers_are_graded_right(answer: QuizAnswer) -> None:
    q = _quiz_question(answer.question)
    text = q.solution
    for old, new in answer.edits:
        assert text.count(old) == 1, f"{answer.name}: fragment not found once:\n{old}"
        text = text.replace(old, new)
    grade = quiz_grade(q, text)
    if answer.right:
        assert grade.score == 1.0, grade.feedback
        return
    assert grade.score == 0.0, f"{answer.name} should not pass"
    report = check(q.lesson(), text)
    failed = {r.id for r in report.failed}
    assert set(answer.fails) <= failed, failed
