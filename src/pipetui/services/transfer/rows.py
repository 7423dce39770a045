"""Checking every record of an import file and turning it into typed rows,
before anything touches the database.

Each cell is checked with the same parsers the CLI and the forms use, and a bad
cell is a problem naming its line and column; all problems are collected (the
first twenty are shown). Text is kept exactly, minus control characters.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from pipetui.domain.contact import check_email, check_name, optional_text
from pipetui.domain.dates import parse_datetime
from pipetui.domain.deal import check_title
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import kind_id
from pipetui.domain.money import Money
from pipetui.domain.pipeline import check_stage_name
from pipetui.services.touchpoints import parse_direction
from pipetui.services.transfer import cells as cell
from pipetui.services.transfer.details import parse_details
from pipetui.services.transfer.formats import ID_PREFIX, SPLIT_NAMES, norm_header
from pipetui.services.transfer.local import Local, localise
from pipetui.services.transfer.types import (
    Checked,
    ContactIn,
    DealIn,
    HistoryIn,
    PersonRef,
    Problems,
    Progress,
    Record,
    Source,
    TouchIn,
)

_OWN_IDS = ("pipetui", "pipetui-json", "vcard")  # formats whose ids are pipetui's
Notes = Counter[tuple[str, DealStatus]]
"""How many deals of each closed stage a CRM file's rows were read as won or lost."""


class _Cells:
    """One record's cells, read field by field; a bad cell becomes a problem
    (with the file's own column name) and reads as empty."""

    def __init__(self, record: Record, source: Source, problems: Problems, own: bool) -> None:
        self.record, self.source, self.problems, self.own = record, source, problems, own
        self.values = record.values
        self.failed = False

    def text(self, name: str) -> str:
        raw = self.values.get(name, "")
        return cell.unescape_formula(raw) if self.own and raw[:1] in "'=" and raw else raw

    def get(self, name: str, parse: Any, *args: Any) -> Any:
        """`parse(text, ...)`; None for an empty cell, or (with a problem) when
        `parse` refuses it."""
        text = self.values.get(name)
        if not text or text.isspace():
            return None
        if self.own and text[0] in "'=":
            text = cell.unescape_formula(text)
        try:
            return parse(text, *args)
        except ValidationError as error:
            self.fail(name, error.message)
            return None

    def has(self, name: str) -> bool:
        """Whether the file has a column for this field."""
        return name in self.values

    def fail(self, name: str, message: str) -> None:
        self.failed = True
        self.problems.add(self.record.where, self.source.column(name) or name, message)


def check_source(
    source: Source,
    default_currency: str,
    progress: Progress | None,
    *,
    local: Local | None = None,
    skip_invalid: bool = False,
) -> Checked:
    """Check every record; raise `ImportFailed` listing the problems, if any
    (with `skip_invalid`, a row with problems is left out and listed in
    `Checked.rejected` instead; problems with the file as a whole still stop it)."""
    problems = source.problems
    checked = Checked([], [], [])
    checked.notes.extend(localise(source, local or Local(), problems))
    if skip_invalid:
        problems.check(source.name)  # the file as a whole, and ragged rows
    cell.forget_times()  # (a time without offset is local: the zone may differ per import)
    total = len(source.records)
    closed: Notes = Counter()
    lonely = 0  # deals naming a company but no person
    for n, record in enumerate(source.records):
        kind = record.values.get("__kind", source.layout.kind)
        row_problems = Problems() if skip_invalid else problems
        cells = _Cells(record, source, row_problems, source.layout.format == "pipetui")
        if kind == "contacts":
            contact = _contact(cells, source.layout.format)
            if not cells.failed:
                checked.contacts.append(contact)
        elif kind == "deals":
            deal = _deal(cells, source.layout.format, default_currency, closed)
            if deal.person is None and cells.text("company").strip():
                lonely += 1
            if not cells.failed:
                checked.deals.append(deal)
        else:
            touch = _touch(cells)
            if touch is not None and not cells.failed:
                checked.touchpoints.append(touch)
        if skip_invalid and row_problems.total:
            checked.rejected.append((record, [p.text() for p in row_problems.kept]))
        if progress and n % 5000 == 4999:
            progress(n + 1, total)
    problems.check(source.name)
    if lonely:
        column = source.column("company")
        checked.notes.append(
            f"{column}: not kept on {lonely:,} deal"
            + ("" if lonely == 1 else "s")
            + " naming no contact (pipetui keeps a company on a contact)"
        )
    for (stage, status), count in closed.items():
        deals = f"{count:,} deal" + ("" if count == 1 else "s")
        checked.notes.append(f"stage {stage!r} is closed in the file: {deals} {status.value}")
    return checked


def _external(cells: _Cells, file_format: str) -> str | None:
    raw = optional_text(cells.text("external_id"))
    if raw is None or len(raw) > 200:
        if raw is not None:
            cells.fail("external_id", "is longer than 200 characters")
        return None
    return ID_PREFIX.get(file_format, "") + raw


_GIVEN: dict[tuple[str, ...], frozenset[str]] = {}


def _given(cells: _Cells) -> frozenset[str]:
    """The fields the file has a column (or JSON key) for (every row of a CSV
    file has the same, so each set is built once)."""
    names = tuple(cells.values)
    found = _GIVEN.get(names)
    if found is None:
        found = _GIVEN[names] = frozenset(name for name in names if not name.startswith("__"))
    return found


def _contact(cells: _Cells, file_format: str) -> ContactIn:
    split = file_format in SPLIT_NAMES
    if split:
        first, last = cells.text("contact_first").strip(), cells.text("contact_last").strip()
        name = " ".join(part for part in (first, last) if part) or cells.text("email")
    else:
        name = cells.text("name")
    values: dict[str, Any] = {}
    try:
        values["name"] = check_name(name, field="name")
    except ValidationError as error:
        cells.fail("contact_first" if split else "name", error.message)
    values["email"] = cells.get("email", check_email)
    for name in ("phone", "company", "role", "source"):
        values[name] = cells.get(name, cell.optional)
    values["tags"] = cells.get("tags", cell.tags)
    values["notes"] = cells.get("notes", cell.notes)
    if "details" in cells.values:  # (JSON and vCard: every email, phone, address...)
        values["details"] = cells.get("details", parse_details) or ()
    stage = cells.get("journey_stage", cell.lifecycle if file_format == "hubspot" else cell.journey)
    values["journey_stage"] = stage.value if stage else None
    values["journey_stage_manual"] = bool(cells.get("journey_stage_manual", cell.flag))
    if file_format == "hubspot" and stage is not None:
        values["journey_stage_manual"] = True  # HubSpot set it; no touchpoint says otherwise
    given = set(_given(cells)) | ({"name"} if split else set())
    return ContactIn(
        cells.record.where,
        cells.get("id", cell.parse_id) if file_format in _OWN_IDS else None,
        _external(cells, file_format),
        values,
        cells.get("created_at", cell.moment),
        cells.get("updated_at", cell.moment),
        frozenset(given - {"contact_first", "contact_last"}),
    )


def _person(cells: _Cells, file_format: str) -> PersonRef | None:
    """The contact a deal or touchpoint row names, if any (HubSpot's
    `Associated Contact`, "Name (email)", the first of several, when the row
    has no name or email columns of its own)."""
    if file_format in SPLIT_NAMES:
        parts = (cells.text("contact_first").strip(), cells.text("contact_last").strip())
        name_text = " ".join(part for part in parts if part)
    else:
        name_text = cells.text("contact_name")
    associated_email = None
    if not name_text.strip() and cells.text("associated_contact").strip():
        name_text, associated_email = _associated(cells.text("associated_contact"))
    name = optional_text(name_text)
    if name is not None and len(name) > 300:
        cells.fail("contact_name", "is longer than 300 characters")
    email = cells.get("contact_email", check_email)
    if email is None and associated_email:
        email = cells.get("associated_contact", lambda _text: check_email(associated_email))
    own_id = cells.get("contact_id", cell.parse_id)
    if name is None and email is None and own_id is None:
        return None
    return PersonRef(
        own_id,
        name,
        email,
        cells.get("contact_phone", cell.optional),
        cells.get("company", cell.optional),
    )


_ASSOCIATED = re.compile(r"^\s*(.*?)\s*\(([^()]*@[^()]*)\)\s*$")


def _associated(text: str) -> tuple[str, str | None]:
    """HubSpot's `Associated Contact`: "Name (email)", several joined by ";"
    (the first is the deal's contact)."""
    first = text.split(";")[0].strip()
    found = _ASSOCIATED.match(first)
    if found is None:
        return first, None
    return found[1], found[2].strip()


_CLOSED_NAMES = {"closedwon": DealStatus.WON, "closedlost": DealStatus.LOST}


def _closed(cells: _Cells, stage: str | None, chance: int | None) -> DealStatus | None:
    """Won or lost when a CRM's row says its stage is closed: HubSpot's and
    Salesforce's "Closed Won"/"Closed Lost", a stage at probability 100 or 0
    (HubSpot's `Deal Stage Probability`, 0 to 1), or the `Is Closed` and
    `Is Closed Won` columns (custom closed stages such as "Dead Deals")."""
    if stage is not None:
        named = _CLOSED_NAMES.get(norm_header(stage))
        if named is not None:
            return named
    is_closed = cells.get("is_closed", cell.flag)
    is_won = cells.get("is_closed_won", cell.flag)
    if is_won or (is_closed is not False and chance == 100):
        return DealStatus.WON
    if is_closed or (is_closed is None and chance == 0):
        return DealStatus.LOST
    return None


def _deal(cells: _Cells, file_format: str, default_currency: str, notes: Notes) -> DealIn:
    try:
        title = check_title(cells.text("title"), field="title")
    except ValidationError as error:
        cells.fail("title", error.message)
        title = ""
    status = cells.get("status", cell.status) or DealStatus.OPEN
    stage = cells.get("stage", check_stage_name)
    chance = cells.get("stage_probability", cell.stage_chance)
    probability = cells.get("probability", cell.probability)
    if file_format == "salesforce":
        chance = probability  # (Salesforce's is the stage's, unless someone changed it)
    if file_format in ("hubspot", "salesforce"):
        closed = _closed(cells, stage, chance)
        if closed is not None:
            if stage is not None:
                notes[stage, closed] += 1
            status, stage = closed, None
    currency = cells.get("currency", cell.currency)
    amount_text = cells.text("value").strip()
    empty = cells.has("currency") and not cells.text("currency").strip()
    if empty and amount_text and not cell.names_currency(amount_text):  # never assumed
        column = cells.source.column("value") or "value"
        cells.fail("currency", f"is empty, so the amount in {column!r} has no currency")
    value = cells.get("value", cell.amount, currency, default_currency)
    value = value or Money.zero(currency or default_currency)
    closed_at = cells.get("closed_at", cell.moment)
    if status is DealStatus.WON:
        closed_at = cells.get("won_time", cell.moment) or closed_at
    elif status is DealStatus.LOST:
        closed_at = cells.get("lost_time", cell.moment) or closed_at
    if file_format in SPLIT_NAMES and status is not DealStatus.OPEN and closed_at is None:
        closed_at = cells.get("close_date", cell.moment)  # when it closed
    history = _history(cells) if "history" in cells.record.values else ()
    return DealIn(
        where=cells.record.where,
        id=cells.get("id", cell.parse_id) if file_format in _OWN_IDS else None,
        external_id=_external(cells, file_format),
        title=title,
        pipeline=cells.get("pipeline", check_stage_name),
        stage=stage,
        status=status,
        value=value,
        probability=probability,
        close_date=cells.get("close_date", cell.day),
        source=cells.get("source", cell.optional),
        lost_reason=cells.get("lost_reason", cell.notes) if status is DealStatus.LOST else None,
        person=_person(cells, file_format),
        created_at=cells.get("created_at", cell.moment),
        updated_at=cells.get("updated_at", cell.moment),
        stage_entered_at=cells.get("stage_entered_at", cell.moment),
        closed_at=closed_at if status is not DealStatus.OPEN else None,
        history=history or (),
        given=_given(cells) | ({"status"} if file_format in SPLIT_NAMES else set()),
        rank=cells.get("rank", cell.rank) if "rank" in cells.record.values else None,
        owner=cells.get("owner", cell.user_name),
        stage_probability=chance if stage is not None else None,
        notes=cells.get("notes", cell.notes),
        tags=cells.get("tags", cell.tags),
    )


def _history(cells: _Cells) -> tuple[HistoryIn, ...]:
    """pipetui's `history` column: a JSON list of [at, from stage, to stage,
    from status, to status, imported, by], oldest first (stages by name in CSV,
    by their id in the file's pipelines in a JSON export; `by`, who made the
    change, may be null or left out, as files from before schema v4 do)."""
    text = cells.text("history").strip()
    if not text:
        return ()
    shape = "not a list of [at, from stage, to stage, from, to, imported, by]"
    try:
        rows = json.loads(text)
        if not isinstance(rows, list):
            raise ValidationError("history", shape)
        found = []
        for row in rows:
            if not isinstance(row, list) or len(row) not in (6, 7):
                raise ValidationError("history", shape)
            at, from_stage, to_stage, from_status, to_status, imported, *by = row
            found.append(
                HistoryIn(
                    parse_datetime(cell.text_of(at), field="history"),
                    None if from_stage is None else cell.stage_ref(from_stage),
                    cell.stage_ref(to_stage),
                    None if from_status is None else cell.status(cell.text_of(from_status)),
                    cell.status(cell.text_of(to_status)),
                    imported is True,
                    cell.history_by(by[0] if by else None),
                )
            )
    except ValidationError as error:
        cells.fail("history", error.message)
        return ()
    except (ValueError, RecursionError):
        cells.fail("history", shape)
        return ()
    if not found or [h.at for h in found] != sorted(h.at for h in found):
        cells.fail("history", "must list the changes oldest first, at least one")
        return ()
    return tuple(found)


def _touch(cells: _Cells) -> TouchIn | None:
    person = _person(cells, "pipetui")
    kind_text = cells.text("kind")
    if not kind_id(kind_text):
        cells.fail("kind", "must not be empty")
    if person is None:
        cells.fail(
            "contact_name", "every touchpoint needs its contact (contact_name or contact_email)"
        )
    at = cells.get("at", cell.moment)
    if at is None and not cells.failed:
        cells.fail("at", "must not be empty")
    score = cells.get("score", cell.score)
    direction = cells.get("direction", parse_direction)
    if person is None or at is None:
        return None
    return TouchIn(
        where=cells.record.where,
        id=cells.get("id", cell.parse_id),
        person=person,
        deal_id=cells.get("deal_id", cell.parse_id),
        deal_title=cells.get("deal_title", cell.optional),
        kind=kind_id(kind_text),
        journey_stage=cells.get("journey_stage", cell.journey),
        channel=cells.get("channel", cell.optional),
        direction=direction.value if direction else None,
        at=at,
        summary=cells.get("summary", cell.notes),
        score=score,
        by=cells.get("by", cell.user_name),
    )
