"""Explain why one connection is allowed or denied: which policies isolate each side, which rule,
peer and port admitted it, or why none did.

--to may name a pod (ns/name), a workload, a Service (svc:ns/name) or an IP address.
"""

from __future__ import annotations

import argparse
import json
import sys

from k8snet_tutor.cli.common import EXIT_OK, Style, add_input_arguments, fail, load
from k8snet_tutor.core.cluster import Service
from k8snet_tutor.core.endpoints import Unresolved, resolve
from k8snet_tutor.core.explain import explain
from k8snet_tutor.core.ports import PortProbe
from k8snet_tutor.core.services import reach_service


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser)
    parser.add_argument("--from", dest="source", required=True, metavar="NS/POD|IP")
    parser.add_argument("--to", dest="dest", required=True, metavar="NS/POD|svc:NS/NAME|IP")
    parser.add_argument("--port", required=True, metavar="PORT/PROTO", help="e.g. 80/TCP")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    try:
        probe = PortProbe.parse(args.port)
    except ValueError as exc:
        return fail(str(exc), "write the port like 80/TCP or 53/UDP")
    _cluster, ev, code = load(args)
    src = resolve(ev, args.source, as_source=True)
    dst = resolve(ev, args.dest, as_source=False)
    for ep in (src, dst):
        if isinstance(ep, Unresolved):
            return fail(f"{ep.text}: {ep.reason}", ep.hint)
    if isinstance(src, Service):
        return fail(
            f"{args.source} is a Service; connections start at a pod or an address",
            "give a pod as --from",
        )
    assert not isinstance(src, Unresolved) and not isinstance(dst, Unresolved)
    if isinstance(dst, Service):
        verdict = reach_service(ev, src, dst, probe)
        if args.format == "json":
            data = verdict.to_dict()
            print(json.dumps(data, indent=2))
        else:
            style = Style(sys.stdout)
            print(_styled(verdict.text(), style))
            for e in verdict.endpoints:
                if e.explanation is not None:
                    print()
                    print(_styled(e.explanation.text(), style))
        return code or EXIT_OK
    exp = explain(ev, src, dst, probe)
    if args.format == "json":
        print(json.dumps(exp.to_dict(), indent=2))
    else:
        sys.stdout.write(_styled(exp.text(), Style(sys.stdout)) + "\n")
    return code or EXIT_OK


def _styled(text: str, style: Style) -> str:
    """The verdict line coloured, each side's `egress:` / `ingress:` label in bold."""
    lines = text.split("\n")
    if not lines:
        return text
    return "\n".join([style.verdict(lines[0])] + [style.labelled(line) for line in lines[1:]])
