"""Use cases for the customer's side: a contact's timeline, the attention list
(what needs the seller today), the contacts list, and the journey figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from pipetui.domain.bant import Thresholds
from pipetui.domain.contact import CONTACT_SORTS, Contact, days_since_contact
from pipetui.domain.errors import ValidationError
from pipetui.domain.followup import FollowUp
from pipetui.domain.journey import JourneyStage, Touchpoint
from pipetui.domain.money import MoneyTotals
from pipetui.domain.segments import ContactSegment
from pipetui.domain.timeline import Gap, Nps, gaps, journey_path, nps, nps_scores
from pipetui.services import clock
from pipetui.services.contacts import resolve_contact
from pipetui.services.reports import ALL_TIME, Period
from pipetui.store import followups as followup_store
from pipetui.store import journey as store
from pipetui.store import touchpoints as touchpoint_store
from pipetui.store.database import Database

TIMELINE_LIMIT = 1000
"""The newest touchpoints and deal events a timeline shows (older: the CLI)."""


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of a timeline: a touchpoint, a deal's move, or a silence."""

    at: datetime
    touchpoint: Touchpoint | None = None
    deal_event: store.DealEvent | None = None
    gap: Gap | None = None


@dataclass(frozen=True, slots=True)
class ContactTimeline:
    """Everything the timeline screen shows about one contact."""

    contact: Contact
    stage: JourneyStage | None
    path: list[JourneyStage]
    nps: Nps
    lifetime_value: MoneyTotals
    purchases: int
    entries: list[TimelineEntry]
    followups: list[FollowUp]
    touchpoints: int = 0
    truncated: bool = False
    last_contact: datetime | None = None
    """The latest touchpoint up to now (None: never touched)."""
    days_since_contact: int | None = None
    """Calendar days (local time) from `last_contact` to today, by the app's clock."""


def contact_timeline(
    db: Database, name_or_id: str, *, limit: int = TIMELINE_LIMIT
) -> ContactTimeline:
    """A contact's journey, newest first: touchpoints, their deals' stage
    changes and closings, and silences longer than `GAP_DAYS`."""
    now = clock.now()
    with db.read() as conn:
        contact = resolve_contact(conn, name_or_id).contact
        last = store.last_contact(conn, contact.id, now)
        touchpoints = touchpoint_store.for_contact(conn, contact.id, limit=limit)
        events = store.deal_events(conn, contact.id, limit=limit)
        value, purchases = store.lifetime_value(conn, contact.id)
        followups = followup_store.list_followups(conn, contact_id=contact.id)
    entries = [TimelineEntry(t.at, touchpoint=t) for t in touchpoints]
    entries += [TimelineEntry(e.at, deal_event=e) for e in events]
    entries += [TimelineEntry(g.end, gap=g) for g in gaps(t.at for t in touchpoints)]
    # Newest first; at the same moment a silence comes after (below) what ended it.
    entries.sort(key=lambda e: (e.at, e.gap is None), reverse=True)
    return ContactTimeline(
        contact=contact,
        stage=contact.journey_stage,
        path=journey_path(touchpoints),
        nps=nps(nps_scores(touchpoints)),
        lifetime_value=value,
        purchases=purchases,
        entries=entries,
        followups=followups,
        touchpoints=len(touchpoints),
        truncated=len(touchpoints) >= limit or len(events) >= limit,
        last_contact=last,
        days_since_contact=days_since_contact(last, now),
    )


@dataclass(frozen=True, slots=True)
class DueFollowUp:
    """A follow-up due today or overdue, with what it is about."""

    id: int
    title: str
    due: date
    deal_id: int | None
    deal_title: str | None
    pipeline_id: int | None
    contact_id: int | None
    contact_name: str | None

    def overdue(self, today: date) -> bool:
        """Due before today."""
        return self.due < today


@dataclass(frozen=True, slots=True)
class RottingDeal:
    """An open deal idle longer than its stage allows, with nothing planned."""

    line: store.DealLine
    idle_days: int


@dataclass(frozen=True, slots=True)
class Attention:
    """What needs the seller today (DESIGN.md §1, the attention list)."""

    today: date
    followups: list[DueFollowUp] = field(default_factory=list)
    rotting: list[RottingDeal] = field(default_factory=list)
    qualified_without_next_step: list[store.DealLine] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing to do."""
        return not (self.followups or self.rotting or self.qualified_without_next_step)


ATTENTION_LIMIT = 200
"""At most this many items of each kind (oldest first): a list to act on, not a report."""


def attention(db: Database, *, thresholds: Thresholds, limit: int = ATTENTION_LIMIT) -> Attention:
    """Overdue and today's follow-ups, rotting deals, qualified deals without a
    next step."""
    today, now = clock.today(), clock.now()
    with db.read() as conn:
        due = [DueFollowUp(*row) for row in store.due_followups(conn, today, limit)]
        idle = store.rotting_deals(conn, today, now, limit)
        qualified = store.qualified_without_next_step(conn, today, thresholds, limit)
    rotting = [RottingDeal(line, (now - line.idle_since).days) for line in idle]
    return Attention(today, due, rotting, qualified)


def contact_ids(db: Database, *, search: str = "", sort: str = "name") -> list[int]:
    """The contacts matching `search` in `sort` order (ids only); `search` may
    hold `tag:` `stage:` `source:` `silent:` tokens (`contact_filter_text`)."""
    if sort not in CONTACT_SORTS:
        raise ValidationError("sort", f"sort by {', '.join(CONTACT_SORTS)}")
    from pipetui.domain.segments import contact_filter_text

    words, segment = contact_filter_text(search)
    with db.read() as conn:
        return store.contact_ids(conn, search=words, sort=sort, now=clock.now(), segment=segment)


def contact_lines(db: Database, ids: Sequence[int]) -> dict[int, store.ContactLine]:
    """The rows of a screenful of contacts (last touch: the latest up to now)."""
    with db.read() as conn:
        return store.contact_lines(conn, ids, clock.now())


@dataclass(frozen=True, slots=True)
class JourneyFigures:
    """NPS over the scores given in the period; customers (a purchase in the
    period) and repeat customers (two or more), counted as `report customers`
    counts them; contacts per current stage."""

    nps: Nps
    customers: int
    repeat_customers: int
    by_stage: dict[str, int]


def journey_figures(
    db: Database, *, period: Period = ALL_TIME, segment: ContactSegment | None = None
) -> JourneyFigures:
    """The journey's own figures (the marketing funnel is `reports.journey_report`),
    over the contacts of `segment` (their own tags and lead source) when given."""
    since, until = period.bounds()
    now = clock.now()
    with db.read() as conn:
        scores = store.scores(conn, since, until, segment, now)
        customers, repeat = store.repeat_customers(conn, segment, now, since, until)
        stages = store.by_current_stage(conn, segment, now)
    by_stage = {stage.value: stages.get(stage.value, 0) for stage in JourneyStage}
    by_stage["none"] = stages.get(None, 0)
    return JourneyFigures(nps(scores), customers, repeat, by_stage)
