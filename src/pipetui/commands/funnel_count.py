"""`pipetui funnel count STAGE N --month YYYY-MM [--source S] [--add]` and
`pipetui funnel count list`: anonymous people at the top of the funnel."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pipetui.commands.common import add_json
from pipetui.commands.lazy import LazyModule
from pipetui.commands.output import print_json, print_table, say
from pipetui.domain.errors import ValidationError
from pipetui.services.workspace import Workspace

if TYPE_CHECKING:
    from pipetui.services import funnel_counts as service
else:
    service = LazyModule("pipetui.services.funnel_counts")


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add the `funnel` command (its `count` action)."""
    funnel = commands.add_parser(
        "funnel", help="anonymous counts at the top of the funnel", parents=[common]
    )
    sub = funnel.add_subparsers(dest="action", metavar="ACTION", required=True)
    count = sub.add_parser(
        "count",
        help="set how many people without a name reached a stage (or: count list)",
        description="Set the number of people who reached a journey stage from a "
        "source in a month, e.g. `funnel count awareness 1000 --source Search "
        "--month 2026-11` (it replaces the month's figure; --add adds to it). "
        "`funnel count list` shows every count.",
        parents=[common],
    )
    count.add_argument(
        "stage", metavar="STAGE|list", help="awareness, interest, consideration, intent"
    )
    count.add_argument("number", metavar="N", nargs="?", help="how many people, e.g. 1000")
    count.add_argument("--month", metavar="YYYY-MM")
    count.add_argument("--source", metavar="SOURCE", help="the lead source (default: none)")
    count.add_argument(
        "--add", action="store_true", help="add N to the count instead of setting it"
    )
    add_json(count)
    count.set_defaults(func=run_count)


def _json(found: service.FunnelCount) -> dict[str, Any]:
    return {
        "journey_stage": found.stage.value,
        "source": found.source,
        "month": found.month,
        "count": found.count,
        "updated_at": found.updated_at.isoformat() if found.updated_at else None,
        "by": found.by,
    }


def run_count(args: argparse.Namespace, ws: Workspace) -> int:
    """Set a count, or list them."""
    if args.stage.strip().casefold() == "list":
        return _run_list(args, ws)
    if args.number is None:
        raise ValidationError("count", "give the number of people, e.g. 1000")
    if not args.month:
        raise ValidationError("month", "give the month, e.g. --month 2026-11")
    found = service.set_count(
        ws.db,
        stage=args.stage,
        count=args.number,
        month=args.month,
        source=args.source,
        add=args.add,
    )
    if args.json:
        print_json(_json(found))
    else:
        source = f" from {found.source}" if found.source else ""
        say(f"{found.month}: {found.count:,} at {found.stage.value}{source}")
    return 0


def _run_list(args: argparse.Namespace, ws: Workspace) -> int:
    counts = service.list_counts(ws.db)
    if args.json:
        print_json([_json(c) for c in counts])
        return 0
    print_table(
        ["Month", "Source", "Stage", "Count"],
        [[c.month, c.source or "", c.stage.value, f"{c.count:,}"] for c in counts],
    )
    return 0
