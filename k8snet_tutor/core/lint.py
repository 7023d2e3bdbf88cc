"""Lint: things that are valid Kubernetes but probably not what the author meant.

- a policy that selects no pod, or sits in a namespace with no pods;
- a peer whose selectors select no pod;
- a named port that no pod it could apply to declares;
- pods isolated for egress with no way to reach DNS (UDP 53);
- a Service with no endpoints, telling "no pod matches" from "pods match but none is Ready";
- a Service open to outside clients with externalTrafficPolicy Cluster in front of pods whose
  policies admit outside addresses by ipBlock (the node's source NAT hides the client).
"""

from __future__ import annotations

from k8snet_tutor.core.cluster import (
    Cluster,
    IPBlock,
    NetworkPolicy,
    Peer,
    Pod,
    Rule,
    Service,
    problem_at,
)
from k8snet_tutor.core.evaluate import Evaluator, iter_bits, ports_connections
from k8snet_tutor.core.ipsets import address_value
from k8snet_tutor.core.problems import FieldPath, Problem
from k8snet_tutor.core.services import endpoint_set, target_port


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
        if not svc.selector:
            continue
        eps = endpoint_set(cluster, svc)
        if not eps.backends or eps.draining:
            out.append(_no_endpoints(cluster, svc))
    out.extend(_lint_client_address(ev))
    return out


def _why_not_endpoint(pod: Pod) -> str:
    """Why a pod that matches a Service's selector is not a (ready) endpoint of it."""
    if pod.phase in ("Succeeded", "Failed"):
        return "finished"
    if pod.phase == "Pending" and not pod.ip:
        return "pending"
    if pod.terminating:
        return "terminating"
    return "not-ready"


_NOT_ENDPOINT_WORDS = {
    "finished": "has finished",
    "pending": "is Pending with no IP yet",
    "terminating": "is terminating",
    "not-ready": "is not Ready",
}


def _no_endpoints(cluster: Cluster, svc: Service) -> Problem:
    sel = ",".join(f"{k}={v}" for k, v in sorted((svc.selector or {}).items()))
    selector = svc.selector or {}
    matching = [
        p for p in cluster.pods
        if p.namespace == svc.namespace and all(p.labels.get(k) == v for k, v in selector.items())
    ]
    label = f"Service {svc.id}"
    if matching:
        reasons = [(p, _why_not_endpoint(p)) for p in matching]
        shown = "; ".join(f"{p.name} {_NOT_ENDPOINT_WORDS[why]}" for p, why in reasons[:3])
        more = "; ..." if len(reasons) > 3 else ""
        kinds = {why for _, why in reasons}
        hints = ["the selector is right, so look at the pods, not at the labels"]
        if "not-ready" in kinds:
            hints.append(
                "for pods that are not Ready, find out why (kubectl describe pod: readiness "
                "probe, failing container); the EndpointSlice lists them with ready=false"
            )
        if "terminating" in kinds:
            hints.append(
                "terminating pods are being deleted and stay listed with terminating=true; "
                "kube-proxy falls back to those still passing their readiness probe only until "
                "they are gone, so check that their replacements start and become Ready"
            )
        if kinds & {"finished", "pending"}:
            hints.append(
                "a finished pod never serves again, and a Pending one has not started yet"
            )
        return _warn(
            svc, ("spec", "selector"),
            f"Service {svc.id} has no ready endpoints: {len(matching)} pod(s) in "
            f"{svc.namespace} match its selector, but none of them is a ready endpoint "
            f"({shown}{more})"
            + ("" if "terminating" in kinds else ", so no connection through the Service "
               "reaches a pod"),
            "; ".join(hints),
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
                    "k8s-app: kube-dns, in one peer; use the DNS pods' own port if it is not "
                    "53); if your cluster runs NodeLocal DNSCache, a hostNetwork cache on each "
                    "node answers the lookups, at a link-local address (often 169.254.20.10) "
                    "and often at the kube-dns Service address too: selectors do not match it, "
                    "so allow those addresses with an ipBlock",
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


def _dns_ports(ev: Evaluator, dns_bits: int) -> set[int]:
    """53, and the UDP ports the cluster DNS pods declare (some distributions serve DNS on
    5353 behind Service port 53, and policies see the pod's port)."""
    ports = {53}
    for c in iter_bits(dns_bits):
        ports.update(cp.port for cp in ev.reps[c].ports if cp.protocol == "UDP")
    return ports


def _rule_allows_dns(ev: Evaluator, pol: NetworkPolicy, rule: Rule) -> bool:
    """The rule admits UDP DNS to the cluster DNS: to the DNS pods (on 53 or the port they
    declare) when the input has them, otherwise to a peer that would select them, or to an
    ipBlock holding a usual DNS address. A rule that reaches only some other pod (a look-alike
    cache, an app) does not count."""
    dns_bits = _dns_pod_bits(ev)
    dns_ports = _dns_ports(ev, dns_bits)

    def admits_dns_port(port: int | str | None, end_port: int | None) -> bool:
        if port is None or port == "dns":
            return True
        if not isinstance(port, int):
            return False
        return any(port <= n <= (end_port or port) for n in dns_ports)

    if rule.ports and not any(
        p.protocol == "UDP" and admits_dns_port(p.port, p.end_port) for p in rule.ports
    ):
        return False
    if not rule.peers:
        return True
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


def _lint_client_address(ev: Evaluator) -> list[Problem]:
    """A Service open to outside clients with externalTrafficPolicy Cluster, in front of pods
    whose ingress admits outside addresses on the Service's target port only by a narrow
    ipBlock: the node's source NAT hides the client's address from those rules."""
    out: list[Problem] = []
    for svc in ev.cluster.services:
        if svc.external_traffic_policy != "Cluster":
            continue
        for backend in endpoint_set(ev.cluster, svc).backends:
            pod = backend.pod
            found = _address_rule(ev, svc, pod) if pod is not None else None
            if pod is None or found is None:
                continue
            pol, index, block = found
            spec = svc.origin.document.data.get("spec") if svc.origin.document else None
            path: FieldPath = (
                ("spec", "externalTrafficPolicy")
                if isinstance(spec, dict) and "externalTrafficPolicy" in spec
                else ("spec", "type")
            )
            out.append(
                _warn(
                    svc, path,
                    f"Service {svc.id} takes outside clients with externalTrafficPolicy "
                    f"Cluster (the default): with kube-proxy, a node passes them on with its "
                    f"own address (source NAT), so {pod.id} usually sees a node address, and "
                    f"{block.describe()} in policy {pol.id} (ingress rule #{index + 1}) is "
                    "compared with that address, not the client's",
                    "set `externalTrafficPolicy: Local` to keep client addresses (only the "
                    "nodes that run an endpoint then answer); widening the ipBlock to the "
                    "nodes' addresses would admit every client",
                    "client-address-hidden", f"Service {svc.id}",
                )
            )
            break
    return out


def _address_rule(
    ev: Evaluator, svc: Service, pod: Pod
) -> tuple[NetworkPolicy, int, IPBlock] | None:
    """The first ingress rule isolating `pod` that admits outside addresses by a narrow
    ipBlock on a port the Service sends to; None when, on every such port, the pod's ingress
    is open to any source (a rule without `from`, or an ipBlock of every address)."""
    isolating, _ = ev.isolation(pod)
    if not isolating:
        return None
    ports = {
        (number, sp.protocol)
        for sp in svc.ports
        if (number := target_port(sp, pod)) is not None
    }
    for number, protocol in sorted(ports):
        rules = [
            (pol, index, rule)
            for pol in isolating
            for index, rule in enumerate(pol.ingress)
            if ports_connections(rule.ports, pod).allows(number, protocol)
        ]
        if any(
            not rule.peers or any(_everywhere(p.ip_block) for p in rule.peers)
            for _, _, rule in rules
        ):
            continue  # every source gets in on this port: the node's address too
        for pol, index, rule in rules:
            block = next((p.ip_block for p in rule.peers if p.ip_block is not None), None)
            if block is not None:
                return pol, index, block
    return None


def _everywhere(block: IPBlock | None) -> bool:
    return block is not None and block.cidr in ("0.0.0.0/0", "::/0") and not block.excepts
