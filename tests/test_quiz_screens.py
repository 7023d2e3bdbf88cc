"""The quiz screen keeps the active part in view (issue 13): the predict-the-matrix grid is on
screen at 120x40, a fix question opens at the top of its text, the fix check shows every check,
options appear in the shuffled order, and Esc closes the review."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

pytest.importorskip("textual")

from textual.containers import VerticalScroll  # noqa: E402
from textual.widget import Widget  # noqa: E402
from textual.widgets import RadioButton, Static  # noqa: E402

from k8snet_tutor.learning.quiz import (  # noqa: E402
    BUILTIN_BANK,
    Bank,
    ChoiceQuestion,
    FixQuestion,
    MatrixQuestion,
    builtin_quizzes_dir,
    load_bank,
    shuffle_options,
)
from k8snet_tutor.tui.quiz_app import QuizApp  # noqa: E402
from k8snet_tutor.tui.widgets import yaml_editor  # noqa: E402
from k8snet_tutor.tui.widgets.matrix_answer import MatrixAnswer  # noqa: E402

SIZE = (120, 40)


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_editor, "CURSOR_BLINK", False)


def builtin() -> Bank:
    bank, _ = load_bank(builtin_quizzes_dir() / f"{BUILTIN_BANK}.yaml")
    assert bank is not None
    return bank


def on_screen(widget: Widget, container: VerticalScroll) -> tuple[bool, bool]:
    """(its top row is visible, all of it is visible) inside the scrolling container."""
    visible = container.scrollable_content_region
    region = widget.region
    top = visible.y <= region.y < visible.bottom
    return top, top and region.bottom <= visible.bottom


async def start(app: QuizApp, pilot: Any) -> Any:
    await pilot.click("#quiz-begin")
    for _ in range(3):
        await pilot.pause()
    return app.quiz_screen


def run(coro: Any) -> None:
    asyncio.run(coro)


def biggest_matrix_question(bank: Bank) -> MatrixQuestion:
    questions = [q for q in bank.questions if isinstance(q, MatrixQuestion)]
    return max(questions, key=lambda q: len(q.policies) + len(q.cluster))


def test_matrix_grid_is_on_screen_at_120x40() -> None:
    bank = builtin()
    q = biggest_matrix_question(bank)

    first = next(q for q in bank.questions if isinstance(q, ChoiceQuestion))

    async def go() -> None:
        # As the first question and after another one (the container is reused).
        app = QuizApp(bank, [q, first, q], seed=1, ask_name=False, save=False)
        async with app.run_test(size=SIZE) as pilot:
            screen = await start(app, pilot)
            container = screen.query_one("#quiz-question", VerticalScroll)
            grid = screen.query_one(MatrixAnswer)
            assert grid.has_focus
            assert container.max_scroll_y > 0
            assert on_screen(grid, container) == (True, True)
            for _ in range(2):
                await pilot.press("ctrl+s")
                for _ in range(3):
                    await pilot.pause()
            assert screen.index == 2
            grid = screen.query_one(MatrixAnswer)
            assert grid.has_focus
            assert container.max_scroll_y > 0  # the question is taller than the screen...
            assert on_screen(grid, container) == (True, True)  # ... and the grid is in view

    run(go())


def test_fix_question_opens_at_the_top_and_check_shows_every_result() -> None:
    bank = builtin()
    q = max(
        (q for q in bank.questions if isinstance(q, FixQuestion)),
        key=lambda q: len(q.goal) + len(q.background),
    )

    async def go() -> None:
        app = QuizApp(bank, [q], seed=1, ask_name=False, save=False)
        async with app.run_test(size=SIZE) as pilot:
            screen = await start(app, pilot)
            container = screen.query_one("#quiz-question", VerticalScroll)
            assert container.max_scroll_y > 0
            assert container.scroll_y == 0
            prompt = screen.query_one(".quiz-prompt")
            assert on_screen(prompt, container)[0]
            editor = screen.query_one("#answer-yaml", yaml_editor.YamlEditor)
            assert editor.has_focus
            await pilot.press("ctrl+r")
            for _ in range(3):
                await pilot.pause()
            result = screen.query_one("#fix-result", Static)
            text = str(result.render())
            marks = [line for line in text.splitlines() if line.startswith((" ✓ ", " ✗ "))]
            assert len(marks) == len(q.goal) + 1
            assert on_screen(result, container) == (True, True)

    run(go())


def test_options_are_shown_in_the_shuffled_order() -> None:
    bank = builtin()
    plain = next(q for q in bank.questions if isinstance(q, ChoiceQuestion) and not q.several)
    seed = next(s for s in range(50) if not shuffle_options(plain, s).options[0].correct)
    q = shuffle_options(plain, seed)

    async def go() -> None:
        app = QuizApp(bank, [q], seed=seed, ask_name=False, save=False)
        async with app.run_test(size=SIZE) as pilot:
            screen = await start(app, pilot)
            buttons = list(screen.query(RadioButton))
            labels = [str(b.label) for b in buttons]
            assert labels == [f"{o.shown}) {o.text}" for o in q.options]
            assert labels[0].startswith("a) ") and not q.options[0].correct
            right = next(o for o in q.options if o.correct)
            await pilot.click(f"#option-{right.id}")
            await pilot.press("ctrl+n")
            for _ in range(3):
                await pilot.pause()
            assert screen.result is not None and screen.grades[0].outcome == "correct"
            # Esc closes the review (the app ends with the result).
            await pilot.press("escape")
            await pilot.pause()
        assert app.return_value is not None
        assert app.return_value.score_text() == "1 / 1 (100%)"

    run(go())
