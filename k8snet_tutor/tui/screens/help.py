"""The help screen: every key binding and a short guide, built from `help_data`."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown

from k8snet_tutor.tui import help_data
from k8snet_tutor.tui.screens.modals import MODAL_CSS


def _key_name(keys: str) -> str:
    return " / ".join(k.strip().replace("ctrl+", "Ctrl+").upper() if len(k.strip()) <= 3 else k.strip().replace("ctrl+", "Ctrl+") for k in keys.split(","))


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
        out.append("| Key | What it does |\n|---|---|")
        for k in keys:
            out.append(f"| `{_key_name(k.keys)}` | {k.help} |")
        out.append("")
    out.append("## Matrix legend\n")
    out.append("| Mark | Meaning |\n|---|---|")
    for mark, meaning in help_data.LEGEND:
        out.append(f"| `{mark}` | {meaning} |")
    out.append("")
    out.append(help_data.GUIDE)
    return "\n".join(out)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = MODAL_CSS + """
    HelpScreen > Vertical { height: 90%; max-width: 100; }
    HelpScreen VerticalScroll { height: 1fr; }
    """
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
