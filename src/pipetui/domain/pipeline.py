"""Pipelines and their ordered stages."""

from __future__ import annotations

from typing import NamedTuple, TypeVar

from pipetui.domain.errors import ValidationError
from pipetui.domain.text import one_line

DEFAULT_PIPELINE = "Sales"
# (name, default win probability %) in position order, as DESIGN.md §1 lists them.
DEFAULT_STAGES: tuple[tuple[str, int], ...] = (
    ("Prospecting", 5),
    ("Qualification", 15),
    ("Initial contact", 25),
    ("Needs assessment", 40),
    ("Proposal", 60),
    ("Negotiation", 80),
)


class Pipeline(NamedTuple):
    """An ordered list of open stages that deals move through."""

    id: int
    name: str


class Stage(NamedTuple):
    """One open step of a pipeline; `position` starts at 1.

    `rotting_days` is how long a deal may sit here without activity before the
    board marks it as rotting; None means never.
    """

    id: int
    pipeline_id: int
    name: str
    position: int
    probability: int
    rotting_days: int | None = None


def check_stage_name(name: str, field: str = "name") -> str:
    """A stage's or pipeline's name: one clean line of at most 200 characters."""
    return one_line(name, field=field, limit=200)


def check_probability(value: int, *, field: str = "probability") -> int:
    """A win probability is a whole percentage from 0 to 100."""
    if not 0 <= value <= 100:
        raise ValidationError(field, f"must be between 0 and 100, got {value}")
    return value


def check_rotting_days(value: int | None, *, field: str = "rotting_days") -> int | None:
    """A rotting limit is a positive number of days, or None for never."""
    if value is not None and value < 1:
        raise ValidationError(field, f"must be at least 1 day, got {value}")
    return value


Named = TypeVar("Named", "Stage", "Pipeline")


def pick_pipeline(known: list[Pipeline], name: str | None) -> Pipeline:
    """The pipeline named `name` (any case), or the first one when None."""
    if name is None:
        if not known:
            raise ValidationError("pipeline", "the database has no pipeline")
        return known[0]
    return find_by_name(known, name, field="pipeline")


def pick_stage(known: list[Stage], name: str | None) -> Stage:
    """The stage named `name` (any case) among a pipeline's, or its first one."""
    if not known:
        raise ValidationError("stage", "the pipeline has no stages")
    return known[0] if name is None else find_by_name(known, name, field="stage")


def find_by_name(items: list[Named], name: str, *, field: str) -> Named:
    """The item whose name matches `name` case-insensitively, else a clear error."""
    wanted = name.strip().casefold()
    for item in items:
        if item.name.casefold() == wanted:
            return item
    known = ", ".join(item.name for item in items) or "none"
    raise ValidationError(field, f"unknown {field} {name!r} (known: {known})")
