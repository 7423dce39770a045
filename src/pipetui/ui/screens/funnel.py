"""The funnel on its own screen: the pipeline's funnel and forecast by close
month, lead sources, and the marketing funnel over contacts, for a period.

Keys pick the period (a all time, m this month, t this quarter, 9 last 90
days, d custom dates), the pipeline (p) and a segment (g: a tag and a lead
source, as a report's `--tag`/`--source`); every read runs in a worker.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from pipetui.domain.bidi import cell_width
from pipetui.domain.errors import ValidationError
from pipetui.domain.funnel import percent_text
from pipetui.domain.segments import ContactSegment, DealSegment
from pipetui.domain.text import clean_text
from pipetui.services import clock, inputs
from pipetui.services.workspace import Workspace
from pipetui.ui import rtl
from pipetui.ui.fitting import SEPARATOR, fit_parts
from pipetui.ui.screens.pipeline_picker import PipelinePicker
from pipetui.ui.screens.prompt import PromptForm, Spec
from pipetui.ui.screens.segment_picker import CLEARED, SegmentPicker, segment_text
from pipetui.ui.widgets.after_sale_section import AfterSaleSection
from pipetui.ui.widgets.compare_section import CompareSection
from pipetui.ui.widgets.funnel_pane import Parts, funnel_parts, period_text, steps_parts
from pipetui.ui.widgets.goals_section import GoalsSection
from pipetui.ui.widgets.key_footer import KeyFooter
from pipetui.ui.widgets.losses_section import LossesSection

if TYPE_CHECKING:
    from pipetui.domain.funnel import Steps
    from pipetui.services.reports import FunnelReport, MonthForecast, Period, SourceFigures


@dataclass(frozen=True)
class Figures:
    """Everything the screen shows, read together in a worker."""

    report: FunnelReport
    months: list[MonthForecast]
    sources: list[SourceFigures]
    journey: Steps
    segment: DealSegment = CLEARED
    """The segment they were read for (the heading names it)."""


def quarter_start(day: date) -> date:
    """The first day of `day`'s calendar quarter."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def check_dates(values: dict[str, str]) -> tuple[date | None, date | None]:
    """A custom period: either date may be empty (open-ended)."""
    since = inputs.optional_date(values["since"], field="since")
    until = inputs.optional_date(values["until"], field="until")
    if since and until and until < since:
        raise ValidationError("until", "must not be before the first day")
    return since, until


LABEL_WIDTH = 16


def _line(parts: Parts, label: str, values: list[str], width: int) -> None:
    """One row: the label (a month, or a lead source's name: user text) cut at
    its logical end, in visual order if Hebrew or Arabic (DESIGN.md §6), then
    as many whole figures as fit the line (`fit_parts`: never wrapped)."""
    shown = rtl.field(clean_text(label, single_line=True), LABEL_WIDTH)
    padding = " " * (LABEL_WIDTH - cell_width(shown))
    room = max(1, width - 2 - LABEL_WIDTH)
    parts.extend([(f"  {shown}{padding}", "$foreground-muted"), fit_parts(values, room), "\n"])


def contact_segment(segment: DealSegment) -> ContactSegment:
    """The contacts a deal segment's `--tag`/`--source` narrow the journey
    report to (`commands.report_cohort.contact_cohort`)."""
    return ContactSegment(tags=segment.tags, source=segment.source)


NOT_NARROWED = "goals are for everyone"
"""Said under a narrowed heading: `goal list` takes no segment."""


def heading_parts(figures: Figures, width: int) -> Parts:
    """ "Funnel · Sales · all time · tag vip · source Web": names laid out
    each on its own, the segment's words dropped whole (then "…") when the
    line is full, never wrapped."""
    report = figures.report
    name = rtl.one_line(report.pipeline.name, min(width, 100) // 2)
    base = f"Funnel · {name} · {period_text(report.period)}"
    parts: Parts = [(base, "bold $text-accent")]
    if not figures.segment.empty:
        room = width - cell_width(base) - len(SEPARATOR)
        parts += [
            (SEPARATOR + fit_parts(segment_text(figures.segment), room), "bold $text-warning"),
            "\n",
            (f"  only this segment's deals and contacts; {NOT_NARROWED}", "$foreground-muted"),
        ]
    return parts


def figures_content(figures: Figures, width: int) -> Content:
    """The whole screen's text."""
    narrow = min(width, 100)
    parts: Parts = [*heading_parts(figures, width), "\n\n"]
    parts += [*funnel_parts(figures.report.funnel, narrow), "\n\n"]
    parts += [("Forecast by expected close month", "bold $text-accent"), "\n"]
    for month in figures.months:
        _line(
            parts,
            month.month or "no date",
            [f"{month.open} open", month.open_value.format(), f"≈ {month.weighted.format()}"],
            width,
        )
    if not figures.months:
        parts.append(("  no open deals\n", "$foreground-muted"))
    parts += ["\n", ("Lead sources", "bold $text-accent"), "\n"]
    for source in figures.sources:
        values = [
            f"{source.deals} deal" if source.deals == 1 else f"{source.deals} deals",
            f"{source.won} won",
            percent_text(source.win_rate),
            source.won_value.format(),
        ]
        if source.spend:
            values += [
                f"spend {source.spend.format()}",
                f"per lead {source.cost_per_lead.format()}",
                f"CAC {source.acquisition_cost.format()}",
            ]
        _line(parts, source.source, values, width)
    if not figures.sources:
        parts.append(("  no deals\n", "$foreground-muted"))
    elif figures.segment.tags:
        from pipetui.services.reports import SPEND_NOTE

        parts.append((f"  spend, per lead and CAC —: {SPEND_NOTE}\n", "$foreground-muted"))
    parts.append("\n")
    parts += steps_parts("Contacts by furthest journey stage", figures.journey, min(width, 100))
    return Content.assemble(*parts)


class FunnelScreen(Screen[None]):
    """Funnel, forecast, sources and journey for a pipeline and a period."""

    BINDINGS = [
        Binding("escape,F", "close", "Board", id="funnel.close"),
        Binding("a", "period('all')", "All time", id="funnel.all"),
        Binding("m", "period('month')", "This month", id="funnel.month"),
        Binding("t", "period('quarter')", "This quarter", id="funnel.quarter"),
        Binding("9", "period('90')", "Last 90 days", id="funnel.90"),
        Binding("d", "custom_period", "Dates…", id="funnel.dates"),
        Binding("p", "pipeline", "Pipeline", id="funnel.pipeline"),
        Binding("c", "compare", "Compare", id="funnel.compare"),
        Binding("g", "segment", "Segment…", id="funnel.segment"),
    ]

    def __init__(self, workspace: Workspace, pipeline_id: int | None) -> None:
        super().__init__()
        self.workspace = workspace
        self.pipeline_id = pipeline_id
        from pipetui.services.reports import ALL_TIME

        self.period: Period = ALL_TIME
        self.figures: Figures | None = None
        self.segment: DealSegment = CLEARED
        """Only these deals (and contacts), as `report … --tag --source`."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="funnel-screen"):
            yield Static("Reading the figures…", id="funnel-figures", markup=False)
            yield GoalsSection()
            yield CompareSection()
            yield AfterSaleSection()
            yield LossesSection()
        yield KeyFooter()

    def on_mount(self) -> None:
        """Read the figures."""
        self.reload()

    def reload(self) -> None:
        """Read the figures again (in a worker)."""
        segment = self.segment
        self._read(self.pipeline_id, self.period, segment)
        self.query_one(GoalsSection).load(self.workspace)
        self.query_one(CompareSection).load(
            self.workspace, self.pipeline_id, self.period, segment=segment
        )
        self.query_one(AfterSaleSection).load(self.workspace, self.period, segment=segment)
        self.query_one(LossesSection).load(
            self.workspace, self.pipeline_id, self.period, segment=segment
        )

    def action_compare(self) -> None:
        """Show or hide the comparison with the period just before."""
        section = self.query_one(CompareSection)
        section.display = not section.display
        section.load(self.workspace, self.pipeline_id, self.period, segment=self.segment)

    @work(thread=True, exclusive=True, group="funnel")
    def _read(self, pipeline_id: int | None, period: Period, segment: DealSegment) -> None:
        from pipetui.services import reports

        db = self.workspace.db
        report, months = reports.forecast_report(
            db, pipeline_id=pipeline_id, period=period, segment=segment
        )
        _, sources = reports.sources_report(
            db, pipeline=report.pipeline.name, period=period, segment=segment
        )
        journey = reports.journey_report(db, period=period, segment=contact_segment(segment))
        figures = Figures(report, months, sources, journey, segment)
        self.app.call_from_thread(self._show, figures)

    def _show(self, figures: Figures) -> None:
        self.figures = figures
        self.pipeline_id = figures.report.pipeline.id
        self._draw()

    def on_resize(self) -> None:
        """Bars follow the width."""
        self._draw()

    def _draw(self) -> None:
        if self.figures is not None:
            width = max(40, self.size.width - 6)  # less the padding and the scrollbar
            self.query_one("#funnel-figures", Static).update(figures_content(self.figures, width))

    def action_period(self, which: str) -> None:
        """All time, this month, this quarter or the last 90 days."""
        from pipetui.services.reports import ALL_TIME, Period

        today = clock.today()
        self.period = {
            "all": ALL_TIME,
            "month": Period(today.replace(day=1), today),
            "quarter": Period(quarter_start(today), today),
            "90": Period(today - timedelta(days=89), today),
        }[which]
        self.reload()

    def action_custom_period(self) -> None:
        """Ask for the first and last day (either may stay empty)."""
        self._custom_period()

    @work(group="form")
    async def _custom_period(self) -> None:
        from pipetui.services.reports import Period

        since, until = self.period.since, self.period.until
        form = PromptForm(
            "Deals created from … to …",
            [
                Spec("since", "First day", since.isoformat() if since else "", "-30d", date="date"),
                Spec("until", "Last day", until.isoformat() if until else "", "today", date="date"),
            ],
            check_dates,
        )
        dates = await self.app.push_screen_wait(form)
        if dates is not None:
            self.period = Period(*dates)
            self.reload()

    def action_pipeline(self) -> None:
        """Show another pipeline's figures."""
        self._pick()

    @work(group="form")
    async def _pick(self) -> None:
        from pipetui.services.pipelines import list_pipelines

        workspace = self.workspace
        items = await asyncio.to_thread(lambda: list_pipelines(workspace.db))
        pipelines = [item.pipeline for item in items]
        chosen = await self.app.push_screen_wait(PipelinePicker(pipelines, self.pipeline_id))
        if chosen is not None:
            self.pipeline_id = chosen
            self.reload()

    def action_segment(self) -> None:
        """Narrow every figure that a report's `--tag`/`--source` narrows."""
        self._segment()

    @work(group="form")
    async def _segment(self) -> None:
        chosen = await self.app.push_screen_wait(SegmentPicker(self.segment, self.workspace.db))
        if chosen is not None and chosen != self.segment:
            self.segment = chosen
            self.reload()

    def action_close(self) -> None:
        """Back to the board."""
        self.dismiss(None)
