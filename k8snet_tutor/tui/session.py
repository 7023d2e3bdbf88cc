"""What the tutor app works on: the lesson set and the learner's progress, behind one object.

Screens ask the session for a lesson's saved YAML, hints used and completion, and tell it what
changed; the session writes the progress file (atomically, through `learning.progress`).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from k8snet_tutor.learning.lesson import Lesson, LessonSet, discover
from k8snet_tutor.learning.locations import progress_path

try:
    from k8snet_tutor.learning import progress as _progress_module
except ImportError:  # pragma: no cover - the progress module is being written
    _progress_module = None  # type: ignore[assignment]


@dataclass
class LessonState:
    yaml: str | None = None
    hints_used: int = 0
    completed: bool = False


class _JsonProgress:
    """A minimal stand-in with the same file, used only if `learning.progress` is missing."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.current: str | None = None
        self.lessons: dict[str, dict[str, Any]] = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if isinstance(data, dict):
            self.current = data.get("current")
            lessons = data.get("lessons")
            if isinstance(lessons, dict):
                self.lessons = {k: v for k, v in lessons.items() if isinstance(v, dict)}

    def get(self, lesson_id: str) -> LessonState:
        raw = self.lessons.get(lesson_id, {})
        return LessonState(raw.get("yaml"), int(raw.get("hints_used", 0)), bool(raw.get("completed")))

    def put(self, lesson_id: str, state: LessonState) -> None:
        self.lessons[lesson_id] = {
            "yaml": state.yaml,
            "hints_used": state.hints_used,
            "completed": state.completed,
        }

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": 1, "current": self.current, "lessons": self.lessons}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".progress-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, sort_keys=True)
        os.replace(tmp, self.path)


class _ProgressAdapter:
    """`learning.progress.Progress` seen through the small interface the TUI needs."""

    def __init__(self, path: Path) -> None:
        assert _progress_module is not None
        self.path = path
        self.inner: Any = _progress_module.Progress.load(path)

    @property
    def current(self) -> str | None:
        return getattr(self.inner, "current", None)

    @current.setter
    def current(self, value: str | None) -> None:
        self.inner.current = value

    def _record(self, lesson_id: str, create: bool) -> Any:
        inner = self.inner
        for name in ("lesson", "record", "get_lesson"):
            fn = getattr(inner, name, None)
            if callable(fn):
                try:
                    return fn(lesson_id, create=create) if create else fn(lesson_id)
                except TypeError:
                    return fn(lesson_id)
        lessons = getattr(inner, "lessons", None)
        if isinstance(lessons, dict):
            return lessons.get(lesson_id)
        return None

    def get(self, lesson_id: str) -> LessonState:
        rec = self._record(lesson_id, create=False)
        if rec is None:
            return LessonState()
        return LessonState(
            getattr(rec, "yaml", None),
            int(getattr(rec, "hints_used", 0) or 0),
            bool(getattr(rec, "completed", False)),
        )

    def put(self, lesson_id: str, state: LessonState) -> None:
        rec = self._record(lesson_id, create=True)
        if rec is None:
            return
        rec.yaml = state.yaml
        rec.hints_used = state.hints_used
        rec.completed = state.completed

    def save(self) -> None:
        self.inner.save()


@dataclass
class Session:
    lessons: LessonSet
    progress_file: Path
    store: Any = field(repr=False, default=None)

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
        store: Any
        if _progress_module is not None and hasattr(_progress_module, "Progress"):
            try:
                store = _ProgressAdapter(path)
            except Exception:
                store = _JsonProgress(path)
        else:
            store = _JsonProgress(path)
        return cls(lessons, path, store)

    # -- lessons --------------------------------------------------------------------------------
    def lesson(self, lesson_id: str) -> Lesson | None:
        return self.lessons.get(lesson_id)

    def state(self, lesson_id: str) -> LessonState:
        return self.store.get(lesson_id)

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
        cur = self.store.current
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
        self.store.current = lesson_id

    def update(
        self,
        lesson_id: str,
        *,
        yaml: str | None = None,
        hints_used: int | None = None,
        completed: bool | None = None,
        reset: bool = False,
    ) -> None:
        st = self.state(lesson_id)
        if reset:
            st.yaml = None
        if yaml is not None:
            st.yaml = yaml
        if hints_used is not None:
            st.hints_used = max(st.hints_used, hints_used)
        if completed:
            st.completed = True
        self.store.put(lesson_id, st)

    def save(self) -> None:
        self.store.save()
