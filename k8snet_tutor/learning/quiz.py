"""Quiz banks: self-assessment questions read from `lessons/quizzes/*.yaml`, graded in-process.

A bank is one YAML file (the format is in `lessons/quizzes/README.md`) holding questions of four
types:

- `choice`: multiple choice, one or several right options, each option with its explanation;
- `matrix`: predict the matrix. A small cluster and its policies are shown; the learner marks
  every cell allowed or denied. The answer key is never written in the file: the evaluator
  computes it (`matrix_key`), grades cell by cell and explains the wrong cells;
- `bug`: spot the bug. The learner picks the line of a YAML snippet that causes a symptom;
- `fix`: fix the YAML. Like a lesson: a background, a starter and a goal, graded by the lesson
  checks of `checks.py`, with a time limit.

`load_bank` never raises for bad input; `lint_bank` proves a bank is usable (every choice has a
right answer and explanations, every matrix key comes from a clean evaluation, every fix
question's solution passes and starter fails). `select_questions` gives a reproducible order for
a seed, and `grade` turns one answer into a `Grade`. Nothing here imports Textual.
"""

from __future__ import annotations

import ipaddress
import os
import random
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from k8snet_tutor.core.cluster import Pod, Service, build_cluster
from k8snet_tutor.core.endpoints import Unresolved, resolve
from k8snet_tutor.core.evaluate import IPBlockMode
from k8snet_tutor.core.manifests import Document, load_text
from k8snet_tutor.core.ports import PortProbe
from k8snet_tutor.core.problems import FieldPath, Problem
from k8snet_tutor.learning.checks import CheckReport, check, display
from k8snet_tutor.learning.lesson import (
    DIFFICULTIES,
    ID_PATTERN,
    LESSON_SUFFIXES,
    QUIZ_FOLDER,
    TOPICS,
    Check,
    ContentFile,
    Lesson,
    LessonSet,
    TableCheck,
    TableOverride,
    _closest,
    _parse_check,
    _Reader,
    _type_name,
    builtin_lessons_dir,
    lesson_files,
    qualify,
    read_text_file,
    service_id,
    verdict,
)
from k8snet_tutor.learning.locations import lesson_dirs_from_env

QUIZ_FORMAT = 1
SUPPORTED_QUIZ_FORMATS = frozenset({1})
QUESTION_TYPES = ("choice", "matrix", "bug", "fix")
TYPE_NAMES = {
    "choice": "multiple choice",
    "matrix": "predict the matrix",
    "bug": "spot the bug",
    "fix": "fix the YAML",
}
BUILTIN_BANK = "k8s-networking"
DEFAULT_TIME_LIMIT = 300  # seconds, for `fix` questions
MAX_MATRIX_NODES = 6
MAX_BANK_BYTES = 4 * 1024 * 1024
CLUSTER_SOURCE = "cluster"
# Warnings that only say "this legacy object was translated to v1": intended in a legacy question.
TRANSLATION_NOTICES = frozenset({"legacy-alpha-policy", "legacy-namespace-isolation"})
POLICIES_SOURCE = "policies"

BANK_FIELDS = ("format", "id", "title", "description", "questions")
COMMON_FIELDS = ("id", "type", "topic", "difficulty", "question", "lessons", "explanation")
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "choice": ("options", "select"),
    "matrix": ("cluster", "policies", "port", "nodes"),
    "bug": ("snippet", "answer", "background", "symptom"),
    "fix": ("background", "starter", "solution", "goal", "hints", "time_limit"),
}
# Keys that would type a predict-the-matrix answer key into the file: refused by the schema.
MATRIX_KEY_FIELDS = (
    "answer",
    "answers",
    "key",
    "expect",
    "expected",
    "cells",
    "matrix",
    "default",
    "overrides",
    "table",
)
OPTION_FIELDS = ("text", "correct", "explanation")

_SVC_PREFIXES = ("svc:", "service:")
_VERDICT_WORDS = {
    "allowed": True,
    "allow": True,
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "ok": True,
    "✓": True,
    "a": True,
    "denied": False,
    "deny": False,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
    "✗": False,
    "x": False,
    "d": False,
}


class AnswerError(ValueError):
    """An answer that cannot be read for its question (wrong shape, unknown option, ...)."""


# --------------------------------------------------------------------------------------------
# Questions


@dataclass(kw_only=True)
class Question:
    """One question of a bank. Subclasses add the fields of their type."""

    type: ClassVar[str] = ""

    id: str
    topic: str
    prompt: str
    difficulty: int = 1
    lessons: list[str] = field(default_factory=list)  # lesson ids to study when it is missed
    explanation: str = ""
    path: FieldPath = ()
    bank: str = ""

    @property
    def type_name(self) -> str:
        return TYPE_NAMES[self.type]

    def title(self, width: int = 72) -> str:
        """The first line of the prompt, shortened (for lists and reports)."""
        first = next((line.strip() for line in self.prompt.splitlines() if line.strip()), self.id)
        first = re.sub(r"[*`_]", "", first)
        return first if len(first) <= width else first[: width - 1].rstrip() + "…"


@dataclass(frozen=True)
class Option:
    id: str  # a, b, c, ...
    text: str
    correct: bool
    explanation: str
    path: FieldPath = ()


@dataclass(kw_only=True)
class ChoiceQuestion(Question):
    type: ClassVar[str] = "choice"
    options: list[Option]
    several: bool = False  # "select all that apply" (checkboxes) rather than one option

    @property
    def correct_ids(self) -> set[str]:
        return {o.id for o in self.options if o.correct}

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(kw_only=True)
class MatrixQuestion(Question):
    type: ClassVar[str] = "matrix"
    cluster: str  # pods, namespaces, Services (shown as a summary)
    policies: str = ""  # the policies (shown verbatim)
    port: PortProbe
    nodes: list[str] | None = None  # default: every pod
    _key: MatrixKey | None = field(default=None, repr=False, compare=False)


@dataclass(kw_only=True)
class BugQuestion(Question):
    type: ClassVar[str] = "bug"
    snippet: str
    answer: int  # 1-based line of the snippet
    background: str = ""
    symptom: list[Check] = field(default_factory=list)  # checks the snippet is proven to pass

    @property
    def lines(self) -> list[str]:
        return self.snippet.rstrip("\n").split("\n")


@dataclass(kw_only=True)
class FixQuestion(Question):
    type: ClassVar[str] = "fix"
    background: str = ""
    starter: str = ""
    solution: str = ""
    goal: list[Check] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    time_limit: int = DEFAULT_TIME_LIMIT

    def lesson(self) -> Lesson:
        """The question as a lesson, so `checks.check` can grade it."""
        return Lesson(
            id=self.id,
            title=self.title(),
            topic=self.topic,
            difficulty=self.difficulty,
            background=self.background,
            starter=self.starter,
            solution=self.solution,
            goal=self.goal,
            hints=self.hints,
            explanation=self.explanation,
            source=self.bank or "<quiz>",
        )


AnyQuestion = ChoiceQuestion | MatrixQuestion | BugQuestion | FixQuestion


@dataclass
class Bank(ContentFile):
    """One quiz bank file, parsed."""

    object_word: ClassVar[str] = "quiz"
    default_code: ClassVar[str] = "quiz"

    id: str
    title: str
    questions: list[AnyQuestion]
    description: str = ""
    format: int = QUIZ_FORMAT
    path: Path | None = None
    source: str = "<quiz>"
    document: Document | None = field(default=None, repr=False, compare=False)
    text: str = field(default="", repr=False, compare=False)

    def question(self, question_id: str) -> AnyQuestion | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def topics(self) -> list[str]:
        seen = {q.topic for q in self.questions}
        return [t for t in TOPICS if t in seen]

    def count_by(self, attr: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for q in self.questions:
            key = str(getattr(q, attr))
            out[key] = out.get(key, 0) + 1
        return out

    def block_position(
        self, path: FieldPath, line: int | None, column: int | None
    ) -> tuple[int | None, int | None]:
        """Map (line, column) inside a `key: |` block at `path` to the bank file."""
        return self.block_at(path, line, column)


# --------------------------------------------------------------------------------------------
# Reading a bank


def _text_field(r: _Reader, raw: Mapping[str, Any], key: str, path: FieldPath) -> str | None:
    value = r.text(raw.get(key), (*path, key))
    return value


def _checks(r: _Reader, raw: Any, path: FieldPath, what: str) -> list[Check] | None:
    if raw is None:
        return []
    if not isinstance(raw, list):
        r.report(
            path,
            f"`{what}` should be a list of checks, not {_type_name(raw)}",
            "write one `- probes: ...` (or other lesson check) per item",
        )
        return None
    out: list[Check] = []
    ok = True
    for i, item in enumerate(raw):
        c = _parse_check(r, item, (*path, i), i)
        if c is None:
            ok = False
        else:
            out.append(c)
    return out if ok else None


def _parse_options(r: _Reader, raw: Any, path: FieldPath) -> list[Option] | None:
    if not isinstance(raw, list) or not raw:
        r.report(
            path,
            "`options` should be a non-empty list",
            '- {text: "An answer", correct: true, explanation: "Why it is right"}',
        )
        return None
    out: list[Option] = []
    ok = True
    for i, item in enumerate(raw):
        opath = (*path, i)
        m = r.mapping(item, opath, "an option")
        if m is None or not r.keys(m, opath, OPTION_FIELDS, ("text",), "an option"):
            ok = False
            continue
        text = r.text(m.get("text"), (*opath, "text"))
        explanation = r.text(m.get("explanation"), (*opath, "explanation"))
        correct = (
            r.boolean(m["correct"], (*opath, "correct"), "`correct`")
            if m.get("correct") is not None
            else False
        )
        if text is None or explanation is None or correct is None:
            ok = False
            continue
        if not text.strip():
            r.report((*opath, "text"), "an option's `text` is empty")
            ok = False
            continue
        letter = chr(ord("a") + i) if i < 26 else f"o{i + 1}"
        out.append(Option(letter, text.strip(), correct, explanation.strip(), opath))
    return out if ok else None


def _parse_question(r: _Reader, raw: Any, path: FieldPath, bank_id: str) -> AnyQuestion | None:
    m = r.mapping(raw, path, "a question")
    if m is None:
        return None
    qtype = m.get("type")
    if qtype not in QUESTION_TYPES:
        r.report(
            (*path, "type") if "type" in m else path,
            f"`type` should be one of {', '.join(QUESTION_TYPES)}"
            + (f", not {qtype!r}" if qtype is not None else ""),
            "choice: multiple choice; matrix: predict the matrix; bug: spot the bug; "
            "fix: fix the YAML",
            code="quiz-type",
        )
        return None
    allowed = (*COMMON_FIELDS, *TYPE_FIELDS[qtype])
    ok = True
    for key in m:
        if key in allowed:
            continue
        ok = False
        if qtype == "matrix" and key in MATRIX_KEY_FIELDS:
            r.report(
                (*path, key),
                f"a predict-the-matrix question carries no answer key (`{key}`): the evaluator "
                "computes every cell from `cluster` and `policies`",
                "delete it; `k8snet-tutor quiz --lint` shows the computed key",
                code="quiz-typed-key",
            )
            continue
        near = _closest(str(key), allowed)
        r.report(
            (*path, key),
            f"unknown key `{key}` in a {qtype} question",
            f"did you mean `{near}`?" if near else f"known keys: {', '.join(allowed)}",
            code="quiz-schema",
        )

    qid = m.get("id")
    if not isinstance(qid, str) or not ID_PATTERN.match(qid):
        r.report(
            (*path, "id") if "id" in m else path,
            f"bad or missing question id {qid!r}: use lowercase letters, digits and '-'",
            "for example `id: default-deny-matrix`",
            code="quiz-schema",
        )
        ok = False
    topic = m.get("topic")
    if topic not in TOPICS:
        r.report(
            (*path, "topic") if "topic" in m else path,
            f"`topic` should be one of {', '.join(TOPICS)}"
            + (f", not {topic!r}" if topic is not None else ""),
            code="quiz-topic",
        )
        ok = False
    difficulty = m.get("difficulty", 1)
    if isinstance(difficulty, bool) or difficulty not in DIFFICULTIES:
        r.report((*path, "difficulty"), "`difficulty` should be 1, 2 or 3", code="quiz-schema")
        ok = False
    prompt = _text_field(r, m, "question", path)
    if prompt is not None and not prompt.strip():
        r.report(
            (*path, "question") if "question" in m else path,
            "missing or empty `question`",
            "write the question the learner reads",
            code="quiz-schema",
        )
        ok = False
    lessons = r.string_list(m.get("lessons"), (*path, "lessons"), "`lessons`")
    explanation = _text_field(r, m, "explanation", path)
    if not ok or prompt is None or lessons is None or explanation is None:
        return None
    assert isinstance(qid, str) and isinstance(topic, str) and isinstance(difficulty, int)
    common: dict[str, Any] = {
        "id": qid,
        "topic": topic,
        "prompt": prompt.strip("\n"),
        "difficulty": difficulty,
        "lessons": lessons,
        "explanation": explanation.strip(),
        "path": path,
        "bank": bank_id,
    }
    if qtype == "choice":
        return _parse_choice(r, m, path, common)
    if qtype == "matrix":
        return _parse_matrix(r, m, path, common)
    if qtype == "bug":
        return _parse_bug(r, m, path, common)
    return _parse_fix(r, m, path, common)


def _parse_choice(
    r: _Reader, m: Mapping[str, Any], path: FieldPath, common: dict[str, Any]
) -> ChoiceQuestion | None:
    options = _parse_options(r, m.get("options"), (*path, "options"))
    select = m.get("select")
    if select is not None and select not in ("one", "several"):
        r.report(
            (*path, "select"),
            f"`select` should be `one` or `several`, not {select!r}",
            code="quiz-schema",
        )
        return None
    if options is None:
        return None
    several = select == "several" if select is not None else sum(o.correct for o in options) > 1
    return ChoiceQuestion(options=options, several=several, **common)


def _parse_matrix(
    r: _Reader, m: Mapping[str, Any], path: FieldPath, common: dict[str, Any]
) -> MatrixQuestion | None:
    cluster = _text_field(r, m, "cluster", path)
    policies = _text_field(r, m, "policies", path)
    port = r.port(m.get("port"), (*path, "port"))
    nodes: list[str] | None = None
    if m.get("nodes") is not None:
        nodes = r.string_list(m.get("nodes"), (*path, "nodes"), "`nodes`")
        if nodes is None:
            return None
        if len(nodes) < 2:
            r.report((*path, "nodes"), "a matrix needs at least two nodes", code="quiz-schema")
            return None
    if cluster is None or policies is None or port is None:
        return None
    if not cluster.strip():
        r.report(
            (*path, "cluster") if "cluster" in m else path,
            "missing or empty `cluster`: write the pods (and namespaces, Services) as YAML",
            code="quiz-schema",
        )
        return None
    return MatrixQuestion(cluster=cluster, policies=policies, port=port, nodes=nodes, **common)


def _parse_bug(
    r: _Reader, m: Mapping[str, Any], path: FieldPath, common: dict[str, Any]
) -> BugQuestion | None:
    snippet = _text_field(r, m, "snippet", path)
    background = _text_field(r, m, "background", path)
    symptom = _checks(r, m.get("symptom"), (*path, "symptom"), "symptom")
    if snippet is None or background is None or symptom is None:
        return None
    if not snippet.strip():
        r.report(
            (*path, "snippet") if "snippet" in m else path,
            "missing or empty `snippet`",
            code="quiz-schema",
        )
        return None
    lines = snippet.rstrip("\n").split("\n")
    raw = m.get("answer")
    line: int | None = None
    if isinstance(raw, bool) or raw is None:
        r.report(
            (*path, "answer") if "answer" in m else path,
            "missing `answer`: the line of the snippet that causes the symptom",
            'write the line\'s text (`answer: "app: paymnet"`) or its number',
            code="quiz-schema",
        )
        return None
    if isinstance(raw, int):
        if not 1 <= raw <= len(lines):
            r.report(
                (*path, "answer"),
                f"line {raw} is outside the snippet (1-{len(lines)})",
                code="quiz-bug-line",
            )
            return None
        line = raw
    elif isinstance(raw, str) and raw.strip():
        needle = raw.strip()
        found = [i + 1 for i, text in enumerate(lines) if needle in text]
        if len(found) != 1:
            r.report(
                (*path, "answer"),
                f"`answer` should match exactly one line of the snippet; {needle!r} matches "
                + (f"{len(found)} lines ({', '.join(map(str, found))})" if found else "none"),
                "quote more of the line, or give its number",
                code="quiz-bug-line",
            )
            return None
        line = found[0]
    else:
        r.report(
            (*path, "answer"),
            f"`answer` should be a line number or text, not {_type_name(raw)}",
            code="quiz-schema",
        )
        return None
    return BugQuestion(
        snippet=snippet, answer=line, background=background, symptom=symptom, **common
    )


def _parse_fix(
    r: _Reader, m: Mapping[str, Any], path: FieldPath, common: dict[str, Any]
) -> FixQuestion | None:
    texts = {k: _text_field(r, m, k, path) for k in ("background", "starter", "solution")}
    goal = _checks(r, m.get("goal"), (*path, "goal"), "goal")
    hints = r.string_list(m.get("hints"), (*path, "hints"), "`hints`")
    limit: int | None = DEFAULT_TIME_LIMIT
    if m.get("time_limit") is not None:
        limit = r.integer(
            m.get("time_limit"), (*path, "time_limit"), "`time_limit` (seconds)", minimum=10
        )
    if any(v is None for v in texts.values()) or goal is None or hints is None or limit is None:
        return None
    if not goal:
        r.report(
            (*path, "goal") if "goal" in m else path,
            "a fix question needs a `goal`: the lesson checks its YAML must pass",
            code="quiz-schema",
        )
        return None
    return FixQuestion(
        background=texts["background"] or "",
        starter=texts["starter"] or "",
        solution=texts["solution"] or "",
        goal=goal,
        hints=hints,
        time_limit=limit,
        **common,
    )


def parse_bank(
    text: str, source: str = "<quiz>", path: Path | None = None
) -> tuple[Bank | None, list[Problem]]:
    """Parse a bank's text. Returns (bank, problems); the bank is None when any is an error."""
    docs, load_problems = load_text(text, source)
    problems = list(load_problems)
    if any(p.severity == "error" for p in problems):
        return None, problems
    docs = [d for d in docs if d.data is not None]
    if len(docs) != 1:
        problems.append(
            Problem(
                "error",
                "a quiz bank file holds exactly one YAML document"
                + ("" if docs else ", and this one is empty"),
                file=source,
                line=1,
                column=1,
                code="quiz-schema",
            )
        )
        return None, problems
    doc = docs[0]
    r = _Reader(doc, source)
    raw = r.mapping(doc.data, (), "the quiz bank")
    if raw is None:
        return None, problems + r.problems
    fmt = raw.get("format")
    if fmt is None:
        r.report(
            (), "missing `format`", f"write `format: {QUIZ_FORMAT}` at the top", code="quiz-schema"
        )
    elif isinstance(fmt, bool) or not isinstance(fmt, int) or fmt not in SUPPORTED_QUIZ_FORMATS:
        r.report(
            ("format",),
            f"this bank uses format {fmt!r}; this version of k8snet-tutor reads "
            f"format {', '.join(map(str, sorted(SUPPORTED_QUIZ_FORMATS)))}",
            "upgrade k8snet-tutor" if isinstance(fmt, int) and fmt > QUIZ_FORMAT else None,
            code="quiz-format",
        )
        return None, problems + r.problems
    for key in raw:
        if key not in BANK_FIELDS:
            near = _closest(str(key), BANK_FIELDS)
            r.report(
                (key,),
                f"unknown quiz bank field `{key}`",
                f"did you mean `{near}`?" if near else f"known fields: {', '.join(BANK_FIELDS)}",
                code="quiz-schema",
            )
    bank_id = raw.get("id")
    if not isinstance(bank_id, str) or not ID_PATTERN.match(bank_id):
        r.report(
            ("id",) if "id" in raw else (),
            f"bad or missing bank id {bank_id!r}",
            "use lowercase letters, digits and '-', e.g. `id: workshop-day-1`",
            code="quiz-schema",
        )
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        r.report(
            ("title",) if "title" in raw else (), "missing or empty `title`", code="quiz-schema"
        )
    description = r.text(raw.get("description"), ("description",))
    questions: list[AnyQuestion] = []
    raw_questions = raw.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        r.report(
            ("questions",) if "questions" in raw else (),
            "`questions` should be a non-empty list of questions",
            code="quiz-schema",
        )
    else:
        seen: dict[str, int] = {}
        for i, item in enumerate(raw_questions):
            q = _parse_question(
                r, item, ("questions", i), bank_id if isinstance(bank_id, str) else ""
            )
            if q is None:
                continue
            if q.id in seen:
                r.report(
                    (*q.path, "id"),
                    f"two questions have the id {q.id!r}",
                    f"the other one is question #{seen[q.id] + 1}",
                    code="quiz-duplicate-id",
                )
            seen[q.id] = i
            questions.append(q)
    if r.failed or description is None:
        return None, problems + r.problems
    assert isinstance(bank_id, str) and isinstance(title, str) and isinstance(fmt, int)
    bank = Bank(
        id=bank_id,
        title=title.strip(),
        questions=questions,
        description=description.strip(),
        format=fmt,
        path=path,
        source=source,
        document=doc,
        text=text,
    )
    return bank, problems + r.problems


def load_bank(path: str | os.PathLike[str]) -> tuple[Bank | None, list[Problem]]:
    """Read one bank file. Never raises for bad input."""
    text, problem = read_text_file(path, "quiz bank", MAX_BANK_BYTES, "quiz")
    if text is None:
        return None, [problem] if problem else []
    return parse_bank(text, str(path), Path(path))


# --------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------
# Choosing questions


def new_seed() -> int:
    return random.SystemRandom().randrange(1, 1_000_000)


def select_questions(
    bank: Bank,
    *,
    count: int | None = None,
    seed: int = 0,
    topics: Sequence[str] = (),
) -> list[AnyQuestion]:
    """The quiz: questions of `topics` (all when empty) in an order fixed by `seed`, at most
    `count` of them. The same bank, seed, count and topics always give the same quiz."""
    wanted = set(topics)
    pool = [q for q in bank.questions if not wanted or q.topic in wanted]
    random.Random(seed).shuffle(pool)
    return pool if count is None else pool[: max(count, 0)]


# --------------------------------------------------------------------------------------------
# Predict the matrix: the key, from the evaluator


@dataclass
class MatrixKey:
    """The right answer of a matrix question, as the evaluator computes it."""

    port: PortProbe
    sources: list[str]  # row ids (pods, external addresses)
    destinations: list[str]  # column ids (pods, Services, external addresses)
    cells: dict[tuple[str, str], bool]
    problems: list[Problem] = field(default_factory=list)  # from the cluster and policies
    aliases: dict[str, str] = field(default_factory=dict)  # name as written -> row/column id
    pods: list[Pod] = field(default_factory=list, repr=False)
    services: list[Service] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    def ids(self) -> list[str]:
        out = list(self.sources)
        out.extend(d for d in self.destinations if d not in out)
        return out

    def canonical(self, name: str) -> str:
        """A name the learner typed -> a row/column id (unchanged when unknown)."""
        text = _canonical_name(name)
        return self.aliases.get(text, text)


def _canonical_name(name: str) -> str:
    raw = name.strip()
    for prefix in _SVC_PREFIXES:
        if raw.startswith(prefix):
            return "svc:" + service_id(raw)
    try:
        ipaddress.ip_network(raw, strict=False)
    except ValueError:
        return qualify(raw)
    return raw


def _matrix_lesson(q: MatrixQuestion, overrides: list[TableOverride]) -> Lesson:
    table = TableCheck(id="matrix", port=q.port, nodes=q.nodes, default=True, overrides=overrides)
    return Lesson(
        id=q.id,
        title=q.title(),
        topic=q.topic,
        difficulty=q.difficulty,
        background=q.cluster,
        goal=[table],
        source=q.bank or "<quiz>",
    )


def _matrix_report(
    q: MatrixQuestion, overrides: list[TableOverride], ipblocks: IPBlockMode = "pods"
) -> CheckReport:
    return check(
        _matrix_lesson(q, overrides), q.policies, source=POLICIES_SOURCE, ipblocks=ipblocks
    )


def matrix_key(q: MatrixQuestion) -> MatrixKey:
    """Evaluate the question's cluster and policies: every cell of its matrix (cached)."""
    if q._key is not None:
        return q._key
    report = _matrix_report(q, [])
    problems = [*report.lesson_problems, *report.problems]
    ev = report.evaluator
    aliases: dict[str, str] = {}
    ids: list[str] = []
    kinds: dict[str, str] = {}
    names = q.nodes if q.nodes is not None else [p.id for p in ev.pods]
    for text in names:
        t = resolve(ev, text, as_source=False)
        if isinstance(t, Unresolved):
            problems.append(
                Problem(
                    "error",
                    f"matrix node {text!r}: {t.reason}",
                    hint=t.hint,
                    code="quiz-matrix-node",
                )
            )
            continue
        did = display(t)
        aliases[_canonical_name(text)] = did
        aliases[did] = did
        if did not in ids:
            ids.append(did)
            kinds[did] = (
                "service" if isinstance(t, Service) else "pod" if isinstance(t, Pod) else "ext"
            )
    cells: dict[tuple[str, str], bool] = {}
    for cell in report.results[-1].cells:
        cells[(cell.source, cell.destination)] = cell.actual
    sources = [i for i in ids if kinds[i] != "service"]
    key = MatrixKey(
        port=q.port,
        sources=sources,
        destinations=list(ids),
        cells=cells,
        problems=problems,
        aliases=aliases,
        pods=list(report.cluster.pods),
        services=list(report.cluster.services),
    )
    q._key = key
    return key


def matrix_cells(q: MatrixQuestion) -> list[tuple[str, str]]:
    """The cells the learner fills in, row by row."""
    key = matrix_key(q)
    return [(s, d) for s in key.sources for d in key.destinations if (s, d) in key.cells]


def cluster_summary(cluster_yaml: str) -> list[str]:
    """Plain lines describing a cluster: namespaces, pods with labels and ports, Services."""
    docs, problems = load_text(cluster_yaml, CLUSTER_SOURCE)
    cluster = build_cluster(docs, problems)
    lines: list[str] = []

    def labels(d: Mapping[str, str]) -> str:
        shown = {k: v for k, v in d.items() if k != "kubernetes.io/metadata.name"}
        return ", ".join(f"{k}={v}" for k, v in sorted(shown.items())) or "no labels"

    for ns in cluster.namespaces.values():
        if not ns.declared:
            continue
        extra = labels(ns.labels)
        lines.append(f"namespace {ns.name}" + (f" [{extra}]" if extra != "no labels" else ""))
    for pod in cluster.pods:
        ports = ", ".join(
            f"{p.port}/{p.protocol}" + (f" ({p.name})" if p.name else "") for p in pod.ports
        )
        lines.append(
            f"pod {pod.id} [{labels(pod.labels)}]" + (f" listens on {ports}" if ports else "")
        )
    for svc in cluster.services:
        sel = ", ".join(f"{k}={v}" for k, v in sorted((svc.selector or {}).items()))
        ports = ", ".join(
            f"{p.port}/{p.protocol} -> targetPort {p.target_port}"
            + (f", nodePort {p.node_port}" if p.node_port else "")
            for p in svc.ports
        )
        lines.append(f"Service {svc.id} ({svc.type}, selector {sel or 'none'}): {ports}")
    return lines


# --------------------------------------------------------------------------------------------
# Answers


def parse_verdict(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _VERDICT_WORDS:
        return _VERDICT_WORDS[text]
    raise AnswerError(f"{value!r} is not allowed/denied")


def parse_answer(q: AnyQuestion, raw: Any, base: Path | None = None) -> Any:
    """An answer as written in an answers file (JSON/YAML) -> the answer `grade` takes.

    choice: option letters (`b`, `[a, c]`, `"a,c"`); matrix: `{"SRC -> DST": allowed, ...}` or
    `{SRC: {DST: allowed}}`; bug: a line number; fix: the YAML text, or `{file: PATH}`.
    Raises AnswerError."""
    if raw is None:
        return None
    if isinstance(q, ChoiceQuestion):
        items: list[Any]
        if isinstance(raw, str):
            items = [p for p in re.split(r"[,\s]+", raw) if p]
        elif isinstance(raw, list):
            items = list(raw)
        elif isinstance(raw, int) and not isinstance(raw, bool):
            items = [raw]
        else:
            raise AnswerError(f"a choice answer is option letters, not {_type_name(raw)}")
        chosen: set[str] = set()
        for item in items:
            if isinstance(item, int) and not isinstance(item, bool):
                if not 1 <= item <= len(q.options):
                    raise AnswerError(f"there is no option {item}")
                chosen.add(q.options[item - 1].id)
                continue
            letter = str(item).strip().lower().rstrip(").")
            if q.option(letter) is None:
                known = ", ".join(o.id for o in q.options)
                raise AnswerError(f"there is no option {item!r} (options: {known})")
            chosen.add(letter)
        return chosen
    if isinstance(q, MatrixQuestion):
        key = matrix_key(q)
        out: dict[tuple[str, str], bool] = {}
        if not isinstance(raw, dict):
            raise AnswerError("a matrix answer is a mapping `SRC -> DST: allowed|denied`")
        for k, v in raw.items():
            if isinstance(v, dict):
                src = key.canonical(str(k))
                for dk, dv in v.items():
                    out[(src, key.canonical(str(dk)))] = parse_verdict(dv)
                continue
            parts = re.split(r"\s*(?:->|→)\s*", str(k))
            if len(parts) != 2:
                raise AnswerError(f"{k!r}: write a cell as `SOURCE -> DESTINATION`")
            out[(key.canonical(parts[0]), key.canonical(parts[1]))] = parse_verdict(v)
        unknown = [c for c in out if c not in key.cells]
        if unknown:
            s, d = unknown[0]
            raise AnswerError(f"{s} -> {d} is not a cell of this matrix")
        return out
    if isinstance(q, BugQuestion):
        if (
            isinstance(raw, bool)
            or not isinstance(raw, (int, str))
            or not str(raw).strip().isdigit()
        ):
            raise AnswerError(f"a spot-the-bug answer is a line number, not {raw!r}")
        n = int(str(raw).strip())
        if not 1 <= n <= len(q.lines):
            raise AnswerError(f"line {n} is outside the snippet (1-{len(q.lines)})")
        return n
    if isinstance(raw, dict) and set(raw) == {"file"}:
        path = Path(str(raw["file"]))
        if base is not None and not path.is_absolute():
            path = base / path
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise AnswerError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not isinstance(raw, str):
        raise AnswerError(f"a fix-the-YAML answer is YAML text, not {_type_name(raw)}")
    return raw


def answer_to_json(q: AnyQuestion, answer: Any) -> Any:
    """An answer as plain JSON data (for results files)."""
    if answer is None:
        return None
    if isinstance(q, ChoiceQuestion):
        return sorted(answer)
    if isinstance(q, MatrixQuestion):
        return {f"{s} -> {d}": verdict(v) for (s, d), v in sorted(answer.items())}
    return answer


# --------------------------------------------------------------------------------------------
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
    right_text = ", ".join(f"{o.id}) {o.text}" for o in q.options if o.correct)
    g = Grade(q, 0.0, answer, right_answer=right_text)
    if answer is None:
        g.feedback.append(f"Not answered. The right answer: {right_text}.")
        for o in q.options:
            if o.correct and o.explanation:
                g.feedback.append(f"{o.id}) {o.explanation}")
    else:
        g.score = 1.0 if set(answer) == right else 0.0
        if g.score < 1:
            for o in q.options:
                if o.id in answer and not o.correct:
                    g.feedback.append(
                        f"You chose {o.id}) {o.text}: wrong. {o.explanation}".rstrip()
                    )
                elif o.correct and o.id not in answer:
                    g.feedback.append(
                        f"You missed {o.id}) {o.text}: right. {o.explanation}".rstrip()
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


# --------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------
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
