"""Contacts: the people deals and touchpoints belong to."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import JourneyStage
from pipetui.domain.text import clean_text, one_line

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


CONTACT_SORTS = ("name", "last touch", "value")
"""How the contacts list can be ordered (the first is the default)."""


@dataclass(frozen=True, slots=True)
class Contact:
    """A person, with every text field in any script, kept exactly."""

    id: int
    name: str
    created_at: datetime
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    role: str | None = None
    source: str | None = None
    notes: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    journey_stage: JourneyStage | None = None
    journey_stage_manual: bool = False
    external_id: str | None = None
    version: int = 1


def check_name(name: str, *, field: str = "name") -> str:
    """A contact needs a name on one line."""
    return one_line(name, field=field, limit=300)


def check_email(email: str | None, *, field: str = "email") -> str | None:
    """An email, when given, looks like one (one @, a dot in the domain)."""
    if email is None:
        return None
    cleaned = clean_text(email, single_line=True)
    if not cleaned:
        return None
    if not _EMAIL.match(cleaned):
        raise ValidationError(field, f"not an email address: {cleaned!r}")
    return cleaned


def optional_text(value: str | None, *, single_line: bool = True) -> str | None:
    """Cleaned text, or None when nothing is left."""
    if value is None:
        return None
    cleaned = clean_text(value, single_line=single_line)
    return cleaned or None
