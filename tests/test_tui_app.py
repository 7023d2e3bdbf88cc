"""Pilot tests of the tutor app: lessons, editing, the matrix, checks, progress, the sandbox.

They assert on domain messages and widget state, and wait for the evaluation workers instead of
sleeping. Lessons come from tests/fixtures/tui_lessons so content edits do not break them.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("textual")

from textual.message import Message  # noqa: E402
from textual.widgets import Input, Markdown, Static  # noqa: E402

from k8snet_tutor.tui.app import TutorApp  # noqa: E402
from k8snet_tutor.tui.messages import (  # noqa: E402
    EvaluationFinished,
    HintRevealed,
    LessonPassed,
    LessonReset,
    MatrixExported,
    MatrixUpdated,
    ProgressSaved,
    SolutionShown,
)
from k8snet_tutor.tui.screens.home import HomeScreen  # noqa: E402
from k8snet_tutor.tui.screens.lesson import LessonScreen  # noqa: E402
from k8snet_tutor.tui.screens.modals import ConfirmScreen, DiffScreen  # noqa: E402
from k8snet_tutor.tui.screens.sandbox import SandboxScreen, read_manifests  # noqa: E402
from k8snet_tutor.tui.session import Session  # noqa: E402
from k8snet_tutor.tui.widgets.matrix_grid import MatrixGrid  # noqa: E402
from k8snet_tutor.tui.widgets.yaml_editor import YamlEditor  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "tui_lessons"
LESSON = "tui-db-only-from-api"
NEXT_LESSON = "tui-service-selector"

FIX = """\
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app: api
      ports:
        - port: 5432
"""

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: {ns}
  labels: {{app: {name}}}
spec:
  containers:
    - {{name: c, image: example/{name}:1, ports: [{{containerPort: 8080}}]}}
"""


def async_test(fn: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test with asyncio.run (no pytest-asyncio needed)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        asyncio.run(fn(*args, **kwargs))

    return wrapper


def make_app(tmp_path: Path, **kwargs: Any) -> TutorApp:
    session = Session.open([str(FIXTURES)], tmp_path / "progress.json", include_builtin=False)
    return TutorApp(session, **kwargs)


async def settle(pilot: Any) -> None:
    """Wait until the debounce timer has fired and the evaluation worker has reported."""
    app = pilot.app
    for _ in range(400):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        generation = getattr(screen, "generation", None)
        if generation is None or (
            screen._debounce is None and screen.evaluated_generation == generation
        ):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the evaluation never finished")


def of_type(messages: list[Message], kind: type[Message]) -> list[Any]:
    """Messages of a kind, each once (a bubbling message is seen by every node it visits)."""
    out: list[Any] = []
    for m in messages:
        if isinstance(m, kind) and all(m is not o for o in out):
            out.append(m)
    return out


@async_test
async def test_lesson_fix_passes_and_progress_is_restored(tmp_path: Path) -> None:
    messages: list[Message] = []
    app = make_app(tmp_path, lesson_id=LESSON)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        assert screen.model is not None
        assert screen.model.wrong_count() == 1  # api -> db is denied, the goal says allowed
        first = of_type(messages, EvaluationFinished)
        assert first and not first[-1].evaluation.passed
        status = str(screen.query_one("#status", Static).render())
        assert "1 cell still wrong" in status
        assert "✗" in str(screen.query_one("#checks", Static).render())

        # Type the fix at the end of the starter: a few real keystrokes, then the rest.
        editor = screen.query_one("#editor", YamlEditor)
        editor.focus()
        editor.move_cursor(editor.document.end)
        await pilot.press(*"# fix", "enter")  # at column 0: Enter keeps no indent
        editor.insert(FIX)
        await settle(pilot)

        assert screen.model.wrong_count() == 0
        passed = of_type(messages, LessonPassed)
        assert [m.lesson_id for m in passed] == [LESSON]
        assert screen.query_one("#success").display
        assert "Lesson passed" in str(screen.query_one("#success-title", Static).render())
        assert screen.changed_cells  # api -> db changed from denied to allowed
        updated = of_type(messages, MatrixUpdated)[-1]
        assert updated.wrong == 0 and not updated.stale and updated.changed >= 1
        assert of_type(messages, ProgressSaved)
        # Passing never moves on by itself.
        assert app.screen is screen
        # A last keystroke, then quit at once (inside the debounce): it is saved too.
        editor.move_cursor(editor.document.end)
        await pilot.press(*"# last")
        typed = editor.text
        await pilot.press("ctrl+q")

    saved = json.loads((tmp_path / "progress.json").read_text())
    assert LESSON in json.dumps(saved)

    # Restart: the YAML and the completion are restored.
    app2 = make_app(tmp_path)
    async with app2.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app2.screen, HomeScreen)
        assert app2.session.state(LESSON).completed
        assert app2.session.continue_lesson().id == NEXT_LESSON  # type: ignore[union-attr]
        app2.open_lesson(LESSON)
        await settle(pilot)
        screen = app2.screen
        assert isinstance(screen, LessonScreen)
        assert screen.query_one("#editor", YamlEditor).text == typed
        assert screen.passed


@async_test
async def test_yaml_error_keeps_the_last_matrix(tmp_path: Path) -> None:
    messages: list[Message] = []
    app = make_app(tmp_path, lesson_id=LESSON)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        good = screen.model
        editor = screen.query_one("#editor", YamlEditor)
        editor.move_cursor((2, 0))
        editor.insert("  bad: [unclosed\n")
        await settle(pilot)

        last = of_type(messages, EvaluationFinished)[-1].evaluation
        assert last.errors and last.model is None
        assert screen.model is good  # the last good matrix stays
        assert screen.stale and screen.query_one("#matrix", MatrixGrid).stale
        assert of_type(messages, MatrixUpdated)[-1].stale
        assert editor.error_line is not None
        status = str(screen.query_one("#status", Static).render())
        assert "line" in status and "last valid YAML" in status

        editor.undo()
        await settle(pilot)
        assert not screen.stale and editor.error_line is None
        assert screen.model is not good


@async_test
async def test_hints_solution_and_reset(tmp_path: Path) -> None:
    messages: list[Message] = []
    app = make_app(tmp_path, lesson_id=LESSON)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LessonScreen)

        # The solution is locked while hints remain.
        await pilot.press("f4")
        await pilot.pause()
        assert app.screen is screen and not of_type(messages, SolutionShown)

        await pilot.press("f2")
        await pilot.pause()
        hints = of_type(messages, HintRevealed)
        assert [h.index for h in hints] == [0]
        assert app.session.state(LESSON).hints_used == 1
        assert "Add an `ingress` list" in screen.query_one("#lesson-text", Markdown).source

        await pilot.press("f2")
        await pilot.pause()
        assert app.session.state(LESSON).hints_used == 2

        # All hints used: the solution is offered after a confirmation.
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, DiffScreen)
        shown = of_type(messages, SolutionShown)
        assert shown and "+  ingress:" in shown[-1].diff
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen

        # Reset, after a confirmation, brings the starter back.
        editor = screen.query_one("#editor", YamlEditor)
        editor.insert("# scribble\n", (0, 0))
        await settle(pilot)
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert editor.text == screen.lesson.starter
        assert of_type(messages, LessonReset)


@async_test
async def test_next_lesson_and_back_home(tmp_path: Path) -> None:
    app = make_app(tmp_path, lesson_id=LESSON)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.lesson.id == NEXT_LESSON
        await pilot.press("f7")
        await settle(pilot)
        assert app.screen.lesson.id == LESSON
        await pilot.press("escape")  # editor -> matrix
        await pilot.pause()
        assert isinstance(app.focused, MatrixGrid)
        await pilot.press("escape")  # -> home
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


@async_test
async def test_matrix_cursor_shows_the_explanation(tmp_path: Path) -> None:
    app = make_app(tmp_path, lesson_id=LESSON)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        grid = screen.query_one("#matrix", MatrixGrid)
        assert grid.move_to("default/api", "default/db")
        await pilot.pause()
        text = str(screen.query_one("#explanation", Static).render())
        assert "default/api → default/db" in text
        assert "does NOT match yet" in text
        assert "isolated for ingress" in text
        grid.focus()
        await pilot.press("right")
        await pilot.pause()
        assert grid.current_cell() is not None


@async_test
async def test_narrow_terminal_uses_views(tmp_path: Path) -> None:
    app = make_app(tmp_path, lesson_id=LESSON)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.has_class("-narrow") and screen.view == "lesson"
        assert screen.query_one("#lesson-pane").display
        assert not screen.query_one("#editor").display
        await pilot.press("f12")
        await pilot.pause()
        assert screen.view == "yaml" and screen.query_one("#editor").display
        assert isinstance(app.focused, YamlEditor)
        await pilot.press("f12")
        await pilot.pause()
        assert screen.view == "matrix" and screen.has_class("-view-matrix")


@async_test
async def test_sandbox_loads_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "manifests"
    (folder / "shop").mkdir(parents=True)
    for name in ("web", "api", "db"):
        (folder / "shop" / f"{name}.yaml").write_text(POD.format(name=name, ns="shop"))
    (folder / "other.yaml").write_text(POD.format(name="client", ns="other"))
    (folder / "shop" / "deny.yaml").write_text(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        "metadata: {name: deny, namespace: shop}\nspec: {podSelector: {}}\n"
    )
    text, files, errors = read_manifests([folder])
    assert len(files) == 5 and not errors
    messages: list[Message] = []
    app = make_app(tmp_path, sandbox=(text, files))
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SandboxScreen)
        assert screen.model is not None
        pods = {p.id for p in screen.model.rows if p.kind == "pod"}
        assert pods == {"shop/web", "shop/api", "shop/db", "other/client"}
        grid = screen.query_one("#matrix", MatrixGrid)

        # Filter the matrix.
        await pilot.press("ctrl+f")
        await pilot.press(*"other")
        await pilot.pause()
        assert screen.query_one("#filter", Input).value == "other"
        assert [screen.model.rows[i].id for i in grid._rows if i < 4] == ["other/client"]
        screen.query_one("#filter", Input).value = ""
        await pilot.pause()

        # Export.
        out = tmp_path / "matrix.csv"
        screen.set_port("8080/TCP")
        assert screen.export(str(out)) == "csv"
        assert out.read_text().startswith("from \\ to,")
        await pilot.pause()
        assert of_type(messages, MatrixExported)[-1].format == "csv"

        # A syntax error keeps the last matrix, marked stale.
        editor = screen.query_one("#editor", YamlEditor)
        good = screen.model
        editor.insert("bad: [unclosed\n", (1, 0))
        await settle(pilot)
        assert screen.model is good and screen.stale and editor.error_line is not None
        editor.undo()
        await settle(pilot)
        assert not screen.stale

        # Edit, then diff against the original.
        editor.insert("# a change\n", (0, 0))
        await settle(pilot)
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, DiffScreen)
        assert "+# a change" in app.screen.diff


@async_test
async def test_sandbox_with_many_pods(tmp_path: Path) -> None:
    docs = [POD.format(name=f"p{i:03d}", ns=f"ns{i % 7}") for i in range(150)]
    app = make_app(tmp_path, sandbox=("---\n".join(docs), []))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.model is not None
        assert len([p for p in screen.model.rows if p.kind == "pod"]) == 150
        grid = screen.query_one("#matrix", MatrixGrid)
        grid.focus()
        await pilot.press("end", "pagedown", "pagedown")
        await pilot.pause()
        cell = grid.current_cell()
        assert cell is not None and cell.col == len(screen.model.cols) - 1 and cell.row == 20


@async_test
async def test_command_palette_and_external_editor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # $EDITOR appends a line to the file it is given; App.suspend needs a real terminal.
    monkeypatch.setenv("VISUAL", "sh -c 'echo \"# from the editor\" >> \"$0\"'")
    monkeypatch.setattr(TutorApp, "suspend", lambda self: contextlib.nullcontext())
    app = make_app(tmp_path, lesson_id=LESSON)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("f6")
        await settle(pilot)
        assert screen.query_one("#editor", YamlEditor).text.endswith("# from the editor\n")

        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"reset lesson")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
