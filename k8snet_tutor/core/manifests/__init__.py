"""Reading manifests: YAML/JSON text -> plain Python documents that remember positions.

Public API:

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

Layout: `document` (Document and its position index), `yaml_events` (parser events -> plain
values, YAML 1.1 scalars, limits), `syntax_errors` (a YAML error as a learner-facing Problem),
`files` (the one folder walker, `manifest_files`, and decoding). The entry points and the size
limit they apply stay here.
"""

from __future__ import annotations

import gc
import json
import os
import stat
import sys
from collections.abc import Sequence
from typing import Any

import yaml

from k8snet_tutor.core.manifests.document import Document
from k8snet_tutor.core.manifests.files import (
    MANIFEST_SUFFIXES,
    decode_text,
    manifest_files,
)
from k8snet_tutor.core.manifests.syntax_errors import _syntax_problem
from k8snet_tutor.core.manifests.yaml_events import (
    MAX_ALIAS_USES,
    MAX_DEPTH,
    MAX_EXPANDED_NODES,
    _fill_item_kinds,
    _Parser,
    _Stop,
)
from k8snet_tutor.core.problems import Problem

__all__ = [
    "MAX_ALIAS_USES",
    "MAX_DEPTH",
    "MAX_EXPANDED_NODES",
    "MAX_FILE_BYTES",
    "MANIFEST_SUFFIXES",
    "Document",
    "load_paths",
    "decode_text",
    "manifest_files",
    "load_text",
]

# The old private name, kept for callers written before the split (the sandbox's file reader).
_decode = decode_text

MAX_FILE_BYTES = 64 * 1024 * 1024

_Loader: Any = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader


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
        parser.problems.append(
            _syntax_problem(exc, text, source, byte_offsets=_Loader is not yaml.SafeLoader)
        )
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
    text, problem = decode_text(raw, source)
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


def load_paths(paths: Sequence[str]) -> tuple[list[Document], list[Problem]]:
    """Load files, folders (recursively) and "-" (stdin), in the order given."""
    docs: list[Document] = []
    problems: list[Problem] = []
    for given in paths:
        files, found_problems = manifest_files([given])
        problems.extend(found_problems)
        for path in files:
            found = _read_stdin() if path == "-" else _read_file(path, path)
            docs.extend(found[0])
            problems.extend(found[1])
    return docs, problems
