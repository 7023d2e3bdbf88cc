"""Choice options are shuffled per seed (issue 13: in the built-in bank the right answer was
always a)), answers and grades name options by their identity (the bank letter), grading is
unchanged by the order shown, and a quiz with --count mixes the question types."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path

import pytest

from k8snet_tutor.cli.main import main
from k8snet_tutor.learning.quiz import (
    BUILTIN_BANK,
    QUESTION_TYPES,
    AnswerError,
    Bank,
    ChoiceQuestion,
    answer_to_json,
    builtin_quizzes_dir,
    grade,
    load_bank,
    parse_answer,
    select_questions,
    shuffle_options,
)

SEEDS = range(200)
# Chi-square critical values at p = 0.001 for 1..5 degrees of freedom.
CHI2_CRITICAL = {1: 10.83, 2: 13.82, 3: 16.27, 4: 18.47, 5: 20.52}
BANK_FILE = builtin_quizzes_dir() / f"{BUILTIN_BANK}.yaml"


@pytest.fixture(scope="module")
def bank() -> Bank:
    b, problems = load_bank(BANK_FILE)
    assert b is not None and not problems
    return b


def choice_questions(bank: Bank) -> list[ChoiceQuestion]:
    out = [q for q in bank.questions if isinstance(q, ChoiceQuestion)]
    assert len(out) >= 20
    return out


def chi_square(counts: Counter[int], positions: int) -> float:
    total = sum(counts.values())
    expected = total / positions
    return sum((counts.get(i, 0) - expected) ** 2 / expected for i in range(positions))


def test_right_option_position_is_spread_evenly(bank: Bank) -> None:
    """Over many seeds, where the (single) right option is shown is uniform for every number
    of options: chi-square below the p = 0.001 critical value. Before shuffling it was always
    position 0 (statistic in the thousands)."""
    by_size: dict[int, Counter[int]] = {}
    for q in choice_questions(bank):
        if len(q.correct_ids) != 1:
            continue
        counts = by_size.setdefault(len(q.options), Counter())
        for seed in SEEDS:
            shown = shuffle_options(q, seed)
            counts[next(i for i, o in enumerate(shown.options) if o.correct)] += 1
    assert by_size and sum(sum(c.values()) for c in by_size.values()) >= 20 * len(SEEDS)
    for size, counts in by_size.items():
        statistic = chi_square(counts, size)
        assert statistic < CHI2_CRITICAL[size - 1], (size, dict(counts), statistic)
        # And a plain bound: every position gets between half and twice its share.
        share = sum(counts.values()) / size
        assert all(share / 2 < counts[i] < share * 2 for i in range(size)), (size, counts)


def test_unshuffled_bank_would_fail_the_spread_test(bank: Bank) -> None:
    """The test above can fail: the bank's own order puts every right answer first."""
    counts: Counter[int] = Counter()
    for q in choice_questions(bank):
        if len(q.correct_ids) == 1 and len(q.options) == 4:
            counts[next(i for i, o in enumerate(q.options) if o.correct)] += len(SEEDS)
    assert chi_square(counts, 4) > CHI2_CRITICAL[3]


def test_shuffle_is_reproducible_and_relabels_by_position(bank: Bank) -> None:
    questions = choice_questions(bank)
    for q in questions:
        shown = shuffle_options(q, 7)
        assert [o.id for o in shuffle_options(q, 7).options] == [o.id for o in shown.options]
        assert sorted(o.id for o in shown.options) == sorted(o.id for o in q.options)
        assert [o.shown for o in shown.options] == [
            chr(ord("a") + i) for i in range(len(q.options))
        ]
        assert shown.correct_ids == q.correct_ids  # identities, not positions
        assert [o.id for o in shown.bank_order] == [o.id for o in q.options]
    # Another seed, another order (for most questions: 1 in 24 or 1 in 6 stay by chance).
    moved = [
        q.id
        for q in questions
        if [o.id for o in shuffle_options(q, 1).options]
        != [o.id for o in shuffle_options(q, 2).options]
    ]
    assert len(moved) > len(questions) // 2


def answers_for(q: ChoiceQuestion) -> list[set[str]]:
    """Every non-empty set of options (up to 4 options: 15 sets)."""
    ids = [o.id for o in q.options]
    return [set(c) for n in range(1, len(ids) + 1) for c in itertools.combinations(ids, n)]


def test_grading_is_unchanged_by_the_order_shown(bank: Bank) -> None:
    for q in choice_questions(bank):
        for seed in range(0, 200, 25):
            shown = shuffle_options(q, seed)
            for answer in [*answers_for(q), None]:
                before, after = grade(q, answer), grade(shown, answer)
                assert (after.score, after.outcome) == (before.score, before.outcome)
                assert answer_to_json(shown, answer) == answer_to_json(q, answer)


def test_review_names_the_letters_the_learner_saw(bank: Bank) -> None:
    q = next(q for q in choice_questions(bank) if len(q.correct_ids) == 1)
    seed = next(s for s in SEEDS if shuffle_options(q, s).options[0].correct is False)
    shown = shuffle_options(q, seed)
    wrong = shown.options[0]  # shown first, labelled a)
    right = next(o for o in shown.options if o.correct)
    g = grade(shown, {wrong.id})
    assert g.score == 0
    assert any(line.startswith(f"You chose a) {wrong.text}") for line in g.feedback)
    assert any(line.startswith(f"You missed {right.shown}) {right.text}") for line in g.feedback)
    assert g.right_answer == f"{right.shown}) {right.text}"


def test_answers_name_options_by_bank_letter_number_or_text(bank: Bank) -> None:
    q = choice_questions(bank)[0]
    shown = shuffle_options(q, 3)
    first = q.options[0]
    for question in (q, shown):
        assert parse_answer(question, "a") == {"a"}
        assert parse_answer(question, 1) == {"a"}
        assert parse_answer(question, f"  {first.text.upper()} ") == {first.id}
        assert parse_answer(question, [first.text, "b"]) == {"a", "b"}
        assert parse_answer(question, "a, c") == {"a", "c"}
    with pytest.raises(AnswerError, match="as the bank lists them"):
        parse_answer(shown, "z")


def test_a_short_quiz_mixes_the_question_types(bank: Bank) -> None:
    kinds = {q.type for q in bank.questions}
    assert kinds == set(QUESTION_TYPES)
    for seed in range(60):
        quiz = select_questions(bank, count=8, seed=seed)
        assert len(quiz) == 8 and {q.type for q in quiz} == kinds, seed
        two = select_questions(bank, count=2, seed=seed)
        assert len({q.type for q in two}) == 2
        # Choice options come shuffled; the question ids stay the seed's.
        assert [q.id for q in select_questions(bank, count=8, seed=seed, shuffle=False)] == [
            q.id for q in quiz
        ]


def test_headless_answers_use_bank_letters_whatever_the_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bank: Bank
) -> None:
    q = next(q for q in choice_questions(bank) if len(q.correct_ids) == 1)
    right = next(o for o in q.options if o.correct)
    answers = tmp_path / "answers.yaml"
    scores = []
    for seed, answer in ((1, right.id), (2, right.id), (3, json.dumps(right.text))):
        answers.write_text(f"{q.id}: {answer}\n", encoding="utf-8")
        code = main(
            [
                "quiz",
                str(BANK_FILE),
                "--seed",
                str(seed),
                "--answers",
                str(answers),
                "--format",
                "json",
                "--no-save",
            ]
        )
        data = json.loads(capsys.readouterr().out)
        assert code == 0
        mine = [x for x in data["questions"] if x["id"] == q.id]
        assert mine and mine[0]["answer"] == [right.id]
        scores.append(mine[0]["outcome"])
    assert scores == ["correct", "correct", "correct"]
