"""Right-to-left text laid out for a terminal that does not do it (DESIGN.md §6).

Data is always stored, searched and exported in logical order. On screen, most
terminals draw the characters they receive left to right, so Hebrew would read
mirrored and Arabic reversed and unjoined; the few that apply the bidi algorithm
do it to whole rows, which mixes up columns. So each *field* is turned into the
order a left-to-right terminal must receive it in, on its own:

- the Unicode bidi algorithm (UAX #9) on that field alone, its base direction
  from its first strong character (a field with none is left to right);
- Arabic shaped into its joined forms and lam-alef ligatures first, with its
  harakat (and Hebrew niqqud) kept on their letters;
- cut to a width at its *logical* end, by whole characters with their marks,
  so the ellipsis is where a reader of that script expects it (on the left of a
  right-to-left field).

Text without right-to-left letters is returned as it is (only cut), so Latin,
CJK and emoji cost nothing. Results are cached: the board asks again and again
for the same few hundred names.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Literal

Direction = Literal["L", "R"]

_RTL_CLASSES = frozenset({"R", "AL"})
# Letters of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, NKo...) and
# their presentation forms: a quick test before looking at bidi classes.
_MAYBE_RTL = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
ELLIPSIS = "…"


def has_rtl(text: str) -> bool:
    """Whether `text` holds a right-to-left letter (so needs laying out)."""
    if text.isascii() or not _MAYBE_RTL.search(text):
        return False
    return any(unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in text)


def base_direction(text: str) -> Direction | None:
    """The direction of the first strong character (UAX #9 P2–P3), or None."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return "L"
        if kind in _RTL_CLASSES:
            return "R"
    return None


def _is_mark(ch: str) -> bool:
    return unicodedata.combining(ch) != 0 or unicodedata.category(ch) in ("Mn", "Me")


def cell_width(text: str) -> int:
    """Terminal cells `text` takes: marks none, wide East Asian characters two."""
    if text.isascii():  # (most names: one cell a character, looked up for none)
        return len(text)
    return sum(
        0 if _is_mark(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text
    )


def fit(text: str, width: int | None) -> str:
    """`text` cut to `width` cells at its logical end, with an ellipsis when it
    was longer; a character is never cut off from its marks."""
    if width is None or cell_width(text) <= width:
        return text
    if width <= 0:
        return ""
    if text.isascii():
        return text[: width - 1] + ELLIPSIS
    out: list[str] = []
    used = 0
    for ch in text:
        size = cell_width(ch)
        if size and used + size > width - 1:
            break
        out.append(ch)
        used += size
    return "".join(out) + ELLIPSIS


@lru_cache(maxsize=1)
def _reshaper() -> Any:
    import arabic_reshaper

    return arabic_reshaper.ArabicReshaper(
        configuration={"delete_harakat": False, "support_ligatures": True}
    )


def shape(text: str) -> str:
    """Arabic letters in their joined (presentation) forms, still in logical order."""
    if not _ARABIC.search(text):
        return text
    shaped: str = _reshaper().reshape(text)
    return shaped


def _reorder(text: str, base: Direction) -> str:
    """UAX #9 on one line of `text` with paragraph direction `base`: the order a
    left-to-right terminal must receive it in. Marks stay after their letter,
    mirrored brackets are mirrored, and format characters (LRM, RLM…), having
    done their work, are left out."""
    from bidi import algorithm as uax9

    storage = uax9.get_empty_storage()
    storage["base_level"] = 0 if base == "L" else 1
    storage["base_dir"] = base
    uax9.get_embedding_levels(text, storage)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index
    uax9.explicit_embed_and_overrides(storage)
    uax9.resolve_weak_types(storage, False)
    uax9.resolve_neutral_types(storage, False)
    uax9.resolve_implicit_levels(storage, False)
    uax9.reorder_resolved_levels(storage, False)
    uax9.apply_mirroring(storage, False)
    logical = list(text)
    marks: dict[int, list[str]] = {}  # a letter's position -> the marks on it
    owned: set[int] = set()  # positions of marks drawn with their letter
    owner = -1
    for index, ch in enumerate(logical):
        if _is_mark(ch) and owner >= 0:
            marks.setdefault(owner, []).append(ch)
            owned.add(index)
        else:
            owner = index
    out: list[str] = []
    for char in storage["chars"]:
        index = char["index"]
        if index in owned or unicodedata.category(logical[index]) == "Cf":
            continue
        out.append(char["ch"])
        out.extend(marks.get(index, ()))
    return "".join(out)


@lru_cache(maxsize=8192)
def visual(text: str, width: int | None = None, base: Direction | None = None) -> str:
    """One field (a name, a title, a stage) as a left-to-right terminal must
    receive it: shaped, cut to `width` cells at its logical end, and reordered
    with its own base direction (or `base`: "L" for a sentence of the app's own
    that quotes user text)."""
    if not has_rtl(text):
        return fit(text, width)
    shaped = fit(shape(text), width)
    lines = shaped.split("\n")
    direction = base or base_direction(shaped) or "L"
    return "\n".join(_reorder(line, base or base_direction(line) or direction) for line in lines)
