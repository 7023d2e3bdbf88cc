"""The YAML editor (issue 13): auto-indent, the cursor kept on screen when the error bar appears,
a line:column indicator, no sideways scrolling, the width it gets, colours that follow the
theme, and F2's hint brought into view. Also: the editor uses no private Textual names."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip("textual")

from textual.app import App, ComposeResult  # noqa: E402
from textual.containers import VerticalScroll  # noqa: E402
from textual.widgets import Markdown  # noqa: E402

from k8snet_tutor.tui.screens.lesson import LessonScreen  # noqa: E402
from k8snet_tutor.tui.widgets import yaml_editor  # noqa: E402
from k8snet_tutor.tui.widgets.yaml_editor import YamlEditor, indent_after  # noqa: E402
from tests.test_tui_app import FIXTURES, LESSON, async_test, make_app, settle  # noqa: E402

EDITOR_SOURCE = Path(yaml_editor.__file__)


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_editor, "CURSOR_BLINK", False)


class EditorApp(App[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield YamlEditor(self.text, id="editor")


def cursor_row_visible(editor: YamlEditor) -> bool:
    """Is the line with the cursor inside the editor's visible rows?"""
    _, y = editor.wrapped_document.location_to_offset(editor.cursor_location)
    top = editor.scroll_offset.y
    return top <= y < top + editor.scrollable_content_region.height


# -- auto-indent -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "indent"),
    [
        ("apiVersion: v1", 0),
        ("spec:", 2),
        ("  ingress:", 4),
        ("    - from:", 8),  # a list item that opens a mapping: its keys go two further
        ("    - name: c", 6),  # the next key of the same item lines up with `name`
        ("      app: api", 6),
        ("  # a comment:", 2),  # a comment ending in ':' opens nothing
        ("  ports:   # the pod's ports", 4),
        ("  script: |", 4),
        ("    -", 6),
        ("", 0),
    ],
)
def test_indent_after(before: str, indent: int) -> None:
    assert indent_after(before) == indent


@async_test
async def test_enter_keeps_and_deepens_the_indent() -> None:
    app = EditorApp("spec:\n  ingress:\n    - from:\n        - podSelector: {}\n")
    async with app.run_test(size=(80, 20)) as pilot:
        editor = app.query_one(YamlEditor)
        editor.focus()
        editor.move_cursor((1, len("  ingress:")))
        await pilot.press("enter", *"- from:", "enter", *"- podSelector:", "enter", *"app: x")
        assert editor.text.splitlines()[1:5] == [
            "  ingress:",
            "    - from:",
            "        - podSelector:",
            "            app: x",
        ]
        assert editor.cursor_location == (4, len("            app: x"))
        # Enter after a plain key keeps its indent.
        await pilot.press("enter", *"tier: y")
        assert editor.text.splitlines()[5] == "            tier: y"
        # One undo takes back one line break with its indent.
        await pilot.press("enter")
        assert editor.text.splitlines()[6] == "            "
        editor.undo()
        assert editor.text.splitlines()[5] == "            tier: y"
        assert editor.text.splitlines()[6] == "    - from:"


@async_test
async def test_enter_inside_a_line_and_inside_the_indent() -> None:
    app = EditorApp("spec:\n  podSelector:   {}\n")
    async with app.run_test(size=(80, 20)) as pilot:
        editor = app.query_one(YamlEditor)
        editor.focus()
        # In the middle of a line: the rest moves down, indented, without the spaces around.
        editor.move_cursor((1, len("  podSelector:") + 1))
        await pilot.press("enter")
        assert editor.text.splitlines()[1:3] == ["  podSelector:", "    {}"]
        # Inside the indentation: a new line opens above, this one keeps its indent.
        editor.move_cursor((2, 2))
        await pilot.press("enter")
        assert editor.text.splitlines()[1:4] == ["  podSelector:", "", "    {}"]
        assert editor.cursor_location == (3, 2)
        # Read-only views do not edit.
        editor.read_only = True
        await pilot.press("enter")
        assert editor.text.splitlines()[1:4] == ["  podSelector:", "", "    {}"]


# -- cursor, line:column, wrapping ---------------------------------------------------------------


@async_test
async def test_line_column_indicator_follows_the_cursor() -> None:
    app = EditorApp("spec:\n  podSelector: {}\n")
    async with app.run_test(size=(80, 20)) as pilot:
        editor = app.query_one(YamlEditor)
        editor.focus()
        await pilot.pause()
        assert editor.border_subtitle == "1:1"
        await pilot.press("down", "end")
        assert editor.border_subtitle == "2:18"
        await pilot.press("left", "left")
        assert editor.border_subtitle == "2:16"


@async_test
async def test_long_lines_wrap_instead_of_scrolling_sideways() -> None:
    app = EditorApp("spec:\n  podSelector:\n    matchLabels:\n")
    async with app.run_test(size=(50, 20)) as pilot:
        editor = app.query_one(YamlEditor)
        editor.focus()
        editor.move_cursor((2, len("    matchLabels:")))
        await pilot.press("enter")
        editor.insert("kubernetes.io/metadata.name: a-namespace-with-a-long-name-indeed")
        await pilot.pause()
        assert editor.max_scroll_x == 0 and editor.scroll_x == 0
        # The long line takes two rows; every line still starts at its own indentation.
        assert editor.wrapped_document.height > editor.document.line_count
        assert editor.document.get_line(1).startswith("  podSelector")


async def _make_error_bar_appear(pilot: Any, editor: YamlEditor) -> None:
    await pilot.press("end", "enter", *"x")  # `x` alone after a mapping: a YAML error
    await settle(pilot)
    await pilot.pause()  # the layout with the error bar
    await pilot.pause()


@async_test
async def test_cursor_stays_visible_when_the_error_bar_appears(tmp_path: Path) -> None:
    app = make_app(tmp_path, lesson_id=LESSON)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        editor = screen.editor
        # A long YAML, the cursor on its last lines: the editor is scrolled to the bottom.
        filler = "".join(f"# note {i}\n" for i in range(60))
        screen.set_editor_text(editor.text + filler + "metadata2:\n  name: x")
        await settle(pilot)
        editor.focus()
        editor.move_cursor(editor.document.end)
        await pilot.pause()
        assert cursor_row_visible(editor)
        height_before = editor.size.height
        await _make_error_bar_appear(pilot, editor)
        assert screen.last is not None and screen.last.errors  # the error bar is up
        assert editor.size.height < height_before  # ... and took rows from the editor
        assert cursor_row_visible(editor)
        row, column = editor.cursor_location
        assert editor.border_subtitle == f"{row + 1}:{column + 1}"


@pytest.mark.parametrize(("size", "minimum"), [((80, 24), 80), ((120, 40), 58)])
def test_editor_width(tmp_path: Path, size: tuple[int, int], minimum: int) -> None:
    """At 80x24 the YAML view has the whole width; at 120x40 the editor has 58 columns or
    more (it had 54), and the fixture lesson's solution fits without wrapping."""

    @async_test
    async def run() -> None:
        app = make_app(tmp_path, lesson_id=LESSON)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            screen = app.screen
            if screen.has_class("-narrow"):
                await pilot.press("f12")  # the YAML view
                await pilot.pause()
            editor = screen.editor
            assert editor.display and editor.outer_size.width >= minimum
            screen.set_editor_text(screen.lesson.solution)
            await settle(pilot)
            assert editor.wrapped_document.height == editor.document.line_count

    run()


# -- colours ------------------------------------------------------------------------------------


@async_test
async def test_colours_follow_the_theme_and_mark_the_error_line() -> None:
    app = EditorApp("spec:\n  replicas: 3\n")
    async with app.run_test(size=(80, 20)) as pilot:
        editor = app.query_one(YamlEditor)
        app.theme = "textual-dark"
        await pilot.pause()

        def key_colour() -> Any:
            line = editor.get_line(0)
            styles = [span.style for span in line.spans if span.start == 0 and span.end == 4]
            assert styles, "the key `spec` is coloured"
            return styles[0].color  # type: ignore[union-attr]

        dark = key_colour()
        app.theme = "textual-light"
        await pilot.pause()
        assert key_colour() != dark
        assert not any(span.style.underline for span in editor.get_line(1).spans)  # type: ignore[union-attr]
        editor.set_error_line(2)
        assert editor.has_class("-error")
        assert any(span.style.underline for span in editor.get_line(1).spans)  # type: ignore[union-attr]
        editor.set_error_line(None)
        assert not editor.has_class("-error")


def test_the_editor_uses_no_private_textual_names() -> None:
    tree = ast.parse(EDITOR_SOURCE.read_text(encoding="utf-8"))
    private_imports = [
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and node.module
        and node.module.startswith("textual")
        and any(part.startswith("_") for part in node.module.split("."))
    ]
    assert private_imports == []
    # Textual attributes this module used to reach into (an override of the documented
    # `_on_key` hook is allowed).
    banned = {"_build_highlight_map", "_set_theme", "_theme", "_highlights", "_line_cache"}
    used = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and (node.attr in banned or node.attr == "__class__")
    }
    assert used == set()


# -- hints --------------------------------------------------------------------------------------


def long_lesson_folder(tmp_path: Path) -> Path:
    """The fixture lesson with a long introduction and a long second hint."""
    raw = yaml.safe_load((FIXTURES / "10-db-only-from-api.yaml").read_text(encoding="utf-8"))
    raw["introduction"] += "".join(
        f"\nParagraph {i}: more words about isolation, rules and peers.\n" for i in range(25)
    )
    raw["hints"] = [
        raw["hints"][0],
        " ".join(f"Second hint, sentence {i}." for i in range(40)),
    ]
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "10-long.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return folder


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_f2_brings_the_new_hint_into_view(tmp_path: Path, size: tuple[int, int]) -> None:
    from k8snet_tutor.tui.app import TutorApp
    from k8snet_tutor.tui.session import Session

    session = Session.open(
        [str(long_lesson_folder(tmp_path))], tmp_path / "progress.json", include_builtin=False
    )

    @async_test
    async def run() -> None:
        app = TutorApp(session, lesson_id=LESSON)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, LessonScreen)
            pane = screen.query_one("#lesson-pane", VerticalScroll)
            for number in range(1, len(screen.lesson.hints) + 1):
                await pilot.press("f2")
                await pilot.pause()
                await pilot.pause()
                lists = screen.query_one("#lesson-text", Markdown).query("MarkdownOrderedList")
                items = lists.last().children  # one row per hint
                assert len(items) == number  # the hints revealed so far
                item = items[-1]
                visible = pane.scrollable_content_region
                top, bottom = item.region.y, item.region.bottom
                # Its first line is on screen; all of it when it fits.
                assert visible.y <= top < visible.bottom, (number, item.region, visible)
                if item.region.height <= visible.height:
                    assert bottom <= visible.bottom, (number, item.region, visible)

    run()
