"""`k8snet-tutor quiz`: headless grading with --answers, --list, --lint, seeds and filters."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from k8snet_tutor.cli.main import main
from k8snet_tutor.learning.progress import Progress

FIXTURES = Path(__file__).parent / "fixtures" / "quiz"
THREE = str(FIXTURES / "three.yaml")

ANSWERS = """\
shared-ip: a
deny-db:
  default/api -> default/web: allowed
  default/api -> default/db: allowed
  default/web -> default/api: allowed
  default/web -> default/db: allowed
  default/db -> default/api: allowed
  default/db -> default/web: allowed
typo: 7
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_headless_quiz(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS)
    results = tmp_path / "out" / "ada"
    code, out, err = run(
        capsys,
        "quiz",
        THREE,
        "--seed",
        "5",
        "--answers",
        str(answers),
        "--results",
        str(results),
        "--name",
        "Ada",
    )
    assert code == 0, err
    assert "Score: 2.83 / 3 (94%)" in out
    assert "default/web -> default/db on 5432/TCP is denied (you said allowed)" in out
    assert "policies: first-policy" in out
    data = json.loads((tmp_path / "out" / "ada.json").read_text())
    assert data["name"] == "Ada" and data["seed"] == 5 and data["bank"] == "three"
    assert {q["id"]: q["outcome"] for q in data["questions"]} == {
        "shared-ip": "correct",
        "deny-db": "partial",
        "typo": "correct",
    }
    assert (tmp_path / "out" / "ada.md").read_text().startswith("# Quiz results: Three questions")
    history = Progress.load().history
    assert history[-1]["event"] == "quiz" and history[-1]["results"] == str(
        tmp_path / "out" / "ada.json"
    )


def test_headless_json_answers_and_skips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"typo": 7, "unknown-q": 1}))
    code, out, err = run(
        capsys,
        "quiz",
        THREE,
        "--answers",
        str(answers),
        "--format",
        "json",
        "--seed",
        "1",
        "--no-save",
    )
    assert code == 0
    assert "'unknown-q' is not in bank three" in err
    data = json.loads(out)
    assert data["files"] == [] and data["score"] == 1 and data["seed"] == 1
    assert sorted(q["outcome"] for q in data["questions"]) == ["correct", "skipped", "skipped"]
    assert not (Path(os.environ["K8SNET_TUTOR_HOME"]) / "results").exists()


def test_bad_answer_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("shared-ip: z\n")
    code, out, err = run(capsys, "quiz", THREE, "--answers", str(answers), "--no-save")
    assert code == 2
    assert "question shared-ip: there is no option 'z'" in err
    assert "Score: 0 / 3 (0%)" in out


def test_seed_and_filters_fix_the_questions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "none.yaml"
    answers.write_text("{}\n")

    def ids(*extra: str) -> list[str]:
        code, out, _ = run(
            capsys, "quiz", "--answers", str(answers), "--format", "json", "--no-save", *extra
        )
        assert code == 0
        return [q["id"] for q in json.loads(out)["questions"]]

    first = ids("--seed", "9", "--count", "6")
    assert len(first) == 6 and first == ids("--seed", "9", "--count", "6")
    assert first != ids("--seed", "10", "--count", "6")
    legacy = ids("--seed", "9", "--topic", "legacy,pods")
    assert legacy and all(i.startswith(("legacy-", "pod-")) for i in legacy)
    code, _, err = run(capsys, "quiz", "--topic", "networking", "--answers", str(answers))
    assert code == 2 and "unknown topic 'networking'" in err


def test_list_and_lint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = tmp_path / "pack"
    (pack / "quizzes").mkdir(parents=True)
    (pack / "quizzes" / "three.yaml").write_text(Path(THREE).read_text())
    code, out, _ = run(capsys, "quiz", "--list", "--lessons", str(pack))
    assert code == 0
    assert "k8s-networking: Kubernetes networking: self-assessment" in out
    assert "three (default): Three questions, 3 questions" in out
    code, out, _ = run(capsys, "quiz", "--list", "--format", "json")
    built_in = json.loads(out)[0]
    assert built_in["questions"] >= 40 and built_in["by_type"]["matrix"] >= 10
    code, out, err = run(capsys, "quiz", "--lint")
    assert code == 0, err
    assert "0 error(s), 0 warning(s)" in out
    broken = pack / "quizzes" / "broken.yaml"
    broken.write_text(
        Path(THREE)
        .read_text()
        .replace("id: three", "id: broken")
        .replace("correct: true", "correct: false")
    )
    code, out, err = run(capsys, "quiz", "broken", "--lint", "--lessons", str(pack))
    assert code == 1, err
    assert "no option is marked `correct: true`" in err


def test_unknown_bank(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "quiz", "nope", "--answers", "x.yaml")
    assert code == 2 and "no quiz bank 'nope'" in err


def test_interactive_quiz_opens_the_app(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import k8snet_tutor.tui.quiz_screen as quiz_screen

    seen: dict[str, object] = {}

    class FakeApp:
        def __init__(self, bank: object, questions: list[object], **options: object) -> None:
            seen.update(options, bank=bank, questions=questions)
            self.saved = ()

        def run(self) -> None:
            return None

    monkeypatch.setattr(quiz_screen, "QuizApp", FakeApp)
    assert main(["quiz", THREE, "--seed", "4", "--count", "2", "--name", "Lin"]) == 0
    assert "Quiz left before the end" in capsys.readouterr().out
    assert seen["seed"] == 4 and seen["name"] == "Lin" and seen["ask_name"] is False
    assert len(seen["questions"]) == 2  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "module",
    [
        "k8snet_tutor.learning.quiz",
        "k8snet_tutor.learning.results",
        "k8snet_tutor.cli.quiz",
        "k8snet_tutor.cli.report",
        "k8snet_tutor.cli.serve",
    ],
)
def test_headless_modules_do_not_load_textual(module: str) -> None:
    import subprocess
    import sys

    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
