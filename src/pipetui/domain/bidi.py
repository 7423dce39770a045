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
from typing import Literal

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


ONE_CELL_RANGES = (
    ("\x20", "\x7e"),  # ASCII
    ("\xa0", "\u02ff"),  # Latin-1, Latin Extended-A and -B, IPA, modifier letters
    ("\u0370", "\u0377"),  # Greek (its assigned letters) ...
    ("\u037a", "\u037f"),
    ("\u0384", "\u038a"),
    ("\u038c", "\u038c"),
    ("\u038e", "\u03a1"),
    ("\u03a3", "\u0482"),  # ... and Cyrillic (to its combining marks)
    ("\u048a", "\u052f"),  # the rest of Cyrillic, Cyrillic Supplement
    ("\u05d0", "\u05ea"),  # Hebrew letters (not their points)
    ("\u05ef", "\u05f4"),  # Hebrew ligatures and punctuation
    ("\u0620", "\u064a"),  # Arabic letters (not their harakat)
    ("\u0660", "\u066f"),  # Arabic-Indic digits and punctuation
    ("\u0671", "\u06d5"),  # Arabic letters for Persian, Urdu and others
    ("\u1e00", "\u1eff"),  # Latin Extended Additional (Vietnamese)
    ("\u2010", "\u2027"),  # dashes, quotes, bullets, "…"
    ("\u2030", "\u205e"),  # per mille, primes, more punctuation
    ("\u20a0", "\u20c0"),  # currency signs
    ("\u2190", "\u21ff"),  # arrows
)
"""Characters that take one cell each and carry no mark: a name written only
in them is measured by its length. The tests check every one of them against
the lookup `cell_width` does otherwise."""

_ONE_CELL = re.compile("[" + "".join(f"{a}-{b}" for a, b in ONE_CELL_RANGES) + "]*").fullmatch


def _one_cell_each(text: str) -> bool:
    """Whether every character of `text` takes exactly one cell (no lookups for
    the names of the board's first frame: Latin, Hebrew, Arabic letters...)."""
    return text.isascii() or _ONE_CELL(text) is not None


def cell_width(text: str) -> int:
    """Terminal cells `text` takes: marks none, wide East Asian characters two."""
    if _one_cell_each(text):  # (most names: one cell a character, looked up for none)
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
    if _one_cell_each(text):
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


_FORMS = ("isolated", "final", "initial", "medial")
_LAM = "\u0644"
_ALEFS = frozenset("\u0622\u0623\u0625\u0627")  # alef: with madda, hamza above, below; plain
_JOIN_CAUSING = frozenset("\u0640\u200d")  # tatweel, zero width joiner
_PRESENTATION_FORMS = (range(0xFB50, 0xFC00), range(0xFE70, 0xFEFD))
"""Where Unicode keeps the letters' joined forms (Presentation Forms-A: Persian
and Urdu letters; -B: the basic Arabic letters and the lam-alef ligatures)."""


@lru_cache(maxsize=1)
def _arabic_forms() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """Each letter's presentation forms by name ("isolated", "final", "initial",
    "medial"), and each alef's lam-alef ligature by form, read from the Unicode
    database's decompositions (317 code points, 0.4 ms, once)."""
    letters: dict[str, dict[str, str]] = {}
    lam_alef: dict[str, dict[str, str]] = {}
    for block in _PRESENTATION_FORMS:
        for code in block:
            tag, _, parts = unicodedata.decomposition(chr(code)).partition(" ")
            form = tag.strip("<>")
            if form not in _FORMS or not parts:
                continue
            base = "".join(chr(int(part, 16)) for part in parts.split())
            if len(base) == 1:
                letters.setdefault(base, {}).setdefault(form, chr(code))
            elif len(base) == 2 and base[0] == _LAM and base[1] in _ALEFS:
                lam_alef.setdefault(base[1], {}).setdefault(form, chr(code))
    return letters, lam_alef


def _joining(ch: str, letters: dict[str, dict[str, str]]) -> str:
    """The joining type the shaping needs: "D" joins on both sides, "R" only to
    the letter before it, "T" (a mark) is skipped over, "U" joins nothing. A
    letter joins on both sides exactly when it has an initial or medial form."""
    if ch in _JOIN_CAUSING:
        return "D"
    forms = letters.get(ch)
    if forms is None:
        return "T" if _is_mark(ch) else "U"
    return "D" if "initial" in forms or "medial" in forms else "R"


def shape(text: str) -> str:
    """Arabic letters in their joined (presentation) forms, still in logical
    order, and lam followed by alef as one lam-alef ligature; marks (harakat)
    stay on their letters and do not break a join. No other ligature is made
    (not the word ligature "ﷲ", which many terminal fonts lack): every letter
    keeps its own cell."""
    if not _ARABIC.search(text):
        return text
    letters, lam_alef = _arabic_forms()
    kinds = [_joining(ch, letters) for ch in text]
    out: list[str] = []
    before = "U"  # the joining type of the last letter (marks skipped)
    index = 0
    while index < len(text):
        ch, kind = text[index], kinds[index]
        if kind == "T":
            out.append(ch)
            index += 1
            continue
        after = index + 1  # the next character that is not a mark
        while after < len(text) and kinds[after] == "T":
            after += 1
        joins_before = before == "D" and kind in ("D", "R")
        if ch == _LAM and after < len(text) and text[after] in lam_alef:
            out.append(lam_alef[text[after]]["final" if joins_before else "isolated"])
            out.extend(text[index + 1 : after])  # the lam's marks, after the ligature
            before, index = "R", after + 1
            continue
        joins_after = kind == "D" and after < len(text) and kinds[after] in ("D", "R")
        if joins_before:
            form = "medial" if joins_after else "final"
        else:
            form = "initial" if joins_after else "isolated"
        forms = letters.get(ch, {})
        out.append(forms.get(form) or forms.get("isolated") or ch)
        before, index = kind, index + 1
    return "".join(out)


def _reorder(text: str, base: Direction) -> str:
    """UAX #9 on one line of `text` with paragraph direction `base`: the order a
    left-to-right terminal must receive it in. Marks stay after their letter,
    mirrored brackets are mirrored, and format characters (LRM, RLM…), having
    done their work, are left out.

    Most lines (letters of either direction, numbers, spaces, punctuation)
    are laid out by `_implicit`; python-bidi only takes the rest, so the first
    frame does not import it for the usual names and titles (33 Arabic and
    Hebrew names had cost 2.6 ms through it)."""
    simple = _implicit(text, base)
    return simple if simple is not None else _uax9(text, base)


_SIMPLE_CLASSES = frozenset({"L", "R", "AL", "NSM", "WS", "ON", "EN", "AN", "ES", "ET", "CS"})
"""Bidi classes `_implicit` lays out: letters, marks, spaces, numbers and
their separators, other punctuation (unmirrored). Not there: direction marks
and controls, tabs and paragraph breaks, mirrored brackets (python-bidi's)."""


def _implicit(text: str, base: Direction) -> str | None:
    """UAX #9 for one line without explicit embeddings, mirrored brackets or
    tabs ("מזרחי ובניו – Renewal + add-ons, 25 seats"): the weak types (W1–W7),
    the neutrals (N1–N2), the implicit levels (I1–I2) and the reordering (L2),
    done here; None for any other line, left to python-bidi. Its results are
    python-bidi's (a property test compares them); here it takes ~25 µs a
    title where python-bidi took ~80 µs. L1 needs nothing here: without tabs
    or explicit embeddings, N1–N2 already leave a line's trailing spaces at
    the paragraph's direction."""
    types: list[str] = []
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if (
            kind not in _SIMPLE_CLASSES
            or (kind == "ON" and unicodedata.mirrored(ch))
            or unicodedata.category(ch) == "Cf"
        ):
            return None
        types.append(kind)
    paragraph = "L" if base == "L" else "R"
    last_strong = paragraph  # (sos)
    for index, kind in enumerate(types):
        if kind == "NSM":  # W1: a mark takes its letter's type
            kind = types[index] = types[index - 1] if index else paragraph
        if kind in ("L", "R", "AL"):
            last_strong = kind
        elif kind == "EN" and last_strong == "AL":  # W2
            types[index] = "AN"
    types = ["R" if kind == "AL" else kind for kind in types]  # W3
    for index in range(1, len(types) - 1):  # W4: one separator between two numbers
        kind, before, after = types[index], types[index - 1], types[index + 1]
        if (kind == "ES" and before == after == "EN") or (
            kind == "CS" and before == after and before in ("EN", "AN")
        ):
            types[index] = before
    index = 0
    while index < len(types):  # W5: terminators next to a European number
        if types[index] != "ET":
            index += 1
            continue
        end = index
        while end < len(types) and types[end] == "ET":
            end += 1
        if (index and types[index - 1] == "EN") or (end < len(types) and types[end] == "EN"):
            types[index:end] = ["EN"] * (end - index)
        index = end
    types = ["ON" if kind in ("ES", "ET", "CS") else kind for kind in types]  # W6
    last_strong = paragraph
    for index, kind in enumerate(types):  # W7
        if kind in ("L", "R"):
            last_strong = kind
        elif kind == "EN" and last_strong == "L":
            types[index] = "L"
    index = 0
    while index < len(types):  # N1–N2: neutrals between two alike go their way
        if types[index] not in ("ON", "WS"):
            index += 1
            continue
        end = index
        while end < len(types) and types[end] in ("ON", "WS"):
            end += 1
        before = _as_strong(types[index - 1]) if index else paragraph
        after = _as_strong(types[end]) if end < len(types) else paragraph
        types[index:end] = [before if before == after else paragraph] * (end - index)
        index = end
    low = 0 if paragraph == "L" else 1
    levels = [_level(kind, low) for kind in types]  # I1–I2
    order = list(range(len(text)))
    for level in range(max(levels, default=0), (low if low % 2 else low + 1) - 1, -1):
        start = None
        for position in range(len(order) + 1):  # L2: reverse each run at this level or above
            if position < len(order) and levels[order[position]] >= level:
                if start is None:
                    start = position
            elif start is not None:
                order[start:position] = order[start:position][::-1]
                start = None
    return _with_marks(text, order)


def _as_strong(kind: str) -> str:
    """A type as N1 sees it next to neutrals: numbers count as right to left."""
    return "L" if kind == "L" else "R"


def _level(kind: str, low: int) -> int:
    """I1–I2: a resolved type's embedding level in a paragraph at level `low`."""
    if low == 0:
        return 0 if kind == "L" else 1 if kind == "R" else 2
    return 1 if kind == "R" else 2


def _with_marks(text: str, order: list[int], drawn: dict[int, str] | None = None) -> str:
    """`text`'s characters in visual `order` (as `drawn` has them where it has
    them: a mirrored bracket), each mark after its letter; format characters
    (LRM, RLM…), having done their work, are left out."""
    marks: dict[int, list[str]] = {}  # a letter's position -> the marks on it
    owned: set[int] = set()  # positions of marks drawn with their letter
    owner = -1
    for index, ch in enumerate(text):
        if _is_mark(ch) and owner >= 0:
            marks.setdefault(owner, []).append(ch)
            owned.add(index)
        else:
            owner = index
    out: list[str] = []
    for index in order:
        if index in owned or unicodedata.category(text[index]) == "Cf":
            continue
        out.append(drawn.get(index, text[index]) if drawn else text[index])
        out.extend(marks.get(index, ()))
    return "".join(out)


def _uax9(text: str, base: Direction) -> str:
    """`_reorder` through python-bidi's implementation of UAX #9."""
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
    chars = storage["chars"]
    return _with_marks(
        text, [char["index"] for char in chars], {char["index"]: char["ch"] for char in chars}
    )


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
