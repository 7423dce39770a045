"""What the board shows: a column per open stage and a card per deal.

These are plain values so the widgets never touch rows or sessions.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from pipetui.domain.bant import Verdict
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.money import Money, MoneyTotals
from pipetui.domain.pipeline import Stage
from pipetui.domain.users import OwnerFilter

CARD_HEIGHT = 4
"""Terminal lines a card takes on the board: three of text and a gap."""


class Card(NamedTuple):
    """One deal as a card: enough to draw it and to act on it."""

    deal_id: int
    title: str
    status: DealStatus
    value: Money
    stage_id: int
    days_in_stage: int
    verdict: Verdict = Verdict.NOT_ASSESSED
    contact_name: str | None = None
    company: str | None = None
    rotting: bool = False
    rots_in_days: int | None = None
    version: int = 1
    """The deal's version as read: a change asked for from this card is refused
    if the deal moved on since (DESIGN.md §5)."""
    owner: str | None = None
    """Whose deal it is, set only when it is someone else's than the viewer's
    (the card names them; the viewer's own and unowned deals need no name)."""
    next_followup: date | None = None
    """The deal's next step: the due date of its earliest open follow-up."""
    followup_overdue: bool = False
    """That next step was due before today (the card shows it as an alarm)."""
    tags: tuple[str, ...] = ()
    """The deal's own tags (the card ends its value line with "#vip #q4")."""


class ColumnSummary(NamedTuple):
    """A column's header figures: open deals, their value and weighted value
    per currency, and how many cards the current view shows."""

    stage: Stage
    open_count: int
    open_value: MoneyTotals
    weighted_value: MoneyTotals
    shown: int


class BoardView(NamedTuple):
    """Which cards the board shows: closed ones too, a text filter, only
    deals with one BANT verdict, and only the viewer's own deals (`mine`)."""

    show_closed: bool = False
    search: str = ""
    verdict: Verdict | None = None
    mine: bool = False
    """Only `user`'s deals and the unowned ones (`OwnerFilter.mine`); the
    column headers then sum those alone: it is the user's own board."""
    user: str | None = None
    """Who is looking (`--as`, PIPETUI_USER, the database role...)."""

    @property
    def owners(self) -> OwnerFilter | None:
        """Whose deals the columns list (None: everyone's)."""
        return OwnerFilter.mine(self.user) if self.mine else None

    @property
    def statuses(self) -> tuple[DealStatus, ...]:
        """The deal statuses the columns list."""
        return tuple(DealStatus) if self.show_closed else (DealStatus.OPEN,)


class RotState(NamedTuple):
    """Whether a deal is rotting, and if not, in how many days it will."""

    rotting: bool
    rots_in_days: int | None


def rot_state(
    *,
    rotting_days: int | None,
    last_activity: datetime,
    has_future_followup: bool,
    now: datetime,
) -> RotState:
    """A deal rots when nothing happened for longer than its stage's limit and no
    follow-up is planned. A planned follow-up keeps it fresh (DESIGN.md §1)."""
    if rotting_days is None or has_future_followup:
        return RotState(False, None)
    idle = (now - last_activity).days
    if idle > rotting_days:
        return RotState(True, None)
    return RotState(False, rotting_days - idle)
