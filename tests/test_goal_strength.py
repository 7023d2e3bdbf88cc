"""The mutation lint over the built-in lessons and the quiz bank: no goal may accept a variant of
the reference solution that changes a verdict in the lesson's scope (issue 8).

Each unit is one parametrized case, so a failure names the lesson and the surviving mutation.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
import yaml

from k8snet_tutor.learning.checks import check
from k8snet_tutor.learning.lesson import Lesson, builtin_lessons_dir, discover, parse_lesson
from k8snet_tutor.learning.mutations import (
    ELSEWHERE,
    Strength,
    bank_strengths,
    equivalent_mutations,
    goal_strength,
    lesson_scope,
    mutations,
    strength_lines,
    strength_problems,
)
from k8snet_tutor.learning.quiz import FixQuestion, load_bank

BANK = builtin_lessons_dir() / "quizzes" / "k8s-networking.yaml"

# Units whose goals are still being strengthened (strict: remove an entry once it passes).
NOT_YET: set[str] = set()


@functools.lru_cache(maxsize=1)
def units() -> dict[str, Lesson]:
    out = {lesson.id: lesson for lesson in discover(include_env=False)}
    bank, problems = load_bank(BANK)
    assert bank is not None, problems
    for q in bank.questions:
        if isinstance(q, FixQuestion):
            out[f"quiz-{q.id}"] = q.lesson()
    return out


def _params() -> list[object]:
    out = []
    for unit, les in units().items():
        if les.exploration:
            continue
        marks = (
            [pytest.mark.xfail(strict=True, reason="goal not yet strong")]
            if unit in NOT_YET
            else []
        )
        out.append(pytest.param(unit, id=unit, marks=marks))
    return out


@pytest.mark.parametrize("unit", _params())
def test_no_mutation_survives_the_goal(unit: str) -> None:
    les = units()[unit]
    strength = goal_strength(les, equivalent_mutations(les))
    survivors = [
        f"{s.mutation.id}: {s.mutation.description}; changes {s.cells[0]}"
        for s in strength.survivors
    ]
    assert not survivors, f"{unit}: {strength.line()}\n" + "\n".join(survivors)
    assert not strength.unknown_equivalent, strength.unknown_equivalent


LESSON = """\
format: 1
id: strength-fixture
title: Strength fixture
topic: policies
difficulty: 1
introduction: x
explanation: x
remember: x
hints: [x]
background: |
  apiVersion: v1
  kind: Pod
  metadata: {name: api, namespace: default, labels: {app: api}}
  spec:
    containers: [{name: a, image: a, ports: [{containerPort: 8080}]}]
  ---
  apiVersion: v1
  kind: Pod
  metadata: {name: db, namespace: default, labels: {app: db}}
  spec:
    containers: [{name: d, image: d, ports: [{containerPort: 5432}]}]
starter: ""
solution: |
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: db, namespace: default}
  spec:
    podSelector: {matchLabels: {app: db}}
    policyTypes: [Ingress]
    ingress:
    - from: [{podSelector: {matchLabels: {app: api}}}]
      ports: [{port: 5432}]
goal:
  - id: api-db
    probes:
      - {from: default/api, to: default/db, port: 5432/TCP, expect: allowed}
      - {from: default/api, to: default/db, port: 8080/TCP, expect: denied}
"""


def fixture_lesson(text: str = LESSON) -> Lesson:
    les, problems = parse_lesson(text, "fixture.yaml")
    assert les is not None, problems
    return les


def test_a_loose_goal_is_reported_with_the_mutation_and_the_cell() -> None:
    les = fixture_lesson()
    strength = goal_strength(les)
    ids = {s.mutation.id for s in strength.survivors}
    # Same labels in another namespace: only a probe pod shows the difference.
    widened = "NetworkPolicy/default/db:spec.ingress[0].from[0]:add-namespaceSelector"
    assert widened in ids
    survivor = next(s for s in strength.survivors if s.mutation.id == widened)
    assert any(f"{ELSEWHERE}/" in c and "-> default/db" in c for c in survivor.cells)
    # Caught: the port changed, the policy removed.
    assert "NetworkPolicy/default/db:-:remove" not in ids
    assert strength.caught >= 2 and strength.changing == strength.caught + len(ids)
    assert strength.strength < 1


def test_declared_equivalents_are_not_counted() -> None:
    widened = "NetworkPolicy/default/db:spec.ingress[0].from[0]:add-namespaceSelector"
    text = LESSON + f"equivalent_mutations:\n  - id: '{widened}'\n    reason: any api may come\n"
    les = fixture_lesson(text)
    assert equivalent_mutations(les) == {widened: "any api may come"}
    strength = goal_strength(les, equivalent_mutations(les))
    assert widened not in {s.mutation.id for s in strength.survivors}
    assert widened in strength.equivalent
    bogus = goal_strength(les, {"NoSuch/x:y:z": "?"})
    assert bogus.unknown_equivalent == ["NoSuch/x:y:z"]


def test_mutations_are_one_change_each_and_valid_yaml() -> None:
    les = fixture_lesson()
    docs = list(yaml.safe_load_all(les.solution))
    found = mutations(docs, ["default", "other"])
    ids = [m.id for m in found]
    assert len(ids) == len(set(ids))
    for expected in (
        "NetworkPolicy/default/db:-:remove",
        "NetworkPolicy/default/db:metadata.namespace:move-to-other",
        "NetworkPolicy/default/db:spec.podSelector:empty",
        "NetworkPolicy/default/db:spec.policyTypes:drop",
        "NetworkPolicy/default/db:spec.policyTypes:add-Egress",
        "NetworkPolicy/default/db:spec.ingress[0].ports:drop",
        "NetworkPolicy/default/db:spec.ingress[0].ports[0]:protocol",
        "NetworkPolicy/default/db:spec.ingress[0].ports[0]:add-endPort",
        "NetworkPolicy/default/db:spec.ingress[0].from[0].podSelector.matchLabels.app:change-value",
    ):
        assert expected in ids, expected
    for m in found:
        assert check(les, m.text()).valid, m.id
        assert m.text() != les.solution


def test_fix_questions_of_a_bank_are_measured(tmp_path: Path) -> None:
    bank, _ = load_bank(BANK)
    assert bank is not None
    strengths: list = []
    bank_strengths(bank, strengths)
    fix = [q for q in bank.questions if isinstance(q, FixQuestion)]
    assert len(strengths) == len(fix) and all(s.unit.startswith("quiz ") for s in strengths)


def test_vacuous_check_is_reported_and_structural_ones_are_not() -> None:
    text = LESSON.replace(
        "goal:\n",
        "goal:\n"
        "  - id: untouched\n"
        "    probes:\n"
        "      - {from: default/api, to: 203.0.113.9, port: 443/TCP, expect: allowed}\n"
        "  - id: count\n"
        "    max_policies: 3\n",
    ).replace("  - id: api-db\n", "  - id: api-db\n    hint: x\n")
    les = fixture_lesson(text)
    strength = goal_strength(les)
    problems = strength_problems(
        les, strength, starter_passing=["untouched", "count", "api-db"], checks=les.goal
    )
    vacuous = [p for p in problems if p.code == "goal-vacuous-check"]
    assert [p.field for p in vacuous] == ["goal[0]"]
    assert "passes for the starter" in vacuous[0].message


def test_lesson_format_reads_decoys_editable_and_equivalents() -> None:
    text = LESSON + (
        "decoys: |\n"
        "  apiVersion: v1\n"
        "  kind: Pod\n"
        "  metadata: {name: api, namespace: elsewhere, labels: {app: api}}\n"
        "  spec: {containers: [{name: a, image: a}]}\n"
        "editable: [Pod/default/api]\n"
        "equivalent_mutations:\n"
        "  - {id: 'NetworkPolicy/default/db:-:remove', reason: because}\n"
    )
    les, problems = parse_lesson(text, "fixture.yaml")
    assert les is not None and not problems, problems
    assert les.editable == ["Pod/default/api"]
    assert les.equivalent_mutations == {"NetworkPolicy/default/db:-:remove": "because"}
    assert "elsewhere" in les.cluster_yaml() and les.cluster_yaml().startswith(les.background)
    # Decoys exist in grading: the look-alike api is refused by db.
    report = check(les, les.solution)
    assert report.cluster.pod("elsewhere/api") is not None
    strength = goal_strength(les, equivalent_mutations(les))
    widened = "NetworkPolicy/default/db:spec.ingress[0].from[0]:add-namespaceSelector"
    assert widened in {s.mutation.id for s in strength.survivors}  # no check on the decoy yet
    bad, problems = parse_lesson(LESSON + "equivalent_mutations:\n  - {id: x}\n", "bad.yaml")
    assert bad is None and "needs a `reason`" in problems[-1].message


def test_cli_lint_strength_reports_figures_and_survivors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from k8snet_tutor.cli.main import main

    (tmp_path / "strength-fixture.yaml").write_text(LESSON, encoding="utf-8")
    code = main(["lessons", "lint", "--strength", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    assert "goal too loose: mutation `NetworkPolicy/default/db:" in out
    assert "strength-fixture: goal strength" in out


def test_cli_lint_measures_goal_strength_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 8: `lessons lint DIR` runs the mutation lint without being asked; a loose goal fails
    it with a located message that names the mutation and the cell it changed."""
    from k8snet_tutor.cli.main import main

    path = tmp_path / "strength-fixture.yaml"
    path.write_text(LESSON, encoding="utf-8")
    code = main(["lessons", "lint", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    goal_line = LESSON.splitlines().index("goal:") + 1
    widened = "NetworkPolicy/default/db:spec.ingress[0].from[0]:add-namespaceSelector"
    (located,) = [ln for ln in out.splitlines() if f"mutation `{widened}`" in ln]
    assert located.startswith(f"{path}:{goal_line}:1: error: goal too loose: mutation `{widened}`")
    # The cell: the copy of api in a namespace the lesson does not have now reaches db.
    assert f"yet changes {ELSEWHERE}/default-api -> default/db: now allowed on 5432/TCP" in located
    assert "strength-fixture: goal strength " in out and "(100%)" not in out
    assert "error(s)" in out and "no problems found" not in out


@pytest.mark.parametrize("flag", ["--quick", "--no-strength"])
def test_cli_lint_can_skip_goal_strength(
    flag: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from k8snet_tutor.cli.main import main

    (tmp_path / "strength-fixture.yaml").write_text(LESSON, encoding="utf-8")
    code = main(["lessons", "lint", flag, str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "goal too loose" not in out and "strength-fixture: goal strength" not in out
    assert "goal strength not measured" in out and "no problems found" in out


def test_cli_lint_declared_equivalents_pass_and_are_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from k8snet_tutor.cli.main import main

    les = fixture_lesson()
    declared = "".join(
        f"  - id: '{s.mutation.id}'\n    reason: the task allows it\n"
        for s in goal_strength(les).survivors
    )
    text = LESSON + "equivalent_mutations:\n" + declared
    (tmp_path / "strength-fixture.yaml").write_text(text, encoding="utf-8")
    code = main(["lessons", "lint", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    n = declared.count("- id:")
    # Every mutation of the solution, those that look into the lesson's cluster included.
    cluster, raw, _scope = lesson_scope(les)
    count = len(mutations(raw, ["default"], cluster))
    assert count > len(mutations(raw, ["default"]))
    assert f"(100%) over {count} mutation(s)" in out
    assert f", {n} declared equivalent" in out
    assert "goal strength: 1 of 1 unit(s) at 100%" in out


def test_cli_lint_says_when_a_lesson_with_errors_is_not_measured(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from k8snet_tutor.cli.main import main

    broken = LESSON.replace("ports: [{port: 5432}]", "ports: [{port: 9999}]")
    (tmp_path / "strength-fixture.yaml").write_text(broken, encoding="utf-8")
    code = main(["lessons", "lint", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    assert "strength-fixture: goal strength not measured (fix the lesson's errors first)" in out
    assert "goal too loose" not in out


def test_units_where_no_mutation_changes_connectivity_are_not_counted_as_100_percent() -> None:
    """flat-network's solution has nothing to mutate, and no variant of pod-fix-sidecar's changes
    a verdict: their figure is n/a, and the total names them apart from the measured units."""
    flat = goal_strength(units()["flat-network"])
    sidecar = goal_strength(units()["quiz-pod-fix-sidecar"])
    sidecar.unit = "quiz pod-fix-sidecar"
    measured = goal_strength(fixture_lesson())
    for s in (flat, sidecar):
        assert s.changing == 0 and s.strength is None and not s.applicable
        assert "n/a" in s.line() and "%" not in s.line()
    assert sidecar.mutations > 0 and "changes connectivity" in sidecar.line()
    assert measured.applicable and measured.strength is not None and measured.strength < 1
    *per_unit, total = strength_lines([flat, measured, sidecar])
    assert per_unit == [flat.line(), measured.line(), sidecar.line()]
    assert "0 of 1 unit(s) at 100%" in total
    assert f"{measured.caught}/{measured.changing} " in total
    assert "n/a for 2 unit(s)" in total and "flat-network, quiz pod-fix-sidecar" in total
    # Only n/a units: no unit is said to be at 100%.
    (_, _, total) = strength_lines([flat, sidecar])
    assert "at 100%" not in total and "no unit has a figure" in total
    assert "n/a for 2 unit(s)" in total
    # A skipped unit is neither measured nor n/a: its own line says so, and there is no total.
    skipped = Strength("broken", skipped="fix the lesson's errors first")
    assert list(strength_lines([skipped])) == [skipped.line()]
    assert "not measured" in skipped.line() and "n/a" not in skipped.line()


def _fix_bank(extra: str = "") -> str:
    """The fixture lesson as a quiz bank's one `fix` question (`extra`: more keys of it)."""
    les = fixture_lesson()

    def block(text: str) -> str:
        return "|\n" + "".join(f"      {line}\n" for line in text.splitlines())

    return (
        "format: 1\nid: strength-bank\ntitle: Strength bank\nquestions:\n"
        "  - id: fix-db\n    type: fix\n    topic: policies\n"
        "    question: Let only api reach db, on 5432.\n    explanation: x\n"
        f"    background: {block(les.background)}"
        "    starter: ''\n"
        f"    solution: {block(les.solution)}"
        "    goal:\n      - id: api-db\n        probes:\n"
        "          - {from: default/api, to: default/db, port: 5432/TCP, expect: allowed}\n"
        "          - {from: default/api, to: default/db, port: 8080/TCP, expect: denied}\n" + extra
    )


def test_fix_questions_declare_equivalent_mutations_as_lessons_do(tmp_path: Path) -> None:
    """A quiz `fix` question takes `equivalent_mutations` (id and reason): the mutation lint does
    not count them, an unknown id is a warning at the question's key, a malformed one an error."""
    from k8snet_tutor.learning.quiz import parse_bank

    bank, problems = parse_bank(_fix_bank(), "bank.yaml")
    assert bank is not None and not problems, problems
    strengths: list[Strength] = []
    loose = bank_strengths(bank, strengths)
    survivors = [s.mutation.id for s in strengths[0].survivors]
    widened = "NetworkPolicy/default/db:spec.ingress[0].from[0]:add-namespaceSelector"
    assert widened in survivors and any(widened in p.message for p in loose)

    declared = "".join(
        f"      - id: '{mid}'\n        reason: the question allows it\n" for mid in survivors
    )
    text = _fix_bank("    equivalent_mutations:\n" + declared)
    bank, problems = parse_bank(text, "bank.yaml")
    assert bank is not None and not problems, problems
    (q,) = bank.questions
    assert isinstance(q, FixQuestion)
    assert q.equivalent_mutations == dict.fromkeys(survivors, "the question allows it")
    strengths = []
    assert bank_strengths(bank, strengths) == []
    (s,) = strengths
    assert sorted(s.equivalent) == sorted(survivors) and s.strength == 1.0
    assert f"{len(survivors)} declared equivalent" in s.line()

    text = _fix_bank("    equivalent_mutations:\n      - {id: 'NoSuch/x:y:z', reason: r}\n")
    bank, problems = parse_bank(text, "bank.yaml")
    assert bank is not None and not problems
    found = [p for p in bank_strengths(bank) if p.code == "goal-equivalent-unknown"]
    (p,) = found
    key_line = text.splitlines().index("    equivalent_mutations:") + 1
    assert p.severity == "warning" and p.line == key_line and p.obj == "question fix-db"
    assert "'NoSuch/x:y:z'" in p.message

    text = _fix_bank("    equivalent_mutations:\n      - {id: 'NoSuch/x:y:z'}\n")
    bank, problems = parse_bank(text, "bank.yaml")
    assert bank is None
    (p,) = [p for p in problems if p.severity == "error"]
    assert "needs a `reason`" in p.message and p.code == "quiz-schema"
    assert p.line == text.splitlines().index("      - {id: 'NoSuch/x:y:z'}") + 1


NEAR_BACKGROUND = """\
apiVersion: v1
kind: Namespace
metadata: {name: staging}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: default, labels: {app: api}}
spec: {containers: [{name: a, image: a, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default, labels: {app: web}}
spec: {containers: [{name: w, image: w, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: default, labels: {app: db}}
spec:
  containers:
  - name: d
    image: d
    ports: [{containerPort: 5432, name: pg}, {containerPort: 9187, name: metrics}]
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: staging, labels: {app: api}}
spec: {containers: [{name: a, image: a, ports: [{containerPort: 8080}]}]}
"""

NEAR_SOLUTION = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: default}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: api}}}]
    ports: [{port: pg}]
  egress:
  - to:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: default}}
      podSelector: {matchLabels: {app: api}}
    ports: [{port: 8080}]
  - to: [{ipBlock: {cidr: 192.0.2.0/24}}]
    ports: [{port: 50, endPort: 60, protocol: UDP}]
"""


def test_extra_port_and_retarget_mutations_use_what_exists_in_the_cluster() -> None:
    """Issue 11: a port the rule's pods declare added to its `ports` (for egress, else DNS), and
    a peer retargeted to another existing label value or namespace; only with the cluster."""
    from k8snet_tutor.core.cluster import cluster_from_text

    docs = list(yaml.safe_load_all(NEAR_SOLUTION))
    cluster = cluster_from_text(NEAR_BACKGROUND + "---\n" + NEAR_SOLUTION, "fixture")
    found = {m.id: m for m in mutations(docs, ["default", "staging"], cluster)}
    policy = "NetworkPolicy/default/db"

    def changed(mid: str, path: list[str | int]) -> Any:
        (doc,) = found[mid].documents
        value: Any = doc
        for key in path:
            value = value[key]
        return value

    # Ingress: db's ports are pg (5432, listed by name) and 9187: 9187 is the extra one.
    mid = f"{policy}:spec.ingress[0].ports:add-port"
    assert changed(mid, ["spec", "ingress", 0, "ports"]) == [
        {"port": "pg"},
        {"protocol": "TCP", "port": 9187},
    ]
    # Egress to api: its one port is listed, so DNS; the UDP range 50-60 already has 53/UDP.
    assert changed(f"{policy}:spec.egress[0].ports:add-port", ["spec", "egress", 0, "ports"])[
        -1
    ] == {"protocol": "UDP", "port": 53}
    assert changed(f"{policy}:spec.egress[1].ports:add-port", ["spec", "egress", 1, "ports"])[
        -1
    ] == {"protocol": "TCP", "port": 53}
    # Retargets: another app of the policy's namespace, another existing namespace.
    peer = f"{policy}:spec.ingress[0].from[0].podSelector.matchLabels.app:retarget"
    assert changed(peer, ["spec", "ingress", 0, "from", 0, "podSelector", "matchLabels"]) == {
        "app": "web"
    }
    ns = (
        f"{policy}:spec.egress[0].to[0].namespaceSelector.matchLabels."
        "kubernetes.io/metadata.name:retarget"
    )
    assert changed(ns, ["spec", "egress", 0, "to", 0, "namespaceSelector", "matchLabels"]) == {
        "kubernetes.io/metadata.name": "staging"
    }
    # One change each, and none of them without the cluster.
    new = [mid for mid in found if mid.endswith((":add-port", ":retarget"))]
    assert len(new) == len(set(new)) == 6
    assert not [m for m in mutations(docs, ["default", "staging"]) if m.id in new]


def test_an_extra_port_passes_a_goal_that_never_looks_at_the_other_port() -> None:
    """The LESSON fixture with db declaring a metrics port too: adding it to the rule's ports
    passes the goal (probes on 5432 and 8080 only) until a probe on the metrics port says no."""
    text = LESSON.replace(
        "ports: [{containerPort: 5432}]",
        "ports: [{containerPort: 5432}, {containerPort: 9187}]",
    )
    widened = "NetworkPolicy/default/db:spec.ingress[0].ports:add-port"
    strength = goal_strength(fixture_lesson(text))
    (survivor,) = [s for s in strength.survivors if s.mutation.id == widened]
    assert "default/api -> default/db: now allowed on 9187/TCP" in survivor.cells
    closed = text.replace(
        "      - {from: default/api, to: default/db, port: 8080/TCP, expect: denied}\n",
        "      - {from: default/api, to: default/db, port: 8080/TCP, expect: denied}\n"
        "      - {from: default/api, to: default/db, port: 9187/TCP, expect: denied}\n",
    )
    assert closed != text
    strength = goal_strength(fixture_lesson(closed))
    assert widened not in {s.mutation.id for s in strength.survivors}
