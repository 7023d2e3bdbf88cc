"""What the tutor says about object kinds it reads past without modelling.

A folder of real manifests often holds kinds that change who can reach whom on a cluster
(a Cilium or Calico policy, an AdminNetworkPolicy, an Ingress)
but that the evaluator does not read. The note for them must not suggest that they are
harmless: it says the tutor does not model the kind and that the cluster may decide
differently. Kinds with no network meaning (a ConfigMap) get a plain "not modelled" note.
"""

from __future__ import annotations

# kind -> who defines it; these kinds carry allow or deny rules of their own.
POLICY_KINDS: dict[str, str] = {
    "CiliumNetworkPolicy": "Cilium",
    "CiliumClusterwideNetworkPolicy": "Cilium",
    "GlobalNetworkPolicy": "Calico",
    "NetworkSet": "Calico",
    "GlobalNetworkSet": "Calico",
    "StagedNetworkPolicy": "Calico",
    "StagedGlobalNetworkPolicy": "Calico",
    "ClusterNetworkPolicy": "Antrea or SIG-Network",
    "AntreaNetworkPolicy": "Antrea",
    "Tier": "Antrea or Calico",
    "AdminNetworkPolicy": "SIG-Network",
    "BaselineAdminNetworkPolicy": "SIG-Network",
}

# Kinds that decide where a Service's or a route's traffic goes.
ROUTING_KINDS: dict[str, str] = {
    "EndpointSlice": (
        "only discovery.k8s.io/v1 EndpointSlices are read, for Services without a selector; "
        "this one is of another API version or group, so it is ignored"
    ),
    "Endpoints": (
        "only v1 Endpoints are read, for Services without a selector; this one is of another "
        "API version or group, so it is ignored"
    ),
    "Ingress": (
        "HTTP routes through an ingress controller are not shown; the controller is a pod, and "
        "policies must admit it for the routed traffic to arrive"
    ),
    "IngressClass": "ingress controllers and their routes are not shown",
    "Gateway": (
        "Gateway API routing is not shown; the gateway's proxy pods are what policies must admit"
    ),
    "HTTPRoute": "Gateway API routing is not shown",
    "GRPCRoute": "Gateway API routing is not shown",
    "TCPRoute": "Gateway API routing is not shown",
    "TLSRoute": "Gateway API routing is not shown",
    "UDPRoute": "Gateway API routing is not shown",
}


def affects_connectivity(kind: str) -> bool:
    """True for kinds known to change verdicts on a cluster that uses them."""
    return kind in POLICY_KINDS or kind in ROUTING_KINDS


def skipped_kind_message(kind: str, count: int, where: str = "") -> str:
    """The note printed once per skipped kind (`where` names the first object when count > 1)."""
    head = f"skipped {count} object(s) of kind {kind}{where}"
    if kind in POLICY_KINDS:
        return (
            f"{head}: the tutor does not model {POLICY_KINDS[kind]} policies of this kind, so "
            "its verdicts ignore their rules (denies included) and may differ from a cluster "
            "that enforces them"
        )
    if kind in ROUTING_KINDS:
        return (
            f"{head}: the tutor does not model this kind ({ROUTING_KINDS[kind]}); verdicts "
            "may differ on a cluster that uses it"
        )
    return (
        f"{head}: the tutor does not model this kind; if it changes networking on your "
        "cluster, verdicts there may differ"
    )


def skipped_kind_severity(kind: str) -> str:
    """Known connectivity kinds are warnings; anything else is a note."""
    return "warning" if affects_connectivity(kind) else "note"
