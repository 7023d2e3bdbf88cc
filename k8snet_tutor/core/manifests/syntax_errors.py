"""A YAML syntax error as a Problem a learner can act on: where, what, and a hint (tabs, Helm
templates, unbalanced brackets...)."""

from __future__ import annotations

import re

import yaml

from k8snet_tutor.core.problems import Problem

# ----------------------------------------------------------------------------- syntax errors

_TEMPLATE_HINT = "this looks like a Helm/Go template; render it first with `helm template`"
_TAB_HINT = "YAML indentation must use spaces, not tabs"
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\x85|\u2028|\u2029")
_TEMPLATE_LINE = re.compile(r"^[ \t]*\{\{", re.MULTILINE)  # `{{- if ... }}` on its own line


def _line_of(text: str, line0: int) -> str:
    if line0 < 0:
        return ""
    pos = 0
    for _ in range(line0):
        found = _LINE_BREAK.search(text, pos)
        if found is None:
            return ""
        pos = found.end()
    found = _LINE_BREAK.search(text, pos)
    return text[pos : found.start() if found else len(text)]


def _syntax_problem(
    exc: yaml.YAMLError, text: str, source: str, *, byte_offsets: bool
) -> Problem:
    """`byte_offsets`: the reader (libyaml) reports positions as byte offsets into UTF-8."""
    problem_text = str(getattr(exc, "problem", None) or "")
    context = str(getattr(exc, "context", None) or "")
    mark = getattr(exc, "problem_mark", None)
    ctx_mark = getattr(exc, "context_mark", None)
    line = col = None
    if mark is not None:
        line, col = mark.line + 1, mark.column + 1
    elif isinstance(exc, yaml.reader.ReaderError):
        offset = exc.position
        if byte_offsets:
            before = text.encode("utf-8", "replace")[:offset].decode("utf-8", "replace")
        else:
            before = text[:offset]
        line = len(_LINE_BREAK.findall(before)) + 1
        col = len(_LINE_BREAK.split(before)[-1]) + 1
    where_ctx = f" on line {ctx_mark.line + 1}" if ctx_mark is not None else ""
    bad_line = _line_of(text, line - 1) if line is not None else ""
    indent = bad_line[: len(bad_line) - len(bad_line.lstrip(" \t"))]
    at_char = bad_line[col - 1 : col] if col is not None else ""

    hint: str | None = None
    if isinstance(exc, yaml.reader.ReaderError):
        message = "the file contains a character that is not allowed in YAML"
        hint = "remove control characters (or save the file as UTF-8 text)"
    elif "cannot start any token" in problem_text:
        if at_char == "\t" or "\\t" in problem_text or "\t" in indent:
            message = "a tab character where YAML expects spaces"
            hint = _TAB_HINT
        else:
            shown = at_char or "this character"
            message = f"{shown!r} cannot start a YAML value"
            hint = 'quote the value, e.g. key: "@value"'
    elif "mapping values are not allowed" in problem_text:
        message = "a ':' appears where YAML does not expect a `key: value`"
        hint = (
            "check the indentation of this line and the one above, and that each `key:` "
            "has a space after ':'; quote values that contain ': '"
        )
    elif "quoted scalar" in context:
        message = f"a quoted string that starts{where_ctx} is never closed"
        hint = "add the missing closing quote"
    elif "flow sequence" in context or "flow mapping" in context:
        bracket = "[" if "sequence" in context else "{"
        message = f"a '{bracket}' opened{where_ctx} is not closed properly"
        hint = f"close it with '{']' if bracket == '[' else '}'}' and separate items with ','"
    elif "could not find expected ':'" in problem_text:
        which = f"line {ctx_mark.line + 1}" if ctx_mark is not None else "a line"
        message = f"{which} has no ':' (expected `key: value`)"
        hint = "check for a missing ':' or a line that is indented wrongly"
    elif "block mapping" in context or "block collection" in context or "block end" in problem_text:
        message = f"unexpected indentation: {problem_text}"
        hint = "keys of one mapping (and '-' items of one list) must line up exactly"
    elif "\t" in indent:
        message = f"invalid YAML: {problem_text or context}"
        hint = _TAB_HINT
    else:
        message = f"invalid YAML: {problem_text or context or str(exc).splitlines()[0]}"
    if "maximum nesting depth" in problem_text:
        # libyaml 0.2.6 and later stop at 1000 levels before our own, lower, limit applies.
        return Problem(
            "error",
            "the YAML is nested too deeply",
            source,
            line,
            col,
            hint="Kubernetes objects are never this deep; is the file generated wrongly?",
            code="yaml-too-deep",
        )
    prev_line = _line_of(text, line - 2) if line is not None else ""
    if (
        "{{" in bad_line
        or "{{" in prev_line
        or _TEMPLATE_LINE.search(text)
        or (hint is None and "{{" in text)
    ):
        hint = _TEMPLATE_HINT
    return Problem("error", message, source, line, col, hint=hint, code="yaml-syntax")


# ----------------------------------------------------------------------------- entry points
