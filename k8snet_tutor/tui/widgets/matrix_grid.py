"""The connectivity matrix as one Line API widget (a 300x300 grid is one widget, not 90,000).

Rows are sources, columns destinations, both grouped by namespace. The header (namespace line
and name line) and the row labels stay fixed while the cells scroll. A cell shows `✓` allowed,
`✗` denied, `◐` some ports, `·` a pod to itself, `–` not applicable; `*` before the glyph marks
a cell that changed at the last evaluation and `!` after it a cell that differs from the goal;
`?` after it (when not `!`) a cell with a hostNetwork pod at either end, which the spec leaves
undefined (as `k8snet-tutor matrix` marks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from k8snet_tutor.learning.matrix_view import (
    ALLOWED,
    DENIED,
    NA,
    PARTIAL,
    SELF,
    Grid,
    MatrixView,
    Peer,
)
from k8snet_tutor.tui.state import WorkbenchState

GLYPHS = {ALLOWED: "✓", DENIED: "✗", SELF: "·", NA: "–", PARTIAL: "◐"}
HEADER_LINES = 2
MAX_GROUP_WIDTH = 14
MAX_NAME_WIDTH = 22
MIN_NAME_WIDTH = 10
MAX_COLUMN_TEXT = 32  # a column never gets wider than this (names longer are shortened)
MIN_COLUMN_TEXT = 6  # narrower than this, the columns become numbers with a legend
SCROLL_COLUMN_TEXT = 10  # when even numbers do not fit: columns this wide, and scroll
SEPARATORS = "-.:/_"


def fit(text: str, width: int) -> str:
    """Pad or shorten to `width`, keeping both ends (`api-c7n…-5n2gt`): generated pod names
    differ at the end."""
    if len(text) <= width:
        return text.ljust(width)
    if width <= 1:
        return text[:width]
    tail = (width - 1) // 2
    head = width - 1 - tail
    return text[:head] + "…" + (text[-tail:] if tail else "")


def _common(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _shared_lengths(names: list[str]) -> list[int]:
    """For each name, the longest start it shares with another name (sorted neighbours are
    the closest, so this is O(n log n))."""
    order = sorted(range(len(names)), key=names.__getitem__)
    out = [0] * len(names)
    for k in range(len(order) - 1):
        i, j = order[k], order[k + 1]
        if names[i] == names[j]:
            continue
        n = _common(names[i], names[j])
        out[i] = max(out[i], n)
        out[j] = max(out[j], n)
    return out


def _cut(text: str, shared: int) -> int:
    """Cut after the last separator inside the shared part, so that words stay whole."""
    return max((i + 1 for i in range(shared) if text[i] in SEPARATORS), default=0)


def short_labels(names: list[str], width: int) -> list[str]:
    """Each name in at most `width` characters, keeping what tells it apart from the others:
    a prefix it shares with another name (`catalog-` in `catalog-api`, `catalog-db`) is dropped
    first (`…api`, `…db`), then a shared suffix (`-service`), then the middle."""
    if all(len(name) <= width for name in names):
        return list(names)
    heads = _shared_lengths(names)
    tails = _shared_lengths([name[::-1] for name in names])
    out: list[str] = []
    for name, shared_head, shared_tail in zip(names, heads, tails, strict=True):
        if len(name) <= width:
            out.append(name)
            continue
        head = _cut(name, shared_head)
        label = "…" + name[head:] if head else name
        if len(label) > width and head:
            tail = _cut(name[::-1], shared_tail)
            if tail and len(name) - tail > head:
                label = "…" + name[head : len(name) - tail] + "…"
        out.append(label if len(label) <= width else fit(label, width).rstrip())
    return out


@dataclass(frozen=True)
class CellRef:
    row: int
    col: int
    row_id: str
    col_id: str


class MatrixGrid(ScrollView, can_focus=True):
    """Cells of a `MatrixView` for one port, with a cell cursor."""

    COMPONENT_CLASSES = {
        "matrix--header",
        "matrix--group",
        "matrix--label",
        "matrix--allowed",
        "matrix--denied",
        "matrix--partial",
        "matrix--self",
        "matrix--na",
        "matrix--wrong",
        "matrix--changed",
        "matrix--cursor",
        "matrix--cursor-header",
        "matrix--stale",
    }

    DEFAULT_CSS = """
    MatrixGrid {
        height: 1fr;
        background: $surface;
        & > .matrix--header { color: $text-primary; text-style: bold; }
        & > .matrix--group { color: $text-secondary; text-style: bold; }
        & > .matrix--label { color: $foreground; }
        & > .matrix--allowed { color: $text-success; }
        & > .matrix--denied { color: $text-error; }
        & > .matrix--partial { color: $text-warning; }
        & > .matrix--self { color: $foreground 50%; }
        & > .matrix--na { color: $foreground 30%; }
        & > .matrix--wrong { background: $warning 35%; text-style: bold; }
        & > .matrix--changed { text-style: bold underline; }
        & > .matrix--cursor { background: $accent; color: $text; text-style: bold; }
        & > .matrix--cursor-header { background: $accent 40%; }
        & > .matrix--stale { color: $foreground 40%; }
    }
    MatrixGrid:focus > .matrix--cursor { background: $accent; }
    """

    BINDINGS = [
        Binding("up", "move(-1, 0)", "Up", show=False),
        Binding("down", "move(1, 0)", "Down", show=False),
        Binding("left", "move(0, -1)", "Left", show=False),
        Binding("right", "move(0, 1)", "Right", show=False),
        Binding("pageup", "move(-10, 0)", show=False),
        Binding("pagedown", "move(10, 0)", show=False),
        Binding("home", "jump(0)", show=False),
        Binding("end", "jump(1)", show=False),
        Binding("enter", "select", "Explain", show=False),
        Binding("n", "screen.next_wrong(1)", "Next wrong", show=False),
        Binding("p", "screen.next_wrong(-1)", "Prev wrong", show=False),
    ]

    class CellHighlighted(Message):
        """The cursor moved to another cell (or the cell under it changed)."""

        def __init__(self, grid: MatrixGrid, cell: CellRef | None) -> None:
            super().__init__()
            self.grid = grid
            self.cell = cell

        @property
        def control(self) -> MatrixGrid:
            return self.grid

    class CellSelected(CellHighlighted):
        """Enter (or a click) on a cell."""

    filter_text: reactive[str] = reactive("", init=False)

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.model: MatrixView | None = None
        self.port: str = ""
        self.grid_data: Grid | None = None
        self.changed: set[tuple[int, int]] = set()
        self.stale = False
        self.cursor: tuple[int, int] = (0, 0)  # indexes into the *visible* rows / columns
        self._rows: list[int] = []
        self._cols: list[int] = []
        self._label_group_w = 0
        self._label_name_w = 0
        self._cw = 4
        self._col_labels: list[str] = []  # the header text of each visible column
        self._row_labels: list[str] = []  # the label of each visible row
        self.numbered = False  # columns are numbers, with a legend below the rows
        self._col_start: list[bool] = []
        self._row_start: list[bool] = []

    # -- data ---------------------------------------------------------------------------------
    def show(self, state: WorkbenchState) -> None:
        """Show the screen's state: its view on its port, the changed cells, stale or not."""
        self.set_model(state.view, state.port, changed=state.changed, stale=state.stale)

    def set_model(
        self,
        model: MatrixView | None,
        port: str,
        *,
        changed: set[tuple[int, int]] | None = None,
        stale: bool = False,
    ) -> None:
        """Show `model` on `port`, keeping the cursor on the same pair of peers if it exists."""
        keep = self.current_cell()
        self.model = model
        self.port = port
        self.grid_data = model.grid(port) if model is not None else None
        self.changed = changed or set()
        self.stale = stale
        self._layout()
        if keep is not None and model is not None:
            r = model.row_index.get(keep.row_id)
            c = model.col_index.get(keep.col_id)
            if r is not None and c is not None and r in self._rows and c in self._cols:
                self.cursor = (self._rows.index(r), self._cols.index(c))
        self._clamp_cursor()
        self.refresh()
        self._post_highlight()

    def on_resize(self, event: events.Resize) -> None:
        """Column widths follow the space the widget has."""
        if self.model is not None and event.size.width != getattr(self, "_laid_out_width", -1):
            self._laid_out_width = event.size.width
            self._layout()
            self._clamp_cursor()
            self.call_after_refresh(self._scroll_to_cursor)
            self.refresh()

    def watch_filter_text(self) -> None:
        self._layout()
        self.cursor = (0, 0)
        self.scroll_to(0, 0, animate=False)
        self.refresh()
        self._post_highlight()

    def _matches(self, text: str, ident: str, group: str) -> bool:
        return not text or text in ident.lower() or text in group.lower()

    def _layout(self) -> None:
        model = self.model
        if model is None:
            self._rows, self._cols = [], []
            self.virtual_size = Size(0, 0)
            return
        # Terms: plain ones filter rows and columns; `from:x` only rows, `to:x` only columns.
        both: list[str] = []
        rows_only: list[str] = []
        cols_only: list[str] = []
        for term in self.filter_text.strip().lower().split():
            if term.startswith("from:"):
                rows_only.append(term[5:])
            elif term.startswith("to:"):
                cols_only.append(term[3:])
            else:
                both.append(term)
        row_terms = [t for t in both + rows_only if t]
        col_terms = [t for t in both + cols_only if t]
        self._rows = [
            i
            for i, p in enumerate(model.rows)
            if all(self._matches(t, p.id, p.group) for t in row_terms)
        ]
        self._cols = [
            i
            for i, p in enumerate(model.cols)
            if all(self._matches(t, p.id, p.group) for t in col_terms)
        ]
        rows = [model.rows[i] for i in self._rows]
        cols = [model.cols[i] for i in self._cols]
        self._col_start = [i == 0 or cols[i - 1].group != p.group for i, p in enumerate(cols)]
        self._row_start = [i == 0 or rows[i - 1].group != p.group for i, p in enumerate(rows)]
        self._size_columns(rows, cols)
        legend = len(cols) + 1 if self.numbered and cols else 0
        # When the columns scroll, pad them so that the farthest scroll is a whole number of
        # columns too: the first column shown then always starts with its first letter.
        width = self.scrollable_content_region.width or self.size.width or 80
        avail = max(0, width - self.label_width)
        content = len(cols) * self._cw
        pad = avail % self._cw if content > avail else 0
        self.virtual_size = Size(
            self.label_width + content + pad, len(rows) + HEADER_LINES + legend
        )

    def _size_columns(self, rows: Sequence[Peer], cols: Sequence[Peer]) -> None:
        """Row labels and column widths from the names and the space the widget has: full names
        when they fit, else shortened names that keep what tells them apart, else numbered
        columns with a legend (when the numbers fit), else shortened names and scrolling."""
        width = self.scrollable_content_region.width or self.size.width or 80
        longest_group = max((len(p.group) for p in rows), default=0)
        longest_name = max((len(p.name) for p in rows), default=4)
        names = [p.name for p in cols]
        n = len(cols)
        longest = min(max((len(name) for name in names), default=3), MAX_COLUMN_TEXT)
        # The row labels take at most a third of the width; a quarter when the columns need
        # the room.
        full_columns = n * (max(longest, 3) + 1)
        share = 3 if full_columns + width // 3 <= width else 4
        budget = max(MIN_NAME_WIDTH + 6, width // share)
        # Names first; the namespace (also in the header) gets what is left.
        self._label_name_w = min(
            longest_name,
            MAX_NAME_WIDTH,
            max(MIN_NAME_WIDTH, budget - min(longest_group, 6) - 2),
        )
        self._label_group_w = min(
            longest_group, MAX_GROUP_WIDTH, max(4, budget - self._label_name_w - 2)
        )
        self._row_labels = short_labels([p.name for p in rows], self._label_name_w)
        avail = max(0, width - self.label_width)
        self.numbered = False
        if not n or n * (max(longest, 3) + 1) <= avail:
            text = max(longest, 3)
        elif avail // n - 1 >= MIN_COLUMN_TEXT:
            text = avail // n - 1
        elif n * (len(str(n)) + 2) <= avail and n > 1:
            self.numbered = True
            text = max(3, min(avail // n - 1, MIN_COLUMN_TEXT - 1))
        else:
            text = SCROLL_COLUMN_TEXT
        if self.numbered:
            self._col_labels = [str(i + 1) for i in range(n)]
        else:
            self._col_labels = short_labels(names, text)
            # Shortened labels may need less than the room they were given.
            text = max(3, max((len(label) for label in self._col_labels), default=3))
        self._cw = text + 1

    @property
    def label_width(self) -> int:
        return self._label_group_w + 1 + self._label_name_w + 1

    # -- cursor -------------------------------------------------------------------------------
    def current_cell(self) -> CellRef | None:
        if self.model is None or not self._rows or not self._cols:
            return None
        vr, vc = self.cursor
        if vr >= len(self._rows) or vc >= len(self._cols):
            return None
        r, c = self._rows[vr], self._cols[vc]
        return CellRef(r, c, self.model.rows[r].id, self.model.cols[c].id)

    def move_to(self, row_id: str, col_id: str) -> bool:
        """Put the cursor on a cell by peer ids; False when the cell is not shown."""
        if self.model is None:
            return False
        r = self.model.row_index.get(row_id)
        c = self.model.col_index.get(col_id)
        if r is None or c is None or r not in self._rows or c not in self._cols:
            return False
        self.cursor = (self._rows.index(r), self._cols.index(c))
        self._scroll_to_cursor()
        # Again once laid out: the first matrix arrives before the widget knows its size.
        self.call_after_refresh(self._scroll_to_cursor)
        self.refresh()
        self._post_highlight()
        return True

    def _clamp_cursor(self) -> None:
        vr, vc = self.cursor
        vr = max(0, min(vr, len(self._rows) - 1))
        vc = max(0, min(vc, len(self._cols) - 1))
        self.cursor = (vr, vc)

    def action_move(self, dr: int, dc: int) -> None:
        if not self._rows or not self._cols:
            return
        vr, vc = self.cursor
        self.cursor = (vr + dr, vc + dc)
        self._clamp_cursor()
        self._scroll_to_cursor()
        self.refresh()
        self._post_highlight()

    def action_jump(self, end: int) -> None:
        if not self._cols:
            return
        self.cursor = (self.cursor[0], len(self._cols) - 1 if end else 0)
        self._scroll_to_cursor()
        self.refresh()
        self._post_highlight()

    def action_select(self) -> None:
        self.post_message(self.CellSelected(self, self.current_cell()))

    def _post_highlight(self) -> None:
        self.post_message(self.CellHighlighted(self, self.current_cell()))

    def _scroll_to_cursor(self) -> None:
        vr, vc = self.cursor
        width = self.scrollable_content_region.width - self.label_width
        height = self.scrollable_content_region.height - HEADER_LINES
        x, y = self.scroll_x, self.scroll_y
        left, right = vc * self._cw, (vc + 1) * self._cw
        if left < x:
            x = left
        elif width > 0 and right > x + width:
            # Scroll by whole columns, so the first column shown keeps its first letter.
            x = min(left, -(-(right - width) // self._cw) * self._cw)
        if vr < y:
            y = vr
        elif height > 0 and vr >= y + height:
            y = vr - height + 1
        self.scroll_to(x, y, animate=False, immediate=True)

    def on_click(self, event: events.Click) -> None:
        x, y = event.x, event.y
        if y < HEADER_LINES or x < self.label_width:
            return
        vr = int(self.scroll_y) + y - HEADER_LINES
        vc = (int(self.scroll_x) + x - self.label_width) // self._cw
        if 0 <= vr < len(self._rows) and 0 <= vc < len(self._cols):
            self.cursor = (vr, vc)
            self.refresh()
            self._post_highlight()
            if event.chain >= 2:
                self.action_select()

    # -- rendering ----------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if self.model is None or self.grid_data is None:
            if y == 0:
                return Strip(
                    [Segment("(no matrix yet)", self._style("matrix--na") + base)]
                ).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if not self._rows or not self._cols:
            if y == 0:
                text = "nothing matches the filter" if self.filter_text else "no pods"
                return Strip([Segment(text, base + self._style("matrix--na"))]).crop_extend(
                    0, width, base
                )
            return Strip.blank(width, base)
        scroll_x, scroll_y = int(self.scroll_x), int(self.scroll_y)
        label_w = self.label_width
        avail = max(0, width - label_w)
        cw = self._cw
        c0 = scroll_x // cw
        c1 = min(len(self._cols), (scroll_x + avail) // cw + 2)
        offset = scroll_x - c0 * cw
        stale_style = self._style("matrix--stale") if self.stale else None
        if y < HEADER_LINES:
            label = self._header_label(y, base)
            cells = self._header_cells(y, c0, c1, base)
        else:
            vr = scroll_y + y - HEADER_LINES
            if vr >= len(self._rows):
                return self._legend_line(vr - len(self._rows), width, base)
            label = self._row_label(vr, base)
            cells = self._row_cells(vr, c0, c1, base, stale_style)
        cells_strip = Strip(cells).crop_extend(offset, offset + avail, base)
        return Strip.join([label, cells_strip]).crop_extend(0, width, base)

    def _fit(self, text: str, width: int) -> str:
        return fit(text, width)

    def _legend_line(self, i: int, width: int, base: Style) -> Strip:
        """Below the rows of a numbered matrix: what each column number stands for."""
        if not self.numbered or i < 1 or i > len(self._cols) or self.model is None:
            return Strip.blank(width, base)
        peer = self.model.cols[self._cols[i - 1]]
        digits = len(str(len(self._cols)))
        segs = [
            Segment(f"{i:>{digits}} ", base + self._style("matrix--header")),
            Segment(peer.id, base + self._style("matrix--label")),
        ]
        return Strip(segs).crop_extend(0, width, base)

    def _header_label(self, y: int, base: Style) -> Strip:
        text = "from \\ to" if y == 1 else ""
        return Strip(
            [
                Segment(
                    self._fit(text, self.label_width - 1) + "│",
                    base + self._style("matrix--header"),
                )
            ]
        )

    def _header_cells(self, y: int, c0: int, c1: int, base: Style) -> list[Segment]:
        assert self.model is not None
        segs: list[Segment] = []
        cw = self._cw
        cur_c = self.cursor[1]
        group_style = base + self._style("matrix--group")
        head_style = base + self._style("matrix--header")
        cursor_style = head_style + self._style("matrix--cursor-header")
        cols = self.model.cols
        text, pos = "", 0
        for vc in range(c0, c1):
            peer = cols[self._cols[vc]]
            starts = self._col_start[vc]
            lead = "│" if starts and vc else " "
            if y == 0:
                # The namespace name runs across the columns of its group.
                if starts or vc == c0:
                    text, pos = peer.group, 0
                elif pos < len(text):
                    lead = text[pos]
                    pos += 1
                body = text[pos : pos + cw - 1].ljust(cw - 1)
                pos += cw - 1
                segs.append(Segment(lead + body, group_style))
            else:
                style = cursor_style if vc == cur_c else head_style
                segs.append(Segment(lead, head_style))
                label = self._col_labels[vc]
                if self.numbered:
                    label = label.center(cw - 1)
                segs.append(Segment(self._fit(label, cw - 1), style))
        return segs

    def _row_label(self, vr: int, base: Style) -> Strip:
        assert self.model is not None
        peer = self.model.rows[self._rows[vr]]
        group = self._fit(peer.group if self._row_start[vr] else "", self._label_group_w)
        name = self._fit(self._row_labels[vr], self._label_name_w)
        style = base + self._style("matrix--label")
        if vr == self.cursor[0]:
            style = style + self._style("matrix--cursor-header")
        return Strip(
            [
                Segment(group + " ", base + self._style("matrix--group")),
                Segment(name, style),
                Segment("│", base + self._style("matrix--header")),
            ]
        )

    def _row_cells(
        self, vr: int, c0: int, c1: int, base: Style, stale_style: Style | None
    ) -> list[Segment]:
        assert self.grid_data is not None
        r = self._rows[vr]
        row = self.grid_data.cells[r]
        wrong = self.grid_data.wrong
        undefined = self.grid_data.undefined | self.grid_data.plugin_dependent
        changed = self.changed
        cw = self._cw
        cur_r, cur_c = self.cursor
        styles = {
            ALLOWED: base + self._style("matrix--allowed"),
            DENIED: base + self._style("matrix--denied"),
            PARTIAL: base + self._style("matrix--partial"),
            SELF: base + self._style("matrix--self"),
            NA: base + self._style("matrix--na"),
        }
        wrong_style = self._style("matrix--wrong")
        changed_style = self._style("matrix--changed")
        cursor_style = self._style("matrix--cursor")
        sep_style = base + self._style("matrix--header")
        segs: list[Segment] = []
        pad_left = (cw - 1 - 3) // 2
        pad_right = cw - 1 - 3 - pad_left
        for vc in range(c0, c1):
            c = self._cols[vc]
            code = row[c]
            key = (r, c)
            is_wrong = key in wrong
            is_changed = key in changed
            text = (
                " " * pad_left
                + ("*" if is_changed else " ")
                + GLYPHS[code]
                + ("!" if is_wrong else "?" if key in undefined else " ")
                + " " * pad_right
            )
            style = styles[code]
            if stale_style is not None:
                style = style + stale_style
            if is_wrong:
                style = style + wrong_style
            if is_changed:
                style = style + changed_style
            if vr == cur_r and vc == cur_c:
                style = style + cursor_style
            lead = "│" if self._col_start[vc] and vc else " "
            segs.append(Segment(lead, sep_style))
            segs.append(Segment(text, style))
        return segs
