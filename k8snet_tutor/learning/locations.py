"""Where the tutor keeps its files: one module, so every path has one definition.

The data folder is `platformdirs.user_data_dir("k8snet-tutor")`, unless the environment variable
`K8SNET_TUTOR_HOME` names another folder (tests and workshops use it), or a caller passes an
explicit path (command-line options such as `--progress FILE`). Instructor lesson folders can be
added with `K8SNET_TUTOR_LESSONS` (several folders separated by `os.pathsep`).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "k8snet-tutor"
ENV_HOME = "K8SNET_TUTOR_HOME"
ENV_LESSONS = "K8SNET_TUTOR_LESSONS"
PROGRESS_FILE = "progress.json"
SETTINGS_FILE = "settings.json"
RESULTS_FOLDER = "results"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The folder for progress and results: `override`, else `$K8SNET_TUTOR_HOME`, else the
    platform's user data folder. It is not created here (saving creates it)."""
    if override is not None and str(override):
        return Path(override).expanduser()
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def progress_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The progress file: `explicit` when given, else `progress.json` in the data folder."""
    if explicit is not None and str(explicit):
        return Path(explicit).expanduser()
    return data_dir() / PROGRESS_FILE


def settings_path() -> Path:
    """The file that remembers interface choices (the theme): `settings.json` in the data
    folder."""
    return data_dir() / SETTINGS_FILE


def results_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The folder for quiz results files."""
    if explicit is not None and str(explicit):
        return Path(explicit).expanduser()
    return data_dir() / RESULTS_FOLDER


def lesson_dirs_from_env() -> list[Path]:
    """Extra lesson folders from `$K8SNET_TUTOR_LESSONS` (os.pathsep-separated; blanks ignored)."""
    raw = os.environ.get(ENV_LESSONS, "")
    return [Path(part).expanduser() for part in raw.split(os.pathsep) if part.strip()]
