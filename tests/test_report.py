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


def make_room(tmp_path: Path) -> Path:
    """A room as `serve --room` leaves it: Ada passed a lesson and took the quiz; Grace opened
    a lesson; an anonymous attendee only opened the app; a stray file is ignored."""
    import json
    import shutil

    room = tmp_path / "room"
    ada = room / "attendee-aaaa11112222"
    grace = room / "attendee-bbbb33334444"
    anon = room / "attendee-cccc55556666"
    for folder in (ada, grace, anon):
        folder.mkdir(parents=True)
    (ada / "results").mkdir()
    shutil.copy(FILES[0], ada / "results" / "20250101T000000Z-three-ada.json")

    def progress(folder: Path, **data: object) -> None:
        (folder / "progress.json").write_text(json.dumps({"version": 1, **data}))

    lesson = {"completed": True, "hints_used": 2, "yaml": "x", "seconds": 3.0, "attempts": 1}
    progress(
        ada,
        quiz_name="Ada",
        current="labels-and-selectors",
        lessons={
            "pod-shared-network": lesson,
            "labels-and-selectors": {**lesson, "completed": False, "hints_used": 1},
        },
    )
    progress(grace, quiz_name="Grace", current="pod-shared-network", lessons={})
    progress(anon)
    (room / "notes.txt").write_text("not an attendee")
    return room


def test_report_of_a_room(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    room = make_room(tmp_path)
    code, out, err = run(capsys, str(room))
    assert code == 0, err
    assert out.startswith("1 result file(s); average score 83%")  # the quiz summary, as before
    lines = out.splitlines()
    table = lines[lines.index("3 attendee(s)") :]
    ada = next(line for line in table if line.strip().startswith("Ada"))
    grace = next(line for line in table if line.strip().startswith("Grace"))
    assert ada.split()[1].startswith("1/") and "labels-and-selectors" in ada
    assert ada.split()[3] == "3" and "2.5 / 3 (83%)" in ada
    assert grace.split()[1].startswith("0/") and "pod-shared-network" in grace
    assert any("(anonymous" in line for line in table)
    code, out, _ = run(capsys, str(room), "--format", "md")
    assert code == 0 and "| Ada | 1/" in out and "| 2.5 / 3 (83%) |" in out


def test_report_of_a_room_without_quiz_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    room = make_room(tmp_path)
    import shutil

    shutil.rmtree(room / "attendee-aaaa11112222" / "results")
    code, out, err = run(capsys, str(room))
    assert code == 0, err
    assert out.startswith("3 attendee(s)") and "no quiz results" not in err


def test_report_watch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--watch redraws; a frame shows what has arrived by then."""
    from k8snet_tutor.cli.report import render_frame

    room = tmp_path / "room"
    room.mkdir()
    frame = render_frame([str(room)], now=0)
    assert "No attendee has started yet." in frame and "No quiz results yet." in frame
    make_room(tmp_path / "later")
    frame = render_frame([str(tmp_path / "later" / "room")])
    assert "3 attendee(s)" in frame and "1 result file(s)" in frame
    code, out, _ = run(capsys, str(room), "--watch", "--interval", "0.01", "--iterations", "3")
    assert code == 0 and out.count("No attendee has started yet.") == 3
    assert "\x1b[2J" not in out  # not a terminal: no screen clearing
    assert run(capsys, str(room), "--watch", "--interval", "0")[0] == 2
    assert run(capsys, str(tmp_path / "nope"), "--watch", "--iterations", "1")[0] == 2
    assert run(capsys, str(room), "--watch", "--format", "md")[0] == 2
