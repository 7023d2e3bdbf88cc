"""Rules for NetworkPolicy: policy types, rules, peers, ipBlock and ports."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any, Final

from k8snet_tutor.core.problems import FieldPath
from k8snet_tutor.core.validation.formats import IPNetwork, parse_cidr, port_name_error
from k8snet_tutor.core.validation.metadata import MetadataRules
from k8snet_tutor.core.validation.vocabulary import POLICY_TYPES
from k8snet_tutor.core.wording import brief, describe_type, scalar_text, show

# Special explanations for unknown fields that learners often write (keyed by field name).
_ALPHA_RULES_HINT: Final = (
    "`allowIncoming` comes from the 2016 alpha API (net.alpha.kubernetes.io/v1alpha1); in "
    "networking.k8s.io/v1 write `ingress:` rules with `from:` and `ports:`"
)
_PEER_IN_RULE_HINT: Final = (
    "peers go inside the rule's list: `{key}: [{{{field}: ...}}]`; check the indentation"
)
_SPEC_SPECIAL: Final[dict[str, str]] = {
    "allowIncoming": _ALPHA_RULES_HINT,
    "applyTo": "`applyTo` is from the 2016 alpha prototype; in v1 use `podSelector: {matchLabels: ...}`",
    "from": "rules go inside `ingress:` (sources under `from`) or `egress:` (destinations under `to`)",
    "to": "rules go inside `ingress:` (sources under `from`) or `egress:` (destinations under `to`)",
    "ports": "`ports` belongs inside an `ingress` or `egress` rule; check the indentation",
}
_PORT_SPECIAL: Final[dict[str, str]] = {
    "targetPort": (
        "NetworkPolicy ports are the destination pod's own ports, so there is no targetPort: "
        "put the container port under `port`"
    ),
    "containerPort": "in a NetworkPolicy the pod's port goes under `port`",
    "name": "to use a named port, put the name under `port` (e.g. `port: http`)",
}


class PolicyRules(MetadataRules):
    # ---- NetworkPolicy ----------------------------------------------------------------------

    def network_policy(self, obj: Mapping[str, Any]) -> None:
        self.metadata(obj, "NetworkPolicy", "subdomain")
        if obj.get("apiVersion") == "extensions/v1beta1":
            self.warning(
                ("apiVersion",),
                "extensions/v1beta1 NetworkPolicy has not been served since Kubernetes 1.16; "
                "the tutor reads it as networking.k8s.io/v1, which has the same fields and, "
                "from Kubernetes 1.7 on, had the same meaning. Before 1.7 (1.3 to 1.6) beta "
                "policies only took effect in namespaces that opted into isolation with an "
                "annotation, while a v1 policy isolates every pod it selects",
                "change the apiVersion to `networking.k8s.io/v1`",
                "legacy-beta-policy",
            )
        path: FieldPath = ("spec",)
        if obj.get("spec") is None:
            self.warning(
                path,
                "this NetworkPolicy has no `spec`, so it selects every pod in its namespace "
                "and allows no incoming traffic to them (a default deny)",
                "if that is the intent, write it out: `spec: {podSelector: {}, policyTypes: [Ingress]}`",
                "no-spec",
            )
            return
        spec = self.mapping(obj.get("spec"), path, "spec")
        if spec is None:
            return
        self.fields(
            spec,
            path,
            ("podSelector", "policyTypes", "ingress", "egress"),
            "a NetworkPolicy spec",
            _SPEC_SPECIAL,
        )
        self.label_selector(spec.get("podSelector"), path + ("podSelector",), "podSelector")
        self.policy_types(spec.get("policyTypes"), path + ("policyTypes",))
        for direction, peers_key in (("ingress", "from"), ("egress", "to")):
            rules = self.seq(spec.get(direction), path + (direction,), direction)
            for i, rule in enumerate(rules or []):
                self.policy_rule(rule, path + (direction, i), direction, peers_key)

    def policy_types(self, value: Any, path: FieldPath) -> None:
        types = self.seq(
            value,
            path,
            "policyTypes",
            f"`policyTypes` is a list: write `policyTypes: [{scalar_text(value)}]`"
            if isinstance(value, str)
            else None,
        )
        if types is None:
            return
        if len(types) > 2:
            self.error(
                path,
                f"`policyTypes` lists {len(types)} entries; there are only two kinds, Ingress and Egress",
                "list each of Ingress and Egress at most once",
                "too-many-policy-types",
            )
        seen: set[str] = set()
        for i, item in enumerate(types):
            text = self.string(item, path + (i,), "this policyTypes entry")
            if text is None:
                continue
            if text not in POLICY_TYPES:
                same = [t for t in POLICY_TYPES if t.lower() == text.lower()]
                hint = (
                    f"policy types are case-sensitive: write `{same[0]}`"
                    if same
                    else "use Ingress (incoming traffic) and/or Egress (outgoing traffic)"
                )
                self.error(
                    path + (i,), f"{show(text)} is not a policy type", hint, "bad-policy-type"
                )
            elif text in seen:
                self.warning(
                    path + (i,),
                    f"{text} is listed twice in `policyTypes`",
                    "list it once",
                    "duplicate-policy-type",
                )
            seen.add(text)

    def policy_rule(self, value: Any, path: FieldPath, direction: str, peers_key: str) -> None:
        if value is None:
            self.warning(
                path,
                f"this {direction} rule is empty (null), which Kubernetes reads as `{{}}`: "
                f"a rule that allows all traffic",
                "write `- {}` if allowing everything is the intent",
                "null-rule",
            )
            return
        rule = self.mapping(
            value,
            path,
            f"this {direction} rule",
            f"a rule is a mapping such as `{{{peers_key}: [...], ports: [...]}}`",
        )
        if rule is None:
            return
        other = "to" if peers_key == "from" else "from"
        noun = "sources" if peers_key == "from" else "destinations"
        special = {
            other: (
                f"{direction} rules list their {noun} under `{peers_key}`; "
                f"`{other}` is for {'egress' if direction == 'ingress' else 'ingress'} rules"
            ),
            "toPorts": "`toPorts` is from the 2016 alpha API; in v1 it is `ports`",
            "port": "list ports under `ports:`, e.g. `ports: [{port: 80}]`",
            "protocol": "list ports under `ports:`, e.g. `ports: [{protocol: TCP, port: 80}]`",
        }
        for fld in ("podSelector", "namespaceSelector", "ipBlock"):
            special[fld] = _PEER_IN_RULE_HINT.format(key=peers_key, field=fld)
        self.fields(rule, path, (peers_key, "ports"), f"an {direction} rule", special)
        peers = self.seq(rule.get(peers_key), path + (peers_key,), peers_key)
        for i, peer in enumerate(peers or []):
            self.policy_peer(peer, path + (peers_key, i), peers_key)
        ports = self.seq(rule.get("ports"), path + ("ports",), "ports")
        for i, port in enumerate(ports or []):
            self.policy_port(port, path + ("ports", i))

    def policy_peer(self, value: Any, path: FieldPath, peers_key: str) -> None:
        everyone = (
            f"to allow all {'sources' if peers_key == 'from' else 'destinations'}, "
            f"leave `{peers_key}` out of the rule"
        )
        if value is None:
            self.error(
                path,
                "must specify a peer: this entry is empty",
                f"a peer needs `podSelector`, `namespaceSelector` or `ipBlock`; {everyone}",
                "empty-peer",
            )
            return
        peer = self.mapping(
            value,
            path,
            f"this `{peers_key}` entry",
            "a peer is a mapping such as `{podSelector: {matchLabels: {app: web}}}`",
        )
        if peer is None:
            return
        self.fields(
            peer,
            path,
            ("podSelector", "namespaceSelector", "ipBlock"),
            "a peer",
            {
                "pods": "`pods:` is the 2016 alpha form; in v1 write `podSelector: {matchLabels: ...}`",
                "namespaces": "`namespaces:` is the 2016 alpha form; in v1 write "
                "`namespaceSelector: {matchLabels: ...}`",
                "namespace": "peers pick namespaces by label: `namespaceSelector: "
                "{matchLabels: {kubernetes.io/metadata.name: <name>}}`",
                "ports": "`ports` belongs to the rule, next to `from`/`to`, not inside a peer; "
                "check the indentation",
                "cidr": "put it under `ipBlock:`, e.g. `ipBlock: {cidr: 10.0.0.0/8}`",
                "except": "put it under `ipBlock:`, next to `cidr`",
            },
        )
        present = [
            k for k in ("podSelector", "namespaceSelector", "ipBlock") if peer.get(k) is not None
        ]
        self.label_selector(peer.get("podSelector"), path + ("podSelector",), "podSelector")
        self.label_selector(
            peer.get("namespaceSelector"), path + ("namespaceSelector",), "namespaceSelector"
        )
        if peer.get("ipBlock") is not None:
            self.ip_block(peer["ipBlock"], path + ("ipBlock",))
        if not present:
            nulls = [k for k in ("podSelector", "namespaceSelector", "ipBlock") if k in peer]
            if nulls:
                hint = (
                    f"`{nulls[0]}:` with nothing after it is null, which counts as absent; "
                    f"write `{nulls[0]}: {{}}` to select everything"
                )
            else:
                hint = f"a peer needs `podSelector`, `namespaceSelector` or `ipBlock`; {everyone}"
            self.error(path, "must specify a peer: this entry selects nothing", hint, "empty-peer")
        elif "ipBlock" in present and len(present) > 1:
            self.error(
                path,
                "an ipBlock cannot be combined with a selector in the same peer",
                "make them two separate entries in the list (each starting with `- `)",
                "ipblock-combined",
            )

    def ip_block(self, value: Any, path: FieldPath) -> None:
        block = self.mapping(value, path, "ipBlock")
        if block is None:
            return
        self.fields(block, path, ("cidr", "except"), "an ipBlock")
        network: IPNetwork | None = None
        raw = block.get("cidr")
        if raw is None or raw == "":
            self.error(
                path + ("cidr",),
                "this ipBlock has no `cidr`",
                "write the address range, e.g. `cidr: 10.0.0.0/16` (or `/32` for one address)",
                "missing-field",
            )
        else:
            text = self.string(raw, path + ("cidr",), "cidr")
            if text is not None:
                network, problem = parse_cidr(text)
                if problem:
                    self.error(
                        path + ("cidr",),
                        f"cidr {show(text)} {problem}",
                        "write an address range like `10.0.0.0/16` or `2001:db8::/64`; "
                        "for one address add `/32` (IPv4) or `/128` (IPv6)",
                        "bad-cidr",
                    )
                elif network is not None:
                    self._host_bits(text, network, path + ("cidr",), "cidr")
        excepts = self.seq(block.get("except"), path + ("except",), "except")
        for i, item in enumerate(excepts or []):
            epath = path + ("except", i)
            text = self.string(item, epath, "this except entry")
            if text is None:
                continue
            inner, problem = parse_cidr(text)
            if problem or inner is None:
                self.error(
                    epath,
                    f"except {show(text)} {problem}",
                    "each exception is an address range like `10.0.5.0/24`",
                    "bad-cidr",
                )
                continue
            self._host_bits(text, inner, epath, "except")
            if network is None:
                continue
            cidr_text = str(raw)
            if inner.version != network.version:
                self.error(
                    epath,
                    f"except {show(text)} is IPv{inner.version} but cidr {show(cidr_text)} is "
                    f"IPv{network.version}; an exception must lie inside the cidr",
                    "use an exception of the same IP family, inside the cidr",
                    "except-outside-cidr",
                )
            elif not (inner.prefixlen > network.prefixlen and inner.network_address in network):
                if inner.prefixlen == network.prefixlen and inner.network_address in network:
                    hint = "an exception equal to the whole cidr would leave nothing; remove the ipBlock instead"
                elif network.network_address in inner and inner.prefixlen < network.prefixlen:
                    hint = (
                        "the exception is bigger than the cidr; did you swap `cidr` and `except`?"
                    )
                else:
                    hint = (
                        "addresses outside the cidr are not matched anyway; remove this exception"
                    )
                self.error(
                    epath,
                    f"except {show(text)} is not strictly inside cidr {show(cidr_text)}: each "
                    "exception must be a smaller range within the cidr",
                    hint,
                    "except-outside-cidr",
                )

    def _host_bits(self, text: str, network: IPNetwork, path: FieldPath, what: str) -> None:
        """Warn about a CIDR whose address has bits set beyond its prefix (192.168.1.22/24).

        Older API servers accept it and read it as the network it falls in; newer ones, with
        strict CIDR validation (KEP-4858, from Kubernetes 1.33), reject such values.
        """
        address = text.partition("/")[0]
        try:
            given = ipaddress.ip_address(address)
        except ValueError:
            return
        if given == network.network_address:
            return
        self.warning(
            path,
            f"{what} {show(text)} has bits set beyond its prefix length: it means "
            f"{network.with_prefixlen}, not the single address {address}. Older API servers "
            "accept it as that range; newer ones with strict CIDR validation (Kubernetes 1.33 "
            "and later) reject it",
            f"write `{network.with_prefixlen}` for the range, or `{address}/"
            f"{network.max_prefixlen}` for the one address",
            "cidr-host-bits",
        )

    def policy_port(self, value: Any, path: FieldPath) -> None:
        if value is None:
            self.warning(
                path,
                "this ports entry is empty (null), which Kubernetes reads as `{}`: every TCP port",
                "write `- protocol: TCP` if all TCP ports is the intent, or give a `port`",
                "null-port",
            )
            return
        entry = self.mapping(value, path, "this ports entry")
        if entry is None:
            return
        self.fields(
            entry, path, ("protocol", "port", "endPort"), "a NetworkPolicy port", _PORT_SPECIAL
        )
        self.protocol(entry.get("protocol"), path + ("protocol",))
        raw = entry.get("port")
        numeric: int | None = None
        port_ok = False
        if raw is None:
            pass
        elif isinstance(raw, int) and not isinstance(raw, bool):
            if 1 <= raw <= 65535:
                numeric, port_ok = raw, True
            else:
                self.error(
                    path + ("port",),
                    f"port {scalar_text(raw)} is not a valid port number (1 to 65535)",
                    "ports are numbers from 1 to 65535 (or a container port name such as `http`)",
                    "bad-port",
                )
        elif isinstance(raw, str):
            if raw.strip().isdigit():
                self.error(
                    path + ("port",),
                    f"port {show(raw)} is a string, so it is read as a port *name*, and a port "
                    "name must contain a letter",
                    f"drop the quotes: `port: {brief(raw.strip())}`",
                    "numeric-string-port",
                )
            else:
                problem = port_name_error(raw)
                if problem:
                    self.error(
                        path + ("port",),
                        f"port name {show(raw)} is not valid: it {problem}",
                        "a named port must match the `name` of a container port, e.g. `http`",
                        "bad-port-name",
                    )
                port_ok = True
        else:
            self.error(
                path + ("port",),
                f"`port` must be a port number or a port name, but it is {describe_type(raw)}",
                "write a number (`port: 80`) or a container port name (`port: http`)",
                "wrong-type",
            )
        end_raw = entry.get("endPort")
        if end_raw is None:
            return
        end = self.integer(end_raw, path + ("endPort",), "endPort")
        if end is None:
            return
        if raw is None:
            self.error(
                path + ("endPort",),
                "`endPort` may not be set without a numeric `port`: it closes the range that "
                "`port` opens",
                "add `port:` with the first port of the range",
                "endport-without-port",
            )
        elif isinstance(raw, str):
            self.error(
                path + ("endPort",),
                "`endPort` may not be used with a named port; ranges need a numeric `port`",
                "write the first port of the range as a number",
                "endport-named-port",
            )
        if not 1 <= end <= 65535:
            self.error(
                path + ("endPort",),
                f"endPort {scalar_text(end)} is not a valid port number (1 to 65535)",
                "`endPort` is the last port of the range, from 1 to 65535",
                "bad-port",
            )
        elif numeric is not None and port_ok and end < numeric:
            self.error(
                path + ("endPort",),
                f"endPort {end} is smaller than port {numeric}; the range runs from port up to endPort",
                "make `endPort` greater than or equal to `port`",
                "endport-before-port",
            )
