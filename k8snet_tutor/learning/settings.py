"""The learner's interface choices (the theme), remembered across runs in `settings.json` in the
data folder. Reading never fails: a missing or unreadable file gives the defaults. Writing is
atomic. Nothing here imports Textual."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from k8snet_tutor.learning.locations import settings_path
from k8snet_tutor.learning.progress import atomic_write


@dataclass
class Settings:
    theme: str | None = None  # a Textual theme name, e.g. "textual-light"

    def to_json(self) -> str:
        return json.dumps({"format": 1, "theme": self.theme}, indent=2) + "\n"


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """The remembered settings, or the defaults when there are none (or they cannot be read)."""
    target = Path(path) if path is not None else settings_path()
    try:
        raw = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return Settings()
    theme = raw.get("theme") if isinstance(raw, dict) else None
    return Settings(theme=theme if isinstance(theme, str) and theme else None)


def save_settings(settings: Settings, path: str | os.PathLike[str] | None = None) -> Path:
    """Write the settings atomically. Raises OSError."""
    target = Path(path) if path is not None else settings_path()
    atomic_write(target, settings.to_json())
    return target


def remember_theme(theme: Any) -> None:
    """Remember a theme (a name, or an object with a `name`) for the next run; a folder that
    cannot be written only means it is not remembered."""
    name = theme if isinstance(theme, str) else getattr(theme, "name", None)
    if not isinstance(name, str) or not name or load_settings().theme == name:
        return
    try:
        save_settings(Settings(theme=name))
    except OSError:
        pass
