"""The learner's interface choices (the theme, the last tab of the small-screen layout of each
kind of screen), remembered across runs in `settings.json` in the data folder. Reading never fails: a missing or unreadable file gives the defaults. Writing is
atomic. Nothing here imports Textual."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from k8snet_tutor.learning.locations import settings_path
from k8snet_tutor.learning.progress import atomic_write


@dataclass
class Settings:
    theme: str | None = None  # a Textual theme name, e.g. "textual-light"
    # The tab last shown in the small-screen layout, per kind of screen ("lesson", "sandbox").
    views: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {"format": 1, "theme": self.theme, "views": dict(sorted(self.views.items()))}
        return json.dumps(data, indent=2) + "\n"


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """The remembered settings, or the defaults when there are none (or they cannot be read)."""
    target = Path(path) if path is not None else settings_path()
    try:
        raw = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    theme = raw.get("theme")
    views = raw.get("views")
    return Settings(
        theme=theme if isinstance(theme, str) and theme else None,
        views={
            k: v for k, v in views.items() if isinstance(k, str) and isinstance(v, str) and v
        }
        if isinstance(views, dict)
        else {},
    )


def save_settings(settings: Settings, path: str | os.PathLike[str] | None = None) -> Path:
    """Write the settings atomically. Raises OSError."""
    target = Path(path) if path is not None else settings_path()
    atomic_write(target, settings.to_json())
    return target


def remember_theme(theme: Any) -> None:
    """Remember a theme (a name, or an object with a `name`) for the next run; a folder that
    cannot be written only means it is not remembered."""
    name = theme if isinstance(theme, str) else getattr(theme, "name", None)
    current = load_settings()
    if not isinstance(name, str) or not name or current.theme == name:
        return
    try:
        save_settings(replace(current, theme=name))
    except OSError:
        pass


def remembered_view(kind: str) -> str | None:
    """The small-screen tab last shown on a kind of screen ("lesson", "sandbox"), if any."""
    return load_settings().views.get(kind)


def remember_view(kind: str, view: str) -> None:
    """Remember the small-screen tab shown on a kind of screen, for the next screen of that kind
    and the next run; a folder that cannot be written only means it is not remembered."""
    current = load_settings()
    if not kind or not view or current.views.get(kind) == view:
        return
    try:
        save_settings(replace(current, views={**current.views, kind: view}))
    except OSError:
        pass
