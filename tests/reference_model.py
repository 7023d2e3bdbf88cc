"""A plain, slow reading of NetworkPolicy v1 semantics, used as the oracle in property tests.

Written straight from the spec text (the reference notes, section 3), independently of
`k8snet_tutor.core.evaluate` and `k8snet_tutor.core.selectors`: nothing here is shared with the
engine except the meaning. Every question is answered for ONE concrete connection (a source, a
destination, a port number and a protocol) by walking every policy and every rule.

Input is raw dicts:

- namespace: `{"name": "prod", "labels": {"team": "a"}}` (the control-plane label
  `kubernetes.io/metadata.name=<name>` is added here, as the API server would);
- pod: `{"namespace": "prod", "name": "web", "labels": {...},
  "containerPorts": [{"name": "http", "containerPort": 80, "protocol": "TCP"}],
  "podIP": "10.0.0.5"}` (`podIP` and `protocol` optional);
- policy: a `networking.k8s.io/v1` NetworkPolicy mapping (`metadata.namespace`, `spec`).

`ipblocks="pods"`: an ipBlock peer also matches pods whose podIP lies in it.
`ipblocks="external"`: an ipBlock peer matches addresses only.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from typing import Any

NAME_LABEL = "kubernetes.io/metadata.name"

Dict = Mapping[str, Any]


# --------------------------------------------------------------------------------------------
# Label selectors


def expression_matches(expr: Dict, labels: Mapping[str, str]) -> bool:
    key = expr["key"]
    op = expr["operator"]
    values = list(expr.get("values") or [])
    has_key = key in labels
    if op == "In":
        return has_key and labels[key] in values
    if op == "NotIn":
        # a pod without the key is "not in" any set of values
        return (not has_key) or labels[key] not in values
    if op == "Exists":
        return has_key
    if op == "DoesNotExist":
        return not has_key
    raise ValueError(f"unknown operator {op!r}")


def selector_matches(selector: Dict | None, labels: Mapping[str, str]) -> bool:
    """matchLabels AND matchExpressions; `{}` matches everything, None (null) nothing."""
    if selector is None:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if key not in labels or labels[key] != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        if not expression_matches(expr, labels):
            return False
    return True


# --------------------------------------------------------------------------------------------
# Addresses


def address_in_block(address: str, block: Dict) -> bool:
    """Inside `cidr` and outside every `except`."""
    addr = ipaddress.ip_address(address)
    net = ipaddress.ip_network(block["cidr"], strict=False)
    if addr.version != net.version or addr not in net:
        return False
    for ex in block.get("except") or []:
        ex_net = ipaddress.ip_network(ex, strict=False)
        if addr.version == ex_net.version and addr in ex_net:
            return False
    return True


# --------------------------------------------------------------------------------------------
# The model


class ReferenceModel:
    def __init__(
        self,
        namespaces: Sequence[Dict],
        pods: Sequence[Dict],
        policies: Sequence[Dict],
        ipblocks: str = "pods",
    ) -> None:
        assert ipblocks in ("pods", "external")
        self.namespaces = list(namespaces)
        self.pods = list(pods)
        self.policies = list(policies)
        self.ipblocks = ipblocks

    # -- small readers ------------------------------------------------------------------------

    def namespace_labels(self, name: str) -> dict[str, str]:
        labels: dict[str, str] = {}
        for n in self.namespaces:
            if n["name"] == name:
                labels = dict(n.get("labels") or {})
        labels[NAME_LABEL] = name  # always present, always the name
        return labels

    @staticmethod
    def policy_namespace(policy: Dict) -> str:
        return (policy.get("metadata") or {}).get("namespace") or "default"

    @staticmethod
    def spec(policy: Dict) -> Dict:
        return policy.get("spec") or {}

    def policy_types(self, policy: Dict) -> list[str]:
        spec = self.spec(policy)
        types = spec.get("policyTypes")
        if types:  # given and non-empty: exactly what is written
            return list(types)
        inferred = ["Ingress"]
        egress = spec.get("egress")
        if egress is not None and len(egress) != 0:
            inferred.append("Egress")
        return inferred

    def policy_selects(self, policy: Dict, pod: Dict) -> bool:
        if self.policy_namespace(policy) != pod["namespace"]:
            return False
        selector = self.spec(policy).get("podSelector")
        if selector is None:
            selector = {}  # optional field, defaults to "all pods in the namespace"
        return selector_matches(selector, pod.get("labels") or {})

    @staticmethod
    def same_pod(a: Dict, b: Dict) -> bool:
        return bool(a["namespace"] == b["namespace"] and a["name"] == b["name"])

    # -- rules --------------------------------------------------------------------------------

    @staticmethod
    def port_entry_matches(entry: Dict, port: int, protocol: str, dst_pod: Dict | None) -> bool:
        entry_protocol = entry.get("protocol") or "TCP"
        if entry_protocol != protocol:
            return False
        entry_port = entry.get("port")
        if entry_port is None:
            return True  # every port of that protocol
        if isinstance(entry_port, int):
            end = entry.get("endPort")
            if end is None:
                return port == entry_port
            return bool(entry_port <= port <= end)
        # a named port: look it up on the destination pod, by name and protocol
        if dst_pod is None:
            return False  # an address has no container ports
        for cp in dst_pod.get("containerPorts") or []:
            if (
                cp.get("name") == entry_port
                and (cp.get("protocol") or "TCP") == protocol
                and cp["containerPort"] == port
            ):
                return True
        return False

    def peer_matches(self, peer: Dict, policy_ns: str, endpoint: tuple[str, Any]) -> bool:
        """endpoint is ("pod", pod dict) or ("ip", "1.2.3.4")."""
        kind, value = endpoint
        if "ipBlock" in peer and peer["ipBlock"] is not None:
            if kind == "ip":
                return address_in_block(value, peer["ipBlock"])
            if self.ipblocks == "pods" and value.get("podIP"):
                return address_in_block(value["podIP"], peer["ipBlock"])
            return False
        if kind == "ip":
            return False  # selectors only ever pick pods
        pod = value
        pod_sel = peer.get("podSelector")
        ns_sel = peer.get("namespaceSelector")
        if ns_sel is None:
            namespace_ok = pod["namespace"] == policy_ns
        else:
            namespace_ok = selector_matches(ns_sel, self.namespace_labels(pod["namespace"]))
        if not namespace_ok:
            return False
        if pod_sel is None:
            return True  # namespaceSelector alone: every pod of those namespaces
        return selector_matches(pod_sel, pod.get("labels") or {})

    def rule_matches(
        self,
        rule: Dict,
        peers_key: str,
        policy_ns: str,
        peer: tuple[str, Any],
        port: int,
        protocol: str,
        dst_pod: Dict | None,
    ) -> bool:
        ports = rule.get("ports") or []
        if ports and not any(self.port_entry_matches(e, port, protocol, dst_pod) for e in ports):
            return False
        peers = rule.get(peers_key) or []
        if peers and not any(self.peer_matches(p, policy_ns, peer) for p in peers):
            return False
        return True

    def ingress_allows(self, dst_pod: Dict, src: tuple[str, Any], port: int, protocol: str) -> bool:
        isolating = [
            p
            for p in self.policies
            if self.policy_selects(p, dst_pod) and "Ingress" in self.policy_types(p)
        ]
        if not isolating:
            return True
        for policy in isolating:
            for rule in self.spec(policy).get("ingress") or []:
                if self.rule_matches(
                    rule or {}, "from", self.policy_namespace(policy), src, port, protocol, dst_pod
                ):
                    return True
        return False

    def egress_allows(self, src_pod: Dict, dst: tuple[str, Any], port: int, protocol: str) -> bool:
        isolating = [
            p
            for p in self.policies
            if self.policy_selects(p, src_pod) and "Egress" in self.policy_types(p)
        ]
        if not isolating:
            return True
        dst_pod = dst[1] if dst[0] == "pod" else None
        for policy in isolating:
            for rule in self.spec(policy).get("egress") or []:
                if self.rule_matches(
                    rule or {}, "to", self.policy_namespace(policy), dst, port, protocol, dst_pod
                ):
                    return True
        return False

    # -- answers ------------------------------------------------------------------------------

    def allowed(self, src_pod: Dict, dst_pod: Dict, port: int, protocol: str) -> bool:
        if self.same_pod(src_pod, dst_pod):
            return True
        return self.egress_allows(src_pod, ("pod", dst_pod), port, protocol) and (
            self.ingress_allows(dst_pod, ("pod", src_pod), port, protocol)
        )

    def allowed_from_ip(self, ip: str, dst_pod: Dict, port: int, protocol: str) -> bool:
        return self.ingress_allows(dst_pod, ("ip", ip), port, protocol)

    def allowed_to_ip(self, src_pod: Dict, ip: str, port: int, protocol: str) -> bool:
        return self.egress_allows(src_pod, ("ip", ip), port, protocol)
