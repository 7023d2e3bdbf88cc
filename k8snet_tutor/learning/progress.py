"""The learner's progress: which lessons are done, their last YAML, hints used, time spent.

Stored as JSON (see `Progress.to_dict`) in `locations.progress_path()`. Loading never crashes:
a corrupt file, or one written by a newer version, is renamed to `<name>.bak-<timestamp>` and a
warning says so (it is never silently overwritten). Saving is atomic: a temporary file in the
same folder is written, flushed and fsynced, then moved over the old file with `os.replace`, so
a crash leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from k8snet_tutor.learning.locations import progress_path

PROGRESS_VERSION = 1
MAX_HISTORY = 1000


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class ProgressFormatError(ValueError):
    """The file is not a progress file this version understands."""


@dataclass
class LessonProgress:
    completed: bool = False
    completed_at: str | None = None
    yaml: str | None = None  # the learner's last YAML (None: never edited)
    hints_used: int = 0
    seconds: float = 0.0
    attempts: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "completed": self.completed,
            "completed_at": self.completed_at,
            "yaml": self.yaml,
            "hints_used": self.hints_used,
            "seconds": round(self.seconds, 3),
            "attempts": self.attempts,
        }

    @classmethod
    def from_dict(cls, raw: Any, where: str) -> LessonProgress:
        if not isinstance(raw, dict):
            raise ProgressFormatError(f"{where} is not an object")
        out = cls()
        completed = raw.get("completed", False)
        if not isinstance(completed, bool):
            raise ProgressFormatError(f"{where}.completed is not true/false")
        out.completed = completed
        at = raw.get("completed_at")
        if at is not None and not isinstance(at, str):
            raise ProgressFormatError(f"{where}.completed_at is not a string")
        out.completed_at = at
        yaml_text = raw.get("yaml")
        if yaml_text is not None and not isinstance(yaml_text, str):
            raise ProgressFormatError(f"{where}.yaml is not a string")
        out.yaml = yaml_text
        for name in ("hints_used", "attempts"):
            value = raw.get(name, 0)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ProgressFormatError(f"{where}.{name} is not a count")
            setattr(out, name, value)
        seconds = raw.get("seconds", 0.0)
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            raise ProgressFormatError(f"{where}.seconds is not a duration")
        out.seconds = float(seconds)
        return out


@dataclass
class Progress:
    """Progress through the lessons. `load` it, change it with the methods, `save` it."""

    path: Path | None = None
    current: str | None = None
    lessons: dict[str, LessonProgress] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # from loading; show them to the user
    extra: dict[str, Any] = field(default_factory=dict)  # unknown top-level keys, kept on save

    # -- reading ------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> Progress:
        """Load progress from `path` (default: `locations.progress_path()`).

        A missing file gives empty progress. A file that cannot be used is set aside as
        `<name>.bak-<timestamp>` and empty progress is returned, with a warning in `.warnings`.
        """
        target = progress_path(path)
        progress = cls(path=target)
        try:
            raw_bytes = target.read_bytes()
        except FileNotFoundError:
            return progress
        except OSError as exc:
            progress.warnings.append(
                f"cannot read the progress file {target}: {exc.strerror or exc}; "
                "starting with empty progress (the file is left as it is)"
            )
            progress.path = None  # never overwrite a file we could not read
            return progress
        try:
            data = json.loads(raw_bytes.decode("utf-8"))
            if not isinstance(data, dict):
                raise ProgressFormatError("the file does not hold a JSON object")
            version = data.get("version")
            if (
                isinstance(version, int)
                and not isinstance(version, bool)
                and version > PROGRESS_VERSION
            ):
                why = (
                    f"was written by a newer version of k8snet-tutor (format {version}; this "
                    f"version reads {PROGRESS_VERSION})"
                )
                return progress._setting_aside(why)
            progress._read(data)
        except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError and ProgressFormatError
            return cls(path=target)._setting_aside(f"is damaged ({exc})")
        return progress

    def _setting_aside(self, why: str) -> Progress:
        assert self.path is not None
        target = self.path
        backup = set_aside(target)
        if backup is None:
            self.path = None  # never overwrite what we could not move away
            self.warnings.append(
                f"the progress file {target} {why}, and it could not be renamed; starting with "
                "empty progress that will not be saved there"
            )
        else:
            self.warnings.append(
                f"the progress file {target} {why}. It was kept as {backup}; starting with "
                "empty progress."
            )
        return self

    def _read(self, data: dict[str, Any]) -> None:
        if data.get("version") != PROGRESS_VERSION:
            raise ProgressFormatError(f"unknown version {data.get('version')!r}")
        current = data.get("current")
        if current is not None and not isinstance(current, str):
            raise ProgressFormatError("current is not a lesson id")
        lessons = data.get("lessons", {})
        if not isinstance(lessons, dict):
            raise ProgressFormatError("lessons is not an object")
        history = data.get("history", [])
        if not isinstance(history, list) or not all(isinstance(h, dict) for h in history):
            raise ProgressFormatError("history is not a list of objects")
        self.current = current
        self.lessons = {
            str(k): LessonProgress.from_dict(v, f"lessons[{k!r}]") for k, v in lessons.items()
        }
        self.history = list(history)
        self.extra = {
            k: v for k, v in data.items() if k not in ("version", "current", "lessons", "history")
        }

    # -- changing -----------------------------------------------------------------------------

    def lesson(self, lesson_id: str) -> LessonProgress:
        """The entry for a lesson, created when first asked for."""
        entry = self.lessons.get(lesson_id)
        if entry is None:
            entry = self.lessons[lesson_id] = LessonProgress()
        return entry

    def is_completed(self, lesson_id: str) -> bool:
        entry = self.lessons.get(lesson_id)
        return bool(entry and entry.completed)

    def completed_ids(self) -> set[str]:
        return {k for k, v in self.lessons.items() if v.completed}

    def _log(self, event: str, lesson_id: str | None, **data: Any) -> None:
        self.history.append({"at": now_iso(), "event": event, "lesson": lesson_id, **data})
        if len(self.history) > MAX_HISTORY:
            del self.history[: len(self.history) - MAX_HISTORY]

    def start(self, lesson_id: str) -> None:
        """The learner opened a lesson."""
        self.current = lesson_id
        self.lesson(lesson_id)
        self._log("open", lesson_id)

    def set_yaml(self, lesson_id: str, yaml_text: str) -> None:
        self.lesson(lesson_id).yaml = yaml_text

    def add_time(self, lesson_id: str, seconds: float) -> None:
        if seconds > 0:
            self.lesson(lesson_id).seconds += seconds

    def record_hint(self, lesson_id: str) -> int:
        """A hint was revealed; returns how many hints are now used."""
        entry = self.lesson(lesson_id)
        entry.hints_used += 1
        self._log("hint", lesson_id, hints_used=entry.hints_used)
        return entry.hints_used

    def record_attempt(self, lesson_id: str, passed: bool, yaml_text: str | None = None) -> bool:
        """The learner checked their YAML. Returns True when this completes the lesson."""
        entry = self.lesson(lesson_id)
        entry.attempts += 1
        if yaml_text is not None:
            entry.yaml = yaml_text
        newly = passed and not entry.completed
        if newly:
            entry.completed = True
            entry.completed_at = now_iso()
        self._log("check", lesson_id, passed=passed, attempt=entry.attempts)
        if newly:
            self._log("completed", lesson_id)
        return newly

    def reset(self, lesson_id: str) -> bool:
        """Forget one lesson's progress. Returns False when there was none."""
        existed = self.lessons.pop(lesson_id, None) is not None
        if self.current == lesson_id:
            self.current = None
        if existed:
            self._log("reset", lesson_id)
        return existed

    def reset_all(self) -> None:
        self.lessons.clear()
        self.current = None
        self.history.clear()
        self._log("reset-all", None)

    # -- writing ------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.extra,
            "version": PROGRESS_VERSION,
            "current": self.current,
            "lessons": {k: v.to_dict() for k, v in sorted(self.lessons.items())},
            "history": list(self.history),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def save(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Write atomically to `path` (default: where it was loaded from). Raises OSError."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise OSError("this progress has no file to save to")
        atomic_write(target, self.to_json())
        if path is None or self.path is None:
            self.path = target
        return target

    def export(self, path: str | os.PathLike[str]) -> Path:
        """Write a copy to `path` (for a workshop instructor, or a backup). Raises OSError."""
        target = Path(path)
        atomic_write(target, self.to_json())
        return target


def atomic_write(path: Path, text: str) -> None:
    """Replace `path` with `text` so that a crash leaves the old file or the new, never a mix."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def set_aside(path: Path) -> Path | None:
    """Rename a file we cannot use to `<name>.bak-<timestamp>` (never overwriting a backup)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    backup = path.with_name(f"{path.name}.bak-{stamp}")
    n = 1
    while backup.exists():
        backup = path.with_name(f"{path.name}.bak-{stamp}-{n}")
        n += 1
    try:
        os.replace(path, backup)
    except OSError:
        return None
    return backup
