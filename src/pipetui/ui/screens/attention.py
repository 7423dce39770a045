"""The attention list (a): what needs the seller today, each item one key
away from acting on it: enter opens it, d marks a follow-up done, t logs a
touchpoint, o plans the next step.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from pipetui.domain.text import clean_text
from pipetui.services.workspace import Workspace
from pipetui.ui import actions, rtl
from pipetui.ui.messages import DatabaseChanged
from pipetui.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from textual import getters

    from pipetui.services.journey import Attention, DueFollowUp
    from pipetui.store.journey import DealLine
    from pipetui.ui.app import PipetuiApp


@dataclass(frozen=True)
class Item:
    """One line to act on: a follow-up (with its deal or contact) or a deal."""

    title: str
    deal_id: int | None
    pipeline_id: int | None
    contact_id: int | None
    contact_name: str | None
    followup_id: int | None = None


def _deal_item(line: DealLine) -> Item:
    return Item(line.title, line.deal_id, line.pipeline_id, line.contact_id, line.contact)


def _followup_item(f: DueFollowUp) -> Item:
    title = f.deal_title or f.contact_name or f.title
    return Item(title, f.deal_id, f.pipeline_id, f.contact_id, f.contact_name, f.id)


def _t(text: str | None) -> str:
    return clean_text(text or "", single_line=True)


def _shown(text: str | None) -> str:
    """A field of user text as drawn: one line, laid out (DESIGN.md §6)."""
    return rtl.field(_t(text))


def attention_options(found: Attention) -> tuple[list[Option], list[Item]]:
    """The list's lines (section headings disabled) and what each line is."""
    options: list[Option] = []
    items: list[Item] = []

    def heading(text: str) -> None:
        options.append(Option(Content.styled(text, "bold $text-accent"), disabled=True))

    if found.followups:
        heading(f"Follow-ups due ({len(found.followups)})")
        for f in found.followups:
            when = f"overdue since {f.due}" if f.overdue(found.today) else "today"
            about = _shown(f.deal_title or f.contact_name)
            text = Content.assemble(
                (f"  {when:<25}", "$text-error" if f.overdue(found.today) else "$text-warning"),
                _shown(f.title),
                (f"  {about}" if about else "", "$foreground-muted"),
            )
            options.append(Option(text, id=f"f{f.id}"))
            items.append(_followup_item(f))
    if found.rotting:
        heading(f"Rotting deals ({len(found.rotting)})")
        for r in found.rotting:
            line = r.line
            text = Content.assemble(
                (f"  idle {r.idle_days} days".ljust(27), "$text-warning"),
                _shown(line.title),
                (f"  {_shown(line.stage)} · {line.value.format()}", "$foreground-muted"),
            )
            options.append(Option(text, id=f"r{line.deal_id}"))
            items.append(_deal_item(line))
    if found.qualified_without_next_step:
        heading(f"Qualified, no next step ({len(found.qualified_without_next_step)})")
        for line in found.qualified_without_next_step:
            text = Content.assemble(
                ("  ● qualified".ljust(27), "$text-success"),
                _shown(line.title),
                (f"  {_shown(line.stage)} · {line.value.format()}", "$foreground-muted"),
            )
            options.append(Option(text, id=f"q{line.deal_id}"))
            items.append(_deal_item(line))
    return options, items


class AttentionScreen(Screen[tuple[int, int] | None]):
    """Overdue and today's follow-ups, rotting deals, qualified deals without a
    next step; dismissed with (deal id, pipeline id) to open that deal."""

    BINDINGS = [
        Binding("escape,a", "back", "Board", id="attention.back"),
        Binding("d", "done", "Done", id="attention.done"),
        Binding("t", "touch", "Log touch", id="attention.touch"),
        Binding("o", "followup", "Next step", id="attention.followup"),
    ]

    if TYPE_CHECKING:
        app = getters.app(PipetuiApp)

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.items: list[Item] = []
        self._index: list[int] = []

    def compose(self) -> ComposeResult:
        yield Static("Today", id="attention-title", markup=False)
        yield OptionList(id="attention")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Read the list."""
        self.reload()

    def reload(self) -> None:
        """Read it again (after acting on an item)."""
        self._read()

    def on_database_changed(self, _message: DatabaseChanged) -> None:
        """Another window or the CLI changed the data."""
        self.reload()

    @work(thread=True, exclusive=True, group="attention")
    def _read(self) -> None:
        from pipetui.services.journey import attention

        found = attention(self.workspace.db, thresholds=self.workspace.settings.bant)
        self.app.call_from_thread(self._show, found)

    def _show(self, found: Attention) -> None:
        listing = self.query_one(OptionList)
        keep = listing.highlighted
        options, self.items = attention_options(found)
        # Option indexes count headings too: map them to items.
        self._index = [i for i, option in enumerate(options) if not option.disabled]
        listing.clear_options()
        listing.add_options(options)
        if self._index:
            listing.highlighted = min(keep or 0, len(options) - 1)
            if listing.highlighted not in self._index:
                listing.highlighted = self._index[0]
        count = len(self.items)
        title = "Nothing needs you today." if not count else f"Today: {count} to act on"
        self.query_one("#attention-title", Static).update(f"{title} ({found.today:%A %d %B})")
        listing.focus()

    def _current(self) -> Item | None:
        listing = self.query_one(OptionList)
        if listing.highlighted is None or listing.highlighted not in self._index:
            return None
        return self.items[self._index.index(listing.highlighted)]

    def on_option_list_option_selected(self, _event: OptionList.OptionSelected) -> None:
        """Enter: a deal opens on the board; a contact's follow-up opens their timeline."""
        item = self._current()
        if item is None:
            return
        if item.deal_id is not None and item.pipeline_id is not None:
            self.dismiss((item.deal_id, item.pipeline_id))
        elif item.contact_id is not None:
            from pipetui.ui.screens.timeline import TimelineScreen

            self.app.push_screen(TimelineScreen(self.workspace, item.contact_id))

    def action_done(self) -> None:
        """Mark the follow-up done."""
        item = self._current()
        if item is not None and item.followup_id is not None:
            self._act(actions.mark_done(self.app, item.followup_id, _t(item.title)))
        elif item is not None:
            self.notify("d marks a follow-up done; o plans this deal's next step")

    def action_touch(self) -> None:
        """Log a touchpoint with the item's contact (on its deal)."""
        item = self._current()
        if item is None:
            return
        if item.contact_id is None:
            self.notify("No contact to log a touchpoint with", severity="warning")
            return
        self._act(actions.log_touch(self.app, item.contact_id, _t(item.contact_name), item.deal_id))

    def action_followup(self) -> None:
        """Plan the next step on the item's deal, or with its contact."""
        item = self._current()
        if item is None:
            return
        if item.deal_id is not None:
            self._act(actions.plan_followup(self.app, _t(item.title), deal_id=item.deal_id))
        elif item.contact_id is not None:
            self._act(
                actions.plan_followup(self.app, _t(item.contact_name), contact_id=item.contact_id)
            )

    @work(group="form")
    async def _act(self, action: Awaitable[bool]) -> None:
        """Run a customer-side action; read the list again if it wrote."""
        if await action:
            self.reload()

    def action_back(self) -> None:
        """Back to the board."""
        self.dismiss(None)
