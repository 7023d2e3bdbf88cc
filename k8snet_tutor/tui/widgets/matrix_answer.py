"""The answer grid of a "predict the matrix" quiz question: a DataTable of cells the learner
toggles between unset, allowed and denied."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import (
    DataTable,
)

UNSET = Text("?", style="dim", justify="center")
ALLOWED = Text("✓", style="bold green", justify="center")
DENIED = Text("✗", style="bold red", justify="center")
NOT_ASKED = Text("·", style="dim", justify="center")


class MatrixAnswer(DataTable[Text]):
    """The learner's prediction: one cell per (source, destination), marked allowed or denied.

    Enter, space or a click cycles a cell (? -> ✓ -> ✗ -> ✓); `a`/`y` marks it allowed, `d`/`n`
    denied, backspace clears it. Cells that are not asked (a pod to itself) show `·`.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_cell", "Toggle cell"),
        Binding("a,y", "mark(True)", "Allowed"),
        Binding("d,n", "mark(False)", "Denied"),
        Binding("backspace,delete", "clear", "Clear", show=False),
    ]

    class Changed(Message):
        """A cell was marked."""

        def __init__(self, matrix: MatrixAnswer) -> None:
            super().__init__()
            self.matrix = matrix

    def __init__(
        self,
        sources: Sequence[str],
        destinations: Sequence[str],
        cells: Collection[tuple[str, str]],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, cursor_type="cell", zebra_stripes=True)
        self.sources = list(sources)
        self.destinations = list(destinations)
        self.asked = set(cells)
        self.values: dict[tuple[str, str], bool] = {}

    def on_mount(self) -> None:
        for d in self.destinations:
            self.add_column(Text(d, justify="center"), key=d)
        for s in self.sources:
            row = [UNSET if (s, d) in self.asked else NOT_ASKED for d in self.destinations]
            self.add_row(*row, key=s, label=Text(s))
        first = next(
            (
                (r, c)
                for r, s in enumerate(self.sources)
                for c, d in enumerate(self.destinations)
                if (s, d) in self.asked
            ),
            (0, 0),
        )
        self.move_cursor(row=first[0], column=first[1], animate=False)

    def cell_at(self, coordinate: Coordinate) -> tuple[str, str] | None:
        if not (0 <= coordinate.row < len(self.sources)):
            return None
        if not (0 <= coordinate.column < len(self.destinations)):
            return None
        cell = (self.sources[coordinate.row], self.destinations[coordinate.column])
        return cell if cell in self.asked else None

    def set_value(self, cell: tuple[str, str], value: bool | None) -> None:
        if cell not in self.asked:
            return
        if value is None:
            self.values.pop(cell, None)
        else:
            self.values[cell] = value
        coordinate = Coordinate(self.sources.index(cell[0]), self.destinations.index(cell[1]))
        self.update_cell_at(coordinate, UNSET if value is None else ALLOWED if value else DENIED)
        self.post_message(self.Changed(self))

    def _toggle(self, coordinate: Coordinate) -> None:
        cell = self.cell_at(coordinate)
        if cell is None:
            self.app.bell()
            return
        current = self.values.get(cell)
        self.set_value(cell, True if current is None else not current)

    def action_toggle_cell(self) -> None:
        self._toggle(self.cursor_coordinate)

    def action_mark(self, value: bool) -> None:
        cell = self.cell_at(self.cursor_coordinate)
        if cell is None:
            self.app.bell()
            return
        self.set_value(cell, value)

    def action_clear(self) -> None:
        cell = self.cell_at(self.cursor_coordinate)
        if cell is not None:
            self.set_value(cell, None)

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self._toggle(event.coordinate)

    def answer(self) -> dict[tuple[str, str], bool]:
        return dict(self.values)
