"""Benchmark of the TUI's responsiveness (headless Textual).

    python benchmarks/bench_tui.py              # all three measurements
    python benchmarks/bench_tui.py --repeat 20  # more keystrokes per measurement

Measures, with `time.perf_counter`:

    first frame     a fresh `python` process starting the app on the built-in lessons, until the
                    home screen has been composed and rendered once (includes interpreter start
                    and imports; median of --starts runs)
    lesson          a keystroke in the editor of a lesson with a 20-pod background: from the
                    edit reaching the editor until the matrix shows the new evaluation and the
                    screen has rendered, minus the 150 ms debounce
    sandbox         the same in the sandbox with 300 pods (benchmarks/generate.py)
    lesson open     from opening the 20-pod lesson (home screen -> lesson screen) until its
                    first matrix has been drawn (the first evaluation included)

Targets (2-core machine): first frame < 1 s; keystroke -> matrix < 100 ms after the debounce in
a lesson, < 500 ms in a 300-pod sandbox.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for p in (str(ROOT), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

TARGET_FIRST_FRAME = 1.0
TARGET_LESSON = 0.100
TARGET_SANDBOX = 0.500

FIRST_FRAME_CHILD = """
import sys, time
from k8snet_tutor.tui.app import TutorApp
from k8snet_tutor.tui.session import Session

async def pilot(p):
    await p.pause()
    print("FRAME", flush=True)
    p.app.exit()

TutorApp(Session.open()).run(headless=True, size=(120, 40), auto_pilot=pilot)
"""


def first_frame(starts: int) -> list[float]:
    out = []
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory() as home:
        env["K8SNET_TUTOR_HOME"] = home
        for _ in range(starts):
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-c", FIRST_FRAME_CHILD],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                env=env,
            )
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith("FRAME"):
                    out.append(time.perf_counter() - t0)
                    break
            proc.wait(timeout=60)
    return out


def lesson_yaml(pods: int) -> str:
    """A lesson whose background has `pods` pods in 3 namespaces, and a goal table."""
    docs = []
    for i in range(pods):
        ns = ("shop", "billing", "ops")[i % 3]
        docs.append(
            textwrap.dedent(
                f"""\
                apiVersion: v1
                kind: Pod
                metadata:
                  name: pod-{i:02d}
                  namespace: {ns}
                  labels: {{app: app-{i % 7}, tier: {("web", "api", "db")[i % 3]}}}
                spec:
                  containers:
                    - {{name: c, image: example/app:1, ports: [{{containerPort: 8080}}]}}
                """
            )
        )
    background = "---\n".join(docs)
    starter = textwrap.dedent(
        """\
        # Only the api tier may reach the db tier.
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: db-ingress
          namespace: billing
        spec:
          podSelector:
            matchLabels:
              tier: db
          ingress:
            - from:
                - namespaceSelector: {}
                  podSelector:
                    matchLabels:
                      tier: api
        """
    )
    lesson = {
        "format": 1,
        "id": "bench-lesson",
        "title": "Benchmark lesson",
        "topic": "policies",
        "difficulty": 1,
        "introduction": "A lesson for the benchmark.",
        "background": background,
        "starter": starter,
        "solution": starter,
        "goal": [{"table": {"port": "8080/TCP", "default": "allowed"}}],
    }
    import yaml

    return yaml.safe_dump(lesson, sort_keys=False)


async def keystrokes(app: Any, repeat: int) -> tuple[list[float], list[float]]:
    """Press keys in the editor; for each, the time until the matrix shows the result."""
    from textual.widgets import TextArea

    from k8snet_tutor.tui.messages import EvaluationFinished, MatrixUpdated

    updated: list[tuple[float, int]] = []
    changed: list[float] = []
    worker_seconds: list[float] = []

    def hook(message: Any) -> None:
        if isinstance(message, TextArea.Changed):
            changed.append(time.perf_counter())
        elif isinstance(message, MatrixUpdated):
            updated.append((time.perf_counter(), message.generation))
        elif isinstance(message, EvaluationFinished):
            worker_seconds.append(message.evaluation.seconds)

    times: list[float] = []  # from the edit reaching the editor to the matrix drawn
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        screen = app.screen
        while (
            getattr(screen, "evaluated_generation", -1) < 1
            or screen.generation != screen.evaluated_generation
        ):
            await pilot.pause(0.05)
            screen = app.screen
        editor = screen.editor
        editor.focus()
        editor.move_cursor((0, 1))
        await pilot.pause()
        worker_seconds.clear()
        for i in range(repeat):
            updated.clear()
            changed.clear()
            await pilot.press("x" if i % 2 == 0 else "backspace")
            target = screen.generation
            while not any(g == target for _, g in updated):
                await asyncio.sleep(0.002)
            await pilot.pause()  # one render with the new matrix
            times.append(time.perf_counter() - changed[0])
    return times, worker_seconds


async def lesson_opens(app: Any, lesson_id: str, repeat: int) -> list[float]:
    """Open a lesson from the home screen; for each, the time until its matrix is drawn."""
    from k8snet_tutor.tui.messages import MatrixUpdated

    updated: list[float] = []

    def hook(message: Any) -> None:
        if isinstance(message, MatrixUpdated):
            updated.append(time.perf_counter())

    times: list[float] = []
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await pilot.pause()
        for _ in range(repeat):
            updated.clear()
            t0 = time.perf_counter()
            app.open_lesson(lesson_id)
            while not updated:
                await asyncio.sleep(0.002)
            await pilot.pause()  # one render with the matrix
            times.append(time.perf_counter() - t0)
            await app.workers.wait_for_complete()
            app.action_home()
            await pilot.pause()
    return times


def summary(values: list[float]) -> str:
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
    return f"median {statistics.median(values) * 1000:7.1f} ms   p90 {p90 * 1000:7.1f} ms   max {values[-1] * 1000:7.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="keystrokes per measurement")
    parser.add_argument("--starts", type=int, default=3, help="process starts for the first frame")
    parser.add_argument("--pods", type=int, default=300, help="pods in the sandbox")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="k8snet-bench-") as home:
        os.environ["K8SNET_TUTOR_HOME"] = home
        return run(args, home)


def run(args: argparse.Namespace, home: str) -> int:
    from generate import generate

    from k8snet_tutor.tui.app import TutorApp
    from k8snet_tutor.tui.screens.workbench import DEBOUNCE_SECONDS
    from k8snet_tutor.tui.session import Session

    ok = True
    print(
        f"k8snet-tutor TUI benchmark (debounce {DEBOUNCE_SECONDS * 1000:.0f} ms, {os.cpu_count()} CPUs)"
    )

    frames = first_frame(args.starts)
    best = statistics.median(frames)
    ok &= best < TARGET_FIRST_FRAME
    print(
        f"first frame (home)          median {best * 1000:7.1f} ms   runs: "
        + ", ".join(f"{f * 1000:.0f}" for f in frames)
        + f"   target < {TARGET_FIRST_FRAME * 1000:.0f} ms  {'OK' if best < TARGET_FIRST_FRAME else 'SLOW'}"
    )

    lessons = Path(home) / "lessons"
    lessons.mkdir()
    (lessons / "bench.yaml").write_text(lesson_yaml(20), encoding="utf-8")
    session = Session.open([str(lessons)], Path(home) / "progress.json", include_builtin=False)
    assert session.lessons.ids() == ["bench-lesson"], session.lessons.problems
    times, worker = asyncio.run(
        keystrokes(TutorApp(session, lesson_id="bench-lesson"), args.repeat)
    )
    after = [t - DEBOUNCE_SECONDS for t in times]
    med = statistics.median(after)
    ok &= med < TARGET_LESSON
    print(
        f"lesson, 20 pods: keystroke -> matrix, after debounce: {summary(after)}"
        f"   target < {TARGET_LESSON * 1000:.0f} ms  {'OK' if med < TARGET_LESSON else 'SLOW'}"
    )
    print(f"    evaluation in the worker: {summary(worker)}")
    opens = asyncio.run(lesson_opens(TutorApp(session), "bench-lesson", args.repeat))
    print(f"lesson, 20 pods: open -> first matrix drawn:    {summary(opens)}")

    text = f"# {args.pods} pods from benchmarks/generate.py\n" + generate(pods=args.pods)
    session = Session.open([], Path(home) / "progress.json")
    times, worker = asyncio.run(keystrokes(TutorApp(session, sandbox=(text, [])), args.repeat))
    after = [t - DEBOUNCE_SECONDS for t in times]
    med = statistics.median(after)
    ok &= med < TARGET_SANDBOX
    print(
        f"sandbox, {args.pods} pods: keystroke -> matrix, after debounce: {summary(after)}"
        f"   target < {TARGET_SANDBOX * 1000:.0f} ms  {'OK' if med < TARGET_SANDBOX else 'SLOW'}"
    )
    print(f"    evaluation in the worker: {summary(worker)}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
