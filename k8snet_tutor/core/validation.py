"""Validation of raw objects, mirroring the Kubernetes API server for the fields the tutor reads.

`validate_object(obj)` takes one parsed document (plain dicts and lists, as YAML gives them) and
returns every `Issue` found in it, each with a path relative to the object, a message in plain
words and, where it helps, a hint. It never raises for bad input: a value of the wrong type
becomes an issue at its path and the rest of the object is still checked.

Severities: "error" for what the API server would refuse, "warning" for what it accepts but is
probably not what the author meant (or is served by no current cluster), "note" for information.

Kinds checked: Namespace, Pod, the workloads that carry a pod template (Deployment, ReplicaSet,
StatefulSet, DaemonSet, Job, CronJob, ReplicationController), Service and NetworkPolicy
(networking.k8s.io/v1, extensions/v1beta1, and the 2016 alpha form through `legacy`). Any other
kind yields no issues.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from k8snet_tutor.core.problems import FieldPath, Severity, format_path

__all__ = [
    "Issue",
    "IPNetwork",
    "NOT_AFFECTING_CONNECTIVITY",
    "PROTOCOLS",
    "SELECTOR_OPERATORS",
    "WORKLOAD_KINDS",
    "check_v1_object",
    "describe_type",
    "did_you_mean",
    "dns_label_error",
    "dns_subdomain_error",
    "label_key_error",
    "label_value_error",
    "parse_cidr",
    "port_name_error",
    "validate_object",
]


@dataclass(frozen=True)
class Issue:
    """One thing wrong (or suspicious) in an object, at a path relative to the object dict."""

    path: FieldPath
    message: str
    hint: str | None = None
    severity: Severity = "error"
    code: str = ""


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

PROTOCOLS: Final = ("TCP", "UDP", "SCTP")
SELECTOR_OPERATORS: Final = ("In", "NotIn", "Exists", "DoesNotExist")
SERVICE_TYPES: Final = ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")
POLICY_TYPES: Final = ("Ingress", "Egress")
WORKLOAD_KINDS: Final = (
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "ReplicationController",
)
# Workloads whose apps/v1 form requires a selector that matches the template labels.
_APPS_KINDS: Final = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet")
# Workloads with a `spec.replicas` count.
_REPLICATED_KINDS: Final = ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController")
# Codes of errors the API server would refuse but that do not change how the tutor reads the
# object's networking (names it only displays, container entries it skips). A caller analysing
# real-world manifests may keep such objects, reporting the errors; a lesson should not.
NOT_AFFECTING_CONNECTIVITY: Final = frozenset(
    {
        "bad-name",
        "missing-container-name",
        "bad-container-name",
        "duplicate-container-name",
        "missing-container-port",
    }
)
NETWORK_POLICY_API_VERSIONS: Final = ("networking.k8s.io/v1", "extensions/v1beta1")
NODE_PORT_RANGE: Final = (30000, 32767)

# --------------------------------------------------------------------------------------------
# Names, labels and ports: the string formats the API server enforces
# --------------------------------------------------------------------------------------------

_DNS_LABEL_RE: Final = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS1035_LABEL_RE: Final = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
_DNS_SUBDOMAIN_RE: Final = re.compile(
    r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
)
_QUALIFIED_NAME_RE: Final = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")
_PORT_NAME_CHARS_RE: Final = re.compile(r"[-a-z0-9]+")


def dns_subdomain_error(value: str) -> str | None:
    """Why `value` is not a DNS subdomain (lower-case, digits, '-', '.', at most 253), or None."""
    if not value:
        return "must not be empty"
    if len(value) > 253:
        return f"is {len(value)} characters long; the limit is 253"
    if _DNS_SUBDOMAIN_RE.fullmatch(value):
        return None
    if value != value.lower() and _DNS_SUBDOMAIN_RE.fullmatch(value.lower()):
        return "contains upper-case letters; names are all lower-case"
    return (
        "may only use lower-case letters, digits, '-' and '.', "
        "and each dot-separated part must start and end with a letter or digit"
    )


def dns_label_error(value: str, *, must_start_with_letter: bool = False) -> str | None:
    """Why `value` is not a DNS label (lower-case, digits, '-', at most 63), or None."""
    if not value:
        return "must not be empty"
    if len(value) > 63:
        return f"is {len(value)} characters long; the limit is 63"
    pattern = _DNS1035_LABEL_RE if must_start_with_letter else _DNS_LABEL_RE
    if pattern.fullmatch(value):
        return None
    if value != value.lower() and pattern.fullmatch(value.lower()):
        return "contains upper-case letters; names are all lower-case"
    if "." in value and _DNS_SUBDOMAIN_RE.fullmatch(value):
        return "may not contain '.'"
    if must_start_with_letter and value[0].isdigit():
        return "must start with a letter"
    return "may only use lower-case letters, digits and '-', and must start and end with a letter or digit"


def _suggest_name(value: str, *, allow_dots: bool) -> str | None:
    """A close valid name for a hint (`My_App` -> `my-app`), or None when nothing sensible."""
    allowed = "a-z0-9." if allow_dots else "a-z0-9"
    text = re.sub(rf"[^{allowed}]+", "-", value.lower()).strip("-.")
    text = re.sub(r"-*\.-*", ".", text) if allow_dots else text
    return text[:63] if text else None


def _qualified_name_error(name: str) -> str | None:
    if not name:
        return "is empty"
    if len(name) > 63:
        return f"is {len(name)} characters long; the limit is 63"
    if not _QUALIFIED_NAME_RE.fullmatch(name):
        return (
            "may only use letters, digits, '-', '_' and '.', "
            "and must start and end with a letter or digit"
        )
    return None


def label_key_error(key: str) -> str | None:
    """Why `key` is not a valid label key (`[prefix/]name`), or None."""
    prefix, slash, name = key.rpartition("/")
    if not slash:
        return _qualified_name_error(name)
    if not prefix:
        return "has an empty prefix before '/'"
    if "/" in prefix:
        return "may contain at most one '/'"
    problem = dns_subdomain_error(prefix)
    if problem:
        return f"has a prefix `{prefix}` that {problem}"
    problem = _qualified_name_error(name)
    return f"has a name after '/' that {problem}" if problem else None


def label_value_error(value: str) -> str | None:
    """Why `value` is not a valid label value (may be empty; at most 63 characters), or None."""
    if value == "":
        return None
    if len(value) > 63:
        return f"is {len(value)} characters long; the limit is 63"
    if not _QUALIFIED_NAME_RE.fullmatch(value):
        return (
            "may only use letters, digits, '-', '_' and '.', "
            "and must start and end with a letter or digit"
        )
    return None


def port_name_error(name: str) -> str | None:
    """Why `name` is not a valid port name (IANA_SVC_NAME), or None."""
    if not name:
        return "must not be empty"
    if len(name) > 15:
        return f"is {len(name)} characters long; port names are at most 15"
    if not _PORT_NAME_CHARS_RE.fullmatch(name):
        return "may only use lower-case letters, digits and '-'"
    if not any("a" <= c <= "z" for c in name):
        return "must contain at least one letter"
    if name.startswith("-") or name.endswith("-"):
        return "may not start or end with '-'"
    if "--" in name:
        return "may not contain '--'"
    return None


def parse_cidr(text: str) -> tuple[IPNetwork | None, str | None]:
    """Parse an IPv4/IPv6 CIDR as the API server does (host bits allowed): (network, why-not)."""
    if "/" not in text:
        if _is_ip(text):
            return None, "has no prefix length"
        return None, "is not a valid IPv4 or IPv6 CIDR"
    address, _, prefix = text.partition("/")
    if "%" in address or not re.fullmatch(r"[0-9]{1,3}", prefix):
        return None, "is not a valid IPv4 or IPv6 CIDR"
    try:
        return ipaddress.ip_network(text, strict=False), None
    except ValueError:
        return None, "is not a valid IPv4 or IPv6 CIDR"


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return "%" not in text


# --------------------------------------------------------------------------------------------
# Describing values in messages
# --------------------------------------------------------------------------------------------


def describe_type(value: Any) -> str:
    """`a list`, `a string`, `empty (null)`...: how a value's type reads in a message."""
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "a true/false value"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def _brief(text: str, limit: int = 60) -> str:
    """`text`, cut short for a message: hostile input may hold 4,000-digit numbers."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _scalar_text(value: Any) -> str:
    """How YAML writes a scalar: True -> `true`, 1.0 -> `1.0` (long values cut short)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return _brief(value)
    if isinstance(value, int) and not -(10**20) < value < 10**20:
        return _brief(str(value), 20)
    return _brief(str(value))


def _show(value: Any) -> str:
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return f'"{text}"'
    if isinstance(value, list | dict):
        return describe_type(value)
    return _scalar_text(value)


def _subject(what: str) -> str:
    """A field name in backticks (`ports`); a description as it is (this ports entry)."""
    return what if " " in what else f"`{what}`"


def _not_text_reason(value: Any) -> str:
    if isinstance(value, bool):
        return "YAML reads unquoted true/false, yes/no and on/off as true/false values, not text"
    return "YAML reads an unquoted number as a number, not text"


def did_you_mean(key: str, known: Sequence[str]) -> str | None:
    """The known field closest to `key` (case-insensitive), if any is close enough."""
    lowered = {k.lower(): k for k in known}
    hits = difflib.get_close_matches(key.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[hits[0]] if hits else None


# --------------------------------------------------------------------------------------------
# The checker
# --------------------------------------------------------------------------------------------

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
_SELECTOR_FIELDS: Final = ("matchLabels", "matchExpressions")


class _Checker:
    def __init__(self) -> None:
        self.issues: list[Issue] = []

    # ---- recording -------------------------------------------------------------------------

    def error(self, path: FieldPath, message: str, hint: str | None = None, code: str = "") -> None:
        self.issues.append(Issue(path, message, hint, "error", code))

    def warning(
        self, path: FieldPath, message: str, hint: str | None = None, code: str = ""
    ) -> None:
        self.issues.append(Issue(path, message, hint, "warning", code))

    def errors_since(self, mark: int) -> bool:
        return any(i.severity == "error" for i in self.issues[mark:])

    # ---- types -------------------------------------------------------------------------------

    def mapping(
        self, value: Any, path: FieldPath, what: str, hint: str | None = None
    ) -> dict[str, Any] | None:
        """The value if it is a mapping; None when null/absent; otherwise an issue and None."""
        if value is None:
            return None
        if isinstance(value, dict):
            return value
        if hint is None and isinstance(value, list):
            hint = (
                "remove the leading `- `: a mapping is written as `key: value` lines without dashes"
            )
        elif hint is None:
            hint = (
                "write it as `key: value` lines indented under it (or `{key: value}`); "
                "check the indentation of the lines below"
            )
        self.error(
            path,
            f"{_subject(what)} must be a mapping (key: value pairs), but it is "
            f"{describe_type(value)}",
            hint,
            "wrong-type",
        )
        return None

    def seq(
        self, value: Any, path: FieldPath, what: str, hint: str | None = None
    ) -> list[Any] | None:
        """The value if it is a list; None when null/absent; otherwise an issue and None."""
        if value is None:
            return None
        if isinstance(value, list):
            return value
        if hint is None:
            if isinstance(value, dict):
                hint = f"`{what}` is a list: start each item with `- `"
            else:
                hint = f"`{what}` is a list: write `{what}: [{_scalar_text(value)}]`"
        self.error(
            path, f"`{what}` must be a list, but it is {describe_type(value)}", hint, "wrong-type"
        )
        return None

    def integer(self, value: Any, path: FieldPath, what: str) -> int | None:
        """The value if it is a whole number (not a boolean); otherwise an issue and None."""
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().isdigit():
            self.error(
                path,
                f"`{what}` must be a number, but it is the string {_show(value)}",
                f"drop the quotes: `{what}: {_brief(value.strip())}`",
                "wrong-type",
            )
        elif isinstance(value, float):
            self.error(
                path,
                f"`{what}` must be a whole number, not {_scalar_text(value)}",
                "write a whole number, without a decimal point",
                "wrong-type",
            )
        else:
            self.error(
                path,
                f"`{what}` must be a number, but it is {describe_type(value)}",
                "write a whole number without quotes",
                "wrong-type",
            )
        return None

    def string(self, value: Any, path: FieldPath, what: str) -> str | None:
        if isinstance(value, str):
            return value
        hint = None
        if isinstance(value, bool | int | float):
            text = _scalar_text(value)
            hint = f'quote it: `"{text}"`' if " " in what else f'quote it: `{what}: "{text}"`'
        elif isinstance(value, list | dict):
            hint = (
                f"{_subject(what)} is a single piece of text; "
                "check the indentation and remove any `- ` or `{...}` here"
            )
        elif value is None:
            hint = "write a value after the ':'"
        self.error(
            path,
            f"{_subject(what)} must be a string, but it is {describe_type(value)}",
            hint,
            "wrong-type",
        )
        return None

    def boolean(self, value: Any, path: FieldPath, what: str) -> None:
        if value is None or isinstance(value, bool):
            return
        hint = f"write `{what}: true` or `{what}: false`"
        if isinstance(value, str) and value.lower() in ("true", "false"):
            hint = f"drop the quotes: `{what}: {value.lower()}`"
        self.error(
            path, f"`{what}` must be true or false, but it is {_show(value)}", hint, "wrong-type"
        )

    def fields(
        self,
        mapping: Mapping[Any, Any],
        path: FieldPath,
        known: Sequence[str],
        where: str,
        special: Mapping[str, str] | None = None,
    ) -> None:
        """Unknown fields are errors: the API server's strict field validation refuses them."""
        for key in mapping:
            name = str(key)
            if name in known:
                continue
            hint = (special or {}).get(name)
            if hint is None:
                guess = did_you_mean(name, known)
                if guess is not None:
                    hint = f"did you mean `{guess}`?"
                else:
                    hint = f"{where} accepts: {', '.join(f'`{k}`' for k in known)}"
            self.error(
                path + (name,), f"unknown field `{_brief(name)}` in {where}", hint, "unknown-field"
            )

    def port_number(self, value: Any, path: FieldPath, what: str) -> int | None:
        number = self.integer(value, path, what)
        if number is None:
            return None
        if not 1 <= number <= 65535:
            self.error(
                path,
                f"`{what}` {_scalar_text(number)} is not a valid port number (1 to 65535)",
                "ports are numbers from 1 to 65535",
                "bad-port",
            )
            return None
        return number

    def protocol(self, value: Any, path: FieldPath) -> str | None:
        """Validate a protocol (default TCP); returns the effective protocol or None if invalid."""
        if value is None:
            return "TCP"
        text = self.string(value, path, "protocol")
        if text is None:
            return None
        if text in PROTOCOLS:
            return text
        if text.upper() in PROTOCOLS:
            hint = f"protocols are upper-case: {text.upper()}"
        elif text.upper() == "ICMP":
            hint = "only TCP, UDP and SCTP can be named; there is no way to name ICMP here"
        else:
            hint = "use TCP, UDP or SCTP (TCP is the default when left out)"
        self.error(path, f"protocol {_show(text)} is not supported", hint, "bad-protocol")
        return None

    # ---- names and labels ----------------------------------------------------------------

    def name(
        self, value: Any, path: FieldPath, what: str, style: str, code: str = "bad-name"
    ) -> None:
        """`style`: "subdomain", "label" (DNS-1123) or "label1035" (must start with a letter)."""
        text = self.string(value, path, what)
        if text is None:
            return
        if style == "subdomain":
            problem = dns_subdomain_error(text)
        else:
            problem = dns_label_error(text, must_start_with_letter=style == "label1035")
        if problem is None:
            return
        suggestion = _suggest_name(text, allow_dots=style == "subdomain")
        if suggestion and style == "label1035" and not suggestion[0].isalpha():
            suggestion = "x-" + suggestion
        if "characters long" in problem:
            hint = "use a shorter name"
        elif suggestion and suggestion != text:
            hint = f"for example `{suggestion}`"
        elif style == "subdomain":
            hint = "use lower-case letters, digits, '-' and '.', e.g. `web-1`"
        else:
            hint = "use lower-case letters, digits and '-', e.g. `web`"
        self.error(path, f"{what} {_show(text)} {problem}", hint, code)

    def label_map(
        self, value: Any, path: FieldPath, what: str, hint: str | None = None
    ) -> dict[str, str] | None:
        """Validate a label mapping; return it as str -> str when it is fully valid."""
        labels = self.mapping(value, path, what, hint)
        if labels is None:
            return None
        mark = len(self.issues)
        clean: dict[str, str] = {}
        for key, val in labels.items():
            key_name = key if isinstance(key, str) else _scalar_text(key)
            key_path = path + (key_name,)
            if not isinstance(key, str):
                self.error(
                    key_path,
                    f"label key {key_name} must be text; {_not_text_reason(key)}",
                    f'quote it: `"{_scalar_text(key)}": ...`',
                    "label-not-string",
                )
            else:
                problem = label_key_error(key)
                if problem:
                    self.error(
                        key_path,
                        f"label key {_show(key)} is not valid: it {problem}",
                        "a label key is a name of up to 63 characters, optionally after a "
                        "DNS-style prefix and '/', like `app` or `app.kubernetes.io/name`",
                        "bad-label-key",
                    )
            text = self.label_value(val, key_path, key_name)
            if text is not None and isinstance(key, str):
                clean[key] = text
        return clean if not self.errors_since(mark) else None

    def label_value(self, value: Any, path: FieldPath, key: str) -> str | None:
        if value is None:
            self.warning(
                path,
                f"label `{_brief(key)}` has no value, so Kubernetes reads it as the empty string",
                f'write `{_brief(key)}: ""` if an empty value is what you mean',
                "empty-label-value",
            )
            return ""
        if isinstance(value, bool | int | float):
            text = _scalar_text(value)
            self.error(
                path,
                f"the value of label `{_brief(key)}` must be text, but {text} is "
                f"{describe_type(value)}: {_not_text_reason(value)}",
                f'quote it: `{_brief(key)}: "{text}"`',
                "label-not-string",
            )
            return None
        if not isinstance(value, str):
            self.error(
                path,
                f"the value of label `{_brief(key)}` must be a single piece of text, not "
                f"{describe_type(value)}",
                "a label value is text of up to 63 characters; to match several values use "
                "`matchExpressions` with `operator: In`",
                "wrong-type",
            )
            return None
        problem = label_value_error(value)
        if problem:
            self.error(
                path,
                f"label value {_show(value)} is not valid: it {problem}",
                "label values are up to 63 letters, digits, '-', '_' or '.', starting and "
                "ending with a letter or digit (or empty)",
                "bad-label-value",
            )
            return None
        return value

    def annotations(self, value: Any, path: FieldPath) -> None:
        notes = self.mapping(value, path, "annotations")
        if notes is None:
            return
        for key, val in notes.items():
            key_path = path + (str(key),)
            if not isinstance(key, str):
                self.error(key_path, "annotation keys must be text", "quote the key", "wrong-type")
            else:
                problem = label_key_error(key.lower())
                if problem:
                    self.error(
                        key_path,
                        f"annotation key {_show(key)} is not valid: it {problem}",
                        "annotation keys are names like `example.com/note`",
                        "bad-annotation-key",
                    )
            if val is None or isinstance(val, str):
                continue
            if isinstance(val, bool | int | float):
                text = _scalar_text(val)
                self.error(
                    key_path,
                    f"annotation values must be text, but {text} is {describe_type(val)}: "
                    f"{_not_text_reason(val)}",
                    f'quote it: `{_brief(key)}: "{text}"`',
                    "annotation-not-string",
                )
            else:
                self.error(
                    key_path,
                    f"annotation values must be text, not {describe_type(val)}",
                    "to store structured data in an annotation, write it as a JSON string",
                    "annotation-not-string",
                )

    def metadata(self, obj: Mapping[str, Any], kind: str, name_style: str) -> None:
        path: FieldPath = ("metadata",)
        if obj.get("metadata") is None:
            self.error(
                path,
                f"this {kind} has no `metadata`; every object needs at least a name",
                "add `metadata:` with a `name:` under it",
                "missing-metadata",
            )
            return
        meta = self.mapping(obj.get("metadata"), path, "metadata")
        if meta is None:
            return
        if meta.get("name") is None:
            if not meta.get("generateName"):
                self.error(
                    path + ("name",),
                    f"this {kind} has no name",
                    "add `name: <name>` under `metadata`",
                    "missing-name",
                )
        else:
            self.name(meta["name"], path + ("name",), "name", name_style)
        if meta.get("namespace") is not None:
            if kind == "Namespace":
                self.warning(
                    path + ("namespace",),
                    "a Namespace is not inside another namespace, so `metadata.namespace` is ignored",
                    "remove the `namespace:` line",
                    "namespace-on-namespace",
                )
            else:
                self.name(meta["namespace"], path + ("namespace",), "namespace", "label")
        if meta.get("generateName") is not None:
            self.string(meta["generateName"], path + ("generateName",), "generateName")
        self.label_map(meta.get("labels"), path + ("labels",), "labels")
        self.annotations(meta.get("annotations"), path + ("annotations",))
        self.owner_references(meta.get("ownerReferences"), path + ("ownerReferences",))

    def owner_references(self, value: Any, path: FieldPath) -> None:
        """The fields the tutor reads to group pods under their workload must have their types."""
        refs = self.seq(value, path, "ownerReferences")
        for i, item in enumerate(refs or []):
            ref = self.mapping(item, path + (i,), "this ownerReferences entry")
            if ref is None:
                if item is None:
                    self.error(
                        path + (i,),
                        "this ownerReferences entry is empty",
                        "write `- {apiVersion: apps/v1, kind: ReplicaSet, name: ..., uid: ...}`",
                        "missing-field",
                    )
                continue
            for fld in ("apiVersion", "kind", "name", "uid"):
                if ref.get(fld) is not None:
                    self.string(ref[fld], path + (i, fld), fld)
            for fld in ("controller", "blockOwnerDeletion"):
                self.boolean(ref.get(fld), path + (i, fld), fld)

    # ---- label selectors -------------------------------------------------------------------

    def label_selector(self, value: Any, path: FieldPath, what: str) -> dict[str, Any] | None:
        """Validate a LabelSelector (null is fine); return it when it is fully valid."""
        if value is None:
            return None
        sel = self.mapping(
            value,
            path,
            what,
            f"`{what}` must be a mapping such as `{{matchLabels: {{app: web}}}}`"
            if isinstance(value, list)
            else None,
        )
        if sel is None:
            return None
        mark = len(self.issues)
        for key in sel:
            name = str(key)
            if name in _SELECTOR_FIELDS:
                continue
            guess = did_you_mean(name, _SELECTOR_FIELDS)
            if guess is not None:
                hint = f"did you mean `{guess}`?"
            else:
                hint = (
                    f"a label selector lists labels under `matchLabels`: "
                    f"`{what}: {{matchLabels: {{{_brief(name)}: ...}}}}`"
                )
            self.error(
                path + (name,),
                f"unknown field `{_brief(name)}` in a label selector",
                hint,
                "unknown-field",
            )
        self.label_map(
            sel.get("matchLabels"),
            path + ("matchLabels",),
            "matchLabels",
            "`matchLabels` must be a mapping; a list here usually means `matchExpressions`"
            if isinstance(sel.get("matchLabels"), list)
            else None,
        )
        exprs = self.seq(
            sel.get("matchExpressions"), path + ("matchExpressions",), "matchExpressions"
        )
        for i, expr in enumerate(exprs or []):
            self.selector_requirement(expr, path + ("matchExpressions", i))
        return sel if not self.errors_since(mark) else None

    def selector_requirement(self, value: Any, path: FieldPath) -> None:
        if value is None:
            self.error(
                path,
                "this `matchExpressions` entry is empty",
                "write `{key: ..., operator: In, values: [...]}`",
                "empty-expression",
            )
            return
        expr = self.mapping(value, path, "this `matchExpressions` entry")
        if expr is None:
            return
        self.fields(expr, path, ("key", "operator", "values"), "a `matchExpressions` entry")
        key = expr.get("key")
        if key is None:
            self.error(
                path + ("key",),
                "this expression has no `key`",
                "write the label key it tests, e.g. `{key: app, operator: In, values: [web]}`",
                "missing-field",
            )
        else:
            key_text = self.string(key, path + ("key",), "key")
            if key_text is not None:
                problem = label_key_error(key_text)
                if problem:
                    self.error(
                        path + ("key",),
                        f"label key {_show(key_text)} is not valid: it {problem}",
                        "a label key is a name of up to 63 characters, optionally after a "
                        "DNS-style prefix and '/', like `app` or `app.kubernetes.io/name`",
                        "bad-label-key",
                    )
        operator: str | None = None
        op_raw = expr.get("operator")
        if op_raw is None:
            self.error(
                path + ("operator",),
                "this expression has no `operator`",
                "use In, NotIn, Exists or DoesNotExist",
                "missing-field",
            )
        else:
            op_text = self.string(op_raw, path + ("operator",), "operator")
            if op_text is not None and op_text not in SELECTOR_OPERATORS:
                same = [op for op in SELECTOR_OPERATORS if op.lower() == op_text.lower()]
                hint = (
                    f"operators are case-sensitive: write `{same[0]}`"
                    if same
                    else "use In, NotIn, Exists or DoesNotExist"
                )
                self.error(
                    path + ("operator",),
                    f"{_show(op_text)} is not a selector operator",
                    hint,
                    "bad-operator",
                )
            elif op_text is not None:
                operator = op_text
        raw_values = expr.get("values")
        values = self.seq(
            raw_values,
            path + ("values",),
            "values",
            f"`values` is a list even for one value: `values: [{raw_values}]`"
            if isinstance(raw_values, str)
            else None,
        )
        for i, val in enumerate(values or []):
            self.label_value(val, path + ("values", i), str(expr.get("key")))
        count = len(values or [])
        if operator in ("In", "NotIn") and count == 0:
            self.error(
                path + ("values",),
                f"operator {operator} needs at least one value",
                "list the values, e.g. `values: [web]`, or use Exists to test only for the key",
                "missing-values",
            )
        elif operator in ("Exists", "DoesNotExist") and count > 0:
            self.error(
                path + ("values",),
                f"operator {operator} tests only whether the key is present, so it takes no values",
                "remove `values`, or use In / NotIn to compare values",
                "unexpected-values",
            )

    # ---- pods and pod templates -------------------------------------------------------------

    def pod_spec(self, value: Any, path: FieldPath) -> None:
        if value is None:
            self.error(
                path,
                "there is no pod `spec`; a pod needs at least one container",
                "add `spec:` with `containers:` listing at least one container",
                "missing-spec",
            )
            return
        spec = self.mapping(value, path, "spec")
        if spec is None:
            return
        self.boolean(spec.get("hostNetwork"), path + ("hostNetwork",), "hostNetwork")
        containers = spec.get("containers")
        if containers is None or containers == []:
            self.error(
                path + ("containers",),
                "a pod needs at least one container",
                "add `containers:` with an entry that has `name` and `image`",
                "no-containers",
            )
        container_names: dict[str, FieldPath] = {}
        port_names: dict[str, FieldPath] = {}
        bindings: dict[tuple[int, str], FieldPath] = {}
        for group in ("containers", "initContainers"):
            items = self.seq(spec.get(group), path + (group,), group)
            for i, item in enumerate(items or []):
                self.container(item, path + (group, i), container_names, port_names, bindings)

    def container(
        self,
        value: Any,
        path: FieldPath,
        names: dict[str, FieldPath],
        port_names: dict[str, FieldPath],
        bindings: dict[tuple[int, str], FieldPath],
    ) -> None:
        ctr = self.mapping(value, path, "this container")
        if ctr is None:
            if value is None:
                self.error(
                    path,
                    "this container entry is empty",
                    "write `- name: app` with an `image:` under it",
                    "missing-field",
                )
            return
        name = ctr.get("name")
        if name is None:
            self.error(
                path + ("name",),
                "this container has no name",
                "every container needs `name:`, unique within the pod",
                "missing-container-name",
            )
        elif isinstance(name, str) and name in names:
            self.error(
                path + ("name",),
                f"two containers in this pod are named {_show(name)} "
                f"(the other is at {format_path(names[name])})",
                "give each container its own name",
                "duplicate-container-name",
            )
        else:
            mark = len(self.issues)
            self.name(name, path + ("name",), "container name", "label", "bad-container-name")
            if isinstance(name, str) and not self.errors_since(mark):
                names[name] = path
        ports = self.seq(ctr.get("ports"), path + ("ports",), "ports")
        for i, entry in enumerate(ports or []):
            self.container_port(entry, path + ("ports", i), port_names, bindings)

    def container_port(
        self,
        value: Any,
        path: FieldPath,
        port_names: dict[str, FieldPath],
        bindings: dict[tuple[int, str], FieldPath],
    ) -> None:
        entry = self.mapping(value, path, "this ports entry")
        if entry is None:
            if value is None:
                self.error(
                    path,
                    "this ports entry is empty",
                    "write `- containerPort: 8080`",
                    "missing-field",
                )
            return
        number: int | None = None
        if entry.get("containerPort") is None:
            self.error(
                path + ("containerPort",),
                "this port has no `containerPort`",
                "write the port the container listens on, e.g. `containerPort: 8080`",
                "missing-container-port",
            )
        else:
            number = self.port_number(
                entry["containerPort"], path + ("containerPort",), "containerPort"
            )
        if entry.get("hostPort") is not None:
            self.port_number(entry["hostPort"], path + ("hostPort",), "hostPort")
        protocol = self.protocol(entry.get("protocol"), path + ("protocol",))
        name = entry.get("name")
        if name is not None:
            text = self.string(name, path + ("name",), "name")
            if text is not None:
                problem = port_name_error(text)
                if problem:
                    self.error(
                        path + ("name",),
                        f"port name {_show(text)} is not valid: it {problem}",
                        "port names are short lower-case words such as `http` or `metrics`",
                        "bad-port-name",
                    )
                elif text in port_names:
                    other = port_names[text]
                    same_container = other[:-3] == path[:-2]
                    # The API server refuses a repeated name inside one container; across
                    # containers it accepts it, though the API documents names as unique per pod.
                    report = self.error if same_container else self.warning
                    report(
                        path + ("name",),
                        f"two ports in this {'container' if same_container else 'pod'} are "
                        f"named {_show(text)} (the other is at {format_path(other)})"
                        + (
                            ""
                            if same_container
                            else "; Services and policies that use the name find the first one"
                        ),
                        "port names must be unique within a pod, so a name points at one port",
                        "duplicate-port-name",
                    )
                else:
                    port_names[text] = path + ("name",)
        if number is None or protocol is None:
            return
        first = bindings.get((number, protocol))
        if first is not None:
            # The API server accepts this with a warning; at run time only one container can
            # bind the port, so the tutor reports it loudly but keeps the pod.
            self.warning(
                path + ("containerPort",),
                f"port {number}/{protocol} is declared twice in this pod (first at "
                f"{format_path(first)}). All containers in a pod share one network namespace "
                "and one IP address, so only one of them can listen on a given port; the API "
                "server accepts the pod with a warning, but the second container cannot bind it",
                "give one of the containers a different `containerPort` (and make its program "
                "listen there)",
                "duplicate-container-port",
            )
        else:
            bindings[(number, protocol)] = path + ("containerPort",)

    def pod_status(self, value: Any, path: FieldPath) -> None:
        status = self.mapping(value, path, "status")
        if status is None:
            return
        ip = status.get("podIP")
        if ip is not None:
            text = self.string(ip, path + ("podIP",), "podIP")
            if text is not None and text != "" and not _is_ip(text):
                self.error(
                    path + ("podIP",),
                    f"podIP {_show(text)} is not a valid IP address",
                    "write a plain IPv4 or IPv6 address such as `10.244.1.7`, without a prefix",
                    "bad-ip",
                )
        ips = self.seq(status.get("podIPs"), path + ("podIPs",), "podIPs")
        for i, item in enumerate(ips or []):
            entry = self.mapping(item, path + ("podIPs", i), "this podIPs entry")
            if entry is None or entry.get("ip") is None:
                continue
            text = self.string(entry["ip"], path + ("podIPs", i, "ip"), "ip")
            if text is not None and not _is_ip(text):
                self.error(
                    path + ("podIPs", i, "ip"),
                    f"{_show(text)} is not a valid IP address",
                    "write a plain IPv4 or IPv6 address such as `10.244.1.7`, without a prefix",
                    "bad-ip",
                )
        conditions = self.seq(status.get("conditions"), path + ("conditions",), "conditions")
        for i, item in enumerate(conditions or []):
            cond = self.mapping(item, path + ("conditions", i), "this conditions entry")
            if cond is None:
                continue
            for fld in ("type", "status"):
                if cond.get(fld) is not None:
                    self.string(cond[fld], path + ("conditions", i, fld), fld)
        if status.get("phase") is not None:
            self.string(status["phase"], path + ("phase",), "phase")

    def pod(self, obj: Mapping[str, Any]) -> None:
        self.metadata(obj, "Pod", "subdomain")
        self.pod_spec(obj.get("spec"), ("spec",))
        self.pod_status(obj.get("status"), ("status",))

    def workload(self, obj: Mapping[str, Any], kind: str) -> None:
        self.metadata(obj, kind, "subdomain")
        if obj.get("spec") is None:
            self.error(
                ("spec",),
                f"this {kind} has no `spec`",
                "a workload needs `spec.template` describing its pods",
                "missing-spec",
            )
            return
        spec = self.mapping(obj.get("spec"), ("spec",), "spec")
        if spec is None:
            return
        if kind in _REPLICATED_KINDS and spec.get("replicas") is not None:
            replicas = self.integer(spec["replicas"], ("spec", "replicas"), "replicas")
            if replicas is not None and replicas < 0:
                self.error(
                    ("spec", "replicas"),
                    f"`replicas` {replicas} is negative",
                    "use 0 or more (leave it out for 1)",
                    "bad-replicas",
                )
        holder = spec
        holder_path: FieldPath = ("spec",)
        if kind == "CronJob":
            job = self.mapping(spec.get("jobTemplate"), ("spec", "jobTemplate"), "jobTemplate")
            job_spec = None
            if job is not None:
                job_spec = self.mapping(job.get("spec"), ("spec", "jobTemplate", "spec"), "spec")
            if job_spec is None:
                if spec.get("jobTemplate") is None or (job is not None and job.get("spec") is None):
                    self.error(
                        ("spec", "jobTemplate"),
                        "this CronJob has no `jobTemplate.spec.template`",
                        "add `jobTemplate:` with `spec.template` describing the pods it runs",
                        "missing-template",
                    )
                return
            holder, holder_path = job_spec, ("spec", "jobTemplate", "spec")
        tpath = holder_path + ("template",)
        if holder.get("template") is None:
            self.error(
                tpath,
                f"this {kind} has no pod `template`",
                "add `template:` with `metadata.labels` and a pod `spec`",
                "missing-template",
            )
            template = None
        else:
            template = self.mapping(holder.get("template"), tpath, "template")
        labels: dict[str, str] | None = {}
        if template is not None:
            tmeta = self.mapping(template.get("metadata"), tpath + ("metadata",), "metadata")
            if tmeta is not None and tmeta.get("labels") is not None:
                # None from label_map means the labels are invalid: then skip the match check.
                labels = self.label_map(
                    tmeta.get("labels"), tpath + ("metadata", "labels"), "labels"
                )
                self.annotations(tmeta.get("annotations"), tpath + ("metadata", "annotations"))
            self.pod_spec(template.get("spec"), tpath + ("spec",))
        self.workload_selector(obj, kind, holder, holder_path, labels, template is not None)

    def workload_selector(
        self,
        obj: Mapping[str, Any],
        kind: str,
        spec: Mapping[str, Any],
        spec_path: FieldPath,
        labels: dict[str, str] | None,
        have_template: bool,
    ) -> None:
        """Check the selector; `labels` None means the template labels were invalid."""
        spath = spec_path + ("selector",)
        raw = spec.get("selector")
        if kind == "ReplicationController":
            selector = self.label_map(
                raw,
                spath,
                "selector",
                "a ReplicationController selector is plain `key: value` pairs"
                if isinstance(raw, list)
                else None,
            )
            if (
                selector
                and have_template
                and labels is not None
                and not _labels_match(selector, labels)
            ):
                self._selector_mismatch(spath, kind)
            return
        if kind not in _APPS_KINDS:
            self.label_selector(raw, spath, "selector")
            return
        if raw is None:
            if obj.get("apiVersion") == "apps/v1":
                self.error(
                    spath,
                    f"an apps/v1 {kind} needs a `selector` saying which pods it manages",
                    "add `selector: {matchLabels: ...}` with the labels of `template.metadata.labels`",
                    "missing-selector",
                )
            return
        selector = self.label_selector(raw, spath, "selector")
        if selector is None:
            return
        if not selector.get("matchLabels") and not selector.get("matchExpressions"):
            self.error(
                spath,
                f"an empty selector is not allowed for a {kind}: it would claim every pod",
                "list the template's labels under `selector.matchLabels`",
                "empty-selector",
            )
        elif have_template and labels is not None and not _selector_matches(selector, labels):
            self._selector_mismatch(spath, kind)

    def _selector_mismatch(self, path: FieldPath, kind: str) -> None:
        self.error(
            path,
            f"the {kind}'s selector does not match the labels of its own pod template, "
            "so it could never find the pods it creates",
            "make `template.metadata.labels` include every label the selector asks for",
            "selector-template-mismatch",
        )

    # ---- Service ------------------------------------------------------------------------------

    def service(self, obj: Mapping[str, Any]) -> None:
        self.metadata(obj, "Service", "label1035")
        if obj.get("spec") is None:
            self.error(
                ("spec",),
                "this Service has no `spec`",
                "add `spec:` with `selector:` and `ports:`",
                "missing-spec",
            )
            return
        spec = self.mapping(obj.get("spec"), ("spec",), "spec")
        if spec is None:
            return
        path: FieldPath = ("spec",)
        svc_type: str | None = "ClusterIP"
        if spec.get("type") is not None:
            svc_type = self.string(spec["type"], path + ("type",), "type")
            if svc_type is not None and svc_type not in SERVICE_TYPES:
                same = [t for t in SERVICE_TYPES if t.lower() == svc_type.lower()]
                hint = (
                    f"types are case-sensitive: write `{same[0]}`"
                    if same
                    else "use ClusterIP (the default), NodePort, LoadBalancer or ExternalName"
                )
                self.error(
                    path + ("type",),
                    f"{_show(svc_type)} is not a Service type",
                    hint,
                    "bad-service-type",
                )
                svc_type = None
        headless = False
        if spec.get("clusterIP") is not None:
            ip = self.string(spec["clusterIP"], path + ("clusterIP",), "clusterIP")
            headless = ip == "None"
            if ip not in (None, "", "None") and not _is_ip(ip):
                self.error(
                    path + ("clusterIP",),
                    f"clusterIP {_show(ip)} is not an IP address",
                    "leave it out to get one assigned, or write `clusterIP: None` for a headless Service",
                    "bad-ip",
                )
        if svc_type == "ExternalName":
            ext = spec.get("externalName")
            if ext is None or ext == "":
                self.error(
                    path + ("externalName",),
                    "an ExternalName Service needs `externalName`, the DNS name it points to",
                    "add e.g. `externalName: db.example.com`",
                    "missing-field",
                )
            elif isinstance(ext, str) and dns_subdomain_error(ext.lower().rstrip(".")):
                self.error(
                    path + ("externalName",),
                    f"externalName {_show(ext)} is not a DNS name",
                    "write a lower-case DNS name such as `db.example.com`",
                    "bad-name",
                )
        self.service_selector(spec.get("selector"), path + ("selector",))
        self.service_ports(spec, path, svc_type, headless)

    def service_selector(self, value: Any, path: FieldPath) -> None:
        if isinstance(value, dict) and any(k in _SELECTOR_FIELDS for k in value):
            self.error(
                path,
                "a Service selector is a plain list of labels, not a label selector",
                "Service selectors are plain key: value pairs; they do not support "
                "matchLabels/matchExpressions (write `selector: {app: web}`)",
                "service-selector-form",
            )
            return
        self.label_map(
            value,
            path,
            "selector",
            "Service selectors are plain key: value pairs such as `app: web`, not a list"
            if isinstance(value, list)
            else None,
        )

    def service_ports(
        self, spec: Mapping[str, Any], path: FieldPath, svc_type: str | None, headless: bool
    ) -> None:
        ports = self.seq(spec.get("ports"), path + ("ports",), "ports")
        if not ports:
            if spec.get("ports") is None or ports == []:
                if svc_type != "ExternalName" and not headless:
                    self.error(
                        path + ("ports",),
                        "this Service has no ports",
                        "add `ports:` with at least `- port: 80`",
                        "missing-ports",
                    )
            return
        several = len(ports) > 1
        names: dict[str, FieldPath] = {}
        seen: dict[tuple[int, str], FieldPath] = {}
        node_ports: dict[tuple[int, str], FieldPath] = {}
        for i, item in enumerate(ports):
            ppath = path + ("ports", i)
            entry = self.mapping(item, ppath, "this ports entry")
            if entry is None:
                if item is None:
                    self.error(
                        ppath, "this ports entry is empty", "write `- port: 80`", "missing-field"
                    )
                continue
            number: int | None = None
            if entry.get("port") is None:
                self.error(
                    ppath + ("port",),
                    "this Service port has no `port`",
                    "`port` is the number clients connect to on the Service",
                    "missing-field",
                )
            else:
                number = self.port_number(entry["port"], ppath + ("port",), "port")
            protocol = self.protocol(entry.get("protocol"), ppath + ("protocol",))
            self.target_port(entry.get("targetPort"), ppath + ("targetPort",))
            name = entry.get("name")
            if name is None or name == "":
                if several:
                    self.error(
                        ppath + ("name",),
                        "when a Service has more than one port, every port needs a name",
                        "add `name:`, e.g. `name: http`",
                        "missing-port-name",
                    )
            else:
                text = self.string(name, ppath + ("name",), "name")
                if text is not None:
                    problem = dns_label_error(text)
                    if problem:
                        self.error(
                            ppath + ("name",),
                            f"port name {_show(text)} {problem}",
                            "Service port names are short lower-case words such as `http`",
                            "bad-port-name",
                        )
                    elif text in names:
                        self.error(
                            ppath + ("name",),
                            f"two ports of this Service are named {_show(text)}",
                            "give each port its own name",
                            "duplicate-port-name",
                        )
                    else:
                        names[text] = ppath
            if number is not None and protocol is not None:
                if (number, protocol) in seen:
                    self.error(
                        ppath + ("port",),
                        f"port {number}/{protocol} appears twice in this Service "
                        f"(first at {format_path(seen[(number, protocol)])})",
                        "each Service port number may be used once per protocol",
                        "duplicate-service-port",
                    )
                else:
                    seen[(number, protocol)] = ppath
            self.node_port(
                entry.get("nodePort"), ppath + ("nodePort",), svc_type, protocol, node_ports
            )

    def target_port(self, value: Any, path: FieldPath) -> None:
        if value is None:
            return
        if isinstance(value, int) and not isinstance(value, bool):
            if value == 0:
                self.warning(
                    path,
                    "targetPort 0 means 'the same as port'",
                    "leave `targetPort` out instead; it defaults to `port`",
                    "zero-target-port",
                )
            elif not 1 <= value <= 65535:
                self.error(
                    path,
                    f"targetPort {_scalar_text(value)} is not a valid port number (1 to 65535)",
                    "use the container port number (1 to 65535) or its name",
                    "bad-port",
                )
            return
        if isinstance(value, str):
            if value.strip().isdigit():
                self.error(
                    path,
                    f"targetPort {_show(value)} is a string, so it is read as a port *name*, and a "
                    "port name must contain a letter",
                    f"drop the quotes: `targetPort: {_brief(value.strip())}`",
                    "numeric-string-port",
                )
                return
            problem = port_name_error(value)
            if problem:
                self.error(
                    path,
                    f"targetPort {_show(value)} is not a valid port name: it {problem}",
                    "a string targetPort names a container port (e.g. `http`); use a number otherwise",
                    "bad-port-name",
                )
            return
        self.error(
            path,
            f"`targetPort` must be a port number or a port name, but it is {describe_type(value)}",
            "write the container port's number (`targetPort: 8080`) or name (`targetPort: http`)",
            "wrong-type",
        )

    def node_port(
        self,
        value: Any,
        path: FieldPath,
        svc_type: str | None,
        protocol: str | None,
        seen: dict[tuple[int, str], FieldPath],
    ) -> None:
        if value is None or value == 0:
            return
        number = self.port_number(value, path, "nodePort")
        if number is None:
            return
        if svc_type == "ClusterIP":
            self.error(
                path,
                "a nodePort only exists for NodePort and LoadBalancer Services; this one is ClusterIP",
                "set `type: NodePort` (or LoadBalancer), or remove `nodePort`",
                "nodeport-not-allowed",
            )
            return
        if svc_type == "ExternalName":
            self.warning(
                path,
                "an ExternalName Service gets no nodePort; this value does nothing",
                "remove `nodePort`",
                "nodeport-not-allowed",
            )
            return
        low, high = NODE_PORT_RANGE
        if not low <= number <= high:
            self.warning(
                path,
                f"nodePort {number} is outside the default node port range {low}-{high}; "
                "most clusters will refuse it",
                f"pick a port from {low} to {high}, or leave `nodePort` out to get one assigned",
                "nodeport-range",
            )
        if protocol is not None:
            if (number, protocol) in seen:
                self.error(
                    path,
                    f"nodePort {number} is used twice in this Service",
                    "give each port its own nodePort, or leave them out to get them assigned",
                    "duplicate-node-port",
                )
            else:
                seen[(number, protocol)] = path

    # ---- NetworkPolicy ----------------------------------------------------------------------

    def network_policy(self, obj: Mapping[str, Any]) -> None:
        self.metadata(obj, "NetworkPolicy", "subdomain")
        if obj.get("apiVersion") == "extensions/v1beta1":
            self.warning(
                ("apiVersion",),
                "extensions/v1beta1 NetworkPolicy has not been served since Kubernetes 1.16; "
                "the tutor reads it as networking.k8s.io/v1, which has the same fields. "
                "Beware: beta policies only took effect in namespaces that opted into isolation, "
                "while a v1 policy isolates every pod it selects",
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
            f"`policyTypes` is a list: write `policyTypes: [{_scalar_text(value)}]`"
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
                    path + (i,), f"{_show(text)} is not a policy type", hint, "bad-policy-type"
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
                        f"cidr {_show(text)} {problem}",
                        "write an address range like `10.0.0.0/16` or `2001:db8::/64`; "
                        "for one address add `/32` (IPv4) or `/128` (IPv6)",
                        "bad-cidr",
                    )
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
                    f"except {_show(text)} {problem}",
                    "each exception is an address range like `10.0.5.0/24`",
                    "bad-cidr",
                )
                continue
            if network is None:
                continue
            cidr_text = str(raw)
            if inner.version != network.version:
                self.error(
                    epath,
                    f"except {_show(text)} is IPv{inner.version} but cidr {_show(cidr_text)} is "
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
                    f"except {_show(text)} is not strictly inside cidr {_show(cidr_text)}: each "
                    "exception must be a smaller range within the cidr",
                    hint,
                    "except-outside-cidr",
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
                    f"port {_scalar_text(raw)} is not a valid port number (1 to 65535)",
                    "ports are numbers from 1 to 65535 (or a container port name such as `http`)",
                    "bad-port",
                )
        elif isinstance(raw, str):
            if raw.strip().isdigit():
                self.error(
                    path + ("port",),
                    f"port {_show(raw)} is a string, so it is read as a port *name*, and a port "
                    "name must contain a letter",
                    f"drop the quotes: `port: {_brief(raw.strip())}`",
                    "numeric-string-port",
                )
            else:
                problem = port_name_error(raw)
                if problem:
                    self.error(
                        path + ("port",),
                        f"port name {_show(raw)} is not valid: it {problem}",
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
                f"endPort {_scalar_text(end)} is not a valid port number (1 to 65535)",
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

    # ---- Namespace ---------------------------------------------------------------------------

    def namespace(self, obj: Mapping[str, Any]) -> None:
        self.metadata(obj, "Namespace", "label")


def _labels_match(wanted: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in wanted.items())


def _selector_matches(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """Whether a (validated) LabelSelector matches `labels`."""
    match_labels = selector.get("matchLabels") or {}
    if not _labels_match(match_labels, labels):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op = expr.get("key"), expr.get("operator")
        values = {str(v) for v in expr.get("values") or []}
        present = key in labels
        if op == "In" and not (present and labels[key] in values):
            return False
        if op == "NotIn" and present and labels[key] in values:
            return False
        if op == "Exists" and not present:
            return False
        if op == "DoesNotExist" and present:
            return False
    return True


def check_v1_object(obj: Mapping[str, Any]) -> list[Issue]:
    """Validate an object by the current API rules only (no alpha translation); used by `legacy`."""
    checker = _Checker()
    kind = obj.get("kind")
    if kind == "Namespace":
        checker.namespace(obj)
    elif kind == "Pod":
        checker.pod(obj)
    elif kind in WORKLOAD_KINDS:
        checker.workload(obj, str(kind))
    elif kind == "Service":
        checker.service(obj)
    elif kind == "NetworkPolicy":
        checker.network_policy(obj)
    return checker.issues


def validate_object(obj: dict[str, Any]) -> list[Issue]:
    """Every issue in one raw object, as the API server would see it (plus a few warnings).

    Unknown kinds give []. The 2016 alpha NetworkPolicy form is translated to v1 first (see
    `legacy`); its issues point back into the original object.
    """
    if not isinstance(obj, dict):
        return [
            Issue(
                (),
                f"a Kubernetes object must be a mapping, but this is {describe_type(obj)}",
                code="wrong-type",
            )
        ]
    if obj.get("kind") == "NetworkPolicy":
        from k8snet_tutor.core import legacy  # imported here: legacy imports this module

        if legacy.is_alpha_policy(obj):
            return legacy.translate_alpha_policy(obj)[1]
    return check_v1_object(obj)
