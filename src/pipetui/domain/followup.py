"""Follow-ups: dated next steps on a deal or a contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pipetui.domain.errors import ValidationError


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A next step due on `due`; done when `done_at` is set."""

    id: int
    title: str
    due: date
    created_at: datetime
    deal_id: int | None = None
    contact_id: int | None = None
    done_at: datetime | None = None

    def is_overdue(self, today: date) -> bool:
        """Not done and due before today."""
        return self.done_at is None and self.due < today


def check_target(deal_id: object | None, contact_id: object | None) -> None:
    """A follow-up belongs to exactly one deal or one contact."""
    if (deal_id is None) == (contact_id is None):
        raise ValidationError("target", "give exactly one of --deal or --contact")
