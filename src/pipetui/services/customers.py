"""`report customers` and the funnel screen's "After the sale": lifetime value,
repeat purchases, churn and retention, ROI per lead source, the journey funnel
after purchase, and NPS (definitions: `pipetui.domain.customers`).

Everything is read in one read transaction; the database counts and sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from pipetui.domain.customers import (
    CHURN_DAYS,
    Churn,
    LifetimeValue,
    SourceReturn,
    after_sale_steps,
    lifetime_values,
    repeat_rate,
)
from pipetui.domain.dates import iso_date, iso_utc
from pipetui.domain.errors import ValidationError
from pipetui.domain.funnel import Steps, round_half_up
from pipetui.domain.money import Money
from pipetui.domain.text import clean_text, search_key
from pipetui.domain.timeline import Nps
from pipetui.services import clock
from pipetui.services.reports import ALL_TIME, NO_SOURCE, SPEND_NOTE, Period
from pipetui.services.serialize import rate_json, steps_json
from pipetui.store import customers as store
from pipetui.store import funnel as funnel_store
from pipetui.store.database import Database

MAX_CHURN_DAYS = 36_500


def check_churn_days(days: object, *, field: str = "churn_days") -> int:
    """A churn window: a whole number of days, 1 to 36,500."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_CHURN_DAYS:
        raise ValidationError(field, f"must be a whole number of days from 1 to {MAX_CHURN_DAYS:,}")
    return days


@dataclass(frozen=True, slots=True)
class CustomersReport:
    """Every figure after the sale, for a period (purchases in it) and
    optionally one lead source (the contacts', or for ROI the deals') and
    tags (the contacts'; for ROI the deal's or its contact's)."""

    period: Period
    source: str | None
    churn_days: int
    churn_at: datetime
    """Churn is measured at the period's end (now when it is open)."""
    customers: int
    repeat_customers: int
    lifetime: list[LifetimeValue]
    churn: Churn
    steps: Steps
    returns: list[SourceReturn]
    nps: Nps
    nps_by_source: list[tuple[str, Nps]]
    tags: tuple[str, ...] = ()

    @property
    def spend_note(self) -> str | None:
        """Why spend and ROI are not shown: the cohort is narrowed by tag."""
        return SPEND_NOTE if self.tags else None

    @property
    def repeat_rate(self) -> Fraction | None:
        """Customers with two purchases or more over customers."""
        return repeat_rate(self.repeat_customers, self.customers)


def _matching(known: list[str], wanted: str) -> list[str]:
    key = search_key(wanted)
    return [source for source in known if search_key(source) == key]


def customers_report(
    db: Database,
    *,
    period: Period = ALL_TIME,
    source: str | None = None,
    churn_days: int = CHURN_DAYS,
    tags: Sequence[str] = (),
) -> CustomersReport:
    """The figures after the sale (README, "After the sale"). With `tags`,
    spend is not read: it is recorded per source and month, not per tag, so
    ROI has no spend to go on (`SPEND_NOTE`)."""
    check_churn_days(churn_days)
    wanted = clean_text(source, single_line=True) if source is not None else None
    if source is not None and not wanted:
        raise ValidationError("source", "name the lead source")
    since, until = period.bounds()
    now = clock.now()
    ended = until is not None and until < now
    end = until if until is not None and ended else now
    tags = tuple(tags)
    with db.read() as conn:
        sources = _matching(store.known_sources(conn), wanted) if wanted else None
        after = store.after_sale(conn, since, until, sources, tags)
        counted, lapsed = store.churned(
            conn, end, churn_days, sources, upto=until if ended else None, tags=tags
        )
        per_customer = store.won_per_customer(conn, since, until, sources, tags)
        won = store.won_by_source(conn, since, until, sources, tags)
        spent = None if tags else funnel_store.spend(conn, period.months())
        scores = store.scores_by_source(conn, since, until, sources, tags)
    return CustomersReport(
        period=period,
        source=wanted,
        churn_days=churn_days,
        churn_at=end,
        customers=after.customers,
        repeat_customers=after.repeat,
        lifetime=lifetime_values(per_customer),
        churn=Churn(counted, lapsed),
        steps=after_sale_steps(after.customers, after.loyal, after.advocates),
        returns=_returns(won, spent, wanted),
        nps=Nps(
            sum(r.promoters for r in scores),
            sum(r.passives for r in scores),
            sum(r.detractors for r in scores),
        ),
        nps_by_source=_nps_by_source(scores),
        tags=tags,
    )


def _returns(
    won: list[store.WonBySource], spent: list[funnel_store.SpendRow] | None, wanted: str | None
) -> list[SourceReturn]:
    """Won value and spend per source (matched in any case) and currency;
    `spent` None: spend unknown for the cohort (every spend None)."""
    names: dict[str, str] = {}
    sums: dict[tuple[str, str], list[int]] = {}
    for row in won:
        key = search_key(row.source) if row.source else ""
        names.setdefault(key, row.source or NO_SOURCE)
        sums.setdefault((key, row.currency), [0, 0])[0] += row.won_minor
    for item in spent or []:
        if wanted is not None and item.source_key != search_key(wanted):
            continue
        names.setdefault(item.source_key, item.source)
        sums.setdefault((item.source_key, item.currency), [0, 0])[1] += item.amount_minor
    found = [
        SourceReturn(names[key], currency, won_minor, None if spent is None else spend_minor)
        for (key, currency), (won_minor, spend_minor) in sums.items()
    ]
    return sorted(found, key=lambda r: (search_key(r.source), r.currency))


def _nps_by_source(rows: list[store.ScoreRow]) -> list[tuple[str, Nps]]:
    merged: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for row in rows:
        key = search_key(row.source) if row.source else ""
        names.setdefault(key, row.source or NO_SOURCE)
        counts = merged.setdefault(key, [0, 0, 0])
        counts[0] += row.promoters
        counts[1] += row.passives
        counts[2] += row.detractors
    return sorted(
        ((names[key], Nps(*counts)) for key, counts in merged.items()),
        key=lambda item: search_key(item[0]),
    )


# --- the shared forms ---------------------------------------------------------------


def money_text(minor: Fraction | int | None, currency: str) -> str:
    """An exact amount rounded (halves up) to the currency's minor unit, for
    people; "—" for an amount not known."""
    if minor is None:
        return "—"
    return Money(round_half_up(Fraction(minor)), currency).format()


def _money_json(minor: Fraction | int | None, currency: str) -> str | None:
    if minor is None:
        return None
    return Money(round_half_up(Fraction(minor)), currency).amount_str()


def nps_json(value: Nps) -> dict[str, Any]:
    """NPS with its answers (score −100…100, None without answers)."""
    score = value.score
    return {
        "score": None if score is None else float(score),
        "promoters": value.promoters,
        "passives": value.passives,
        "detractors": value.detractors,
        "answers": value.answers,
    }


def customers_json(report: CustomersReport) -> dict[str, Any]:
    """`report customers --json`."""
    return {
        "since": iso_date(report.period.since),
        "until": iso_date(report.period.until),
        "source": report.source,
        **({"tags": list(report.tags), "spend_note": report.spend_note} if report.tags else {}),
        "customers": report.customers,
        "repeat_customers": report.repeat_customers,
        "repeat_rate": rate_json(report.repeat_rate),
        "lifetime_value": {
            "customers": {v.currency: v.customers for v in report.lifetime},
            "total": {v.currency: _money_json(v.total_minor, v.currency) for v in report.lifetime},
            "mean": {v.currency: _money_json(v.mean_minor, v.currency) for v in report.lifetime},
            "median": {
                v.currency: _money_json(v.median_minor, v.currency) for v in report.lifetime
            },
        },
        "churn_days": report.churn_days,
        "churn_at": iso_utc(report.churn_at),
        "churn_customers": report.churn.customers,
        "churned": report.churn.churned,
        "churn": rate_json(report.churn.churn),
        "retention": rate_json(report.churn.retention),
        "after_sale": steps_json(report.period, report.steps)["stages"],
        "roi_by_source": [
            {
                "source": r.source,
                "currency": r.currency,
                "won_value": _money_json(r.won_minor, r.currency),
                "spend": _money_json(r.spend_minor, r.currency),
                "roi": rate_json(r.roi),
            }
            for r in report.returns
        ],
        "nps": nps_json(report.nps),
        "nps_by_source": [
            {"source": name, **nps_json(value)} for name, value in report.nps_by_source
        ],
    }
