"""The JSON forms of domain values: stable keys, money as decimal strings with
their currency, times in ISO 8601. Used by every `--json` and by export."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pipetui.domain.bant import Assessment, CriterionAnswer
from pipetui.domain.contact import Contact
from pipetui.domain.dates import days_between, iso_date, iso_utc
from pipetui.domain.deal import DealView
from pipetui.domain.followup import FollowUp
from pipetui.domain.journey import Touchpoint
from pipetui.domain.money import Money
from pipetui.services.deals import DealDetail
from pipetui.services.pipelines import PipelineWithStages


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
        "close_date": iso_date(deal.close_date),
        "source": deal.source,
        "lost_reason": deal.lost_reason,
        "contact": {"id": deal.contact_id, "name": view.contact_name}
        if deal.contact_id is not None
        else None,
        "company": view.company,
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
            }
            for change in detail.history
        ],
        "touchpoints": [touchpoint_json(t) for t in detail.touchpoints],
        "followups": [followup_json(f) for f in detail.followups],
        "bant": {
            "answers": {key: answer_json(a) for key, a in detail.answers.items()},
            **assessment_json(detail.assessment),
        },
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
