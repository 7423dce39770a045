"""Saved answers and their history come back exactly: every script, every amount
with its own currency."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pipetui.domain.bant import Answer, CriterionAnswer
from pipetui.domain.bant_history import AnswerChange, DatedChange, answer_changes
from pipetui.domain.money import Money
from pipetui.services import deals as deal_service
from pipetui.store import qualification
from pipetui.store.database import Database

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # the frozen clock of conftest.py

HEBREW = "רונית לוי (מנכ״לית)\nמאשרת תקציב"
ARABIC = "السيدة فاطمة، المديرة المالية"
MIXED = "Budget ₪ אושר — الميزانية 😀"


def test_answers_and_history_round_trip_every_script_and_currency(db: Database) -> None:
    deal_id = deal_service.add_deal(db, title="Acme", value=Money(1, "USD")).view.deal.id
    after = {
        "budget": CriterionAnswer(Answer.YES, amount=Money(1_200_000, "ILS"), note=MIXED),
        "authority": CriterionAnswer(Answer.PARTIAL, who=ARABIC, note=HEBREW),
        "timeline": CriterionAnswer(Answer.NO, target_date=date(2027, 2, 28)),
    }
    later = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
    second = {"budget": CriterionAnswer(Answer.YES, amount=Money(1_234_567, "JPY"), note=MIXED)}
    with db.write() as conn:
        first_changes = answer_changes({}, after)
        qualification.save_answers(conn, deal_id, after, first_changes, now=NOW)
    with db.write() as conn:
        second_changes = answer_changes(after, second)
        qualification.save_answers(conn, deal_id, second, second_changes, now=later)

    with db.read() as conn:
        saved = qualification.answers(conn, deal_id)
        history = qualification.history(conn, deal_id)

    assert saved == after | second
    assert saved["budget"].amount == Money(1_234_567, "JPY")
    assert saved["authority"].who == ARABIC and saved["authority"].note == HEBREW
    assert history == [
        DatedChange(
            NOW,
            AnswerChange("budget", Answer.UNKNOWN, Answer.YES, "amount ₪12,000.00; note changed"),
        ),
        DatedChange(
            NOW,
            AnswerChange(
                "authority", Answer.UNKNOWN, Answer.PARTIAL, f"who decides: {ARABIC}; note changed"
            ),
        ),
        DatedChange(
            NOW, AnswerChange("timeline", Answer.UNKNOWN, Answer.NO, "target date 2027-02-28")
        ),
        DatedChange(later, AnswerChange("budget", Answer.YES, Answer.YES, "amount ¥1,234,567")),
    ]
