"""Choosing questions: a reproducible order for a seed."""

from __future__ import annotations

import random
from collections.abc import Sequence

from k8snet_tutor.learning.quiz.model import AnyQuestion, Bank

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
