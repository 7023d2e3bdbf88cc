"""Reading a whole lesson file: `parse_lesson`, `load_lesson`, and the size-limited text reader
quiz banks use too."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from k8snet_tutor.core.manifests import load_text
from k8snet_tutor.core.problems import FieldPath, Problem
from k8snet_tutor.core.wording import describe_value, did_you_mean
from k8snet_tutor.learning.lesson.goal import Check
from k8snet_tutor.learning.lesson.model import (
    DEFAULT_MINUTES,
    DEFAULT_ORDER,
    DIFFICULTIES,
    FORMAT_VERSION,
    ID_PATTERN,
    KNOWN_FIELDS,
    MAX_LESSON_BYTES,
    SUPPORTED_FORMATS,
    TOPICS,
    Lesson,
)
from k8snet_tutor.learning.lesson.parse_goal import _parse_check
from k8snet_tutor.learning.lesson.reader import _Reader


def parse_lesson(
    text: str, source: str = "<lesson>", path: Path | None = None
) -> tuple[Lesson | None, list[Problem]]:
    """Parse lesson text. Returns (lesson, problems); the lesson is None when any is an error."""
    docs, load_problems = load_text(text, source)
    problems = list(load_problems)
    if any(p.severity == "error" for p in problems):
        return None, problems
    docs = [d for d in docs if d.data is not None]
    if len(docs) != 1:
        if not docs:
            problems.append(
                Problem(
                    "error",
                    "the lesson file is empty",
                    file=source,
                    line=1,
                    column=1,
                    hint="start from `k8snet-tutor lessons new ID`",
                    code="lesson-schema",
                )
            )
        else:
            line, col = docs[1].position() or (None, None)
            problems.append(
                Problem(
                    "error",
                    f"a lesson file holds exactly one YAML document, this one has {len(docs)}",
                    file=source,
                    line=line,
                    column=col,
                    hint="put the cluster objects inside `background:` or `solution:` "
                    "as a `|` block, not as separate documents",
                    code="lesson-schema",
                )
            )
        return None, problems
    doc = docs[0]
    r = _Reader(doc, source)
    raw = r.mapping(doc.data, (), "the lesson")
    if raw is None:
        return None, problems + r.problems

    # Format first: a newer format may mean anything below is unreadable.
    fmt = raw.get("format")
    if fmt is None:
        r.report((), "missing `format`", f"write `format: {FORMAT_VERSION}` at the top")
    elif isinstance(fmt, bool) or not isinstance(fmt, int):
        r.report(("format",), f"`format` should be a number, not {describe_value(fmt)}")
    elif fmt not in SUPPORTED_FORMATS:
        newest = max(SUPPORTED_FORMATS)
        r.report(
            ("format",),
            f"this lesson uses format {fmt}, but this version of k8snet-tutor reads format "
            f"{', '.join(str(f) for f in sorted(SUPPORTED_FORMATS))}",
            "upgrade k8snet-tutor" if fmt > newest else f"use `format: {newest}`",
            code="lesson-format",
        )
        return None, problems + r.problems

    extra: dict[str, Any] = {}
    for key in raw:
        if key not in KNOWN_FIELDS:
            near = did_you_mean(str(key), KNOWN_FIELDS)
            r.report(
                (key,),
                f"unknown lesson field `{key}` (ignored)",
                f"did you mean `{near}`?" if near else "see lessons/README.md for the fields",
                severity="warning",
                code="lesson-unknown-field",
            )
            extra[str(key)] = raw[key]

    lesson_id = raw.get("id")
    if lesson_id is None:
        r.report((), "missing `id`", "write `id: my-lesson` (lowercase letters, digits and '-')")
    elif not isinstance(lesson_id, str) or not ID_PATTERN.match(lesson_id):
        r.report(
            ("id",),
            f"bad lesson id {lesson_id!r}: use lowercase letters, digits and '-'",
            "for example `id: first-policy`",
        )
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        r.report(
            ("title",) if "title" in raw else (),
            "missing or empty `title`",
            'write `title: "What this lesson teaches"`',
        )
    topic = raw.get("topic")
    if topic not in TOPICS:
        r.report(
            ("topic",) if "topic" in raw else (),
            f"`topic` should be one of {', '.join(TOPICS)}"
            + (f", not {topic!r}" if topic is not None else ""),
            code="lesson-topic",
        )
    difficulty = raw.get("difficulty")
    if isinstance(difficulty, bool) or difficulty not in DIFFICULTIES:
        r.report(
            ("difficulty",) if "difficulty" in raw else (),
            "`difficulty` should be 1 (beginner), 2 or 3 (advanced)"
            + (f", not {difficulty!r}" if difficulty is not None else ""),
            code="lesson-difficulty",
        )
    minutes = (
        r.integer(raw["minutes"], ("minutes",), "`minutes`", minimum=1)
        if raw.get("minutes") is not None
        else DEFAULT_MINUTES
    )
    order = (
        r.integer(raw["order"], ("order",), "`order`")
        if raw.get("order") is not None
        else DEFAULT_ORDER
    )
    prerequisites = r.string_list(raw.get("prerequisites"), ("prerequisites",), "`prerequisites`")
    exploration = (
        r.boolean(raw["exploration"], ("exploration",), "`exploration`")
        if raw.get("exploration") is not None
        else False
    )
    texts: dict[str, str] = {}
    for key in (
        "introduction",
        "background",
        "decoys",
        "starter",
        "solution",
        "explanation",
        "remember",
    ):
        value = r.text(raw.get(key), (key,))
        texts[key] = value if value is not None else ""
    hints: list[str] = []
    raw_hints = raw.get("hints")
    if isinstance(raw_hints, str):
        raw_hints = [raw_hints]
    if raw_hints is not None and not isinstance(raw_hints, list):
        r.report(("hints",), "`hints` should be a list of strings", '- "First hint"')
    for i, h in enumerate(raw_hints if isinstance(raw_hints, list) else []):
        if not isinstance(h, str):
            r.report(
                ("hints", i),
                f"a hint should be a string, not {describe_value(h)}",
                "quote it if it contains `: ` or starts with a special character",
            )
        elif h.strip():
            hints.append(h.strip())

    editable = r.string_list(raw.get("editable"), ("editable",), "`editable`")
    equivalent = _equivalent_mutations(r, raw.get("equivalent_mutations"))

    goal: list[Check] = []
    raw_goal = raw.get("goal")
    if raw_goal is None:
        if not exploration:
            r.report(
                (), "missing `goal`", "add `goal:` with a list of checks (see lessons/README.md)"
            )
    elif not isinstance(raw_goal, list):
        r.report(
            ("goal",),
            f"`goal` should be a list of checks, not {describe_value(raw_goal)}",
            "write `goal:` and one `- probes: ...` (or other check) per line below it",
        )
    else:
        for i, item in enumerate(raw_goal):
            check = _parse_check(r, item, ("goal", i), i)
            if check is not None:
                goal.append(check)

    if r.failed or any(p.severity == "error" for p in problems):
        return None, problems + r.problems
    assert isinstance(lesson_id, str) and isinstance(title, str) and isinstance(topic, str)
    assert isinstance(difficulty, int) and minutes is not None and order is not None
    assert prerequisites is not None and exploration is not None and isinstance(fmt, int)
    assert editable is not None and equivalent is not None
    lesson = Lesson(
        id=lesson_id,
        title=title.strip(),
        topic=topic,
        difficulty=difficulty,
        minutes=minutes,
        order=order,
        prerequisites=prerequisites,
        exploration=exploration,
        introduction=texts["introduction"],
        background=texts["background"],
        starter=texts["starter"],
        solution=texts["solution"],
        goal=goal,
        hints=hints,
        explanation=texts["explanation"],
        remember=texts["remember"].strip(),
        decoys=texts["decoys"],
        editable=editable,
        equivalent_mutations=equivalent,
        format=fmt,
        path=path,
        source=source,
        extra=extra,
        document=doc,
        text=text,
    )
    return lesson, problems + r.problems


def _equivalent_mutations(
    r: _Reader,
    raw: Any,
    path: FieldPath = ("equivalent_mutations",),
    code: str = "lesson-schema",
) -> dict[str, str] | None:
    """`equivalent_mutations`: a list of `{id: MUTATION-ID, reason: WHY}` (a lesson's, or a quiz
    `fix` question's at `path`)."""
    if raw is None:
        return {}
    if not isinstance(raw, list):
        r.report(
            path, "`equivalent_mutations` should be a list of `{id: ..., reason: ...}`", code=code
        )
        return None
    out: dict[str, str] = {}
    ok = True
    for i, item in enumerate(raw):
        mid = item.get("id") if isinstance(item, dict) else None
        reason = item.get("reason") if isinstance(item, dict) else None
        if not isinstance(mid, str) or not mid.strip():
            r.report(
                (*path, i),
                "an equivalent mutation needs an `id` (as `lessons lint` prints it)",
                "write `- {id: NetworkPolicy/ns/name:spec.podSelector:empty, reason: ...}`",
                code=code,
            )
            ok = False
        elif not isinstance(reason, str) or not reason.strip():
            r.report(
                (*path, i),
                f"equivalent mutation {mid!r} needs a `reason`: why it is a right answer",
                code=code,
            )
            ok = False
        else:
            out[mid.strip()] = reason.strip()
    return out if ok else None


def read_text_file(
    path: str | os.PathLike[str], what: str, max_bytes: int, code: str
) -> tuple[str | None, Problem | None]:
    """Read a UTF-8 content file (a lesson, a quiz bank) with a size limit: the text, or a
    problem naming `what` it is. Codes are `<code>-too-large`, `-unreadable`, `-encoding`."""
    source = str(path)
    p = Path(path)
    try:
        if p.stat().st_size > max_bytes:
            return None, Problem(
                "error",
                f"the {what} file is larger than {max_bytes // 1024 // 1024} MiB",
                file=source,
                code=f"{code}-too-large",
            )
        raw = p.read_bytes()
    except OSError as exc:
        return None, Problem(
            "error",
            f"cannot read the {what} file: {exc.strerror or exc}",
            file=source,
            code=f"{code}-unreadable",
        )
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return None, Problem(
            "error",
            f"the {what} file is not UTF-8 text (byte {exc.start})",
            file=source,
            hint="save it as UTF-8",
            code=f"{code}-encoding",
        )


def load_lesson(path: str | os.PathLike[str]) -> tuple[Lesson | None, list[Problem]]:
    """Read one lesson file. Never raises for bad input: problems carry file:line:column."""
    text, problem = read_text_file(path, "lesson", MAX_LESSON_BYTES, "lesson")
    if text is None:
        return None, [problem] if problem else []
    return parse_lesson(text, str(path), Path(path))
