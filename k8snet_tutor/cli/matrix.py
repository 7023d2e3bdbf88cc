"""Print who can reach whom for a set of manifests.

Without --port, each cell is the set of allowed connections (`All Connections`, `TCP 80,443`,
`No Connections`). With --port (repeatable), each cell is allowed or denied for that port.
`--granularity workload --ipblocks external --format connlist` prints exactly what
netpol-analyzer's `list` command prints; a note on stderr lists the lines that involve a
hostNetwork pod (undefined in the spec, as the '?' cells of the text format and the `undefined`
field of the JSON format say).
"""

from __future__ import annotations

import argparse
import sys

from k8snet_tutor.cli.common import (
    EXIT_INPUT,
    add_input_arguments,
    fail,
    load,
    print_problems,
    use_colour,
)
from k8snet_tutor.core.lint import lint
from k8snet_tutor.core.matrix import (
    NOT_APPLICABLE,
    Matrix,
    connlist_entries,
    connlist_undefined_note,
    table,
    to_csv,
    to_json,
    to_markdown,
)
from k8snet_tutor.core.ports import PortProbe
from k8snet_tutor.core.services import service_summary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser)
    parser.add_argument(
        "--port",
        action="append",
        default=[],
        metavar="PORT/PROTO",
        help="check this destination port (e.g. 80/TCP, 53/UDP, http/TCP); repeatable",
    )
    parser.add_argument(
        "--granularity",
        choices=("pod", "workload"),
        default="pod",
        help="one row per pod (default), or per workload (pods grouped under their owner)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "csv", "md", "dot", "connlist"),
        default="text",
        help="output format (default: text, an aligned table)",
    )
    parser.add_argument(
        "--no-lint", action="store_true", help="do not print lint warnings on stderr"
    )
    parser.add_argument("--focus-workload", metavar="NAME", help="connlist: only lines touching it")
    parser.add_argument(
        "--focus-direction", choices=("ingress", "egress"), help="with --focus-workload"
    )


def run(args: argparse.Namespace) -> int:
    try:
        probes = [PortProbe.parse(p) for p in args.port]
    except ValueError as exc:
        return fail(str(exc), "write ports like 80/TCP or 53/UDP")
    _cluster, ev, code = load(args)
    matrix = Matrix.build(ev, args.granularity)
    warnings = [] if args.no_lint else lint(ev)
    print_problems(warnings)
    out = sys.stdout
    per_probe: list[PortProbe | None] = list(probes) if probes else [None]
    if args.format == "connlist":
        # The lines stay exactly netpol-analyzer's; which of them are undefined goes to stderr.
        entries = connlist_entries(matrix, args.focus_workload, args.focus_direction)
        out.write("".join(line + "\n" for line, _undefined in entries))
        note = connlist_undefined_note(matrix, entries)
        if note:
            print(note, file=sys.stderr)
    elif args.format == "json":
        services = [service_summary(ev.cluster, svc) for svc in ev.cluster.services]
        out.write(to_json(matrix, probes, warnings, services) + "\n")
    elif args.format == "csv":
        for probe in per_probe:
            out.write(to_csv(matrix, probe))
    elif args.format == "md":
        for probe in per_probe:
            if probe is not None and len(probes) > 1:
                out.write(f"\n**{probe}**\n\n")
            out.write(to_markdown(matrix, probe))
    elif args.format == "dot":
        from k8snet_tutor.core.graph import connection_graph, to_dot

        out.write(to_dot(connection_graph(matrix)))
    else:
        for probe in per_probe:
            out.write(render_text(matrix, probe, colour=use_colour(out)))
    if not matrix.nodes:
        print("note: no pods found in the input", file=sys.stderr)
    return code if code else 0 if matrix.nodes or not args.paths else EXIT_INPUT


def render_text(matrix: Matrix, probe: PortProbe | None, *, colour: bool) -> str:
    """An aligned table: numbered columns with a legend of row names."""
    ids, rows = table(matrix, probe, externals=True)
    if not matrix.nodes:
        return "(no pods)\n"
    pods = len(matrix.nodes)

    def undefined_cell(i: int, j: int) -> bool:
        """A hostNetwork pod at either end (rows and columns past the pods are addresses)."""
        ends = [matrix.nodes[k] for k in (i, j) if k < pods]
        return any(n.pod is not None and n.pod.host_network for n in ends)

    green, red, dim, reset = ("\033[32m", "\033[31m", "\033[2m", "\033[0m") if colour else ("",) * 4
    title = f"Connectivity on {probe}" if probe else "Allowed connections"
    lines = [f"{title} (rows: from, columns: to)"]
    other = matrix.other_mode()
    alt_rows = table(other, probe, externals=True)[1] if other is not None else rows
    if probe is not None:
        width = max(len(i) for i in ids)
        nums = [str(i + 1) for i in range(len(ids))]
        dependent = any(r != a for r, a in zip(rows, alt_rows, strict=True))
        undefined = any(n.pod is not None and n.pod.host_network for n in matrix.nodes)
        cw = max(max(len(n) for n in nums), 2 if dependent or undefined else 1)
        header = " " * (width + cw + 4) + " ".join(n.rjust(cw) for n in nums)
        lines.append(header)
        for i, row in enumerate(rows):
            cells = []
            for j, (cell, alt) in enumerate(zip(row[1:], alt_rows[i][1:], strict=True)):
                if cell == NOT_APPLICABLE:
                    cells.append(f"{dim}{'–'.rjust(cw)}{reset}")
                    continue
                glyph = "✓" if cell == "allowed" else "✗"
                if alt != cell:
                    glyph += "!"
                elif undefined_cell(i, j):
                    glyph += "?"
                style = green if cell == "allowed" else red
                cells.append(f"{style}{glyph.rjust(cw)}{reset}")
            lines.append(f"{nums[i].rjust(cw)}  {row[0].ljust(width)}  " + " ".join(cells))
        legend = "✓ allowed  ✗ denied"
        if dependent:
            legend += "  ! depends on the network plugin (an ipBlock matching a pod IP)"
        if undefined:
            legend += "  ? involves a hostNetwork pod (undefined in the spec)"
        if len(ids) > pods:
            legend += "  – two outside addresses (no policy between them)"
        lines.append(f"{dim}{legend}{reset}")
        return "\n".join(lines) + "\n\n"
    width = max(len(i) for i in ids)
    for i, row in enumerate(rows):
        src = row[0]
        for j, (dst, cell) in enumerate(zip(ids, row[1:], strict=True)):
            if cell == NOT_APPLICABLE:
                continue
            style = green if cell == "All Connections" else red if cell == "No Connections" else ""
            note = ""
            if src == dst and i < pods:
                # A pod always reaches itself: worth a line only when it is all there is.
                # Between the pods one row stands for (replicas), the policies decide.
                size = matrix.nodes[i].size
                if size > 1:
                    note = f"  {dim}(between its {size} pods){reset}"
                elif len(ids) > 1:
                    continue
                else:
                    note = f"  {dim}(a pod can always reach itself){reset}"
            alt = alt_rows[i][j + 1]
            if alt != cell:
                note = f"  {dim}(CNI-dependent: {alt} if ipBlocks are read the other way){reset}"
            lines.append(f"{src.ljust(width)}  =>  {dst.ljust(width)}  {style}{cell}{reset}{note}")
    return "\n".join(lines) + "\n\n"
