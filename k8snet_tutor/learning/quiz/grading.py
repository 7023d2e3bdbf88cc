"""Grading one answer into a Grade, and what to study next from a set of grades."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from k8snet_tutor.learning.checks import CheckReport, check
from k8snet_tutor.learning.lesson.catalog import LessonSet
from k8snet_tutor.learning.lesson.goal import TableOverride, verdict
from k8snet_tutor.learning.lesson.model import TOPICS
from k8snet_tutor.learning.quiz.matrix_key import _matrix_report, matrix_cells, matrix_key
from k8snet_tutor.learning.quiz.model import (
    AnyQuestion,
    BugQuestion,
    ChoiceQuestion,
    FixQuestion,
    MatrixQuestion,
)

# Grading


@dataclass
class CellGrade:
    source: str
    destination: str
    actual: bool
    given: bool | None  # None: left blank
    reason: str = ""  # for a wrong cell: why the evaluator decides as it does
    explanation: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.given == self.actual

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.destination,
            "actual": verdict(self.actual),
            "given": None if self.given is None else verdict(self.given),
            "ok": self.ok,
            "reason": self.reason or None,
            "explanation": self.explanation,
        }


@dataclass
class Grade:
    """The outcome of one answer: a score from 0 to 1 and what the learner should read."""

    question: AnyQuestion
    score: float
    answer: Any = None
    feedback: list[str] = field(default_factory=list)  # why it is wrong, what is right
    right_answer: str = ""
    cells: list[CellGrade] = field(default_factory=list)  # matrix questions
    checks: list[dict[str, Any]] = field(default_factory=list)  # fix questions
    over_time: bool = False

    @property
    def skipped(self) -> bool:
        return self.answer is None

    @property
    def outcome(self) -> str:
        if self.answer is None:
            return "skipped"
        if self.score >= 1.0:
            return "correct"
        return "partial" if self.score > 0 else "wrong"

    @property
    def correct(self) -> bool:
        return self.outcome == "correct"


def grade(q: AnyQuestion, answer: Any, *, over_time: bool = False) -> Grade:
    """Grade one answer (already parsed; None = skipped). Never raises for a wrong answer."""
    if isinstance(q, ChoiceQuestion):
        out = _grade_choice(q, answer)
    elif isinstance(q, MatrixQuestion):
        out = _grade_matrix(q, answer)
    elif isinstance(q, BugQuestion):
        out = _grade_bug(q, answer)
    else:
        out = _grade_fix(q, answer)
    out.over_time = over_time
    if over_time and answer is not None:
        out.feedback.append(
            f"(answered after the time limit of {q.time_limit // 60}:{q.time_limit % 60:02d})"
            if isinstance(q, FixQuestion)
            else "(answered after the time limit)"
        )
    return out


def _grade_choice(q: ChoiceQuestion, answer: set[str] | None) -> Grade:
    right = q.correct_ids
    right_text = ", ".join(f"{o.shown}) {o.text}" for o in q.options if o.correct)
    g = Grade(q, 0.0, answer, right_answer=right_text)
    if answer is None:
        g.feedback.append(f"Not answered. The right answer: {right_text}.")
        for o in q.options:
            if o.correct and o.explanation:
                g.feedback.append(f"{o.shown}) {o.explanation}")
    else:
        g.score = 1.0 if set(answer) == right else 0.0
        if g.score < 1:
            for o in q.options:
                if o.id in answer and not o.correct:
                    g.feedback.append(
                        f"You chose {o.shown}) {o.text}: wrong. {o.explanation}".rstrip()
                    )
                elif o.correct and o.id not in answer:
                    g.feedback.append(
                        f"You missed {o.shown}) {o.text}: right. {o.explanation}".rstrip()
                    )
    if q.explanation and g.score < 1:
        g.feedback.append(q.explanation)
    return g


def _grade_matrix(q: MatrixQuestion, answer: dict[tuple[str, str], bool] | None) -> Grade:
    key = matrix_key(q)
    cells = matrix_cells(q)
    if not cells:
        reasons = "; ".join(p.message for p in key.problems if p.severity == "error")
        g = Grade(q, 0.0, answer, right_answer="-")
        g.feedback.append(
            f"This question could not be evaluated ({reasons or 'no cells'}); "
            "run `k8snet-tutor quiz --lint` on its bank."
        )
        return g
    given = dict(answer or {})
    overrides = [
        TableOverride(s, d, given[(s, d)] if (s, d) in given else not key.cells[(s, d)])
        for s, d in cells
    ]
    report = _matrix_report(q, overrides)
    by_cell = {(c.source, c.destination): c for c in report.results[-1].cells}
    g = Grade(q, 0.0, answer)
    for s, d in cells:
        actual = key.cells[(s, d)]
        cg = CellGrade(s, d, actual, given.get((s, d)))
        if not cg.ok:
            found = by_cell.get((s, d))
            if found is not None:
                cg.explanation = list(found.explanation)
                head, sep, why = found.reason.partition(": ")
                cg.reason = why if sep else found.reason
        g.cells.append(cg)
    right = sum(1 for c in g.cells if c.ok)
    total = len(g.cells)
    g.score = right / total if total and answer is not None else 0.0
    g.right_answer = "; ".join(
        f"{c.source} -> {c.destination}: {verdict(c.actual)}" for c in g.cells
    )
    if answer is None:
        g.feedback.append(f"Not answered. On {q.port}: {g.right_answer}.")
    else:
        for c in g.cells:
            if c.ok:
                continue
            said = "left blank" if c.given is None else f"you said {verdict(c.given)}"
            g.feedback.append(
                f"{c.source} -> {c.destination} on {q.port} is {verdict(c.actual)} ({said}): "
                f"{c.reason.rstrip('.') or 'see the explanation'}."
            )
        if g.feedback:
            g.feedback.insert(0, f"{right} of {total} cells right.")
    if q.explanation and g.score < 1:
        g.feedback.append(q.explanation)
    return g


def _grade_bug(q: BugQuestion, answer: int | None) -> Grade:
    lines = q.lines
    right_text = f"line {q.answer}: `{lines[q.answer - 1].strip()}`"
    g = Grade(q, 0.0, answer, right_answer=right_text)
    if answer is None:
        g.feedback.append(f"Not answered. The bug is on {right_text}.")
    elif answer == q.answer:
        g.score = 1.0
    else:
        picked = lines[answer - 1].strip() if 1 <= answer <= len(lines) else ""
        g.feedback.append(f"You picked line {answer} (`{picked}`); the bug is on {right_text}.")
    if g.score < 1 and q.explanation:
        g.feedback.append(q.explanation)
    return g


def _grade_fix(q: FixQuestion, answer: str | None) -> Grade:
    g = Grade(q, 0.0, answer, right_answer="a YAML that passes every check of the goal")
    if answer is None:
        g.feedback.append("Not answered.")
        if q.explanation:
            g.feedback.append(q.explanation)
        return g
    report = check(q.lesson(), answer)
    g.checks = [r.to_dict() for r in report.results]
    if report.passed:
        g.score = 1.0
        return g
    for r in report.failed:
        reasons = "; ".join(r.reasons[:3])
        g.feedback.append(f"Check failed: {r.description}" + (f" ({reasons})" if reasons else ""))
    if q.explanation:
        g.feedback.append(q.explanation)
    return g


def check_fix(q: FixQuestion, yaml_text: str) -> CheckReport:
    """Run a fix question's goal on the learner's YAML (for a "check" button)."""
    return check(q.lesson(), yaml_text)


# What to study


def study_next(grades: Sequence[Grade], lessons: LessonSet | None) -> dict[str, list[str]]:
    """Per topic with a missed question: the lesson ids to study (the questions' own `lessons`
    first, else every lesson of the topic), in curriculum order."""
    out: dict[str, list[str]] = {}
    known = lessons.ids() if lessons is not None else []
    by_topic = lessons.by_topic() if lessons is not None else {}
    for topic in TOPICS:
        missed = [g for g in grades if g.question.topic == topic and not g.correct]
        if not missed:
            continue
        named: list[str] = []
        for g in missed:
            for lid in g.question.lessons:
                if lid not in named:
                    named.append(lid)
        if not named:
            named = [lesson.id for lesson in by_topic.get(topic, [])]
        if known:
            named.sort(key=lambda lid: known.index(lid) if lid in known else len(known))
        out[topic] = named
    return out
