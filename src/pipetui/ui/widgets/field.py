"""A labelled input with its own inline error line, for modal forms."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

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
        self.label = label
        self.input = LaidOutInput(
            value=value,
            placeholder=placeholder,
            id=f"input-{name}",
            compact=compact,
            suggester=SuggestFromList(suggestions, case_sensitive=False) if suggestions else None,
        )
        self.error = Static("", classes="field-error", markup=False)

    def compose(self) -> ComposeResult:
        yield Label(self.label, markup=False)
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
