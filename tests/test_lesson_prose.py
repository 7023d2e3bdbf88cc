"""The shape of every built-in lesson's introduction: the task first, then about one terminal
screen of text (issue 11: "near 200 words")."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

LESSONS = sorted((Path(__file__).resolve().parent.parent / "lessons").glob("[0-9]*.yaml"))
# A little slack over the ~200 words the curriculum aims for; counted as `wc -w` does.
MAX_INTRO_WORDS = 215


def introduction(path: Path) -> str:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    text = data["introduction"]
    assert isinstance(text, str)
    return text


def test_there_are_lessons_to_check() -> None:
    assert len(LESSONS) >= 26


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_introduction_puts_the_task_first(path: Path) -> None:
    first = introduction(path).lstrip().split("\n\n", 1)[0]
    assert first.startswith("**Your task.**")
    assert len(first.split()) <= 60, "the task should fit in two or three lines"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_introduction_stays_near_one_screen(path: Path) -> None:
    words = len(introduction(path).split())
    assert words <= MAX_INTRO_WORDS, f"{path.name}: introduction has {words} words"
