"""How a deal's BANT answers changed over time: what the deal's timeline and
`deal show` list. Apart from `pipetui.domain.bant`, which the board's first
frame needs (verdicts, thresholds) and these classes it does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from pipetui.domain.bant import BANT, Answer, CriterionAnswer, Framework


@dataclass(frozen=True, slots=True)
class AnswerChange:
    """How one criterion's answer changed: its status, and which details."""

    criterion: str
    before: Answer
    after: Answer
    details: str | None = None
    """What changed in the details, in words ("amount ₪12,000.00"), or None."""

    def describe(self, framework: Framework = BANT) -> str:
        """ "Budget: partial → yes", with the details after it when they changed."""
        label = framework.criterion(self.criterion).label
        parts = []
        if self.before is not self.after:
            parts.append(f"{self.before.value} → {self.after.value}")
        if self.details:
            parts.append(self.details if not parts else f"({self.details})")
        return f"{label}: {' '.join(parts)}"


@dataclass(frozen=True, slots=True)
class DatedChange:
    """An answer change, when it was saved and by whom (the deal's timeline
    shows it; `by` None: not known)."""

    at: datetime
    change: AnswerChange
    by: str | None = None


def _detail_words(before: CriterionAnswer, after: CriterionAnswer) -> str | None:
    words = []
    if before.amount != after.amount:
        words.append(f"amount {after.amount.format()}" if after.amount else "amount cleared")
    if before.who != after.who:
        words.append(f"who decides: {after.who}" if after.who else "who decides cleared")
    if before.note != after.note:
        words.append("note changed" if after.note else "note cleared")
    if before.target_date != after.target_date:
        words.append(
            f"target date {after.target_date.isoformat()}"
            if after.target_date
            else "target date cleared"
        )
    return "; ".join(words) or None


def answer_changes(
    before: Mapping[str, CriterionAnswer],
    after: Mapping[str, CriterionAnswer],
    framework: Framework = BANT,
) -> list[AnswerChange]:
    """The criteria whose answer differs, in the framework's order."""
    changes = []
    for criterion in framework.criteria:
        old = before.get(criterion.key, CriterionAnswer())
        new = after.get(criterion.key, old)
        if old != new:
            changes.append(
                AnswerChange(criterion.key, old.status, new.status, _detail_words(old, new))
            )
    return changes
