"""explain, reach and diff colour their text like `matrix` does, and stay plain when piped."""

from __future__ import annotations

from pathlib import Path

import pytest

from k8snet_tutor.cli.main import main

PODS = """\
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: shop, labels: {app: a}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: shop, labels: {app: b}}
spec: {containers: [{name: c, image: x}]}
"""

DENY_A = """\
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec:
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Ingress]
"""


@pytest.fixture
def cluster(tmp_path: Path) -> Path:
    path = tmp_path / "pods.yaml"
    path.write_text(PODS)
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    main(argv)
    return capsys.readouterr().out


def test_piped_output_is_plain(
    cluster: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    out = run(["explain", str(cluster), "--from", "shop/b", "--to", "shop/a", "--port", "80"], capsys)
    assert "\033[" not in out and out.startswith("shop/b -> shop/a on 80/TCP is allowed")
    assert "\033[" not in run(["reach", str(cluster), "--from", "shop/b"], capsys)


def test_verdicts_coloured_on_a_terminal(
    cluster: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    allowed = run(
        ["explain", str(cluster), "--from", "shop/b", "--to", "shop/a", "--port", "80"], capsys
    )
    first = allowed.splitlines()[0]
    assert "\033[32m is allowed" in first and "\033[31m" not in first
    assert "\033[1megress:\033[0m" in allowed
    denied_path = tmp_path / "denied.yaml"
    denied_path.write_text(PODS + DENY_A)
    denied = run(
        ["explain", str(denied_path), "--from", "shop/b", "--to", "shop/a", "--port", "80"], capsys
    )
    assert "\033[31m is denied" in denied.splitlines()[0]
    # diff: a lost connection is red
    changed = run(["diff", str(cluster), str(denied_path)], capsys)
    assert any(line.startswith("\033[31m") and "shop/a" in line for line in changed.splitlines())
    assert "\033[1mFrom shop/b:" in run(["reach", str(cluster), "--from", "shop/b"], capsys)


def test_no_color_wins(
    cluster: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("FORCE_COLOR", "1")
    out = run(["explain", str(cluster), "--from", "shop/b", "--to", "shop/a", "--port", "80"], capsys)
    assert "\033[" not in out
