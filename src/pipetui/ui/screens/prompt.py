"""A small modal form: some fields, one checking function, inline errors.

`check` turns the typed values into a result or raises ValidationError naming
the field, which is then shown under that field; nothing is returned until every
field is valid, and escape returns None.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from pipetui.domain.errors import ValidationError
from pipetui.domain.text import clean_text
from pipetui.ui import rtl
from pipetui.ui.widgets.field import DateField, DateKind, Field

R = TypeVar("R")


@dataclass(frozen=True)
class Spec:
    """One field: its name (as errors name it), label, starting value, hint."""

    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    suggestions: tuple[str, ...] = ()
    """Completions offered as you type (→ accepts one)."""
    date: DateKind | None = None
    """A typed date or date-time field: shows what the words mean as you type."""

    def field(self) -> Field:
        """The widget for this spec."""
        if self.date is not None:
            return DateField(self.label, self.name, self.value, self.placeholder, kind=self.date)
        return Field(
            self.label, self.name, self.value, self.placeholder, suggestions=self.suggestions
        )


class PromptForm(ModalScreen[R | None], Generic[R]):
    """Ask for a few values and return them checked."""

    AUTO_FOCUS = "Input"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "save", "Save", id="form.save"),
    ]

    def __init__(
        self, title: str, specs: Sequence[Spec], check: Callable[[dict[str, str]], R]
    ) -> None:
        super().__init__(classes="form-screen")
        self.heading = title
        self.check = check
        self.fields = {s.name: s.field() for s in specs}

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            # The app's words quoting a name ("Log a touchpoint: X"): laid out.
            heading = rtl.sentence(clean_text(self.heading, single_line=True))
            yield Label(heading, classes="form-title", markup=False)
            yield from self.fields.values()
            yield Label("enter save · escape cancel · tab next field", classes="form-help")

    def on_mount(self) -> None:
        """Focusing the first field centres it: show the heading above it."""
        self.call_after_refresh(self.query_one(".form").scroll_home, animate=False)

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        """Enter in any field saves."""
        self.action_save()

    def action_save(self) -> None:
        """Return the checked result, or show the error at its field."""
        for field in self.fields.values():
            field.show_error(None)
        try:
            result = self.check({name: f.value for name, f in self.fields.items()})
        except ValidationError as error:
            field = self.fields.get(error.field, next(iter(self.fields.values())))
            field.show_error(error.message)
            field.input.focus()
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        """Close with nothing saved."""
        self.dismiss(None)
