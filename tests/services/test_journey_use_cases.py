"""The customer's side from a real database: a contact's timeline (touchpoints,
their deals' moves, long silences, newest first), the attention list (what
needs the seller today) and what takes items off it, the contacts list
(search in any script, sorts, rows), the journey figures, and deleting a
contact with its undo.

The clock is frozen through PIPETUI_NOW; local time is UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from db_targets import Targets
from pipetui.domain.bant import Answer, AnswerPatch, Thresholds
from pipetui.domain.errors import NotFoundError, ValidationError
from pipetui.domain.journey import JourneyStage
from pipetui.domain.money import Money
from pipetui.domain.timeline import Gap, Nps
from pipetui.services import clock, deals, pipelines
from pipetui.services.contacts import (
    ContactUse,
    add_contact,
    contact_use,
    delete_contact,
    edit_contact,
    get_contact,
)
from pipetui.services.customers import customers_report
from pipetui.services.followups import add_followup, complete_followup
from pipetui.services.journey import (
    Attention,
    TimelineEntry,
    attention,
    contact_ids,
    contact_lines,
    contact_timeline,
    journey_figures,
)
from pipetui.services.qualification import qualify_deal
from pipetui.services.reports import ALL_TIME, Period
from pipetui.services.touchpoints import log_touchpoint
from pipetui.services.undo import undo, undoable_contact
from pipetui.store.database import Database, open_database
from table_dump import dump

DAY = timedelta(days=1)
HEBREW, ARABIC = "דנה כהן", "فاطمة الزهراء"


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


NOW = at(11, 20)
TODAY = NOW.date()


@pytest.fixture
def set_now(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Freeze the clock at a moment; it starts at 20 Nov 2026 10:00 UTC."""

    def set_to(moment: datetime) -> None:
        monkeypatch.setenv("PIPETUI_NOW", moment.isoformat())

    set_to(NOW)
    return set_to


@pytest.fixture
def db(new_target: Targets, set_now: Callable[[datetime], None]) -> Iterator[Database]:
    database = open_database(new_target("j.db"), now=clock.now())
    yield database
    database.dispose()


def new_deal(
    db: Database,
    title: str,
    *,
    contact: str | None = None,
    stage: str = "Proposal",
    value: int = 100_000,
    currency: str = "USD",
) -> int:
    return deals.add_deal(
        db, title=title, value=Money(value, currency), stage=stage, contact=contact
    ).view.deal.id


def describe(entry: TimelineEntry) -> tuple[Any, ...]:
    """One timeline line as a comparable tuple."""
    if entry.touchpoint is not None:
        return ("touch", entry.touchpoint.kind, entry.at)
    if entry.deal_event is not None:
        return ("deal", entry.deal_event.text(), entry.at)
    assert entry.gap is not None
    return ("gap", entry.gap.days, entry.gap.start, entry.gap.end)


def rotting_ids(found: Attention) -> list[int]:
    return [r.line.deal_id for r in found.rotting]


def look(db: Database) -> Attention:
    return attention(db, thresholds=Thresholds())


# --- the timeline -------------------------------------------------------------------


@pytest.fixture
def dana_story(db: Database, set_now: Callable[[datetime], None]) -> int:
    """Dana's journey from July to November, with one deal from entry to won and
    two silences; Omer's touchpoints and deal are someone else's story."""
    set_now(at(7, 1))
    add_contact(db, name="Dana Levi", company="Acme")
    add_contact(db, name="Omer")
    log_touchpoint(db, contact="Dana Levi", kind="ad seen", at=at(7, 1, 9))
    log_touchpoint(db, contact="Dana Levi", kind="website visit", at=at(7, 5))
    set_now(at(8, 1))
    deal_id = new_deal(db, "Acme rollout", contact="Dana Levi")
    new_deal(db, "Omer's deal", contact="Omer")
    log_touchpoint(db, contact="Omer", kind="demo", at=at(8, 2))
    log_touchpoint(db, contact="Dana Levi", kind="demo", at=at(8, 20), deal_id=deal_id)
    set_now(at(9, 10))
    deals.move_deal(db, deal_id, stage="Negotiation")
    log_touchpoint(db, contact="Dana Levi", kind="quote requested", at=at(9, 12))
    set_now(at(10, 1))
    deals.win_deal(db, deal_id)
    log_touchpoint(db, contact="Dana Levi", kind="survey", at=at(11, 15), score=9)
    set_now(NOW)
    return deal_id


def test_the_timeline_mixes_touchpoints_deal_events_and_silences_newest_first(
    db: Database, dana_story: int
) -> None:
    timeline = contact_timeline(db, "dana levi")

    assert [describe(e) for e in timeline.entries] == [
        ("touch", "survey", at(11, 15)),
        ("gap", 45, at(10, 1), at(11, 15)),
        ("touch", "purchase", at(10, 1)),  # winning the deal logged it (issue 19)
        ("deal", "deal 'Acme rollout' won", at(10, 1)),
        ("touch", "quote_requested", at(9, 12)),
        ("deal", "deal 'Acme rollout': Proposal → Negotiation", at(9, 10)),
        ("touch", "demo", at(8, 20)),
        # The silence shows under the touchpoint that ended it.
        ("gap", 46, at(7, 5), at(8, 20)),
        ("deal", "deal 'Acme rollout' entered Proposal", at(8, 1)),
        ("touch", "website_visit", at(7, 5)),
        ("touch", "ad_seen", at(7, 1, 9)),
    ]
    assert [e.at for e in timeline.entries] == sorted(
        (e.at for e in timeline.entries), reverse=True
    )
    assert timeline.contact.name == "Dana Levi"
    assert timeline.touchpoints == 6
    assert timeline.truncated is False


def test_the_timeline_carries_the_journey_summary(db: Database, dana_story: int) -> None:
    add_followup(db, title="Ask for a referral", due=date(2026, 12, 1), contact="Dana Levi")
    timeline = contact_timeline(db, "Dana Levi")

    stages = JourneyStage
    assert timeline.stage is stages.RETENTION
    assert timeline.path == [
        stages.AWARENESS,
        stages.INTEREST,
        stages.CONSIDERATION,
        stages.INTENT,
        stages.PURCHASE,  # the won deal (issue 19)
        stages.RETENTION,
    ]
    assert timeline.nps == Nps(1, 0, 0)
    assert dict(timeline.lifetime_value) == {"USD": Money(100_000, "USD")}
    assert timeline.purchases == 1
    assert [f.title for f in timeline.followups] == ["Ask for a referral"]


def test_the_timeline_holds_nothing_of_other_contacts(db: Database, dana_story: int) -> None:
    omer = contact_timeline(db, "omer")
    assert [describe(e) for e in omer.entries] == [
        ("touch", "demo", at(8, 2)),
        ("deal", 'deal "Omer\'s deal" entered Proposal', at(8, 1)),
    ]
    assert omer.purchases == 0
    assert dict(omer.lifetime_value) == {}
    assert omer.nps.score is None


def test_the_timeline_of_a_contact_with_a_stage_set_by_hand(db: Database, dana_story: int) -> None:
    edit_contact(db, "Dana Levi", journey_stage="advocacy")
    timeline = contact_timeline(db, "Dana Levi")
    assert timeline.stage is JourneyStage.ADVOCACY
    assert timeline.path[-1] is JourneyStage.RETENTION  # what happened stays


def test_a_lost_and_reopened_deal_shows_both_events(
    db: Database, set_now: Callable[[datetime], None]
) -> None:
    add_contact(db, name="Noa")
    set_now(at(11, 1))
    deal_id = new_deal(db, "Audit", contact="Noa", stage="Prospecting")
    set_now(at(11, 2))
    deals.lose_deal(db, deal_id, reason="no budget")
    set_now(at(11, 3))
    deals.reopen_deal(db, deal_id)

    texts = [describe(e)[1] for e in contact_timeline(db, "Noa").entries]
    assert texts == [
        "deal 'Audit' reopened",
        "deal 'Audit' lost",
        "deal 'Audit' entered Prospecting",
    ]


def test_a_contact_without_anything_has_an_empty_timeline(db: Database) -> None:
    contact = add_contact(db, name="Avi")
    timeline = contact_timeline(db, f"#{contact.id}")
    assert timeline.entries == []
    assert timeline.path == []
    assert timeline.stage is None
    assert timeline.nps.text() == "—"


def test_a_long_history_is_cut_to_the_newest(db: Database, dana_story: int) -> None:
    timeline = contact_timeline(db, "Dana Levi", limit=2)
    assert timeline.truncated is True
    kinds = [describe(e)[:2] for e in timeline.entries if e.touchpoint or e.deal_event]
    assert kinds == [
        ("touch", "survey"),
        ("touch", "purchase"),  # (the won deal's)
        ("deal", "deal 'Acme rollout' won"),
        ("deal", "deal 'Acme rollout': Proposal → Negotiation"),
    ]


def test_the_timeline_of_an_unknown_contact_names_the_field(db: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        contact_timeline(db, "Nobody")
    assert caught.value.field == "contact"
    with pytest.raises(NotFoundError):
        contact_timeline(db, "#99")


def test_exactly_thirty_days_of_silence_is_no_gap_on_the_timeline(db: Database) -> None:
    add_contact(db, name="Yael")
    log_touchpoint(db, contact="Yael", kind="call", at=at(9, 1))
    log_touchpoint(db, contact="Yael", kind="call", at=at(10, 1))  # 30 days
    log_touchpoint(db, contact="Yael", kind="call", at=at(11, 1, 11))  # 31 days 1 hour
    gaps = [e.gap for e in contact_timeline(db, "Yael").entries if e.gap]
    assert gaps == [Gap(at(10, 1), at(11, 1, 11))]


# --- the attention list -------------------------------------------------------------


@pytest.fixture
def rotting_proposal(db: Database) -> None:
    """Proposal deals rot after 7 idle days; other stages never do."""
    pipelines.set_stage(db, pipeline=None, stage="Proposal", rotting_days=7)


def test_due_follow_ups_are_overdue_or_today_oldest_first(
    db: Database, set_now: Callable[[datetime], None]
) -> None:
    deal_id = new_deal(db, "Acme rollout", contact="Dana")
    add_contact(db, name="Omer")
    add_followup(db, title="Send the contract", due=TODAY - 2 * DAY, deal_id=deal_id)
    add_followup(db, title="Coffee", due=TODAY, contact="Omer")
    add_followup(db, title="Later", due=TODAY + DAY, contact="Omer")
    done = add_followup(db, title="Done already", due=TODAY - 5 * DAY, contact="Omer")
    complete_followup(db, done.id)

    found = look(db)
    assert found.today == TODAY
    assert [
        (f.title, f.due, f.overdue(TODAY), f.deal_id, f.deal_title, f.contact_name)
        for f in found.followups
    ] == [
        ("Send the contract", TODAY - 2 * DAY, True, deal_id, "Acme rollout", "Dana"),
        ("Coffee", TODAY, False, None, None, "Omer"),
    ]
    assert found.followups[0].contact_id == get_contact(db, "Dana").id
    assert not found.empty


def test_completing_a_follow_up_takes_it_off_the_list(db: Database) -> None:
    add_contact(db, name="Omer")
    first = add_followup(db, title="Call back", due=TODAY - DAY, contact="Omer")
    add_followup(db, title="Email", due=TODAY, contact="Omer")
    complete_followup(db, first.id)
    assert [f.title for f in look(db).followups] == ["Email"]


def test_an_empty_database_needs_nothing(db: Database) -> None:
    found = look(db)
    assert found.empty
    assert (found.followups, found.rotting, found.qualified_without_next_step) == ([], [], [])


def test_open_deals_idle_past_their_stage_limit_rot_most_idle_first(
    db: Database, rotting_proposal: None, set_now: Callable[[datetime], None]
) -> None:
    set_now(at(11, 1))
    old = new_deal(db, "Old", contact="Dana")
    new_deal(db, "No limit", stage="Negotiation")
    won = new_deal(db, "Won")
    lost = new_deal(db, "Lost")
    set_now(at(11, 5))
    older_but_less_idle = new_deal(db, "Second")
    deals.win_deal(db, won)
    deals.lose_deal(db, lost, reason="price")
    set_now(at(11, 13))
    new_deal(db, "On the limit")  # 7 days idle at Nov 20: not yet
    set_now(at(11, 12, 9))
    new_deal(db, "Just past")  # 8 days 1 hour
    set_now(NOW)

    found = look(db)
    assert [(r.line.title, r.idle_days, r.line.rotting_days) for r in found.rotting] == [
        ("Old", 19, 7),
        ("Second", 15, 7),
        ("Just past", 8, 7),
    ]
    line = found.rotting[0].line
    assert (line.deal_id, line.stage, line.contact, line.value) == (
        old,
        "Proposal",
        "Dana",
        Money(100_000, "USD"),
    )
    assert line.idle_since == at(11, 1)
    assert older_but_less_idle in rotting_ids(found)


def test_a_touchpoint_on_the_deal_or_its_contact_takes_it_off_the_list(
    db: Database, rotting_proposal: None, set_now: Callable[[datetime], None]
) -> None:
    set_now(at(11, 1))
    by_deal = new_deal(db, "By deal", contact="Dana")
    by_contact = new_deal(db, "By contact", contact="Omer")
    untouched = new_deal(db, "Untouched", contact="Noa")
    set_now(NOW)
    assert rotting_ids(look(db)) == [by_deal, by_contact, untouched]

    log_touchpoint(db, contact="Dana", kind="call", deal_id=by_deal, at=at(11, 18))
    log_touchpoint(db, contact="Omer", kind="meeting", at=at(11, 19))
    found = look(db)
    assert rotting_ids(found) == [untouched]

    # Two days later the touched ones are still fresh; nine days later they rot again.
    set_now(at(11, 22))
    assert rotting_ids(look(db)) == [untouched]
    set_now(at(11, 27))
    assert rotting_ids(look(db)) == [untouched, by_deal, by_contact]
    assert [r.idle_days for r in look(db).rotting] == [26, 9, 8]


def test_a_touch_older_than_the_stage_entry_does_not_freshen_a_deal(
    db: Database, rotting_proposal: None, set_now: Callable[[datetime], None]
) -> None:
    set_now(at(11, 1))
    deal_id = new_deal(db, "Acme", contact="Dana")
    log_touchpoint(db, contact="Dana", kind="call", at=at(10, 1))  # backdated
    set_now(NOW)
    assert rotting_ids(look(db)) == [deal_id]
    assert look(db).rotting[0].line.idle_since == at(11, 1)


def test_moving_to_another_stage_restarts_the_clock(
    db: Database, rotting_proposal: None, set_now: Callable[[datetime], None]
) -> None:
    set_now(at(11, 1))
    deal_id = new_deal(db, "Acme", stage="Needs assessment")
    set_now(at(11, 18))
    deals.move_deal(db, deal_id, stage="Proposal")
    set_now(NOW)
    assert look(db).rotting == []
    set_now(at(11, 26))
    assert [(r.line.deal_id, r.idle_days) for r in look(db).rotting] == [(deal_id, 8)]


def test_a_future_follow_up_keeps_a_deal_fresh_a_past_or_done_one_does_not(
    db: Database, rotting_proposal: None, set_now: Callable[[datetime], None]
) -> None:
    set_now(at(11, 1))
    deal_id = new_deal(db, "Acme", contact="Dana")
    set_now(NOW)
    overdue = add_followup(db, title="Was due", due=TODAY - DAY, deal_id=deal_id)
    done = add_followup(db, title="Done", due=TODAY + 5 * DAY, deal_id=deal_id)
    complete_followup(db, done.id)
    assert rotting_ids(look(db)) == [deal_id]

    planned = add_followup(db, title="Call", due=TODAY + 3 * DAY, deal_id=deal_id)
    found = look(db)
    assert found.rotting == []
    assert [f.id for f in found.followups] == [overdue.id]  # still due, though

    complete_followup(db, planned.id)
    assert rotting_ids(look(db)) == [deal_id]


def test_a_rotting_deal_without_a_contact(
    db: Database, rotting_proposal: None, set_now: Callable[[datetime], None]
) -> None:
    set_now(at(11, 1))
    deal_id = new_deal(db, "Walk-in")
    set_now(NOW)
    [item] = look(db).rotting
    assert (item.line.deal_id, item.line.contact_id, item.line.contact) == (deal_id, None, None)


def _qualify(db: Database, deal_id: int) -> None:
    yes: AnswerPatch = {"status": Answer.YES}
    qualify_deal(db, deal_id, {"budget": yes, "authority": yes, "need": yes, "timeline": yes})


def test_qualified_deals_without_a_next_step_until_one_is_planned(db: Database) -> None:
    qualified = new_deal(db, "Qualified", contact="Dana")
    in_progress = new_deal(db, "In progress")
    qualify_deal(db, in_progress, {"budget": {"status": Answer.YES}})
    closed = new_deal(db, "Closed")
    _qualify(db, qualified)
    _qualify(db, closed)
    deals.win_deal(db, closed)

    found = look(db)
    assert [line.deal_id for line in found.qualified_without_next_step] == [qualified]
    line = found.qualified_without_next_step[0]
    assert (line.title, line.stage, line.contact) == ("Qualified", "Proposal", "Dana")

    past = add_followup(db, title="Was due", due=TODAY - DAY, deal_id=qualified)
    # An overdue follow-up is a next step (late): listed as due, not twice (issue 17).
    assert look(db).qualified_without_next_step == []
    assert [f.deal_id for f in look(db).followups] == [qualified]
    complete_followup(db, past.id)
    assert [x.deal_id for x in look(db).qualified_without_next_step] == [qualified]
    add_followup(db, title="Send the proposal", due=TODAY + 2 * DAY, deal_id=qualified)
    assert look(db).qualified_without_next_step == []
    assert look(db).empty


def test_a_rotting_deal_is_found_behind_many_recently_touched_older_deals(
    db: Database, rotting_proposal: None, set_now: Callable[[datetime], None]
) -> None:
    set_now(at(10, 1))
    for n in range(5):
        deal_id = new_deal(db, f"Busy {n}", contact=f"Person {n}")
        log_touchpoint(db, contact=f"Person {n}", kind="call", deal_id=deal_id, at=at(11, 19))
    set_now(at(10, 10))
    idle = new_deal(db, "Forgotten")
    set_now(NOW)
    assert rotting_ids(attention(db, thresholds=Thresholds())) == [idle]
    # One item of each kind at most: the one rotting deal must be it.
    assert rotting_ids(attention(db, thresholds=Thresholds(), limit=1)) == [idle]


# --- the contacts list -------------------------------------------------------------


@pytest.fixture
def people(db: Database) -> dict[str, int]:
    made = [
        add_contact(db, name=HEBREW, company="חברת אלפא"),
        add_contact(db, name=ARABIC, email="fatima@example.com"),
        add_contact(db, name="José Álvarez", company="École Nord"),
        add_contact(db, name="Jose\u0301 Nun\u0303ez"),  # decomposed accents (NFD)
        add_contact(db, name="Grüße Straße"),
        add_contact(db, name="Иван Петров"),
        add_contact(db, name="John Smith", phone="+1 555 0100"),
    ]
    return {c.name: c.id for c in made}


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("דנה", [HEBREW]),
        ("כהן", [HEBREW]),
        ("אלפא", [HEBREW]),  # company
        ("فاطمة", [ARABIC]),
        ("الزهراء", [ARABIC]),
        ("JOSÉ", ["José Álvarez", "Jose\u0301 Nun\u0303ez"]),
        ("josé álvarez", ["José Álvarez"]),
        ("ÁLVAREZ", ["José Álvarez"]),
        ("NUÑEZ", ["Jose\u0301 Nun\u0303ez"]),  # composed search, decomposed name
        ("ÉCOLE", ["José Álvarez"]),
        ("STRASSE", ["Grüße Straße"]),
        ("GRÜSSE", ["Grüße Straße"]),
        ("иван", ["Иван Петров"]),
        ("ПЕТРОВ", ["Иван Петров"]),
        ("FATIMA@", [ARABIC]),
        ("555 0100", ["John Smith"]),
        ("smith JOHN", ["John Smith"]),  # every word, any order
        ("jose", []),  # accents are not dropped
        ("nobody", []),
    ],
)
def test_contact_search_in_any_script_and_any_case(
    db: Database, people: dict[str, int], search: str, expected: list[str]
) -> None:
    found = contact_ids(db, search=search)
    assert sorted(found) == sorted(people[name] for name in expected)


def test_an_empty_search_finds_everyone(db: Database, people: dict[str, int]) -> None:
    assert sorted(contact_ids(db)) == sorted(people.values())
    assert sorted(contact_ids(db, search="   ")) == sorted(people.values())


def test_contacts_sorted_by_name_ignore_case(db: Database) -> None:
    for name in ("omer", "Ben", "anna", "Zoë", "ben"):
        add_contact(db, name=name)
    names = {line.id: line.name for line in contact_lines(db, contact_ids(db)).values()}
    assert [names[i] for i in contact_ids(db, sort="name")] == ["anna", "Ben", "ben", "omer", "Zoë"]


def test_contacts_sorted_by_last_touch_latest_first_never_touched_last(db: Database) -> None:
    ids = {name: add_contact(db, name=name).id for name in ("Avi", "Ben", "Dana", "Omer")}
    log_touchpoint(db, contact="Dana", kind="call", at=at(11, 1))
    log_touchpoint(db, contact="Avi", kind="call", at=at(10, 1))
    log_touchpoint(db, contact="Avi", kind="call", at=at(11, 10))  # Avi's latest
    log_touchpoint(db, contact="Omer", kind="call", at=at(9, 1))
    assert contact_ids(db, sort="last touch") == [ids["Avi"], ids["Dana"], ids["Omer"], ids["Ben"]]


def test_last_touch_ties_go_by_name_and_the_never_touched_by_name_at_the_end(
    db: Database,
) -> None:
    names = ("Zoë", "omer", "אבי", "Ben", "علي", "anna")
    ids = {name: add_contact(db, name=name).id for name in names}
    for name in ("Zoë", "omer", "אבי"):  # the same moment: by name, in any case and script
        log_touchpoint(db, contact=name, kind="call", at=at(11, 2))
    log_touchpoint(db, contact="Ben", kind="call", at=at(11, 3))
    assert contact_ids(db, sort="last touch") == [
        ids[n] for n in ("Ben", "omer", "Zoë", "אבי", "anna", "علي")
    ]
    # A meeting logged ahead of now is not a touch yet: the same order.
    log_touchpoint(db, contact="anna", kind="meeting", at=NOW + timedelta(days=3))
    assert contact_ids(db, sort="last touch") == [
        ids[n] for n in ("Ben", "omer", "Zoë", "אבי", "anna", "علي")
    ]


def test_contacts_sorted_by_open_value_largest_first(db: Database) -> None:
    ids = {name: add_contact(db, name=name).id for name in ("Avi", "Ben", "Dana", "Omer")}
    new_deal(db, "a", contact="Dana", value=50_000)
    new_deal(db, "b", contact="Dana", value=60_000)
    new_deal(db, "c", contact="Ben", value=100_000)
    won = new_deal(db, "d", contact="Omer", value=9_000_000)
    deals.win_deal(db, won)  # won is not open value
    assert contact_ids(db, sort="value") == [ids["Dana"], ids["Ben"], ids["Avi"], ids["Omer"]]


def test_an_unknown_sort_is_refused(db: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        contact_ids(db, sort="age")
    assert caught.value.field == "sort"


def test_contact_lines_carry_what_the_list_shows(db: Database) -> None:
    dana = add_contact(db, name="Dana", company="Acme")
    avi = add_contact(db, name="Avi")
    new_deal(db, "a", contact="Dana", value=50_000)
    new_deal(db, "b", contact="Dana", value=7_000, currency="EUR")
    log_touchpoint(db, contact="Dana", kind="quote requested", at=at(11, 2))
    log_touchpoint(db, contact="Dana", kind="call", at=at(10, 2))  # older
    add_followup(db, title="later", due=date(2026, 12, 9), contact="Dana")
    add_followup(db, title="sooner", due=date(2026, 12, 1), contact="Dana")
    done = add_followup(db, title="done", due=date(2026, 11, 25), contact="Dana")
    complete_followup(db, done.id)

    lines = contact_lines(db, [dana.id, avi.id])
    line = lines[dana.id]
    assert (line.name, line.company, line.journey_stage) == ("Dana", "Acme", "intent")
    assert line.last_touch == at(11, 2)
    assert line.next_followup == date(2026, 12, 1)
    assert dict(line.open_value) == {"USD": Money(50_000, "USD"), "EUR": Money(7_000, "EUR")}
    empty = lines[avi.id]
    assert (empty.journey_stage, empty.last_touch, empty.next_followup) == (None, None, None)
    assert dict(empty.open_value) == {}
    assert contact_lines(db, []) == {}


# --- the journey figures -----------------------------------------------------------


def test_journey_figures_nps_customers_and_stages(db: Database) -> None:
    for name in ("Dana", "Omer", "Noa", "Avi", "Yael"):
        add_contact(db, name=name)
    for contact, score in (("Dana", 10), ("Dana", 9), ("Omer", 9), ("Noa", 7), ("Avi", 3)):
        log_touchpoint(db, contact=contact, kind="survey", score=score, at=at(11, 1))
    log_touchpoint(db, contact="Noa", kind="quote requested", at=at(11, 2))
    log_touchpoint(db, contact="Avi", kind="review", score=8, at=at(11, 3))  # any touchpoint
    edit_contact(db, "Omer", journey_stage="advocacy")
    for contact, n in (("Dana", 2), ("Omer", 1), ("Noa", 0)):
        for i in range(n):
            deals.win_deal(db, new_deal(db, f"{contact} {i}", contact=contact))
    new_deal(db, "Noa open", contact="Noa")
    deals.lose_deal(db, new_deal(db, "Avi lost", contact="Avi"), reason="price")
    deals.win_deal(db, new_deal(db, "Nobody's"))  # no contact: no customer

    figures = journey_figures(db)
    assert figures.nps == Nps(promoters=3, passives=2, detractors=1)
    assert figures.nps.text() == "+33 (6 answers)"
    assert (figures.customers, figures.repeat_customers) == (2, 1)
    assert figures.by_stage == {
        "awareness": 0,
        "interest": 0,
        "consideration": 0,
        "intent": 1,
        "purchase": 1,  # Dana: her wins came after her survey (issue 19)
        "retention": 0,
        "loyalty": 0,
        "advocacy": 2,
        "none": 1,
    }


def test_journey_nps_of_a_period_counts_the_answers_given_in_it(db: Database) -> None:
    add_contact(db, name="Dana")
    log_touchpoint(db, contact="Dana", kind="survey", score=0, at=at(9, 30, 23))
    log_touchpoint(db, contact="Dana", kind="survey", score=10, at=at(10, 1, 0))
    log_touchpoint(db, contact="Dana", kind="survey", score=9, at=at(10, 31, 23))
    log_touchpoint(db, contact="Dana", kind="survey", score=0, at=at(11, 1, 0))
    october = journey_figures(db, period=Period(date(2026, 10, 1), date(2026, 10, 31)))
    assert october.nps == Nps(2, 0, 0)
    assert journey_figures(db).nps == Nps(2, 0, 2)
    assert journey_figures(db, period=Period(date(2025, 1, 1), date(2025, 1, 2))).nps.text() == "—"


def test_journey_and_customers_reports_count_the_same_customers(db: Database) -> None:
    """A renewal is a purchase: Dana (won deal + renewal) is a repeat customer in
    both reports, Omer (one won deal) a customer, Noa (a quote) neither."""
    for name in ("Dana", "Omer", "Noa"):
        add_contact(db, name=name)
    deals.win_deal(db, new_deal(db, "Dana 1", contact="Dana"))
    log_touchpoint(db, contact="Dana", kind="renewal", at=at(11, 5))
    deals.win_deal(db, new_deal(db, "Omer 1", contact="Omer"))
    log_touchpoint(db, contact="Noa", kind="quote requested", at=at(11, 2))
    for period in (ALL_TIME, Period(date(2026, 11, 3), date(2026, 11, 30))):
        journey = journey_figures(db, period=period)
        report = customers_report(db, period=period)
        assert (journey.customers, journey.repeat_customers) == (
            report.customers,
            report.repeat_customers,
        )
    assert (journey_figures(db).customers, journey_figures(db).repeat_customers) == (2, 1)


# --- deleting a contact, and undoing it --------------------------------------------


@pytest.fixture
def dana_everywhere(db: Database, set_now: Callable[[datetime], None]) -> dict[str, int]:
    """Dana with two deals (one won, one qualified with a deal follow-up),
    touchpoints on and off the deals, contact follow-ups (one done) and a stage
    set by hand; Omer with his own touchpoint, deal and follow-up."""
    set_now(at(10, 1))
    omer = add_contact(db, name="Omer")
    dana = add_contact(db, name="Dana Levi", email="dana@example.com", company="Acme")
    won = new_deal(db, "Acme pilot", contact="Dana Levi")
    set_now(at(10, 5))
    deals.move_deal(db, won, stage="Negotiation")
    deals.win_deal(db, won)
    rollout = new_deal(db, "Acme rollout", contact="Dana Levi", currency="EUR")
    _qualify(db, rollout)
    log_touchpoint(db, contact="Dana Levi", kind="demo", deal_id=won, at=at(10, 2))
    log_touchpoint(db, contact="Dana Levi", kind="survey", score=9, at=at(10, 20))
    log_touchpoint(db, contact="Dana Levi", kind="proposal sent", deal_id=rollout, at=at(11, 1))
    log_touchpoint(db, contact="Omer", kind="call", at=at(11, 2))
    add_followup(db, title="Follow the rollout", due=date(2026, 11, 30), deal_id=rollout)
    add_followup(db, title="Coffee", due=date(2026, 11, 25), contact="Dana Levi")
    done = add_followup(db, title="Thank-you note", due=date(2026, 10, 21), contact="Dana Levi")
    complete_followup(db, done.id)
    add_followup(db, title="Omer's", due=date(2026, 11, 26), contact="Omer")
    edit_contact(db, "Dana Levi", journey_stage="loyalty")
    set_now(NOW)
    return {"dana": dana.id, "omer": omer.id, "won": won, "rollout": rollout}


def _delete_undoably(db: Database, contact_id: int) -> Any:
    _, entry = undoable_contact(
        contact_id, "deleted contact", lambda: delete_contact(db, f"#{contact_id}")
    )
    return entry


def test_contact_use_counts_what_deleting_would_touch(
    db: Database, dana_everywhere: dict[str, int]
) -> None:
    use = contact_use(db, dana_everywhere["dana"])
    assert use == ContactUse(deals=2, touchpoints=4, followups=2)  # (one: a won deal's)
    assert use.any
    assert use.text() == "2 deals (kept, without a contact), 4 touchpoints, 2 follow-ups"
    lonely = add_contact(db, name="Lonely")
    assert contact_use(db, lonely.id) == ContactUse(0, 0, 0)
    assert not contact_use(db, lonely.id).any
    assert contact_use(db, lonely.id).text() == "nothing else"
    with pytest.raises(NotFoundError):
        contact_use(db, 999)


def test_deleting_a_contact_takes_their_touchpoints_and_follow_ups_and_keeps_deals(
    db: Database, dana_everywhere: dict[str, int]
) -> None:
    ids = dana_everywhere
    before = dump(db)
    deleted = delete_contact(db, "DANA LEVI")
    assert deleted.id == ids["dana"]

    after = dump(db)
    assert [row[0] for row in after["contact"]] == [ids["omer"]]
    assert {row[1] for row in after["touchpoint"]} == {ids["omer"]}  # contact_id
    for deal_id in (ids["won"], ids["rollout"]):
        assert deals.show_deal(db, deal_id).view.deal.contact_id is None
    # The deal's own follow-up stays with the deal; Omer's is untouched.
    titles = sorted(row[3] for row in after["followup"])
    assert titles == ["Follow the rollout", "Omer's"]
    # Nothing else changed: history, answers, the funnel summary.
    for table in ("stage_history", "qualification", "qualification_change", "funnel_fact"):
        assert after[table] == before[table]
    with pytest.raises(ValidationError):
        get_contact(db, "Dana Levi")


def test_undoing_a_delete_restores_the_contact_and_everything_exactly(
    db: Database, dana_everywhere: dict[str, int]
) -> None:
    before = dump(db)
    entry = _delete_undoably(db, dana_everywhere["dana"])
    assert dump(db) != before

    undo(db, entry)

    assert dump(db) == before
    timeline = contact_timeline(db, "Dana Levi")
    assert timeline.stage is JourneyStage.LOYALTY
    assert timeline.purchases == 1
    assert (
        deals.show_deal(db, dana_everywhere["rollout"]).view.deal.contact_id
        == (dana_everywhere["dana"])
    )


def test_undoing_the_delete_of_a_contact_with_nothing_else(db: Database) -> None:
    add_contact(db, name="Omer")
    lonely = add_contact(db, name="Lonely", notes="line one\nline two")
    before = dump(db)
    entry = _delete_undoably(db, lonely.id)
    undo(db, entry)
    assert dump(db) == before


@pytest.mark.sqlite_only  # PostgreSQL's sequences never hand a deleted contact's id out again
def test_undo_refuses_when_the_contact_was_replaced_since(
    db: Database, dana_everywhere: dict[str, int]
) -> None:
    entry = _delete_undoably(db, dana_everywhere["dana"])
    newcomer = add_contact(db, name="Newcomer")
    assert newcomer.id == dana_everywhere["dana"]  # SQLite hands the free id out again
    after_newer = dump(db)

    with pytest.raises(ValidationError) as caught:
        undo(db, entry)

    assert caught.value.field == "undo"
    assert dump(db) == after_newer


def test_undo_after_other_unrelated_work_restores_the_contact(
    db: Database, dana_everywhere: dict[str, int]
) -> None:
    add_contact(db, name="Later")  # Dana's id is not the highest any more
    entry = _delete_undoably(db, dana_everywhere["dana"])
    other = add_contact(db, name="Someone else")
    assert other.id != dana_everywhere["dana"]
    log_touchpoint(db, contact="Omer", kind="meeting", deal_id=None, at=at(11, 19))
    undo(db, entry)
    assert get_contact(db, "Dana Levi").id == dana_everywhere["dana"]
    assert contact_use(db, dana_everywhere["dana"]) == ContactUse(2, 4, 2)


@pytest.mark.parametrize("newer", ["touchpoint", "follow-up"])
def test_undo_survives_a_touchpoint_or_follow_up_logged_for_someone_else(
    db: Database, newer: str
) -> None:
    add_contact(db, name="Omer")
    dana = add_contact(db, name="Dana")
    log_touchpoint(db, contact="Dana", kind="call", at=at(11, 1))
    add_followup(db, title="Coffee", due=date(2026, 11, 25), contact="Dana")
    before = dump(db)
    entry = _delete_undoably(db, dana.id)
    if newer == "touchpoint":
        log_touchpoint(db, contact="Omer", kind="meeting", at=at(11, 19))
    else:
        add_followup(db, title="Omer's", due=date(2026, 11, 26), contact="Omer")
    after_newer = dump(db)

    try:
        undo(db, entry)
    except ValidationError:  # refusing cleanly would be acceptable too
        assert dump(db) == after_newer
        return
    restored = dump(db)

    def dana_row(rows: Any) -> list[Any]:
        return [row for row in rows if "Dana" in str(row)]

    assert dana_row(restored["contact"]) == dana_row(before["contact"])
    assert len(restored["touchpoint"]) + len(restored["followup"]) == 3
    assert contact_use(db, dana.id) == ContactUse(0, 1, 1)


def test_undo_refuses_when_a_deal_was_given_to_another_contact_since(
    db: Database, dana_everywhere: dict[str, int], set_now: Callable[[datetime], None]
) -> None:
    entry = _delete_undoably(db, dana_everywhere["dana"])
    set_now(NOW + timedelta(hours=1))
    deals.edit_deal(db, dana_everywhere["rollout"], contact="Omer")
    after_newer = dump(db)

    with pytest.raises(ValidationError):
        undo(db, entry)

    assert dump(db) == after_newer
    assert (
        deals.show_deal(db, dana_everywhere["rollout"]).view.deal.contact_id
        == (dana_everywhere["omer"])
    )


def test_undo_refuses_cleanly_when_a_linked_deal_was_deleted_since(
    db: Database, dana_everywhere: dict[str, int]
) -> None:
    entry = _delete_undoably(db, dana_everywhere["dana"])
    deals.delete_deal(db, dana_everywhere["won"])
    after_newer = dump(db)

    with pytest.raises(ValidationError) as caught:
        undo(db, entry)

    assert caught.value.field == "undo"
    assert dump(db) == after_newer
