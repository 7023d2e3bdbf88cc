"""Snapshot tests of the tutor's screens at 80x24 and 120x40 (pytest-textual-snapshot).

Deterministic: fixed sizes, fixture lessons, a temporary progress file (and K8SNET_TUTOR_HOME,
see conftest.py), no cursor blink, no toasts, and the evaluation workers awaited. Update with
`pytest tests/test_tui_snapshots.py --snapshot-update` after checking the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytest_textual_snapshot")

from k8snet_tutor.tui.widgets import yaml_editor  # noqa: E402
from k8snet_tutor.tui.widgets.yaml_editor import YamlEditor  # noqa: E402
from tests.test_tui_app import LESSON, make_app, settle  # noqa: E402


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_editor, "CURSOR_BLINK", False)


SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


async def quiet(pilot: Any) -> None:
    """Settle the app and remove what depends on time."""
    await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_home(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=quiet)


@pytest.mark.parametrize("size", SIZES)
def test_lesson_in_progress(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#matrix").move_to("default/api", "default/db")
        await quiet(pilot)

    assert snap_compare(
        make_app(tmp_path, lesson_id=LESSON), terminal_size=size, run_before=run_before
    )


@pytest.mark.parametrize("size", SIZES)
def test_lesson_passed(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#editor", YamlEditor).load_text(screen.lesson.solution)
        screen.schedule_evaluation(immediate=True)
        await settle(pilot)
        if screen.has_class("-narrow"):
            await pilot.press("f12", "f12", "f12")  # the Checks view, with the success panel
        await quiet(pilot)

    assert snap_compare(
        make_app(tmp_path, lesson_id=LESSON), terminal_size=size, run_before=run_before
    )


@pytest.mark.parametrize("size", SIZES)
def test_lesson_yaml_error(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        editor = screen.query_one("#editor", YamlEditor)
        editor.insert("  bad: [unclosed\n", (2, 0))
        await settle(pilot)
        if screen.has_class("-narrow"):
            await pilot.press("f12")  # the YAML view: the marked line and the message
        await quiet(pilot)

    assert snap_compare(
        make_app(tmp_path, lesson_id=LESSON), terminal_size=size, run_before=run_before
    )
