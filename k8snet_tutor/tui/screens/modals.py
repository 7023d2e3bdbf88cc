"""Small modal screens: a yes/no question, a diff, a read-only YAML view, a file name prompt."""

from __future__ import annotations

import difflib

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from k8snet_tutor.tui.widgets.yaml_editor import YamlEditor

MODAL_CSS = ""  # modal styles live in tutor.tcss (DEFAULT_CSS of a screen is scoped to it)


class ConfirmScreen(ModalScreen[bool]):
    """Ask a yes/no question; dismisses with True for yes."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, detail: str = "", yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, classes="modal-title")
            if self.detail:
                yield Static(self.detail, classes="modal-note")
            with Horizontal(classes="modal-buttons"):
                yield Button(f"{self.yes} (y)", variant="warning", id="yes")
                yield Button(f"{self.no} (n)", variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


def unified_diff(old: str, new: str, old_name: str, new_name: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), fromfile=old_name, tofile=new_name, lineterm=""
    )
    return "\n".join(lines)


def coloured_diff(diff: str) -> Text:
    text = Text()
    for line in diff.splitlines():
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("@@"):
            style = "cyan"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        else:
            style = ""
        text.append(line + "\n", style=style)
    return text


class DiffScreen(ModalScreen[None]):
    """A unified diff, coloured, scrollable."""

    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, title: str, diff: str, note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.diff = diff
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="modal-title")
            if self.note:
                yield Static(self.note, classes="modal-note")
            with VerticalScroll(id="diff-scroll"):
                body = coloured_diff(self.diff) if self.diff else Text("No differences.")
                yield Static(body, id="diff")
            with Horizontal(classes="modal-buttons"):
                yield Button("Close (esc)", id="close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#diff-scroll").focus()

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)


class YamlViewScreen(ModalScreen[None]):
    """Read-only YAML (the lesson's background cluster)."""

    BINDINGS = [Binding("escape,f3,q", "close", "Close")]

    def __init__(self, title: str, text: str, note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="modal-title")
            if self.note:
                yield Static(self.note, classes="modal-note")
            editor = YamlEditor(self.text, id="background-view", read_only=True)
            editor.cursor_blink = False
            yield editor

    def on_mount(self) -> None:
        self.query_one(YamlEditor).focus()

    def on_yaml_editor_left(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text (a file name); dismisses with None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, value: str = "", note: str = "") -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, classes="modal-title")
            yield Input(self.value, id="prompt-input")
            if self.note:
                yield Static(self.note, classes="modal-note")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
