"""Use cases for BANT qualification: answer some or all criteria (each change
kept in the answers' history), and drop a lead that does not qualify.

Every call is one write transaction: the answers, their history rows and the
deal's status change together or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from pipetui.domain.bant import (
    BANT,
    AnswerPatch,
    Assessment,
    CriterionAnswer,
    Framework,
    Thresholds,
    assess,
    check_answer,
    disqualified_reason,
    disqualifying,
)
from pipetui.domain.bant_history import AnswerChange, answer_changes
from pipetui.domain.deal import DealView
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.errors import ValidationError
from pipetui.services import clock
from pipetui.store import deals as deal_store
from pipetui.store import qualification as store
from pipetui.store.database import Database

DEFAULT_THRESHOLDS = Thresholds()


class Qualified(NamedTuple):
    """The deal after qualifying, its new score and verdict, and what changed."""

    view: DealView
    assessment: Assessment
    changes: list[AnswerChange]

    @property
    def summary(self) -> str:
        """ "in progress, 62 %": what the status line says after a save."""
        return f"{self.assessment.verdict.value}, {self.assessment.percent} %"


class Disqualified(NamedTuple):
    """The deal, now lost, and the reason it got: "Disqualified: Budget"."""

    view: DealView
    reason: str

    @property
    def summary(self) -> str:
        """What the status line says after dropping the lead."""
        return self.reason


def _apply(
    conn: Any, deal_id: int, patch: Mapping[str, AnswerPatch], framework: Framework
) -> tuple[dict[str, CriterionAnswer], list[AnswerChange]]:
    """Merge `patch` into the saved answers, check them, and save what changed."""
    before = store.answers(conn, deal_id, framework.name)
    after = dict(before)
    for key, fields in patch.items():
        criterion = framework.criterion(key)
        after[key] = check_answer(criterion, before.get(key, CriterionAnswer())._replace(**fields))
    changes = answer_changes(before, after, framework)
    store.save_answers(conn, deal_id, after, changes, now=clock.now(), framework=framework.name)
    return after, changes


def qualify_deal(
    db: Database,
    deal_id: int,
    patch: Mapping[str, AnswerPatch],
    *,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    framework: Framework = BANT,
    seen_version: int | None = None,
) -> Qualified:
    """Change some criteria's answers (the others keep theirs) and score the deal.

    `seen_version`: the deal's version as the form showed it; a deal changed
    since (its answers too) is refused with `ChangedElsewhere`."""
    if not patch:
        raise ValidationError("bant", "give at least one answer (e.g. --budget yes)")
    with db.write() as conn:
        deal_store.lock_deal(conn, deal_id, seen_version=seen_version)
        answers, changes = _apply(conn, deal_id, patch, framework)
        view = deal_store.get_view(conn, deal_id)
    return Qualified(view, assess(answers, thresholds, framework), changes)


def disqualify_deal(
    db: Database,
    deal_id: int,
    patch: Mapping[str, AnswerPatch] | None = None,
    *,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    framework: Framework = BANT,
    seen_version: int | None = None,
) -> Disqualified:
    """Save `patch` if given, then mark the open deal lost with the reason
    "Disqualified: <criterion>", naming a criterion answered "no" (the first of
    those the settings disqualify on, else the first at all)."""
    with db.write() as conn:
        deal = deal_store.lock_deal(conn, deal_id, seen_version=seen_version)
        if deal.status is not DealStatus.OPEN:
            raise ValidationError("deal", f"deal {deal_id} is already {deal.status}")
        answers = (
            _apply(conn, deal_id, patch, framework)[0]
            if patch
            else store.answers(conn, deal_id, framework.name)
        )
        criterion = disqualifying(answers, thresholds, framework)
        if criterion is None:
            raise ValidationError(
                "bant", "nothing disqualifies this deal yet: no criterion is answered no"
            )
        reason = disqualified_reason(criterion)
        deal_store.set_status(
            conn, deal=deal, status=DealStatus.LOST, now=clock.now(), lost_reason=reason
        )
        return Disqualified(deal_store.get_view(conn, deal_id), reason)
