"""`pipetui deal add|list|show|move|won|lost|reopen|edit|delete|qualify|disqualify`."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, Any

from pipetui.commands.common import add_if_version, add_json, by_whom, deal_id, row_limit
from pipetui.commands.lazy import LazyModule
from pipetui.commands.output import print_json, print_table, say
from pipetui.commands.qualify import add_options, run_disqualify, run_qualify
from pipetui.commands.segments import add_segment_options, deal_segment, tag_changes
from pipetui.domain.dates import days_between, local_time
from pipetui.domain.deal import DealView
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import kind_label
from pipetui.domain.typed_dates import DATE_FORMS, iso_with_weekday
from pipetui.domain.users import OwnerFilter, check_user_name
from pipetui.services import clock, inputs
from pipetui.services.serialize import deal_json, detail_json, followup_json
from pipetui.services.workspace import Workspace

if TYPE_CHECKING:
    from pipetui.services import deals as service
    from pipetui.services.deals import DealDetail
else:
    service = LazyModule("pipetui.services.deals")


_STATUSES = {
    "open": (DealStatus.OPEN,),
    "won": (DealStatus.WON,),
    "lost": (DealStatus.LOST,),
    "all": tuple(DealStatus),
}


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add the `deal` command and its subcommands."""
    deal = commands.add_parser("deal", help="add, list, move and close deals", parents=[common])
    sub = deal.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(
        name: str, help: str, func: Any, *, on_deal: bool = True, changes: bool = True
    ) -> Any:
        """A subcommand with --json (and a deal ID first, for those about one deal;
        --if-version too, for those that change it)."""
        parser = sub.add_parser(name, help=help, parents=[common])
        if on_deal:
            parser.add_argument("id", metavar="ID")
            if changes:
                add_if_version(parser, "deal")
        add_json(parser)
        parser.set_defaults(func=func)
        return parser

    add = action("add", "create a deal", run_add, on_deal=False)
    add.add_argument("title", metavar="TITLE")
    _value_options(add)
    add.add_argument("--pipeline", metavar="NAME", help="pipeline (default: the first)")
    add.add_argument("--stage", metavar="NAME", help="stage (default: the first)")
    add.add_argument(
        "--contact", metavar="NAME_OR_ID", help="contact; a new name creates one (said so)"
    )
    add.add_argument("--notes", metavar="TEXT", help="notes on the deal (several lines allowed)")
    add.add_argument("--source", metavar="TEXT", help="lead source, e.g. Referral")
    add.add_argument("--close-date", metavar="DATE", help=f"expected close date: {DATE_FORMS}")
    add.add_argument("--probability", metavar="0-100", help="override the stage's probability")
    add.add_argument(
        "--owner", metavar="NAME", help='whose deal (default: yours, see --as; "" for nobody\'s)'
    )
    add.add_argument("--tags", metavar="TEXT", help='comma-separated: "vip, hot"')

    listing = action("list", "list open deals (or --all / --status)", run_list, on_deal=False)
    listing.add_argument("--status", choices=sorted(_STATUSES), default="open")
    listing.add_argument("--all", action="store_true", help="same as --status all")
    listing.add_argument("--pipeline", metavar="NAME")
    listing.add_argument("--stage", metavar="NAME")
    listing.add_argument("--limit", type=int, metavar="N")
    listing.add_argument(
        "--search", metavar="WORDS", help="only deals with every word in title, notes or contact"
    )
    whose = listing.add_mutually_exclusive_group()
    whose.add_argument("--owner", metavar="NAME", help='only this owner\'s deals ("": unowned)')
    whose.add_argument("--mine", action="store_true", help="only your deals and unowned ones")
    add_segment_options(listing, source_help="only deals from this lead source (any case)")

    action("show", "a deal with its history", run_show, changes=False)
    action("move", "move a deal to another stage", run_move).add_argument("stage", metavar="STAGE")
    action("won", "mark a deal won", run_won)
    lost = action("lost", "mark a deal lost", run_lost)
    lost.add_argument("--reason", metavar="TEXT", required=True, help="why it was lost")
    lost.add_argument("--revisit", metavar="DATE", help="add a follow-up to try again (a date)")
    action("reopen", "reopen a won or lost deal", run_reopen)

    edit = action("edit", "change a deal's fields", run_edit)
    edit.add_argument("--title", metavar="TEXT")
    _value_options(edit)
    edit.add_argument("--contact", metavar="NAME_OR_ID", help='"" unlinks the contact')
    edit.add_argument("--source", metavar="TEXT", help='"" clears it')
    edit.add_argument("--close-date", metavar="DATE", help='e.g. 2026-12-31, +2w; "" clears it')
    edit.add_argument("--probability", metavar="0-100", help='"" goes back to the stage\'s')
    edit.add_argument("--owner", metavar="NAME", help='give the deal to NAME; "" to nobody')
    edit.add_argument("--notes", metavar="TEXT", help='replace the notes; "" clears them')
    edit.add_argument("--tags", metavar="TEXT", help='replace the tags, comma-separated; "" clears')

    tag = action("tag", "add (+vip) and remove (-cold) tags", run_tag)
    tag.add_argument("changes", nargs=argparse.REMAINDER, metavar="+TAG|-TAG")

    action("delete", "delete a deal and its history", run_delete)

    qualify = action("qualify", "answer BANT: budget, authority, need, timeline", run_qualify)
    add_options(qualify)
    disqualify = action(
        "disqualify", 'mark lost as "Disqualified: <criterion answered no>"', run_disqualify
    )
    add_options(disqualify)


def _value_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--value", metavar="AMOUNT", help='e.g. "1,200.50", "₪1,200", "99 EUR"')
    parser.add_argument("--currency", metavar="CODE", help="ISO 4217 code (default from settings)")


def _report(args: argparse.Namespace, view: DealView, verb: str) -> int:
    if args.json:
        print_json(deal_json(view, clock.now()))
    else:
        deal = view.deal
        say(
            f"{verb} deal #{deal.id} {deal.title!r}: {view.pipeline_name} › {view.stage_name}, "
            f"{deal.status.value}, {deal.value.format()}"
        )
    return 0


def _say_close_date(args: argparse.Namespace, view: DealView) -> int:
    """After the confirmation: the close date a typed --close-date resolved to
    ("+2w" is then a date the seller can check)."""
    if args.close_date and view.deal.close_date and not args.json:
        say(f"Expected close {iso_with_weekday(view.deal.close_date)}")
    return 0


def run_add(args: argparse.Namespace, ws: Workspace) -> int:
    """Create a deal from the options."""
    whose: dict[str, Any] = {} if args.owner is None else {"owner": args.owner or None}
    added = service.add_deal(
        ws.db,
        title=args.title,
        value=inputs.money(args.value, args.currency, ws.settings.default_currency),
        pipeline=args.pipeline,
        stage=args.stage,
        contact=args.contact,
        source=args.source,
        close_date=inputs.optional_date(args.close_date, field="close-date"),
        probability=inputs.probability(args.probability),
        notes=args.notes,
        tags=args.tags,
        **whose,
    )
    if added.created_contact and not args.json:
        say(f"Added contact {added.created_contact!r}")
    _report(args, added.view, "Added")
    return _say_close_date(args, added.view)


def run_list(args: argparse.Namespace, ws: Workspace) -> int:
    """List deals as a table or JSON."""
    statuses = _STATUSES["all" if args.all else args.status]
    from pipetui.services.deal_query import DealFilter, list_deals

    views = list_deals(
        ws.reads,
        DealFilter(
            statuses=statuses,
            pipeline=args.pipeline,
            stage=args.stage,
            limit=row_limit(args.limit),
            owners=_owners(args, ws),
            search=args.search,
            segment=deal_segment(args),
        ),
    )
    now = clock.now()
    if args.json:
        print_json([deal_json(v, now) for v in views])
        return 0
    print_table(
        ["ID", "Title", "Pipeline", "Stage", "Status", "Value", "Contact", "Owner", "Days"],
        [
            [
                v.deal.id,
                v.deal.title,
                v.pipeline_name,
                v.stage_name,
                v.deal.status.value,
                v.deal.value.format(),
                v.contact_name,
                v.deal.owner,
                days_between(v.deal.stage_entered_at, now),
            ]
            for v in views
        ],
    )
    return 0


def _owners(args: argparse.Namespace, ws: Workspace) -> OwnerFilter | None:
    """`--owner NAME` (exactly that owner's deals; "" for the unowned ones),
    `--mine` (the user's and the unowned ones), or None for everyone's."""
    if args.mine:
        if ws.user is None:
            raise ValidationError(
                "mine", "who you are is not known here; say it with --as NAME or PIPETUI_USER"
            )
        return OwnerFilter.mine(ws.user)
    if args.owner is None:
        return None
    return OwnerFilter(check_user_name(args.owner, field="owner") if args.owner else None)


def run_show(args: argparse.Namespace, ws: Workspace) -> int:
    """Show one deal with its history."""
    detail = service.show_deal(ws.db, deal_id(args.id), ws.settings)
    now = clock.now()
    if args.json:
        print_json(detail_json(detail, now))
        return 0
    data = detail_json(detail, now)
    for key in (
        "id",
        "title",
        "pipeline",
        "stage",
        "status",
        "probability",
        "close_date",
        "source",
        "lost_reason",
        "company",
        "owner",
        "created_at",
        "days_in_stage",
    ):
        say(f"{key.replace('_', ' '):>14}: {data[key] if data[key] is not None else '—'}")
    say(f"{'tags':>14}: {', '.join(detail.view.deal.tags) or '—'}")
    say(f"{'value':>14}: {detail.view.deal.value.format()}")
    say(f"{'contact':>14}: {detail.view.contact_name or '—'}")
    if detail.view.deal.notes:
        say(f"{'notes':>14}: " + detail.view.deal.notes.replace("\n", "\n" + " " * 16))
    assessment = detail.assessment
    say(f"{'BANT':>14}: {assessment.verdict.value} ({assessment.percent} %): {assessment.reason}")
    for key, answer in data["bant"]["answers"].items():
        details = [
            f"{answer['amount']['amount']} {answer['amount']['currency']}"
            if answer["amount"]
            else None,
            answer["who"],
            answer["note"],
            answer["target_date"],
        ]
        say(f"{key:>14}: {answer['status']}" + "".join(f" · {d}" for d in details if d))
    say("History:")
    lines = [(c["at"], history_line(c), c["by"]) for c in data["history"]]
    lines += [(c["at"], c["text"], c["by"]) for c in data["bant"]["history"]]
    for at, line, by in sorted(lines, key=lambda entry: entry[0]):
        say(f"  {at}  {line}{by_whom(by)}")
    for line in show_touchpoints(detail) + show_followups(detail, clock.today()):
        say(line)
    return 0


def show_touchpoints(detail: DealDetail) -> list[str]:
    """`deal show`'s touchpoints, oldest first, as `contact show` prints them:
    local time, kind, channel and direction, summary, who logged it."""
    lines = ["Touchpoints:"]
    for t in sorted(detail.touchpoints or [], key=lambda t: t.at):
        way = {"in": "inbound", "out": "outbound"}.get(t.direction or "")
        how = ", ".join(x for x in (t.channel, way) if x)
        kind = kind_label(t.kind) + (f" ({how})" if how else "")
        score = f"  score {t.score}" if t.score is not None else ""
        line = f"  {local_time(t.at):%Y-%m-%d %H:%M}  {kind}  {t.summary or ''}".rstrip()
        lines.append(line + score + by_whom(t.by))
    if len(lines) == 1:
        lines.append("  (none)")
    return lines


def show_followups(detail: DealDetail, today: date) -> list[str]:
    """`deal show`'s follow-ups by due date, open and done, overdue ones marked."""
    lines = ["Follow-ups:"]
    for f in detail.followups:
        state = "done" if f.done_at else "overdue" if f.is_overdue(today) else ""
        due = f.due.isoformat() + (f" ({state})" if state else "")
        lines.append(f"  #{f.id}  {due}  {f.title}")
    if len(lines) == 1:
        lines.append("  (none)")
    return lines


def run_move(args: argparse.Namespace, ws: Workspace) -> int:
    """Move a deal to the named stage."""
    return _report(
        args,
        service.move_deal(ws.db, deal_id(args.id), stage=args.stage, seen_version=args.if_version),
        "Moved",
    )


def run_won(args: argparse.Namespace, ws: Workspace) -> int:
    """Mark a deal won."""
    return _report(
        args, service.win_deal(ws.db, deal_id(args.id), seen_version=args.if_version), "Won"
    )


def run_lost(args: argparse.Namespace, ws: Workspace) -> int:
    """Mark a deal lost, optionally with a revisit follow-up."""
    view, followup = service.lose_deal(
        ws.db,
        deal_id(args.id),
        reason=args.reason,
        revisit=inputs.optional_date(args.revisit, field="revisit"),
        seen_version=args.if_version,
    )
    if args.json:
        print_json(
            {
                **deal_json(view, clock.now()),
                "followup": followup_json(followup) if followup else None,
            }
        )
        return 0
    _report(args, view, "Lost")
    if followup:
        say(f"Follow-up #{followup.id} on {iso_with_weekday(followup.due)}: {followup.title}")
    return 0


def run_reopen(args: argparse.Namespace, ws: Workspace) -> int:
    """Reopen a closed deal."""
    return _report(
        args, service.reopen_deal(ws.db, deal_id(args.id), seen_version=args.if_version), "Reopened"
    )


def run_edit(args: argparse.Namespace, ws: Workspace) -> int:
    """Change the given fields of a deal; "" clears an optional one."""
    changes: dict[str, Any] = {}
    if args.title is not None:
        changes["title"] = args.title
    if args.value is not None or args.currency is not None:
        if args.value is None:
            raise ValidationError("value", "give --value with --currency")
        changes["value"] = inputs.money(args.value, args.currency, ws.settings.default_currency)
    if args.contact is not None:
        changes["contact"] = args.contact
    if args.source is not None:
        changes["source"] = args.source or None
    if args.close_date is not None:
        changes["close_date"] = inputs.optional_date(args.close_date, field="close-date")
    if args.probability is not None:
        changes["probability"] = inputs.probability(args.probability)
    if args.owner is not None:
        changes["owner"] = args.owner or None
    if args.notes is not None:
        changes["notes"] = args.notes or None
    if args.tags is not None:
        changes["tags"] = args.tags
    from pipetui.services.undo import undoable

    number = deal_id(args.id)
    # Recorded inside the edit's own transaction: the contact a new --contact
    # name created, said as `deal add` says it (the CLI keeps no undo).
    view, recorded = undoable(
        number,
        "edit",
        lambda: service.edit_deal(ws.db, number, seen_version=args.if_version, **changes),
    )
    for made in recorded.created_contacts:
        if made.contact is not None and not args.json:
            say(f"Added contact {made.contact['name']!r}")
    _report(args, view, "Edited")
    return _say_close_date(args, view)


def run_tag(args: argparse.Namespace, ws: Workspace) -> int:
    """Add and remove a deal's tags: `deal tag 7 +vip -cold`."""
    changes = tag_changes(args)
    view = service.tag_deal(ws.db, deal_id(args.id), changes, seen_version=args.if_version)
    if args.json:
        print_json(deal_json(view, clock.now()))
    else:
        say(f"Tagged deal #{view.deal.id} {view.deal.title!r}: {', '.join(view.deal.tags) or '—'}")
    return 0


def run_delete(args: argparse.Namespace, ws: Workspace) -> int:
    """Delete a deal."""
    return _report(
        args, service.delete_deal(ws.db, deal_id(args.id), seen_version=args.if_version), "Deleted"
    )


def history_line(change: dict[str, Any]) -> str:
    """One stage-history row in words: "Proposal → Negotiation", "won", "reopened"."""
    if change["from_stage"] is None:
        return f"entered {change['to_stage']}"
    if change["from_status"] != change["to_status"]:
        return "reopened" if change["to_status"] == "open" else change["to_status"]
    return f"{change['from_stage']} → {change['to_stage']}"
