"""Problems found in input: what went wrong, where, and how to fix it.

Every input problem the tutor reports (YAML syntax, schema, semantics, lint) is a `Problem`.
Nothing in the core raises for bad input; it returns problems, and the shells print them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "note"]

# A path into a parsed document: mapping keys and list indexes, e.g. ("spec", "ingress", 0, "from").
FieldPath = tuple[str | int, ...]


def format_path(path: FieldPath) -> str:
    """Render a field path the way kubectl does: `spec.ingress[0].from[1].podSelector`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth knowing) about the input."""

    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    obj: str | None = None  # "NetworkPolicy shop/deny-all"
    field: str | None = None  # "spec.ingress[0].from[1]"
    hint: str | None = None
    code: str = dataclasses.field(default="", compare=False)  # short stable id, e.g. "yaml-syntax"

    @property
    def location(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def format(self) -> str:
        """`file:line:col: error: message [NetworkPolicy x/y, spec.ingress[0]]` plus a hint line."""
        text = f"{self.location}: {self.severity}: {self.message}"
        context = ", ".join(part for part in (self.obj, self.field) if part)
        if context:
            text += f" [{context}]"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "object": self.obj,
            "field": self.field,
            "hint": self.hint,
            "code": self.code,
        }
