"""The `k8snet-tutor` command: with no arguments it opens the tutor; subcommands run headless.

Each subcommand lives in its own module in this package and exposes `add_arguments(parser)` and
`run(args) -> int`. Modules are imported only when needed, and nothing here imports Textual,
so `k8snet-tutor matrix ...` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from k8snet_tutor import __version__

# name -> (module, one-line help). Order is the order `--help` shows.
COMMANDS: dict[str, tuple[str, str]] = {
    "tutor": ("tutor", "open the interactive tutor (the default when no command is given)"),
    "matrix": ("matrix", "print who can reach whom for a set of manifests"),
    "explain": ("explain", "explain why one connection is allowed or denied"),
    "reach": ("reach", "what a pod can reach in N hops (blast radius)"),
    "diff": ("diff", "which connections changed between two versions of manifests"),
    "lint": ("lint", "warnings about manifests: selectors that select nothing, DNS blocked, ..."),
    "lessons": ("lessons", "list, show, check, lint or scaffold lessons"),
    "progress": ("progress", "show, export or reset your lesson progress"),
    "quiz": ("quiz", "take a self-assessment quiz with a score"),
    "sandbox": ("sandbox", "open real manifests in the tutor's editor and live matrix"),
    "serve": ("serve", "serve the tutor in a web browser (for workshops)"),
    "report": ("report", "summarise quiz results files from a workshop room"),
}

EPILOG = """\
examples:
  k8snet-tutor                                  open the tutor on the built-in lessons
  k8snet-tutor matrix manifests/ --port 80/TCP  allowed/denied table for port 80
  k8snet-tutor matrix cluster.yaml --granularity workload --ipblocks external --format connlist
  k8snet-tutor explain manifests/ --from shop/web --to shop/db --port 5432/TCP
  kubectl get pods,svc,netpol,ns -A -o yaml | k8snet-tutor matrix -

exit codes: 0 done, 1 a check failed, 2 some input could not be used (problems on stderr)
"""


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser: lists the commands without importing them."""
    parser = argparse.ArgumentParser(
        prog="k8snet-tutor",
        description="Learn and check Kubernetes networking: pods, Services, labels and "
        "NetworkPolicy, evaluated in-process (no cluster needed). Run a command with --help "
        "for its options.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"k8snet-tutor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_module, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    return parser


def command_parser(name: str) -> tuple[argparse.ArgumentParser, ModuleType]:
    module_name, help_text = COMMANDS[name]
    module = importlib.import_module(f"k8snet_tutor.cli.{module_name}")
    parser = argparse.ArgumentParser(
        prog=f"k8snet-tutor {name}",
        description=(module.__doc__ or help_text).strip(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    module.add_arguments(parser)
    return parser, module


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (
        args_list[0].startswith("-") and args_list[0] not in ("-h", "--help", "--version")
    ):
        args_list = ["tutor", *args_list]
    if args_list[0] not in COMMANDS:
        build_parser().parse_args(args_list)  # prints help, the version, or a usage error
        return 0
    parser, module = command_parser(args_list[0])
    args = parser.parse_args(args_list[1:])
    try:
        return int(module.run(args))
    except SystemExit as exc:  # a command giving up early with an exit code
        return exc.code if isinstance(exc.code, int) else 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`); stop quietly.
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        except OSError:
            pass
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
