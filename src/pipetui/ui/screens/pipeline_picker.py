"""Choosing another pipeline (or a stage).

Names are user text: plain, never markup, each laid out on its own (`rtl.field`)
and cut to the picker's width rather than wrapped, since a wrapped right-to-left
name would show its end first.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from pipetui.domain.pipeline import Pipeline, Stage
from pipetui.domain.text import clean_text
from pipetui.ui import rtl

NAME_WIDTH = 60
"""Cells for a name: the form's 72 (pipetui.tcss `.form`) less its padding,
border and the list's own gutter."""


class PipelinePicker(ModalScreen[int | None]):
    """A list of pipelines; enter picks one, escape keeps the current one."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="picker.cancel")]

    def __init__(self, pipelines: list[Pipeline], current: int | None) -> None:
        super().__init__(classes="form-screen")
        self.pipelines = pipelines
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="form picker"):
            yield Label("Switch pipeline", classes="form-title")
            options = [Option(_plain(p.name), id=str(p.id)) for p in self.pipelines]
            picker = OptionList(*options)
            ids = [p.id for p in self.pipelines]
            if self.current in ids:
                picker.highlighted = ids.index(self.current)
            yield picker

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Close with the chosen pipeline's id."""
        self.dismiss(int(event.option.id or 0))

    def action_cancel(self) -> None:
        """Keep the current pipeline."""
        self.dismiss(None)


class StagePicker(ModalScreen[int | None]):
    """Choose a stage (where to move deals of a removed stage)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="picker.cancel")]

    def __init__(self, title: str, stages: list[Stage]) -> None:
        """`title` is in logical order, even where it quotes a stage's name."""
        super().__init__(classes="form-screen")
        self.heading = title
        self.stages = stages

    def compose(self) -> ComposeResult:
        with Vertical(classes="form picker"):
            yield Label(rtl.sentence(self.heading), classes="form-title", markup=False)
            yield OptionList(*[Option(_plain(s.name), id=str(s.id)) for s in self.stages])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Close with the chosen stage's id."""
        self.dismiss(int(event.option.id or 0))

    def action_cancel(self) -> None:
        """Remove nothing."""
        self.dismiss(None)


def _plain(name: str) -> Content:
    """A stored name as plain text, never markup or terminal control, laid out
    for the terminal and cut to the picker."""
    return Content(rtl.field(clean_text(name, single_line=True), NAME_WIDTH))
