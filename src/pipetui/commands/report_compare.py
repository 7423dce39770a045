"""`--compare previous|year`: any report against an earlier period.

One wrapper (`compared`) runs a report for its period and the prior one,
each as `--json` would print it, and shows the change of every figure
(`pipetui.domain.compare`), so every report, including ones added later,
compares the same way.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pipetui.commands.lazy import LazyModule
from pipetui.commands.output import print_json, print_table, say
from pipetui.commands.report_cohort import period as period_of
from pipetui.domain.errors import ValidationError
from pipetui.services.workspace import Workspace

if TYPE_CHECKING:
    from pipetui.services import reports as service
else:
    service = LazyModule("pipetui.services.reports")

Runner = Callable[[argparse.Namespace, Workspace], int]


def add_compare(parser: argparse.ArgumentParser) -> None:
    """The `--compare` option of a report (it needs a period)."""
    parser.add_argument(
        "--compare",
        choices=("previous", "year"),
        help="also the period just before (previous) or a year earlier (year), and the change",
    )


def compared(func: Runner) -> Runner:
    """`func` (any report) with `--compare`: run for the period and the prior
    one, each as `--json` would print it, and show the change of every figure."""

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

    period = period_of(args)
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
