"""`k8snet-tutor serve`: the per-session command, the exposure warning, and end-to-end runs.

The browser test starts `k8snet-tutor serve` on a free loopback port and:
1. fetches the page with urllib and checks it is the textual-serve page for our websocket;
2. connects to the websocket the way the page's script does and reads the terminal output until
   the tutor's home screen (a built-in lesson title) appears: textual-serve draws the terminal
   with xterm.js in a canvas, so the app's words are never in the DOM, but they are in this
   stream;
3. opens the page in headless Chromium through the DevTools protocol, waits until the page
   marks the first byte from the app (`body.-first-byte`), takes a screenshot and checks that
   it is not blank (not one uniform colour);
4. checks that the two sessions got two separate data folders (K8SNET_TUTOR_HOME).
It is skipped only when Chromium is missing.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from k8snet_tutor.cli.main import main
from k8snet_tutor.cli.serve import exposure_warning, is_loopback, session_command
from k8snet_tutor.learning.lesson import discover

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "quiz"
ANSI = re.compile(
    rb"\x1b(?:\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][A-Z0-9]|[=>])"
)


# --------------------------------------------------------------------------------------------
# Unit tests


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("example.org", False),
    ],
)
def test_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    assert (exposure_warning(host, 8000) is None) is loopback


def test_warning_text() -> None:
    warning = exposure_warning("0.0.0.0", 8000)
    assert warning is not None
    assert warning.startswith("WARNING: serving on every network interface, port 8000")
    assert "no login" in warning


def test_session_command(tmp_path: Path) -> None:
    cmd = session_command(tmp_path, lessons=["lessons"], python="/usr/bin/python3")
    assert cmd.startswith(f'K8SNET_TUTOR_HOME="$(mktemp -d {tmp_path}/session-XXXXXXXX)" ')
    assert cmd.endswith(f"exec /usr/bin/python3 -m k8snet_tutor tutor --lessons {REPO / 'lessons'}")
    quiz = session_command(tmp_path, lessons=[], quiz="", count=5, seed=7)
    assert quiz.endswith("-m k8snet_tutor quiz --count 5 --seed 7")
    named = session_command(tmp_path, lessons=[], quiz="my bank")
    assert named.endswith("quiz 'my bank'")


def test_session_command_runs_in_its_own_home(tmp_path: Path) -> None:
    """The command's shell prologue gives each run a fresh folder under the sessions folder."""
    cmd = session_command(tmp_path, lessons=[]).split(" exec ")[0]
    probe = f"{cmd} sh -c 'echo \"$K8SNET_TUTOR_HOME\"'"
    homes = {
        subprocess.run(probe, shell=True, capture_output=True, text=True, check=True).stdout.strip()
        for _ in range(2)
    }
    assert len(homes) == 2
    assert all(Path(h).is_dir() and Path(h).parent == tmp_path for h in homes)


def test_print_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--print-command", "--quiz", "k8s-networking", "--count", "3"]) == 0
    out = capsys.readouterr().out
    assert "K8SNET_TUTOR_HOME=" in out and "quiz k8s-networking --count 3" in out


def test_bad_options(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["serve", "--port", "0"]) == 2
    assert main(["serve", "--lessons", str(tmp_path / "missing")]) == 2
    assert main(["serve", "--count", "3"]) == 2
    err = capsys.readouterr().err
    assert (
        "not a port number" in err and "no such folder" in err and "only apply with --quiz" in err
    )


def test_non_loopback_warns(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytest.importorskip("textual_serve")
    import textual_serve.server

    seen: dict[str, Any] = {}

    class FakeServer:
        def __init__(self, command: str, **kwargs: Any) -> None:
            seen.update(kwargs, command=command)

        def serve(self) -> None:
            seen["served"] = True

    monkeypatch.setattr(textual_serve.server, "Server", FakeServer)
    assert main(["serve", "--host", "0.0.0.0", "--port", "8123", "--sessions", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "WARNING: serving on every network interface, port 8123" in err
    assert seen["served"] and seen["host"] == "0.0.0.0" and seen["port"] == 8123
    assert seen["public_url"].endswith(":8123") and "0.0.0.0" not in seen["public_url"]
    assert str(tmp_path) in out
    assert main(["serve", "--port", "8124", "--sessions", str(tmp_path)]) == 0
    assert "WARNING" not in capsys.readouterr().err
    assert seen["host"] == "127.0.0.1" and seen["public_url"] is None


# --------------------------------------------------------------------------------------------
# End to end


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(
                f"the server exited early:\n{proc.stdout.read().decode() if proc.stdout else ''}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port} after {timeout}s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@pytest.fixture
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """`k8snet-tutor serve` on a free port (extra arguments through indirect parametrization)."""
    pytest.importorskip("textual_serve")
    extra: list[str] = list(getattr(request, "param", []))
    port = free_port()
    sessions = tmp_path / "sessions"
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_COLOR="1")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "k8snet_tutor",
            "serve",
            "--port",
            str(port),
            "--sessions",
            str(sessions),
            *extra,
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, proc)
        yield port, sessions
    finally:
        stop(proc)


async def terminal_text(port: int, wanted: list[str], timeout: float = 30) -> str:
    """Connect to the app websocket like the page does; return the screen text once any of
    `wanted` appears (or what arrived by the timeout)."""
    import aiohttp

    buf = b""
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(f"ws://127.0.0.1:{port}/ws?width=120&height=40") as ws,
    ):
        await ws.send_json(["resize", {"width": 120, "height": 40}])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                msg = await ws.receive(timeout=1)
            except TimeoutError:
                continue
            if msg.type == aiohttp.WSMsgType.BINARY:
                buf += msg.data
            elif msg.type != aiohttp.WSMsgType.TEXT:
                break
            text = ANSI.sub(b"", buf).decode("utf-8", "replace")
            if any(w in text for w in wanted):
                return text
    return ANSI.sub(b"", buf).decode("utf-8", "replace")


def fetch_page(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as resp:
        assert resp.status == 200
        return str(resp.read().decode("utf-8"))


def png_pixels(data: bytes) -> list[bytes]:
    """The pixels of an 8-bit RGB(A) PNG (enough of a decoder for Chromium's screenshots)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    width = height = bpp = 0
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and colour in (2, 6)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    pixels: list[bytes] = []
    for y in range(height):
        i = y * (stride + 1)
        kind_byte, line = raw[i], bytearray(raw[i + 1 : i + 1 + stride])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if kind_byte == 1:
                line[x] = (line[x] + a) & 255
            elif kind_byte == 2:
                line[x] = (line[x] + b) & 255
            elif kind_byte == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 255
            elif kind_byte == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        pixels.extend(bytes(line[x : x + 3]) for x in range(0, stride, bpp))
        prev = line
    return pixels


async def chromium_screenshot(chromium: str, url: str, profile: Path) -> tuple[str, bytes]:
    """Open `url` in headless Chromium (DevTools protocol), wait for the app's first byte,
    and return the body's classes and a PNG screenshot."""
    import aiohttp

    port = free_port()
    proc = subprocess.Popen(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--remote-debugging-port={port}",
            f"--user-data-dir={profile}",
            "--window-size=1200,800",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        targets: list[dict[str, Any]] = []
        while time.monotonic() < deadline and not targets:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=1) as r:
                    targets = [t for t in json.load(r) if t.get("type") == "page"]
            except OSError:
                await asyncio.sleep(0.1)
        assert targets, "Chromium did not open its DevTools port"
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(targets[0]["webSocketDebuggerUrl"], max_msg_size=0) as ws,
        ):
            counter = 0

            async def call(method: str, **params: Any) -> dict[str, Any]:
                nonlocal counter
                counter += 1
                await ws.send_json({"id": counter, "method": method, "params": params})
                while True:
                    msg = await ws.receive_json(timeout=20)
                    if msg.get("id") == counter:
                        assert "error" not in msg, msg
                        return dict(msg.get("result", {}))

            await call("Page.enable")
            await call("Page.navigate", url=url)
            classes = ""
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and "-first-byte" not in classes:
                await asyncio.sleep(0.2)
                r = await call(
                    "Runtime.evaluate",
                    expression="document.body ? document.body.className : ''",
                    returnByValue=True,
                )
                classes = str(r.get("result", {}).get("value") or "")
            await asyncio.sleep(1.5)  # let the terminal paint the first frames
            shot = await call(
                "Page.captureScreenshot",
                format="png",
                clip={"x": 0, "y": 0, "width": 1200, "height": 800, "scale": 0.5},
            )
            return classes, base64.b64decode(shot["data"])
    finally:
        stop(proc)


@pytest.mark.browser
@pytest.mark.slow
def test_browser_shows_the_home_screen(served: tuple[int, Path], tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium)")
    port, sessions = served
    page = fetch_page(port)
    assert "textual.js" in page and f"ws://127.0.0.1:{port}/ws" in page

    titles = [lesson.title for lesson in discover(include_env=False).lessons[:3]]
    text = asyncio.run(terminal_text(port, titles))
    assert any(t in text for t in titles), (
        f"home screen not seen; the terminal showed:\n{text[-2000:]}"
    )

    classes, png = asyncio.run(
        chromium_screenshot(chromium, f"http://127.0.0.1:{port}/", tmp_path / "profile")
    )
    assert "-first-byte" in classes, (
        f"the app never sent output to the page (body class: {classes!r})"
    )
    pixels = png_pixels(png)
    colours = Counter(pixels)
    assert len(colours) > 20, "the screenshot is blank"
    assert colours.most_common(1)[0][1] < 0.98 * len(pixels), "the screenshot is one uniform colour"

    homes = sorted(p for p in sessions.iterdir() if p.name.startswith("session-"))
    assert len(homes) >= 2, "each browser session should get its own data folder"


@pytest.mark.slow
@pytest.mark.parametrize(
    "served", [["--quiz", str(FIXTURES / "three.yaml"), "--seed", "1"]], indirect=True
)
def test_served_quiz(served: tuple[int, Path]) -> None:
    port, sessions = served
    text = asyncio.run(terminal_text(port, ["Start the quiz"]))
    assert "Three questions" in text and "Start the quiz" in text
    assert any(p.name.startswith("session-") for p in sessions.iterdir())


def test_tempdir_default_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    main(["serve", "--print-command"])
    assert tempfile.gettempdir() in capsys.readouterr().out
