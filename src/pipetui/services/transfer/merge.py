"""The matching and writing of an import (`importer`): deals and touchpoints
matched against what the database holds (contacts, pipelines and stages:
`known.Known`), inside the import's one write transaction, then new rows
written in bulk (one statement per thousand rows), the funnel summary kept in
step and contacts' journey stages updated.

Who (team mode): rows copied from the file keep the file's `by` (NULL when it
does not say); rows the import writes itself (the history of a deal the file
gives none, a stage change by an update) are the importing user's. A new deal
is the file's owner's when the file has an owner column, else the importing
user's, as with `deal add`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pipetui.domain.deal_status import DealStatus
from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import WON_DEAL_CHANNEL, JourneyStage, resolve_kind
from pipetui.domain.text import search_key
from pipetui.services import clock
from pipetui.services.transfer.known import Ids, Known
from pipetui.services.transfer.types import (
    Checked,
    DealIn,
    ImportOptions,
    ImportSummary,
    Problems,
    Progress,
    TouchIn,
)
from pipetui.store import bulk, funnel_facts
from pipetui.store import deals as deal_store
from pipetui.store import imports as store
from pipetui.store import touchpoints as touchpoint_store
from pipetui.store.actor import actor
from pipetui.store.touchpoints import custom_kinds

if TYPE_CHECKING:  # (a type only: store.imports imports SQLAlchemy itself)
    from sqlalchemy.engine import Connection

# The columns of the rows written in bulk, in the order the row lists hold them.
_DEAL_COLUMNS = (
    "id", "title", "search_key", "pipeline_id", "stage_id", "status", "rank", "value_minor",
    "currency", "probability", "close_date", "source", "lost_reason", "contact_id",
    "external_id", "created_at", "updated_at", "stage_entered_at", "closed_at", "owner",
    "notes", "tags",
)  # fmt: skip
_HISTORY_COLUMNS = (
    "deal_id", "at", "from_stage_id", "to_stage_id", "from_status", "to_status", "imported",
    "by",
)  # fmt: skip
_KEY_PENDING: Any = object()
"""A deal's new search key, made once its title and notes are both known."""
# Deals whose funnel facts are recounted at a time while an update import
# writes (an IN list of their ids; SQLite takes up to 32,766 parameters).
_TRACKED = 5000
_TOUCH_COLUMNS = (
    "id", "contact_id", "deal_id", "kind", "journey_stage", "channel", "direction", "at",
    "summary", "score", "by",
)  # fmt: skip


class Merge:
    """One import's matching and writing, inside its write transaction; `run`
    does it all, and leaves its problems (if any) raised as ImportFailed.

    A restore (`restore.restore_or_merge`) passes the file's stage ids, keeps
    the board's order (`keep_rank`) and writes the rest of the file `after`
    the rows, with the ids they were given (`known.file_contacts`, `file_deals`).
    """

    def __init__(
        self,
        conn: Connection,
        options: ImportOptions,
        summary: ImportSummary,
        name: str,
        *,
        file_stages: dict[int, int | str] | None = None,
        keep_rank: bool = False,
        after: Callable[[Merge], None] | None = None,
    ) -> None:
        self.conn, self.options, self.summary, self.name = conn, options, summary, name
        self.now = clock.now()
        self.problems = Problems()
        self.unchanged: Counter[str] = Counter()  # rows to update already as in the file
        self.known = Known(conn, options, summary, problems=self.problems, now=self.now,
                           unchanged=self.unchanged, file_stages=file_stages or {})  # fmt: skip
        self._deals: store.DealKeys | None = None
        self.file_deals: dict[int, int] = {}  # id in the file -> id here
        self.deal_ids, self.touch_ids = Ids(1), Ids(1)  # (from the highest id, once read)
        self.stamp = self.known.stamp
        self.day = bulk.date_column(conn)
        self.keep_rank = keep_rank  # a restore keeps the board's order
        self.after = after

    @property
    def deals(self) -> store.DealKeys:
        """The deals here, as keys to match rows against (read when first needed)."""
        if self._deals is None:
            self._deals = store.deal_keys(self.conn)
        return self._deals

    def _fail(self, where: str, column: str | None, message: str) -> None:
        self.problems.add(where, column, message)

    # -- the whole run ---------------------------------------------------------

    def run(self, checked: Checked, progress: Progress | None) -> None:
        """Contacts first, then deals (which may name contacts), then touchpoints."""
        self.known.merge_contacts(checked.contacts)
        self._deals_in(checked.deals)
        self._touchpoints(checked.touchpoints)
        self.problems.check(self.name)
        if self.after is not None:
            self.after(self)
        if checked.deals:  # a won deal is a purchase on its contact's journey (issue 19)
            found = touchpoint_store.sync_purchases(self.conn)
            touchpoint_store.follow_latest(self.conn, found)
        if +self.unchanged:
            counts = ", ".join(f"{n:,} {kind}" for kind, n in sorted(self.unchanged.items()))
            self.summary.notes.append(f"of those updated, already as in the file: {counts}")
        total = len(checked.contacts) + len(checked.deals) + len(checked.touchpoints)
        if progress:
            progress(total, total)

    # -- deals -----------------------------------------------------------------

    def _match_deal(
        self, row: DealIn, pipeline_id: int, contact_id: int | None, seen: dict[int, str]
    ) -> int | None:
        keys = self.deals
        if row.external_id:
            return keys.by_external.get(row.external_id)
        if row.id is not None:
            here = keys.rows.get(row.id)
            if here is not None and here[0] == row.title:
                return row.id
        same = self.natural.get((row.title, pipeline_id, contact_id), [])
        return next((deal_id for deal_id in same if deal_id not in seen), None)

    def _deals_in(self, rows: list[DealIn]) -> None:
        if not rows:
            return
        keys = self.deals
        self.deal_ids = Ids(max(keys.rows, default=0) + 1)
        rank = keys.min_rank - 1
        self.natural: dict[tuple[str, int, int | None], list[int]] = {}
        for deal_id, (title, pipe, owner, _stage, _status) in keys.rows.items():
            self.natural.setdefault((title, pipe, owner), []).append(deal_id)
        new_deals: list[list[Any]] = []
        history: list[list[Any]] = []
        self.facts: list[funnel_facts.DealFacts] = []
        self.histories: dict[int, funnel_facts.History] = {}
        seen: dict[int, str] = {}
        updates: list[tuple[DealIn, int, int, int | None]] = []
        later: list[tuple[DealIn, int, int | None]] = []
        for row in rows:
            pipeline_id = self.known.pipeline(row.pipeline)
            contact_id = self.known.person(row.where, row.person) if row.person else None
            found = self._match_deal(row, pipeline_id, contact_id, seen)
            if found is not None and found in seen:
                self._fail(row.where, None, f"the same deal as {seen[found]}")
                continue
            if found is not None:
                seen[found] = row.where
                if self.options.on_duplicate == "error":
                    self._fail(row.where, None, f"deal #{found} exists ({keys.rows[found][0]})")
                elif self.options.on_duplicate == "update":
                    updates.append((row, found, pipeline_id, contact_id))
                else:
                    self.summary.skipped["deals"] += 1
                if row.id is not None:
                    self.file_deals[row.id] = found
                continue
            if row.stage is None and row.status is not DealStatus.OPEN and not row.history:
                later.append((row, pipeline_id, contact_id))  # HubSpot's "Closed won/lost"
                continue
            deal_id = self._add_deal(row, pipeline_id, contact_id, rank, new_deals, history)
            seen[deal_id] = row.where
            rank -= 1
        for row, pipeline_id, contact_id in later:
            live = sorted(
                self.known.stages.get(pipeline_id, {}).values(),
                key=self.known.stage_positions.__getitem__,
            )
            stage = live[-1] if live and row.status is DealStatus.WON else None
            name = self.known.stage_names[stage] if stage else None
            self._add_deal(row, pipeline_id, contact_id, rank, new_deals, history, name)
            rank -= 1
        self.known.write_contacts()  # an updated deal may name a contact new in this file
        changes: list[tuple[int, dict[str, Any]]] = []
        moves: dict[int, list[Any]] = {}
        for row, found, pipeline_id, contact_id in updates:
            self._update_deal(row, found, pipeline_id, contact_id, changes, moves)
        if self.problems.total:
            return
        self._write_deal_updates(changes, moves)
        self.known.write_contacts()
        bulk.insert_rows(self.conn, "deal", _DEAL_COLUMNS, new_deals)
        bulk.insert_rows(self.conn, "stage_history", _HISTORY_COLUMNS, history)
        bulk.advance_sequences(self.conn, ("contact", "deal"))
        # New stages are only ever appended, so no deal's furthest stage changes:
        # adding the new deals' facts is enough (no rebuild).
        funnel_facts.add_written(self.conn, self.facts, self.histories)

    def _add_deal(
        self,
        row: DealIn,
        pipeline_id: int,
        contact_id: int | None,
        rank: int,
        new_deals: list[list[Any]],
        history: list[list[Any]],
        stage_name: str | None = None,
    ) -> int:
        for change in row.history:  # new stages in the order the deal went through them
            self.known.stage_ref(row.where, pipeline_id, change.to_stage)
        stage_id = self.known.stage(pipeline_id, row.stage or stage_name)
        deal_id = self.deal_ids.take(row.id, self.deals.rows)
        created = row.created_at or self.now
        closed = row.closed_at or (
            row.updated_at or self.now if row.status is not DealStatus.OPEN else None
        )
        changes = self._history(row, deal_id, pipeline_id, stage_id, created, closed)
        if changes is None:
            return deal_id
        history.extend(h for h, _moment in changes)
        self.histories[deal_id] = [(at, h[3], h[5], h[2]) for h, at in changes]
        self.facts.append((deal_id, pipeline_id, stage_id, row.status.value, row.value.currency,
                           row.value.minor, row.probability, created, closed))  # fmt: skip
        entered = row.stage_entered_at or (_entered(row) if row.history else None) or created
        stamp = self.stamp
        rank = row.rank if self.keep_rank and row.rank is not None else rank
        owner = row.owner if "owner" in row.given else actor(self.conn)
        new_deals.append(
            [deal_id, row.title, search_key(row.title, row.notes), pipeline_id, stage_id,
             row.status.value,
             rank, row.value.minor, row.value.currency, row.probability,
             self.day(row.close_date), row.source, row.lost_reason, contact_id, row.external_id,
             stamp(created), stamp(row.updated_at or closed or created), stamp(entered),
             stamp(closed), owner, row.notes, row.tags]
        )  # fmt: skip
        self.deals.rows[deal_id] = (row.title, pipeline_id, contact_id, stage_id, row.status.value)
        if row.external_id:
            self.deals.by_external[row.external_id] = deal_id
        if row.id is not None:
            self.file_deals[row.id] = deal_id
        self.summary.created["deals"] += 1
        return deal_id

    def _history(
        self,
        row: DealIn,
        deal_id: int,
        pipeline_id: int,
        stage_id: int,
        created: datetime,
        closed: datetime | None,
    ) -> list[tuple[list[Any], datetime]] | None:
        """The deal's history from the file, else the rows of a deal "imported
        without history" (DESIGN.md §2): it entered its stage when created."""
        stamp, status, by = self.stamp, row.status.value, actor(self.conn)
        if not row.history:
            found = [([deal_id, stamp(created), None, stage_id, None, "open", True, by], created)]
            if closed is not None:
                closing = [deal_id, stamp(closed), stage_id, stage_id, "open", status, True, by]
                found.append((closing, closed))
            return found
        found = []
        for change in row.history:
            to_stage = self.known.stage_ref(row.where, pipeline_id, change.to_stage)
            from_stage = (
                None
                if change.from_stage is None
                else self.known.stage_ref(row.where, pipeline_id, change.from_stage)
            )
            found.append(
                ([deal_id, stamp(change.at), from_stage, to_stage,
                  change.from_status.value if change.from_status else None,
                  change.to_status.value, change.imported, change.by], change.at)
            )  # fmt: skip
        last = row.history[-1]
        if found[-1][0][3] != stage_id or last.to_status is not row.status:
            self._fail(row.where, "history", "does not end in the deal's stage and status")
            return None
        return found

    def _update_deal(
        self,
        row: DealIn,
        deal_id: int,
        pipeline_id: int,
        contact_id: int | None,
        changes: list[tuple[int, dict[str, Any]]],
        moves: dict[int, list[Any]],
    ) -> None:
        """The columns the row sets on a deal already here (into `changes`),
        and its history row if its stage or status changes (into `moves`);
        written together by `_write_deal_updates`."""
        title, old_pipeline, _owner, old_stage, old_status = self.deals.rows[deal_id]
        if old_pipeline != pipeline_id:
            self._fail(row.where, "pipeline", f"deal #{deal_id} ({title}) is in another pipeline")
            return
        given = row.given
        simple = {"title": row.title, "probability": row.probability, "close_date": row.close_date,
                  "source": row.source, "lost_reason": row.lost_reason,
                  "notes": row.notes, "tags": row.tags}  # fmt: skip
        values = {k: v for k, v in simple.items() if k in given}
        if "title" in values or "notes" in values:
            values["search_key"] = _KEY_PENDING  # (of both: `_search_keys` reads the other)
        if "value" in given or "currency" in given:
            values.update(value_minor=row.value.minor, currency=row.value.currency)
        if contact_id is not None:
            values["contact_id"] = contact_id
        if "owner" in given:
            values["owner"] = row.owner
        stage_id = self.known.stage(pipeline_id, row.stage) if row.stage else old_stage
        status = row.status.value if "status" in given else old_status
        if (stage_id, status) != (old_stage, old_status):
            moves[deal_id] = [deal_id, self.stamp(self.now), old_stage, stage_id, old_status,
                              status, False, actor(self.conn)]  # fmt: skip
            values.update(stage_id=stage_id, status=status)
            if stage_id != old_stage:
                values["stage_entered_at"] = self.now
            values["closed_at"] = None if status == "open" else (row.closed_at or self.now)
        if values:
            changes.append((deal_id, values))
        self.summary.updated["deals"] += 1

    def _write_deal_updates(
        self, changes: list[tuple[int, dict[str, Any]]], moves: dict[int, list[Any]]
    ) -> None:
        """Write the updated deals that differ from what is here (one UPDATE per
        set of columns for thousands of rows, not one per row) and their history,
        with the funnel summary kept in step a few thousand deals at a time; a
        deal already as the file has it is left untouched (its `updated_at` too).
        """
        self._search_keys(changes)
        changed = store.changed_rows(self.conn, "deal", changes)
        self.unchanged["deals"] += len(changes) - len(changed)
        if not changed:
            return
        pipelines = {self.deals.rows[deal_id][1] for deal_id, _values in changed}
        if 2 * len(changed) >= store.count_deals(self.conn, pipelines):
            # Most deals of these pipelines change: recounting them once costs
            # less than each one's facts before and after (and the new deals'
            # facts are added after this, as they are written).
            bulk.insert_rows(self.conn, "stage_history", _HISTORY_COLUMNS, list(moves.values()))
            store.update_rows(self.conn, "deal", changed, now=self.now)
            funnel_facts.rebuild(self.conn, pipelines)
            return
        for start in range(0, len(changed), _TRACKED):
            part = changed[start : start + _TRACKED]
            with funnel_facts.tracked(self.conn, [deal_id for deal_id, _values in part]):
                history = [moves[deal_id] for deal_id, _values in part if deal_id in moves]
                bulk.insert_rows(self.conn, "stage_history", _HISTORY_COLUMNS, history)
                store.update_rows(self.conn, "deal", part, now=self.now)

    def _search_keys(self, changes: list[tuple[int, dict[str, Any]]]) -> None:
        """A deal's search key is made of its title and notes: for a row that
        gives one of them, the other is read (all such deals in one go)."""
        pending = [i for i, values in changes if values.get("search_key") is _KEY_PENDING]
        if not pending:
            return
        current = deal_store.titles_and_notes(self.conn, pending)
        for deal_id, values in changes:
            if values.get("search_key") is _KEY_PENDING:
                title, notes = current[deal_id]
                title, notes = values.get("title", title), values.get("notes", notes)
                values["search_key"] = search_key(title, notes)

    # -- touchpoints -----------------------------------------------------------

    def _touchpoints(self, rows: list[TouchIn]) -> None:
        if not rows:
            self.known.write_contacts()
            return
        own = custom_kinds(self.conn)
        by_title: dict[tuple[int | None, str], int] = {}
        for known, (title, _pipe, owner, _stage, _status) in sorted(self.deals.rows.items()):
            by_title.setdefault((owner, title), known)
        new_kinds: dict[str, JourneyStage] = {}
        resolved: list[tuple[TouchIn, int, int | None, str, JourneyStage]] = []
        for row in rows:
            contact_id = self.known.person(row.where, row.person)
            deal_id = self._touch_deal(row, contact_id, by_title)
            try:
                kind, stage = resolve_kind(row.kind, {**own, **new_kinds})
            except ValidationError as error:
                if row.journey_stage is None:
                    self._fail(
                        row.where, "kind", error.message + "; give its journey_stage to add it"
                    )
                    continue
                kind, stage = row.kind, row.journey_stage
                new_kinds[kind] = stage
            if contact_id is not None:
                resolved.append((row, contact_id, deal_id, kind, stage))
        if self.problems.total:
            return
        self.known.write_contacts()
        # A won deal's purchase in the file takes the place of the one its
        # deal's import logged (a CSV round trip keeps the file's row and id).
        won = [(d, r.id) for r, _c, d, k, _s in resolved if k == "purchase" and d is not None
               and r.id is not None and r.channel == WON_DEAL_CHANNEL]  # fmt: skip
        for deal_id, keep in sorted(set(won)):
            touchpoint_store.drop_won_purchases(self.conn, deal_id, keep=keep)
        rows_by_id = {r.id: r for r, _c, _d, k, _s in resolved if k == "purchase"}
        for deal_id, keep in sorted(set(won)):
            # a kept row is the file's own: its summary (the deal's title when
            # it was won), its time, who made the sale
            row = rows_by_id[keep]
            touchpoint_store.take_won_purchase(
                self.conn,
                keep,
                deal_id,
                {"summary": row.summary, "at": row.at, "by": row.by,
                 "direction": row.direction, "score": row.score},
            )  # fmt: skip
        existing = store.touch_keys(
            self.conn, [c for _r, c, *_ in resolved if c not in self.known.new_contact_ids]
        )
        wanted = [r.id for r, *_ in resolved if r.id is not None]
        taken = store.taken_ids(self.conn, "touchpoint", wanted) if wanted else set()
        self.touch_ids = Ids(store.max_id(self.conn, "touchpoint") + 1)
        new_rows: list[list[Any]] = []
        for row, contact_id, deal_id, kind, stage in resolved:
            key = (contact_id, kind, store.naive_utc(row.at), row.summary)
            if key in existing:  # (only what was here before: a file may repeat a touch)
                self.summary.skipped["touchpoints"] += 1
                continue
            touch_id = self.touch_ids.take(row.id, taken)
            taken.add(touch_id)
            new_rows.append(
                [touch_id, contact_id, deal_id, kind, stage.value, row.channel, row.direction,
                 self.stamp(row.at), row.summary, row.score, row.by]
            )  # fmt: skip
        self.summary.created["touchpoints"] += len(new_rows)
        if new_kinds:
            bulk.insert_rows(self.conn, "touchpoint_kind", ["kind", "journey_stage"],
                             [(k, s.value) for k, s in new_kinds.items()])  # fmt: skip
            self.summary.notes.append(f"new touchpoint kinds: {', '.join(sorted(new_kinds))}")
        bulk.insert_rows(self.conn, "touchpoint", _TOUCH_COLUMNS, new_rows)
        bulk.advance_sequences(self.conn, ("touchpoint",))
        store.follow_latest_touchpoints(self.conn, sorted({r[1] for r in new_rows}))

    def _touch_deal(
        self, row: TouchIn, contact_id: int | None, by_title: dict[tuple[int | None, str], int]
    ) -> int | None:
        if row.deal_id is None and row.deal_title is None:
            return None
        keys = self.deals
        if row.deal_id is not None:
            mapped = self.file_deals.get(row.deal_id)
            if mapped is not None:
                return mapped
            here = keys.rows.get(row.deal_id)
            if here is not None and row.deal_title in (None, here[0]):
                return row.deal_id
        if row.deal_title is not None and (contact_id, row.deal_title) in by_title:
            return by_title[contact_id, row.deal_title]
        wanted = f"#{row.deal_id}" if row.deal_id is not None else repr(row.deal_title)
        self._fail(row.where, "deal_id", f"no deal {wanted} of this contact")
        return None


def _entered(row: DealIn) -> datetime | None:
    """When the deal last moved into its stage, by its history."""
    moves = [c.at for c in row.history if c.from_stage is None or c.from_stage != c.to_stage]
    return moves[-1] if moves else None
