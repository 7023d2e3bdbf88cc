"""The command palette (ctrl+p): go to a lesson, reset the lesson, show a hint, toggle the theme;
on the sandbox, its own commands (save the YAML, filter, export, diff, revert, port, view)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from k8snet_tutor.tui import help_data

if TYPE_CHECKING:
    from k8snet_tutor.tui.app import TutorApp

# The sandbox's palette commands: (action, title, help). Each action is a key of SANDBOX_KEYS
# (the palette offers only what the keys do, and a served session drops the same ones).
SANDBOX_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("save_yaml", "Save YAML as...", "Save the edited YAML to a file you name (ctrl+s)"),
    ("filter", "Filter the matrix", "Rows and columns by namespace or name (ctrl+f)"),
    ("cycle_port", "Next port", "Show the matrix for the next port, or all ports (f9)"),
    ("export", "Export the matrix", "To a .csv, .md or .json file (ctrl+o)"),
    ("diff_original", "Diff against the original", "What you changed in the manifests (f4)"),
    ("revert", "Revert to the original", "Drop your edits (asks first) (f5)"),
    ("focus_editor", "Go to the editor", "Put the cursor in the YAML editor (ctrl+e)"),
    ("external_editor", "Edit in $EDITOR", "Edit the YAML in your own editor (f6)"),
)


class TutorCommands(Provider):
    """Commands of the tutor, offered on every screen (lesson ones only on a lesson)."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        app: TutorApp = self.app  # type: ignore[assignment]
        out: list[tuple[str, str, Callable[[], Any]]] = []
        screen = self.screen
        lesson_screen = getattr(screen, "is_lesson_screen", False)
        if lesson_screen:
            out.append(
                (
                    "Show hint",
                    "Reveal the next hint of this lesson",
                    partial(screen.run_action, "hint"),
                )
            )
            out.append(
                (
                    "Reset lesson",
                    "Reset your YAML to the starter (asks first)",
                    partial(screen.run_action, "reset"),
                )
            )
            out.append(
                (
                    "Show solution",
                    "The reference solution as a diff against your YAML",
                    partial(screen.run_action, "solution"),
                )
            )
            out.append(
                (
                    "Show background cluster",
                    "The lesson's read-only cluster",
                    partial(screen.run_action, "background"),
                )
            )
        if getattr(screen, "is_sandbox_screen", False):
            offered = {k.action for k in help_data.help_keys(help_data.SANDBOX_KEYS)}
            for action, title, help_text in SANDBOX_COMMANDS:
                if action in offered:
                    out.append((title, help_text, partial(screen.run_action, action)))
            if getattr(screen, "VIEWS", ()) and screen.has_class("-narrow"):
                out.append(
                    (
                        "Next view",
                        "Show the next tab of the small-screen layout (ctrl+g)",
                        partial(screen.run_action, "view(1)"),
                    )
                )
        out.append(("Toggle theme", "Switch between light and dark", app.action_toggle_dark))
        out.append(("Help", "Keys and a short guide", app.action_help))
        out.append(("Lessons", "Back to the lesson list", app.action_home))
        out.append(("Open sandbox", "An empty sandbox for your own manifests", app.action_sandbox))
        for lesson in app.session.lessons:
            mark = "✓ " if app.session.state(lesson.id).completed else ""
            out.append(
                (
                    f"Go to lesson: {lesson.title}",
                    f"{mark}{lesson.topic} · {lesson.minutes} min · {lesson.id}",
                    partial(app.open_lesson, lesson.id),
                )
            )
        return out

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands()[:8]:
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
