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

Layout: `model` (questions, banks, the matrix key type), `parse` (reading a bank file),
`catalog` (finding banks), `selection` (choosing questions), `matrix_key` (the key, from the
evaluator), `answers` (reading an answer), `grading` (grades and what to study next) and `lint`
(proving a bank usable). This module re-exports their public names.
"""

from __future__ import annotations

from k8snet_tutor.learning.quiz.answers import (
    AnswerError,
    answer_to_json,
    parse_answer,
    parse_verdict,
)
from k8snet_tutor.learning.quiz.catalog import (
    BankSet,
    bank_files,
    builtin_quizzes_dir,
    discover_banks,
    find_bank,
    quiz_dirs,
)
from k8snet_tutor.learning.quiz.grading import (
    CellGrade,
    Grade,
    check_fix,
    grade,
    study_next,
)
from k8snet_tutor.learning.quiz.lint import (
    lint_bank,
    lint_banks,
)
from k8snet_tutor.learning.quiz.matrix_key import (
    cluster_summary,
    matrix_cells,
    matrix_key,
)
from k8snet_tutor.learning.quiz.model import (
    BANK_FIELDS,
    BUILTIN_BANK,
    CLUSTER_SOURCE,
    COMMON_FIELDS,
    DEFAULT_TIME_LIMIT,
    MATRIX_KEY_FIELDS,
    MAX_BANK_BYTES,
    MAX_MATRIX_NODES,
    OPTION_FIELDS,
    POLICIES_SOURCE,
    QUESTION_TYPES,
    QUIZ_FORMAT,
    SUPPORTED_QUIZ_FORMATS,
    TRANSLATION_NOTICES,
    TYPE_FIELDS,
    TYPE_NAMES,
    AnyQuestion,
    Bank,
    BugQuestion,
    ChoiceQuestion,
    FixQuestion,
    MatrixKey,
    MatrixQuestion,
    Option,
    Question,
)
from k8snet_tutor.learning.quiz.parse import (
    load_bank,
    parse_bank,
)
from k8snet_tutor.learning.quiz.selection import (
    new_seed,
    select_questions,
    shuffle_options,
)

__all__ = [
    "AnswerError",
    "AnyQuestion",
    "BANK_FIELDS",
    "BUILTIN_BANK",
    "Bank",
    "BankSet",
    "BugQuestion",
    "CLUSTER_SOURCE",
    "COMMON_FIELDS",
    "CellGrade",
    "ChoiceQuestion",
    "DEFAULT_TIME_LIMIT",
    "FixQuestion",
    "Grade",
    "MATRIX_KEY_FIELDS",
    "MAX_BANK_BYTES",
    "MAX_MATRIX_NODES",
    "MatrixKey",
    "MatrixQuestion",
    "OPTION_FIELDS",
    "Option",
    "POLICIES_SOURCE",
    "QUESTION_TYPES",
    "QUIZ_FORMAT",
    "Question",
    "SUPPORTED_QUIZ_FORMATS",
    "TRANSLATION_NOTICES",
    "TYPE_FIELDS",
    "TYPE_NAMES",
    "answer_to_json",
    "bank_files",
    "builtin_quizzes_dir",
    "check_fix",
    "cluster_summary",
    "discover_banks",
    "find_bank",
    "grade",
    "lint_bank",
    "lint_banks",
    "load_bank",
    "matrix_cells",
    "matrix_key",
    "new_seed",
    "parse_answer",
    "parse_bank",
    "parse_verdict",
    "quiz_dirs",
    "select_questions",
    "shuffle_options",
    "study_next",
]
