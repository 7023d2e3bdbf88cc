"""The shared message vocabulary (core/wording.py) and the shared folder reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from k8snet_tutor.core.manifests import load_paths, manifest_files
from k8snet_tutor.core.wording import describe_type, describe_value, did_you_mean, is_address


@pytest.mark.parametrize(
    ("value", "type_text", "value_text"),
    [
        (None, "empty (null)", "empty (null)"),
        (True, "a true/false value", "a true/false value (true)"),
        (3, "a number", "a number (3)"),
        (2.5, "a number", "a number (2.5)"),
        ("web", "a string", 'a string ("web")'),
        ([1], "a list", "a list"),
        ({"a": 1}, "a mapping", "a mapping"),
    ],
)
def test_one_wording_for_value_types(value: object, type_text: str, value_text: str) -> None:
    assert describe_type(value) == type_text
    assert describe_value(value) == value_text


def test_describe_value_cuts_long_strings_short() -> None:
    text = describe_value("x" * 500)
    assert text.startswith('a string ("xxx') and text.endswith('...")') and len(text) < 80


def test_did_you_mean_ignores_case_and_respects_the_cutoff() -> None:
    assert did_you_mean("podselector", ["podSelector", "policyTypes"]) == "podSelector"
    assert did_you_mean("Probs", ["probes", "table"]) == "probes"
    assert did_you_mean("zzz", ["probes", "table"]) is None
    assert did_you_mean("Servce", ["Service", "Pod"], cutoff=0.85) == "Service"
    assert did_you_mean("CiliumNetworkPolicy", ["NetworkPolicy"], cutoff=0.85) is None


@pytest.mark.parametrize(
    ("text", "single", "with_ranges"),
    [
        ("10.0.0.1", True, True),
        ("2001:db8::1", True, True),
        ("10.0.0.0/8", False, True),
        ("10.0.0.1/24", False, True),
        ("fe80::1%eth0", False, False),
        ("web", False, False),
        ("default/web", False, False),
        ("", False, False),
    ],
)
def test_is_address(text: str, single: bool, with_ranges: bool) -> None:
    assert is_address(text) is single
    assert is_address(text, cidr=True) is with_ranges


POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: %s}\nspec: {containers: [{name: c, image: x}]}\n"


def test_manifest_files_is_the_order_load_paths_reads(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "one.yaml").write_text(POD % "one")
    (tmp_path / "a.yml").write_text(POD % "a")
    (tmp_path / "c.json").write_text('{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "c"}}')
    (tmp_path / ".hidden.yaml").write_text(POD % "hidden")
    (tmp_path / "notes.txt").write_text("not a manifest")
    (tmp_path / "empty").mkdir()
    missing = str(tmp_path / "nope.yaml")
    files, problems = manifest_files([str(tmp_path), str(tmp_path / "empty"), missing, "-"])
    assert files == [
        str(tmp_path / "a.yml"),
        str(tmp_path / "b" / "one.yaml"),
        str(tmp_path / "c.json"),
        "-",
    ]
    assert [(p.code, p.file) for p in problems] == [
        ("no-manifests", str(tmp_path / "empty")),
        ("file-not-found", missing),
    ]
    docs, _ = load_paths([str(tmp_path)])
    assert [d.source for d in docs] == files[:3]
