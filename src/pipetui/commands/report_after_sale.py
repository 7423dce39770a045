"""`pipetui report customers` (the figures after the sale) and `pipetui
report losses` (why deals are lost)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pipetui.commands.common import add_json
from pipetui.commands.lazy import LazyModule
from pipetui.commands.output import print_json, print_table, say
from pipetui.commands.report_cohort import (
    add_cohort_options,
    cohort,
    cohort_json,
    cohort_text,
    heading,
    span_text,
)
from pipetui.commands.report_cohort import period as period_of
from pipetui.commands.report_compare import add_compare, compared
from pipetui.domain.dates import iso_date
from pipetui.domain.funnel import percent_text
from pipetui.services.serialize import rate_json
from pipetui.services.workspace import Workspace

if TYPE_CHECKING:
    from pipetui.services import reports as service
else:
    service = LazyModule("pipetui.services.reports")


def register_customers(sub: Any, common: argparse.ArgumentParser) -> None:
    """`report customers [--since --until] [--tag T] [--source S] [--churn-days N]
    [--json] [--compare]`."""
    parser = sub.add_parser(
        "customers",
        help="lifetime value, repeat purchases, churn, ROI per source, NPS",
        parents=[common],
    )
    parser.add_argument("--since", metavar="DATE", help="purchases on or after this day")
    parser.add_argument("--until", metavar="DATE", help="purchases on or before this day")
    add_cohort_options(parser, contacts=True)
    parser.add_argument(
        "--churn-days",
        metavar="N",
        type=int,
        help="churned: no purchase in N days (default: the churn_days setting, 365)",
    )
    add_json(parser)
    add_compare(parser)
    parser.set_defaults(func=compared(run_customers))


def run_customers(args: argparse.Namespace, ws: Workspace) -> int:
    """Lifetime value, repeat rate, churn and retention, after-sale steps, ROI, NPS."""
    from pipetui.services.customers import (
        check_churn_days,
        customers_json,
        customers_report,
        money_text,
    )

    days = ws.settings.churn_days if args.churn_days is None else args.churn_days
    check_churn_days(days, field="churn-days")
    period = period_of(args)
    tags = cohort(args).tags
    report = customers_report(ws.db, period=period, source=args.source, churn_days=days, tags=tags)
    if args.json:
        print_json({**customers_json(report), **cohort_json(args)})
        return 0
    tagged = " · ".join(f"tag {t}" for t in tags) or None
    span = span_text(period, "purchases")
    say(" · ".join(p for p in ("Customers", report.source, tagged, span) if p))
    say(
        f"Customers {report.customers} · repeat customers {report.repeat_customers}"
        f" · repeat-purchase rate {percent_text(report.repeat_rate)}"
    )
    say(
        f"Churn {percent_text(report.churn.churn)} ({report.churn.churned} of"
        f" {report.churn.customers} without a purchase in {report.churn_days} days)"
        f" · retention {percent_text(report.churn.retention)}"
    )
    say("")
    print_table(
        ["Lifetime value", "Customers", "Mean", "Median", "Total"],
        [
            [
                v.currency,
                v.customers,
                money_text(v.mean_minor, v.currency),
                money_text(v.median_minor, v.currency),
                money_text(v.total_minor, v.currency),
            ]
            for v in report.lifetime
        ],
    )
    say("")
    print_table(
        ["After the sale", "Reached", "Conversion", "Drop-off"],
        [
            [s.name, s.reached, percent_text(s.conversion_to_next), s.drop_off]
            for s in report.steps.steps
        ],
    )
    say("")
    print_table(
        ["Source", "Won value", "Spend", "ROI"],
        [
            [
                r.source,
                money_text(r.won_minor, r.currency),
                money_text(r.spend_minor, r.currency),
                percent_text(r.roi),
            ]
            for r in report.returns
        ],
        max_col=60,
    )
    if report.spend_note:
        say(f"Spend and ROI: — ({report.spend_note})")
    say("")
    say(f"NPS {report.nps.text()}")
    print_table(
        ["NPS by source", "NPS", "Answers"],
        [[name, value.score_text(), value.answers] for name, value in report.nps_by_source],
        max_col=60,
    )
    return 0


def _loss_lines_json(lines: Any, key: str) -> list[dict[str, Any]]:
    return [
        {
            key: line.name,
            "lost": line.count,
            "value": line.value.as_json(),
            "share": rate_json(line.share),
        }
        for line in lines
    ]


def losses_json(report: service.LossesReport) -> dict[str, Any]:
    """`report losses --json`: shares as fractions of 1 of the lost deals,
    value per currency."""
    losses = report.losses
    return {
        "pipeline": report.pipeline.name,
        "since": iso_date(report.period.since),
        "until": iso_date(report.period.until),
        "lost": losses.lost,
        "value": losses.value.as_json(),
        "by_reason": _loss_lines_json(losses.by_reason, "reason"),
        "by_stage": _loss_lines_json(losses.by_stage, "stage"),
        "disqualified": losses.disqualified,
        "by_criterion": _loss_lines_json(losses.by_criterion, "criterion"),
    }


def run_losses(args: argparse.Namespace, ws: Workspace) -> int:
    """Why deals are lost: by reason, by stage, disqualifications by criterion."""
    period = period_of(args)
    report = service.losses_report(
        ws.db, pipeline=args.pipeline, period=period, segment=cohort(args)
    )
    if args.json:
        print_json({**losses_json(report), **cohort_json(args)})
        return 0
    losses = report.losses
    say(heading(report.pipeline.name, period, cohort_text(args), "lost"))
    say(f"Lost {losses.lost} · value {losses.value.format()}")
    for title, lines in (
        ("Reason", losses.by_reason),
        ("Lost in stage", losses.by_stage),
        ("Disqualified for", losses.by_criterion),
    ):
        say("")
        print_table(
            [title, "Lost", "Share", "Value"],
            [
                [line.name, line.count, percent_text(line.share), line.value.format()]
                for line in lines
            ],
            max_col=60,
        )
    return 0
