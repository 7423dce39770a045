"""The deal form: a modal that checks every field before anything is saved.

Parsing happens here with the same parsers the CLI uses (`services.inputs`), so
a bad value, unknown currency, bad date or empty title is shown at its field and
the form stays open; escape closes it with nothing saved.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from pipetui.domain.deal import DealView, check_title
from pipetui.domain.errors import ValidationError
from pipetui.domain.money import Money, check_currency, parse_money
from pipetui.domain.text import clean_text
from pipetui.services import inputs
from pipetui.ui import rtl
from pipetui.ui.widgets.field import Field


@dataclass(frozen=True)
class DealFormResult:
    """Checked values, ready for `add_deal` / `edit_deal`."""

    title: str
    value: Money
    contact: str
    source: str | None
    close_date: date | None
    probability: int | None
    raw: dict[str, str] = dataclasses.field(default_factory=dict)
    """What was typed, to reopen the form with it if the save fails."""


class DealForm(ModalScreen[DealFormResult | None]):
    """Create a deal in a stage, or edit one."""

    AUTO_FOCUS = "Input"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "save", "Save", id="form.save"),
    ]

    def __init__(
        self,
        heading: str,
        default_currency: str,
        deal: DealView | None = None,
        *,
        draft: dict[str, str] | None = None,
        error: ValidationError | None = None,
    ) -> None:
        super().__init__(classes="form-screen")
        self.error = error
        self.heading = heading
        self.default_currency = default_currency
        d = deal.deal if deal else None
        self.fields = {
            "title": Field("Title", "title", d.title if d else ""),
            "value": Field("Value", "value", d.value.amount_str() if d else "", "e.g. 1,200.50"),
            "currency": Field(
                "Currency", "currency", d.value.currency if d else default_currency, "ISO code"
            ),
            "contact": Field(
                "Contact", "contact", (deal.contact_name or "") if deal else "", "name or #id"
            ),
            "source": Field("Lead source", "source", (d.source or "") if d else ""),
            "close-date": Field(
                "Expected close",
                "close-date",
                d.close_date.isoformat() if d and d.close_date else "",
                "YYYY-MM-DD",
            ),
            "probability": Field(
                "Probability %",
                "probability",
                str(d.probability) if d and d.probability is not None else "",
                "empty: the stage's",
            ),
        }

        for name, value in (draft or {}).items():
            if name in self.fields:
                self.fields[name].input.value = value

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            heading = rtl.sentence(clean_text(self.heading, single_line=True))
            yield Label(heading, classes="form-title", markup=False)
            yield self.fields["title"]
            with Horizontal(classes="field-row"):
                yield self.fields["value"]
                yield self.fields["currency"]
            yield self.fields["contact"]
            yield self.fields["source"]
            with Horizontal(classes="field-row"):
                yield self.fields["close-date"]
                yield self.fields["probability"]
            yield Label(
                "ctrl+s or enter save · escape cancel · tab next field", classes="form-help"
            )

    def on_mount(self) -> None:
        """A form reopened after a failed save shows why, at the field."""
        if self.error is not None:
            self._show(self.error)

    def _show(self, error: ValidationError) -> None:
        field = self.fields.get(error.field, self.fields["title"])
        field.show_error(error.message)
        field.input.focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        """Enter in any field saves."""
        self.action_save()

    def parse(self) -> DealFormResult:
        """The checked values, or a ValidationError naming the field."""
        f = {name: field.value for name, field in self.fields.items()}
        currency = check_currency(f["currency"]) if f["currency"].strip() else self.default_currency
        return DealFormResult(
            title=check_title(f["title"]),
            # A currency typed with the value ("€5", "5 EUR") wins over the field.
            value=parse_money(f["value"], currency) if f["value"].strip() else Money.zero(currency),
            contact=f["contact"].strip(),
            source=clean_text(f["source"], single_line=True) or None,
            close_date=inputs.optional_date(f["close-date"], field="close-date"),
            probability=inputs.probability(f["probability"]),
            raw=f,
        )

    def action_save(self) -> None:
        """Close with the values if every field is valid; else show the error at its field."""
        for field in self.fields.values():
            field.show_error(None)
        try:
            result = self.parse()
        except ValidationError as error:
            self._show(error)
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        """Close with nothing saved."""
        self.dismiss(None)
