"""Sellers' goals: a target for a month or a quarter, and progress against it.

A goal counts what `report funnel --since/--until` counts for the same period
and pipeline (DESIGN.md §2), so the two never disagree:

- `leads`: new deals entering the pipeline, i.e. `reached[1]` of the deals
  created in the period;
- `reached`: `reached[k]` of those deals for one stage k (its position);
- `won`: the value of the won deals among them, in the goal's one currency
  (never summed across currencies).

A goal may also be narrowed to one lead source (matched in any case), e.g. a
team's goal of 30 leads from one channel.

Progress is exact (`Fraction`) until it is shown. Pace compares today's rate
with the target: projected = actual × period days ÷ elapsed days (today
counts as elapsed), on track when projected ≥ target; before the period
"not started", from its end "met" or "missed".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction

from pipetui.domain.errors import ValidationError
from pipetui.domain.money import Money

MAX_COUNT_TARGET = 1_000_000_000
"""The largest count a goal may ask for (a typo guard, far above any team)."""


class Metric(StrEnum):
    """What a goal counts."""

    LEADS = "leads"
    WON = "won"
    REACHED = "reached"


class Pace(StrEnum):
    """How a goal is going, judged on today's date."""

    NOT_STARTED = "not started"
    ON_TRACK = "on track"
    BEHIND = "behind"
    MET = "met"
    MISSED = "missed"
    STAGE_REMOVED = "stage removed"
    """A `reached` goal whose stage was removed from its pipeline: its deals
    moved to other stages, so nothing can be counted against it."""


def check_metric(text: str) -> Metric:
    """`leads`, `won` or `reached`, any case."""
    try:
        return Metric(text.strip().lower())
    except ValueError:
        names = ", ".join(m.value for m in Metric)
        raise ValidationError("metric", f"not a goal metric: {text!r} (use {names})") from None


@dataclass(frozen=True, slots=True)
class GoalPeriod:
    """A calendar month ("2026-12") or quarter ("2027-Q1"): the days
    [start, end), end exclusive, in the user's local calendar."""

    label: str
    start: date
    end: date

    @property
    def last_day(self) -> date:
        """The period's last day (for `--until`, which includes its day)."""
        return date.fromordinal(self.end.toordinal() - 1)

    @property
    def days(self) -> int:
        """How many days it has."""
        return (self.end - self.start).days


def _month_after(year: int, month: int) -> date:
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


def _year(text: str, field: str) -> int:
    year = int(text)
    if not 1900 <= year <= 2199:
        raise ValidationError(field, f"year out of range: {text!r} (1900–2199)")
    return year


def month_period(text: str) -> GoalPeriod:
    """A month as YYYY-MM."""
    found = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not found or not 1 <= int(found[2]) <= 12:
        raise ValidationError("month", f"not a month: {text!r} (use YYYY-MM)")
    year, month = _year(found[1], "month"), int(found[2])
    return GoalPeriod(f"{year:04d}-{month:02d}", date(year, month, 1), _month_after(year, month))


def quarter_period(text: str) -> GoalPeriod:
    """A quarter as YYYY-Qn (any case)."""
    found = re.fullmatch(r"(\d{4})-[Qq]([1-4])", text.strip())
    if not found:
        raise ValidationError("quarter", f"not a quarter: {text!r} (use YYYY-Qn, e.g. 2027-Q1)")
    year, quarter = _year(found[1], "quarter"), int(found[2])
    first = 3 * (quarter - 1) + 1
    return GoalPeriod(f"{year:04d}-Q{quarter}", date(year, first, 1), _month_after(year, first + 2))


def period_from_label(label: str) -> GoalPeriod:
    """The period a stored label names ("2026-12" or "2027-Q1")."""
    return quarter_period(label) if "Q" in label.upper() else month_period(label)


def check_count_target(target: int) -> int:
    """A count to reach: a whole number from 1."""
    if not 1 <= target <= MAX_COUNT_TARGET:
        raise ValidationError("target", f"must be a whole number from 1 to {MAX_COUNT_TARGET:,}")
    return target


def check_money_target(target: Money) -> Money:
    """Won value to reach: more than nothing."""
    if target.minor <= 0:
        raise ValidationError("target", "must be more than zero")
    return target


@dataclass(frozen=True, slots=True)
class PeriodFacts:
    """What the funnel's definitions say about the deals created in a period:
    per stage position, the deals not won whose furthest stage it is; the won
    deals; and their value per currency (minor units)."""

    furthest: Mapping[int, int]
    won: int
    won_value: Mapping[str, int]


def reached(facts: PeriodFacts, position: int) -> int:
    """`reached[k]` of DESIGN.md §2: the won deals (they reached every stage)
    plus those whose furthest stage is at position k or after."""
    return facts.won + sum(n for at, n in facts.furthest.items() if at >= position)


def actual(
    metric: Metric, facts: PeriodFacts, *, position: int = 1, currency: str | None = None
) -> int:
    """The goal's actual: a count, or minor units of `currency` for `won`."""
    if metric is Metric.WON:
        return facts.won_value.get(currency or "", 0)
    return reached(facts, 1 if metric is Metric.LEADS else position)


@dataclass(frozen=True, slots=True)
class Progress:
    """A goal's actual against its target on a day."""

    actual: int
    target: int
    share: Fraction
    """actual / target (1 is 100 %; may pass it)."""
    projected: Fraction | None
    """actual × period days ÷ elapsed days while the period runs, else None."""
    pace: Pace


def no_progress(target: int) -> Progress:
    """The progress of a goal that cannot be judged (its stage was removed)."""
    return Progress(0, target, Fraction(0), None, Pace.STAGE_REMOVED)


def progress(actual_value: int, target: int, period: GoalPeriod, today: date) -> Progress:
    """How far a goal is, and whether today's rate reaches it (see the module)."""
    share = Fraction(actual_value, target)
    if today < period.start:
        return Progress(actual_value, target, share, None, Pace.NOT_STARTED)
    if today >= period.end:
        pace = Pace.MET if actual_value >= target else Pace.MISSED
        return Progress(actual_value, target, share, None, pace)
    elapsed = (today - period.start).days + 1
    projected = Fraction(actual_value * period.days, elapsed)
    return Progress(
        actual_value,
        target,
        share,
        projected,
        Pace.ON_TRACK if projected >= target else Pace.BEHIND,
    )
