"""Quiz results: one attempt as JSON and Markdown, the progress history, and a room summary.

A `QuizResult` holds who took which bank with which seed, and for every question its outcome,
score, time and the explanation of what was wrong. `save_results` writes it twice, as
`NAME.json` (for `k8snet-tutor report`) and `NAME.md` (to read); `record_history` appends it to
the progress file's history. `summarize` turns many attendees' results into a `RoomSummary`
(per-question success rate, hardest topics) printed as text, Markdown or CSV.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from k8snet_tutor.learning.lesson import TOPICS, LessonSet, discover
from k8snet_tutor.learning.locations import results_dir
from k8snet_tutor.learning.progress import MAX_HISTORY, Progress, atomic_write, now_iso
from k8snet_tutor.learning.quiz import TYPE_NAMES, Bank, Grade, answer_to_json, study_next

RESULTS_VERSION = 1
RESULTS_KIND = "k8snet-tutor-quiz-results"
NAME_KEY = "quiz_name"  # where the learner's name is remembered in the progress file


class ResultsFormatError(ValueError):
    """A file that is not a quiz results file this version understands."""


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    s = int(round(seconds))
    return f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


@dataclass
class QuestionResult:
    id: str
    type: str
    topic: str
    title: str
    outcome: str  # correct | partial | wrong | skipped
    score: float
    seconds: float | None = None
    answer: Any = None
    right_answer: str = ""
    feedback: list[str] = field(default_factory=list)
    over_time: bool = False
    cells: list[dict[str, Any]] = field(default_factory=list)
    lessons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "topic": self.topic,
            "title": self.title,
            "outcome": self.outcome,
            "score": round(self.score, 4),
            "seconds": None if self.seconds is None else round(self.seconds, 1),
            "over_time": self.over_time,
            "answer": self.answer,
            "right_answer": self.right_answer,
            "feedback": self.feedback,
            "cells": self.cells,
            "lessons": self.lessons,
        }

    @classmethod
    def from_dict(cls, raw: Any, where: str) -> QuestionResult:
        if not isinstance(raw, dict):
            raise ResultsFormatError(f"{where} is not an object")
        for key in ("id", "type", "topic", "outcome"):
            if not isinstance(raw.get(key), str):
                raise ResultsFormatError(f"{where}.{key} is missing or not a string")
        score = raw.get("score")
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not 0 <= score <= 1:
            raise ResultsFormatError(f"{where}.score is not a number from 0 to 1")
        seconds = raw.get("seconds")
        if seconds is not None and (
            isinstance(seconds, bool) or not isinstance(seconds, (int, float))
        ):
            raise ResultsFormatError(f"{where}.seconds is not a number")
        feedback = raw.get("feedback", [])
        if not isinstance(feedback, list):
            raise ResultsFormatError(f"{where}.feedback is not a list")
        cells = raw.get("cells", [])
        lessons = raw.get("lessons", [])
        return cls(
            id=raw["id"],
            type=raw["type"],
            topic=raw["topic"],
            title=str(raw.get("title") or raw["id"]),
            outcome=raw["outcome"],
            score=float(score),
            seconds=None if seconds is None else float(seconds),
            answer=raw.get("answer"),
            right_answer=str(raw.get("right_answer") or ""),
            feedback=[str(f) for f in feedback],
            over_time=bool(raw.get("over_time", False)),
            cells=[c for c in cells if isinstance(c, dict)] if isinstance(cells, list) else [],
            lessons=[str(x) for x in lessons] if isinstance(lessons, list) else [],
        )

    @property
    def type_name(self) -> str:
        return TYPE_NAMES.get(self.type, self.type)


@dataclass
class TopicScore:
    topic: str
    score: float = 0.0
    total: int = 0
    correct: int = 0

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.total if self.total else 0.0


@dataclass
class QuizResult:
    """One attempt at a quiz."""

    bank: str
    bank_title: str
    seed: int
    questions: list[QuestionResult]
    name: str | None = None
    started_at: str = ""
    finished_at: str = ""
    topics: list[str] = field(default_factory=list)  # the --topic filter, if any
    count: int | None = None  # the --count asked for, if any
    study: dict[str, list[str]] = field(default_factory=dict)  # topic -> lesson ids
    source: str = ""  # the file it was read from (not saved)

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def score(self) -> float:
        return sum(q.score for q in self.questions)

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.total if self.total else 0.0

    @property
    def seconds(self) -> float:
        return sum(q.seconds or 0.0 for q in self.questions)

    def score_text(self) -> str:
        return f"{_num(self.score)} / {self.total} ({self.percent:.0f}%)"

    def by_topic(self) -> list[TopicScore]:
        found: dict[str, TopicScore] = {}
        for q in self.questions:
            t = found.setdefault(q.topic, TopicScore(q.topic))
            t.total += 1
            t.score += q.score
            t.correct += q.outcome == "correct"
        order = {t: i for i, t in enumerate(TOPICS)}
        return sorted(found.values(), key=lambda t: (order.get(t.topic, len(order)), t.topic))

    def missed(self) -> list[tuple[int, QuestionResult]]:
        return [(i, q) for i, q in enumerate(self.questions, 1) if q.outcome != "correct"]

    # -- serialising --------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": RESULTS_KIND,
            "version": RESULTS_VERSION,
            "name": self.name,
            "bank": self.bank,
            "bank_title": self.bank_title,
            "seed": self.seed,
            "count": self.count,
            "topics": self.topics,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "score": round(self.score, 4),
            "total": self.total,
            "percent": round(self.percent, 1),
            "seconds": round(self.seconds, 1),
            "by_topic": {
                t.topic: {"score": round(t.score, 4), "total": t.total, "correct": t.correct}
                for t in self.by_topic()
            },
            "questions": [q.to_dict() for q in self.questions],
            "study": self.study,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, raw: Any, source: str = "") -> QuizResult:
        if not isinstance(raw, dict) or raw.get("kind") != RESULTS_KIND:
            raise ResultsFormatError("not a k8snet-tutor quiz results file")
        version = raw.get("version")
        if version != RESULTS_VERSION:
            raise ResultsFormatError(
                f"results format {version!r} is not supported "
                f"(this version reads {RESULTS_VERSION})"
            )
        questions = raw.get("questions")
        if not isinstance(questions, list):
            raise ResultsFormatError("questions is not a list")
        seed = raw.get("seed")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ResultsFormatError("seed is not a number")
        study = raw.get("study") if isinstance(raw.get("study"), dict) else {}
        assert isinstance(study, dict)
        name = raw.get("name")
        return cls(
            bank=str(raw.get("bank") or "?"),
            bank_title=str(raw.get("bank_title") or raw.get("bank") or "?"),
            seed=seed,
            questions=[
                QuestionResult.from_dict(q, f"questions[{i}]") for i, q in enumerate(questions)
            ],
            name=name if isinstance(name, str) and name.strip() else None,
            started_at=str(raw.get("started_at") or ""),
            finished_at=str(raw.get("finished_at") or ""),
            topics=[str(t) for t in raw.get("topics") or []],
            count=raw.get("count") if isinstance(raw.get("count"), int) else None,
            study={str(k): [str(x) for x in v] for k, v in study.items() if isinstance(v, list)},
            source=source,
        )

    # -- reading ------------------------------------------------------------------------------

    def review_lines(self) -> list[str]:
        """The review as plain text: score, per topic, each missed question explained, what to
        study next."""
        who = f" ({self.name})" if self.name else ""
        out = [f"Quiz: {self.bank_title}{who}", f"Score: {self.score_text()}", "", "Per topic:"]
        for t in self.by_topic():
            out.append(f"  {t.topic:<10} {_num(t.score):>5} / {t.total:<3} {t.percent:4.0f}%")
        missed = self.missed()
        out.append("")
        if not missed:
            out.append("Every answer is right. Well done!")
        else:
            out.append("What was wrong:")
            for i, q in missed:
                out.append(f"  {i}. [{q.outcome}] {q.title} ({q.topic}, {q.type_name}, id {q.id})")
                out.extend(f"     - {line}" for line in q.feedback)
        if self.study:
            out.append("")
            out.append("Study next (lesson ids):")
            for topic, ids in self.study.items():
                out.append(f"  {topic}: {', '.join(ids) if ids else 'no lesson on this topic yet'}")
        out.append("")
        out.append(
            f"bank {self.bank}, seed {self.seed} (same questions in the same order: "
            f"--seed {self.seed})"
        )
        return out

    def review_text(self) -> str:
        return "\n".join(self.review_lines())

    def to_markdown(self, titles: Mapping[str, str] | None = None) -> str:
        """The results as Markdown. With `titles` (lesson id -> title), "what to study next"
        names lessons by title, as the lesson list shows them (the saved file keeps the ids,
        which the `lessons` commands take)."""
        who = self.name or "anonymous"
        lines = [
            f"# Quiz results: {_md(self.bank_title)}",
            "",
            f"- **Name:** {_md(who)}",
            f"- **Bank:** `{self.bank}`, seed `{self.seed}`"
            + (f", topics {', '.join(self.topics)}" if self.topics else ""),
            f"- **Taken:** {self.started_at or '-'} to {self.finished_at or '-'}"
            f" ({duration(self.seconds)} on the questions)",
            f"- **Score:** {self.score_text()}",
            "",
            "## Score per topic",
            "",
            "| Topic | Score | Questions | Right |",
            "|---|---:|---:|---:|",
        ]
        for t in self.by_topic():
            lines.append(
                f"| {t.topic} | {_num(t.score)} ({t.percent:.0f}%) | {t.total} | {t.correct} |"
            )
        lines += [
            "",
            "## Questions",
            "",
            "| # | Question | Type | Topic | Outcome | Score | Time |",
            "|---:|---|---|---|---|---:|---:|",
        ]
        for i, q in enumerate(self.questions, 1):
            late = " (late)" if q.over_time else ""
            lines.append(
                f"| {i} | {_md(q.title)} (`{q.id}`) | {q.type_name} | {q.topic} | "
                f"{q.outcome}{late} | {_num(q.score)} | {duration(q.seconds)} |"
            )
        missed = self.missed()
        lines += ["", "## Wrong answers explained", ""]
        if not missed:
            lines.append("Every answer is right. Well done!")
        for i, q in missed:
            lines += [
                f"### {i}. {_md(q.title)}",
                "",
                f"*{q.topic}, {q.type_name}, {q.outcome}* (`{q.id}`)",
                "",
            ]
            lines.extend(f"- {_md(line)}" for line in q.feedback)
            lines.append("")
        if self.study:
            lines += ["", "## What to study next", ""]
            for topic, ids in self.study.items():
                shown = (
                    ", ".join(
                        _md(titles[i]) if titles and i in titles else f"`{i}`" for i in ids
                    )
                    or "no lesson on this topic yet"
                )
                lines.append(f"- **{topic}**: {shown}")
        return "\n".join(lines).rstrip() + "\n"


def _md(text: str) -> str:
    """Keep table cells on one line and pipes literal."""
    return text.replace("|", "\\|").replace("\n", " ")


# --------------------------------------------------------------------------------------------
# Building and saving


def build_result(
    bank: Bank,
    grades: Sequence[Grade],
    *,
    seed: int,
    seconds: Sequence[float | None] | None = None,
    name: str | None = None,
    started_at: str = "",
    finished_at: str = "",
    topics: Sequence[str] = (),
    count: int | None = None,
    lessons: LessonSet | None = None,
) -> QuizResult:
    """The result of a quiz from its grades (in the order the questions were asked).
    `lessons` give the study links by topic (default: the built-in and $K8SNET_TUTOR_LESSONS
    lessons)."""
    if lessons is None:
        lessons = discover()
    times = list(seconds) if seconds is not None else [None] * len(grades)
    questions: list[QuestionResult] = []
    for g, secs in zip(grades, times, strict=False):
        q = g.question
        questions.append(
            QuestionResult(
                id=q.id,
                type=q.type,
                topic=q.topic,
                title=q.title(),
                outcome=g.outcome,
                score=g.score,
                seconds=secs,
                answer=answer_to_json(q, g.answer),
                right_answer=g.right_answer,
                feedback=list(g.feedback),
                over_time=g.over_time,
                cells=[c.to_dict() for c in g.cells if not c.ok],
                lessons=list(q.lessons),
            )
        )
    return QuizResult(
        bank=bank.id,
        bank_title=bank.title,
        seed=seed,
        questions=questions,
        name=name.strip() if name and name.strip() else None,
        started_at=started_at or now_iso(),
        finished_at=finished_at or now_iso(),
        topics=list(topics),
        count=count,
        study=study_next(grades, lessons),
    )


def results_paths(target: str | os.PathLike[str]) -> tuple[Path, Path]:
    """`--results FILE`: FILE.json and FILE.md; a FILE ending in .json or .md names one and the
    other is derived from it."""
    p = Path(target).expanduser()
    if p.suffix.lower() in (".json", ".md"):
        base = p.with_suffix("")
    else:
        base = p
    return base.with_name(base.name + ".json"), base.with_name(base.name + ".md")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]


def default_results_base(result: QuizResult, folder: str | os.PathLike[str] | None = None) -> Path:
    """`<results folder>/<time>-<bank>[-<name>]` (no suffix); never an existing file's name."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    parts = [stamp, result.bank]
    if result.name and _slug(result.name):
        parts.append(_slug(result.name))
    base = results_dir(folder) / "-".join(parts)
    n = 1
    candidate = base
    while candidate.with_name(candidate.name + ".json").exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def save_results(
    result: QuizResult,
    target: str | os.PathLike[str] | None = None,
    *,
    folder: str | os.PathLike[str] | None = None,
) -> tuple[Path, Path]:
    """Write the result as JSON and Markdown (atomically). Returns both paths. Raises OSError."""
    json_path, md_path = results_paths(
        target if target is not None else default_results_base(result, folder)
    )
    atomic_write(json_path, result.to_json())
    atomic_write(md_path, result.to_markdown())
    return json_path, md_path


def load_results(path: str | os.PathLike[str]) -> QuizResult:
    """Read a results file (the JSON one; given the .md, its .json is read). Raises OSError or
    ResultsFormatError."""
    p = Path(path)
    if p.suffix.lower() == ".md":
        p = p.with_suffix(".json")
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ResultsFormatError(f"not UTF-8 text ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise ResultsFormatError(f"not JSON ({exc.msg}, line {exc.lineno})") from exc
    return QuizResult.from_dict(raw, str(p))


def record_history(
    result: QuizResult,
    results_file: Path | None = None,
    progress_file: str | os.PathLike[str] | None = None,
) -> list[str]:
    """Append the attempt to the progress file's history (and remember the name). Returns
    warnings; never raises."""
    progress = Progress.load(progress_file)
    warnings = list(progress.warnings)
    entry: dict[str, Any] = {
        "at": result.finished_at or now_iso(),
        "event": "quiz",
        "lesson": None,
        "bank": result.bank,
        "seed": result.seed,
        "name": result.name,
        "score": round(result.score, 4),
        "total": result.total,
        "percent": round(result.percent, 1),
        "by_topic": {t.topic: round(t.percent, 1) for t in result.by_topic()},
        "results": str(results_file) if results_file is not None else None,
    }
    progress.history.append(entry)
    if len(progress.history) > MAX_HISTORY:
        del progress.history[: len(progress.history) - MAX_HISTORY]
    if result.name:
        progress.extra[NAME_KEY] = result.name
    if progress.path is None:
        return warnings
    try:
        progress.save()
    except OSError as exc:
        warnings.append(f"could not write the progress file: {exc}")
    return warnings


def remembered_name(progress_file: str | os.PathLike[str] | None = None) -> str | None:
    """The name given at an earlier quiz, if any (read-only: nothing is written)."""
    from k8snet_tutor.learning.locations import progress_path

    try:
        data = json.loads(progress_path(progress_file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    name = data.get(NAME_KEY) if isinstance(data, dict) else None
    return name if isinstance(name, str) and name.strip() else None


# --------------------------------------------------------------------------------------------
# A room of results


@dataclass
class QuestionStat:
    bank: str
    id: str
    topic: str
    type: str
    title: str
    attempts: int = 0
    correct: int = 0
    score: float = 0.0

    @property
    def success_rate(self) -> float:
        return 100.0 * self.correct / self.attempts if self.attempts else 0.0

    @property
    def average(self) -> float:
        return self.score / self.attempts if self.attempts else 0.0


@dataclass
class TopicStat:
    topic: str
    answers: int = 0
    correct: int = 0
    score: float = 0.0

    @property
    def success_rate(self) -> float:
        return 100.0 * self.correct / self.answers if self.answers else 0.0

    @property
    def average(self) -> float:
        return self.score / self.answers if self.answers else 0.0


@dataclass
class RoomSummary:
    """Many attendees' results, summarised."""

    results: list[QuizResult]
    questions: list[QuestionStat]
    topics: list[TopicStat]  # hardest first

    @property
    def attendees(self) -> int:
        return len(self.results)

    @property
    def average_percent(self) -> float:
        return sum(r.percent for r in self.results) / len(self.results) if self.results else 0.0

    def _qid(self, q: QuestionStat) -> str:
        banks = {s.bank for s in self.questions}
        return q.id if len(banks) <= 1 else f"{q.bank}/{q.id}"

    def to_text(self) -> str:
        out = [f"{self.attendees} result file(s); average score {self.average_percent:.0f}%", ""]
        out.append("Attendees:")
        width = max([len(r.name or "(anonymous)") for r in self.results] + [4])
        for r in self.results:
            out.append(f"  {r.name or '(anonymous)':<{width}}  {r.bank:<16} {r.score_text()}")
        out.append("")
        out.append("Per question (hardest first):")
        qw = max([len(self._qid(q)) for q in self.questions] + [8])
        out.append(
            f"  {'question':<{qw}}  {'topic':<10} {'type':<18} {'right':>7}  {'rate':>5}  avg"
        )
        for q in self.questions:
            out.append(
                f"  {self._qid(q):<{qw}}  {q.topic:<10} {TYPE_NAMES.get(q.type, q.type):<18} "
                f"{q.correct:>3}/{q.attempts:<3}  {q.success_rate:4.0f}%  {q.average:.2f}"
            )
        out.append("")
        out.append("Hardest topics:")
        for t in self.topics:
            out.append(
                f"  {t.topic:<10} {t.average * 100:4.0f}% average score, "
                f"{t.correct}/{t.answers} answers right"
            )
        return "\n".join(out)

    def to_markdown(self) -> str:
        out = [
            "# Quiz room summary",
            "",
            f"{self.attendees} result file(s); average score **{self.average_percent:.0f}%**.",
            "",
            "## Attendees",
            "",
            "| Name | Bank | Score |",
            "|---|---|---:|",
        ]
        for r in self.results:
            out.append(f"| {_md(r.name or '(anonymous)')} | {r.bank} | {r.score_text()} |")
        out += [
            "",
            "## Questions (hardest first)",
            "",
            "| Question | Topic | Type | Right | Success rate | Average score |",
            "|---|---|---|---:|---:|---:|",
        ]
        for q in self.questions:
            out.append(
                f"| `{self._qid(q)}` {_md(q.title)} | {q.topic} | {TYPE_NAMES.get(q.type, q.type)} "
                f"| {q.correct}/{q.attempts} | {q.success_rate:.0f}% | {q.average:.2f} |"
            )
        out += [
            "",
            "## Hardest topics",
            "",
            "| Topic | Average score | Right answers |",
            "|---|---:|---:|",
        ]
        for t in self.topics:
            out.append(f"| {t.topic} | {t.average * 100:.0f}% | {t.correct}/{t.answers} |")
        return "\n".join(out) + "\n"

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(
            ["scope", "id", "topic", "type", "attempts", "correct", "success_rate", "average_score"]
        )
        for q in self.questions:
            w.writerow(
                [
                    "question",
                    self._qid(q),
                    q.topic,
                    q.type,
                    q.attempts,
                    q.correct,
                    f"{q.success_rate:.1f}",
                    f"{q.average:.3f}",
                ]
            )
        for t in self.topics:
            w.writerow(
                [
                    "topic",
                    t.topic,
                    t.topic,
                    "",
                    t.answers,
                    t.correct,
                    f"{t.success_rate:.1f}",
                    f"{t.average:.3f}",
                ]
            )
        total_answers = sum(t.answers for t in self.topics)
        total_correct = sum(t.correct for t in self.topics)
        total_score = sum(t.score for t in self.topics)
        w.writerow(
            [
                "total",
                "",
                "",
                "",
                total_answers,
                total_correct,
                f"{100.0 * total_correct / total_answers if total_answers else 0:.1f}",
                f"{total_score / total_answers if total_answers else 0:.3f}",
            ]
        )
        return buf.getvalue()


def summarize(results: Iterable[QuizResult]) -> RoomSummary:
    """Per-question success rates (hardest first) and topics by average score (hardest first)."""
    items = list(results)
    questions: dict[tuple[str, str], QuestionStat] = {}
    topics: dict[str, TopicStat] = {}
    for r in items:
        for q in r.questions:
            stat = questions.setdefault(
                (r.bank, q.id), QuestionStat(r.bank, q.id, q.topic, q.type, q.title)
            )
            stat.attempts += 1
            stat.correct += q.outcome == "correct"
            stat.score += q.score
            t = topics.setdefault(q.topic, TopicStat(q.topic))
            t.answers += 1
            t.correct += q.outcome == "correct"
            t.score += q.score
    qs = sorted(questions.values(), key=lambda s: (s.success_rate, s.average, s.bank, s.id))
    ts = sorted(topics.values(), key=lambda t: (t.average, t.success_rate, t.topic))
    return RoomSummary(items, qs, ts)


# --------------------------------------------------------------------------------------------
# A workshop room folder (`k8snet-tutor serve --room DIR`): one session folder per attendee


@dataclass
class AttendeeRow:
    """One attendee's session folder, read without changing anything."""

    folder: Path
    name: str | None
    completed: list[str]
    started: int
    current: str | None
    hints: int
    quiz: QuizResult | None
    last_change: float  # seconds since the epoch (the newest file in the folder)

    @property
    def label(self) -> str:
        return self.name or f"(anonymous {self.folder.name[-6:]})"


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _attendee_row(folder: Path) -> AttendeeRow | None:
    progress_file = folder / "progress.json"
    results = sorted(
        (f for f in (folder / "results").glob("*.json") if f.is_file()),
        key=lambda f: f.stat().st_mtime,
    )
    if not progress_file.is_file() and not results:
        return None
    data = _read_json(progress_file) if progress_file.is_file() else None
    data = data if isinstance(data, dict) else {}
    lessons = data.get("lessons") if isinstance(data.get("lessons"), dict) else {}
    assert isinstance(lessons, dict)
    completed = sorted(
        str(k) for k, v in lessons.items() if isinstance(v, dict) and v.get("completed") is True
    )
    hints = sum(
        int(v.get("hints_used", 0))
        for v in lessons.values()
        if isinstance(v, dict) and isinstance(v.get("hints_used"), int)
    )
    quiz: QuizResult | None = None
    for f in reversed(results):
        try:
            quiz = load_results(f)
            break
        except (OSError, ResultsFormatError):
            continue
    name = data.get(NAME_KEY)
    if not (isinstance(name, str) and name.strip()):
        name = quiz.name if quiz is not None else None
    current = data.get("current")
    times = [f.stat().st_mtime for f in [progress_file, *results] if f.is_file()]
    return AttendeeRow(
        folder=folder,
        name=name.strip() if isinstance(name, str) and name.strip() else None,
        completed=completed,
        started=len(lessons),
        current=current if isinstance(current, str) else None,
        hints=hints,
        quiz=quiz,
        last_change=max(times) if times else 0.0,
    )


def room_rows(paths: Iterable[str | os.PathLike[str]]) -> list[AttendeeRow]:
    """The attendees found in room folders: each folder that holds a `progress.json` or quiz
    results (the folder itself, or its direct subfolders), by name."""
    rows: list[AttendeeRow] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw).expanduser()
        if not p.is_dir():
            continue
        candidates = [p, *sorted(c for c in p.iterdir() if c.is_dir())]
        for folder in candidates:
            key = folder.resolve()
            if key in seen:
                continue
            row = _attendee_row(folder)
            if row is not None:
                seen.add(key)
                rows.append(row)
    rows.sort(key=lambda r: (r.name is None, (r.name or "").lower(), r.folder.name))
    return rows


def _ago(seconds: float) -> str:
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s ago"
    if s < 3600:
        return f"{s // 60}m ago"
    return f"{s // 3600}h{(s % 3600) // 60:02d} ago"


def room_table(rows: Sequence[AttendeeRow], total_lessons: int, now: float) -> str:
    """The attendees as a terminal table: lessons passed, current lesson, hints, last quiz."""
    if not rows:
        return "No attendee has started yet."
    width = max([len(r.label) for r in rows] + [8])
    cw = max([len(r.current or "-") for r in rows] + [7])
    lines = [
        f"{len(rows)} attendee(s)",
        "",
        f"  {'attendee':<{width}}  {'lessons':>9}  {'current':<{cw}}  {'hints':>5}  "
        f"{'quiz':<14}  last change",
    ]
    for r in rows:
        done = f"{len(r.completed)}/{total_lessons}" if total_lessons else str(len(r.completed))
        quiz = r.quiz.score_text() if r.quiz is not None else "-"
        lines.append(
            f"  {r.label:<{width}}  {done:>9}  {r.current or '-':<{cw}}  {r.hints:>5}  "
            f"{quiz:<14}  {_ago(now - r.last_change)}"
        )
    return "\n".join(lines)


def room_markdown(rows: Sequence[AttendeeRow], total_lessons: int) -> str:
    out = [
        "## Attendees",
        "",
        "| Attendee | Lessons passed | Current lesson | Hints | Last quiz |",
        "|---|---:|---|---:|---|",
    ]
    for r in rows:
        done = f"{len(r.completed)}/{total_lessons}" if total_lessons else str(len(r.completed))
        quiz = r.quiz.score_text() if r.quiz is not None else "-"
        out.append(f"| {_md(r.label)} | {done} | {r.current or '-'} | {r.hints} | {quiz} |")
    return "\n".join(out) + "\n"
