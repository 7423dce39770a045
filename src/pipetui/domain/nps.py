"""NPS by month (`report nps`, the funnel screen's NPS line): the answers of
each calendar month of a period, the whole period's and each lead source's.

An answer is a 0–10 score on a touchpoint (`pipetui.domain.timeline.nps`
counts them: promoters 9–10, passives 7–8, detractors 0–6). A month is a
calendar month in the user's local time, cut to the period at either end. The
store counts answers per month and contact source; this module adds them up:
the whole period's NPS is the sum of its months', a source's the sum over the
months, sources matched in any case. Plain values, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from pipetui.domain.errors import ValidationError
from pipetui.domain.text import search_key
from pipetui.domain.timeline import Nps

DEFAULT_MONTHS = 12
"""`report nps` without --since: the last 12 months, this one included."""
SCREEN_MONTHS = 6
"""The funnel screen's NPS line: the last 6 months, this one included."""
MAX_MONTHS = 120
"""A series lists at most this many months (ten years)."""


@dataclass(frozen=True, slots=True)
class MonthSpan:
    """One month of a period: `first` to `last` day, both included (the
    period's own ends where it starts or ends mid-month)."""

    month: str
    first: date
    last: date


def month_start(day: date, back: int = 0) -> date:
    """The first day of `day`'s month, `back` months earlier."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def default_span(today: date, months: int = DEFAULT_MONTHS) -> tuple[date, date]:
    """The last `months` calendar months up to `today`, this one included."""
    return month_start(today, months - 1), today


def month_spans(since: date, until: date) -> list[MonthSpan]:
    """The calendar months from `since` to `until` (both included), each cut
    to the period; a ValidationError past `MAX_MONTHS`."""
    if until < since:
        raise ValidationError("until", "must not be before --since")
    count = (until.year - since.year) * 12 + until.month - since.month + 1
    if count > MAX_MONTHS:
        raise ValidationError(
            "since", f"NPS by month lists at most {MAX_MONTHS} months; this period has {count}"
        )
    spans = []
    for back in range(count - 1, -1, -1):
        first = month_start(until, back)
        following = month_start(first + timedelta(days=31))
        spans.append(
            MonthSpan(
                f"{first:%Y-%m}", max(first, since), min(following - timedelta(days=1), until)
            )
        )
    return spans


@dataclass(frozen=True, slots=True)
class NpsCount:
    """The answers of one month from contacts of one lead source (as typed;
    None: no source), as the store counts them."""

    month: str
    source: str | None
    promoters: int
    passives: int
    detractors: int


@dataclass(frozen=True, slots=True)
class NpsSeries:
    """NPS per month (every month of the period, in order), over the whole
    period, and per lead source (sorted by name, any case)."""

    months: list[tuple[str, Nps]]
    whole: Nps
    by_source: list[tuple[str, Nps]]


def _add(counts: Iterable[NpsCount]) -> Nps:
    found = list(counts)
    return Nps(
        sum(c.promoters for c in found),
        sum(c.passives for c in found),
        sum(c.detractors for c in found),
    )


def nps_series(months: Sequence[str], counts: Iterable[NpsCount], unnamed: str) -> NpsSeries:
    """The series from the store's counts: each month of `months` (no answers:
    an Nps of zeros, whose score is none), the whole period, and each source
    (the first spelling met names it; no source is called `unnamed`)."""
    wanted = set(months)
    rows = [c for c in counts if c.month in wanted]
    per_month = {month: _add(c for c in rows if c.month == month) for month in months}
    names: dict[str, str] = {}
    groups: dict[str, list[NpsCount]] = {}
    for row in rows:
        key = search_key(row.source) if row.source else ""
        names.setdefault(key, row.source or unnamed)
        groups.setdefault(key, []).append(row)
    by_source = sorted(
        ((names[key], _add(group)) for key, group in groups.items()),
        key=lambda item: search_key(item[0]),
    )
    return NpsSeries(list(per_month.items()), _add(rows), by_source)
