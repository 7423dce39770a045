"""NPS by month (`pipetui.domain.nps`): the months of a period and the series
added up from per-month, per-source counts, checked against a brute-force
recount of the answers themselves with `domain.timeline.nps`."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipetui.domain.errors import ValidationError
from pipetui.domain.nps import (
    MAX_MONTHS,
    NpsCount,
    default_span,
    month_spans,
    nps_series,
)
from pipetui.domain.text import search_key
from pipetui.domain.timeline import Nps, nps

MONTHS = ["2026-09", "2026-10", "2026-11"]
SOURCES = [None, "Web", "WEB", "פייסבוק", "Ads"]


def test_a_period_is_cut_into_its_calendar_months() -> None:
    spans = month_spans(date(2026, 10, 15), date(2027, 1, 3))
    assert [(s.month, s.first, s.last) for s in spans] == [
        ("2026-10", date(2026, 10, 15), date(2026, 10, 31)),
        ("2026-11", date(2026, 11, 1), date(2026, 11, 30)),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
        ("2027-01", date(2027, 1, 1), date(2027, 1, 3)),
    ]
    assert default_span(date(2026, 12, 4)) == (date(2026, 1, 1), date(2026, 12, 4))
    assert default_span(date(2027, 2, 28), 6) == (date(2026, 9, 1), date(2027, 2, 28))


def test_too_many_months_are_refused_naming_since() -> None:
    assert len(month_spans(date(2000, 1, 1), date(2009, 12, 31))) == MAX_MONTHS
    with pytest.raises(ValidationError) as error:
        month_spans(date(2000, 1, 1), date(2010, 1, 1))
    assert error.value.field == "since"


def test_a_month_without_answers_has_no_score() -> None:
    series = nps_series(MONTHS, [NpsCount("2026-10", "Web", 2, 1, 1)], "(no source)")
    assert [(m, v.score_text()) for m, v in series.months] == [
        ("2026-09", "—"),
        ("2026-10", "+25"),
        ("2026-11", "—"),
    ]
    assert series.whole == Nps(2, 1, 1)


answers = st.lists(
    st.tuples(st.sampled_from([*MONTHS, "2026-12"]), st.sampled_from(SOURCES), st.integers(0, 10)),
    max_size=60,
)


@given(answers)
def test_the_series_is_the_recount_of_every_answer(
    given_answers: list[tuple[str, str | None, int]],
) -> None:
    # What the store does: count per month and source (as typed).
    grouped: dict[tuple[str, str | None], list[int]] = {}
    for month, source, score in given_answers:
        grouped.setdefault((month, source), []).append(score)
    counts = [
        NpsCount(month, source, n.promoters, n.passives, n.detractors)
        for (month, source), scores in grouped.items()
        for n in [nps(scores)]
    ]
    series = nps_series(MONTHS, counts, "(no source)")

    inside = [a for a in given_answers if a[0] in MONTHS]
    assert series.months == [(m, nps(s for mm, _, s in inside if mm == m)) for m in MONTHS]
    assert series.whole == nps(s for _, _, s in inside)
    keys = {search_key(src) if src else "" for _, src, _ in inside}
    expected = {
        key: nps(s for _, src, s in inside if (search_key(src) if src else "") == key)
        for key in keys
    }
    assert {
        (search_key(n) if n != "(no source)" else ""): v for n, v in series.by_source
    } == expected
    assert [search_key(n) for n, _ in series.by_source] == sorted(
        search_key(n) for n, _ in series.by_source
    )
