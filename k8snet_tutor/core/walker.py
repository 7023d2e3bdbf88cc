"""The one schema walker: typed, path-aware reading of a parsed YAML tree.

Kubernetes validation (`core.validation.walker.Walker`) and the lesson and quiz file reader
(`learning.lesson.reader._Reader`) both build on `SchemaWalker`. It owns how a finding at a
field path is recorded and the common type checks (mapping, list, whole number, string,
true/false, name, unknown keys with a "did you mean"); each side supplies only its own record
type and its own phrasing (the `*_wording` hooks), because a Kubernetes field and a lesson
file key are explained to different readers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar

from k8snet_tutor.core.problems import FieldPath, Severity
from k8snet_tutor.core.wording import did_you_mean

Wording = tuple[str, str | None]
"""A message and its hint (or None)."""


class _Finding(Protocol):
    @property
    def severity(self) -> Severity: ...


F = TypeVar("F", bound=_Finding)


class SchemaWalker(ABC, Generic[F]):
    """Records findings (`F`: an issue or a positioned problem) while reading a YAML tree."""

    #: The code of an error recorded without one.
    default_code: str = ""
    #: The code of a value of the wrong type, and of an unknown key.
    wrong_type_code: str = "wrong-type"
    unknown_key_code: str = "unknown-field"
    #: Whether an absent (null) mapping, list or true/false value is simply "not given"
    #: (returns None quietly) rather than an error.
    null_is_absent: bool = True

    def __init__(self) -> None:
        self.found: list[F] = []

    # ---- recording -------------------------------------------------------------------------

    @abstractmethod
    def make(
        self, path: FieldPath, message: str, hint: str | None, severity: Severity, code: str
    ) -> F:
        """The finding for a problem at `path`."""

    def record(
        self,
        path: FieldPath,
        message: str,
        hint: str | None = None,
        severity: Severity = "error",
        code: str | None = None,
    ) -> None:
        self.found.append(
            self.make(path, message, hint, severity, self.default_code if code is None else code)
        )

    def error(
        self, path: FieldPath, message: str, hint: str | None = None, code: str | None = None
    ) -> None:
        self.record(path, message, hint, "error", code)

    def warning(
        self, path: FieldPath, message: str, hint: str | None = None, code: str | None = None
    ) -> None:
        self.record(path, message, hint, "warning", code)

    def errors_since(self, mark: int) -> bool:
        return any(f.severity == "error" for f in self.found[mark:])

    @property
    def failed(self) -> bool:
        return self.errors_since(0)

    def _wrong(self, path: FieldPath, wording: Wording) -> None:
        self.error(path, wording[0], wording[1], self.wrong_type_code)

    # ---- types -----------------------------------------------------------------------------

    def mapping(
        self, value: Any, path: FieldPath, what: str, hint: str | None = None
    ) -> dict[str, Any] | None:
        """The value if it is a mapping; otherwise a finding (unless absent) and None."""
        if isinstance(value, dict):
            return value
        if value is None and self.null_is_absent:
            return None
        self._wrong(path, self.mapping_wording(value, path, what, hint))
        return None

    def seq(
        self, value: Any, path: FieldPath, what: str, hint: str | None = None
    ) -> list[Any] | None:
        """The value if it is a list; otherwise a finding (unless absent) and None."""
        if isinstance(value, list):
            return value
        if value is None and self.null_is_absent:
            return None
        self._wrong(path, self.seq_wording(value, path, what, hint))
        return None

    def integer(self, value: Any, path: FieldPath, what: str) -> int | None:
        """The value if it is a whole number (not a boolean); otherwise a finding and None."""
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        self._wrong(path, self.integer_wording(value, path, what))
        return None

    def string(self, value: Any, path: FieldPath, what: str) -> str | None:
        """The value if it is a string; otherwise a finding and None."""
        if isinstance(value, str):
            return value
        self._wrong(path, self.string_wording(value, path, what))
        return None

    def boolean(self, value: Any, path: FieldPath, what: str) -> bool | None:
        """The value if it is true or false; otherwise a finding (unless absent) and None."""
        if isinstance(value, bool):
            return value
        if value is None and self.null_is_absent:
            return None
        self._wrong(path, self.boolean_wording(value, path, what))
        return None

    def name(
        self, value: Any, path: FieldPath, what: str, style: str = "", code: str | None = None
    ) -> str | None:
        """The value if it is a well-formed name (`style` says which kind, for `name_wording`);
        otherwise a finding and None."""
        text = self.name_text(value, path, what)
        if text is None:
            return None
        wording = self.name_wording(text, what, style)
        if wording is None:
            return text
        self.error(path, wording[0], wording[1], code)
        return None

    def name_text(self, value: Any, path: FieldPath, what: str) -> str | None:
        """The text of a name (a finding and None when it is not text)."""
        return self.string(value, path, what)

    def fields(
        self,
        mapping: Mapping[Any, Any],
        path: FieldPath,
        known: Sequence[str],
        where: str,
        special: Mapping[str, str] | None = None,
    ) -> bool:
        """A finding for each key not in `known` (with a "did you mean" when one is close);
        `special` gives the hint for keys that deserve their own. True when all are known."""
        ok = True
        for key in mapping:
            name = str(key)
            if name in known:
                continue
            hint = (special or {}).get(name)
            if hint is None:
                guess = did_you_mean(name, known)
                hint = f"did you mean `{guess}`?" if guess is not None else None
            if hint is None:
                hint = self.known_keys_hint(known, where)
            self.error(
                (*path, name), self.unknown_key_message(name, where), hint, self.unknown_key_code
            )
            ok = False
        return ok

    # ---- phrasing: each side says these its own way -------------------------------------------

    @abstractmethod
    def mapping_wording(
        self, value: Any, path: FieldPath, what: str, hint: str | None
    ) -> Wording: ...

    @abstractmethod
    def seq_wording(self, value: Any, path: FieldPath, what: str, hint: str | None) -> Wording: ...

    @abstractmethod
    def integer_wording(self, value: Any, path: FieldPath, what: str) -> Wording: ...

    @abstractmethod
    def string_wording(self, value: Any, path: FieldPath, what: str) -> Wording: ...

    @abstractmethod
    def boolean_wording(self, value: Any, path: FieldPath, what: str) -> Wording: ...

    def name_wording(self, text: str, what: str, style: str) -> Wording | None:
        """What is wrong with the name `text`, or None when it is acceptable."""
        return None

    @abstractmethod
    def unknown_key_message(self, name: str, where: str) -> str: ...

    @abstractmethod
    def known_keys_hint(self, known: Sequence[str], where: str) -> str: ...
