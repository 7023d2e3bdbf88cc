"""Pilot tests of the sandbox: saving the edited YAML, asking before Esc or Ctrl+Q drop unsaved
edits, Esc in the filter, workload and replica counts, and reading standard input."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("textual")

from textual.widgets import Input, Static  # noqa: E402

from k8snet_tutor.cli import sandbox as sandbox_cli  # noqa: E402
from k8snet_tutor.tui.app import TutorApp  # noqa: E402
from k8snet_tutor.tui.screens.modals import ConfirmScreen, PromptScreen  # noqa: E402
from k8snet_tutor.tui.screens.sandbox import SandboxScreen, read_manifests  # noqa: E402
from k8snet_tutor.tui.session import Session  # noqa: E402
from k8snet_tutor.tui.widgets.matrix_grid import MatrixGrid  # noqa: E402
from k8snet_tutor.tui.widgets.yaml_editor import YamlEditor  # noqa: E402
from tests.test_tui_app import POD, async_test, settle  # noqa: E402

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: shop}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers: [{{name: c, image: example/{name}:1}}]
"""

TEXT = "---\n".join(
    [
        DEPLOYMENT.format(name="web", replicas=3),
        DEPLOYMENT.format(name="api", replicas=2),
        POD.format(name="client", ns="shop"),
    ]
)


def make_app(tmp_path: Path, text: str = TEXT) -> TutorApp:
    session = Session.open([], tmp_path / "progress.json", include_builtin=False)
    return TutorApp(session, sandbox=(text, []))


@async_test
async def test_counts_workloads_and_their_pods(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        status = str(app.screen.query_one("#status", Static).render())
        assert "2 Deployments, 6 pods · 0 services" in status


@async_test
async def test_save_the_edited_yaml_and_quit_asks_first(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SandboxScreen)
        editor = screen.query_one("#editor", YamlEditor)
        editor.insert("# edited\n", (0, 0))
        await settle(pilot)

        # Ctrl+Q with unsaved edits asks; "Stay" keeps the sandbox.
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and app.is_running

        # Esc asks too.
        screen.matrix.focus()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen

        # Ctrl+S saves a copy to the file the user names.
        target = tmp_path / "out" / "edited.yaml"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        prompt = app.screen.query_one("#prompt-input", Input)
        prompt.value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert target.read_text(encoding="utf-8") == editor.text
        assert editor.text.startswith("# edited\n")
        assert not screen.unsaved

        # Saved: Ctrl+Q quits at once.
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
    assert not app.is_running


@async_test
async def test_escape_in_the_filter_clears_it_and_stays(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("ctrl+f")
        await pilot.press(*"web")
        await pilot.pause()
        filter_input = screen.query_one("#filter", Input)
        assert filter_input.value == "web"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and filter_input.value == "" and filter_input.has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and isinstance(app.focused, MatrixGrid)


def test_read_manifests_from_standard_input() -> None:
    text, files, errors = read_manifests(["-"], stdin=io.StringIO(POD.format(name="a", ns="x")))
    assert files == ["<stdin>"] and not errors
    assert text.startswith("# file: <stdin>\napiVersion: v1")


def test_cli_sandbox_reads_standard_input(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    shown: list[Any] = []
    monkeypatch.setattr(sys, "stdin", io.StringIO(POD.format(name="piped", ns="x")))
    monkeypatch.setattr(sandbox_cli, "terminal_for_keys", lambda: True)
    monkeypatch.setattr(TutorApp, "run", lambda self: shown.append(self.start_sandbox))
    args = argparse.Namespace(
        paths=["-"], ipblocks="pods", progress=str(tmp_path / "p.json"), lessons=[]
    )
    assert sandbox_cli.run(args) == 0
    (text, files), = shown
    assert files == ["<stdin>"] and "name: piped" in text


def test_cli_sandbox_without_a_terminal_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(POD.format(name="piped", ns="x")))
    monkeypatch.setattr(sandbox_cli, "terminal_for_keys", lambda: False)
    args = argparse.Namespace(
        paths=["-"], ipblocks="pods", progress=str(tmp_path / "p.json"), lessons=[]
    )
    assert sandbox_cli.run(args) == 2
    assert "needs a terminal" in capsys.readouterr().err
