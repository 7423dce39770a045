"""Deals and the history of their stage moves and status changes (a deal's
status on its own: `pipetui.domain.deal_status`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pipetui.domain.deal_status import DealStatus
from pipetui.domain.money import Money
from pipetui.domain.text import clean_text, one_line


@dataclass(frozen=True, slots=True)
class Deal:
    """A deal as every interface sees it; the store converts rows to this."""

    id: int
    title: str
    pipeline_id: int
    stage_id: int
    status: DealStatus
    value: Money
    created_at: datetime
    updated_at: datetime
    stage_entered_at: datetime
    probability: int | None = None
    close_date: date | None = None
    source: str | None = None
    lost_reason: str | None = None
    contact_id: int | None = None
    closed_at: datetime | None = None
    external_id: str | None = None
    version: int = 1
    owner: str | None = None
    """Whose deal it is (team mode); None: nobody's yet, the team's."""
    notes: str | None = None
    """What the seller wrote about the deal: free text, several lines allowed."""
    tags: tuple[str, ...] = ()
    """Segment tags ("vip", "מתעניין"), as on contacts (`check_tags`)."""


@dataclass(frozen=True, slots=True)
class StageChange:
    """One row of a deal's stage history: a move, a status change, or both.

    The first row of every deal has `from_stage_id` None (it entered its first
    stage). `imported` marks a row written for a deal imported without history,
    which by DESIGN.md §2 has reached every stage up to its current one. `by`
    is who made the change (None: not known, e.g. from before schema v4).
    """

    deal_id: int
    at: datetime
    to_stage_id: int
    to_status: DealStatus
    from_stage_id: int | None = None
    from_status: DealStatus | None = None
    imported: bool = False
    by: str | None = None


def check_title(title: str, *, field: str = "title") -> str:
    """A deal needs a title; control characters and line breaks are removed."""
    return one_line(title, field=field, limit=500)


def check_notes(notes: str | None) -> str | None:
    """A deal's notes: any script and several lines kept, control characters
    removed (`clean_text`); empty means none."""
    return clean_text(notes) or None if notes else None


def effective_probability(deal_probability: int | None, stage_probability: int) -> int:
    """The deal's own override when it has one, else its stage's probability."""
    return stage_probability if deal_probability is None else deal_probability


@dataclass(frozen=True, slots=True)
class DealView:
    """A deal with the names around it, as lists, cards and `deal show` need it."""

    deal: Deal
    pipeline_name: str
    stage_name: str
    stage_position: int
    stage_probability: int
    rotting_days: int | None = None
    contact_name: str | None = None
    company: str | None = None

    @property
    def probability(self) -> int:
        """The win probability in force: the deal's override, else its stage's."""
        return effective_probability(self.deal.probability, self.stage_probability)
