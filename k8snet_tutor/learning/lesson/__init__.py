"""Lesson files: the format of `lessons/README.md`, read with positions, and found on disk.

A lesson is one YAML file. `load_lesson(path)` reads it into a `Lesson` (its goal already parsed
into typed checks) or returns schema problems with file, line and column; it never raises for
bad input. `discover()` finds the built-in lessons plus instructor folders and sorts them into a
`LessonSet`. Grading the learner's YAML against a lesson's goal lives in `checks.py`.

Layout: `goal` (the check types of a `goal:` section), `model` (Lesson, ContentFile and the
format's constants), `reader` (typed, positioned access to parsed YAML, shared with quiz banks),
`parse_goal` (one parser per check type), `parse` (a whole lesson file) and `catalog` (finding
lessons on disk). This module re-exports their public names.
"""

from __future__ import annotations

import k8snet_tutor  # noqa: F401  (kept as a name here: callers reach the package through it)
from k8snet_tutor.learning.lesson.catalog import (
    LessonSet,
    builtin_lessons_dir,
    discover,
    lesson_files,
)
from k8snet_tutor.learning.lesson.goal import (
    CHECK_TYPES,
    Check,
    EndpointsCheck,
    ExposedCheck,
    ForbidCheck,
    HeadlessCheck,
    LabelsCheck,
    MaxPoliciesCheck,
    NameRef,
    ObjectsCheck,
    Probe,
    ProbesCheck,
    RequireCheck,
    Role,
    SelectsCheck,
    ServicePortCheck,
    TableCheck,
    TableOverride,
    UniquePortsCheck,
    qualify,
    service_id,
    verdict,
)
from k8snet_tutor.learning.lesson.model import (
    DEFAULT_MINUTES,
    DEFAULT_ORDER,
    DIFFICULTIES,
    FORMAT_VERSION,
    ID_PATTERN,
    KNOWN_FIELDS,
    LESSON_SUFFIXES,
    MAX_LESSON_BYTES,
    QUIZ_FOLDER,
    SUPPORTED_FORMATS,
    TOPICS,
    ContentFile,
    Lesson,
)
from k8snet_tutor.learning.lesson.parse import (
    load_lesson,
    parse_lesson,
    read_text_file,
)
from k8snet_tutor.learning.lesson.parse_goal import (
    COMMON_CHECK_KEYS,
)
from k8snet_tutor.learning.lesson.parse_goal import (
    _parse_check as _parse_check,
)
from k8snet_tutor.learning.lesson.reader import (
    _Reader as _Reader,
)

__all__ = [
    "CHECK_TYPES",
    "COMMON_CHECK_KEYS",
    "Check",
    "ContentFile",
    "DEFAULT_MINUTES",
    "DEFAULT_ORDER",
    "DIFFICULTIES",
    "EndpointsCheck",
    "ExposedCheck",
    "HeadlessCheck",
    "FORMAT_VERSION",
    "ForbidCheck",
    "ID_PATTERN",
    "KNOWN_FIELDS",
    "LESSON_SUFFIXES",
    "LabelsCheck",
    "Lesson",
    "LessonSet",
    "MAX_LESSON_BYTES",
    "MaxPoliciesCheck",
    "NameRef",
    "ObjectsCheck",
    "Probe",
    "ProbesCheck",
    "QUIZ_FOLDER",
    "RequireCheck",
    "Role",
    "SUPPORTED_FORMATS",
    "SelectsCheck",
    "ServicePortCheck",
    "TOPICS",
    "TableCheck",
    "TableOverride",
    "UniquePortsCheck",
    "builtin_lessons_dir",
    "discover",
    "lesson_files",
    "load_lesson",
    "parse_lesson",
    "qualify",
    "read_text_file",
    "service_id",
    "verdict",
]
