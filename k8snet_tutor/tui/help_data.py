"""Key bindings and the short guide, as data: the help screen and the screens' BINDINGS use it.

One table, so what `F1` shows is what the keys do.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from k8snet_tutor.learning.served import is_served

TOPIC_NAMES = {
    "pods": "Pods",
    "labels": "Labels",
    "services": "Services",
    "policies": "Network policies",
    "debugging": "Debugging",
    "legacy": "Legacy formats",
}


@dataclass(frozen=True)
class Key:
    keys: str  # as Textual names them, comma-separated alternatives
    action: str
    description: str  # short: shown in the footer
    help: str  # longer: shown on the help screen
    show: bool = True  # in the footer


GLOBAL_KEYS: tuple[Key, ...] = (
    Key("f1", "app.help", "Help", "Show this help: keys and a short guide."),
    Key(
        "ctrl+p",
        "app.command_palette",
        "Commands",
        "Command palette: go to a lesson, reset, hint, theme...",
        show=False,
    ),
    Key(
        "f10",
        "app.toggle_dark",
        "Theme",
        "Switch between the light and the dark theme.",
        show=False,
    ),
    Key(
        "ctrl+g",
        "app.next_view",
        "View",
        "On a small screen the panels become tabs: show the next one (F11/F12 do too in a "
        "terminal; a browser keeps those for itself).",
    ),
    Key(
        "ctrl+q",
        "app.quit",
        "Quit",
        "Quit (your work is saved as you type). In the browser this ends the session; "
        "your progress is kept and Restart resumes it.",
    ),
)

HOME_KEYS: tuple[Key, ...] = (
    Key("enter", "open", "Open", "Open the highlighted lesson."),
    Key("c", "continue", "Continue", "Continue where you left off."),
    Key("s", "sandbox", "Sandbox", "Open an empty sandbox to experiment with your own YAML."),
    Key("q", "app.quit", "Quit", "Quit (from the lesson list).", show=False),
)

LESSON_KEYS: tuple[Key, ...] = (
    Key("f2", "hint", "Hint", "Reveal the next hint (hints stay visible in the lesson text)."),
    Key(
        "f3",
        "background",
        "Cluster",
        "Show the lesson's read-only background cluster.",
        show=False,  # in the palette and on F1; the footer keeps room for Quit and View
    ),
    Key(
        "f4",
        "solution",
        "Solution",
        "Show the reference solution as a diff against your YAML "
        "(after you pass, or once every hint is revealed).",
    ),
    Key(
        "f5",
        "reset",
        "Reset",
        "Reset your YAML to the lesson's starter (asks first).",
        show=False,  # room in the footer at 80 columns for Quit and the view key
    ),
    Key(
        "f6",
        "external_editor",
        "$EDITOR",
        "Edit your YAML in $EDITOR (the tutor resumes when it exits).",
        show=False,
    ),
    Key("f7", "previous_lesson", "Prev", "Previous lesson.", show=False),
    Key("f8", "next_lesson", "Next", "Next lesson (passing never moves you on by itself)."),
    Key("f9", "cycle_port", "Port", "Show the matrix for the next port.", show=False),
    Key("ctrl+e", "focus_editor", "Editor", "Put the cursor in the YAML editor.", show=False),
    Key(
        "ctrl+s",
        "save",
        "Save",
        "Save your progress now (it is also saved as you type).",
        show=False,
    ),
    Key(
        "escape",
        "back",
        "Home",
        "From the editor: move to the matrix. Elsewhere: back to the lessons.",
    ),
)

SANDBOX_KEYS: tuple[Key, ...] = (
    Key(
        "f4",
        "diff_original",
        "Diff",
        "Show what you changed, as a diff against the original manifests.",
        show=False,  # F1 lists it; the footer keeps room at 80 columns for Quit and View
    ),
    Key(
        "f5",
        "revert",
        "Revert",
        "Revert to the original manifests (asks first).",
        show=False,  # the footer keeps room at 80 columns for Quit and View
    ),
    Key("f6", "external_editor", "$EDITOR", "Edit the YAML in $EDITOR.", show=False),
    Key(
        "f9", "cycle_port", "Port", "Show the matrix for the next port (or all ports).", show=False
    ),
    Key(
        "ctrl+e", "focus_editor", "Editor", "Put the cursor in the YAML editor.", show=False
    ),
    Key(
        "ctrl+f",
        "filter",
        "Filter",
        "Filter the matrix: words match namespaces or names of rows and "
        "columns; `from:word` filters only rows (sources), `to:word` only columns (destinations).",
    ),
    Key("ctrl+o", "export", "Export", "Export the matrix to a file (.csv, .md or .json)."),
    Key(
        "ctrl+s",
        "save_yaml",
        "Save",
        "Save the edited YAML to a file you name (a copy: the files you opened never change).",
        show=False,
    ),
    Key(
        "escape",
        "back",
        "Back",
        "From the editor: move to the matrix. Elsewhere: leave the sandbox.",
    ),
)

MATRIX_KEYS: tuple[Key, ...] = (
    Key("arrows", "", "", "Move between cells; the explanation panel follows the cursor."),
    Key("enter", "", "", "Focus the explanation of the cell."),
    Key("tab", "", "", "Move the focus: editor, port selector, matrix, explanation, checks."),
)

LEGEND = (
    ("✓", "allowed"),
    ("✗", "denied"),
    ("◐", "some ports allowed (all-ports view)"),
    ("·", "a pod to itself (always allowed)"),
    ("–", "not applicable (a Service without this port)"),
    ("*", "changed at the last evaluation"),
    ("!", "differs from the lesson's goal"),
    ("?", "undefined or plugin-dependent: a hostNetwork pod is involved, or a node's source "
     "NAT hides an outside client"),
)

GUIDE = """\
## How a lesson works

1. Read the lesson text on the left. It explains one idea and sets an exercise.
2. Edit the YAML in the editor. Your YAML is added to the lesson's **background cluster**
   (F3 shows it) and evaluated a moment after you stop typing.
3. Watch the **matrix**: rows are sources, columns destinations, grouped by namespace.
   Cells marked `!` still differ from the goal; `*` marks what your last edit changed.
   Move the cursor to a cell to see *why* it is allowed or denied.
4. The **checks** list shows which parts of the goal pass. When all pass, the lesson is done;
   read the closing explanation, keep experimenting if you like, and press F8 for the next one.

Stuck? F2 reveals a hint at a time. After the last hint (or once you pass) F4 shows the
reference solution as a diff against your YAML. F5 starts over from the starter YAML.

Your YAML and progress are saved as you type; quitting and coming back restores them.

A YAML error never loses the matrix: the error line is marked, the message is shown below the
editor, and the matrix keeps its last good state, dimmed, until the YAML is valid again.

On a small terminal the panels become tabs: use the tab bar, Ctrl+G (or F11 / F12 in a
terminal) to switch views.
"""

# Actions a served (browser) session never offers: they would reach the host, not the attendee.
SERVED_BLOCKED = frozenset({"external_editor"})


def bindings(keys: tuple[Key, ...]) -> list[Binding]:
    """A screen's BINDINGS from the table."""
    # F-keys win over the focused widget: TextArea binds F5-F7 to selections.
    served = is_served()
    return [
        Binding(k.keys, k.action, k.description, show=k.show, priority=k.keys.startswith("f"))
        for k in keys
        if k.action and not (served and k.action in SERVED_BLOCKED)
    ]


def help_keys(keys: tuple[Key, ...]) -> tuple[Key, ...]:
    """The keys the help screen lists (in a served session, without the blocked ones)."""
    if not is_served():
        return keys
    return tuple(k for k in keys if k.action not in SERVED_BLOCKED)
