"""What the tutor app works on: the lesson set and the learner's progress, behind one object.

Screens ask the session for a lesson's saved YAML, hints used and completion, and tell it what
changed; the session writes the progress file (atomically, through `learning.progress`). Changes
and saves hold one lock, so a save may run in a thread worker while the learner works on: it
writes the whole progress as it is at that moment.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from k8snet_tutor.learning.lesson import Lesson, LessonSet, discover
from k8snet_tutor.learning.locations import progress_path
from k8snet_tutor.learning.progress import Progress


@dataclass
class LessonState:
    yaml: str | None = None
    hints_used: int = 0
    completed: bool = False


@dataclass
class Session:
    lessons: LessonSet
    progress_file: Path
    progress: Progress = field(repr=False, default_factory=Progress)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def warnings(self) -> list[str]:
        """Problems met loading the lessons or the progress file, for the app to show."""
        out = [p.format() for p in self.lessons.problems if p.severity == "error"]
        return out + list(self.progress.warnings)

    @classmethod
    def open(
        cls,
        lesson_dirs: Sequence[str] = (),
        progress_file: str | os.PathLike[str] | None = None,
        *,
        include_builtin: bool = True,
    ) -> Session:
        lessons = discover(
            list(lesson_dirs), include_builtin=include_builtin, include_env=include_builtin
        )
        path = progress_path(progress_file)
        return cls(lessons, path, Progress.load(path))

    # -- lessons --------------------------------------------------------------------------------
    def lesson(self, lesson_id: str) -> Lesson | None:
        return self.lessons.get(lesson_id)

    def state(self, lesson_id: str) -> LessonState:
        entry = self.progress.lessons.get(lesson_id)
        if entry is None:
            return LessonState()
        return LessonState(entry.yaml, entry.hints_used, entry.completed)

    def yaml_for(self, lesson: Lesson) -> str:
        saved = self.state(lesson.id).yaml
        return lesson.starter if saved is None else saved

    def completed_ids(self) -> set[str]:
        return {lesson.id for lesson in self.lessons if self.state(lesson.id).completed}

    def started(self, lesson_id: str) -> bool:
        st = self.state(lesson_id)
        return st.yaml is not None or st.hints_used > 0 or st.completed

    @property
    def first_time(self) -> bool:
        return self.current is None and not any(self.started(lesson.id) for lesson in self.lessons)

    @property
    def current(self) -> str | None:
        cur = self.progress.current
        return cur if cur and cur in self.lessons else None

    def continue_lesson(self) -> Lesson | None:
        """The lesson to continue: the current one unless done, else the first not completed."""
        cur = self.current
        done = self.completed_ids()
        if cur and cur not in done:
            return self.lesson(cur)
        if cur:
            nxt = self.lessons.next_lesson(cur)
            while nxt is not None and nxt.id in done:
                nxt = self.lessons.next_lesson(nxt.id)
            if nxt is not None:
                return nxt
        for lesson in self.lessons:
            if lesson.id not in done:
                return lesson
        return self.lesson(cur) if cur else (self.lessons.lessons[0] if len(self.lessons) else None)

    # -- changes --------------------------------------------------------------------------------
    def set_current(self, lesson_id: str) -> None:
        """The learner opened a lesson."""
        with self._lock:
            self.progress.start(lesson_id)

    def set_yaml(self, lesson_id: str, text: str) -> None:
        with self._lock:
            self.progress.set_yaml(lesson_id, text)

    def reset_yaml(self, lesson_id: str) -> None:
        """Back to the starter: forget the YAML, keep completion and hints."""
        with self._lock:
            self.progress.lesson(lesson_id).yaml = None

    def reveal_hint(self, lesson_id: str) -> int:
        with self._lock:
            return self.progress.record_hint(lesson_id)

    def record_pass(self, lesson_id: str, text: str) -> bool:
        """The lesson's checks all pass; True when this completes it for the first time."""
        with self._lock:
            return self.progress.record_attempt(lesson_id, True, text)

    def add_time(self, lesson_id: str, seconds: float) -> None:
        with self._lock:
            self.progress.add_time(lesson_id, seconds)

    def save(self) -> None:
        """Write the progress file now, atomically (raises OSError); safe from any thread."""
        if self.progress.path is None:
            return  # the file could not be read: never overwrite it
        with self._lock:
            self.progress.save()
