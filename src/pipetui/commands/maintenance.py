"""`pipetui demo` and `pipetui backup`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipetui.commands.lazy import LazyModule
from pipetui.commands.output import say, shown
from pipetui.domain.errors import ValidationError
from pipetui.services import clock
from pipetui.services.workspace import Workspace

if TYPE_CHECKING:
    from pipetui.services import demo as demo
else:
    demo = LazyModule("pipetui.services.demo")


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add the `demo` and `backup` commands."""
    demo = commands.add_parser("demo", help="fill the database with sample data", parents=[common])
    demo.add_argument("--deals", metavar="N", help="scale: N deals with 10 touchpoints each")
    demo.add_argument("--force", action="store_true", help="add to a database that has data")
    demo.set_defaults(func=run_demo)

    backup = commands.add_parser(
        "backup",
        help="consistent copy of the database (SQLite copy; pg_dump, else JSON, on a server)",
        parents=[common],
    )
    backup.add_argument(
        "dest",
        nargs="?",
        metavar="DEST",
        help="new file or a directory (default: beside an SQLite file; "
        "<user data dir>/backups for a server)",
    )
    backup.set_defaults(func=run_backup)


def run_demo(args: argparse.Namespace, ws: Workspace) -> int:
    """Load demo data."""
    deals = None
    if args.deals is not None:
        if (
            not (args.deals.isascii() and args.deals.isdigit())
            or not 1 <= int(args.deals) <= 200_000
        ):
            raise ValidationError("deals", f"must be a whole number 1–200,000, got {args.deals!r}")
        deals = int(args.deals)
    summary = demo.load_demo(ws.db, deals=deals, force=args.force)
    say(
        f"Loaded demo data: {summary.pipelines} pipelines, {summary.deals:,} deals, "
        f"{summary.contacts:,} contacts, {summary.touchpoints:,} touchpoints, "
        f"{summary.followups:,} follow-ups"
    )
    return 0


def run_backup(args: argparse.Namespace, ws: Workspace) -> int:
    """Write a consistent copy of the database (`pipetui.services.backup`: an
    SQLite copy, a pg_dump, or without pg_dump a JSON export) and say how to
    restore it."""
    from pipetui.services import backup
    from pipetui.services.export_file import back_up_file

    dest = Path(args.dest).expanduser() if args.dest else None
    try:
        made = back_up_file(ws.db, dest, clock.now())
    except backup.BackupError as error:
        sys.stderr.write(
            f"pipetui: error: backup failed, nothing was written: {shown(str(error))}\n"
        )
        return 1
    for line in made.lines():
        say(line)
    return 0
