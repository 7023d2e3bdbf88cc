"""The help screen: every key binding and a short guide, built from `help_data`."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown

from k8snet_tutor.tui import help_data


def _key_name(keys: str) -> str:
    names = []
    for key in keys.split(","):
        key = key.strip()
        if key[:1] == "f" and key[1:].isdigit():
            key = key.upper()
        elif key.startswith("ctrl+"):
            key = "Ctrl+" + key[5:].upper()
        elif key == "escape":
            key = "Esc"
        elif key in ("enter", "tab", "arrows"):
            key = key.capitalize()
        names.append(key)
    return " / ".join(names)


def help_markdown() -> str:
    sections = [
        ("Everywhere", help_data.GLOBAL_KEYS),
        ("Lesson list", help_data.HOME_KEYS),
        ("Lesson", help_data.LESSON_KEYS),
        ("Sandbox", help_data.SANDBOX_KEYS),
        ("Matrix", help_data.MATRIX_KEYS),
    ]
    out = ["# k8snet-tutor help\n"]
    for title, keys in sections:
        out.append(f"## {title}\n")
        for k in help_data.help_keys(keys):
            out.append(f"- **{_key_name(k.keys)}**: {k.help}")
        out.append("")
    out.append("## Matrix legend\n")
    for mark, meaning in help_data.LEGEND:
        out.append(f"- `{mark}` {meaning}")
    out.append("")
    out.append(help_data.GUIDE)
    return "\n".join(out)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Help  (Esc closes)", classes="modal-title")
            with VerticalScroll(id="help-scroll"):
                yield Markdown(help_markdown(), id="help-text")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)
