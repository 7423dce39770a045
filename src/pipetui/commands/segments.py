"""Segment options shared by `deal list`, `contact list` and every report
(`--tag`, `--source`, ...), and the "+vip -cold" words of `deal tag` and
`contact tag`."""

from __future__ import annotations

import argparse

from pipetui.domain.errors import ValidationError
from pipetui.domain.segments import (
    ContactSegment,
    DealSegment,
    check_filter_text,
    check_silent_days,
    check_stage,
)

_FLAGS = ("--json",)
_VALUED = ("--if-version",)


def add_segment_options(parser: argparse.ArgumentParser, *, source_help: str) -> None:
    """`--tag NAME` (repeatable: every tag must be there) and `--source NAME`."""
    parser.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="NAME",
        help="only those with this tag, any case (repeat: all of them)",
    )
    parser.add_argument("--source", metavar="NAME", help=source_help)


def _tags(args: argparse.Namespace) -> tuple[str, ...]:
    found = (check_filter_text(tag, field="tag") for tag in args.tag)
    return tuple(tag for tag in found if tag)


def deal_segment(args: argparse.Namespace, *, contact_tags: bool = False) -> DealSegment:
    """The deals `--tag`/`--source` ask for (`contact_tags`: a contact's tag
    counts for their deals, as in the reports)."""
    return DealSegment(
        tags=_tags(args),
        source=check_filter_text(args.source, field="source"),
        contact_tags=contact_tags,
    )


def add_contact_filters(parser: argparse.ArgumentParser) -> None:
    """`contact list`'s segment options."""
    add_segment_options(parser, source_help="only contacts from this lead source (any case)")
    parser.add_argument("--stage", metavar="STAGE", help="only contacts in this journey stage")
    parser.add_argument(
        "--silent-days",
        metavar="N",
        help="only contacts with no touchpoint in the last N days (or never)",
    )


def contact_segment(args: argparse.Namespace) -> ContactSegment:
    """The contacts `contact list`'s options ask for."""
    return ContactSegment(
        tags=_tags(args),
        stage=check_stage(args.stage) if args.stage else None,
        source=check_filter_text(args.source, field="source"),
        silent_days=check_silent_days(args.silent_days) if args.silent_days is not None else None,
    )


def tag_changes(args: argparse.Namespace) -> list[str]:
    """The "+vip -cold" words after `tag ID`. They are read as they come (so
    "-cold" is not taken for an option); `--json` and `--if-version N` among
    them are still the options they are."""
    changes: list[str] = []
    words = iter(args.changes)
    for word in words:
        name, equals, value = word.partition("=")
        if word in _FLAGS:
            args.json = True
        elif name in _VALUED:
            value = value if equals else next(words, "")
            if not (value.isascii() and value.isdigit()) or int(value) < 1:
                raise ValidationError(
                    "if-version", f"not a version (a whole number from 1): {value!r}"
                )
            args.if_version = int(value)
        else:
            changes.append(word)
    return changes
