"""The tutor app: thin. It holds the session, pushes screens, and offers app-wide actions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from k8snet_tutor.learning.results import NAME_KEY
from k8snet_tutor.learning.served import asks_name, is_served
from k8snet_tutor.learning.settings import load_settings, remember_theme
from k8snet_tutor.tui import help_data
from k8snet_tutor.tui.commands import TutorCommands
from k8snet_tutor.tui.messages import OpenLesson
from k8snet_tutor.tui.session import Session

IPBlockMode = Literal["pods", "external"]


class TutorApp(App[None]):
    """`k8snet-tutor`: the lesson browser, lessons, the sandbox, help."""

    TITLE = "k8snet-tutor"
    CSS_PATH = "tutor.tcss"
    COMMANDS = App.COMMANDS | {TutorCommands}
    BINDINGS = [
        Binding(
            k.keys,
            k.action.removeprefix("app."),
            k.description,
            show=k.show,
            priority=k.keys == "f1",
        )
        for k in help_data.GLOBAL_KEYS
        if k.action != "app.command_palette"
    ]

    def __init__(
        self,
        session: Session,
        *,
        lesson_id: str | None = None,
        sandbox: tuple[str, list[str]] | None = None,
        ipblocks: IPBlockMode = "pods",
        theme: str | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.served = is_served()
        self.start_lesson = lesson_id
        self.start_sandbox = sandbox
        self.ipblocks: IPBlockMode = ipblocks
        remembered = load_settings().theme  # issue 13: the theme is remembered across runs
        if theme or remembered in self.available_themes:
            self.theme = theme or remembered or self.theme

    @classmethod
    def create(
        cls,
        lesson_dirs: Sequence[str] = (),
        progress_file: str | Path | None = None,
        **kwargs: object,
    ) -> TutorApp:
        return cls(Session.open(lesson_dirs, progress_file), **kwargs)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        from k8snet_tutor.tui.screens.home import HomeScreen

        self.theme_changed_signal.subscribe(self, remember_theme)

        self.push_screen(HomeScreen(self.session))
        for warning in self.session.warnings:
            self.notify(warning, severity="warning", timeout=10)
        if self.start_sandbox is not None:
            text, files = self.start_sandbox
            self._push_sandbox(text, files)
        elif self.start_lesson:
            self.open_lesson(self.start_lesson)
        if asks_name() and not self.attendee_name:
            self.ask_name()

    # -- served sessions (k8snet-tutor serve) ------------------------------------------------------
    @property
    def attendee_name(self) -> str | None:
        name = self.session.progress.extra.get(NAME_KEY)
        return name if isinstance(name, str) and name.strip() else None

    def ask_name(self) -> None:
        """In a workshop room: the name the instructor's report shows for this session."""
        from k8snet_tutor.tui.screens.modals import PromptScreen

        def done(name: str | None) -> None:
            if name:
                self.session.progress.extra[NAME_KEY] = name[:60]
                self.session.save()
                self.notify(f"Hello {name[:60]}! Your progress is saved as you go.")

        self.push_screen(
            PromptScreen(
                "Your name, for the workshop's room report",
                "",
                "Enter to confirm; Esc to stay anonymous. Other attendees never see it.",
            ),
            done,
        )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:  # type: ignore[type-arg]
        for command in super().get_system_commands(screen):
            # A screenshot would be written where the server runs, not for the attendee.
            if self.served and command.title == "Screenshot":
                continue
            yield command

    # -- narrow layout ---------------------------------------------------------------------------
    def _has_views(self) -> bool:
        return bool(getattr(self.screen, "VIEWS", ())) and self.screen.has_class("-narrow")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_view":
            return self._has_views()
        return True

    def action_next_view(self) -> None:
        """Ctrl+G: the next tab of the narrow layout (F11/F12 are the browser's)."""
        view = getattr(self.screen, "action_view", None)
        if callable(view):
            view(1)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.refresh_bindings)

    # -- navigation -------------------------------------------------------------------------------
    def open_lesson(self, lesson_id: str) -> None:
        from k8snet_tutor.tui.screens.lesson import LessonScreen

        lesson = self.session.lesson(lesson_id)
        if lesson is None:
            self.notify(f"No lesson with id {lesson_id!r}.", severity="error")
            return
        screen = LessonScreen(self.session, lesson)
        if isinstance(self.screen, LessonScreen):
            self.switch_screen(screen)
        else:
            self._pop_to_home()
            self.push_screen(screen)

    def on_open_lesson(self, message: OpenLesson) -> None:
        self.open_lesson(message.lesson_id)

    def action_home(self) -> None:
        self._pop_to_home()

    def action_sandbox(self) -> None:
        from k8snet_tutor.tui.screens.sandbox import EXAMPLE

        self._pop_to_home()
        self._push_sandbox(EXAMPLE, [])

    def _push_sandbox(self, text: str, files: list[str]) -> None:
        from k8snet_tutor.tui.screens.sandbox import SandboxScreen

        self.push_screen(SandboxScreen(text, files, ipblocks=self.ipblocks))

    def action_help(self) -> None:
        from k8snet_tutor.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def flush(self) -> None:
        """Save what every open lesson holds (its last keystrokes may still be debouncing)."""
        for screen in self.screen_stack:
            flush = getattr(screen, "flush", None)
            if callable(flush):
                flush()

    async def action_quit(self) -> None:
        confirm = getattr(self.screen, "confirm_quit", None)
        if callable(confirm) and confirm():
            return  # the screen asks first (unsaved sandbox edits)
        self.flush()
        await super().action_quit()

    def _pop_to_home(self) -> None:
        self.flush()
        while len(self.screen_stack) > 2:
            self.pop_screen()

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"
