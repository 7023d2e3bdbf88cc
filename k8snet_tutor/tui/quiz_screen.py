"""Where the quiz's TUI used to live; kept so older imports (and `k8snet-tutor quiz`) work.

The screen is `tui.screens.quiz`, its answer grid `tui.widgets.matrix_answer`, the standalone
app `tui.quiz_app`.
"""

from __future__ import annotations

from k8snet_tutor.tui.quiz_app import QuizApp
from k8snet_tutor.tui.screens.quiz import QuizScreen
from k8snet_tutor.tui.widgets.matrix_answer import MatrixAnswer

__all__ = ["MatrixAnswer", "QuizApp", "QuizScreen"]
