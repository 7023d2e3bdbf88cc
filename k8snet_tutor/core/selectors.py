"""Label selectors, exactly as Kubernetes reads them.

A `LabelSelector` is `matchLabels` plus `matchExpressions`, all ANDed. The empty selector `{}`
matches everything; a *null* selector (the field absent where a selector is required) matches
nothing, which callers express by holding `None` instead of a selector.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Labels = Mapping[str, str]


@dataclass(frozen=True)
class Requirement:
    """One `key operator values` term; a `matchLabels` pair is `key In (value)`."""

    key: str
    operator: str
    values: frozenset[str] = frozenset()

    def matches(self, labels: Labels) -> bool:
        if self.operator == "In":
            return self.key in labels and labels[self.key] in self.values
        if self.operator == "NotIn":
            # Objects without the key match NotIn (a frequent surprise, taught in the labels lesson).
            return self.key not in labels or labels[self.key] not in self.values
        if self.operator == "Exists":
            return self.key in labels
        if self.operator == "DoesNotExist":
            return self.key not in labels
        return False

    def describe(self) -> str:
        if self.operator == "In" and len(self.values) == 1:
            return f"{self.key}={next(iter(self.values))}"
        if self.operator == "In":
            return f"{self.key} in ({', '.join(sorted(self.values))})"
        if self.operator == "NotIn":
            return f"{self.key} notin ({', '.join(sorted(self.values))})"
        if self.operator == "Exists":
            return self.key
        return f"!{self.key}"


@dataclass(frozen=True)
class LabelSelector:
    requirements: tuple[Requirement, ...] = ()

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> LabelSelector:
        """Build from a validated `{matchLabels, matchExpressions}` mapping (None -> empty)."""
        if not raw:
            return cls(())
        reqs: list[Requirement] = []
        match_labels = raw.get("matchLabels") or {}
        for key in sorted(match_labels):
            reqs.append(Requirement(str(key), "In", frozenset({str(match_labels[key])})))
        for expr in raw.get("matchExpressions") or []:
            values = frozenset(str(v) for v in (expr.get("values") or []))
            reqs.append(Requirement(str(expr["key"]), str(expr["operator"]), values))
        return cls(tuple(reqs))

    @property
    def is_empty(self) -> bool:
        return not self.requirements

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(r.key for r in self.requirements)

    def matches(self, labels: Labels) -> bool:
        return all(r.matches(labels) for r in self.requirements)

    def describe(self) -> str:
        """`app=web,tier in (a, b)`; the empty selector is `{}` (everything)."""
        if not self.requirements:
            return "{}"
        return ",".join(r.describe() for r in self.requirements)
