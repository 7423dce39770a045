"""The funnel screen's "Why deals are lost": the pipeline's deals lost in the
screen's period, by reason, by the stage where they were lost, and
disqualifications by BANT criterion.

The figures come from `pipetui.services.reports.losses_report` (the same as
`pipetui report losses`), read in a worker; reasons are user text, laid out
with `rtl.field` and never read as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.content import Content
from textual.widgets import Static

from pipetui.domain.bidi import cell_width
from pipetui.domain.funnel import percent_text
from pipetui.domain.segments import EVERY_DEAL, DealSegment
from pipetui.domain.text import clean_text
from pipetui.ui import rtl

if TYPE_CHECKING:
    from pipetui.domain.losses import Losses, LossLine
    from pipetui.services.reports import LossesReport, Period
    from pipetui.services.workspace import Workspace

Parts = list[str | Content | tuple[str, str]]
NAME_WIDTH = 24
"""Room for a reason or a stage's name; longer ones are cut at their logical end."""


def _name(text: str) -> str:
    shown = rtl.field(clean_text(text, single_line=True), NAME_WIDTH)
    return shown + " " * max(0, NAME_WIDTH - cell_width(shown))


def _lines(parts: Parts, title: str, lines: list[LossLine], skip_zero: bool) -> None:
    shown = [line for line in lines if line.count or not skip_zero]
    if not shown:
        return
    parts += [(title, "bold"), "\n"]
    for line in shown:
        parts += [
            f"  {_name(line.name)}",
            f"{line.count:>5}  {percent_text(line.share):>7}  ",
            (f"{line.value.format()}\n", "$foreground-muted"),
        ]


def losses_content(losses: Losses) -> Content:
    """The section's text."""
    parts: Parts = [("Why deals are lost", "bold $text-accent"), "\n"]
    if not losses.lost:
        parts.append(("  no deal was lost in this period\n", "$foreground-muted"))
        return Content.assemble(*parts)
    parts.append(f"Lost {losses.lost} · value {losses.value.format()}\n")
    _lines(parts, "By reason", losses.by_reason, skip_zero=True)
    _lines(parts, "By stage lost in", losses.by_stage, skip_zero=True)
    if losses.disqualified:
        _lines(parts, "Disqualified for", losses.by_criterion, skip_zero=False)
    return Content.assemble(*parts)


class LossesSection(Static):
    """Lost deals under the funnel (of the screen's pipeline, lost in its period)."""

    def __init__(self) -> None:
        super().__init__("", id="losses", markup=False)
        self.report: LossesReport | None = None

    def load(
        self,
        workspace: Workspace,
        pipeline_id: int | None,
        period: Period,
        segment: DealSegment = EVERY_DEAL,
    ) -> None:
        """Read the figures (of `segment`'s deals: `report losses --tag
        --source`) in a worker and show them."""
        self._read(workspace, pipeline_id, period, segment)

    @work(thread=True, exclusive=True, group="losses")
    def _read(
        self, workspace: Workspace, pipeline_id: int | None, period: Period, segment: DealSegment
    ) -> None:
        from pipetui.services.reports import losses_report

        report = losses_report(
            workspace.db, pipeline_id=pipeline_id, period=period, segment=segment
        )
        self.app.call_from_thread(self._show, report)

    def _show(self, report: LossesReport) -> None:
        self.report = report
        self.update(Content.assemble("\n", losses_content(report.losses)))
