"""Benchmark of browser mode: how many attendees one laptop can serve.

    python benchmarks/bench_serve.py                 # 1 session alone, then 20 at once
    python benchmarks/bench_serve.py --sessions 30   # another room size

Starts `k8snet-tutor serve` on a free loopback port with a temporary room, then opens
websockets the way the page does (each one a new attendee) and measures:

    first frame   from opening the websocket until the tutor's home screen has arrived (its
                  "N/M lessons" progress line), i.e. process start, imports, first paint
    memory        per session process, from /proc, once each session has opened the first
                  lesson (its matrix drawn): RSS (what `top` shows) and PSS (RSS with shared
                  pages divided among the processes sharing them: the fair share)

First one session alone (the start time of one app process), then --sessions at once (all
connecting together, as a room does when the instructor says "open the link"). Everything
stays on 127.0.0.1; the server and its sessions are stopped at the end. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
ANSI = re.compile(rb"\x1b(?:\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][A-Z0-9])")
HOME_DRAWN = re.compile(r"\d+/\d+ lessons")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children_of(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                out.append(int(entry.name))
    return out


def memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process in KiB."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


async def open_session(
    port: int, timeout: float, lesson: bool
) -> tuple[float, aiohttp.ClientSession, object]:
    """Open one attendee's session; return the time to the first full frame and the open
    connection (kept open so the process stays alive for the memory reading)."""
    http = aiohttp.ClientSession()
    start = time.perf_counter()
    ws = await http.ws_connect(f"ws://127.0.0.1:{port}/ws?width=120&height=40")
    await ws.send_json(["resize", {"width": 120, "height": 40}])
    buf = b""
    deadline = start + timeout
    while time.perf_counter() < deadline:
        try:
            msg = await ws.receive(timeout=max(0.1, deadline - time.perf_counter()))
        except TimeoutError:
            break
        if msg.type != aiohttp.WSMsgType.BINARY:
            if msg.type == aiohttp.WSMsgType.TEXT:
                continue
            break
        buf += msg.data
        if HOME_DRAWN.search(ANSI.sub(b"", buf).decode("utf-8", "replace")):
            first_frame = time.perf_counter() - start
            if lesson:
                await open_lesson(ws, deadline)
            return first_frame, http, ws
    await http.close()
    raise RuntimeError(f"no home screen after {timeout}s")


async def open_lesson(ws: aiohttp.ClientWebSocketResponse, deadline: float) -> None:
    """Press `c` (continue: the first lesson) and wait until its matrix is drawn."""
    await ws.send_json(["stdin", "c"])
    buf = b""
    while time.perf_counter() < deadline:
        try:
            msg = await ws.receive(timeout=max(0.1, deadline - time.perf_counter()))
        except TimeoutError:
            break
        if msg.type == aiohttp.WSMsgType.BINARY:
            buf += msg.data
            if re.search(rb"Checks \d+/\d+", ANSI.sub(b"", buf)):
                return
        elif msg.type != aiohttp.WSMsgType.TEXT:
            break
    raise RuntimeError("the first lesson was not drawn")


async def measure(
    port: int, server_pid: int, n: int, timeout: float, lesson: bool
) -> dict[str, float]:
    results = await asyncio.gather(*(open_session(port, timeout, lesson) for _ in range(n)))
    await asyncio.sleep(1.0)  # let the apps settle after their first frame
    pids = children_of(server_pid)
    mem = [memory_kib(p) for p in pids]
    for _, http, ws in results:
        await ws.close()  # type: ignore[attr-defined]
        await http.close()
    times = sorted(t for t, _, _ in results)
    rss = [r for r, _ in mem]
    pss = [p for _, p in mem]
    return {
        "sessions": n,
        "processes": len(pids),
        "ttff_median": statistics.median(times),
        "ttff_max": times[-1],
        "rss_mib": statistics.mean(rss) / 1024 if rss else 0.0,
        "pss_mib": statistics.mean(pss) / 1024 if pss else 0.0,
        "total_pss_mib": sum(pss) / 1024,
    }


def wait_for_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("serve exited early")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("serve did not start")


def wait_gone(server_pid: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while children_of(server_pid) and time.monotonic() < deadline:
        time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="sessions at once (default 20)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per session")
    parser.add_argument(
        "--home-only",
        action="store_true",
        help="measure memory on the home screen (default: after opening the first lesson)",
    )
    args = parser.parse_args()
    if not Path("/proc/self/smaps_rollup").exists():
        print("needs Linux /proc", file=sys.stderr)
        return 2
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    # No --room: a temporary room (removed when serve stops), and no name question.
    cmd = [sys.executable, "-m", "k8snet_tutor", "serve", "--port", str(port)]
    cmd += ["--max-sessions", str(args.sessions + 5)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, proc)
        print(f"machine: {os.cpu_count()} CPUs, python {sys.version.split()[0]}")
        one = asyncio.run(measure(port, proc.pid, 1, args.timeout, not args.home_only))
        wait_gone(proc.pid)
        print(
            f"1 session alone:   first frame {one['ttff_median']:.2f} s; "
            f"RSS {one['rss_mib']:.0f} MiB, PSS {one['pss_mib']:.0f} MiB"
        )
        many = asyncio.run(measure(port, proc.pid, args.sessions, args.timeout, not args.home_only))
        print(
            f"{args.sessions} sessions at once: first frame median {many['ttff_median']:.2f} s, "
            f"slowest {many['ttff_max']:.2f} s; per session RSS {many['rss_mib']:.0f} MiB, "
            f"PSS {many['pss_mib']:.0f} MiB; all {many['processes']:.0f} processes "
            f"PSS {many['total_pss_mib']:.0f} MiB"
        )
        per = max(one["rss_mib"], many["pss_mib"])
        budget = 16 * 1024 * 0.5  # half of a 16 GB laptop for the room
        print(
            f"room for a 16 GB laptop (half its memory, {per:.0f} MiB a session): "
            f"{int(budget // per)} sessions by memory"
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
