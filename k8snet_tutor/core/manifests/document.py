"""`Document`: one parsed YAML document and the positions of its nodes."""

from __future__ import annotations

from typing import Any

from k8snet_tutor.core.problems import FieldPath

# Positions are packed into one int: line (0-based) << 32 | column (0-based).
_SHIFT = 32
_LOW = (1 << _SHIFT) - 1

# ----------------------------------------------------------------------------- documents


class Document:
    """One Kubernetes object read from `source`, with the positions of its fields."""

    __slots__ = ("data", "source", "index", "_root_pos", "_positions")

    def __init__(
        self,
        data: Any,
        source: str,
        index: int,
        root_pos: int | None = None,
        positions: dict[int, list[int]] | None = None,
    ) -> None:
        self.data: Any = data
        self.source = source
        self.index = index
        self._root_pos = root_pos
        # id(container) -> packed positions: list items in order, mapping entries in key order.
        self._positions = positions

    def __repr__(self) -> str:
        return (
            f"Document(source={self.source!r}, index={self.index}, data={_describe(self.data)!r})"
        )

    def position(self, path: FieldPath = ()) -> tuple[int, int] | None:
        """1-based (line, column) of `path`, or of its deepest existing ancestor."""
        pos = self._root_pos
        positions = self._positions
        if pos is None or positions is None:
            return None
        cur: Any = self.data
        for part in path:
            table = positions.get(id(cur))
            if table is None:
                break
            if isinstance(cur, dict):
                if isinstance(part, int):
                    part = str(part)
                if part not in cur:
                    break
                idx = _key_index(cur, part)
            elif isinstance(cur, list) and isinstance(part, int) and not isinstance(part, bool):
                if not 0 <= part < len(cur):
                    break
                idx = part
            else:
                break
            if idx >= len(table):
                break
            pos = table[idx]
            cur = cur[part]
        return (pos >> _SHIFT) + 1, (pos & _LOW) + 1


def _key_index(mapping: dict[str, Any], key: str) -> int:
    for i, k in enumerate(mapping):
        if k == key:
            return i
    return -1


def _describe(data: Any) -> str | None:
    """`NetworkPolicy shop/deny-all` for an object, or None."""
    if not isinstance(data, dict):
        return None
    kind = data.get("kind")
    meta = data.get("metadata")
    name = ns = None
    if isinstance(meta, dict):
        name, ns = meta.get("name"), meta.get("namespace")
    if not isinstance(kind, str) and name is None:
        return None
    text = kind if isinstance(kind, str) else "object"
    if name is not None:
        text += f" {ns}/{name}" if ns is not None else f" {name}"
    return text
