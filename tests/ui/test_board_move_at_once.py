"""A stage move shows at once: L puts the card in its new column, with both
headers updated, before the database has it; the write then confirms it, or
the card goes back with the reason and nothing is written."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from test_board_stories import SIZE, deal_named, headers, history, notes
from textual.pilot import Pilot
from ui_helpers import board, column, focus_card, make_app, press, settle, titles

from pipetui.domain.money import Money
from pipetui.services import clock
from pipetui.services import deals as deal_service
from pipetui.services.workspace import Workspace
from pipetui.store.database import open_database


class HeldSteps:
    """`step_deal` held in its thread until the test lets each call go, in the
    order the calls come: `started[n]` is set when call n begins."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, calls: int) -> None:
        self.gates = [threading.Event() for _ in range(calls)]
        self.started = [threading.Event() for _ in range(calls)]
        self._calls = 0
        real = deal_service.step_deal

        def held(*args: Any, **kwargs: Any) -> Any:
            n, self._calls = self._calls, self._calls + 1
            self.started[n].set()
            assert self.gates[n].wait(10), "the test never let the write go"
            return real(*args, **kwargs)

        monkeypatch.setattr(deal_service, "step_deal", held)

    async def begun(self, pilot: Pilot[None], n: int) -> None:
        """Wait (on the event loop) until call `n` has begun."""
        for _ in range(250):
            if self.started[n].is_set():
                return
            await pilot.pause(0.02)
        raise AssertionError(f"write {n} never began")


async def test_L_shows_the_card_in_its_new_column_before_the_write_ends(
    sales: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldSteps(monkeypatch, 1)
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Proposal", "Website redesign")

        await pilot.press("L")
        await pilot.pause()

        # On screen already, while the write waits.
        assert titles(column(pilot, "Negotiation"))[0] == "Website redesign"
        assert "Website redesign" not in titles(column(pilot, "Proposal"))
        shown = headers(pilot)
        assert shown["Proposal"] == (2, {"ILS": "12000.00", "USD": "5000.00"})
        assert shown["Negotiation"] == (2, {"USD": "2100.50"})
        assert board(pilot).card.title == "Website redesign"  # type: ignore[union-attr]
        assert deal_named(sales, "Website redesign").stage_name == "Proposal"

        await held.begun(pilot, 0)
        held.gates[0].set()
        await settle(pilot)

        assert deal_named(sales, "Website redesign").stage_name == "Negotiation"
        assert headers(pilot) == shown  # the write's own read agrees
        assert titles(column(pilot, "Negotiation"))[0] == "Website redesign"

        await press(pilot, "u")
        assert deal_named(sales, "Website redesign").stage_name == "Proposal"
        assert headers(pilot)["Proposal"] == (3, {"ILS": "12000.00", "USD": "6200.50"})
        assert headers(pilot)["Negotiation"] == (1, {"USD": "900.00"})


async def test_a_move_another_writer_got_to_first_goes_back_with_the_reason(
    sales: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real = deal_service.step_deal

    def held_step(*args: Any, **kwargs: Any) -> Any:
        assert release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(deal_service, "step_deal", held_step)
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        deal_id = await focus_card(pilot, "Proposal", "Website redesign")
        start = history(sales, deal_id)
        before = headers(pilot)
        seen = notes(pilot.app)

        await pilot.press("L")
        await pilot.pause()
        assert titles(column(pilot, "Negotiation"))[0] == "Website redesign"
        # Meanwhile a CLI changes the deal's value.
        other = open_database(str(tmp_path / "board.db"), now=clock.now())
        try:
            deal_service.edit_deal(other, deal_id, value=Money(99_900, "USD"))
        finally:
            other.dispose()
        release.set()
        await settle(pilot)

        assert (
            "Not moved 'Website redesign': it changed elsewhere, board refreshed. "
            "Nothing was written",
            "warning",
        ) in seen
        assert deal_named(sales, "Website redesign").stage_name == "Proposal"
        assert history(sales, deal_id) == start
        assert "Website redesign" in titles(column(pilot, "Proposal"))
        assert "Website redesign" not in titles(column(pilot, "Negotiation"))
        after = headers(pilot)
        assert after["Negotiation"] == before["Negotiation"]
        assert after["Proposal"] == (3, {"ILS": "12000.00", "USD": "5999.00"})
        assert pilot.app.undo_stack == []  # type: ignore[attr-defined]


async def test_a_move_of_a_deal_deleted_elsewhere_goes_back_and_says_so(
    sales: Workspace, tmp_path: Path
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        deal_id = await focus_card(pilot, "Proposal", "Annual licence")
        other = open_database(str(tmp_path / "board.db"), now=clock.now())
        try:
            deal_service.delete_deal(other, deal_id)
        finally:
            other.dispose()
        seen = notes(pilot.app)

        await press(pilot, "L")
        await settle(pilot)

        assert [s for _, s in seen] == ["warning"]
        assert "Annual licence" not in titles(column(pilot, "Negotiation"))
        assert headers(pilot)["Negotiation"] == (1, {"USD": "900.00"})


async def test_rapid_moves_end_where_the_database_has_the_deal(workspace: Workspace) -> None:
    for title, minor in (("Big one", 700_000), ("Small one", 1_000)):
        deal_service.add_deal(
            workspace.db, title=title, value=Money(minor, "USD"), stage="Qualification"
        )
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        deal_id = await focus_card(pilot, "Qualification", "Big one")
        start = len(history(workspace, deal_id))

        await pilot.press("L", "L")
        await settle(pilot)

        assert deal_named(workspace, "Big one").stage_name == "Needs assessment"
        assert len(history(workspace, deal_id)) == start + 2
        shown = headers(pilot)
        assert shown["Qualification"] == (1, {"USD": "10.00"})
        assert shown["Initial contact"] == (0, {})
        assert shown["Needs assessment"] == (1, {"USD": "7000.00"})
        assert titles(column(pilot, "Needs assessment")) == ["Big one"]
        assert board(pilot).card.title == "Big one"  # type: ignore[union-attr]

        await press(pilot, "H", "H", "H")
        await settle(pilot)
        assert deal_named(workspace, "Big one").stage_name == "Prospecting"
        assert titles(column(pilot, "Prospecting")) == ["Big one"]
        assert headers(pilot)["Prospecting"] == (1, {"USD": "7000.00"})
        assert sum(count for count, _ in headers(pilot).values()) == 2


async def test_a_move_the_database_fails_goes_back_and_says_nothing_was_saved(
    sales: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_step(*args: Any, **kwargs: Any) -> Any:
        raise OSError("disk I/O error")

    monkeypatch.setattr(deal_service, "step_deal", broken_step)
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Proposal", "Website redesign")
        before, proposal = headers(pilot), titles(column(pilot, "Proposal"))
        seen = notes(pilot.app)

        await press(pilot, "L")
        await settle(pilot)

        assert seen == [("Nothing was saved: disk I/O error", "error")]
        assert titles(column(pilot, "Proposal")) == proposal
        assert "Website redesign" not in titles(column(pilot, "Negotiation"))
        assert headers(pilot) == before
        assert board(pilot).card.title == "Website redesign"  # type: ignore[union-attr]
        assert deal_named(sales, "Website redesign").stage_name == "Proposal"


async def test_L_pressed_while_the_first_write_runs_is_not_drawn_back_by_it(
    sales: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cold lead, Prospecting: L, and L again while the first write is still
    running. When the first write ends, its read must not put the card back in
    Qualification (it would be in two columns, and a third L would be refused
    as changed elsewhere); after both, a third L takes it on to Needs
    assessment."""
    held = HeldSteps(monkeypatch, 3)
    stages = ("Prospecting", "Qualification", "Initial contact", "Needs assessment")
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Prospecting", "Cold lead")
        await pilot.press("L")
        await held.begun(pilot, 0)
        await pilot.press("L")  # shown while the first write runs
        await pilot.pause()
        held.gates[0].set()
        await held.begun(pilot, 1)
        await pilot.pause()

        where = [stage for stage in stages if "Cold lead" in titles(column(pilot, stage))]
        assert where == ["Initial contact"]
        assert board(pilot).card.title == "Cold lead"  # type: ignore[union-attr]

        held.gates[1].set()
        await settle(pilot)
        assert deal_named(sales, "Cold lead").stage_name == "Initial contact"
        held.gates[2].set()
        await press(pilot, "L")
        assert deal_named(sales, "Cold lead").stage_name == "Needs assessment"
        assert not [n for n in notes(pilot.app) if "changed elsewhere" in n]
        where = [stage for stage in stages if "Cold lead" in titles(column(pilot, stage))]
        assert where == ["Needs assessment"]


async def test_u_and_w_pressed_during_a_move_wait_for_its_write(
    sales: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`u` pressed while the move is being written takes back that move (not the
    change before it); `w` pressed then wins the deal where the move put it,
    checked against the version the move gave it."""
    held = HeldSteps(monkeypatch, 2)
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Prospecting", "Cold lead")
        await pilot.press("L")
        await held.begun(pilot, 0)
        await pilot.press("u")
        await pilot.pause()
        held.gates[0].set()
        await settle(pilot)
        assert deal_named(sales, "Cold lead").stage_name == "Prospecting"
        assert "Cold lead" in titles(column(pilot, "Prospecting"))

        await focus_card(pilot, "Prospecting", "Cold lead")
        await pilot.press("L")
        await held.begun(pilot, 1)
        await pilot.press("w")
        await pilot.pause()
        held.gates[1].set()
        await settle(pilot)
        cold = deal_named(sales, "Cold lead")
        assert (cold.stage_name, cold.deal.status.value) == ("Qualification", "won")
        assert not [n for n in notes(pilot.app) if "changed elsewhere" in n]
