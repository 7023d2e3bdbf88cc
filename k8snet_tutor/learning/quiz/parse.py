"""Reading a quiz bank file into typed questions, with positioned problems."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from k8snet_tutor.core.manifests import load_text
from k8snet_tutor.core.problems import FieldPath, Problem
from k8snet_tutor.core.wording import describe_value, did_you_mean
from k8snet_tutor.learning.lesson.goal import Check
from k8snet_tutor.learning.lesson.model import DIFFICULTIES, ID_PATTERN, TOPICS
from k8snet_tutor.learning.lesson.parse import _equivalent_mutations, read_text_file
from k8snet_tutor.learning.lesson.parse_goal import _parse_check
from k8snet_tutor.learning.lesson.reader import _Reader
from k8snet_tutor.learning.quiz.model import (
    BANK_FIELDS,
    COMMON_FIELDS,
    DEFAULT_TIME_LIMIT,
    MATRIX_KEY_FIELDS,
    MAX_BANK_BYTES,
    OPTION_FIELDS,
    QUESTION_TYPES,
    QUIZ_FORMAT,
    SUPPORTED_QUIZ_FORMATS,
    TYPE_FIELDS,
    AnyQuestion,
    Bank,
    BugQuestion,
    ChoiceQuestion,
    FixQuestion,
    MatrixQuestion,
    Option,
)

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
            f"`{what}` should be a list of checks, not {describe_value(raw)}",
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
        near = did_you_mean(str(key), allowed)
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
            f"`answer` should be a line number or text, not {describe_value(raw)}",
            code="quiz-schema",
        )
        return None
    return BugQuestion(
        snippet=snippet, answer=line, background=background, symptom=symptom, **common
    )


def _parse_fix(
    r: _Reader, m: Mapping[str, Any], path: FieldPath, common: dict[str, Any]
) -> FixQuestion | None:
    texts = {
        k: _text_field(r, m, k, path) for k in ("background", "decoys", "starter", "solution")
    }
    goal = _checks(r, m.get("goal"), (*path, "goal"), "goal")
    hints = r.string_list(m.get("hints"), (*path, "hints"), "`hints`")
    limit: int | None = DEFAULT_TIME_LIMIT
    if m.get("time_limit") is not None:
        limit = r.integer(
            m.get("time_limit"), (*path, "time_limit"), "`time_limit` (seconds)", minimum=10
        )
    equivalent = _equivalent_mutations(
        r, m.get("equivalent_mutations"), (*path, "equivalent_mutations"), "quiz-schema"
    )
    if (
        any(v is None for v in texts.values())
        or goal is None
        or hints is None
        or limit is None
        or equivalent is None
    ):
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
        decoys=texts["decoys"] or "",
        starter=texts["starter"] or "",
        solution=texts["solution"] or "",
        goal=goal,
        hints=hints,
        time_limit=limit,
        equivalent_mutations=equivalent,
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
            near = did_you_mean(str(key), BANK_FIELDS)
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
