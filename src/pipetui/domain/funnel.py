"""The funnel's figures (DESIGN.md §2), as arithmetic over a few aggregates.

The database counts and sums (`pipetui.store.funnel`); this module turns those
small results into rates, averages and the forecast. Rates are exact fractions
until they are shown; money stays integer minor units per currency and is
rounded (halves up) once, at the end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from pipetui.domain.money import Money, MoneyTotals

SECONDS_PER_DAY = 86_400
BOTTLENECK_MIN_REACHED = 5
"""A step is a bottleneck candidate only when at least this many deals reached it."""
VELOCITY_MIN_WON = 5
"""Sales velocity is shown only once the cohort has at least this many won deals:
fewer make its mean cycle and mean won value noise (issue 19)."""
VELOCITY_MIN_CYCLE_DAYS = 1
"""The mean sales cycle used by velocity is at least this many days, so deals
closed within minutes cannot turn it into millions a day (issue 19)."""


def round_half_up(value: Fraction) -> int:
    """The nearest whole number, halves away from zero (values here are ≥ 0)."""
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


def ratio(part: int, whole: int) -> Fraction | None:
    """part / whole, or None when there is nothing to divide by."""
    return Fraction(part, whole) if whole else None


@dataclass(frozen=True, slots=True)
class OpenDeals:
    """Open deals of one stage in one currency: how many, their value, and their
    value × probability % (times 100, to stay whole)."""

    count: int
    value_minor: int
    weighted_x100: int


@dataclass(frozen=True, slots=True)
class StageInput:
    """What the database says about one stage of the cohort.

    `furthest` counts the deals that are not won and whose furthest stage ever
    is this one; `open` the open deals sitting in it now, per currency;
    `days_deals` and `days_seconds` the deals that spent time in it and the
    total of that time.
    """

    name: str
    position: int
    furthest: int = 0
    open: Mapping[str, OpenDeals] = field(default_factory=dict)
    days_deals: int = 0
    days_seconds: Fraction | float = 0


@dataclass(frozen=True, slots=True)
class FunnelInput:
    """The cohort's aggregates: per stage, and the closed deals.

    `won_value` is the sum and count of won deals per currency; `cycle_seconds`
    the total time from creation to won over all won deals.
    """

    stages: Sequence[StageInput]
    won: int = 0
    lost: int = 0
    won_value: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    cycle_seconds: Fraction | float = 0


@dataclass(frozen=True, slots=True)
class StageFigures:
    """One step of the funnel."""

    name: str
    position: int
    reached: int
    open: int
    open_value: MoneyTotals
    weighted_value: MoneyTotals
    conversion_to_next: Fraction | None
    drop_off: int
    avg_days_in_stage: float | None


@dataclass(frozen=True, slots=True)
class Funnel:
    """Every figure of DESIGN.md §2 for one pipeline and cohort."""

    stages: list[StageFigures]
    won: int
    lost: int
    open: int
    win_rate: Fraction | None
    overall_conversion: Fraction | None
    bottleneck: str | None
    open_value: MoneyTotals
    weighted_forecast: MoneyTotals
    avg_won_value: MoneyTotals
    avg_cycle_days: float | None
    sales_velocity_per_day: MoneyTotals
    sales_velocity_withheld: str | None = None
    """Why velocity is not shown ("needs 5 won deals, has 2"); None when it is."""

    def sales_velocity_text(self) -> str:
        """Velocity for people: "₪1,234.00 · $5.00", or "— (needs 5 won deals, has 2)"."""
        if self.sales_velocity_withheld is not None:
            return f"— ({self.sales_velocity_withheld})"
        return self.sales_velocity_per_day.format()


def at_or_after(furthest: Sequence[int], beyond: int = 0) -> list[int]:
    """reached[k] from counts by furthest step: Σ furthest[j] for j ≥ k, plus
    `beyond` (those past the last step: a won deal has reached every stage)."""
    reached, running = [], beyond
    for count in reversed(furthest):
        running += count
        reached.append(running)
    return list(reversed(reached))


def _bottleneck(
    names: Sequence[str], reached: Sequence[int], rates: Sequence[Fraction | None]
) -> str | None:
    candidates = [
        (rate, index)
        for index, rate in enumerate(rates)
        if rate is not None and reached[index] >= BOTTLENECK_MIN_REACHED
    ]
    return names[min(candidates)[1]] if candidates else None


def weighted_totals(x100: Mapping[str, int]) -> MoneyTotals:
    """Sums of value × probability % back to money, rounded once (halves up)."""
    return MoneyTotals(Money(round_half_up(Fraction(v, 100)), c) for c, v in x100.items())


def _days(seconds: Fraction | float, count: int) -> float | None:
    """A mean in days for display, from an exact total of seconds."""
    return round(float(Fraction(seconds) / count / SECONDS_PER_DAY), 2) if count else None


def compute_funnel(data: FunnelInput) -> Funnel:
    """The figures from the aggregates (see DESIGN.md §2 for each definition).

    Sales velocity is per currency: the open deals in that currency × the win
    rate × the mean won value in that currency ÷ the mean cycle in days.
    """
    stages = list(data.stages)
    reached = at_or_after([stage.furthest for stage in stages], data.won)
    following = [*reached[1:], data.won] if reached else []
    rates = [ratio(after, before) for before, after in zip(reached, following, strict=True)]
    figures = []
    open_value = MoneyTotals()
    open_count: dict[str, int] = {}
    weighted_x100: dict[str, int] = {}
    for stage, count, after, rate in zip(stages, reached, following, rates, strict=True):
        for currency, deals in stage.open.items():
            open_value.add(Money(deals.value_minor, currency))
            open_count[currency] = open_count.get(currency, 0) + deals.count
            weighted_x100[currency] = weighted_x100.get(currency, 0) + deals.weighted_x100
        figures.append(
            StageFigures(
                stage.name,
                stage.position,
                count,
                sum(deals.count for deals in stage.open.values()),
                MoneyTotals(Money(d.value_minor, c) for c, d in stage.open.items()),
                weighted_totals({c: d.weighted_x100 for c, d in stage.open.items()}),
                rate,
                count - after,
                _days(stage.days_seconds, stage.days_deals),
            )
        )
    win_rate = ratio(data.won, data.won + data.lost)
    cycle_days = Fraction(data.cycle_seconds) / data.won / SECONDS_PER_DAY if data.won else None
    avg_won = {c: Fraction(total, n) for c, (total, n) in data.won_value.items() if n}
    velocity, withheld = sales_velocity(open_count, data.won, win_rate, avg_won, cycle_days)
    return Funnel(
        stages=figures,
        won=data.won,
        lost=data.lost,
        open=sum(open_count.values()),
        win_rate=win_rate,
        overall_conversion=ratio(data.won, reached[0]) if reached else None,
        bottleneck=_bottleneck([s.name for s in stages], reached, rates),
        open_value=open_value,
        weighted_forecast=weighted_totals(weighted_x100),
        avg_won_value=MoneyTotals(Money(round_half_up(m), c) for c, m in avg_won.items()),
        avg_cycle_days=round(float(cycle_days), 2) if cycle_days is not None else None,
        sales_velocity_per_day=velocity,
        sales_velocity_withheld=withheld,
    )


def sales_velocity(
    open_count: Mapping[str, int],
    won: int,
    win_rate: Fraction | None,
    avg_won: Mapping[str, Fraction],
    cycle_days: Fraction | None,
) -> tuple[MoneyTotals, str | None]:
    """Sales velocity per day, per currency, and why it is withheld (or None).

    velocity = open deals in the currency × win rate × mean won value in the
    currency ÷ max(mean cycle in days, VELOCITY_MIN_CYCLE_DAYS). It is withheld
    (empty, with the reason) until the cohort has VELOCITY_MIN_WON won deals:
    a cycle of minutes or two lucky wins would otherwise promise millions a day.
    """
    if won < VELOCITY_MIN_WON or win_rate is None or cycle_days is None:
        return MoneyTotals(), f"needs {VELOCITY_MIN_WON} won deals, has {won}"
    cycle = max(cycle_days, Fraction(VELOCITY_MIN_CYCLE_DAYS))
    return (
        MoneyTotals(
            Money(round_half_up(open_count.get(c, 0) * win_rate * mean / cycle), c)
            for c, mean in avg_won.items()
        ),
        None,
    )


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a plain funnel: how many reached it, and how many went on."""

    name: str
    reached: int
    conversion_to_next: Fraction | None
    drop_off: int


@dataclass(frozen=True, slots=True)
class Steps:
    """A funnel of counts only (the marketing funnel over contacts)."""

    steps: list[Step]
    overall_conversion: Fraction | None
    bottleneck: str | None


def steps_from_furthest(names: Sequence[str], furthest: Sequence[int]) -> Steps:
    """The same arithmetic as the deal funnel, for things counted by the
    furthest step they reached: reached[k] = Σ furthest[j ≥ k]; the last step
    has no next one."""
    reached = at_or_after(furthest)
    following: list[int | None] = [*reached[1:], None] if reached else []
    rates = [
        ratio(after, before) if after is not None else None
        for before, after in zip(reached, following, strict=True)
    ]
    steps = [
        Step(name, count, rate, count - after if after is not None else 0)
        for name, count, after, rate in zip(names, reached, following, rates, strict=True)
    ]
    overall = ratio(reached[-1], reached[0]) if reached else None
    return Steps(steps, overall, _bottleneck(names, reached, rates))


def percent_text(rate: Fraction | None) -> str:
    """A rate for people: "58.3 %" (one decimal, halves up), "—" for none."""
    if rate is None:
        return "—"
    tenths = round_half_up(rate * 1000)
    return f"{tenths // 10}.{tenths % 10} %"


def days_text(days: float | None) -> str:
    """Days for people: "43.5 d", "—" for none."""
    return "—" if days is None else f"{days:.1f} d"
