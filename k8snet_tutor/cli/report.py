"""Summarise a workshop room's quiz results: per-question success rates and the hardest topics.

RESULTS are results files (the .json that `k8snet-tutor quiz` writes; given a .md, its .json is
read) or folders, searched recursively for them (e.g. the sessions folder of `k8snet-tutor serve
--quiz`). The summary is a table in the terminal (text), Markdown (md) or CSV (csv).

exit codes: 0 done, 2 no usable results file (problems on stderr)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from k8snet_tutor.cli.common import EXIT_INPUT, EXIT_OK, fail, print_problems
from k8snet_tutor.core.problems import Problem
from k8snet_tutor.learning.results import (
    RESULTS_KIND,
    QuizResult,
    ResultsFormatError,
    load_results,
    summarize,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="+", metavar="RESULTS", help="results files (*.json) or folders of them"
    )
    parser.add_argument("--format", choices=("text", "md", "csv"), default="text")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the summary to FILE")
    parser.add_argument("--bank", metavar="ID", help="only results of this quiz bank")


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


def run(args: argparse.Namespace) -> int:
    problems: list[Problem] = []
    results: list[QuizResult] = []
    for f in _files(args.paths, problems):
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
        if args.bank and result.bank != args.bank:
            continue
        results.append(result)
    print_problems(problems)
    if not results:
        return fail(
            "no usable quiz results",
            "give the .json files `k8snet-tutor quiz` wrote, or a folder holding them",
        )
    summary = summarize(results)
    text = {"text": summary.to_text, "md": summary.to_markdown, "csv": summary.to_csv}[
        args.format
    ]()
    if args.output:
        try:
            Path(args.output).write_text(
                text if text.endswith("\n") else text + "\n", encoding="utf-8"
            )
        except OSError as exc:
            return fail(f"cannot write {args.output}: {exc.strerror or exc}")
        print(f"Summary of {summary.attendees} result file(s) written to {args.output}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_INPUT if any(p.severity == "error" for p in problems) else EXIT_OK
