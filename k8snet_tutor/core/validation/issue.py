"""One validation finding: what is wrong, where, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

from k8snet_tutor.core.problems import FieldPath, Severity


@dataclass(frozen=True)
class Issue:
    """One thing wrong (or suspicious) in an object, at a path relative to the object dict."""

    path: FieldPath
    message: str
    hint: str | None = None
    severity: Severity = "error"
    code: str = ""
