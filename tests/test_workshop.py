"""Instructor packs: next to the built-in lessons, or instead of them."""

from __future__ import annotations

from pathlib import Path

from k8snet_tutor.cli.serve import session_argv
from k8snet_tutor.tui.session import Session

PACK = Path(__file__).parent / "fixtures" / "lessons"


def test_pack_next_to_builtin_lessons(tmp_path: Path) -> None:
    session = Session.open([str(PACK)], tmp_path / "progress.json")
    ids = session.lessons.ids()
    assert "fixture-policy" in ids and "pod-shared-network" in ids


def test_pack_instead_of_builtin_lessons(tmp_path: Path) -> None:
    session = Session.open([str(PACK)], tmp_path / "progress.json", include_builtin=False)
    assert sorted(session.lessons.ids()) == ["fixture-policy", "fixture-service"]


def test_served_command_passes_no_builtin() -> None:
    command = session_argv(lessons=[str(PACK)], no_builtin=True)
    assert command[-3:] == ["--lessons", str(PACK.resolve()), "--no-builtin"]
    assert "--no-builtin" not in session_argv(lessons=[str(PACK)])
