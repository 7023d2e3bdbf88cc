"""Reading manifests: YAML/JSON text -> plain Python documents that remember positions.

CONTRACT (implemented by the loader work; other modules rely on exactly this):

- `Document`: one YAML document (or one item of a `kind: List` / `*List` object, flattened).
    - `data`: the plain Python value (dicts, lists, str, int, float, bool, None).
    - `source`: the file name as given ("-" shown as "<stdin>"), `index`: 0-based document number
      (counts the Documents produced from that source, so flattened list items are numbered too).
    - `position(path)`: 1-based (line, column) of the node at `path` (keys and list indexes,
      relative to `data`; for a flattened list item, relative to the item), or of the deepest
      existing ancestor when part of the path is missing; None only if unknown.
      For a mapping entry this is where its key is written (`podSelector:`), for a list item
      where the item starts, for `()` where the document (or list item) starts.
- `load_text(text, source)`: parse a whole multi-document string. Returns (documents, problems).
  A YAML syntax error is a Problem with line/column and a hint; documents before it are kept.
- `load_paths(paths)`: files, folders (recursively *.yaml, *.yml, *.json, sorted), and "-" for
  stdin. Missing files, unreadable files, too-large files are Problems, not exceptions.
- Safety: safe loading only (no Python tags); alias bombs, deep nesting and files over
  `MAX_FILE_BYTES` are refused quickly with a clear Problem. Never raises for bad input.

Details: YAML 1.1 scalar resolution exactly as PyYAML's SafeLoader (`on` -> True, `0x1F` -> 31,
`010` -> 8), except timestamps and `!!binary` stay strings; mapping keys are always the key text
as written; duplicate keys: last wins, with a warning; merge keys (`<<`) are supported. Any error
other than a duplicate key stops reading the rest of that file (earlier documents are kept).
"""

from __future__ import annotations

import gc
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from k8snet_tutor.core.problems import FieldPath, Problem, format_path

__all__ = [
    "MAX_ALIAS_USES",
    "MAX_DEPTH",
    "MAX_EXPANDED_NODES",
    "MAX_FILE_BYTES",
    "Document",
    "load_paths",
    "load_text",
]

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 100
MAX_EXPANDED_NODES = 2_000_000
MAX_ALIAS_USES = 100_000

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")

_Loader: Any = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

# Positions are packed into one int: line (0-based) << 32 | column (0-based).
_SHIFT = 32
_LOW = (1 << _SHIFT) - 1

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
_MAP, _SEQ, _BINARY, _MERGE = (_TAG + t for t in ("map", "seq", "binary", "merge"))
_SCALAR_TAGS = frozenset({_STR, _INT, _FLOAT, _BOOL, _NULL, _BINARY})

_ONLY_PLAIN = (
    "only plain YAML is read (mappings, lists, strings, numbers, booleans, null); remove the tag"
)


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


# ----------------------------------------------------------------------------- scalars

_constructor = SafeConstructor()
_BOOL_VALUES: dict[str, bool] = dict(SafeConstructor.bool_values)
_DECIMAL = re.compile(r"(?:0|[1-9][0-9]{0,17})\Z")


def _construct_int(value: str) -> Any:
    if len(value) > 1000:
        # No Kubernetes field holds such a number, and Python refuses to convert very long
        # digit strings; keep the text so validation can point at it.
        return value
    if _DECIMAL.match(value):
        return int(value)
    return _constructor.construct_yaml_int(ScalarNode(_INT, value))


def _construct_float(value: str) -> Any:
    return _constructor.construct_yaml_float(ScalarNode(_FLOAT, value))


def _construct_bool(value: str) -> Any:
    return _BOOL_VALUES[value.lower()]


def _construct_null(value: str) -> Any:
    return None


def _construct_str(value: str) -> Any:
    return value


_CONSTRUCT: dict[str, Callable[[str], Any]] = {
    _INT: _construct_int,
    _FLOAT: _construct_float,
    _BOOL: _construct_bool,
    _NULL: _construct_null,
}

# First character -> [(regexp, constructor)] from PyYAML's standard YAML 1.1 implicit resolver.
# Tags without a plain-data meaning (timestamp, merge, value, yaml) resolve to the string itself.
_IMPLICIT: dict[str, list[tuple[re.Pattern[str], Callable[[str], Any]]]] = {
    first: [(regexp, _CONSTRUCT.get(tag, _construct_str)) for tag, regexp in entries]
    for first, entries in Resolver.yaml_implicit_resolvers.items()
    if first is not None
}


def _resolve_plain(
    value: str, candidates: list[tuple[re.Pattern[str], Callable[[str], Any]]]
) -> Any:
    for regexp, construct in candidates:
        if regexp.match(value):
            return construct(value)
    return value


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


# ----------------------------------------------------------------------------- the parser


class _Stop(Exception):
    """Reading this file cannot continue; carries the Problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


_NOKEY: Any = object()  # current mapping expects a key
_INSEQ: Any = object()  # current container is a sequence (or the document holder)
_MERGEKEY: Any = object()  # current mapping got a `<<` key and expects its value


class _Parser:
    """Builds plain values from parser events with an explicit stack (no recursion)."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.docs: list[Document] = []
        self.problems: list[Problem] = []

    # -- problems

    def _stop(self, code: str, message: str, mark: Any = None, hint: str | None = None) -> _Stop:
        line = col = None
        if mark is not None:
            line, col = mark.line + 1, mark.column + 1
        message += "; the rest of this file was not read"
        return _Stop(Problem("error", message, self.source, line, col, hint=hint, code=code))

    def _check_tag(self, tag: str, kind: str, mark: Any) -> None:
        """Refuse every explicit tag except the standard plain-data ones fitting `kind`."""
        ok = (kind == "scalar" and tag in _SCALAR_TAGS) or (kind == "mapping" and tag == _MAP)
        ok = ok or (kind == "sequence" and tag == _SEQ)
        if ok:
            return
        if tag in _SCALAR_TAGS or tag in (_MAP, _SEQ):
            raise self._stop(
                "yaml-bad-tag", f"the tag {_show_tag(tag)} cannot be used on a {kind}", mark
            )
        raise self._stop(
            "yaml-unsafe-tag",
            f"refusing the tag {_show_tag(tag)}: {_ONLY_PLAIN}",
            mark,
            hint="tags like !!python/... or custom !Tags are not Kubernetes YAML",
        )

    def _tagged_scalar(self, tag: str, value: str, mark: Any) -> Any:
        self._check_tag(tag, "scalar", mark)
        if tag == _STR or tag == _BINARY:
            return value
        try:
            if tag == _INT:
                return _construct_int(value)
            if tag == _FLOAT:
                return _construct_float(value)
            if tag == _BOOL:
                return _construct_bool(value)
        except (ValueError, KeyError, TypeError, IndexError):
            raise self._stop(
                "yaml-bad-value", f"{value!r} is not a valid {_show_tag(tag)} value", mark
            ) from None
        return None  # !!null

    # -- the event loop

    def run(self, loader: Any) -> None:
        get_event = loader.get_event
        positions: dict[int, list[int]] = {}
        anchors: dict[str, tuple[Any, int] | None] = {}
        merges: dict[int, list[tuple[Any, int]]] = {}
        dup_warnings: list[tuple[FieldPath, Any, str]] = []
        stack: list[tuple[Any, list[int], Any, str | None, int]] = []
        holder: list[Any] = []
        cur: Any = holder
        cur_pos: list[int] = []
        key: Any = _INSEQ
        key_pos = 0
        nodes = 0
        aliases = 0
        implicit_table = _IMPLICIT
        cache: dict[str, Any] = {}  # plain scalar text -> resolved value (only resolver candidates)
        cache_get = cache.get
        shift = _SHIFT
        max_depth = MAX_DEPTH
        # Local names for the event classes (faster than module globals in the hot loop).
        scalar_t, map_t, seq_t, alias_t = (
            ScalarEvent,
            MappingStartEvent,
            SequenceStartEvent,
            AliasEvent,
        )
        map_end_t, seq_end_t = MappingEndEvent, SequenceEndEvent
        nokey, inseq, mergekey = _NOKEY, _INSEQ, _MERGEKEY
        v: Any

        while True:
            ev = get_event()
            t = type(ev)
            if t is scalar_t:
                nodes += 1
                m = ev.start_mark
                tag = ev.tag
                if key is nokey:  # a mapping key: always the text as written
                    if tag is not None and tag != "!":
                        self._check_tag(tag, "scalar", m)
                    key = ev.value
                    key_pos = m.line << shift | m.column
                    if key == "<<" and ev.implicit[0]:
                        key = mergekey
                    if ev.anchor is not None:
                        anchors[ev.anchor] = (ev.value, 1)
                    continue
                value = ev.value
                if tag is None or tag == "!":
                    if ev.implicit[0]:
                        candidates = implicit_table.get(value[:1])
                        if candidates is None:
                            v = value
                        else:
                            v = cache_get(value, nokey)
                            if v is nokey:
                                v = _resolve_plain(value, candidates)
                                if len(cache) < 65536:
                                    cache[value] = v
                    else:
                        v = value
                else:
                    v = self._tagged_scalar(tag, value, m)
                if ev.anchor is not None:
                    anchors[ev.anchor] = (v, 1)
                p = m.line << shift | m.column
            elif t is map_end_t or t is seq_end_t:
                if merges and id(cur) in merges:
                    self._apply_merges(cur, cur_pos, merges.pop(id(cur)), positions)
                parent, parent_pos, parent_key, anchor, start_nodes = stack.pop()
                if anchor is not None:
                    anchors[anchor] = (cur, nodes - start_nodes)
                cur, cur_pos = parent, parent_pos
                key = inseq if parent_key is inseq else nokey
                continue
            elif t is map_t or t is seq_t:
                m = ev.start_mark
                if key is nokey:
                    raise self._complex_key(m)
                tag = ev.tag
                if tag is not None and tag != "!":
                    self._check_tag(tag, "mapping" if t is map_t else "sequence", m)
                new: Any = {} if t is map_t else []
                p = m.line << shift | m.column
                if key is inseq:
                    cur.append(new)
                    cur_pos.append(p)
                elif key is mergekey:
                    merges.setdefault(id(cur), []).append((new, key_pos))
                else:
                    if key in cur:
                        self._duplicate(stack, cur, cur_pos, key, key_pos, dup_warnings)
                    else:
                        cur_pos.append(key_pos)
                    cur[key] = new
                anchor = ev.anchor
                if anchor is not None:
                    anchors[anchor] = None  # open: an alias to it now would be recursive
                stack.append((cur, cur_pos, key, anchor, nodes))
                nodes += 1
                if len(stack) > max_depth:
                    raise self._stop(
                        "yaml-too-deep",
                        f"the YAML is nested more than {max_depth} levels deep",
                        m,
                        hint="Kubernetes objects are never this deep; is the file generated wrongly?",
                    )
                cur = new
                cur_pos = []
                positions[id(new)] = cur_pos
                key = nokey if t is map_t else inseq
                continue
            elif t is alias_t:
                m = ev.start_mark
                if ev.anchor not in anchors:
                    raise self._stop(
                        "yaml-undefined-alias",
                        f"the alias *{ev.anchor} has no matching anchor &{ev.anchor}",
                        m,
                        hint="an anchor must be defined earlier in the same document",
                    )
                target = anchors[ev.anchor]
                if target is None:
                    raise self._stop(
                        "yaml-recursive-alias",
                        f"the alias *{ev.anchor} refers to a node that contains it",
                        m,
                        hint="recursive YAML structures cannot describe Kubernetes objects",
                    )
                v, size = target
                aliases += 1
                nodes += size
                if nodes > MAX_EXPANDED_NODES or aliases > MAX_ALIAS_USES:
                    raise self._stop(
                        "yaml-alias-bomb",
                        "refusing to expand YAML aliases: this document would grow past "
                        f"{MAX_EXPANDED_NODES:,} nodes or {MAX_ALIAS_USES:,} alias uses "
                        "(an 'alias bomb')",
                        m,
                    )
                if key is nokey:
                    if isinstance(v, dict | list):
                        raise self._complex_key(m)
                    key = _key_text(v)
                    key_pos = m.line << shift | m.column
                    continue
                p = m.line << shift | m.column
            elif t is DocumentStartEvent:
                positions = {}
                anchors = {}
                merges = {}
                dup_warnings = []
                holder = []
                cur = holder
                cur_pos = []
                key = inseq
                nodes = aliases = 0
                continue
            elif t is DocumentEndEvent:
                self._finish_document(holder, cur_pos, positions, dup_warnings)
                continue
            elif t is StreamEndEvent or ev is None:
                return
            else:  # StreamStartEvent
                continue

            # add a scalar or alias value `v` found at `p` to the current container
            if key is inseq:
                cur.append(v)
                cur_pos.append(p)
            elif key is mergekey:
                merges.setdefault(id(cur), []).append((v, key_pos))
                key = nokey
            else:
                if key in cur:
                    self._duplicate(stack, cur, cur_pos, key, key_pos, dup_warnings)
                else:
                    cur_pos.append(key_pos)
                cur[key] = v
                key = nokey

    # -- rare paths

    def _complex_key(self, mark: Any) -> _Stop:
        hint = "use a plain string as the key"
        if "{{" in self.text:
            hint = _TEMPLATE_HINT
        return self._stop(
            "yaml-complex-key", "a list or mapping is used as a mapping key", mark, hint=hint
        )

    def _duplicate(
        self,
        stack: list[tuple[Any, list[int], Any, str | None, int]],
        cur: dict[str, Any],
        cur_pos: list[int],
        key: str,
        key_pos: int,
        out: list[tuple[FieldPath, Any, str]],
    ) -> None:
        cur_pos[_key_index(cur, key)] = key_pos
        path: list[str | int] = []
        for container, _, child_key, _, _ in stack[1:]:  # stack[0] is the document holder
            if child_key is _INSEQ:
                path.append(len(container) - 1)
            else:
                path.append("<<" if child_key is _MERGEKEY else child_key)
        path.append(key)
        out.append((tuple(path), key_pos, key))

    def _apply_merges(
        self,
        mapping: dict[str, Any],
        mapping_pos: list[int],
        found: list[tuple[Any, int]],
        positions: dict[int, list[int]],
    ) -> None:
        """Apply `<<` merge keys the way PyYAML does: explicit keys win, earlier sources win."""
        entries: list[tuple[str, Any, int]] = []
        for value, merge_pos in found:
            if isinstance(value, dict):
                sources = [value]
            elif isinstance(value, list) and all(isinstance(s, dict) for s in value):
                sources = list(reversed(value))
            else:
                raise self._stop(
                    "yaml-bad-merge",
                    "a merge key '<<' must be followed by a mapping or a list of mappings",
                    _Mark(merge_pos),
                )
            for src in sources:
                table = positions.get(id(src), [])
                for i, (k, item) in enumerate(src.items()):
                    entries.append((k, item, table[i] if i < len(table) else merge_pos))
        entries.extend(zip(mapping.keys(), mapping.values(), mapping_pos, strict=False))
        merged: dict[str, Any] = {}
        where: dict[str, int] = {}
        for k, item, pos in entries:
            merged[k] = item
            where[k] = pos
        mapping.clear()
        mapping.update(merged)
        mapping_pos[:] = [where[k] for k in mapping]

    def _finish_document(
        self,
        holder: list[Any],
        holder_pos: list[int],
        positions: dict[int, list[int]],
        dup_warnings: list[tuple[FieldPath, Any, str]],
    ) -> None:
        if not holder:
            return
        root = holder[0]
        root_pos = holder_pos[0]
        items: list[Any] | None = None
        if isinstance(root, dict):
            kind = root.get("kind")
            if (
                isinstance(kind, str)
                and kind.endswith("List")
                and isinstance(root.get("items"), list)
            ):
                items = root["items"]
                _fill_item_kinds(kind, root.get("apiVersion"), items)
        for path, pos, dkey in dup_warnings:
            obj, rel = _describe(root), path
            if (
                items is not None
                and len(path) >= 2
                and path[0] == "items"
                and isinstance(path[1], int)
            ):
                obj, rel = _describe(items[path[1]]), path[2:]
            self.problems.append(
                Problem(
                    "warning",
                    f"duplicate key {dkey!r}: the later value is used",
                    self.source,
                    (pos >> _SHIFT) + 1,
                    (pos & _LOW) + 1,
                    obj=obj,
                    field=format_path(rel) or None,
                    hint="remove one of the two entries",
                    code="yaml-duplicate-key",
                )
            )
        if items is None:
            self._add(root, root_pos, positions)
            return
        table = positions.get(id(items), [])
        for i, item in enumerate(items):
            self._add(item, table[i] if i < len(table) else root_pos, positions)

    def _add(self, data: Any, pos: int | None, positions: dict[int, list[int]] | None) -> None:
        if data is None:
            return
        if not isinstance(data, dict):
            line = col = None
            if pos is not None:
                line, col = (pos >> _SHIFT) + 1, (pos & _LOW) + 1
            self.problems.append(
                Problem(
                    "error",
                    "expected a Kubernetes object (a mapping with apiVersion and kind), "
                    f"found {_type_name(data)}",
                    self.source,
                    line,
                    col,
                    code="not-an-object",
                )
            )
            return
        self.docs.append(Document(data, self.source, len(self.docs), pos, positions))


class _Mark:
    """A minimal stand-in for a yaml Mark, built from a packed position."""

    def __init__(self, packed: int) -> None:
        self.line = packed >> _SHIFT
        self.column = packed & _LOW


def _key_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _type_name(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    return type(value).__name__


# ----------------------------------------------------------------------------- syntax errors

_TEMPLATE_HINT = "this looks like a Helm/Go template; render it first with `helm template`"
_TAB_HINT = "YAML indentation must use spaces, not tabs"
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\x85|\u2028|\u2029")
_TEMPLATE_LINE = re.compile(r"^[ \t]*\{\{", re.MULTILINE)  # `{{- if ... }}` on its own line


def _line_of(text: str, line0: int) -> str:
    if line0 < 0:
        return ""
    pos = 0
    for _ in range(line0):
        found = _LINE_BREAK.search(text, pos)
        if found is None:
            return ""
        pos = found.end()
    found = _LINE_BREAK.search(text, pos)
    return text[pos : found.start() if found else len(text)]


def _syntax_problem(exc: yaml.YAMLError, text: str, source: str) -> Problem:
    problem_text = str(getattr(exc, "problem", None) or "")
    context = str(getattr(exc, "context", None) or "")
    mark = getattr(exc, "problem_mark", None)
    ctx_mark = getattr(exc, "context_mark", None)
    line = col = None
    if mark is not None:
        line, col = mark.line + 1, mark.column + 1
    elif isinstance(exc, yaml.reader.ReaderError):
        offset = exc.position
        if _Loader is not yaml.SafeLoader:  # libyaml reports a byte offset into UTF-8
            before = text.encode("utf-8", "replace")[:offset].decode("utf-8", "replace")
        else:
            before = text[:offset]
        line = len(_LINE_BREAK.findall(before)) + 1
        col = len(_LINE_BREAK.split(before)[-1]) + 1
    where_ctx = f" on line {ctx_mark.line + 1}" if ctx_mark is not None else ""
    bad_line = _line_of(text, line - 1) if line is not None else ""
    indent = bad_line[: len(bad_line) - len(bad_line.lstrip(" \t"))]
    at_char = bad_line[col - 1 : col] if col is not None else ""

    hint: str | None = None
    if isinstance(exc, yaml.reader.ReaderError):
        message = "the file contains a character that is not allowed in YAML"
        hint = "remove control characters (or save the file as UTF-8 text)"
    elif "cannot start any token" in problem_text:
        if at_char == "\t" or "\\t" in problem_text or "\t" in indent:
            message = "a tab character where YAML expects spaces"
            hint = _TAB_HINT
        else:
            shown = at_char or "this character"
            message = f"{shown!r} cannot start a YAML value"
            hint = 'quote the value, e.g. key: "@value"'
    elif "mapping values are not allowed" in problem_text:
        message = "a ':' appears where YAML does not expect a `key: value`"
        hint = (
            "check the indentation of this line and the one above, and that each `key:` "
            "has a space after ':'; quote values that contain ': '"
        )
    elif "quoted scalar" in context:
        message = f"a quoted string that starts{where_ctx} is never closed"
        hint = "add the missing closing quote"
    elif "flow sequence" in context or "flow mapping" in context:
        bracket = "[" if "sequence" in context else "{"
        message = f"a '{bracket}' opened{where_ctx} is not closed properly"
        hint = f"close it with '{']' if bracket == '[' else '}'}' and separate items with ','"
    elif "could not find expected ':'" in problem_text:
        which = f"line {ctx_mark.line + 1}" if ctx_mark is not None else "a line"
        message = f"{which} has no ':' (expected `key: value`)"
        hint = "check for a missing ':' or a line that is indented wrongly"
    elif "block mapping" in context or "block collection" in context or "block end" in problem_text:
        message = f"unexpected indentation: {problem_text}"
        hint = "keys of one mapping (and '-' items of one list) must line up exactly"
    elif "\t" in indent:
        message = f"invalid YAML: {problem_text or context}"
        hint = _TAB_HINT
    else:
        message = f"invalid YAML: {problem_text or context or str(exc).splitlines()[0]}"
    if "maximum nesting depth" in problem_text:
        # libyaml 0.2.6 and later stop at 1000 levels before our own, lower, limit applies.
        return Problem(
            "error",
            "the YAML is nested too deeply",
            source,
            line,
            col,
            hint="Kubernetes objects are never this deep; is the file generated wrongly?",
            code="yaml-too-deep",
        )
    prev_line = _line_of(text, line - 2) if line is not None else ""
    if (
        "{{" in bad_line
        or "{{" in prev_line
        or _TEMPLATE_LINE.search(text)
        or (hint is None and "{{" in text)
    ):
        hint = _TEMPLATE_HINT
    return Problem("error", message, source, line, col, hint=hint, code="yaml-syntax")


# ----------------------------------------------------------------------------- entry points


def _parse(text: str, source: str) -> tuple[list[Document], list[Problem]]:
    parser = _Parser(text, source)
    loader: Any = None
    # The loop allocates millions of acyclic containers; the cyclic GC would rescan them over
    # and over (20-30% of the time on big files), so it is paused while parsing.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        loader = _Loader(text)  # the pure-Python reader already checks characters here
        parser.run(loader)
    except _Stop as stop:
        parser.problems.append(stop.problem)
    except yaml.YAMLError as exc:
        parser.problems.append(_syntax_problem(exc, text, source))
    except Exception as exc:  # last-resort guard: never raise for bad input
        parser.problems.append(
            Problem("error", f"could not read YAML: {exc}", source, code="yaml-internal")
        )
    finally:
        if loader is not None:
            loader.dispose()
        if gc_was_enabled:
            gc.enable()
    return parser.docs, parser.problems


def _json_fallback(text: str, source: str) -> tuple[list[Document], list[Problem]] | None:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    parser = _Parser(text, source)
    depth = _depth(data)
    if depth > MAX_DEPTH:
        return [], [
            Problem(
                "error",
                f"the JSON is nested more than {MAX_DEPTH} levels deep",
                source,
                code="yaml-too-deep",
            )
        ]
    items = None
    if isinstance(data, dict):
        kind = data.get("kind")
        if isinstance(kind, str) and kind.endswith("List") and isinstance(data.get("items"), list):
            items = data["items"]
            _fill_item_kinds(kind, data.get("apiVersion"), items)
    for item in items if items is not None else [data]:
        parser._add(item, None, None)
    return parser.docs, parser.problems


def _fill_item_kinds(list_kind: str, api_version: Any, items: list[Any]) -> None:
    """Items of a typed list (`PodList`, `NamespaceList`, ...) may omit their own kind, as
    `kubectl get -o json` and the API's list responses do; give them the list's item kind.
    New keys go last, so the recorded positions of existing keys stay valid."""
    item_kind = list_kind[: -len("List")]
    if not item_kind:
        return
    for item in items:
        if isinstance(item, dict) and "kind" not in item:
            item["kind"] = item_kind
            if "apiVersion" not in item and isinstance(api_version, str):
                item["apiVersion"] = api_version


def _depth(data: Any) -> int:
    deepest = 0
    todo: list[tuple[Any, int]] = [(data, 1)]
    while todo:
        value, depth = todo.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            todo.extend((child, depth + 1) for child in value)
    return deepest


def load_text(text: str, source: str = "<string>") -> tuple[list[Document], list[Problem]]:
    """Parse a whole (multi-document) YAML or JSON string."""
    if len(text) > MAX_FILE_BYTES:
        return [], [_too_large(source)]
    if text.startswith("\ufeff"):
        text = text[1:]
    docs, problems = _parse(text, source)
    if any(p.code == "yaml-syntax" for p in problems) and (
        source.lower().endswith(".json") or text.lstrip()[:1] in ("{", "[")
    ):
        fallback = _json_fallback(text, source)
        if fallback is not None:
            return fallback
    return docs, problems


def _too_large(source: str) -> Problem:
    return Problem(
        "error",
        f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; refusing to read it",
        source,
        hint="split it into smaller files",
        code="file-too-large",
    )


def _decode(raw: bytes, source: str) -> tuple[str | None, Problem | None]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return raw.decode(encoding), None
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, Problem(
            "error",
            "the file is not valid UTF-8 text",
            source,
            line,
            col,
            hint="save the file as UTF-8",
            code="encoding",
        )


def _read_file(path: str, source: str) -> tuple[list[Document], list[Problem]]:
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            what = (
                "a folder reached through a link (links to folders are not followed)"
                if stat.S_ISDIR(info.st_mode)
                else "not a regular file (a pipe, socket or device)"
            )
            return [], [
                Problem(
                    "error",
                    f"cannot read the file: it is {what}",
                    source,
                    hint="give the folder itself as the path, or save the manifests to a "
                    "regular file (or pipe them in with `-` as the path)",
                    code="file-not-regular",
                )
            ]
        if info.st_size > MAX_FILE_BYTES:
            return [], [_too_large(source)]
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return [], [
            Problem(
                "error",
                f"cannot read the file: {exc.strerror or exc}",
                source,
                hint="check the file's permissions",
                code="file-unreadable",
            )
        ]
    return _load_bytes(raw, source)


def _load_bytes(raw: bytes, source: str) -> tuple[list[Document], list[Problem]]:
    if len(raw) > MAX_FILE_BYTES:
        return [], [_too_large(source)]
    text, problem = _decode(raw, source)
    if text is None:
        return [], [problem] if problem is not None else []
    return load_text(text, source)


def _read_stdin() -> tuple[list[Document], list[Problem]]:
    source = "<stdin>"
    try:
        stream: Any = sys.stdin
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            raw = buffer.read(MAX_FILE_BYTES + 1)
            return _load_bytes(raw, source)
        text = stream.read(MAX_FILE_BYTES + 1) if stream is not None else ""
    except (OSError, ValueError) as exc:
        return [], [
            Problem("error", f"cannot read standard input: {exc}", source, code="file-unreadable")
        ]
    if not isinstance(text, str):
        return _load_bytes(bytes(text), source)
    return load_text(text, source)


def _manifest_files(folder: str, problems: list[Problem]) -> list[str]:
    """Paths of *.yaml, *.yml, *.json under `folder`, in name order, subfolders in place.

    The order is the lexical walk `kubectl apply -R` uses. Hidden folders and files (names
    starting with '.') are skipped, and symlinked folders are not entered.
    """
    found: list[str] = []
    pending: list[Iterator[tuple[str, bool]]] = [iter(_folder_entries(folder, problems))]
    while pending:
        entry = next(pending[-1], None)
        if entry is None:
            pending.pop()
            continue
        path, is_dir = entry
        if is_dir:
            pending.append(iter(_folder_entries(path, problems)))
        elif path.lower().endswith(MANIFEST_SUFFIXES):
            found.append(path)
    return found


def _folder_entries(folder: str, problems: list[Problem]) -> list[tuple[str, bool]]:
    try:
        with os.scandir(folder) as scan:
            entries = [
                (entry.name, entry.is_dir(follow_symlinks=False))
                for entry in scan
                if not entry.name.startswith(".")
            ]
    except OSError as exc:
        problems.append(
            Problem(
                "warning",
                f"cannot read the folder: {exc.strerror or exc}",
                folder,
                code="file-unreadable",
            )
        )
        return []
    entries.sort()
    return [(os.path.join(folder, name), is_dir) for name, is_dir in entries]


def load_paths(paths: Sequence[str]) -> tuple[list[Document], list[Problem]]:
    """Load files, folders (recursively) and "-" (stdin), in the order given."""
    docs: list[Document] = []
    problems: list[Problem] = []
    for given in paths:
        if given == "-":
            found = _read_stdin()
            docs.extend(found[0])
            problems.extend(found[1])
            continue
        if os.path.isdir(given):
            files = _manifest_files(given, problems)
            for path in files:
                found = _read_file(path, path)
                docs.extend(found[0])
                problems.extend(found[1])
            if not files:
                problems.append(
                    Problem(
                        "warning",
                        "the folder contains no manifests (*.yaml, *.yml or *.json files)",
                        given,
                        code="no-manifests",
                    )
                )
            continue
        if not os.path.lexists(given):
            problems.append(
                Problem(
                    "error",
                    "no such file or folder",
                    given,
                    hint="check the path; use '-' to read from standard input",
                    code="file-not-found",
                )
            )
            continue
        found = _read_file(given, given)
        docs.extend(found[0])
        problems.extend(found[1])
    return docs, problems
