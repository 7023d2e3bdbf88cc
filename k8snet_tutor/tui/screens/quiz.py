"""The quiz in the terminal: one question at a time, a progress bar, and a review at the end.

`QuizScreen` asks the questions chosen by `learning.quiz.select_questions` and grades each answer
with `learning.quiz.grade` (the matrix key comes from the evaluator; fix questions run the lesson
checks). At the end it builds a `QuizResult`, saves it (JSON and Markdown) and adds it to the
progress history, then shows the review: the score per topic, every wrong answer explained and
the lessons to study next.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from rich.syntax import Syntax
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import (
    Button,
    ContentSwitcher,
    Footer,
    Input,
    Label,
    Markdown,
    OptionList,
    ProgressBar,
    RadioButton,
    RadioSet,
    SelectionList,
    Static,
    TextArea,
)

from k8snet_tutor.learning.checks import CheckReport
from k8snet_tutor.learning.lesson import LessonSet, discover
from k8snet_tutor.learning.quiz import (
    AnyQuestion,
    Bank,
    BugQuestion,
    ChoiceQuestion,
    FixQuestion,
    Grade,
    MatrixQuestion,
    check_fix,
    cluster_summary,
    grade,
    matrix_cells,
    matrix_key,
)
from k8snet_tutor.learning.results import (
    QuizResult,
    build_result,
    record_history,
    save_results,
)
from k8snet_tutor.tui.check_lines import append_check
from k8snet_tutor.tui.widgets.matrix_answer import MatrixAnswer
from k8snet_tutor.tui.widgets.yaml_editor import YamlEditor


def _clock(seconds: float) -> str:
    s = max(int(seconds), 0)
    return f"{s // 60}:{s % 60:02d}"


class QuizScreen(Screen[QuizResult | None]):
    """Asks the questions one by one, then shows the review. Dismissed with the result."""

    DEFAULT_CSS = """
    QuizScreen { layout: vertical; }
    QuizScreen #quiz-title { padding: 0 1; text-style: bold; background: $primary-background; }
    QuizScreen #quiz-status { height: 1; padding: 0 1; }
    QuizScreen #quiz-progress { width: auto; }
    QuizScreen #quiz-counter { width: 1fr; padding: 0 2; }
    QuizScreen #quiz-timer { width: auto; padding: 0 1; }
    QuizScreen #quiz-timer.-late { color: $error; text-style: bold; }
    QuizScreen #quiz-body { height: 1fr; }
    QuizScreen #quiz-body > VerticalScroll { padding: 0 1; }
    QuizScreen .quiz-meta { color: $text-muted; margin: 1 0 0 0; }
    QuizScreen .quiz-note { color: $text-muted; margin: 0 0 1 0; }
    QuizScreen .quiz-block { margin: 0 0 1 0; }
    QuizScreen MatrixAnswer { height: auto; max-height: 16; margin: 0 0 1 0; }
    QuizScreen #answer-line { height: auto; max-height: 24; }
    QuizScreen #answer-yaml { height: 18; }
    QuizScreen #quiz-buttons { height: auto; dock: bottom; padding: 0 1; margin-bottom: 1; }
    QuizScreen #quiz-buttons Button { margin-right: 2; }
    QuizScreen #quiz-review-head { height: auto; margin: 1 0 0 0; }
    QuizScreen #quiz-score { text-style: bold; width: 1fr; padding: 1 0; }
    QuizScreen #quiz-name { width: 40; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # F8 as in lessons; a browser never passes Ctrl+N to the page (it opens a window).
        Binding("f8,ctrl+n", "next", "Next"),
        Binding("ctrl+s", "skip", "Skip"),
        Binding("ctrl+r", "check", "Check YAML"),
        Binding("escape", "close_review", "Close"),
    ]

    class Finished(Message):
        """The last question was answered; the result is saved (unless saving is off)."""

        def __init__(self, result: QuizResult, saved: tuple[Path, ...]) -> None:
            super().__init__()
            self.result = result
            self.saved = saved

    def __init__(
        self,
        bank: Bank,
        questions: Sequence[AnyQuestion],
        *,
        seed: int,
        name: str | None = None,
        ask_name: bool = True,
        lessons: LessonSet | None = None,
        results: str | None = None,
        results_dir: str | None = None,
        save: bool = True,
        topics: Sequence[str] = (),
        count: int | None = None,
    ) -> None:
        super().__init__()
        self.bank = bank
        self.questions = list(questions)
        self.seed = seed
        self.learner = name
        self.ask_name = ask_name
        self.lessons = lessons
        self.results_target = results
        self.results_dir = results_dir
        self.save = save
        self.topics = list(topics)
        self.count = count
        self.index = -1
        self.grades: list[Grade] = []
        self.times: list[float | None] = []
        self.result: QuizResult | None = None
        self.saved: tuple[Path, ...] = ()
        self.started_at = ""
        self._shown_at = 0.0
        self._deadline: float | None = None
        self._picked_line: int | None = None
        self._busy = False

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Quiz: {self.bank.title}"), id="quiz-title")
        with Horizontal(id="quiz-status"):
            yield ProgressBar(total=len(self.questions), show_eta=False, id="quiz-progress")
            yield Static("", id="quiz-counter")
            yield Static("", id="quiz-timer")
        with ContentSwitcher(initial="quiz-start", id="quiz-body"):
            with VerticalScroll(id="quiz-start"):
                yield Markdown(self._intro(), id="quiz-intro")
                if self.ask_name:
                    yield Label("Your name (optional; it is written in the results file):")
                    yield Input(value=self.learner or "", placeholder="anonymous", id="quiz-name")
                yield Button("Start the quiz", id="quiz-begin", variant="primary")
            yield VerticalScroll(id="quiz-question")
            with VerticalScroll(id="quiz-review"):
                with Horizontal(id="quiz-review-head"):
                    yield Static("", id="quiz-score")
                    yield Button("Close", id="quiz-close", variant="primary")
                yield Markdown("", id="quiz-review-text")
        with Horizontal(id="quiz-buttons"):
            yield Button("Next", id="quiz-next", variant="primary")
            yield Button("Skip", id="quiz-skip")
            yield Button("Check YAML", id="quiz-check")
        yield Footer()

    def _intro(self) -> str:
        types = sorted({q.type_name for q in self.questions})
        topics = sorted({q.topic for q in self.questions})
        fixes = [q for q in self.questions if isinstance(q, FixQuestion)]
        lines = [f"## {self.bank.title}", ""]
        if self.bank.description:
            lines += [self.bank.description, ""]
        lines += [
            f"- **{len(self.questions)} questions** ({', '.join(types)})",
            f"- topics: {', '.join(topics)}",
            f"- seed {self.seed} (the same seed gives the same questions in the same order)",
        ]
        if fixes:
            lines.append(
                "- fix-the-YAML questions have a time limit, shown at the top; when it runs out "
                "your YAML is handed in as it is"
            )
        lines += [
            "",
            "Answer with the keyboard or the mouse; **Next** (F8 or ctrl+n) hands in an answer, "
            "**Skip** (ctrl+s) leaves it blank. The review at the end explains every wrong answer.",
        ]
        return "\n".join(lines)

    def on_mount(self) -> None:
        self.query_one("#quiz-buttons").display = False
        self.set_interval(1.0, self._tick)
        if self.ask_name:
            self.query_one("#quiz-name", Input).focus()
        else:
            self.query_one("#quiz-begin", Button).focus()

    # -- flow ---------------------------------------------------------------------------------

    @on(Button.Pressed, "#quiz-begin")
    @on(Input.Submitted, "#quiz-name")
    async def start_quiz(self) -> None:
        if self.index >= 0:
            return
        if self.ask_name:
            typed = self.query_one("#quiz-name", Input).value.strip()
            self.learner = typed or None
        from k8snet_tutor.learning.progress import now_iso

        self.started_at = now_iso()
        self.query_one("#quiz-buttons").display = True
        await self.show_question(0)

    async def show_question(self, index: int) -> None:
        self.index = index
        q = self.questions[index]
        self._picked_line = None
        self._deadline = None
        container = self.query_one("#quiz-question", VerticalScroll)
        await container.remove_children()
        await container.mount_all(self._widgets(q))
        # Markdown lays its blocks out after mounting: wait for them, so the scrolling below
        # sees the question's final height.
        await container.query_one(".quiz-prompt", Markdown).update(q.prompt)
        container.scroll_home(animate=False)
        self.query_one("#quiz-body", ContentSwitcher).current = "quiz-question"
        self.query_one("#quiz-counter", Static).update(
            Text(f"Question {index + 1} of {len(self.questions)} · {q.topic} · {q.type_name}")
        )
        self.query_one("#quiz-check").display = isinstance(q, FixQuestion)
        self.query_one("#quiz-next", Button).label = (
            "Finish" if index + 1 == len(self.questions) else "Next"
        )
        self.refresh_bindings()
        if isinstance(q, FixQuestion):
            self._deadline = time.monotonic() + q.time_limit
        self._tick()
        self._shown_at = time.monotonic()
        answer = next(iter(container.query(".quiz-answer")), None)
        if answer is not None:
            answer.focus(scroll_visible=False)
        self.call_after_refresh(self._show_active_part, q)

    def _show_active_part(self, q: AnyQuestion) -> None:
        """Once laid out: a fix question opens at the top of its text (the task, then the
        editor below it); any other question scrolls its answer widget into view (all of it
        when it fits, its top otherwise), keeping as much of the question above as fits."""
        container = self.query_one("#quiz-question", VerticalScroll)
        answer = next(iter(container.query(".quiz-answer")), None)
        if isinstance(q, FixQuestion) or answer is None:
            container.scroll_home(animate=False)
            return
        tall = answer.outer_size.height > container.scrollable_content_region.height
        container.scroll_to_widget(answer, animate=False, top=tall)

    def _widgets(self, q: AnyQuestion) -> list[Widget]:
        out: list[Widget] = [
            Static(
                Text(f"Question {self.index + 1} · {q.topic} · {q.type_name} · {q.id}"),
                classes="quiz-meta",
            ),
            Markdown(q.prompt, classes="quiz-prompt"),
        ]
        if isinstance(q, ChoiceQuestion):
            if q.several:
                out.append(Static("Select every right option (space ticks).", classes="quiz-note"))
                out.append(
                    SelectionList[str](
                        *[(Text(f"{o.shown}) {o.text}"), o.id) for o in q.options],
                        id="answer-choices",
                        classes="quiz-answer",
                    )
                )
            else:
                out.append(
                    RadioSet(
                        *[
                            RadioButton(Text(f"{o.shown}) {o.text}"), id=f"option-{o.id}")
                            for o in q.options
                        ],
                        id="answer-choice",
                        classes="quiz-answer",
                    )
                )
        elif isinstance(q, MatrixQuestion):
            key = matrix_key(q)
            out.append(
                Static(
                    Text("\n".join(["The cluster:", *cluster_summary(q.cluster)])),
                    classes="quiz-block",
                )
            )
            if q.policies.strip():
                out.append(Static(Text("The policies:"), classes="quiz-note"))
                out.append(
                    Static(
                        Syntax(q.policies.rstrip(), "yaml", theme="ansi_dark", word_wrap=True),
                        classes="quiz-block",
                    )
                )
            else:
                out.append(Static(Text("There are no NetworkPolicies."), classes="quiz-block"))
            out.append(
                Static(
                    Text(
                        f"Predict every cell on {q.port} (rows: from, columns: to). "
                        "a = allowed ✓, d = denied ✗, space/enter toggles, arrows move."
                    ),
                    classes="quiz-note",
                )
            )
            out.append(
                MatrixAnswer(
                    key.sources,
                    key.destinations,
                    matrix_cells(q),
                    id="answer-matrix",
                ).add_class("quiz-answer")
            )
        elif isinstance(q, BugQuestion):
            if q.background.strip():
                out.append(
                    Static(
                        Text("\n".join(["Around it:", *cluster_summary(q.background)])),
                        classes="quiz-block",
                    )
                )
            out.append(
                Static(Text("Pick the line that causes it (enter or click):"), classes="quiz-note")
            )
            width = len(str(len(q.lines)))
            out.append(
                OptionList(
                    *[Text(f"{n:>{width}} │ {line}") for n, line in enumerate(q.lines, 1)],
                    id="answer-line",
                    classes="quiz-answer",
                )
            )
            out.append(Static(Text("No line picked yet."), id="bug-picked", classes="quiz-note"))
        else:
            if q.background.strip():
                out.append(
                    Static(
                        Text(
                            "\n".join(["The cluster (read-only):", *cluster_summary(q.background)])
                        ),
                        classes="quiz-block",
                    )
                )
            goal = ["The goal (every check must pass):"]
            for c in q.goal:
                goal.append(f"  - {c.description}")
                details = c.details()
                if details and details != [c.description]:
                    goal.extend(f"      {line}" for line in details)
            out.append(Static(Text("\n".join(goal)), classes="quiz-block"))
            out.append(
                Static(
                    Text(
                        f"Time limit {_clock(q.time_limit)}. Edit the YAML, ctrl+r checks it, "
                        "Next hands it in."
                    ),
                    classes="quiz-note",
                )
            )
            out.append(YamlEditor(q.starter, id="answer-yaml").add_class("quiz-answer"))
            out.append(Static("", id="fix-result", classes="quiz-block"))
        return out

    def _tick(self) -> None:
        timer = self.query_one("#quiz-timer", Static)
        if self._deadline is None or self.index < 0 or self.result is not None:
            timer.update("")
            return
        left = self._deadline - time.monotonic()
        timer.update(Text(f"time left {_clock(math.ceil(left))}"))
        timer.set_class(left <= 30, "-late")
        if left <= 0 and not self._busy:
            self.notify("Time is up: your YAML was handed in as it is.", severity="warning")
            self.run_worker(self._submit(skip=False), exclusive=True)

    @on(OptionList.OptionSelected, "#answer-line")
    def _line_picked(self, event: OptionList.OptionSelected) -> None:
        self._picked_line = event.option_index + 1
        q = self.questions[self.index]
        assert isinstance(q, BugQuestion)
        text = q.lines[event.option_index].strip()
        self.query_one("#bug-picked", Static).update(
            Text(f"You picked line {self._picked_line}: {text}")
        )

    def current_answer(self) -> Any:
        """The answer the widgets hold now (None: nothing chosen)."""
        q = self.questions[self.index]
        if isinstance(q, ChoiceQuestion):
            if q.several:
                chosen = set(self.query_one("#answer-choices", SelectionList).selected)
                return chosen or None
            idx = self.query_one("#answer-choice", RadioSet).pressed_index
            return {q.options[idx].id} if idx >= 0 else None
        if isinstance(q, MatrixQuestion):
            values = self.query_one("#answer-matrix", MatrixAnswer).answer()
            return values or None
        if isinstance(q, BugQuestion):
            return self._picked_line
        return self.query_one("#answer-yaml", TextArea).text

    async def _submit(self, *, skip: bool) -> None:
        if self._busy or self.index < 0 or self.result is not None:
            return
        self._busy = True
        try:
            q = self.questions[self.index]
            answer = None if skip else self.current_answer()
            over = self._deadline is not None and time.monotonic() > self._deadline + 1
            self.grades.append(grade(q, answer, over_time=over))
            self.times.append(round(time.monotonic() - self._shown_at, 1))
            self.query_one("#quiz-progress", ProgressBar).advance(1)
            if self.index + 1 < len(self.questions):
                await self.show_question(self.index + 1)
            else:
                await self.finish()
        finally:
            self._busy = False

    async def finish(self) -> None:
        from k8snet_tutor.learning.progress import now_iso

        self._deadline = None
        lessons = self.lessons if self.lessons is not None else discover()
        result = build_result(
            self.bank,
            self.grades,
            seed=self.seed,
            seconds=self.times,
            name=self.learner,
            started_at=self.started_at,
            finished_at=now_iso(),
            topics=self.topics,
            count=self.count,
            lessons=lessons,
        )
        self.result = result
        notes: list[str] = []
        if self.save:
            try:
                self.saved = save_results(result, self.results_target, folder=self.results_dir)
            except OSError as exc:
                notes.append(f"Could not save the results: {exc}")
        notes.extend(
            f"Warning: {w}" for w in record_history(result, self.saved[0] if self.saved else None)
        )
        self.query_one("#quiz-buttons").display = False
        self.query_one("#quiz-counter", Static).update(Text("Review"))
        self.query_one("#quiz-timer", Static).update("")
        self.query_one("#quiz-score", Static).update(Text(f"Score: {result.score_text()}"))
        # The review names lessons by title, as the lesson list does (issue 13).
        text = result.to_markdown({lesson.id: lesson.title for lesson in lessons})
        if self.saved:
            text += "\n\nSaved to " + " and ".join(f"`{p}`" for p in self.saved) + ".\n"
        if notes:
            text += "\n\n" + "\n".join(f"- {n}" for n in notes) + "\n"
        await self.query_one("#quiz-review-text", Markdown).update(text)
        self.query_one("#quiz-body", ContentSwitcher).current = "quiz-review"
        self.query_one("#quiz-close", Button).focus()
        self.refresh_bindings()
        self.post_message(self.Finished(result, self.saved))

    # -- actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        asking = self.index >= 0 and self.result is None
        if action in ("next", "skip"):
            return asking
        if action == "check":
            return asking and isinstance(self.questions[self.index], FixQuestion)
        if action == "close_review":
            return self.result is not None
        return True

    @on(Button.Pressed, "#quiz-next")
    async def action_next(self) -> None:
        await self._submit(skip=False)

    @on(Button.Pressed, "#quiz-skip")
    async def action_skip(self) -> None:
        await self._submit(skip=True)

    @on(Button.Pressed, "#quiz-check")
    def action_check(self) -> None:
        if self.index < 0 or self.result is not None:
            return
        q = self.questions[self.index]
        if not isinstance(q, FixQuestion):
            return
        report = check_fix(q, self.query_one("#answer-yaml", TextArea).text)
        result = self.query_one("#fix-result", Static)
        result.update(fix_result_text(report))
        # Every check's line, not only the first two: bring the whole result into view.
        self.call_after_refresh(result.scroll_visible, animate=False)

    def on_yaml_editor_left(self, event: YamlEditor.Left) -> None:
        """Esc in the fix editor: on to the buttons (tab indents there)."""
        event.stop()
        self.focus_next()

    @on(Button.Pressed, "#quiz-close")
    def close_review(self) -> None:
        self.dismiss(self.result)

    def action_close_review(self) -> None:
        if self.result is not None:
            self.close_review()


def fix_result_text(report: CheckReport) -> Text:
    """A fix question's check (Ctrl+R): the count, then every check as a ✓/✗ line with all its
    reasons, as the lessons show them."""
    ok = sum(1 for r in report.results if r.passed)
    total = len(report.results)
    text = Text()
    text.append(f"Checks {ok}/{total}", style="bold")
    if ok == total:
        text.append("  ✓ all pass", style="bold green")
    text.append("\n")
    for r in report.results:
        append_check(text, r)
    return text
