"""Keys a newcomer reaches for, in a terminal and in a browser: a quit key in every footer,
`q` on the lesson list, Ctrl+G for the narrow layout's tabs (F11/F12 belong to browsers), and,
in a served workshop room, a name for the room report and no screenshot written on the host."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from k8snet_tutor.tui.app import TutorApp


def shown_keys(app: TutorApp) -> dict[str, str]:
    """The keys the footer of the current screen shows, with their descriptions."""
    return {
        key: active.binding.description
        for key, active in app.screen.active_bindings.items()
        if active.binding.show and active.enabled
    }


def test_quit_in_every_footer_and_q_on_home(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = TutorApp.create([], tmp_path / "progress.json")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert shown_keys(app).get("ctrl+q") == "Quit"
            assert "ctrl+g" not in shown_keys(app)  # wide: no tabs to switch
            await pilot.press("enter")  # the first lesson
            await pilot.pause()
            assert type(app.screen).__name__ == "LessonScreen"
            assert shown_keys(app).get("ctrl+q") == "Quit"
            await pilot.press("q")  # typed into the editor: no quitting from a lesson
            await pilot.pause()
            assert app.is_running
            await pilot.press("escape", "escape")
            await pilot.pause()
            assert type(app.screen).__name__ == "HomeScreen"
            await pilot.press("s")
            await pilot.pause()
            assert shown_keys(app).get("ctrl+q") == "Quit"
            await pilot.press("escape", "escape")
            await pilot.pause()
            await pilot.press("q")
            await pilot.pause()
        assert app.return_code == 0 and not app.is_running

    asyncio.run(scenario())


def test_ctrl_g_switches_the_narrow_tabs(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = TutorApp.create([], tmp_path / "progress.json")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            screen = app.screen
            assert screen.has_class("-narrow")
            assert shown_keys(app).get("ctrl+g") == "View"
            seen = [screen.view]
            for _ in range(len(screen.VIEWS)):
                await pilot.press("ctrl+g")
                await pilot.pause()
                seen.append(screen.view)
            assert sorted(set(seen)) == sorted(v for v, _ in screen.VIEWS)
            assert seen[-1] == seen[0]  # it cycles

    asyncio.run(scenario())


def test_served_room_asks_a_name_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("K8SNET_TUTOR_SERVED", "1")
    monkeypatch.setenv("K8SNET_TUTOR_ASK_NAME", "1")
    progress = tmp_path / "progress.json"

    async def first_visit() -> None:
        app = TutorApp.create([], progress)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert type(app.screen).__name__ == "PromptScreen"
            commands = [c.title for c in app.get_system_commands(app.screen)]
            assert "Screenshot" not in commands and "Quit" in commands
            await pilot.press(*"Ada", "enter")
            await pilot.pause()
            assert type(app.screen).__name__ == "HomeScreen"

    async def second_visit() -> None:
        app = TutorApp.create([], progress)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert type(app.screen).__name__ == "HomeScreen"

    asyncio.run(first_visit())
    assert '"quiz_name": "Ada"' in progress.read_text()
    asyncio.run(second_visit())


def test_terminal_keeps_screenshots_and_asks_no_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("K8SNET_TUTOR_SERVED", raising=False)
    monkeypatch.setenv("K8SNET_TUTOR_ASK_NAME", "1")  # only a served session asks

    async def scenario() -> None:
        app = TutorApp.create([], tmp_path / "progress.json")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert type(app.screen).__name__ == "HomeScreen"
            assert "Screenshot" in [c.title for c in app.get_system_commands(app.screen)]

    asyncio.run(scenario())


def footer_line(app: TutorApp) -> str:
    """The bottom row of the screen as text (from the SVG screenshot)."""
    import html
    import re

    svg = app.export_screenshot()
    rows: dict[float, list[str]] = {}
    for y, text in re.findall(r'<text[^>]*y="([0-9.]+)"[^>]*>([^<]*)</text>', svg):
        rows.setdefault(float(y), []).append(html.unescape(text).replace("\xa0", " "))
    return "".join(rows[max(rows)])


@pytest.mark.parametrize("key", ["enter", "s"])  # a lesson, the sandbox
def test_quit_and_view_fit_the_footer_at_80_columns(tmp_path: Path, key: str) -> None:
    async def scenario() -> None:
        app = TutorApp.create([], tmp_path / "progress.json")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert "^q Quit" in footer_line(app)
            await pilot.press(key)
            await pilot.pause(0.3)
            line = footer_line(app)
            assert "^q Quit" in line and "^g View" in line and "f1 Help" in line, line

    asyncio.run(scenario())
