"""The board's filter: a field shown by `/`, that says what to filter by once
typing pauses."""

from __future__ import annotations

from textual.geometry import Size
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input

FILTER_PAUSE = 0.15  # seconds without typing before the filter applies
PLACEHOLDER = "Filter by title, contact or company · tag:vip owner:dana source:web"
"""What the filter takes: words, and segment tokens (`deal_filter_text`)."""


class FilterBar(Input):
    """Hidden until `open()`; posts `Typed` when typing pauses (at 100,000
    deals a filtered board is a scan of every open deal, and there is no point
    in one per keystroke) and `Entered` on enter."""

    class Typed(Message):
        """Filter by `text` now."""

        def __init__(self, text: str) -> None:
            self.text = text
            super().__init__()

    class Entered(Message):
        """Enter: filter by `text` now and go to the first match."""

        def __init__(self, text: str) -> None:
            self.text = text
            super().__init__()

    def __init__(self) -> None:
        super().__init__(placeholder=PLACEHOLDER, id="filter")
        self._timer: Timer | None = None

    def open(self) -> None:
        """Show the field and type in it."""
        self.add_class("shown")
        self.focus()

    def close(self) -> None:
        """Hide the field, empty; nothing is pending."""
        self.remove_class("shown")
        if self.value:
            self.value = ""
        self._stop()

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()

    def _watch_value(self, value: str) -> None:
        """Input gives itself a virtual size on every key that differs from the
        one a layout pass gives it, so each key asked for a layout pass, which
        repaints the whole board (the echo's p95 at 100,000 deals). The field's
        size never depends on its text: the size is set quietly first."""
        self.set_reactive(FilterBar.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)

    def _on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._stop()
        text = event.value.strip()
        self._timer = self.set_timer(FILTER_PAUSE, lambda: self.post_message(self.Typed(text)))

    def _on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._stop()
        self.post_message(self.Entered(self.value.strip()))
