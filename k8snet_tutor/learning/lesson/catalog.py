"""Finding lessons on disk: the built-in folder, instructor folders, and the sorted LessonSet."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import k8snet_tutor
from k8snet_tutor.core.problems import Problem
from k8snet_tutor.learning.lesson.model import LESSON_SUFFIXES, Lesson
from k8snet_tutor.learning.lesson.parse import load_lesson
from k8snet_tutor.learning.locations import lesson_dirs_from_env


def builtin_lessons_dir() -> Path:
    """The built-in lessons: packaged as `k8snet_tutor/lessons/` in a wheel, or the checkout's
    top-level `lessons/` folder."""
    packaged = Path(k8snet_tutor.__file__).resolve().parent / "lessons"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "lessons"
    if checkout.is_dir():
        return checkout
    return packaged


def lesson_files(folder: Path) -> list[Path]:
    """The lesson files directly inside `folder` (not `quizzes/`, not hidden files), sorted."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [
        e
        for e in entries
        if e.suffix.lower() in LESSON_SUFFIXES and not e.name.startswith((".", "_")) and e.is_file()
    ]


@dataclass
class LessonSet:
    """The lessons found, sorted by `order` then id, and the problems met while loading them."""

    lessons: list[Lesson] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)

    def __iter__(self) -> Iterator[Lesson]:
        return iter(self.lessons)

    def __len__(self) -> int:
        return len(self.lessons)

    def __contains__(self, lesson_id: object) -> bool:
        return any(lesson.id == lesson_id for lesson in self.lessons)

    def get(self, lesson_id: str) -> Lesson | None:
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        return None

    def ids(self) -> list[str]:
        return [lesson.id for lesson in self.lessons]

    def index(self, lesson_id: str) -> int | None:
        for i, lesson in enumerate(self.lessons):
            if lesson.id == lesson_id:
                return i
        return None

    def next_lesson(self, lesson_id: str) -> Lesson | None:
        i = self.index(lesson_id)
        if i is None or i + 1 >= len(self.lessons):
            return None
        return self.lessons[i + 1]

    def previous_lesson(self, lesson_id: str) -> Lesson | None:
        i = self.index(lesson_id)
        if i is None or i == 0:
            return None
        return self.lessons[i - 1]

    def by_topic(self) -> dict[str, list[Lesson]]:
        out: dict[str, list[Lesson]] = {}
        for lesson in self.lessons:
            out.setdefault(lesson.topic, []).append(lesson)
        return out

    def missing_prerequisites(self, lesson_id: str, completed: set[str]) -> list[str]:
        lesson = self.get(lesson_id)
        if lesson is None:
            return []
        return [p for p in lesson.prerequisites if p not in completed]


def discover(
    dirs: Sequence[str | os.PathLike[str]] | None = None,
    *,
    include_builtin: bool = True,
    include_env: bool = True,
) -> LessonSet:
    """Load the built-in lessons, then `$K8SNET_TUTOR_LESSONS` folders, then `dirs`.

    A lesson whose id was already loaded replaces the earlier one (an instructor can override a
    built-in lesson), with a warning. Files that do not load are left out; their problems are in
    `LessonSet.problems`. Never raises for bad input.
    """
    folders: list[Path] = []
    if include_builtin:
        folders.append(builtin_lessons_dir())
    if include_env:
        folders.extend(lesson_dirs_from_env())
    folders.extend(Path(d).expanduser() for d in dirs or ())
    result = LessonSet(folders=folders)
    by_id: dict[str, Lesson] = {}
    seen_folders: set[Path] = set()
    for i, folder in enumerate(folders):
        try:
            key = folder.resolve()
        except OSError:
            key = folder
        if key in seen_folders:
            continue
        seen_folders.add(key)
        if not folder.is_dir():
            if folder.is_file() and folder.suffix.lower() in LESSON_SUFFIXES:
                files = [folder]
            else:
                if not (include_builtin and i == 0):
                    result.problems.append(
                        Problem(
                            "warning",
                            "this lesson folder does not exist",
                            file=str(folder),
                            code="lesson-folder-missing",
                        )
                    )
                continue
        else:
            files = lesson_files(folder)
        for path in files:
            lesson, problems = load_lesson(path)
            result.problems.extend(problems)
            if lesson is None:
                continue
            earlier = by_id.get(lesson.id)
            if earlier is not None:
                line, col = lesson.position(("id",))
                result.problems.append(
                    Problem(
                        "warning",
                        f"lesson id {lesson.id!r} is also defined in {earlier.source}; "
                        "this file replaces it",
                        file=lesson.source,
                        line=line,
                        column=col,
                        code="lesson-duplicate-id",
                    )
                )
            by_id[lesson.id] = lesson
    result.lessons = sorted(by_id.values(), key=lambda lesson: (lesson.order, lesson.id))
    return result
