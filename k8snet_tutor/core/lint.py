"""Lint: things that are valid Kubernetes but probably not what the author meant.

- a policy that selects no pod, or sits in a namespace with no pods;
- a peer whose selectors select no pod;
- a named port that no pod it could apply to declares;
- pods isolated for egress with no way to reach DNS (UDP 53);
- a Service with no endpoints, telling "no pod matches" from "pods match but none is Ready".
"""

from __future__ import annotations

from k8snet_tutor.core.cluster import Cluster, NetworkPolicy, Peer, Rule, Service, problem_at
from k8snet_tutor.core.evaluate import Evaluator, iter_bits
from k8snet_tutor.core.ipsets import address_value
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
            out.append(_no_endpoints(cluster, svc))
    return out


def _no_endpoints(cluster: Cluster, svc: Service) -> Problem:
    sel = ",".join(f"{k}={v}" for k, v in sorted((svc.selector or {}).items()))
    selector = svc.selector or {}
    matching = [
        p for p in cluster.pods
        if p.namespace == svc.namespace and all(p.labels.get(k) == v for k, v in selector.items())
    ]
    label = f"Service {svc.id}"
    if matching:
        names = ", ".join(p.name for p in matching[:3]) + (", ..." if len(matching) > 3 else "")
        return _warn(
            svc, ("spec", "selector"),
            f"Service {svc.id} has no ready endpoints: {len(matching)} pod(s) in "
            f"{svc.namespace} match its selector ({names}) but none of them is Ready, so no "
            "connection through the Service reaches a pod",
            "the selector is right; find out why the pods are not Ready (kubectl describe pod: "
            "readiness probe, failing container). The EndpointSlice lists them with ready=false",
            "service-no-ready-endpoints", label,
        )
    return _warn(
        svc, ("spec", "selector"),
        f"Service {svc.id} has no endpoints: no pod in {svc.namespace} has all the labels "
        f"{sel}",
        "compare the selector with the pods' labels (kubectl get pods --show-labels); a Service "
        "only selects pods in its own namespace",
        "service-no-endpoints", label,
    )


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
                    "k8s-app: kube-dns, in one peer); if your cluster runs NodeLocal DNSCache, "
                    "pods send DNS to its link-local address (often 169.254.20.10), which needs "
                    "an ipBlock of its own",
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


# Addresses a DNS ipBlock usually targets: the kubeadm default kube-dns Service IP and the
# usual NodeLocal DNSCache link-local address.
DNS_ADDRESSES = ("10.96.0.10", "169.254.20.10")


def _dns_pod_bits(ev: Evaluator) -> int:
    """Classes holding the cluster DNS pods (the kube-dns labels), 0 when none are loaded."""
    bits = 0
    for i, pod in enumerate(ev.pods):
        if all(pod.labels.get(k) == v for k, v in DNS_LABELS.items()):
            bits |= 1 << ev.class_of[i]
    return bits


def _block_reaches_dns(ev: Evaluator, peer: Peer, dns_bits: int) -> bool:
    assert peer.ip_block is not None
    ipset = peer.ip_block.ipset
    addresses = [*DNS_ADDRESSES, *(ev.reps[c].ip or "" for c in iter_bits(dns_bits))]
    for text in addresses:
        try:
            if text and ipset.contains_value(address_value(text)):
                return True
        except ValueError:
            continue
    return False


def _rule_allows_dns(ev: Evaluator, pol: NetworkPolicy, rule: Rule) -> bool:
    """The rule admits UDP 53 to the cluster DNS: to the DNS pods when the input has them,
    otherwise to a peer that would select them, or to an ipBlock holding a usual DNS address.
    A rule that reaches only some other pod (a look-alike cache, an app) does not count."""
    if rule.ports and not any(
        p.protocol == "UDP" and (p.port is None or p.port == 53 or p.port == "dns"
                                 or (isinstance(p.port, int) and p.end_port and p.port <= 53 <= p.end_port))
        for p in rule.ports
    ):
        return False
    if not rule.peers:
        return True
    dns_bits = _dns_pod_bits(ev)
    for peer in rule.peers:
        if peer.ip_block is not None:
            if _block_reaches_dns(ev, peer, dns_bits):
                return True
        elif dns_bits:
            if ev.rule_pod_bits(Rule((peer,), ()), pol.namespace) & dns_bits:
                return True
        elif _peer_selects_cluster_dns(ev, pol, peer):
            return True
    return False
