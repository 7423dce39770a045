"""Why deals are lost, as arithmetic over grouped lost deals: by reason (any
case, most used spelling), by stage (every stage, in order), disqualifications
by BANT criterion; shares exact, money never summed across currencies."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from pipetui.domain.losses import (
    NO_REASON,
    LostGroup,
    compute_losses,
    disqualified_criterion,
    suggested_reasons,
)
from pipetui.domain.text import search_key

STAGES = ["Prospecting", "Qualification", "Proposal"]


def group(reason: str | None, stage: str, currency: str, count: int, value: int) -> LostGroup:
    return LostGroup(reason, stage, STAGES.index(stage) + 1, currency, count, value)


def test_a_seller_sees_price_as_the_main_reason_with_value_per_currency() -> None:
    losses = compute_losses(
        [
            group("Price", "Proposal", "ILS", 2, 1_000_000),
            group("price ", "Proposal", "USD", 1, 50_000),
            group("Went with a competitor", "Qualification", "ILS", 1, 300_000),
            group(None, "Prospecting", "ILS", 1, 0),
        ],
        STAGES,
    )
    assert losses.lost == 5
    assert losses.value.as_json() == {"ILS": "13000.00", "USD": "500.00"}
    price, competitor, none = losses.by_reason
    assert (price.name, price.count, price.share) == ("Price", 3, Fraction(3, 5))
    assert price.value.as_json() == {"ILS": "10000.00", "USD": "500.00"}  # never summed
    assert (competitor.name, competitor.count) == ("Went with a competitor", 1)
    assert (none.name, none.count) == (NO_REASON, 1)
    assert [(s.name, s.count) for s in losses.by_stage] == [
        ("Prospecting", 1),
        ("Qualification", 1),
        ("Proposal", 3),
    ]
    assert losses.disqualified == 0
    assert [(c.name, c.count) for c in losses.by_criterion] == [
        ("Budget", 0),
        ("Authority", 0),
        ("Need", 0),
        ("Timeline", 0),
    ]


def test_disqualifications_are_counted_by_the_criterion_named_in_the_reason() -> None:
    losses = compute_losses(
        [
            group("Disqualified: Budget", "Qualification", "ILS", 3, 0),
            group("disqualified: budget", "Prospecting", "USD", 1, 100),
            group("Disqualified: Authority", "Qualification", "ILS", 1, 0),
            group("Disqualified: Champion", "Qualification", "ILS", 1, 0),  # another framework
            group("Price", "Proposal", "ILS", 4, 0),
        ],
        STAGES,
    )
    assert losses.disqualified == 6
    assert [(c.name, c.count, c.share) for c in losses.by_criterion] == [
        ("Budget", 4, Fraction(4, 10)),
        ("Authority", 1, Fraction(1, 10)),
        ("Need", 0, Fraction(0)),
        ("Timeline", 0, Fraction(0)),
        ("Champion", 1, Fraction(1, 10)),
    ]
    assert disqualified_criterion("Disqualified:") is None
    assert disqualified_criterion("Not disqualified: Budget") is None


def test_hebrew_and_arabic_reasons_are_kept_as_written() -> None:
    losses = compute_losses(
        [
            group("מחיר גבוה מדי", "Proposal", "ILS", 2, 200),
            group("السعر", "Proposal", "ILS", 1, 5),
        ],
        STAGES,
    )
    assert [(r.name, r.count) for r in losses.by_reason] == [("מחיר גבוה מדי", 2), ("السعر", 1)]


def test_nothing_lost_gives_zeros_and_no_shares() -> None:
    losses = compute_losses([], STAGES)
    assert (losses.lost, losses.by_reason, losses.disqualified) == (0, [], 0)
    assert [(s.count, s.share) for s in losses.by_stage] == [(0, None)] * 3
    assert losses.value.format() == "—"


def test_the_lost_form_offers_the_most_used_reasons_without_disqualifications() -> None:
    used = [
        ("Price", 5),
        ("price", 2),
        ("PRICE", 4),
        ("Timing", 3),
        ("Disqualified: Budget", 9),
        ("  ", 1),
        ("עיתוי", 3),
    ]
    assert suggested_reasons(used) == ["Price", "Timing", "עיתוי"]
    assert suggested_reasons(used, limit=1) == ["Price"]


REASONS = st.sampled_from(
    [None, "Price", "price", " PRICE", "Timing", "Disqualified: Budget", "disqualified: need",
     "Disqualified: Authority", "מחיר", "Disqualified: Other"]
)  # fmt: skip
CURRENCIES = st.sampled_from(["ILS", "USD", "JPY"])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(REASONS, st.sampled_from(STAGES), CURRENCIES, st.integers(0, 10**12)),
        max_size=40,
    )
)
def test_the_figures_match_a_recount_of_the_deals_one_by_one(
    deals: list[tuple[str | None, str, str, int]],
) -> None:
    # Group the deals as SQL would (by reason as written, stage, currency) ...
    grouped: dict[tuple[str | None, str, str], list[int]] = {}
    for reason, stage, currency, value in deals:
        grouped.setdefault((reason, stage, currency), []).append(value)
    losses = compute_losses(
        [group(r, s, c, len(v), sum(v)) for (r, s, c), v in grouped.items()], STAGES
    )
    # ... and recount every figure deal by deal.
    lost = len(deals)
    assert losses.lost == lost
    keys = Counter(search_key((r or "").strip()) for r, *_ in deals)
    assert sorted(line.count for line in losses.by_reason) == sorted(keys.values())
    assert sum(line.count for line in losses.by_reason) == lost
    for line in losses.by_reason:
        mine = [d for d in deals if search_key((d[0] or "").strip()) == search_key(line.name)]
        if line.name == NO_REASON:
            mine = [d for d in deals if not (d[0] or "").strip()]
        assert line.count == len(mine)
        assert line.share == Fraction(len(mine), lost)
        for currency in {d[2] for d in mine}:
            assert line.value[currency].minor == sum(d[3] for d in mine if d[2] == currency)
    assert [line.count for line in losses.by_reason] == sorted(
        (line.count for line in losses.by_reason), reverse=True
    )
    for line in losses.by_stage:
        assert line.count == sum(1 for d in deals if d[1] == line.name)
    criteria = Counter(
        {"budget": "Budget", "need": "Need", "authority": "Authority", "other": "Other"}[
            (r or "").split(":")[1].strip().lower()
        ]
        for r, *_ in deals
        if r and r.lower().startswith("disqualified:")
    )
    assert {c.name: c.count for c in losses.by_criterion if c.count} == dict(criteria)
    assert losses.disqualified == sum(criteria.values())
    for currency in {d[2] for d in deals}:
        assert losses.value[currency].minor == sum(d[3] for d in deals if d[2] == currency)
