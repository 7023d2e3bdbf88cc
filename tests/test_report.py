"""`k8snet-tutor report`: a room summary from attendees' results files (fixtures: three
attendees of the `three` bank; one in the top folder, two in `room/` next to a non-results JSON)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from k8snet_tutor.cli.main import main
from k8snet_tutor.learning.results import load_results, summarize

RESULTS = Path(__file__).parent / "fixtures" / "quiz" / "results"
FILES = [RESULTS / "ada.json", RESULTS / "room" / "grace.json", RESULTS / "room" / "linus.json"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["report", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_summary_numbers() -> None:
    s = summarize(load_results(f) for f in FILES)
    assert s.attendees == 3
    assert s.average_percent == pytest.approx((2.5 + 2 + 1) / 9 * 100)
    stats = {q.id: q for q in s.questions}
    assert (stats["shared-ip"].attempts, stats["shared-ip"].correct) == (3, 2)
    assert stats["deny-db"].success_rate == pytest.approx(100 / 3)
    assert stats["deny-db"].average == pytest.approx(0.5)
    assert [q.id for q in s.questions] == ["deny-db", "shared-ip", "typo"]  # hardest first
    assert [t.topic for t in s.topics] == ["policies", "labels", "pods"]
    assert s.topics[0].average == pytest.approx(0.5)


def test_report_text_from_a_folder(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(RESULTS))
    assert code == 0, err
    assert out.startswith("3 result file(s); average score 61%")
    assert "Ada          three            2.5 / 3 (83%)" in out
    assert "(anonymous)" in out
    lines = out.splitlines()
    first = lines[lines.index("Per question (hardest first):") + 2]
    assert (
        first.split()[:3] == ["deny-db", "policies", "predict"]
        and "1/3" in first
        and "33%" in first
    )
    assert "policies     50% average score, 1/3 answers right" in out


def test_report_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *map(str, FILES), "--format", "md")
    assert code == 0
    assert out.startswith("# Quiz room summary")
    assert "| `deny-db` deny-db | policies | predict the matrix | 1/3 | 33% | 0.50 |" in out
    assert "| policies | 50% | 1/3 |" in out


def test_report_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "room.csv"
    code, out, _ = run(capsys, str(RESULTS), "--format", "csv", "-o", str(target))
    assert code == 0 and "written to" in out
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    by_id = {(r["scope"], r["id"]): r for r in rows}
    assert by_id[("question", "shared-ip")]["success_rate"] == "66.7"
    assert by_id[("question", "deny-db")]["average_score"] == "0.500"
    assert by_id[("topic", "policies")]["attempts"] == "3"
    assert by_id[("total", "")]["correct"] == "5" and by_id[("total", "")]["attempts"] == "9"


def test_report_bad_and_missing_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    code, out, err = run(capsys, str(FILES[0]), str(bad), str(tmp_path / "missing.json"))
    assert code == 2
    assert "bad.json: error: cannot use this results file: not JSON" in err
    assert "missing.json: error: no such file or folder" in err
    assert out.startswith("1 result file(s)")  # the good file is still summarised
    code, _, err = run(capsys, str(tmp_path / "missing.json"))
    assert code == 2 and "no usable quiz results" in err
