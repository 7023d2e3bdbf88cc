"""The netpol-analyzer conformance corpus: our connlist output must equal the reference's.

The corpus lives beside the project (`../shared/conformance/` by default, or the folder named by
`K8SNET_TUTOR_CONFORMANCE`); it is read in place, never copied into the repo.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from k8snet_tutor.core.cluster import load_cluster
from k8snet_tutor.core.evaluate import Evaluator
from k8snet_tutor.core.matrix import Matrix, to_connlist
from tests.conftest import CONFORMANCE_DIR

CORPUS = CONFORMANCE_DIR / "netpol-analyzer"


def _cases() -> list[Any]:
    index = CORPUS / "cases.json"
    if not index.exists():
        return [
            pytest.param(
                None,
                marks=pytest.mark.skip(
                    reason=f"conformance corpus not found at {CORPUS} "
                    "(set K8SNET_TUTOR_CONFORMANCE to the shared/conformance folder)"
                ),
                id="corpus-missing",
            )
        ]
    cases = json.loads(index.read_text())
    return [pytest.param(c, id=c["name"]) for c in cases]


@pytest.mark.parametrize("case", _cases())
def test_connlist_matches_reference(case: dict[str, Any]) -> None:
    cluster = load_cluster([str(CORPUS / case["input"])])
    ev = Evaluator(cluster, ipblocks="external")
    out = to_connlist(
        Matrix.build(ev, "workload"), case.get("focus"), case.get("focus_direction")
    )
    expected = (CORPUS / case["expected"]).read_text()
    assert out.splitlines() == expected.splitlines()


def test_cli_connlist_reproduces_reference(capsys: pytest.CaptureFixture[str]) -> None:
    """The documented CLI call gives the reference output byte for byte."""
    case_dir = CORPUS / "cases" / "onlineboutique_workloads"
    if not case_dir.exists():
        pytest.skip(f"conformance corpus not found at {CORPUS}")
    from k8snet_tutor.cli.main import main

    code = main(
        [
            "matrix",
            str(case_dir / "input"),
            "--granularity",
            "workload",
            "--ipblocks",
            "external",
            "--format",
            "connlist",
        ]
    )
    assert code == 0
    assert capsys.readouterr().out == (case_dir / "expected_connlist.txt").read_text()


def test_syntax_error_case_keeps_earlier_documents() -> None:
    case_dir = CORPUS / "cases" / "document_with_syntax_error" / "input"
    if not case_dir.exists():
        pytest.skip(f"conformance corpus not found at {CORPUS}")
    cluster = load_cluster([str(case_dir)])
    errors = [p for p in cluster.problems if p.severity == "error"]
    assert errors and errors[0].line is not None and errors[0].column is not None
    assert len(cluster.pods) == 3


