"""Pilot tests of the quiz UI (`QuizApp`): a 3-question quiz taken to the end, the matrix widget,
multiple answers, a fix question with its checks and its time limit."""

from __future__ import annotations

import asyncio
import functools
import json
import os
import re
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("textual")

from textual.message import Message  # noqa: E402
from textual.widgets import Input, Markdown, SelectionList, Static, TextArea  # noqa: E402

from k8snet_tutor.learning.quiz import (  # noqa: E402
    Bank,
    FixQuestion,
    MatrixQuestion,
    builtin_quizzes_dir,
    load_bank,
    matrix_key,
)
from k8snet_tutor.tui.quiz_screen import MatrixAnswer, QuizApp, QuizScreen  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "quiz"
SIZE = (120, 50)


def run_async(fn: Callable[[], Coroutine[Any, Any, None]]) -> Callable[[], None]:
    """Run an async test with asyncio.run (no pytest-asyncio needed)."""

    @functools.wraps(fn)
    def wrapper() -> None:
        asyncio.run(fn())

    return wrapper


def bank(name: str) -> Bank:
    b, problems = load_bank(FIXTURES / f"{name}.yaml")
    assert b is not None, problems
    return b


def score_text(app: QuizApp) -> str:
    return str(app.screen.query_one("#quiz-score", Static).render())


@run_async
async def test_three_questions_to_the_review() -> None:
    b = bank("three")
    questions = [b.question(i) for i in ("shared-ip", "deny-db", "typo")]
    messages: list[Message] = []
    app = QuizApp(b, questions, seed=3, name="Ada", ask_name=True)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        screen = app.quiz_screen
        assert app.screen is screen
        assert screen.query_one("#quiz-name", Input).value == "Ada"
        await pilot.click("#quiz-begin")
        await pilot.pause()
        assert screen.index == 0 and "Question 1 of 3" in str(
            screen.query_one("#quiz-counter", Static).render()
        )

        await pilot.click("#option-a")  # right
        await pilot.click("#quiz-next")
        await pilot.pause()

        q = questions[1]
        assert isinstance(q, MatrixQuestion)
        key = matrix_key(q)
        table = screen.query_one(MatrixAnswer)
        assert table.has_focus
        for (s, d), allowed in key.cells.items():
            table.move_cursor(row=key.sources.index(s), column=key.destinations.index(d))
            wrong = (s, d) == ("default/web", "default/db")
            await pilot.press("a" if allowed != wrong else "d")
        assert len(table.answer()) == 6
        await pilot.click("#quiz-next")
        await pilot.pause()

        lines = screen.query_one("#answer-line")
        lines.focus()
        await pilot.press("down", "down", "enter")  # line 3: wrong
        await pilot.pause()
        assert "You picked line 3" in str(screen.query_one("#bug-picked", Static).render())
        await pilot.click("#quiz-next")
        await pilot.pause()

        assert screen.result is not None
        assert score_text(app) == "Score: 1.83 / 3 (61%)"
        review = screen.query_one("#quiz-review-text", Markdown)
        assert "default/web -> default/db on 5432/TCP is denied (you said allowed)" in review.source
        assert "You picked line 3" in review.source
        finished = [m for m in messages if isinstance(m, QuizScreen.Finished)]
        assert len({id(m) for m in finished}) == 1  # one message (seen by the screen and the app)
        assert finished[0].result.name == "Ada"
        json_file = finished[0].saved[0]
        assert json_file.parent == Path(os.environ["K8SNET_TUTOR_HOME"]) / "results"
        data = json.loads(json_file.read_text())
        assert [q["outcome"] for q in data["questions"]] == ["correct", "partial", "wrong"]
        assert all(q["seconds"] is not None for q in data["questions"])
        await pilot.click("#quiz-close")
        await pilot.pause()
    assert app.return_value is not None and app.return_value.score_text() == "1.83 / 3 (61%)"


@run_async
async def test_matrix_widget_keys() -> None:
    b = bank("three")
    q = b.question("deny-db")
    app = QuizApp(b, [q], seed=1, ask_name=False, save=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#quiz-begin")
        await pilot.pause()
        table = app.screen.query_one(MatrixAnswer)
        assert table.cursor_coordinate == (0, 1)  # the first cell that is asked (not api -> api)
        await pilot.press("space")
        assert table.answer() == {("default/api", "default/web"): True}
        await pilot.press("enter")
        assert table.answer() == {("default/api", "default/web"): False}
        await pilot.press("backspace")
        assert table.answer() == {}
        table.move_cursor(row=0, column=0)
        await pilot.press("a")  # a pod to itself is not asked
        assert table.answer() == {}
        await pilot.click("#quiz-skip")
        await pilot.pause()
        assert score_text(app) == "Score: 0 / 1 (0%)"


@run_async
async def test_several_answers_and_the_name() -> None:
    b, _ = load_bank(builtin_quizzes_dir() / "k8s-networking.yaml")
    assert b is not None
    q = b.question("pol-cannot-do")
    app = QuizApp(b, [q], seed=1, name=None, ask_name=True, save=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"Grace", "enter")  # the name field has the focus; enter starts
        await pilot.pause()
        choices = app.screen.query_one("#answer-choices", SelectionList)
        assert choices.has_focus
        await pilot.press("space", "down", "space", "down", "space")
        assert sorted(choices.selected) == ["a", "b", "c"]
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert score_text(app) == "Score: 1 / 1 (100%)"
        assert app.quiz_screen.result is not None and app.quiz_screen.result.name == "Grace"


@run_async
async def test_fix_question_checks_and_time_limit() -> None:
    b = bank("fix")
    q = b.questions[0]
    assert isinstance(q, FixQuestion)
    app = QuizApp(b, [q, q], seed=1, ask_name=False, save=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.quiz_screen
        await pilot.click("#quiz-begin")
        await pilot.pause()
        # 2:00 when shown; a loaded machine may take a second to get here.
        timer = str(screen.query_one("#quiz-timer", Static).render())
        assert re.fullmatch(r"time left (2:00|1:5\d)", timer), timer
        editor = screen.query_one("#answer-yaml", TextArea)
        assert editor.text == q.starter
        await pilot.press("ctrl+r")
        assert "\n ✗ " in str(screen.query_one("#fix-result", Static).render())
        editor.text = q.solution
        await pilot.press("ctrl+r")
        assert "✓ all pass" in str(screen.query_one("#fix-result", Static).render())
        await pilot.click("#quiz-next")
        await pilot.pause()
        assert screen.index == 1
        # The second time, the clock runs out: the starter is handed in as it is.
        screen._deadline = time.monotonic() - 1
        screen._tick()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.result is not None
        assert [g.outcome for g in screen.grades] == ["correct", "wrong"]
        assert score_text(app) == "Score: 1 / 2 (50%)"
