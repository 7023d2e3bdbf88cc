"""Open manifests (files or folders) in the tutor's sandbox: edit them in place, watch the live
connectivity matrix, explain any cell, export the matrix, diff against the original.

Your files are never written: edits stay in the sandbox (export what you need).
"""

from __future__ import annotations

import argparse
import sys

from k8snet_tutor.cli.common import EXIT_INPUT, EXIT_OK


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="manifest files or folders (*.yaml, *.yml, *.json, recursively); none: an example",
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
    else:
        text, files = EXAMPLE, []
    session = Session.open(args.lessons, args.progress)
    TutorApp(session, sandbox=(text, files), ipblocks=args.ipblocks).run()
    return EXIT_OK
