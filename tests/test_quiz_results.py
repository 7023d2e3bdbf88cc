"""Quiz results: the JSON and Markdown files, their paths, reading them back, the progress
history and the remembered name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from k8snet_tutor.learning.progress import Progress
from k8snet_tutor.learning.quiz import Bank, MatrixQuestion, grade, load_bank, matrix_key
from k8snet_tutor.learning.results import (
    QuizResult,
    ResultsFormatError,
    build_result,
    load_results,
    record_history,
    remembered_name,
    results_paths,
    save_results,
)

FIXTURES = Path(__file__).parent / "fixtures" / "quiz"


def three() -> Bank:
    bank, problems = load_bank(FIXTURES / "three.yaml")
    assert bank is not None, problems
    return bank


def sample_result(name: str | None = "Ada Lovelace") -> QuizResult:
    bank = three()
    choice, matrix, bug = (bank.question(i) for i in ("shared-ip", "deny-db", "typo"))
    assert isinstance(matrix, MatrixQuestion)
    everything_allowed = {cell: True for cell in matrix_key(matrix).cells}
    grades = [grade(choice, {"a"}), grade(matrix, everything_allowed), grade(bug, 2)]  # type: ignore[arg-type]
    return build_result(bank, grades, seed=11, seconds=[3.0, 61.5, None], name=name)


@pytest.mark.parametrize(
    ("target", "json_name", "md_name"),
    [
        ("out/alice", "alice.json", "alice.md"),
        ("out/alice.json", "alice.json", "alice.md"),
        ("out/alice.md", "alice.json", "alice.md"),
        ("out/alice.v2", "alice.v2.json", "alice.v2.md"),
    ],
)
def test_results_paths(target: str, json_name: str, md_name: str) -> None:
    j, m = results_paths(target)
    assert (j.name, m.name) == (json_name, md_name)
    assert j.parent == m.parent == Path("out")


def test_result_scores() -> None:
    r = sample_result()
    assert [q.outcome for q in r.questions] == ["correct", "partial", "wrong"]
    assert r.score == pytest.approx(1 + 5 / 6)
    assert r.score_text() == "1.83 / 3 (61%)"
    topics = {t.topic: t for t in r.by_topic()}
    assert topics["pods"].percent == 100 and topics["labels"].score == 0
    assert r.study == {"labels": ["labels-and-selectors"], "policies": ["first-policy"]}


def test_save_json_and_markdown(tmp_path: Path) -> None:
    r = sample_result()
    j, m = save_results(r, tmp_path / "ada")
    assert (j, m) == (tmp_path / "ada.json", tmp_path / "ada.md")
    data = json.loads(j.read_text())
    assert data["kind"] == "k8snet-tutor-quiz-results"
    assert (data["name"], data["bank"], data["seed"], data["total"]) == (
        "Ada Lovelace",
        "three",
        11,
        3,
    )
    first, second, third = data["questions"]
    assert (first["id"], first["outcome"], first["seconds"], first["answer"]) == (
        "shared-ip",
        "correct",
        3.0,
        ["a"],
    )
    assert second["outcome"] == "partial" and second["score"] == pytest.approx(0.8333, abs=1e-4)
    assert second["cells"][0]["from"] == "default/web" and second["cells"][0]["actual"] == "denied"
    assert second["answer"]["default/web -> default/db"] == "allowed"
    assert third["seconds"] is None and third["answer"] == 2
    assert data["by_topic"]["policies"]["score"] == pytest.approx(0.8333, abs=1e-4)
    md = m.read_text()
    assert "# Quiz results: Three questions" in md
    assert "**Name:** Ada Lovelace" in md and "seed `11`" in md
    assert (
        "| 2 | Which connections on 5432/TCP are allowed? (`deny-db`) | predict the matrix |" in md
    )
    assert "1m02s" in md
    assert "## Wrong answers explained" in md and "you said allowed" in md
    assert "- **labels**: `labels-and-selectors`" in md
    back = load_results(m)  # the .md names its .json
    assert back.to_dict() == r.to_dict()


def test_default_results_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("K8SNET_TUTOR_HOME", str(tmp_path))
    j, m = save_results(sample_result())
    j2, _ = save_results(sample_result())
    assert j.parent == tmp_path / "results" and m.exists()
    assert j.name.endswith("-three-ada-lovelace.json") and j2 != j


def test_load_rejects_other_files(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"kind": "something"}')
    with pytest.raises(ResultsFormatError):
        load_results(bad)
    bad.write_text("not json")
    with pytest.raises(ResultsFormatError, match="not JSON"):
        load_results(bad)


def test_history_and_name(tmp_path: Path) -> None:
    progress_file = tmp_path / "progress.json"
    assert remembered_name(progress_file) is None
    r = sample_result()
    assert record_history(r, tmp_path / "r.json", progress_file) == []
    assert record_history(sample_result(name=None), None, progress_file) == []
    progress = Progress.load(progress_file)
    quiz = [h for h in progress.history if h["event"] == "quiz"]
    assert len(quiz) == 2
    assert quiz[0]["bank"] == "three" and quiz[0]["seed"] == 11 and quiz[0]["total"] == 3
    assert quiz[0]["results"] == str(tmp_path / "r.json") and quiz[0]["name"] == "Ada Lovelace"
    assert remembered_name(progress_file) == "Ada Lovelace"


def test_review_text() -> None:
    text = sample_result().review_text()
    assert "Score: 1.83 / 3 (61%)" in text
    assert "[wrong] The Service web has no endpoints" in text
    assert "You picked line 2" in text
    assert "policies: first-policy" in text
    assert "--seed 11" in text
