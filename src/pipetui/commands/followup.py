"""`pipetui followup add|done|list`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pipetui.commands.common import add_json, deal_id, followup_id
from pipetui.commands.lazy import LazyModule
from pipetui.commands.output import print_json, print_table, say
from pipetui.domain.typed_dates import DATE_FORMS, iso_with_weekday
from pipetui.services import clock, inputs
from pipetui.services.serialize import followup_json
from pipetui.services.workspace import Workspace

if TYPE_CHECKING:
    from pipetui.services import followups as service
else:
    service = LazyModule("pipetui.services.followups")


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add the `followup` command."""
    followup = commands.add_parser("followup", help="dated next steps", parents=[common])
    sub = followup.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = sub.add_parser("add", help="add a follow-up to a deal or contact", parents=[common])
    target = add.add_mutually_exclusive_group(required=True)
    target.add_argument("--deal", metavar="ID")
    target.add_argument("--contact", metavar="NAME_OR_ID")
    add.add_argument("--due", required=True, metavar="DATE", help=DATE_FORMS)
    add.add_argument("--title", required=True, metavar="TEXT")
    add_json(add)
    add.set_defaults(func=run_add)

    done = sub.add_parser("done", help="mark a follow-up done", parents=[common])
    done.add_argument("id", metavar="ID")
    add_json(done)
    done.set_defaults(func=run_done)

    listing = sub.add_parser("list", help="open follow-ups by due date", parents=[common])
    listing.add_argument("--all", action="store_true", help="include done ones")
    add_json(listing)
    listing.set_defaults(func=run_list)


def run_add(args: argparse.Namespace, ws: Workspace) -> int:
    """Add a follow-up."""
    followup = service.add_followup(
        ws.db,
        title=args.title,
        due=inputs.typed_date(args.due, field="due"),
        deal_id=deal_id(args.deal) if args.deal else None,
        contact=args.contact,
    )
    if args.json:
        print_json(followup_json(followup))
    else:
        due = iso_with_weekday(followup.due)
        say(f"Added follow-up #{followup.id} due {due}: {followup.title}")
    return 0


def run_done(args: argparse.Namespace, ws: Workspace) -> int:
    """Mark a follow-up done."""
    followup = service.complete_followup(ws.db, followup_id(args.id))
    if args.json:
        print_json(followup_json(followup))
    else:
        say(f"Done: follow-up #{followup.id} {followup.title}")
    return 0


def run_list(args: argparse.Namespace, ws: Workspace) -> int:
    """List follow-ups; overdue ones are marked. The contact column names whom
    each is with: its own contact or, on a deal, the deal's contact."""
    lines = service.followup_lines(ws.db, include_done=args.all)
    if args.json:
        print_json([followup_json(line.followup) for line in lines])
        return 0
    today = clock.today()
    print_table(
        ["ID", "Due", "", "Title", "Deal", "Contact"],
        [
            [
                f.id,
                f.due.isoformat(),
                "done"
                if f.done_at
                else "overdue"
                if f.is_overdue(today)
                else "today"
                if f.due == today
                else "",
                f.title,
                f.deal_id,
                line.contact_name,
            ]
            for line in lines
            for f in (line.followup,)
        ],
    )
    return 0
