"""`report nps` and the funnel screen's NPS line: NPS per month of a period,
over the whole period and per lead source (definitions: `pipetui.domain.nps`).
One read, one query (`pipetui.store.nps`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pipetui.domain.dates import iso_date
from pipetui.domain.errors import ValidationError
from pipetui.domain.nps import (
    DEFAULT_MONTHS,
    NpsSeries,
    default_span,
    month_spans,
    month_start,
    nps_series,
)
from pipetui.domain.segments import ContactSegment
from pipetui.domain.timeline import Nps
from pipetui.services import clock
from pipetui.services.customers import nps_json
from pipetui.services.reports import NO_SOURCE, Period
from pipetui.store import nps as store
from pipetui.store.database import Database


@dataclass(frozen=True, slots=True)
class NpsReport:
    """NPS by month from `since` to `until` (both included), of the contacts
    of `segment` (their own tags and lead source; None: everyone)."""

    since: date
    until: date
    segment: ContactSegment | None
    series: NpsSeries


def resolve_span(
    since: date | None, until: date | None, months: int = DEFAULT_MONTHS
) -> tuple[date, date]:
    """The period a series covers: as given; without --since the `months`
    calendar months up to --until (today by default), that month included;
    without --until up to today (a --since after today is refused)."""
    if since is None:
        return default_span(until or clock.today(), months)
    if until is None and since > clock.today():
        raise ValidationError(
            "since", f"{iso_date(since)} is after today: no answers yet (give --until for a plan)"
        )
    return since, until or clock.today()


def nps_report(
    db: Database,
    *,
    since: date | None = None,
    until: date | None = None,
    segment: ContactSegment | None = None,
    months: int = DEFAULT_MONTHS,
) -> NpsReport:
    """Every month's NPS of the period (`resolve_span`), the whole period's and
    each lead source's (the contact's)."""
    first, last = resolve_span(since, until, months)
    Period(first, last)  # checks the days (years 1900–2199) and their order
    spans = month_spans(first, last)
    bounds = []
    for span in spans:
        start, end = Period(span.first, span.last).bounds()
        assert start is not None and end is not None
        bounds.append((span.month, start, end))
    with db.read() as conn:
        counts = store.by_month(conn, bounds, segment, clock.now())
    series = nps_series([span.month for span in spans], counts, NO_SOURCE)
    return NpsReport(first, last, segment, series)


def recent_nps(
    db: Database, *, months: int, segment: ContactSegment | None = None
) -> list[tuple[str, Nps]]:
    """The last `months` calendar months' NPS, this one included (the funnel
    screen's line)."""
    today = clock.today()
    return nps_report(
        db, since=month_start(today, months - 1), until=today, segment=segment
    ).series.months


def nps_report_json(report: NpsReport) -> dict[str, Any]:
    """`report nps --json`."""
    return {
        "since": iso_date(report.since),
        "until": iso_date(report.until),
        "months": [{"month": month, **nps_json(value)} for month, value in report.series.months],
        "nps": nps_json(report.series.whole),
        "nps_by_source": [
            {"source": name, **nps_json(value)} for name, value in report.series.by_source
        ],
    }
