"""`pipetui import`: a file of deals, contacts or touchpoints into the database,
all or nothing.

The whole file is read and checked first (`import_source`, `import_rows`); then,
in ONE write transaction, each row is matched against what the database holds
and the new rows are written in bulk. Anything wrong at either step is a list
of problems with their lines, and nothing is written. `--dry-run` runs the
very same steps and rolls the transaction back, so what it reports is exactly
what an import would do.

Matching (so importing the same file twice adds nothing):
- contacts by external id, else pipetui id with the same name, else email (any
  case), else exact name when the row has no email;
- deals by external id (Pipedrive's `Deal - ID` as "pipedrive:ID", HubSpot's
  `Record ID` as "hubspot:ID"), else pipetui id with the same title, else the
  same title, pipeline and contact;
- touchpoints by contact, kind, time and summary.
A matched row is skipped, updated, or an error, as `--on-duplicate` says.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pipetui.domain.deal import DealStatus
from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import JourneyStage, resolve_kind
from pipetui.domain.pipeline import check_stage_name
from pipetui.domain.text import search_key
from pipetui.services import clock
from pipetui.services.import_rows import (
    Checked,
    ContactIn,
    DealIn,
    PersonRef,
    StageRef,
    TouchIn,
    check_source,
)
from pipetui.services.import_source import Problems, Progress, Source, read_file
from pipetui.store import bulk, funnel_facts
from pipetui.store import imports as store
from pipetui.store.contacts import contact_keys as contact_search_keys
from pipetui.store.database import Database
from pipetui.store.touchpoints import custom_kinds

ON_DUPLICATE = ("skip", "update", "error")
DEFAULT_NEW_STAGE = "Imported"
_CONTACT_COLUMNS = [
    "id",
    "name",
    "sort_name",
    "search_key",
    "email",
    "phone",
    "company",
    "role",
    "source",
    "notes",
    "tags",
    "journey_stage",
    "journey_stage_manual",
    "external_id",
    "created_at",
    "updated_at",
]
_DEAL_COLUMNS = [
    "id",
    "title",
    "search_key",
    "pipeline_id",
    "stage_id",
    "status",
    "rank",
    "value_minor",
    "currency",
    "probability",
    "close_date",
    "source",
    "lost_reason",
    "contact_id",
    "external_id",
    "created_at",
    "updated_at",
    "stage_entered_at",
    "closed_at",
]
_HISTORY_COLUMNS = [
    "deal_id",
    "at",
    "from_stage_id",
    "to_stage_id",
    "from_status",
    "to_status",
    "imported",
]
_TOUCH_COLUMNS = [
    "id",
    "contact_id",
    "deal_id",
    "kind",
    "journey_stage",
    "channel",
    "direction",
    "at",
    "summary",
    "score",
]
_CONTACT_FIELDS = ("name", "email", "phone", "company", "role", "source", "notes", "tags")


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What the user asked for (`pipetui import` options)."""

    kind: str | None = None
    pipeline: str | None = None
    on_duplicate: str = "skip"
    dry_run: bool = False


@dataclass(slots=True)
class ImportSummary:
    """What an import did (or, dry, would do), for the CLI and the TUI."""

    file: str
    label: str
    rows: int
    dry_run: bool = False
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    new_pipelines: list[str] = field(default_factory=list)
    new_stages: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary as lines of text."""
        verb = "Would import" if self.dry_run else "Imported"
        rows = f"{self.rows:,} row" + ("" if self.rows == 1 else "s")
        lines = [f"{verb} {self.file} ({self.label}, {rows}):"]
        for title, counts in (("new", +self.created), ("updated", +self.updated)):
            if counts:
                lines.append(f"  {title}: {_counts(counts)}")
        if +self.skipped:
            lines.append(f"  already there, skipped: {_counts(self.skipped)}")
        if not +(self.created + self.updated + self.skipped):
            lines.append("  nothing to do")
        if self.new_pipelines:
            lines.append(f"  new pipelines: {', '.join(self.new_pipelines)}")
        if self.new_stages:
            lines.append(f"  new stages (appended): {', '.join(self.new_stages)}")
        if self.ignored:
            lines.append(f"  ignored columns: {', '.join(self.ignored)}")
        lines.extend(f"  {note}" for note in self.notes)
        if self.dry_run:
            lines.append("Nothing was written (a dry run).")
        return lines


def _counts(counts: Counter[str]) -> str:
    order = (
        "pipelines",
        "stages",
        "contacts",
        "deals",
        "touchpoints",
        "follow-ups",
        "BANT answers",
    )
    return ", ".join(f"{counts[k]:,} {k}" for k in order if counts[k])


class _Rollback(Exception):
    """Leaves a dry run's transaction without committing it."""

    def __init__(self, summary: ImportSummary) -> None:
        super().__init__("dry run")
        self.summary = summary


def import_file(
    db: Database,
    path: Path,
    options: ImportOptions,
    *,
    default_currency: str,
    progress: Progress | None = None,
) -> ImportSummary:
    """Read, check and import a file; `ImportFailed` (a ValidationError) lists
    what is wrong when anything is, and then nothing was written."""
    _check_options(options)
    source = read_file(path, kind=options.kind)
    return import_source(db, source, options, default_currency=default_currency, progress=progress)


def _check_options(options: ImportOptions) -> None:
    if options.on_duplicate not in ON_DUPLICATE:
        raise ValidationError(
            "on-duplicate", f"use {', '.join(ON_DUPLICATE)}, not {options.on_duplicate!r}"
        )
    if options.pipeline is not None:
        check_stage_name(options.pipeline, field="pipeline")


def import_source(
    db: Database,
    source: Source,
    options: ImportOptions,
    *,
    default_currency: str,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import a file already read (the TUI reads it first to preview it)."""
    _check_options(options)
    checked = check_source(source, default_currency, progress)
    summary = ImportSummary(source.name, source.layout.label, len(source.records), options.dry_run)
    summary.ignored = list(source.ignored)
    try:
        with db.write() as conn:
            if source.full:
                from pipetui.services.restore import restore_or_merge

                merge = restore_or_merge(conn, source, options, summary)
            else:
                from pipetui.services.restore import file_stage_names

                merge = _Merge(conn, options, summary, source.name)
                merge.file_stages = dict(file_stage_names(source))
            merge.run(checked, progress)
            if options.dry_run:
                raise _Rollback(summary)
    except _Rollback as rollback:
        return rollback.summary
    return summary


class _Merge:
    """One import's matching and writing, inside its write transaction."""

    def __init__(
        self, conn: Any, options: ImportOptions, summary: ImportSummary, name: str
    ) -> None:
        self.conn, self.options, self.summary, self.name = conn, options, summary, name
        self.now = clock.now()
        self.problems = Problems()
        self.contacts = store.contact_keys(conn)
        self._deals: store.DealKeys | None = None
        known = store.all_pipelines(conn)
        self.pipelines = {name.casefold(): pid for pid, name in known}
        self.pipeline_names = dict(known)
        self.stages: dict[int, dict[str, int]] = {}  # pipeline -> live stage name -> id
        self.removed: dict[int, dict[str, int]] = {}
        self.positions: dict[int, int] = {}  # pipeline -> last live position
        self.stage_positions: dict[int, int] = {}
        self.stage_names: dict[int, str] = {}
        self.stage_pipeline: dict[int, int] = {}
        self.file_stages: dict[int, int | str] = {}  # a JSON file's stage ids
        for stage_id, pipeline_id, stage_name, position, removed in sorted(
            store.all_stages(conn), key=lambda s: s[3]
        ):
            target = self.removed if removed else self.stages
            target.setdefault(pipeline_id, {}).setdefault(stage_name.casefold(), stage_id)
            self.stages.setdefault(pipeline_id, {})
            if not removed:
                self.positions[pipeline_id] = max(self.positions.get(pipeline_id, 0), position)
            self.stage_positions[stage_id] = position
            self.stage_names[stage_id] = stage_name
            self.stage_pipeline[stage_id] = pipeline_id
        self.next_contact = store.max_id(conn, "contact") + 1
        self.new_contacts: list[list[Any]] = []
        self.new_contact_ids: set[int] = set()
        self.file_contacts: dict[int, int] = {}  # id in the file -> id here
        self.file_deals: dict[int, int] = {}
        self.next_deal = self.next_touch = 1
        self.stamp = bulk.time_column(conn)
        self.day = bulk.date_column(conn)
        self.keep_rank = False  # a restore keeps the board's order
        self.after: Callable[[], None] | None = None

    # -- the whole run ---------------------------------------------------------

    def run(self, checked: Checked, progress: Progress | None) -> None:
        """Contacts first, then deals (which may name contacts), then touchpoints."""
        self._contacts(checked.contacts)
        self._deals_in(checked.deals)
        self._touchpoints(checked.touchpoints)
        self.problems.check(self.name)
        if self.after is not None:
            self.after()
        total = len(checked.contacts) + len(checked.deals) + len(checked.touchpoints)
        if progress:
            progress(total, total)

    @property
    def deals(self) -> store.DealKeys:
        if self._deals is None:
            self._deals = store.deal_keys(self.conn)
        return self._deals

    def _fail(self, where: str, column: str | None, message: str) -> None:
        self.problems.add(where, column, message)

    def _new_id(self, wanted: int | None, taken: set[int] | dict[int, Any], counter: str) -> int:
        """The file's id when it is free (so a restore keeps every id), else the next one."""
        if wanted is not None and wanted not in taken:
            return wanted
        value: int = getattr(self, counter)
        while value in taken:
            value += 1
        setattr(self, counter, value + 1)
        return value

    # -- contacts --------------------------------------------------------------

    def _match_contact(self, row: ContactIn) -> int | None:
        """The contact already here that a contact row is. By email or name only
        among those that were here before: two rows of one file with the same
        name (or email) are two people, as they were where the file came from."""
        keys = self.contacts
        if row.external_id and row.external_id in keys.by_external:
            return keys.by_external[row.external_id]
        if row.id is not None and keys.names.get(row.id) == row.values.get("name"):
            return row.id
        email = row.values.get("email")
        if email:
            found = keys.by_email.get(email.casefold())
            return None if found in self.new_contact_ids else found
        same = keys.by_name.get(row.values.get("name") or "", [])
        earlier = [c for c in same if c not in self.new_contact_ids]
        return earlier[0] if len(earlier) == 1 else None

    def _contacts(self, rows: list[ContactIn]) -> None:
        seen: dict[int, str] = {}
        updates: list[tuple[int, dict[str, Any]]] = []
        for row in rows:
            found = self._match_contact(row)
            if found is not None and found in seen:
                self._fail(row.where, None, f"the same contact as {seen[found]}")
                continue
            if found is None:
                found = self._add_contact(row.values, row.id, row.external_id, row.created_at,
                                          row.updated_at)  # fmt: skip
                seen[found] = row.where
            elif self.options.on_duplicate == "error":
                self._fail(
                    row.where, None, f"contact #{found} exists ({self.contacts.names[found]})"
                )
            elif self.options.on_duplicate == "update" and found not in self.new_contact_ids:
                changes = {k: v for k, v in row.values.items() if k in row.given}
                if changes:
                    changes.update(contact_search_keys({**self._current_contact(found), **changes}))
                    changes["updated_at"] = self.now
                    updates.append((found, changes))
                    self.summary.updated["contacts"] += 1
                seen[found] = row.where
            else:
                self.summary.skipped["contacts"] += 1
                seen[found] = row.where
            if row.id is not None:
                self.file_contacts[row.id] = found
        store.update_rows(self.conn, "contact", updates)

    def _current_contact(self, contact_id: int) -> dict[str, Any]:
        from pipetui.store.contacts import get_contact

        contact = get_contact(self.conn, contact_id)
        return {"name": contact.name, "email": contact.email, "company": contact.company,
                "phone": contact.phone}  # fmt: skip

    def _add_contact(
        self,
        values: dict[str, Any],
        wanted_id: int | None,
        external_id: str | None,
        created: datetime | None,
        updated: datetime | None,
    ) -> int:
        contact_id = self._new_id(wanted_id, self.contacts.names, "next_contact")
        keys = contact_search_keys(values)
        created = created or self.now
        row = {**values, **keys, "id": contact_id, "external_id": external_id}
        row.update(created_at=self.stamp(created), updated_at=self.stamp(updated or created))
        row.setdefault("journey_stage_manual", False)
        self.new_contacts.append([row.get(name) for name in _CONTACT_COLUMNS])
        self.new_contact_ids.add(contact_id)
        self.contacts.names[contact_id] = values["name"]
        self.contacts.by_name[values["name"]].append(contact_id)
        if values.get("email"):
            self.contacts.by_email.setdefault(values["email"].casefold(), contact_id)
        if external_id:
            self.contacts.by_external[external_id] = contact_id
        self.summary.created["contacts"] += 1
        return contact_id

    def _person(self, where: str, person: PersonRef) -> int | None:
        """The contact a deal or touchpoint row names: by id in this file or
        here (same name), else email, else exact name, else a new contact."""
        keys = self.contacts
        if person.id is not None:
            mapped = self.file_contacts.get(person.id)
            if mapped is not None:
                return mapped
            if person.id in keys.names and person.name in (None, keys.names[person.id]):
                return person.id
        if person.email and person.email.casefold() in keys.by_email:
            return keys.by_email[person.email.casefold()]
        if person.name:
            same = keys.by_name.get(person.name, [])
            if same:
                return same[0]
        name = person.name or person.email
        if name is None:
            self._fail(where, "contact_id", f"no contact #{person.id}, and no name to create one")
            return None
        values = {"name": name, "email": person.email, "phone": person.phone,
                  "company": person.company}  # fmt: skip
        return self._add_contact(values, None, None, None, None)

    # -- pipelines and stages --------------------------------------------------

    def _pipeline(self, name: str | None) -> int:
        chosen = self.options.pipeline
        wanted = check_stage_name(chosen, field="pipeline") if chosen else (name or "")
        if not wanted:
            if self.pipelines:
                return min(self.pipelines.values())
            wanted = "Sales"
        found = self.pipelines.get(wanted.casefold())
        if found is None:
            from pipetui.store.pipelines import insert_pipeline

            found = insert_pipeline(self.conn, name=wanted, now=self.now)
            self.pipelines[wanted.casefold()] = found
            self.pipeline_names[found] = wanted
            self.stages[found] = {}
            self.summary.new_pipelines.append(wanted)
            self.summary.created["pipelines"] += 1
        return found

    def _stage(self, pipeline_id: int, name: str | None, *, allow_removed: bool = False) -> int:
        live = self.stages.setdefault(pipeline_id, {})
        if name is None:
            if live:
                return min(live.values(), key=self.stage_positions.__getitem__)
            name = DEFAULT_NEW_STAGE
        key = name.casefold()
        if key in live:
            return live[key]
        if allow_removed and key in self.removed.get(pipeline_id, {}):
            return self.removed[pipeline_id][key]
        from pipetui.store.pipelines import insert_stage

        position = self.positions.get(pipeline_id, 0) + 1
        stage_id = insert_stage(self.conn, pipeline_id=pipeline_id, name=name, position=position,
                                probability=0, rotting_days=None)  # fmt: skip
        self.positions[pipeline_id] = position
        self.stage_positions[stage_id] = position
        self.stage_pipeline[stage_id] = pipeline_id
        live[key] = stage_id
        self.stage_names[stage_id] = name
        self.summary.new_stages.append(f"{self.pipeline_names[pipeline_id]}: {name}")
        self.summary.created["stages"] += 1
        return stage_id

    def _stage_ref(self, where: str, pipeline_id: int, ref: StageRef) -> int | None:
        """A stage a history row names: by name (a removed one too), or by its id
        in the file (a JSON export: restored with that id, else found by name)."""
        if isinstance(ref, str):
            return self._stage(pipeline_id, ref, allow_removed=True)
        target = self.file_stages.get(ref)
        if isinstance(target, str):
            return self._stage(pipeline_id, target, allow_removed=True)
        if target is None or target not in self.stage_names:
            self._fail(where, "history", f"no stage #{ref} in the file's pipelines")
            return None
        if self.stage_pipeline[target] != pipeline_id:
            self._fail(where, "history", f"stage #{ref} is in another pipeline")
            return None
        return target

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
        self.next_deal = max(keys.rows, default=0) + 1
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
            pipeline_id = self._pipeline(row.pipeline)
            contact_id = self._person(row.where, row.person) if row.person else None
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
                self.stages.get(pipeline_id, {}).values(), key=self.stage_positions.__getitem__
            )
            stage = live[-1] if live and row.status is DealStatus.WON else None
            name = self.stage_names[stage] if stage else None
            self._add_deal(row, pipeline_id, contact_id, rank, new_deals, history, name)
            rank -= 1
        self._write_contacts()  # an updated deal may name a contact new in this file
        for row, found, pipeline_id, contact_id in updates:
            self._update_deal(row, found, pipeline_id, contact_id)
        if self.problems.total:
            return
        self._write_contacts()
        bulk.insert_rows(self.conn, "deal", _DEAL_COLUMNS, new_deals)
        bulk.insert_rows(self.conn, "stage_history", _HISTORY_COLUMNS, history)
        bulk.advance_sequences(self.conn, ("contact", "deal"))
        # New stages are only ever appended, so no deal's furthest stage changes:
        # adding the new deals' facts is enough (no rebuild).
        funnel_facts.add_written(self.conn, self.facts, self.histories)

    def _write_contacts(self) -> None:
        if self.new_contacts:
            bulk.insert_rows(self.conn, "contact", _CONTACT_COLUMNS, self.new_contacts)
            self.new_contacts = []

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
            self._stage_ref(row.where, pipeline_id, change.to_stage)
        stage_id = self._stage(pipeline_id, row.stage or stage_name)
        deal_id = self._new_id(row.id, self.deals.rows, "next_deal")
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
        new_deals.append(
            [deal_id, row.title, search_key(row.title), pipeline_id, stage_id, row.status.value,
             rank, row.value.minor, row.value.currency, row.probability,
             self.day(row.close_date), row.source, row.lost_reason, contact_id, row.external_id,
             stamp(created), stamp(row.updated_at or closed or created), stamp(entered),
             stamp(closed)]
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
        stamp, status = self.stamp, row.status.value
        if not row.history:
            found = [([deal_id, stamp(created), None, stage_id, None, "open", True], created)]
            if closed is not None:
                closing = [deal_id, stamp(closed), stage_id, stage_id, "open", status, True]
                found.append((closing, closed))
            return found
        found = []
        for change in row.history:
            to_stage = self._stage_ref(row.where, pipeline_id, change.to_stage)
            from_stage = (
                None
                if change.from_stage is None
                else self._stage_ref(row.where, pipeline_id, change.from_stage)
            )
            found.append(
                ([deal_id, stamp(change.at), from_stage, to_stage,
                  change.from_status.value if change.from_status else None,
                  change.to_status.value, change.imported], change.at)
            )  # fmt: skip
        last = row.history[-1]
        if found[-1][0][3] != stage_id or last.to_status is not row.status:
            self._fail(row.where, "history", "does not end in the deal's stage and status")
            return None
        return found

    def _update_deal(
        self, row: DealIn, deal_id: int, pipeline_id: int, contact_id: int | None
    ) -> None:
        title, old_pipeline, _owner, old_stage, old_status = self.deals.rows[deal_id]
        if old_pipeline != pipeline_id:
            self._fail(row.where, "pipeline", f"deal #{deal_id} ({title}) is in another pipeline")
            return
        given, values = row.given, {}
        simple = {"title": row.title, "probability": row.probability, "close_date": row.close_date,
                  "source": row.source, "lost_reason": row.lost_reason}  # fmt: skip
        values = {k: v for k, v in simple.items() if k in given}
        if "title" in values:
            values["search_key"] = search_key(row.title)
        if "value" in given or "currency" in given:
            values.update(value_minor=row.value.minor, currency=row.value.currency)
        if contact_id is not None:
            values["contact_id"] = contact_id
        stage_id = self._stage(pipeline_id, row.stage) if row.stage else old_stage
        status = row.status.value if "status" in given else old_status
        with funnel_facts.tracked(self.conn, [deal_id]):
            if (stage_id, status) != (old_stage, old_status):
                from pipetui.domain.deal import StageChange
                from pipetui.store.deals import record_change

                record_change(self.conn, StageChange(
                    deal_id=deal_id, at=self.now, to_stage_id=stage_id,
                    to_status=DealStatus(status), from_stage_id=old_stage,
                    from_status=DealStatus(old_status),
                ))  # fmt: skip
                values.update(stage_id=stage_id, status=status)
                if stage_id != old_stage:
                    values["stage_entered_at"] = self.now
                values["closed_at"] = None if status == "open" else (row.closed_at or self.now)
            if values:
                values["updated_at"] = self.now
                store.update_rows(self.conn, "deal", [(deal_id, values)])
        self.summary.updated["deals"] += 1

    # -- touchpoints -----------------------------------------------------------

    def _touchpoints(self, rows: list[TouchIn]) -> None:
        if not rows:
            self._write_contacts()
            return
        own = custom_kinds(self.conn)
        by_title: dict[tuple[int | None, str], int] = {}
        for known, (title, _pipe, owner, _stage, _status) in sorted(self.deals.rows.items()):
            by_title.setdefault((owner, title), known)
        new_kinds: dict[str, JourneyStage] = {}
        resolved: list[tuple[TouchIn, int, int | None, str, JourneyStage]] = []
        for row in rows:
            contact_id = self._person(row.where, row.person)
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
        self._write_contacts()
        existing = store.touch_keys(
            self.conn, [c for _r, c, *_ in resolved if c not in self.new_contact_ids]
        )
        wanted = [r.id for r, *_ in resolved if r.id is not None]
        taken = store.taken_ids(self.conn, "touchpoint", wanted) if wanted else set()
        self.next_touch = store.max_id(self.conn, "touchpoint") + 1
        new_rows: list[list[Any]] = []
        for row, contact_id, deal_id, kind, stage in resolved:
            key = (contact_id, kind, store.naive_utc(row.at), row.summary)
            if key in existing:  # (only what was here before: a file may repeat a touch)
                self.summary.skipped["touchpoints"] += 1
                continue
            touch_id = self._new_id(row.id, taken, "next_touch")
            taken.add(touch_id)
            new_rows.append(
                [touch_id, contact_id, deal_id, kind, stage.value, row.channel, row.direction,
                 self.stamp(row.at), row.summary, row.score]
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
