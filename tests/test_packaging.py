"""The wheel must carry every subpackage (the package list in pyproject.toml is explicit because
the lessons folder is mapped into the package) and the lesson files."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_listed_in_pyproject() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {
        ".".join(init.parent.relative_to(REPO).parts)
        for init in (REPO / "k8snet_tutor").rglob("__init__.py")
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
    assert config["package-dir"]["k8snet_tutor.lessons"] == "lessons"


def test_lesson_and_quiz_files_match_package_data() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = config["package-data"]["k8snet_tutor.lessons"]
    shipped = {p for pattern in patterns for p in (REPO / "lessons").glob(pattern)}
    content = {
        p
        for p in (REPO / "lessons").rglob("*")
        if p.is_file() and p.suffix in (".yaml", ".yml", ".md") and "__pycache__" not in p.parts
    }
    assert content <= shipped, f"not shipped: {sorted(str(p) for p in content - shipped)}"
