"""What every `report` shares: its period (`--since`/`--until`), its cohort
(`--tag`/`--source`) and the heading naming both."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pipetui.commands.lazy import LazyModule
from pipetui.commands.segments import add_segment_options, deal_segment
from pipetui.domain.segments import ContactSegment, DealSegment
from pipetui.services import inputs

if TYPE_CHECKING:
    from pipetui.services import reports as service
else:
    service = LazyModule("pipetui.services.reports")


def add_period_options(parser: argparse.ArgumentParser, what: str = "created") -> None:
    """`--since DATE` and `--until DATE` (`what` happened in the period)."""
    parser.add_argument(
        "--since", metavar="DATE", help=f'{what} on or after: 2026-01-01, "30 days ago", =-4w'
    )
    parser.add_argument("--until", metavar="DATE", help=f"{what} on or before (e.g. today)")


def add_cohort_options(parser: argparse.ArgumentParser, *, contacts: bool = False) -> None:
    """`--tag NAME` (repeatable) and `--source NAME`: the report's cohort is
    only the deals (or, with `contacts`, the contacts) of that segment. A
    deal counts as tagged when it or its contact carries the tag; its source
    is the deal's lead source (a contact's, for contacts)."""
    who = "contacts" if contacts else "deals"
    add_segment_options(parser, source_help=f"only {who} from this lead source (any case)")


def cohort(args: argparse.Namespace) -> DealSegment:
    """The deals `--tag`/`--source` narrow a report to (a contact's tag counts
    for their deals)."""
    return deal_segment(args, contact_tags=True)


def contact_cohort(args: argparse.Namespace) -> ContactSegment:
    """The contacts `--tag`/`--source` narrow a contacts' report to."""
    deals = deal_segment(args)
    return ContactSegment(tags=deals.tags, source=deals.source)


def cohort_json(args: argparse.Namespace) -> dict[str, Any]:
    """{"cohort": {"tags": [...], "source": ...}} when the report is narrowed,
    else nothing (the JSON of an unnarrowed report is as it was)."""
    segment = deal_segment(args)
    if segment.empty:
        return {}
    return {"cohort": {"tags": list(segment.tags), "source": segment.source}}


def cohort_text(args: argparse.Namespace) -> str | None:
    """ "tag vip · source Web" for a heading, or None."""
    segment = deal_segment(args)
    parts = [f"tag {t}" for t in segment.tags]
    parts += [f"source {segment.source}"] if segment.source else []
    return " · ".join(parts) or None


def period(args: argparse.Namespace) -> service.Period:
    """`--since`/`--until` as a period (either may be open)."""
    return service.Period(
        inputs.optional_date(args.since, field="since"),
        inputs.optional_date(args.until, field="until"),
    )


def span_text(period: service.Period, what: str = "created") -> str:
    """ "all time" or "created 2026-01-01 to today"."""
    if period == service.ALL_TIME:
        return "all time"
    since = period.since.isoformat() if period.since else "the start"
    until = period.until.isoformat() if period.until else "today"
    return f"{what} {since} to {until}"


def heading(
    pipeline: str | None, period: service.Period, narrowed: str | None = None, what: str = "created"
) -> str:
    """A report's first line: pipeline · period · cohort."""
    return " · ".join(part for part in (pipeline, span_text(period, what), narrowed) if part)
