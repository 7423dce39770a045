"""`pipetui report funnel|forecast|sources|journey` and `pipetui source spend`.

Every figure comes from `pipetui.services.reports` (one definition, shared
with the TUI's funnel pane); `--json` prints it for scripts, text is a table.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pipetui.commands.common import add_json
from pipetui.commands.lazy import LazyModule
from pipetui.commands.output import print_json, print_table, say
from pipetui.domain.errors import ValidationError
from pipetui.domain.funnel import days_text, percent_text
from pipetui.services import inputs
from pipetui.services.serialize import (
    forecast_json,
    funnel_json,
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
    ):
        parser = sub.add_parser(name, help=help_text, parents=[common])
        if scoped:
            parser.add_argument("--pipeline", metavar="NAME", help="default: the first")
        parser.add_argument(
            "--since", metavar="DATE", help='created on or after: 2026-01-01, "30 days ago", =-4w'
        )
        parser.add_argument("--until", metavar="DATE", help="created on or before (e.g. today)")
        add_json(parser)
        parser.set_defaults(func=func)

    source = commands.add_parser("source", help="spend per lead source", parents=[common])
    actions = source.add_subparsers(dest="action", metavar="ACTION", required=True)
    spend = actions.add_parser("spend", help="record a month's spend", parents=[common])
    spend.add_argument("source", metavar="SOURCE")
    spend.add_argument("month", metavar="YYYY-MM")
    spend.add_argument("amount", metavar="AMOUNT", help='e.g. "1,500 USD"')
    add_json(spend)
    spend.set_defaults(func=run_spend)


def _period(args: argparse.Namespace) -> service.Period:
    return service.Period(
        inputs.optional_date(args.since, field="since"),
        inputs.optional_date(args.until, field="until"),
    )


def _heading(pipeline: str | None, period: service.Period) -> str:
    since = period.since.isoformat() if period.since else "the start"
    until = period.until.isoformat() if period.until else "today"
    span = "all time" if period == service.ALL_TIME else f"created {since} to {until}"
    return " · ".join(part for part in (pipeline, span) if part)


def run_funnel(args: argparse.Namespace, ws: Workspace) -> int:
    """The funnel of a pipeline."""
    report = service.funnel_report(ws.db, pipeline=args.pipeline, period=_period(args))
    if args.json:
        print_json(funnel_json(report))
        return 0
    f = report.funnel
    say(_heading(report.pipeline.name, report.period))
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
        f"{f.sales_velocity_per_day.format()} per day"
    )
    return 0


def run_forecast(args: argparse.Namespace, ws: Workspace) -> int:
    """Open and weighted value by stage and by expected close month."""
    report, months = service.forecast_report(ws.db, pipeline=args.pipeline, period=_period(args))
    if args.json:
        print_json(forecast_json(report, months))
        return 0
    f = report.funnel
    say(_heading(report.pipeline.name, report.period))
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
    pipeline, sources = service.sources_report(ws.db, pipeline=args.pipeline, period=period)
    if args.json:
        print_json(sources_json(pipeline, period, sources))
        return 0
    say(_heading(pipeline.name, period))
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
    steps = service.journey_report(ws.db, period=period)
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
            }
        )
        return 0
    say(_heading("Contacts", period))
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
