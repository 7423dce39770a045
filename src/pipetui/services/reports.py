"""Use cases for the figures: the funnel and forecast of a pipeline, lead
sources with their spend, and the marketing funnel over contacts.

Each report reads a few aggregates in one read transaction (the database does
the counting) and hands them to `pipetui.domain.funnel` for the arithmetic, so
the TUI pane, the CLI and the tests share one definition of every figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING

from pipetui.domain.dates import check_date
from pipetui.domain.errors import ValidationError
from pipetui.domain.funnel import (
    Funnel,
    FunnelInput,
    OpenDeals,
    StageInput,
    Steps,
    compute_funnel,
    ratio,
    round_half_up,
    steps_from_furthest,
    weighted_totals,
)
from pipetui.domain.journey import (
    JourneyStage,
    SourceCounts,
    furthest_from_reached,
    marketing_reached,
)
from pipetui.domain.losses import Losses, compute_losses, suggested_reasons
from pipetui.domain.money import Money, MoneyTotals, check_money
from pipetui.domain.pipeline import Pipeline
from pipetui.domain.segments import EVERY_DEAL, ContactSegment, DealSegment
from pipetui.domain.text import clean_text, search_key
from pipetui.services import clock
from pipetui.services.pipelines import resolve_pipeline
from pipetui.store import funnel as store
from pipetui.store import funnel_counts, funnel_fact_sums, funnel_facts
from pipetui.store import losses as loss_store
from pipetui.store import pipelines as pipeline_store
from pipetui.store.database import Database
from pipetui.store.segment_queries import segment_facts

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

MARKETING_STAGES = (
    JourneyStage.AWARENESS,
    JourneyStage.INTEREST,
    JourneyStage.CONSIDERATION,
    JourneyStage.INTENT,
    JourneyStage.PURCHASE,
)


@dataclass(frozen=True, slots=True)
class Period:
    """Deals (or contacts) created from `since` to `until`, both days included,
    in the user's local time; None on either side is open-ended. Either day is
    within years 1900–2199 (`pipetui.domain.dates.check_date`), so its local
    midnights are always on the calendar."""

    since: date | None = None
    until: date | None = None

    def __post_init__(self) -> None:
        for name, day in (("since", self.since), ("until", self.until)):
            if day is not None:
                check_date(day, field=name)
        if self.since and self.until and self.until < self.since:
            raise ValidationError("until", "must not be before --since")

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """[start, end) as aware instants: local midnights, each with the
        offset of its own date (summer time or not)."""

        def midnight(day: date) -> datetime:
            return datetime.combine(day, time()).astimezone()

        return (
            midnight(self.since) if self.since else None,
            midnight(self.until + timedelta(days=1)) if self.until else None,
        )

    def months(self) -> tuple[str, str] | None:
        """The months it touches, as YYYY-MM, for spend (None: all time)."""
        if self.since is None and self.until is None:
            return None
        first = f"{self.since:%Y-%m}" if self.since else "0000-00"
        last = f"{self.until:%Y-%m}" if self.until else "9999-99"
        return first, last


ALL_TIME = Period()


@dataclass(frozen=True, slots=True)
class FunnelReport:
    """The funnel of one pipeline over one period."""

    pipeline: Pipeline
    period: Period
    funnel: Funnel


def _cohort(pipeline: Pipeline, period: Period, segment: DealSegment = EVERY_DEAL) -> store.Cohort:
    since, until = period.bounds()
    return store.Cohort(pipeline.id, since, until, segment)


def _pipeline(conn: Connection, name: str | None, pipeline_id: int | None) -> Pipeline:
    """The pipeline with this id, else the one named, else the first."""
    known = pipeline_store.pipelines(conn)
    return next((p for p in known if p.id == pipeline_id), None) or resolve_pipeline(conn, name)


def funnel_report(
    db: Database,
    *,
    pipeline: str | None = None,
    pipeline_id: int | None = None,
    period: Period = ALL_TIME,
    segment: DealSegment = EVERY_DEAL,
) -> FunnelReport:
    """Every figure of DESIGN.md §2 for a pipeline (by id, named, or the first),
    over the deals of `segment` (`--tag`, `--source`)."""
    with db.read() as conn:
        chosen = _pipeline(conn, pipeline, pipeline_id)
        return FunnelReport(chosen, period, _funnel(conn, chosen, period, segment))


def _funnel(
    conn: Connection, chosen: Pipeline, period: Period, segment: DealSegment = EVERY_DEAL
) -> Funnel:
    """The figures from the funnel's running summary (`store.funnel_facts`);
    for a segment, which the summary does not know, recounted from the deals
    themselves (`segment_queries.segment_facts`)."""
    since, until = period.bounds()
    stages = pipeline_store.stages(conn, chosen.id)
    if segment.empty:
        sums = funnel_fact_sums.summed(conn, chosen.id, since, until)
    else:
        sums = segment_facts(conn, chosen.id, since, until, segment)
    now = funnel_facts.epoch_ms(clock.now())
    positions = {stage.id: stage.position for stage in stages}
    furthest: dict[int, int] = {}
    for fact in sums:
        if fact.fact == "reach" and fact.stage_id in positions:
            position = positions[fact.stage_id]
            furthest[position] = furthest.get(position, 0) + fact.n

    def facts(kind: str, stage_id: int) -> list[funnel_fact_sums.FactSum]:
        return [f for f in sums if f.fact == kind and f.stage_id == stage_id and f.n]

    inputs = []
    for stage in stages:
        stays = facts("stay", stage.id)
        open_deals: dict[str, OpenDeals] = {}
        for f in facts("open", stage.id) + facts("open_own", stage.id):
            weighted = f.amount_own if f.fact == "open_own" else f.amount * stage.probability
            was = open_deals.get(f.currency, OpenDeals(0, 0, 0))
            open_deals[f.currency] = OpenDeals(
                was.count + f.n, was.value_minor + f.amount, was.weighted_x100 + weighted
            )
        inputs.append(
            StageInput(
                stage.name,
                stage.position,
                furthest.get(stage.position, 0),
                open_deals,
                sum(f.n for f in stays),
                Fraction(sum(f.ms + f.open_n * now - f.open_start for f in stays), 1000),
            )
        )
    won = [f for f in sums if f.fact == "won" and f.n]
    lost = [f for f in sums if f.fact == "lost" and f.n]
    return compute_funnel(
        FunnelInput(
            inputs,
            won=sum(f.n for f in won),
            lost=sum(f.n for f in lost),
            won_value={f.currency: (f.amount, f.n) for f in won},
            cycle_seconds=Fraction(sum(f.ms for f in won), 1000),  # exact: velocity is money
        )
    )


@dataclass(frozen=True, slots=True)
class MonthForecast:
    """Open deals expected to close in a month (None: no expected date)."""

    month: str | None
    open: int
    open_value: MoneyTotals
    weighted: MoneyTotals


def forecast_report(
    db: Database,
    *,
    pipeline: str | None = None,
    pipeline_id: int | None = None,
    period: Period = ALL_TIME,
    segment: DealSegment = EVERY_DEAL,
) -> tuple[FunnelReport, list[MonthForecast]]:
    """The funnel (its per-stage open and weighted values are the forecast by
    stage) and the open deals by expected close month, from one snapshot."""
    with db.read() as conn:
        chosen = _pipeline(conn, pipeline, pipeline_id)
        funnel = _funnel(conn, chosen, period, segment)
        rows = store.open_by_close_month(conn, _cohort(chosen, period, segment))
    months: dict[str | None, list[store.MonthRow]] = {}
    for row in rows:
        months.setdefault(row.month, []).append(row)
    forecast = [
        MonthForecast(
            month,
            sum(r.count for r in group),
            MoneyTotals(Money(r.value_minor, r.currency) for r in group),
            weighted_totals({r.currency: r.weighted_x100 for r in group}),
        )
        for month, group in sorted(months.items(), key=lambda item: item[0] or "9999-99")
    ]
    return FunnelReport(chosen, period, funnel), forecast


@dataclass(frozen=True, slots=True)
class SourceFigures:
    """One lead source: deals, won, win rate, won value; with spend recorded,
    cost per lead and customer acquisition cost (per spend currency)."""

    source: str
    deals: int
    won: int
    lost: int
    win_rate: Fraction | None
    won_value: MoneyTotals
    spend: MoneyTotals = field(default_factory=MoneyTotals)
    cost_per_lead: MoneyTotals = field(default_factory=MoneyTotals)
    acquisition_cost: MoneyTotals = field(default_factory=MoneyTotals)
    spend_known: bool = True
    """False for a cohort narrowed by tag: the spend figures are not known (`SPEND_NOTE`)."""


NO_SOURCE = "(no source)"
SPEND_NOTE = "spend is recorded per source; not split by tag"
"""Why a report narrowed by tag shows no spend, cost per lead, CAC or ROI:
spend is recorded per source and month, so a tag's share of it is unknown."""


def sources_report(
    db: Database,
    *,
    pipeline: str | None = None,
    period: Period = ALL_TIME,
    segment: DealSegment = EVERY_DEAL,
) -> tuple[Pipeline, list[SourceFigures]]:
    """Per lead source (matched in any case), for a pipeline's deals in a period.

    A lead is a deal; cost per lead is the spend over the deals from the source,
    acquisition cost the spend over its won deals (None-like, left out, when
    there are none). Narrowed by tag, the spend figures are not known
    (`SPEND_NOTE`): none is read and `spend_known` is False."""
    with db.read() as conn:
        chosen = resolve_pipeline(conn, pipeline)
        rows = store.by_source(conn, _cohort(chosen, period, segment))
        spent = [] if segment.tags else store.spend(conn, period.months())
    groups: dict[str, list[store.SourceRow]] = {}
    names: dict[str, str] = {}
    for row in rows:
        key = search_key(row.source) if row.source else ""
        groups.setdefault(key, []).append(row)
        names.setdefault(key, row.source or NO_SOURCE)
    spend_by_key: dict[str, MoneyTotals] = {}
    for item in spent:
        spend_by_key.setdefault(item.source_key, MoneyTotals()).add(
            Money(item.amount_minor, item.currency)
        )
        names.setdefault(item.source_key, item.source)
    figures = [
        _source_figures(names[key], groups.get(key, []), spend_by_key.get(key, MoneyTotals()))
        for key in {*groups, *spend_by_key}
    ]
    if segment.tags:
        figures = [replace(f, spend_known=False) for f in figures]
    return chosen, sorted(figures, key=lambda f: (-f.deals, search_key(f.source)))


def _per(total: MoneyTotals, count: int) -> MoneyTotals:
    return MoneyTotals(
        Money(round_half_up(Fraction(total[c].minor, count)), c) for c in total if count
    )


def _source_figures(
    name: str, rows: Iterable[store.SourceRow], spent: MoneyTotals
) -> SourceFigures:
    rows = list(rows)
    won = [row for row in rows if row.status == store.WON]
    won_count = sum(row.count for row in won)
    lost = sum(row.count for row in rows if row.status == store.LOST)
    deals = sum(row.count for row in rows)
    return SourceFigures(
        name,
        deals,
        won_count,
        lost,
        ratio(won_count, won_count + lost),
        MoneyTotals(Money(row.value_minor, row.currency) for row in won),
        spent,
        _per(spent, deals),
        _per(spent, won_count),
    )


def _month(text: str) -> str:
    """A YYYY-MM month, checked."""
    try:
        parsed = datetime.strptime(text.strip(), "%Y-%m")
    except ValueError as error:
        raise ValidationError("month", f"not a month: {text!r} (use YYYY-MM)") from error
    return f"{parsed:%Y-%m}"


def set_source_spend(db: Database, *, source: str, month: str, amount: Money) -> tuple[str, str]:
    """Record what was spent on a lead source in a month (replacing an earlier
    figure for the same source, month and currency); returns the source and
    month as stored ("Referral", "2026-05")."""
    name = clean_text(source, single_line=True)
    if not name:
        raise ValidationError("source", "name the lead source")
    check_money(amount, field="amount")
    checked_month = _month(month)
    with db.write() as conn:
        store.set_spend(
            conn,
            source=name,
            source_key=search_key(name),
            month=checked_month,
            currency=amount.currency,
            amount_minor=amount.minor,
            now=clock.now(),
        )
    return name, checked_month


def journey_report(
    db: Database, *, period: Period = ALL_TIME, segment: ContactSegment | None = None
) -> Steps:
    """The marketing funnel over contacts (created in the period; of `segment`:
    their own tags and lead source): awareness → interest → consideration →
    intent → purchase, by furthest stage reached."""
    since, until = period.bounds()
    with db.read() as conn:
        furthest = store.journey_furthest(conn, since, until, segment, clock.now())
        named = [furthest.get(stage, 0) for stage in MARKETING_STAGES]
        reached = _with_anonymous(conn, named, period, segment)
    return steps_from_furthest(
        [stage.value for stage in MARKETING_STAGES], furthest_from_reached(reached)
    )


def _with_anonymous(
    conn: Connection, named: list[int], period: Period, segment: ContactSegment | None
) -> list[int]:
    """The marketing funnel's reached counts with the anonymous ones (`funnel
    count`) of the months the period touches, as `marketing_reached` defines.
    Anonymous people have no tags or stage: a segment narrowed by those leaves
    them out; one narrowed to a source keeps that source's counts only."""
    if segment is not None and (segment.tags or segment.stage or segment.silent_days is not None):
        return marketing_reached(named)
    only = search_key(segment.source) if segment is not None and segment.source else None
    found = funnel_counts.totals(conn, period.months(), only)
    since, until = period.bounds()
    by_source = []
    for key, (name, counts) in found.items():
        if not key:
            continue
        if only is not None:
            own = named
        else:
            mine = store.journey_furthest(
                conn, since, until, ContactSegment(source=name), clock.now()
            )
            own = [mine.get(stage, 0) for stage in MARKETING_STAGES]
        by_source.append(SourceCounts(counts, own))
    unattributed = found[""][1] if "" in found and only is None else None
    return marketing_reached(named, by_source, unattributed)


@dataclass(frozen=True, slots=True)
class LossesReport:
    """Why a pipeline's deals were lost: those closed as lost in the period."""

    pipeline: Pipeline
    period: Period
    losses: Losses


def losses_report(
    db: Database,
    *,
    pipeline: str | None = None,
    pipeline_id: int | None = None,
    period: Period = ALL_TIME,
    segment: DealSegment = EVERY_DEAL,
) -> LossesReport:
    """Lost deals by reason, by the stage where they were lost, and
    disqualifications by BANT criterion (`pipetui.domain.losses`). The cohort
    is the deals lost (closed) in the period, not those created in it: the
    question is what went wrong lately."""
    since, until = period.bounds()
    with db.read() as conn:
        chosen = _pipeline(conn, pipeline, pipeline_id)
        stages = [stage.name for stage in pipeline_store.stages(conn, chosen.id)]
        groups = loss_store.lost_groups(conn, chosen.id, since, until, segment)
    return LossesReport(chosen, period, compute_losses(groups, stages))


def lost_reasons(db: Database, *, limit: int = 10) -> list[str]:
    """The lost reasons to offer when a deal is marked lost, most used first."""
    with db.read() as conn:
        used = loss_store.used_reasons(conn)
    return suggested_reasons(used, limit)
