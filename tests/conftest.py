"""Shared test set-up: no user state leaks in, and the conformance corpus is found by env var."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CONFORMANCE_DIR = Path(
    os.environ.get("K8SNET_TUTOR_CONFORMANCE", str(REPO.parent / "shared" / "conformance"))
)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the tutor's user-data folder at a temporary one for every test."""
    home = tmp_path_factory.mktemp("k8snet-home")
    monkeypatch.setenv("K8SNET_TUTOR_HOME", str(home))
    monkeypatch.delenv("K8SNET_TUTOR_LESSONS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
