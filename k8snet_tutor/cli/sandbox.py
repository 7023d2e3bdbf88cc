"""Open manifests (files or folders) in the tutor's sandbox: edit them in place, watch the live
connectivity matrix, explain any cell, export the matrix, diff against the original.

Your files are never changed: Ctrl+S saves the edited YAML to a file you name. `-` reads the
manifests from standard input (`kubectl get deploy,svc,netpol -A -o yaml | k8snet-tutor sandbox -`).
"""

from __future__ import annotations

import argparse
import os
import sys

from k8snet_tutor.cli.common import EXIT_INPUT, EXIT_OK


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="manifest files or folders (*.yaml, *.yml, *.json, recursively), or - for standard "
        "input; none: an example",
    )
    parser.add_argument(
        "--ipblocks",
        choices=("pods", "external"),
        default="pods",
        help="whether ipBlocks also match pods by their status.podIP (pods, the default) or "
        "only addresses outside the cluster (external)",
    )
    parser.add_argument("--progress", metavar="FILE", default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--lessons", action="append", default=[], metavar="DIR", help=argparse.SUPPRESS
    )


def terminal_for_keys() -> bool:
    """After reading manifests from a pipe, take the keys from the terminal again (fd 0)."""
    if sys.stdin is not None and sys.stdin.isatty():
        return True
    try:
        tty = os.open("/dev/tty", os.O_RDONLY)
    except OSError:
        return False
    os.dup2(tty, 0)
    os.close(tty)
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - lives as long as sys.stdin
    return True


def run(args: argparse.Namespace) -> int:
    from k8snet_tutor.tui.app import TutorApp  # Textual is imported only here
    from k8snet_tutor.tui.screens.sandbox import EXAMPLE, read_manifests
    from k8snet_tutor.tui.session import Session

    if args.paths:
        text, files, errors = read_manifests(args.paths)
        for error in errors:
            print(f"error: {error}", file=sys.stderr)
        if not files:
            print("error: no manifests found (*.yaml, *.yml or *.json)", file=sys.stderr)
            return EXIT_INPUT
        if "-" in args.paths and not terminal_for_keys():
            print(
                "error: the sandbox needs a terminal for its keys after reading standard input",
                file=sys.stderr,
            )
            return EXIT_INPUT
    else:
        text, files = EXAMPLE, []
    session = Session.open(args.lessons, args.progress)
    TutorApp(session, sandbox=(text, files), ipblocks=args.ipblocks).run()
    return EXIT_OK
