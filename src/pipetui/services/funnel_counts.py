"""Anonymous counts at the top of the funnel (issue 19): visitors, ad views,
sign-ups per lead source and month, entered in bulk so the marketing funnel
can start from 1,000 visitors without 1,000 made-up contacts.

How they enter the funnel is `pipetui.domain.journey.marketing_reached`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import COUNTABLE_STAGES, JourneyStage, parse_stage
from pipetui.domain.text import clean_text, search_key
from pipetui.services import clock
from pipetui.store import funnel_counts as store
from pipetui.store.database import Database

COUNT_MAX = 10**12
"""A count above this is a typing mistake (the column holds far more)."""


@dataclass(frozen=True, slots=True)
class FunnelCount:
    """One count as stored: its stage, source (None: not attributed), month."""

    stage: JourneyStage
    source: str | None
    month: str
    count: int
    updated_at: datetime | None = None
    by: str | None = None


def check_month(text: str, *, field: str = "month") -> str:
    """A YYYY-MM month, checked ("2026-11")."""
    try:
        parsed = datetime.strptime(text.strip(), "%Y-%m")
    except ValueError as error:
        raise ValidationError(field, f"not a month: {text!r} (use YYYY-MM)") from error
    return f"{parsed:%Y-%m}"


def check_count(value: int | str, *, field: str = "count") -> int:
    """A whole number of people, 0 to 10^12; "1,000" is read as 1000."""
    text = str(value).strip().replace(",", "").replace("_", "")
    if not (text.isascii() and text.isdigit()):
        raise ValidationError(field, f"not a whole number of people: {value!r}")
    count = int(text)
    if count > COUNT_MAX:
        raise ValidationError(field, f"at most {COUNT_MAX:,}")
    return count


def countable_stage(text: str | JourneyStage, *, field: str = "stage") -> JourneyStage:
    """A stage anonymous people can reach: awareness to intent (a purchase has
    a customer, who is a contact)."""
    stage = text if isinstance(text, JourneyStage) else parse_stage(text, field=field)
    if stage not in COUNTABLE_STAGES:
        names = ", ".join(s.value for s in COUNTABLE_STAGES)
        raise ValidationError(field, f"counts are for {names}; a {stage} has a contact")
    return stage


def set_count(
    db: Database,
    *,
    stage: str | JourneyStage,
    count: int | str,
    month: str,
    source: str | None = None,
    add: bool = False,
) -> FunnelCount:
    """Set how many people reached `stage` from `source` in `month`, replacing
    an earlier figure (entering the month's figure again is safe); with `add`,
    add to it instead (a day's visitors at a time)."""
    chosen, number, checked = countable_stage(stage), check_count(count), check_month(month)
    name = clean_text(source, single_line=True) if source else ""
    now = clock.now()
    with db.write() as conn:
        total = store.set_count(
            conn,
            stage=chosen,
            source=name or None,
            source_key=search_key(name) if name else "",
            month=checked,
            count=number,
            now=now,
            add=add,
        )
    return FunnelCount(chosen, name or None, checked, total, now)


def list_counts(db: Database) -> list[FunnelCount]:
    """Every count, by month, source and journey order."""
    with db.read() as conn:
        rows = store.list_counts(conn)
    return [
        FunnelCount(r.journey_stage, r.source, r.month, r.count, r.updated_at, r.by) for r in rows
    ]
