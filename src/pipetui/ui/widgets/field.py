"""A labelled input with its own inline error line, for modal forms; and a
date field that shows, as you type, the date the words mean."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

from pipetui.domain.errors import ValidationError
from pipetui.domain.typed_dates import UnreadableDate, day_label, moment_label
from pipetui.services import inputs
from pipetui.ui import rtl


class LaidOutInput(Input):
    """An input that, while not being typed in, shows Hebrew or Arabic in visual
    order like every other field (DESIGN.md §6). While focused it is Textual's
    own input: logical order, so the cursor and selection keep their meaning."""

    @property
    def _value(self) -> Text:
        """The value as drawn (Textual's hook for its rendering)."""
        if self.has_focus or self.password:
            return super()._value
        return Text(rtl.field(self.value), no_wrap=True, overflow="ignore", end="")


class Field(Vertical):
    """Label, input, and an error line that shows only when there is an error."""

    def __init__(
        self,
        label: str,
        name: str,
        value: str = "",
        placeholder: str = "",
        *,
        compact: bool = False,
        suggestions: tuple[str, ...] = (),
    ) -> None:
        super().__init__(classes="field", id=f"field-{name}")
        self.field_name = name
        """The field's name, as errors name it."""
        self.label = label
        self.input = LaidOutInput(
            value=value,
            placeholder=placeholder,
            id=f"input-{name}",
            compact=compact,
            suggester=SuggestFromList(suggestions, case_sensitive=False) if suggestions else None,
        )
        self.error = Static("", classes="field-error", markup=False)
        self.heading = Label(self.label, markup=False)

    def compose(self) -> ComposeResult:
        yield self.heading
        yield self.input
        yield self.error

    @property
    def value(self) -> str:
        """What the user typed."""
        return self.input.value

    def show_error(self, message: str | None) -> None:
        """Show `message` under the input (or clear it with None)."""
        self.error.update(rtl.sentence(message or ""))  # it may quote what was typed
        self.set_class(bool(message), "invalid")


DateKind = Literal["date", "datetime"]
"""What a `DateField` reads: a day, or a moment (a day with an optional time)."""


class DateField(Field):
    """A field for a typed date (`tomorrow`, `+2w`, `fri`, YYYY-MM-DD): its
    label line shows the date the text means as it is typed ("Due → Fri
    2026-12-04"), so a relative word is checked before saving. On the label's
    line, not a line of its own, so the form does not jump as you type."""

    def __init__(
        self,
        label: str,
        name: str,
        value: str = "",
        placeholder: str = "",
        *,
        kind: DateKind = "date",
        compact: bool = False,
    ) -> None:
        super().__init__(label, name, value, placeholder, compact=compact)
        self.kind = kind
        self.add_class("date-field")

    def on_mount(self) -> None:
        """A starting value shows its date too."""
        self.show_resolved()

    def on_input_changed(self, _event: Input.Changed) -> None:
        """Re-read the date at every keystroke (no I/O: the clock and a parser)."""
        self.show_resolved()

    def resolved(self) -> str | None:
        """What the typed text means ("→ Fri 2026-12-04"), or why it means
        nothing ("? not a date yet"); None when the field is empty."""
        text = self.input.value
        if not text.strip():
            return None
        try:
            if self.kind == "date":
                return f"→ {day_label(inputs.typed_date(text, field=self.field_name))}"
            return f"→ {moment_label(inputs.typed_datetime(text, field=self.field_name))}"
        except UnreadableDate:
            # Short: the label line does not wrap; saving shows every accepted form.
            return "? not a date yet" if self.kind == "date" else "? not a date-time yet"
        except ValidationError as error:
            return f"? {error.message}"

    def show_resolved(self) -> None:
        """Put the resolved date (or the hint) after the label."""
        hint = self.resolved()
        if hint is None:
            self.heading.update(self.label)
            return
        style = "bold" if hint.startswith("→") else "$text-error"
        # The hint may quote what was typed: plain text, never markup.
        self.heading.update(Content.assemble(self.label, " ", (rtl.sentence(hint), style)))
