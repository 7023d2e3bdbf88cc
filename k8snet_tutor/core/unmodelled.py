"""What the tutor says about object kinds it reads past without modelling.

A folder of real manifests often holds kinds that change who can reach whom on a cluster
(a Cilium or Calico policy, an AdminNetworkPolicy, an Ingress)
but that the evaluator does not read. The note for them must not suggest that they are
harmless: it says the tutor does not model the kind and that the cluster may decide
differently. Kinds with no network meaning (a ConfigMap) get a plain "not modelled" note.

Calico and Antrea also call one of their own kinds `NetworkPolicy`; such an object is told
apart by its API group (`plugin_policy_label`) and skipped like the other plugin policies,
instead of being read as a Kubernetes NetworkPolicy it does not resemble.
"""

from __future__ import annotations

# kind -> who defines it; these kinds carry allow or deny rules of their own.
POLICY_KINDS: dict[str, str] = {
    "CiliumNetworkPolicy": "Cilium",
    "CiliumClusterwideNetworkPolicy": "Cilium",
    "GlobalNetworkPolicy": "Calico",
    "ClusterNetworkPolicy": "Antrea or SIG-Network",
    "AntreaNetworkPolicy": "Antrea",
    "AdminNetworkPolicy": "SIG-Network",
    "BaselineAdminNetworkPolicy": "SIG-Network",
    "EgressFirewall": "OVN-Kubernetes",
    "EgressNetworkPolicy": "OpenShift SDN",
}

# API groups whose own kind `NetworkPolicy` is a plugin policy, not the Kubernetes one.
POLICY_GROUPS: dict[str, str] = {
    "projectcalico.org": "Calico",
    "crd.projectcalico.org": "Calico",
    "crd.antrea.io": "Antrea",
}

# kind -> what it is: objects that a plugin's policies refer to or are ordered by; they carry
# no rules themselves but change what those policies do.
POLICY_PART_KINDS: dict[str, str] = {
    "NetworkSet": "Calico network sets (address sets that Calico policies refer to)",
    "GlobalNetworkSet": "Calico network sets (address sets that Calico policies refer to)",
    "Tier": "Antrea or Calico tiers (which order that plugin's policies)",
    "ClusterGroup": "Antrea groups (which Antrea policies refer to)",
    "Group": "Antrea groups (which Antrea policies refer to)",
    "CiliumCIDRGroup": "Cilium CIDR groups (which Cilium policies refer to)",
}

# Calico's staged policies record what they would do and are never enforced.
STAGED_KINDS = frozenset(
    {"StagedNetworkPolicy", "StagedGlobalNetworkPolicy", "StagedKubernetesNetworkPolicy"}
)

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


def _group(api_version: object) -> str:
    if not isinstance(api_version, str) or "/" not in api_version:
        return ""
    return api_version.split("/", 1)[0]


def plugin_policy_label(kind: object, api_version: object) -> str | None:
    """`NetworkPolicy (projectcalico.org/v3)` for a plugin's own kind named NetworkPolicy
    (Calico, Antrea); None for the Kubernetes NetworkPolicy and for every other kind."""
    if kind != "NetworkPolicy" or _group(api_version) not in POLICY_GROUPS:
        return None
    return f"NetworkPolicy ({api_version})"


def _plugin(kind: str) -> str | None:
    """Who defines a policy kind, or None; `kind` may be a `plugin_policy_label`."""
    if kind in POLICY_KINDS:
        return POLICY_KINDS[kind]
    if kind.startswith("NetworkPolicy (") and kind.endswith(")"):
        return POLICY_GROUPS.get(_group(kind[len("NetworkPolicy (") : -1]))
    return None


def affects_connectivity(kind: str) -> bool:
    """True for kinds known to change verdicts on a cluster that uses them."""
    return _plugin(kind) is not None or kind in POLICY_PART_KINDS or kind in ROUTING_KINDS


def skipped_kind_message(kind: str, count: int, where: str = "") -> str:
    """The note printed once per skipped kind (`where` names the first object when count > 1)."""
    head = f"skipped {count} object(s) of kind {kind}{where}"
    plugin = _plugin(kind)
    if plugin is not None:
        return (
            f"{head}: the tutor does not model {plugin} policies of this kind, so "
            "its verdicts ignore their rules (denies included) and may differ from a cluster "
            "that enforces them"
        )
    if kind in POLICY_PART_KINDS:
        return (
            f"{head}: the tutor does not model {POLICY_PART_KINDS[kind]}, nor the plugin's "
            "policies that use them, so verdicts may differ from a cluster that enforces them"
        )
    if kind in STAGED_KINDS:
        return (
            f"{head}: a Calico staged policy only reports what it would allow or deny and is "
            "not enforced, so it changes no connection on the cluster either; the tutor does "
            "not model it"
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
