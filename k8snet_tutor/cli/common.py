"""Shared pieces of the headless commands: loading manifests, printing problems, colours."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from k8snet_tutor.core.cluster import Cluster, load_cluster
from k8snet_tutor.core.evaluate import Evaluator
from k8snet_tutor.core.ipsets import IPSet
from k8snet_tutor.core.problems import Problem

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_INPUT = 2


def add_input_arguments(parser: argparse.ArgumentParser, *, paths: bool = True) -> None:
    if paths:
        parser.add_argument(
            "paths",
            nargs="+",
            metavar="PATH",
            help="manifest files or folders (*.yaml, *.yml, *.json, recursively); '-' reads stdin",
        )
    parser.add_argument(
        "--ipblocks",
        choices=("pods", "external"),
        default="pods",
        help="whether ipBlocks also match pods by their status.podIP (pods, the default, as the "
        "upstream e2e tests expect) or only addresses outside the cluster (external, as "
        "netpol-analyzer and Cilium do)",
    )
    parser.add_argument(
        "--legacy-annotations",
        choices=("ignore", "apply"),
        default="ignore",
        help="the pre-1.7 namespace isolation annotations (net.beta.kubernetes.io/network-policy "
        "DefaultDeny, net.alpha.kubernetes.io/network-isolation): reported as ignored, as "
        "every cluster since Kubernetes 1.7 ignores them (ignore, the default), or applied as "
        "default-deny policies, as clusters before 1.7 did (apply)",
    )
    parser.add_argument(
        "--external",
        action="append",
        default=[],
        metavar="IP_OR_CIDR",
        help="add an external address (or CIDR) as a peer: a row and a column in matrix's "
        "tables; repeatable",
    )


def use_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


class Style:
    """ANSI styling for one output stream: plain when piped or with NO_COLOR (FORCE_COLOR forces it)."""

    def __init__(self, stream: TextIO) -> None:
        self.on = use_colour(stream)

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.on and text else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def green(self, text: str) -> str:
        return self._wrap("32", text)

    def red(self, text: str) -> str:
        return self._wrap("31", text)

    def yellow(self, text: str) -> str:
        return self._wrap("33", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def verdict(self, line: str) -> str:
        """Colour the first ` allowed` / ` denied` of a verdict line, and the subject before it."""
        for word, paint in ((" is allowed", self.green), (" is denied", self.red)):
            at = line.find(word)
            if at >= 0:
                end = at + len(word)
                return self.bold(line[:at]) + paint(line[at:end]) + line[end:]
        return line

    def labelled(self, line: str) -> str:
        """Bold a leading `label:` (as in `egress: ...`)."""
        head, sep, rest = line.partition(": ")
        if sep and head and " " not in head.strip():
            return self.bold(head + ":") + " " + rest
        return line


def print_problems(problems: Sequence[Problem], stream: TextIO | None = None) -> None:
    out = stream or sys.stderr
    colour = use_colour(out)
    codes = {"error": "\033[31m", "warning": "\033[33m", "note": "\033[36m"}
    for p in problems:
        text = p.format()
        if colour:
            text = text.replace(f": {p.severity}:", f": {codes[p.severity]}{p.severity}\033[0m:", 1)
        print(text, file=out)


def load(args: argparse.Namespace) -> tuple[Cluster, Evaluator, int]:
    """Load the cluster, print its problems, and return it with an evaluator and an exit code."""
    for ext in args.external:
        try:
            IPSet.from_address(ext)
        except ValueError:
            print_problems(
                [
                    Problem(
                        "error",
                        f"--external {ext!r} is not an IP address or CIDR",
                        hint="write it like 203.0.113.7 or 198.51.100.0/24",
                        code="bad-external",
                    )
                ]
            )
            raise SystemExit(EXIT_INPUT) from None
    cluster = load_cluster(
        args.paths, legacy_annotations=getattr(args, "legacy_annotations", "ignore")
    )
    # The loaded objects live until the command ends: keep the cyclic GC from rescanning them.
    gc.freeze()
    print_problems(cluster.problems)
    code = EXIT_INPUT if any(p.severity == "error" for p in cluster.problems) else EXIT_OK
    evaluator = Evaluator(cluster, ipblocks=args.ipblocks, externals=args.external)
    return cluster, evaluator, code


def fail(message: str, hint: str | None = None) -> int:
    print(f"error: {message}", file=sys.stderr)
    if hint:
        print(f"  hint: {hint}", file=sys.stderr)
    return EXIT_INPUT
