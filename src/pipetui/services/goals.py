"""Use cases for goals: set (or replace) one, remove one, and list them with
their progress, for the CLI, `pipetui today` and the funnel screen.

Actuals are read with the funnel's own definitions (`pipetui.store.goals`)
over the goal's period as `report funnel --since --until` reads it: local
midnights (`pipetui.services.reports.Period`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from pipetui.domain.errors import NotFoundError, ValidationError
from pipetui.domain.funnel import round_half_up
from pipetui.domain.goals import (
    GoalPeriod,
    Metric,
    Pace,
    Progress,
    actual,
    check_count_target,
    check_metric,
    check_money_target,
    month_period,
    no_progress,
    period_from_label,
    progress,
    quarter_period,
)
from pipetui.domain.money import Money, check_money, parse_money
from pipetui.domain.text import clean_text, search_key
from pipetui.services import clock
from pipetui.services.pipelines import resolve_pipeline, resolve_stage
from pipetui.services.reports import Period
from pipetui.services.serialize import money_json
from pipetui.store import goals as store
from pipetui.store.database import Database


@dataclass(frozen=True, slots=True)
class GoalProgress:
    """A goal, what it counts for, and how far it is on `today`."""

    record: store.GoalRecord
    period: GoalPeriod
    progress: Progress

    @property
    def metric(self) -> Metric:
        """What the goal counts."""
        return Metric(self.record.metric)

    def amount(self, value: int) -> str:
        """A count, or money in the goal's currency, for people."""
        if self.record.currency:
            return Money(value, self.record.currency).format()
        return f"{value:,}"


@dataclass(frozen=True, slots=True)
class SetResult:
    """The goal as stored, and the target it replaced (None: a new goal)."""

    goal: GoalProgress
    replaced: str | None


def choose_period(month: str | None, quarter: str | None) -> GoalPeriod:
    """Exactly one of a month (YYYY-MM) or a quarter (YYYY-Qn)."""
    if (month is None) == (quarter is None):
        raise ValidationError("period", "give one of --month YYYY-MM or --quarter YYYY-Qn")
    return month_period(month) if month is not None else quarter_period(quarter or "")


def set_goal(
    db: Database,
    *,
    metric: str,
    target: str,
    period: GoalPeriod,
    pipeline: str | None = None,
    stage: str | None = None,
    source: str | None = None,
    default_currency: str = "USD",
) -> SetResult:
    """Set a goal, or replace the target of the same goal (same metric,
    period, pipeline, stage, source and currency). Everything is checked
    before anything is written."""
    chosen = check_metric(metric)
    currency: str | None = None
    if chosen is Metric.WON:
        money = check_money_target(
            check_money(parse_money(target, default_currency, field="target"), field="target")
        )
        amount, currency = money.minor, money.currency
    else:
        amount = check_count_target(_count(target))
    if chosen is Metric.REACHED and not stage:
        raise ValidationError("stage", "a `reached` goal names a stage (--stage NAME)")
    if chosen is not Metric.REACHED and stage:
        raise ValidationError("stage", "only a `reached` goal takes --stage")
    name = clean_text(source, single_line=True) if source is not None else None
    if source is not None and not name:
        raise ValidationError("source", "name the lead source")
    with db.write() as conn:
        pipeline_id = stage_id = None
        if pipeline is not None or stage:
            owner = resolve_pipeline(conn, pipeline)
            pipeline_id = owner.id
            if stage:
                stage_id = resolve_stage(conn, owner.id, stage).id
        key = store.GoalKey(
            chosen.value,
            period.label,
            pipeline_id,
            stage_id,
            search_key(name) if name else None,
            currency,
        )
        goal_id, before = store.set_goal(
            conn,
            key,
            period_start=period.start,
            period_end=period.end,
            target=amount,
            source=name,
            now=clock.now(),
        )
    (stored,) = [g for g in list_goals(db) if g.record.id == goal_id]
    return SetResult(stored, None if before is None else stored.amount(before))


def _count(text: str) -> int:
    cleaned = text.strip().replace(",", "")
    if not (cleaned.isascii() and cleaned.isdigit()):
        raise ValidationError("target", f"not a whole number: {text!r}")
    return int(cleaned)


def remove_goal(db: Database, goal_id: int) -> None:
    """Delete a goal (NotFoundError when there is none with this id)."""
    with db.write() as conn:
        if not store.remove_goal(conn, goal_id):
            raise NotFoundError("goal", f"no goal #{goal_id}")


def list_goals(
    db: Database, *, today: date | None = None, current: bool = False
) -> list[GoalProgress]:
    """Every goal (or only those whose period holds today) with its progress
    on `today` (default: the clock's), read in one snapshot."""
    day = today or clock.today()
    found: list[GoalProgress] = []
    with db.read() as conn:
        for record in store.goals(conn, on=day if current else None):
            period = period_from_label(record.period)
            if record.stage_removed:
                found.append(GoalProgress(record, period, no_progress(record.target)))
                continue
            since, until = Period(period.start, period.last_day).bounds()
            assert since is not None and until is not None
            facts = store.period_facts(
                conn,
                pipeline_id=record.pipeline_id,
                since=since,
                until=until,
                source_key=record.source_key,
            )
            value = actual(
                Metric(record.metric),
                facts,
                position=record.stage_position or 1,
                currency=record.currency,
            )
            found.append(GoalProgress(record, period, progress(value, record.target, period, day)))
    return found


def goal_json(goal: GoalProgress) -> dict[str, object]:
    """A goal with its progress, as `goal list --json` and `today --json`
    print it: counts as numbers, money (target, actual, projected) as
    {amount, currency}, the share as a
    fraction of 1 (1.25 is 125 %), the period's last day included."""
    record = goal.record
    if record.currency:
        target: object = money_json(Money(record.target, record.currency))
        actual_value: object = money_json(Money(goal.progress.actual, record.currency))
    else:
        target, actual_value = record.target, goal.progress.actual
    projected: object = goal.progress.projected
    if projected is not None and record.currency:
        rounded = round_half_up(goal.progress.projected or Fraction(0))
        projected = money_json(Money(rounded, record.currency))
    elif projected is not None:
        projected = float(goal.progress.projected or 0)
    judged = goal.progress.pace is not Pace.STAGE_REMOVED
    return {
        "id": record.id,
        "metric": record.metric,
        "period": record.period,
        "since": goal.period.start.isoformat(),
        "until": goal.period.last_day.isoformat(),
        "pipeline": record.pipeline,
        "stage": record.stage,
        "source": record.source,
        "target": target,
        "actual": actual_value if judged else None,
        "share": float(goal.progress.share) if judged else None,
        "projected": projected,
        "pace": goal.progress.pace.value,
    }


def goal_line(goal: GoalProgress) -> str:
    """One line for people: "#3  leads 2026-12 · Referral  45 of 30  150.0 %  on track"."""
    from pipetui.domain.funnel import percent_text

    record = goal.record
    what = record.metric if record.stage is None else f"reached {record.stage}"
    scope = [s for s in (record.pipeline, record.source) if s]
    about = f"{what} {record.period}" + "".join(f" · {s}" for s in scope)
    pace = goal.progress.pace.value
    if goal.progress.pace is Pace.STAGE_REMOVED:
        return f"#{record.id}  {about}  target {goal.amount(goal.progress.target)}  {pace}"
    shown = f"{goal.amount(goal.progress.actual)} of {goal.amount(goal.progress.target)}"
    return f"#{record.id}  {about}  {shown}  {percent_text(goal.progress.share)}  {pace}"
