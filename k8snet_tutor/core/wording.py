"""How values are described in learner-facing messages, and "did you mean" suggestions."""

from __future__ import annotations

import difflib
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
