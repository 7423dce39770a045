"""Importing pipetui's full JSON export (`export --format json`): into a new
database (no data, and its pipelines as it was created with) it is a restore,
every row with its own id (pipelines and stage settings, follow-ups, BANT
answers and their history, lead-source spend included); into any other, its
contacts, deals and touchpoints are merged like any import, and the rest is
left out (the summary says so)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pipetui.domain.bant import Answer
from pipetui.domain.dates import parse_date, parse_datetime
from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import JourneyStage
from pipetui.domain.money import check_currency
from pipetui.domain.text import clean_text, search_key
from pipetui.domain.users import check_user_name
from pipetui.services.transfer.merge import Merge
from pipetui.services.transfer.types import ImportOptions, ImportSummary, Problems, Source
from pipetui.store import bulk
from pipetui.store import imports as store

if TYPE_CHECKING:  # (a type only: store.imports imports SQLAlchemy itself)
    from sqlalchemy.engine import Connection

_KINDS = (
    "pipelines",
    "followups",
    "touchpoint_kinds",
    "source_spend",
    "qualification",
    "funnel_counts",
    "goals",
)


class _Item:
    """One object of a section, read field by field; a bad field is a problem."""

    def __init__(self, item: Any, where: str, problems: Problems) -> None:
        self.item = item if isinstance(item, dict) else {}
        self.where, self.problems = where, problems
        if not isinstance(item, dict):
            problems.add(where, None, "must be an object")

    def get(self, name: str, parse: Callable[[Any], Any], *, optional: bool = False) -> Any:
        value = self.item.get(name)
        if value is None or value == "":
            if not optional:
                self.problems.add(self.where, name, "is missing")
            return None
        try:
            return parse(value)
        except (ValidationError, ValueError, TypeError) as error:
            message = error.message if isinstance(error, ValidationError) else str(error)
            self.problems.add(self.where, name, message or "has the wrong type")
            return None


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"not a whole number: {value!r}")
    if not -(2**62) < value < 2**62:
        raise ValueError(f"out of range: {value!r}")
    return value


def _id(value: Any) -> int:
    if _int(value) < 1:
        raise ValueError(f"not an id: {value!r}")
    return int(value)


def _month(value: Any) -> str:
    text = _text(value)
    if not (len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit()):
        raise ValueError(f"not a month (YYYY-MM): {value!r}")
    if not 1 <= int(text[5:]) <= 12:
        raise ValueError(f"not a month (YYYY-MM): {value!r}")
    return text


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"not text: {value!r}")
    return clean_text(value)


def _line(value: Any) -> str:
    text = clean_text(_text(value), single_line=True)
    if not text or len(text) > 200:
        raise ValueError("must be one line of 1 to 200 characters")
    return text


def _user(value: Any) -> str:
    return check_user_name(_text(value), field="by")


def _time(value: Any) -> datetime:
    return parse_datetime(_text(value), field="time")


def _day(value: Any) -> date:
    return parse_date(_text(value))


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"not true or false: {value!r}")
    return value


def _answer(value: Any) -> str:
    return Answer(_text(value)).value


def _stage(value: Any) -> str:
    return JourneyStage(_text(value)).value


def _currency(value: Any) -> str:
    return check_currency(_text(value))


def _section(source: Source, name: str) -> list[Any]:
    value = source.sections.get(name) or []
    return value if isinstance(value, list) else []


def file_stage_names(source: Source) -> dict[int, str]:
    """A JSON export's stages by their id in the file (its history names them so)."""
    found: dict[int, str] = {}
    for pipe in _section(source, "pipelines"):
        stages = pipe.get("stages") if isinstance(pipe, dict) else None
        for stage in stages if isinstance(stages, list) else []:
            if isinstance(stage, dict) and isinstance(stage.get("id"), int):
                found[stage["id"]] = str(stage.get("name"))
    return found


def restore_or_merge(
    conn: Connection, source: Source, options: ImportOptions, summary: ImportSummary
) -> Merge:
    """The merge to run for a full JSON export: a restore first when the
    database has no data."""
    if not store.is_fresh(conn):
        left = [k for k in _KINDS if _section(source, k)]
        if left:
            summary.notes.append(
                f"left out ({', '.join(left)}): they are restored into a new database only"
            )
        return merge_of(conn, source, options, summary)
    problems = Problems()
    pipelines, stage_ids = _pipelines(conn, source, problems)
    problems.check(source.name)
    summary.created["pipelines"] += pipelines
    return Merge(conn, options, summary, source.name, keep_rank=True,
                 file_stages={stage_id: stage_id for stage_id in stage_ids},
                 after=lambda merge: _rest(conn, source, merge))  # fmt: skip


def merge_of(
    conn: Connection, source: Source, options: ImportOptions, summary: ImportSummary
) -> Merge:
    """The merge of a file's rows into what the database holds (a JSON export's
    history names its stages by their id in the file: found here by name)."""
    return Merge(conn, options, summary, source.name, file_stages=dict(file_stage_names(source)))


def _unique(problems: Problems, seen: set[Any], key: Any, where: str, what: str) -> None:
    """A second row with the same key (id, name...) is a problem."""
    if key in seen and None not in (key if isinstance(key, tuple) else (key,)):
        problems.add(where, None, f"the same {what} as an earlier one")
    seen.add(key)


def _pipelines(conn: Connection, source: Source, problems: Problems) -> tuple[int, list[int]]:
    """Replace the (unused) pipelines with the file's, ids and settings kept;
    returns how many, and the stages' ids."""
    store.clear_pipelines(conn)
    stamp = bulk.time_column(conn)
    pipes, stages, kinds = [], [], []
    seen: set[Any] = set()
    for n, raw in enumerate(_section(source, "pipelines"), start=1):
        item = _Item(raw, f"pipelines[{n}]", problems)
        pipeline_id, name = item.get("id", _id), item.get("name", _line)
        _unique(problems, seen, ("pipeline", pipeline_id), item.where, "pipeline id")
        _unique(problems, seen, ("name", (name or "").casefold() or None), item.where, "name")
        pipes.append(
            (pipeline_id, name, item.get("position", _int), stamp(item.get("created_at", _time)))
        )
        raw_stages = item.item.get("stages", [])
        if not isinstance(raw_stages, list):
            problems.add(item.where, "stages", "must be a list")
            raw_stages = []
        for m, raw_stage in enumerate(raw_stages, start=1):
            s = _Item(raw_stage, f"pipelines[{n}].stages[{m}]", problems)
            probability = s.get("probability", _int)
            if probability is not None and not 0 <= probability <= 100:
                problems.add(s.where, "probability", "must be 0–100")
            rotting = s.get("rotting_days", _int, optional=True)
            if rotting is not None and rotting < 1:
                problems.add(s.where, "rotting_days", "must be at least 1")
            stage_id = s.get("id", _id)
            _unique(problems, seen, ("stage", stage_id), s.where, "stage id")
            stages.append(
                (stage_id, pipeline_id, s.get("name", _line), s.get("position", _int),
                 probability, rotting, bool(s.get("removed", _flag, optional=True)))
            )  # fmt: skip
    for n, raw in enumerate(_section(source, "touchpoint_kinds"), start=1):
        item = _Item(raw, f"touchpoint_kinds[{n}]", problems)
        kind = item.get("kind", _line)
        _unique(problems, seen, ("kind", kind), item.where, "kind")
        kinds.append((kind, item.get("journey_stage", _stage)))
    if problems.total:
        return 0, []
    bulk.insert_rows(conn, "pipeline", ["id", "name", "position", "created_at"], pipes)
    columns = ["id", "pipeline_id", "name", "position", "probability", "rotting_days", "removed"]
    bulk.insert_rows(conn, "stage", columns, stages)
    bulk.insert_rows(conn, "touchpoint_kind", ["kind", "journey_stage"], kinds)
    bulk.advance_sequences(conn, ("pipeline", "stage"))
    return len(pipes), [row[0] for row in stages]


def _rest(conn: Connection, source: Source, merge: Merge) -> None:
    """Follow-ups, BANT answers and their history, and lead-source spend."""
    problems, stamp, day = Problems(), merge.stamp, merge.day
    deals, contacts = merge.file_deals, merge.known.file_contacts

    def target(item: _Item, name: str, known: dict[int, int]) -> int | None:
        wanted = item.get(name, _int, optional=True)
        if wanted is not None and wanted not in known:
            problems.add(item.where, name, f"no #{wanted} in this file")
        return None if wanted is None else known.get(wanted)

    followups, seen = [], set[Any]()
    for n, raw in enumerate(_section(source, "followups"), start=1):
        item = _Item(raw, f"followups[{n}]", problems)
        _unique(problems, seen, ("followup", item.get("id", _id)), item.where, "follow-up id")
        deal_id, contact_id = target(item, "deal_id", deals), target(item, "contact_id", contacts)
        if deal_id is None and contact_id is None:
            problems.add(item.where, "deal_id", "a follow-up needs a deal or a contact")
        followups.append(
            (item.item.get("id"), deal_id, contact_id, item.get("title", _line),
             day(item.get("due", _day)), stamp(item.get("created_at", _time)),
             stamp(item.get("done_at", _time, optional=True)))
        )  # fmt: skip
    answers, changes = [], []
    for n, raw in enumerate(_section(source, "qualification"), start=1):
        item = _Item(raw, f"qualification[{n}]", problems)
        deal_id, framework = target(item, "deal_id", deals), item.get("framework", _line)
        criterion = item.get("criterion", _line)
        _unique(problems, seen, ("answer", deal_id, framework, criterion), item.where, "answer")
        answers.append(
            (deal_id, framework, criterion, item.get("status", _answer),
             item.get("amount_minor", _int, optional=True),
             item.get("currency", _currency, optional=True), item.get("who", _text, optional=True),
             item.get("note", _text, optional=True),
             day(item.get("target_date", _day, optional=True)),
             stamp(item.get("updated_at", _time)))
        )  # fmt: skip
    for n, raw in enumerate(_section(source, "qualification_changes"), start=1):
        item = _Item(raw, f"qualification_changes[{n}]", problems)
        changes.append(
            (target(item, "deal_id", deals), item.get("framework", _line),
             item.get("criterion", _line), item.get("from_status", _answer),
             item.get("to_status", _answer), item.get("details", _text, optional=True),
             stamp(item.get("at", _time)), item.get("by", _user, optional=True))
        )  # fmt: skip
    spend = []
    for n, raw in enumerate(_section(source, "source_spend"), start=1):
        item = _Item(raw, f"source_spend[{n}]", problems)
        name = item.get("source", _line) or ""
        month, currency = item.get("month", _month), item.get("currency", _currency)
        key = ("spend", search_key(name) or None, month, currency)
        _unique(problems, seen, key, item.where, "source, month and currency")
        amount = item.get("amount_minor", _int)
        if amount is not None and amount < 0:
            problems.add(item.where, "amount_minor", "must not be negative")
        spend.append(
            (name, search_key(name), month, amount, currency, stamp(item.get("updated_at", _time)))
        )
    counts = _funnel_counts(source, problems, seen, stamp)
    goals = _goals(conn, source, problems, seen, stamp, day)
    problems.check(source.name)
    columns = ["id", "deal_id", "contact_id", "title", "due", "created_at", "done_at"]
    bulk.insert_rows(conn, "followup", columns, followups)
    columns = ["deal_id", "framework", "criterion", "status", "amount_minor", "currency"]
    columns += ["who", "note", "target_date", "updated_at"]
    bulk.insert_rows(conn, "qualification", columns, answers)
    columns = ["deal_id", "framework", "criterion", "from_status", "to_status", "details", "at"]
    bulk.insert_rows(conn, "qualification_change", [*columns, "by"], changes)
    columns = ["source", "source_key", "month", "amount_minor", "currency", "updated_at"]
    bulk.insert_rows(conn, "source_spend", columns, spend)
    columns = ["journey_stage", "source", "source_key", "month", "count", "updated_at", "by"]
    bulk.insert_rows(conn, "funnel_count", columns, counts)
    bulk.insert_rows(conn, "goal", GOAL_COLUMNS, goals)
    bulk.advance_sequences(conn, ("followup", "goal"))
    summary = merge.summary
    for name, rows in (("follow-ups", followups), ("BANT answers", answers)):
        if rows:
            summary.created[name] += len(rows)


def _funnel_counts(
    source: Source, problems: Problems, seen: set[Any], stamp: Callable[[Any], Any]
) -> list[tuple[Any, ...]]:
    """The anonymous funnel counts of a full export (issue 19), checked."""
    counts = []
    for n, raw in enumerate(_section(source, "funnel_counts"), start=1):
        item = _Item(raw, f"funnel_counts[{n}]", problems)
        stage = item.get("journey_stage", _stage)
        name = item.get("source", _line, optional=True) or ""
        month = item.get("month", _month)
        key = ("count", stage, search_key(name) if name else "", month)
        _unique(problems, seen, key, item.where, "stage, source and month")
        count = item.get("count", _int)
        if count is not None and count < 0:
            problems.add(item.where, "count", "must not be negative")
        counts.append(
            (stage, name or None, key[2], month, count, stamp(item.get("updated_at", _time)),
             item.get("by", _user, optional=True))
        )  # fmt: skip
    return counts


GOAL_COLUMNS = ["id", "metric", "period", "period_start", "period_end", "target", "currency"]
GOAL_COLUMNS += ["pipeline_id", "stage_id", "source", "source_key", "created_at", "updated_at"]
GOAL_COLUMNS += ["by"]


def _goals(
    conn: Connection,
    source: Source,
    problems: Problems,
    seen: set[Any],
    stamp: Callable[[Any], Any],
    day: Callable[[Any], Any],
) -> list[tuple[Any, ...]]:
    """The goals of a full export (issue 19), checked as `goal set` checks
    them, ids kept (`goal remove ID` still names the same goal)."""
    from pipetui.domain.goals import Metric, check_metric, period_from_label
    from pipetui.store.goals import known_places

    pipelines, stages = known_places(conn)
    goals = []
    for n, raw in enumerate(_section(source, "goals"), start=1):
        item = _Item(raw, f"goals[{n}]", problems)
        goal_id = item.get("id", _id)
        _unique(problems, seen, ("goal", goal_id), item.where, "goal id")
        metric = item.get("metric", lambda v: check_metric(_text(v)).value)
        period = item.get("period", lambda v: period_from_label(_text(v)))
        currency = item.get("currency", _currency, optional=metric != Metric.WON.value)
        target = item.get("target", _int)
        if target is not None and target < 1:
            problems.add(item.where, "target", "must be at least 1")
        pipeline_id = item.get("pipeline_id", _id, optional=True)
        if pipeline_id is not None and pipeline_id not in pipelines:
            problems.add(item.where, "pipeline_id", f"no pipeline #{pipeline_id} in this file")
        stage_id = item.get("stage_id", _id, optional=metric != Metric.REACHED.value)
        if stage_id is not None and stage_id not in stages:
            problems.add(item.where, "stage_id", f"no stage #{stage_id} in this file")
        name = item.get("source", _line, optional=True)
        goals.append(
            (goal_id, metric, period.label if period else None,
             day(period.start) if period else None, day(period.end) if period else None,
             target, currency, pipeline_id, stage_id, name,
             search_key(name) if name else None, stamp(item.get("created_at", _time)),
             stamp(item.get("updated_at", _time)), item.get("by", _user, optional=True))
        )  # fmt: skip
    return goals
