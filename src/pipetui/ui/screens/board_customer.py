"""The board's actions on the qualification and customer side: the BANT form
and disqualifying (b, D), touchpoints and next steps from a card (t, o), the
card's contact's timeline (T), the contacts screen (C) and the attention
list (a).

Between `BoardDialogs` (loading, changing deals, their forms) and
`BoardScreen` (the columns and the key map).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import work

from pipetui.domain.bant import CriterionAnswer
from pipetui.domain.deal import DealView
from pipetui.domain.errors import ValidationError
from pipetui.ui.screens.board_dialogs import BoardDialogs
from pipetui.ui.screens.opener import open_screen

if TYPE_CHECKING:
    from pipetui.ui.screens.bant_form import BantFormResult


class BoardCustomer(BoardDialogs):
    """BANT and the customer's side, from the board."""

    # -- BANT ---------------------------------------------------------------

    def action_qualify(self) -> None:
        """Open the BANT form for the focused deal."""
        if self.card:
            self._open_bant(self.card.deal_id)

    @work(thread=True, group="read")
    def _open_bant(self, deal_id: int) -> None:
        detail = self.read_detail(deal_id)
        if detail is not None:
            self.app.call_from_thread(self.bant_form, detail.view, detail.answers, None)

    def bant_form(
        self,
        view: DealView,
        answers: dict[str, CriterionAnswer],
        retry: tuple[BantFormResult, ValidationError] | None,
    ) -> None:
        """Open the form (again, with what was typed and the error, when a save
        failed on something only the database could check)."""
        thresholds = self.workspace.settings.bant

        def done(result: BantFormResult | None) -> None:
            if result is not None:
                self._save_bant(view, answers, result)

        draft, error = (retry[0].draft, retry[1]) if retry else (None, None)
        from pipetui.ui.screens.bant_form import BantForm  # not needed for the first frame

        form = BantForm(
            view.deal.title,
            answers,
            currency=view.deal.value.currency,
            thresholds=thresholds,
            draft=draft,
            error=error,
        )
        self.app.push_screen(form, done)

    def _save_bant(
        self, view: DealView, answers: dict[str, CriterionAnswer], result: BantFormResult
    ) -> None:
        from pipetui.services import qualification

        thresholds = self.workspace.settings.bant
        title = view.deal.title
        change: Callable[[int], Any]
        if result.disqualify:
            label = f"lost {title!r}"
            follow = self.view.show_closed
            change = lambda deal_id: qualification.disqualify_deal(  # noqa: E731
                self.workspace.db,
                deal_id,
                result.patch,
                thresholds=thresholds,
                seen_version=view.deal.version,
            )
        else:
            label, follow = f"BANT for {title!r}", True
            change = lambda deal_id: qualification.qualify_deal(  # noqa: E731
                self.workspace.db,
                deal_id,
                result.patch,
                thresholds=thresholds,
                seen_version=view.deal.version,
            )
        self._run_change(
            view.deal.id,
            view.deal.stage_id,
            label,
            change,
            follow,
            lambda error: self.bant_form(view, answers, (result, error)),
        )

    def action_disqualify(self) -> None:
        """Drop the focused lead: lost, "Disqualified: <criterion answered no>"."""
        from pipetui.services.qualification import disqualify_deal

        card = self.open_card()
        if card is None:
            return
        thresholds = self.workspace.settings.bant
        version = card.version
        self._run_change(
            card.deal_id,
            card.stage_id,
            f"lost {card.title!r}",
            lambda deal_id: disqualify_deal(
                self.workspace.db, deal_id, thresholds=thresholds, seen_version=version
            ),
            self.view.show_closed,
            lambda error: self.notify(f"{error.message} (b to qualify)", severity="warning"),
        )

    # -- the customer's side ---------------------------------------------

    def after_change(self) -> None:
        """A touchpoint or follow-up went through: marks and rotting may change."""
        self.load()

    def action_contacts(self) -> None:
        """The contacts screen."""
        from pipetui.ui.screens.contacts import ContactsScreen

        self.app.push_screen(ContactsScreen(self.workspace), lambda _: self.load())

    def action_import_file(self) -> None:
        """Import deals, contacts or touchpoints from a file, then reload."""
        from pipetui.ui.screens.import_screen import ImportScreen

        def back(changed: bool | None) -> None:
            if changed:
                self.load()

        self.app.push_screen(ImportScreen(self.workspace), back)

    def action_attention(self) -> None:
        """What needs the seller today; enter on a deal comes back to it here."""
        from pipetui.ui.screens.attention import AttentionScreen

        def back(chosen: tuple[int, int] | None) -> None:
            if chosen is not None:
                self.jump_to_deal(*chosen)
            else:
                self.load()

        self.app.push_screen(AttentionScreen(self.workspace), back)

    def action_touch(self) -> None:
        """Log a touchpoint with the focused deal's contact, on that deal."""
        if self.card is not None:
            self._card_contact(self.card.deal_id, "touch")

    def action_followup(self) -> None:
        """Plan the focused deal's next step."""
        if self.card is not None:
            self.plan_followup(self.card.title, deal_id=self.card.deal_id)

    def action_timeline(self) -> None:
        """The focused deal's contact's timeline."""
        if self.card is not None:
            self._card_contact(self.card.deal_id, "timeline")

    @work(thread=True, group="read")
    def _card_contact(self, deal_id: int, then: str) -> None:
        detail = self.read_detail(deal_id)
        if detail is None:
            return
        deal = detail.view
        contact_id = deal.deal.contact_id
        if contact_id is None:
            self.app.call_from_thread(
                self.notify, "This deal has no contact (e adds one)", severity="warning"
            )
            return
        name = deal.contact_name or f"#{contact_id}"
        if then == "touch":
            self.app.call_from_thread(self.log_touch, contact_id, name, deal_id)
        else:
            from pipetui.ui.screens.timeline import TimelineScreen

            self.app.call_from_thread(
                open_screen, self.app, lambda: TimelineScreen(self.workspace, contact_id)
            )
