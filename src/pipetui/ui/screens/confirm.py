"""A yes/no question: y or enter says yes, n or escape says no."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from pipetui.domain.text import clean_text
from pipetui.ui import rtl


class ConfirmScreen(ModalScreen[bool]):
    """Ask before doing something that touches a lot."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__(classes="form-screen")
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="form confirm"):
            # The app's words quoting user text ("Delete 'X'?"): laid out.
            question = rtl.sentence(clean_text(self.question))
            yield Label(question, classes="form-title", markup=False)
            yield Label("y yes · n no", classes="form-help")

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)
