"""The home screen: lessons grouped by topic with completion marks, overall progress,
"continue where you left off", and a short welcome the first time."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from k8snet_tutor.learning.lesson import Lesson
from k8snet_tutor.tui import help_data
from k8snet_tutor.tui.help_data import TOPIC_NAMES
from k8snet_tutor.tui.messages import OpenLesson
from k8snet_tutor.tui.session import Session

WELCOME = """\
**Welcome!** This tutor teaches Kubernetes networking (pods, labels, Services and
NetworkPolicy) with a live evaluator: no cluster needed. Each lesson explains one idea, then you
edit YAML and watch a connectivity matrix change until it matches the goal.
Pick a lesson and press **Enter**, or **c** to start at the beginning. **F1** shows help.
"""


class HomeScreen(Screen[None]):
    BINDINGS = help_data.bindings(help_data.HOME_KEYS)  # type: ignore[assignment]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Static(
            Text.assemble((" k8snet-tutor ", "bold reverse"), "  Kubernetes networking, hands on"),
            id="title",
        )
        if self.session.first_time:
            yield Markdown(WELCOME, id="welcome")
        with Horizontal(id="home-body"):
            with Vertical(id="lesson-column"):
                yield Static("", id="overall")
                yield Static("", id="continue")
                yield OptionList(id="lessons")
            with VerticalScroll(id="details"):
                yield Markdown("", id="details-text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._apply_size(self.app.size.width, self.app.size.height)
        self.refresh_lessons()
        self.query_one("#lessons", OptionList).focus()

    def on_screen_resume(self) -> None:
        self.refresh_lessons()

    def on_resize(self, event: events.Resize) -> None:
        self._apply_size(event.size.width, event.size.height)

    def _apply_size(self, width: int, height: int) -> None:
        self.set_class(width < 100, "-narrow")

    # -- content ----------------------------------------------------------------------------------
    def refresh_lessons(self) -> None:
        session = self.session
        done = session.completed_ids()
        lessons = list(session.lessons)
        total = len(lessons)
        overall = Text()
        overall.append("Progress ", style="bold")
        width = 20
        filled = round(width * len(done & {x.id for x in lessons}) / total) if total else 0
        overall.append("█" * filled, style="green")
        overall.append("░" * (width - filled), style="dim")
        overall.append(f" {len(done & {x.id for x in lessons})}/{total} lessons")
        self.query_one("#overall", Static).update(overall)
        cont = session.continue_lesson()
        cont_text = Text()
        if cont is not None:
            verb = "Continue" if session.started(cont.id) else "Start"
            cont_text.append(f"▶ {verb}: ", style="bold")
            cont_text.append(cont.title)
            cont_text.append("  (c)", style="dim")
        self.query_one("#continue", Static).update(cont_text)

        option_list = self.query_one("#lessons", OptionList)
        highlighted = option_list.highlighted_option.id if option_list.highlighted_option else None
        option_list.clear_options()
        groups = session.lessons.by_topic()
        # Topics in curriculum order: by their first lesson.
        order = sorted(groups, key=lambda t: (min(x.order for x in groups[t]), t))
        options: list[Option | None] = []
        for topic in order:
            items = groups[topic]
            n_done = sum(1 for x in items if x.id in done)
            head = Text(f"{TOPIC_NAMES.get(topic, topic)}  {n_done}/{len(items)}", style="bold")
            options.append(Option(head, id=f"topic:{topic}", disabled=True))
            for lesson in items:
                options.append(Option(self._lesson_line(lesson, done), id=lesson.id))
        option_list.add_options(options)
        target = highlighted or (
            session.current if session.current else (cont.id if cont else None)
        )
        if target is not None:
            try:
                option_list.highlighted = option_list.get_option_index(target)
            except Exception:
                pass
        if option_list.highlighted is None:
            option_list.action_first()
        self._show_details()

    def _lesson_line(self, lesson: Lesson, done: set[str]) -> Text:
        session = self.session
        text = Text()
        if lesson.id in done:
            text.append(" ✓ ", style="bold green")
        elif session.started(lesson.id):
            text.append(" ◐ ", style="bold yellow")
        else:
            text.append("   ")
        text.append(lesson.title)
        text.append(f"  {'●' * lesson.difficulty} {lesson.minutes}m", style="dim")
        if lesson.id == session.current:
            text.append("  ← last", style="italic")
        return text

    def _show_details(self) -> None:
        option_list = self.query_one("#lessons", OptionList)
        option = option_list.highlighted_option
        lesson = self.session.lesson(option.id) if option and option.id else None
        md = self.query_one("#details-text", Markdown)
        if lesson is None:
            md.update("")
            return
        state = self.session.state(lesson.id)
        status = (
            "completed ✓"
            if state.completed
            else ("in progress" if self.session.started(lesson.id) else "not started")
        )
        lines = [
            f"## {lesson.title}",
            f"*{TOPIC_NAMES.get(lesson.topic, lesson.topic)} · difficulty {lesson.difficulty}/3 · "
            f"about {lesson.minutes} minutes · {status}*",
            "",
        ]
        missing = self.session.lessons.missing_prerequisites(
            lesson.id, self.session.completed_ids()
        )
        if missing:
            titles = [getattr(self.session.lesson(m), "title", m) for m in missing]
            lines.append(f"Builds on: {', '.join(titles)}\n")
        intro = lesson.introduction.strip().split("\n\n")[0]
        lines.append(intro)
        if state.hints_used:
            lines.append(f"\n*Hints used: {state.hints_used}/{len(lesson.hints)}*")
        if state.completed and lesson.remember:
            lines.append(f"\n**Remember:** {lesson.remember}")
        md.update("\n".join(lines))

    @on(OptionList.OptionHighlighted, "#lessons")
    def _highlighted(self) -> None:
        self._show_details()

    @on(OptionList.OptionSelected, "#lessons")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and not event.option.id.startswith("topic:"):
            self.post_message(OpenLesson(event.option.id))

    # -- actions ----------------------------------------------------------------------------------
    def action_open(self) -> None:
        option = self.query_one("#lessons", OptionList).highlighted_option
        if option is not None and option.id and not option.id.startswith("topic:"):
            self.post_message(OpenLesson(option.id))

    def action_continue(self) -> None:
        lesson = self.session.continue_lesson()
        if lesson is not None:
            self.post_message(OpenLesson(lesson.id))

    def action_sandbox(self) -> None:
        self.app.action_sandbox()  # type: ignore[attr-defined]
