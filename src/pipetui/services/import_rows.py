"""Checking every record of an import file and turning it into typed rows,
before anything touches the database.

Each cell is checked with the same parsers the CLI and the forms use, and a bad
cell is a problem naming its line and column; all problems are collected (the
first twenty are shown). Text is kept exactly, minus control characters.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pipetui.domain.contact import check_email, check_name, optional_text
from pipetui.domain.dates import parse_datetime
from pipetui.domain.deal import DealStatus, check_title
from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import JourneyStage, check_score, kind_id
from pipetui.domain.money import Money, check_currency, check_money, exponent
from pipetui.domain.pipeline import check_stage_name
from pipetui.services import inputs
from pipetui.services.import_formats import HUBSPOT_LIFECYCLE, ID_PREFIX, norm_header
from pipetui.services.import_source import Problems, Progress, Record, Source
from pipetui.services.touchpoints import parse_direction

_OWN_IDS = ("pipetui", "pipetui-json", "vcard")  # formats whose ids are pipetui's
_FORMULA_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")


def unescape_formula(cell: str) -> str:
    """Undo `export`'s formula neutralisation: one leading quote goes from a cell
    that, without it, would start with = + - @ tab or CR (or another quote)."""
    return cell[1:] if _FORMULA_ESCAPED.match(cell) else cell


@dataclass(frozen=True, slots=True)
class PersonRef:
    """Who a deal or touchpoint row names: an id from the file, a name, an email."""

    id: int | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    company: str | None = None


@dataclass(frozen=True, slots=True)
class ContactIn:
    """A contact row, checked. `given` names the fields the file has columns for
    (what `--on-duplicate update` overwrites)."""

    where: str
    id: int | None
    external_id: str | None
    values: dict[str, Any]
    created_at: datetime | None
    updated_at: datetime | None
    given: frozenset[str]


StageRef = str | int
"""A stage as a file names it: by name (CSV), or by its id in the file (JSON)."""


@dataclass(frozen=True, slots=True)
class HistoryIn:
    """One row of a deal's stage history as the file has it (stage names)."""

    at: datetime
    from_stage: StageRef | None
    to_stage: StageRef
    from_status: DealStatus | None
    to_status: DealStatus
    imported: bool


@dataclass(frozen=True, slots=True)
class DealIn:
    """A deal row, checked."""

    where: str
    id: int | None
    external_id: str | None
    title: str
    pipeline: str | None
    stage: str | None
    status: DealStatus
    value: Money
    probability: int | None
    close_date: date | None
    source: str | None
    lost_reason: str | None
    person: PersonRef | None
    created_at: datetime | None
    updated_at: datetime | None
    stage_entered_at: datetime | None
    closed_at: datetime | None
    history: tuple[HistoryIn, ...]
    given: frozenset[str]
    rank: int | None = None


@dataclass(frozen=True, slots=True)
class TouchIn:
    """A touchpoint row, checked (the kind is resolved against the database)."""

    where: str
    id: int | None
    person: PersonRef
    deal_id: int | None
    deal_title: str | None
    kind: str
    journey_stage: JourneyStage | None
    channel: str | None
    direction: str | None
    at: datetime
    summary: str | None
    score: int | None


@dataclass(slots=True)
class Checked:
    """Every row of a file, checked, by kind."""

    contacts: list[ContactIn]
    deals: list[DealIn]
    touchpoints: list[TouchIn]


class _Cells:
    """One record's cells, read field by field; a bad cell becomes a problem
    (with the file's own column name) and reads as empty."""

    def __init__(self, record: Record, source: Source, problems: Problems, own: bool) -> None:
        self.record, self.source, self.problems, self.own = record, source, problems, own
        self.values = record.values
        self.failed = False

    def text(self, name: str) -> str:
        raw = self.values.get(name, "")
        return unescape_formula(raw) if self.own and raw[:1] == "'" else raw

    def get(self, name: str, parse: Any, *args: Any) -> Any:
        """`parse(text, ...)`; None for an empty cell, or (with a problem) when
        `parse` refuses it."""
        text = self.values.get(name)
        if not text or text.isspace():
            return None
        if self.own and text[0] == "'":
            text = unescape_formula(text)
        try:
            return parse(text, *args)
        except ValidationError as error:
            self.fail(name, error.message)
            return None

    def fail(self, name: str, message: str) -> None:
        self.failed = True
        self.problems.add(self.record.where, self.source.column(name) or name, message)


def check_source(source: Source, default_currency: str, progress: Progress | None) -> Checked:
    """Check every record; raise `ImportFailed` listing the problems, if any."""
    problems = source.problems
    checked = Checked([], [], [])
    _MOMENTS.clear()  # (a time without offset is local: the zone may differ per import)
    total = len(source.records)
    for n, record in enumerate(source.records):
        kind = record.values.get("__kind", source.layout.kind)
        cells = _Cells(record, source, problems, source.layout.format == "pipetui")
        if kind == "contacts":
            contact = _contact(cells, source.layout.format)
            if not cells.failed:
                checked.contacts.append(contact)
        elif kind == "deals":
            deal = _deal(cells, source.layout.format, default_currency)
            if not cells.failed:
                checked.deals.append(deal)
        else:
            touch = _touch(cells)
            if touch is not None and not cells.failed:
                checked.touchpoints.append(touch)
        if progress and n % 5000 == 4999:
            progress(n + 1, total)
    problems.check(source.name)
    return checked


def _optional(text: str) -> str | None:
    return optional_text(text)


def _notes(text: str) -> str | None:
    return optional_text(text, single_line=False)


def _id(text: str, *, field: str = "id") -> int | None:
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**62:
        raise ValidationError(field, f"not an id: {text!r}")
    return int(text)


def _external(cells: _Cells, file_format: str) -> str | None:
    raw = optional_text(cells.text("external_id"))
    if raw is None or len(raw) > 200:
        if raw is not None:
            cells.fail("external_id", "is longer than 200 characters")
        return None
    return ID_PREFIX.get(file_format, "") + raw


_MOMENTS: dict[str, datetime] = {}


def _moment(text: str, field: str = "time") -> datetime | None:
    """A date-time; exports repeat them a lot, so each text is parsed once."""
    found = _MOMENTS.get(text)
    if found is None:
        if not text.strip():
            return None
        if len(_MOMENTS) > 100_000:
            _MOMENTS.clear()
        found = _MOMENTS[text] = parse_datetime(text, field=field)
    return found


def _day(text: str, field: str = "date") -> date | None:
    """A date, also written as a date-time (HubSpot writes close dates so): the
    date as written, whatever the time zone."""
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).date() if len(text) > 10 else date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, f"not a date: {text!r} (use YYYY-MM-DD)") from None


def _flag(text: str, field: str = "flag") -> bool:
    word = text.strip().casefold()
    if word in ("", "false", "no", "0"):
        return False
    if word in ("true", "yes", "1"):
        return True
    raise ValidationError(field, f"use true or false, not {text!r}")


def _lifecycle(text: str) -> JourneyStage | None:
    """HubSpot's lifecycle stage as a journey stage ("Customer" → purchase)."""
    return _journey(text, hubspot=True)


def _journey(
    text: str, field: str = "journey_stage", *, hubspot: bool = False
) -> JourneyStage | None:
    word = text.strip().casefold()
    if hubspot:
        word = HUBSPOT_LIFECYCLE.get(norm_header(word), word)
    if not word:
        return None
    try:
        return JourneyStage(word)
    except ValueError:
        known = ", ".join(stage.value for stage in JourneyStage)
        raise ValidationError(field, f"unknown journey stage {text!r} (known: {known})") from None


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
    if file_format == "hubspot":
        first, last = cells.text("contact_first").strip(), cells.text("contact_last").strip()
        name = " ".join(part for part in (first, last) if part) or cells.text("email")
    else:
        name = cells.text("name")
    values: dict[str, Any] = {}
    try:
        values["name"] = check_name(name, field="name")
    except ValidationError as error:
        cells.fail("name" if file_format != "hubspot" else "contact_first", error.message)
    values["email"] = cells.get("email", check_email)
    for name in ("phone", "company", "role", "source", "tags"):
        values[name] = cells.get(name, _optional)
    values["notes"] = cells.get("notes", _notes)
    stage = cells.get("journey_stage", _lifecycle if file_format == "hubspot" else _journey)
    values["journey_stage"] = stage.value if stage else None
    values["journey_stage_manual"] = bool(cells.get("journey_stage_manual", _flag))
    if file_format == "hubspot" and stage is not None:
        values["journey_stage_manual"] = True  # HubSpot set it; no touchpoint says otherwise
    given = set(_given(cells)) | ({"name"} if file_format == "hubspot" else set())
    return ContactIn(
        cells.record.where,
        cells.get("id", _id) if file_format in _OWN_IDS else None,
        _external(cells, file_format),
        values,
        cells.get("created_at", _moment),
        cells.get("updated_at", _moment),
        frozenset(given - {"contact_first", "contact_last"}),
    )


def _person(cells: _Cells, file_format: str) -> PersonRef | None:
    """The contact a deal or touchpoint row names, if any."""
    if file_format == "hubspot":
        parts = (cells.text("contact_first").strip(), cells.text("contact_last").strip())
        name_text = " ".join(part for part in parts if part)
    else:
        name_text = cells.text("contact_name")
    name = optional_text(name_text)
    if name is not None and len(name) > 300:
        cells.fail("contact_name", "is longer than 300 characters")
    email = cells.get("contact_email", check_email)
    own_id = cells.get("contact_id", _id)
    if name is None and email is None and own_id is None:
        return None
    return PersonRef(
        own_id, name, email, cells.get("contact_phone", _optional), cells.get("company", _optional)
    )


_HUBSPOT_CLOSED = {"closedwon": DealStatus.WON, "closedlost": DealStatus.LOST}


_CURRENCIES: dict[str, str] = {}
_MAX_MINOR = 10**15  # money's own limit: larger amounts go through its check (and fail)
_PLAIN_AMOUNT = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")


def _currency(text: str) -> str:
    """An ISO currency code (checked once per code seen)."""
    code = _CURRENCIES.get(text)
    if code is None:
        code = _CURRENCIES[text] = check_currency(text.strip())
    return code


def _amount(text: str, currency: str | None, default_currency: str) -> Money:
    """An amount in the row's currency (else the one it names, else the default):
    "1200.50" and "1,200.50" read directly (most cells of a big file), anything
    else through `inputs.money`."""
    plain = _PLAIN_AMOUNT.match(text.strip())
    base = currency or default_currency
    places = exponent(base)
    if plain is None or len(plain[2] or "") > places:
        return inputs.money(text, currency, default_currency)
    whole, fraction = plain[1].replace(",", ""), (plain[2] or "").ljust(places, "0")
    minor = int(whole) * 10**places + int(fraction or "0")
    return Money(minor, base) if minor < _MAX_MINOR else check_money(Money(minor, base))


def _status(text: str, *, field: str = "status") -> DealStatus:
    word = text.strip().casefold()
    if not word:
        return DealStatus.OPEN
    try:
        return DealStatus(word)
    except ValueError:
        raise ValidationError(field, f"use open, won or lost, not {text!r}") from None


def _probability(text: str, *, field: str = "probability") -> int | None:
    return inputs.probability(text.strip().removesuffix("%").strip(), field=field)


def _deal(cells: _Cells, file_format: str, default_currency: str) -> DealIn:
    try:
        title = check_title(cells.text("title"), field="title")
    except ValidationError as error:
        cells.fail("title", error.message)
        title = ""
    status = cells.get("status", _status) or DealStatus.OPEN
    stage = cells.get("stage", check_stage_name)
    if file_format == "hubspot" and stage is not None:
        closed = _HUBSPOT_CLOSED.get(norm_header(stage))
        if closed is not None:
            status, stage = closed, None
    currency = cells.get("currency", _currency)
    value = cells.get("value", _amount, currency, default_currency)
    value = value or Money.zero(currency or default_currency)
    closed_at = cells.get("closed_at", _moment)
    if status is DealStatus.WON:
        closed_at = cells.get("won_time", _moment) or closed_at
    elif status is DealStatus.LOST:
        closed_at = cells.get("lost_time", _moment) or closed_at
    if file_format == "hubspot" and status is not DealStatus.OPEN and closed_at is None:
        closed_at = cells.get("close_date", _moment)  # when it closed
    history = _history(cells) if "history" in cells.record.values else ()
    return DealIn(
        where=cells.record.where,
        id=cells.get("id", _id) if file_format in _OWN_IDS else None,
        external_id=_external(cells, file_format),
        title=title,
        pipeline=cells.get("pipeline", check_stage_name),
        stage=stage,
        status=status,
        value=value,
        probability=cells.get("probability", _probability),
        close_date=cells.get("close_date", _day),
        source=cells.get("source", _optional),
        lost_reason=cells.get("lost_reason", _notes) if status is DealStatus.LOST else None,
        person=_person(cells, file_format),
        created_at=cells.get("created_at", _moment),
        updated_at=cells.get("updated_at", _moment),
        stage_entered_at=cells.get("stage_entered_at", _moment),
        closed_at=closed_at if status is not DealStatus.OPEN else None,
        history=history or (),
        given=_given(cells) | ({"status"} if file_format == "hubspot" else set()),
        rank=cells.get("rank", _rank) if "rank" in cells.record.values else None,
    )


def _rank(text: str) -> int:
    try:
        rank = int(text)
    except ValueError:
        raise ValidationError("rank", f"not a whole number: {text!r}") from None
    if not -(2**62) < rank < 2**62:
        raise ValidationError("rank", f"out of range: {text!r}")
    return rank


def _stage_ref(value: object) -> StageRef:
    """A stage in a history row: its name (one clean line) or its id in the file."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**62:
        return value
    if not isinstance(value, str):
        raise ValidationError("history", f"not a stage: {value!r}")
    return check_stage_name(value, field="history")


def _text_of(value: object) -> str:
    if not isinstance(value, str):
        raise ValidationError("history", f"not text: {value!r}")
    return value


def _history(cells: _Cells) -> tuple[HistoryIn, ...]:
    """pipetui's `history` column: a JSON list of [at, from stage, to stage,
    from status, to status, imported], oldest first (stages by name in CSV, by
    their id in the file's pipelines in a JSON export)."""
    text = cells.text("history").strip()
    if not text:
        return ()
    shape = "not a list of [at, from stage, to stage, from, to, imported]"
    try:
        rows = json.loads(text)
        if not isinstance(rows, list):
            raise ValidationError("history", shape)
        found = []
        for row in rows:
            if not isinstance(row, list) or len(row) != 6:
                raise ValidationError("history", shape)
            at, from_stage, to_stage, from_status, to_status, imported = row
            found.append(
                HistoryIn(
                    parse_datetime(_text_of(at), field="history"),
                    None if from_stage is None else _stage_ref(from_stage),
                    _stage_ref(to_stage),
                    None if from_status is None else _status(_text_of(from_status)),
                    _status(_text_of(to_status)),
                    imported is True,
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


def _score(text: str) -> int | None:
    return check_score(inputs.whole_number(text, field="score"))


def _touch(cells: _Cells) -> TouchIn | None:
    person = _person(cells, "pipetui")
    kind_text = cells.text("kind")
    if not kind_id(kind_text):
        cells.fail("kind", "must not be empty")
    if person is None:
        cells.fail(
            "contact_name", "every touchpoint needs its contact (contact_name or contact_email)"
        )
    at = cells.get("at", _moment)
    if at is None and not cells.failed:
        cells.fail("at", "must not be empty")
    score = cells.get("score", _score)
    direction = cells.get("direction", parse_direction)
    if person is None or at is None:
        return None
    return TouchIn(
        where=cells.record.where,
        id=cells.get("id", _id),
        person=person,
        deal_id=cells.get("deal_id", _id),
        deal_title=cells.get("deal_title", _optional),
        kind=kind_id(kind_text),
        journey_stage=cells.get("journey_stage", _journey),
        channel=cells.get("channel", _optional),
        direction=direction.value if direction else None,
        at=at,
        summary=cells.get("summary", _notes),
        score=score,
    )
