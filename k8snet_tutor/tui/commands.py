"""The command palette (ctrl+p): go to a lesson, reset the lesson, show a hint, toggle the theme."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from k8snet_tutor.tui.app import TutorApp


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
