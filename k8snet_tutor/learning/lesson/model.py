"""The lesson: its format constants, and the ContentFile mixin lessons and quiz banks share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from k8snet_tutor.core.manifests import Document
from k8snet_tutor.core.problems import FieldPath, Problem, Severity, format_path
from k8snet_tutor.learning.lesson.goal import Check

FORMAT_VERSION = 1
SUPPORTED_FORMATS = frozenset({1})
TOPICS = ("pods", "labels", "services", "policies", "debugging", "legacy")
DIFFICULTIES = (1, 2, 3)
ID_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\Z")
LESSON_SUFFIXES = (".yaml", ".yml")
QUIZ_FOLDER = "quizzes"
MAX_LESSON_BYTES = 4 * 1024 * 1024
DEFAULT_ORDER = 1000
DEFAULT_MINUTES = 5

KNOWN_FIELDS = (
    "format",
    "id",
    "title",
    "topic",
    "difficulty",
    "minutes",
    "order",
    "prerequisites",
    "exploration",
    "introduction",
    "background",
    "starter",
    "solution",
    "goal",
    "hints",
    "explanation",
    "remember",
    "decoys",
    "editable",
    "equivalent_mutations",
)


class ContentFile:
    """Positions and problems in a content file (a lesson or a quiz bank): a mixin for the
    dataclasses of both, which provide `id`, `source`, `document` and `text`."""

    id: str
    source: str
    document: Document | None
    text: str
    object_word: ClassVar[str] = "lesson"
    default_code: ClassVar[str] = ""

    def position(self, path: FieldPath = ()) -> tuple[int | None, int | None]:
        """1-based (line, column) of a field of the file (or of its nearest ancestor)."""
        if self.document is None:
            return None, None
        pos = self.document.position(path)
        return pos if pos else (None, None)

    def block_at(
        self, path: FieldPath, line: int | None, column: int | None
    ) -> tuple[int | None, int | None]:
        """Map (line, column) inside a `key: |` block at `path` to the file; the key's own
        position when the block cannot be mapped."""
        key_line, key_col = self.position(path)
        if key_line is None or line is None or not self.text:
            return key_line, key_col
        lines = self.text.splitlines()
        head = lines[key_line - 1] if key_line - 1 < len(lines) else ""
        after = head.split(":", 1)[1].split("#", 1)[0].strip() if ":" in head else ""
        if not after.startswith(("|", ">")):
            return key_line, key_col
        for raw in lines[key_line:]:
            if raw.strip():
                indent = len(raw) - len(raw.lstrip(" "))
                return key_line + line, (indent + column) if column is not None else None
        return key_line, key_col

    def problem(
        self,
        path: FieldPath,
        message: str,
        *,
        severity: Severity = "error",
        hint: str | None = None,
        code: str | None = None,
        obj: str | None = None,
    ) -> Problem:
        line, column = self.position(path)
        return Problem(
            severity,
            message,
            file=self.source,
            line=line,
            column=column,
            obj=obj or f"{self.object_word} {self.id}",
            field=format_path(path) or None,
            hint=hint,
            code=self.default_code if code is None else code,
        )


@dataclass
class Lesson(ContentFile):
    """One lesson file, parsed. Text fields are Markdown (prose) or YAML (clusters)."""

    id: str
    title: str
    topic: str
    difficulty: int
    minutes: int = DEFAULT_MINUTES
    order: int = DEFAULT_ORDER
    prerequisites: list[str] = field(default_factory=list)
    exploration: bool = False
    introduction: str = ""
    background: str = ""
    starter: str = ""
    solution: str = ""
    goal: list[Check] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    explanation: str = ""
    remember: str = ""
    # Objects that could exist (a look-alike pod in another namespace, a future pod, an outside
    # client): part of the evaluation like the background, so goals can check them.
    decoys: str = ""
    editable: list[str] = field(default_factory=list)  # background objects the learner may redefine
    # Mutations of the solution that are right answers for the task: {mutation id: reason}.
    equivalent_mutations: dict[str, str] = field(default_factory=dict)
    format: int = FORMAT_VERSION
    path: Path | None = None
    source: str = "<lesson>"  # the file name used in messages
    extra: dict[str, Any] = field(default_factory=dict)  # unknown top-level fields, kept as read
    document: Document | None = field(default=None, repr=False, compare=False)
    text: str = field(default="", repr=False, compare=False)  # the lesson file as read

    def block_position(
        self, name: str, line: int | None, column: int | None
    ) -> tuple[int | None, int | None]:
        """Map (line, column) inside a `name: |` block (background, starter, solution) to the
        lesson file. Falls back to the field's own position when the block cannot be mapped."""
        return self.block_at((name,), line, column)

    def cluster_yaml(self) -> str:
        """The lesson's cluster as one multi-document YAML text: the background, then the
        decoys."""
        if not self.decoys.strip():
            return self.background
        return self.background.rstrip("\n") + "\n---\n# Decoys\n" + self.decoys

    def check_by_id(self, check_id: str) -> Check | None:
        for c in self.goal:
            if c.id == check_id:
                return c
        return None
