"""A labelled input with its own inline error line, for modal forms."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static


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
        self.input = Input(
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
        self.error.update(message or "")
        self.set_class(bool(message), "invalid")
