"""The `headless` goal check: a Service is headless (`clusterIP: None`) or has a virtual IP.

A field check (`require: {field: clusterIP}`) let `clusterIP: 10.96.0.50` pass; this check
reads the Service as the evaluator does.
"""

from __future__ import annotations

from k8snet_tutor.learning.checks import check
from k8snet_tutor.learning.lesson import HeadlessCheck
from k8snet_tutor.learning.lesson.parse import parse_lesson

LESSON = """\
format: 1
id: headless-demo
title: Headless demo
topic: services
difficulty: 1
background: |
  apiVersion: v1
  kind: Pod
  metadata: {name: db-0, namespace: data, labels: {app: db}}
  spec: {containers: [{name: db, image: db, ports: [{containerPort: 5432}]}]}
goal:
  - id: peers
    headless: {service: data/db-peers}
  - id: clients
    headless: {service: data/db, headless: false}
"""

SERVICES = """\
apiVersion: v1
kind: Service
metadata: {name: db-peers, namespace: data}
spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432}]}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: data}
spec: {selector: {app: db}, ports: [{port: 5432}]}
"""


def failed(text: str) -> dict[str, str]:
    lesson, problems = parse_lesson(LESSON)
    assert lesson is not None, problems
    report = check(lesson, text)
    return {r.id: " ".join(r.reasons) for r in report.results if not r.passed}


def test_the_check_is_parsed() -> None:
    lesson, problems = parse_lesson(LESSON)
    assert lesson is not None and not problems
    peers, clients = lesson.goal
    assert isinstance(peers, HeadlessCheck) and peers.headless and peers.service == "data/db-peers"
    assert isinstance(clients, HeadlessCheck) and not clients.headless


def test_headless_and_virtual_ip_are_told_apart() -> None:
    assert failed(SERVICES) == {}
    fixed_ip = SERVICES.replace("clusterIP: None", "clusterIP: 10.96.0.50")
    assert set(failed(fixed_ip)) == {"peers"}
    assert "10.96.0.50" in failed(fixed_ip)["peers"]
    dropped = SERVICES.replace("clusterIP: None, ", "")
    assert set(failed(dropped)) == {"peers"}
    peers, clients = dropped.split("---\n")
    both = peers + "---\n" + clients.replace("spec: {selector", "spec: {clusterIP: None, selector")
    assert set(failed(both)) == {"peers", "clients"}  # db-peers has a VIP, db has none
    assert "virtual IP" in failed(both)["clients"]


def test_a_missing_service_is_named() -> None:
    only_db = SERVICES.split("---\n")[1]
    assert "data/db-peers" in failed(only_db)["peers"]


def test_bad_keys_are_reported() -> None:
    bad = LESSON.replace("headless: {service: data/db-peers}", "headless: {svc: data/db-peers}")
    lesson, problems = parse_lesson(bad)
    assert lesson is None
    assert any("svc" in p.message for p in problems)
