"""Typed access to a content file's parsed YAML: every mismatch becomes a positioned problem."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from k8snet_tutor.core.manifests import Document
from k8snet_tutor.core.ports import PortProbe
from k8snet_tutor.core.problems import FieldPath, Problem, Severity, format_path
from k8snet_tutor.core.wording import describe_value, did_you_mean


class _Reader:
    """Typed access to the lesson document, turning every mismatch into a positioned problem."""

    def __init__(self, doc: Document | None, source: str) -> None:
        self.doc = doc
        self.source = source
        self.problems: list[Problem] = []

    def report(
        self,
        path: FieldPath,
        message: str,
        hint: str | None = None,
        *,
        severity: Severity = "error",
        code: str = "lesson-schema",
    ) -> None:
        pos = self.doc.position(path) if self.doc else None
        line, column = pos if pos else (None, None)
        self.problems.append(
            Problem(
                severity,
                message,
                file=self.source,
                line=line,
                column=column,
                field=format_path(path) or None,
                hint=hint,
                code=code,
            )
        )

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    # -- scalars ----------------------------------------------------------------------------

    def text(self, value: Any, path: FieldPath, *, what: str = "text") -> str | None:
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        self.report(
            path,
            f"`{format_path(path)}` should be {what}, not {describe_value(value)}",
            "write it as a string; for several lines use `|` and indent the text below it",
        )
        return None

    def name(self, value: Any, path: FieldPath, what: str) -> str | None:
        if isinstance(value, str) and value.strip():
            return value.strip()
        if value is None:
            self.report(path, f"missing {what}", f"write {what} here")
        else:
            self.report(path, f"{what} should be a string, not {describe_value(value)}")
        return None

    def integer(
        self, value: Any, path: FieldPath, what: str, *, minimum: int | None = None
    ) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(path, f"{what} should be a whole number, not {describe_value(value)}")
            return None
        if minimum is not None and value < minimum:
            self.report(path, f"{what} should be at least {minimum}, not {value}")
            return None
        return value

    def boolean(self, value: Any, path: FieldPath, what: str) -> bool | None:
        if isinstance(value, bool):
            return value
        self.report(path, f"{what} should be true or false, not {describe_value(value)}")
        return None

    def expect(self, value: Any, path: FieldPath) -> bool | None:
        if value in ("allowed", "denied"):
            return bool(value == "allowed")
        if value is None:
            self.report(path, "missing `expect`", "write `expect: allowed` or `expect: denied`")
        else:
            self.report(
                path,
                f"`expect` should be `allowed` or `denied`, not {value!r}",
                "write `expect: allowed` or `expect: denied`",
            )
        return None

    def port(self, value: Any, path: FieldPath) -> PortProbe | None:
        if value is None:
            self.report(path, "missing `port`", "write a port like `80/TCP`, `53/UDP` or `8080`")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            self.report(path, f"a port should be like `80/TCP`, not {describe_value(value)}")
            return None
        try:
            return PortProbe.parse(str(value))
        except ValueError as exc:
            self.report(path, f"bad port {value!r}: {exc}", "write a port like `80/TCP`")
            return None

    def string_list(self, value: Any, path: FieldPath, what: str) -> list[str] | None:
        if value is None:
            return []
        if not isinstance(value, list):
            self.report(path, f"{what} should be a list, not {describe_value(value)}", "write `[a, b]`")
            return None
        out: list[str] = []
        ok = True
        for i, item in enumerate(value):
            name = self.name(item, (*path, i), f"an item of {what}")
            if name is None:
                ok = False
            else:
                out.append(name)
        return out if ok else None

    def mapping(self, value: Any, path: FieldPath, what: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.report(
            path, f"{what} should be a mapping (`key: value` lines), not {describe_value(value)}"
        )
        return None

    def keys(
        self,
        raw: dict[str, Any],
        path: FieldPath,
        allowed: Sequence[str],
        required: Sequence[str] = (),
        what: str = "",
    ) -> bool:
        ok = True
        for key in raw:
            if key not in allowed:
                near = did_you_mean(key, allowed)
                self.report(
                    (*path, key),
                    f"unknown key `{key}`{' in ' + what if what else ''}",
                    f"did you mean `{near}`?" if near else f"known keys: {', '.join(allowed)}",
                )
                ok = False
        for key in required:
            if key not in raw:
                self.report(path, f"missing `{key}`{' in ' + what if what else ''}")
                ok = False
        return ok
