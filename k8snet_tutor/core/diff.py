"""Semantic diff: which cells of the connectivity matrix changed between two clusters."""

from __future__ import annotations

from dataclasses import dataclass

from k8snet_tutor.core.matrix import Matrix, Node
from k8snet_tutor.core.ports import ALL, NONE, ConnectionSet


@dataclass(frozen=True)
class CellChange:
    source: str
    destination: str
    before: ConnectionSet
    after: ConnectionSet

    @property
    def added(self) -> ConnectionSet:
        return self.after - self.before

    @property
    def removed(self) -> ConnectionSet:
        return self.before - self.after

    @property
    def kind(self) -> str:
        if not self.before:
            return "added"
        if not self.after:
            return "removed"
        return "changed"

    def describe(self) -> str:
        parts = []
        if self.added:
            parts.append(f"+ {self.added}")
        if self.removed:
            parts.append(f"- {self.removed}")
        return f"{self.source} => {self.destination} : {self.before} -> {self.after} ({'; '.join(parts)})"


def _cells(matrix: Matrix) -> dict[tuple[str, str], ConnectionSet]:
    cells = {(s.id, d.id): c for s, d, c in matrix.pairs()}
    for n in matrix.nodes:
        cells[(n.id, n.id)] = ALL
    return cells


def diff(before: Matrix, after: Matrix) -> list[CellChange]:
    """Changed cells, sorted. Nodes present on one side only count as having no connections."""
    old = _cells(before)
    new = _cells(after)
    changes = []
    for key in sorted(set(old) | set(new)):
        a = old.get(key, NONE)
        b = new.get(key, NONE)
        if a != b:
            changes.append(CellChange(key[0], key[1], a, b))
    return changes


def node_changes(before: Matrix, after: Matrix) -> tuple[list[str], list[str]]:
    """(nodes only in `after`, nodes only in `before`), pods and workloads only."""
    b = {n.id for n in before.nodes}
    a = {n.id for n in after.nodes}
    return sorted(a - b), sorted(b - a)


__all__ = ["CellChange", "Node", "diff", "node_changes"]
