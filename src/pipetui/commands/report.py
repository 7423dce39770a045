"""`pipetui report funnel|forecast|sources|journey` and `pipetui source spend`.

Every figure comes from `pipetui.services.reports` (one definition, shared
with the TUI's funnel pane); `--json` prints it for scripts, text is a table.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pipetui.commands.common import add_json
from pipetui.commands.lazy import LazyModule
from pipetui.commands.output import print_json, print_table, say
from pipetui.commands.segments import add_segment_options, deal_segment
from pipetui.domain.dates import iso_date
from pipetui.domain.errors import ValidationError
from pipetui.domain.funnel import days_text, percent_text
from pipetui.domain.segments import ContactSegment, DealSegment
from pipetui.services import inputs
from pipetui.services.serialize import (
    forecast_json,
    funnel_json,
    rate_json,
    sources_json,
    steps_json,
)
from pipetui.services.workspace import Workspace

if TYPE_CHECKING:
    from pipetui.services import reports as service
else:
    service = LazyModule("pipetui.services.reports")


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add the `report` and `source` commands."""
    report = commands.add_parser(
        "report", help="funnel, forecast, lead sources, journey", parents=[common]
    )
    sub = report.add_subparsers(dest="action", metavar="REPORT", required=True)
    for name, help_text, func, scoped in (
        ("funnel", "conversion and drop-off per stage, win rate, velocity", run_funnel, True),
        ("forecast", "open and weighted value by stage and close month", run_forecast, True),
        ("sources", "deals, wins, cost per lead and CAC per lead source", run_sources, True),
        ("journey", "contacts by furthest journey stage reached", run_journey, False),
        ("losses", "lost deals by reason, stage and BANT criterion", run_losses, True),
    ):
        parser = sub.add_parser(name, help=help_text, parents=[common])
        if scoped:
            parser.add_argument("--pipeline", metavar="NAME", help="default: the first")
        parser.add_argument(
            "--since", metavar="DATE", help='created on or after: 2026-01-01, "30 days ago", =-4w'
        )
        parser.add_argument("--until", metavar="DATE", help="created on or before (e.g. today)")
        add_cohort_options(parser, contacts=not scoped)
        add_json(parser)
        add_compare(parser)
        parser.set_defaults(func=compared(func))

    register_customers(sub, common)

    source = commands.add_parser("source", help="spend per lead source", parents=[common])
    actions = source.add_subparsers(dest="action", metavar="ACTION", required=True)
    spend = actions.add_parser("spend", help="record a month's spend", parents=[common])
    spend.add_argument("source", metavar="SOURCE")
    spend.add_argument("month", metavar="YYYY-MM")
    spend.add_argument("amount", metavar="AMOUNT", help='e.g. "1,500 USD"')
    add_json(spend)
    spend.set_defaults(func=run_spend)


def add_cohort_options(parser: argparse.ArgumentParser, *, contacts: bool = False) -> None:
    """`--tag NAME` (repeatable) and `--source NAME`: the report's cohort is
    only the deals (or, with `contacts`, the contacts) of that segment. A
    deal counts as tagged when it or its contact carries the tag; its source
    is the deal's lead source (a contact's, for contacts)."""
    who = "contacts" if contacts else "deals"
    add_segment_options(parser, source_help=f"only {who} from this lead source (any case)")


def cohort(args: argparse.Namespace) -> DealSegment:
    """The deals `--tag`/`--source` narrow a report to (a contact's tag counts
    for their deals)."""
    return deal_segment(args, contact_tags=True)


def contact_cohort(args: argparse.Namespace) -> ContactSegment:
    """The contacts `--tag`/`--source` narrow the journey report to."""
    deals = deal_segment(args)
    return ContactSegment(tags=deals.tags, source=deals.source)


def cohort_json(args: argparse.Namespace) -> dict[str, Any]:
    """{"cohort": {"tags": [...], "source": ...}} when the report is narrowed,
    else nothing (the JSON of an unnarrowed report is as it was)."""
    segment = deal_segment(args)
    if segment.empty:
        return {}
    return {"cohort": {"tags": list(segment.tags), "source": segment.source}}


def _cohort_text(args: argparse.Namespace) -> str | None:
    segment = deal_segment(args)
    parts = [f"tag {t}" for t in segment.tags]
    parts += [f"source {segment.source}"] if segment.source else []
    return " · ".join(parts) or None


def _period(args: argparse.Namespace) -> service.Period:
    return service.Period(
        inputs.optional_date(args.since, field="since"),
        inputs.optional_date(args.until, field="until"),
    )


def _heading(pipeline: str | None, period: service.Period, narrowed: str | None = None) -> str:
    since = period.since.isoformat() if period.since else "the start"
    until = period.until.isoformat() if period.until else "today"
    span = "all time" if period == service.ALL_TIME else f"created {since} to {until}"
    return " · ".join(part for part in (pipeline, span, narrowed) if part)


def run_funnel(args: argparse.Namespace, ws: Workspace) -> int:
    """The funnel of a pipeline."""
    report = service.funnel_report(
        ws.db, pipeline=args.pipeline, period=_period(args), segment=cohort(args)
    )
    if args.json:
        print_json({**funnel_json(report), **cohort_json(args)})
        return 0
    f = report.funnel
    say(_heading(report.pipeline.name, report.period, _cohort_text(args)))
    print_table(
        ["Stage", "Reached", "Conversion", "Drop-off", "Open", "Open value", "Avg time"],
        [
            [
                s.name + (" ◀ bottleneck" if s.name == f.bottleneck else ""),
                s.reached,
                percent_text(s.conversion_to_next),
                s.drop_off,
                s.open,
                s.open_value.format(),
                days_text(s.avg_days_in_stage),
            ]
            for s in f.stages
        ],
        max_col=60,
    )
    say(
        f"Won {f.won} · lost {f.lost} · open {f.open} · win rate {percent_text(f.win_rate)}"
        f" · overall conversion {percent_text(f.overall_conversion)}"
    )
    say(f"Open value {f.open_value.format()} · weighted forecast {f.weighted_forecast.format()}")
    say(
        f"Average won value {f.avg_won_value.format()} · average cycle "
        f"{days_text(f.avg_cycle_days)} · sales velocity "
        f"{f.sales_velocity_text()} per day"
    )
    return 0


def run_forecast(args: argparse.Namespace, ws: Workspace) -> int:
    """Open and weighted value by stage and by expected close month."""
    report, months = service.forecast_report(
        ws.db, pipeline=args.pipeline, period=_period(args), segment=cohort(args)
    )
    if args.json:
        print_json({**forecast_json(report, months), **cohort_json(args)})
        return 0
    f = report.funnel
    say(_heading(report.pipeline.name, report.period, _cohort_text(args)))
    print_table(
        ["Stage", "Open", "Open value", "Weighted"],
        [[s.name, s.open, s.open_value.format(), s.weighted_value.format()] for s in f.stages],
        max_col=60,
    )
    say("")
    print_table(
        ["Expected close", "Open", "Open value", "Weighted"],
        [
            [m.month or "no date", m.open, m.open_value.format(), m.weighted.format()]
            for m in months
        ],
        max_col=60,
    )
    say(f"Total open {f.open_value.format()} · weighted forecast {f.weighted_forecast.format()}")
    return 0


def run_sources(args: argparse.Namespace, ws: Workspace) -> int:
    """Per lead source: deals, wins, value, and spend-based costs."""
    period = _period(args)
    pipeline, sources = service.sources_report(
        ws.db, pipeline=args.pipeline, period=period, segment=cohort(args)
    )
    if args.json:
        print_json({**sources_json(pipeline, period, sources), **cohort_json(args)})
        return 0
    say(_heading(pipeline.name, period, _cohort_text(args)))
    print_table(
        ["Source", "Deals", "Won", "Win rate", "Won value", "Spend", "Per lead", "CAC"],
        [
            [
                s.source,
                s.deals,
                s.won,
                percent_text(s.win_rate),
                s.won_value.format(),
                s.spend.format(),
                s.cost_per_lead.format(),
                s.acquisition_cost.format(),
            ]
            for s in sources
        ],
        max_col=60,
    )
    return 0


def run_journey(args: argparse.Namespace, ws: Workspace) -> int:
    """The marketing funnel over contacts, NPS, repeat customers, stages now."""
    from pipetui.services.journey import journey_figures

    period = _period(args)
    steps = service.journey_report(ws.db, period=period, segment=contact_cohort(args))
    figures = journey_figures(ws.db, period=period)
    score = figures.nps.score
    if args.json:
        print_json(
            {
                **steps_json(period, steps),
                "nps": {
                    "score": None if score is None else float(score),
                    "promoters": figures.nps.promoters,
                    "passives": figures.nps.passives,
                    "detractors": figures.nps.detractors,
                    "answers": figures.nps.answers,
                },
                "customers": figures.customers,
                "repeat_customers": figures.repeat_customers,
                "contacts_by_stage": figures.by_stage,
                **cohort_json(args),
            }
        )
        return 0
    say(_heading("Contacts", period, _cohort_text(args)))
    print_table(
        ["Journey stage", "Reached", "Conversion", "Drop-off"],
        [
            [
                s.name + (" ◀ bottleneck" if s.name == steps.bottleneck else ""),
                s.reached,
                percent_text(s.conversion_to_next),
                s.drop_off,
            ]
            for s in steps.steps
        ],
    )
    say(f"Overall conversion {percent_text(steps.overall_conversion)}")
    say(
        f"NPS {figures.nps.text()} · customers {figures.customers}"
        f" · repeat customers {figures.repeat_customers}"
    )
    say("Contacts now: " + " · ".join(f"{k} {v}" for k, v in figures.by_stage.items() if v))
    return 0


def run_spend(args: argparse.Namespace, ws: Workspace) -> int:
    """Record what a lead source cost in a month."""
    if not args.amount.strip():
        raise ValidationError("amount", 'say how much, e.g. "1,500 USD"')
    amount = inputs.money(args.amount, None, ws.settings.default_currency, field="amount")
    source, month = service.set_source_spend(
        ws.db, source=args.source, month=args.month, amount=amount
    )
    if args.json:
        print_json(
            {
                "source": source,
                "month": month,
                "amount": amount.amount_str(),
                "currency": amount.currency,
            }
        )
    else:
        say(f"Spend on {source!r} in {month}: {amount.format()}")
    return 0


# --- `--compare previous|year`: any report against an earlier period ----------------


def add_compare(parser: argparse.ArgumentParser) -> None:
    """The `--compare` option of a report (it needs a period)."""
    parser.add_argument(
        "--compare",
        choices=("previous", "year"),
        help="also the period just before (previous) or a year earlier (year), and the change",
    )


Runner = Callable[[argparse.Namespace, Workspace], int]


def compared(func: Runner) -> Runner:
    """`func` (any report) with `--compare`: run for the period and the prior
    one, each as `--json` would print it, and show the change of every figure
    (`pipetui.domain.compare`). One wrapper, so every report, including ones
    added later, compares the same way."""

    @functools.wraps(func)
    def run(args: argparse.Namespace, ws: Workspace) -> int:
        how = getattr(args, "compare", None)
        return func(args, ws) if not how else _run_compared(func, args, ws, how)

    return run


def _json_for(func: Runner, args: argparse.Namespace, ws: Workspace, period: service.Period) -> Any:
    copy = argparse.Namespace(**vars(args))
    copy.since = period.since.isoformat() if period.since else None
    copy.until = period.until.isoformat() if period.until else None
    copy.json, copy.compare = True, None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        func(copy, ws)
    return json.loads(out.getvalue())


def _span(period: service.Period) -> str:
    return f"{period.since} to {period.until}"


def _run_compared(func: Runner, args: argparse.Namespace, ws: Workspace, how: str) -> int:
    from pipetui.domain.compare import changes_json, compare_rows, figures_from_json, prior_period
    from pipetui.services import clock

    period = _period(args)
    if period.since is None:
        raise ValidationError(
            "compare",
            "--compare needs a period: give --since (and --until), e.g. "
            "--since 2026-10-01 --until 2026-10-31",
        )
    now = service.Period(period.since, period.until or clock.today())
    then = service.Period(*prior_period(now.since, now.until, how))  # type: ignore[arg-type]
    now_json, then_json = _json_for(func, args, ws, now), _json_for(func, args, ws, then)
    rows = compare_rows(figures_from_json(now_json), figures_from_json(then_json))
    if args.json:
        print_json({"now": now_json, "previous": then_json, "change": changes_json(rows)})
        return 0
    name = now_json.get("pipeline") if isinstance(now_json, dict) else None
    say(" · ".join(p for p in (name, f"{_span(now)} compared with {_span(then)}") if p))
    print_table(
        ["Figure", "Then → now (change)"],
        [[row.name.replace("_", " ").replace(".", " · "), row.text()] for row in rows],
        max_col=140,
    )
    return 0


# --- `report customers`: the figures after the sale ---------------------------------


def register_customers(sub: Any, common: argparse.ArgumentParser) -> None:
    """`report customers [--since --until] [--source] [--churn-days N] [--json] [--compare]`."""
    parser = sub.add_parser(
        "customers",
        help="lifetime value, repeat purchases, churn, ROI per source, NPS",
        parents=[common],
    )
    parser.add_argument("--since", metavar="DATE", help="purchases on or after this day")
    parser.add_argument("--until", metavar="DATE", help="purchases on or before this day")
    parser.add_argument("--source", metavar="SOURCE", help="only customers from this lead source")
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
    period = _period(args)
    report = customers_report(ws.db, period=period, source=args.source, churn_days=days)
    if args.json:
        print_json(customers_json(report))
        return 0
    since = period.since.isoformat() if period.since else "the start"
    until = period.until.isoformat() if period.until else "today"
    span = "all time" if period == service.ALL_TIME else f"purchases {since} to {until}"
    say(" · ".join(p for p in ("Customers", report.source, span) if p))
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
    say("")
    say(f"NPS {report.nps.text()}")
    print_table(
        ["NPS by source", "NPS", "Answers"],
        [[name, value.text(), value.answers] for name, value in report.nps_by_source],
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
    period = _period(args)
    report = service.losses_report(
        ws.db, pipeline=args.pipeline, period=period, segment=cohort(args)
    )
    if args.json:
        print_json({**losses_json(report), **cohort_json(args)})
        return 0
    losses = report.losses
    since = period.since.isoformat() if period.since else "the start"
    until = period.until.isoformat() if period.until else "today"
    span = "all time" if period == service.ALL_TIME else f"lost {since} to {until}"
    say(" · ".join(p for p in (report.pipeline.name, span, _cohort_text(args)) if p))
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
