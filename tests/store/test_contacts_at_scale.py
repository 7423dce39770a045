"""Contacts at scale (issue 21): search through a trigram index, and the
contacts screen's sorts by last touch and by open value through figures the
database keeps on the contact. None of it may change what a seller sees:
the same contacts found, in the same order, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from pipetui.domain.money import Money
from pipetui.domain.text import search_key
from pipetui.services import contacts, deals, journey, touchpoints
from pipetui.store.database import Database
from pipetui.store.tables import CONTACT, DEAL, TOUCHPOINT

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # (the store tests' frozen clock)
LETTERS = "aAcoOëËzZß İ%_\\כהןلي"
"""Latin in both cases, a diaeresis, ß (folds to "ss"), dotted İ, LIKE's own
wildcards and escape, Hebrew and Arabic."""
words = st.text(alphabet=LETTERS, min_size=1, max_size=7)


def _expected(db: Database, query: str) -> list[int]:
    """Brute force: every contact whose name, email, company or phone holds
    each word of `query`, folded the same way, in name order (then id)."""
    with db.read() as conn:
        c = CONTACT.c
        rows = conn.execute(select(c.id, c.name, c.email, c.company, c.phone)).all()
    wanted = search_key(query).split()
    found = [
        (search_key(name), contact_id)
        for contact_id, name, email, company, phone in rows
        if all(w in search_key(name, email, company, phone) for w in wanted)
    ]
    return [contact_id for _, contact_id in sorted(found)]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(st.tuples(words, words, st.none() | words), min_size=1, max_size=6),
    query=st.one_of(words, st.sampled_from(["co", "כה", "لي", "ë", "ss", "%", "zo ë"])),
    change=st.integers(min_value=0, max_value=2),
)
def test_search_finds_exactly_the_contacts_holding_every_word(
    db: Database, backend: str, people: list[tuple[str, str, str | None]], query: str, change: int
) -> None:
    """A seller adds, renames and deletes people; whatever they type finds the
    same contacts a plain substring check of the folded fields finds, in the
    CLI's page, in the full list and in the contacts screen's id list."""
    added = []
    for name, company, phone in people:
        if name.strip():
            added.append(contacts.add_contact(db, name=name, company=company, phone=phone))
    if added and change == 1:
        contacts.edit_contact(db, str(added[0].id), name=f"{query} renamed", company="")
    if added and change == 2:
        contacts.delete_contact(db, str(added[-1].id))

    expected = _expected(db, query)
    found = [c.id for c in contacts.list_contacts(db, search=query)]
    page = [c.id for c in contacts.list_contacts(db, search=query, limit=3)]
    screen = journey.contact_ids(db, search=query)
    assert sorted(found) == sorted(expected)
    assert sorted(screen) == sorted(expected)
    assert page == found[:3]
    if backend == "sqlite":  # (a server orders names by its own collation)
        assert found == expected
        assert screen == expected


def _rollups(db: Database) -> dict[int, tuple[Any, int]]:
    """What the contact rows hold: last touch, open value (joined exactly)."""
    with db.read() as conn:
        c = CONTACT.c
        rows = conn.execute(select(c.id, c.last_touch_at, c.open_value_high, c.open_value_low))
        return {i: (at, (high << 32) + low) for i, at, high, low in rows}


def _truth(db: Database) -> dict[int, tuple[Any, int]]:
    """The same figures counted from the touchpoints and deals themselves."""
    with db.read() as conn:
        ids = [i for (i,) in conn.execute(select(CONTACT.c.id))]
        touches = conn.execute(select(TOUCHPOINT.c.contact_id, TOUCHPOINT.c.at)).all()
        open_deals = conn.execute(
            select(DEAL.c.contact_id, DEAL.c.value_minor).where(DEAL.c.status == "open")
        ).all()
    return {
        i: (
            max((at for who, at in touches if who == i), default=None),
            sum(v for who, v in open_deals if who == i),
        )
        for i in ids
    }


def test_every_write_keeps_last_touch_and_open_value_on_the_contact(db: Database) -> None:
    """Deals are added, won, re-valued, moved to another contact and deleted;
    touches are logged (one ahead of time); a contact is deleted: the kept
    figures are always what the touchpoints and deals say, and the screen's
    sorts follow them (a touch logged ahead does not count until it happens)."""
    dana = contacts.add_contact(db, name="דנה כהן")
    omar = contacts.add_contact(db, name="عمر")
    zoe = contacts.add_contact(db, name="Zoë")
    huge = 10**15 - 1  # the largest value a deal takes: its halves both count
    first = deals.add_deal(db, title="A", value=Money(huge, "USD"), contact="דנה כהן")
    deals.add_deal(db, title="B", value=Money(huge, "EUR"), contact="דנה כהן")
    small = deals.add_deal(db, title="C", value=Money(500, "ILS"), contact="عمر")
    won = deals.add_deal(db, title="D", value=Money(10**9, "USD"), contact="Zoë")
    deals.win_deal(db, won.view.deal.id)
    deals.edit_deal(db, small.view.deal.id, value=Money(700, "ILS"))
    deals.edit_deal(db, first.view.deal.id, contact="Zoë")
    touchpoints.log_touchpoint(db, contact="Zoë", kind="call", at=NOW - timedelta(days=3))
    touchpoints.log_touchpoint(db, contact="عمر", kind="call", at=NOW - timedelta(days=1))
    touchpoints.log_touchpoint(db, contact="عمر", kind="meeting", at=NOW + timedelta(days=5))
    assert _rollups(db) == _truth(db)

    # Zoë and Dana hold the same sum (in other currencies): by name then.
    assert journey.contact_ids(db, sort="value") == [zoe.id, dana.id, omar.id]
    # Zoë's won deal is a purchase touch now; Omar's meeting ahead does not
    # count (else he would come first): his last touch is yesterday's call.
    assert journey.contact_ids(db, sort="last touch") == [zoe.id, omar.id, dana.id]
    assert journey.contact_ids(db, sort="days since contact") == [omar.id, zoe.id, dana.id]

    deals.delete_deal(db, small.view.deal.id)
    contacts.delete_contact(db, str(dana.id))
    assert _rollups(db) == _truth(db)
    assert journey.contact_ids(db, sort="value") == [zoe.id, omar.id]


def _plan(db: Database, statement: str, params: dict[str, Any]) -> str:
    with db.read() as conn:
        return " | ".join(
            str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
        )


def _statements(db: Database, call: Any) -> list[tuple[str, Any]]:
    from sqlalchemy import event

    seen: list[tuple[str, Any]] = []

    def keep(_c: Any, _cur: Any, statement: str, params: Any, *_: Any) -> None:
        if "contact" in statement and not statement.startswith("EXPLAIN"):
            seen.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    return seen


@pytest.mark.sqlite_only("SQLite's query plans")
def test_the_screen_sorts_and_a_search_page_read_no_aggregate(db: Database) -> None:
    """By value the id list is a walk of ix_contact_open_value (no sort, no
    deal read); by last touch, of ix_contact_last_touch (no touchpoint read;
    with a touch logged ahead of now, still none is scanned); a search for a
    word reads candidates from the trigram index, not every contact."""
    contacts.add_contact(db, name="Dana Cohen", company="Acme")
    for sort, wanted, unwanted in (
        ("value", "ix_contact_open_value", ("TEMP B-TREE", "deal")),
        ("last touch", "ix_contact_last_touch", ("TEMP B-TREE", "touchpoint")),
    ):
        *_, (statement, params) = _statements(db, lambda s=sort: journey.contact_ids(db, sort=s))
        plan = _plan(db, statement, params)
        assert wanted in plan, plan
        for word in unwanted:
            assert word not in plan, plan

    found = _statements(db, lambda: contacts.list_contacts(db, search="cohen", limit=50))
    plans = [_plan(db, s, p) for s, p in found if "contact_search" in s]
    assert any("VIRTUAL TABLE" in plan for plan in plans), plans
    assert [c.name for c in contacts.list_contacts(db, search="COHEN", limit=50)] == ["Dana Cohen"]


@pytest.mark.postgresql_only("PostgreSQL's query plans")
def test_a_server_can_walk_the_value_index_for_the_value_sort(db: Database) -> None:
    """On PostgreSQL ix_contact_open_value serves the value sort's order (its
    collation included): reading every contact, the planner may still find a
    scan and an in-memory sort cheaper; without sorting, it walks the index."""
    with db.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO contact (name, sort_name, search_key, journey_stage_manual,"
            " created_at, updated_at, version)"
            " SELECT 'P ' || n, 'p ' || n, 'p ' || n, false, now(), now(), 1"
            " FROM generate_series(1, 5000) AS n"
        )
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE contact")
        conn.commit()
    [(statement, params)] = _statements(db, lambda: journey.contact_ids(db, sort="value"))
    with db.read() as conn:
        conn.exec_driver_sql("SET LOCAL enable_sort = off")
        plan = " | ".join(
            str(row[0]) for row in conn.exec_driver_sql(f"EXPLAIN {statement}", params)
        )
    assert "ix_contact_open_value" in plan, plan
    assert "Sort" not in plan, plan


def test_two_letter_words_with_noncharacters_are_found_as_plain_search_finds_them(
    db: Database,
) -> None:
    """FTS5 keeps U+FFFE and U+FFFF as U+FFFD, so the index's vocabulary cannot
    narrow a two-letter word holding one: such a word is searched unnarrowed."""
    for name in ("ab\uffffcd", "Zo\ufffeë x", "plain"):
        contacts.add_contact(db, name=name)
    for query in ("b\uffff", "\uffffc", "b\uffffc", "o\ufffe", "\ufffeë"):
        expected = _expected(db, query)
        assert expected, query
        assert [c.id for c in contacts.list_contacts(db, search=query)] == expected
        assert [c.id for c in contacts.list_contacts(db, search=query, limit=50)] == expected
