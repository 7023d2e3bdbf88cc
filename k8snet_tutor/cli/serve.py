"""Serve the tutor (or a quiz) in web browsers, for a workshop room: no Python needed on their side.

Each browser gets its own tutor process and its own session folder in the room folder (--room
DIR; default: a temporary folder, removed when serve stops). A cookie ties the folder to the
browser: a reload, a closed tab or "Session ended -> Restart" resumes the attendee's progress.
`k8snet-tutor report DIR` (or `report --watch DIR`, live) summarises the room.

On 127.0.0.1 (the default) no token is needed. On any other address a room token is required:
serve prints the link to share (http://HOST:PORT/?token=...); --token sets it, --no-token turns
it off (anyone who can reach the port can then start sessions). At most --max-sessions
processes run at once, and the room keeps work for at most --max-attendees browsers; a session
without input for --idle-timeout minutes ends (Restart resumes it). Stop with Ctrl+C: every session process and temporary folder is removed.

exit codes: 0 stopped, 2 bad options or textual-serve missing
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import shlex
import socket
import sys
import tempfile
from pathlib import Path

from k8snet_tutor.cli.common import EXIT_OK, fail
from k8snet_tutor.learning.locations import ENV_LESSONS

LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")
# Measured with benchmarks/bench_serve.py (README): one session process uses about 56 MiB, so
# 40 sessions take about 2.3 GB of a 16 GB laptop; the processor, not memory, limits a room
# that connects all at once.
DEFAULT_MAX_SESSIONS = 40
DEFAULT_IDLE_MINUTES = 60.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    parser.add_argument(
        "--room",
        "--sessions",
        dest="room",
        metavar="DIR",
        help="the room folder: one session folder per attendee (progress, quiz results), kept "
        "after serve stops, for `k8snet-tutor report DIR`; default: a temporary folder, removed "
        "when serve stops",
    )
    access = parser.add_mutually_exclusive_group()
    access.add_argument(
        "--token",
        metavar="VALUE",
        help="the room token browsers must bring (default on addresses other than 127.0.0.1: a "
        "random one, printed in the link to share)",
    )
    access.add_argument(
        "--no-token",
        action="store_true",
        help="no token even on a non-loopback address (anyone who can reach the port gets in)",
    )
    parser.add_argument(
        "--max-sessions",
        type=int,
        default=DEFAULT_MAX_SESSIONS,
        metavar="N",
        help=f"at most N sessions at once; others see a 'room is full' page "
        f"(default: {DEFAULT_MAX_SESSIONS})",
    )
    parser.add_argument(
        "--max-attendees",
        type=int,
        default=None,
        metavar="N",
        help="keep work for at most N attendees (one folder per browser); a new browser "
        "after that is refused, returning ones still get in (default: 10 x --max-sessions)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=float,
        default=DEFAULT_IDLE_MINUTES,
        metavar="MINUTES",
        help="end a session after this many minutes without input; its progress is kept and "
        f"Restart resumes it; 0: never (default: {DEFAULT_IDLE_MINUTES:g})",
    )
    parser.add_argument(
        "--lessons",
        action="append",
        default=[],
        metavar="DIR",
        help="an instructor's lesson pack (its quiz banks in DIR/quizzes); repeatable. "
        f"${ENV_LESSONS} works too",
    )
    parser.add_argument(
        "--no-builtin",
        action="store_true",
        help="with --lessons: serve only the instructor's lessons, not the built-in ones",
    )
    parser.add_argument(
        "--quiz",
        nargs="?",
        const="",
        default=None,
        metavar="BANK",
        help="serve a quiz instead of the tutor (default bank: the instructor's, else built-in)",
    )
    parser.add_argument(
        "--count", type=int, metavar="N", help="with --quiz: questions per attendee"
    )
    parser.add_argument(
        "--seed", type=int, metavar="N", help="with --quiz: the same question order for everyone"
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use to reach the server, for the printed link (behind a "
        "proxy; default: http://HOST:PORT, or this machine's name when HOST is a wildcard)",
    )
    parser.add_argument(
        "--print-command",
        action="store_true",
        help="print the command each browser session runs, and exit",
    )


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if host.strip().lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    return host.strip("[]") in ("0.0.0.0", "::", "")


def exposure_warning(host: str, port: int, *, token: bool = False) -> str | None:
    """The warning printed when the server is reachable from other machines."""
    if is_loopback(host):
        return None
    where = "every network interface" if is_wildcard(host) else f"address {host}"
    if token:
        return (
            f"Serving on {where}, port {port}: only browsers with the room's link (its token) "
            "get a session. Share the link with the room only."
        )
    return (
        f"WARNING: serving on {where}, port {port} with --no-token. Anyone who can reach it "
        "can open a tutor session, which runs a process on this machine; there is no login. "
        "Use a trusted network (a workshop LAN), or drop --no-token."
    )


def session_argv(
    *,
    lessons: list[str],
    no_builtin: bool = False,
    quiz: str | None = None,
    count: int | None = None,
    seed: int | None = None,
    python: str | None = None,
) -> list[str]:
    """The command one browser session runs: `python -m k8snet_tutor tutor` (or `quiz`). The
    server gives it its session folder in K8SNET_TUTOR_HOME."""
    args: list[str] = [python or sys.executable, "-m", "k8snet_tutor"]
    if quiz is None:
        args.append("tutor")
    else:
        args.append("quiz")
        if quiz:
            args.append(quiz)
        if count is not None:
            args += ["--count", str(count)]
        if seed is not None:
            args += ["--seed", str(seed)]
    for d in lessons:
        args += ["--lessons", str(Path(d).expanduser().resolve())]
    if no_builtin and lessons and quiz is None:
        args.append("--no-builtin")
    return args


def package_pythonpath() -> str:
    """PYTHONPATH for the session processes: this package's folder first (so a checkout that is
    not installed serves itself), then whatever was set."""
    root = str(Path(__file__).resolve().parents[2])
    rest = os.environ.get("PYTHONPATH")
    return f"{root}{os.pathsep}{rest}" if rest else root


def share_urls(host: str, port: int, token: str | None, public_url: str | None) -> list[str]:
    """The links to print: the public one first, then a local one."""
    suffix = f"/?token={token}" if token else "/"
    urls: list[str] = []
    if public_url:
        urls.append(public_url.rstrip("/") + suffix)
    elif is_wildcard(host):
        urls.append(f"http://{socket.getfqdn()}:{port}{suffix}")
    else:
        shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
        urls.append(f"http://{shown}:{port}{suffix}")
    if is_wildcard(host):
        urls.append(f"http://127.0.0.1:{port}{suffix}")
    return urls


def run(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        return fail(f"--port {args.port} is not a port number (1-65535)")
    if args.max_sessions < 1:
        return fail(f"--max-sessions {args.max_sessions}: give at least 1")
    if args.max_attendees is not None and args.max_attendees < args.max_sessions:
        return fail(
            f"--max-attendees {args.max_attendees}: give at least --max-sessions "
            f"({args.max_sessions})"
        )
    if args.idle_timeout < 0:
        return fail(f"--idle-timeout {args.idle_timeout:g}: give minutes (0 for never)")
    if args.token is not None and not args.token.strip():
        return fail("--token is empty", "give a value, or --no-token to serve without one")
    for d in args.lessons:
        if not Path(d).expanduser().is_dir():
            return fail(f"--lessons {d}: no such folder")
    if args.quiz is None and (args.count is not None or args.seed is not None):
        return fail("--count and --seed only apply with --quiz")
    quiz = args.quiz
    if quiz and Path(quiz).expanduser().is_file():
        quiz = str(Path(quiz).expanduser().resolve())  # sessions run in their own folders
    argv = session_argv(
        lessons=args.lessons,
        no_builtin=args.no_builtin,
        quiz=quiz,
        count=args.count,
        seed=args.seed,
    )
    if args.print_command:
        print(f"K8SNET_TUTOR_HOME=ROOM/attendee-... K8SNET_TUTOR_SERVED=1 {shlex.join(argv)}")
        return EXIT_OK
    try:
        from k8snet_tutor.cli.room_server import ENV_ASK_NAME, RoomServer
    except ImportError as exc:
        return fail(
            f"browser mode needs textual-serve ({exc})",
            "reinstall k8snet-tutor in its virtualenv: .venv/bin/python -m pip install .",
        )
    if args.room:
        room = Path(args.room).expanduser().resolve()
        try:
            room.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return fail(f"--room {args.room}: {exc.strerror or exc}")
        remove_room = False
    else:
        room = Path(tempfile.mkdtemp(prefix="k8snet-tutor-room-"))
        remove_room = True
    token: str | None = args.token
    if token is None and not args.no_token and not is_loopback(args.host):
        from k8snet_tutor.cli.room_server import new_token

        token = new_token()
    warning = exposure_warning(args.host, args.port, token=token is not None)
    if warning:
        print(warning, file=sys.stderr)
    env = {"PYTHONPATH": package_pythonpath()}
    if args.room:
        env[ENV_ASK_NAME] = "1"
    server = RoomServer(
        argv,
        room=room,
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        token=token,
        max_sessions=args.max_sessions,
        max_attendees=args.max_attendees,
        idle_seconds=args.idle_timeout * 60,
        remove_room=remove_room,
        env=env,
    )
    what = "a quiz" if args.quiz is not None else "the tutor"
    if remove_room:
        print(
            f"Each browser runs {what}; session folders in {room} (removed when serve stops; "
            "--room DIR keeps them)"
        )
    else:
        print(f"Each browser runs {what}; session folders in {room}")
        print(f"The room, live: k8snet-tutor report --watch {shlex.quote(str(room))}")
    if os.environ.get(ENV_LESSONS):
        print(f"Lessons from ${ENV_LESSONS} are loaded too: {os.environ[ENV_LESSONS]}")
    print(
        f"At most {args.max_sessions} sessions at once; idle sessions end after "
        + (f"{args.idle_timeout:g} minutes." if args.idle_timeout else "never.")
    )

    def ready() -> None:
        urls = share_urls(args.host, args.port, token, args.public_url)
        print("Open in a browser:")
        for url in urls:
            print(f"    {url}")
        if is_wildcard(args.host) and not args.public_url:
            print("    (if attendees cannot reach the first name, use this machine's address on")
            print("     the room's network in its place, or give --public-url)")
        print("Press Ctrl+C to stop (every session ends; progress in --room stays).", flush=True)

    try:
        server.serve(ready=ready)
    except OSError as exc:
        return fail(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
            "pick another --port, or stop what uses this one",
        )
    return EXIT_OK
