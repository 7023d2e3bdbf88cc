"""Pilot tests of issue 13's leftovers: the sandbox's palette commands, the layout remembered
across runs, the quiz's fix check as ✓/✗ lines, hostNetwork cells marked undefined in the
matrix, and lesson titles in the quiz review."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("textual")

from textual.command import CommandList, CommandPalette  # noqa: E402
from textual.widgets import Markdown, Static, Tabs  # noqa: E402

from k8snet_tutor.core.cluster import merge_text  # noqa: E402
from k8snet_tutor.core.evaluate import Evaluator  # noqa: E402
from k8snet_tutor.core.matrix import Matrix, to_json  # noqa: E402
from k8snet_tutor.core.ports import PortProbe  # noqa: E402
from k8snet_tutor.learning.lesson import discover  # noqa: E402
from k8snet_tutor.learning.locations import settings_path  # noqa: E402
from k8snet_tutor.learning.quiz import ChoiceQuestion, FixQuestion  # noqa: E402
from k8snet_tutor.learning.settings import (  # noqa: E402
    Settings,
    load_settings,
    remember_theme,
    remember_view,
    remembered_view,
    save_settings,
)
from k8snet_tutor.tui.app import TutorApp  # noqa: E402
from k8snet_tutor.tui.quiz_app import QuizApp  # noqa: E402
from k8snet_tutor.tui.screens.lesson import LessonScreen  # noqa: E402
from k8snet_tutor.tui.screens.modals import PromptScreen  # noqa: E402
from k8snet_tutor.tui.screens.sandbox import SandboxScreen  # noqa: E402
from k8snet_tutor.tui.session import Session  # noqa: E402
from k8snet_tutor.tui.widgets.yaml_editor import YamlEditor  # noqa: E402
from tests.test_quiz_screens import builtin as quiz_bank  # noqa: E402
from tests.test_quiz_screens import start as start_quiz  # noqa: E402
from tests.test_tui_app import LESSON, POD, async_test, make_app, settle  # noqa: E402

SANDBOX_TEXT = "---\n".join(
    [POD.format(name="web", ns="shop"), POD.format(name="client", ns="shop")]
)


def sandbox_app(tmp_path: Path, text: str = SANDBOX_TEXT) -> TutorApp:
    session = Session.open([], tmp_path / "progress.json", include_builtin=False)
    return TutorApp(session, sandbox=(text, []))


async def palette_hits(pilot: Any, query: str) -> list[str]:
    """Open the command palette, type `query`, and return the titles it offers."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*query)
    for _ in range(20):
        await pilot.pause(0.05)
        hits = app.screen.query_one(CommandList)
        if hits.option_count:
            break
    hits = app.screen.query_one(CommandList)
    return [str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count)]


# -- 1. the sandbox's own palette commands ----------------------------------------------------------
@async_test
async def test_the_sandbox_palette_offers_the_sandbox_commands(tmp_path: Path) -> None:
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sandbox = app.screen
        assert isinstance(sandbox, SandboxScreen)
        titles = await palette_hits(pilot, "save yaml")
        assert any("Save YAML" in t for t in titles), titles
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)  # asks for the file name, like ctrl+s
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is sandbox

        # "Next port" switches the matrix port like F9 does.
        before = sandbox.port
        await palette_hits(pilot, "next port")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is sandbox and sandbox.port != before

        # "Filter" puts the focus in the filter input.
        await palette_hits(pilot, "filter the matrix")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is sandbox and app.focused is not None
        assert app.focused.id == "filter"


@async_test
async def test_the_sandbox_commands_are_only_on_the_sandbox(tmp_path: Path) -> None:
    app = make_app(tmp_path, lesson_id=LESSON)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LessonScreen)
        titles = await palette_hits(pilot, "save yaml")
        assert not any("Save YAML" in t for t in titles), titles
        await pilot.press("escape")
        await pilot.pause()
        titles = await palette_hits(pilot, "filter")
        assert not any("Filter the matrix" in t for t in titles), titles
        await pilot.press("escape")
        await pilot.pause()
        titles = await palette_hits(pilot, "show hint")  # the lesson's own commands are there
        assert any("Show hint" in t for t in titles), titles


@async_test
async def test_the_sandbox_palette_offers_the_next_view_in_the_narrow_layout(
    tmp_path: Path,
) -> None:
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sandbox = app.screen
        assert isinstance(sandbox, SandboxScreen) and sandbox.view == "matrix"
        await palette_hits(pilot, "next view")
        await pilot.press("enter")
        await pilot.pause()
        assert sandbox.view == "yaml"


# -- 2. the layout remembered across runs -----------------------------------------------------------
def test_settings_keep_the_views_and_the_theme_together(tmp_path: Path) -> None:
    save_settings(Settings(theme="textual-light"))
    remember_view("lesson", "matrix")
    remember_view("sandbox", "yaml")
    remember_theme("textual-dark")
    assert load_settings() == Settings(
        theme="textual-dark", views={"lesson": "matrix", "sandbox": "yaml"}
    )
    assert remembered_view("lesson") == "matrix" and remembered_view("quiz") is None
    settings_path().write_text(json.dumps({"views": {"lesson": 3, "x": ""}}), encoding="utf-8")
    assert load_settings() == Settings()
    settings_path().write_text(json.dumps({"views": ["matrix"]}), encoding="utf-8")
    assert load_settings() == Settings()


def shown_view(screen: Any) -> str:
    """The narrow-layout tab on screen, checked three ways: attribute, class and tab bar."""
    view = screen.view
    assert screen.has_class(f"-view-{view}")
    assert screen.query_one("#views", Tabs).active == f"view-{view}"
    return str(view)


@async_test
async def test_the_lesson_tab_of_the_small_layout_is_remembered(tmp_path: Path) -> None:
    app = make_app(tmp_path, lesson_id=LESSON)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LessonScreen) and shown_view(screen) == "lesson"
        screen.editor.insert("# mine\n", (0, 0))  # the lesson is worked on
        await settle(pilot)
        await pilot.press("ctrl+g", "ctrl+g")  # Lesson -> YAML -> Matrix
        await pilot.pause()
        assert shown_view(screen) == "matrix"
        app.flush()
    assert remembered_view("lesson") == "matrix"

    again = make_app(tmp_path, lesson_id=LESSON)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = again.screen
        assert isinstance(screen, LessonScreen) and shown_view(screen) == "matrix"
        # A lesson never worked on still opens on its text: its task is there.
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(again.screen, LessonScreen) and again.screen is not screen
        assert shown_view(again.screen) == "lesson"
    assert remembered_view("lesson") == "matrix"  # opening a lesson is not a choice


@async_test
async def test_the_sandbox_tab_of_the_small_layout_is_remembered(tmp_path: Path) -> None:
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SandboxScreen) and shown_view(screen) == "matrix"
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert shown_view(screen) == "yaml"
    assert remembered_view("sandbox") == "yaml"

    again = sandbox_app(tmp_path)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, SandboxScreen) and shown_view(again.screen) == "yaml"

    # The wide layout has no tabs: nothing is remembered there.
    wide = sandbox_app(tmp_path)
    async with wide.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f11")
        await pilot.pause()
    assert remembered_view("sandbox") == "yaml"


# -- 3. the quiz's fix check shows ✓/✗ lines like the lessons ---------------------------------------
def test_the_fix_check_shows_check_and_cross_lines_like_the_lessons() -> None:
    bank = quiz_bank()
    q = next(q for q in bank.questions if isinstance(q, FixQuestion) and len(q.goal) >= 2)

    async def go() -> None:
        app = QuizApp(bank, [q], seed=1, ask_name=False, save=False)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await start_quiz(app, pilot)
            await pilot.press("ctrl+r")  # the starter: some checks fail
            for _ in range(3):
                await pilot.pause()
            text = str(screen.query_one("#fix-result", Static).render())
            lines = text.splitlines()
            assert "[pass]" not in text and "[FAIL]" not in text
            crosses = [line for line in lines if line.startswith(" ✗ ")]
            ticks = [line for line in lines if line.startswith(" ✓ ")]
            assert crosses and len(crosses) + len(ticks) == len(q.goal) + 1
            assert lines[0] == f"Checks {len(ticks)}/{len(q.goal) + 1}"
            assert any(line.startswith("   • ") for line in lines)  # a failing check's reason

            editor = screen.query_one("#answer-yaml", YamlEditor)
            editor.load_text(q.solution)
            await pilot.press("ctrl+r")
            for _ in range(3):
                await pilot.pause()
            text = str(screen.query_one("#fix-result", Static).render())
            assert text.startswith(f"Checks {len(q.goal) + 1}/{len(q.goal) + 1}  ✓ all pass")
            assert " ✗ " not in text

    asyncio.run(go())


# -- 4. hostNetwork cells are marked undefined, as `matrix` marks them ------------------------------
HOST_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: node-agent, namespace: shop, labels: {app: node-agent}}
spec:
  hostNetwork: true
  containers:
    - {name: c, image: example/agent:1, ports: [{containerPort: 8080}]}
"""


@async_test
async def test_host_network_cells_are_marked_undefined(tmp_path: Path) -> None:
    text = "---\n".join([SANDBOX_TEXT, HOST_POD])
    app = sandbox_app(tmp_path, text)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SandboxScreen) and screen.model is not None
        screen.set_port("8080/TCP")
        await pilot.pause()
        view = screen.model
        grid = view.grid("8080/TCP")
        ids = [(view.rows[r].id, view.cols[c].id) for r, c in sorted(grid.undefined)]
        agent = "shop/node-agent"
        # Every cell from or to the hostNetwork pod (but not the pod to itself), and no other.
        assert ids and all(agent in pair for pair in ids)
        others = [p.id for p in view.rows if p.id != agent]
        assert {(agent, o) for o in others} | {(o, agent) for o in others} == set(ids)

        # Between pods: the same cells the CLI's JSON calls undefined (it has no external
        # peers; the pod to itself is always allowed there, `·` here).
        cluster = merge_text([(text, "<test>")])
        data = json.loads(
            to_json(Matrix.build(Evaluator(cluster)), [PortProbe.parse("8080/TCP")])
        )
        cli = {(e["from"], e["to"]) for e in data["connections"] if "undefined" in e}
        pods = {p.id for p in view.rows if p.kind == "pod"}
        assert cli - {(agent, agent)} == {(a, b) for a, b in ids if a in pods and b in pods}

        # A distinct glyph in the grid, and the explanation says why.
        grid_widget = screen.matrix
        assert grid_widget.move_to(agent, "shop/web")
        await pilot.pause()
        rendered = "\n".join(
            "".join(seg.text for seg in grid_widget.render_line(y))
            for y in range(grid_widget.size.height)
        )
        assert "✓?" in rendered or "✗?" in rendered
        explanation = str(screen.query_one("#explanation", Static).render())
        assert "undefined" in explanation and "hostNetwork" in explanation
        assert grid_widget.move_to("shop/client", "shop/web")
        await pilot.pause()
        explanation = str(screen.query_one("#explanation", Static).render())
        assert "undefined" not in explanation


# -- 5. the quiz review names lessons by title -------------------------------------------------------
def test_the_quiz_review_names_lessons_by_title() -> None:
    bank = quiz_bank()
    lessons = discover()
    q = next(
        q
        for q in bank.questions
        if isinstance(q, ChoiceQuestion)
        and not q.several
        and q.lessons
        and all(lid in lessons for lid in q.lessons)
    )

    async def go() -> None:
        app = QuizApp(bank, [q], seed=1, ask_name=False, save=False)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await start_quiz(app, pilot)
            wrong = next(o for o in screen.questions[0].options if not o.correct)
            await pilot.click(f"#option-{wrong.id}")
            await pilot.press("f8")
            for _ in range(3):
                await pilot.pause()
            assert screen.result is not None and screen.grades[0].outcome == "wrong"
            review = screen.query_one("#quiz-review-text", Markdown).source
            study = review.split("## What to study next", 1)[1]
            for lid in q.lessons:
                title = lessons.get(lid).title
                assert title.replace("|", "\\|") in study, (title, study)
                assert f"`{lid}`" not in study
            # The saved Markdown keeps the ids (what `k8snet-tutor lessons` takes).
            assert all(f"`{lid}`" in screen.result.to_markdown() for lid in q.lessons)

    asyncio.run(go())
