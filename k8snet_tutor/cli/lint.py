"""Warnings about manifests that are valid but probably wrong: policies or peers that select no
pod, named ports found on no pod, egress isolation that blocks DNS, Services with no endpoints,
ipBlocks that a node's source NAT hides outside clients from (externalTrafficPolicy Cluster).

Exit code: 0 when there is nothing to report, 1 when there are warnings, 2 on input errors.
"""

from __future__ import annotations

import argparse
import json

from k8snet_tutor.cli.common import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    add_input_arguments,
    load,
    print_problems,
)
from k8snet_tutor.core.lint import lint


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    _cluster, ev, code = load(args)
    warnings = lint(ev)
    if args.format == "json":
        print(json.dumps([w.to_dict() for w in warnings], indent=2))
    else:
        print_problems(warnings)
        if not warnings:
            print("No warnings.")
    if code:
        return code
    return EXIT_CHECK_FAILED if warnings else EXIT_OK
