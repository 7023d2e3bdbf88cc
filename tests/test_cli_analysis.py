"""The analysis commands end to end: matrix formats, explain, reach, diff and lint."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from k8snet_tutor.cli.main import main

SHOP = """\
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 8080, name: http}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop, labels: {app: api}}
spec: {containers: [{name: c, image: api, ports: [{containerPort: 9000, name: grpc}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec: {containers: [{name: c, image: postgres, ports: [{containerPort: 5432}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: http, nodePort: 30080}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: api}}}]
    ports: [{port: 5432}]
"""

# v2: web may now also reach the database.
SHOP_V2 = SHOP.replace(
    "  - from: [{podSelector: {matchLabels: {app: api}}}]",
    "  - from: [{podSelector: {matchLabels: {app: api}}}, {podSelector: {matchLabels: {app: web}}}]",
)


@pytest.fixture()
def shop(tmp_path: Path) -> Path:
    path = tmp_path / "shop.yaml"
    path.write_text(SHOP)
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_matrix_json_with_port(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["matrix", str(shop), "--port", "5432/TCP", "--format", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["nodes"] == ["shop/api", "shop/db", "shop/web"]
    cells = {(c["from"], c["to"]): c["allowed"] for c in data["connections"]}
    assert len(cells) == 9  # every ordered pair, the diagonal included
    assert cells[("shop/api", "shop/db")] is True
    assert cells[("shop/web", "shop/db")] is False
    assert cells[("shop/db", "shop/db")] is True
    assert all(c["port"] == "5432/TCP" for c in data["connections"])


def test_matrix_json_without_port_lists_connection_sets(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["matrix", str(shop), "--format", "json"], capsys)
    conns = {(c["from"], c["to"]): c["conns"] for c in json.loads(out)["connections"]}
    assert conns[("shop/api", "shop/db")] == "TCP 5432"
    assert conns[("shop/web", "shop/db")] == "No Connections"
    assert conns[("shop/db", "shop/web")] == "All Connections"


def test_matrix_text_csv_md_dot(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["matrix", str(shop), "--port", "5432"], capsys)
    assert code == 0 and "Connectivity on 5432/TCP" in out
    row = next(line for line in out.splitlines() if "shop/web" in line)
    assert row.split()[-3:] == ["✓", "✗", "✓"]  # web -> api, db, web
    code, out, _ = run(["matrix", str(shop), "--port", "5432", "--format", "csv"], capsys)
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["from \\ to", "shop/api", "shop/db", "shop/web"]
    assert rows[3] == ["shop/web", "allowed", "denied", "allowed"]
    code, out, _ = run(["matrix", str(shop), "--port", "5432", "--format", "md"], capsys)
    assert "| shop/web | ✓ | ✗ | ✓ |" in out
    code, out, _ = run(["matrix", str(shop), "--format", "dot"], capsys)
    assert out.startswith("digraph") and '"shop/api" -> "shop/db" [label="TCP 5432"' in out
    assert '"shop/web" -> "shop/db"' not in out


def test_matrix_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(SHOP))
    code, out, _ = run(
        ["matrix", "-", "--format", "connlist", "--granularity", "workload"], capsys
    )
    assert code == 0
    assert "shop/api[Pod] => shop/db[Pod] : TCP 5432" in out.splitlines()


def test_matrix_prints_lint_warnings(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = SHOP.replace("matchLabels: {app: api}", "matchLabels: {app: apii}")
    shop.write_text(text)
    code, _out, err = run(["matrix", str(shop)], capsys)
    assert code == 0
    assert "selects no pod" in err and "shop.yaml:" in err


def test_explain_pod_and_service(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["explain", str(shop), "--from", "shop/web", "--to", "shop/db", "--port", "5432/TCP"],
        capsys,
    )
    assert code == 0
    assert out.startswith("shop/web -> shop/db on 5432/TCP is denied")
    assert "isolated for ingress by policy shop/db-from-api" in out
    code, out, _ = run(
        ["explain", str(shop), "--from", "shop/api", "--to", "svc:shop/web", "--port", "80"],
        capsys,
    )
    assert "allowed to every endpoint" in out and "port 8080" in out
    code, out, _ = run(
        [
            "explain", str(shop), "--from", "203.0.113.9", "--to", "svc:shop/web",
            "--port", "30080/TCP", "--format", "json",
        ],
        capsys,
    )
    data = json.loads(out)
    assert data["allowed"] is True and data["endpoints"][0]["target_port"] == 8080
    code, out, _ = run(
        ["explain", str(shop), "--from", "203.0.113.9", "--to", "svc:shop/web", "--port", "80"],
        capsys,
    )
    assert "answers only on its nodePort" in out


def test_explain_json(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        [
            "explain", str(shop), "--from", "shop/api", "--to", "shop/db",
            "--port", "5432/TCP", "--format", "json",
        ],
        capsys,
    )
    data = json.loads(out)
    assert data["allowed"] is True
    assert data["ingress"]["rules"][0]["admits"] is True


def test_reach_hops(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # web -> api only, api -> db only: db is two hops from web.
    chain = SHOP + """\
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-out, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: api}}}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-out, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: db}}}]}]
"""
    path = tmp_path / "chain.yaml"
    path.write_text(chain)
    code, out, _ = run(["reach", str(path), "--from", "shop/web", "--format", "json"], capsys)
    # db has no egress policy, so from it the outside world is one more hop away.
    assert json.loads(out)["reachable"] == {"shop/api": 1, "shop/db": 2, "0.0.0.0-255.255.255.255": 3}
    code, out, _ = run(["reach", str(path), "--from", "shop/web", "--hops", "1"], capsys)
    assert "1 hop: shop/api" in out and "shop/db" not in out


def test_diff_shows_changed_cells(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(SHOP)
    new.write_text(SHOP_V2)
    code, out, _ = run(["diff", str(old), str(new), "--format", "json"], capsys)
    assert code == 0
    changes = json.loads(out)["changes"]
    assert [(c["from"], c["to"], c["added"]) for c in changes] == [
        ("shop/web", "shop/db", "TCP 5432")
    ]
    code, out, _ = run(["diff", str(old), str(old)], capsys)
    assert "No connection changed." in out


def test_lint_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "lint.yaml"
    path.write_text(
        SHOP
        + """\
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-egress, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: nobody, namespace: empty}
spec:
  podSelector: {}
"""
    )
    code, out, err = run(["lint", str(path), "--format", "json"], capsys)
    assert code == 1
    codes = {w["code"] for w in json.loads(out)}
    assert {"dns-blocked", "policy-empty-namespace"} <= codes
    code, out, err = run(["lint", str(tmp_path / "missing.yaml")], capsys)
    assert code == 2


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("matrix", "explain", "reach", "diff", "lint", "lessons", "quiz", "serve"):
        assert command in out


def test_host_network_cells_are_marked_undefined(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hn.yaml"
    path.write_text(
        SHOP.replace(
            "spec: {containers: [{name: c, image: api,",
            "spec: {hostNetwork: true, containers: [{name: c, image: api,",
        )
    )
    code, out, _ = run(["matrix", str(path), "--port", "80", "--format", "json"], capsys)
    marked = {(c["from"], c["to"]) for c in json.loads(out)["connections"] if "undefined" in c}
    assert ("shop/api", "shop/db") in marked and ("shop/web", "shop/db") not in marked
    code, out, _ = run(["matrix", str(path), "--port", "80"], capsys)
    assert "? involves a hostNetwork pod" in out


def test_connlist_names_the_lines_that_involve_a_host_network_pod(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """connlist keeps netpol-analyzer's lines untouched on stdout and says on stderr which of
    them are undefined (a hostNetwork pod at either end), as the text and JSON formats mark them."""
    plain = tmp_path / "plain.yaml"
    plain.write_text(SHOP)
    hn = tmp_path / "hn.yaml"
    hn.write_text(
        SHOP.replace(
            "spec: {containers: [{name: c, image: api,",
            "spec: {hostNetwork: true, containers: [{name: c, image: api,",
        )
    )
    argv = ["--granularity", "workload", "--format", "connlist", "--no-lint"]
    code, plain_out, plain_err = run(["matrix", str(plain), *argv], capsys)
    assert code == 0 and "hostNetwork" not in plain_err
    code, out, err = run(["matrix", str(hn), *argv], capsys)
    assert code == 0
    # The same policy verdicts: stdout is byte for byte what it is without hostNetwork.
    assert out == plain_out
    lines = out.splitlines()
    involved = [line for line in lines if "shop/api[Pod]" in line]
    assert involved and len(involved) < len(lines)
    assert "hostNetwork" in err and "undefined" in err
    assert f"{len(involved)} of the {len(lines)}" in err and "(shop/api[Pod])" in err
    marked = [m.removeprefix("  ? ") for m in err.splitlines() if m.startswith("  ? ")]
    assert marked == sorted(involved)[:5]
    # A focus keeps only its own lines, and the note counts only those.
    code, out, err = run(["matrix", str(hn), *argv, "--focus-workload", "web"], capsys)
    shown = out.splitlines()
    assert shown and all("shop/web[Pod]" in line for line in shown)
    assert f"of the {len(shown)} connlist line(s)" in err
    assert all(m.removeprefix("  ? ") in shown for m in err.splitlines() if m.startswith("  ? "))


def test_connlist_undefined_note_lists_at_most_a_few_lines(tmp_path: Path) -> None:
    from k8snet_tutor.core.cluster import load_cluster
    from k8snet_tutor.core.evaluate import Evaluator
    from k8snet_tutor.core.matrix import Matrix, connlist_entries, connlist_undefined_note

    docs = [
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: n}}\n"
        f"spec: {{hostNetwork: {str(i < 3).lower()}, containers: [{{name: c, image: i}}]}}\n"
        for i in range(6)
    ]
    path = tmp_path / "pods.yaml"
    path.write_text("---\n".join(docs))
    matrix = Matrix.build(Evaluator(load_cluster([str(path)])))
    entries = connlist_entries(matrix)
    # 6 pods, every ordered pair, no policy; and the outside to and from every pod
    assert len(entries) == 30 + 6 + 6
    flagged = [line for line, flag in entries if flag]
    assert len(flagged) == 42 - 3 * 2 - 3 - 3  # all but those among p3..p5 and the outside
    note = connlist_undefined_note(matrix, entries, limit=2)
    assert note is not None and "30 of the 42" in note
    assert "(n/p0, n/p1 and 1 more)" in note
    assert note.count("\n  ? ") == 2 and "and 28 more" in note
    assert connlist_undefined_note(matrix, [e for e in entries if not e[1]]) is None


def test_matrix_json_lists_the_external_addresses_it_was_given(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--external` adds each address's row and column to the JSON (it used to be ignored there,
    while connlist listed it); without it the JSON has pod pairs only."""
    code, out, _ = run(["matrix", str(shop), "--port", "5432", "--format", "json"], capsys)
    data = json.loads(out)
    assert "externals" not in data and len(data["connections"]) == 9
    argv = ["matrix", str(shop), "--port", "5432", "--format", "json"]
    code, out, _ = run([*argv, "--external", "203.0.113.9", "--external", "2001:db8::1"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["externals"] == ["203.0.113.9", "2001:db8::1"]
    cells = {(c["from"], c["to"]): c["allowed"] for c in data["connections"]}
    assert len(data["connections"]) == 9 + 2 * 2 * 3
    # db admits only api on 5432; web and api are not isolated; nobody's egress is.
    assert cells[("203.0.113.9", "shop/db")] is False
    assert cells[("2001:db8::1", "shop/db")] is False
    assert cells[("203.0.113.9", "shop/web")] is True
    assert cells[("shop/db", "203.0.113.9")] is True
    assert cells[("shop/api", "shop/db")] is True and cells[("shop/web", "shop/db")] is False
    # Without --port: connection sets, the same way.
    code, out, _ = run(
        ["matrix", str(shop), "--format", "json", "--external", "203.0.113.9"], capsys
    )
    sets = {(c["from"], c["to"]): c["conns"] for c in json.loads(out)["connections"]}
    assert sets[("203.0.113.9", "shop/db")] == "No Connections"
    assert sets[("203.0.113.9", "shop/api")] == "All Connections"


def test_matrix_text_csv_and_markdown_show_the_external_addresses(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--external` adds the address as a row (into the pods) and a column (the pods' egress
    to it) in the text, CSV and Markdown tables, as in JSON and connlist."""
    base = ["matrix", str(shop), "--port", "5432", "--external", "203.0.113.9", "--no-lint"]
    code, out, _ = run([*base, "--format", "csv"], capsys)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["from \\ to", "shop/api", "shop/db", "shop/web", "203.0.113.9"]
    by_row = {r[0]: dict(zip(rows[0][1:], r[1:], strict=True)) for r in rows[1:]}
    assert by_row["203.0.113.9"]["shop/db"] == "denied"  # db admits only api
    assert by_row["203.0.113.9"]["shop/web"] == "allowed"
    assert by_row["shop/db"]["203.0.113.9"] == "allowed"  # nobody's egress is isolated
    assert by_row["203.0.113.9"]["203.0.113.9"] == "n/a"
    code, out, _ = run([*base, "--format", "md"], capsys)
    assert "| 203.0.113.9 | ✓ | ✗ | ✓ | n/a |" in out
    code, out, _ = run(base, capsys)
    lines = out.splitlines()
    assert lines[1].split() == ["1", "2", "3", "4"]
    assert lines[5].split() == ["4", "203.0.113.9", "✓", "✗", "✓", "–"]
    assert "two outside addresses" in out
    # Without --port: connection sets, one line per pair.
    code, out, _ = run(["matrix", str(shop), "--external", "203.0.113.9", "--no-lint"], capsys)
    said = set()
    for line in out.splitlines():
        if "=>" in line:
            src, rest = line.split("=>")
            dst, conns = rest.split(None, 1)
            said.add((src.strip(), dst, conns.strip()))
    assert ("203.0.113.9", "shop/db", "No Connections") in said
    assert ("shop/db", "203.0.113.9", "All Connections") in said
