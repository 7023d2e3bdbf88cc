"""Why a connection is allowed or denied, as data and as plain sentences.

This walks the policies for one (source, destination, port) directly on the pod objects, rule by
rule and peer by peer, so it can name what decided the verdict. It is deliberately separate from
the fast class-based engine in `evaluate.py`; the tests check that the two always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from k8snet_tutor.core.cluster import NetworkPolicy, Peer, Pod, PolicyPort, Rule
from k8snet_tutor.core.evaluate import Evaluator, External, IPBlockMode
from k8snet_tutor.core.ipsets import IPSet, address_value
from k8snet_tutor.core.ports import PortProbe

Direction = Literal["ingress", "egress"]
Endpoint = Pod | External


@dataclass
class RuleCheck:
    """How one rule of one policy fared against the connection."""

    policy: str  # "ns/name"
    rule_index: int
    peer_matched: bool
    port_matched: bool
    peer_reason: str
    port_reason: str
    pod_ip_block: bool = False  # an ipBlock was tested against a pod's IP (CNI-dependent)

    @property
    def admits(self) -> bool:
        return self.peer_matched and self.port_matched

    def sentence(self, direction: Direction) -> str:
        where = f"{direction} rule #{self.rule_index + 1} of policy {self.policy}"
        if self.admits:
            return f"{where} allows it: {self.peer_reason}, and {self.port_reason}."
        if not self.peer_matched:
            return f"{where} does not apply: {self.peer_reason}."
        return f"{where} matches the peer but not the port: {self.port_reason}."


@dataclass
class SideExplanation:
    """One direction: the source's egress or the destination's ingress."""

    direction: Direction
    pod: str | None  # whose policies are consulted; None for an external address
    isolated: bool
    allowed: bool
    policies: list[str] = field(default_factory=list)  # policies isolating the pod this way
    empty_policies: list[str] = field(default_factory=list)  # isolate but have no rules
    checks: list[RuleCheck] = field(default_factory=list)
    other_direction_policies: list[str] = field(default_factory=list)

    @property
    def admitted_by(self) -> list[RuleCheck]:
        return [c for c in self.checks if c.admits]

    def sentences(self) -> list[str]:
        d = self.direction
        if self.pod is None:
            return [
                f"{d}: an address outside the cluster has no NetworkPolicy of its own, "
                "so only the pod's side decides."
            ]
        if not self.isolated:
            text = (
                f"{d}: no NetworkPolicy selects {self.pod} with {d.capitalize()} in its "
                f"policyTypes, so {self.pod} is not isolated for {d} and this side allows it."
            )
            if self.other_direction_policies:
                text += (
                    f" ({', '.join(self.other_direction_policies)} select(s) it, but only for "
                    f"{'Egress' if d == 'ingress' else 'Ingress'}.)"
                )
            return [text]
        out = [
            f"{d}: {self.pod} is isolated for {d} by {_names(self.policies)}; only traffic "
            f"that one of their {d} rules allows gets through."
        ]
        for name in self.empty_policies:
            out.append(
                f"{d}: policy {name} selects {self.pod} for {d} but has no {d} rules, "
                "so by itself it allows nothing."
            )
        admitted = self.admitted_by
        if admitted:
            out.extend(c.sentence(d) for c in admitted)
        else:
            out.extend(c.sentence(d) for c in self.checks)
            out.append(f"{d}: no rule allows it, so this side denies it.")
        return out


@dataclass
class Explanation:
    source: str
    destination: str
    probe: str
    allowed: bool
    egress: SideExplanation | None
    ingress: SideExplanation | None
    notes: list[str] = field(default_factory=list)
    cni_dependent: bool = False

    @property
    def verdict(self) -> str:
        return "allowed" if self.allowed else "denied"

    def summary(self) -> str:
        """One sentence: the verdict and its main reason."""
        head = f"{self.source} -> {self.destination} on {self.probe} is {self.verdict}"
        if self.notes and self.egress is None and self.ingress is None:
            return f"{head}: {self.notes[0]}"
        blocking = [s for s in (self.egress, self.ingress) if s is not None and not s.allowed]
        if blocking:
            side = blocking[0]
            return f"{head}: {side.pod} is isolated for {side.direction} and no {side.direction} rule admits it."
        sides = [s for s in (self.egress, self.ingress) if s is not None]
        if all(not s.isolated for s in sides):
            return f"{head}: no policy isolates either side."
        return f"{head}: both sides allow it."

    def sentences(self) -> list[str]:
        out = [self.summary()]
        for side in (self.egress, self.ingress):
            if side is not None:
                out.extend(side.sentences())
        out.extend(self.notes)
        return out

    def text(self) -> str:
        return "\n".join(self.sentences())

    def to_dict(self) -> dict[str, object]:
        def side(s: SideExplanation | None) -> dict[str, object] | None:
            if s is None:
                return None
            return {
                "direction": s.direction,
                "pod": s.pod,
                "isolated": s.isolated,
                "allowed": s.allowed,
                "policies": s.policies,
                "policies_without_rules": s.empty_policies,
                "rules": [
                    {
                        "policy": c.policy,
                        "rule": c.rule_index,
                        "peer_matched": c.peer_matched,
                        "port_matched": c.port_matched,
                        "peer_reason": c.peer_reason,
                        "port_reason": c.port_reason,
                        "admits": c.admits,
                    }
                    for c in s.checks
                ],
                "sentences": s.sentences(),
            }

        return {
            "from": self.source,
            "to": self.destination,
            "port": self.probe,
            "allowed": self.allowed,
            "verdict": self.verdict,
            "summary": self.summary(),
            "egress": side(self.egress),
            "ingress": side(self.ingress),
            "notes": self.notes,
            "cni_dependent": self.cni_dependent,
        }


def _names(names: list[str]) -> str:
    quoted = [f"policy {n}" for n in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


# --------------------------------------------------------------------------------------------
# Matching one peer / one port, with the reason in words


def _peer_matches(
    peer: Peer, policy: NetworkPolicy, other: Endpoint, ev: Evaluator, mode: IPBlockMode
) -> tuple[bool, str]:
    desc = peer.describe(policy.namespace)
    if peer.ip_block is not None:
        ipset: IPSet = peer.ip_block.ipset
        if isinstance(other, External):
            if ipset.contains_range(other.lo, other.hi):
                return True, f"{other.id} is inside {desc}"
            return False, f"{other.id} is not inside {desc}"
        if mode == "external":
            return False, (
                f"{desc} matches addresses outside the cluster only (ipBlock mode 'external'), "
                f"not pod {other.id}"
            )
        if not other.ip:
            return False, f"{desc} matches addresses, and pod {other.id} has no known IP"
        if ipset.contains_value(address_value(other.ip)):
            return True, f"pod {other.id} has IP {other.ip}, inside {desc}"
        return False, f"pod {other.id} has IP {other.ip}, not inside {desc}"
    if isinstance(other, External):
        return False, f"{desc} selects pods, and {other.id} is an address outside the cluster"
    if peer.namespace_selector is None:
        if other.namespace != policy.namespace:
            return False, (
                f"{desc}: without a namespaceSelector a podSelector only looks in the policy's own "
                f"namespace ({policy.namespace}), and {other.id} is in {other.namespace}"
            )
    else:
        ns_labels = ev.cluster.namespace_labels(other.namespace)
        if not peer.namespace_selector.matches(ns_labels):
            return False, (
                f"{desc}: namespace {other.namespace} (labels {_labels(ns_labels)}) does not "
                f"match {peer.namespace_selector.describe()}"
            )
    if peer.pod_selector is not None and not peer.pod_selector.matches(other.labels):
        return False, (
            f"{desc}: {other.id} (labels {_labels(other.labels)}) does not match "
            f"{peer.pod_selector.describe()}"
        )
    return True, f"{other.id} matches {desc}"


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return "none"
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def _port_matches(
    ports: tuple[PolicyPort, ...], port: int, protocol: str, dst: Pod | None
) -> tuple[bool, str]:
    if not ports:
        return True, "the rule lists no ports, so every port is allowed"
    reasons = []
    for p in ports:
        if p.protocol != protocol:
            reasons.append(f"{p.describe()} is another protocol")
            continue
        if p.port is None:
            return True, f"the rule allows {p.describe()}"
        if isinstance(p.port, int):
            hi = p.end_port or p.port
            if p.port <= port <= hi:
                return True, f"the rule allows {p.describe()}"
            reasons.append(f"{p.describe()} does not include {port}")
            continue
        if dst is None:
            reasons.append(
                f"named port {p.port!r} cannot be looked up for an address outside the cluster"
            )
            continue
        cp = dst.named_port(p.port, p.protocol)
        if cp is None:
            reasons.append(f"named port {p.port!r}/{p.protocol} is not declared by pod {dst.id}")
        elif cp.port == port:
            return True, f"the rule allows named port {p.port!r}, which is {port} on {dst.id}"
        else:
            reasons.append(f"named port {p.port!r} is {cp.port} on {dst.id}, not {port}")
    return False, "; ".join(reasons)


def _side(
    ev: Evaluator,
    direction: Direction,
    pod: Pod,
    other: Endpoint,
    port: int,
    protocol: str,
    dst_pod: Pod | None,
    mode: IPBlockMode,
) -> SideExplanation:
    isolating: list[NetworkPolicy] = []
    other_dir: list[str] = []
    for pol in ev.policies:
        if pol.namespace != pod.namespace or not pol.pod_selector.matches(pod.labels):
            continue
        affects = pol.affects_ingress if direction == "ingress" else pol.affects_egress
        (isolating.append(pol) if affects else other_dir.append(pol.id))
    side = SideExplanation(direction, pod.id, bool(isolating), not isolating)
    side.policies = [p.id for p in isolating]
    side.other_direction_policies = other_dir
    for pol in isolating:
        rules: tuple[Rule, ...] = pol.ingress if direction == "ingress" else pol.egress
        if not rules:
            side.empty_policies.append(pol.id)
        for i, rule in enumerate(rules):
            # Whether an ipBlock meets a pod's IP: the one place the ipBlock reading matters.
            pod_ip = isinstance(other, Pod) and bool(other.ip) and any(
                p.ip_block is not None for p in rule.peers
            )
            if rule.peers:
                matched, peer_reason = False, ""
                reasons = []
                for peer in rule.peers:
                    ok, why = _peer_matches(peer, pol, other, ev, mode)
                    if ok:
                        matched, peer_reason = True, why
                        break
                    reasons.append(why)
                if not matched:
                    peer_reason = "; ".join(reasons)
            else:
                word = "from" if direction == "ingress" else "to"
                matched, peer_reason = True, f"the rule has no `{word}`, so it admits every peer"
            port_ok, port_reason = _port_matches(rule.ports, port, protocol, dst_pod)
            side.checks.append(
                RuleCheck(pol.id, i, matched, port_ok, peer_reason, port_reason, pod_ip)
            )
    if isolating:
        side.allowed = any(c.admits for c in side.checks)
    return side


def _sides(
    ev: Evaluator, src: Endpoint, dst: Endpoint, port: int, protocol: str, mode: IPBlockMode
) -> tuple[SideExplanation, SideExplanation]:
    """The source's egress side and the destination's ingress side, read in `mode`."""
    dst_pod = dst if isinstance(dst, Pod) else None
    egress = (
        _side(ev, "egress", src, dst, port, protocol, dst_pod, mode)
        if isinstance(src, Pod)
        else SideExplanation("egress", None, False, True)
    )
    ingress = (
        _side(ev, "ingress", dst, src, port, protocol, dst_pod, mode)
        if isinstance(dst, Pod)
        else SideExplanation("ingress", None, False, True)
    )
    return egress, ingress


def explain(ev: Evaluator, src: Endpoint, dst: Endpoint, probe: PortProbe) -> Explanation:
    """Explain `src -> dst` on `probe` (a numeric or named destination port)."""
    probe_text = str(probe)
    dst_pod = dst if isinstance(dst, Pod) else None
    notes: list[str] = []
    port: int | None
    if isinstance(probe.port, str):
        cp = dst_pod.named_port(probe.port, probe.protocol) if dst_pod else None
        if cp is None:
            where = f"pod {dst.id}" if dst_pod else "an external address"
            return Explanation(
                src.id,
                dst.id,
                probe_text,
                False,
                None,
                None,
                [f"{where} declares no container port named {probe.port!r} for {probe.protocol}."],
            )
        port = cp.port
        probe_text = f"{probe.port}={port}/{probe.protocol}"
    else:
        port = probe.port
    if isinstance(src, Pod) and isinstance(dst, Pod) and src.id == dst.id and src.replicas <= 1:
        return Explanation(
            src.id,
            dst.id,
            probe_text,
            True,
            None,
            None,
            ["A pod can always reach itself: NetworkPolicy never blocks traffic from a pod to itself."],
        )
    egress, ingress = _sides(ev, src, dst, port, probe.protocol, ev.mode)
    allowed = egress.allowed and ingress.allowed
    for ep in (src, dst):
        if isinstance(ep, Pod) and ep.host_network:
            notes.append(
                f"{ep.id} uses hostNetwork: the spec leaves policy for such pods undefined. "
                "Most plugins treat its traffic as the node's (pod selectors do not match it, "
                "and policies selecting it have no effect); this verdict shows the less common "
                "reading, as a normal pod, so treat the cell as undefined."
            )
    exp = Explanation(src.id, dst.id, probe_text, allowed, egress, ingress, notes)
    if any(c.pod_ip_block for side in (egress, ingress) for c in side.checks):
        other_mode: IPBlockMode = "external" if ev.mode == "pods" else "pods"
        other_eg, other_in = _sides(ev, src, dst, port, probe.protocol, other_mode)
        if (other_eg.allowed and other_in.allowed) != allowed:
            exp.cni_dependent = True
            if ev.mode == "pods":
                notes.append(
                    "CNI-dependent: this verdict relies on an ipBlock matching a pod IP. The "
                    "spec leaves that to the network plugin (netpol-analyzer and Cilium say no); "
                    "run with `--ipblocks external` to see the other reading."
                )
            else:
                notes.append(
                    "CNI-dependent: with ipBlocks also matching pod IPs (the default mode) this "
                    f"connection would be {'denied' if allowed else 'allowed'}."
                )
    return exp
