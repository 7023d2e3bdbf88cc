"""Plain values from PyYAML's parser events, with positions, anchors, merge keys, duplicate
keys and limits against alias bombs and deep nesting; YAML 1.1 scalars resolved as PyYAML's
SafeLoader does."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

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

from k8snet_tutor.core.manifests.document import _LOW, _SHIFT, Document, _describe, _key_index
from k8snet_tutor.core.manifests.syntax_errors import _TEMPLATE_HINT
from k8snet_tutor.core.problems import FieldPath, Problem, format_path
from k8snet_tutor.core.wording import describe_value

MAX_DEPTH = 100
MAX_EXPANDED_NODES = 2_000_000
MAX_ALIAS_USES = 100_000

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
_MAP, _SEQ, _BINARY, _MERGE = (_TAG + t for t in ("map", "seq", "binary", "merge"))
_SCALAR_TAGS = frozenset({_STR, _INT, _FLOAT, _BOOL, _NULL, _BINARY})

_ONLY_PLAIN = (
    "only plain YAML is read (mappings, lists, strings, numbers, booleans, null); remove the tag"
)


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
                    f"found {describe_value(data)}",
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
