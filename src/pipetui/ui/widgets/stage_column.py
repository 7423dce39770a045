"""One stage's column: a header with its figures above its list of cards."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget

from pipetui.domain.board import ColumnSummary
from pipetui.domain.text import clean_text
from pipetui.ui import rtl
from pipetui.ui.widgets.deal_list import DealList


def header_content(summary: ColumnSummary, width: int | None = None) -> Content:
    """Stage name and count, open value per currency, weighted value.

    The stage name is user text: it goes in as plain text, never markup, laid
    out on its own (`rtl.field`) and cut to `width`, so that it is never wrapped
    inside (a wrapped right-to-left name would show its end first).
    """
    stage = summary.stage
    count = str(summary.open_count)
    if summary.shown != summary.open_count:
        count = f"{summary.shown}/{summary.open_count}"
    rot = f" · rots {stage.rotting_days}d" if stage.rotting_days else ""
    return Content.assemble(
        (rtl.field(clean_text(stage.name, single_line=True), width), "bold"),
        "  ",
        (count, "$text-accent"),
        "\n",
        (" · ".join(summary.open_value[c].short() for c in summary.open_value) or "—", ""),
        ("\n", ""),
        (
            f"{stage.probability}% ≈ "
            + (" · ".join(summary.weighted_value[c].short() for c in summary.weighted_value) or "—")
            + rot,
            "$foreground-muted",
        ),
    )


class StageHeader(Widget):
    """A column's header, drawn for the width it has: a stage name too long for
    it is cut at its logical end (a right-to-left one on the left), not wrapped."""

    def __init__(self, summary: ColumnSummary) -> None:
        super().__init__(classes="stage-header")
        self.summary = summary

    def render(self) -> Content:
        """The header for the current width (only drawn when it changed)."""
        return header_content(self.summary, self.content_size.width or None)


class StageColumn(Vertical):
    """A column of the board; `deal_list` holds its cards."""

    def __init__(self, summary: ColumnSummary) -> None:
        super().__init__(classes="stage-column")
        self.summary = summary
        self.deal_list = DealList(summary.stage.id)
        self._header = StageHeader(summary)

    @property
    def stage_id(self) -> int:
        """The stage this column shows."""
        return self.summary.stage.id

    def compose(self) -> ComposeResult:
        yield self._header
        yield self.deal_list

    def set_summary(self, summary: ColumnSummary) -> None:
        """New header figures; the header's height never changes, so no layout."""
        self.summary = self._header.summary = summary
        self._header.refresh()
