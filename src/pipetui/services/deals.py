"""Use cases for deals: add, list, show, move, close, reopen, edit, delete.

Each runs in one write transaction; every stage move and status change writes its
history row in that same transaction (see `pipetui.store.deals`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pipetui.domain.bant import Assessment, CriterionAnswer, assess
from pipetui.domain.bant_history import DatedChange
from pipetui.domain.contact import check_tags
from pipetui.domain.deal import Deal, DealView, StageChange, check_notes, check_title
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.errors import ValidationError
from pipetui.domain.followup import FollowUp
from pipetui.domain.journey import Touchpoint
from pipetui.domain.money import Money, check_money
from pipetui.domain.pipeline import Stage, check_probability
from pipetui.domain.segments import change_tags, tags_text
from pipetui.domain.text import clean_text, search_key
from pipetui.domain.users import check_user_name
from pipetui.services import clock
from pipetui.services.contacts import resolve_contact
from pipetui.services.deal_query import DealFilter as DealFilter  # (`deal list` lives there)
from pipetui.services.deal_query import list_deals as list_deals
from pipetui.services.pipelines import resolve_pipeline, resolve_stage
from pipetui.services.settings import Settings
from pipetui.store import deals as store
from pipetui.store import followups as followup_store
from pipetui.store import pipelines as pipeline_store
from pipetui.store import qualification as qualification_store
from pipetui.store import touchpoints as touchpoint_store
from pipetui.store.actor import actor
from pipetui.store.database import Database

_UNSET: Any = object()


@dataclass(frozen=True, slots=True)
class DealDetail:
    """Everything `deal show` and the deal screen display."""

    view: DealView
    history: list[StageChange]
    stage_names: dict[int, str]
    touchpoints: list[Touchpoint]
    followups: list[FollowUp]
    answers: dict[str, CriterionAnswer]
    assessment: Assessment
    answer_history: list[DatedChange] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AddedDeal:
    """The new deal, and the contact created for it if its name was new."""

    view: DealView
    created_contact: str | None = None


def add_deal(
    db: Database,
    *,
    title: str,
    value: Money,
    pipeline: str | None = None,
    stage: str | None = None,
    stage_id: int | None = None,
    contact: str | None = None,
    source: str | None = None,
    close_date: date | None = None,
    probability: int | None = None,
    owner: str | None = _UNSET,
    notes: str | None = None,
    create_contact: bool = True,
    tags: str | None = None,
) -> AddedDeal:
    """Create an open deal at the top of its stage (the first stage by default).

    The stage is named (CLI) or given by id (the board's focused column). The
    deal is `owner`'s: by default whoever adds it (`db.user`); None leaves it
    unowned, the team's. A `contact` named by no existing contact becomes a
    new one only with `create_contact` (the CLI's default; the deal form asks
    first), else the contact field is refused and nothing is written. `tags`
    are given comma-separated (`check_tags`).
    """
    clean_title = check_title(title)
    clean_tags = check_tags(tags or "")
    clean_notes = check_notes(notes)
    _check_deal_values(value, probability)
    given = owner is not _UNSET
    whose = _owner(owner) if given else None
    now = clock.now()
    with db.write() as conn:
        if not given:
            whose = actor(conn)
        if stage_id is not None:
            target = pipeline_store.get_stage(conn, stage_id)
            chosen = pipeline_store.get_pipeline(conn, target.pipeline_id)
        else:
            chosen = resolve_pipeline(conn, pipeline)
            target = resolve_stage(conn, chosen.id, stage)
        ref = resolve_contact(conn, contact, create=create_contact) if contact else None
        deal_id = store.insert_deal(
            conn,
            title=clean_title,
            search_key=search_key(clean_title, clean_notes),
            notes=clean_notes,
            pipeline_id=chosen.id,
            stage_id=target.id,
            value=value,
            now=now,
            probability=probability,
            close_date=close_date,
            source=clean_text(source, single_line=True) or None if source else None,
            contact_id=ref.contact.id if ref else None,
            owner=whose,
            tags=clean_tags,
        )
        return AddedDeal(
            store.get_view(conn, deal_id), ref.contact.name if ref and ref.created else None
        )


def _owner(name: str | None) -> str | None:
    """A deal's owner as given: a user name (`check_user_name`), or None."""
    return None if name is None else check_user_name(name, field="owner")


def _check_deal_values(value: Money | None, probability: int | None) -> None:
    """What every path must respect, whatever parsed the input: a known currency,
    no negative value, a probability 0–100."""
    if value is not None:
        check_money(value)
    if probability is not None:
        check_probability(probability)


def show_deal(db: Database, deal_id: int, settings: Settings | None = None) -> DealDetail:
    """A deal with its history, touchpoints, follow-ups and qualification."""
    thresholds = (settings or Settings()).bant
    with db.read() as conn:
        view = store.get_view(conn, deal_id)
        changes = store.history(conn, deal_id)
        stage_ids = {c.to_stage_id for c in changes} | {
            c.from_stage_id for c in changes if c.from_stage_id
        }
        names = {sid: pipeline_store.get_stage(conn, sid).name for sid in stage_ids}
        answers = qualification_store.answers(conn, deal_id)
        return DealDetail(
            view=view,
            history=changes,
            stage_names=names,
            touchpoints=touchpoint_store.for_deal(conn, deal_id),
            followups=followup_store.list_followups(conn, deal_id=deal_id, include_done=True),
            answers=answers,
            assessment=assess(answers, thresholds),
            answer_history=qualification_store.history(conn, deal_id),
        )


def move_deal(
    db: Database, deal_id: int, *, stage: str, seen_version: int | None = None
) -> DealView:
    """Move an open deal to another stage of its pipeline, recording the move.

    `seen_version` (every change below takes it): the deal's version as the
    caller's view showed it; when the deal changed since, nothing is written and
    `ChangedElsewhere` says so (DESIGN.md §5)."""
    with db.write() as conn:
        deal = store.lock_deal(conn, deal_id, seen_version=seen_version)
        target = resolve_stage(conn, deal.pipeline_id, stage)
        _move(conn, deal, target)
        return store.get_view(conn, deal_id)


def step_deal(
    db: Database, deal_id: int, *, steps: int, seen_version: int | None = None
) -> DealView:
    """Move an open deal to the next (+1) or previous (-1) stage."""
    with db.write() as conn:
        deal = store.lock_deal(conn, deal_id, seen_version=seen_version)
        ordered = pipeline_store.stages(conn, deal.pipeline_id)
        index = next(i for i, s in enumerate(ordered) if s.id == deal.stage_id) + steps
        if not 0 <= index < len(ordered):
            edge = "last" if steps > 0 else "first"
            raise ValidationError("stage", f"the deal is already in the {edge} stage")
        _move(conn, deal, ordered[index])
        return store.get_view(conn, deal_id)


def _move(conn: Any, deal: Deal, target: Stage) -> None:
    if deal.status is not DealStatus.OPEN:
        raise ValidationError("deal", f"deal {deal.id} is {deal.status}; reopen it to move it")
    if deal.stage_id == target.id:
        raise ValidationError("stage", f"deal {deal.id} is already in {target.name}")
    store.move_to_stage(conn, deal=deal, stage_id=target.id, now=clock.now())


def win_deal(db: Database, deal_id: int, *, seen_version: int | None = None) -> DealView:
    """Mark an open deal won; it keeps the stage where it closed."""
    with db.write() as conn:
        deal = store.lock_deal(conn, deal_id, seen_version=seen_version)
        if deal.status is not DealStatus.OPEN:
            raise ValidationError("deal", f"deal {deal_id} is already {deal.status}")
        store.set_status(conn, deal=deal, status=DealStatus.WON, now=clock.now())
        _sync_purchase(conn, deal_id)
        return store.get_view(conn, deal_id)


def _sync_purchase(conn: Any, deal_id: int) -> None:
    """A won deal is a purchase on its contact's journey; re-opened, it is not
    (`touchpoint_store.sync_purchases`), in the change's own transaction."""
    touchpoint_store.follow_latest(conn, touchpoint_store.sync_purchases(conn, [deal_id]))


def lose_deal(
    db: Database,
    deal_id: int,
    *,
    reason: str,
    revisit: date | None = None,
    seen_version: int | None = None,
) -> tuple[DealView, FollowUp | None]:
    """Mark an open deal lost with a reason; `revisit` adds a follow-up to try again."""
    clean_reason = clean_text(reason, single_line=True)
    if not clean_reason:
        raise ValidationError("reason", "say why the deal was lost")
    now = clock.now()
    with db.write() as conn:
        deal = store.lock_deal(conn, deal_id, seen_version=seen_version)
        if deal.status is not DealStatus.OPEN:
            raise ValidationError("deal", f"deal {deal_id} is already {deal.status}")
        store.set_status(conn, deal=deal, status=DealStatus.LOST, now=now, lost_reason=clean_reason)
        followup = None
        if revisit is not None:
            followup_id = followup_store.insert_followup(
                conn, title=f"Revisit: {deal.title}", due=revisit, now=now, deal_id=deal_id
            )
            followup = followup_store.get_followup(conn, followup_id)
        return store.get_view(conn, deal_id), followup


def reopen_deal(db: Database, deal_id: int, *, seen_version: int | None = None) -> DealView:
    """Reopen a closed deal in the stage where it closed."""
    with db.write() as conn:
        deal = store.lock_deal(conn, deal_id, seen_version=seen_version)
        if deal.status is DealStatus.OPEN:
            raise ValidationError("deal", f"deal {deal_id} is already open")
        store.set_status(conn, deal=deal, status=DealStatus.OPEN, now=clock.now())
        _sync_purchase(conn, deal_id)
        return store.get_view(conn, deal_id)


def edit_deal(
    db: Database,
    deal_id: int,
    *,
    title: str | None = None,
    value: Money | None = None,
    contact: str | None = None,
    source: str | None = _UNSET,
    close_date: date | None = _UNSET,
    probability: int | None = _UNSET,
    owner: str | None = _UNSET,
    notes: str | None = _UNSET,
    seen_version: int | None = None,
    create_contact: bool = True,
    tags: str | None = _UNSET,
) -> DealView:
    """Change a deal's own fields. Pass None to clear an optional field (an
    owner too: the deal becomes the team's; notes too); leave an argument out
    to keep it. An empty `contact` unlinks the contact; a name no contact has
    becomes a new contact only with `create_contact` (as in `add_deal`).
    `tags` (comma-separated) replace the deal's tags; None or "" clears them."""
    _check_deal_values(value, probability if isinstance(probability, int) else None)
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = check_title(title)
    if notes is not _UNSET:
        changes["notes"] = check_notes(notes)
    if value is not None:
        changes.update(value_minor=value.minor, currency=value.currency)
    if source is not _UNSET:
        changes["source"] = clean_text(source, single_line=True) or None if source else None
    if close_date is not _UNSET:
        changes["close_date"] = close_date
    if probability is not _UNSET:
        changes["probability"] = probability
    if owner is not _UNSET:
        changes["owner"] = _owner(owner)
    if tags is not _UNSET:
        changes["tags"] = tags_text(check_tags(tags or ""))
    with db.write() as conn:
        deal = store.lock_deal(conn, deal_id, seen_version=seen_version)
        if "title" in changes or "notes" in changes:  # the key is made of both
            changes["search_key"] = search_key(
                changes.get("title", deal.title), changes.get("notes", deal.notes)
            )
        if contact is not None:
            changes["contact_id"] = (
                resolve_contact(conn, contact, create=create_contact).contact.id
                if contact.strip()
                else None
            )
        if not changes:
            raise ValidationError("deal", "nothing to change (give at least one field)")
        store.update_fields(conn, deal_id=deal_id, now=clock.now(), **changes)
        if "contact_id" in changes:  # a won deal's purchase moves to its new contact
            _sync_purchase(conn, deal_id)
        return store.get_view(conn, deal_id)


def tag_deal(
    db: Database, deal_id: int, changes: list[str], *, seen_version: int | None = None
) -> DealView:
    """Add ("+vip") and remove ("-cold", any case) tags on a deal in one
    write; a bad change refuses them all (`change_tags`)."""
    with db.write() as conn:
        deal = store.lock_deal(conn, deal_id, seen_version=seen_version)
        tags = change_tags(deal.tags, changes)
        if tags != deal.tags:
            store.update_fields(conn, deal_id=deal_id, now=clock.now(), tags=tags_text(tags))
        return store.get_view(conn, deal_id)


def delete_deal(db: Database, deal_id: int, *, seen_version: int | None = None) -> DealView:
    """Delete a deal with its history, follow-ups and answers; return what it was."""
    with db.write() as conn:
        store.lock_deal(conn, deal_id, seen_version=seen_version)
        view = store.get_view(conn, deal_id)
        buyers = touchpoint_store.drop_won_purchases(conn, deal_id)  # (the win goes with it)
        store.delete_deal(conn, deal_id=deal_id)
        touchpoint_store.follow_latest(conn, buyers)
        return view


def search_deals(db: Database, text: str, *, limit: int = 20) -> list[DealView]:
    """Deals matching `text` in title, notes, contact or company (any script, any case)."""
    words = search_key(text).split()
    with db.read() as conn:
        return store.search_views(conn, words, limit=limit)
