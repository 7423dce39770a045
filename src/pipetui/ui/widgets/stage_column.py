"""One stage's column: a header with its figures above its list of cards."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from pipetui.domain.board import ColumnSummary
from pipetui.domain.text import clean_text
from pipetui.ui.widgets.deal_list import DealList


def header_content(summary: ColumnSummary) -> Content:
    """Stage name and count, open value per currency, weighted value.

    The stage name is user text: it goes in as plain text, never markup.
    """
    stage = summary.stage
    count = str(summary.open_count)
    if summary.shown != summary.open_count:
        count = f"{summary.shown}/{summary.open_count}"
    rot = f" · rots {stage.rotting_days}d" if stage.rotting_days else ""
    return Content.assemble(
        (clean_text(stage.name, single_line=True), "bold"),
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


class StageColumn(Vertical):
    """A column of the board; `deal_list` holds its cards."""

    def __init__(self, summary: ColumnSummary) -> None:
        super().__init__(classes="stage-column")
        self.summary = summary
        self.deal_list = DealList(summary.stage.id)
        self._header = Static(header_content(summary), classes="stage-header", markup=False)

    @property
    def stage_id(self) -> int:
        """The stage this column shows."""
        return self.summary.stage.id

    def compose(self) -> ComposeResult:
        yield self._header
        yield self.deal_list

    def set_summary(self, summary: ColumnSummary) -> None:
        """New header figures; the header's height never changes, so no layout."""
        self.summary = summary
        self._header.update(header_content(summary), layout=False)
