"""Interface choices remembered across runs (issue 13: "the theme is not remembered")."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from k8snet_tutor.learning.locations import settings_path
from k8snet_tutor.learning.settings import Settings, load_settings, save_settings
from tests.test_tui_app import async_test, make_app


def test_settings_round_trip_and_bad_files(tmp_path: Path) -> None:
    assert settings_path() == Path(os.environ["K8SNET_TUTOR_HOME"]) / "settings.json"
    assert load_settings() == Settings()  # nothing saved yet
    save_settings(Settings(theme="textual-light"))
    assert load_settings().theme == "textual-light"
    for bad in ("{not json", "[1, 2]", json.dumps({"theme": 3}), "\xff"):
        settings_path().write_text(bad, encoding="utf-8", errors="surrogateescape")
        assert load_settings() == Settings()


@async_test
async def test_the_theme_is_remembered(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.current_theme.dark
        await pilot.press("f10")  # light
        await pilot.pause()
        assert not app.current_theme.dark
    assert load_settings().theme == app.theme

    again = make_app(tmp_path)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not again.current_theme.dark  # remembered
        await pilot.press("f10")
        await pilot.pause()
    assert load_settings().theme == again.theme and again.current_theme.dark


@async_test
async def test_an_unknown_remembered_theme_is_ignored(tmp_path: Path) -> None:
    save_settings(Settings(theme="no-such-theme"))
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme != "no-such-theme"


@pytest.mark.parametrize("flag", ["textual-dark", "textual-light"])
def test_the_theme_flag_wins_over_the_remembered_one(tmp_path: Path, flag: str) -> None:
    save_settings(Settings(theme="textual-light" if flag == "textual-dark" else "textual-dark"))

    @async_test
    async def run() -> None:
        app = make_app(tmp_path, theme=flag)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert app.theme == flag

    run()
