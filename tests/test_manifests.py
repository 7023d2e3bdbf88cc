"""Tests for k8snet_tutor.core.manifests: loading YAML/JSON manifests with positions, safely."""

from __future__ import annotations

import io
import json
import os
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from k8snet_tutor.core import manifests
from k8snet_tutor.core.manifests import Document, load_paths, load_text
from k8snet_tutor.core.problems import Problem

LOADERS = [pytest.param(yaml.SafeLoader, id="pure")]
if getattr(yaml, "CSafeLoader", None) is not None:
    LOADERS.insert(0, pytest.param(yaml.CSafeLoader, id="libyaml"))

# Hostile inputs must be refused, not hang; the bound tells the two apart on a busy machine.
HANG_GUARD_S = 20.0


@pytest.fixture(params=LOADERS)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> object:
    """Run a test with the C parser and again with the pure-Python one."""
    monkeypatch.setattr(manifests, "_Loader", request.param)
    return request.param


def only(problems: list[Problem], code: str) -> Problem:
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, problems
    return found[0]


NETPOL = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-web
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: web
  ingress:
  - from:
    - namespaceSelector: {}
    - podSelector:
        matchLabels: {role: frontend}
    ports:
    - port: 80
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: &labels
    app: web
    tier: "frontend"
  annotations:
    deployment.kubernetes.io/revision: "3"
    note: >
      folded text
      on two lines
spec:
  replicas: 3
  revisionHistoryLimit: 010
  paused: false
  selector:
    matchLabels: *labels
  template:
    metadata:
      labels: *labels
    spec:
      containers:
      - name: web
        image: nginx:1.25
        args: ["--port", '8080', --verbose]
        ports:
        - {containerPort: 8080, name: http, protocol: TCP}
        resources:
          limits: {cpu: 500m, memory: 128Mi}
          requests:
            cpu: 0.25
        env:
        - name: EMPTY
          value:
        - name: TILDE
          value: ~
        - name: BIG
          value: 1_000
        command:
        - sh
        - -c
        - |
          echo "hello: world"
          exec nginx
"""

SERVICE_AND_CONFIGMAP = """\
# leading comment
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: ClusterIP
  selector: {app: web}
  ports:
  - port: 80
    targetPort: http
    protocol: TCP
  - port: 443
    targetPort: 8443
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  "yes": quoted keys stay strings
  answer: '42'
  float: "1.5"
  empty: ""
  multi: |-
    line one
    line two
...
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    kubernetes.io/metadata.name: shop
    "on": off
    enabled: yes
"""


# ----------------------------------------------------------------------------- basics


def test_multi_document(loader: object) -> None:
    text = "kind: A\n---\nkind: B\n---\n# only a comment\n---\nkind: C\n...\n"
    docs, problems = load_text(text, "multi.yaml")
    assert problems == []
    assert [d.data["kind"] for d in docs] == ["A", "B", "C"]
    assert [d.index for d in docs] == [0, 1, 2]
    assert all(d.source == "multi.yaml" for d in docs)
    assert docs[1].position() == (3, 1)
    assert docs[2].position(("kind",)) == (7, 1)


@pytest.mark.parametrize(
    "text",
    [DEPLOYMENT, NETPOL, SERVICE_AND_CONFIGMAP],
    ids=["deployment", "netpol", "service-configmap"],
)
def test_data_equals_safe_load_all(loader: object, text: str) -> None:
    docs, problems = load_text(text)
    assert problems == []
    expected = [d for d in yaml.safe_load_all(text) if d is not None]
    assert [d.data for d in docs] == expected


def test_yaml_11_scalars_like_pyyaml(loader: object) -> None:
    values = [
        "yes", "no", "on", "off", "y", "n", "Yes", "NO", "On", "OFF", "true", "False",
        "TRUE", "null", "Null", "~", "", "0x1F", "010", "0o17", "0b101", "-0x1F", "+12",
        "1_000", "190:20:30", "1.5", "-.5", ".inf", "-.Inf", "1e3", "1.0e+3", "6.8523015e+5",
        "0", "00", "-0", "08", "1.2.3", "web", "TCP", "Always", "nginx:1.25", "<<x",
    ]  # fmt: skip
    text = "v:\n" + "".join(f"- {v}\n" if v else "-\n" for v in values)
    docs, problems = load_text(text)
    assert problems == []
    got, want = docs[0].data["v"], yaml.safe_load(text)["v"]
    for value, mine, theirs in zip(values, got, want, strict=True):
        if theirs != theirs:  # nan
            assert mine != mine, value
        else:
            assert (type(mine), mine) == (type(theirs), theirs), value
    assert got[:4] == [True, False, True, False]
    assert got[values.index("0x1F")] == 31
    assert got[values.index("010")] == 8
    assert got[values.index("0b101")] == 5
    # PyYAML cannot construct a plain "=" (its `value` tag); it is just a string here.
    assert load_text("a: =\n")[0][0].data == {"a": "="}


def test_quoted_and_tagged_scalars(loader: object) -> None:
    text = 'a: "on"\nb: \'010\'\nc: !!str 80\nd: !!int "12"\ne: !!float "1"\nf: !!bool "yes"\n'
    text += "g: !!null x\nh: 2001-12-14t21:59:43.10-05:00\ni: !!binary aGk=\nj: ! 12\n"
    docs, problems = load_text(text)
    assert problems == []
    assert docs[0].data == {
        "a": "on",
        "b": "010",
        "c": "80",
        "d": 12,
        "e": 1.0,
        "f": True,
        "g": None,
        "h": "2001-12-14t21:59:43.10-05:00",  # timestamps stay strings
        "i": "aGk=",  # base64 text is kept as is
        "j": 12,
    }


def test_non_string_keys_become_strings(loader: object) -> None:
    docs, problems = load_text("80: x\ntrue: y\nnull: z\n1.5: w\n0x1F: v\n'7': u\n")
    assert problems == []
    assert docs[0].data == {"80": "x", "true": "y", "null": "z", "1.5": "w", "0x1F": "v", "7": "u"}


def test_empty_documents_skipped_and_non_mappings_refused(loader: object) -> None:
    docs, problems = load_text("---\n---\n- a\n- b\n---\njust text\n---\nkind: Pod\n---\n", "x")
    assert [d.data for d in docs] == [{"kind": "Pod"}]
    assert docs[0].index == 0
    bad = [p for p in problems if p.code == "not-an-object"]
    assert [(p.line, p.column, p.severity) for p in bad] == [(3, 1, "error"), (6, 1, "error")]
    assert "expected a Kubernetes object (a mapping with apiVersion and kind)" in bad[0].message
    assert load_text("") == ([], [])


def test_aliases_and_sharing(loader: object) -> None:
    docs, problems = load_text(DEPLOYMENT)
    assert problems == []
    spec = docs[0].data["spec"]
    assert spec["selector"]["matchLabels"] == {"app": "web", "tier": "frontend"}
    assert spec["template"]["metadata"]["labels"] == spec["selector"]["matchLabels"]


def test_merge_keys(loader: object) -> None:
    text = """\
base: &base {app: web, tier: front}
other: &other {tier: back, team: a}
one:
  <<: *base
  tier: override
two:
  <<: [*base, *other]
three:
  team: b
  <<: *other
"""
    docs, problems = load_text(text)
    assert problems == []
    # (Not compared with yaml.safe_load: PyYAML 6.0.4 changed its reading of merge lists.)
    assert docs[0].data["one"] == {"app": "web", "tier": "override"}
    assert docs[0].data["two"] == {"app": "web", "tier": "front", "team": "a"}
    assert docs[0].position(("one", "tier")) == (5, 3)
    assert docs[0].position(("two", "app")) is not None

    docs, problems = load_text("a:\n  <<: 5\n")
    assert docs == []
    assert only(problems, "yaml-bad-merge").line == 2


# ----------------------------------------------------------------------------- positions


def test_positions_of_nested_fields(loader: object) -> None:
    (doc,), problems = load_text(NETPOL, "np.yaml")
    assert problems == []
    assert doc.position() == (1, 1)
    assert doc.position(("spec",)) == (6, 1)  # mapping entries: where the key is written
    assert doc.position(("spec", "ingress")) == (10, 3)
    assert doc.position(("spec", "ingress", 0)) == (11, 5)
    assert doc.position(("spec", "ingress", 0, "from", 0)) == (12, 7)
    assert doc.position(("spec", "ingress", 0, "from", 1)) == (13, 7)
    assert doc.position(("spec", "ingress", 0, "from", 1, "podSelector", "matchLabels")) == (14, 9)
    path = ("spec", "ingress", 0, "from", 1, "podSelector", "matchLabels", "role")
    assert doc.position(path) == (14, 23)
    assert doc.position(("spec", "ingress", 0, "ports", 0, "port")) == (16, 7)


def test_missing_path_falls_back_to_deepest_ancestor(loader: object) -> None:
    (doc,), _ = load_text(NETPOL)
    assert doc.position(("spec", "egress", 0, "to")) == (6, 1)
    assert doc.position(("spec", "ingress", 7)) == (10, 3)
    assert doc.position(("spec", "ingress", 0, "from", 1, "ipBlock")) == (13, 7)
    assert doc.position(("spec", "podSelector", "matchLabels", "app", "deeper")) == (9, 7)
    assert doc.position(("spec", "ingress", "not-an-index")) == (10, 3)
    assert doc.position(("nope",)) == (1, 1)


def test_document_without_positions() -> None:
    assert Document({"kind": "Pod"}, "x", 0).position(("kind",)) is None


def test_list_flattening_with_item_relative_positions(loader: object) -> None:
    text = """\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: a
- null
- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: b, namespace: shop}
  spec:
    podSelector: {}
---
apiVersion: v1
kind: PodList
metadata: {resourceVersion: "1"}
items:
  - kind: Pod
    metadata: {name: c}
---
kind: Config
items: [1, 2]
---
kind: PodList
items: not-a-list
"""
    docs, problems = load_text(text, "list.yaml")
    assert problems == []
    assert [d.data.get("kind") for d in docs] == [
        "Pod",
        "NetworkPolicy",
        "Pod",
        "Config",
        "PodList",
    ]
    assert [d.index for d in docs] == [0, 1, 2, 3, 4]
    pod, netpol, pod_c = docs[:3]
    assert pod.data == {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}}
    assert pod.position() == (4, 3)
    assert pod.position(("metadata", "name")) == (7, 5)
    assert netpol.position() == (9, 3)
    assert netpol.position(("spec", "podSelector")) == (13, 5)
    assert netpol.position(("metadata", "namespace")) == (11, 23)
    assert netpol.position(("items",)) == (9, 3)  # relative to the item, not the List
    assert pod_c.position(("metadata", "name")) == (20, 16)


# ----------------------------------------------------------------------------- syntax errors


def test_syntax_error_keeps_earlier_documents(loader: object) -> None:
    text = (
        "kind: Pod\nmetadata:\n  name: a\n---\n"
        "kind: Pod\nmetadata:\n  name: b\n---\n"
        "kind: Pod\nmetadata: name: c\n---\nkind: Pod\n"
    )
    docs, problems = load_text(text, "bad.yaml")
    assert [d.data["metadata"]["name"] for d in docs] == ["a", "b"]
    problem = only(problems, "yaml-syntax")
    assert (problem.severity, problem.file, problem.line, problem.column) == (
        "error",
        "bad.yaml",
        10,
        15,
    )
    assert problem.hint and "space after ':'" in problem.hint


def test_tab_indentation_hint(loader: object) -> None:
    docs, problems = load_text("kind: Pod\nmetadata:\n\tname: x\n", "tabs.yaml")
    assert docs == []
    problem = only(problems, "yaml-syntax")
    assert (problem.line, problem.column) == (3, 1)
    assert problem.hint == "YAML indentation must use spaces, not tabs"


@pytest.mark.parametrize(
    "text",
    [
        "kind: Pod\nmetadata:\n  name: {{ .Values.name }}\n",
        "{{- if .Values.enabled }}\nkind: Pod\n{{- end }}\n",
        "kind: Pod\nmetadata:\n  name: {{ .Values.name }}\n    labels: {}\n",
    ],
)
def test_template_hint(loader: object, text: str) -> None:
    docs, problems = load_text(text, "chart.yaml")
    assert docs == []
    assert len(problems) == 1 and problems[0].severity == "error"
    assert problems[0].hint is not None and "helm template" in problems[0].hint


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ('kind: Pod\nmetadata:\n  name: "web\n', 4, 1, "quoted string"),
        ("kind: Pod\nspec:\n  ports: [80, 443\nx: 1\n", 4, 2, "'['"),
        ("kind: Pod\nmetadata\nspec: {}\n", 3, 1, "':'"),
        ("kind: Pod\nname: @web\n", 2, 7, "'@'"),
    ],
)
def test_syntax_error_messages(
    loader: object, text: str, line: int, column: int, words: str
) -> None:
    _, problems = load_text(text, "x.yaml")
    problem = only(problems, "yaml-syntax")
    assert (problem.line, problem.column) == (line, column)
    assert words in problem.message
    assert problem.hint


def test_control_character_is_a_problem(loader: object) -> None:
    docs, problems = load_text('kind: "a\x00"\n')
    assert docs == []
    assert (only(problems, "yaml-syntax").line, problems[0].column) == (1, 9)


# ----------------------------------------------------------------------------- safety


def test_unsafe_tag_refused(loader: object, monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[object] = []
    monkeypatch.setattr(os, "system", lambda *a: called.append(a))
    text = "kind: Pod\n---\nkind: !!python/object/apply:os.system ['echo pwned']\n"
    docs, problems = load_text(text, "evil.yaml")
    assert called == []
    assert [d.data for d in docs] == [{"kind": "Pod"}]
    problem = only(problems, "yaml-unsafe-tag")
    assert problem.severity == "error"
    assert "only plain YAML is read" in problem.message
    assert (problem.line, problem.column) == (3, 7)


@pytest.mark.parametrize(
    "text",
    ["a: !Ref x\n", "a: !!python/name:os.system\n", "!!python/object:x {}\n", "a: !!set {x}\n"],
)
def test_other_tags_refused(loader: object, text: str) -> None:
    docs, problems = load_text(text)
    assert docs == []
    assert only(problems, "yaml-unsafe-tag")


def test_bad_tagged_values(loader: object) -> None:
    assert only(load_text("a: !!int abc\n")[1], "yaml-bad-value").line == 1
    assert only(load_text("a: !!map x\n")[1], "yaml-bad-tag")


def test_billion_laughs_refused_quickly(loader: object) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    start = time.perf_counter()
    docs, problems = load_text("\n".join(lines) + "\n", "lol.yaml")
    assert time.perf_counter() - start < HANG_GUARD_S
    assert docs == []
    assert only(problems, "yaml-alias-bomb").severity == "error"


def test_alias_problems(loader: object) -> None:
    assert only(load_text("a: *nope\n")[1], "yaml-undefined-alias").line == 1
    assert only(load_text("a: &x [1, *x]\n")[1], "yaml-recursive-alias")


@pytest.mark.parametrize("opener", ["[", "{a: ", "- "])
def test_deep_nesting_refused_quickly(loader: object, opener: str) -> None:
    if opener == "- ":
        text = "".join("  " * i + "-\n" for i in range(2000))
    else:
        closer = "]" if opener == "[" else "}"
        text = opener * 10_000 + "1" + closer * 10_000
    start = time.perf_counter()
    docs, problems = load_text(text)
    # Refused, not hung: the bound tells the two apart on a busy machine (speed is measured in
    # benchmarks/; the pure-Python scanner takes ~0.4 s here).
    assert time.perf_counter() - start < HANG_GUARD_S
    assert docs == []
    assert only(problems, "yaml-too-deep").severity == "error"


def test_depth_limit_is_exact(loader: object) -> None:
    ok = "a: " + "[" * (manifests.MAX_DEPTH - 1) + "]" * (manifests.MAX_DEPTH - 1) + "\n"
    assert load_text(ok)[1] == []
    too_deep = "a: " + "[" * manifests.MAX_DEPTH + "]" * manifests.MAX_DEPTH + "\n"
    assert only(load_text(too_deep)[1], "yaml-too-deep")


def test_oversized_inputs_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(manifests, "MAX_FILE_BYTES", 100)
    big = tmp_path / "big.yaml"
    big.write_text("kind: Pod\n" * 20)
    small = tmp_path / "small.yaml"
    small.write_text("kind: Pod\n")
    docs, problems = load_paths([str(big), str(small)])
    assert [d.source for d in docs] == [str(small)]
    assert only(problems, "file-too-large").file == str(big)
    assert only(load_text("kind: Pod\n" * 20)[1], "file-too-large")
    monkeypatch.setattr(sys, "stdin", io.StringIO("kind: Pod\n" * 20))
    assert only(load_paths(["-"])[1], "file-too-large").file == "<stdin>"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="abk:-[]{}&*!|>'\"#\t\n ,?%@`<~0123456789.", max_size=60))
def test_never_raises(text: str) -> None:
    docs, problems = load_text(text)
    assert all(isinstance(d.data, dict) for d in docs)
    assert all(isinstance(p, Problem) for p in problems)


# ----------------------------------------------------------------------------- duplicates


def test_duplicate_keys_warn_and_last_wins(loader: object) -> None:
    text = """\
apiVersion: v1
kind: Pod
metadata:
  name: a
  labels:
    app: web
    app: api
  name: b
"""
    (doc,), problems = load_text(text, "dup.yaml")
    assert doc.data["metadata"] == {"name": "b", "labels": {"app": "api"}}
    assert doc.position(("metadata", "name")) == (8, 3)
    assert doc.position(("metadata", "labels", "app")) == (7, 5)
    assert [(p.severity, p.line, p.column, p.field, p.code) for p in problems] == [
        ("warning", 7, 5, "metadata.labels.app", "yaml-duplicate-key"),
        ("warning", 8, 3, "metadata.name", "yaml-duplicate-key"),
    ]
    assert problems[0].obj == "Pod b"


def test_duplicate_key_inside_list_item(loader: object) -> None:
    text = "kind: List\nitems:\n- kind: Pod\n  metadata: {name: x, namespace: ns}\n  spec:\n    containers:\n    - name: a\n      name: b\n"
    docs, problems = load_text(text)
    problem = only(problems, "yaml-duplicate-key")
    assert (problem.line, problem.column) == (8, 7)
    assert problem.field == "spec.containers[0].name"
    assert problem.obj == "Pod ns/x"
    assert docs[0].data["spec"]["containers"] == [{"name": "b"}]


# ----------------------------------------------------------------------------- JSON


def test_json_file_with_positions(tmp_path: Path, loader: object) -> None:
    obj = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"ports": [{"port": 80}]},
    }
    path = tmp_path / "svc.json"
    path.write_text(json.dumps(obj, indent=2))
    (doc,), problems = load_paths([str(path)])
    assert problems == []
    assert doc.data == obj
    assert doc.source == str(path)
    assert doc.position(("spec", "ports", 0, "port")) == (10, 9)


@pytest.mark.parametrize(
    "text",
    [
        '{\n\t"kind": "Pod",\n\t"metadata": {"name": "tabbed"}\n}\n',  # tabs: pure parser refuses
        '{"kind": "Pod", "metadata": {"name": "\\ud83d\\ude00"}}',  # libyaml refuses surrogates
    ],
)
def test_json_fallback(loader: object, text: str) -> None:
    if loader is yaml.SafeLoader and "\\u" in text:
        pytest.skip("the pure-Python parser accepts surrogate escapes (as lone surrogates)")
    (doc,), problems = load_text(text, "pod.json")
    assert problems == []
    assert doc.data == json.loads(text)


def test_json_list_and_bom(tmp_path: Path, loader: object) -> None:
    obj = {"kind": "List", "items": [{"kind": "Pod"}, {"kind": "Service"}]}
    path = tmp_path / "list.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(obj).encode())
    docs, problems = load_paths([str(path)])
    assert problems == []
    assert [d.data for d in docs] == obj["items"]


def test_non_utf8_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"kind: Pod\nmetadata:\n  name: caf\xe9\n")
    docs, problems = load_paths([str(path)])
    assert docs == []
    problem = only(problems, "encoding")
    assert (problem.line, problem.column) == (3, 12)


# ----------------------------------------------------------------------------- paths


def test_folder_recursion_order(tmp_path: Path) -> None:
    root = tmp_path / "manifests"
    for rel in [
        "b.yaml",
        "a.yml",
        "c.txt",
        "a2/z.json",
        "a2/m.yaml",
        "sub/deeper/x.YAML",
        ".hidden/secret.yaml",
        "sub/.also-hidden.yaml",
    ]:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps({"kind": "X", "metadata": {"name": rel}}))
    (root / "empty").mkdir()
    docs, problems = load_paths([str(root)])
    assert problems == []
    assert [d.source for d in docs] == [
        os.path.join(str(root), rel)
        for rel in ["a.yml", "a2/m.yaml", "a2/z.json", "b.yaml", "sub/deeper/x.YAML"]
    ]


def test_paths_problems(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("hi")
    missing = str(tmp_path / "missing.yaml")
    docs, problems = load_paths([missing, str(tmp_path / "empty")])
    assert docs == []
    not_found = only(problems, "file-not-found")
    assert (not_found.severity, not_found.file) == ("error", missing)
    assert not_found.hint
    assert only(problems, "no-manifests").severity == "warning"


def test_relative_source_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "a.yaml").write_text("kind: A\n")
    (tmp_path / "b.yaml").write_text("kind: B\n")
    docs, problems = load_paths(["dir/", "b.yaml"])
    assert problems == []
    assert [d.source for d in docs] == ["dir/a.yaml", "b.yaml"]


def test_stdin_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("kind: A\n---\nkind: B\n"))
    docs, problems = load_paths(["-"])
    assert problems == []
    assert [(d.source, d.index, d.data["kind"]) for d in docs] == [
        ("<stdin>", 0, "A"),
        ("<stdin>", 1, "B"),
    ]
    assert docs[1].position(("kind",)) == (3, 1)


def test_stdin_bytes_with_bom(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = io.BytesIO("\ufeffkind: Pod\nmetadata: {name: café}\n".encode())
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(raw, encoding="utf-8"))
    (doc,), problems = load_paths(["-"])
    assert problems == []
    assert doc.data == {"kind": "Pod", "metadata": {"name": "café"}}
    assert doc.position(("kind",)) == (1, 1)


def test_typed_list_items_get_the_list_item_kind() -> None:
    text = (
        "apiVersion: v1\nkind: PodList\nitems:\n"
        "- metadata: {name: a}\n  spec: {containers: [{name: c}]}\n"
        "- kind: Pod\n  metadata: {name: b}\n"
    )
    docs, problems = load_text(text, "pods.yaml")
    assert not problems
    assert [d.data["kind"] for d in docs] == ["Pod", "Pod"]
    assert docs[0].data["apiVersion"] == "v1"
    assert docs[0].position(("metadata", "name")) == (4, 14)
