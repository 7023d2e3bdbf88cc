"""Pilot tests of the live matrix with realistic (long, shared-prefix) names: column widths at
80x24 and 120x40, opening on the first wrong cell scrolled into view, wrong cells marked in
every view and counted per view, and the key that jumps to the next wrong cell across ports."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytest.importorskip("textual")

from k8snet_tutor.learning.matrix_view import ALL_PORTS  # noqa: E402
from k8snet_tutor.tui.app import TutorApp  # noqa: E402
from k8snet_tutor.tui.screens.lesson import LessonScreen  # noqa: E402
from k8snet_tutor.tui.session import Session  # noqa: E402
from k8snet_tutor.tui.widgets.matrix_grid import MatrixGrid, short_labels  # noqa: E402
from tests.test_tui_app import async_test, settle  # noqa: E402

GATEWAY = "payment-gateway-service"


def pod(name: str, ports: list[int]) -> str:
    listed = ", ".join(f"{{containerPort: {p}}}" for p in ports)
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: storefront\n"
        f"  labels: {{app: {name}}}\nspec:\n  containers:\n"
        f"    - {{name: c, image: example/app:1, ports: [{listed}]}}\n"
    )


def write_lesson(folder: Path, names: list[str]) -> str:
    """A lesson whose starter isolates the gateway, so two goal cells (on two ports) are wrong:
    catalog-api -> gateway on 8443 and the last catalog pod -> gateway on 9090."""
    folder.mkdir(parents=True, exist_ok=True)
    background = "---\n".join(pod(n, [8443, 9090] if n == GATEWAY else [8080]) for n in names)
    starter = (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
        "  name: gateway-ingress\n  namespace: storefront\nspec:\n"
        f"  podSelector: {{matchLabels: {{app: {GATEWAY}}}}}\n  policyTypes: [Ingress]\n"
    )
    last = [n for n in names if n.startswith("catalog-")][-1]
    lesson = {
        "format": 1,
        "id": "long-names",
        "title": "Long names",
        "topic": "policies",
        "difficulty": 1,
        "introduction": "The gateway takes payments from the catalog.",
        "background": background,
        "starter": starter,
        "solution": starter,
        "goal": [
            {
                "probes": [
                    {
                        "from": "storefront/catalog-api",
                        "to": f"storefront/{GATEWAY}",
                        "port": 8443,
                        "expect": "allowed",
                    },
                    {
                        "from": f"storefront/{last}",
                        "to": f"storefront/{GATEWAY}",
                        "port": 9090,
                        "expect": "allowed",
                    },
                ]
            }
        ],
    }
    (folder / "long.yaml").write_text(yaml.safe_dump(lesson, sort_keys=False), encoding="utf-8")
    return last


def make_app(tmp_path: Path, names: list[str]) -> tuple[TutorApp, str]:
    last = write_lesson(tmp_path / "lessons", names)
    session = Session.open(
        [str(tmp_path / "lessons")], tmp_path / "progress.json", include_builtin=False
    )
    return TutorApp(session, lesson_id="long-names"), last


NAMES = [
    "catalog-api",
    "catalog-db",
    "catalog-web",
    "catalog-search",
    "catalog-worker",
    GATEWAY,
]


def test_short_labels_keep_what_tells_names_apart() -> None:
    assert short_labels(["catalog-api", "catalog-db", "catalog-web"], 6) == ["…api", "…db", "…web"]
    assert short_labels(["web", "api"], 3) == ["web", "api"]
    labels = short_labels([f"api-7d9f8c-{x}" for x in ("5n2gt", "8kq1z")], 8)
    assert len(set(labels)) == 2 and all(len(label) <= 8 for label in labels)


def visible_cell(grid: MatrixGrid) -> bool:
    """Is the cursor cell inside the part of the grid on screen?"""
    vr, vc = grid.cursor
    width = grid.scrollable_content_region.width - grid.label_width
    height = grid.scrollable_content_region.height - 2
    x = vc * grid._cw - int(grid.scroll_x)
    y = vr - int(grid.scroll_y)
    return 0 <= x and x + grid._cw <= width and 0 <= y < height


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@async_test
async def test_columns_use_the_space_and_keep_names_apart(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app, _ = make_app(tmp_path, NAMES)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        if screen.has_class("-narrow"):
            await pilot.press("f12", "f12")  # the Matrix view
            await pilot.pause()
        grid = screen.query_one("#matrix", MatrixGrid)
        assert grid.model is not None
        cols = [grid.model.cols[i] for i in grid._cols]
        labels = grid._col_labels
        # Every column is on screen (no sideways scrolling for six columns).
        assert grid.virtual_size.width <= grid.scrollable_content_region.width
        assert len(set(labels)) == len(cols)  # the columns can be told apart
        header = "".join(seg.text for seg in grid.render_line(1))
        if grid.numbered:
            assert [label.strip() for label in labels] == [str(i + 1) for i in range(len(cols))]
            legend = "".join(
                "".join(seg.text for seg in grid._legend_line(i + 1, 200, grid.rich_style))
                for i in range(len(cols))
            )
            for peer in cols:
                assert peer.id in legend
        else:
            for peer, label in zip(cols, labels, strict=True):
                # The end of the name (what tells catalog-api from catalog-db) is kept.
                assert peer.name.endswith(label.split("…")[-1]), (peer.name, label)
                assert label in header
            # With room for it, the names are shown in full.
            if size == (120, 40):
                assert any(label.startswith("…") or label == GATEWAY for label in labels)


@async_test
async def test_opens_on_the_first_wrong_cell_scrolled_into_view(tmp_path: Path) -> None:
    names = [f"catalog-item-{i:02d}-service" for i in range(24)] + [GATEWAY]
    names.insert(0, "catalog-api")
    app, _ = make_app(tmp_path, names)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.pause()
        screen = app.screen
        grid = screen.query_one("#matrix", MatrixGrid)
        cell = grid.current_cell()
        assert cell is not None
        assert (cell.row_id, cell.col_id) == ("storefront/catalog-api", f"storefront/{GATEWAY}")
        assert screen.port == "8443/TCP"
        assert grid.scroll_x > 0  # the gateway is the last of 26 columns
        assert visible_cell(grid)


@async_test
async def test_next_wrong_cell_across_ports_and_counts_per_view(tmp_path: Path) -> None:
    app, last = make_app(tmp_path, NAMES)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        grid = screen.query_one("#matrix", MatrixGrid)
        summary = str(screen.query_one("#matrix-summary").render())
        assert "1 wrong here, 2 on all ports" in summary
        grid.focus()
        await pilot.press("n")
        await pilot.pause()
        cell = grid.current_cell()
        assert screen.port == "9090/TCP"
        assert cell is not None and cell.row_id == f"storefront/{last}"
        assert cell.col_id == f"storefront/{GATEWAY}"
        await pilot.press("n")  # wraps around to the first port
        await pilot.pause()
        assert screen.port == "8443/TCP"
        await pilot.press("p")  # and back
        await pilot.pause()
        assert screen.port == "9090/TCP"

        # The all-ports view marks both wrong cells.
        screen.set_port(ALL_PORTS)
        await pilot.pause()
        assert grid.grid_data is not None and len(grid.grid_data.wrong) == 2
        summary = str(screen.query_one("#matrix-summary").render())
        assert "2 cells still wrong" in summary
        lines = ["".join(s.text for s in grid.render_line(y)) for y in range(2, 2 + 6)]
        assert sum(line.count("!") for line in lines) == 2


@async_test
async def test_many_long_columns_become_numbers_with_a_legend(tmp_path: Path) -> None:
    names = [f"catalog-{w}-deployment" for w in "ab cd ef gh ij kl mn op".split()] + [GATEWAY]
    names.insert(0, "catalog-api")
    app, _ = make_app(tmp_path, names)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one("#matrix", MatrixGrid)
        assert grid.model is not None and grid.numbered
        cols = [grid.model.cols[i] for i in grid._cols]
        # All ten columns fit: no sideways scrolling.
        assert grid.virtual_size.width <= grid.scrollable_content_region.width
        header = "".join(seg.text for seg in grid.render_line(1))
        assert header.split("│", 1)[1].split() == [str(i + 1) for i in range(len(cols))]
        # The legend follows the rows: number, then the full id.
        first = 2 + len(grid._rows) + 1
        legend = ["".join(s.text for s in grid.render_line(first + i)) for i in range(len(cols))]
        for i, peer in enumerate(cols):
            assert legend[i].split() == [str(i + 1), peer.id]


ALPHA_AND_EMPTY = """\
apiVersion: net.alpha.kubernetes.io/v1alpha1
kind: NetworkPolicy
metadata: {name: old, namespace: storefront}
spec:
  podSelector: {matchLabels: {app: catalog-api}}
  ingress: []
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: nothing, namespace: storefront}
spec:
  podSelector: {matchLabels: {app: shop}}
"""


@async_test
async def test_lint_and_loader_warnings_next_to_the_checks(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path, NAMES)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        editor = screen.query_one("#editor")
        editor.load_text(ALPHA_AND_EMPTY)
        screen.schedule_evaluation(immediate=True)
        await settle(pilot)
        checks = str(screen.query_one("#checks").render())
        # Located, after the checks: the alpha translation and the selector that selects nothing.
        assert checks.index("Warnings 2") > checks.index("Checks")
        assert "line 1:1: this is a 2016 alpha NetworkPolicy" in checks
        assert "line 12:3: spec.podSelector (app=shop) selects no pod" in checks


@async_test
async def test_sandbox_shows_warnings_beside_the_matrix(tmp_path: Path) -> None:
    session = Session.open([], tmp_path / "progress.json", include_builtin=False)
    text = pod("catalog-api", [8080]) + "---\n" + ALPHA_AND_EMPTY
    app = TutorApp(session, sandbox=(text, []))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        warnings = str(app.screen.query_one("#warnings").render())
        assert "Warnings 2" in warnings
        assert "translated it to the networking.k8s.io/v1" in warnings.replace("\n", " ")
        assert "selects no pod in namespace storefront" in warnings


@async_test
async def test_scrolls_by_whole_columns(tmp_path: Path) -> None:
    # Scrolled to the last column, the first column shown starts with its first letter.
    names = [f"catalog-item-{i:02d}-service" for i in range(24)] + [GATEWAY]
    names.insert(0, "catalog-api")
    app, _ = make_app(tmp_path, names)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.pause()
        grid = app.screen.query_one("#matrix", MatrixGrid)
        assert grid.scroll_x > 0
        assert int(grid.scroll_x) % grid._cw == 0
