"""What a workbench screen (lesson or sandbox) knows, in one object its widgets are given.

Only the UI thread changes it: workers return frozen `learning.evaluation.Evaluation`s in
messages, and the screen folds each one in with `accept`.
"""

from __future__ import annotations

from dataclasses import dataclass

from k8snet_tutor.learning.evaluation import Evaluation
from k8snet_tutor.learning.matrix_view import MatrixView


@dataclass
class WorkbenchState:
    generation: int = 0  # of the latest edit
    evaluated: int = -1  # the generation `last` evaluated
    in_flight: int = -1  # the generation the running evaluation was started for
    last: Evaluation | None = None  # the newest evaluation on screen
    current: Evaluation | None = None  # the newest one with a matrix view (what the grid shows)
    previous: Evaluation | None = None  # the one `current` replaced
    port: str = ""

    @property
    def view(self) -> MatrixView | None:
        return self.current.view if self.current is not None else None

    @property
    def previous_view(self) -> MatrixView | None:
        return self.previous.view if self.previous is not None else None

    @property
    def stale(self) -> bool:
        """The YAML is broken: the grid shows the last good matrix."""
        return self.last is not None and self.last.view is None and self.current is not None

    @property
    def changed(self) -> set[tuple[int, int]]:
        """Cells of the shown port that changed at the last evaluation with a view."""
        if self.current is None:
            return set()
        return self.current.changed_from(self.previous_view, self.port)

    @property
    def wrong(self) -> int:
        """Goal cells still wrong, over every port of the goal."""
        return self.current.wrong_count if self.current is not None else 0

    def accept(self, evaluation: Evaluation, generation: int) -> None:
        """A fresh evaluation of `generation` is on screen."""
        self.evaluated = generation
        self.last = evaluation
        view = evaluation.view
        if view is None:
            return
        self.previous, self.current = self.current, evaluation
        if self.port not in view.ports:
            # Start on the first port with cells that differ from the goal, if any.
            wrong = view.wrong_ports()
            self.port = wrong[0] if wrong else view.ports[0]
