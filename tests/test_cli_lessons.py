"""The `lessons` and `progress` commands, run through `main([...])`."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import yaml

from k8snet_tutor.cli.lessons import markdown_to_text
from k8snet_tutor.cli.main import main
from k8snet_tutor.learning.lint import lint_lessons
from k8snet_tutor.learning.progress import Progress

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"
PACK = ["--lessons", str(FIXTURES)]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def solution_of(lesson_id: str) -> str:
    data = yaml.safe_load((FIXTURES / f"{lesson_id}.yaml").read_text(encoding="utf-8"))
    return str(data["solution"])


# ------------------------------------------------------------------------------------------
# lessons list / show


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lessons", *PACK, "list", "--format", "json")
    assert code == 0
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows["fixture-policy"] == {
        "id": "fixture-policy",
        "title": "Fixture: only the client reaches the web pod",
        "topic": "policies",
        "difficulty": 2,
        "minutes": 5,
    }
    assert "fixture-service" in rows


def test_list_text_with_the_option_after_the_action(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lessons", "list", *PACK)
    assert code == 0
    header, *lines = out.splitlines()
    assert header.split() == ["ID", "TOPIC", "LEVEL", "MIN", "TITLE"]
    line = next(ln for ln in lines if ln.startswith("fixture-service "))
    assert "services" in line and "Fixture: a Service finds pods by label" in line


def test_show_renders_plain_text_and_the_goal(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lessons", *PACK, "show", "fixture-policy")
    assert code == 0
    assert out.startswith("Fixture: only the client reaches the web pod\n====")
    assert "Isolation by selection\n======================" in out
    assert "**" not in out and "```" not in out
    assert "A NetworkPolicy selects pods with `podSelector`." in out
    assert "    spec:" in out  # code blocks are indented
    assert "Goal\n----\n1. These 3 connections behave as the goal says" in out
    assert "   - default/client -> default/web on 8080/TCP: allowed" in out
    assert "   - except every source -> default/web: denied" in out
    assert "do first: fixture-service" in out


def test_show_starter(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lessons", *PACK, "show", "fixture-service", "--starter")
    assert code == 0 and out.startswith("apiVersion: v1\nkind: Service")


def test_show_unknown_lesson(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "lessons", *PACK, "show", "fixture-polcy")
    assert code == 2
    assert "no lesson with id 'fixture-polcy'" in err and "did you mean fixture-policy" in err


def test_markdown_to_text() -> None:
    text = markdown_to_text("# Title\n\nSome **bold** and *em* and [a link](http://x).\n* item\n")
    assert text == "Title\n=====\n\nSome bold and em and a link (http://x).\n- item"


# ------------------------------------------------------------------------------------------
# lessons check


def test_check_passes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text(solution_of("fixture-policy"), encoding="utf-8")
    code, out, _ = run(capsys, "lessons", *PACK, "check", "fixture-policy", str(mine))
    assert code == 0
    assert out.splitlines()[0] == "fixture-policy: 4 of 4 checks pass - well done!"


def test_check_fails_with_reasons(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("", encoding="utf-8")
    code, out, _ = run(capsys, "lessons", *PACK, "check", "fixture-policy", str(mine))
    assert code == 1
    assert "[FAIL] These 3 connections behave as the goal says" in out
    assert "default/other -> default/web on 8080/TCP is allowed, the goal says denied" in out
    assert "hint: Select the web pod" in out


def test_check_invalid_yaml_is_a_failed_check(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("kind: NetworkPolicy\nmetadata: {name: x\n", encoding="utf-8")
    code, out, _ = run(capsys, "lessons", *PACK, "check", "fixture-policy", str(mine))
    assert code == 1
    assert "[FAIL] Your YAML is valid" in out
    assert "       - line " in out


def test_check_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("", encoding="utf-8")
    code, out, _ = run(
        capsys, "lessons", *PACK, "check", "fixture-service", str(mine), "--format", "json"
    )
    assert code == 1
    data = json.loads(out)
    assert data["lesson"] == "fixture-service" and data["passed"] is False
    assert data["results"][0]["id"] == "valid-yaml" and data["results"][0]["passed"] is True


def test_check_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(solution_of("fixture-service")))
    code, out, _ = run(capsys, "lessons", *PACK, "check", "fixture-service", "-")
    assert code == 0, out


def test_check_unusable_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "lessons", *PACK, "check", "no-such-lesson", str(tmp_path))
    assert code == 2 and "no lesson with id" in err
    code, _, err = run(capsys, "lessons", *PACK, "check", "fixture-policy", str(tmp_path / "x"))
    assert code == 2 and "cannot read" in err


# ------------------------------------------------------------------------------------------
# lessons lint / new


def test_lint_clean_pack(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lessons", "lint", str(FIXTURES))
    assert code == 0 and "no problems found" in out
    # The mutation lint runs by default: a figure per lesson (the fixture declares the variants
    # its goal lets through under `equivalent_mutations`).
    for lesson_id in ("fixture-policy", "fixture-service"):
        assert re.search(rf"^{lesson_id}: goal strength (\d+)/\1 \(100%\)", out, re.M), out
    assert "declared equivalent" in out


def test_lint_broken_pack(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (FIXTURES / "fixture-service.yaml").read_text().replace("difficulty: 1", "difficulty: 9"),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "lessons", "lint", str(tmp_path))
    assert code == 1
    assert f"{bad}:5:1: error: `difficulty` should be 1 (beginner), 2 or 3" in out
    assert "1 error(s), 0 warning(s)" in out


def test_new_scaffold_says_what_to_fill_in(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "lessons", "new", "my-lesson", "--dir", str(tmp_path))
    assert code == 0 and f"wrote {tmp_path / 'my-lesson.yaml'}" in out
    code, out, _ = run(capsys, "lessons", "lint", str(tmp_path))
    assert code == 1
    for field in (
        "title",
        "introduction",
        "background",
        "starter",
        "solution",
        "explanation",
        "remember",
    ):
        assert f"`{field}` still has the scaffold's TODO" in out
    assert "the goal is empty: add the checks" in out
    code, _, err = run(capsys, "lessons", "new", "my-lesson", "--dir", str(tmp_path))
    assert code == 2 and "already exists" in err
    code, _, err = run(capsys, "lessons", "new", "My_Lesson", "--dir", str(tmp_path))
    assert code == 2 and "bad lesson id" in err


def test_filled_in_scaffold_passes_lint(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, "lessons", "new", "deny-web", "--dir", str(tmp_path))[0] == 0
    path = tmp_path / "deny-web.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(
        title="Deny everything into web",
        introduction="A policy that selects a pod and allows nothing isolates it.",
        background="\n".join(
            line for line in data["background"].splitlines() if "TODO" not in line
        ),
        starter="",
        solution=(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
            "metadata: {name: web-deny-all, namespace: default}\n"
            "spec:\n  podSelector: {matchLabels: {app: web}}\n"
        ),
        goal=[
            {
                "probes": [
                    {
                        "from": "default/client",
                        "to": "default/web",
                        "port": "80/TCP",
                        "expect": "denied",
                    }
                ]
            }
        ],
        hints=["Select the web pod.", "Give the policy no ingress rules."],
        explanation="Selected, with no rules: nothing gets in.",
        remember="Selecting a pod without rules denies all traffic in that direction.",
    )
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert lint_lessons(path) == []


# ------------------------------------------------------------------------------------------
# progress


def test_progress_show_reset_and_export(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    file = tmp_path / "p.json"
    p = Progress.load(file)
    p.record_attempt("fixture-service", True, "kind: Service\n")
    p.record_attempt("fixture-policy", False)
    p.save()

    code, out, _ = run(capsys, "progress", "--progress", str(file), *PACK)
    assert code == 0
    assert f"progress file: {file}" in out
    line = next(ln for ln in out.splitlines() if "fixture-service" in ln)
    assert line.startswith("[x] fixture-service")
    assert next(ln for ln in out.splitlines() if "fixture-policy" in ln).startswith("[~]")

    code, out, _ = run(capsys, "progress", "--progress", str(file), "--format", "json")
    assert code == 0 and json.loads(out)["lessons"]["fixture-service"]["completed"] is True

    export = tmp_path / "export.json"
    code, out, _ = run(capsys, "progress", "--progress", str(file), "--export", str(export))
    assert code == 0 and json.loads(export.read_text())["version"] == 1

    code, out, _ = run(capsys, "progress", "--progress", str(file), "--reset", "fixture-service")
    assert code == 0 and "reset" in out
    assert "fixture-service" not in Progress.load(file).lessons

    code, _, err = run(capsys, "progress", "--progress", str(file), "--reset", "nope")
    assert code == 2 and "no lesson with id 'nope'" in err

    code, out, _ = run(capsys, "progress", "--progress", str(file), "--reset-all")
    assert code == 0 and "all progress reset" in out and ".bak-" in out
    assert Progress.load(file).lessons == {}


def test_progress_default_location_and_damaged_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("K8SNET_TUTOR_HOME", str(tmp_path))
    (tmp_path / "progress.json").write_text("{oops", encoding="utf-8")
    code, out, err = run(capsys, "progress")
    assert code == 0
    assert "warning: the progress file" in err and "damaged" in err
    assert f"progress file: {tmp_path / 'progress.json'}" in out
    assert any(f.name.startswith("progress.json.bak-") for f in tmp_path.iterdir())
