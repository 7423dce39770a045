"""`pipetui today`: the attention list, for cron or a login message; and
`pipetui contact timeline|delete`.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pipetui.commands.common import add_json, by_whom
from pipetui.commands.lazy import LazyModule
from pipetui.commands.output import print_json, say
from pipetui.domain.dates import local_time
from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import kind_label
from pipetui.services import clock
from pipetui.services.serialize import attention_json, contact_json, timeline_json
from pipetui.services.workspace import Workspace

if TYPE_CHECKING:
    from pipetui.services import contacts as contact_service
    from pipetui.services import journey as service
else:
    contact_service = LazyModule("pipetui.services.contacts")
    service = LazyModule("pipetui.services.journey")


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add the `today` command."""
    today = commands.add_parser(
        "today",
        help="overdue follow-ups, rotting deals, qualified deals to act on",
        parents=[common],
    )
    add_json(today)
    today.set_defaults(func=run_today)


def add_contact_actions(sub: Any, common: argparse.ArgumentParser) -> None:
    """`contact timeline` and `contact delete`."""
    timeline = sub.add_parser(
        "timeline", help="a contact's journey, newest first", parents=[common]
    )
    timeline.add_argument("contact", metavar="NAME_OR_ID")
    add_json(timeline)
    timeline.set_defaults(func=run_timeline)
    delete = sub.add_parser(
        "delete", help="delete a contact (and their touchpoints)", parents=[common]
    )
    delete.add_argument("contact", metavar="NAME_OR_ID")
    delete.add_argument(
        "--yes", action="store_true", help="needed when they have deals or touchpoints"
    )
    add_json(delete)
    delete.set_defaults(func=run_delete)


def run_today(args: argparse.Namespace, ws: Workspace) -> int:
    """Print what needs the seller today."""
    found = service.attention(ws.db, thresholds=ws.settings.bant)
    if args.json:
        print_json(attention_json(found))
        return 0
    if found.empty:
        say("Nothing needs you today.")
        return 0
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
    return 0


def run_timeline(args: argparse.Namespace, ws: Workspace) -> int:
    """Print a contact's journey."""
    timeline = service.contact_timeline(ws.db, args.contact)
    if args.json:
        print_json(timeline_json(timeline))
        return 0
    contact = timeline.contact
    say(f"{contact.name}" + (f" · {contact.company}" if contact.company else ""))
    say(f"  stage: {timeline.stage.value if timeline.stage else '—'}")
    say(f"  path: {' → '.join(s.value for s in timeline.path) or '—'}")
    say(f"  NPS: {timeline.nps.text()}  lifetime value: {timeline.lifetime_value.format()}")
    for entry in timeline.entries:
        when = f"{local_time(entry.at):%Y-%m-%d %H:%M}"
        if entry.touchpoint is not None:
            t = entry.touchpoint
            say(f"  {when}  {kind_label(t.kind)}  {t.summary or ''}".rstrip() + by_whom(t.by))
        elif entry.deal_event is not None:
            say(f"  {when}  {entry.deal_event.text()}{by_whom(entry.deal_event.by)}")
        elif entry.gap is not None:
            say(f"  {'':16}  … {entry.gap.days} days without contact …")
    return 0


def run_delete(args: argparse.Namespace, ws: Workspace) -> int:
    """Delete a contact; one with deals or touchpoints needs --yes."""
    contact = contact_service.get_contact(ws.db, args.contact)
    use = contact_service.contact_use(ws.db, contact.id)
    if use.any and not args.yes:
        raise ValidationError("yes", f"{contact.name!r} has {use.text()}; add --yes to delete")
    deleted = contact_service.delete_contact(ws.db, f"#{contact.id}")
    if args.json:
        print_json({**contact_json(deleted), "deleted_at": clock.now().isoformat()})
    else:
        say(f"Deleted contact #{deleted.id} {deleted.name!r} ({use.text()})")
    return 0
