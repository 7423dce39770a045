"""A labelled input with its own inline error line, for modal forms; a date
field that shows, as you type, the date the words mean; and a notes field
that keeps line breaks."""

from __future__ import annotations

from typing import Literal

from rich.segment import Segment
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.strip import Strip
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static, TextArea

from pipetui.domain.bidi import has_rtl
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


class LaidOutTextArea(TextArea):
    """A text area that, while not being typed in, shows Hebrew or Arabic in
    visual order, as `LaidOutInput` does (DESIGN.md §6): each wrapped row of a
    line laid out on its own, so a right-to-left paragraph reads top to bottom.
    While focused it is Textual's own text area: logical order, so the cursor
    and selection keep their meaning. Text with no right-to-left letter is
    drawn by Textual either way."""

    def render_line(self, y: int) -> Strip:
        """One row as drawn (Textual's hook for its rendering)."""
        if self.has_focus or not has_rtl(self.text):
            return super().render_line(y)
        theme = self._theme
        style = theme.base_style if theme and theme.base_style else self.rich_style
        width = self.scrollable_content_region.width
        wrapped = self.wrapped_document
        row = y + self.scroll_offset.y
        if row >= wrapped.height:
            return Strip.blank(width, style)
        line_index, section = wrapped._offset_to_line_info[row]
        line = self.document.get_line(line_index)
        cuts = [0, *wrapped.get_offsets(line_index), len(line)]
        piece = line[cuts[section] : cuts[section + 1]].replace("\t", " ")
        return Strip([Segment(rtl.field(piece, width), style)]).extend_cell_length(width, style)

    def on_focus(self) -> None:
        """Typing starts: redraw in logical order."""
        self.refresh()

    def on_blur(self) -> None:
        """Typing ends: redraw laid out."""
        self.refresh()


class NotesField(Vertical):
    """Notes: a label, a text area that keeps line breaks (enter starts a new
    line there; tab goes on to the next field), an error line. One for every
    form with notes, so they look and behave alike."""

    def __init__(self, value: str, label: str = "Notes (enter: new line)") -> None:
        super().__init__(classes="field", id="field-notes")
        self.field_name = "notes"
        """The field's name, as errors name it."""
        self.input = LaidOutTextArea(value, id="input-notes", soft_wrap=True, tab_behavior="focus")
        self.error = Static("", classes="field-error", markup=False)
        self.label = label

    def compose(self) -> ComposeResult:
        yield Label(self.label, markup=False)
        yield self.input
        yield self.error

    @property
    def value(self) -> str:
        """What the user typed."""
        return self.input.text

    def show_error(self, message: str | None) -> None:
        """Show `message` under the notes (or clear it with None)."""
        self.error.update(rtl.sentence(message or ""))
        self.set_class(bool(message), "invalid")
