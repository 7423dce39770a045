"""One stage's column: a header with its figures above its list of cards."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget

from pipetui.domain.board import ColumnSummary
from pipetui.domain.text import clean_text
from pipetui.ui import rtl
from pipetui.ui.fitting import fit_parts
from pipetui.ui.widgets.alike_lines import AlikeLines
from pipetui.ui.widgets.deal_list import DealList

HEADER_HELP = (
    "A column's header: the stage's name and its open deals (\"3/2\": 3 cards"
    " shown, with closed deals (c) or a filter (/), of its 2 open deals); the"
    " open value per currency; the stage's win probability ≈ the weighted value"
    ' (open value × probability); "rots 14d": a deal there that long without'
    " a move is rotting. Hover a header for its figures in words."
)
"""What the header's figures mean, for the help screen (`?`)."""


def header_content(summary: ColumnSummary, width: int | None = None) -> Content:
    """Stage name and count, open value per currency, weighted value.

    The stage name is user text: it goes in as plain text, never markup, laid
    out on its own (`rtl.field`) and cut to what the count leaves of `width`,
    so that it is never wrapped inside (a wrapped right-to-left name would show
    its end first). No line wraps: the figures that do not fit end in "…".
    """
    stage = summary.stage
    count = str(summary.open_count)
    if summary.shown != summary.open_count:
        count = f"{summary.shown}/{summary.open_count}"
    room = None if width is None else max(1, width - cell_len(count) - 2)
    rot = f" · rots {stage.rotting_days}d" if stage.rotting_days else ""
    values = [summary.open_value[c].short() for c in summary.open_value] or ["—"]
    weighted = [summary.weighted_value[c].short() for c in summary.weighted_value] or ["—"]
    return Content.assemble(
        (rtl.field(clean_text(stage.name, single_line=True), room), "bold"),
        "  ",
        (count, "$text-accent"),
        "\n",
        (fit_parts(values, width), ""),
        ("\n", ""),
        (fit_parts(weighted, width, f"{stage.probability}% ≈ ", rot), "$foreground-muted"),
    )


def header_tooltip(summary: ColumnSummary) -> Text:
    """The header's figures in words (plain text: the stage name is user text,
    quoted in a left-to-right sentence laid out by `rtl.sentence`, DESIGN §6)."""
    stage = summary.stage
    name = clean_text(stage.name, single_line=True)
    lines = [rtl.sentence(f"{name}: {summary.open_count} open deals")]
    if summary.shown != summary.open_count:
        lines.append(
            f"{summary.shown} cards shown (closed deals with c, or a filter) "
            f"of {summary.open_count} open deals"
        )
    value = " · ".join(summary.open_value[c].format() for c in summary.open_value) or "none"
    weighted = (
        " · ".join(summary.weighted_value[c].format() for c in summary.weighted_value) or "none"
    )
    lines += [
        f"Open value: {value}",
        f"Weighted at {stage.probability} % win probability: {weighted}",
    ]
    if stage.rotting_days:
        lines.append(f"Rotting after {stage.rotting_days} days in this stage without a move")
    return Text("\n".join(lines))


class StageHeader(Widget):
    """A column's header, drawn for the width it has: a stage name too long for
    it is cut at its logical end (a right-to-left one on the left), not wrapped."""

    def __init__(self, summary: ColumnSummary) -> None:
        super().__init__(classes="stage-header")
        self.summary = summary
        self.tooltip = header_tooltip(summary)

    def render(self) -> Content:
        """The header for the current width (only drawn when it changed)."""
        return header_content(self.summary, self.content_size.width or None)


class StageColumn(Vertical, AlikeLines):
    """A column of the board; `deal_list` holds its cards (its own lines, all
    alike, are the border at its right: `AlikeLines`)."""

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
        """New header figures; the header's height never changes, so no layout.
        The same figures again (a write confirming what a move showed) are not
        drawn again."""
        if summary == self.summary:
            return
        self.summary = self._header.summary = summary
        self._header.tooltip = header_tooltip(summary)
        self._header.refresh()
