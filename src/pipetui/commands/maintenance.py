"""`pipetui demo` and `pipetui backup`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipetui.commands.lazy import LazyModule
from pipetui.commands.output import say
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

    backup = commands.add_parser("backup", help="online backup of the database", parents=[common])
    backup.add_argument("dest", nargs="?", metavar="DEST", help="file (default: beside the db)")
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
    """Copy the database with SQLite's online backup API and check the copy."""
    source = ws.db.path
    if source is None:
        raise ValidationError("db", "backup is built in for SQLite files only")
    if args.dest:
        destination = Path(args.dest).expanduser()
        if destination.is_dir():
            destination = destination / _default_name(source)
    else:
        destination = source.with_name(_default_name(source))
    if destination.is_symlink():  # (even a dangling one: the backup would land at its target)
        raise ValidationError("dest", f"{destination} is a symbolic link; name a new file")
    if destination.exists():
        raise ValidationError("dest", f"{destination} exists; choose another name")
    try:
        ws.db.backup_to(destination)  # (creates it new, so a name taken meanwhile is refused)
    except FileExistsError:
        raise ValidationError("dest", f"{destination} exists; choose another name") from None
    say(f"Backed up to {destination} (integrity check: ok)")
    return 0


def _default_name(source: Path) -> str:
    return f"{source.stem}-backup-{clock.now().astimezone():%Y%m%d-%H%M%S}.db"
