"""Names, labels, ports and CIDRs: the string formats the API server enforces."""

from __future__ import annotations

import ipaddress
import re
from typing import Final

from k8snet_tutor.core.wording import is_address

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


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
    """Parse an IPv4/IPv6 CIDR as older API servers do (host bits allowed; the policy rules warn
    about them, since newer servers reject them): (network, why-not)."""
    if "/" not in text:
        if is_address(text):
            return None, "has no prefix length"
        return None, "is not a valid IPv4 or IPv6 CIDR"
    address, _, prefix = text.partition("/")
    if "%" in address or not re.fullmatch(r"[0-9]{1,3}", prefix):
        return None, "is not a valid IPv4 or IPv6 CIDR"
    try:
        return ipaddress.ip_network(text, strict=False), None
    except ValueError:
        return None, "is not a valid IPv4 or IPv6 CIDR"

