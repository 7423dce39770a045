"""Hebrew and Arabic read right on every screen but the board (DESIGN.md §6):
each field is laid out on its own, in visual order, inside its own column, cut
at its logical end; with the bidi setting off, the text goes out as stored."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import Input, Label, Static
from ui_helpers import make_app, press, settle

from pipetui.domain.bidi import visual
from pipetui.domain.money import Money
from pipetui.services import deals
from pipetui.services.contacts import add_contact
from pipetui.services.settings import Settings
from pipetui.services.touchpoints import log_touchpoint
from pipetui.services.workspace import Workspace
from pipetui.store.database import open_database
from pipetui.ui.screens.contacts import ContactsScreen
from pipetui.ui.screens.deal_detail import detail_content
from pipetui.ui.screens.timeline import TimelineScreen
from pipetui.ui.widgets.contact_list import ContactList, widths

SIZE = (160, 40)
RONIT, RONIT_CO = "רונית לוי", "חברת האור"
MOHAMMED, MOHAMMED_CO = "محمد علي", "شركة النور 2026"
LONG = "אברהם בן דוד מירושלים של זהב ושל נחושת"  # longer than the name column
SUMMARY = "اتصل بي على الرقم 050-1234567 بعد الساعة 10"  # Arabic with digits


def people(tmp_path: Path, bidi: str = "app") -> Workspace:
    """Hebrew, Arabic and Latin contacts, an Arabic summary, a Hebrew deal."""
    from pipetui.services import clock

    db = open_database(str(tmp_path / "rtl.db"), now=clock.now())
    ws = Workspace(db, Settings(bidi=bidi))
    add_contact(db, name=RONIT, company=RONIT_CO)
    add_contact(db, name=MOHAMMED, company=MOHAMMED_CO)
    add_contact(db, name="Dana Smith", company="Acme")
    add_contact(db, name=LONG)
    log_touchpoint(
        db,
        contact=MOHAMMED,
        kind="call",
        summary=SUMMARY,
        channel="هاتف",
        at=datetime(2026, 11, 19, 9, 0, tzinfo=UTC),
    )
    deals.add_deal(
        db, title="הצעה לפאנלים", value=Money(100_000, "ILS"), stage="Proposal", contact=RONIT
    )
    return ws


def rows(pilot: Pilot[None]) -> dict[str, str]:
    """The contacts list's drawn lines, by the contact on each."""
    screen = pilot.app.screen
    assert isinstance(screen, ContactsScreen)
    listing = screen.query_one(ContactList)
    drawn = ["".join(s.text for s in listing.render_line(y)) for y in range(len(listing.ids))]
    names = [listing.rows[i].name for i in listing.ids]
    return dict(zip(names, drawn, strict=True))


def columns(width: int) -> list[tuple[int, int]]:
    """Each column's first cell and width (one space between columns)."""
    spans, start = [], 0
    for size in widths(width):
        spans.append((start, size))
        start += size + 1
    return spans


def cell(row: str, span: tuple[int, int]) -> str:
    start, size = span
    return row[start : start + size].rstrip()  # (one cell a letter in these rows)


async def test_contacts_list_draws_each_rtl_field_in_visual_order_in_its_own_column(
    tmp_path: Path,
) -> None:
    ws = people(tmp_path)
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        drawn = rows(pilot)
        width = pilot.app.screen.query_one(ContactList).size.width
        name, company, stage = columns(width)[:3]

        assert cell(drawn[RONIT], name) == visual(RONIT) == "יול תינור"
        assert cell(drawn[RONIT], company) == visual(RONIT_CO)
        assert cell(drawn[MOHAMMED], name) == visual(MOHAMMED)
        assert cell(drawn[MOHAMMED], company) == visual(MOHAMMED_CO)
        assert cell(drawn[MOHAMMED], company).startswith("2026 ")  # digits stay LTR
        assert cell(drawn[MOHAMMED], stage) == "consideration"
        assert cell(drawn["Dana Smith"], name) == "Dana Smith"
        # A long name is cut at its logical end (the ellipsis on its left) and
        # stops at its column: the company column starts blank.
        long_name = cell(drawn[LONG], name)
        assert long_name == visual(LONG, name[1]) and long_name.startswith("…")
        assert long_name.endswith("א")  # the first letter, drawn rightmost
        assert drawn[LONG][name[1]] == " " and cell(drawn[LONG], company) == ""
        assert len({cell_len(row) for row in drawn.values()}) == 1


async def test_with_bidi_off_the_contacts_list_sends_the_text_as_stored(tmp_path: Path) -> None:
    ws = people(tmp_path, bidi="off")
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        drawn = rows(pilot)
        width = pilot.app.screen.query_one(ContactList).size.width
        name, company = columns(width)[:2]
        assert cell(drawn[RONIT], name) == RONIT
        assert cell(drawn[MOHAMMED], company) == MOHAMMED_CO
        assert cell(drawn[LONG], name) == LONG[: name[1] - 1] + "…"


async def test_the_timeline_lays_out_the_name_company_summary_and_channel(
    tmp_path: Path,
) -> None:
    ws = people(tmp_path)
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        listing = pilot.app.screen.query_one(ContactList)
        listing.cursor = [listing.rows[i].name for i in listing.ids].index(MOHAMMED)
        await press(pilot, "enter")
        screen = pilot.app.screen
        assert isinstance(screen, TimelineScreen)
        content = screen.query_one("#timeline-text", Static).content
        lines = [line.rstrip() for line in content.plain.splitlines()]  # type: ignore[union-attr]
        assert lines[0] == f"{visual(MOHAMMED)}  {visual(MOHAMMED_CO)}"
        call = f"  09:00  ● call ({visual('هاتف')})  {visual(SUMMARY)}  consideration"
        assert call in lines
        # Numbers read left to right inside the right-to-left summary.
        assert "050" in visual(SUMMARY) and "1234567" in visual(SUMMARY)


async def test_a_form_shows_a_typed_name_laid_out_except_while_typing_in_it(
    tmp_path: Path,
) -> None:
    ws = people(tmp_path)
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        screen = pilot.app.screen
        search = screen.query_one("#contact-search", Input)
        search.value = RONIT
        assert not search.has_focus
        assert search._value.plain == visual(RONIT)  # as drawn, not being edited
        search.focus()
        await pilot.pause()
        assert search._value.plain == RONIT  # logical while typing (cursor positions)
        await press(pilot, "enter")  # back to the list: the search is drawn laid out
        assert search._value.plain == visual(RONIT)
        title = str(screen.query_one("#contacts-title", Static).content)
        assert title == visual(
            f"Contacts · 1 contact matching {RONIT!r} · sorted by name (s)", None, "L"
        )

        await press(pilot, "t")
        heading = pilot.app.screen.query_one(".form-title", Label)
        assert str(heading.content) == f"Log a touchpoint: {visual(RONIT)}"


def test_deal_details_lay_out_each_field_and_stage_names_in_the_history(
    tmp_path: Path,
) -> None:
    ws = people(tmp_path)
    from pipetui.services.pipelines import rename_stage

    rename_stage(ws.db, pipeline=None, stage="Proposal", new_name="הצעת מחיר")
    detail = deals.show_deal(ws.db, 1)
    text = detail_content(detail, datetime(2026, 11, 20, 10, tzinfo=UTC)).plain
    lines = text.splitlines()
    assert lines[0] == visual("הצעה לפאנלים")
    assert f"Sales › {visual('הצעת מחיר')}" in text
    assert f"{visual(RONIT)} · {visual(RONIT_CO)}" in text
    assert any(line.endswith(f"entered {visual('הצעת מחיר')}") for line in lines)
