"""`pipetui contact add|list|show|edit|timeline|delete` and `pipetui touch`."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pipetui.commands.common import add_if_version, add_json, by_whom, deal_id, row_limit
from pipetui.commands.lazy import LazyModule
from pipetui.commands.output import print_json, print_table, say
from pipetui.commands.segments import add_contact_filters, contact_segment, tag_changes
from pipetui.domain.contact import (
    Contact,
    days_since_contact,
    detail_lines,
    since_contact_text,
)
from pipetui.domain.dates import local_time
from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import kind_label
from pipetui.domain.typed_dates import iso_with_weekday, moment_label
from pipetui.services import clock, inputs
from pipetui.services.serialize import contact_json, timeline_json, touchpoint_json
from pipetui.services.workspace import Workspace

if TYPE_CHECKING:
    from pipetui.services import contacts as service
    from pipetui.services import journey as journey
    from pipetui.services import touchpoints as touchpoints
else:
    service = LazyModule("pipetui.services.contacts")
    journey = LazyModule("pipetui.services.journey")
    touchpoints = LazyModule("pipetui.services.touchpoints")


_TEXT_FIELDS = ("email", "phone", "company", "role", "source", "notes", "tags")
"""The contact form's fields besides the name, as options of `add` and `edit`."""
_HELP = {"notes": "may span lines", "tags": 'comma-separated: "vip, hot"'}


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add the `contact` and `touch` commands."""
    contact = commands.add_parser("contact", help="add, list and edit contacts", parents=[common])
    sub = contact.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = sub.add_parser("add", help="add a contact", parents=[common])
    add.add_argument("name", metavar="NAME")
    for name in _TEXT_FIELDS:
        add.add_argument(f"--{name}", metavar="TEXT", help=_HELP.get(name))
    add_json(add)
    add.set_defaults(func=run_add)

    listing = sub.add_parser("list", help="list contacts", parents=[common])
    listing.add_argument("--search", metavar="TEXT", help="match name, email, company, phone")
    listing.add_argument("--limit", type=int, metavar="N")
    add_contact_filters(listing)
    add_json(listing)
    listing.set_defaults(func=run_list)

    show = sub.add_parser("show", help="a contact and their touchpoints", parents=[common])
    show.add_argument("contact", metavar="NAME_OR_ID")
    add_json(show)
    show.set_defaults(func=run_show)

    edit = sub.add_parser("edit", help="change a contact", parents=[common])
    edit.add_argument("contact", metavar="NAME_OR_ID")
    edit.add_argument("--name", metavar="TEXT")
    for name in _TEXT_FIELDS:
        clears = '"" clears it' if name != "tags" else '"" clears them'
        edit.add_argument(
            f"--{name}", metavar="TEXT", help="; ".join(filter(None, (_HELP.get(name), clears)))
        )
    edit.add_argument(
        "--journey-stage", metavar="STAGE", help='set by hand, or "auto" to follow touchpoints'
    )
    add_if_version(edit, "contact")
    add_json(edit)
    edit.set_defaults(func=run_edit)

    tag = sub.add_parser("tag", help="add (+vip) and remove (-cold) tags", parents=[common])
    tag.add_argument("contact", metavar="NAME_OR_ID")
    add_if_version(tag, "contact")
    add_json(tag)
    tag.add_argument("changes", nargs=argparse.REMAINDER, metavar="+TAG|-TAG")
    tag.set_defaults(func=run_tag)

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

    touch = commands.add_parser("touch", help="log a touchpoint with a contact", parents=[common])
    touch.add_argument("contact", metavar="CONTACT", help="name or id")
    touch.add_argument("--kind", required=True, metavar="KIND", help="e.g. call, meeting, demo")
    touch.add_argument("--summary", metavar="TEXT")
    touch.add_argument("--channel", metavar="TEXT", help="e.g. phone, email, WhatsApp")
    touch.add_argument("--direction", metavar="in|out")
    touch.add_argument(
        "--at", metavar="WHEN", help="default now; ISO 8601, or e.g. yesterday, -3d, fri 14:30"
    )
    touch.add_argument("--deal", metavar="ID")
    touch.add_argument("--score", metavar="0-10", help="e.g. an NPS answer")
    add_json(touch)
    touch.set_defaults(func=run_touch)


def _report(args: argparse.Namespace, contact: Contact, verb: str) -> int:
    if args.json:
        print_json(contact_json(contact))
    else:
        say(f"{verb} contact #{contact.id} {contact.name!r}")
    return 0


def run_add(args: argparse.Namespace, ws: Workspace) -> int:
    """Add a contact."""
    fields = {name: getattr(args, name) for name in _TEXT_FIELDS}
    return _report(args, service.add_contact(ws.db, name=args.name, **fields), "Added")


def run_list(args: argparse.Namespace, ws: Workspace) -> int:
    """List contacts."""
    found = service.list_contacts(
        ws.db, search=args.search, limit=row_limit(args.limit), segment=contact_segment(args)
    )
    if args.json:
        print_json([contact_json(c) for c in found])
        return 0
    print_table(
        ["ID", "Name", "Company", "Email", "Phone", "Journey", "Tags"],
        [
            [
                c.id,
                c.name,
                c.company,
                c.email,
                c.phone,
                c.journey_stage.value if c.journey_stage else None,
                ", ".join(c.tags) or None,
            ]
            for c in found
        ],
    )
    return 0


def run_show(args: argparse.Namespace, ws: Workspace) -> int:
    """Show a contact and their touchpoints, newest first."""
    contact, touchpoints = service.contact_with_touchpoints(ws.db, args.contact)
    # The contacts list's own row: the last touch up to now, and the next step
    # (the earliest open follow-up of the contact or of one of their deals).
    row = journey.contact_lines(ws.db, [contact.id]).get(contact.id)
    last = row.last_touch if row else None
    due = row.next_followup if row else None
    if args.json:
        print_json(
            {
                **contact_json(contact),
                "next_step": due.isoformat() if due else None,
                "touchpoints": [touchpoint_json(t) for t in touchpoints],
            }
        )
        return 0
    data = contact_json(contact)
    for key in ("id", "name", "company", "role", "email", "phone", "source", "journey_stage"):
        say(f"{key.replace('_', ' '):>14}: {data[key] if data[key] is not None else '—'}")
    for line in detail_lines(contact):
        say(line)
    say(f"{'tags':>14}: {', '.join(contact.tags) or '—'}")
    say(f"{'last contact':>14}: {_last_contact(last, clock.now())}")
    say(f"{'next step':>14}: {_next_step(due, clock.today())}")
    for line in _notes_lines(contact.notes):
        say(line)
    say("Touchpoints:")
    for t in touchpoints:
        when = f"{local_time(t.at):%Y-%m-%d %H:%M}"
        say(f"  {when}  {kind_label(t.kind)}  {t.summary or ''}".rstrip() + by_whom(t.by))
    return 0


def _last_contact(last: datetime | None, now: datetime) -> str:
    """ "2026-03-22, 243 days since last contact", or "no contact yet": the
    timeline's words (`since_contact_text`) after the day."""
    silence = since_contact_text(days_since_contact(last, now))
    return silence if last is None else f"{local_time(last):%Y-%m-%d}, {silence}"


def _next_step(due: date | None, today: date) -> str:
    """ "2026-12-04 (Fri)", "2026-11-18 (Wed), overdue", or "—"."""
    if due is None:
        return "—"
    return iso_with_weekday(due) + (", overdue" if due < today else "")


def _notes_lines(notes: str | None) -> list[str]:
    """ "         notes: first line", the next lines under it (kept as typed)."""
    lines = (notes or "—").splitlines() or ["—"]
    return [
        f"{'notes' if n == 0 else '':>14}{':' if n == 0 else ' '} {line}".rstrip()
        for n, line in enumerate(lines)
    ]


def run_edit(args: argparse.Namespace, ws: Workspace) -> int:
    """Change a contact's fields."""
    fields = {name: getattr(args, name) for name in _TEXT_FIELDS}
    contact = service.edit_contact(
        ws.db,
        args.contact,
        name=args.name,
        journey_stage=args.journey_stage,
        seen_version=args.if_version,
        **fields,
    )
    return _report(args, contact, "Edited")


def run_tag(args: argparse.Namespace, ws: Workspace) -> int:
    """Add and remove a contact's tags: `contact tag "Dan Cohen" +vip -cold`."""
    changes = tag_changes(args)
    contact = service.tag_contact(ws.db, args.contact, changes, seen_version=args.if_version)
    if args.json:
        print_json(contact_json(contact))
    else:
        say(f"Tagged contact #{contact.id} {contact.name!r}: {', '.join(contact.tags) or '—'}")
    return 0


def run_timeline(args: argparse.Namespace, ws: Workspace) -> int:
    """Print a contact's journey."""
    timeline = journey.contact_timeline(ws.db, args.contact)
    if args.json:
        print_json(timeline_json(timeline))
        return 0
    contact = timeline.contact
    say(f"{contact.name}" + (f" · {contact.company}" if contact.company else ""))
    say(f"  stage: {timeline.stage.value if timeline.stage else '—'}")
    say(f"  path: {' → '.join(s.value for s in timeline.path) or '—'}")
    say(f"  NPS: {timeline.nps.text()}  lifetime value: {timeline.lifetime_value.format()}")
    say(f"  {since_contact_text(timeline.days_since_contact)}")
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
    contact = service.get_contact(ws.db, args.contact)
    use = service.contact_use(ws.db, contact.id)
    if use.any and not args.yes:
        raise ValidationError("yes", f"{contact.name!r} has {use.text()}; add --yes to delete")
    deleted = service.delete_contact(ws.db, f"#{contact.id}")
    if args.json:
        print_json({**contact_json(deleted), "deleted_at": clock.now().isoformat()})
    else:
        say(f"Deleted contact #{deleted.id} {deleted.name!r} ({use.text()})")
    return 0


def run_touch(args: argparse.Namespace, ws: Workspace) -> int:
    """Log a touchpoint."""
    touchpoint = touchpoints.log_touchpoint(
        ws.db,
        contact=args.contact,
        kind=args.kind,
        summary=args.summary,
        channel=args.channel,
        direction=touchpoints.parse_direction(args.direction),
        at=inputs.optional_datetime(args.at, field="at"),
        deal_id=deal_id(args.deal) if args.deal else None,
        score=inputs.whole_number(args.score, field="score"),
    )
    if args.json:
        print_json(touchpoint_json(touchpoint))
    else:
        say(
            f"Logged {kind_label(touchpoint.kind)} #{touchpoint.id} "
            f"({touchpoint.journey_stage.value}) for contact #{touchpoint.contact_id}"
            + (f" at {moment_label(touchpoint.at)}" if args.at else "")
        )
    return 0
