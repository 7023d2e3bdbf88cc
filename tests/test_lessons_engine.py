"""Grading a learner's YAML against a lesson's goal: every check type, passing and failing."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from k8snet_tutor.learning import checks as checks_module
from k8snet_tutor.learning.checks import CheckReport, CheckResult, check, results_summary
from k8snet_tutor.learning.lesson import Lesson, load_lesson, parse_lesson

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"

BACKGROUND = """\
apiVersion: v1
kind: Pod
metadata: {name: client, labels: {app: client}}
spec:
  containers: [{name: c, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata: {name: other, labels: {app: other}}
spec:
  containers: [{name: c, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, labels: {app: web, tier: frontend}}
spec:
  containers: [{name: web, image: nginx, ports: [{containerPort: 8080, name: http}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: web-2, labels: {app: web}}
spec:
  containers: [{name: web, image: nginx, ports: [{containerPort: 8080, name: http}]}]
"""

SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
"""

DENY_WEB = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-web}
spec:
  podSelector: {matchLabels: {app: web}}
"""

ALLOW_CLIENT = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-client}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
    - from: [{podSelector: {matchLabels: {app: client}}}]
      ports: [{port: 8080}]
"""


def indent(text: str, spaces: int = 2) -> str:
    return textwrap.indent(text, " " * spaces)


def make_lesson(goal: str, background: str = BACKGROUND) -> Lesson:
    """A lesson with this goal (YAML list text) over `background`."""
    text = (
        "format: 1\nid: t\ntitle: T\ntopic: policies\ndifficulty: 1\n"
        f"background: |\n{indent(background)}\n"
        f"goal:\n{indent(textwrap.dedent(goal))}\n"
    )
    lesson, problems = parse_lesson(text, "t.yaml")
    assert lesson is not None, [p.format() for p in problems]
    return lesson


def docs(*parts: str) -> str:
    return "---\n".join(parts)


def only(report: CheckReport) -> CheckResult:
    """The single goal check's result (results[0] is the validity check)."""
    assert report.results[0].id == "valid-yaml"
    assert len(report.results) == 2
    return report.results[1]


# ------------------------------------------------------------------------------------------
# probes


PROBES = """\
- probes:
    - {from: default/client, to: default/web-1, port: 8080/TCP, expect: allowed}
    - {from: other, to: web-1, port: 8080/TCP, expect: denied}
"""


def test_probes_pass() -> None:
    report = check(make_lesson(PROBES), ALLOW_CLIENT)
    assert report.passed
    result = only(report)
    assert result.passed and result.reasons == []
    assert [(c.source, c.destination, c.expected, c.actual) for c in result.cells] == [
        ("default/client", "default/web-1", True, True),
        ("default/other", "default/web-1", False, False),
    ]
    # Right cells are not explained (explanations cost time).
    assert all(c.explanation == [] for c in result.cells)


def test_probes_fail_with_plain_reasons() -> None:
    result = only(check(make_lesson(PROBES), DENY_WEB))
    assert not result.passed
    assert result.reasons == [
        "default/client -> default/web-1 on 8080/TCP is denied, the goal says allowed: "
        "default/web-1 is isolated for ingress by policy default/deny-web, and no ingress "
        "rule admits it"
    ]
    wrong = result.wrong_cells
    assert len(wrong) == 1 and wrong[0].explanation
    assert (
        wrong[0].explanation[0].startswith("default/client -> default/web-1 on 8080/TCP is denied")
    )


def test_probe_allowed_but_goal_denied_names_the_reason() -> None:
    result = only(check(make_lesson(PROBES), ""))
    assert result.reasons == [
        "default/other -> default/web-1 on 8080/TCP is allowed, the goal says denied: no "
        "NetworkPolicy isolates default/other for egress or default/web-1 for ingress, so "
        "nothing restricts it"
    ]


def test_probes_to_a_service_an_external_address_and_a_named_port() -> None:
    goal = """\
    - probes:
        - {from: client, to: svc:default/web, port: 80/TCP, expect: allowed}
        - {from: other, to: svc:default/web, port: 80/TCP, expect: denied}
        - {from: client, to: web-2, port: http/TCP, expect: allowed}
        - {from: 203.0.113.7, to: web-1, port: 8080, expect: denied}
    """
    lesson = make_lesson(goal, docs(BACKGROUND, SERVICE))
    assert check(lesson, ALLOW_CLIENT).passed
    result = only(check(lesson, ""))
    assert not result.passed
    assert len(result.reasons) == 2
    assert result.reasons[0].startswith(
        "default/other -> svc:default/web on 80/TCP is allowed, the goal says denied"
    )
    assert result.reasons[1].startswith(
        "203.0.113.7 -> default/web-1 on 8080/TCP is allowed, the goal says denied"
    )


def test_unknown_name_is_a_failing_check_not_an_exception() -> None:
    lesson = make_lesson(
        "- probes:\n    - {from: default/ghost, to: web-1, port: 80, expect: allowed}\n"
    )
    result = only(check(lesson, ""))
    assert not result.passed
    assert "default/ghost" in result.reasons[0]
    assert "no pod, workload or Service" in result.reasons[0]


def test_a_service_cannot_be_a_source() -> None:
    lesson = make_lesson(
        "- probes:\n    - {from: svc:default/web, to: web-1, port: 80, expect: allowed}\n",
        docs(BACKGROUND, SERVICE),
    )
    result = only(check(lesson, ""))
    assert not result.passed and "Service" in result.reasons[0]


# ------------------------------------------------------------------------------------------
# table


def test_table_default_and_overrides() -> None:
    goal = """\
    - table:
        port: 8080/TCP
        default: allowed
        overrides:
          - {to: default/web-1, expect: denied}            # every source
          - {to: default/web-2, expect: denied}
          - {from: default/client, to: web-1, expect: allowed}
          - {from: client, to: web-2, expect: allowed}
    """
    lesson = make_lesson(goal)
    report = check(lesson, ALLOW_CLIENT)
    result = only(report)
    assert result.passed, result.reasons
    # 4 pods: 4 * 3 ordered pairs, a pod's connection to itself is not checked.
    assert len(result.cells) == 12
    assert all(c.source != c.destination for c in result.cells)
    expected = {(c.source, c.destination): c.expected for c in result.cells}
    assert expected[("default/client", "default/web-1")] is True  # the later override wins
    assert expected[("default/other", "default/web-1")] is False
    assert expected[("default/web-2", "default/web-1")] is False
    assert expected[("default/web-1", "default/other")] is True  # the default

    failing = only(check(lesson, DENY_WEB))
    assert not failing.passed
    assert [(c.source, c.destination) for c in failing.wrong_cells] == [
        ("default/client", "default/web-1"),
        ("default/client", "default/web-2"),
    ]
    assert failing.reasons[0] == (
        "default/client -> default/web-1 on 8080/TCP is denied, the goal says allowed: "
        "default/web-1 is isolated for ingress by policy default/deny-web, and no ingress rule "
        "admits it"
    )


def test_table_override_without_to_covers_every_destination() -> None:
    goal = """\
    - table:
        port: 80
        nodes: [client, other, web-1]
        default: allowed
        overrides:
          - {from: default/other, expect: denied}
    """
    egress_deny = (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: other-out}\n"
        "spec:\n  podSelector: {matchLabels: {app: other}}\n  policyTypes: [Egress]\n"
    )
    lesson = make_lesson(goal)
    result = only(check(lesson, egress_deny))
    assert result.passed, result.reasons
    assert len(result.cells) == 6  # three nodes only
    result = only(check(lesson, ""))
    assert {(c.source, c.destination) for c in result.wrong_cells} == {
        ("default/other", "default/client"),
        ("default/other", "default/web-1"),
    }


def test_table_explains_only_wrong_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = checks_module.explain

    def counting(*args: object, **kwargs: object) -> object:
        calls.append("x")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(checks_module, "explain", counting)
    lesson = make_lesson("- table: {port: 8080/TCP, default: allowed}\n")
    assert only(check(lesson, "")).passed
    assert calls == []
    result = only(check(lesson, DENY_WEB))
    assert len(result.wrong_cells) == 6  # three sources into each web pod
    assert len(calls) == 6


def test_table_lists_a_limited_number_of_reasons() -> None:
    pods = "---\n".join(
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, labels: {{app: web}}}}\n"
        "spec: {containers: [{name: c, image: x}]}\n"
        for i in range(8)
    )
    lesson = make_lesson("- table: {port: 80, default: allowed}\n", pods)
    result = only(check(lesson, DENY_WEB))
    assert len(result.wrong_cells) == 56
    assert len(result.reasons) == checks_module.MAX_REASONS + 1
    assert result.reasons[-1] == "... and 44 more connections differ"


# ------------------------------------------------------------------------------------------
# Service checks


def test_endpoints() -> None:
    lesson = make_lesson(
        "- endpoints: {service: default/web, pods: [default/web-1, default/web-2]}\n"
    )
    assert check(lesson, SERVICE).passed
    wrong = SERVICE.replace("{app: web}", "{app: web, tier: frontend}")
    result = only(check(lesson, wrong))
    assert result.reasons == [
        "default/web-2 should be an endpoint, but its labels (app=web) lack tier=frontend from "
        "the Service's selector"
    ]
    lesson2 = make_lesson("- endpoints: {service: default/web, pods: [web-1]}\n")
    result = only(check(lesson2, SERVICE))
    assert result.reasons == [
        "default/web-2 is an endpoint but should not be: its labels (app=web) include all of the "
        "Service's selector (app=web)"
    ]
    missing = only(check(lesson2, ""))
    assert not missing.passed and "there is no Service default/web" in missing.reasons[0]


def test_service_port() -> None:
    lesson = make_lesson("- service_port: {service: default/web, port: 80/TCP, target: 8080}\n")
    assert check(lesson, SERVICE).passed
    result = only(check(lesson, SERVICE.replace("targetPort: http", "targetPort: 80")))
    assert result.reasons == [
        "on default/web-1, port 80/TCP of Service default/web goes to 80, the goal says 8080",
        "on default/web-2, port 80/TCP of Service default/web goes to 80, the goal says 8080",
    ]
    result = only(check(lesson, SERVICE.replace("port: 80,", "port: 81,")))
    assert result.reasons == ["Service default/web has no port 80/TCP; its ports are: 81/TCP"]
    result = only(check(lesson, SERVICE.replace("{app: web}", "{app: nothing}")))
    assert "has no endpoints" in result.reasons[0]


def test_service_port_by_name() -> None:
    lesson = make_lesson("- service_port: {service: web, port: 80, target: http}\n")
    assert check(lesson, SERVICE).passed
    result = only(check(lesson, SERVICE.replace("targetPort: http", "targetPort: 8080")))
    assert not result.passed and "targetPort 8080" in result.reasons[0]


def test_exposed() -> None:
    external = make_lesson("- exposed: {service: default/web, external: true}\n")
    internal = make_lesson("- exposed: {service: default/web, external: false}\n")
    nodeport = SERVICE.replace("spec:\n", "spec:\n  type: NodePort\n")
    assert check(external, nodeport).passed
    assert check(internal, SERVICE).passed
    result = only(check(external, SERVICE))
    assert result.reasons[0].startswith("Service default/web is type ClusterIP")
    result = only(check(internal, nodeport))
    assert result.reasons[0].startswith("Service default/web is type NodePort")


# ------------------------------------------------------------------------------------------
# Pod and label checks


CLASH = """\
apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  containers:
    - {name: main, image: x, ports: [{containerPort: 8080}]}
    - {name: sidecar, image: y, ports: [{containerPort: 8080}]}
"""


def test_unique_ports() -> None:
    lesson = make_lesson("- unique_ports: {pod: default/app}\n")
    assert check(
        lesson, CLASH.replace("containerPort: 8080}]}\n", "containerPort: 9090}]}\n", 1)
    ).passed
    result = only(check(lesson, CLASH))
    assert not result.passed
    assert result.reasons[0].startswith(
        "default/app: containers main and sidecar both listen on 8080/TCP (line 7:"
    )
    everyone = make_lesson("- unique_ports: {}\n")
    assert check(everyone, "").results[1].passed
    assert not check(everyone, CLASH).results[1].passed
    assert "there is no pod default/app" in only(check(lesson, "")).reasons[0]


def test_labels() -> None:
    lesson = make_lesson("- labels: {pod: default/web-1, labels: {app: web, tier: frontend}}\n")
    assert check(lesson, "").passed
    lesson = make_lesson("- labels: {pod: web-2, labels: {app: api, tier: frontend}}\n")
    result = only(check(lesson, ""))
    assert result.reasons == [
        "default/web-2 has app=web, the goal wants app=api",
        "default/web-2 has no label tier (the goal wants tier=frontend)",
    ]


def test_selects_policy() -> None:
    lesson = make_lesson("- selects: {policy: default/deny-web, pods: [web-1, web-2]}\n")
    assert check(lesson, DENY_WEB).passed
    narrow = DENY_WEB.replace("{app: web}", "{tier: frontend}")
    result = only(check(lesson, narrow))
    assert result.reasons == [
        "policy default/deny-web (podSelector tier=frontend) should select default/web-2, but "
        "does not: its labels are app=web"
    ]
    wide = DENY_WEB.replace("{matchLabels: {app: web}}", "{}")
    result = only(check(lesson, wide))
    assert len(result.reasons) == 2 and "also selects default/client" in result.reasons[0]
    assert (
        "there is no (valid) NetworkPolicy default/deny-web" in only(check(lesson, "")).reasons[0]
    )


def test_selects_service_ignores_readiness() -> None:
    not_ready = BACKGROUND.replace(
        "spec:\n  containers: [{name: web, image: nginx, ports: [{containerPort: 8080, name: http}]}]\n",
        "spec:\n  containers: [{name: web, image: nginx, ports: [{containerPort: 8080, name: http}]}]\n"
        "status: {phase: Running, conditions: [{type: Ready, status: 'False'}]}\n",
        1,
    )
    lesson = make_lesson("- selects: {service: default/web, pods: [web-1, web-2]}\n", not_ready)
    assert check(lesson, SERVICE).passed
    result = only(check(lesson, SERVICE.replace("{app: web}", "{tier: frontend}")))
    assert not result.passed and "should select default/web-2" in result.reasons[0]


# ------------------------------------------------------------------------------------------
# Structural checks


def test_max_policies() -> None:
    lesson = make_lesson("- max_policies: 1\n")
    assert check(lesson, ALLOW_CLIENT).passed
    result = only(check(lesson, docs(ALLOW_CLIENT, DENY_WEB)))
    assert result.reasons == ["your YAML has 2 NetworkPolicies; the goal allows at most 1"]


def test_forbid_reports_where() -> None:
    lesson = make_lesson("- forbid: {field: ipBlock}\n")
    assert check(lesson, ALLOW_CLIENT).passed
    with_block = ALLOW_CLIENT.replace(
        "- from: [{podSelector: {matchLabels: {app: client}}}]",
        "- from: [{ipBlock: {cidr: 10.0.0.0/8}}]",
    )
    result = only(check(lesson, with_block))
    assert result.reasons == [
        "line 7:15: `ipBlock` is used here (spec.ingress[0].from[0].ipBlock); the goal forbids it"
    ]


def test_require() -> None:
    lesson = make_lesson("- require: {field: policyTypes}\n")
    assert not check(lesson, DENY_WEB).passed
    assert check(lesson, DENY_WEB + "  policyTypes: [Ingress]\n").passed
    dotted = make_lesson("- require: {field: spec.policyTypes}\n")
    assert check(dotted, DENY_WEB + "  policyTypes: [Ingress]\n").passed


def test_objects() -> None:
    lesson = make_lesson("- objects: {kind: NetworkPolicy, count: 1}\n")
    assert check(lesson, DENY_WEB).passed
    assert only(check(lesson, "")).reasons == [
        "your YAML has 0 object(s) of kind NetworkPolicy; the goal wants exactly 1"
    ]


# ------------------------------------------------------------------------------------------
# Invalid learner YAML


def test_yaml_syntax_error_is_a_failed_check_with_line_and_column() -> None:
    lesson = make_lesson(PROBES)
    report = check(lesson, "kind: NetworkPolicy\nmetadata: {name: x\nspec: {}\n")
    valid = report.results[0]
    assert valid.description == "Your YAML is valid"
    assert not valid.passed and not report.passed
    assert valid.reasons and valid.reasons[0].startswith("line ")
    line_col = valid.reasons[0].split(":")[0].removeprefix("line ")
    assert line_col.count(" ") == 0 and len(valid.reasons[0].split(":")) >= 3
    assert report.problems and report.problems[0].file == "lesson.yaml"
    assert report.problems[0].line is not None and report.problems[0].column is not None


def test_invalid_field_is_a_failed_check_with_position() -> None:
    lesson = make_lesson(PROBES)
    bad = ALLOW_CLIENT.replace("ports: [{port: 8080}]", "ports: [{port: 99999}]")
    report = check(lesson, bad, source="mine.yaml")
    valid = report.results[0]
    assert not valid.passed
    assert valid.reasons[0].startswith("line 8:")
    assert "NetworkPolicy default/web-from-client" in valid.reasons[0]
    assert all(p.file == "mine.yaml" for p in report.problems)


def test_garbage_never_raises() -> None:
    lesson = make_lesson(PROBES)
    for text in ("\x00\x01", "- - - [", "kind: [", "{{{", "a: *b", "\t\tkind: Pod"):
        report = check(lesson, text)
        assert not report.passed or report.results[0].passed


# ------------------------------------------------------------------------------------------
# Fixture lessons, summary and serialisation


@pytest.mark.parametrize("name", ["fixture-policy", "fixture-service"])
def test_fixture_lessons_solution_passes_and_starter_fails(name: str) -> None:
    lesson, problems = load_lesson(FIXTURES / f"{name}.yaml")
    assert lesson is not None, problems
    assert check(lesson, lesson.solution).passed
    assert not check(lesson, lesson.starter).passed


def test_results_summary_and_json() -> None:
    lesson, _ = load_lesson(FIXTURES / "fixture-service.yaml")
    assert lesson is not None
    report = check(lesson, lesson.starter)
    text = results_summary(report)
    assert text.splitlines()[0].startswith("fixture-service: 2 of 7 checks pass")
    assert "[pass] Your YAML is valid" in text
    assert "[FAIL] Service default/web has exactly these endpoints" in text
    assert "hint: Compare the Service's selector" in text
    data = json.loads(json.dumps(report.to_dict()))
    assert data["passed"] is False and data["total_checks"] == 7
    assert data["results"][-1]["cells"][0]["from"] == "203.0.113.7"
    done = results_summary(check(lesson, lesson.solution))
    assert "7 of 7 checks pass" in done and "[FAIL]" not in done


def test_report_exposes_cluster_and_evaluator() -> None:
    lesson, _ = load_lesson(FIXTURES / "fixture-policy.yaml")
    assert lesson is not None
    report = check(lesson, lesson.solution)
    assert {p.id for p in report.cluster.pods} == {"default/client", "default/other", "default/web"}
    assert [p.id for p in report.cluster.policies] == ["default/web-from-client"]
    assert report.evaluator.cluster is report.cluster
    assert len(report.documents) == 1
