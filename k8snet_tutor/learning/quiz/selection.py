"""Choosing questions: a reproducible order for a seed, a mix of question types, and the options
of choice questions shuffled."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence

from k8snet_tutor.learning.quiz.model import AnyQuestion, Bank, ChoiceQuestion

# Choosing questions


def new_seed() -> int:
    return random.SystemRandom().randrange(1, 1_000_000)


def select_questions(
    bank: Bank,
    *,
    count: int | None = None,
    seed: int = 0,
    topics: Sequence[str] = (),
    shuffle: bool = True,
) -> list[AnyQuestion]:
    """The quiz: questions of `topics` (all when empty) in an order fixed by `seed`, at most
    `count` of them. The same bank, seed, count and topics always give the same quiz.

    When `count` leaves questions out, the quiz still has one question of each type the pool
    has (as far as `count` allows): the first of each type in the seed's order, then the next
    questions in that order. With `shuffle` the options of choice questions are shown
    in an order drawn from the seed and the question (see `shuffle_options`)."""
    wanted = set(topics)
    pool = [q for q in bank.questions if not wanted or q.topic in wanted]
    random.Random(seed).shuffle(pool)
    if count is not None:
        pool = _mixed(pool, max(count, 0))
    if shuffle:
        pool = [shuffle_options(q, seed) if isinstance(q, ChoiceQuestion) else q for q in pool]
    return pool


def _mixed(pool: list[AnyQuestion], count: int) -> list[AnyQuestion]:
    """`count` questions of `pool` (already in the seed's order), one of each type first."""
    if count >= len(pool):
        return pool
    chosen: set[int] = set()
    seen_types: set[str] = set()
    for i, q in enumerate(pool):
        if len(chosen) == count:
            break
        if q.type not in seen_types:
            seen_types.add(q.type)
            chosen.add(i)
    for i in range(len(pool)):
        if len(chosen) == count:
            break
        chosen.add(i)
    return [q for i, q in enumerate(pool) if i in chosen]


def shuffle_options(q: ChoiceQuestion, seed: int) -> ChoiceQuestion:
    """The question with its options in an order drawn from the seed and the question id, each
    labelled a), b), ... by where it is shown. Option ids (the bank's letters) are unchanged,
    so answers, grading and results do not depend on the order shown."""
    options = q.bank_order
    random.Random(f"{seed}/{q.bank}/{q.id}").shuffle(options)
    labelled = [
        dataclasses.replace(o, label=chr(ord("a") + i) if i < 26 else f"o{i + 1}")
        for i, o in enumerate(options)
    ]
    return dataclasses.replace(q, options=labelled)
