"""Argument types and helpers shared by the subcommands."""

from __future__ import annotations

import argparse

from pipetui.domain.errors import ValidationError


def deal_id(text: str) -> int:
    """A deal id: a positive whole number, "#12" accepted."""
    return _id(text, "deal")


def followup_id(text: str) -> int:
    """A follow-up id."""
    return _id(text, "followup")


def _id(text: str, field: str) -> int:
    cleaned = text.strip().removeprefix("#")
    if not (cleaned.isascii() and cleaned.isdigit()) or int(cleaned) < 1:
        raise ValidationError(field, f"not an id: {text!r}")
    return int(cleaned)


def row_limit(value: int | None) -> int | None:
    """A --limit: at most this many rows. Negative is refused (SQLite would read
    LIMIT -1 as "no limit", so `--limit -1` printed everything)."""
    if value is not None and value < 0:
        raise ValidationError("limit", f"must be 0 or more, got {value}")
    return value


def by_whom(name: str | None) -> str:
    """ " · by dana" after a history or timeline line; nothing when who made
    it is not known."""
    return f" · by {name}" if name else ""


def add_json(parser: argparse.ArgumentParser) -> None:
    """The `--json` switch every list/show/add command has."""
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def _version(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a version (a whole number from 1): {text!r}")
    return int(text)


def add_if_version(parser: argparse.ArgumentParser, what: str) -> None:
    """`--if-version N`: change the row only if it is still at version N (as a
    script read it from `--json`); else exit 2 and write nothing."""
    parser.add_argument(
        "--if-version",
        type=_version,
        metavar="N",
        help=f"only if the {what} is still at this version (its JSON 'version')",
    )
