"""`pipetui deal qualify|disqualify`: BANT answers from the command line.

The options come from the framework's data table (`pipetui.domain.bant.BANT`):
`--budget STATUS` for each criterion and `--budget-amount` etc. for each detail
it records, so a framework added as data gets its options without new code.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pipetui.commands.common import deal_id
from pipetui.commands.lazy import LazyModule
from pipetui.commands.output import print_json, say
from pipetui.domain.bant import BANT, AnswerPatch, Detail, detail_field, parse_answer
from pipetui.domain.text import clean_text
from pipetui.services import clock, inputs
from pipetui.services.serialize import assessment_json, bant_json, deal_json
from pipetui.services.workspace import Workspace

if TYPE_CHECKING:
    from pipetui.services import deals as deal_service
    from pipetui.services import qualification as service
else:
    deal_service = LazyModule("pipetui.services.deals")
    service = LazyModule("pipetui.services.qualification")


_HELP = {
    Detail.AMOUNT: ("AMOUNT", 'the budget, e.g. "12,000 ILS" ("" clears it)'),
    Detail.WHO: ("NAME", 'who decides, e.g. "CFO" ("" clears it)'),
    Detail.NOTE: ("TEXT", 'a note, e.g. the pain in their words ("" clears it)'),
    Detail.DATE: ("DATE", 'the target date, e.g. 2027-03-31, +1m, "next month" ("" clears it)'),
}


def add_options(parser: argparse.ArgumentParser) -> None:
    """A status option per criterion and an option per detail it records."""
    for criterion in BANT.criteria:
        parser.add_argument(
            f"--{criterion.key}",
            metavar="STATUS",
            help=f"{criterion.label}: unknown, no, partial or yes",
        )
        for detail in criterion.details:
            metavar, help_text = _HELP[detail]
            parser.add_argument(
                f"--{detail_field(criterion.key, detail)}",
                dest=f"{criterion.key}_{detail.value}",
                metavar=metavar,
                help=help_text,
            )


def _patch(args: argparse.Namespace, ws: Workspace) -> dict[str, AnswerPatch]:
    """The answers given on the command line, parsed; each error names its option.

    An amount without a currency is in the deal's currency."""
    currency = deal_service.show_deal(ws.db, deal_id(args.id)).view.deal.value.currency
    parsers: dict[Detail, Callable[[str, str], Any]] = {
        Detail.AMOUNT: lambda text, field: (
            inputs.money(text, None, currency, field=field) if text.strip() else None
        ),
        Detail.WHO: lambda text, field: clean_text(text, single_line=True) or None,
        Detail.NOTE: lambda text, field: clean_text(text) or None,
        Detail.DATE: lambda text, field: inputs.optional_date(text, field=field),
    }
    patch: dict[str, AnswerPatch] = {}
    for criterion in BANT.criteria:
        fields: dict[str, Any] = {}
        status = getattr(args, criterion.key)
        if status is not None:
            fields["status"] = parse_answer(status, field=criterion.key)
        for detail in criterion.details:
            text = getattr(args, f"{criterion.key}_{detail.value}")
            if text is not None:
                field = detail_field(criterion.key, detail)
                fields[detail.attribute] = parsers[detail](text, field)
        if fields:
            patch[criterion.key] = AnswerPatch(**fields)  # type: ignore[typeddict-item]
    return patch


def run_qualify(args: argparse.Namespace, ws: Workspace) -> int:
    """Save the given answers; print the score, verdict and what changed."""
    result = service.qualify_deal(
        ws.db,
        deal_id(args.id),
        _patch(args, ws),
        thresholds=ws.settings.bant,
        seen_version=args.if_version,
    )
    if args.json:
        print_json(
            {
                **deal_json(result.view, clock.now()),
                "bant": {
                    "answers": bant_json(result.assessment.answers, result.assessment)["answers"],
                    **assessment_json(result.assessment),
                },
                "changes": [change.describe() for change in result.changes],
            }
        )
        return 0
    deal, a = result.view.deal, result.assessment
    say(f"Deal #{deal.id} {deal.title!r}: {a.verdict.value} ({a.percent} %): {a.reason}")
    for change in result.changes:
        say(f"  {change.describe()}")
    if not result.changes:
        say("  nothing changed")
    return 0


def run_disqualify(args: argparse.Namespace, ws: Workspace) -> int:
    """Mark the deal lost as disqualified (after saving any answers given)."""
    view, reason = service.disqualify_deal(
        ws.db,
        deal_id(args.id),
        _patch(args, ws) or None,
        thresholds=ws.settings.bant,
        seen_version=args.if_version,
    )
    if args.json:
        print_json(deal_json(view, clock.now()))
    else:
        say(f"Lost deal #{view.deal.id} {view.deal.title!r}: {reason}")
    return 0
