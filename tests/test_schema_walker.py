"""The one schema walker (core.walker) under both of its sides: Kubernetes validation and the
lesson/quiz file reader share the checks, each keeping its own wording."""

from __future__ import annotations

from k8snet_tutor.core.validation.walker import Walker
from k8snet_tutor.learning.lesson.reader import _Reader


def test_unknown_key_gets_a_suggestion_in_each_sides_wording() -> None:
    k8s = Walker()
    assert k8s.fields({"selektor": 1}, ("spec",), ["selector", "ports"], "a Service spec") is False
    [issue] = k8s.issues
    assert (issue.path, issue.message, issue.hint, issue.code) == (
        ("spec", "selektor"),
        "unknown field `selektor` in a Service spec",
        "did you mean `selector`?",
        "unknown-field",
    )

    reader = _Reader(None, "q.yaml")
    assert reader.keys({"titel": 1}, (), ["title", "id"], ["id"], "a lesson") is False
    assert [(p.field, p.message, p.hint, p.code) for p in reader.problems] == [
        ("titel", "unknown key `titel` in a lesson", "did you mean `title`?", "lesson-schema"),
        (None, "missing `id` in a lesson", None, "lesson-schema"),
    ]


def test_a_non_text_key_is_reported_not_a_crash() -> None:
    reader = _Reader(None, "q.yaml")
    assert reader.keys({3: "x"}, ("options",), ["text", "correct"]) is False
    [problem] = reader.problems
    assert problem.message == "unknown key `3`"
    assert problem.hint == "known keys: text, correct"


def test_absent_values_follow_each_side() -> None:
    # Kubernetes: a null mapping, list or true/false field is simply not given.
    k8s = Walker()
    assert k8s.mapping(None, ("metadata",), "labels") is None
    assert k8s.seq(None, ("spec", "ports"), "ports") is None
    assert k8s.boolean(None, ("spec",), "hostNetwork") is None
    assert k8s.issues == []
    # A content file: a null where a mapping or true/false is required is an error...
    reader = _Reader(None, "lesson.yaml")
    assert reader.mapping(None, ("goal",), "`goal`") is None
    assert reader.boolean(None, ("exploration",), "`exploration`") is None
    assert [p.message for p in reader.problems] == [
        "`goal` should be a mapping (`key: value` lines), not empty (null)",
        "`exploration` should be true or false, not empty (null)",
    ]
    # ...while absent text and an absent list of names read as empty.
    assert reader.text(None, ("task",)) == ""
    assert reader.string_list(None, ("pods",), "`pods`") == []
    assert len(reader.problems) == 2


def test_names_are_checked_by_each_sides_rules() -> None:
    k8s = Walker()
    assert k8s.name("Web_1", ("metadata", "name"), "name", "label") is None
    [issue] = k8s.issues
    assert issue.code == "bad-name"
    assert issue.hint == "for example `web-1`"
    assert k8s.name("web-1", ("metadata", "name"), "name", "label") == "web-1"

    reader = _Reader(None, "lesson.yaml")
    assert reader.string_list([" web ", 3], ("pods",), "`pods`") is None
    [problem] = reader.problems
    assert problem.field == "pods[1]"
    assert problem.message == "an item of `pods` should be a string, not a number (3)"
