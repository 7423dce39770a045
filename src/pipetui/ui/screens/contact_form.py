"""The contact form (n, e on the contacts screen and the timeline): every field
of a contact, checked with the same rules as the CLI before anything is saved.

A bad email or an empty name is shown at its field and the form stays open;
escape closes it with nothing saved. Notes are a multi-line text area (enter
starts a new line there; in every other field enter saves, as in every form).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from pipetui.domain.contact import Contact, check_email, check_name, check_tags, optional_text
from pipetui.domain.errors import ValidationError
from pipetui.domain.text import clean_text
from pipetui.ui import rtl
from pipetui.ui.widgets.field import Field, NotesField

LINE_FIELDS = ("name", "email", "phone", "company", "role", "source", "tags")
"""The one-line fields, in the order tab visits them (notes come last)."""


@dataclass(frozen=True)
class ContactFormResult:
    """Checked values, ready for `add_contact` / `edit_contact`: every field
    besides the name as text, "" for empty (an edit clears it)."""

    name: str
    fields: dict[str, str]
    raw: dict[str, str] = dataclasses.field(default_factory=dict)
    """What was typed, to reopen the form with it if the save is refused."""


def contact_values(contact: Contact | None) -> dict[str, str]:
    """A contact's fields as the form shows them (tags comma-separated)."""
    if contact is None:
        return {name: "" for name in (*LINE_FIELDS, "notes")}
    values = {
        name: getattr(contact, name) or ""
        for name in ("name", "email", "phone", "company", "role", "source", "notes")
    }
    return {**values, "tags": ", ".join(contact.tags)}


def check_contact(values: dict[str, str]) -> ContactFormResult:
    """The form's values checked as the use cases will check them (a
    ValidationError names the field)."""
    name = check_name(values["name"])  # checked in the order the fields are shown
    email = check_email(values["email"]) or ""
    tags = ", ".join(check_tags(values["tags"]))
    fields = {
        name: optional_text(values[name]) or "" for name in ("phone", "company", "role", "source")
    }
    notes = optional_text(values["notes"], single_line=False) or ""
    return ContactFormResult(
        name=name,
        fields={"email": email, **fields, "notes": notes, "tags": tags},
        raw=dict(values),
    )


class ContactForm(ModalScreen[ContactFormResult | None]):
    """Add a contact, or edit one (the caller carries its version)."""

    AUTO_FOCUS = "#input-name"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "save", "Save", id="form.save"),
    ]

    def __init__(
        self,
        heading: str,
        contact: Contact | None = None,
        *,
        draft: dict[str, str] | None = None,
        error: ValidationError | None = None,
        notice: str | None = None,
    ) -> None:
        super().__init__(classes="form-screen")
        self.heading = heading
        self.error = error
        self.notice = notice
        values = {**contact_values(contact), **(draft or {})}
        labels = {
            "name": ("Name", ""),
            "email": ("Email", "name@example.com"),
            "phone": ("Phone", "+1 555 0100"),
            "company": ("Company", ""),
            "role": ("Role", "e.g. CFO"),
            "source": ("Lead source", "e.g. referral"),
            "tags": ("Tags", "comma-separated: vip, hot"),
        }
        self.fields: dict[str, Field | NotesField] = {
            name: Field(label, name, values[name], hint) for name, (label, hint) in labels.items()
        }
        self.fields["notes"] = NotesField(values["notes"])

    def compose(self) -> ComposeResult:
        # Not a stop for tab: it cycles through the fields, the one focused scrolled into view.
        with VerticalScroll(classes="form contact", can_focus=False):
            heading = rtl.sentence(clean_text(self.heading, single_line=True))
            yield Label(heading, classes="form-title", markup=False)
            if self.notice:
                yield Static(rtl.sentence(self.notice), classes="form-notice", markup=False)
            yield self.fields["name"]
            for pair in (("email", "phone"), ("company", "role"), ("source", "tags")):
                with Horizontal(classes="field-row"):
                    yield from (self.fields[name] for name in pair)
            yield self.fields["notes"]
            yield Label(
                "ctrl+s or enter save · escape cancel · tab next field",
                classes="form-help",
            )

    def on_mount(self) -> None:
        """A form reopened after a refused save shows why, at the field; else
        it opens at its top, the heading in view (focusing the first field
        before the first layout may have scrolled past it)."""
        if self.error is not None:
            self._show(self.error)
        else:
            form = self.query_one(".form", VerticalScroll)
            self.call_after_refresh(form.scroll_home, animate=False)

    def _show(self, error: ValidationError) -> None:
        field = self.fields.get(error.field, self.fields["name"])
        field.show_error(error.message)
        field.input.focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        """Enter in a one-line field saves."""
        self.action_save()

    def action_save(self) -> None:
        """Close with the values if every field is valid; else show the error at its field."""
        for field in self.fields.values():
            field.show_error(None)
        try:
            result = check_contact({name: f.value for name, f in self.fields.items()})
        except ValidationError as error:
            self._show(error)
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        """Close with nothing saved."""
        self.dismiss(None)
