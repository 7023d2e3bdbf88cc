"""Served sessions (`k8snet-tutor serve`): what an attendee's browser may reach on the host.

`serve` starts each session's app with `K8SNET_TUTOR_SERVED=1` and the session folder in
`K8SNET_TUTOR_HOME`. In such a session nothing may reach the host beyond that folder: a file
name the attendee types (an export, a saved YAML) is taken inside the session folder and
refused when it points outside it; `$EDITOR`, shells and screenshots are not offered.
"""

from __future__ import annotations

import os
from pathlib import Path

from k8snet_tutor.learning.locations import data_dir

ENV_SERVED = "K8SNET_TUTOR_SERVED"
ENV_ASK_NAME = "K8SNET_TUTOR_ASK_NAME"


class OutsideSessionFolder(ValueError):
    """A served session asked for a path outside its session folder."""


def is_served() -> bool:
    """True inside a session started by `k8snet-tutor serve`."""
    return os.environ.get(ENV_SERVED, "") not in ("", "0")


def asks_name() -> bool:
    """True when the room wants a name for its report (`serve --room`)."""
    return is_served() and os.environ.get(ENV_ASK_NAME, "") not in ("", "0")


def user_path(name: str) -> Path:
    """The file a user named. In a terminal: the name as typed (with ~ expanded). In a served
    session: inside the session folder (a relative name is taken from there; an absolute one,
    `..` or a symlink that leads outside it raises OutsideSessionFolder)."""
    if not is_served():
        return Path(name).expanduser()
    home = data_dir().resolve()
    raw = Path(name)
    if raw.is_absolute() or name.startswith("~"):
        candidate = raw
    else:
        candidate = home / raw
    resolved = candidate.resolve()
    if resolved == home or not resolved.is_relative_to(home):
        raise OutsideSessionFolder(
            f"{name}: in the browser, files are written only in your session folder; "
            "give a plain file name such as matrix.csv"
        )
    return resolved
