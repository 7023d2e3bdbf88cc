"""Which connections changed between two versions of a set of manifests (a semantic diff:
reordering or rewriting policies that mean the same thing shows no change).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator

from k8snet_tutor.cli.common import EXIT_INPUT, EXIT_OK, Style, print_problems
from k8snet_tutor.core.cluster import Cluster, load_cluster
from k8snet_tutor.core.diff import diff, node_changes
from k8snet_tutor.core.evaluate import Evaluator
from k8snet_tutor.core.matrix import Matrix


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD_PATH", help="file or folder: the version before")
    parser.add_argument("new", metavar="NEW_PATH", help="file or folder: the version after")
    parser.add_argument("--granularity", choices=("pod", "workload"), default="pod")
    parser.add_argument("--ipblocks", choices=("pods", "external"), default="pods")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--legacy-annotations",
        choices=("ignore", "apply"),
        default="ignore",
        help="apply the pre-1.7 namespace isolation annotations (default: report them as "
        "ignored, as every cluster since Kubernetes 1.7 does)",
    )


def _blocks(cluster: Cluster) -> Iterator[str]:
    for pol in cluster.policies:
        for rule in (*pol.ingress, *pol.egress):
            for peer in rule.peers:
                if peer.ip_block is not None:
                    yield peer.ip_block.cidr
                    yield from peer.ip_block.excepts


def run(args: argparse.Namespace) -> int:
    mode = args.legacy_annotations
    old = load_cluster([args.old], legacy_annotations=mode)
    new = load_cluster([args.new], legacy_annotations=mode)
    print_problems(old.problems + new.problems)
    bad = any(p.severity == "error" for p in old.problems + new.problems)
    # Cut the address space the same way on both sides so external peers line up.
    cuts = sorted(set(_blocks(old)) | set(_blocks(new)))
    before = Matrix.build(Evaluator(old, ipblocks=args.ipblocks, externals=cuts), args.granularity)
    after = Matrix.build(Evaluator(new, ipblocks=args.ipblocks, externals=cuts), args.granularity)
    changes = diff(before, after)
    added_nodes, removed_nodes = node_changes(before, after)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "added_nodes": added_nodes,
                    "removed_nodes": removed_nodes,
                    "changes": [
                        {
                            "from": c.source,
                            "to": c.destination,
                            "before": str(c.before),
                            "after": str(c.after),
                            "added": str(c.added),
                            "removed": str(c.removed),
                        }
                        for c in changes
                    ],
                },
                indent=2,
            )
        )
    else:
        style = Style(sys.stdout)
        for n in added_nodes:
            print(style.green(f"new node: {n}"))
        for n in removed_nodes:
            print(style.red(f"removed node: {n}"))
        if not changes:
            print("No connection changed.")
        for c in changes:
            # Green: only gained connections; red: only lost; yellow: both.
            paint = style.yellow if c.added and c.removed else style.green if c.added else style.red
            print(paint(c.describe()))
    return EXIT_INPUT if bad else EXIT_OK
