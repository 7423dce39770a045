"""The `pipetui` command: argument parsing, error reporting, and the TUI launch.

Textual is imported only when the TUI starts (no subcommand), so scripts that
call the CLI never pay for it. Bad input exits 2 with one line on stderr naming
the field; nothing is written (every use case runs in one transaction).
Whatever else goes wrong is one line too, never a traceback: that goes to the
error log (`locations.error_log`). Output cut short by a closed pipe
(`pipetui deal list | head -1`) ends quietly with 141, as for other Unix tools.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from pipetui import __version__
from pipetui.domain.text import is_utf8

if TYPE_CHECKING:
    import argparse

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
EXIT_BROKEN_PIPE = 128 + 13  # what a shell shows for a process killed by SIGPIPE
LOG_ROTATE_BYTES = 1_000_000


def _parser_class() -> type[argparse.ArgumentParser]:
    """argparse with its errors in pipetui's own form: one line on stderr, exit 2.

    ("pipetui: error: deal lost: the following arguments are required: --reason
    (see pipetui deal lost --help)" instead of a usage block and a second format
    of error line.) Subparsers are made with the same class. Made here, not at
    import: the board's start never builds a parser, so it does not import argparse.
    """
    import argparse

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            command = self.prog.removeprefix("pipetui").strip()
            where = f"{command}: " if command else ""
            line = f"pipetui: error: {where}{message} (see {self.prog} --help)\n"
            self.exit(EXIT_BAD_INPUT, line)

    return _Parser


def build_parser() -> argparse.ArgumentParser:
    """The full parser: global options and every subcommand."""
    import argparse

    from pipetui.commands import (
        contact,
        deal,
        followup,
        funnel_count,
        goal,
        maintenance,
        pipeline,
        report,
        serve,
        today,
        touch_kind,
        transfer,
    )

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        default=argparse.SUPPRESS,
        help="database file or SQLAlchemy URL (default: $PIPETUI_DB, else the user data dir)",
    )
    common.add_argument(
        "--as",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="who you are: history records it, new deals are yours (default: "
        "$PIPETUI_USER, else the database role on PostgreSQL, the login name on SQLite)",
    )
    parser = _parser_class()(
        prog="pipetui",
        description="A sales-pipeline manager that lives in the terminal. "
        "Without a command, opens the board.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"pipetui {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (
        deal,
        contact,
        followup,
        pipeline,
        report,
        goal,
        today,
        transfer,
        maintenance,
        serve,
        touch_kind,
        funnel_count,
    ):
        module.register(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command (or the TUI) and return the exit status."""
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        code = _main(words)
        sys.stdout.flush()  # (here, not at exit, so a closed pipe is seen here)
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _broken_pipe()
    except Exception as error:
        return _unexpected(error, words)


def _main(words: list[str]) -> int:
    # Python decodes bytes that are not UTF-8 (`$'\xff'`) to lone surrogates:
    # such words skip the TUI shortcut, and are refused once argparse has said
    # which option or argument they are.
    all_text = all(is_utf8(word) for word in words)
    tui = _tui_only(words) if all_text else None
    if tui is not None:
        return _run_tui(tui[0] or None, tui[1])
    parser = build_parser()
    args = parser.parse_args(words)
    if not all_text:
        for name, value in vars(args).items():
            values = value if isinstance(value, list) else [value]
            if any(isinstance(v, str) and not is_utf8(v) for v in values):
                return _fail(f"{name.replace('_', '-')}: not valid UTF-8 text", EXIT_BAD_INPUT)
    return _dispatch(parser, args)


def _tui_only(words: list[str]) -> tuple[str, str | None] | None:
    """The --db value ("" for none) and the --as value (None for none) when the
    words ask for the TUI and nothing else; None when they hold a command or
    an option for the full parser.

    The TUI then starts without building the parser, which would import every
    command and the whole store before the first frame.
    """
    found: dict[str, str] = {}
    rest = list(words)
    while rest:
        word = rest.pop(0)
        name, equals, value = word.partition("=")
        if name not in ("--db", "--as"):
            return None
        if not equals:
            if not rest:
                return None
            value = rest.pop(0)
        if not value:  # `--db ""`: refused by the full path, not taken for "no --db"
            return None
        found[name] = value
    return found.get("--db", ""), found.get("--as")


def _run_tui(db_option: str | None, as_user: str | None = None) -> int:
    """Open the board, which needs a terminal on both sides: without one
    (`pipetui </dev/null`, `pipetui > file`) Textual would wait for keys that
    never come, at full CPU."""
    if not (_is_terminal(sys.stdin) and _is_terminal(sys.stdout)):
        return _fail(
            "the board needs a terminal; use a command, see pipetui --help", EXIT_BAD_INPUT
        )
    # The garbage collector is off until the first frame is out (the board's
    # warm-up freezes what start-up loaded, then turns it back on): start-up
    # makes objects that live as long as the app, almost none of them garbage,
    # and the collector's passes over them took 20–23 ms of a 250 ms first
    # frame (one full pass 10–12 ms; `gc.callbacks`, 1,000 deals). On again
    # whatever happens: a board refused here (or failing before its warm-up)
    # must not leave a process that called `main()` collecting nothing.
    gc.disable()
    try:
        return _open_board(db_option, as_user)
    finally:
        gc.enable()


def _open_board(db_option: str | None, as_user: str | None) -> int:
    """Open the workspace and run the board on it (`_run_tui`, collector off)."""
    from pipetui.domain.errors import ValidationError
    from pipetui.services.settings import SettingsError
    from pipetui.services.workspace import open_workspace
    from pipetui.store.light import SchemaError

    try:
        workspace = open_workspace(db_option, as_user=as_user)
    except (SettingsError, ValidationError) as error:
        return _fail(str(error), EXIT_BAD_INPUT)
    except SchemaError as error:
        return _fail(str(error), EXIT_FAILURE)
    except Exception as error:  # the full store's errors, without importing it here
        if not isinstance(error, OSError) and not type(error).__module__.startswith("sqlalchemy"):
            raise
        return _fail(
            f"db: cannot open {db_option or 'the database'}: {_describe(error)}", EXIT_FAILURE
        )
    from pipetui.ui.start import one_malloc_arena, run_app

    # Once the board really opens (a setting for the process's life), and
    # before its first thread: opening the workspace starts none.
    one_malloc_arena()
    try:
        run_app(workspace)
    except SettingsError as error:  # a [keymap] the screens refuse (ui/keymap.py)
        return _fail(str(error), EXIT_BAD_INPUT)
    finally:
        workspace.close()
    return EXIT_OK


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Run one command. An up-to-date SQLite file is opened with the light reader
    and the full store only when the command needs it, so reads like `deal list`
    never import SQLAlchemy (its errors are recognised by module, not imported)."""
    from pipetui.commands.output import use_bidi
    from pipetui.domain.errors import ValidationError
    from pipetui.services.settings import SettingsError
    from pipetui.services.workspace import open_workspace
    from pipetui.store.light import SchemaError

    db_option = getattr(args, "db", None)
    as_user = getattr(args, "as", None)
    try:
        workspace = open_workspace(db_option, as_user=as_user)
    except (SettingsError, ValidationError) as error:
        return _fail(str(error), EXIT_BAD_INPUT)
    except SchemaError as error:
        return _fail(str(error), EXIT_FAILURE)
    except OSError as error:
        if error.filename is not None:  # e.g. an unreadable settings file
            return _fail(f"cannot open {error.filename}: {error.strerror}", EXIT_FAILURE)
        return _fail(f"db: cannot open {db_option or 'the database'}: {error}", EXIT_FAILURE)
    except Exception as error:  # also a file that is not a database
        if not _is_database_error(error):
            raise
        return _fail(
            f"db: cannot open {db_option or 'the database'}: {_describe(error)}", EXIT_FAILURE
        )
    _warn(workspace.warnings)
    use_bidi(workspace.settings.bidi)  # Hebrew/Arabic laid out on a terminal (DESIGN.md §6)
    try:
        if args.command is None:
            workspace.close()
            return _run_tui(db_option, as_user)
        code: int = args.func(args, workspace)
        return code
    except ValidationError as error:
        return _fail(str(error), EXIT_BAD_INPUT)
    except BrokenPipeError:
        raise  # stdout was closed (`| head`): not a failure of the command
    except Exception as error:
        if not (isinstance(error, OSError) or _is_database_error(error)):
            raise
        return _fail(f"nothing was changed: {_describe(error)}", EXIT_FAILURE)
    finally:
        workspace.close()


def _is_database_error(error: BaseException) -> bool:
    """An SQLAlchemy error (or the sqlite3 driver's), without importing SQLAlchemy."""
    return type(error).__module__.startswith(("sqlalchemy", "sqlite3"))


def _describe(error: BaseException) -> str:
    """An error on one line: the driver's own words for a database error, without
    SQLAlchemy's statement dump and "(Background on this error at: ...)" line."""
    original = getattr(error, "orig", None)
    text = str(original if original is not None else error)
    return " ".join(text.split()) or type(error).__name__


def _warn(lines: list[str]) -> None:
    """What opening the database had to say (a file made private...), once."""
    from pipetui.commands.output import shown

    for line in lines:
        sys.stderr.write(f"pipetui: warning: {shown(line)}\n")


def _fail(message: str, code: int) -> int:
    from pipetui.commands.output import shown

    sys.stderr.write(f"pipetui: error: {shown(message)}\n")
    return code


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):  # (a closed stream)
        return False


def _broken_pipe() -> int:
    """The reader of stdout went away (`pipetui export | head`): stop quietly,
    as Python's documentation advises (the note on SIGPIPE in `signal`), with
    the status a shell shows for a tool killed by SIGPIPE. stdout is pointed
    at /dev/null so the flush at exit does not fail again."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (tests)
        return EXIT_BROKEN_PIPE
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)
    return EXIT_BROKEN_PIPE


def _unexpected(error: Exception, words: list[str]) -> int:
    """A bug or an error no code path expected: one line for the user, the
    traceback in the error log for the bug report (exit 1)."""
    message = " ".join(str(error).split()) or "no message"
    if len(message) > 300:
        message = message[:299] + "…"
    try:
        where = f"details in {_log_traceback(error, words)}"
    except Exception as log_error:  # (an unwritable log must not hide the error itself)
        where = f"no log written: {log_error}"
    return _fail(f"unexpected {type(error).__name__}: {message} ({where})", EXIT_FAILURE)


def _log_traceback(error: Exception, words: list[str]) -> str:
    """Append the error with its traceback to the private (0600) error log,
    which starts over (the previous one kept as .1) past about a megabyte."""
    import re
    import traceback
    from datetime import UTC, datetime

    from pipetui.services.locations import error_log

    path = error_log()
    if path.exists() and path.stat().st_size > LOG_ROTATE_BYTES:
        os.replace(path, path.with_name(path.name + ".1"))
    entry = (
        f"--- {datetime.now(UTC).isoformat(timespec='seconds')} pipetui {__version__}, "
        f"Python {sys.version.split()[0]}\n"
        f"command: pipetui {' '.join(words)}\n" + "".join(traceback.format_exception(error))
    )
    entry = re.sub(r"(://[^/:@\s]*:)[^@\s]*@", r"\1***@", entry)  # no database password
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace") as log:
        log.write(entry)
    return str(path)


if __name__ == "__main__":
    raise SystemExit(main())
