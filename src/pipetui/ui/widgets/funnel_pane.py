"""The funnel as text: a bar per stage proportional to how many deals reached
it, with conversion to the next step and drop-off; the bottleneck stands out;
then win rate, overall conversion, open value, forecast, averages, velocity.

Drawn from a `FunnelReport` (read in a worker), never from rows. Stage and
pipeline names are user text and go in as plain text, each laid out on its own
(`rtl.field`: Hebrew and Arabic in visual order, cut at their logical end).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static

from pipetui.domain.money import MoneyTotals
from pipetui.ui import rtl
from pipetui.ui.fitting import fit_parts

if TYPE_CHECKING:
    from pipetui.domain.funnel import Funnel, Steps
    from pipetui.services.reports import FunnelReport, Period

Parts = list[str | Content | tuple[str, str]]

FUNNEL_WIDTH = 46
"""The pane's width when the board keeps two readable columns beside it."""
FUNNEL_MIN_WIDTH = 30
"""Narrower than this, a stage's name, bar and figures no longer fit a line."""


def funnel_width(total: int) -> int:
    """The pane's width in a terminal `total` cells wide: 46, narrowed (down to
    30) so that two columns of the board keep their readable width beside it."""
    from pipetui.ui.widgets.board_columns import MIN_COLUMN_WIDTH

    return max(FUNNEL_MIN_WIDTH, min(FUNNEL_WIDTH, total - 2 * MIN_COLUMN_WIDTH))


def period_text(period: Period) -> str:
    """ "all time", "from 2026-11-01", "2026-10-01 – 2026-12-31"."""
    if period.since is None and period.until is None:
        return "all time"
    if period.until is None:
        return f"from {period.since}"
    if period.since is None:
        return f"until {period.until}"
    return f"{period.since} – {period.until}"


def _bar(reached: int, most: int, width: int) -> str:
    if not most or not reached:
        return ""
    return "█" * max(1, round(reached * width / most))


def _money(totals: MoneyTotals, width: int) -> str:
    """Sums per currency in full, or short ("$444k") when the line is narrow,
    and as many of those as fit, then "…" (never wrapped)."""
    full = totals.format()
    return (
        full if cell_len(full) <= width else fit_parts([totals[c].short() for c in totals], width)
    )


def _velocity(funnel: Funnel, width: int) -> str:
    """Velocity per day, or "— (needs 5 won deals, has 2)" (just "—" when narrow)."""
    if funnel.sales_velocity_withheld is None:
        return _money(funnel.sales_velocity_per_day, width)
    text = funnel.sales_velocity_text()
    return text if cell_len(text) <= width else "—"


def _step_line(conversion: str, drop_off: int, days: str, width: int) -> str:
    """ "  → 80.0 % · −6 · 43.5 d in stage", shortened to fit `width` (never wrapped)."""
    for tail in (f"{days} in stage", days):
        line = f"  → {conversion} · −{drop_off} · {tail}"
        if cell_len(line) <= width:
            return line + "\n"
    return fit_parts([f"→ {conversion}", f"−{drop_off}", days], width - 2, "  ") + "\n"


def funnel_parts(funnel: Funnel, width: int) -> Parts:
    """The stages with their bars, then the pipeline's figures."""
    from pipetui.domain.funnel import days_text, percent_text  # only once shown

    parts: Parts = []
    most = max((s.reached for s in funnel.stages), default=0)
    bar_width = max(4, width - 8)
    for stage in funnel.stages:
        neck = stage.name == funnel.bottleneck
        parts += [
            (rtl.one_line(stage.name, width - 14) + ("  ◀ bottleneck" if neck else ""), "bold"),
            "\n",
            (_bar(stage.reached, most, bar_width), "$text-warning" if neck else "$primary"),
            f" {stage.reached}\n",
            (
                _step_line(
                    percent_text(stage.conversion_to_next),
                    stage.drop_off,
                    days_text(stage.avg_days_in_stage),
                    width,
                )
                if stage.reached
                else "  no deal reached it\n",
                "$foreground-muted",
            ),
        ]
    if not funnel.stages:
        parts.append(("This pipeline has no stages.\n", "$foreground-muted"))
    rows = [
        ("Won/lost/open", f"{funnel.won} / {funnel.lost} / {funnel.open}"),
        ("Win rate", percent_text(funnel.win_rate)),
        ("Overall", percent_text(funnel.overall_conversion)),
        ("Open value", _money(funnel.open_value, width - 14)),
        ("Forecast", _money(funnel.weighted_forecast, width - 14)),
        ("Avg won", _money(funnel.avg_won_value, width - 14)),
        ("Avg cycle", days_text(funnel.avg_cycle_days)),
        ("Velocity/day", _velocity(funnel, width - 14)),
    ]
    parts.append("\n")
    for label, value in rows:
        parts += [(f"{label:<14}", "$foreground-muted"), value, "\n"]
    return parts


def funnel_content(report: FunnelReport, width: int) -> Content:
    """The pane: heading, stages, figures."""
    heading = (
        f"Funnel · {rtl.one_line(report.pipeline.name, width // 2)} · {period_text(report.period)}"
    )
    return Content.assemble(
        (heading, "bold $text-accent"), "\n\n", *funnel_parts(report.funnel, width)
    )


def steps_parts(title: str, steps: Steps, width: int) -> Parts:
    """A plain funnel of counts (contacts by journey stage)."""
    from pipetui.domain.funnel import percent_text

    parts: Parts = [(title, "bold $text-accent"), "\n"]
    most = max((s.reached for s in steps.steps), default=0)
    for step in steps.steps:
        neck = step.name == steps.bottleneck
        parts += [
            (f"{step.name:<14}", "bold" if neck else ""),
            (_bar(step.reached, most, max(4, width - 40)), "$text-warning" if neck else "$primary"),
            f" {step.reached}",
            (
                f"  → {percent_text(step.conversion_to_next)} · −{step.drop_off}\n",
                "$foreground-muted",
            ),
        ]
    parts += [("Overall ", "$foreground-muted"), percent_text(steps.overall_conversion), "\n"]
    return parts


class FunnelPane(Static):
    """The funnel beside the board (f shows and hides it)."""

    def __init__(self) -> None:
        super().__init__("", id="funnel-pane", markup=False)
        self.report: FunnelReport | None = None

    def show(self, report: FunnelReport) -> None:
        """Draw fresh figures."""
        self.report = report
        self._draw()

    def on_resize(self) -> None:
        """Bars follow the pane's width."""
        self._draw()

    def _draw(self) -> None:
        if self.report is not None:
            width = max(20, self.content_size.width)
            self.update(funnel_content(self.report, width))
