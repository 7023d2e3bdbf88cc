"""What a pod can reach, hop by hop: "if x/a were compromised, what could it get to?"

Follows allowed connections (any port) through the allowed-connection graph.
"""

from __future__ import annotations

import argparse
import json
import sys

from k8snet_tutor.cli.common import EXIT_OK, Style, add_input_arguments, fail, load
from k8snet_tutor.core.cluster import Pod
from k8snet_tutor.core.endpoints import resolve
from k8snet_tutor.core.graph import connection_graph, reachable
from k8snet_tutor.core.matrix import Matrix


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser)
    parser.add_argument("--from", dest="source", required=True, metavar="NS/POD")
    parser.add_argument("--hops", type=int, default=None, help="stop after N hops (default: all)")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    _cluster, ev, code = load(args)
    src = resolve(ev, args.source, as_source=True)
    if not isinstance(src, Pod):
        return fail(f"{args.source}: not a pod in the input", "write it as namespace/name")
    graph = connection_graph(Matrix.build(ev, "pod"))
    found = reachable(graph, src.id, args.hops)
    if args.format == "json":
        print(json.dumps({"from": src.id, "hops": args.hops, "reachable": found}, indent=2))
        return code or EXIT_OK
    if not found:
        print(f"{src.id} can reach nothing else.")
        return code or EXIT_OK
    by_hop: dict[int, list[str]] = {}
    for node, hop in found.items():
        by_hop.setdefault(hop, []).append(node)
    style = Style(sys.stdout)
    print(style.bold(f"From {src.id}:"))
    for hop in sorted(by_hop):
        label = style.dim(f"{hop} hop{'s' if hop > 1 else ''}:")
        print(f"  {label} {', '.join(sorted(by_hop[hop]))}")
    return code or EXIT_OK
