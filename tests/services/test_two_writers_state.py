"""A stateful property: two windows and a CLI writing to one database in any
interleaving. Hypothesis drives the services as users would (moves, wins,
losses, reopenings, edits, touchpoints, undo, refreshing a board) and after
every step checks what must always hold:

- a change asked for from a stale view is refused and writes nothing;
- undo succeeds exactly when its change is still the newest on that deal, and
  then puts the deal back as it was before that change; otherwise it refuses and
  writes nothing (so it never touches another writer's change);
- every deal's history is a chain (each row starts where the one before ended,
  and ends where the deal is now);
- the funnel's running summary equals a recount from the deals;
- a contact's automatic journey stage is that of their latest touchpoint.
"""

from __future__ import annotations

import os
from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from db_targets import Targets
from pipetui.domain.errors import ChangedElsewhere, ValidationError
from pipetui.domain.money import Money
from pipetui.services import clock, contacts, deals, touchpoints
from pipetui.services.undo import AnyUndo, RowUndoEntry, UndoEntry, undo, undoable, undoable_row
from pipetui.store import funnel_facts, snapshots
from pipetui.store.database import Database, open_database

DEALS = 3
WINDOWS = 2
KINDS = ("ad_seen", "call", "proposal_sent", "purchase", "survey")


class TwoWriters(RuleBasedStateMachine):
    """Windows 0 and 1 (each a board with its own undo stack) and a CLI."""

    def __init__(self) -> None:
        super().__init__()
        self._env = os.environ.get("PIPETUI_NOW")
        os.environ["PIPETUI_NOW"] = "2026-11-20T10:00:00+00:00"
        assert TARGETS is not None
        path = TARGETS("p.db")
        self.dbs = [open_database(path, now=clock.now()) for _ in range(WINDOWS + 1)]
        self.cli = self.dbs[WINDOWS]
        self.deal_ids = [
            deals.add_deal(
                self.cli,
                title=f"Deal {n}",
                value=Money(1000 * (n + 1), "USD"),
                stage="Initial contact",
                contact="Dana",
            ).view.deal.id
            for n in range(DEALS)
        ]
        self.views: list[dict[int, int]] = [self._versions() for _ in range(WINDOWS)]
        self.stacks: list[list[AnyUndo]] = [[] for _ in range(WINDOWS)]
        # Per deal, the changes in force, oldest first: an undo entry or None
        # for one that cannot be undone (the CLI's).
        self.changes: dict[int, list[AnyUndo | None]] = {d: [] for d in self.deal_ids}

    def teardown(self) -> None:
        for db in self.dbs:
            db.dispose()
        if self._env is None:
            os.environ.pop("PIPETUI_NOW", None)
        else:
            os.environ["PIPETUI_NOW"] = self._env

    # -- helpers --------------------------------------------------------------

    def _versions(self) -> dict[int, int]:
        return {d: deals.show_deal(self.cli, d).view.deal.version for d in self.deal_ids}

    def _rows(self, deal_id: int) -> snapshots.DealRows:
        with self.cli.read() as conn:
            return snapshots.capture(conn, deal_id)

    def _change(self, window: int, deal: int, label: str, change: Any) -> None:
        """A change asked for from `window`'s board: refused when stale, else
        applied (or refused for its own reasons) with nothing half-written."""
        db = self.dbs[window]
        before = self._rows(deal)
        seen = self.views[window][deal]
        stale = seen != before.deal["version"]  # type: ignore[index]
        try:
            _, entry = undoable(deal, label, lambda: change(db, deal, seen))
        except ChangedElsewhere:
            assert stale
            assert self._rows(deal) == before
            self.views[window] = self._versions()  # "board refreshed"
            return
        except ValidationError:
            assert not stale
            assert self._rows(deal) == before
            return
        assert not stale
        assert entry.before == before and entry.after == self._rows(deal)
        self.stacks[window].append(entry)
        self.changes[deal].append(entry)
        self.views[window][deal] = entry.after.deal["version"]  # type: ignore[index]

    # -- rules ----------------------------------------------------------------

    @rule(
        window=st.integers(0, WINDOWS - 1),
        deal=st.sampled_from(range(DEALS)),
        step=st.sampled_from((-1, 1)),
    )
    def move(self, window: int, deal: int, step: int) -> None:
        self._change(
            window,
            self.deal_ids[deal],
            "moved",
            lambda db, d, seen: deals.step_deal(db, d, steps=step, seen_version=seen),
        )

    @rule(
        window=st.integers(0, WINDOWS - 1),
        deal=st.sampled_from(range(DEALS)),
        how=st.sampled_from(("won", "lost", "reopened", "edited")),
    )
    def close_or_edit(self, window: int, deal: int, how: str) -> None:
        def change(db: Database, d: int, seen: int) -> object:
            if how == "won":
                return deals.win_deal(db, d, seen_version=seen)
            if how == "lost":
                return deals.lose_deal(db, d, reason="price", seen_version=seen)
            if how == "reopened":
                return deals.reopen_deal(db, d, seen_version=seen)
            return deals.edit_deal(db, d, value=Money(777, "USD"), seen_version=seen)

        self._change(window, self.deal_ids[deal], how, change)

    @rule(deal=st.sampled_from(range(DEALS)), value=st.integers(0, 10**6))
    def cli_edit(self, deal: int, value: int) -> None:
        """`pipetui deal edit ID --value ...` with no --if-version: always lands."""
        deal_id = self.deal_ids[deal]
        deals.edit_deal(self.cli, deal_id, value=Money(value, "USD"))
        self.changes[deal_id].append(None)

    @rule(window=st.integers(0, WINDOWS - 1), kind=st.sampled_from(KINDS))
    def log_touch(self, window: int, kind: str) -> None:
        db = self.dbs[window]
        _, entry = undoable_row(
            "touchpoint",
            "logged",
            lambda: touchpoints.log_touchpoint(db, contact="Dana", kind=kind),
        )
        self.stacks[window].append(entry)

    @rule(window=st.integers(0, WINDOWS - 1))
    def refresh(self, window: int) -> None:
        self.views[window] = self._versions()

    @precondition(lambda self: any(self.stacks))
    @rule(window=st.integers(0, WINDOWS - 1))
    def press_u(self, window: int) -> None:
        if not self.stacks[window]:
            return
        entry = self.stacks[window].pop()
        if isinstance(entry, RowUndoEntry):  # touchpoints are only ever this window's
            undo(self.dbs[window], entry)
            return
        assert isinstance(entry, UndoEntry)
        deal = entry.before.deal_id
        newest = self.changes[deal][-1] if self.changes[deal] else None
        before = self._rows(deal)
        try:
            undo(self.dbs[window], entry)
        except ValidationError as refused:
            assert newest is not entry, refused
            assert self._rows(deal) == before
            return
        assert newest is entry
        self.changes[deal].pop()
        assert self._rows(deal) == entry.before

    # -- invariants ---------------------------------------------------------

    @invariant()
    def histories_are_chains(self) -> None:
        for deal_id in self.deal_ids:
            detail = deals.show_deal(self.cli, deal_id)
            rows = detail.history
            assert rows[0].from_stage_id is None
            for earlier, later in pairwise(rows):
                assert later.from_stage_id == earlier.to_stage_id
                assert later.from_status == earlier.to_status
            assert rows[-1].to_stage_id == detail.view.deal.stage_id
            assert rows[-1].to_status == detail.view.deal.status

    @invariant()
    def funnel_summary_equals_a_recount(self) -> None:
        query = (
            "SELECT pipeline_id, day, fact, stage_id, currency, n, amount, amount_own,"
            " ms, open_n, open_start FROM funnel_fact ORDER BY 1, 2, 3, 4, 5"
        )
        with self.cli.engine.connect() as conn:
            transaction = conn.begin()
            kept = [tuple(r) for r in conn.exec_driver_sql(query)]
            funnel_facts.rebuild(conn)
            recount = [tuple(r) for r in conn.exec_driver_sql(query)]
            transaction.rollback()
        assert kept == recount

    @invariant()
    def the_journey_stage_follows_the_latest_touchpoint(self) -> None:
        contact, found = contacts.contact_with_touchpoints(self.cli, "Dana")
        latest = found[0].journey_stage if found else None
        assert contact.journey_stage == latest


TARGETS: Targets | None = None
"""Where each run of the machine makes its database (this test's engine)."""


def test_two_writers_in_any_interleaving(new_target: Targets) -> None:
    global TARGETS
    TARGETS = new_target
    try:
        run_state_machine_as_test(
            TwoWriters,
            settings=settings(
                max_examples=20,
                stateful_step_count=25,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
    finally:
        TARGETS = None
