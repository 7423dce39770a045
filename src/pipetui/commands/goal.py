"""`pipetui goal set|list|remove`: sellers' targets and progress against them."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pipetui.commands.common import add_json
from pipetui.commands.lazy import LazyModule
from pipetui.commands.output import print_json, say
from pipetui.domain.errors import ValidationError
from pipetui.services.workspace import Workspace

if TYPE_CHECKING:
    from pipetui.services import goals as service
else:
    service = LazyModule("pipetui.services.goals")

METRICS_HELP = (
    "leads (new deals entering the pipeline), won (won value, one currency), "
    "reached (deals reaching --stage); counted as `report funnel` counts them"
)


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add the `goal` command."""
    goal = commands.add_parser("goal", help="targets per month or quarter", parents=[common])
    sub = goal.add_subparsers(dest="action", metavar="ACTION", required=True)

    setting = sub.add_parser(
        "set", help="set a goal (the same goal again replaces its target)", parents=[common]
    )
    setting.add_argument("metric", metavar="METRIC", help=METRICS_HELP)
    setting.add_argument("target", metavar="TARGET", help='a count, or money: "50,000 ILS"')
    setting.add_argument("--month", metavar="YYYY-MM")
    setting.add_argument("--quarter", metavar="YYYY-Qn")
    setting.add_argument("--pipeline", metavar="NAME", help="one pipeline (default: all)")
    setting.add_argument("--stage", metavar="NAME", help="the stage a `reached` goal counts")
    setting.add_argument("--source", metavar="NAME", help="only deals from this lead source")
    add_json(setting)
    setting.set_defaults(func=run_set)

    listing = sub.add_parser("list", help="goals with their progress", parents=[common])
    listing.add_argument("--current", action="store_true", help="only goals running today")
    add_json(listing)
    listing.set_defaults(func=run_list)

    remove = sub.add_parser("remove", help="remove a goal", parents=[common])
    remove.add_argument("id", metavar="ID")
    remove.set_defaults(func=run_remove)


def _goal_id(text: str) -> int:
    cleaned = text.strip().removeprefix("#")
    if not (cleaned.isascii() and cleaned.isdigit()) or int(cleaned) < 1:
        raise ValidationError("goal", f"not an id: {text!r}")
    return int(cleaned)


def run_set(args: argparse.Namespace, ws: Workspace) -> int:
    """Set (or replace) a goal and show its progress."""
    result = service.set_goal(
        ws.db,
        metric=args.metric,
        target=args.target,
        period=service.choose_period(args.month, args.quarter),
        pipeline=args.pipeline,
        stage=args.stage,
        source=args.source,
        default_currency=ws.settings.default_currency,
    )
    if args.json:
        print_json(dict(service.goal_json(result.goal), replaced=result.replaced))
        return 0
    if result.replaced is not None:
        new = result.goal.amount(result.goal.record.target)
        say(f"Replaced the target of goal #{result.goal.record.id}: {result.replaced} → {new}")
    else:
        say(f"Set goal #{result.goal.record.id}")
    say("  " + service.goal_line(result.goal))
    return 0


def run_list(args: argparse.Namespace, ws: Workspace) -> int:
    """Every goal with its actual, share of the target and pace."""
    found = service.list_goals(ws.db, current=args.current)
    if args.json:
        print_json([service.goal_json(goal) for goal in found])
        return 0
    if not found:
        say("No goals yet (pipetui goal set leads 30 --month YYYY-MM).")
    for goal in found:
        say(service.goal_line(goal))
    return 0


def run_remove(args: argparse.Namespace, ws: Workspace) -> int:
    """Remove a goal."""
    goal_id = _goal_id(args.id)
    service.remove_goal(ws.db, goal_id)
    say(f"Removed goal #{goal_id}")
    return 0
