"""Broken manifests through the command line: exit code, `file:line:column`, message and hint.

Every case is one file holding two valid pods (shop/web and shop/db) plus one broken object.
The command must report the broken object at its exact position (marked `@@` in the table; the
marker is removed before the file is written), with a message and a hint on stderr, still
evaluate the valid pods (stdout lists them), and exit with 2 for an input error (0 when the
problem is only a warning or a note). No traceback ever reaches the user.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from k8snet_tutor.cli.main import main

PODS = """\
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80, name: http}]}]}
status: {podIP: 10.0.0.5}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec: {containers: [{name: c, image: pg, ports: [{containerPort: 5432, name: pg}]}]}
"""


def policy(spec: str, name: str = "p") -> str:
    return (
        "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        f"metadata:\n  name: {name}\n  namespace: shop\nspec:\n{spec}"
    )


def service(spec: str) -> str:
    return f"---\napiVersion: v1\nkind: Service\nmetadata: {{name: web, namespace: shop}}\nspec:\n{spec}"


@dataclass(frozen=True)
class Case:
    id: str
    text: str  # `@@` marks where the problem must be reported
    message: str
    hint: str | None
    exit: int = 2
    severity: str = "error"
    pods_first: bool = True  # the valid pods come before the broken object

    def file_text(self) -> str:
        body = self.text.replace("@@", "")
        return PODS + body if self.pods_first else body + PODS

    def where(self) -> tuple[int, int]:
        text = (PODS + self.text) if self.pods_first else (self.text + PODS)
        index = text.index("@@")
        line = text.count("\n", 0, index) + 1
        column = index - (text.rfind("\n", 0, index) + 1) + 1
        return line, column


CASES = [
    Case(
        "lowercase-protocol",
        policy(
            "  podSelector: {}\n  ingress:\n  - ports:\n    - @@protocol: tcp\n      port: 80\n"
        ),
        'protocol "tcp" is not supported',
        "protocols are upper-case: TCP",
    ),
    Case(
        "port-70000",
        policy("  podSelector: {}\n  ingress:\n  - ports:\n    - @@port: 70000\n"),
        "port 70000 is not a valid port number (1 to 65535)",
        "1 to 65535",
    ),
    Case(
        "endport-with-named-port",
        policy(
            "  podSelector: {}\n  ingress:\n  - ports:\n    - port: http\n      @@endPort: 90\n"
        ),
        "`endPort` may not be used with a named port",
        "write the first port of the range as a number",
    ),
    Case(
        "except-outside-cidr",
        policy(
            "  podSelector: {}\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 10.0.0.0/16\n"
            "        except: [@@10.1.0.0/24]\n"
        ),
        'except "10.1.0.0/24" is not strictly inside cidr "10.0.0.0/16"',
        "addresses outside the cidr are not matched anyway",
    ),
    Case(
        "except-bigger-than-cidr",
        policy(
            "  podSelector: {}\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 10.0.0.0/16\n"
            "        except:\n        - @@10.0.0.0/8\n"
        ),
        "is not strictly inside cidr",
        "did you swap `cidr` and `except`?",
    ),
    Case(
        "matchlabels-as-a-list",
        policy("  podSelector:\n    @@matchLabels:\n    - app: web\n"),
        "`matchLabels` must be a mapping (key: value pairs), but it is a list",
        "a list here usually means `matchExpressions`",
    ),
    Case(
        "podselector-misspelt",
        policy("  @@podselector: {matchLabels: {app: web}}\n"),
        "unknown field `podselector` in a NetworkPolicy spec",
        "did you mean `podSelector`?",
    ),
    Case(
        "tab-indented",
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n@@\tname: x\n\tnamespace: shop\n",
        "a tab character where YAML expects spaces",
        "YAML indentation must use spaces, not tabs",
    ),
    Case(
        "unknown-operator-in",
        policy(
            "  podSelector:\n    matchExpressions:\n    - {key: app, @@operator: in, values: [web]}\n"
        ),
        '"in" is not a selector operator',
        "operators are case-sensitive: write `In`",
    ),
    Case(
        "service-selector-with-matchlabels",
        service("  @@selector:\n    matchLabels: {app: web}\n  ports: [{port: 80}]\n"),
        "a Service selector is a plain list of labels, not a label selector",
        "write `selector: {app: web}`",
    ),
    Case(
        "two-containers-same-port",
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: two, namespace: shop}\nspec:\n"
        "  containers:\n  - {name: a, image: x, ports: [{containerPort: 8080}]}\n"
        "  - {name: b, image: y, ports: [{@@containerPort: 8080}]}\n",
        "port 8080/TCP is declared twice in this pod",
        "give one of the containers a different `containerPort`",
        exit=0,
        severity="warning",
    ),
    Case(
        "duplicate-document-name",
        "---\napiVersion: v1\nkind: Pod\nmetadata: {@@name: web, namespace: shop, labels: {app: web}}\n"
        "spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80, name: http}]}]}\n",
        "Pod shop/web is defined twice; the later definition is used",
        None,
        exit=0,
        severity="warning",
    ),
    Case(
        "unknown-kind",
        "---\napiVersion: v1\n@@kind: ConfigMap\nmetadata: {name: cfg, namespace: shop}\ndata: {a: b}\n",
        "skipped 1 object(s) of kind ConfigMap",
        None,
        exit=0,
        severity="note",
    ),
    Case(
        "misspelt-kind",
        "---\napiVersion: networking.k8s.io/v1\n@@kind: Networkpolicy\n"
        "metadata: {name: p, namespace: shop}\nspec: {podSelector: {}}\n",
        "unknown kind `Networkpolicy`",
        "did you mean `NetworkPolicy`?",
        exit=0,
        severity="warning",
    ),
    Case(
        "cidr-without-prefix",
        policy("  podSelector: {}\n  egress:\n  - to:\n    - ipBlock: {@@cidr: 10.0.0.1}\n"),
        'cidr "10.0.0.1" has no prefix length',
        "add `/32`",
    ),
    Case(
        "policy-types-as-string",
        policy("  podSelector: {}\n  @@policyTypes: Egress\n"),
        "`policyTypes` must be a list",
        "write `policyTypes: [Egress]`",
    ),
    Case(
        "from-at-spec-level",
        policy("  podSelector: {}\n  @@from:\n  - podSelector: {}\n"),
        "unknown field `from` in a NetworkPolicy spec",
        "rules go inside `ingress:`",
    ),
    Case(
        "quoted-numeric-target-port",
        service('  selector: {app: web}\n  ports:\n  - {port: 80, @@targetPort: "8080"}\n'),
        'targetPort "8080" is a string',
        "drop the quotes: `targetPort: 8080`",
    ),
    Case(
        "labels-as-a-list",
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  namespace: shop\n  @@labels:\n"
        "  - app: x\nspec: {containers: [{name: c, image: i}]}\n",
        "`labels` must be a mapping",
        "remove the leading `- `",
    ),
    Case(
        "peer-with-ipblock-and-selector",
        policy(
            "  podSelector: {}\n  ingress:\n  - from:\n    - @@ipBlock: {cidr: 10.0.0.0/8}\n"
            "      podSelector: {}\n",
        ),
        "an ipBlock cannot be combined with a selector in the same peer",
        "make them two separate entries",
    ),
    Case(
        "helm-template",
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {@@{ .Values.name }}\n  namespace: shop\n",
        "a list or mapping is used as a mapping key",
        "this looks like a Helm/Go template; render it first with `helm template`",
    ),
    Case(
        "unclosed-quote",
        '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: "web\n  namespace: shop\n@@',
        "a quoted string that starts on line 15 is never closed",
        "add the missing closing quote",
    ),
    Case(
        "python-tag",
        "---\n@@!!python/object/apply:os.system ['echo pwned']\n",
        "refusing the tag !!python/object/apply:os.system",
        "tags like !!python/... or custom !Tags are not Kubernetes YAML",
    ),
    Case(
        "alias-bomb",
        "---\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
        "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
        "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n",
        "refusing to expand YAML aliases",
        None,
    ),
]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    return code, out, err


def _problem_line(err: str, prefix: str, message: str) -> str | None:
    for line in err.splitlines():
        if line.startswith(prefix) and message in line:
            return line
    return None


@pytest.fixture(params=CASES, ids=[c.id for c in CASES])
def case_file(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Case, Path]:
    case: Case = request.param
    path = tmp_path / f"{case.id}.yaml"
    path.write_text(case.file_text())
    return case, path


def _check_report(case: Case, path: Path, err: str) -> None:
    if case.id == "alias-bomb":
        # Refused at the alias use that crosses the limit: somewhere on the last lines.
        match = re.search(re.escape(str(path)) + r":(\d+):(\d+): error: ", err)
        assert match is not None and int(match.group(1)) >= 17, err
        assert case.message in err
        return
    line, column = case.where()
    prefix = f"{path}:{line}:{column}: {case.severity}: "
    found = _problem_line(err, prefix, case.message)
    assert found is not None, f"expected {prefix}...{case.message!r} in:\n{err}"
    if case.hint is not None:
        lines = err.splitlines()
        i = lines.index(found)
        assert i + 1 < len(lines) and lines[i + 1].startswith("  hint: "), err
        assert case.hint in lines[i + 1], err


def test_matrix_reports_broken_object_and_evaluates_the_rest(
    case_file: tuple[Case, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    case, path = case_file
    code, out, err = _run(["matrix", str(path)], capsys)
    assert code == case.exit, err
    _check_report(case, path, err)
    # The valid pods in the same file were evaluated.
    assert "shop/web" in out and "shop/db" in out, out
    assert re.search(r"shop/db\s+=>\s+shop/web\s+\S", out), out


def test_explain_reports_broken_object_and_still_explains(
    case_file: tuple[Case, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    case, path = case_file
    argv = ["explain", str(path), "--from", "shop/web", "--to", "shop/db", "--port", "5432/TCP"]
    code, out, err = _run(argv, capsys)
    assert code == case.exit, err
    _check_report(case, path, err)
    assert out.startswith("shop/web -> shop/db on 5432/TCP is "), out


def test_matrix_json_still_lists_the_valid_pods(
    case_file: tuple[Case, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    case, path = case_file
    code, out, err = _run(["matrix", str(path), "--format", "json"], capsys)
    assert code == case.exit
    nodes = json.loads(out)["nodes"]
    assert "shop/web" in nodes and "shop/db" in nodes


# --------------------------------------------------------------------------------------------
# Command-line arguments that name nothing or cannot be read


@pytest.fixture
def pods_file(tmp_path: Path) -> Path:
    path = tmp_path / "pods.yaml"
    path.write_text(
        PODS + service("  selector: {app: web}\n  ports: [{port: 80, targetPort: http}]\n")
    )
    return path


def test_valid_file_exits_zero(pods_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["matrix", str(pods_file)], capsys)
    assert code == 0 and err == "" and "shop/web" in out


@pytest.mark.parametrize(
    ("argv", "message", "hint"),
    [
        (
            ["explain", "--from", "shop/webb", "--to", "shop/db", "--port", "80"],
            "error: shop/webb: no pod, workload or Service named shop/webb",
            "hint: known names include: shop/web",
        ),
        (
            ["explain", "--from", "nope", "--to", "shop/db", "--port", "80"],
            "error: nope: no pod, workload or Service named default/nope",
            "hint: ",
        ),
        (
            ["explain", "--from", "shop/web", "--to", "svc:shop/none", "--port", "80"],
            "no pod, workload or Service named shop/none",
            "hint: ",
        ),
        (
            ["reach", "--from", "shop/nope"],
            "error: shop/nope: not a pod in the input",
            "write it as namespace/name",
        ),
        (
            ["explain", "--from", "svc:shop/web", "--to", "shop/db", "--port", "80"],
            "error: ",
            "hint: ",
        ),
    ],
    ids=[
        "explain-from-missing-pod",
        "explain-from-bare-name",
        "explain-to-missing-service",
        "reach-from-missing-pod",
        "from-service",
    ],
)
def test_names_that_match_nothing(
    pods_file: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
    hint: str,
) -> None:
    code, out, err = _run([argv[0], str(pods_file), *argv[1:]], capsys)
    assert code == 2, err
    assert message in err and hint in err, err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["matrix", "--port", "99999"], "error: port 99999 is outside 1-65535"),
        (["matrix", "--port", "0/TCP"], "error: port 0 is outside 1-65535"),
        (["matrix", "--port", "80/ICMP"], "error: unknown protocol 'ICMP'"),
        (["matrix", "--port", "/TCP"], "error: no port in '/TCP'"),
        (
            ["explain", "--from", "shop/web", "--to", "shop/db", "--port", "80/XYZ"],
            "unknown protocol",
        ),
        (
            ["explain", "--from", "shop/web", "--to", "shop/db", "--port", "70000"],
            "outside 1-65535",
        ),
        (["explain", "--from", "shop/web", "--to", "shop/db", "--port", "²/TCP"], "error: "),
    ],
    ids=[
        "99999",
        "zero",
        "icmp",
        "no-number",
        "explain-protocol",
        "explain-70000",
        "superscript-digit",
    ],
)
def test_bad_port_values(
    pods_file: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = _run([argv[0], str(pods_file), *argv[1:]], capsys)
    assert code == 2, err
    assert message in err and "hint: write " in err, err
    assert out == ""  # refused before any evaluation


@pytest.mark.parametrize(
    "argv",
    [
        ["explain", "--from", "1.2.3.4", "--to", "5.6.7.8", "--port", "80"],
        ["explain", "--from", "fe80::1%eth0", "--to", "shop/web", "--port", "http"],
        ["explain", "--from", "shop/web", "--to", "10.0.0.0/8", "--port", "http"],
        ["explain", "--from", "203.0.113.9", "--to", "svc:shop/web", "--port", "80"],
        ["explain", "--from", "shop/web", "--to", "shop/web", "--port", "80", "--format", "json"],
        ["reach", "--from", "shop/web", "--hops", "-1"],
        ["matrix", "--port", "http/TCP", "--format", "csv"],
        ["matrix", "--granularity", "workload", "--ipblocks", "external", "--format", "connlist"],
        ["matrix", "--external", "203.0.113.0/24", "--external", "2001:db8::1", "--format", "md"],
        ["lint", "--format", "json"],
    ],
    ids=lambda a: " ".join(a),
)
def test_odd_but_valid_arguments_never_trace_back(
    pods_file: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, out, err = _run([argv[0], str(pods_file), *argv[1:]], capsys)
    assert code in (0, 1), err


def test_every_command_exits_2_for_broken_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(PODS + policy("  podSelector: {}\n  ingress:\n  - ports: [{port: 70000}]\n"))
    for argv in (
        ["matrix", str(path)],
        ["lint", str(path)],
        ["reach", str(path), "--from", "shop/web"],
        ["explain", str(path), "--from", "shop/web", "--to", "shop/db", "--port", "80"],
    ):
        code, out, err = _run(argv, capsys)
        assert code == 2, (argv, err)
        assert f"{path}:20:14: error: port 70000" in err, err


def test_missing_and_unreadable_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["matrix", str(tmp_path / "absent.yaml")], capsys)
    assert code == 2
    assert f"{tmp_path / 'absent.yaml'}: error: no such file or folder" in err
    assert "hint: check the path" in err
    folder = tmp_path / "empty"
    folder.mkdir()
    code, out, err = _run(["matrix", str(folder)], capsys)
    assert code == 2 and "contains no manifests" in err


def test_negative_port_is_refused(pods_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["matrix", str(pods_file), "--port=-1"], capsys)
    assert code == 2 and "hint: " in err


def test_bad_external_is_refused(pods_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["matrix", str(pods_file), "--external", "10.0.0.0/33"], capsys)
    assert code == 2 and "10.0.0.0/33" in err
