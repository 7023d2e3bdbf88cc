"""Serve the tutor (or a quiz) in web browsers, for a workshop room: no Python needed on their side.

Each browser tab gets its own tutor process (through textual-serve) and its own data folder
(K8SNET_TUTOR_HOME), created under the sessions folder, so attendees never share progress. With
--quiz the tabs run a quiz instead of the tutor; every finished quiz leaves its results in
SESSIONS/session-*/results/, which `k8snet-tutor report SESSIONS` summarises.

The server listens on 127.0.0.1 by default. Binding another address (--host 0.0.0.0) lets anyone
who can reach it start sessions on this machine, with no login: use it on a trusted network only.

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
from k8snet_tutor.learning.locations import ENV_HOME, ENV_LESSONS

LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
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
        "--sessions",
        metavar="DIR",
        help="folder for the per-browser data folders (progress, quiz results); default: a new "
        "temporary folder, printed at start",
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
        help="the address browsers use to reach the server (needed behind a proxy; default: "
        "http://HOST:PORT, or this machine's name when HOST is a wildcard address)",
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


def exposure_warning(host: str, port: int) -> str | None:
    """The warning printed when the server is reachable from other machines."""
    if is_loopback(host):
        return None
    where = "every network interface" if is_wildcard(host) else f"address {host}"
    return (
        f"WARNING: serving on {where}, port {port}. Anyone who can reach it can open a tutor "
        "session, which runs a process on this machine; there is no login. Use a trusted "
        "network (a workshop LAN), or keep the default --host 127.0.0.1 and use an SSH tunnel."
    )


def session_command(
    sessions: Path,
    *,
    lessons: list[str],
    no_builtin: bool = False,
    quiz: str | None = None,
    count: int | None = None,
    seed: int | None = None,
    python: str | None = None,
) -> str:
    """The shell command textual-serve runs per browser session: a fresh data folder under
    `sessions`, then `python -m k8snet_tutor tutor` (or `quiz`)."""
    py = shlex.quote(python or sys.executable)
    package_root = str(Path(__file__).resolve().parents[2])
    template = shlex.quote(str(sessions / "session-XXXXXXXX"))
    args: list[str] = []
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
    return (
        f'{ENV_HOME}="$(mktemp -d {template})" '
        f"PYTHONPATH={shlex.quote(package_root)}${{PYTHONPATH:+:$PYTHONPATH}} "
        f"exec {py} -m k8snet_tutor {' '.join(shlex.quote(a) for a in args)}"
    )


def run(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        return fail(f"--port {args.port} is not a port number (1-65535)")
    for d in args.lessons:
        if not Path(d).expanduser().is_dir():
            return fail(f"--lessons {d}: no such folder")
    if args.quiz is None and (args.count is not None or args.seed is not None):
        return fail("--count and --seed only apply with --quiz")
    if args.sessions:
        sessions = Path(args.sessions).expanduser().resolve()
        try:
            sessions.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return fail(f"--sessions {args.sessions}: {exc.strerror or exc}")
    elif args.print_command:
        sessions = Path(tempfile.gettempdir()) / "k8snet-tutor-serve-XXXX"
    else:
        sessions = Path(tempfile.mkdtemp(prefix="k8snet-tutor-serve-"))
    quiz = args.quiz
    if quiz and Path(quiz).expanduser().is_file():
        quiz = str(Path(quiz).expanduser().resolve())  # sessions may run elsewhere
    command = session_command(
        sessions,
        lessons=args.lessons,
        no_builtin=args.no_builtin,
        quiz=quiz,
        count=args.count,
        seed=args.seed,
    )
    if args.print_command:
        print(command)
        return EXIT_OK
    try:
        from textual_serve.server import Server
    except ImportError:
        return fail(
            "browser mode needs textual-serve",
            "install it with `pip install 'k8snet-tutor[serve]'` (or `pip install textual-serve`)",
        )
    warning = exposure_warning(args.host, args.port)
    if warning:
        print(warning, file=sys.stderr)
    public_url = args.public_url
    if public_url is None and is_wildcard(args.host):
        public_url = f"http://{socket.getfqdn()}:{args.port}"
    what = "a quiz" if args.quiz is not None else "the tutor"
    print(f"Each browser tab runs {what}; per-session data (progress, results) in {sessions}")
    if args.quiz is not None:
        print(f"When the room is done: k8snet-tutor report {shlex.quote(str(sessions))}")
    if os.environ.get(ENV_LESSONS):
        print(f"Lessons from ${ENV_LESSONS} are loaded too: {os.environ[ENV_LESSONS]}")
    server = Server(
        command, host=args.host, port=args.port, title="k8snet-tutor", public_url=public_url
    )
    server.serve()
    return EXIT_OK
