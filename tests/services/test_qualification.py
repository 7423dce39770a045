"""Qualifying a deal with BANT: the seller answers some criteria at a time, sees
the score and verdict, can read back what changed and when, and drops a lead
that lacks budget or authority. Every call changes everything or nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from db_targets import Targets
from pipetui.domain.bant import Answer, AnswerPatch, CriterionAnswer, Thresholds, Verdict, assess
from pipetui.domain.bant_history import AnswerChange, DatedChange
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.errors import NotFoundError, ValidationError
from pipetui.domain.money import Money
from pipetui.services import clock, deals
from pipetui.services.qualification import disqualify_deal, qualify_deal
from pipetui.services.settings import Settings
from pipetui.services.undo import undo, undoable
from pipetui.store import deals as deal_store
from pipetui.store.database import Database, open_database
from table_dump import dump

YES, NO, PARTIAL, UNKNOWN = Answer.YES, Answer.NO, Answer.PARTIAL, Answer.UNKNOWN
HEBREW = "דוד כהן, סמנכ״ל כספים"
ARABIC = "نحتاج إلى نظام جديد"


def _at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def set_now(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Freeze the clock (PIPETUI_NOW) at a moment; it starts at 20 Nov 10:00."""

    def set_to(moment: datetime) -> None:
        monkeypatch.setenv("PIPETUI_NOW", moment.isoformat())

    set_to(_at(20))
    return set_to


@pytest.fixture
def db(new_target: Targets, set_now: Callable[[datetime], None]) -> Iterator[Database]:
    database = open_database(new_target("q.db"), now=clock.now())
    yield database
    database.dispose()


def _new_deal(db: Database, title: str = "Acme rollout") -> int:
    return deals.add_deal(
        db, title=title, value=Money(500_000, "USD"), stage="Proposal"
    ).view.deal.id


def _change_rows(db: Database) -> list[tuple[Any, ...]]:
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT deal_id, criterion, from_status, to_status, details "
            "FROM qualification_change ORDER BY id"
        )
        return [tuple(row) for row in rows]


def _statuses(db: Database, deal_id: int) -> dict[str, Answer]:
    return {key: answer.status for key, answer in deals.show_deal(db, deal_id).answers.items()}


# --- Answering -------------------------------------------------------------------


def test_answering_some_criteria_keeps_the_others(db: Database) -> None:
    deal_id = _new_deal(db)
    qualify_deal(db, deal_id, {"budget": {"status": YES, "amount": Money(1_200_000, "ILS")}})
    qualify_deal(db, deal_id, {"need": {"status": PARTIAL, "note": ARABIC}})
    qualify_deal(db, deal_id, {"budget": {"note": "signed off"}})  # status left as it was

    answers = deals.show_deal(db, deal_id).answers
    assert answers == {
        "budget": CriterionAnswer(YES, amount=Money(1_200_000, "ILS"), note="signed off"),
        "need": CriterionAnswer(PARTIAL, note=ARABIC),
    }


def test_none_clears_one_detail_and_keeps_the_rest(db: Database) -> None:
    deal_id = _new_deal(db)
    qualify_deal(
        db, deal_id, {"budget": {"status": YES, "amount": Money(100, "EUR"), "note": "ok"}}
    )
    result = qualify_deal(db, deal_id, {"budget": {"amount": None}})

    assert deals.show_deal(db, deal_id).answers["budget"] == CriterionAnswer(YES, note="ok")
    assert result.changes == [AnswerChange("budget", YES, YES, "amount cleared")]


def test_the_score_and_verdict_returned_are_those_of_assess(db: Database) -> None:
    deal_id = _new_deal(db)
    qualify_deal(db, deal_id, {"budget": {"status": YES}, "authority": {"status": YES}})
    result = qualify_deal(
        db, deal_id, {"need": {"status": PARTIAL}, "timeline": {"status": PARTIAL}}
    )

    shown = deals.show_deal(db, deal_id)
    assert result.assessment == assess(shown.answers)
    assert result.assessment == shown.assessment
    assert (result.assessment.score, result.assessment.verdict) == (6, Verdict.QUALIFIED)
    assert result.view == shown.view


def test_custom_thresholds_decide_the_verdict(db: Database) -> None:
    deal_id = _new_deal(db)
    patch: dict[str, AnswerPatch] = {
        "budget": {"status": YES},
        "authority": {"status": YES},
        "need": {"status": YES},
        "timeline": {"status": PARTIAL},
    }
    strict = Thresholds(qualified_score=8)
    result = qualify_deal(db, deal_id, patch, thresholds=strict)
    assert result.assessment.verdict is Verdict.IN_PROGRESS
    assert result.assessment == assess(deals.show_deal(db, deal_id).answers, strict)
    assert deals.show_deal(db, deal_id, Settings(bant=strict)).assessment == result.assessment


def test_qualifying_marks_the_deal_updated(
    db: Database, set_now: Callable[[datetime], None]
) -> None:
    deal_id = _new_deal(db)
    set_now(_at(21, 9))
    result = qualify_deal(db, deal_id, {"authority": {"status": PARTIAL, "who": HEBREW}})
    assert result.view.deal.updated_at == _at(21, 9)
    assert deals.show_deal(db, deal_id).view.deal.updated_at == _at(21, 9)


def test_an_empty_patch_is_refused(db: Database) -> None:
    deal_id = _new_deal(db)
    before = dump(db)
    with pytest.raises(ValidationError) as caught:
        qualify_deal(db, deal_id, {})
    assert caught.value.field == "bant"
    assert dump(db) == before


# --- The history of answers ------------------------------------------------------


def test_each_change_writes_one_history_row_per_changed_criterion(
    db: Database, set_now: Callable[[datetime], None]
) -> None:
    deal_id = _new_deal(db)
    set_now(_at(21))
    first = qualify_deal(
        db,
        deal_id,
        {
            "budget": {"status": PARTIAL},
            "need": {"status": YES, "note": ARABIC},
            "timeline": {"status": UNKNOWN},  # unknown is where it starts: no change
        },
    )
    assert first.changes == [
        AnswerChange("budget", UNKNOWN, PARTIAL),
        AnswerChange("need", UNKNOWN, YES, "note changed"),
    ]
    assert _change_rows(db) == [
        (deal_id, "budget", "unknown", "partial", None),
        (deal_id, "need", "unknown", "yes", "note changed"),
    ]

    set_now(_at(22))
    second = qualify_deal(
        db, deal_id, {"budget": {"status": YES}, "need": {"status": YES, "note": ARABIC}}
    )
    assert second.changes == [AnswerChange("budget", PARTIAL, YES)]
    assert _change_rows(db)[2:] == [(deal_id, "budget", "partial", "yes", None)]

    with db.read() as conn:
        times = conn.exec_driver_sql("SELECT COUNT(*) FROM qualification_change").scalar()
    assert times == 3
    history = deals.show_deal(db, deal_id).answer_history
    assert [h.at for h in history] == [_at(21), _at(21), _at(22)]


def test_an_unchanged_resave_writes_no_history_and_does_not_touch_the_deal(
    db: Database, set_now: Callable[[datetime], None]
) -> None:
    deal_id = _new_deal(db)
    patch: dict[str, AnswerPatch] = {
        "budget": {"status": YES, "amount": Money(1_200_000, "ILS")},
        "authority": {"status": PARTIAL, "who": HEBREW},
    }
    qualify_deal(db, deal_id, patch)
    before = dump(db)

    set_now(_at(25))
    again = qualify_deal(db, deal_id, patch)

    assert again.changes == []
    assert dump(db) == before
    assert again.assessment == assess(deals.show_deal(db, deal_id).answers)


def test_show_deal_returns_the_answer_history_oldest_first(
    db: Database, set_now: Callable[[datetime], None]
) -> None:
    deal_id = _new_deal(db)
    set_now(_at(21))
    qualify_deal(db, deal_id, {"budget": {"status": PARTIAL}})
    set_now(_at(22))
    qualify_deal(db, deal_id, {"authority": {"status": YES, "who": HEBREW}})
    set_now(_at(23))
    qualify_deal(db, deal_id, {"budget": {"status": YES, "amount": Money(1_200_000, "ILS")}})

    history = deals.show_deal(db, deal_id).answer_history
    assert history == [
        DatedChange(_at(21), AnswerChange("budget", UNKNOWN, PARTIAL)),
        DatedChange(_at(22), AnswerChange("authority", UNKNOWN, YES, f"who decides: {HEBREW}")),
        DatedChange(_at(23), AnswerChange("budget", PARTIAL, YES, "amount ₪12,000.00")),
    ]
    assert [h.change.describe() for h in history] == [
        "Budget: unknown → partial",
        f"Authority: unknown → yes (who decides: {HEBREW})",
        "Budget: partial → yes (amount ₪12,000.00)",
    ]


def test_one_deals_history_is_not_anothers(db: Database) -> None:
    acme, globex = _new_deal(db, "Acme"), _new_deal(db, "Globex")
    qualify_deal(db, acme, {"budget": {"status": YES}})
    qualify_deal(db, globex, {"need": {"status": NO}})
    assert [h.change.criterion for h in deals.show_deal(db, acme).answer_history] == ["budget"]
    assert [h.change.criterion for h in deals.show_deal(db, globex).answer_history] == ["need"]
    assert deals.show_deal(db, acme).answers.keys() == {"budget"}


def test_a_new_deal_has_no_answer_history(db: Database) -> None:
    detail = deals.show_deal(db, _new_deal(db))
    assert detail.answer_history == []
    assert detail.assessment.verdict is Verdict.NOT_ASSESSED


# --- Bad input writes nothing ----------------------------------------------------


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"budget": {"status": YES}, "champion": {"status": YES}}, "criterion"),
        ({"budget": {"status": YES}, "need": {"amount": Money(100, "USD")}}, "need-amount"),
        ({"budget": {"status": YES}, "timeline": {"who": "Dana"}}, "timeline-who"),
        ({"need": {"status": YES}, "budget": {"amount": Money(-1, "ILS")}}, "budget-amount"),
    ],
    ids=["unknown-criterion", "need-has-no-amount", "timeline-has-no-who", "negative-amount"],
)
def test_bad_input_names_the_field_and_writes_nothing(
    db: Database, set_now: Callable[[datetime], None], patch: dict[str, AnswerPatch], field: str
) -> None:
    deal_id = _new_deal(db)
    qualify_deal(db, deal_id, {"authority": {"status": PARTIAL}})
    before = dump(db)

    set_now(_at(24))
    with pytest.raises(ValidationError) as caught:
        qualify_deal(db, deal_id, patch)

    assert caught.value.field == field
    assert dump(db) == before


def test_qualifying_a_missing_deal_is_not_found(db: Database) -> None:
    _new_deal(db)
    before = dump(db)
    with pytest.raises(NotFoundError) as caught:
        qualify_deal(db, 999, {"budget": {"status": YES}})
    assert caught.value.field == "deal"
    assert dump(db) == before


# --- Dropping a lead -------------------------------------------------------------


def test_no_budget_disqualifies_the_deal_as_lost(
    db: Database, set_now: Callable[[datetime], None]
) -> None:
    deal_id = _new_deal(db)
    qualify_deal(db, deal_id, {"budget": {"status": NO}, "need": {"status": NO}})
    set_now(_at(22))

    view, reason = disqualify_deal(db, deal_id)

    assert reason == "Disqualified: Budget"
    assert view.deal.status is DealStatus.LOST
    assert view.deal.lost_reason == "Disqualified: Budget"
    assert view.deal.closed_at == _at(22)
    assert view.stage_name == "Proposal"  # closing keeps the stage
    detail = deals.show_deal(db, deal_id)
    assert detail.view == view
    assert detail.history[-1].to_status is DealStatus.LOST
    assert detail.history[-1].at == _at(22)


def test_a_need_no_is_named_when_the_settings_do_not_name_any_no(db: Database) -> None:
    deal_id = _new_deal(db)
    qualify_deal(db, deal_id, {"budget": {"status": YES}, "need": {"status": NO}})
    view, reason = disqualify_deal(db, deal_id)
    assert reason == "Disqualified: Need"
    assert view.deal.lost_reason == "Disqualified: Need"


def test_custom_thresholds_choose_which_no_is_named(db: Database) -> None:
    deal_id = _new_deal(db)
    qualify_deal(db, deal_id, {"authority": {"status": NO}, "timeline": {"status": NO}})
    _, reason = disqualify_deal(db, deal_id, thresholds=Thresholds(disqualify_on=("timeline",)))
    assert reason == "Disqualified: Timeline"


def test_nothing_answered_no_refuses_to_disqualify_and_writes_nothing(db: Database) -> None:
    deal_id = _new_deal(db)
    qualify_deal(db, deal_id, {"budget": {"status": PARTIAL}, "authority": {"status": UNKNOWN}})
    before = dump(db)

    with pytest.raises(ValidationError) as caught:
        disqualify_deal(db, deal_id)

    assert caught.value.field == "bant"
    assert dump(db) == before


@pytest.mark.parametrize("closed", ["won", "lost"])
def test_a_deal_that_is_not_open_cannot_be_disqualified(db: Database, closed: str) -> None:
    deal_id = _new_deal(db)
    qualify_deal(db, deal_id, {"budget": {"status": NO}})
    if closed == "won":
        deals.win_deal(db, deal_id)
    else:
        deals.lose_deal(db, deal_id, reason="Went with a competitor")
    before = dump(db)

    with pytest.raises(ValidationError) as caught:
        disqualify_deal(db, deal_id)

    assert caught.value.field == "deal"
    assert dump(db) == before


def test_disqualifying_a_missing_deal_is_not_found(db: Database) -> None:
    before = dump(db)
    with pytest.raises(NotFoundError):
        disqualify_deal(db, 999, {"budget": {"status": NO}})
    assert dump(db) == before


def test_disqualify_with_answers_saves_them_and_closes_together(
    db: Database, set_now: Callable[[datetime], None]
) -> None:
    deal_id = _new_deal(db)
    set_now(_at(23))
    view, reason = disqualify_deal(
        db, deal_id, {"authority": {"status": NO, "who": HEBREW}, "need": {"status": YES}}
    )

    assert reason == "Disqualified: Authority"
    assert view.deal.status is DealStatus.LOST
    detail = deals.show_deal(db, deal_id)
    assert detail.answers == {
        "authority": CriterionAnswer(NO, who=HEBREW),
        "need": CriterionAnswer(YES),
    }
    assert [(h.at, h.change.criterion) for h in detail.answer_history] == [
        (_at(23), "authority"),
        (_at(23), "need"),
    ]
    assert detail.assessment.verdict is Verdict.DISQUALIFIED


def test_disqualify_with_answers_on_a_lost_deal_saves_no_answers(db: Database) -> None:
    deal_id = _new_deal(db)
    deals.lose_deal(db, deal_id, reason="No reply")
    before = dump(db)

    with pytest.raises(ValidationError):
        disqualify_deal(db, deal_id, {"budget": {"status": NO, "note": "frozen budget"}})

    assert dump(db) == before


def test_disqualify_with_answers_that_leave_no_no_saves_none_of_them(db: Database) -> None:
    deal_id = _new_deal(db)
    before = dump(db)

    with pytest.raises(ValidationError) as caught:
        disqualify_deal(db, deal_id, {"budget": {"status": YES}, "need": {"status": PARTIAL}})

    assert caught.value.field == "bant"
    assert dump(db) == before


def test_when_closing_fails_the_answers_given_with_it_are_not_saved(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    deal_id = _new_deal(db)
    before = dump(db)

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(deal_store, "set_status", fail)  # the module the service calls
    with pytest.raises(RuntimeError, match="disk full"):
        disqualify_deal(db, deal_id, {"budget": {"status": NO, "amount": Money(0, "USD")}})

    assert dump(db) == before


def test_bad_answers_given_with_a_disqualify_close_nothing(db: Database) -> None:
    deal_id = _new_deal(db)
    before = dump(db)
    with pytest.raises(ValidationError) as caught:
        disqualify_deal(db, deal_id, {"budget": {"status": NO}, "need": {"who": "Dana"}})
    assert caught.value.field == "need-who"
    assert dump(db) == before


# --- Undo ------------------------------------------------------------------------


def test_undoing_a_qualify_restores_answers_history_and_deal_exactly(
    db: Database, set_now: Callable[[datetime], None]
) -> None:
    deal_id = _new_deal(db)
    set_now(_at(21))
    qualify_deal(db, deal_id, {"budget": {"status": PARTIAL, "amount": Money(900, "USD")}})
    before = dump(db)

    set_now(_at(22))
    result, entry = undoable(
        deal_id,
        "qualify",
        lambda: qualify_deal(
            db,
            deal_id,
            {
                "budget": {"status": YES, "amount": None},
                "authority": {"status": YES, "who": HEBREW},
            },
        ),
    )
    assert len(result.changes) == 2
    assert dump(db) != before

    undo(db, entry)

    assert dump(db) == before
    detail = deals.show_deal(db, deal_id)
    assert detail.answers == {"budget": CriterionAnswer(PARTIAL, amount=Money(900, "USD"))}
    assert [h.at for h in detail.answer_history] == [_at(21)]
    assert detail.view.deal.updated_at == _at(21)


def test_undoing_the_first_qualify_leaves_no_answers(db: Database) -> None:
    deal_id = _new_deal(db)
    before = dump(db)
    _, entry = undoable(
        deal_id, "qualify", lambda: qualify_deal(db, deal_id, {"need": {"status": YES}})
    )
    undo(db, entry)
    assert dump(db) == before
    assert deals.show_deal(db, deal_id).answer_history == []


def test_undoing_a_disqualify_reopens_the_deal_and_restores_its_answers(
    db: Database, set_now: Callable[[datetime], None]
) -> None:
    deal_id = _new_deal(db)
    qualify_deal(db, deal_id, {"budget": {"status": PARTIAL}})
    before = dump(db)

    set_now(_at(24))
    (_, reason), entry = undoable(
        deal_id,
        "disqualify",
        lambda: disqualify_deal(db, deal_id, {"budget": {"status": NO, "note": ARABIC}}),
    )
    assert reason == "Disqualified: Budget"

    undo(db, entry)

    assert dump(db) == before
    detail = deals.show_deal(db, deal_id)
    assert detail.view.deal.status is DealStatus.OPEN
    assert detail.view.deal.lost_reason is None
    assert detail.answers == {"budget": CriterionAnswer(PARTIAL)}
    assert len(detail.answer_history) == 1


def test_undo_refuses_when_an_answer_changed_since(db: Database) -> None:
    deal_id = _new_deal(db)
    _, entry = undoable(
        deal_id, "qualify", lambda: qualify_deal(db, deal_id, {"budget": {"status": YES}})
    )
    qualify_deal(db, deal_id, {"need": {"status": PARTIAL}})
    after_newer = dump(db)

    with pytest.raises(ValidationError, match="changed since"):
        undo(db, entry)

    assert dump(db) == after_newer


# --- Deleting --------------------------------------------------------------------


def test_deleting_a_deal_deletes_its_answers_and_their_history(db: Database) -> None:
    keep, gone = _new_deal(db, "Keep"), _new_deal(db, "Gone")
    qualify_deal(db, keep, {"budget": {"status": YES}})
    qualify_deal(db, gone, {"budget": {"status": NO}, "need": {"status": YES}})
    qualify_deal(db, gone, {"budget": {"status": PARTIAL}})

    deals.delete_deal(db, gone)

    assert _change_rows(db) == [(keep, "budget", "unknown", "yes", None)]
    with db.read() as conn:
        owners = conn.exec_driver_sql("SELECT DISTINCT deal_id FROM qualification").all()
    assert [tuple(row) for row in owners] == [(keep,)]


def test_a_closed_deal_keeps_its_answers_when_reopened(db: Database) -> None:
    deal_id = _new_deal(db)
    disqualify_deal(
        db, deal_id, {"budget": {"status": NO}, "timeline": {"target_date": date(2027, 6, 30)}}
    )
    deals.reopen_deal(db, deal_id)
    detail = deals.show_deal(db, deal_id)
    assert detail.view.deal.status is DealStatus.OPEN
    assert detail.answers["timeline"] == CriterionAnswer(target_date=date(2027, 6, 30))
    assert detail.assessment.verdict is Verdict.DISQUALIFIED


def test_undoing_a_delete_brings_back_the_answers_and_their_history(db: Database) -> None:
    deal_id = _new_deal(db)
    qualify_deal(db, deal_id, {"authority": {"status": PARTIAL, "who": HEBREW}})
    qualify_deal(db, deal_id, {"authority": {"status": YES}})
    before = dump(db)

    _, entry = undoable(deal_id, "delete", lambda: deals.delete_deal(db, deal_id))
    assert _change_rows(db) == []
    undo(db, entry)

    assert dump(db) == before
    assert len(deals.show_deal(db, deal_id).answer_history) == 2
