"""`k8snet-tutor serve`: options, the room server (token, cap, resume, idle, clean-up) and
end-to-end runs.

Room-server tests run `RoomServer` in the test's event loop on a free port and talk to it with
aiohttp, as a browser would. Most use a small stand-in session program (FAKE_APP below) that
speaks textual-serve's packet protocol, so they start in milliseconds; one test serves the
real tutor. Counting child processes reads /proc (Linux).

The browser tests start `k8snet-tutor serve` on a free loopback port and drive headless
Chromium through the DevTools protocol. textual-serve draws the terminal with xterm.js in a
canvas, so the app's words are never in the DOM: the tests read them from the websocket frames
the page receives (DevTools Network events). They are skipped only when Chromium is missing.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from yarl import URL

from k8snet_tutor.cli.main import main
from k8snet_tutor.cli.serve import (
    exposure_warning,
    is_loopback,
    session_argv,
    share_urls,
)
from k8snet_tutor.learning.lesson import discover

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "quiz"
ANSI = re.compile(
    rb"\x1b(?:\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][A-Z0-9]|[=>])"
)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


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
    assert "--no-token" in warning and "no login" in warning
    with_token = exposure_warning("0.0.0.0", 8000, token=True)
    assert with_token is not None and "token" in with_token and "WARNING" not in with_token


def test_session_argv() -> None:
    argv = session_argv(lessons=["lessons"], python="/usr/bin/python3")
    assert argv == [
        "/usr/bin/python3",
        "-m",
        "k8snet_tutor",
        "tutor",
        "--lessons",
        str(REPO / "lessons"),
    ]
    quiz = session_argv(lessons=[], quiz="", count=5, seed=7)
    assert quiz[3:] == ["quiz", "--count", "5", "--seed", "7"]
    assert session_argv(lessons=[], quiz="my bank")[3:] == ["quiz", "my bank"]


def test_share_urls() -> None:
    assert share_urls("127.0.0.1", 8000, None, None) == ["http://127.0.0.1:8000/"]
    urls = share_urls("0.0.0.0", 8123, "abc", None)
    assert urls[0].endswith(":8123/?token=abc") and "0.0.0.0" not in urls[0]
    assert urls[-1] == "http://127.0.0.1:8123/?token=abc"
    assert share_urls("0.0.0.0", 80, "t", "https://room.example/")[0] == (
        "https://room.example/?token=t"
    )


def test_print_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--print-command", "--quiz", "k8s-networking", "--count", "3"]) == 0
    out = capsys.readouterr().out
    assert "K8SNET_TUTOR_HOME=" in out and "quiz k8s-networking --count 3" in out


def test_bad_options(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["serve", "--port", "0"]) == 2
    assert main(["serve", "--lessons", str(tmp_path / "missing")]) == 2
    assert main(["serve", "--count", "3"]) == 2
    assert main(["serve", "--max-sessions", "0"]) == 2
    assert main(["serve", "--idle-timeout", "-1"]) == 2
    assert main(["serve", "--token", " "]) == 2
    err = capsys.readouterr().err
    for words in (
        "not a port number",
        "no such folder",
        "only apply with --quiz",
        "--max-sessions 0",
        "--idle-timeout -1",
        "--token is empty",
    ):
        assert words in err
    with pytest.raises(SystemExit):
        main(["serve", "--token", "x", "--no-token"])


def test_tokens_and_folders() -> None:
    from k8snet_tutor.cli.room_server import attendee_folder_name, new_token, tokens_equal

    token = new_token()
    assert len(token) >= 30 and tokens_equal(token, token) and not tokens_equal(token, token[:-1])
    assert not tokens_equal("é", "e")  # non-ASCII never raises
    folder = attendee_folder_name("A" * 24)
    assert folder.startswith("attendee-") and "A" * 24 not in folder
    assert folder == attendee_folder_name("A" * 24) != attendee_folder_name("B" * 24)


def test_served_user_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from k8snet_tutor.learning.served import OutsideSessionFolder, is_served, user_path

    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (home / "link").symlink_to(tmp_path / "elsewhere")
    monkeypatch.setenv("K8SNET_TUTOR_HOME", str(home))
    monkeypatch.delenv("K8SNET_TUTOR_SERVED", raising=False)
    assert not is_served()
    assert user_path(str(tmp_path / "x.csv")) == tmp_path / "x.csv"  # a terminal: as typed
    monkeypatch.setenv("K8SNET_TUTOR_SERVED", "1")
    assert is_served()
    assert user_path("matrix.csv") == home.resolve() / "matrix.csv"
    assert user_path("out/matrix.md") == home.resolve() / "out" / "matrix.md"
    for bad in (str(tmp_path / "x.csv"), "../x.csv", "~/x.csv", "link/x.csv", ".", "/etc/passwd"):
        with pytest.raises(OutsideSessionFolder):
            user_path(bad)


def test_served_app_offers_nothing_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """In a served session the key tables drop $EDITOR, and the palette has no screenshot."""
    from k8snet_tutor.tui import help_data

    monkeypatch.delenv("K8SNET_TUTOR_SERVED", raising=False)
    actions = {b.action for b in help_data.bindings(help_data.LESSON_KEYS)}
    assert "external_editor" in actions
    monkeypatch.setenv("K8SNET_TUTOR_SERVED", "1")
    for keys in (help_data.LESSON_KEYS, help_data.SANDBOX_KEYS):
        assert "external_editor" not in {b.action for b in help_data.bindings(keys)}
        assert all(k.action != "external_editor" for k in help_data.help_keys(keys))


def test_footer_keys_are_browser_safe() -> None:
    """Every key shown in a footer reaches a page in a browser: none of the keys Chromium keeps
    for itself (new window or tab, close, tab switching, full screen; F12 opens DevTools), and
    every screen shows a way to quit."""
    from textual.binding import Binding

    from k8snet_tutor.tui import help_data
    from k8snet_tutor.tui.quiz_app import QuizApp
    from k8snet_tutor.tui.screens.quiz import QuizScreen

    taken = {
        "ctrl+n", "ctrl+t", "ctrl+w", "ctrl+tab", "ctrl+pageup", "ctrl+pagedown", "f11", "f12"
    }  # fmt: skip
    tables = (help_data.GLOBAL_KEYS, help_data.HOME_KEYS, help_data.LESSON_KEYS)
    for table in (*tables, help_data.SANDBOX_KEYS):
        for k in table:
            if k.show:
                assert not set(k.keys.split(",")) & taken, k
    for binding in QuizScreen.BINDINGS:
        assert isinstance(binding, Binding)
        if binding.show:  # the footer shows the first key of a binding
            assert binding.key.split(",")[0] not in taken, binding
    assert any(k.action == "app.quit" and k.show for k in help_data.GLOBAL_KEYS)
    assert any(k.action == "app.next_view" and k.show for k in help_data.GLOBAL_KEYS)
    assert any(k.keys == "q" and k.action == "app.quit" for k in help_data.HOME_KEYS)
    assert any(isinstance(b, Binding) and b.action == "quit" and b.show for b in QuizApp.BINDINGS)


# --------------------------------------------------------------------------------------------
# The room server, in process

# A stand-in for the tutor: speaks textual-serve's protocol (a "__GANGLION__" line, then
# packets: 1 type byte, 4 length bytes, payload), reports its session folder, leaves a file
# there, echoes input, and quits when asked.
FAKE_APP = r"""
import json, os, sys
out, inp = sys.stdout.buffer, sys.stdin.buffer
home = os.environ["K8SNET_TUTOR_HOME"]
with open(os.path.join(home, "visits"), "a") as fh:
    fh.write("visit\n")
def packet(kind, payload):
    out.write(kind + len(payload).to_bytes(4, "big") + payload)
    out.flush()
out.write(b"__GANGLION__\n")
packet(b"D", ("home=" + home + " served=" + os.environ.get("K8SNET_TUTOR_SERVED", "")
              + " tmp=" + os.environ.get("TMPDIR", "") + ";").encode())
while True:
    head = inp.read(5)
    if len(head) < 5:
        break
    body = inp.read(int.from_bytes(head[1:], "big"))
    if head[:1] == b"M" and json.loads(body).get("type") == "quit":
        break
    if head[:1] == b"D":
        packet(b"D", b"echo:" + body + b";")
"""
FAKE_ARGV = [sys.executable, "-c", FAKE_APP]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children_of(pid: int) -> list[int]:
    """Live child processes of `pid` (from /proc; zombies do not count)."""
    out: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(entry.name))
    return out


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


@contextlib.asynccontextmanager
async def room_server(
    tmp_path: Path, argv: list[str] | None = None, **options: Any
) -> AsyncIterator[Any]:
    """A RoomServer on a free port in this event loop; stopped (and checked) on exit."""
    pytest.importorskip("textual_serve")
    from k8snet_tutor.cli.room_server import RoomServer

    lines: list[str] = []
    options.setdefault("room", tmp_path / "room")
    options["room"].mkdir(parents=True, exist_ok=True)
    server = RoomServer(argv or FAKE_ARGV, port=free_port(), out=lines.append, **options)
    server.lines = lines
    ready = asyncio.Event()
    task = asyncio.create_task(server.run_until_stopped(ready.set, handle_signals=False))
    await asyncio.wait_for(ready.wait(), 10)
    try:
        yield server
    finally:
        server.request_exit()
        await asyncio.wait_for(task, 30)


def client(**kwargs: Any) -> Any:
    import aiohttp

    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), **kwargs)


async def read_until(ws: Any, wanted: str, timeout: float = 15) -> str:
    """Binary frames of a session's websocket as text, until `wanted` appears."""
    import aiohttp

    buf = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and wanted not in buf:
        try:
            msg = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
        except TimeoutError:
            break
        if msg.type == aiohttp.WSMsgType.BINARY:
            buf += msg.data.decode("utf-8", "replace")
        elif msg.type != aiohttp.WSMsgType.TEXT:
            break
    return buf


async def wait_until(condition: Any, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert condition()


def url(server: Any, path: str = "/") -> str:
    return f"http://127.0.0.1:{server.port}{path}"


def ws_url(server: Any) -> str:
    return f"ws://127.0.0.1:{server.port}/ws?width=80&height=24"


@needs_proc
def test_token_required_on_every_interface(tmp_path: Path) -> None:
    """Bound to 0.0.0.0 with a token, checked from 127.0.0.1: no token, no page, no process."""
    import aiohttp

    async def scenario() -> None:
        async with room_server(tmp_path, host="0.0.0.0", token="s3cret-token") as server:
            async with client() as http:
                for path in ("/", "/?token=wrong", "/static/js/textual.js", "/download/x"):
                    async with http.get(url(server, path)) as r:
                        assert r.status == 403, path
                        assert "needs its link" in await r.text()
                with pytest.raises(aiohttp.WSServerHandshakeError) as info:
                    await http.ws_connect(ws_url(server))
                assert info.value.status == 403
                await asyncio.sleep(0.2)
                assert children_of(os.getpid()) == [] and server.live == {}
                assert list(server.room.iterdir()) == []  # no session folder either
                # With the token: a redirect that drops it from the URL, and cookies.
                async with http.get(
                    url(server, "/?token=s3cret-token"), allow_redirects=False
                ) as r:
                    assert r.status == 302 and r.headers["Location"] == "/"
                async with http.get(url(server)) as r:
                    page = await r.text()
                    assert r.status == 200 and "<title>k8snet-tutor</title>" in page
                    assert "static/js/textual.js" in page and "fonts.googleapis" not in page
                async with http.get(url(server, "/static/js/textual.js")) as r:
                    assert r.status == 200
                async with http.ws_connect(ws_url(server)) as ws:
                    text = await read_until(ws, "served=1")
                    assert "served=1" in text and f"home={server.room}" in text
                    await ws.send_json(["stdin", "hello"])
                    assert "echo:hello" in await read_until(ws, "echo:hello")
                    assert len(children_of(os.getpid())) == 1
            # Another browser with only a wrong cookie is still refused.
            async with client(cookies={"k8snet_access": "0" * 64}) as other:
                async with other.get(url(server)) as r:
                    assert r.status == 403
            assert not any("s3cret-token" in line for line in server.lines)

    asyncio.run(scenario())


@needs_proc
def test_loopback_needs_no_token_and_refuses_other_origins(tmp_path: Path) -> None:
    import aiohttp

    async def scenario() -> None:
        async with room_server(tmp_path, host="127.0.0.1") as server:
            async with client() as http:
                async with http.get(url(server)) as r:
                    assert r.status == 200 and "k8snet_attendee" in r.cookies
                    cookie = r.cookies["k8snet_attendee"]
                    # Lax: following the room's link from a chat still resumes the session.
                    assert cookie["httponly"] and cookie["samesite"] == "Lax"
                    assert int(cookie["max-age"]) >= 7 * 24 * 3600
                async with http.ws_connect(ws_url(server)) as ws:
                    assert "served=1" in await read_until(ws, "served=1")
                with pytest.raises(aiohttp.WSServerHandshakeError) as info:
                    await http.ws_connect(ws_url(server), origin="http://evil.example")
                assert info.value.status == 403

    asyncio.run(scenario())


@needs_proc
def test_room_full_page(tmp_path: Path) -> None:
    import aiohttp

    async def scenario() -> None:
        async with room_server(tmp_path, max_sessions=1) as server:
            async with client() as a, client() as b:
                async with a.get(url(server)) as r:
                    assert r.status == 200
                async with a.ws_connect(ws_url(server)) as ws:
                    await read_until(ws, "served=1")
                    async with b.get(url(server)) as r:
                        body = await r.text()
                        assert r.status == 503 and "The room is full" in body
                        assert "All 1 sessions" in body
                    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
                        await b.ws_connect(ws_url(server))
                    assert info.value.status == 503
                    async with a.get(url(server)) as r:  # A's own reload still gets in
                        assert r.status == 200
                    assert len(children_of(os.getpid())) == 1
                await asyncio.sleep(0.3)
                async with b.get(url(server)) as r:  # A left: there is room again
                    assert r.status == 200

    asyncio.run(scenario())


@needs_proc
def test_sessions_resume_and_stay_apart(tmp_path: Path) -> None:
    """A browser (its cookie) gets the same folder each time; another browser its own; a
    second tab ends the first; a resume link moves a session to another browser."""

    async def home_of(http: Any, server: Any) -> str:
        async with http.ws_connect(ws_url(server)) as ws:
            text = await read_until(ws, ";")
        return text.split("home=")[1].split()[0]

    async def scenario() -> None:
        async with room_server(tmp_path) as server:
            async with client() as a, client() as b:
                for http in (a, b):
                    async with http.get(url(server)):
                        pass
                first = await home_of(a, server)
                assert await home_of(a, server) == first  # a reload
                other = await home_of(b, server)
                assert other != first
                assert (Path(first) / "visits").read_text().count("visit") == 2
                assert (Path(other) / "visits").read_text().count("visit") == 1
                # Two tabs of one browser: the first one is ended.
                async with a.ws_connect(ws_url(server)) as tab1:
                    await read_until(tab1, ";")
                    async with a.ws_connect(ws_url(server)) as tab2:
                        await read_until(tab2, ";")
                        msg = await tab1.receive(timeout=10)
                        assert msg.type.name in ("CLOSE", "CLOSING", "CLOSED")
                        await wait_until(lambda: len(server.live) == 1)
                # A resume link carries the session to a fresh browser.
                cookie = a.cookie_jar.filter_cookies(URL(url(server)))["k8snet_attendee"].value
                async with client() as c:
                    async with c.get(
                        url(server, f"/?session={cookie}"), allow_redirects=False
                    ) as r:
                        assert r.status == 302 and "session" not in r.headers["Location"]
                    assert await home_of(c, server) == first

    asyncio.run(scenario())


@needs_proc
def test_an_app_that_exits_ends_its_page(tmp_path: Path) -> None:
    """A session whose process exits (a crash, or Ctrl+Q) closes its websocket: the page shows
    "Session ended" instead of waiting for ever."""
    crashing = FAKE_APP.replace("while True:", "sys.exit(3)\nwhile True:")

    async def scenario() -> None:
        async with room_server(tmp_path, [sys.executable, "-c", crashing]) as server:
            async with client() as http:
                async with http.ws_connect(ws_url(server)) as ws:
                    await read_until(ws, ";")
                    msg = await ws.receive(timeout=10)
                    assert msg.type.name in ("CLOSE", "CLOSING", "CLOSED")
                await wait_until(lambda: server.live == {})

    asyncio.run(scenario())


@needs_proc
def test_idle_session_ends_and_keeps_its_folder(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with room_server(tmp_path, idle_seconds=0.5) as server:
            async with client() as http:
                async with http.ws_connect(ws_url(server)) as ws:
                    text = await read_until(ws, ";")
                    home = Path(text.split("home=")[1].split()[0])
                    started = time.monotonic()
                    while not ws.closed and time.monotonic() - started < 15:
                        await ws.receive(timeout=15)
                    assert ws.closed
                await wait_until(lambda: server.live == {})
                assert home.is_dir()
                assert any("idle" in line for line in server.lines)
                await asyncio.sleep(0.2)
                assert children_of(os.getpid()) == []

    asyncio.run(scenario())


@needs_proc
def test_stop_cleans_up_everything(tmp_path: Path) -> None:
    """Sessions open when the server stops: every process and temporary folder goes; a
    temporary room goes too; a process that ignores "quit" is killed."""
    stubborn = FAKE_APP.replace('get("type") == "quit"', 'get("type") == "never"')

    async def scenario() -> None:
        import k8snet_tutor.cli.room_server as rs

        room = Path(tempfile.mkdtemp(prefix="k8snet-tutor-test-room-"))
        rs_grace = rs.QUIT_GRACE_SECONDS
        rs.QUIT_GRACE_SECONDS = 0.5
        try:
            async with room_server(
                tmp_path, [sys.executable, "-c", stubborn], room=room, remove_room=True
            ) as server:
                temp_root = server.temp_root
                async with client() as a, client() as b:
                    ws_a = await a.ws_connect(ws_url(server))
                    ws_b = await b.ws_connect(ws_url(server))
                    text = await read_until(ws_a, ";") + await read_until(ws_b, ";")
                    tmpdirs = re.findall(r"tmp=(\S+?);", text)
                    assert len(tmpdirs) == 2 and all(Path(t).is_dir() for t in tmpdirs)
                    assert len(children_of(os.getpid())) == 2
                # the server stops here, with both sessions still open
            assert children_of(os.getpid()) == []
            assert not temp_root.exists() and not room.exists()
            assert not any(Path(t).exists() for t in tmpdirs)
        finally:
            rs.QUIT_GRACE_SECONDS = rs_grace
            shutil.rmtree(room, ignore_errors=True)

    asyncio.run(scenario())


@needs_proc
@pytest.mark.slow
def test_served_tutor_page_and_websocket(tmp_path: Path) -> None:
    """The real tutor behind the room server: the page, then its home screen over the socket."""
    titles = [lesson.title for lesson in discover(include_env=False).lessons[:3]]

    async def scenario() -> None:
        env = {"PYTHONPATH": str(REPO), "NO_COLOR": "1"}
        async with room_server(tmp_path, session_argv(lessons=[]), env=env) as server:
            async with client() as http:
                async with http.get(url(server)) as r:
                    assert r.status == 200 and "<title>k8snet-tutor</title>" in await r.text()
                async with http.ws_connect(ws_url(server)) as ws:
                    await ws.send_json(["resize", {"width": 120, "height": 40}])
                    buf = b""
                    deadline = time.monotonic() + 30
                    while time.monotonic() < deadline:
                        msg = await ws.receive(timeout=30)
                        if msg.type.name != "BINARY":
                            break
                        buf += msg.data
                        text = ANSI.sub(b"", buf).decode("utf-8", "replace")
                        if any(t in text for t in titles):
                            break
                    assert any(t in text for t in titles), text[-2000:]
            homes = list(server.room.iterdir())
            assert len(homes) == 1 and homes[0].name.startswith("attendee-")

    asyncio.run(scenario())


# --------------------------------------------------------------------------------------------
# End to end: the `serve` command


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


def start_serve(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[bytes], int]:
    pytest.importorskip("textual_serve")
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_COLOR="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "k8snet_tutor", "serve", "--port", str(port), *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    wait_for_port(port, proc)
    return proc, port


@pytest.fixture
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """`k8snet-tutor serve --room ROOM` on a free port (extra arguments through indirect
    parametrization)."""
    room = tmp_path / "room"
    proc, port = start_serve(tmp_path, "--room", str(room), *getattr(request, "param", []))
    try:
        yield port, room
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


@pytest.mark.slow
@pytest.mark.parametrize(
    "served", [["--quiz", str(FIXTURES / "three.yaml"), "--seed", "1"]], indirect=True
)
def test_served_quiz(served: tuple[int, Path]) -> None:
    port, room = served
    text = asyncio.run(terminal_text(port, ["Start the quiz"]))
    assert "Three questions" in text and "Start the quiz" in text
    assert any(p.name.startswith("attendee-") for p in room.iterdir())


@needs_proc
@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_serve_command_stops_cleanly(tmp_path: Path, how: signal.Signals) -> None:
    """`serve` on 0.0.0.0 with a session open, then SIGTERM or Ctrl+C: exit 0, the session's
    process gone, the temporary room and folders removed, the token never printed but in the
    link."""
    proc, port = start_serve(tmp_path, "--host", "0.0.0.0", "--token", "tok-123456789")

    async def open_session() -> None:
        async with client() as http:
            async with http.get(f"http://127.0.0.1:{port}/") as r:
                assert r.status == 403
            async with http.get(f"http://127.0.0.1:{port}/?token=tok-123456789") as r:
                assert r.status == 200
            ws = await http.ws_connect(f"ws://127.0.0.1:{port}/ws?width=80&height=24")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not children_of(proc.pid):
                await asyncio.sleep(0.1)
            session_pids.extend(children_of(proc.pid))
            proc.send_signal(how)
            await asyncio.to_thread(proc.wait, 30)
            await ws.close()

    session_pids: list[int] = []
    try:
        asyncio.run(open_session())
    finally:
        stop(proc)
    out = proc.stdout.read().decode() if proc.stdout else ""
    assert proc.returncode == 0, out
    assert session_pids, "no session process was started"
    assert not any(Path(f"/proc/{pid}").exists() for pid in session_pids)
    room = re.search(r"session folders in (\S+)", out)
    assert room and not Path(room.group(1)).exists(), out
    assert out.count("tok-123456789") == 2  # the two links, nothing else
    assert "?token=tok-123456789" in out


# --------------------------------------------------------------------------------------------
# Headless Chromium


def find_chromium() -> str:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium)")
    return chromium


class Browser:
    """One headless Chromium with its own profile (so its own cookies), driven through the
    DevTools protocol. It records what the page's websocket receives: the terminal's output."""

    KEYS = {
        "enter": ("Enter", "Enter", 13, "\r"),
        "escape": ("Escape", "Escape", 27, None),
        "backspace": ("Backspace", "Backspace", 8, None),
        "f2": ("F2", "F2", 113, None),
    }

    def __init__(self, chromium: str, profile: Path) -> None:
        self.chromium = chromium
        self.profile = profile
        self.frames: list[bytes] = []
        self.counter = 0
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}

    async def __aenter__(self) -> Browser:
        import aiohttp

        port = free_port()
        self.proc = subprocess.Popen(
            [
                self.chromium,
                *CHROMIUM_FLAGS,
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                "--window-size=1200,800",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        targets: list[dict[str, Any]] = []
        while time.monotonic() < deadline and not targets:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=1) as r:
                    targets = [t for t in json.load(r) if t.get("type") == "page"]
            except OSError:
                await asyncio.sleep(0.2)
        assert targets, "Chromium did not open its DevTools port"
        self.http = aiohttp.ClientSession()
        self.ws = await self.http.ws_connect(targets[0]["webSocketDebuggerUrl"], max_msg_size=0)
        self.reader = asyncio.create_task(self._read())
        await self.call("Page.enable")
        await self.call("Network.enable")
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.reader.cancel()
        with contextlib.suppress(BaseException):
            await self.reader
        await self.ws.close()
        await self.http.close()
        stop(self.proc)  # type: ignore[arg-type]

    async def _read(self) -> None:
        async for msg in self.ws:
            data = json.loads(msg.data)
            if "id" in data and data["id"] in self.pending:
                self.pending.pop(data["id"]).set_result(data)
            elif data.get("method") == "Network.webSocketFrameReceived":
                response = data["params"]["response"]
                if response.get("opcode") == 2:
                    self.frames.append(base64.b64decode(response["payloadData"]))

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.counter += 1
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[self.counter] = future
        await self.ws.send_json({"id": self.counter, "method": method, "params": params})
        reply = await asyncio.wait_for(future, 30)
        assert "error" not in reply, reply
        return dict(reply.get("result", {}))

    async def evaluate(self, expression: str) -> Any:
        r = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return r.get("result", {}).get("value")

    def text(self) -> str:
        return ANSI.sub(b"", b"".join(self.frames)).decode("utf-8", "replace")

    async def wait_text(self, wanted: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while wanted not in self.text() and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        text = self.text()
        if os.environ.get("K8SNET_TEST_DUMP"):
            Path(os.environ["K8SNET_TEST_DUMP"]).write_text(text)
        assert wanted in text, f"{wanted!r} never appeared; the terminal showed:\n{text[-3000:]}"
        return text

    async def open(self, url: str, *, reload: bool = False) -> None:
        self.frames.clear()
        if reload:
            await self.call("Page.reload")
        else:
            await self.call("Page.navigate", url=url)
        deadline = time.monotonic() + 30
        classes = ""
        while time.monotonic() < deadline and "-first-byte" not in classes:
            await asyncio.sleep(0.2)
            classes = str(await self.evaluate("document.body ? document.body.className : ''"))
        assert "-first-byte" in classes, f"the app never drew on the page (body: {classes!r})"
        await self.evaluate("document.querySelector('.xterm-helper-textarea').focus()")

    async def press(self, key: str, times: int = 1) -> None:
        """A key as a person types it: Enter, Escape, Backspace, a letter, or ctrl+letter."""
        ctrl = key.startswith("ctrl+")
        name = key.removeprefix("ctrl+")
        if name in self.KEYS:
            k, code, vk, text = self.KEYS[name]
        else:
            k, code, vk, text = name, f"Key{name.upper()}", ord(name.upper()), name
        event: dict[str, Any] = {"key": k, "code": code, "windowsVirtualKeyCode": vk}
        if ctrl:
            event["modifiers"] = 2
        elif text:
            event["text"] = text
        for _ in range(times):
            await self.call("Input.dispatchKeyEvent", type="keyDown", **event)
            await self.call("Input.dispatchKeyEvent", type="keyUp", **event)
            # A lone ESC byte is told from the start of a key sequence by a pause: without it,
            # Esc followed quickly by `s` would arrive as Alt+S.
            await asyncio.sleep(0.6 if name == "escape" else 0.05)

    async def type(self, text: str) -> None:
        await self.call("Input.insertText", text=text)

    async def screenshot(self) -> bytes:
        shot = await self.call(
            "Page.captureScreenshot",
            format="png",
            clip={"x": 0, "y": 0, "width": 1200, "height": 800, "scale": 0.5},
        )
        return base64.b64decode(shot["data"])


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


@pytest.mark.browser
@pytest.mark.slow
def test_browser_shows_the_home_screen(served: tuple[int, Path], tmp_path: Path) -> None:
    chromium = find_chromium()
    port, room = served
    titles = [lesson.title for lesson in discover(include_env=False).lessons[:3]]

    async def scenario() -> bytes:
        async with Browser(chromium, tmp_path / "profile") as browser:
            await browser.open(f"http://127.0.0.1:{port}/")
            assert await browser.evaluate("document.title") == "k8snet-tutor"
            await browser.wait_text(titles[0])
            await asyncio.sleep(1.0)  # let the terminal paint
            return await browser.screenshot()

    pixels = png_pixels(asyncio.run(scenario()))
    colours = Counter(pixels)
    assert len(colours) > 20, "the screenshot is blank"
    assert colours.most_common(1)[0][1] < 0.98 * len(pixels), "the screenshot is one uniform colour"
    assert [p.name[:9] for p in room.iterdir()] == ["attendee-"]


def progress_of(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / "progress.json").read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


async def wait_for(condition: Any, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    assert condition(), what


@pytest.mark.browser
@pytest.mark.slow
def test_browser_sessions_resume_stay_apart_and_stay_inside(
    served: tuple[int, Path], tmp_path: Path
) -> None:
    """Browser A gives a name, opens the first lesson and takes a hint; a reload brings the same session
    back (same folder, "▶ Continue", no second name question). Browser B (another profile) gets
    its own empty session, and its sandbox export refuses a path outside its folder but
    writes a plain file name inside it."""
    chromium = find_chromium()
    port, room = served
    first = discover(include_env=False).lessons[0]
    outside = tmp_path / "outside"
    outside.mkdir()

    def folders() -> list[Path]:
        return sorted(p for p in room.iterdir() if p.name.startswith("attendee-"))

    async def scenario() -> None:
        async with Browser(chromium, tmp_path / "profile-a") as a:
            await a.open(f"http://127.0.0.1:{port}/")
            await a.wait_text("Your name")
            await a.type("Ada")
            await a.press("enter")
            await wait_for(lambda: len(folders()) == 1, "no session folder for A")
            home_a = folders()[0]
            await wait_for(lambda: progress_of(home_a).get("quiz_name") == "Ada", "name not kept")
            await a.press("c")  # continue: the first lesson
            await wait_for(
                lambda: progress_of(home_a).get("current") == first.id, "lesson not recorded"
            )
            await a.press("f2")  # a hint: the lesson is now started
            await wait_for(
                lambda: (
                    progress_of(home_a).get("lessons", {}).get(first.id, {}).get("hints_used") == 1
                ),
                "hint not recorded",
            )
            await a.open("", reload=True)
            text = await a.wait_text("▶ Continue: ")
            assert "Your name" not in text
            assert folders() == [home_a]

        async with Browser(chromium, tmp_path / "profile-b") as b:
            await b.open(f"http://127.0.0.1:{port}/")
            text = await b.wait_text("Your name")
            assert "▶ Start: " in text and "▶ Continue" not in text
            await wait_for(lambda: len(folders()) == 2, "no session folder for B")
            home_b = next(p for p in folders() if p != home_a)
            await b.press("escape")  # stay anonymous
            await b.press("s")  # the sandbox
            await b.wait_text("Export")
            await asyncio.sleep(2)  # its first evaluation
            await b.press("ctrl+o")
            await b.wait_text("Export the matrix to a file")
            await b.press("backspace", 12)
            await b.type(str(outside / "evil.csv"))
            await b.press("enter")
            await asyncio.sleep(1.5)
            assert not (outside / "evil.csv").exists()
            await b.press("ctrl+o")
            await asyncio.sleep(0.5)
            await b.press("backspace", 12)
            await b.type("mine.csv")
            await b.press("enter")
            await wait_for(lambda: (home_b / "mine.csv").is_file(), "the export inside failed")
            assert not (outside / "evil.csv").exists() and list(outside.iterdir()) == []
            assert first.id not in progress_of(home_b).get("lessons", {})
            assert "quiz_name" not in progress_of(home_b)
            assert not (home_a / "mine.csv").exists()

    asyncio.run(scenario())


@needs_proc
def test_room_keeps_work_for_at_most_max_attendees(tmp_path: Path) -> None:
    """New browsers beyond the cap are refused (no new folder); known ones still get in."""
    import aiohttp

    async def scenario() -> None:
        async with room_server(tmp_path, max_sessions=1, max_attendees=2) as server:
            room = tmp_path / "room"
            async with client() as a, client() as b, client() as c:
                for http in (a, b):
                    async with http.get(url(server)) as r:
                        assert r.status == 200
                    async with http.ws_connect(ws_url(server)) as ws:
                        await read_until(ws, "served=1")
                    await asyncio.sleep(0.3)  # the session ends: the cap is on folders
                assert len([d for d in room.iterdir() if d.is_dir()]) == 2
                async with c.get(url(server)) as r:
                    body = await r.text()
                    assert r.status == 503 and "No more attendees" in body and "2 attendees" in body
                with pytest.raises(aiohttp.WSServerHandshakeError) as info:
                    await c.ws_connect(ws_url(server))
                assert info.value.status == 503
                # A script without cookies gets no folder either.
                with pytest.raises(aiohttp.WSServerHandshakeError):
                    async with aiohttp.ClientSession() as bare:
                        await bare.ws_connect(ws_url(server))
                assert len([d for d in room.iterdir() if d.is_dir()]) == 2
                async with a.get(url(server)) as r:  # a known browser comes back
                    assert r.status == 200
                async with a.ws_connect(ws_url(server)) as ws:
                    await read_until(ws, "served=1")

    asyncio.run(scenario())


def test_serve_refuses_fewer_attendees_than_sessions(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("textual_serve")
    code = main(["serve", "--max-sessions", "5", "--max-attendees", "3"])
    assert code == 2
    assert "--max-attendees 3" in capsys.readouterr().err
