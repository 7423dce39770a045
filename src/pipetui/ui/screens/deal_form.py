"""The deal form: a modal that checks every field before anything is saved.

Parsing happens here with the same parsers the CLI uses (`services.inputs`), so
a bad value, unknown currency, bad date or empty title is shown at its field and
the form stays open; escape closes it with nothing saved.

The Contact field completes from existing contacts as it is typed (`right`
takes the completion). A name no contact has is not created silently: the
form says a new contact will be created and asks for it with a checkbox, and
refuses to save at the Contact field until it is ticked.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Checkbox, Input, Label

from pipetui.domain.contact import check_tags
from pipetui.domain.deal import DealView, check_notes, check_title
from pipetui.domain.errors import ValidationError
from pipetui.domain.money import Money, check_currency, parse_money
from pipetui.domain.text import clean_text
from pipetui.services import inputs
from pipetui.services.contact_lookup import ContactMatch, Found
from pipetui.ui import rtl
from pipetui.ui.widgets.field import DateField, Field, NotesField


@dataclass(frozen=True)
class DealFormResult:
    """Checked values, ready for `add_deal` / `edit_deal`."""

    title: str
    value: Money
    contact: str
    source: str | None
    close_date: date | None
    probability: int | None
    notes: str | None = None
    tags: str = ""
    """The deal's tags, checked, comma-separated ("" none)."""
    new_contact: bool = False
    """The user chose to create `contact` as a new contact (no contact has that name)."""
    raw: dict[str, str] = dataclasses.field(default_factory=dict)
    """What was typed, to reopen the form with it if the save fails."""


@dataclass(frozen=True)
class ContactLookup:
    """How the form asks about existing contacts. Both run SQL, so the form
    calls them in a thread, never on the event loop."""

    complete: Callable[[str], str | None]
    """The first contact name starting with the typed text (any case), or None."""
    match: Callable[[str], ContactMatch]
    """What the typed text names: one contact, several, or a new one."""


class ContactSuggester(Suggester):
    """Completes a contact's name from the database as it is typed: any
    script, any case. The lookup runs in a thread (a prefix read on an index);
    what it found is cached per typed text for the life of the form."""

    def __init__(self, complete: Callable[[str], str | None]) -> None:
        super().__init__(use_cache=True, case_sensitive=False)
        self._complete = complete

    async def get_suggestion(self, value: str) -> str | None:
        """The stored name to complete `value` (casefolded by Textual) with."""
        try:
            return await asyncio.to_thread(self._complete, value)
        except Exception:  # a completion is a convenience: never an error on screen
            return None


CREATE_LABEL = "Create new contact {name!r}"


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
        contacts: ContactLookup | None = None,
    ) -> None:
        super().__init__(classes="form-screen")
        self.error = error
        self.heading = heading
        self.default_currency = default_currency
        self.contacts = contacts
        d = deal.deal if deal else None
        self.kept_contact = (deal.contact_name or "") if deal else ""
        """The contact the deal has: saved unchanged, it needs no lookup."""
        self.fields = {
            "title": Field("Title", "title", d.title if d else ""),
            "value": Field("Value", "value", d.value.amount_str() if d else "", "e.g. 1,200.50"),
            "currency": Field(
                "Currency", "currency", d.value.currency if d else default_currency, "ISO code"
            ),
            "contact": Field("Contact", "contact", self.kept_contact, "name or #id"),
            "source": Field("Lead source", "source", (d.source or "") if d else ""),
            "tags": Field("Tags", "tags", ", ".join(d.tags) if d else "", "vip, hot"),
            "close-date": DateField(
                "Expected close",
                "close-date",
                d.close_date.isoformat() if d and d.close_date else "",
                "e.g. +1m, 2026-12-31",
            ),
            "probability": Field(
                "Probability %",
                "probability",
                str(d.probability) if d and d.probability is not None else "",
                "empty: the stage's",
            ),
        }
        if contacts is not None:
            self.fields["contact"].input.suggester = ContactSuggester(contacts.complete)
        self.create_contact = Checkbox("", id="create-contact")
        self.create_contact.display = False
        self.new_name = ""
        """The name the checkbox offers to create ("" when it is hidden)."""
        self.notes = NotesField((d.notes or "") if d else "")
        draft = draft or {}
        for name, value in draft.items():
            if name in self.fields:
                self.fields[name].input.value = value
        if "notes" in draft:
            self.notes.input.text = draft["notes"]
        self.ticked_draft = draft.get("create-contact", "")
        """A reopened form keeps the new contact it was told to create."""
        self._saving = False
        """A save is being checked: enter and ctrl+s together save once."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form deal"):
            heading = rtl.sentence(clean_text(self.heading, single_line=True))
            yield Label(heading, classes="form-title", markup=False)
            yield self.fields["title"]
            with Horizontal(classes="field-row"):
                yield self.fields["value"]
                yield self.fields["currency"]
            yield self.fields["contact"]
            yield self.create_contact
            yield self.fields["source"]
            yield self.fields["tags"]
            with Horizontal(classes="field-row"):
                yield self.fields["close-date"]
                yield self.fields["probability"]
            yield self.notes
            yield Label(
                "ctrl+s save · enter save (not in Notes) · escape cancel · tab next field",
                classes="form-help",
            )

    def on_mount(self) -> None:
        """A form reopened after a failed save shows why, at the field."""
        if self.ticked_draft:
            self._offer_new(self.ticked_draft)
            self.create_contact.value = True
        if self.error is not None:
            self._show(self.error)
        else:  # focusing the first field centres it: show the heading above it
            self.call_after_refresh(self.query_one(".form").scroll_home, animate=False)

    def _show(self, error: ValidationError) -> None:
        name = "contact" if error.field == "create-contact" else error.field
        field: Field | NotesField = self.fields.get(name, self.fields["title"])
        if name == "notes":
            field = self.notes
        field.show_error(error.message)
        if error.field == "create-contact" and self.create_contact.display:
            self.create_contact.focus()
        else:
            field.input.focus()

    # -- the contact field ------------------------------------------------

    def _offer_new(self, name: str) -> None:
        """Show the checkbox that creates `name` as a new contact (unticked:
        creating one is the user's choice, made for this exact name)."""
        if name != self.new_name:
            self.create_contact.value = False
        self.new_name = name
        self.create_contact.label = Content(rtl.sentence(CREATE_LABEL.format(name=name)))
        self.create_contact.display = True

    def _withdraw_new(self) -> None:
        self.new_name = ""
        self.create_contact.value = False
        self.create_contact.display = False

    @on(Input.Changed, "#input-contact")
    def _contact_changed(self, event: Input.Changed) -> None:
        """While a name is typed, say (once it settles) whether saving would
        link an existing contact or create a new one."""
        text = event.value.strip()
        if text != self.new_name:
            self._withdraw_new()
        if text and text != self.kept_contact and self.contacts is not None:
            self._look_up(text)

    @work(thread=True, exclusive=True, group="contact-match", exit_on_error=False)
    def _look_up(self, text: str) -> None:
        assert self.contacts is not None
        match = self.contacts.match(text)
        self.app.call_from_thread(self._looked_up, text, match)

    def _looked_up(self, text: str, match: ContactMatch) -> None:
        if self.fields["contact"].value.strip() != text:
            return  # typed on since: a later lookup answers
        if match.found is Found.NEW:
            self._offer_new(match.name)
        else:
            self._withdraw_new()

    async def _check_contact(self, text: str) -> bool:
        """Whether `text` may be saved as the deal's contact; if not, say why
        at the Contact field. Read in a thread, at the moment of saving."""
        if not text or text == self.kept_contact or self.contacts is None:
            return True
        field = self.fields["contact"]
        try:
            match = await asyncio.to_thread(self.contacts.match, text)
        except ValidationError as error:
            field.show_error(error.message)
            field.input.focus()
            return False
        except Exception as error:  # the database failed (gone, locked): say it, keep the form
            reason = next(iter(str(error).splitlines()), "") or type(error).__name__
            field.show_error(f"could not check the contact: {reason}")
            field.input.focus()
            return False
        if clean_text(field.value, single_line=True) != text:
            # Typed on while it was read: not what was checked.
            field.show_error("the contact changed while it was checked: save again")
            field.input.focus()
            return False
        if match.found is Found.NEW:
            if self.create_contact.value and self.new_name == match.name:
                return True
            self._offer_new(match.name)
            field.show_error(
                f"no contact is called {match.name!r}: tick "
                "'Create new contact' below, or pick an existing one"
            )
            self.create_contact.focus()
            return False
        if match.found is Found.SEVERAL:
            field.show_error(f"several contacts are called {match.name!r}: type #id instead")
            field.input.focus()
            return False
        if match.found is Found.NO_ID:
            field.show_error(f"no contact has the id {text.removeprefix('#')}")
            field.input.focus()
            return False
        self._withdraw_new()
        return True

    # -- saving -------------------------------------------------------------

    async def on_input_submitted(self, _event: Input.Submitted) -> None:
        """Enter in any field saves."""
        await self.action_save()

    def parse(self) -> DealFormResult:
        """The checked values, or a ValidationError naming the field."""
        f = {name: field.value for name, field in self.fields.items()}
        f["notes"] = self.notes.value
        contact = clean_text(f["contact"], single_line=True)
        new_contact = bool(contact) and self.create_contact.value and self.new_name == contact
        if new_contact:
            f["create-contact"] = contact
        currency = check_currency(f["currency"]) if f["currency"].strip() else self.default_currency
        return DealFormResult(
            title=check_title(f["title"]),
            # A currency typed with the value ("€5", "5 EUR") wins over the field.
            value=parse_money(f["value"], currency) if f["value"].strip() else Money.zero(currency),
            contact=contact,
            source=clean_text(f["source"], single_line=True) or None,
            close_date=inputs.optional_date(f["close-date"], field="close-date"),
            probability=inputs.probability(f["probability"]),
            notes=check_notes(f["notes"]),
            tags=",".join(check_tags(f["tags"])),
            new_contact=new_contact,
            raw=f,
        )

    async def action_save(self) -> None:
        """Close with the values if every field is valid; else show the error at its field."""
        if self._saving:  # enter and ctrl+s both: the first one saves (or refuses)
            return
        self._saving = True
        shown: list[Field | NotesField] = [*self.fields.values(), self.notes]
        for field in shown:
            field.show_error(None)
        try:
            result = self.parse()
        except ValidationError as error:
            self._show(error)
            self._saving = False
            return
        if not await self._check_contact(result.contact):
            self._saving = False
            return
        self.dismiss(result)  # closed: `_saving` stays set, so nothing saves it again

    def action_cancel(self) -> None:
        """Close with nothing saved."""
        self.dismiss(None)
