"""The YAML editor: a TextArea with line numbers, YAML colours and the error line marked.

Colours come from tree-sitter's YAML grammar when it is installed (`textual[syntax]`);
otherwise a small line-based highlighter marks keys, strings, numbers, booleans, comments and
document separators, so the editor never falls back to plain grey text.
"""

from __future__ import annotations

import re
from typing import Any

from rich.style import Style
from textual import events
from textual._text_area_theme import TextAreaTheme
from textual.document._wrapped_document import WrappedDocument
from textual.message import Message
from textual.widgets import TextArea

try:  # tree-sitter is optional (the `syntax` extra of Textual)
    from textual._tree_sitter import get_language as _get_language

    HAVE_TREE_SITTER_YAML = _get_language("yaml") is not None
except Exception:  # pragma: no cover - depends on the environment
    HAVE_TREE_SITTER_YAML = False

CURSOR_BLINK = True  # tests switch it off for deterministic snapshots

_KEY = re.compile(
    r"^(\s*(?:-\s+)*)([^\s#'\"{}\[\],&*!|>%@`][^:#]*?|\"[^\"]*\"|'[^']*')(\s*:)(?=\s|$)"
)
_COMMENT = re.compile(r"(^|\s)#.*$")
_DOC = re.compile(r"^(---|\.\.\.)\s*$")
_SCALAR = re.compile(r"(:\s+|-\s+|^\s*)(\"[^\"]*\"|'[^']*'|[^\s#{}\[\],][^#]*?)\s*(?=#|$)")
_NUMBER = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$")
_BOOL = {"true", "false", "yes", "no", "on", "off", "True", "False"}
_NULL = {"null", "~", "Null", "NULL"}


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def highlight_yaml_line(line: str) -> list[tuple[int, int, str]]:
    """(start, end, name) spans, in *characters*, for one line of YAML (best effort)."""
    spans: list[tuple[int, int, str]] = []
    if _DOC.match(line):
        return [(0, len(line), "punctuation.special")]
    comment = _COMMENT.search(line)
    code_end = len(line)
    if comment is not None:
        start = comment.start() + len(comment.group(1))
        spans.append((start, len(line), "comment"))
        code_end = start
    code = line[:code_end]
    rest_start = 0
    key = _KEY.match(code)
    if key is not None:
        k_start = key.start(2)
        spans.append((k_start, key.end(2), "yaml.field"))
        rest_start = key.end(3)
    value_part = code[rest_start:]
    stripped = value_part.strip()
    if stripped.startswith("- "):
        offset = rest_start + value_part.index("-") + 2
        stripped = stripped[2:].strip()
        value_part = code[offset:]
        rest_start = offset
    if stripped and not stripped.startswith(("{", "[", "|", ">")):
        value_start = rest_start + (len(value_part) - len(value_part.lstrip()))
        value_end = value_start + len(stripped)
        if stripped[0] in "\"'":
            name = "string"
        elif _NUMBER.match(stripped):
            name = "number"
        elif stripped in _BOOL:
            name = "boolean"
        elif stripped in _NULL:
            name = "constant.builtin"
        else:
            name = "string"
        spans.append((value_start, value_end, name))
    elif stripped.startswith(("{", "[")):
        # Flow collections: colour the keys inside.
        base = rest_start
        for m in re.finditer(r"([{,]\s*)([A-Za-z_][\w.\-/]*)(\s*:)", value_part):
            spans.append((base + m.start(2), base + m.end(2), "yaml.field"))
        for m in re.finditer(r"(?<=[:\s,\[])(-?\d+)(?=\s*[,}\]])", value_part):
            spans.append((base + m.start(1), base + m.end(1), "number"))
    return spans


class _CachedHeightWrappedDocument(WrappedDocument):
    """TextArea asks for the wrapped height once per drawn line, and Textual sums it over every
    line each time: cache it between (re)wraps, the only changes to the wrap offsets."""

    _cached_height: int | None = None

    def wrap(self, width: int, tab_width: int | None = None) -> None:
        self._cached_height = None
        super().wrap(width, tab_width)

    def wrap_range(self, *args: Any, **kwargs: Any) -> None:
        self._cached_height = None
        super().wrap_range(*args, **kwargs)

    @property
    def height(self) -> int:
        if self._cached_height is None:
            self._cached_height = super().height
        return self._cached_height


class _LazyHighlights(dict[int, list[tuple[int, int | None, str]]]):
    """Line index -> highlight spans (in UTF-8 bytes), computed on first use."""

    def __init__(self, editor: YamlEditor) -> None:
        super().__init__()
        self.editor = editor

    def __bool__(self) -> bool:
        return True  # TextArea skips highlighting when the mapping is empty: it never is

    def __missing__(self, index: int) -> list[tuple[int, int | None, str]]:
        document = self.editor.document
        spans: list[tuple[int, int | None, str]] = []
        if 0 <= index < document.line_count:
            line = document.get_line(index)
            ascii_only = line.isascii()
            for start, end, name in highlight_yaml_line(line):
                if ascii_only:
                    spans.append((start, end, name))
                else:
                    spans.append((_utf8_len(line[:start]), _utf8_len(line[:end]), name))
            if index == self.editor.error_line:
                spans.append((0, None, "k8snet.error"))
        self[index] = spans
        return spans


class YamlEditor(TextArea):
    """A code editor for Kubernetes YAML."""

    DEFAULT_CSS = """
    YamlEditor {
        height: 1fr;
        border: round $primary 40%;
        &:focus { border: round $primary; }
        & .text-area--cursor-line { background: $boost; }
    }
    YamlEditor.-error { border: round $error; }
    """

    class Left(Message):
        """Escape pressed: the screen moves the focus on."""

    def __init__(self, text: str = "", *, id: str | None = None, read_only: bool = False) -> None:
        language = "yaml" if HAVE_TREE_SITTER_YAML else None
        super().__init__(
            text,
            language=language,
            id=id,
            read_only=read_only,
            show_line_numbers=True,
            tab_behavior="indent",
            soft_wrap=False,
            highlight_cursor_line=True,
        )
        self.indent_width = 2
        self.set_reactive(TextArea.cursor_blink, CURSOR_BLINK)
        self.error_line: int | None = None  # 0-based

    def _set_document(self, text: str, language: str | None) -> None:
        super()._set_document(text, language)
        if type(self.wrapped_document) is WrappedDocument:
            self.wrapped_document.__class__ = _CachedHeightWrappedDocument

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            # TextArea moves the focus to the next widget; the screen decides where instead.
            event.stop()
            event.prevent_default()
            self.post_message(self.Left())
            return
        await super()._on_key(event)

    def set_error_line(self, line: int | None) -> None:
        """Mark (or unmark, with None) a 1-based line as the one with the error."""
        new = None if line is None else max(0, line - 1)
        if new != self.error_line:
            self.error_line = new
            self.set_class(new is not None, "-error")
            self._build_highlight_map()
            self.refresh()

    def _build_highlight_map(self) -> None:
        if self._highlight_query is not None:
            super()._build_highlight_map()
            error_line = getattr(self, "error_line", None)
            if error_line is not None and error_line < self.document.line_count:
                self._highlights[error_line].append((0, None, "k8snet.error"))
            return
        # Without tree-sitter, lines are highlighted lazily when drawn: a 10,000-line sandbox
        # costs nothing per keystroke beyond the visible lines.
        self._line_cache.clear()
        if not isinstance(self._highlights, _LazyHighlights):
            self._highlights = _LazyHighlights(self)
        else:
            self._highlights.clear()

    def _set_theme(self, theme: str) -> None:
        """Follow the app's light/dark theme for syntax colours, and add the error-line style."""
        super()._set_theme(theme)
        styles = dict(self._theme.syntax_styles)
        dark = True
        try:
            dark = self.app.current_theme.dark
        except Exception:  # no app yet
            pass
        if theme == "css" and not dark:
            light = TextAreaTheme.get_builtin_theme("github_light")
            if light is not None:
                styles = dict(light.syntax_styles)
        styles["k8snet.error"] = Style(bgcolor="#5f1f1f" if dark else "#ffd0d0", underline=True)
        self._theme.syntax_styles = styles
        self._line_cache.clear()
