"""The allowed-connection graph (networkx): multi-hop reachability and DOT export."""

from __future__ import annotations

import networkx as nx

from k8snet_tutor.core.matrix import Matrix


def connection_graph(matrix: Matrix) -> nx.DiGraph:
    """Nodes are matrix node ids; an edge means some connection is allowed (attr `conns`)."""
    graph = nx.DiGraph()
    for node in matrix.nodes:
        graph.add_node(node.id, kind="pod", namespace=node.namespace)
    for src, dst, conn in matrix.pairs():
        for n in (src, dst):
            if n.is_external and n.id not in graph:
                graph.add_node(n.id, kind="external", namespace=None)
        graph.add_edge(src.id, dst.id, conns=str(conn))
    return graph


def reachable(graph: nx.DiGraph, start: str, hops: int | None = None) -> dict[str, int]:
    """Every node reachable from `start` and the fewest hops it takes (start itself excluded)."""
    lengths = nx.single_source_shortest_path_length(graph, start, cutoff=hops)
    return {n: d for n, d in lengths.items() if n != start}


def to_dot(graph: nx.DiGraph) -> str:
    """Graphviz DOT text: pods grouped by namespace in clusters, externals as boxes."""
    lines = ["digraph connectivity {", "  rankdir=LR;", '  node [shape=ellipse, fontsize=10];']
    by_ns: dict[str, list[str]] = {}
    for node, data in graph.nodes(data=True):
        if data.get("kind") == "external":
            lines.append(f'  "{node}" [shape=box, style=dashed];')
        else:
            by_ns.setdefault(str(data.get("namespace")), []).append(node)
    for i, (ns, nodes) in enumerate(sorted(by_ns.items())):
        lines.append(f'  subgraph cluster_{i} {{ label="{ns}";')
        for n in sorted(nodes):
            short = n.split("/", 1)[-1]
            lines.append(f'    "{n}" [label="{short}"];')
        lines.append("  }")
    for src, dst, data in sorted(graph.edges(data=True)):
        lines.append(f'  "{src}" -> "{dst}" [label="{data.get("conns", "")}", fontsize=8];')
    lines.append("}")
    return "\n".join(lines) + "\n"
