"""The core never imports Textual: importing it in a fresh interpreter must not load `textual`."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE_MODULES = [
    "k8snet_tutor.core.manifests",
    "k8snet_tutor.core.validation",
    "k8snet_tutor.core.legacy",
    "k8snet_tutor.core.cluster",
    "k8snet_tutor.core.selectors",
    "k8snet_tutor.core.ports",
    "k8snet_tutor.core.evaluate",
    "k8snet_tutor.core.explain",
    "k8snet_tutor.core.services",
    "k8snet_tutor.core.matrix",
    "k8snet_tutor.core.graph",
    "k8snet_tutor.core.lint",
    "k8snet_tutor.core.diff",
    "k8snet_tutor.learning.lesson",
    "k8snet_tutor.learning.checks",
    "k8snet_tutor.learning.lint",
    "k8snet_tutor.learning.progress",
    "k8snet_tutor.cli.main",
    "k8snet_tutor.cli.matrix",
    "k8snet_tutor.cli.explain",
]


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_does_not_load_textual(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')); "
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{module} loaded {result.stdout.strip()}"


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
