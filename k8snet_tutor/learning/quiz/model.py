"""Quiz questions and banks: the four question types, their format constants and vocabularies."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from k8snet_tutor.core.cluster import Pod, Service
from k8snet_tutor.core.manifests import Document
from k8snet_tutor.core.ports import PortProbe
from k8snet_tutor.core.problems import FieldPath, Problem
from k8snet_tutor.core.wording import is_address
from k8snet_tutor.learning.lesson.goal import Check, qualify, service_id
from k8snet_tutor.learning.lesson.model import TOPICS, ContentFile, Lesson

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
    "fix": (
        "background",
        "decoys",
        "starter",
        "solution",
        "goal",
        "hints",
        "time_limit",
        "equivalent_mutations",
    ),
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
    """One option of a choice question. `id` is its identity: its letter in the bank file (a =
    the first option written), whatever order a quiz shows the options in; answers, answer keys
    and results name options by `id`. `label` is the letter the quiz shows (see
    `selection.shuffle_options`); empty means the bank order."""

    id: str  # a, b, c, ... in the bank file
    text: str
    correct: bool
    explanation: str
    path: FieldPath = ()
    label: str = ""

    @property
    def shown(self) -> str:
        """The letter the learner sees."""
        return self.label or self.id


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

    @property
    def bank_order(self) -> list[Option]:
        """The options as the bank file lists them (a quiz may show them shuffled)."""
        return sorted(self.options, key=lambda o: o.path[-1] if o.path else 0)


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
    decoys: str = ""  # objects that could exist, graded like the background (see lessons/README)
    starter: str = ""
    solution: str = ""
    goal: list[Check] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    time_limit: int = DEFAULT_TIME_LIMIT
    # Variants of the solution that are right answers (id -> reason), as in a lesson.
    equivalent_mutations: dict[str, str] = field(default_factory=dict)

    def lesson(self) -> Lesson:
        """The question as a lesson, so `checks.check` can grade it."""
        return Lesson(
            id=self.id,
            title=self.title(),
            topic=self.topic,
            difficulty=self.difficulty,
            background=self.background,
            decoys=self.decoys,
            starter=self.starter,
            solution=self.solution,
            goal=self.goal,
            hints=self.hints,
            explanation=self.explanation,
            equivalent_mutations=dict(self.equivalent_mutations),
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
    return raw if is_address(raw, cidr=True) else qualify(raw)
