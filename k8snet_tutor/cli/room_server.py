"""The web server behind `k8snet-tutor serve`: textual-serve's server, made fit for a room.

textual-serve (`textual_serve.server.Server`) answers `/` with a page holding a terminal
(xterm.js), and for every websocket on `/ws` it starts one app process (`AppService`) that
talks to the page through the websocket. This module subclasses both:

- access: a room token (when set) is checked on every request in an aiohttp middleware,
  before any handler runs, so a request without it gets 403 and never starts a process. The
  token arrives once in the URL (`/?token=...`), is compared in constant time, and is swapped
  for a cookie derived from it; the address bar is then redirected to a URL without it. Access
  logs are off, so the token never reaches a log.
- resume: each browser gets an attendee cookie (a random id). Its session folder is
  `ROOM/<digest of the id>/` and is the app's `K8SNET_TUTOR_HOME`: a reload, a closed tab or
  "Session ended -> Restart" opens the same folder, so the attendee's progress is back. One
  attendee has at most one live process: a second tab ends the first.
- limits: at most `max_sessions` live processes (others get the "room is full" page), and a
  session without input for `idle_seconds` is ended (its folder stays; Restart resumes it).
- clean up: each process gets its own temporary folder (TMPDIR), removed when the session ends;
  a process that does not quit when asked is killed with its process group; when the server
  stops (Ctrl+C, SIGTERM) every session is ended the same way and every temporary folder
  (and a temporary room) is removed.
- served sessions run with `K8SNET_TUTOR_SERVED=1`: the app then offers nothing that reaches
  the host beyond the session folder (no $EDITOR, no screenshots, exports only inside it).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import html
import logging
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import time
import uuid
from asyncio.subprocess import Process
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from k8snet_tutor.learning.locations import ENV_HOME

log = logging.getLogger("k8snet-tutor.serve")

ENV_SERVED = "K8SNET_TUTOR_SERVED"
ENV_ASK_NAME = "K8SNET_TUTOR_ASK_NAME"
ACCESS_COOKIE = "k8snet_access"
ATTENDEE_COOKIE = "k8snet_attendee"
ATTENDEE_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
COOKIE_MAX_AGE = 30 * 24 * 3600
QUIT_GRACE_SECONDS = 3.0
# Variables a served app never inherits: they name programs or places on the host.
DROPPED_ENV = ("EDITOR", "VISUAL", "PAGER", "BROWSER", "SHELL")


def attendee_folder_name(attendee_id: str) -> str:
    """The folder of an attendee in the room: a digest, so the folder name is not the secret."""
    return "attendee-" + hashlib.sha256(attendee_id.encode("ascii")).hexdigest()[:16]


def new_attendee_id() -> str:
    return secrets.token_urlsafe(18)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def tokens_equal(given: str, expected: str) -> bool:
    """Constant-time comparison (on bytes: compare_digest takes only ASCII str)."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _page(title: str, heading: str, body: str, *, refresh: int | None = None) -> str:
    meta = f'<meta http-equiv="refresh" content="{refresh}">' if refresh else ""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>{meta}"
        "<style>body{background:#0c181f;color:#eee;font-family:sans-serif;display:flex;"
        "align-items:center;justify-content:center;height:90vh}"
        "div{max-width:36em;background:#12232d;padding:2em 3em;border-radius:6px}"
        "h1{font-size:1.4em}</style></head>"
        f"<body><div><h1>{html.escape(heading)}</h1><p>{body}</p></div></body></html>"
    )


def app_page(title: str, font_size: int) -> str:
    """The page of a session: textual-serve's terminal (static/js/textual.js reads the
    websocket URL and font size from the #terminal element's data attributes), with a title,
    no font loaded from outside, and a websocket URL taken from the page's own address (so it
    works whatever name or address the attendee typed)."""
    t = html.escape(title)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{t}</title>
<link rel="stylesheet" href="static/css/xterm.css">
<script src="static/js/textual.js"></script>
<style>
  html, body {{ margin: 0; height: 100%; background: #0c181f; }}
  .textual-terminal {{ width: 100vw; height: 100vh; opacity: 0; }}
  body.-first-byte .textual-terminal {{ opacity: 1; }}
  .dialog {{ position: absolute; inset: 0; display: flex; align-items: center;
    justify-content: center; z-index: 10; font-family: monospace; color: #eee; }}
  .dialog .box {{ background: #12232d; padding: 2em 3em; text-align: center; max-width: 40em; }}
  body.-first-byte #starting {{ display: none; }}
  #ended {{ display: none; }}
  body.-closed #ended {{ display: flex; }}
  button {{ padding: 1em 2em; background: #5e0ba7; color: #fff; border: none; margin-top: 1em;
    font-family: monospace; cursor: pointer; }}
  #start {{ display: none; }}
</style>
</head>
<body>
<div class="dialog" id="starting"><div class="box">{t}: starting your session...
  <button type="button" id="start"></button></div></div>
<div class="dialog" id="ended"><div class="box">
  <div class="message">Session ended.</div>
  <p>Your progress is kept in this browser's session: Restart picks up where you left off.</p>
  <button type="button" onclick="window.location.reload()">Restart</button>
</div></div>
<div id="terminal" class="textual-terminal" data-font-size="{font_size}"></div>
<script>
  (function () {{
    var url = new URL("ws", window.location.href);
    url.protocol = window.location.protocol === "https:" ? "wss:" : "ws:";
    url.search = "";
    document.getElementById("terminal").dataset.sessionWebsocketUrl = url.toString();
  }})();
</script>
</body>
</html>
"""


class RoomAppService(AppService):
    """One app process of a session: started without a shell, in its own process group, with
    its own environment and temporary folder; stopped for sure (asked to quit, then killed)."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: dict[str, str],
        cwd: Path,
        tmpdir: Path,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[object]],
        server: Server,
    ) -> None:
        super().__init__(
            " ".join(argv),
            write_bytes=write_bytes,
            write_str=write_str,
            close=close,  # type: ignore[arg-type]
            download_manager=server.download_manager,
        )
        self.argv = list(argv)
        self.extra_env = env
        self.cwd = cwd
        self.tmpdir = tmpdir
        self.started = time.monotonic()
        self.first_output: float | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = super()._build_environment(width, height)
        for name in DROPPED_ENV:
            env.pop(name, None)
        env.update(self.extra_env)
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        self.tmpdir.mkdir(parents=True, exist_ok=True)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width, height),
            cwd=str(self.cwd),
            start_new_session=True,  # its own process group: killed as a whole
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def on_data(self, payload: bytes) -> None:
        if self.first_output is None:
            self.first_output = time.monotonic()
        await super().on_data(payload)

    async def stop(self) -> None:
        """Ask the app to quit; kill its process group if it has not gone after a grace
        period; remove its temporary folder. Safe to call more than once."""
        process = self._process
        task = self._task
        self._task = None
        if task is not None:
            await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
            with contextlib.suppress(Exception):
                await self.send_meta({"type": "quit"})
        if process is not None and process.returncode is None:
            try:
                await asyncio.wait_for(process.wait(), QUIT_GRACE_SECONDS)
            except TimeoutError:
                self._signal_group(process, signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), QUIT_GRACE_SECONDS)
                except TimeoutError:
                    self._signal_group(process, signal.SIGKILL)
                    await process.wait()
        if process is not None:
            # Anything the app left running in its group goes too.
            self._signal_group(process, signal.SIGKILL)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    @staticmethod
    def _signal_group(process: Process, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
            os.killpg(process.pid, sig)


@dataclass
class LiveSession:
    attendee: str  # folder name in the room
    service: RoomAppService
    websocket: web.WebSocketResponse
    last_input: float = field(default_factory=time.monotonic)
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    reason: str = ""


class RoomServer(Server):
    """textual-serve's Server with a token, a session cap, an idle timeout, resumable
    per-attendee folders and a full clean-up."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        room: Path,
        host: str = "127.0.0.1",
        port: int = 8000,
        title: str = "k8snet-tutor",
        public_url: str | None = None,
        token: str | None = None,
        max_sessions: int = 40,
        max_attendees: int | None = None,
        idle_seconds: float | None = 3600.0,
        remove_room: bool = False,
        env: dict[str, str] | None = None,
        out: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(" ".join(argv), host=host, port=port, title=title, public_url=public_url)
        self.argv = list(argv)
        self.room = room
        self.token = token
        self.max_sessions = max(1, max_sessions)
        # Folders the room keeps (one per browser that ever opened a session): bounded, so a
        # script with the link cannot fill the disk by opening sessions without a cookie.
        self.max_attendees = max(self.max_sessions, max_attendees or 10 * self.max_sessions)
        self.idle_seconds = idle_seconds if idle_seconds and idle_seconds > 0 else None
        self.remove_room = remove_room
        self.child_env = dict(env or {})
        self.temp_root = Path(tempfile.mkdtemp(prefix="k8snet-tutor-serve-tmp-"))
        self.live: dict[str, LiveSession] = {}
        self._closing: set[asyncio.Future[bool]] = set()
        self.starting = 0
        self.out = out or (lambda line: print(line, flush=True))
        self._access_value = (
            hmac.new(token.encode(), b"k8snet-tutor room access", hashlib.sha256).hexdigest()
            if token
            else ""
        )
        self._stop = asyncio.Event()
        self._lock = asyncio.Lock()
        self.secure_cookies = bool(public_url and public_url.startswith("https"))

    # -- the aiohttp application -----------------------------------------------------------------
    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._access_middleware)
        app.on_startup.clear()  # textual-serve's banner prints the command; we print our own
        return app

    def has_access(self, request: web.Request) -> bool:
        if not self.token:
            return True
        given = request.query.get("token")
        if given is not None and tokens_equal(given, self.token):
            return True
        cookie = request.cookies.get(ACCESS_COOKIE)
        return cookie is not None and tokens_equal(cookie, self._access_value)

    @web.middleware
    async def _access_middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if not self.has_access(request):
            return web.Response(
                status=403,
                content_type="text/html",
                text=_page(
                    f"{self.title}: no access",
                    "This room needs its link",
                    "Open the link with the room's token that the instructor gave you "
                    "(it ends in <code>?token=...</code>).",
                ),
            )
        response = await handler(request)
        if self.token and "token" in request.query and request.cookies.get(ACCESS_COOKIE) is None:
            self._set_cookie(response, ACCESS_COOKIE, self._access_value)
        return response

    def _set_cookie(self, response: web.StreamResponse, name: str, value: str) -> None:
        if response.prepared:
            return
        response.set_cookie(
            name,
            value,
            max_age=COOKIE_MAX_AGE,
            path="/",
            httponly=True,
            # Lax, not Strict: a browser sends it when the attendee follows the room's link
            # from a chat or a mail (a cross-site navigation), so that link resumes the session
            # instead of starting a new one. Other sites' websockets are refused by Origin.
            samesite="Lax",
            secure=self.secure_cookies,
        )

    def room_is_full(self, attendee: str | None) -> bool:
        if attendee is not None and attendee in self.live:
            return False  # a reload of a live session replaces it
        return len(self.live) + self.starting >= self.max_sessions

    def room_has_no_seat(self, attendee: str) -> bool:
        """A browser the room has never seen, and the room already keeps `max_attendees`
        folders: it is refused (the attendees the room knows still get in)."""
        if (self.room / attendee).is_dir():
            return False
        try:
            count = sum(1 for entry in self.room.iterdir() if entry.is_dir())
        except OSError:
            return False
        return count >= self.max_attendees

    def no_seat_page(self) -> web.Response:
        return web.Response(
            status=503,
            content_type="text/html",
            text=_page(
                f"{self.title}: no more attendees",
                "No more attendees",
                f"This room has already kept work for {self.max_attendees} attendees, its "
                "limit. Attendees who joined before can still come back from their own "
                "browser; ask the instructor to open another room.",
            ),
        )

    def full_page(self) -> web.Response:
        return web.Response(
            status=503,
            content_type="text/html",
            headers={"Retry-After": "30"},
            text=_page(
                f"{self.title}: the room is full",
                "The room is full",
                f"All {self.max_sessions} sessions of this room are in use. This page tries "
                "again every 30 seconds; or ask the instructor.",
                refresh=30,
            ),
        )

    def _attendee_of(self, request: web.Request) -> str | None:
        raw = request.cookies.get(ATTENDEE_COOKIE, "")
        return attendee_folder_name(raw) if ATTENDEE_ID.match(raw) else None

    async def handle_index(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override,unused-ignore]
        query = dict(request.query)
        resume = query.pop("session", None)
        given_token = query.pop("token", None)
        attendee_id = request.cookies.get(ATTENDEE_COOKIE, "")
        new_id: str | None = None
        if resume is not None and ATTENDEE_ID.match(resume):
            new_id = resume  # a resume link: this browser continues that session
        elif not ATTENDEE_ID.match(attendee_id):
            new_id = new_attendee_id()
        if given_token is not None or resume is not None:
            # Take the secrets out of the address bar (and out of the browser's history).
            response: web.StreamResponse = web.Response(
                status=302, headers={"Location": request.rel_url.with_query(query).path_qs}
            )
        else:
            attendee = attendee_folder_name(new_id or attendee_id)
            if self.room_is_full(attendee):
                response = self.full_page()
            elif self.room_has_no_seat(attendee):
                response = self.no_seat_page()
            else:
                font_size = to_int(request.query.get("fontsize", "16"), 16)
                response = web.Response(
                    content_type="text/html", text=app_page(self.title, font_size)
                )
        response.headers["Cache-Control"] = "no-store"
        if new_id is not None:
            self._set_cookie(response, ATTENDEE_COOKIE, new_id)
        if given_token is not None and self.token:
            self._set_cookie(response, ACCESS_COOKIE, self._access_value)
        return response

    def _same_origin(self, request: web.Request) -> bool:
        origin = request.headers.get("Origin")
        if not origin:
            return True  # not a browser: the token (if any) was checked already
        netloc = urlsplit(origin).netloc.lower()
        allowed = {request.host.lower()}
        if self.public_url:
            allowed.add(urlsplit(self.public_url).netloc.lower())
        return netloc in allowed

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        if not self._same_origin(request):
            return web.Response(status=403, text="cross-origin websocket refused\n")
        attendee = self._attendee_of(request) or attendee_folder_name(new_attendee_id())
        async with self._lock:
            old = self.live.get(attendee)
            if old is None and self.room_is_full(attendee):
                return self.full_page()
            if old is None and self.room_has_no_seat(attendee):
                return self.no_seat_page()
            self.starting += 1
        try:
            if old is not None:
                await self.end_session(old, "opened in another tab")
            websocket = web.WebSocketResponse(heartbeat=15)
            await websocket.prepare(request)
            home = self.room / attendee
            home.mkdir(parents=True, exist_ok=True)
            tmpdir = self.temp_root / f"tmp-{uuid.uuid4().hex[:12]}"
            env = dict(self.child_env)
            env.update({ENV_HOME: str(home), ENV_SERVED: "1", "TMPDIR": str(tmpdir)})
            service = RoomAppService(
                self.argv,
                env=env,
                cwd=home,
                tmpdir=tmpdir,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                server=self,
            )
            session = LiveSession(attendee, service, websocket)
            async with self._lock:
                self.live[attendee] = session
                self.starting -= 1
                live = len(self.live)
            self.out(f"session started ({live}/{self.max_sessions} live)")
        except BaseException:
            async with self._lock:
                self.starting -= 1
            raise
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        watchdog = asyncio.create_task(self._idle_watchdog(session))
        try:
            await service.start(width, height)
            if service._task is not None:
                # An app that exits or fails to start ends its page's session too.
                service._task.add_done_callback(lambda _: self._close_soon(websocket))
            await self._process_messages_of(session)
        except asyncio.CancelledError:
            pass
        except Exception as error:  # a broken pipe, a failed start: end this session only
            log.warning("session error: %s", error)
        finally:
            watchdog.cancel()
            await self._finish(session)
        return websocket

    def _close_soon(self, websocket: web.WebSocketResponse) -> None:
        if not websocket.closed:
            task = asyncio.ensure_future(websocket.close())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def _process_messages_of(self, session: LiveSession) -> None:
        """textual-serve's message loop, noting the time of the attendee's last input."""
        service, websocket = session.service, session.websocket
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = message.json()
            except ValueError:
                continue
            if not isinstance(envelope, list) or not envelope:
                continue
            kind = envelope[0]
            data: Any = envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str):
                session.last_input = time.monotonic()
                await service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                session.last_input = time.monotonic()
                await service.set_terminal_size(
                    to_int(str(data.get("width", 80)), 80), to_int(str(data.get("height", 24)), 24)
                )
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()

    async def _idle_watchdog(self, session: LiveSession) -> None:
        if self.idle_seconds is None:
            return
        while not session.ended.is_set():
            left = session.last_input + self.idle_seconds - time.monotonic()
            if left <= 0:
                await self.end_session(session, "idle")
                return
            await asyncio.sleep(min(left, 60.0))

    async def end_session(self, session: LiveSession, reason: str) -> None:
        """End a session from outside its handler (idle, a second tab, server stop) and wait
        until its process is gone."""
        session.reason = session.reason or reason
        with contextlib.suppress(Exception):
            await session.websocket.close()
        await self._finish(session)

    async def _finish(self, session: LiveSession) -> None:
        if session.ended.is_set():
            return
        session.ended.set()
        await session.service.stop()
        async with self._lock:
            if self.live.get(session.attendee) is session:
                del self.live[session.attendee]
            live = len(self.live)
        why = f", {session.reason}" if session.reason else ""
        self.out(f"session ended{why} ({live}/{self.max_sessions} live)")

    # -- running and stopping --------------------------------------------------------------------
    async def stop_all(self) -> None:
        sessions = list(self.live.values())
        await asyncio.gather(
            *(self.end_session(s, "the server stops") for s in sessions), return_exceptions=True
        )
        shutil.rmtree(self.temp_root, ignore_errors=True)
        if self.remove_room:
            shutil.rmtree(self.room, ignore_errors=True)

    def request_exit(self) -> None:
        self._stop.set()

    async def run_until_stopped(
        self, ready: Callable[[], None] | None = None, *, handle_signals: bool = True
    ) -> None:
        """Serve until `request_exit` (SIGINT, SIGTERM); then end every session and remove
        every temporary folder."""
        self._stop = asyncio.Event()
        self._lock = asyncio.Lock()
        loop = asyncio.get_running_loop()
        signals = (signal.SIGINT, signal.SIGTERM) if handle_signals else ()
        for sig in signals:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, self.request_exit)
        app = await self._make_app()
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port)
            await site.start()
            if ready is not None:
                ready()
            await self._stop.wait()
        finally:
            await self.stop_all()
            await runner.cleanup()
            for sig in signals:
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.remove_signal_handler(sig)

    def serve(self, debug: bool = False, ready: Callable[[], None] | None = None) -> None:
        logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
        try:
            asyncio.run(self.run_until_stopped(ready))
        finally:
            shutil.rmtree(self.temp_root, ignore_errors=True)
            if self.remove_room:
                shutil.rmtree(self.room, ignore_errors=True)
