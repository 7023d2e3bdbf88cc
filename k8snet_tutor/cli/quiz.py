"""Take a self-assessment quiz: multiple choice, predict the matrix, spot the bug, fix the YAML.

The quiz opens in the terminal UI with a progress bar and ends on a review: the score per
topic, every wrong answer explained, and the lessons to study next. With --answers FILE it runs
headless (for scripts and tests): FILE is a JSON or YAML mapping of question id to answer, and
the review is printed as text.

Answers in an answers file:
  choice  option letters:            shared-ip: b            several-right: [a, c]
          (or the option's text:     shared-ip: "Both containers share one IP")
  matrix  one verdict per cell:      deny-db: {"default/web -> default/db": denied, ...}
  bug     the line number:           typo: 7
  fix     the YAML text, or a file:  protect-db: {file: fix.yaml}
Questions without an answer count as skipped. Options are named as the bank file lists them
(a = the first option written, b = the second, ...): the terminal UI shows them in an order
shuffled by the seed, and that order never changes what an answer or a result file means.

Results are saved as JSON and Markdown (--results FILE writes FILE.json and FILE.md; without
it they go to the results folder in the tutor's data folder) and added to the progress history.
The same BANK, --seed, --count and --topic always give the same questions in the same order;
with --count, the quiz has one question of each type the bank offers before any second one.

exit codes: 0 done, 1 --lint found errors, 2 some input could not be used
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from k8snet_tutor.cli.common import EXIT_CHECK_FAILED, EXIT_INPUT, EXIT_OK, fail, print_problems
from k8snet_tutor.core.manifests import load_text
from k8snet_tutor.core.problems import Problem
from k8snet_tutor.learning.lesson import TOPICS, LessonSet, discover
from k8snet_tutor.learning.quiz import (
    TYPE_NAMES,
    AnswerError,
    AnyQuestion,
    Bank,
    Grade,
    discover_banks,
    find_bank,
    grade,
    lint_bank,
    new_seed,
    parse_answer,
    select_questions,
)
from k8snet_tutor.learning.results import (
    QuizResult,
    build_result,
    record_history,
    remembered_name,
    save_results,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "bank",
        nargs="?",
        metavar="BANK",
        help="a bank id (see --list) or the path of a bank file; default: the instructor's bank "
        "(from --lessons or $K8SNET_TUTOR_LESSONS) if there is one, else the built-in bank",
    )
    parser.add_argument("--count", type=int, metavar="N", help="ask at most N questions")
    parser.add_argument(
        "--seed",
        type=int,
        metavar="N",
        help="the questions, their order and the order of each question's options "
        "(default: a random seed, shown with the results)",
    )
    parser.add_argument(
        "--topic",
        action="append",
        default=[],
        metavar="T",
        help=f"only questions on topic T ({', '.join(TOPICS)}); repeatable or comma-separated",
    )
    parser.add_argument(
        "--results",
        metavar="FILE",
        help="write the results to FILE.json and FILE.md (a FILE ending in .json or .md names "
        "one of them)",
    )
    parser.add_argument(
        "--results-dir",
        metavar="DIR",
        help="folder for results files named by time, bank and name (default: the results "
        "folder in the data folder, $K8SNET_TUTOR_HOME)",
    )
    parser.add_argument("--no-save", action="store_true", help="do not write results files")
    parser.add_argument(
        "--name",
        metavar="NAME",
        help="your name for the results file (optional; the UI asks once and remembers it)",
    )
    parser.add_argument(
        "--lessons",
        action="append",
        default=[],
        metavar="DIR",
        help="an instructor's lesson folder; its quiz banks are in DIR/quizzes (repeatable)",
    )
    parser.add_argument(
        "--answers",
        metavar="FILE",
        help="grade the answers in FILE (JSON or YAML: question id -> answer) without the UI, "
        "and print the review",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="output of --answers and --list: text (default) or json",
    )
    parser.add_argument(
        "--list", action="store_true", help="list the quiz banks and their question counts"
    )
    parser.add_argument(
        "--lint",
        action="store_true",
        help="check the bank (or every bank): right answers, explanations, topics, matrix keys "
        "computed by the evaluator, fix questions' solutions",
    )


def _topics(raw: list[str]) -> list[str] | None:
    out: list[str] = []
    for item in raw:
        for part in item.split(","):
            t = part.strip().lower()
            if not t:
                continue
            if t not in TOPICS:
                fail(f"unknown topic {t!r}", f"topics: {', '.join(TOPICS)}")
                return None
            if t not in out:
                out.append(t)
    return out


def run(args: argparse.Namespace) -> int:
    if args.list:
        return _list(args)
    if args.lint:
        return _lint(args)
    topics = _topics(args.topic)
    if topics is None:
        return EXIT_INPUT
    if args.count is not None and args.count < 1:
        return fail("--count must be at least 1")
    bank, problems = find_bank(args.bank, args.lessons)
    print_problems(problems)
    if bank is None:
        return EXIT_INPUT
    seed = args.seed if args.seed is not None else new_seed()
    # Headless answers name options by their letter in the bank: nothing to shuffle there.
    questions = select_questions(
        bank, count=args.count, seed=seed, topics=topics, shuffle=not args.answers
    )
    if not questions:
        return fail(
            f"bank {bank.id} has no question on {', '.join(topics) or 'any topic'}",
            f"its topics: {', '.join(bank.topics())}",
        )
    lessons = discover(args.lessons)
    if args.answers:
        return _headless(args, bank, questions, seed, topics, lessons)
    return _interactive(args, bank, questions, seed, topics, lessons)


# --------------------------------------------------------------------------------------------
# Headless


def _read_answers(path: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    p = Path(path)
    try:
        text = sys.stdin.read() if path == "-" else p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem("error", f"cannot read the answers file: {exc}", file=path)]
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            return None, [
                Problem(
                    "error",
                    f"not valid JSON: {exc.msg}",
                    file=path,
                    line=exc.lineno,
                    column=exc.colno,
                )
            ]
    else:
        docs, problems = load_text(text, path)
        if any(p.severity == "error" for p in problems):
            return None, problems
        data = docs[0].data if docs else {}
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [
            Problem(
                "error",
                "the answers file should be a mapping: question id -> answer",
                file=path,
                line=1,
                column=1,
            )
        ]
    return {str(k): v for k, v in data.items()}, []


def _headless(
    args: argparse.Namespace,
    bank: Bank,
    questions: list[AnyQuestion],
    seed: int,
    topics: list[str],
    lessons: LessonSet,
) -> int:
    answers, problems = _read_answers(args.answers)
    print_problems(problems)
    if answers is None:
        return EXIT_INPUT
    base = Path(args.answers).resolve().parent if args.answers != "-" else None
    code = EXIT_OK
    grades: list[Grade] = []
    asked = {q.id for q in questions}
    for qid in answers:
        if qid not in asked:
            where = "this quiz" if bank.question(qid) else f"bank {bank.id}"
            print(
                f"{args.answers}: warning: question {qid!r} is not in {where}; ignored",
                file=sys.stderr,
            )
    for q in questions:
        try:
            answer = parse_answer(q, answers.get(q.id), base)
        except AnswerError as exc:
            print(
                f"{args.answers}: error: question {q.id}: {exc}; counted as not answered",
                file=sys.stderr,
            )
            answer = None
            code = EXIT_INPUT
        grades.append(grade(q, answer))
    name = args.name or remembered_name()
    result = build_result(
        bank, grades, seed=seed, name=name, topics=topics, count=args.count, lessons=lessons
    )
    saved = _save(args, result)
    if args.format == "json":
        out = result.to_dict()
        out["files"] = [str(p) for p in saved]
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        print(result.review_text())
        if saved:
            print(f"Results saved to {saved[0]} and {saved[1]}")
    return code


def _save(args: argparse.Namespace, result: QuizResult) -> tuple[Path, ...]:
    saved: tuple[Path, ...] = ()
    if not args.no_save:
        try:
            saved = save_results(result, args.results, folder=args.results_dir)
        except OSError as exc:
            print(f"error: could not write the results: {exc}", file=sys.stderr)
    for warning in record_history(result, saved[0] if saved else None):
        print(f"warning: {warning}", file=sys.stderr)
    return saved


# --------------------------------------------------------------------------------------------
# The UI


def _interactive(
    args: argparse.Namespace,
    bank: Bank,
    questions: list[AnyQuestion],
    seed: int,
    topics: list[str],
    lessons: LessonSet,
) -> int:
    from k8snet_tutor.tui.quiz_screen import QuizApp

    name = args.name
    app = QuizApp(
        bank,
        questions,
        seed=seed,
        name=name if name is not None else remembered_name(),
        ask_name=name is None,
        lessons=lessons,
        results=args.results,
        results_dir=args.results_dir,
        save=not args.no_save,
        topics=topics,
        count=args.count,
    )
    result = app.run()
    if result is None:
        print("Quiz left before the end; nothing was saved.")
        return EXIT_OK
    print(f"{bank.title}: {result.score_text()}")
    for path in app.saved:
        print(f"Results saved to {path}")
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# --list and --lint


def _list(args: argparse.Namespace) -> int:
    banks = discover_banks(args.lessons)
    print_problems(banks.problems)
    if args.format == "json":
        data = [
            {
                "id": b.id,
                "title": b.title,
                "questions": len(b.questions),
                "by_type": b.count_by("type"),
                "by_topic": b.count_by("topic"),
                "file": b.source,
                "instructor": b.id in banks.instructor,
            }
            for b in banks
        ]
        print(json.dumps(data, indent=2))
        return EXIT_OK
    if not banks.banks:
        print("No quiz banks found.")
        return EXIT_INPUT
    default = banks.default()
    for b in banks:
        mark = " (default)" if default is not None and b.id == default.id else ""
        print(f"{b.id}{mark}: {b.title}, {len(b.questions)} questions")
        types = b.count_by("type")
        print("  types:  " + ", ".join(f"{TYPE_NAMES[t]} {n}" for t, n in types.items()))
        topics = b.count_by("topic")
        print("  topics: " + ", ".join(f"{t} {topics[t]}" for t in TOPICS if t in topics))
        print(f"  file:   {b.source}")
    return EXIT_OK


def _lint(args: argparse.Namespace) -> int:
    known = discover(args.lessons).ids()
    if args.bank is not None:
        bank, problems = find_bank(args.bank, args.lessons)
        banks = [bank] if bank is not None else []
    else:
        found = discover_banks(args.lessons)
        banks, problems = list(found.banks), list(found.problems)
    for b in banks:
        problems.extend(lint_bank(b, known))
    print_problems(problems)
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = sum(1 for p in problems if p.severity == "warning")
    count = sum(len(b.questions) for b in banks)
    print(f"{len(banks)} bank(s), {count} question(s): {errors} error(s), {warnings} warning(s)")
    if not banks:
        return EXIT_INPUT
    return EXIT_CHECK_FAILED if errors else EXIT_OK
