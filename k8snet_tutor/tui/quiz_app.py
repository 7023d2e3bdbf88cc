"""`QuizApp`: a small App that only pushes the quiz screen, used by `k8snet-tutor quiz` (and,
through textual-serve, by `k8snet-tutor serve --quiz`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding

from k8snet_tutor.learning.quiz import (
    AnyQuestion,
    Bank,
)
from k8snet_tutor.learning.results import (
    QuizResult,
)
from k8snet_tutor.tui.screens.quiz import QuizScreen


class QuizApp(App[QuizResult | None]):
    """A standalone app that only runs a `QuizScreen`; `run()` returns the result (or None)."""

    TITLE = "k8snet-tutor quiz"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit")]  # shown in the footer, as in the tutor

    def __init__(self, bank: Bank, questions: Sequence[AnyQuestion], **options: Any) -> None:
        super().__init__()
        self.quiz_screen = QuizScreen(bank, questions, **options)
        self.saved: tuple[Path, ...] = ()

    def on_mount(self) -> None:
        self.push_screen(self.quiz_screen, callback=self._done)

    def on_quiz_screen_finished(self, message: QuizScreen.Finished) -> None:
        self.saved = message.saved

    def _done(self, result: QuizResult | None) -> None:
        self.exit(result)
