"""How a deal card is drawn, line by line, from plain values.

User text goes into Segments as it is: it is never parsed as markup, so a title
like ``[@click=app.quit]x[/]`` shows literally. Control characters were removed
when the text was stored; `rtl.one_line` drops any that slipped through anyway.

Each field (the title, the contact, the company) is laid out on its own by
`rtl.field` (DESIGN.md §6): Hebrew and Arabic reach the terminal in visual order,
cut at their logical end, so the ellipsis is on the left of a right-to-left name.

The deal's tags end the value line ("$12k · 5d #vip #q4"), each laid out like
a title, in the room the value, days, owner and flag leave: a card stays three
lines, so 80×24 shows as many cards as before; a tag that does not fit whole
is cut with "…" and the rest are left out.
"""

from __future__ import annotations

from datetime import date

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from pipetui.domain.bant import Verdict
from pipetui.domain.board import CARD_HEIGHT, Card
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.text import clean_text
from pipetui.services import clock
from pipetui.ui import rtl

VERDICT_MARKS = {
    Verdict.QUALIFIED: "●",
    Verdict.IN_PROGRESS: "◐",
    Verdict.DISQUALIFIED: "✕",
    Verdict.NOT_ASSESSED: "○",
}
STATUS_MARKS = {DealStatus.WON: "✔ won", DealStatus.LOST: "✘ lost"}


def _who(card: Card, width: int) -> str:
    """ "contact · company": each name laid out on its own, then joined, the
    company getting what room the contact leaves."""
    shown: list[str] = []
    room = width
    for name in (card.contact_name, card.company):
        if not name:
            continue
        if shown:
            room -= 3  # " · "
        if room <= 0:
            break
        shown.append(rtl.one_line(name, room))
        room -= cell_len(shown[-1])
    return " · ".join(shown) or "no contact"


def card_line(
    card: Card, row: int, width: int, styles: dict[str, Style], end: Segment | None = None
) -> Strip:
    """Line `row` (0–3) of `card`, `width` cells wide, styled from `styles`,
    then `end` (one cell: the list's scroll indicator) if given.

    `styles` holds the base style ("card"), the left bar ("bar"), and the parts:
    "title", "muted", "value", "rotting", "won", "lost", "overdue" and one per
    verdict.
    """
    base = styles["card"]
    ends = [end] if end else []
    if row >= CARD_HEIGHT - 1 or width < 3:
        return Strip(
            [Segment(" " * max(0, width), styles["gap"]), *ends], max(0, width) + len(ends)
        )
    inner = width - 2
    bar = Segment("▌ ", base + styles["bar"])
    if row == 0:
        mark = VERDICT_MARKS[card.verdict]
        title = rtl.one_line(card.title, inner - 2)
        segments = [
            bar,
            Segment(title, base + styles["title"]),
            Segment(" " * (inner - cell_len(title) - 1), base),
            Segment(mark, base + styles[card.verdict.value]),
        ]
    elif row == 1:
        segments = [bar, *_who_line(card, inner, base, styles)]
    else:
        segments = [bar, *_status_line(card, inner, base, styles)]
    line = Strip(segments).adjust_cell_length(width, base)
    return Strip([*line, *ends], width + len(ends)) if ends else line


NEAR_DAYS = 180
"""A next step this close to today shows as "Dec 04"; further off, with its year."""


def next_step_label(due: date, today: date) -> str:
    """ "→ Dec 04": the next follow-up's date, short enough for a narrow card
    (month names, not numbers, so no one reads 04/12 as April), with the year
    when it is far from today (an old overdue one, or one planned a year out)."""
    if abs((due - today).days) <= NEAR_DAYS:
        return f"→ {due:%b %d}"
    return f"→ {due.isoformat()}"


def _who_line(card: Card, width: int, base: Style, styles: dict[str, Style]) -> list[Segment]:
    """The contact and company, and at the right the next step's date (in the
    error colour when it is overdue, as Pipedrive marks it); the names give way
    to the date, which is dropped only on a card too narrow for both. The label
    and "overdue" are decided from the same today, at draw time, so a card
    loaded before midnight never shows a date as near but not overdue."""
    due, today = card.next_followup, clock.today()
    label = next_step_label(due, today) if due is not None else ""
    overdue = due is not None and due < today
    room = width - cell_len(label) - 1
    if not label or room < 6:
        return [Segment(_who(card, width), base + styles["muted"])]
    who = _who(card, room)
    return [
        Segment(who, base + styles["muted"]),
        Segment(" " * (width - cell_len(who) - cell_len(label)), base),
        Segment(label, base + styles["overdue" if overdue else "muted"]),
    ]


OWNER_CELLS = 14
"""At most this many cells of a teammate's name on a card."""


def _status_line(card: Card, width: int, base: Style, styles: dict[str, Style]) -> list[Segment]:
    value = card.value.short()
    days = f" · {card.days_in_stage}d"
    if card.status is not DealStatus.OPEN:
        flag, flag_style = STATUS_MARKS[card.status], styles[card.status.value]
    elif card.rotting:
        flag, flag_style = "rotting", styles["rotting"]
    elif card.rots_in_days is not None and card.rots_in_days <= 3:
        flag, flag_style = f"rots in {card.rots_in_days}d", styles["muted"]
    else:
        flag, flag_style = "", base
    if card.owner:  # a teammate's deal (`Card.owner`): whose it is, in the room left
        room = min(OWNER_CELLS, width - cell_len(value + days) - cell_len(flag) - 4)
        if room >= 3:
            days += f" · {rtl.one_line(card.owner, room)}"
    room = width - cell_len(value + days) - (cell_len(flag) + 2 if flag else 1)
    tags = f" {tags_text(card.tags, room)}" if card.tags and room >= 2 else ""
    left = value + days + tags
    gap = max(1, width - cell_len(left) - cell_len(flag))
    return [
        Segment(value, base + styles["value"]),
        Segment(days, base + styles["muted"]),
        Segment(tags, base + styles["muted"]),
        Segment(" " * gap, base),
        Segment(rtl.one_line(flag, max(0, width - cell_len(left) - 1)), base + flag_style),
    ]


def tags_text(tags: tuple[str, ...], width: int) -> str:
    """ "#vip #q4" in at most `width` cells: whole tags while they fit, then
    the next cut with "…" at its logical end (or a lone "…"), the rest left
    out. Each tag is user text laid out on its own (`rtl.one_line`)."""
    shown = ""
    for tag in tags:
        lead = " #" if shown else "#"
        room = width - cell_len(shown) - len(lead)
        if room < 2:  # no room for a letter and "…"
            return shown + "…" if shown and cell_len(shown) < width else shown
        shown += lead + rtl.one_line(tag, room)
        if cell_len(clean_text(tag, single_line=True)) > room:  # cut: the rest are left out
            break
    return shown
