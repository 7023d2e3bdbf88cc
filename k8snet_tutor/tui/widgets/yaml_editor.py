"""The YAML editor: a TextArea with line numbers, YAML colours, the error line marked, soft
wrap, auto-indent and a line:column indicator.

Only Textual's public TextArea API is used:

- colours: `get_line` (documented as the place to style a line) applies a small line-based
  YAML highlighter, lazily, to the lines being drawn; the colours are those of Textual's
  built-in `vscode_dark` / `github_light` TextArea themes, following the app's dark/light
  theme. No tree-sitter: YAML colouring does not need a parser, and a 10,000-line sandbox
  costs nothing per keystroke beyond the visible lines.
- auto-indent: `_on_key`, which Textual's TextArea guide names as the hook to override.
- soft wrap: long lines wrap instead of scrolling the view sideways, so indentation (the whole
  point of YAML) is never scrolled out of view; a wrapped part has no line number.
"""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import TextArea
from textual.widgets.text_area import DocumentNavigator, Location, TextAreaTheme, WrappedDocument

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


_INLINE_COMMENT = _COMMENT
_BLOCK_SCALAR = re.compile(r"(^|[:\-]\s+)[|>][+-]?[0-9]?$")


def indent_after(before: str) -> int:
    """The indentation for a new line started after the text `before` (the part of the line
    left of the cursor): the same indentation, two more for each `- ` that opens a list item,
    and two more after a line that ends with `key:` (or opens a `|` / `>` block scalar)."""
    indent = len(before) - len(before.lstrip(" "))
    rest = before.lstrip(" ")
    while rest == "-" or rest.startswith("- "):
        indent += 2
        rest = rest[1:].lstrip(" ")
    code = _INLINE_COMMENT.sub("", rest).rstrip()
    if code.endswith(":") or _BLOCK_SCALAR.search(code):
        indent += 2
    return indent


def _syntax_styles(dark: bool) -> dict[str, Style]:
    """Colours per highlight name, from Textual's built-in TextArea themes."""
    cached = _STYLE_CACHE.get(dark)
    if cached is None:
        theme = TextAreaTheme.get_builtin_theme("vscode_dark" if dark else "github_light")
        cached = dict(theme.syntax_styles) if theme is not None else {}
        cached["k8snet.error"] = Style(bgcolor="#5f1f1f" if dark else "#ffd0d0", underline=True)
        _STYLE_CACHE[dark] = cached
    return cached


_STYLE_CACHE: dict[bool, dict[str, Style]] = {}


class _WrappedDocument(WrappedDocument):
    """TextArea asks for the wrapped height once per drawn line, and Textual sums it over
    every line each time (48,000 lines: 25 ms per line drawn): keep it between (re)wraps,
    the only changes to the wrap offsets."""

    _height: int | None = None

    def wrap(self, width: int, tab_width: int | None = None) -> None:
        self._height = None
        super().wrap(width, tab_width)

    def wrap_range(self, start: Location, old_end: Location, new_end: Location) -> None:
        self._height = None
        super().wrap_range(start, old_end, new_end)

    @property
    def height(self) -> int:
        if self._height is None:
            self._height = super().height
        return self._height


class YamlEditor(TextArea):
    """A code editor for Kubernetes YAML."""

    DEFAULT_CSS = """
    YamlEditor {
        height: 1fr;
        border: round $primary 40%;
        border-subtitle-color: $text-muted;
        &:focus { border: round $primary; border-subtitle-color: $text; }
        & .text-area--cursor-line { background: $boost; }
    }
    YamlEditor.-error { border: round $error; }
    YamlEditor.-cursor-on-error .text-area--cursor-line { background: $error 35%; }
    """

    class Left(Message):
        """Escape pressed: the screen moves the focus on."""

    def __init__(self, text: str = "", *, id: str | None = None, read_only: bool = False) -> None:
        super().__init__(
            text,
            id=id,
            read_only=read_only,
            show_line_numbers=True,
            tab_behavior="indent",
            soft_wrap=True,
            highlight_cursor_line=True,
        )
        self.indent_width = 2
        self.set_reactive(TextArea.cursor_blink, CURSOR_BLINK)
        self.error_line: int | None = None  # 0-based
        self._use_cached_height()

    def on_mount(self) -> None:
        self.watch(self, "selection", self._selection_moved)

    def load_text(self, text: str) -> None:
        """Replace the text (TextArea builds a new document), with the height cache above."""
        super().load_text(text)
        self._use_cached_height()

    def _use_cached_height(self) -> None:
        if type(self.wrapped_document) is WrappedDocument:
            self.wrapped_document = _WrappedDocument(self.document, tab_width=self.indent_width)
            self.navigator = DocumentNavigator(self.wrapped_document)
            self.wrapped_document.wrap(self.wrap_width, self.indent_width)

    # -- colours ---------------------------------------------------------------------------------
    def get_line(self, line_index: int) -> Text:
        """The line as Textual draws it, with YAML colours and the error mark."""
        text = super().get_line(line_index)
        plain = text.plain
        try:
            dark = self.app.current_theme.dark
        except Exception:  # not mounted in an app
            dark = True
        styles = _syntax_styles(dark)
        for start, end, name in highlight_yaml_line(plain):
            style = styles.get(name)
            if style is not None:
                text.stylize(style, start, end)
        if line_index == self.error_line:
            text.stylize(styles["k8snet.error"])
        return text

    def set_error_line(self, line: int | None) -> None:
        """Mark (or unmark, with None) a 1-based line as the one with the error."""
        new = None if line is None else max(0, line - 1)
        if new != self.error_line:
            self.error_line = new
            self.set_class(new is not None, "-error")
            self._selection_moved()
            self.notify_style_update()  # drops the cached rendering of the lines
            self.refresh()

    # -- cursor ----------------------------------------------------------------------------------
    def _selection_moved(self) -> None:
        row, column = self.cursor_location
        self.border_subtitle = f"{row + 1}:{column + 1}"
        self.set_class(row == self.error_line, "-cursor-on-error")

    def on_resize(self, event: events.Resize) -> None:
        """The editor shrank (the error bar appeared) or grew: keep the line being typed on
        screen."""
        if self.has_focus:
            self.call_after_refresh(self.scroll_cursor_visible)

    # -- keys ------------------------------------------------------------------------------------
    async def _on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            # TextArea moves the focus to the next widget; the screen decides where instead.
            event.stop()
            event.prevent_default()
            self.post_message(self.Left())
            return
        if event.key == "enter" and not self.read_only:
            event.stop()
            event.prevent_default()
            self.newline()
            return
        # Anything else: TextArea's own handler runs next.

    def newline(self) -> None:
        """Break the line at the cursor, indented as `indent_after` says. Spaces around the
        cursor are dropped, so the upper line keeps no trailing blanks."""
        start, end = sorted(self.selection)
        row, column = start
        before = self.document.get_line(row)[:column]
        after_row, after_column = end
        after = self.document.get_line(after_row)[after_column:]
        if not before.strip() and start == end:
            # At or inside the indentation: open a line above; this line keeps its indent.
            self.replace("\n" + before, (row, 0), (row, column), maintain_selection_offset=False)
            return
        indent = indent_after(before)
        skip = len(after) - len(after.lstrip(" "))
        self.replace(
            "\n" + " " * indent,
            (row, len(before.rstrip(" "))),
            (after_row, after_column + skip),
            maintain_selection_offset=False,
        )
