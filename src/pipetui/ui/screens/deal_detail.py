"""A deal's details: its fields and BANT answers, one history of its stage
changes and answer changes with dates, its touchpoints and follow-ups; and
every action on the deal, with the board's keys (`DealDetailScreen`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from pipetui.domain.bant import BANT, CriterionAnswer
from pipetui.domain.dates import days_between, local_time
from pipetui.domain.deal import Deal, StageChange
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import kind_label
from pipetui.domain.text import clean_text
from pipetui.ui import actions, rtl
from pipetui.ui.messages import DatabaseChanged
from pipetui.ui.screens import deal_changes
from pipetui.ui.screens.deal_changes import DealChange, write_deal
from pipetui.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from textual import getters

    from pipetui.services.deals import DealDetail
    from pipetui.store.database import Database
    from pipetui.ui.app import PipetuiApp
    from pipetui.ui.screens.board import BoardScreen


def _t(text: str | None) -> str:
    """A field of user text on one line, laid out for the terminal (DESIGN.md §6)."""
    return rtl.field(clean_text(text or "", single_line=True))


def _said(text: str) -> str:
    """A line of the app's own that quotes user text ("Authority: who decides: X")."""
    return rtl.sentence(clean_text(text, single_line=True))


def _when(moment: datetime) -> str:
    return f"{local_time(moment):%Y-%m-%d %H:%M}"


def _change(change: StageChange, names: dict[int, str]) -> str:
    to = _t(names.get(change.to_stage_id, "?"))
    if change.from_stage_id is None:
        return f"entered {to}" + (" (imported)" if change.imported else "")
    if change.from_status != change.to_status:
        return (
            "reopened" if change.to_status.value == "open" else f"{change.to_status.value} in {to}"
        )
    return f"{_t(names.get(change.from_stage_id, '?'))} → {to}"


def _by(name: str | None) -> list[tuple[str, str]]:
    """ "  by dana" after a history line or touchpoint; nothing when who made
    it is not known."""
    return [(f"  by {_t(name)}", "$foreground-muted")] if name else []


def _answer(answer: CriterionAnswer) -> str:
    """ "yes · ₪12,000.00 · CFO": the status, then whichever details there are."""
    details = [
        answer.amount.format() if answer.amount else None,
        _t(answer.who) or None,
        _t(answer.note) or None,
        answer.target_date.isoformat() if answer.target_date else None,
    ]
    return " · ".join([answer.status.value, *(d for d in details if d)])


def detail_content(detail: DealDetail, now: datetime, width: int | None = None) -> Content:
    """Everything about one deal as plain, styled text (user text never markup);
    `width`: the cells a line has, to cut each line of the notes to (None: uncut)."""
    view, deal = detail.view, detail.view.deal
    rows: list[tuple[str, str]] = [
        ("Pipeline", f"{_t(view.pipeline_name)} › {_t(view.stage_name)}"),
        ("Status", deal.status.value + (f" ({_t(deal.lost_reason)})" if deal.lost_reason else "")),
        ("Value", deal.value.format()),
        (
            "Probability",
            f"{view.probability} %" + (" (own)" if deal.probability is not None else ""),
        ),
        ("Contact", " · ".join(_t(p) for p in (view.contact_name, view.company) if p) or "—"),
        *([("Owner", _t(deal.owner))] if deal.owner else []),
        ("Source", _t(deal.source) or "—"),
        ("Tags", ", ".join(_t(tag) for tag in deal.tags) or "—"),
        ("Expected close", deal.close_date.isoformat() if deal.close_date else "—"),
        ("Created", _when(deal.created_at)),
        ("In stage", f"{days_between(deal.stage_entered_at, now)} days"),
    ]
    a = detail.assessment
    rows.append(("BANT", _said(f"{a.verdict.value} · {a.percent} % · {a.reason}")))
    for criterion in BANT.criteria:
        answer = detail.answers.get(criterion.key, CriterionAnswer())
        rows.append((criterion.label, _answer(answer)))
    parts: list[str | tuple[str, str]] = [(_t(deal.title), "bold"), "\n\n"]
    for label, value in rows:
        parts += [(f"{label:>15}  ", "$foreground-muted"), value, "\n"]
    if deal.notes:  # each line laid out on its own and cut, never wrapped (`rtl.lines`)
        parts += ["\n", ("Notes", "bold"), "\n"]
        # The indent and the scroll bar, which may come only once the text is long.
        room = None if width is None else max(8, width - 2 - 2)
        parts += [f"  {line}\n" for line in rtl.lines(deal.notes, room)]
    parts += ["\n", ("History", "bold"), ("  (b: qualify)", "$foreground-muted"), "\n"]
    events = [(c.at, _change(c, detail.stage_names), c.by) for c in detail.history]
    events += [(d.at, _said(d.change.describe()), d.by) for d in detail.answer_history]
    for at, text, by in sorted(events, key=lambda event: event[0]):
        parts += [(f"  {_when(at)}  ", "$foreground-muted"), text, *_by(by), "\n"]
    parts += ["\n", ("Touchpoints", "bold"), "\n"]
    for t in detail.touchpoints or []:
        parts += [
            (f"  {_when(t.at)}  ", "$foreground-muted"),
            kind_label(t.kind),
            "  ",
            _t(t.summary),
            *_by(t.by),
            "\n",
        ]
    if not detail.touchpoints:
        parts.append(("  none yet\n", "$foreground-muted"))
    parts += ["\n", ("Follow-ups", "bold"), "\n"]
    today = local_time(now).date()
    for f in detail.followups:
        mark = "✔" if f.done_at else "·"
        due = f.due.isoformat() + (" overdue" if f.is_overdue(today) else "")
        style = "$text-error" if f.is_overdue(today) else ""
        parts += [f"  {mark} ", (due, style), "  ", _t(f.title), "\n"]
    if not detail.followups:
        parts.append(("  none\n", "$foreground-muted"))
    return Content.assemble(*parts)


class DealDetailScreen(ModalScreen[str | None]):
    """A deal's details, and every action on the deal one key away, as on the
    board: t logs a touch, o plans the next step, e edits, L/H move it, r
    reopens; the detail then shows the deal as it is now. w, x, D and del close
    it, to the board where the deal has gone (or shows as closed); b goes on to
    the BANT form; T opens the contact's timeline, and back here after it.

    Each change goes through the board's own path (`deal_changes.write_deal`),
    so it is undoable and refused if the deal changed since this detail read it
    (DESIGN.md §5); another window's change or an undo re-reads the detail."""

    BINDINGS = [
        Binding("escape,enter", "close", "Back", id="detail.close"),
        Binding("t", "touch", "Log touch", id="detail.touch"),
        Binding("o", "followup", "Next step", id="detail.followup"),
        Binding("e", "edit", "Edit", id="detail.edit"),
        Binding("w", "won", "Won", id="detail.won"),
        Binding("x", "lost", "Lost", id="detail.lost"),
        Binding("b", "qualify", "Qualify (BANT)", id="detail.qualify"),
        Binding("T", "timeline", "Contact's timeline", id="detail.timeline"),
        Binding("L,shift+right", "step(1)", "Next stage", show=False, key_display="L",
                id="detail.next_stage"),
        Binding("H,shift+left", "step(-1)", "Previous stage", show=False, key_display="H",
                id="detail.previous_stage"),
        Binding("r", "reopen", "Reopen", show=False, id="detail.reopen"),
        Binding("D", "disqualify", "Disqualify", show=False, id="detail.disqualify"),
        Binding("delete", "delete", "Delete deal", show=False, key_display="del",
                id="detail.delete"),
        # A modal screen hides the app's own keys: these two are the app's, here too.
        Binding("u", "app.undo", "Undo", id="detail.undo"),
        Binding("question_mark", "app.help", "Keys", key_display="?", id="detail.help"),
    ]  # fmt: skip
    FOOTER_PRIORITY = (  # what the footer keeps when it is narrow (`KeyFooter`)
        "detail.close",
        "detail.touch",
        "detail.followup",
        "detail.edit",
        "detail.won",
        "detail.lost",
        "detail.undo",
        "detail.help",
        "detail.qualify",
        "detail.timeline",
    )

    if TYPE_CHECKING:
        app = getters.app(PipetuiApp)

    def __init__(self, detail: DealDetail, now: datetime, board: BoardScreen) -> None:
        super().__init__(classes="form-screen")
        self.detail = detail
        self.board = board
        self.now = now
        self.content = detail_content(detail, now)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form detail"):
            yield Static(self.content, markup=False, id="deal-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        """The notes are cut to the width the detail has once laid out."""
        self.call_after_refresh(self._draw)

    def on_resize(self) -> None:
        """The notes are cut to the new width."""
        self.call_after_refresh(self._draw)

    def _draw(self) -> None:
        shown = self.query_one("#deal-detail", Static)
        self.content = detail_content(self.detail, self.now, shown.size.width or None)
        shown.update(self.content)

    @property
    def deal(self) -> Deal:
        """The deal as this detail last read it."""
        return self.detail.view.deal

    def action_close(self) -> None:
        """Back to the board."""
        self.dismiss(None)

    def action_qualify(self) -> None:
        """Close, and open the BANT form for this deal."""
        self.dismiss("qualify")

    # -- reading the deal again ---------------------------------------------

    def on_database_changed(self, _message: DatabaseChanged) -> None:
        """Another window, the CLI or an undo changed the data: read it again."""
        self._reread()

    @work(group="detail-read", exclusive=True)
    async def _reread(self) -> None:
        await self.refresh_detail()

    async def refresh_detail(self) -> DealDetail | None:
        """Read the deal again and show it; close when it is gone."""
        from pipetui.services import clock
        from pipetui.services.deals import show_deal

        ws, deal_id = self.board.workspace, self.deal.id
        try:
            fresh = await asyncio.to_thread(lambda: show_deal(ws.db, deal_id, ws.settings))
        except ValidationError:  # deleted (here, or elsewhere)
            # Two reads may find it gone (a write's and a DatabaseChanged's):
            # only the first closes the detail; a second `dismiss` would pop
            # the screen under it. Under a form, its own worker reads again
            # once the form is closed.
            if self.is_active:
                self.dismiss(None)
            return None
        self.detail, self.now = fresh, clock.now()
        self._draw()
        return fresh

    # -- the customer's side --------------------------------------------------

    def _contact(self) -> tuple[int, str] | None:
        """The deal's contact (id and name); None, said why, when it has none."""
        contact_id = self.deal.contact_id
        if contact_id is None:
            self.notify("This deal has no contact (e adds one)", severity="warning")
            return None
        return contact_id, self.detail.view.contact_name or f"#{contact_id}"

    def action_touch(self) -> None:
        """Log a touchpoint with the deal's contact, on this deal."""
        contact = self._contact()
        if contact is not None:
            self._then_reload(actions.log_touch(self.app, *contact, self.deal.id))

    def action_followup(self) -> None:
        """Plan the deal's next step (its card shows the date)."""
        about = clean_text(self.deal.title, single_line=True)
        self._then_reload(actions.plan_followup(self.app, about, deal_id=self.deal.id))

    @work(group="detail")
    async def _then_reload(self, action: Awaitable[bool]) -> None:
        """Run a customer-side action; if it wrote, the board and this detail
        show it."""
        if await action:
            self.board.load(focus_deal=self.deal.id)
            await self.refresh_detail()

    def action_timeline(self) -> None:
        """The contact's timeline; back here when it closes."""
        contact = self._contact()
        if contact is not None:
            self._timeline(contact[0])

    @work(group="detail")
    async def _timeline(self, contact_id: int) -> None:
        from pipetui.ui.screens.timeline import TimelineScreen

        await self.app.push_screen_wait(TimelineScreen(self.board.workspace, contact_id))
        await self.refresh_detail()

    # -- changing the deal ----------------------------------------------------

    def _open_only(self) -> bool:
        """Whether the deal is open; if not, say so (as the board does)."""
        if self.deal.status is not DealStatus.OPEN:
            self.notify(f"This deal is already {self.deal.status.value}", severity="warning")
            return False
        return True

    def action_edit(self) -> None:
        """Edit the deal in the form; back here, showing the edit."""
        self._edit()

    @work(group="detail")
    async def _edit(self) -> None:
        await deal_changes.edit_deal(self.board, self.deal.id)
        await self.refresh_detail()

    def action_step(self, steps: int) -> None:
        """Move the deal to the next/previous stage."""
        from pipetui.services.deals import step_deal

        if self.deal.status is not DealStatus.OPEN:
            self.notify("Reopen the deal (r) to move it", severity="warning")
            return
        self._change("moved", partial(step_deal, steps=steps), follow=True)

    def action_reopen(self) -> None:
        """Reopen the deal, lost or won."""
        from pipetui.services.deals import reopen_deal

        if self.deal.status is DealStatus.OPEN:
            self.notify("This deal is open", severity="warning")
            return
        self._change("reopened", reopen_deal, follow=True)

    def action_won(self) -> None:
        """Mark the deal won, and close to the board."""
        from pipetui.services.deals import win_deal

        if self._open_only():
            self._change("won", win_deal, follow=self.board.view.show_closed, closes=True)

    def action_lost(self) -> None:
        """Ask why (and when to revisit), mark the deal lost, close to the board."""
        if self._open_only():
            self._lose()

    @work(group="detail")
    async def _lose(self) -> None:
        from pipetui.services.deals import lose_deal
        from pipetui.ui.screens.lost_form import lost_form

        result = await self.app.push_screen_wait(lost_form(self.deal.title))
        if result is not None:
            change = partial(lose_deal, reason=result.reason, revisit=result.revisit)
            await self._write("lost", change, follow=self.board.view.show_closed, closes=True)

    def action_disqualify(self) -> None:
        """Drop the lead: lost, "Disqualified: <criterion answered no>"."""
        from pipetui.services.qualification import disqualify_deal

        if self._open_only():
            change = partial(disqualify_deal, thresholds=self.board.workspace.settings.bant)
            follow = self.board.view.show_closed
            self._change("lost", change, follow=follow, closes=True, hint=" (b to qualify)")

    def action_delete(self) -> None:
        """Delete the deal (u brings it back) and close to the board."""
        from pipetui.services.deals import delete_deal

        self._change("deleted", delete_deal, follow=False, closes=True)

    @work(group="detail")
    async def _change(
        self, verb: str, change: Any, *, follow: bool, closes: bool = False, hint: str = ""
    ) -> None:
        await self._write(verb, change, follow=follow, closes=closes, hint=hint)

    async def _write(
        self, verb: str, change: Any, *, follow: bool, closes: bool = False, hint: str = ""
    ) -> None:
        """Run a use case (`change(db, deal_id, seen_version=...)`) on the deal
        as this detail last read it, undoably, through the board's path; then
        show the deal again, or (`closes`) go back to the board if it closed."""
        deal = self.deal
        version = deal.version
        label = f"{verb} {deal.title!r}"

        def run(db: Database, deal_id: int) -> Any:
            return change(db, deal_id, seen_version=version)

        try:
            await write_deal(self.board, DealChange(deal.id, deal.stage_id, label, run, follow))
        except ValidationError as error:
            self.notify(f"{error.message}{hint}", severity="warning")
        fresh = await self.refresh_detail()
        closed = fresh is not None and fresh.view.deal.status is not deal.status
        if closes and closed and self.is_active:  # not if a second read closed it first
            self.dismiss(None)
