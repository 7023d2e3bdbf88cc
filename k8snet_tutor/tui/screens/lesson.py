"""The lesson screen: lesson text, the YAML editor, the live matrix, the checks, and success."""

from __future__ import annotations

import time

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Markdown, Static
from textual.worker import get_current_worker

from k8snet_tutor.learning.checks import CheckReport
from k8snet_tutor.learning.evaluation import Evaluation, LessonEvaluator
from k8snet_tutor.learning.lesson import Lesson
from k8snet_tutor.tui import help_data
from k8snet_tutor.tui.check_lines import append_check
from k8snet_tutor.tui.help_data import TOPIC_NAMES
from k8snet_tutor.tui.messages import (
    HintRevealed,
    LessonPassed,
    LessonReset,
    OpenLesson,
    ProgressSaved,
    SolutionShown,
)
from k8snet_tutor.tui.screens.modals import ConfirmScreen, DiffScreen, YamlViewScreen, unified_diff
from k8snet_tutor.tui.screens.workbench import WorkbenchScreen
from k8snet_tutor.tui.session import Session
from k8snet_tutor.tui.widgets.yaml_editor import YamlEditor


class LessonScreen(WorkbenchScreen):
    """One lesson: read, edit, watch the matrix, pass the checks."""

    is_lesson_screen = True
    LAYOUT_KEY = "lesson"
    VIEWS = (("lesson", "Lesson"), ("yaml", "YAML"), ("matrix", "Matrix"), ("checks", "Checks"))
    VIEW_FOCUS = {
        "lesson": "#lesson-pane",
        "yaml": "#editor",
        "matrix": "#matrix",
        "checks": "#checks-pane",
    }

    BINDINGS = [
        *help_data.bindings(help_data.LESSON_KEYS),
        Binding("f11", "view(-1)", "Prev view", show=False, priority=True),
        Binding("f12", "view(1)", "Next view", show=False, priority=True),
    ]

    def __init__(self, session: Session, lesson: Lesson) -> None:
        super().__init__()
        self.session = session
        self.lesson = lesson
        self._evaluator: LessonEvaluator | None = None  # made by the first evaluation
        self.passed = False
        self.passed_announced = False
        self.opened_at = time.monotonic()
        self._success_rendered = False
        self._flushed = False
        state = session.state(lesson.id)
        if state.yaml is None and not state.hints_used and not state.completed:
            # A lesson never worked on opens on its text (the task is there), whatever tab the
            # learner used last; the remembered tab is for coming back to a lesson.
            self.view = self.VIEWS[0][0]

    # -- layout -----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        lessons = self.session.lessons
        index = (lessons.index(self.lesson.id) or 0) + 1
        yield Static(self._title_text(index, len(lessons)), id="title")
        yield from self.compose_view_tabs()
        with Horizontal(id="body"):
            with Vertical(id="left"):
                with VerticalScroll(id="lesson-pane"):
                    yield Markdown(self._lesson_markdown(), id="lesson-text")
                yield YamlEditor(self.session.yaml_for(self.lesson), id="editor")
            with Vertical(id="right"):
                yield from self.compose_matrix()
                with VerticalScroll(id="checks-pane"):
                    with Vertical(id="success"):
                        yield Static("", id="success-title")
                        yield Markdown("", id="success-text")
                        with Horizontal(id="success-buttons"):
                            yield Button("Next lesson (F8)", id="next", variant="success")
                    yield Static("", id="checks")
        yield Static("", id="status")
        yield Footer(compact=True)

    def _title_text(self, index: int, total: int) -> Text:
        text = Text()
        text.append(f" Lesson {index}/{total} ", style="bold reverse")
        text.append(f" {self.lesson.title} ", style="bold")
        topic = TOPIC_NAMES.get(self.lesson.topic, self.lesson.topic)
        text.append(
            f" {topic} · {'●' * self.lesson.difficulty} · ~{self.lesson.minutes} min", style="dim"
        )
        return text

    def _lesson_markdown(self) -> str:
        parts = [self.lesson.introduction.strip()]
        used = min(self.session.state(self.lesson.id).hints_used, len(self.lesson.hints))
        if used:
            parts.append("\n## Hints\n")
            for i, hint in enumerate(self.lesson.hints[:used], 1):
                parts.append(f"{i}. {hint}")
        remaining = len(self.lesson.hints) - used
        if remaining:
            parts.append(
                f"\n*{remaining} hint{'s' if remaining != 1 else ''} available: press F2.*"
            )
        return "\n".join(parts) + "\n"

    def on_mount(self) -> None:
        super().on_mount()
        self.session.set_current(self.lesson.id)
        self.query_one("#success").display = False
        if self.has_class("-narrow"):
            self._focus_view()
        else:
            self.editor.focus()
        self.schedule_evaluation(immediate=True)

    def show_view_of(self, widget_id: str) -> None:
        view = {"matrix": "matrix", "editor": "yaml", "checks": "checks", "lesson": "lesson"}.get(
            widget_id
        )
        if view and self.has_class("-narrow") and view != self.view:
            self._show_view(view)

    # -- evaluation -------------------------------------------------------------------------------
    def compute(self, text: str) -> Evaluation:
        # In the worker thread: reading the background stays off the UI thread.
        evaluator = self._evaluator
        if evaluator is None:
            evaluator = self._evaluator = LessonEvaluator(self.lesson)
        return evaluator.evaluate(text)

    def _remember_yaml(self, text: str) -> None:
        """Keep the learner's YAML (an untouched starter is not worth remembering)."""
        if text != self.lesson.starter or self.session.state(self.lesson.id).yaml is not None:
            self.session.set_yaml(self.lesson.id, text)

    def evaluated(self, evaluation: Evaluation) -> None:
        self._remember_yaml(evaluation.text)
        self.passed = evaluation.passed
        if self.passed and not self.passed_announced:
            self.session.record_pass(self.lesson.id, evaluation.text)
        self._save(background=True)
        self._render_checks(evaluation)
        self._render_success()
        if self.passed and not self.passed_announced:
            self.passed_announced = True
            self.post_message(LessonPassed(self.lesson.id))
            if self.has_class("-narrow"):
                self.notify(
                    "All checks pass! The closing explanation is in the Checks view.",
                    title="Lesson passed",
                )
        elif not self.passed:
            self.passed_announced = False

    def _save(self, background: bool = False) -> None:
        """Save the progress: now, or (as the learner types) in a thread worker."""
        if background:
            self._write_progress()
            return
        try:
            self.session.save()
        except OSError as exc:
            self.notify(f"Could not save progress: {exc}", severity="error")
            return
        self.post_message(ProgressSaved(str(self.session.progress_file)))

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _write_progress(self) -> None:
        """Write the progress as it is now; a newer save replaces one not yet started."""
        if get_current_worker().is_cancelled:
            return
        try:
            self.session.save()
        except OSError as exc:
            self.app.call_from_thread(
                self.notify, f"Could not save progress: {exc}", severity="error"
            )
            return
        self.post_message(ProgressSaved(str(self.session.progress_file)))

    def _render_checks(self, evaluation: Evaluation) -> None:
        report = evaluation.report
        text = Text()
        if report is None:
            self.set_text("#checks", text)
            return
        results = list(report.results)
        stale_from = None
        good = self.state.current  # the last evaluation of valid YAML
        last_good: CheckReport | None = good.report if good is not None else None
        if evaluation.errors and last_good is not None:
            # While the YAML is broken, the goal checks are those of the last valid YAML
            # (like the matrix): only the validity check is live.
            results = [r for r in results if r.type == "valid"]
            stale_from = len(results)
            results += [r for r in last_good.results if r.type != "valid"]
        ok = sum(1 for r in results if r.passed)
        text.append(f"Checks {ok}/{len(results)}\n", style="bold")
        for i, r in enumerate(results):
            if i == stale_from:
                text.append(
                    "   (the checks below are from your last valid YAML)\n", style="dim italic"
                )
            append_check(text, r, max_reasons=2, more=" (see the ! cells)")
        warnings = self.warnings_text(evaluation)
        if warnings.plain:
            text.append("\n")
            text.append_text(warnings)
        self.set_text("#checks", text)

    def _render_success(self) -> None:
        success = self.query_one("#success")
        if success.display != self.passed:
            success.display = self.passed
        if not self.passed or self._success_rendered:
            return
        self._success_rendered = True
        self.set_text(
            "#success-title",
            Text(
                "✓ Lesson passed! Keep experimenting, or move on when you are ready.",
                style="bold green",
            ),
        )
        body = self.lesson.explanation.strip()
        if self.lesson.remember:
            body += f"\n\n**Remember:** {self.lesson.remember}"
        self.query_one("#success-text", Markdown).update(body)
        nxt = self.session.lessons.next_lesson(self.lesson.id)
        button = self.query_one("#next", Button)
        button.label = f"Next: {nxt.title} (F8)" if nxt else "Back to the lessons (Esc)"

    def update_status(self) -> None:
        evaluation = self.last
        text = Text()
        if evaluation is not None and evaluation.errors:
            text.append_text(self.problems_text(evaluation))
            text.append("The matrix shows your last valid YAML.", style="dim")
        elif self.model is not None:
            wrong = self.state.wrong
            if self.passed:
                text.append("✓ All checks pass", style="bold green")
            elif wrong:
                text.append(
                    f"{wrong} cell{'s' if wrong != 1 else ''} still wrong", style="bold yellow"
                )
            else:
                text.append("The matrix matches the goal", style="green")
            report = evaluation.report if evaluation else None
            if report is not None:
                ok = sum(1 for r in report.results if r.passed)
                text.append(f" · checks {ok}/{len(report.results)}")
            text.append(f" · port {self.port}", style="dim")
        self.set_text("#status", text)
        self.set_class(bool(evaluation and evaluation.errors), "-has-errors")

    def update_matrix_summary(self) -> None:
        if self.model is None:
            return
        wrong = self.state.wrong
        here = len(self.model.grid(self.port).wrong)  # on the port shown
        text = Text()
        if not wrong:
            text.append(" matches the goal ✓", style="bold green")
        elif here == wrong:
            text.append(
                f" {wrong} cell{'s' if wrong != 1 else ''} still wrong", style="bold yellow"
            )
        else:
            text.append(f" {here} wrong here", style="bold yellow" if here else "yellow")
            text.append(f", {wrong} on all ports (n: next)", style="yellow")
        changed = self.changed_cells
        if changed:
            text.append(f"  *{len(changed)} changed", style="bold")
        if self.stale:
            text.append("  (stale)", style="bold red")
        self.set_text("#matrix-summary", text)

    # -- actions ----------------------------------------------------------------------------------
    async def action_hint(self) -> None:
        hints = self.lesson.hints
        used = self.session.state(self.lesson.id).hints_used
        if used >= len(hints):
            if hints:
                self.notify("That was the last hint. F4 shows the reference solution.")
            else:
                self.notify("This lesson has no hints.")
            return
        self.session.reveal_hint(self.lesson.id)
        self._save()
        await self.query_one("#lesson-text", Markdown).update(self._lesson_markdown())
        self.show_view_of("lesson")
        self.call_after_refresh(self._scroll_to_latest_hint)
        self.post_message(HintRevealed(self.lesson.id, used, hints[used]))

    def _scroll_to_latest_hint(self) -> None:
        """Bring the hint just revealed into view: the whole of it when it fits, else its top.
        Hints are the last numbered list of the lesson text."""
        pane = self.query_one("#lesson-pane", VerticalScroll)
        hint_lists = self.query_one("#lesson-text", Markdown).query("MarkdownOrderedList")
        items = hint_lists.last().children if hint_lists else None  # one row per item
        if not items:
            pane.scroll_end(animate=False)
            return
        hint = items[-1]
        tall = hint.outer_size.height > pane.scrollable_content_region.height
        pane.scroll_to_widget(hint, animate=False, top=tall)

    def action_background(self) -> None:
        self.app.push_screen(
            YamlViewScreen(
                f"Background cluster of “{self.lesson.title}” (read-only)",
                self.lesson.cluster_yaml(),
                "Your YAML is added to these objects. Esc closes.",
            )
        )

    def action_reset(self) -> None:
        def done(yes: bool | None) -> None:
            if yes:
                self.session.reset_yaml(self.lesson.id)
                self._save()
                self.set_editor_text(self.lesson.starter)
                self.notify("Your YAML is back to the starter.")
                self.post_message(LessonReset(self.lesson.id))

        self.app.push_screen(
            ConfirmScreen(
                "Reset your YAML to the starter?", "Your current YAML will be lost.", yes="Reset"
            ),
            done,
        )

    def action_solution(self) -> None:
        state = self.session.state(self.lesson.id)
        if not self.lesson.solution:
            self.notify("This lesson has no reference solution.")
            return
        if self.passed or state.completed:
            self._show_solution()
            return
        left = len(self.lesson.hints) - state.hints_used
        if left > 0:
            self.notify(
                f"The solution unlocks once you pass, or after the last hint (F2: {left} left).",
                title="Not yet",
            )
            return

        def done(yes: bool | None) -> None:
            if yes:
                self._show_solution()

        self.app.push_screen(
            ConfirmScreen(
                "Show the reference solution?",
                "Trying a little longer often teaches more. The solution is shown as a diff against your YAML.",
                yes="Show it",
                no="Keep trying",
            ),
            done,
        )

    def _show_solution(self) -> None:
        diff = unified_diff(
            self.editor.text, self.lesson.solution, "your YAML", "reference solution"
        )
        self.post_message(SolutionShown(self.lesson.id, diff))
        self.app.push_screen(
            DiffScreen(
                "Reference solution (diff against your YAML)",
                diff,
                "Lines with - are yours, lines with + are the solution's. Other solutions can pass too.",
            )
        )

    def action_save(self) -> None:
        self._remember_yaml(self.editor.text)
        self._save()
        self.notify(f"Saved to {self.session.progress_file}")

    def action_next_lesson(self) -> None:
        nxt = self.session.lessons.next_lesson(self.lesson.id)
        if nxt is None:
            self.notify("This is the last lesson.")
            return
        self.post_message(OpenLesson(nxt.id))

    def action_previous_lesson(self) -> None:
        prev = self.session.lessons.previous_lesson(self.lesson.id)
        if prev is None:
            self.notify("This is the first lesson.")
            return
        self.post_message(OpenLesson(prev.id))

    @on(Button.Pressed, "#next")
    def _next_pressed(self) -> None:
        if self.session.lessons.next_lesson(self.lesson.id) is None:
            self.action_back()
        else:
            self.action_next_lesson()

    def action_back(self) -> None:
        self._remember_yaml(self.editor.text)
        self._save()
        self.app.action_home()  # type: ignore[attr-defined]

    def flush(self) -> None:
        """Save the YAML and the time spent now (leaving the lesson, quitting the app)."""
        if self._flushed:
            return
        self._flushed = True
        try:
            self._remember_yaml(self.editor.text)
            self.session.add_time(self.lesson.id, time.monotonic() - self.opened_at)
            self.session.save()
        except Exception as exc:  # never lose the exit over a save problem
            self.log.error(f"could not save progress: {exc}")

    def on_unmount(self) -> None:
        self.flush()
