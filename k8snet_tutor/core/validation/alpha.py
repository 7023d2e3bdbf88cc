"""The 2016 alpha NetworkPolicy, read in its three circulating shapes and translated to v1.

The shapes: the blog form (`podSelector` as a bare label map, `allowIncoming: {from: [{pods:
{...}}], toPorts: [...]}`), the Calico prototype README form (`ingress: [{ports: [...], from:
[{pods|namespaces: {...}}]}]`) and the prototype code form (`applyTo` instead of `podSelector`, a
list of `allowIncoming` rules). `translate_alpha_policy` also validates the v1 result, with issue
paths pointing back into the original object, so its issues are everything a caller needs to
report. It lives beside the v1 rules because `validate_object` reads alpha policies through it;
`core.legacy` re-exports it with the other pre-v1 formats.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

import yaml

from k8snet_tutor.core.problems import FieldPath, Severity
from k8snet_tutor.core.validation.checker import check_v1_object
from k8snet_tutor.core.validation.issue import Issue
from k8snet_tutor.core.validation.vocabulary import PROTOCOLS
from k8snet_tutor.core.wording import describe_type, did_you_mean

ALPHA_API_GROUP: Final = "net.alpha.kubernetes.io"
ALPHA_API_VERSION: Final = "net.alpha.kubernetes.io/v1alpha1"
V1_API_VERSION: Final = "networking.k8s.io/v1"

_ALPHA_SPEC_FIELDS: Final = (
    "podSelector",
    "applyTo",
    "allowIncoming",
    "ingress",
    # v1 fields, passed through when someone mixes the forms:
    "egress",
    "policyTypes",
)
_ALPHA_RULE_FIELDS: Final = ("from", "toPorts", "ports")
_ALPHA_PEER_FIELDS: Final = ("pods", "namespaces", "podSelector", "namespaceSelector", "ipBlock")
_V1_SELECTOR_FIELDS: Final = ("matchLabels", "matchExpressions")


@dataclass
class _Translation:
    """A translated policy, what the translation noticed, and where translated paths came from."""

    policy: dict[str, Any]
    issues: list[Issue] = field(default_factory=list)
    # translated path prefix -> original path prefix; unmapped paths are the same in both.
    paths: dict[FieldPath, FieldPath] = field(default_factory=dict)
    # translated path prefixes whose v1 issues are dropped (the translation already reported them).
    reported: set[FieldPath] = field(default_factory=set)

    def original_path(self, path: FieldPath) -> FieldPath:
        for n in range(len(path), 0, -1):
            hit = self.paths.get(path[:n])
            if hit is not None:
                return hit + path[n:]
        return path

    def already_reported(self, path: FieldPath) -> bool:
        return any(path[:n] in self.reported for n in range(len(path) + 1))


def _looks_alpha(spec: Mapping[str, Any]) -> bool:
    """Alpha markers in a spec: `allowIncoming`, `applyTo`, `toPorts`, or `pods`/`namespaces` peers."""
    if "allowIncoming" in spec or "applyTo" in spec:
        return True
    rules = spec.get("ingress")
    if not isinstance(rules, list):
        return False
    for rule in rules:
        if not isinstance(rule, dict):
            continue
        if "toPorts" in rule:
            return True
        peers = rule.get("from")
        if isinstance(peers, list) and any(
            isinstance(p, dict) and ("pods" in p or "namespaces" in p) for p in peers
        ):
            return True
    return False


def is_alpha_policy(obj: dict[str, Any]) -> bool:
    """Whether `obj` is an alpha (2016) NetworkPolicy.

    True for `kind: NetworkPolicy` with an `apiVersion` in net.alpha.kubernetes.io, and for a
    NetworkPolicy with no apiVersion at all (the blog posted it to the alpha URL, so the body had
    none) whose spec uses alpha-only fields.
    """
    if not isinstance(obj, dict) or obj.get("kind") != "NetworkPolicy":
        return False
    api_version = obj.get("apiVersion")
    if isinstance(api_version, str) and api_version.startswith(ALPHA_API_GROUP + "/"):
        return True
    if api_version is None or api_version == "":
        spec = obj.get("spec")
        return isinstance(spec, dict) and _looks_alpha(spec)
    return False


class _Translator:
    def __init__(self, obj: Mapping[str, Any]) -> None:
        self.obj = obj
        self.out = _Translation(policy={})

    # ---- recording -------------------------------------------------------------------------

    def issue(
        self,
        path: FieldPath,
        message: str,
        hint: str | None = None,
        severity: Severity = "error",
        code: str = "",
    ) -> None:
        self.out.issues.append(Issue(path, message, hint, severity, code))

    def unknown_fields(
        self,
        mapping: Mapping[Any, Any],
        path: FieldPath,
        known: tuple[str, ...],
        where: str,
        special: Mapping[str, str] | None = None,
    ) -> None:
        for key in mapping:
            name = str(key)
            if name in known:
                continue
            hint = (special or {}).get(name)
            if hint is None:
                guess = did_you_mean(name, known)
                hint = (
                    f"did you mean `{guess}`?"
                    if guess
                    else f"{where} accepts: {', '.join(f'`{k}`' for k in known)}"
                )
            self.issue(
                path + (name,), f"unknown field `{name}` in {where}", hint, code="unknown-field"
            )

    def wrong_type(self, value: Any, opath: FieldPath, what: str, expected: str, hint: str) -> None:
        self.issue(
            opath,
            f"`{what}` must be {expected}, but it is {describe_type(value)}",
            hint,
            code="wrong-type",
        )

    # ---- pieces ------------------------------------------------------------------------------

    def selector(self, raw: Any, tpath: FieldPath, opath: FieldPath, what: str) -> Any:
        """A bare label map (alpha) -> `{matchLabels: ...}`; a v1 selector passes through."""
        self.out.paths[tpath] = opath
        if raw is None:
            return {}
        if isinstance(raw, dict):
            if raw and all(k in _V1_SELECTOR_FIELDS for k in raw):
                return copy.deepcopy(raw)
            if not raw:
                return {}
            self.out.paths[tpath + ("matchLabels",)] = opath
            return {"matchLabels": copy.deepcopy(raw)}
        self.wrong_type(
            raw,
            opath,
            what,
            "a mapping of labels",
            f"write labels as `key: value` pairs, e.g. `{what}: {{app: web}}`",
        )
        self.out.reported.add(tpath)
        return copy.deepcopy(raw)

    def port(self, raw: Any, tpath: FieldPath, opath: FieldPath) -> Any:
        self.out.paths[tpath] = opath
        if not isinstance(raw, dict):
            return copy.deepcopy(raw)  # the v1 checks report it
        result: dict[str, Any] = {}
        for key, value in raw.items():
            if key == "protocol" and isinstance(value, str):
                upper = value.upper()
                if upper in PROTOCOLS and value != upper:
                    self.issue(
                        opath + ("protocol",),
                        f"protocol `{value}` was written in lower case, as some 2016 examples did; "
                        f"v1 accepts only upper-case, so the tutor read it as `{upper}`",
                        f"write `protocol: {upper}`",
                        "note",
                        "legacy-protocol-case",
                    )
                    value = upper
            result[str(key)] = copy.deepcopy(value)
        return result

    def peer(self, raw: Any, tpath: FieldPath, opath: FieldPath) -> Any:
        self.out.paths[tpath] = opath
        if not isinstance(raw, dict):
            return copy.deepcopy(raw)  # the v1 checks report it ("must specify a peer")
        self.unknown_fields(raw, opath, _ALPHA_PEER_FIELDS, "an alpha `from` entry")
        result: dict[str, Any] = {}
        if raw.get("pods") is not None:
            result["podSelector"] = self.selector(
                raw["pods"], tpath + ("podSelector",), opath + ("pods",), "pods"
            )
            if (
                isinstance(raw["pods"], dict)
                and raw.get("namespaces") is None
                and raw.get("namespaceSelector") is None
            ):
                self.issue(
                    opath + ("pods",),
                    "`pods:` became a v1 `podSelector`, which matches pods in the policy's own "
                    "namespace only. The 2016 prototype matched these labels in every namespace",
                    "to match the labels in every namespace, add `namespaceSelector: {}` to "
                    "the same peer",
                    "note",
                    "legacy-pods-scope",
                )
        if raw.get("namespaces") is not None:
            result["namespaceSelector"] = self.selector(
                raw["namespaces"],
                tpath + ("namespaceSelector",),
                opath + ("namespaces",),
                "namespaces",
            )
        for key in ("podSelector", "namespaceSelector", "ipBlock"):
            if key in raw and key not in result:
                result[key] = copy.deepcopy(raw[key])
        return result

    def rule(self, raw: Any, tpath: FieldPath, opath: FieldPath) -> Any:
        self.out.paths[tpath] = opath
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.wrong_type(
                raw,
                opath,
                "rule",
                "a mapping",
                "a rule is written as `from:` and `toPorts:` entries",
            )
            self.out.reported.add(tpath)
            return copy.deepcopy(raw)
        self.unknown_fields(
            raw,
            opath,
            _ALPHA_RULE_FIELDS,
            "an alpha rule",
            {"to": "alpha policies describe incoming traffic only; sources go under `from`"},
        )
        result: dict[str, Any] = {}
        if "from" in raw and raw["from"] is not None:
            peers = raw["from"]
            if isinstance(peers, list):
                result["from"] = [
                    self.peer(p, tpath + ("from", i), opath + ("from", i))
                    for i, p in enumerate(peers)
                ]
            else:
                self.wrong_type(
                    peers, opath + ("from",), "from", "a list", "start each source with `- `"
                )
        ports: list[Any] = []
        have_ports = False
        for key in ("toPorts", "ports"):
            items = raw.get(key)
            if items is None:
                continue
            if not isinstance(items, list):
                self.wrong_type(
                    items,
                    opath + (key,),
                    key,
                    "a list",
                    "start each port with `- `, e.g. `- port: 80`",
                )
                continue
            have_ports = True
            for i, item in enumerate(items):
                ports.append(self.port(item, tpath + ("ports", len(ports)), opath + (key, i)))
        if have_ports:
            result["ports"] = ports
        return result

    # ---- the whole policy ----------------------------------------------------------------

    def translate(self) -> _Translation:
        obj = self.obj
        policy: dict[str, Any] = {"apiVersion": V1_API_VERSION, "kind": "NetworkPolicy"}
        if "metadata" in obj:
            policy["metadata"] = copy.deepcopy(obj["metadata"])
        self.out.policy = policy
        raw_spec = obj.get("spec")
        if raw_spec is None:
            raw_spec = {}
        if not isinstance(raw_spec, dict):
            self.wrong_type(
                raw_spec,
                ("spec",),
                "spec",
                "a mapping",
                "write `spec:` with `podSelector` and `allowIncoming`",
            )
            self.out.reported.add(("spec",))
            policy["spec"] = copy.deepcopy(raw_spec)
            return self.out
        self.unknown_fields(
            raw_spec,
            ("spec",),
            _ALPHA_SPEC_FIELDS,
            "an alpha NetworkPolicy spec",
        )
        spec: dict[str, Any] = {}
        policy["spec"] = spec

        source = (
            "applyTo" if "applyTo" in raw_spec and "podSelector" not in raw_spec else "podSelector"
        )
        if "podSelector" in raw_spec and "applyTo" in raw_spec:
            self.issue(
                ("spec", "applyTo"),
                "both `podSelector` and `applyTo` are set; the tutor used `podSelector`",
                "keep only one of them",
                "warning",
                "legacy-duplicate-selector",
            )
        spec["podSelector"] = self.selector(
            raw_spec.get(source), ("spec", "podSelector"), ("spec", source), source
        )

        rules: list[Any] = []

        def add(raw: Any, opath: FieldPath) -> None:
            rules.append(self.rule(raw, ("spec", "ingress", len(rules)), opath))

        for key in ("allowIncoming", "ingress"):
            raw = raw_spec.get(key)
            if raw is None:
                continue
            if isinstance(raw, list):
                for i, item in enumerate(raw):
                    add(item, ("spec", key, i))
            elif isinstance(raw, dict):
                add(raw, ("spec", key))
            else:
                self.wrong_type(
                    raw,
                    ("spec", key),
                    key,
                    "a rule (or a list of rules)",
                    "write `from:` and `toPorts:` under it",
                )

        if "policyTypes" in raw_spec:
            spec["policyTypes"] = copy.deepcopy(raw_spec["policyTypes"])
        elif raw_spec.get("egress"):
            spec["policyTypes"] = ["Ingress", "Egress"]
        else:
            spec["policyTypes"] = ["Ingress"]
        spec["ingress"] = rules
        if "egress" in raw_spec:
            spec["egress"] = copy.deepcopy(raw_spec["egress"])
        return self.out


def _translate(obj: Mapping[str, Any]) -> _Translation:
    result = _Translator(obj).translate()
    checks = [
        replace(issue, path=result.original_path(issue.path))
        for issue in check_v1_object(result.policy)
        if not result.already_reported(issue.path)
    ]
    lead = Issue(
        ("apiVersion",) if "apiVersion" in obj else (),
        "this is a 2016 alpha NetworkPolicy (net.alpha.kubernetes.io/v1alpha1), which no "
        "current cluster accepts; the tutor translated it to the networking.k8s.io/v1 policy "
        "shown below. Back then a policy only mattered in a namespace switched to isolation; "
        "in v1 any policy that selects a pod isolates that pod",
        "the same policy in today's form:\n" + to_v1_yaml(result.policy),
        "warning",
        "legacy-alpha-policy",
    )
    result.issues = [lead, *result.issues, *checks]
    return result


def translate_alpha_policy(obj: dict[str, Any]) -> tuple[dict[str, Any], list[Issue]]:
    """The alpha policy as a networking.k8s.io/v1 NetworkPolicy dict, plus its issues.

    The issues start with a warning (code "legacy-alpha-policy") whose hint holds the v1 YAML,
    then notes about the translation, then any errors in the policy itself (paths point into
    `obj`). When an issue is an error, the translated dict is not a valid policy.
    """
    result = _translate(obj)
    return result.policy, result.issues


def to_v1_yaml(obj: dict[str, Any]) -> str:
    """YAML for the v1 form of `obj`: alpha policies are translated, extensions/v1beta1
    NetworkPolicies get the v1 apiVersion, anything else is written as it is."""
    if is_alpha_policy(obj):
        obj = _Translator(obj).translate().policy
    elif (
        isinstance(obj, dict)
        and obj.get("kind") == "NetworkPolicy"
        and obj.get("apiVersion") == "extensions/v1beta1"
    ):
        obj = {**obj, "apiVersion": V1_API_VERSION}
    return yaml.safe_dump(obj, sort_keys=False, default_flow_style=False)
