"""Segments: tags on contacts and deals, and the filters that pick a cohort
out of them (by tag, journey stage, source, owner, silence).

Tags are stored comma-separated (`check_tags` cleans them: one line, a
repeat in any case kept once, at most `TAG_LIMIT` characters). A filter
matches a tag in any case; `tag:vip stage:intent` tokens typed into a `/`
filter become the same filter the CLI's `--tag --stage` options build.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, NamedTuple

from pipetui.domain.dates import local_time
from pipetui.domain.errors import ValidationError
from pipetui.domain.text import clean_text, search_key

if TYPE_CHECKING:
    from pipetui.domain.journey import JourneyStage

# `pipetui.domain.contact` and `.journey` (tags, journey stages) are imported
# where they are used: the board's first frame reads the deals' filter from
# here and needs neither (their dataclasses and enums cost 3.7 ms to import).


def tags_text(tags: Iterable[str]) -> str | None:
    """Tags as stored: "vip,מתעניין" (None when there are none)."""
    return ",".join(tags) or None


def stored_tags(text: str | None) -> tuple[str, ...]:
    """Tags as read back from their column."""
    return tuple(t for t in (text or "").split(",") if t)


def change_tags(
    current: Sequence[str], changes: Sequence[str], *, field: str = "tags"
) -> tuple[str, ...]:
    """`current` after "+vip -cold" changes, in order: "+tag" adds one (kept
    once, in the case first written), "-tag" removes it in any case. Adding a
    tag that is there or removing one that is not changes nothing; a word
    without its sign, or a sign without a tag, is refused (nothing written)."""
    from pipetui.domain.contact import check_tags

    if not changes:
        raise ValidationError(field, 'say what to change: "+vip" adds, "-cold" removes')
    tags = list(current)
    for change in changes:
        sign, name = change[:1], change[1:]
        if sign not in ("+", "-"):
            raise ValidationError(field, f'{change!r}: start with "+" to add or "-" to remove')
        if "," in name:
            raise ValidationError(field, f"{change!r}: one tag per word (a tag holds no comma)")
        cleaned = check_tags(name, field=field)
        if not cleaned:
            raise ValidationError(field, f"{change!r}: name the tag after {sign!r}")
        key = cleaned[0].casefold()
        if sign == "+":
            tags.append(cleaned[0])
        else:
            tags = [t for t in tags if t.casefold() != key]
    return check_tags(tags, field=field)


def has_tag(tags: Iterable[str], tag: str) -> bool:
    """Whether `tag` is among `tags`, in any case (the SQL filters' rule)."""
    key = tag.casefold()
    return any(t.casefold() == key for t in tags)


def check_filter_text(value: str | None, *, field: str) -> str | None:
    """A filter's value (a tag, source or owner) on one line; None if empty."""
    if value is None:
        return None
    cleaned = clean_text(value, single_line=True)
    if "," in cleaned and field == "tag":
        raise ValidationError(field, "one tag per --tag (a tag holds no comma)")
    return cleaned or None


class DealSegment(NamedTuple):
    """Which deals a list, the board or a report keeps: those with every tag
    in `tags` (on the deal, or with `contact_tags` on its contact too), from
    `source`, owned by `owner` (all in any case)."""

    tags: tuple[str, ...] = ()
    source: str | None = None
    owner: str | None = None
    contact_tags: bool = False
    """Reports count a deal as tagged when its contact carries the tag too
    (a "vip" customer's deals are VIP deals); lists and the board look at the
    deal's own tags, which is what they show."""

    @property
    def empty(self) -> bool:
        """Nothing to narrow by."""
        return not (self.tags or self.source or self.owner)


class ContactSegment(NamedTuple):
    """Which contacts the contacts list keeps: every tag in `tags`, in journey
    `stage`, from `source`, and not touched for `silent_days` days or more
    (never touched counts as silent)."""

    tags: tuple[str, ...] = ()
    stage: JourneyStage | None = None
    source: str | None = None
    silent_days: int | None = None

    @property
    def empty(self) -> bool:
        """Nothing to narrow by."""
        return not (self.tags or self.stage or self.source or self.silent_days is not None)


def check_stage(text: str, *, field: str = "stage") -> JourneyStage:
    """A journey stage by name, any case."""
    from pipetui.domain.journey import JourneyStage

    try:
        return JourneyStage(text.strip().casefold())
    except ValueError as error:
        names = ", ".join(s.value for s in JourneyStage)
        raise ValidationError(field, f"unknown journey stage {text!r} ({names})") from error


def check_silent_days(text: str | int, *, field: str = "silent-days") -> int:
    """Days without a touch: a whole number 0–36500."""
    try:
        days = int(str(text).strip())
    except ValueError as error:
        raise ValidationError(field, f"not a number of days: {text!r}") from error
    if not 0 <= days <= 36500:
        raise ValidationError(field, "must be between 0 and 36500 days")
    return days


def silent_before(now: datetime, days: int) -> datetime:
    """The instant a last touch must be before to count as `days` days of
    silence, in the user's calendar days (`days_since_contact`): the local
    midnight that starts the day `days - 1` days ago."""
    day = local_time(now).date() - timedelta(days=days - 1)
    return datetime.combine(day, time()).astimezone()


_DEAL_KEYS = ("tag", "owner", "source")
_CONTACT_KEYS = ("tag", "stage", "source", "silent")


def _words(text: str) -> list[str]:
    """Words split at spaces; only when a token's value is quoted
    (`source:"Web form"`) as a shell splits them, so a quote in a name
    (בע"מ, O'Brien) stays a plain character. An unbalanced quote is taken
    as typed (the filter is being typed)."""
    if ':"' not in text and ":'" not in text:
        return text.split()
    import shlex  # only for a quoted value: the board's first frame goes without

    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _tokens(text: str, keys: Sequence[str]) -> tuple[list[str], dict[str, list[str]]]:
    words: list[str] = []
    found: dict[str, list[str]] = {}
    for word in _words(text):
        key, colon, value = word.partition(":")
        if colon and key.casefold() in keys and value.strip():
            found.setdefault(key.casefold(), []).append(value.strip())
        else:
            words.append(word)
    return words, found


def deal_filter_text(text: str) -> tuple[list[str], DealSegment]:
    """The board's `/` filter: plain words (as `search_key`s, every one must
    match the title, notes, contact or company) and `tag:` `owner:` `source:`
    tokens (`tag:` may repeat: every tag must be there)."""
    words, found = _tokens(text, _DEAL_KEYS)
    segment = DealSegment(
        tags=tuple(found.get("tag", ())),
        source=found.get("source", [None])[-1],
        owner=found.get("owner", [None])[-1],
    )
    return [search_key(w) for w in words if search_key(w)], segment


def contact_filter_text(text: str) -> tuple[str, ContactSegment]:
    """The contacts screen's `/` filter: the plain words (matched as before)
    and `tag:` `stage:` `source:` `silent:` tokens. A token that does not
    parse (an unknown stage, "silent:x") raises ValidationError."""
    words, found = _tokens(text, _CONTACT_KEYS)
    stage = found.get("stage", [None])[-1]
    silent = found.get("silent", [None])[-1]
    return " ".join(words), ContactSegment(
        tags=tuple(found.get("tag", ())),
        stage=check_stage(stage) if stage else None,
        source=found.get("source", [None])[-1],
        silent_days=check_silent_days(silent, field="silent") if silent else None,
    )


EVERY_DEAL = DealSegment()
"""The segment that narrows nothing (a default)."""
EVERY_CONTACT = ContactSegment()
"""The contact segment that narrows nothing (a default)."""
