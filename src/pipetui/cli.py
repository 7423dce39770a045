"""The `pipetui` command: argument parsing, error reporting, and the TUI launch.

Textual is imported only when the TUI starts (no subcommand), so scripts that
call the CLI never pay for it. Bad input exits 2 with one line on stderr naming
the field; nothing is written (every use case runs in one transaction).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from pipetui import __version__

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse with its errors in pipetui's own form: one line on stderr, exit 2.

    ("pipetui: error: deal lost: the following arguments are required: --reason
    (see pipetui deal lost --help)" instead of a usage block and a second format
    of error line.) Subparsers are made with the same class.
    """

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("pipetui").strip()
        where = f"{command}: " if command else ""
        self.exit(EXIT_BAD_INPUT, f"pipetui: error: {where}{message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The full parser: global options and every subcommand."""
    from pipetui.commands import (
        contact,
        deal,
        followup,
        maintenance,
        pipeline,
        report,
        today,
        transfer,
    )

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        default=argparse.SUPPRESS,
        help="database file or SQLAlchemy URL (default: $PIPETUI_DB, else the user data dir)",
    )
    parser = _Parser(
        prog="pipetui",
        description="A sales-pipeline manager that lives in the terminal. "
        "Without a command, opens the board.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"pipetui {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (deal, contact, followup, pipeline, report, today, transfer, maintenance):
        module.register(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command (or the TUI) and return the exit status."""
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        tui_db = _tui_only(words)
        if tui_db is not None:
            return _run_tui(tui_db or None)
        parser = build_parser()
        args = parser.parse_args(words)
        return _dispatch(parser, args)
    except KeyboardInterrupt:
        return 130


def _tui_only(words: list[str]) -> str | None:
    """The --db value ("" for none) when the words ask for the TUI and nothing
    else; None when they hold a command or an option for the full parser.

    The TUI then starts without building the parser, which would import every
    command and the whole store before the first frame.
    """
    db = ""
    rest = list(words)
    while rest:
        word = rest.pop(0)
        if word == "--db" and rest:
            db = rest.pop(0)
        elif word.startswith("--db="):
            db = word.removeprefix("--db=")
        else:
            return None
    return db


def _run_tui(db_option: str | None) -> int:
    from pipetui.services.settings import SettingsError
    from pipetui.services.workspace import open_workspace_for_tui
    from pipetui.store.light import SchemaError

    try:
        workspace = open_workspace_for_tui(db_option)
    except SettingsError as error:
        return _fail(str(error), EXIT_BAD_INPUT)
    except SchemaError as error:
        return _fail(str(error), EXIT_FAILURE)
    except Exception as error:  # the full store's errors, without importing it here
        if not isinstance(error, OSError) and not type(error).__module__.startswith("sqlalchemy"):
            raise
        return _fail(
            f"db: cannot open {db_option or 'the database'}: {_describe(error)}", EXIT_FAILURE
        )
    from pipetui.ui.app import run_app

    try:
        run_app(workspace)
    finally:
        workspace.close()
    return EXIT_OK


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Run one command. An up-to-date SQLite file is opened with the light reader
    and the full store only when the command needs it, so reads like `deal list`
    never import SQLAlchemy (its errors are recognised by module, not imported)."""
    from pipetui.domain.errors import ValidationError
    from pipetui.services.settings import SettingsError
    from pipetui.services.workspace import open_workspace_for_tui
    from pipetui.store.light import SchemaError

    db_option = getattr(args, "db", None)
    try:
        workspace = open_workspace_for_tui(db_option)
    except SettingsError as error:
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
    try:
        if args.command is None:
            workspace.close()
            return _run_tui(db_option)
        code: int = args.func(args, workspace)
        return code
    except ValidationError as error:
        return _fail(str(error), EXIT_BAD_INPUT)
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


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"pipetui: error: {message}\n")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
