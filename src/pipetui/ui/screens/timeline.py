"""A contact's timeline: newest first, grouped by day; touchpoints in their
journey stage's colour, their deals' moves and closings, and long silences.
The header has the current stage, the days since the last contact, the path
taken, NPS, lifetime value and the contact's notes; e edits the contact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from pipetui.domain.contact import Contact, detail_pairs, since_contact_text
from pipetui.domain.dates import local_time
from pipetui.domain.journey import JourneyStage, kind_label
from pipetui.domain.text import clean_text
from pipetui.domain.timeline import GAP_DAYS
from pipetui.services.workspace import Workspace
from pipetui.ui import actions, rtl
from pipetui.ui.messages import DatabaseChanged
from pipetui.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from textual import getters

    from pipetui.services.journey import ContactTimeline
    from pipetui.store.journey import DealEvent
    from pipetui.ui.app import PipetuiApp

Parts = list[str | tuple[str, str]]

STAGE_STYLES = {
    JourneyStage.AWARENESS: "$foreground-muted",
    JourneyStage.INTEREST: "$text-primary",
    JourneyStage.CONSIDERATION: "$text-accent",
    JourneyStage.INTENT: "$text-warning",
    JourneyStage.PURCHASE: "bold $text-success",
    JourneyStage.RETENTION: "$text-success",
    JourneyStage.LOYALTY: "bold $text-success",
    JourneyStage.ADVOCACY: "bold $text-primary",
}


def _t(text: str | None) -> str:
    """A field of user text on one line, laid out for the terminal (DESIGN.md §6)."""
    return rtl.field(clean_text(text or "", single_line=True))


def _deal_event(event: DealEvent) -> str:
    """ "deal 'Audit': Proposal → Negotiation" with each name laid out on its
    own, so two Hebrew stages keep the arrow between them pointing forward."""
    title = f"deal {_t(event.title)!r}"
    if event.from_stage is None:
        return f"{title} entered {_t(event.to_stage)}"
    if event.from_status != event.to_status:
        return f"{title} " + ("reopened" if event.to_status == "open" else event.to_status)
    return f"{title}: {_t(event.from_stage)} → {_t(event.to_stage)}"


NOTES_LINES = 3
"""The lines of a contact's notes the header shows (the rest: e opens them all)."""


def _notes(notes: str | None, width: int | None) -> Parts:
    """The contact's notes under the header, each line laid out on its own and
    cut with an ellipsis to the screen's width; past `NOTES_LINES` lines, how
    many more there are."""
    # "Notes " and the scroll bar, which may come only once the text is long.
    room = None if width is None else max(8, width - 6 - 2)
    lines = [line for line in rtl.lines(notes, room) if line.strip()]
    if not lines:
        return []
    parts: Parts = []
    for n, line in enumerate(lines[:NOTES_LINES]):
        parts += [("Notes " if n == 0 else "      ", "$foreground-muted"), line, "\n"]
    if len(lines) > NOTES_LINES:
        more = len(lines) - NOTES_LINES
        parts.append((f"      … {more} more line{'s' if more != 1 else ''} (e shows all)\n",
                      "$foreground-muted"))  # fmt: skip
    return parts


def _silence(days: int | None) -> Parts:
    """ "243 days since last contact", in the warning colour once longer than
    the silences the timeline marks (`GAP_DAYS`)."""
    long = days is not None and days > GAP_DAYS
    return [(since_contact_text(days), "$text-warning" if long else "$foreground-muted")]


def timeline_content(timeline: ContactTimeline, width: int | None = None) -> Content:
    """The whole timeline as styled plain text (user text is never markup);
    `width`: the cells a line has, to cut notes to (None: uncut)."""
    contact = timeline.contact
    parts: Parts = [(_t(contact.name), "bold"), ("  " + _t(contact.company), "$foreground-muted")]
    parts += _reach(contact)
    stage = timeline.stage.value if timeline.stage else "no touchpoint yet"
    parts += ["\n", ("Stage ", "$foreground-muted"), (stage, _style(timeline.stage)), "  · "]
    parts += [*_silence(timeline.days_since_contact), "\n"]
    parts.append(("Path  ", "$foreground-muted"))
    for i, step in enumerate(timeline.path):
        parts += [" → " if i else "", (step.value, _style(step))]
    parts += ["" if timeline.path else "—", "\n"]
    parts += [("NPS   ", "$foreground-muted"), timeline.nps.text(), "    "]
    parts += [("Lifetime value ", "$foreground-muted"), timeline.lifetime_value.format()]
    parts += [f" ({timeline.purchases} won)" if timeline.purchases else "", "\n"]
    for f in timeline.followups:
        parts += [("Next  ", "$foreground-muted"), f"{f.due.isoformat()}  {_t(f.title)}\n"]
    parts += _notes(contact.notes, width)
    parts.append("\n")
    days = timeline.days_since_contact
    if days is not None and days > GAP_DAYS:  # the silence going on now, marked as the others
        parts.append(
            (f"      ⋮ {days:,} days without contact, until today\n", "italic $text-warning")
        )
    day = None
    for entry in timeline.entries:
        local = local_time(entry.at)
        if entry.gap is not None:
            parts.append(
                (f"      ⋮ {entry.gap.days} days without contact\n", "italic $text-warning")
            )
            continue
        if local.date() != day:
            day = local.date()
            parts += ["\n", (f"{day:%A %d %B %Y}", "bold"), "\n"]
        parts.append((f"  {local:%H:%M}  ", "$foreground-muted"))
        if entry.touchpoint is not None:
            t = entry.touchpoint
            parts += [("● ", _style(t.journey_stage)), (kind_label(t.kind), "bold")]
            extras = [
                _t(t.channel),
                {"in": "inbound", "out": "outbound"}.get(t.direction or "", ""),
            ]
            extras = [e for e in extras if e]
            if extras:
                parts.append((f" ({', '.join(extras)})", "$foreground-muted"))
            if t.score is not None:
                parts.append(f" · score {t.score}")
            if t.summary:
                parts.append(f"  {_t(t.summary)}")
            parts += [(f"  {t.journey_stage.value}", _style(t.journey_stage)), *_by(t.by), "\n"]
        elif entry.deal_event is not None:
            event = entry.deal_event
            parts += [("◆ ", "$text-accent"), _deal_event(event), *_by(event.by), "\n"]
    if not timeline.entries:
        parts.append(("No touchpoints yet: t logs one.\n", "$foreground-muted"))
    if timeline.truncated:
        parts.append(
            ("\nOlder entries: pipetui contact timeline NAME --json\n", "$foreground-muted")
        )
    return Content.assemble(*parts)


def _reach(contact: Contact) -> Parts:
    """A contact with details (an address book's card): the main email and
    phone, then every detail (all emails and phones with their type, address,
    web site, birthday, department). A contact without any shows as before."""
    parts: Parts = []
    if not contact.details:
        return parts
    main = [_t(v) for v in (contact.email, contact.phone) if v]
    if main:
        parts += ["\n", ("  ·  ".join(main), "$foreground-muted")]
    for title, text in detail_pairs(contact):
        parts += ["\n", (f"{title:>10}  ", "$foreground-muted"), _t(text)]
    return parts


def _by(name: str | None) -> Parts:
    """ "  by dana" after an entry (who logged it, who moved the deal), or
    nothing when that is not known."""
    return [(f"  by {_t(name)}", "$foreground-muted")] if name else []


def _style(stage: JourneyStage | None) -> str:
    return STAGE_STYLES.get(stage, "") if stage else "$foreground-muted"


class TimelineScreen(Screen[None]):
    """One contact's journey."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="timeline.back"),
        Binding("t", "touch", "Log touch", id="timeline.touch"),
        Binding("o", "followup", "Next step", id="timeline.followup"),
        Binding("d", "done", "First step done", id="timeline.done"),
        Binding("e", "edit", "Edit contact", id="timeline.edit", tooltip="Edit this contact"),
        Binding("n", "new", "New contact", id="timeline.new", tooltip="Add a contact"),
    ]

    if TYPE_CHECKING:
        app = getters.app(PipetuiApp)

    def __init__(self, workspace: Workspace, contact_id: int) -> None:
        super().__init__()
        self.workspace = workspace
        self.contact_id = contact_id
        self.timeline: ContactTimeline | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="timeline"):
            yield Static("Reading…", id="timeline-text", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Read the timeline."""
        self.reload()

    def reload(self) -> None:
        """Read it again (after a touchpoint or follow-up)."""
        self._read(self.contact_id)

    def on_database_changed(self, _message: DatabaseChanged) -> None:
        """Another window or the CLI changed the data."""
        self.reload()

    @work(thread=True, exclusive=True, group="timeline")
    def _read(self, contact_id: int) -> None:
        from pipetui.domain.errors import ValidationError
        from pipetui.services.journey import contact_timeline

        try:
            timeline = contact_timeline(self.workspace.db, f"#{contact_id}")
        except ValidationError as error:  # deleted meanwhile
            self.app.call_from_thread(self.notify, error.message, severity="warning")
            self.app.call_from_thread(self.dismiss, None)
            return
        self.app.call_from_thread(self._show, timeline)

    def _show(self, timeline: ContactTimeline) -> None:
        self.timeline = timeline
        self._draw()

    def _draw(self) -> None:
        if self.timeline is not None:
            text = self.query_one("#timeline-text", Static)
            text.update(timeline_content(self.timeline, text.size.width or None))

    def on_resize(self) -> None:
        """The notes are cut to the new width."""
        self.call_after_refresh(self._draw)

    def action_edit(self) -> None:
        """The contact form with this contact's fields."""
        self._edit()

    @work(group="form")
    async def _edit(self) -> None:
        from pipetui.ui.screens.contact_changes import edit_contact

        if await edit_contact(self.app, self.contact_id) is not None:
            self.reload()

    def action_new(self) -> None:
        """The contact form for a new contact, whose timeline this then shows."""
        self._new()

    @work(group="form")
    async def _new(self) -> None:
        from pipetui.ui.screens.contact_changes import new_contact

        added = await new_contact(self.app)
        if added is not None:
            self.contact_id = added.id
            self.reload()

    def action_back(self) -> None:
        """Back to where the timeline was opened."""
        self.dismiss(None)

    def action_touch(self) -> None:
        """Log a touchpoint with this contact."""
        if self.timeline is not None:
            self._touch(self.timeline.contact.name)

    @work(group="form")
    async def _touch(self, name: str) -> None:
        if await actions.log_touch(self.app, self.contact_id, name):
            self.reload()

    def action_followup(self) -> None:
        """Plan a next step with this contact."""
        if self.timeline is not None:
            self._followup(self.timeline.contact.name)

    @work(group="form")
    async def _followup(self, name: str) -> None:
        if await actions.plan_followup(self.app, name, contact_id=self.contact_id):
            self.reload()

    def action_done(self) -> None:
        """Mark the contact's earliest open follow-up done."""
        if self.timeline is not None and self.timeline.followups:
            first = self.timeline.followups[0]
            self._done(first.id, first.title)
        else:
            self.notify("No open next step for this contact")

    @work(group="write")
    async def _done(self, followup_id: int, title: str) -> None:
        if await actions.mark_done(self.app, followup_id, title):
            self.reload()
