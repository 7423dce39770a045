"""`pipetui report funnel|forecast|sources|journey` and `pipetui source spend`;
the registration of every `report` (customers and losses:
`report_after_sale`, nps: `report_nps`, `--compare`: `report_compare`,
period and cohort options: `report_cohort`).

Every figure comes from `pipetui.services` (one definition, shared with the
TUI's funnel pane); `--json` prints it for scripts, text is a table.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pipetui.commands.common import add_json
from pipetui.commands.lazy import LazyModule
from pipetui.commands.output import print_json, print_table, say
from pipetui.commands.report_after_sale import register_customers, run_losses
from pipetui.commands.report_cohort import (
    add_cohort_options,
    add_period_options,
    cohort,
    cohort_json,
    cohort_text,
    contact_cohort,
    heading,
)
from pipetui.commands.report_cohort import period as _period
from pipetui.commands.report_compare import add_compare, compared
from pipetui.commands.report_nps import register_nps
from pipetui.domain.errors import ValidationError
from pipetui.domain.funnel import days_text, percent_text
from pipetui.services import inputs
from pipetui.services.serialize import forecast_json, funnel_json, sources_json, steps_json
from pipetui.services.workspace import Workspace

__all__ = ["add_cohort_options", "cohort", "contact_cohort", "register"]

if TYPE_CHECKING:
    from pipetui.services import reports as service
else:
    service = LazyModule("pipetui.services.reports")


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add the `report` and `source` commands."""
    report = commands.add_parser(
        "report",
        help="funnel, forecast, lead sources, journey, losses, customers, NPS",
        parents=[common],
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
        add_period_options(parser)
        add_cohort_options(parser, contacts=not scoped)
        add_json(parser)
        add_compare(parser)
        parser.set_defaults(func=compared(func))

    register_customers(sub, common)
    register_nps(sub, common)

    source = commands.add_parser("source", help="spend per lead source", parents=[common])
    actions = source.add_subparsers(dest="action", metavar="ACTION", required=True)
    spend = actions.add_parser("spend", help="record a month's spend", parents=[common])
    spend.add_argument("source", metavar="SOURCE")
    spend.add_argument("month", metavar="YYYY-MM")
    spend.add_argument("amount", metavar="AMOUNT", help='e.g. "1,500 USD"')
    add_json(spend)
    spend.set_defaults(func=run_spend)


def run_funnel(args: argparse.Namespace, ws: Workspace) -> int:
    """The funnel of a pipeline."""
    report = service.funnel_report(
        ws.db, pipeline=args.pipeline, period=_period(args), segment=cohort(args)
    )
    if args.json:
        print_json({**funnel_json(report), **cohort_json(args)})
        return 0
    f = report.funnel
    say(heading(report.pipeline.name, report.period, cohort_text(args)))
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
    say(heading(report.pipeline.name, report.period, cohort_text(args)))
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
    period, segment = _period(args), cohort(args)
    pipeline, sources = service.sources_report(
        ws.db, pipeline=args.pipeline, period=period, segment=segment
    )
    if args.json:
        note = {"spend_note": service.SPEND_NOTE} if segment.tags else {}
        print_json({**sources_json(pipeline, period, sources), **note, **cohort_json(args)})
        return 0
    say(heading(pipeline.name, period, cohort_text(args)))
    print_table(
        ["Source", "Deals", "Won", "Win rate", "Won value", "Spend", "Per lead", "CAC"],
        [
            [
                s.source,
                s.deals,
                s.won,
                percent_text(s.win_rate),
                s.won_value.format(),
                *(
                    (s.spend.format(), s.cost_per_lead.format(), s.acquisition_cost.format())
                    if s.spend_known
                    else ("—", "—", "—")
                ),
            ]
            for s in sources
        ],
        max_col=60,
    )
    if segment.tags:
        say(f"Spend, per lead and CAC: — ({service.SPEND_NOTE})")
    return 0


def run_journey(args: argparse.Namespace, ws: Workspace) -> int:
    """The marketing funnel over contacts, NPS, repeat customers, stages now."""
    from pipetui.services.journey import journey_figures

    period, segment = _period(args), contact_cohort(args)
    steps = service.journey_report(ws.db, period=period, segment=segment)
    figures = journey_figures(ws.db, period=period, segment=None if segment.empty else segment)
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
    say(heading("Contacts", period, cohort_text(args)))
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
