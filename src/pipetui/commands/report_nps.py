"""`pipetui report nps`: NPS per month, over the whole period and per lead source."""

from __future__ import annotations

import argparse
from typing import Any

from pipetui.commands.common import add_json
from pipetui.commands.output import print_json, print_table, say
from pipetui.commands.report_cohort import (
    add_cohort_options,
    add_period_options,
    cohort_json,
    cohort_text,
    contact_cohort,
)
from pipetui.services import inputs
from pipetui.services.workspace import Workspace


def register_nps(sub: Any, common: argparse.ArgumentParser) -> None:
    """`report nps [--since --until] [--tag T] [--source S] [--json]`."""
    parser = sub.add_parser(
        "nps",
        help="NPS per month (default: the last 12), over the period and per lead source",
        parents=[common],
    )
    add_period_options(parser, "answered")
    add_cohort_options(parser, contacts=True)
    add_json(parser)
    parser.set_defaults(func=run_nps)


def _row(name: str, value: Any) -> list[object]:
    return [
        name,
        value.score_text(),
        value.promoters,
        value.passives,
        value.detractors,
        value.answers,
    ]


def run_nps(args: argparse.Namespace, ws: Workspace) -> int:
    """Each month's NPS, the whole period's and each source's."""
    from pipetui.services.nps import nps_report, nps_report_json

    segment = contact_cohort(args)
    report = nps_report(
        ws.db,
        since=inputs.optional_date(args.since, field="since"),
        until=inputs.optional_date(args.until, field="until"),
        segment=None if segment.empty else segment,
    )
    if args.json:
        print_json({**nps_report_json(report), **cohort_json(args)})
        return 0
    span = f"answered {report.since.isoformat()} to {report.until.isoformat()}"
    say(" · ".join(p for p in ("NPS by month", span, cohort_text(args)) if p))
    headers = ["Promoters", "Passives", "Detractors", "Answers"]
    series = report.series
    print_table(["Month", "NPS", *headers], [_row(m, v) for m, v in series.months])
    say(f"Whole period: NPS {series.whole.text()}")
    if series.by_source:
        say("")
        print_table(
            ["Source", "NPS", *headers],
            [_row(name, value) for name, value in series.by_source],
            max_col=60,
        )
    return 0
