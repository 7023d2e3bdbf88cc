"""Lint: things that are valid Kubernetes but probably not what the author meant.

- a policy that selects no pod, or sits in a namespace with no pods;
- a peer whose selectors select no pod;
- a named port that no pod it could apply to declares;
- pods isolated for egress with no way to reach DNS (UDP 53);
- a Service with no endpoints.
"""

from __future__ import annotations

from k8snet_tutor.core.cluster import NetworkPolicy, Peer, Rule, problem_at
from k8snet_tutor.core.evaluate import Evaluator, iter_bits
from k8snet_tutor.core.problems import FieldPath, Problem
from k8snet_tutor.core.services import endpoints


def _warn(
    policy_or_obj: object, path: FieldPath, message: str, hint: str | None, code: str, label: str
) -> Problem:
    origin = getattr(policy_or_obj, "origin", None)
    document = origin.document if origin is not None else None
    return problem_at(
        document, path, message, severity="warning", hint=hint, obj=label, code=code
    )


def _named_ports(rule: Rule) -> list[tuple[int, str, str]]:
    return [
        (i, str(p.port), p.protocol) for i, p in enumerate(rule.ports) if isinstance(p.port, str)
    ]


def lint(ev: Evaluator) -> list[Problem]:
    out: list[Problem] = []
    cluster = ev.cluster
    pods_by_ns = {p.namespace for p in ev.pods}
    for pol in ev.policies:
        label = f"NetworkPolicy {pol.id}"
        selected = ev.ns_bits.get(pol.namespace, 0) & ev.selector_bits(pol.pod_selector)
        if pol.namespace not in pods_by_ns:
            out.append(
                _warn(
                    pol, ("metadata", "namespace"),
                    f"namespace {pol.namespace} has no pods, so this policy affects nothing",
                    "a policy only selects pods in its own namespace; check metadata.namespace",
                    "policy-empty-namespace", label,
                )
            )
        elif not selected:
            out.append(
                _warn(
                    pol, ("spec", "podSelector"),
                    f"spec.podSelector ({pol.pod_selector.describe()}) selects no pod in "
                    f"namespace {pol.namespace}",
                    "check the labels for typos: a selector that matches nothing protects nothing",
                    "policy-selects-nothing", label,
                )
            )
        for direction, rules, key in (("ingress", pol.ingress, "from"), ("egress", pol.egress, "to")):
            for ri, rule in enumerate(rules):
                out.extend(_lint_rule(ev, pol, direction, ri, rule, key, selected, label))
    out.extend(_lint_dns(ev))
    for svc in cluster.services:
        if svc.selector and not endpoints(cluster, svc):
            sel = ",".join(f"{k}={v}" for k, v in sorted(svc.selector.items()))
            out.append(
                _warn(
                    svc, ("spec", "selector"),
                    f"Service {svc.id} has no endpoints: no ready pod in {svc.namespace} has "
                    f"the labels {sel}",
                    "compare the selector with the pods' labels (kubectl get pods --show-labels)",
                    "service-no-endpoints", f"Service {svc.id}",
                )
            )
    return out


def _lint_rule(
    ev: Evaluator,
    pol: NetworkPolicy,
    direction: str,
    ri: int,
    rule: Rule,
    key: str,
    selected: int,
    label: str,
) -> list[Problem]:
    out: list[Problem] = []
    for pi, peer in enumerate(rule.peers):
        if peer.ip_block is not None:
            continue
        bits = ev.rule_pod_bits(Rule((peer,), ()), pol.namespace)
        if not bits and not _peer_selects_cluster_dns(ev, pol, peer):
            out.append(
                _warn(
                    pol, ("spec", direction, ri, key, pi),
                    f"{direction} rule #{ri + 1}, peer #{pi + 1} ({peer.describe(pol.namespace)}) "
                    "selects no pod",
                    "without a namespaceSelector a podSelector looks only in the policy's own "
                    "namespace; also check label spellings",
                    "peer-selects-nothing", label,
                )
            )
    for pi, name, proto in _named_ports(rule):
        if direction == "ingress":
            candidates = selected
        else:
            candidates = ev.rule_pod_bits(Rule(rule.peers, ()), pol.namespace)
        if not any(ev.reps[c].named_port(name, proto) for c in iter_bits(candidates)):
            where = "the pods this policy selects" if direction == "ingress" else "the pods this rule allows"
            out.append(
                _warn(
                    pol, ("spec", direction, ri, "ports", pi, "port"),
                    f"named port {name!r}/{proto} is declared by none of {where}, so it allows nothing",
                    "named ports are looked up on the destination pod's containerPorts, by name "
                    "and protocol",
                    "named-port-unresolved", label,
                )
            )
    return out


def _lint_dns(ev: Evaluator) -> list[Problem]:
    out: list[Problem] = []
    reported: set[str] = set()
    for c in range(ev.n):
        pols = ev.eg_policies[c]
        if not pols:
            continue
        rep = ev.reps[c]
        ok = False
        for pol in pols:
            for rule in pol.egress:
                if _rule_allows_dns(ev, pol, rule):
                    ok = True
                    break
            if ok:
                break
        if ok:
            continue
        for pol in pols:
            if pol.id in reported:
                continue
            reported.add(pol.id)
            out.append(
                _warn(
                    pol, ("spec",),
                    f"pods such as {rep.id} are isolated for egress and nothing lets them reach "
                    "DNS (UDP 53), so name lookups will fail",
                    "add an egress rule to the kube-dns pods in kube-system on UDP and TCP 53 "
                    "(namespaceSelector kubernetes.io/metadata.name: kube-system plus podSelector "
                    "k8s-app: kube-dns)",
                    "dns-blocked", f"NetworkPolicy {pol.id}",
                )
            )
    return out


# The cluster DNS pods are rarely in a folder of app manifests; a peer that would select them
# counts as a DNS allowance (and is not reported as selecting nothing).
DNS_NAMESPACE = "kube-system"
DNS_LABELS = {"k8s-app": "kube-dns"}


def _peer_selects_cluster_dns(ev: Evaluator, pol: NetworkPolicy, peer: Peer) -> bool:
    if peer.ip_block is not None:
        return False
    if peer.namespace_selector is None:
        if pol.namespace != DNS_NAMESPACE:
            return False
    elif not peer.namespace_selector.matches(ev.cluster.namespace_labels(DNS_NAMESPACE)):
        return False
    return peer.pod_selector is None or peer.pod_selector.matches(DNS_LABELS)


def _rule_allows_dns(ev: Evaluator, pol: NetworkPolicy, rule: Rule) -> bool:
    if rule.ports and not any(
        p.protocol == "UDP" and (p.port is None or p.port == 53 or p.port == "dns"
                                 or (isinstance(p.port, int) and p.end_port and p.port <= 53 <= p.end_port))
        for p in rule.ports
    ):
        return False
    if not rule.peers:
        return True
    if any(peer.ip_block is not None for peer in rule.peers):
        return True
    if any(_peer_selects_cluster_dns(ev, pol, peer) for peer in rule.peers):
        return True
    return bool(ev.rule_pod_bits(rule, pol.namespace))
