"""The Kubernetes side of the shared schema walker (`core.walker`): every kind's rules build on
it. It records issues at a path and adds ports, protocols, label maps and annotations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from k8snet_tutor.core.problems import FieldPath, Severity
from k8snet_tutor.core.validation.formats import (
    _suggest_name,
    dns_label_error,
    dns_subdomain_error,
    label_key_error,
    label_value_error,
)
from k8snet_tutor.core.validation.issue import Issue
from k8snet_tutor.core.validation.vocabulary import PROTOCOLS
from k8snet_tutor.core.walker import SchemaWalker, Wording
from k8snet_tutor.core.wording import (
    brief,
    describe_type,
    not_text_reason,
    scalar_text,
    show,
    subject,
)


class Walker(SchemaWalker[Issue]):
    """The Kubernetes side of the shared walker: issues at a path inside one object, and the
    learner-tuned wording of the API server's type errors."""

    def __init__(self) -> None:
        super().__init__()
        self.issues: list[Issue] = self.found

    def make(
        self, path: FieldPath, message: str, hint: str | None, severity: Severity, code: str
    ) -> Issue:
        return Issue(path, message, hint, severity, code)

    # ---- phrasing of the shared type checks ------------------------------------------------

    def mapping_wording(self, value: Any, path: FieldPath, what: str, hint: str | None) -> Wording:
        if hint is None and isinstance(value, list):
            hint = (
                "remove the leading `- `: a mapping is written as `key: value` lines without dashes"
            )
        elif hint is None:
            hint = (
                "write it as `key: value` lines indented under it (or `{key: value}`); "
                "check the indentation of the lines below"
            )
        return (
            f"{subject(what)} must be a mapping (key: value pairs), but it is "
            f"{describe_type(value)}",
            hint,
        )

    def seq_wording(self, value: Any, path: FieldPath, what: str, hint: str | None) -> Wording:
        if hint is None:
            if isinstance(value, dict):
                hint = f"`{what}` is a list: start each item with `- `"
            else:
                hint = f"`{what}` is a list: write `{what}: [{scalar_text(value)}]`"
        return f"`{what}` must be a list, but it is {describe_type(value)}", hint

    def integer_wording(self, value: Any, path: FieldPath, what: str) -> Wording:
        if isinstance(value, str) and value.strip().isdigit():
            return (
                f"`{what}` must be a number, but it is the string {show(value)}",
                f"drop the quotes: `{what}: {brief(value.strip())}`",
            )
        if isinstance(value, float):
            return (
                f"`{what}` must be a whole number, not {scalar_text(value)}",
                "write a whole number, without a decimal point",
            )
        return (
            f"`{what}` must be a number, but it is {describe_type(value)}",
            "write a whole number without quotes",
        )

    def string_wording(self, value: Any, path: FieldPath, what: str) -> Wording:
        hint = None
        if isinstance(value, bool | int | float):
            text = scalar_text(value)
            hint = f'quote it: `"{text}"`' if " " in what else f'quote it: `{what}: "{text}"`'
        elif isinstance(value, list | dict):
            hint = (
                f"{subject(what)} is a single piece of text; "
                "check the indentation and remove any `- ` or `{...}` here"
            )
        elif value is None:
            hint = "write a value after the ':'"
        return f"{subject(what)} must be a string, but it is {describe_type(value)}", hint

    def boolean_wording(self, value: Any, path: FieldPath, what: str) -> Wording:
        hint = f"write `{what}: true` or `{what}: false`"
        if isinstance(value, str) and value.lower() in ("true", "false"):
            hint = f"drop the quotes: `{what}: {value.lower()}`"
        return f"`{what}` must be true or false, but it is {show(value)}", hint

    def name_wording(self, text: str, what: str, style: str) -> Wording | None:
        """`style`: "subdomain", "label" (DNS-1123) or "label1035" (must start with a letter)."""
        if style == "subdomain":
            problem = dns_subdomain_error(text)
        else:
            problem = dns_label_error(text, must_start_with_letter=style == "label1035")
        if problem is None:
            return None
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
        return f"{what} {show(text)} {problem}", hint

    def name(
        self, value: Any, path: FieldPath, what: str, style: str = "label", code: str | None = None
    ) -> str | None:
        return super().name(value, path, what, style, "bad-name" if code is None else code)

    def unknown_key_message(self, name: str, where: str) -> str:
        """Unknown fields are errors: the API server's strict field validation refuses them."""
        return f"unknown field `{brief(name)}` in {where}"

    def known_keys_hint(self, known: Sequence[str], where: str) -> str:
        return f"{where} accepts: {', '.join(f'`{k}`' for k in known)}"

    def port_number(self, value: Any, path: FieldPath, what: str) -> int | None:
        number = self.integer(value, path, what)
        if number is None:
            return None
        if not 1 <= number <= 65535:
            self.error(
                path,
                f"`{what}` {scalar_text(number)} is not a valid port number (1 to 65535)",
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
        self.error(path, f"protocol {show(text)} is not supported", hint, "bad-protocol")
        return None

    # ---- names and labels ----------------------------------------------------------------

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
            key_name = key if isinstance(key, str) else scalar_text(key)
            key_path = path + (key_name,)
            if not isinstance(key, str):
                self.error(
                    key_path,
                    f"label key {key_name} must be text; {not_text_reason(key)}",
                    f'quote it: `"{scalar_text(key)}": ...`',
                    "label-not-string",
                )
            else:
                problem = label_key_error(key)
                if problem:
                    self.error(
                        key_path,
                        f"label key {show(key)} is not valid: it {problem}",
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
                f"label `{brief(key)}` has no value, so Kubernetes reads it as the empty string",
                f'write `{brief(key)}: ""` if an empty value is what you mean',
                "empty-label-value",
            )
            return ""
        if isinstance(value, bool | int | float):
            text = scalar_text(value)
            self.error(
                path,
                f"the value of label `{brief(key)}` must be text, but {text} is "
                f"{describe_type(value)}: {not_text_reason(value)}",
                f'quote it: `{brief(key)}: "{text}"`',
                "label-not-string",
            )
            return None
        if not isinstance(value, str):
            self.error(
                path,
                f"the value of label `{brief(key)}` must be a single piece of text, not "
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
                f"label value {show(value)} is not valid: it {problem}",
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
                        f"annotation key {show(key)} is not valid: it {problem}",
                        "annotation keys are names like `example.com/note`",
                        "bad-annotation-key",
                    )
            if val is None or isinstance(val, str):
                continue
            if isinstance(val, bool | int | float):
                text = scalar_text(val)
                self.error(
                    key_path,
                    f"annotation values must be text, but {text} is {describe_type(val)}: "
                    f"{not_text_reason(val)}",
                    f'quote it: `{brief(key)}: "{text}"`',
                    "annotation-not-string",
                )
            else:
                self.error(
                    key_path,
                    f"annotation values must be text, not {describe_type(val)}",
                    "to store structured data in an annotation, write it as a JSON string",
                    "annotation-not-string",
                )
