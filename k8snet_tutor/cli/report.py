"""Summarise a workshop room: each attendee's lesson progress, and the quiz results with
per-question success rates and the hardest topics.

RESULTS are results files (the .json that `k8snet-tutor quiz` writes; given a .md, its .json is
read) or folders, searched recursively for them, e.g. the room folder of `k8snet-tutor serve
--room DIR`, whose attendee folders also give the lesson progress table. The summary is a table
in the terminal (text), Markdown (md) or CSV (csv, the quiz results). `--watch` redraws the
text summary every --interval seconds as results arrive, until Ctrl+C.

exit codes: 0 done, 2 no usable results file (problems on stderr)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from k8snet_tutor.cli.common import EXIT_INPUT, EXIT_OK, fail, print_problems
from k8snet_tutor.core.problems import Problem
from k8snet_tutor.learning.results import (
    RESULTS_KIND,
    AttendeeRow,
    QuizResult,
    ResultsFormatError,
    load_results,
    room_markdown,
    room_rows,
    room_table,
    summarize,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="+", metavar="RESULTS", help="results files (*.json) or folders of them"
    )
    parser.add_argument("--format", choices=("text", "md", "csv"), default="text")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the summary to FILE")
    parser.add_argument("--bank", metavar="ID", help="only results of this quiz bank")
    parser.add_argument(
        "--watch",
        action="store_true",
        help="redraw the summary in the terminal as results arrive (Ctrl+C stops)",
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="with --watch: seconds between redraws (default: 2)",
    )
    # For tests: stop --watch after N frames.
    parser.add_argument("--iterations", type=int, default=None, help=argparse.SUPPRESS)


def _files(paths: list[str], problems: list[Problem]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            found = sorted(f for f in p.rglob("*.json") if f.is_file() and RESULTS_KIND in _head(f))
            if not found:
                problems.append(
                    Problem(
                        "warning",
                        "no quiz results files in this folder",
                        file=str(p),
                        code="report-empty",
                    )
                )
            out.extend(found)
        elif p.exists() or p.with_suffix(".json").exists():
            out.append(p if p.suffix.lower() != ".md" else p.with_suffix(".json"))
        else:
            problems.append(
                Problem("error", "no such file or folder", file=str(p), code="report-missing")
            )
    unique: list[Path] = []
    for f in out:
        if f.resolve() not in {u.resolve() for u in unique}:
            unique.append(f)
    return unique


def _head(path: Path) -> str:
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            return fh.read(400)
    except OSError:
        return ""


def _total_lessons() -> int:
    from k8snet_tutor.learning.lesson import discover

    try:
        return len(discover().lessons)
    except Exception:  # a broken instructor pack must not stop the report
        return 0


def collect(
    paths: list[str], bank: str | None, *, quiet_empty: bool = False
) -> tuple[list[QuizResult], list[AttendeeRow], list[Problem]]:
    """The quiz results and the attendee folders under `paths`, and the problems found."""
    problems: list[Problem] = []
    results: list[QuizResult] = []
    rows = room_rows(paths)
    for f in _files(paths, problems):
        try:
            result = load_results(f)
        except (OSError, ResultsFormatError) as exc:
            message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            problems.append(
                Problem(
                    "error",
                    f"cannot use this results file: {message}",
                    file=str(f),
                    code="report-bad-file",
                )
            )
            continue
        if bank and result.bank != bank:
            continue
        results.append(result)
    if rows or quiet_empty:
        problems = [p for p in problems if p.code != "report-empty"]
    return results, rows, problems


def render_frame(paths: list[str], bank: str | None = None, now: float | None = None) -> str:
    """One frame of `report --watch`: the attendees, then the quiz summary (when any)."""
    results, rows, problems = collect(paths, bank, quiet_empty=True)
    now = time.time() if now is None else now
    stamp = time.strftime("%H:%M:%S", time.localtime(now))
    out = [f"Room {', '.join(paths)} at {stamp}", "", room_table(rows, _total_lessons(), now)]
    if results:
        out += ["", summarize(results).to_text()]
    else:
        out += ["", "No quiz results yet."]
    for p in problems:
        out.append(p.format())
    return "\n".join(out) + "\n"


def watch(args: argparse.Namespace) -> int:
    if args.interval <= 0:
        return fail(f"--interval {args.interval:g}: give a number of seconds above 0")
    missing = [p for p in args.paths if not Path(p).expanduser().exists()]
    if missing:
        return fail(f"{missing[0]}: no such file or folder")
    clear = "\x1b[H\x1b[2J" if sys.stdout.isatty() else ""
    frames = 0
    try:
        while args.iterations is None or frames < args.iterations:
            sys.stdout.write(clear + render_frame(args.paths, args.bank))
            sys.stdout.flush()
            frames += 1
            if args.iterations is not None and frames >= args.iterations:
                break
            time.sleep(args.interval)
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    if args.watch:
        if args.output or args.format != "text":
            return fail("--watch draws text in the terminal; drop --output and --format")
        return watch(args)
    results, rows, problems = collect(args.paths, args.bank)
    print_problems(problems)
    if not results and not rows:
        return fail(
            "no usable quiz results",
            "give the .json files `k8snet-tutor quiz` wrote, or a folder holding them "
            "(e.g. the --room folder of `k8snet-tutor serve`)",
        )
    parts: list[str] = []
    if results:
        summary = summarize(results)
        parts.append(
            {"text": summary.to_text, "md": summary.to_markdown, "csv": summary.to_csv}[
                args.format
            ]()
        )
    if rows and args.format != "csv":
        total = _total_lessons()
        parts.append(
            room_markdown(rows, total)
            if args.format == "md"
            else room_table(rows, total, time.time())
        )
    if not parts:  # csv of a room without quiz results
        parts.append("")
    text = "\n\n".join(p.rstrip("\n") for p in parts)
    if args.output:
        try:
            Path(args.output).write_text(
                text if text.endswith("\n") else text + "\n", encoding="utf-8"
            )
        except OSError as exc:
            return fail(f"cannot write {args.output}: {exc.strerror or exc}")
        print(f"Summary of {len(results)} result file(s) written to {args.output}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_INPUT if any(p.severity == "error" for p in problems) else EXIT_OK
