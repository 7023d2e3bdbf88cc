"""List, show, check, lint or scaffold lessons.

  k8snet-tutor lessons list [--format json]        the curriculum, in order
  k8snet-tutor lessons show ID [--starter]         the introduction and the goal (or the starter YAML)
  k8snet-tutor lessons check ID FILE [--format json]   grade your YAML ('-' reads stdin)
  k8snet-tutor lessons lint [DIR ...] [--strict] [--quick]
                                                   prove that a lesson pack works, goal strength
                                                   included (--quick skips the mutation lint)
  k8snet-tutor lessons new ID [--dir DIR]          write a lesson skeleton to fill in

--lessons DIR (repeatable) adds an instructor's lesson folder; so does $K8SNET_TUTOR_LESSONS.
Exit codes: 0 done (all checks pass, lint clean), 1 a check or lint failed, 2 unusable input.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path

from k8snet_tutor.cli.common import EXIT_CHECK_FAILED, EXIT_OK, fail, print_problems
from k8snet_tutor.learning.checks import check, results_summary
from k8snet_tutor.learning.lesson import (
    ID_PATTERN,
    TOPICS,
    Lesson,
    LessonSet,
    builtin_lessons_dir,
    discover,
)
from k8snet_tutor.learning.lint import lint_lessons
from k8snet_tutor.learning.mutations import Strength, bank_strengths, strength_lines

LESSONS_HELP = "add a folder of lesson files (an instructor's pack); repeatable"


def _add_lessons_option(parser: argparse.ArgumentParser, dest: str) -> None:
    parser.add_argument(
        "--lessons", dest=dest, action="append", default=None, metavar="DIR", help=LESSONS_HELP
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    _add_lessons_option(parser, "lesson_dirs")
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    sub.required = True

    p = sub.add_parser("list", help="list the lessons in order")
    p.add_argument("--format", choices=("text", "json"), default="text")
    _add_lessons_option(p, "lesson_dirs_sub")

    p = sub.add_parser("show", help="show a lesson's introduction and goal")
    p.add_argument("lesson_id", metavar="ID")
    p.add_argument("--starter", action="store_true", help="print only the starter YAML")
    _add_lessons_option(p, "lesson_dirs_sub")

    p = sub.add_parser("check", help="check your YAML against a lesson's goal")
    p.add_argument("lesson_id", metavar="ID")
    p.add_argument("file", metavar="FILE", help="your YAML; '-' reads stdin")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--ipblocks",
        choices=("pods", "external"),
        default="pods",
        help="whether ipBlocks also match pods by IP (pods, the default) or only external addresses",
    )
    _add_lessons_option(p, "lesson_dirs_sub")

    p = sub.add_parser(
        "lint", help="lint lesson files (default: the --lessons packs, else the built-in lessons)"
    )
    p.add_argument("paths", nargs="*", metavar="DIR", help="lesson folders or files")
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p.add_argument(
        "--strength",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="measure goal strength (the default): mutate each solution and fail on variants "
        "that change connectivity yet pass the goal (see lessons/README.md); "
        "--no-strength skips it",
    )
    p.add_argument(
        "--quick",
        dest="strength",
        action="store_false",
        help="skip the goal-strength mutation lint (same as --no-strength; faster)",
    )
    _add_lessons_option(p, "lesson_dirs_sub")

    p = sub.add_parser("new", help="write a new lesson skeleton")
    p.add_argument("lesson_id", metavar="ID", help="lowercase letters, digits and '-'")
    p.add_argument("--dir", default=".", help="where to write ID.yaml (default: here)")
    p.add_argument("--topic", choices=TOPICS, default="policies")
    p.add_argument("--title", default=None)


def _dirs(args: argparse.Namespace) -> list[str]:
    return [
        *(getattr(args, "lesson_dirs", None) or []),
        *(getattr(args, "lesson_dirs_sub", None) or []),
    ]


def run(args: argparse.Namespace) -> int:
    action = {
        "list": _list,
        "show": _show,
        "check": _check,
        "lint": _lint,
        "new": _new,
    }[args.action]
    return action(args)


# --------------------------------------------------------------------------------------------


def _load(args: argparse.Namespace) -> LessonSet:
    lessons = discover(_dirs(args))
    # Broken lesson files are the instructor's business; only say that some were skipped.
    print_problems([p for p in lessons.problems if p.severity != "note"])
    return lessons


def _find(lessons: LessonSet, lesson_id: str) -> Lesson | int:
    lesson = lessons.get(lesson_id)
    if lesson is not None:
        return lesson
    near = difflib.get_close_matches(lesson_id, lessons.ids(), n=3)
    hint = (
        f"did you mean {', '.join(near)}?"
        if near
        else "`k8snet-tutor lessons list` shows the lesson ids"
    )
    return fail(f"no lesson with id {lesson_id!r}", hint)


def _list(args: argparse.Namespace) -> int:
    lessons = _load(args)
    rows = [
        {
            "id": lesson.id,
            "title": lesson.title,
            "topic": lesson.topic,
            "difficulty": lesson.difficulty,
            "minutes": lesson.minutes,
        }
        for lesson in lessons
    ]
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    if not rows:
        print("no lessons found")
        return EXIT_OK
    width = max(2, *(len(lesson.id) for lesson in lessons))
    topic_w = max(len(t) for t in TOPICS)
    print(f"{'ID':<{width}}  {'TOPIC':<{topic_w}}  LEVEL  MIN  TITLE")
    for lesson in lessons:
        level = "*" * lesson.difficulty
        print(
            f"{lesson.id:<{width}}  {lesson.topic:<{topic_w}}  {level:<5}  "
            f"{lesson.minutes:>3}  {lesson.title}"
        )
    return EXIT_OK


def markdown_to_text(markdown: str) -> str:
    """Markdown -> plain text for a terminal: headings underlined, emphasis markers and code
    fences removed (code indented), links written as `text (url)`."""
    out: list[str] = []
    in_code = False
    for line in markdown.splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_code = not in_code
            continue
        if in_code:
            out.append("    " + line)
            continue
        heading = re.match(r"(#{1,6})\s+(.*?)\s*#*\s*$", stripped)
        if heading:
            title = _inline(heading.group(2))
            if out and out[-1].strip():
                out.append("")
            out.append(title)
            out.append(("=" if len(heading.group(1)) == 1 else "-") * len(title))
            continue
        out.append(_inline(line.rstrip()))
    return "\n".join(out).strip("\n")


def _inline(text: str) -> str:
    text = re.sub(r"!?\[([^\]]+)\]\(([^)\s]+)[^)]*\)", r"\1 (\2)", text)
    text = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = re.sub(r"(?<![\w*`])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])", r"\1", text)
    text = re.sub(r"^(\s*)[*+] ", r"\1- ", text)
    return text


def _show(args: argparse.Namespace) -> int:
    lessons = _load(args)
    found = _find(lessons, args.lesson_id)
    if isinstance(found, int):
        return found
    lesson = found
    if args.starter:
        sys.stdout.write(
            lesson.starter
            if lesson.starter.endswith("\n") or not lesson.starter
            else lesson.starter + "\n"
        )
        return EXIT_OK
    print(lesson.title)
    print("=" * len(lesson.title))
    meta = (
        f"id: {lesson.id}   topic: {lesson.topic}   difficulty: {lesson.difficulty} of 3   "
        f"about {lesson.minutes} min"
    )
    print(meta)
    if lesson.prerequisites:
        print(f"do first: {', '.join(lesson.prerequisites)}")
    print()
    if lesson.introduction.strip():
        print(markdown_to_text(lesson.introduction))
        print()
    print("Goal")
    print("----")
    if not lesson.goal:
        print("No goal: this lesson is for exploring.")
    for i, c in enumerate(lesson.goal, 1):
        print(f"{i}. {c.description}")
        for line in c.details():
            if line != c.description:
                print(f"   - {line}")
    print()
    print(
        f"Start from the starter: k8snet-tutor lessons show {lesson.id} --starter > {lesson.id}.yaml"
    )
    print(f"then check your work:   k8snet-tutor lessons check {lesson.id} {lesson.id}.yaml")
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    lessons = _load(args)
    found = _find(lessons, args.lesson_id)
    if isinstance(found, int):
        return found
    lesson = found
    source = "<stdin>" if args.file == "-" else args.file
    try:
        if args.file == "-":
            text = sys.stdin.read()
        else:
            text = Path(args.file).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        return fail(f"cannot read {args.file}: {exc.strerror or exc}")
    except UnicodeDecodeError:
        return fail(f"{args.file} is not UTF-8 text", "save it as UTF-8")
    report = check(lesson, text, source=source, ipblocks=args.ipblocks)
    if args.format == "json":
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        # Errors are listed by the "Your YAML is valid" check; warnings go to stderr.
        print_problems([p for p in report.problems if p.severity != "error"])
        print(results_summary(report))
    return EXIT_OK if report.passed else EXIT_CHECK_FAILED


def _lint(args: argparse.Namespace) -> int:
    # Default: the --lessons packs if any were given, else the built-in lessons.
    paths: list[str] = list(args.paths) or _dirs(args) or [str(builtin_lessons_dir())]
    strengths: list[Strength] = []
    problems = lint_lessons(paths, mutation=args.strength, strengths=strengths)
    # A pack's quiz banks (DIR/quizzes/) are checked too.
    from k8snet_tutor.learning.quiz import lint_banks

    bank_dirs = [str(Path(p) / "quizzes") for p in paths if (Path(p) / "quizzes").is_dir()]
    if bank_dirs:
        banks, found = lint_banks(bank_dirs)
        problems += found
        if args.strength:
            for bank in banks:
                problems += bank_strengths(bank, strengths)
    print_problems(problems, sys.stdout)
    if args.strength:
        for line in strength_lines(strengths):
            print(line)
    else:
        print("goal strength not measured (--quick or --no-strength); `lessons lint` alone measures it")
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = sum(1 for p in problems if p.severity == "warning")
    if not problems:
        print("no problems found")
    else:
        print(f"{errors} error(s), {warnings} warning(s)")
    if errors or (args.strict and warnings):
        return EXIT_CHECK_FAILED
    return EXIT_OK


SCAFFOLD = """\
# A new lesson. Fill in every TODO, then run: k8snet-tutor lessons lint {folder}
# The format (fields and checks) is described in lessons/README.md.
format: 1
id: {id}
title: "{title}"
topic: {topic}                # pods | labels | services | policies | debugging | legacy
difficulty: 1                 # 1 (beginner) .. 3 (advanced)
minutes: 5                    # estimated time
order: 1000                   # sort key in the curriculum (built-in lessons use 10, 20, ...)
prerequisites: []             # ids of lessons to do first
exploration: false            # true: no goal to reach, the starter need not fail

introduction: |
  TODO: explain one idea with a small example (Markdown).

  ```yaml
  podSelector: {{matchLabels: {{app: web}}}}
  ```

background: |
  # TODO: the read-only cluster the learner's YAML is added to. For example:
  apiVersion: v1
  kind: Pod
  metadata: {{name: client, namespace: default, labels: {{app: client}}}}
  spec:
    containers: [{{name: client, image: busybox}}]
  ---
  apiVersion: v1
  kind: Pod
  metadata: {{name: web, namespace: default, labels: {{app: web}}}}
  spec:
    containers:
      - name: web
        image: nginx
        ports: [{{containerPort: 80, name: http}}]

starter: |
  # TODO: the YAML the learner starts from; it must fail at least one check.

solution: |
  # TODO: a reference solution: YAML that passes every check. For example:
  # apiVersion: networking.k8s.io/v1
  # kind: NetworkPolicy
  # metadata: {{name: web-deny-all, namespace: default}}
  # spec:
  #   podSelector: {{matchLabels: {{app: web}}}}

goal: []
  # TODO: the checks the learner's YAML must pass (replace `[]`). For example:
  # - probes:
  #     - {{from: default/client, to: default/web, port: 80/TCP, expect: denied}}
  # - table: {{port: 80/TCP, default: allowed, overrides: [{{to: default/web, expect: denied}}]}}

hints:
  - "TODO: a first hint, a nudge"
  - "TODO: a second hint, nearly the answer"

explanation: |
  TODO: why the solution works (Markdown, shown after the learner passes).

remember: "TODO: the one idea to remember, in one sentence."
"""


def _new(args: argparse.Namespace) -> int:
    lesson_id: str = args.lesson_id
    if not ID_PATTERN.match(lesson_id):
        return fail(
            f"bad lesson id {lesson_id!r}",
            "use lowercase letters, digits and '-', e.g. `first-policy`",
        )
    folder = Path(args.dir)
    target = folder / f"{lesson_id}.yaml"
    if target.exists():
        return fail(f"{target} already exists", "choose another id, or edit that file")
    title = (args.title or "TODO: the lesson's title").replace('"', "'")
    text = SCAFFOLD.format(id=lesson_id, title=title, topic=args.topic, folder=folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        return fail(f"cannot write {target}: {exc.strerror or exc}")
    print(f"wrote {target}")
    print(
        "fill in the TODOs: title, introduction, background, starter, solution, goal, hints, "
        "explanation and remember"
    )
    print(f"then run: k8snet-tutor lessons lint {folder}")
    return EXIT_OK
