"""Loading lesson files (schema problems with positions), discovery, and lesson lint."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from k8snet_tutor.core.problems import Problem
from k8snet_tutor.learning import lesson as lesson_module
from k8snet_tutor.learning.lesson import (
    ProbesCheck,
    TableCheck,
    builtin_lessons_dir,
    discover,
    lesson_files,
    load_lesson,
    parse_lesson,
)
from k8snet_tutor.learning.lint import lint_lessons
from k8snet_tutor.learning.mutations import Strength

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "lessons"
GOOD = (FIXTURES / "fixture-policy.yaml").read_text(encoding="utf-8")


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def locate(text: str, needle: str) -> tuple[int, int]:
    """1-based (line, column) of the first `needle` in `text`."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(needle)


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def codes(problems: list[Problem]) -> set[str]:
    return {p.code for p in problems}


def lint_one(tmp_path: Path, text: str, name: str = "lesson.yaml") -> list[Problem]:
    path = write(tmp_path / "pack", name, text)
    return lint_lessons(path, known_ids=["fixture-service"])


# ------------------------------------------------------------------------------------------
# Loading


def test_fixture_loads_with_every_field() -> None:
    lesson, problems = load_lesson(FIXTURES / "fixture-policy.yaml")
    assert problems == []
    assert lesson is not None
    assert lesson.id == "fixture-policy" and lesson.topic == "policies"
    assert (lesson.difficulty, lesson.minutes, lesson.order) == (2, 5, 20)
    assert lesson.prerequisites == ["fixture-service"] and lesson.exploration is False
    assert lesson.introduction.startswith("# Isolation by selection")
    assert "kind: Service" in lesson.background and lesson.solution and lesson.starter
    assert len(lesson.hints) == 2 and lesson.explanation and lesson.remember
    assert lesson.path == FIXTURES / "fixture-policy.yaml"
    probes, table, max_policies = lesson.goal
    assert isinstance(probes, ProbesCheck) and probes.id == "client-web"
    assert probes.hint and probes.description == "These 3 connections behave as the goal says"
    assert isinstance(table, TableCheck) and table.id == "table-2"
    assert [(o.source, o.destination, o.expect) for o in table.overrides] == [
        (None, "default/web", False),
        ("default/client", "default/web", True),
    ]
    assert max_policies.type == "max_policies"
    assert lesson.check_by_id("client-web") is probes


def test_schema_errors_have_file_line_and_column(tmp_path: Path) -> None:
    text = GOOD.replace("difficulty: 2", "difficulty: 7").replace(
        "{from: other, to: web, port: 8080/TCP, expect: denied}",
        "{from: other, to: web, port: 80/XTP, expect: maybe}",
    )
    path = write(tmp_path, "bad.yaml", text)
    lesson, problems = load_lesson(path)
    assert lesson is None
    by_field = {p.field: p for p in problems}
    assert by_field["difficulty"].line == 5 and by_field["difficulty"].column == 1
    port = by_field["goal[0].probes[1].port"]
    line, column = locate(text, "port: 80/XTP")
    assert (port.file, port.line, port.column) == (str(path), line, column)
    assert "XTP" in port.message
    assert by_field["goal[0].probes[1].expect"].line == line
    assert port.format().startswith(f"{path}:{line}:{column}: error:")


def test_yaml_syntax_error_in_a_lesson(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", "format: 1\nid: x\ntitle: [unclosed\n")
    lesson, problems = load_lesson(path)
    assert lesson is None and problems[0].line is not None and problems[0].file == str(path)


def test_unknown_fields_and_keys(tmp_path: Path) -> None:
    lesson, problems = parse_lesson(GOOD.replace("hints:", "hitns:"), "x.yaml")
    assert lesson is not None  # an unknown top-level field is a warning
    assert [p.message for p in problems] == ["unknown lesson field `hitns` (ignored)"]
    assert problems[0].hint == "did you mean `hints`?"
    lesson, problems = parse_lesson(GOOD.replace("- max_policies: 1", "- max_polices: 1"), "x.yaml")
    assert lesson is None
    assert problems[0].message == "unknown key `max_polices` in a check"
    assert problems[0].hint == "did you mean `max_policies`?"


def test_unsupported_format_version() -> None:
    lesson, problems = parse_lesson(GOOD.replace("format: 1", "format: 2"), "x.yaml")
    assert lesson is None
    assert problems[0].code == "lesson-format" and "upgrade" in (problems[0].hint or "")
    lesson, problems = parse_lesson(GOOD.replace("format: 1\n", ""), "x.yaml")
    assert lesson is None and "missing `format`" in problems[0].message


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    lesson, problems = load_lesson(tmp_path / "missing.yaml")
    assert lesson is None and problems[0].code == "lesson-unreadable"
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"title: caf\xe9\n")
    lesson, problems = load_lesson(path)
    assert lesson is None and problems[0].code == "lesson-encoding"


# ------------------------------------------------------------------------------------------
# Discovery


def test_discover_sorts_by_order_then_id_and_later_folder_wins(tmp_path: Path) -> None:
    a = tmp_path / "a"
    b = tmp_path / "b"
    a.mkdir()
    for name in ("fixture-policy.yaml", "fixture-service.yaml"):
        shutil.copy(FIXTURES / name, a / name)
    write(b, "override.yaml", GOOD.replace('title: "Fixture: only', 'title: "Override: only'))
    write(
        b,
        "early.yaml",
        GOOD.replace("id: fixture-policy", "id: early").replace("order: 20", "order: 5"),
    )
    (a / "quizzes").mkdir()
    write(a / "quizzes", "quiz.yaml", "not: a lesson\n")
    result = discover([a, b], include_builtin=False)
    assert result.ids() == ["early", "fixture-service", "fixture-policy"]
    winner = result.get("fixture-policy")
    assert winner is not None and winner.title.startswith("Override")
    dupes = [p for p in result.problems if p.code == "lesson-duplicate-id"]
    assert len(dupes) == 1 and dupes[0].severity == "warning"
    assert dupes[0].file == str(b / "override.yaml") and dupes[0].line == 2
    assert result.next_lesson("early") is result.get("fixture-service")
    assert result.missing_prerequisites("fixture-policy", set()) == ["fixture-service"]


def test_discover_reads_the_environment_and_reports_broken_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = tmp_path / "pack"
    write(pack, "good.yaml", GOOD)
    write(pack, "bad.yaml", "format: 1\nid: Bad!\n")
    monkeypatch.setenv("K8SNET_TUTOR_LESSONS", os.pathsep.join([str(pack), str(tmp_path / "nope")]))
    result = discover(include_builtin=False)
    assert result.ids() == ["fixture-policy"]
    assert any(p.file == str(pack / "bad.yaml") and p.severity == "error" for p in result.problems)
    assert any(p.code == "lesson-folder-missing" for p in result.problems)


def test_builtin_lessons_dir_prefers_the_packaged_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert builtin_lessons_dir() == REPO / "lessons" or (
        builtin_lessons_dir().parent.name == "k8snet_tutor"
    )
    fake_pkg = tmp_path / "site-packages" / "k8snet_tutor"
    (fake_pkg / "lessons").mkdir(parents=True)
    monkeypatch.setattr(lesson_module.k8snet_tutor, "__file__", str(fake_pkg / "__init__.py"))
    assert builtin_lessons_dir() == (fake_pkg / "lessons").resolve()


# ------------------------------------------------------------------------------------------
# Lint: each class of problem


def test_fixture_pack_is_clean() -> None:
    assert lint_lessons(FIXTURES) == []
    # With the mutation lint too (what `lessons lint` runs by default): the fixture declares the
    # variants its goal lets through, so every lesson is measured and nothing survives.
    strengths: list[Strength] = []
    assert lint_lessons(FIXTURES, mutation=True, strengths=strengths) == []
    assert sorted(s.unit for s in strengths) == ["fixture-policy", "fixture-service"]
    assert all(not s.skipped and not s.survivors and s.strength == 1.0 for s in strengths)
    assert len(next(s for s in strengths if s.unit == "fixture-policy").equivalent) == 3


def test_lint_reports_schema_errors_with_positions(tmp_path: Path) -> None:
    problems = lint_one(tmp_path, GOOD.replace("topic: policies", "topic: networking"))
    (p,) = problems
    assert p.code == "lesson-topic" and p.line == 4 and p.file and p.file.endswith("lesson.yaml")


def test_lint_duplicate_ids(tmp_path: Path) -> None:
    write(tmp_path / "pack", "a.yaml", GOOD)
    write(tmp_path / "pack", "b.yaml", GOOD)
    problems = lint_lessons(tmp_path / "pack", known_ids=["fixture-service"])
    (p,) = problems
    assert p.code == "lesson-duplicate-id" and p.file == str(tmp_path / "pack" / "b.yaml")


def test_lint_unknown_prerequisite_and_cycles(tmp_path: Path) -> None:
    problems = lint_lessons(write(tmp_path, "a.yaml", GOOD), known_ids=[])
    (p,) = problems
    assert p.code == "lesson-prerequisite" and p.line == 8 and "fixture-service" in p.message
    pack = tmp_path / "cycle"
    write(pack, "a.yaml", GOOD)
    write(
        pack,
        "b.yaml",
        GOOD.replace("id: fixture-policy", "id: fixture-service").replace(
            "[fixture-service]", "[fixture-policy]"
        ),
    )
    assert "lesson-prerequisite-cycle" in codes(lint_lessons(pack))


def test_lint_names_must_exist(tmp_path: Path) -> None:
    text = GOOD.replace(
        "{from: other, to: web, port: 8080/TCP, expect: denied}",
        "{from: other, to: default/wbe, port: 8080/TCP, expect: denied}",
    )
    problems = lint_one(tmp_path, text)
    (p,) = problems
    assert p.code == "lesson-unknown-name"
    assert p.field == "goal[0].probes[1].to"
    assert (p.line, p.column) == locate(text, "to: default/wbe")
    assert "default/wbe" in p.message


def test_lint_solution_must_pass(tmp_path: Path) -> None:
    problems = lint_one(tmp_path, GOOD.replace("ports: [{port: 8080}]", "ports: [{port: 9090}]"))
    assert codes(problems) == {"lesson-solution-fails"}
    assert any("client-web" in p.message for p in problems)
    assert all(p.severity == "error" for p in problems)


def test_lint_solution_yaml_errors_point_into_the_lesson_file(tmp_path: Path) -> None:
    text = GOOD.replace("ports: [{port: 8080}]", "ports: [{port: 99999}]")
    problems = lint_one(tmp_path, text)
    located = [p for p in problems if "in `solution`" in p.message]
    assert located and (located[0].line, located[0].column) == locate(text, "port: 99999")


def test_lint_starter_must_fail(tmp_path: Path) -> None:
    solution = GOOD.split("solution: |\n", 1)[1].split("\ngoal:", 1)[0]
    text = GOOD.replace("  # Write a NetworkPolicy here.\n", solution + "\n")
    problems = lint_one(tmp_path, text)
    assert codes(problems) == {"lesson-starter-passes"}
    assert not lint_one(tmp_path, text.replace("exploration: false", "exploration: true"), "x.yaml")


def test_lint_prose_must_be_present(tmp_path: Path) -> None:
    text = GOOD.split("hints:", 1)[0]
    problems = lint_one(tmp_path, text)
    messages = " ".join(p.message for p in problems)
    assert "no hints" in messages and "`explanation` is missing" in messages
    assert "`remember` is missing" in messages
    assert all(p.code == "lesson-missing-text" for p in problems)


def test_lint_bad_difficulty_and_empty_goal(tmp_path: Path) -> None:
    assert codes(lint_one(tmp_path, GOOD.replace("difficulty: 2", "difficulty: 0"))) == {
        "lesson-difficulty"
    }
    goal_start = GOOD.index("goal:\n")
    hints_start = GOOD.index("hints:\n")
    text = GOOD[:goal_start] + "goal: []\n\n" + GOOD[hints_start:]
    assert "lesson-empty-goal" in codes(lint_one(tmp_path, text, "y.yaml"))


def test_lint_background_problems(tmp_path: Path) -> None:
    text = GOOD.replace("containerPort: 8080, name: http", "containerPort: 8080, name: HTTP_PORT")
    problems = errors(lint_one(tmp_path, text))
    assert any("in `background`" in p.message for p in problems)


def test_lint_a_missing_path(tmp_path: Path) -> None:
    (p,) = lint_lessons(tmp_path / "nothing-here")
    assert p.code == "lesson-missing" and p.severity == "error"


# ------------------------------------------------------------------------------------------
# The real lessons


def test_real_lessons_lint_clean() -> None:
    folder = REPO / "lessons"
    if not lesson_files(folder):
        pytest.skip("lessons/ has no lesson files yet")
    problems = lint_lessons(folder)
    assert problems == [], "\n".join(p.format() for p in problems)
