"""Narrowing the funnel screen to a segment: a tag (or several, comma
separated) and a lead source, the same cohort as a report's `--tag` and
`--source` (a deal counts as tagged when it or its contact carries the tag).

Both fields complete as you type (→ accepts) from the tags and sources in
use, most used first, matched in any case and any script. The lists are read
once, in a thread worker, when the picker opens: typing runs no SQL. Enter
applies, ctrl+r clears the segment, escape keeps the one there was.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.suggester import Suggester
from textual.widgets import Label

from pipetui.domain.segments import DealSegment, check_filter_text
from pipetui.domain.text import search_key
from pipetui.ui import rtl
from pipetui.ui.screens.prompt import PromptForm, Spec

if TYPE_CHECKING:
    from pipetui.store.database import Database

CLEARED = DealSegment(contact_tags=True)
"""What clearing returns: the reports' segment narrowing nothing."""


def report_segment(tags: Sequence[str] = (), source: str | None = None) -> DealSegment:
    """The deals `report … --tag T --source S` counts: the same object the CLI
    builds (`commands.report.cohort`), so the screen and `--json` agree."""
    return DealSegment(tags=tuple(tags), source=source, contact_tags=True)


def split_tags(text: str) -> tuple[str, ...]:
    """ "vip, q4" -> ("vip", "q4"): each cleaned like a `--tag`, empty ones
    dropped, a repeat (in any case) kept once."""
    tags: list[str] = []
    for part in text.split(","):
        tag = check_filter_text(part, field="tag")
        if tag and all(search_key(t) != search_key(tag) for t in tags):
            tags.append(tag)
    return tuple(tags)


def check_segment(values: dict[str, str]) -> DealSegment:
    """The picker's fields as a segment (both empty: no segment)."""
    return report_segment(
        split_tags(values["tag"]), check_filter_text(values["source"], field="source")
    )


def segment_text(segment: DealSegment, width: int = 24) -> list[str]:
    """ "tag vip", "source Web": the words of a heading naming the segment,
    each value laid out on its own (`rtl.one_line`: visual order, cut at
    its logical end) and never read as markup by whoever shows it."""
    parts = [f"tag {rtl.one_line(tag, width)}" for tag in segment.tags]
    if segment.source:
        parts.append(f"source {rtl.one_line(segment.source, width)}")
    return parts


def completion(typed: str, known: Sequence[str]) -> str | None:
    """The first of `known` that starts with `typed` in any case and any
    script, as written; or what was typed and the rest of it where folding
    changed the length ("ß" typed as "SS"), since the input draws the
    suggestion's tail after as many characters as were typed."""
    key = search_key(typed)
    if not key:
        return None
    for value in known:
        if not search_key(value).startswith(key):
            continue
        for end in range(1, len(value) + 1):  # the shortest prefix typed in any case
            if search_key(value[:end]) == key:
                if end == len(value):
                    return None  # typed in full
                return value if end == len(typed) else typed + value[end:]
        return None
    return None


class ValueSuggester(Suggester):
    """Completes a source from those in use; with `several`, the last of
    comma-separated tags, leaving out those already typed. Works on lists
    read beforehand (no SQL while typing)."""

    def __init__(self, known: Sequence[str], *, several: bool = False) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.known = list(known)
        self.several = several

    async def get_suggestion(self, value: str) -> str | None:
        """What `value` completes to, or None."""
        if not self.several:
            return completion(value, self.known)
        head, comma, last = value.rpartition(",")
        typed = last.lstrip()
        done = {search_key(t) for t in head.split(",")} if comma else set()
        rest = completion(typed, [t for t in self.known if search_key(t) not in done])
        return None if rest is None else value[: len(value) - len(typed)] + rest


SHOWN = 5
"""How many of the most used tags and sources are listed under their fields."""


class SegmentPicker(PromptForm[DealSegment]):
    """Tag and source for the funnel screen; returns the segment (empty when
    cleared), or None when escaped."""

    BINDINGS = [
        *PromptForm.BINDINGS,
        Binding("ctrl+r", "clear", "Clear segment", id="segment.clear"),
    ]

    def __init__(self, current: DealSegment, db: Database | None = None) -> None:
        super().__init__(
            "Narrow the figures to a segment",
            [
                Spec(
                    "tag",
                    "Tag (deal or its contact; several: comma between)",
                    ", ".join(current.tags),
                    "e.g. vip",
                ),
                Spec("source", "Lead source", current.source or "", "e.g. Referral"),
            ],
            check_segment,
        )
        self.db = db
        self.tags: list[str] = []
        self.sources: list[str] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            yield Label(self.heading, classes="form-title", markup=False)
            yield from self.fields.values()
            yield Label(
                "enter apply · → completes · ctrl+r clear · escape cancel", classes="form-help"
            )

    def on_mount(self) -> None:
        """Read the tags and sources in use (in a worker)."""
        super().on_mount()
        workspace = getattr(self.app, "workspace", None)
        db = self.db or getattr(workspace, "db", None)
        if db is not None:
            self._read(db)

    @work(thread=True, exclusive=True, group="segment-values")
    def _read(self, db: Database) -> None:
        from pipetui.services.segment_values import used_sources, used_tags

        tags, sources = used_tags(db), used_sources(db)
        self.app.call_from_thread(self._offer, tags, sources)

    def _offer(self, tags: list[str], sources: list[str]) -> None:
        self.tags, self.sources = tags, sources
        for name, known in (("tag", tags), ("source", sources)):
            field = self.fields[name]
            field.input.suggester = ValueSuggester(known, several=name == "tag")
            if known:
                shown = " · ".join(rtl.one_line(v, 20) for v in known[:SHOWN])
                more = " …" if len(known) > SHOWN else ""
                hint = Label(f"in use: {shown}{more}", classes="form-help", markup=False)
                hint.id = f"{name}-in-use"
                field.mount(hint)

    def action_clear(self) -> None:
        """No segment: every deal and contact again."""
        self.dismiss(CLEARED)
