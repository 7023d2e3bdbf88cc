"""Open the interactive tutor on the built-in lessons (and your own, with --lessons).

The app remembers your YAML, the hints you used and the lessons you passed in a progress file
(see `k8snet-tutor progress`); `--progress FILE` uses another one, e.g. one per workshop.
"""

from __future__ import annotations

import argparse
import sys

from k8snet_tutor.cli.common import EXIT_INPUT, EXIT_OK


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lessons",
        action="append",
        default=[],
        metavar="DIR",
        help="also load the lessons in DIR (an instructor's pack); repeatable",
    )
    parser.add_argument(
        "--no-builtin",
        action="store_true",
        help="with --lessons: show only the instructor's lessons, not the built-in ones",
    )
    parser.add_argument(
        "--progress",
        metavar="FILE",
        default=None,
        help="the progress file to read and write (default: progress.json in the data folder, "
        "or in $K8SNET_TUTOR_HOME)",
    )
    parser.add_argument("--lesson", metavar="ID", default=None, help="open this lesson directly")
    parser.add_argument(
        "--theme",
        choices=("dark", "light"),
        default=None,
        help="start with the dark or the light theme (F10 switches)",
    )


def run(args: argparse.Namespace) -> int:
    from k8snet_tutor.tui.app import TutorApp  # Textual is imported only here
    from k8snet_tutor.tui.session import Session

    session = Session.open(
        args.lessons, args.progress, include_builtin=not (args.no_builtin and args.lessons)
    )
    for problem in session.lessons.problems:
        print(problem.format(), file=sys.stderr)
    if not len(session.lessons):
        print("error: no lessons found", file=sys.stderr)
        return EXIT_INPUT
    if args.lesson and args.lesson not in session.lessons:
        print(f"error: no lesson with id {args.lesson!r}", file=sys.stderr)
        print(f"  hint: known ids: {', '.join(session.lessons.ids())}", file=sys.stderr)
        return EXIT_INPUT
    theme = {"dark": "textual-dark", "light": "textual-light"}.get(args.theme or "")
    TutorApp(session, lesson_id=args.lesson, theme=theme).run()
    return EXIT_OK
