"""A contact's details as import files carry them: a JSON list of
{kind, label, value, pref} (pipetui's JSON export, and what the vCard reader
hands on), checked like any cell."""

from __future__ import annotations

import json
from typing import Any

from pipetui.domain.contact import DETAIL_KINDS, ContactDetail, check_email
from pipetui.domain.errors import ValidationError
from pipetui.domain.text import clean_text


def parse_details(text: str) -> tuple[ContactDetail, ...]:
    """The details a cell holds, checked: a known kind, one line of text as the
    value (an email that is one), an optional label, pref true or false."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise ValidationError("details", "not a JSON list of contact details") from None
    if not isinstance(data, list):
        raise ValidationError("details", "must be a list")
    return tuple(_detail(item, n) for n, item in enumerate(data, start=1))


def _detail(item: Any, n: int) -> ContactDetail:
    where = f"details[{n}]"
    if not isinstance(item, dict):
        raise ValidationError(where, "must be an object")
    kind, value, label, pref = (item.get(k) for k in ("kind", "value", "label", "pref"))
    if kind not in DETAIL_KINDS:
        raise ValidationError(where, f"kind must be one of {', '.join(DETAIL_KINDS)}")
    if not isinstance(value, str) or not clean_text(value, single_line=True).strip():
        raise ValidationError(where, "needs a value (text)")
    value = clean_text(value, single_line=True).strip()
    if kind == "email":
        value = check_email(value, field=where) or value
    if label is not None and (not isinstance(label, str) or len(label) > 100):
        raise ValidationError(where, "label must be text of at most 100 characters")
    if not isinstance(pref, bool | None):
        raise ValidationError(where, "pref must be true or false")
    label = clean_text(label, single_line=True).strip() or None if label else None
    return ContactDetail(kind, value, label, bool(pref))
