"""The JSON forms of domain values: stable keys, money as decimal strings with
their currency, times in ISO 8601. Used by every `--json` and by export."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from pipetui.domain.bant import BANT, Assessment, CriterionAnswer
from pipetui.domain.bant_history import DatedChange
from pipetui.domain.contact import Contact
from pipetui.domain.dates import days_between, iso_date, iso_utc
from pipetui.domain.deal import DealView
from pipetui.domain.followup import FollowUp
from pipetui.domain.funnel import Steps
from pipetui.domain.journey import Touchpoint
from pipetui.domain.money import Money
from pipetui.domain.pipeline import Pipeline

if TYPE_CHECKING:  # types only: `deal list` must not import the full store
    from pipetui.services.deals import DealDetail
    from pipetui.services.journey import Attention, ContactTimeline
    from pipetui.services.pipelines import PipelineWithStages
    from pipetui.services.reports import FunnelReport, MonthForecast, Period, SourceFigures
    from pipetui.store.journey import DealLine


def money_json(money: Money | None) -> dict[str, str] | None:
    """{"amount": "1200.50", "currency": "USD"}."""
    if money is None:
        return None
    return {"amount": money.amount_str(), "currency": money.currency}


def deal_json(view: DealView, now: datetime) -> dict[str, Any]:
    """One deal with its pipeline, stage and contact named."""
    deal = view.deal
    return {
        "id": deal.id,
        "title": deal.title,
        "pipeline": view.pipeline_name,
        "stage": view.stage_name,
        "stage_position": view.stage_position,
        "status": deal.status.value,
        "value": money_json(deal.value),
        "probability": view.probability,
        "probability_override": deal.probability,
        "version": deal.version,
        "close_date": iso_date(deal.close_date),
        "source": deal.source,
        "lost_reason": deal.lost_reason,
        "contact": {"id": deal.contact_id, "name": view.contact_name}
        if deal.contact_id is not None
        else None,
        "company": view.company,
        "owner": deal.owner,
        "notes": deal.notes,
        "tags": list(deal.tags),
        "created_at": iso_utc(deal.created_at),
        "updated_at": iso_utc(deal.updated_at),
        "stage_entered_at": iso_utc(deal.stage_entered_at),
        "closed_at": iso_utc(deal.closed_at),
        "days_in_stage": days_between(deal.stage_entered_at, now),
        "external_id": deal.external_id,
    }


def answer_json(answer: CriterionAnswer) -> dict[str, Any]:
    """One qualification answer with its details."""
    return {
        "status": answer.status.value,
        "amount": money_json(answer.amount),
        "who": answer.who,
        "note": answer.note,
        "target_date": iso_date(answer.target_date),
    }


def assessment_json(assessment: Assessment) -> dict[str, Any]:
    """Score, percentage, verdict and its reason."""
    return {
        "score": assessment.score,
        "max_score": assessment.max_score,
        "percent": assessment.percent,
        "verdict": assessment.verdict.value,
        "reason": assessment.reason,
    }


def bant_json(
    answers: Mapping[str, CriterionAnswer],
    assessment: Assessment,
    history: Sequence[DatedChange] = (),
) -> dict[str, Any]:
    """Every criterion's answer (unknown when never answered), the score and
    verdict, and how the answers changed, oldest first."""
    return {
        "answers": {
            c.key: answer_json(answers.get(c.key, CriterionAnswer())) for c in BANT.criteria
        },
        **assessment_json(assessment),
        "history": [
            {
                "at": iso_utc(dated.at),
                "criterion": dated.change.criterion,
                "from_status": dated.change.before.value,
                "to_status": dated.change.after.value,
                "details": dated.change.details,
                "text": dated.change.describe(),
                "by": dated.by,
            }
            for dated in history
        ],
    }


def detail_json(detail: DealDetail, now: datetime) -> dict[str, Any]:
    """A deal with history, touchpoints, follow-ups and BANT."""
    names = detail.stage_names
    return {
        **deal_json(detail.view, now),
        "history": [
            {
                "at": iso_utc(change.at),
                "from_stage": names.get(change.from_stage_id) if change.from_stage_id else None,
                "to_stage": names.get(change.to_stage_id),
                "from_status": change.from_status.value if change.from_status else None,
                "to_status": change.to_status.value,
                "imported": change.imported,
                "by": change.by,
            }
            for change in detail.history
        ],
        "touchpoints": [touchpoint_json(t) for t in detail.touchpoints],
        "followups": [followup_json(f) for f in detail.followups],
        "bant": bant_json(detail.answers, detail.assessment, detail.answer_history),
    }


def contact_json(contact: Contact) -> dict[str, Any]:
    """One contact, every text field as stored."""
    return {
        "id": contact.id,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "company": contact.company,
        "role": contact.role,
        "source": contact.source,
        "notes": contact.notes,
        "tags": list(contact.tags),
        "journey_stage": contact.journey_stage.value if contact.journey_stage else None,
        "journey_stage_manual": contact.journey_stage_manual,
        "created_at": iso_utc(contact.created_at),
        "external_id": contact.external_id,
        "version": contact.version,
        "details": [
            {"kind": d.kind, "label": d.label, "value": d.value, "pref": d.pref}
            for d in contact.details
        ],
    }


def touchpoint_json(touchpoint: Touchpoint) -> dict[str, Any]:
    """One touchpoint."""
    return {
        "id": touchpoint.id,
        "contact_id": touchpoint.contact_id,
        "deal_id": touchpoint.deal_id,
        "kind": touchpoint.kind,
        "journey_stage": touchpoint.journey_stage.value,
        "channel": touchpoint.channel,
        "direction": touchpoint.direction.value if touchpoint.direction else None,
        "at": iso_utc(touchpoint.at),
        "summary": touchpoint.summary,
        "score": touchpoint.score,
        "by": touchpoint.by,
    }


def followup_json(followup: FollowUp) -> dict[str, Any]:
    """One follow-up."""
    return {
        "id": followup.id,
        "title": followup.title,
        "due": iso_date(followup.due),
        "deal_id": followup.deal_id,
        "contact_id": followup.contact_id,
        "done": followup.done_at is not None,
        "done_at": iso_utc(followup.done_at),
        "created_at": iso_utc(followup.created_at),
    }


def pipeline_json(item: PipelineWithStages) -> dict[str, Any]:
    """A pipeline and its stages in order."""
    return {
        "id": item.pipeline.id,
        "name": item.pipeline.name,
        "stages": [
            {
                "id": stage.id,
                "name": stage.name,
                "position": stage.position,
                "probability": stage.probability,
                "rotting_days": stage.rotting_days,
            }
            for stage in item.stages
        ],
    }


def rate_json(rate: Fraction | None) -> float | None:
    """A rate as a fraction of 1 (0.5, not 50), or None."""
    return None if rate is None else float(rate)


def funnel_json(report: FunnelReport) -> dict[str, Any]:
    """`report funnel --json`: every figure of DESIGN.md §2."""
    f = report.funnel
    return {
        "pipeline": report.pipeline.name,
        "since": iso_date(report.period.since),
        "until": iso_date(report.period.until),
        "stages": [
            {
                "name": s.name,
                "position": s.position,
                "reached": s.reached,
                "open": s.open,
                "open_value": s.open_value.as_json(),
                "weighted_value": s.weighted_value.as_json(),
                "conversion_to_next": rate_json(s.conversion_to_next),
                "drop_off": s.drop_off,
                "avg_days_in_stage": s.avg_days_in_stage,
            }
            for s in f.stages
        ],
        "won": f.won,
        "lost": f.lost,
        "open": f.open,
        "win_rate": rate_json(f.win_rate),
        "overall_conversion": rate_json(f.overall_conversion),
        "bottleneck": f.bottleneck,
        "open_value": f.open_value.as_json(),
        "weighted_forecast": f.weighted_forecast.as_json(),
        "avg_won_value": f.avg_won_value.as_json(),
        "avg_cycle_days": f.avg_cycle_days,
        "sales_velocity_per_day": None
        if f.sales_velocity_withheld
        else f.sales_velocity_per_day.as_json(),
        "sales_velocity_withheld": f.sales_velocity_withheld,
    }


def forecast_json(report: FunnelReport, months: Sequence[MonthForecast]) -> dict[str, Any]:
    """`report forecast --json`: open and weighted value by stage and by month."""
    f = report.funnel
    return {
        "pipeline": report.pipeline.name,
        "since": iso_date(report.period.since),
        "until": iso_date(report.period.until),
        "open": f.open,
        "open_value": f.open_value.as_json(),
        "weighted_forecast": f.weighted_forecast.as_json(),
        "stages": [
            {
                "name": s.name,
                "open": s.open,
                "open_value": s.open_value.as_json(),
                "weighted_value": s.weighted_value.as_json(),
            }
            for s in f.stages
        ],
        "by_close_month": [
            {
                "month": m.month,
                "open": m.open,
                "open_value": m.open_value.as_json(),
                "weighted_value": m.weighted.as_json(),
            }
            for m in months
        ],
    }


def sources_json(
    pipeline: Pipeline, period: Period, sources: Sequence[SourceFigures]
) -> dict[str, Any]:
    """`report sources --json`: per lead source, with spend when recorded."""
    return {
        "pipeline": pipeline.name,
        "since": iso_date(period.since),
        "until": iso_date(period.until),
        "sources": [
            {
                "source": s.source,
                "deals": s.deals,
                "won": s.won,
                "lost": s.lost,
                "win_rate": rate_json(s.win_rate),
                "won_value": s.won_value.as_json(),
                "spend": s.spend.as_json() if s.spend_known else None,
                "cost_per_lead": s.cost_per_lead.as_json() if s.spend_known else None,
                "acquisition_cost": s.acquisition_cost.as_json() if s.spend_known else None,
            }
            for s in sources
        ],
    }


def steps_json(period: Period, steps: Steps) -> dict[str, Any]:
    """`report journey --json`: contacts by furthest journey stage."""
    return {
        "since": iso_date(period.since),
        "until": iso_date(period.until),
        "stages": [
            {
                "name": s.name,
                "reached": s.reached,
                "conversion_to_next": rate_json(s.conversion_to_next),
                "drop_off": s.drop_off,
            }
            for s in steps.steps
        ],
        "overall_conversion": rate_json(steps.overall_conversion),
        "bottleneck": steps.bottleneck,
    }


def _deal_line_json(line: DealLine) -> dict[str, Any]:
    return {
        "deal_id": line.deal_id,
        "title": line.title,
        "stage": line.stage,
        "contact_id": line.contact_id,
        "contact": line.contact,
        "value": money_json(line.value),
        "last_activity": iso_utc(line.idle_since),
    }


def attention_json(found: Attention) -> dict[str, Any]:
    """`today --json`: follow-ups due, rotting deals, qualified deals without a next step."""
    return {
        "today": iso_date(found.today),
        "followups": [
            {
                "id": f.id,
                "title": f.title,
                "due": iso_date(f.due),
                "overdue": f.overdue(found.today),
                "deal_id": f.deal_id,
                "deal": f.deal_title,
                "contact_id": f.contact_id,
                "contact": f.contact_name,
            }
            for f in found.followups
        ],
        "rotting": [
            {
                **_deal_line_json(r.line),
                "idle_days": r.idle_days,
                "rotting_days": r.line.rotting_days,
            }
            for r in found.rotting
        ],
        "qualified_without_next_step": [
            _deal_line_json(line) for line in found.qualified_without_next_step
        ],
    }


def timeline_json(timeline: ContactTimeline) -> dict[str, Any]:
    """`contact timeline --json`: the journey, newest first."""
    entries: list[dict[str, Any]] = []
    for entry in timeline.entries:
        if entry.touchpoint is not None:
            entries.append({"type": "touchpoint", **touchpoint_json(entry.touchpoint)})
        elif entry.deal_event is not None:
            event = entry.deal_event
            entries.append(
                {
                    "type": "deal",
                    "at": iso_utc(event.at),
                    "deal_id": event.deal_id,
                    "title": event.title,
                    "from_stage": event.from_stage,
                    "to_stage": event.to_stage,
                    "from_status": event.from_status,
                    "to_status": event.to_status,
                    "by": event.by,
                }
            )
        elif entry.gap is not None:
            entries.append(
                {
                    "type": "gap",
                    "from": iso_utc(entry.gap.start),
                    "to": iso_utc(entry.gap.end),
                    "days": entry.gap.days,
                }
            )
    score = timeline.nps.score
    return {
        **contact_json(timeline.contact),
        "path": [stage.value for stage in timeline.path],
        "nps": {
            "score": None if score is None else float(score),
            "answers": timeline.nps.answers,
        },
        "lifetime_value": timeline.lifetime_value.as_json(),
        "purchases": timeline.purchases,
        "followups": [followup_json(f) for f in timeline.followups],
        "entries": entries,
        "truncated": timeline.truncated,
    }
