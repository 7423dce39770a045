"""Dates and amounts as spreadsheets in many countries write them, turned into
the ISO dates and point-decimal amounts the cell parsers read, for a whole
column at once and only when the whole file agrees.

- Dates: `--date-format` (DD.MM.YYYY, MM/DD/YYYY, DD/MM/YYYY, ...), else
  detected: dots are day first; slashes or dashes are day first or month first
  when every date of the file allows only one of them, and refused as ambiguous
  when every date could be either (03/04/2026). A column of numbers only is
  Excel serial days (45000 is 2023-03-15; a fraction is the time of day).
- Amounts: `--decimal-comma` ("1.200,50 €", "1 200,50"), else detected when
  some amount has a decimal comma and none a decimal point.

Each rewrite is counted and noted with an example, for the summary and the dry
run ("Deal - Close date: 12.03.2026 → 2026-03-12 (DD.MM.YYYY, detected)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pipetui.domain.errors import ValidationError
from pipetui.services.transfer.types import Problems, Source

DATE_FIELDS = (
    "close_date", "created_at", "updated_at", "stage_entered_at", "closed_at", "won_time",
    "lost_time", "at",
)  # fmt: skip
_FORMAT = re.compile(r"^(DD|MM|YYYY)([./-])(DD|MM|YYYY)\2(DD|MM|YYYY)$")
_LOCAL_DATE = re.compile(r"^\s*(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})(?:([ T])(.*))?\s*$")
_SERIAL = re.compile(r"^\s*(\d{4,5})(?:\.(\d+))?\s*$")
_EXCEL_EPOCH = date(1899, 12, 30)
_ISO = re.compile(r"^\s*\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class Local:
    """What the user said about the file's local formats (None: detect)."""

    date_format: str | None = None
    decimal_comma: bool | None = None


def check_date_format(text: str) -> str:
    """A `--date-format` such as DD.MM.YYYY: DD, MM and YYYY once each."""
    found = _FORMAT.match(text.strip().upper())
    if found is None or {found[1], found[3], found[4]} != {"DD", "MM", "YYYY"}:
        raise ValidationError(
            "date-format", f"use e.g. DD.MM.YYYY, MM/DD/YYYY or DD/MM/YYYY, not {text!r}"
        )
    return found[0]


def localise(source: Source, local: Local, problems: Problems) -> list[str]:
    """Rewrite the source's local dates and amounts in place; the notes saying
    what changed form. An ambiguous column is a problem on line 1."""
    if source.layout.format == "pipetui-json" or not source.records:
        return []
    notes: list[str] = []
    for name in DATE_FIELDS:
        if name in source.labels:
            _dates(source, name, local.date_format, problems, notes)
    if "value" in source.labels:
        _amounts(source, local.decimal_comma, problems, notes)
    return notes


def _texts(source: Source, name: str) -> list[str]:
    return [t for r in source.records if (t := r.values.get(name, "")).strip()]


def _dates(
    source: Source, name: str, given: str | None, problems: Problems, notes: list[str]
) -> None:
    column = source.column(name) or name
    texts = _texts(source, name)
    if not texts:
        return
    how = "given"
    if given is None:
        if all(_ISO.match(t) for t in texts):
            return
        if all(_SERIAL.match(t) for t in texts):
            _rewrite(source, name, _serial, column, "Excel serial days", notes)
            return
        parts = [m for t in texts if (m := _LOCAL_DATE.match(t))]
        if len(parts) != len(texts) or any(len(m[1]) > 2 or len(m[4]) != 4 for m in parts):
            return  # not all local dates: each bad cell is refused as it is
        separator = parts[0][2]
        day_first = all(int(m[1]) <= 31 and int(m[3]) <= 12 for m in parts)
        month_first = all(int(m[1]) <= 12 and int(m[3]) <= 31 for m in parts)
        if separator == ".":
            month_first = False  # no one writes month first with dots
        if day_first and month_first:
            example = parts[0][0].strip()
            message = (
                f"dates like {example!r} could be day first or month first; give "
                f"--date-format DD{separator}MM{separator}YYYY or "
                f"--date-format MM{separator}DD{separator}YYYY"
            )
            problems.add("line 1", column, message)
            return
        if not (day_first or month_first):
            return
        order = ("DD", "MM") if day_first else ("MM", "DD")
        given = f"{order[0]}{separator}{order[1]}{separator}YYYY"
        how = "detected"
    fmt = check_date_format(given)

    def convert(text: str) -> str | None:
        return _from_format(text, fmt)

    _rewrite(source, name, convert, column, f"{fmt}, {how}", notes)


def _from_format(text: str, fmt: str) -> str | None:
    found = _LOCAL_DATE.match(text)
    if found is None or found[2] != fmt[2]:
        return None
    fields = fmt.split(fmt[2])
    values = dict(zip(fields, (found[1], found[3], found[4]), strict=True))
    if len(values["YYYY"]) != 4:
        return None
    try:
        day = date(int(values["YYYY"]), int(values["MM"]), int(values["DD"]))
    except ValueError:
        return None
    rest = f"T{found[6].strip()}" if found[6] else ""
    return day.isoformat() + rest


def _serial(text: str) -> str | None:
    found = _SERIAL.match(text)
    if found is None:
        return None
    days = int(found[1])
    if not 1 <= days <= 2_958_465:
        return None
    if not found[2] or not found[2].strip("0"):
        return (_EXCEL_EPOCH + timedelta(days=days)).isoformat()
    seconds = round(float(f"0.{found[2]}") * 86_400)
    moment = datetime.combine(_EXCEL_EPOCH, datetime.min.time()) + timedelta(days, seconds)
    return moment.isoformat()


def _rewrite(
    source: Source,
    name: str,
    convert: object,
    column: str,
    how: str,
    notes: list[str],
) -> None:
    assert callable(convert)
    first: tuple[str, str] | None = None
    count = 0
    for record in source.records:
        text = record.values.get(name, "")
        if not text.strip():
            continue
        new = convert(text)
        if isinstance(new, str) and new != text:
            record.values[name] = new
            count += 1
            first = first or (text.strip(), new)
    if first is not None:
        values = f"{count:,} value" + ("" if count == 1 else "s")
        notes.append(f"{column}: {values} read as {how}, e.g. {first[0]} → {first[1]}")


_EDGES = re.compile(r"^[^\d]*|[^\d]*$")
_COMMA_FORM = re.compile(
    r"^(?:\d{1,3}(?:[. \u00a0\u202f]\d{3})*,\d{1,2}|\d+,\d{1,2}|\d{1,3}(?:\.\d{3}){2,})$"
)
_POINT_FORM = re.compile(r"^(?:\d{1,3}(?:,\d{3})*\.\d{1,2}|\d+\.\d{1,2}|\d{1,3}(?:,\d{3}){2,})$")
_ANY_COMMA_FORM = re.compile(r"^\d{1,3}(?:[. \u00a0\u202f]\d{3})*(?:,\d+)?$|^\d+(?:,\d+)?$")
_GROUP = re.compile(r"(?<=\d)[. \u00a0\u202f](?=\d{3}(?!\d))")


def _body(text: str) -> str:
    """An amount without its currency symbol or code."""
    return _EDGES.sub("", text)


def _amounts(source: Source, given: bool | None, problems: Problems, notes: list[str]) -> None:
    column = source.column("value") or "value"
    texts = _texts(source, "value")
    how = "given"
    if given is None:
        comma = [t for t in texts if _COMMA_FORM.match(_body(t))]
        point = [t for t in texts if _POINT_FORM.match(_body(t))]
        if not comma:
            return
        if point:
            message = (
                f"amounts are written both with a decimal comma ({comma[0].strip()!r}) and a "
                f"decimal point ({point[0].strip()!r}); correct the file, or give "
                "--decimal-comma if every amount uses a decimal comma"
            )
            problems.add("line 1", column, message)
            return
        how = "detected"
    elif not given:
        return

    def convert(text: str) -> str:
        body = _body(text)
        if not _ANY_COMMA_FORM.match(body):
            return text  # (refused as it is, by the amount parser)
        start = text.index(body)
        plain = _GROUP.sub("", body).replace(",", ".")
        return text[:start] + plain + text[start + len(body) :]

    _rewrite(source, "value", convert, column, f"decimal comma, {how}", notes)
