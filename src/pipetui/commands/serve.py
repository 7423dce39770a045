"""`pipetui serve`: the board in a browser, for this machine by default.

The server and its rules live in `pipetui.web` (imported here, in `run_serve`
only, so building the parser never loads aiohttp); this module turns the
options into a `ServeConfig`, says what it is serving and where, and waits.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pipetui.services import locations
from pipetui.services.workspace import USER_ENV, Workspace

EXTRA_MODULES = ("aiohttp", "textual_serve")
"""What the `serve` extra installs; without them `pipetui serve` exits 2."""


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add the `serve` command."""
    serve = commands.add_parser(
        "serve",
        help="open the board in a web browser (this machine only, unless --host says otherwise)",
        parents=[common],
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; any other "
        "address needs TLS from a reverse proxy in front)",
    )
    serve.add_argument("--port", type=_port, default=8000, help="port (default 8000)")
    serve.add_argument(
        "--max-sessions",
        type=_positive,
        default=3,
        metavar="N",
        help="browser sessions open at once, one app each (default 3)",
    )
    serve.add_argument(
        "--idle-timeout",
        type=_minutes,
        default=30.0,
        metavar="MINUTES",
        help="close a session nobody has typed in for this long (default 30)",
    )
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use when a reverse proxy serves this one "
        "(e.g. https://crm.example.com): its Host and Origin are then the ones allowed",
    )
    serve.set_defaults(func=run_serve)


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"not a port (1–65535): {text!r}")
    return int(text)


def _positive(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a whole number from 1: {text!r}")
    return int(text)


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 7 * 24 * 60:
        raise argparse.ArgumentTypeError(f"not a number of minutes (more than 0): {text!r}")
    return value


def run_serve(args: argparse.Namespace, ws: Workspace) -> int:
    """Serve the board until ctrl+c (or SIGTERM)."""
    missing = [name for name in EXTRA_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        sys.stderr.write(
            "pipetui: error: serve needs the 'serve' extra "
            "(pip install 'pipetui[serve]'; missing: " + ", ".join(missing) + ")\n"
        )
        return 2
    import asyncio

    from pipetui.web.config import (
        TOKEN_ENV,
        ServeConfig,
        ServeConfigError,
        check_token,
        is_loopback,
        new_token,
    )
    from pipetui.web.server import serve

    db_option = getattr(args, "db", None)
    target = database_for_child(db_option)
    app_env = {locations.DB_ENV: target}
    as_user = getattr(args, "as", None)
    if as_user is not None:  # (checked when the workspace opened)
        app_env[USER_ENV] = as_user
    try:
        given = os.environ.get(TOKEN_ENV)
        token = check_token(given) if given else new_token()
        config = ServeConfig(
            host=args.host,
            port=args.port,
            token=token,
            app_argv=(sys.executable, "-m", "pipetui.web.child"),
            app_env=app_env,
            max_sessions=args.max_sessions,
            idle_timeout=args.idle_timeout * 60,
            public_url=args.public_url,
        )
    except ServeConfigError as error:
        sys.stderr.write(f"pipetui: error: serve: {error}\n")
        return 2
    ws.close()  # (each session's app opens its own; nothing is held meanwhile)
    if db_option is not None and _has_password(db_option):
        _warn(
            "the --db URL holds a password, which `ps` shows for this process: "
            f"set {locations.DB_ENV} instead (the apps get it that way, never on a command line)"
        )
    if not is_loopback(args.host):
        _warn(
            f"listening on {args.host}, not only this machine: pipetui serve speaks plain "
            "HTTP, so TLS is your reverse proxy's job (see README, 'pipetui serve')"
        )

    def ready() -> None:
        sys.stdout.write(
            f"pipetui serve: open {config.url}?token={token}\n"
            f"  (the link holds the secret: share it only with people who may see the data; "
            f"up to {config.max_sessions} sessions, ctrl+c stops)\n"
        )
        sys.stdout.flush()

    try:
        asyncio.run(serve(config, ready=ready))
    except OSError as error:
        sys.stderr.write(
            f"pipetui: error: serve: cannot listen on {args.host}:{args.port}: "
            f"{error.strerror or error}\n"
        )
        return 1
    return 0


def database_for_child(db_option: str | None) -> str:
    """The database the apps open, for their PIPETUI_DB: `--db`, else
    PIPETUI_DB, else the default file; a file path made absolute."""
    target = locations.database_target(db_option, light=True)
    if "://" not in target:
        target = str(Path(target).expanduser().resolve())
    return target


def _has_password(target: str) -> bool:
    if "://" not in target:
        return False
    try:
        return urlsplit(target).password is not None
    except ValueError:
        return False


def _warn(message: str) -> None:
    sys.stderr.write(f"pipetui: warning: serve: {message}\n")
