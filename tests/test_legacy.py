"""The 2016 alpha NetworkPolicy form and the legacy namespace annotations, translated to v1."""

from __future__ import annotations

import copy
import json
import textwrap
from typing import Any

import pytest
import yaml

from k8snet_tutor.core.cluster import cluster_from_text
from k8snet_tutor.core.evaluate import Evaluator
from k8snet_tutor.core.legacy import (
    ALPHA_ISOLATION_ANNOTATION,
    BETA_POLICY_ANNOTATION,
    is_alpha_policy,
    namespace_isolation_policies,
    to_v1_yaml,
    translate_alpha_policy,
)
from k8snet_tutor.core.problems import format_path
from k8snet_tutor.core.validation import Issue, validate_object

ALPHA = "net.alpha.kubernetes.io/v1alpha1"

# The example from "Security Best Practices for Kubernetes Deployment" (Kubernetes blog, 2016),
# as the body of `POST /apis/net.alpha.kubernetes.io/v1alpha1/namespaces/tenant-a/networkpolicys`,
# with apiVersion and namespace filled in as a manifest would carry them.
ARTICLE: dict[str, Any] = {
    "apiVersion": ALPHA,
    "kind": "NetworkPolicy",
    "metadata": {"name": "pol1", "namespace": "tenant-a"},
    "spec": {
        "allowIncoming": {
            "from": [{"pods": {"segment": "frontend"}}],
            "toPorts": [{"port": 80, "protocol": "TCP"}],
        },
        "podSelector": {"segment": "backend"},
    },
}

ARTICLE_V1: dict[str, Any] = {
    "apiVersion": "networking.k8s.io/v1",
    "kind": "NetworkPolicy",
    "metadata": {"name": "pol1", "namespace": "tenant-a"},
    "spec": {
        "podSelector": {"matchLabels": {"segment": "backend"}},
        "policyTypes": ["Ingress"],
        "ingress": [
            {
                "from": [{"podSelector": {"matchLabels": {"segment": "frontend"}}}],
                "ports": [{"port": 80, "protocol": "TCP"}],
            }
        ],
    },
}


def alpha(spec: str, **meta: Any) -> dict[str, Any]:
    return {
        "apiVersion": ALPHA,
        "kind": "NetworkPolicy",
        "metadata": {"name": "p", "namespace": "tenant-a", **meta},
        "spec": yaml.safe_load(textwrap.dedent(spec)),
    }


def codes(issues: list[Issue]) -> list[str]:
    return [i.code for i in issues]


def errors(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity == "error"]


def hint_yaml(issue: Issue) -> Any:
    assert issue.hint is not None
    _, _, text = issue.hint.partition("\n")
    return yaml.safe_load(text)


# --------------------------------------------------------------------------------------------
# The article's example
# --------------------------------------------------------------------------------------------


def test_article_example_translates_exactly() -> None:
    policy, issues = translate_alpha_policy(copy.deepcopy(ARTICLE))
    assert policy == ARTICLE_V1
    assert errors(issues) == []


def test_article_example_leaves_the_input_alone() -> None:
    original = copy.deepcopy(ARTICLE)
    policy, _ = translate_alpha_policy(original)
    policy["spec"]["podSelector"]["matchLabels"]["segment"] = "changed"
    assert original == ARTICLE


def test_article_example_warning_shows_the_v1_yaml() -> None:
    _, issues = translate_alpha_policy(ARTICLE)
    lead = issues[0]
    assert lead.code == "legacy-alpha-policy"
    assert lead.severity == "warning"
    assert lead.path == ("apiVersion",)
    assert "translated" in lead.message and "networking.k8s.io/v1" in lead.message
    assert lead.hint is not None and "apiVersion: networking.k8s.io/v1" in lead.hint
    assert hint_yaml(lead) == ARTICLE_V1


def test_article_example_notes_the_namespace_scope_of_pods() -> None:
    _, issues = translate_alpha_policy(ARTICLE)
    note = next(i for i in issues if i.code == "legacy-pods-scope")
    assert note.severity == "note"
    assert note.path == ("spec", "allowIncoming", "from", 0, "pods")
    assert "own namespace" in note.message and "every namespace" in note.message
    assert note.hint is not None and "namespaceSelector: {}" in note.hint


def test_article_example_without_apiversion_as_posted() -> None:
    body = copy.deepcopy(ARTICLE)
    del body["apiVersion"]
    del body["metadata"]["namespace"]
    assert is_alpha_policy(body)
    policy, issues = translate_alpha_policy(body)
    assert policy["spec"] == ARTICLE_V1["spec"]
    assert policy["metadata"] == {"name": "pol1"}
    assert issues[0].path == ()
    assert errors(issues) == []


def test_validate_object_goes_through_the_translation() -> None:
    assert validate_object(ARTICLE) == translate_alpha_policy(ARTICLE)[1]
    assert codes(validate_object(ARTICLE)) == ["legacy-alpha-policy", "legacy-pods-scope"]


# --------------------------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (ARTICLE, True),
        ({"apiVersion": "net.alpha.kubernetes.io/v1", "kind": "NetworkPolicy"}, True),
        ({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "spec": {}}, False),
        ({"apiVersion": "extensions/v1beta1", "kind": "NetworkPolicy", "spec": {}}, False),
        ({"apiVersion": ALPHA, "kind": "Pod"}, False),
        ({"kind": "NetworkPolicy", "spec": {"podSelector": {"app": "web"}}}, False),
        ({"kind": "NetworkPolicy", "spec": {"applyTo": {"app": "web"}}}, True),
        ({"kind": "NetworkPolicy", "spec": {"ingress": [{"from": [{"pods": {}}]}]}}, True),
        ({"kind": "NetworkPolicy", "spec": {"ingress": [{"toPorts": []}]}}, True),
        ({"kind": "NetworkPolicy", "spec": "x"}, False),
    ],
)
def test_is_alpha_policy(obj: dict[str, Any], expected: bool) -> None:
    assert is_alpha_policy(obj) is expected


# --------------------------------------------------------------------------------------------
# Variants
# --------------------------------------------------------------------------------------------


def test_lowercase_protocol_is_upper_cased_with_a_note() -> None:
    policy, issues = translate_alpha_policy(
        alpha("{podSelector: {a: b}, allowIncoming: {toPorts: [{port: 53, protocol: udp}]}}")
    )
    assert policy["spec"]["ingress"] == [{"ports": [{"port": 53, "protocol": "UDP"}]}]
    note = next(i for i in issues if i.code == "legacy-protocol-case")
    assert note.severity == "note"
    assert note.path == ("spec", "allowIncoming", "toPorts", 0, "protocol")
    assert "upper-case" in note.message
    assert errors(issues) == []


def test_calico_readme_form() -> None:
    policy, issues = translate_alpha_policy(
        alpha(
            """
            podSelector: {role: db}
            ingress:
            - ports: [{port: 5432, protocol: tcp}]
              from:
              - pods: {role: api}
              - namespaces: {team: analytics}
            """
        )
    )
    assert policy["spec"] == {
        "podSelector": {"matchLabels": {"role": "db"}},
        "policyTypes": ["Ingress"],
        "ingress": [
            {
                "from": [
                    {"podSelector": {"matchLabels": {"role": "api"}}},
                    {"namespaceSelector": {"matchLabels": {"team": "analytics"}}},
                ],
                "ports": [{"port": 5432, "protocol": "TCP"}],
            }
        ],
    }
    assert errors(issues) == []


def test_prototype_code_form_with_apply_to_and_a_list_of_rules() -> None:
    policy, issues = translate_alpha_policy(
        alpha(
            """
            applyTo: {app: web}
            allowIncoming:
            - from: [{pods: {app: lb}, namespaces: {zone: edge}}]
              toPorts: [{port: http}]
            - toPorts: [{port: 9090, protocol: TCP}]
            """
        )
    )
    assert policy["spec"] == {
        "podSelector": {"matchLabels": {"app": "web"}},
        "policyTypes": ["Ingress"],
        "ingress": [
            {
                "from": [
                    {
                        "podSelector": {"matchLabels": {"app": "lb"}},
                        "namespaceSelector": {"matchLabels": {"zone": "edge"}},
                    }
                ],
                "ports": [{"port": "http"}],
            },
            {"ports": [{"port": 9090, "protocol": "TCP"}]},
        ],
    }
    # A peer that already names namespaces gets no note about namespace scope.
    assert "legacy-pods-scope" not in codes(issues)
    assert errors(issues) == []


def test_rule_without_from_allows_all_sources_and_without_ports_all_ports() -> None:
    policy, issues = translate_alpha_policy(alpha("{podSelector: {a: b}, allowIncoming: {}}"))
    assert policy["spec"]["ingress"] == [{}]
    assert errors(issues) == []


def test_no_rules_means_deny_all_and_no_selector_means_all_pods() -> None:
    policy, issues = translate_alpha_policy(alpha("{}"))
    assert policy["spec"] == {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": []}
    assert errors(issues) == []


def test_v1_selectors_inside_an_alpha_policy_pass_through() -> None:
    policy, issues = translate_alpha_policy(
        alpha(
            """
            podSelector: {matchLabels: {app: web}}
            ingress: [{from: [{podSelector: {matchLabels: {app: lb}}}], ports: [{port: 80}]}]
            """
        )
    )
    assert policy["spec"]["podSelector"] == {"matchLabels": {"app": "web"}}
    assert policy["spec"]["ingress"][0]["from"] == [{"podSelector": {"matchLabels": {"app": "lb"}}}]
    assert errors(issues) == []


# --------------------------------------------------------------------------------------------
# Problems in alpha policies point back into the original object
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "path", "message"),
    [
        (
            "{podSelector: {a: b}, allowIncoming: {from: [{pods: [a, b]}]}}",
            ("spec", "allowIncoming", "from", 0, "pods"),
            "`pods` must be a mapping of labels",
        ),
        (
            "{podSelector: {a: b}, allowIncoming: {from: [{pods: {tier: 1}}]}}",
            ("spec", "allowIncoming", "from", 0, "pods", "tier"),
            "must be text",
        ),
        (
            "{podSelector: {a: b}, allowIncoming: [{toPorts: [{port: 0}]}, {toPorts: [{port: 70000}]}]}",
            ("spec", "allowIncoming", 1, "toPorts", 0, "port"),
            "70000 is not a valid port number",
        ),
        (
            "{podSelector: {a: b}, ingress: [{ports: [{port: 80, protocol: icmp}]}]}",
            ("spec", "ingress", 0, "ports", 0, "protocol"),
            "not supported",
        ),
        (
            "{applyTo: {'bad key!': x}}",
            ("spec", "applyTo", "bad key!"),
            "label key",
        ),
        (
            "{podSelector: {a: b}, allowIncoming: {from: [{}]}}",
            ("spec", "allowIncoming", "from", 0),
            "must specify a peer",
        ),
        (
            "{podSelector: {a: b}, allowIncomming: {}}",
            ("spec", "allowIncomming"),
            "unknown field",
        ),
        (
            "{podSelector: {a: b}, allowIncoming: {from: [{pod: {a: b}}]}}",
            ("spec", "allowIncoming", "from", 0, "pod"),
            "unknown field",
        ),
        (
            "{podSelector: {a: b}, allowIncoming: {from: {pods: {a: b}}}}",
            ("spec", "allowIncoming", "from"),
            "must be a list",
        ),
        (
            "{podSelector: {a: b}, allowIncoming: allow-everything}",
            ("spec", "allowIncoming"),
            "must be a rule",
        ),
        (
            "[not, a, mapping]",
            ("spec",),
            "must be a mapping",
        ),
    ],
)
def test_alpha_errors_map_back(spec: str, path: tuple[str | int, ...], message: str) -> None:
    issues = validate_object(alpha(spec))
    found = [i for i in issues if i.path == path and message in i.message]
    listing = "\n".join(f"{format_path(i.path)}: {i.message}" for i in issues)
    assert len(found) == 1, listing
    assert found[0].severity == "error"
    # Each problem is reported once, not once in alpha terms and again in v1 terms.
    assert len({(i.path, i.code) for i in errors(issues)}) == len(errors(issues)), listing


def test_unknown_alpha_fields_get_suggestions() -> None:
    issues = validate_object(alpha("{podSelector: {a: b}, allowIncoming: {toPort: [{port: 80}]}}"))
    issue = next(i for i in issues if i.code == "unknown-field")
    assert issue.hint == "did you mean `toPorts`?"


# --------------------------------------------------------------------------------------------
# Round trip through to_v1_yaml
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "obj",
    [
        ARTICLE,
        alpha("{applyTo: {app: web}, allowIncoming: [{from: [{namespaces: {}}]}, {}]}"),
        alpha("{podSelector: {a: b}, ingress: [{ports: [{port: 80, protocol: sctp}]}]}"),
    ],
)
def test_round_trip_through_yaml(obj: dict[str, Any]) -> None:
    text = to_v1_yaml(obj)
    assert "net.alpha" not in text
    loaded = yaml.safe_load(text)
    assert loaded == translate_alpha_policy(obj)[0]
    assert validate_object(loaded) == []
    assert yaml.safe_load(to_v1_yaml(loaded)) == loaded  # v1 stays as it is


def test_to_v1_yaml_keeps_field_order() -> None:
    text = to_v1_yaml(ARTICLE)
    assert (
        text.index("apiVersion") < text.index("kind") < text.index("metadata") < text.index("spec")
    )
    assert text.index("podSelector") < text.index("policyTypes") < text.index("ingress")


def test_to_v1_yaml_upgrades_extensions_v1beta1() -> None:
    beta = {
        "apiVersion": "extensions/v1beta1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "p"},
        "spec": {"podSelector": {}},
    }
    assert yaml.safe_load(to_v1_yaml(beta)) == {**beta, "apiVersion": "networking.k8s.io/v1"}
    assert beta["apiVersion"] == "extensions/v1beta1"


# --------------------------------------------------------------------------------------------
# Namespace annotations
# --------------------------------------------------------------------------------------------

DENY = {
    "apiVersion": "networking.k8s.io/v1",
    "kind": "NetworkPolicy",
    "metadata": {"name": "legacy-default-deny", "namespace": "tenant-a"},
    "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
}


def namespace(annotations: dict[str, Any] | None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": "tenant-a"}
    if annotations is not None:
        metadata["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": metadata}


BETA_VALUE = json.dumps({"ingress": {"isolation": "DefaultDeny"}})


@pytest.mark.parametrize(
    "annotations",
    [
        {ALPHA_ISOLATION_ANNOTATION: "on"},
        {ALPHA_ISOLATION_ANNOTATION: "yes"},
        {ALPHA_ISOLATION_ANNOTATION: "On"},
        {ALPHA_ISOLATION_ANNOTATION: True},  # YAML 1.1 reads an unquoted `on` as true
        {BETA_POLICY_ANNOTATION: BETA_VALUE},
        {BETA_POLICY_ANNOTATION: '{"ingress":{"isolation":"DefaultDeny"}}'},
        {ALPHA_ISOLATION_ANNOTATION: "on", BETA_POLICY_ANNOTATION: BETA_VALUE},
    ],
)
def test_isolation_annotations_become_default_deny(annotations: dict[str, Any]) -> None:
    """Applied on request (`apply=True`, `--legacy-annotations apply`)."""
    policies, issues = namespace_isolation_policies(namespace(annotations), apply=True)
    assert policies == [DENY]
    lead = issues[0]
    assert lead.code == "legacy-namespace-isolation" and lead.severity == "warning"
    assert lead.path[:2] == ("metadata", "annotations")
    assert "default-deny" in lead.message
    assert hint_yaml(lead) == DENY
    assert validate_object(policies[0]) == []


@pytest.mark.parametrize(
    "annotations",
    [
        {ALPHA_ISOLATION_ANNOTATION: "on"},
        {ALPHA_ISOLATION_ANNOTATION: True},
        {BETA_POLICY_ANNOTATION: BETA_VALUE},
    ],
)
def test_isolation_annotations_are_ignored_by_default(annotations: dict[str, Any]) -> None:
    """No cluster has honoured them since 1.7: reported, with the v1 replacement, not applied.
    (Until issue 8 they were applied by default.)"""
    policies, issues = namespace_isolation_policies(namespace(annotations))
    assert policies == []
    lead = issues[0]
    assert lead.code == "legacy-annotation-ignored" and lead.severity == "warning"
    assert lead.path[:2] == ("metadata", "annotations")
    assert "ignored" in lead.message and "1.7" in lead.message
    assert hint_yaml(lead) == DENY  # the v1 policy that replaces it


def test_default_ignores_the_annotation_and_apply_isolates() -> None:
    text = yaml.safe_dump_all(
        [
            namespace({BETA_POLICY_ANNOTATION: BETA_VALUE}),
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "db", "namespace": "tenant-a", "labels": {"app": "db"}},
                "spec": {"containers": [{"name": "c", "image": "db"}]},
            },
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "web", "namespace": "tenant-a", "labels": {"app": "web"}},
                "spec": {"containers": [{"name": "c", "image": "web"}]},
            },
        ]
    )
    ignored = cluster_from_text(text, "ns.yaml")
    assert ignored.policies == []
    assert [p.code for p in ignored.problems] == ["legacy-annotation-ignored"]
    web, db = ignored.pod("tenant-a/web"), ignored.pod("tenant-a/db")
    assert web is not None and db is not None
    assert Evaluator(ignored).connections(web, db).allows(80, "TCP")
    applied = cluster_from_text(text, "ns.yaml", legacy_annotations="apply")
    assert [p.id for p in applied.policies] == ["tenant-a/legacy-default-deny"]
    web, db = applied.pod("tenant-a/web"), applied.pod("tenant-a/db")
    assert web is not None and db is not None
    assert not Evaluator(applied).connections(web, db)


@pytest.mark.parametrize(
    "annotations",
    [
        None,
        {},
        {"owner": "alice"},
        {ALPHA_ISOLATION_ANNOTATION: "off"},
        {ALPHA_ISOLATION_ANNOTATION: "no"},
        {ALPHA_ISOLATION_ANNOTATION: False},
        {BETA_POLICY_ANNOTATION: json.dumps({"ingress": {"isolation": "None"}})},
    ],
)
def test_no_isolation(annotations: dict[str, Any] | None) -> None:
    assert namespace_isolation_policies(namespace(annotations)) == ([], [])


@pytest.mark.parametrize(
    ("annotations", "code", "text"),
    [
        ({ALPHA_ISOLATION_ANNOTATION: "enabled"}, "legacy-annotation-value", "ignored"),
        (
            {BETA_POLICY_ANNOTATION: "{ingress: DefaultDeny"},
            "legacy-annotation-value",
            "not valid JSON",
        ),
        (
            {BETA_POLICY_ANNOTATION: '{"isolation": "DefaultDeny"}'},
            "legacy-annotation-value",
            '"ingress"',
        ),
        (
            {"net.beta.kubernetes.io/networkpolicy": BETA_VALUE},
            "legacy-annotation-typo",
            "misprint",
        ),
    ],
)
def test_annotation_problems_are_warnings(
    annotations: dict[str, Any], code: str, text: str
) -> None:
    policies, issues = namespace_isolation_policies(namespace(annotations))
    assert policies == []
    assert codes(issues) == [code]
    assert issues[0].severity == "warning" and text in issues[0].message


def test_odd_namespace_objects() -> None:
    assert namespace_isolation_policies({"kind": "Namespace"}) == ([], [])
    assert namespace_isolation_policies({"kind": "Namespace", "metadata": []}) == ([], [])
    bare = {"kind": "Namespace", "metadata": {"annotations": {ALPHA_ISOLATION_ANNOTATION: "on"}}}
    policies, _ = namespace_isolation_policies(bare, apply=True)
    assert policies[0]["metadata"] == {"name": "legacy-default-deny"}



def test_cli_legacy_annotations_option(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from k8snet_tutor.cli.main import main

    pods = [
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": "tenant-a", "labels": {"app": name}},
            "spec": {"containers": [{"name": "c", "image": name}]},
        }
        for name in ("db", "web")
    ]
    path = tmp_path / "ns.yaml"
    text = yaml.safe_dump_all([namespace({BETA_POLICY_ANNOTATION: BETA_VALUE}), *pods])
    path.write_text(text, encoding="utf-8")
    args = ["explain", str(path), "--from", "tenant-a/web", "--to", "tenant-a/db", "--port", "80"]
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert "is allowed" in out and "legacy-default-deny" not in out
    assert "is ignored" in err and "podSelector: {}" in err  # the replacing v1 policy as YAML
    assert main([*args, "--legacy-annotations", "apply"]) == 0
    out, err = capsys.readouterr()
    assert "is denied" in out and "legacy-default-deny" in out
