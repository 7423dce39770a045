"""The board's verdict filter runs BANT's verdict as SQL; it must agree with
`assess` for every combination of answers and every kind of threshold."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert

from db_targets import Targets
from pipetui.domain.bant import BANT, Answer, CriterionAnswer, Thresholds, Verdict, assess
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.money import Money
from pipetui.services import deals as deal_service
from pipetui.store import board as store
from pipetui.store.database import Database, open_database
from pipetui.store.tables import QUALIFICATION

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

COMBINATIONS = list(itertools.product(list(Answer), repeat=len(BANT.criteria)))


@pytest.fixture(scope="module")
def combinations_db(module_target: Targets) -> Iterator[Database]:
    """The database of `every_combination`, built once per engine: the tests
    only read it."""
    database = open_database(module_target("verdicts.db"), now=NOW)
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def db(combinations_db: Database) -> Database:
    return combinations_db


@pytest.fixture(scope="module")
def every_combination(db: Database) -> tuple[int, dict[int, dict[str, CriterionAnswer]]]:
    """One deal per combination of answers (4^4), plus one never asked about,
    all in the first stage; returns the stage id and each deal's answers."""
    answers: dict[int, dict[str, CriterionAnswer]] = {}
    stage_id = 0
    for combination in [None, *COMBINATIONS]:
        added = deal_service.add_deal(db, title="deal", value=Money(100, "USD"))
        stage_id = added.view.deal.stage_id
        given = (
            {}
            if combination is None
            else dict(zip((c.key for c in BANT.criteria), combination, strict=True))
        )
        answers[added.view.deal.id] = {k: CriterionAnswer(v) for k, v in given.items()}
    with db.write() as conn:
        rows = [
            {
                "deal_id": deal_id,
                "framework": "bant",
                "criterion": key,
                "status": answer.status.value,
                "updated_at": NOW,
            }
            for deal_id, given in answers.items()
            for key, answer in given.items()
        ]
        conn.execute(insert(QUALIFICATION), rows)
    return stage_id, answers


@pytest.mark.parametrize(
    "thresholds",
    [
        Thresholds(),
        Thresholds(qualified_score=8),
        Thresholds(qualified_score=0, disqualify_on=()),
        Thresholds(qualified_score=4, disqualify_on=("need", "timeline")),
    ],
    ids=["default", "all-yes", "lenient", "need-timeline"],
)
@pytest.mark.parametrize("verdict", list(Verdict), ids=lambda v: v.value)
def test_the_sql_verdict_picks_exactly_the_deals_assess_would(
    db: Database,
    every_combination: tuple[int, dict[int, dict[str, CriterionAnswer]]],
    thresholds: Thresholds,
    verdict: Verdict,
) -> None:
    stage_id, answers = every_combination
    expected = {
        deal_id
        for deal_id, given in answers.items()
        if assess(given, thresholds).verdict is verdict
    }
    cards = store.CardFilter((DealStatus.OPEN,), verdict=verdict, thresholds=thresholds)
    with db.read_rows() as rows:
        listed = store.page(rows, stage_id, cards, offset=0, limit=1000, today=NOW.date())
        counted = store.count(rows, stage_id, cards)
    assert {row.deal_id for row in listed} == expected
    assert counted == len(expected)
    assert expected or (verdict is Verdict.DISQUALIFIED and not thresholds.disqualify_on)


def test_without_a_verdict_filter_every_deal_is_listed(
    db: Database, every_combination: tuple[int, dict[int, dict[str, CriterionAnswer]]]
) -> None:
    stage_id, answers = every_combination
    with db.read_rows() as rows:
        assert store.count(rows, stage_id, store.CardFilter((DealStatus.OPEN,))) == len(answers)
