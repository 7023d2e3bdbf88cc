"""How values read in learner-facing messages: one vocabulary for the whole tutor.

Every message that names a value's type (a Kubernetes field, a lesson or quiz file, a YAML
document) uses `describe_type` or `describe_value`, so a learner meets one wording for one
idea. `did_you_mean` is the one spelling suggestion, and `is_address` the one test for "this
name is an IP address (or range), not a pod or Service name".
"""

from __future__ import annotations

import difflib
import ipaddress
from collections.abc import Sequence
from typing import Any


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


def describe_value(value: Any) -> str:
    """The type and, for a scalar, the value itself: `a number (3)`, `a string ("web")`,
    `a true/false value (true)`, `empty (null)`, `a list`."""
    if value is None or isinstance(value, list | dict):
        return describe_type(value)
    if isinstance(value, bool | int | float | str):
        return f"{describe_type(value)} ({show(value)})"
    return describe_type(value)


def brief(text: str, limit: int = 60) -> str:
    """`text`, cut short for a message: hostile input may hold 4,000-digit numbers."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def scalar_text(value: Any) -> str:
    """How YAML writes a scalar: True -> `true`, 1.0 -> `1.0` (long values cut short)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return brief(value)
    if isinstance(value, int) and not -(10**20) < value < 10**20:
        return brief(str(value), 20)
    return brief(str(value))


def show(value: Any) -> str:
    """A value as a message quotes it: strings in double quotes, containers by their type."""
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return f'"{text}"'
    if isinstance(value, list | dict):
        return describe_type(value)
    return scalar_text(value)


def subject(what: str) -> str:
    """A field name in backticks (`ports`); a description as it is (this ports entry)."""
    return what if " " in what else f"`{what}`"


def not_text_reason(value: Any) -> str:
    """Why YAML did not read an unquoted value as text."""
    if isinstance(value, bool):
        return "YAML reads unquoted true/false, yes/no and on/off as true/false values, not text"
    return "YAML reads an unquoted number as a number, not text"


def did_you_mean(word: str, options: Sequence[str], cutoff: float = 0.6) -> str | None:
    """The option closest to `word` (ignoring case), if one is at least `cutoff` similar."""
    lowered = {k.lower(): k for k in options}
    hits = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[hits[0]] if hits else None


def is_address(text: str, *, cidr: bool = False) -> bool:
    """Whether `text` is one IPv4 or IPv6 address (no zone such as `%eth0`), or with
    `cidr=True` also an address range such as `10.0.0.0/8` (host bits may be set)."""
    if "%" in text:
        return False
    try:
        if cidr:
            ipaddress.ip_network(text, strict=False)
        else:
            ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
