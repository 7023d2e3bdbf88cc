"""Domain events of the tutor, as Textual messages (tests assert on them).

Workers post `EvaluationFinished` when a re-evaluation is done; screens post the rest when the
learner does something that matters (passes a lesson, reveals a hint, resets, saves).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from k8snet_tutor.learning.evaluation import Evaluation


class EvaluationStarted(Message):
    def __init__(self, generation: int) -> None:
        super().__init__()
        self.generation = generation


class EvaluationFinished(Message):
    """A worker evaluated the text of `generation`. A newer one replaces it in the queue."""

    def __init__(self, evaluation: Evaluation, generation: int) -> None:
        super().__init__()
        self.evaluation = evaluation
        self.generation = generation

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
