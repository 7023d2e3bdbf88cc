"""Finding quiz banks: the built-in folder, instructor folders, and the sorted BankSet."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from k8snet_tutor.core.problems import Problem
from k8snet_tutor.learning.lesson.catalog import builtin_lessons_dir, lesson_files
from k8snet_tutor.learning.lesson.model import LESSON_SUFFIXES, QUIZ_FOLDER
from k8snet_tutor.learning.locations import lesson_dirs_from_env
from k8snet_tutor.learning.quiz.model import BUILTIN_BANK, Bank
from k8snet_tutor.learning.quiz.parse import load_bank

# Finding banks


def builtin_quizzes_dir() -> Path:
    return builtin_lessons_dir() / QUIZ_FOLDER


def bank_files(folder: Path) -> list[Path]:
    """The bank files directly inside `folder` (hidden files and `_*` skipped), sorted."""
    return lesson_files(folder)


@dataclass
class BankSet:
    """The banks found (built-in first, then instructor banks) and the problems met."""

    banks: list[Bank] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    instructor: list[str] = field(default_factory=list)  # ids of banks from instructor folders

    def __iter__(self) -> Iterator[Bank]:
        return iter(self.banks)

    def __len__(self) -> int:
        return len(self.banks)

    def get(self, bank_id: str) -> Bank | None:
        return next((b for b in self.banks if b.id == bank_id), None)

    def ids(self) -> list[str]:
        return [b.id for b in self.banks]

    def default(self) -> Bank | None:
        """An instructor's bank when there is one, else the built-in bank."""
        for bid in self.instructor:
            bank = self.get(bid)
            if bank is not None:
                return bank
        return self.get(BUILTIN_BANK) or (self.banks[0] if self.banks else None)


def quiz_dirs(
    lesson_dirs: Sequence[str | os.PathLike[str]] = (), *, include_env: bool = True
) -> list[Path]:
    """Instructor bank folders: `quizzes/` in each lesson folder (env first, then `lesson_dirs`).
    A folder that itself holds bank files (or is named `quizzes`) is used as it is."""
    out: list[Path] = []
    sources: list[Path] = list(lesson_dirs_from_env()) if include_env else []
    sources.extend(Path(d).expanduser() for d in lesson_dirs)
    for d in sources:
        if d.name == QUIZ_FOLDER or (d.is_file() and d.suffix.lower() in LESSON_SUFFIXES):
            out.append(d)
        else:
            out.append(d / QUIZ_FOLDER)
    return out


def discover_banks(
    lesson_dirs: Sequence[str | os.PathLike[str]] = (),
    *,
    include_builtin: bool = True,
    include_env: bool = True,
) -> BankSet:
    """The built-in banks, then `quizzes/` of `$K8SNET_TUTOR_LESSONS` and `lesson_dirs`.
    A bank whose id was already loaded is replaced by the later one, with a warning."""
    result = BankSet()
    by_id: dict[str, Bank] = {}
    folders: list[tuple[Path, bool]] = []
    if include_builtin:
        folders.append((builtin_quizzes_dir(), False))
    folders.extend((d, True) for d in quiz_dirs(lesson_dirs, include_env=include_env))
    seen: set[Path] = set()
    for folder, instructor in folders:
        try:
            key = folder.resolve()
        except OSError:
            key = folder
        if key in seen:
            continue
        seen.add(key)
        if folder.is_file():
            files = [folder]
        elif folder.is_dir():
            files = bank_files(folder)
        else:
            continue  # a lesson pack without quizzes is normal
        for path in files:
            bank, problems = load_bank(path)
            result.problems.extend(problems)
            if bank is None:
                continue
            earlier = by_id.get(bank.id)
            if earlier is not None:
                result.problems.append(
                    Problem(
                        "warning",
                        f"quiz bank id {bank.id!r} is also defined in {earlier.source}; "
                        "this file replaces it",
                        file=bank.source,
                        code="quiz-duplicate-bank",
                    )
                )
            by_id[bank.id] = bank
            if instructor and bank.id not in result.instructor:
                result.instructor.append(bank.id)
    result.banks = list(by_id.values())
    return result


def find_bank(
    name: str | None, lesson_dirs: Sequence[str | os.PathLike[str]] = ()
) -> tuple[Bank | None, list[Problem]]:
    """A bank by id among the discovered banks, or by the path of a bank file."""
    if (
        name is not None
        and (os.sep in name or name.endswith(LESSON_SUFFIXES))
        and Path(name).exists()
    ):
        return load_bank(name)
    banks = discover_banks(lesson_dirs)
    problems = [p for p in banks.problems if p.severity == "error"]
    if name is None:
        bank = banks.default()
        if bank is None:
            problems.append(Problem("error", "no quiz bank found", code="quiz-no-bank"))
        return bank, problems
    bank = banks.get(name)
    if bank is None:
        known = ", ".join(banks.ids()) or "none"
        problems.append(
            Problem(
                "error",
                f"no quiz bank {name!r}; the banks are: {known}",
                hint="`k8snet-tutor quiz --list` lists them; a path to a bank file works too",
                code="quiz-no-bank",
            )
        )
    return bank, problems
