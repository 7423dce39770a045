"""Picking a criterion's status — unknown, no, partial, yes — on one line.

Keys 1–4 pick directly; ←/→ (or h/l) step; a click picks the word under it.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from pipetui.domain.bant import Answer

OPTIONS = tuple(Answer)  # unknown, no, partial, yes: the order of keys 1–4
_CHOSEN = {
    Answer.UNKNOWN: "bold $text on $panel-lighten-2",
    Answer.NO: "bold $text on $error 35%",
    Answer.PARTIAL: "bold $text on $warning 35%",
    Answer.YES: "bold $text on $success 35%",
}


class StatusPicker(Widget, can_focus=True):
    """One criterion's status; posts `Changed` when the user picks another."""

    BINDINGS = [
        Binding("left,h", "step(-1)", "Previous status", show=False, id="bant.status_previous"),
        Binding("right,l", "step(1)", "Next status", show=False, id="bant.status_next"),
        *(
            Binding(
                str(i + 1), f"pick({i})", answer.value, show=False, id=f"bant.status_{answer.value}"
            )
            for i, answer in enumerate(OPTIONS)
        ),
    ]

    value: reactive[Answer] = reactive(Answer.UNKNOWN)

    class Changed(Message):
        """The user picked another status."""

        def __init__(self, picker: StatusPicker, value: Answer) -> None:
            super().__init__()
            self.picker = picker
            self.value = value

    def __init__(self, value: Answer, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(StatusPicker.value, value)

    def render(self) -> Content:
        """Each status as a word with its key; the chosen one stands out."""
        parts: list[str | tuple[str, str]] = []
        for i, answer in enumerate(OPTIONS):
            word = f" {i + 1} {answer.value} "
            parts.append(
                (word, _CHOSEN[answer]) if answer is self.value else (word, "$foreground-muted")
            )
            parts.append(" ")
        return Content.assemble(*parts)

    def _spans(self) -> list[tuple[int, int]]:
        spans, x = [], 0
        for i, answer in enumerate(OPTIONS):
            width = len(f" {i + 1} {answer.value} ")
            spans.append((x, x + width))
            x += width + 1
        return spans

    def _set(self, value: Answer) -> None:
        if value is not self.value:
            self.value = value
            self.post_message(self.Changed(self, value))

    def action_pick(self, index: int) -> None:
        """Pick the status with key `index + 1`."""
        self._set(OPTIONS[index])

    def action_step(self, delta: int) -> None:
        """The status to the left or right (stopping at the ends)."""
        index = OPTIONS.index(self.value) + delta
        self._set(OPTIONS[max(0, min(len(OPTIONS) - 1, index))])

    def on_click(self, event: events.Click) -> None:
        """Pick the word under the pointer."""
        for i, (start, end) in enumerate(self._spans()):
            if start <= event.x < end:
                self._set(OPTIONS[i])
                self.focus()
