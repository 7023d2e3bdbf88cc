"""The sandbox: real manifests in the editor, the live matrix and explanations, a filter for big
clusters, export of the matrix, and a diff against the original files."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Static

from k8snet_tutor.core import manifests
from k8snet_tutor.core.cluster import Pod
from k8snet_tutor.core.evaluate import IPBlockMode
from k8snet_tutor.core.matrix import Matrix, to_csv, to_json, to_markdown
from k8snet_tutor.core.ports import PortProbe
from k8snet_tutor.learning.evaluation import Evaluation, SandboxEvaluator
from k8snet_tutor.learning.matrix_view import ALL_PORTS
from k8snet_tutor.learning.progress import atomic_write
from k8snet_tutor.learning.served import OutsideSessionFolder, user_path
from k8snet_tutor.tui import help_data
from k8snet_tutor.tui.messages import MatrixExported
from k8snet_tutor.tui.screens.modals import ConfirmScreen, DiffScreen, PromptScreen, unified_diff
from k8snet_tutor.tui.screens.workbench import WorkbenchScreen
from k8snet_tutor.tui.widgets.yaml_editor import YamlEditor

EXAMPLE = """\
# A sandbox: write (or paste) Kubernetes manifests; the matrix follows as you type.
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
    - name: nginx
      image: nginx:1.27
      ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Pod
metadata:
  name: client
  labels: {app: client}
spec:
  containers:
    - {name: curl, image: curlimages/curl}
"""


def _read_text(path: str) -> tuple[str | None, str | None]:
    """A manifest file's text, or (None, why not): the checks `matrix` makes (a regular file,
    at most MAX_FILE_BYTES, UTF-8 or UTF-16 with a byte order mark)."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return None, "not a regular file"
        if info.st_size > manifests.MAX_FILE_BYTES:
            return None, f"larger than {manifests.MAX_FILE_BYTES // (1024 * 1024)} MB"
        with open(path, "rb") as handle:
            raw = handle.read(manifests.MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, str(exc.strerror or exc)
    text, problem = manifests.decode_text(raw, path)
    return text, (problem.message if problem is not None else None)


def read_manifests(
    paths: Sequence[str | os.PathLike[str]], stdin: TextIO | None = None
) -> tuple[str, list[str], list[str]]:
    """Files, folders and `-` (standard input) -> (one multi-document YAML text, files read,
    errors). Folders are read as `k8snet-tutor matrix` reads them (`core.manifests`: name
    order with subfolders in place, hidden names skipped, links to folders not followed).

    Each file starts with a `# file: PATH` comment so the combined text stays navigable.
    """
    chunks: list[str] = []
    files: list[str] = []
    errors: list[str] = []

    def add(name: str, text: str) -> None:
        files.append(name)
        body = text.strip("\n")
        if body.startswith("---"):
            body = body[3:].lstrip("\n")
        chunks.append(f"# file: {name}\n{body}\n")

    found, problems = manifests.manifest_files([os.path.expanduser(os.fspath(p)) for p in paths])
    errors.extend(f"{p.file}: {p.message}" for p in problems if p.severity == "error")
    for f in found:
        if f == "-":
            stream = stdin if stdin is not None else sys.stdin
            try:
                add("<stdin>", stream.read(manifests.MAX_FILE_BYTES + 1))
            except (OSError, ValueError, UnicodeDecodeError) as exc:
                errors.append(f"<stdin>: {exc}")
            continue
        text, error = _read_text(f)
        if text is None:
            errors.append(f"{f}: {error}")
        else:
            add(f, text)
    return "---\n".join(chunks), files, errors


class SandboxScreen(WorkbenchScreen):
    """Experiment with real manifests."""

    VIEWS = (("matrix", "Matrix"), ("yaml", "YAML"))
    VIEW_FOCUS = {"yaml": "#editor", "matrix": "#matrix"}
    WARNINGS_BESIDE_MATRIX = True
    is_sandbox_screen = True  # the palette offers the sandbox's commands here
    LAYOUT_KEY = "sandbox"
    BINDINGS = [
        *help_data.bindings(help_data.SANDBOX_KEYS),
        Binding("f11", "view(-1)", "Prev view", show=False, priority=True),
        Binding("f12", "view(1)", "Next view", show=False, priority=True),
    ]

    def __init__(
        self,
        text: str,
        files: Sequence[str] = (),
        *,
        ipblocks: IPBlockMode = "pods",
        title: str = "",
    ) -> None:
        super().__init__()
        self.original = text
        self.saved_text = text  # what is saved somewhere: the original, or the last Ctrl+S
        self.saved_path: str | None = None
        self.files = list(files)
        self.ipblocks: IPBlockMode = ipblocks
        self.evaluator = SandboxEvaluator(ipblocks=ipblocks)
        self.title_text = title

    def compose(self) -> ComposeResult:
        title = Text()
        title.append(" Sandbox ", style="bold reverse")
        if self.title_text:
            title.append(f" {self.title_text}", style="bold")
        elif self.files:
            first = self.files[0] if len(self.files) == 1 else f"{len(self.files)} files"
            title.append(f" {first}", style="bold")
        title.append("  your files are never changed; ctrl+s saves a copy", style="dim")
        yield Static(title, id="title")
        yield from self.compose_view_tabs()
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield YamlEditor(self.original, id="editor")
            with Vertical(id="right"):
                yield Input(
                    placeholder="filter (ctrl+f): namespace or name; from:x rows only, to:x columns only",
                    id="filter",
                    compact=True,
                )
                yield from self.compose_matrix()
        yield Static("", id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.matrix.focus()
        self.schedule_evaluation(immediate=True)

    def show_view_of(self, widget_id: str) -> None:
        view = {"matrix": "matrix", "editor": "yaml"}.get(widget_id)
        if view and self.has_class("-narrow"):
            self._show_view(view)

    # -- evaluation -------------------------------------------------------------------------------
    def compute(self, text: str) -> Evaluation:
        return self.evaluator.evaluate(text)

    def evaluated(self, evaluation: Evaluation) -> None:
        self.set_text("#warnings", self.warnings_text(evaluation))

    def update_status(self) -> None:
        evaluation = self.last
        text = Text()
        if evaluation is not None and evaluation.model is None:
            text.append_text(self.problems_text(evaluation))
            text.append("The matrix shows the last valid YAML.", style="dim")
        else:
            if evaluation is not None and evaluation.errors:
                n = len(evaluation.errors)
                p = evaluation.errors[0]
                where = f"line {p.line}: " if p.line else ""
                text.append(f"{n} object{'s' if n != 1 else ''} left out: ", style="bold yellow")
                text.append(f"{where}{p.message}\n")
            if self.model is not None:
                ev = self.model.evaluator
                text.append(
                    f"{workload_summary(ev.pods)} · {len(self.model.cluster.services)} services · "
                    f"{len(ev.policies)} policies · port {self.port}",
                )
                if self.last_seconds:
                    text.append(f" · evaluated in {self.last_seconds * 1000:.0f} ms", style="dim")
        self.set_text("#status", text)
        self.set_class(bool(evaluation and evaluation.errors), "-has-errors")

    # -- filter -----------------------------------------------------------------------------------
    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.matrix.filter_text = event.value

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.matrix.focus()

    def action_filter(self) -> None:
        self.show_view_of("matrix")
        self.query_one("#filter", Input).focus()

    # -- actions ----------------------------------------------------------------------------------
    def action_diff_original(self) -> None:
        diff = unified_diff(self.original, self.editor.text, "original", "edited")
        self.app.push_screen(DiffScreen("Your changes (diff against the original manifests)", diff))

    def action_revert(self) -> None:
        def done(yes: bool | None) -> None:
            if yes:
                self.set_editor_text(self.original)

        self.app.push_screen(
            ConfirmScreen(
                "Revert to the original manifests?", "Your edits will be lost.", yes="Revert"
            ),
            done,
        )

    def action_export(self) -> None:
        def done(path: str | None) -> None:
            if path:
                self.export(path)

        self.app.push_screen(
            PromptScreen(
                "Export the matrix to a file",
                "matrix.csv",
                f"The format follows the extension: .csv, .md or .json. Port: {self.port}.",
            ),
            done,
        )

    def export(self, path: str) -> str | None:
        """Write the matrix (pods, for the selected port) to `path`; returns the format used."""
        if self.model is None:
            self.notify("Nothing to export yet.", severity="warning")
            return None
        suffix = Path(path).suffix.lower()
        fmt = {".csv": "csv", ".md": "md", ".markdown": "md", ".json": "json"}.get(suffix)
        if fmt is None:
            self.notify("Use a file name ending in .csv, .md or .json.", severity="error")
            return None
        matrix = Matrix.build(self.model.evaluator)
        probe = None if self.port == ALL_PORTS else PortProbe.parse(self.port)
        if fmt == "csv":
            out = to_csv(matrix, probe)
        elif fmt == "md":
            out = to_markdown(matrix, probe)
        else:
            out = to_json(matrix, [probe] if probe else [])
        try:
            target = user_path(path)  # in a served session: only inside its folder
            target.write_text(out, encoding="utf-8")
        except OutsideSessionFolder as exc:
            self.notify(str(exc), severity="error")
            return None
        except OSError as exc:
            self.notify(f"Could not write {path}: {exc}", severity="error")
            return None
        self.notify(f"Exported the matrix ({fmt}, {self.port}) to {path}")
        self.post_message(MatrixExported(str(target), fmt))
        return fmt

    @property
    def unsaved(self) -> bool:
        """Edits that are in no file yet (neither the original nor a copy saved with Ctrl+S)."""
        return self.editor.text != self.saved_text

    def action_back(self) -> None:
        """Esc: in the filter, clear it (then leave it); elsewhere leave the sandbox, asking
        first when there are unsaved edits."""
        filter_input = self.query_one("#filter", Input)
        if filter_input.has_focus:
            if filter_input.value:
                filter_input.value = ""
            else:
                self.matrix.focus()
            return

        def done(yes: bool | None) -> None:
            if yes:
                self.app.action_home()  # type: ignore[attr-defined]

        if self.unsaved:
            self.app.push_screen(
                ConfirmScreen(
                    "Leave the sandbox?",
                    "Your edits are not saved anywhere (ctrl+s saves a copy).",
                    yes="Leave",
                ),
                done,
            )
        else:
            self.app.action_home()  # type: ignore[attr-defined]

    def confirm_quit(self) -> bool:
        """Ctrl+Q: with unsaved edits, ask first (True: the question is on screen)."""
        if not self.unsaved:
            return False

        def done(yes: bool | None) -> None:
            if yes:
                self.app.exit()

        self.app.push_screen(
            ConfirmScreen(
                "Quit with unsaved sandbox edits?",
                "Your edits are not saved anywhere (ctrl+s saves a copy).",
                yes="Quit",
                no="Stay",
            ),
            done,
        )
        return True

    def action_save_yaml(self) -> None:
        def done(path: str | None) -> None:
            if path:
                self.save_yaml(path)

        self.app.push_screen(
            PromptScreen(
                "Save the edited YAML to a file",
                self.saved_path or "sandbox.yaml",
                "A copy: the files you opened are never changed.",
            ),
            done,
        )

    def save_yaml(self, path: str) -> Path | None:
        """Write the editor's text to `path` (in a served session: inside its folder)."""
        text = self.editor.text
        try:
            target = user_path(path)
            atomic_write(target, text)
        except OutsideSessionFolder as exc:
            self.notify(str(exc), severity="error")
            return None
        except OSError as exc:
            self.notify(f"Could not write {path}: {exc.strerror or exc}", severity="error")
            return None
        self.saved_text = text
        self.saved_path = path
        self.notify(f"Saved the YAML to {target}")
        return target


def workload_summary(pods: Sequence[Pod]) -> str:
    """`8 Deployments, 12 pods`: the workloads by kind, then the pods they stand for."""
    kinds: dict[str, int] = {}
    total = 0
    for pod in pods:
        total += pod.replicas
        doc = pod.origin.document
        kind = doc.data.get("kind") if doc is not None and isinstance(doc.data, dict) else "Pod"
        if kind != "Pod":
            kinds[str(kind)] = kinds.get(str(kind), 0) + 1
    pods_text = f"{total} pod{'s' if total != 1 else ''}"
    if not kinds:
        return pods_text
    parts = [f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in sorted(kinds.items())]
    return ", ".join([*parts, pods_text])
