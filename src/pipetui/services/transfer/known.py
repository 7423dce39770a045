"""What an import matches its rows against, loaded once as plain keys: the
contacts, pipelines and stages the database holds; and the rules that find
each contact, pipeline and stage a row names, or add it. `merge.Merge` holds
one `Known` (deals and touchpoints, which rely on these, are its own)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Container
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pipetui.domain.contact import ContactDetail
from pipetui.services.transfer.types import (
    ContactIn,
    ImportOptions,
    ImportSummary,
    PersonRef,
    Problems,
    StageRef,
)
from pipetui.store import bulk
from pipetui.store import imports as store
from pipetui.store.contacts import SEARCHED, detail_rows, searched_details, set_details
from pipetui.store.contacts import contact_keys as contact_search_keys
from pipetui.store.pipelines import insert_pipeline, insert_stage

if TYPE_CHECKING:  # (a type only: store.imports imports SQLAlchemy itself)
    from sqlalchemy.engine import Connection

DEFAULT_NEW_STAGE = "Imported"
# The columns of a contact row written in bulk, in order.
_CONTACT_COLUMNS = (
    "id", "name", "sort_name", "search_key", "email", "phone", "company", "role", "source",
    "notes", "tags", "journey_stage", "journey_stage_manual", "external_id", "created_at",
    "updated_at",
)  # fmt: skip


_DETAIL_COLUMNS = ("contact_id", "kind", "label", "value", "pref", "position")


class Ids:
    """Hands out the ids of new rows of one table: the file's own id when it is
    free (so a restore keeps every id), else the next free one from `start`."""

    def __init__(self, start: int) -> None:
        self.next = start

    def take(self, wanted: int | None, taken: Container[int]) -> int:
        """The id for one new row (`taken`: the ids already in use)."""
        if wanted is not None and wanted not in taken:
            return wanted
        value = self.next
        while value in taken:
            value += 1
        self.next = value + 1
        return value


class Known:
    """The contacts, pipelines and stages an import finds or adds, inside its
    write transaction; what it adds is counted in `summary`, what is wrong
    noted in `problems` (both the import's own)."""

    def __init__(
        self,
        conn: Connection,
        options: ImportOptions,
        summary: ImportSummary,
        *,
        problems: Problems,
        now: datetime,
        unchanged: Counter[str],
        file_stages: dict[int, int | str],
    ) -> None:
        self.conn, self.options, self.summary, self.problems = conn, options, summary, problems
        self.now, self.unchanged = now, unchanged  # rows to update already as in the file
        self.contacts = store.contact_keys(conn)
        known = store.all_pipelines(conn)
        self.pipelines = {name.casefold(): pid for pid, name in known}
        self.pipeline_names = dict(known)
        self.stages: dict[int, dict[str, int]] = {}  # pipeline -> live stage name -> id
        self.removed: dict[int, dict[str, int]] = {}
        self.positions: dict[int, int] = {}  # pipeline -> last live position
        self.stage_positions: dict[int, int] = {}
        self.stage_names: dict[int, str] = {}
        self.stage_pipeline: dict[int, int] = {}
        self.file_stages = file_stages  # a JSON file's stage ids
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
        self.contact_ids = Ids(store.max_id(conn, "contact") + 1)
        self.new_contacts: list[list[Any]] = []
        self.new_details: list[list[Any]] = []  # the new contacts' details, written with them
        self.new_contact_ids: set[int] = set()
        self.file_contacts: dict[int, int] = {}  # id in the file -> id here
        self.stamp = bulk.time_column(conn)

    def _fail(self, where: str, column: str | None, message: str) -> None:
        self.problems.add(where, column, message)

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
            others = [d.value for d in row.values.get("details") or () if d.kind == "email"]
            for address in (email, *others):  # (a card's other emails find them too)
                found = keys.by_email.get(address.casefold())
                if found is not None and found not in self.new_contact_ids:
                    return found
            return None
        same = keys.by_name.get(row.values.get("name") or "", [])
        earlier = [c for c in same if c not in self.new_contact_ids]
        return earlier[0] if len(earlier) == 1 else None

    def merge_contacts(self, rows: list[ContactIn]) -> None:
        """Match, add or update (as `--on-duplicate` says) the file's contact rows."""
        seen: dict[int, str] = {}
        updates: list[tuple[int, dict[str, Any]]] = []
        details: dict[int, tuple[ContactDetail, ...]] = {}  # updated contacts' new details
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
                if "details" in changes:
                    details[found] = changes.pop("details")
                if changes or found in details:
                    updates.append((found, changes))
                    self.summary.updated["contacts"] += 1
                seen[found] = row.where
            else:
                self.summary.skipped["contacts"] += 1
                seen[found] = row.where
            if row.id is not None:
                self.file_contacts[row.id] = found
        self._update_contacts(updates, details)

    def _update_contacts(
        self,
        updates: list[tuple[int, dict[str, Any]]],
        details: dict[int, tuple[ContactDetail, ...]],
    ) -> None:
        """Write the updated contacts that differ from what is here, with their
        search keys rebuilt from the fields the file leaves as they are (read
        for all of them at once, not one query per row); a contact whose
        details the file gives gets exactly those."""
        if not updates:
            return
        ids = [contact_id for contact_id, _ in updates]
        searched = store.current_values(self.conn, "contact", ids, SEARCHED)
        old = searched_details(self.conn, ids)
        for contact_id, changes in updates:
            extra = details[contact_id] if contact_id in details else old.get(contact_id, [])
            changes.update(contact_search_keys({**searched[contact_id], **changes}, extra))
        for contact_id, given in details.items():
            set_details(self.conn, contact_id, given)
        changed = store.changed_rows(self.conn, "contact", updates)
        self.unchanged["contacts"] += len(updates) - len(changed)
        store.update_rows(self.conn, "contact", changed, now=self.now)

    def _add_contact(
        self,
        values: dict[str, Any],
        wanted_id: int | None,
        external_id: str | None,
        created: datetime | None,
        updated: datetime | None,
    ) -> int:
        contact_id = self.contact_ids.take(wanted_id, self.contacts.names)
        values = dict(values)
        details: tuple[ContactDetail, ...] = values.pop("details", ()) or ()
        keys = contact_search_keys(values, details)
        self.new_details.extend(list(row.values()) for row in detail_rows(contact_id, details))
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

    def person(self, where: str, person: PersonRef) -> int | None:
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

    def pipeline(self, name: str | None) -> int:
        """The pipeline a row names (or `--pipeline`, or the first), added if new."""
        wanted = self.options.pipeline or name or ""  # (both checked already)
        if not wanted:
            if self.pipelines:
                return min(self.pipelines.values())
            wanted = "Sales"
        found = self.pipelines.get(wanted.casefold())
        if found is None:
            found = insert_pipeline(self.conn, name=wanted, now=self.now)
            self.pipelines[wanted.casefold()] = found
            self.pipeline_names[found] = wanted
            self.stages[found] = {}
            self.summary.new_pipelines.append(wanted)
            self.summary.created["pipelines"] += 1
        return found

    def stage(self, pipeline_id: int, name: str | None, *, allow_removed: bool = False) -> int:
        """A live stage by name (a removed one too when allowed), else appended;
        no name: the pipeline's first stage."""
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

    def stage_ref(self, where: str, pipeline_id: int, ref: StageRef) -> int | None:
        """A stage a history row names: by name (a removed one too), or by its id
        in the file (a JSON export: restored with that id, else found by name)."""
        if isinstance(ref, str):
            return self.stage(pipeline_id, ref, allow_removed=True)
        target = self.file_stages.get(ref)
        if isinstance(target, str):
            return self.stage(pipeline_id, target, allow_removed=True)
        if target is None or target not in self.stage_names:
            self._fail(where, "history", f"no stage #{ref} in the file's pipelines")
            return None
        if self.stage_pipeline[target] != pipeline_id:
            self._fail(where, "history", f"stage #{ref} is in another pipeline")
            return None
        return target

    def write_contacts(self) -> None:
        """Write the new contacts so far (deals and touchpoints may name them)."""
        if self.new_contacts:
            bulk.insert_rows(self.conn, "contact", _CONTACT_COLUMNS, self.new_contacts)
            self.new_contacts = []
        if self.new_details:
            bulk.insert_rows(self.conn, "contact_detail", _DETAIL_COLUMNS, self.new_details)
            self.new_details = []
