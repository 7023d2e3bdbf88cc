"""Proving a quiz bank usable: right answers and explanations, clean matrix keys, and fix
questions whose solution passes and starter fails."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from k8snet_tutor.core.cluster import build_cluster
from k8snet_tutor.core.manifests import load_text
from k8snet_tutor.core.problems import FieldPath, Problem
from k8snet_tutor.learning.checks import check
from k8snet_tutor.learning.lesson.goal import verdict
from k8snet_tutor.learning.lesson.model import Lesson
from k8snet_tutor.learning.quiz.catalog import bank_files
from k8snet_tutor.learning.quiz.matrix_key import _matrix_report, matrix_key
from k8snet_tutor.learning.quiz.model import (
    MAX_MATRIX_NODES,
    POLICIES_SOURCE,
    TRANSLATION_NOTICES,
    AnyQuestion,
    Bank,
    BugQuestion,
    ChoiceQuestion,
    FixQuestion,
    MatrixQuestion,
)
from k8snet_tutor.learning.quiz.parse import load_bank

# Lint


def lint_bank(bank: Bank, known_lessons: Sequence[str] | None = None) -> list[Problem]:
    """Every problem of one parsed bank: prose, choice keys, evaluated matrices, bug snippets,
    fix questions' solution and starter, and lesson ids. `known_lessons`: ids study links may
    name (default: the built-in lessons)."""
    out: list[Problem] = []
    if known_lessons is None:
        from k8snet_tutor.learning.lesson import discover

        known_lessons = discover(include_env=False).ids()
    known = set(known_lessons)
    for q in bank.questions:
        where = f"question {q.id}"
        for i, lid in enumerate(q.lessons):
            if lid not in known:
                out.append(
                    bank.problem(
                        (*q.path, "lessons", i),
                        f"unknown lesson id {lid!r}",
                        hint="study links name lesson ids (`k8snet-tutor lessons list`)",
                        code="quiz-lesson",
                        obj=where,
                    )
                )
        if isinstance(q, ChoiceQuestion):
            out.extend(_lint_choice(bank, q))
        elif isinstance(q, MatrixQuestion):
            out.extend(_lint_matrix(bank, q))
        elif isinstance(q, BugQuestion):
            out.extend(_lint_bug(bank, q))
        else:
            out.extend(_lint_fix(bank, q))
    return out


def _lint_choice(bank: Bank, q: ChoiceQuestion) -> list[Problem]:
    out: list[Problem] = []
    where = f"question {q.id}"
    if len(q.options) < 2:
        out.append(
            bank.problem(
                (*q.path, "options"),
                "a multiple-choice question needs at least two options",
                code="quiz-choice",
                obj=where,
            )
        )
    right = [o for o in q.options if o.correct]
    if not right:
        out.append(
            bank.problem(
                (*q.path, "options"),
                "no option is marked `correct: true`",
                hint="every multiple-choice question needs a right answer",
                code="quiz-no-answer",
                obj=where,
            )
        )
    if not q.several and len(right) > 1:
        out.append(
            bank.problem(
                (*q.path, "select"),
                f"{len(right)} options are correct but "
                "`select: one` lets the learner pick only one",
                hint="use `select: several`",
                code="quiz-choice",
                obj=where,
            )
        )
    for o in q.options:
        if not o.explanation:
            out.append(
                bank.problem(
                    o.path,
                    f"option {o.id}) has no `explanation`",
                    hint="say why this option is right or wrong",
                    code="quiz-no-explanation",
                    obj=where,
                )
            )
    texts = [o.text for o in q.options]
    for o in q.options:
        if texts.count(o.text) > 1:
            out.append(
                bank.problem(
                    (*o.path, "text"),
                    "two options have the same text",
                    code="quiz-choice",
                    obj=where,
                )
            )
            break
    return out


def _relocate(bank: Bank, path: FieldPath, p: Problem, what: str) -> Problem:
    line, column = bank.block_position(path, p.line, p.column)
    return Problem(
        p.severity,
        f"in `{what}`: {p.message}",
        file=bank.source,
        line=line,
        column=column,
        obj=p.obj,
        field=p.field,
        hint=p.hint,
        code=p.code or "quiz-embedded-yaml",
    )


def _source_path(q: AnyQuestion, p: Problem) -> tuple[FieldPath, str]:
    if p.file == POLICIES_SOURCE:
        return (*q.path, "policies"), "policies"
    if p.file == "lesson.yaml":
        return (*q.path, "solution"), "solution"
    if p.file in ("starter", "solution", "snippet"):
        return (*q.path, p.file), p.file
    return (*q.path, "cluster" if isinstance(q, MatrixQuestion) else "background"), (
        "cluster" if isinstance(q, MatrixQuestion) else "background"
    )


def _lint_matrix(bank: Bank, q: MatrixQuestion) -> list[Problem]:
    out: list[Problem] = []
    where = f"question {q.id}"
    key = matrix_key(q)
    for p in key.problems:
        if p.severity == "note" or p.code in TRANSLATION_NOTICES:
            continue
        if p.file is None:
            out.append(
                bank.problem(
                    q.path,
                    p.message,
                    severity=p.severity,
                    hint=p.hint,
                    code=p.code or "quiz-matrix",
                    obj=where,
                )
            )
        else:
            path, what = _source_path(q, p)
            out.append(_relocate(bank, path, p, what))
    if not key.ok:
        return out
    if not key.cells:
        out.append(
            bank.problem(
                q.path, "the matrix has no cells to fill in", code="quiz-matrix", obj=where
            )
        )
        return out
    if len(key.ids()) > MAX_MATRIX_NODES:
        out.append(
            bank.problem(
                (*q.path, "nodes") if q.nodes else q.path,
                f"the matrix has {len(key.ids())} nodes; more than "
                f"{MAX_MATRIX_NODES} is tedious to fill in",
                severity="warning",
                hint="list the interesting ones in `nodes`",
                code="quiz-matrix-size",
                obj=where,
            )
        )
    other = _matrix_report(q, [], "external")
    other_cells = {(c.source, c.destination): c.actual for c in other.results[-1].cells}
    for cell, allowed in key.cells.items():
        if other_cells.get(cell, allowed) != allowed:
            out.append(
                bank.problem(
                    q.path,
                    f"cell {cell[0]} -> {cell[1]} depends on how the CNI "
                    "applies ipBlocks to pod IPs, so it has no single right answer",
                    hint="use addresses outside the cluster in ipBlocks, or drop "
                    "the cell from `nodes`",
                    code="quiz-matrix-cni",
                    obj=where,
                )
            )
    if len(set(key.cells.values())) == 1:
        out.append(
            bank.problem(
                q.path,
                f"every cell is {verdict(next(iter(key.cells.values())))}",
                severity="note",
                code="quiz-matrix-uniform",
                obj=where,
            )
        )
    return out


def _lint_bug(bank: Bank, q: BugQuestion) -> list[Problem]:
    out: list[Problem] = []
    where = f"question {q.id}"
    if not q.explanation:
        out.append(
            bank.problem(
                q.path,
                "a spot-the-bug question needs an `explanation` of the bug",
                code="quiz-no-explanation",
                obj=where,
            )
        )
    if not q.lines[q.answer - 1].strip():
        out.append(
            bank.problem(
                (*q.path, "answer"),
                f"line {q.answer} of the snippet is blank",
                code="quiz-bug-line",
                obj=where,
            )
        )
    if q.symptom:
        lesson = Lesson(
            id=q.id,
            title=q.title(),
            topic=q.topic,
            difficulty=q.difficulty,
            background=q.background,
            goal=q.symptom,
            source=bank.source,
        )
        report = check(lesson, q.snippet, source="snippet")
        for r in report.failed:
            if r.type == "valid":
                for p in report.problems:
                    if p.severity == "error":
                        out.append(_relocate(bank, (*q.path, "snippet"), p, "snippet"))
                continue
            reasons = "; ".join(r.reasons[:3])
            out.append(
                bank.problem(
                    r.check.path if r.check else (*q.path, "symptom"),
                    f"the snippet does not show the symptom {r.description!r}: {reasons}",
                    code="quiz-bug-symptom",
                    obj=where,
                )
            )
    return out


def _lint_fix(bank: Bank, q: FixQuestion) -> list[Problem]:
    out: list[Problem] = []
    where = f"question {q.id}"
    if not q.explanation:
        out.append(
            bank.problem(
                q.path,
                "a fix question needs an `explanation` (shown in the review)",
                code="quiz-no-explanation",
                obj=where,
            )
        )
    lesson = q.lesson()
    bg_docs, bg_problems = load_text(q.background, "background")
    for p in build_cluster(bg_docs, bg_problems).problems:
        if p.severity != "note":
            out.append(_relocate(bank, (*q.path, "background"), p, "background"))
    if not q.solution.strip():
        out.append(
            bank.problem(
                q.path,
                "a fix question needs a reference `solution`",
                code="quiz-no-solution",
                obj=where,
            )
        )
    else:
        report = check(lesson, q.solution, source="solution")
        for p in report.problems:
            if p.severity == "error":
                out.append(_relocate(bank, (*q.path, "solution"), p, "solution"))
        for r in report.failed:
            if r.type == "valid":
                continue
            reasons = "; ".join(r.reasons[:3]) or "it fails"
            out.append(
                bank.problem(
                    r.check.path if r.check else (*q.path, "goal"),
                    f"the reference solution fails check {r.id!r} ({r.description}): {reasons}",
                    code="quiz-solution-fails",
                    obj=where,
                )
            )
    if check(lesson, q.starter, source="starter").passed:
        out.append(
            bank.problem(
                (*q.path, "starter"),
                "the starter already passes every check",
                hint="make the starter miss the goal",
                code="quiz-starter-passes",
                obj=where,
            )
        )
    return out


def lint_banks(
    paths: Sequence[str | os.PathLike[str]], known_lessons: Sequence[str] | None = None
) -> tuple[list[Bank], list[Problem]]:
    """Load and lint bank files (folders: their bank files). Returns the banks and problems."""
    problems: list[Problem] = []
    banks: list[Bank] = []
    for item in paths:
        p = Path(item)
        if p.is_dir():
            files = bank_files(p)
            if not files:
                problems.append(
                    Problem(
                        "warning",
                        "no quiz bank files (*.yaml) in this folder",
                        file=str(p),
                        code="quiz-folder-empty",
                    )
                )
        elif p.is_file():
            files = [p]
        else:
            problems.append(
                Problem("error", "no such file or folder", file=str(p), code="quiz-missing")
            )
            continue
        for f in files:
            bank, found = load_bank(f)
            problems.extend(found)
            if bank is not None:
                banks.append(bank)
                problems.extend(lint_bank(bank, known_lessons))
    return banks, problems
