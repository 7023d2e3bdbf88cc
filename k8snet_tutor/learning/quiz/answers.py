"""Reading a learner's answer for a question, and writing it back as JSON."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from k8snet_tutor.core.wording import describe_value
from k8snet_tutor.learning.lesson.goal import verdict
from k8snet_tutor.learning.quiz.matrix_key import matrix_key
from k8snet_tutor.learning.quiz.model import (
    _VERDICT_WORDS,
    AnyQuestion,
    BugQuestion,
    ChoiceQuestion,
    MatrixQuestion,
)


class AnswerError(ValueError):
    """An answer that cannot be read for its question (wrong shape, unknown option, ...)."""


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

    choice: options by their letter in the bank file (`b`, `[a, c]`, `"a,c"`), their number
    there (`2`), or their text (see `_parse_choice`); matrix: `{"SRC -> DST": allowed, ...}` or
    `{SRC: {DST: allowed}}`; bug: a line number; fix: the YAML text, or `{file: PATH}`.
    Raises AnswerError."""
    if raw is None:
        return None
    if isinstance(q, ChoiceQuestion):
        return _parse_choice(q, raw)
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
        raise AnswerError(f"a fix-the-YAML answer is YAML text, not {describe_value(raw)}")
    return raw


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _parse_choice(q: ChoiceQuestion, raw: Any) -> set[str]:
    """Options are named as the bank file has them, never by where a quiz showed them: the
    letter of the option in the bank (a = the first option written), its number there (1 =
    a), or its whole text. A list or a comma-separated string names several."""
    order = q.bank_order
    by_text = {_norm(o.text): o.id for o in order}
    items: list[Any]
    if isinstance(raw, str):
        whole = by_text.get(_norm(raw))
        if whole is not None:
            return {whole}
        items = [p for p in re.split(r"\s*,\s*|\s+", raw.strip()) if p]
    elif isinstance(raw, list):
        items = list(raw)
    elif isinstance(raw, int) and not isinstance(raw, bool):
        items = [raw]
    else:
        raise AnswerError(f"a choice answer is option letters, not {describe_value(raw)}")
    chosen: set[str] = set()
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool):
            if not 1 <= item <= len(order):
                raise AnswerError(f"there is no option {item}")
            chosen.add(order[item - 1].id)
            continue
        text = str(item)
        by_whole_text = by_text.get(_norm(text))
        if by_whole_text is not None:
            chosen.add(by_whole_text)
            continue
        letter = text.strip().lower().rstrip(").")
        if q.option(letter) is None:
            known = ", ".join(o.id for o in order)
            raise AnswerError(
                f"there is no option {item!r} (options: {known}, as the bank lists them, "
                "or an option's text)"
            )
        chosen.add(letter)
    return chosen


def answer_to_json(q: AnyQuestion, answer: Any) -> Any:
    """An answer as plain JSON data (for results files)."""
    if answer is None:
        return None
    if isinstance(q, ChoiceQuestion):
        return sorted(answer)
    if isinstance(q, MatrixQuestion):
        return {f"{s} -> {d}": verdict(v) for (s, d), v in sorted(answer.items())}
    return answer
