"""Show, export or reset your lesson progress.

  k8snet-tutor progress                       which lessons you completed, attempts, hints, time
  k8snet-tutor progress --reset ID            forget one lesson's progress (and its saved YAML)
  k8snet-tutor progress --reset-all           start over (the old file is kept as a .bak-* copy)
  k8snet-tutor progress --export FILE         write your progress as JSON ('-' for stdout)

The progress file lives in the tutor's data folder ($K8SNET_TUTOR_HOME overrides it);
--progress FILE uses another file.
"""

from __future__ import annotations

import argparse
import json
import sys

from k8snet_tutor.cli.common import EXIT_OK, fail
from k8snet_tutor.learning.lesson import discover
from k8snet_tutor.learning.locations import progress_path
from k8snet_tutor.learning.progress import Progress, set_aside


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--reset", metavar="ID", help="forget the progress of one lesson")
    group.add_argument("--reset-all", action="store_true", help="forget all progress")
    parser.add_argument("--export", metavar="FILE", help="write the progress as JSON ('-': stdout)")
    parser.add_argument("--progress", metavar="FILE", help="use this progress file")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--lessons",
        action="append",
        default=None,
        metavar="DIR",
        help="add a folder of lesson files (to show its titles); repeatable",
    )


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes >= 60:
        return f"{minutes // 60}h{minutes % 60:02d}"
    return f"{minutes}m" if minutes else f"{int(seconds)}s"


def run(args: argparse.Namespace) -> int:
    path = progress_path(args.progress)
    progress = Progress.load(path)
    for warning in progress.warnings:
        print(f"warning: {warning}", file=sys.stderr)

    if args.reset is not None or args.reset_all:
        if progress.path is None:
            return fail("the progress file could not be used, so it was not changed")
        if args.reset_all:
            backup = set_aside(path) if path.exists() else None
            progress.reset_all()
            try:
                progress.save()
            except OSError as exc:
                return fail(f"cannot write {path}: {exc.strerror or exc}")
            kept = f" (the old file is kept as {backup})" if backup else ""
            print(f"all progress reset{kept}")
        else:
            if not progress.reset(args.reset):
                lessons = discover(args.lessons or [])
                if args.reset not in lessons:
                    return fail(
                        f"no lesson with id {args.reset!r} and no progress for it",
                        "`k8snet-tutor progress` lists the lessons",
                    )
                print(f"no progress recorded for {args.reset}; nothing to reset")
                return EXIT_OK
            try:
                progress.save()
            except OSError as exc:
                return fail(f"cannot write {path}: {exc.strerror or exc}")
            print(f"progress of {args.reset} reset")

    if args.export:
        if args.export == "-":
            sys.stdout.write(progress.to_json())
        else:
            try:
                target = progress.export(args.export)
            except OSError as exc:
                return fail(f"cannot write {args.export}: {exc.strerror or exc}")
            print(f"progress exported to {target}")

    if args.reset is not None or args.reset_all or args.export:
        return EXIT_OK
    return _show(args, progress)


def _show(args: argparse.Namespace, progress: Progress) -> int:
    lessons = discover(args.lessons or [])
    if args.format == "json":
        data = progress.to_dict()
        data["file"] = str(progress.path) if progress.path else None
        data["total_lessons"] = len(lessons)
        data["completed_lessons"] = sum(1 for lesson in lessons if progress.is_completed(lesson.id))
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return EXIT_OK
    done = sum(1 for lesson in lessons if progress.is_completed(lesson.id))
    print(f"progress file: {progress.path}")
    print(f"completed {done} of {len(lessons)} lessons")
    if progress.current:
        print(f"current lesson: {progress.current}")
    print()
    width = max([len(lesson.id) for lesson in lessons] + [len(k) for k in progress.lessons] + [6])
    print(f"    {'LESSON':<{width}}  TRIES  HINTS  TIME    TITLE")
    shown = set()
    for lesson in lessons:
        shown.add(lesson.id)
        entry = progress.lessons.get(lesson.id)
        mark = "[x]" if entry and entry.completed else ("[~]" if entry else "[ ]")
        tries = str(entry.attempts) if entry else "-"
        hints = str(entry.hints_used) if entry else "-"
        spent = _duration(entry.seconds) if entry else "-"
        print(f"{mark} {lesson.id:<{width}}  {tries:>5}  {hints:>5}  {spent:<6}  {lesson.title}")
    for lesson_id, entry in sorted(progress.lessons.items()):
        if lesson_id in shown:
            continue
        mark = "[x]" if entry.completed else "[~]"
        print(
            f"{mark} {lesson_id:<{width}}  {entry.attempts:>5}  {entry.hints_used:>5}  "
            f"{_duration(entry.seconds):<6}  (lesson not found: from another lesson pack?)"
        )
    return EXIT_OK
