"""`pipetui today`: the attention list, for cron or a login message, and the
goals running today with their progress."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pipetui.commands.common import add_json
from pipetui.commands.lazy import LazyModule
from pipetui.commands.output import print_json, say
from pipetui.services.serialize import attention_json
from pipetui.services.workspace import Workspace

if TYPE_CHECKING:
    from pipetui.services import goals as goal_service
    from pipetui.services import journey as service
else:
    service = LazyModule("pipetui.services.journey")
    goal_service = LazyModule("pipetui.services.goals")


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add the `today` command."""
    today = commands.add_parser(
        "today",
        help="overdue follow-ups, rotting deals, qualified deals to act on",
        parents=[common],
    )
    add_json(today)
    today.set_defaults(func=run_today)


def run_today(args: argparse.Namespace, ws: Workspace) -> int:
    """Print what needs the seller today."""
    found = service.attention(ws.db, thresholds=ws.settings.bant)
    goals = goal_service.list_goals(ws.db, today=found.today, current=True)
    if args.json:
        print_json(dict(attention_json(found), goals=[goal_service.goal_json(g) for g in goals]))
        return 0
    if found.empty:
        say("Nothing needs you today.")
    if found.followups:
        say("Follow-ups:")
        for f in found.followups:
            about = f.deal_title or f.contact_name or ""
            late = f"overdue since {f.due}" if f.overdue(found.today) else "today"
            say(f"  #{f.id}  {late}  {f.title}" + (f"  ({about})" if about else ""))
    if found.rotting:
        say("Rotting deals:")
        for r in found.rotting:
            line = r.line
            say(f"  #{line.deal_id}  {line.title}  {line.stage}  idle {r.idle_days} days")
    if found.qualified_without_next_step:
        say("Qualified, no next step:")
        for line in found.qualified_without_next_step:
            say(f"  #{line.deal_id}  {line.title}  {line.stage}  {line.value.format()}")
    if goals:
        say("Goals:")
        for goal in goals:
            say("  " + goal_service.goal_line(goal))
    return 0
