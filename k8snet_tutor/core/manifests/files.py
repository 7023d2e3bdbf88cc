"""Finding manifest files, and decoding a file's bytes.

`manifest_files(paths)` is the one place that turns the paths a user gives into the files to
read, walking folders in the order `kubectl apply -R` uses. `load_paths` reads what it returns,
and anything else that reads manifest folders (the sandbox) should call it too, so the same
folder is always read in the same order.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

from k8snet_tutor.core.problems import Problem

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


def decode_text(raw: bytes, source: str) -> tuple[str | None, Problem | None]:
    """A manifest file's bytes as text (UTF-8, or UTF-16 with a byte-order mark), or the
    problem that says where the bytes stop being text."""
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


def manifest_files(paths: Sequence[str]) -> tuple[list[str], list[Problem]]:
    """The files `paths` name, in reading order, and the problems found on the way.

    A file is kept as given, "-" (standard input) is kept as it is, and a folder is replaced by
    its *.yaml, *.yml and *.json files (recursively, see `_manifest_files`). A missing path is an
    error and a folder with no manifests a warning; the files themselves are not opened here.
    """
    files: list[str] = []
    problems: list[Problem] = []
    for given in paths:
        if given == "-":
            files.append(given)
            continue
        if os.path.isdir(given):
            found = _manifest_files(given, problems)
            files.extend(found)
            if not found:
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
        files.append(given)
    return files, problems
