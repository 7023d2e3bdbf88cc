"""The core never imports Textual: importing it in a fresh interpreter must not load `textual`.

The modules checked are every module of the `core` and `learning` packages, found by walking the
package tree (a new module is covered without editing this file), plus the CLI modules of the
analysis commands. The static layer contracts are in pyproject.toml ([tool.importlinter]) and
run as `lint-imports` in CI; this test checks what actually happens at run time.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import k8snet_tutor.core
import k8snet_tutor.learning

CLI_MODULES = ["k8snet_tutor.cli.main", "k8snet_tutor.cli.matrix", "k8snet_tutor.cli.explain"]


def pure_modules() -> list[str]:
    names: list[str] = []
    for package in (k8snet_tutor.core, k8snet_tutor.learning):
        names.append(package.__name__)
        names.extend(
            info.name for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
        )
    return sorted(names)


def test_the_walk_finds_the_split_packages() -> None:
    found = pure_modules()
    for name in (
        "k8snet_tutor.core.validation.walker",
        "k8snet_tutor.core.manifests.files",
        "k8snet_tutor.learning.lesson.goal",
        "k8snet_tutor.learning.quiz.grading",
        "k8snet_tutor.learning.checks",
    ):
        assert name in found
    assert not any(name.startswith(("k8snet_tutor.tui", "k8snet_tutor.cli")) for name in found)


def test_core_and_learning_modules_do_not_load_textual() -> None:
    # One fresh interpreter imports the modules one by one and records, after each, any
    # Textual module that has appeared: the first module named is the one that pulled it in.
    modules = pure_modules() + CLI_MODULES
    code = (
        "import importlib, json, sys\n"
        "culprits = {}\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "    if bad:\n"
        "        culprits[name] = bad[:3]\n"
        "        break\n"
        "print(json.dumps(culprits))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {}, f"loaded Textual: {result.stdout.strip()}"


def test_matrix_command_does_not_load_textual(tmp_path: object) -> None:
    code = (
        "import sys; from k8snet_tutor.cli.main import main; "
        "import io, contextlib; buf = io.StringIO(); "
        "rc = main(['matrix', '-', '--format', 'connlist']); "
        "print('TEXTUAL' if any(m.startswith('textual') for m in sys.modules) else 'CLEAN', file=sys.stderr)"
    )
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: x}]}\n"
    result = subprocess.run(
        [sys.executable, "-c", code], input=pod, capture_output=True, text=True, timeout=60
    )
    assert "CLEAN" in result.stderr, result.stderr
