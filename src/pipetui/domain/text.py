"""Cleaning user text on the way in, so it can never act as terminal control.

Every script is kept exactly; only control characters go: C0 (but tab and
newline), DEL, C1, and the bidirectional overrides/isolates that can make text
display in an order other than the one stored.
"""

from __future__ import annotations

import re
import unicodedata

from pipetui.domain.errors import ValidationError

_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_CONTROLS}]")
_SINGLE_LINE_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_CONTROLS}]")
# Anything the rules below would change; most text has none, and is only stripped.
_NEEDS_WORK = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI_CONTROLS}]")


def clean_text(value: str, *, single_line: bool = False) -> str:
    """Strip control characters and surrounding whitespace.

    ``single_line`` also removes tab and newline (for names and titles) by turning
    them into spaces, so a pasted title never breaks a card's layout.
    """
    if not _NEEDS_WORK.search(value):
        return value.strip()
    # CR LF, CR and the Unicode line/paragraph separators are all line breaks.
    value = re.sub("\r\n|[\r\u2028\u2029]", "\n", value)
    if single_line:
        value = re.sub(r"[\t\n]+", " ", value)
        value = _SINGLE_LINE_CONTROL.sub("", value)
    else:
        value = _CONTROL.sub("", value)
    return value.strip()


def one_line(value: str, *, field: str, limit: int) -> str:
    """A name or title: cleaned to one line, not empty, at most `limit` characters."""
    cleaned = clean_text(value, single_line=True)
    if not cleaned:
        raise ValidationError(field, "must not be empty")
    if len(cleaned) > limit:
        raise ValidationError(field, f"is longer than {limit} characters")
    return cleaned


def search_key(*parts: str | None) -> str:
    """A case- and width-insensitive key for searching text in any script.

    NFKC then casefold: "ÉCOLE" finds "école", "Straße" finds "STRASSE", and
    Hebrew/Arabic (caseless) are kept as they are.
    """
    joined = (parts[0] or "") if len(parts) == 1 else " ".join(p for p in parts if p)
    if joined.isascii():  # (NFKC leaves ASCII as it is; casefold is lower there)
        return joined.lower()
    return unicodedata.normalize("NFKC", joined).casefold()


def is_utf8(text: str) -> bool:
    """Whether `text` can be written as UTF-8: false for the lone surrogates that
    stand for undecodable bytes (in a command-line word or a JSON escape)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
