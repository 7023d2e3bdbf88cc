"""The learner's YAML may not redefine the lesson's background objects (issue 8)."""

from __future__ import annotations

from k8snet_tutor.core.manifests import load_text
from k8snet_tutor.learning.checks import check
from k8snet_tutor.learning.lesson import parse_lesson
from k8snet_tutor.learning.ownership import object_key, parse_editable, refuse_redefinitions

BACKGROUND = """\
apiVersion: v1
kind: Namespace
metadata: {name: payments, labels: {team: pay}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec: {containers: [{name: w, image: w}]}
"""

LEARNER = """\
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default, labels: {app: other}}
spec: {containers: [{name: w, image: w}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec: {containers: [{name: w, image: w}]}
---
apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels: {team: other}
"""


def test_redefinitions_are_refused_with_a_position() -> None:
    bg, _ = load_text(BACKGROUND, "background")
    mine, _ = load_text(LEARNER, "answer.yaml")
    keep, problems = refuse_redefinitions(bg, mine)
    assert [object_key(d.data) for d in keep] == [("pod", "shop", "web")]
    assert [(p.file, p.line, p.column, p.code) for p in problems] == [
        ("answer.yaml", 3, 12, "redefines-background"),
        ("answer.yaml", 14, 3, "redefines-background"),
    ]
    assert "Pod default/web belongs to the lesson's cluster" in problems[0].message
    assert "rights" in problems[0].message and problems[0].severity == "error"
    assert problems[1].message.startswith("Namespace payments belongs")


def test_editable_objects_may_be_redefined() -> None:
    assert parse_editable(["Namespace/payments", "Pod/default/web", "pod/web"]) == {
        ("namespace", None, "payments"),
        ("pod", "default", "web"),
    }
    bg, _ = load_text(BACKGROUND, "background")
    mine, _ = load_text(LEARNER, "answer.yaml")
    keep, problems = refuse_redefinitions(bg, mine, ["Namespace/payments"])
    assert len(keep) == 2 and len(problems) == 1


LESSON = """\
format: 1
id: own
title: Own
topic: policies
difficulty: 1
background: |
  apiVersion: v1
  kind: Pod
  metadata: {name: web, labels: {app: web}}
  spec: {containers: [{name: w, image: w, ports: [{containerPort: 80}]}]}
  ---
  apiVersion: v1
  kind: Pod
  metadata: {name: client, labels: {app: client}}
  spec: {containers: [{name: c, image: c}]}
goal:
  - id: reach
    probes:
      - {from: default/client, to: default/web, port: 80/TCP, expect: denied}
"""


def test_grading_refuses_the_redefinition_and_grades_the_lesson_cluster() -> None:
    lesson, problems = parse_lesson(LESSON, "own.yaml")
    assert lesson is not None, problems
    answer = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\n"
        "spec: {containers: [{name: w, image: w, ports: [{containerPort: 80}]}], "
        "hostNetwork: false}\n"
    )
    report = check(lesson, answer)
    assert not report.passed
    valid = report.results[0]
    assert not valid.passed and "line 3:" in valid.reasons[0]
    assert "belongs to the lesson's cluster" in valid.reasons[0]
    assert report.cluster.pod("default/web") is not None
    assert report.cluster.pod("default/web").origin.source == "background"  # type: ignore[union-attr]
