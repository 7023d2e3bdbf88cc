"""What the lesson and sandbox screens share: editor -> debounced evaluation in a worker ->
matrix, explanation and status; the last good matrix kept (and marked stale) while the YAML is
broken; the narrow-terminal view switcher; `$EDITOR`.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Select, Static, Tab, Tabs
from textual.worker import get_current_worker

from k8snet_tutor.learning.evaluation import Evaluation
from k8snet_tutor.learning.matrix_view import HOST_NETWORK_NOTE, SOURCE_NAT_NOTE, MatrixView
from k8snet_tutor.learning.settings import remember_view, remembered_view
from k8snet_tutor.tui.messages import EvaluationFinished, EvaluationStarted, MatrixUpdated
from k8snet_tutor.tui.state import WorkbenchState
from k8snet_tutor.tui.widgets.matrix_grid import MatrixGrid
from k8snet_tutor.tui.widgets.yaml_editor import YamlEditor

DEBOUNCE_SECONDS = 0.15
NARROW_WIDTH = 100
NARROW_HEIGHT = 28
WARM_CELLS = 10_000


class WorkbenchScreen(Screen[None]):
    """Base class: subclasses compose the layout and implement `compute` (run in a thread).

    All the screen knows about its evaluations is `self.state` (one `WorkbenchState`), changed
    only on the UI thread and handed to the matrix widget; the properties below read it.
    """

    VIEWS: ClassVar[tuple[tuple[str, str], ...]] = ()  # (id, label) of the narrow-mode tabs
    # The settings key under which the last narrow-mode tab is remembered ("" = not remembered).
    LAYOUT_KEY: ClassVar[str] = ""
    WARNINGS_BESIDE_MATRIX: ClassVar[bool] = False  # else the subclass shows them elsewhere

    def __init__(self) -> None:
        super().__init__()
        self.state = WorkbenchState()
        self._cursor_placed = False
        self._debounce: Timer | None = None
        self._shown_text: dict[str, object] = {}  # widget id -> what `set_text` last showed
        self.view = self.VIEWS[0][0] if self.VIEWS else ""
        if self.LAYOUT_KEY:  # issue 13: layout choices are remembered across runs
            remembered = remembered_view(self.LAYOUT_KEY)
            if remembered in {vid for vid, _ in self.VIEWS}:
                self.view = remembered or self.view

    # -- reading the state --------------------------------------------------------------------
    @property
    def generation(self) -> int:
        return self.state.generation

    @property
    def evaluated_generation(self) -> int:
        return self.state.evaluated

    @property
    def last(self) -> Evaluation | None:
        return self.state.last

    @property
    def model(self) -> MatrixView | None:
        """The matrix view on screen (the last good one while the YAML is broken)."""
        return self.state.view

    @property
    def previous_model(self) -> MatrixView | None:
        return self.state.previous_view

    @property
    def port(self) -> str:
        return self.state.port

    @property
    def stale(self) -> bool:
        return self.state.stale

    @property
    def changed_cells(self) -> set[tuple[int, int]]:
        return self.state.changed

    @property
    def last_seconds(self) -> float:
        return self.state.last.seconds if self.state.last is not None else 0.0

    # -- layout helpers ---------------------------------------------------------------------------
    def set_text(self, selector: str, content: Text | str) -> None:
        """Update a Static only when its content changes: an update re-lays out the screen."""
        widget = self.query_one(selector, Static)
        key = (content.plain, tuple(content.spans)) if isinstance(content, Text) else content
        if self._shown_text.get(selector) == key:
            return
        self._shown_text[selector] = key
        widget.update(content)

    def compose_view_tabs(self) -> ComposeResult:
        yield Tabs(*(Tab(label, id=f"view-{vid}") for vid, label in self.VIEWS), id="views")

    def compose_matrix(self) -> ComposeResult:
        with Horizontal(id="matrix-bar"):
            yield Static("Matrix", id="matrix-title")
            yield Select[str]([], prompt="port", allow_blank=True, id="port", compact=True)
            yield Static("", id="matrix-summary")
        yield MatrixGrid(id="matrix")
        with VerticalScroll(id="explain-pane", can_focus=True):
            yield Static(
                "Move the cursor onto a cell to see why it is allowed or denied.", id="explanation"
            )
            if self.WARNINGS_BESIDE_MATRIX:
                yield Static("", id="warnings")

    @property
    def editor(self) -> YamlEditor:
        return self.query_one("#editor", YamlEditor)

    @property
    def matrix(self) -> MatrixGrid:
        return self.query_one("#matrix", MatrixGrid)

    def on_mount(self) -> None:
        self._apply_size(self.app.size.width, self.app.size.height)

    def on_resize(self, event: events.Resize) -> None:
        self._apply_size(event.size.width, event.size.height)

    def _apply_size(self, width: int, height: int) -> None:
        narrow = width < NARROW_WIDTH or height < NARROW_HEIGHT
        self.set_class(narrow, "-narrow")
        self._show_view(self.view)

    def _show_view(self, view: str) -> None:
        for vid, _ in self.VIEWS:
            self.set_class(vid == view, f"-view-{vid}")
        if view != self.view and self.LAYOUT_KEY and self.has_class("-narrow"):
            remember_view(self.LAYOUT_KEY, view)
        self.view = view
        try:
            tabs = self.query_one("#views", Tabs)
        except Exception:
            return
        if tabs.active != f"view-{view}":
            tabs.active = f"view-{view}"

    VIEW_FOCUS: ClassVar[dict[str, str]] = {}  # view -> the widget to focus when it is shown

    @on(Tabs.TabActivated, "#views")
    def _view_tab(self, event: Tabs.TabActivated) -> None:
        if event.tab.id:
            view = event.tab.id.removeprefix("view-")
            if view != self.view:
                self._show_view(view)
                self._focus_view()

    def action_view(self, step: int) -> None:
        ids = [vid for vid, _ in self.VIEWS]
        if not ids:
            return
        i = ids.index(self.view) if self.view in ids else 0
        self._show_view(ids[(i + step) % len(ids)])
        self._focus_view()

    def _focus_view(self) -> None:
        """In narrow mode, put the focus in the view just shown."""
        target = self.VIEW_FOCUS.get(self.view)
        if target and self.has_class("-narrow"):
            try:
                self.query_one(target).focus()
            except Exception:
                pass

    def show_view_of(self, widget_id: str) -> None:
        """In narrow mode, switch to the view that contains `widget_id` (subclasses map it)."""

    # -- editing -> evaluation --------------------------------------------------------------------
    def set_editor_text(self, text: str) -> None:
        """Replace the editor's text (reset, $EDITOR) and evaluate it."""
        self.editor.load_text(text)
        self.schedule_evaluation(immediate=True)

    @on(YamlEditor.Changed, "#editor")
    def _editor_changed(self, event: YamlEditor.Changed) -> None:
        self.schedule_evaluation()

    def schedule_evaluation(self, immediate: bool = False) -> None:
        self.state.generation += 1
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        if immediate:
            self._start_evaluation()
        else:
            self._debounce = self.set_timer(DEBOUNCE_SECONDS, self._start_evaluation)

    def _start_evaluation(self) -> None:
        self._debounce = None
        state = self.state
        text = self.editor.text
        if state.last is not None and state.last.text == text and state.evaluated == state.in_flight:
            # Nothing changed since the result on screen (undo back, load of the same text):
            # keep it, and its "changed" marks.
            state.evaluated = state.generation
            return
        state.in_flight = state.generation
        self.post_message(EvaluationStarted(state.generation))
        self._status_busy(True)
        self.evaluate(text, state.generation, state.port, state.view)

    @work(thread=True, exclusive=True, group="evaluate", exit_on_error=False)
    def evaluate(self, text: str, generation: int, port: str, previous: MatrixView | None) -> None:
        """Evaluate off the UI thread; the result goes back in a message (no state written)."""
        worker = get_current_worker()
        evaluation = self.compute(text)
        view = evaluation.view
        if view is not None:
            # Warm what the UI will show first.
            show = port if port in view.ports else (view.wrong_ports() or view.ports)[0]
            view.grid(show)
            view.wrong_count()
            evaluation.changed_from(previous, show)
        if worker.is_cancelled:
            return
        self.post_message(EvaluationFinished(evaluation, generation))
        # Then warm the other ports of a small matrix, so switching port is instant (a big
        # one would compete with the next keystroke for the interpreter; it computes on demand).
        if view is not None and len(view.rows) * len(view.cols) <= WARM_CELLS:
            for other in view.ports:
                if worker.is_cancelled:
                    return
                view.grid(other)

    def compute(self, text: str) -> Evaluation:  # pragma: no cover - abstract
        raise NotImplementedError

    @on(EvaluationFinished)
    def _evaluation_finished(self, message: EvaluationFinished) -> None:
        state = self.state
        if message.generation != state.generation:
            return  # a newer edit is on its way: drop this stale result
        evaluation = message.evaluation
        state.accept(evaluation, message.generation)
        self._status_busy(False)
        first_error = evaluation.errors[0] if evaluation.errors else None
        self.editor.set_error_line(first_error.line if first_error else None)
        self._refresh_ports()
        self.refresh_matrix()
        self.evaluated(evaluation)
        self.update_status()
        self.post_message(
            MatrixUpdated(message.generation, state.wrong, len(state.changed), state.stale)
        )

    def evaluated(self, evaluation: Evaluation) -> None:
        """Hook: a fresh evaluation is on screen."""

    # -- matrix -----------------------------------------------------------------------------------
    def _refresh_ports(self) -> None:
        select = self.query_one("#port", Select)
        view = self.state.view
        ports = view.ports if view is not None else []
        options = [(p, p) for p in ports]
        if getattr(self, "_port_options", None) != options:
            self._port_options = options
            with select.prevent(Select.Changed):
                select.set_options(options)
        if self.port and select.value != self.port:
            with select.prevent(Select.Changed):
                select.value = self.port

    @on(Select.Changed, "#port")
    def _port_selected(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.port:
            self.set_port(event.value)

    def set_port(self, port: str) -> None:
        self.state.port = port
        self._refresh_ports()
        self.refresh_matrix()
        self.update_status()

    def action_cycle_port(self) -> None:
        view = self.state.view
        if view is None or not view.ports:
            return
        ports = view.ports
        i = ports.index(self.port) if self.port in ports else -1
        self.set_port(ports[(i + 1) % len(ports)])

    def action_next_wrong(self, step: int = 1) -> None:
        """Move the cursor to the next (step -1: previous) wrong cell, across the goal's ports."""
        view = self.state.view
        cells = view.wrong_cells() if view is not None else []
        if view is None or not cells:
            self.notify("No cell differs from the goal.")
            return
        cell = self.matrix.current_cell()
        ports = view.goal.ports
        here = (ports.index(self.port) if self.port in ports else -1, *(
            (cell.row, cell.col) if cell is not None else (-1, -1)
        ))
        order = [(ports.index(p), r, c) for p, r, c in cells]
        if step > 0:
            target = next((o for o in order if o > here), order[0])
        else:
            target = next((o for o in reversed(order) if o < here), order[-1])
        port = ports[target[0]]
        if port != self.port:
            self.set_port(port)
        row, col = view.rows[target[1]].id, view.cols[target[2]].id
        if not self.matrix.move_to(row, col):
            self.matrix.filter_text = ""
            self.matrix.move_to(row, col)
        self.show_view_of("matrix")

    def refresh_matrix(self) -> None:
        self.matrix.show(self.state)
        if self.state.view is None:
            return
        if not self._cursor_placed:
            self._cursor_placed = True
            self._place_cursor()
        self.update_matrix_summary()

    def _place_cursor(self) -> None:
        """First time: put the cursor on the first cell that differs from the goal (else on
        the first cell that is not a pod to itself), so the explanation starts useful."""
        view = self.state.view
        assert view is not None
        grid = view.grid(self.port)
        if grid.wrong:
            r, c = min(grid.wrong)
        else:
            r, c = next(
                (
                    (r, c)
                    for r, row in enumerate(grid.cells)
                    for c, code in enumerate(row)
                    if view.rows[r].id != view.cols[c].id
                ),
                (0, 0),
            )
        if view.rows and view.cols:
            self.matrix.move_to(view.rows[r].id, view.cols[c].id)

    def update_matrix_summary(self) -> None:
        text = Text()
        view = self.state.view
        if view is not None:
            text.append(f" {len(view.rows)}×{len(view.cols)}", style="dim")
            changed = self.changed_cells
            if changed:
                text.append(f"  *{len(changed)} changed", style="bold")
        if self.stale:
            text.append("  stale: fix the YAML", style="bold red")
        self.set_text("#matrix-summary", text)

    @on(MatrixGrid.CellHighlighted, "#matrix")
    def _cell_highlighted(self, event: MatrixGrid.CellHighlighted) -> None:
        self.show_explanation()

    @on(MatrixGrid.CellSelected, "#matrix")
    def _cell_selected(self, event: MatrixGrid.CellSelected) -> None:
        self.show_explanation()
        self.query_one("#explain-pane").focus()

    def show_explanation(self) -> None:
        cell = self.matrix.current_cell()
        evaluation = self.state.current
        if evaluation is None or evaluation.view is None or cell is None:
            self.set_text(
                "#explanation", "Move the cursor onto a cell to see why it is allowed or denied."
            )
            return
        text = Text()
        view = evaluation.view
        src, dst = view.rows[cell.row], view.cols[cell.col]
        grid = view.grid(self.port)
        text.append(f"{src.id} → {dst.id}  ({self.port})\n", style="bold")
        expected = grid.expected.get((cell.row, cell.col))
        if expected is not None:
            ok = (cell.row, cell.col) not in grid.wrong
            goal = "allowed" if expected else "denied"
            text.append(
                f"goal: {goal} — {'matches' if ok else 'does NOT match yet'}\n",
                style="green" if ok else "bold yellow",
            )
        if (cell.row, cell.col) in grid.undefined:
            text.append("? undefined: ", style="bold yellow")
            text.append(f"{HOST_NETWORK_NOTE}.\n", style="yellow")
        if (cell.row, cell.col) in grid.plugin_dependent:
            text.append("? depends on the network plugin: ", style="bold yellow")
            text.append(f"{SOURCE_NAT_NOTE}.\n", style="yellow")
        if self.stale:
            text.append("(from the last valid YAML)\n", style="dim")
        try:
            sentences = evaluation.explain(cell.row, cell.col, self.port)
        except Exception as exc:  # never let an explanation crash the screen
            sentences = [f"(no explanation: {exc})"]
        seen: list[str] = []
        for i, sentence in enumerate(sentences):
            if any(sentence in earlier for earlier in seen):
                continue  # the summary often repeats a note word for word
            seen.append(sentence)
            text.append(sentence + "\n", style="" if i else "italic")
        self.set_text("#explanation", text)

    # -- status -----------------------------------------------------------------------------------
    def _status_busy(self, busy: bool) -> None:
        # Only the small title changes: a class on the screen would restyle every widget
        # (and re-wrap a 10,000-line editor) twice per evaluation.
        self.query_one("#matrix-title", Static).set_class(busy, "-evaluating")

    def update_status(self) -> None:
        """Subclasses fill `#status`."""

    def problems_text(self, evaluation: Evaluation | None) -> Text:
        text = Text()
        if evaluation is None:
            return text
        for p in evaluation.errors[:3]:
            where = f"line {p.line}:{p.column}" if p.line is not None else "YAML"
            text.append(f"✗ {where}: ", style="bold red")
            text.append(p.message)
            if p.obj:
                text.append(f" [{p.obj}]", style="dim")
            if p.hint:
                text.append(f"  hint: {p.hint}", style="italic")
            text.append("\n")
        if len(evaluation.errors) > 3:
            text.append(f"... and {len(evaluation.errors) - 3} more errors\n", style="red")
        return text

    def warnings_text(self, evaluation: Evaluation | None, limit: int = 6) -> Text:
        """Loader and lint warnings of the edited text, located (line:column), with hints."""
        text = Text()
        warnings = evaluation.warnings if evaluation is not None else ()
        if not warnings:
            return text
        n = len(warnings)
        text.append(f"Warnings {n}\n" if n > 1 else "Warning\n", style="bold")
        for p in warnings[:limit]:
            where = f"line {p.line}:{p.column}" if p.line is not None else p.location
            mark = "⚠" if p.severity == "warning" else "ℹ"
            text.append(f" {mark} {where}: ", style="bold yellow" if mark == "⚠" else "bold")
            text.append(p.message.rstrip())
            if p.obj:
                text.append(f" [{p.obj}]", style="dim")
            text.append("\n")
            if p.hint:
                text.append(f"   hint: {p.hint}\n", style="italic dim")
        if n > limit:
            text.append(f"   ... and {n - limit} more\n", style="dim")
        return text

    # -- keys ------------------------------------------------------------------------------------
    def on_yaml_editor_left(self, event: YamlEditor.Left) -> None:
        event.stop()
        self.show_view_of("matrix")
        self.matrix.focus()

    def action_focus_editor(self) -> None:
        self.show_view_of("editor")
        self.editor.focus()

    def action_external_editor(self) -> None:
        """Edit the YAML in $VISUAL / $EDITOR; the screen resumes with the new text."""
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as fh:
            fh.write(self.editor.text)
            path = fh.name
        try:
            try:
                with self.app.suspend():
                    subprocess.run([*shlex.split(command), path], check=False)
            except Exception as exc:  # SuspendNotSupported (web, tests), a missing editor...
                self.notify(f"Cannot open {command}: {exc}", severity="error")
                return
            with open(path, encoding="utf-8") as fh:
                new = fh.read()
        finally:
            try:
                os.unlink(path)
            except OSError:
                pass
        if new != self.editor.text:
            self.set_editor_text(new)
            self.notify("Loaded the YAML from your editor.")
