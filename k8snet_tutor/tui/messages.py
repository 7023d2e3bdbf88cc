"""Domain events of the tutor, as Textual messages (tests assert on them).

Workers post `EvaluationFinished` when a re-evaluation is done; screens post the rest when the
learner does something that matters (passes a lesson, reveals a hint, resets, saves).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from k8snet_tutor.core.problems import Problem
    from k8snet_tutor.tui.grid import MatrixModel


@dataclass
class Evaluation:
    """The result of evaluating one version of the learner's (or the sandbox's) YAML."""

    generation: int
    text: str
    model: MatrixModel | None  # None when the YAML has errors: the last good matrix stays
    problems: list[Problem] = field(default_factory=list)  # of the edited text only
    report: Any = None  # learning.checks.CheckReport for lessons
    seconds: float = 0.0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def passed(self) -> bool:
        return bool(self.report is not None and self.ok and self.report.passed)


class EvaluationStarted(Message):
    def __init__(self, generation: int) -> None:
        super().__init__()
        self.generation = generation


class EvaluationFinished(Message):
    """A worker evaluated the text of `generation`. A newer one replaces it in the queue."""

    def __init__(self, evaluation: Evaluation) -> None:
        super().__init__()
        self.evaluation = evaluation

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, EvaluationFinished)


class MatrixUpdated(Message):
    """The matrix now shows the evaluation of `generation` (`stale`: it kept the last good one)."""

    def __init__(self, generation: int, wrong: int, changed: int, stale: bool) -> None:
        super().__init__()
        self.generation = generation
        self.wrong = wrong
        self.changed = changed
        self.stale = stale


class LessonPassed(Message):
    def __init__(self, lesson_id: str) -> None:
        super().__init__()
        self.lesson_id = lesson_id


class HintRevealed(Message):
    def __init__(self, lesson_id: str, index: int, text: str) -> None:
        super().__init__()
        self.lesson_id = lesson_id
        self.index = index
        self.text = text


class LessonReset(Message):
    def __init__(self, lesson_id: str) -> None:
        super().__init__()
        self.lesson_id = lesson_id


class SolutionShown(Message):
    def __init__(self, lesson_id: str, diff: str) -> None:
        super().__init__()
        self.lesson_id = lesson_id
        self.diff = diff


class ProgressSaved(Message):
    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path


class OpenLesson(Message):
    """Ask the app to open a lesson (from the home screen, the palette, next/previous)."""

    def __init__(self, lesson_id: str) -> None:
        super().__init__()
        self.lesson_id = lesson_id


class MatrixExported(Message):
    def __init__(self, path: str, fmt: str) -> None:
        super().__init__()
        self.path = path
        self.format = fmt
