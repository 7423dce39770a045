"""The funnel screen's comparison (key c): the pipeline's funnel and the
journey funnel for the screen's period against the period of equal length
just before, "then → now (change)" per figure (`pipetui.domain.compare`,
the same arithmetic as `pipetui report … --compare previous`).

Read in a worker. With all time shown there is nothing before to compare
with: the section says to pick a period.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.content import Content
from textual.widgets import Static

from pipetui.domain.bidi import cell_width
from pipetui.domain.segments import EVERY_DEAL, ContactSegment, DealSegment
from pipetui.domain.text import clean_text
from pipetui.ui import rtl

if TYPE_CHECKING:
    from pipetui.domain.compare import Row
    from pipetui.services.reports import Period
    from pipetui.services.workspace import Workspace

SHOWN = (
    "won",
    "lost",
    "open",
    "win_rate",
    "overall_conversion",
    "avg_won_value",
    "avg_cycle_days",
    "sales_velocity_per_day",
    "weighted_forecast",
)
"""The pipeline's overall figures the section shows (with each step's conversion)."""
CONVERSION = ".conversion_to_next"
LABEL_WIDTH = 24


@dataclass(frozen=True, slots=True)
class Comparison:
    """The figures of two periods and their change."""

    now: Period
    then: Period
    rows: list[Row]


def shown_rows(rows: list[Row]) -> list[tuple[str, Row]]:
    """The rows the screen shows, with their labels: every step's conversion
    (deal stages, then journey stages) and the overall figures."""
    picked: list[tuple[str, Row]] = []
    for row in rows:
        for prefix, what in (("stages.", "conversion"), ("journey.stages.", "journey")):
            if row.name.startswith(prefix) and row.name.endswith(CONVERSION):
                stage = row.name[len(prefix) : -len(CONVERSION)]
                picked.append((f"{what} {stage}", row))
        if row.name in SHOWN:
            picked.append((row.name.replace("_", " "), row))
    return picked


def compare_content(comparison: Comparison) -> Content:
    """The section's text."""
    from pipetui.ui.widgets.funnel_pane import period_text

    parts: list[str | tuple[str, str]] = [
        (f"Compared with {period_text(comparison.then)}", "bold $text-accent"),
        ("  (then → now, change)\n", "$foreground-muted"),
    ]
    for label, row in shown_rows(comparison.rows):
        shown = rtl.field(clean_text(label, single_line=True), LABEL_WIDTH)
        padding = " " * max(0, LABEL_WIDTH - cell_width(shown))
        parts += [(f"  {shown}{padding} ", "$foreground-muted"), row.text() + "\n"]
    return Content.assemble(*parts)


NO_PERIOD = "Compare: pick a period first (m, t, 9 or d); all time has nothing before it."


class CompareSection(Static):
    """Hidden until c; then the comparison with the period just before."""

    def __init__(self) -> None:
        super().__init__("", id="funnel-compare", markup=False)
        self.display = False
        self.comparison: Comparison | None = None

    def load(
        self,
        workspace: Workspace,
        pipeline_id: int | None,
        period: Period,
        segment: DealSegment = EVERY_DEAL,
    ) -> None:
        """Read both periods (in a worker) when shown, of `segment`'s deals
        and contacts (`report … --compare previous --tag --source`)."""
        if not self.display:
            return
        if period.since is None:
            self.comparison = None
            self.update(Content.assemble("\n", (NO_PERIOD, "$text-warning")))
            return
        self._read(workspace, pipeline_id, period, segment)

    @work(thread=True, exclusive=True, group="funnel-compare")
    def _read(
        self, workspace: Workspace, pipeline_id: int | None, period: Period, segment: DealSegment
    ) -> None:
        from pipetui.domain.compare import compare_rows, figures_from_json, prior_period
        from pipetui.services import clock, reports
        from pipetui.services.serialize import funnel_json, steps_json

        assert period.since is not None
        now = reports.Period(period.since, period.until or clock.today())
        then = reports.Period(*prior_period(now.since, now.until, "previous"))  # type: ignore[arg-type]

        contacts = None if segment.empty else ContactSegment(segment.tags, source=segment.source)

        def figures(chosen: reports.Period) -> dict[str, object]:
            funnel = reports.funnel_report(
                workspace.db, pipeline_id=pipeline_id, period=chosen, segment=segment
            )
            journey = reports.journey_report(workspace.db, period=chosen, segment=contacts)
            return {**funnel_json(funnel), "journey": steps_json(chosen, journey)}

        rows = compare_rows(figures_from_json(figures(now)), figures_from_json(figures(then)))
        self.app.call_from_thread(self._show, Comparison(now, then, rows))

    def _show(self, comparison: Comparison) -> None:
        self.comparison = comparison
        self.update(Content.assemble("\n", compare_content(comparison)))
