"""Asking why a deal was lost, and when to try again.

The reason field offers the reasons already used (issue 19), most used first:
they are read in a thread worker when the form opens, listed under the field
("used before: …") and completed as you type (→ accepts), in any case and any
script. Reusing a reason keeps `report losses` grouping the same cause as one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from textual import work
from textual.suggester import Suggester
from textual.widgets import Label

from pipetui.domain.errors import ValidationError
from pipetui.domain.text import clean_text
from pipetui.services import inputs
from pipetui.ui import rtl
from pipetui.ui.screens.prompt import PromptForm, Spec

if TYPE_CHECKING:
    from pipetui.store.database import Database

SHOWN_REASONS = 5
"""How many of the most used reasons are listed under the field."""


@dataclass(frozen=True)
class LostResult:
    """The reason and the optional revisit date (which creates a follow-up)."""

    reason: str
    revisit: date | None


def check_lost(values: dict[str, str]) -> LostResult:
    """A reason is required; the revisit date is optional."""
    reason = clean_text(values["reason"], single_line=True)
    if not reason:
        raise ValidationError("reason", "say why the deal was lost")
    return LostResult(reason, inputs.optional_date(values["revisit"], field="revisit"))


class ReasonSuggester(Suggester):
    """Completes a reason from those used before, most used first, matched in
    any case ("pr" → "Price too high"); works on a list read beforehand, so
    typing runs no SQL."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.reasons = list(reasons)

    async def get_suggestion(self, value: str) -> str | None:
        """The most used reason that starts with what was typed."""
        typed = value.casefold()
        return next((r for r in self.reasons if r.casefold().startswith(typed)), None)


class LostForm(PromptForm[LostResult]):
    """The "mark lost" dialog, offering the reasons already used."""

    def __init__(self, title: str, db: Database | None = None) -> None:
        super().__init__(
            f"Mark lost: {title}",
            [
                Spec(
                    "reason",
                    "Why was it lost? (→ completes)",
                    placeholder="e.g. chose a competitor",
                ),
                Spec(
                    "revisit", "Revisit on (optional)", placeholder="+3m, YYYY-MM-DD", date="date"
                ),
            ],
            check_lost,
        )
        self.db = db
        self.reasons: list[str] = []

    def on_mount(self) -> None:
        """Read the reasons used before (in a worker)."""
        super().on_mount()
        workspace = getattr(self.app, "workspace", None)
        db = self.db or getattr(workspace, "db", None)
        if db is not None:
            self._read(db)

    @work(thread=True, exclusive=True, group="lost-reasons")
    def _read(self, db: Database) -> None:
        from pipetui.services.reports import lost_reasons

        reasons = lost_reasons(db)
        self.app.call_from_thread(self._offer, reasons)

    def _offer(self, reasons: list[str]) -> None:
        self.reasons = reasons
        if not reasons:
            return
        field = self.fields["reason"]
        field.input.suggester = ReasonSuggester(reasons)
        shown = " · ".join(rtl.field(r, 24) for r in reasons[:SHOWN_REASONS])
        hint = Label(f"used before: {shown}", classes="form-help", markup=False)
        hint.id = "lost-reasons"
        field.mount(hint)


def lost_form(title: str, db: Database | None = None) -> LostForm:
    """The "mark lost" dialog for the deal called `title` (the reasons used
    before are read from `db`, else from the app's workspace)."""
    return LostForm(title, db)
