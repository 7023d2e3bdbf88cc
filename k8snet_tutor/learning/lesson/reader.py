"""Typed access to a content file's parsed YAML: the lesson and quiz side of the shared schema
walker (`core.walker`), where every mismatch becomes a positioned problem."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from k8snet_tutor.core.manifests import Document
from k8snet_tutor.core.ports import PortProbe
from k8snet_tutor.core.problems import FieldPath, Problem, Severity, format_path
from k8snet_tutor.core.walker import SchemaWalker, Wording
from k8snet_tutor.core.wording import describe_value


class _Reader(SchemaWalker[Problem]):
    """The content-file side of the shared walker (`core.walker`): every mismatch becomes a
    problem positioned at its line and column in the lesson or quiz document."""

    default_code = "lesson-schema"
    wrong_type_code = "lesson-schema"
    unknown_key_code = "lesson-schema"
    null_is_absent = False

    def __init__(self, doc: Document | None, source: str) -> None:
        super().__init__()
        self.doc = doc
        self.source = source
        self.problems: list[Problem] = self.found

    def make(
        self, path: FieldPath, message: str, hint: str | None, severity: Severity, code: str
    ) -> Problem:
        pos = self.doc.position(path) if self.doc else None
        line, column = pos if pos else (None, None)
        return Problem(
            severity,
            message,
            file=self.source,
            line=line,
            column=column,
            field=format_path(path) or None,
            hint=hint,
            code=code,
        )

    def report(
        self,
        path: FieldPath,
        message: str,
        hint: str | None = None,
        *,
        severity: Severity = "error",
        code: str = "lesson-schema",
    ) -> None:
        self.record(path, message, hint, severity, code)

    # -- phrasing of the shared type checks -------------------------------------------------

    def mapping_wording(self, value: Any, path: FieldPath, what: str, hint: str | None) -> Wording:
        return f"{what} should be a mapping (`key: value` lines), not {describe_value(value)}", hint

    def seq_wording(self, value: Any, path: FieldPath, what: str, hint: str | None) -> Wording:
        return f"{what} should be a list, not {describe_value(value)}", hint

    def integer_wording(self, value: Any, path: FieldPath, what: str) -> Wording:
        return f"{what} should be a whole number, not {describe_value(value)}", None

    def string_wording(self, value: Any, path: FieldPath, what: str) -> Wording:
        return (
            f"`{format_path(path)}` should be {what}, not {describe_value(value)}",
            "write it as a string; for several lines use `|` and indent the text below it",
        )

    def boolean_wording(self, value: Any, path: FieldPath, what: str) -> Wording:
        return f"{what} should be true or false, not {describe_value(value)}", None

    def name_text(self, value: Any, path: FieldPath, what: str) -> str | None:
        if isinstance(value, str) and value.strip():
            return value.strip()
        if value is None:
            self.report(path, f"missing {what}", f"write {what} here")
        else:
            self.report(path, f"{what} should be a string, not {describe_value(value)}")
        return None

    def unknown_key_message(self, name: str, where: str) -> str:
        return f"unknown key `{name}`{' in ' + where if where else ''}"

    def known_keys_hint(self, known: Sequence[str], where: str) -> str:
        return f"known keys: {', '.join(known)}"

    # -- content-file values ----------------------------------------------------------------

    def text(self, value: Any, path: FieldPath, *, what: str = "text") -> str | None:
        """Text, where an absent value is the empty text."""
        return "" if value is None else self.string(value, path, what)

    def integer(
        self, value: Any, path: FieldPath, what: str, *, minimum: int | None = None
    ) -> int | None:
        number = super().integer(value, path, what)
        if number is not None and minimum is not None and number < minimum:
            self.report(path, f"{what} should be at least {minimum}, not {number}")
            return None
        return number

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
        items = self.seq(value, path, what, "write `[a, b]`")
        if items is None:
            return None
        out: list[str] = []
        ok = True
        for i, item in enumerate(items):
            name = self.name(item, (*path, i), f"an item of {what}")
            if name is None:
                ok = False
            else:
                out.append(name)
        return out if ok else None

    def keys(
        self,
        raw: dict[str, Any],
        path: FieldPath,
        allowed: Sequence[str],
        required: Sequence[str] = (),
        what: str = "",
    ) -> bool:
        ok = self.fields(raw, path, allowed, what)
        for key in required:
            if key not in raw:
                self.report(path, f"missing `{key}`{' in ' + what if what else ''}")
                ok = False
        return ok
