"""The funnel screen's "After the sale": customers, repeat-purchase rate,
lifetime value per currency, churn and retention, the journey funnel after
purchase, ROI per lead source and NPS, for the screen's period, and the
last six months' NPS on one line (`report nps`).

The figures come from `pipetui.services.customers` (the same as `pipetui
report customers`), read in a worker; source names are user text, laid out
with `rtl.field` and never read as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import work
from textual.content import Content
from textual.widgets import Static

from pipetui.domain.bidi import cell_width
from pipetui.domain.funnel import percent_text
from pipetui.domain.text import clean_text
from pipetui.ui import rtl

if TYPE_CHECKING:
    from pipetui.domain.segments import DealSegment
    from pipetui.domain.timeline import Nps
    from pipetui.services.customers import CustomersReport
    from pipetui.services.reports import Period
    from pipetui.services.workspace import Workspace

Parts = list[str | Content | tuple[str, str]]
NAME_WIDTH = 16


def _name(text: str) -> str:
    shown = rtl.field(clean_text(text, single_line=True), NAME_WIDTH)
    return shown + " " * max(0, NAME_WIDTH - cell_width(shown))


MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def nps_months_text(months: Sequence[tuple[str, Nps]]) -> str:
    """ "Jul — · Aug +50 · … · Dec 0": each month's NPS (YYYY-MM labels)."""
    return " · ".join(
        f"{MONTH_NAMES[int(month[5:7]) - 1]} {value.score_text()}" for month, value in months
    )


def after_sale_content(
    report: CustomersReport, nps_months: Sequence[tuple[str, Nps]] = ()
) -> Content:
    """The section's text; with `nps_months`, their NPS on one line."""
    from pipetui.services.customers import money_text

    muted = "$foreground-muted"
    parts: Parts = [("After the sale", "bold $text-accent"), "\n"]
    parts += [
        f"Customers {report.customers} · repeat {report.repeat_customers}"
        f" · repeat-purchase rate {percent_text(report.repeat_rate)}\n",
        f"Churn {percent_text(report.churn.churn)} · retention "
        f"{percent_text(report.churn.retention)}",
        (
            f"  ({report.churn.churned} of {report.churn.customers} without a purchase"
            f" in {report.churn_days} days)\n",
            muted,
        ),
        f"NPS {report.nps.text()}\n",
    ]
    if nps_months:
        parts += [("  NPS by month  ", muted), nps_months_text(nps_months) + "\n"]
    for value in report.lifetime:
        parts += [
            (f"  LTV {value.currency}  ", muted),
            f"mean {money_text(value.mean_minor, value.currency)}"
            f" · median {money_text(value.median_minor, value.currency)}"
            f" · {value.customers} customers\n",
        ]
    for step in report.steps.steps:
        parts += [
            f"  {step.name:<16}{step.reached:>6}",
            (f"  → {percent_text(step.conversion_to_next)}\n", muted),
        ]
    if report.returns:
        parts += [("ROI by lead source", "bold"), "\n"]
    for item in report.returns:
        parts += [
            f"  {_name(item.source)}",
            f" won {money_text(item.won_minor, item.currency)}"
            f" · spend {money_text(item.spend_minor, item.currency)}"
            f" · ROI {percent_text(item.roi)}\n",
        ]
    if report.returns and report.spend_note:
        parts += [(f"  spend and ROI —: {report.spend_note}\n", muted)]
    if report.nps_by_source:
        parts += [("NPS by lead source", "bold"), "\n"]
    for name, score in report.nps_by_source:
        parts += [f"  {_name(name)}", f" {score.text()}\n"]
    return Content.assemble(*parts)


class AfterSaleSection(Static):
    """The post-purchase figures under the funnel (read with the screen's period)."""

    def __init__(self) -> None:
        super().__init__("", id="after-sale", markup=False)
        self.report: CustomersReport | None = None
        self.nps_months: list[tuple[str, Nps]] = []

    def load(
        self, workspace: Workspace, period: Period, *, segment: DealSegment | None = None
    ) -> None:
        """Read the figures for `period` (in a worker) and show them; with
        `segment` (the reports' `--tag`/`--source`), of its customers only."""
        self._read(workspace, period, segment)

    @work(thread=True, exclusive=True, group="after-sale")
    def _read(self, workspace: Workspace, period: Period, segment: DealSegment | None) -> None:
        from pipetui.domain.nps import SCREEN_MONTHS
        from pipetui.domain.segments import ContactSegment
        from pipetui.services.customers import customers_report
        from pipetui.services.nps import recent_nps

        tags, source = (segment.tags, segment.source) if segment else ((), None)
        report = customers_report(
            workspace.db,
            period=period,
            churn_days=workspace.settings.churn_days,
            source=source,
            tags=tags,
        )
        contacts = ContactSegment(tags=tags, source=source)
        months = recent_nps(
            workspace.db, months=SCREEN_MONTHS, segment=None if contacts.empty else contacts
        )
        self.app.call_from_thread(self._show, report, months)

    def _show(self, report: CustomersReport, months: list[tuple[str, Nps]] | None = None) -> None:
        self.report = report
        self.nps_months = months or []
        self.update(Content.assemble("\n", after_sale_content(report, self.nps_months)))
