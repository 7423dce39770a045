"""`pipetui import`: a file of deals, contacts or touchpoints into the database,
all or nothing.

The whole file is read and checked first (`reader`, `rows`); then,
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

import csv
import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipetui.domain.errors import ValidationError
from pipetui.domain.pipeline import check_stage_name
from pipetui.services.transfer.local import DATE_FIELDS, Local, check_date_format
from pipetui.services.transfer.reader import read_file
from pipetui.services.transfer.restore import merge_of, restore_or_merge
from pipetui.services.transfer.rows import check_source
from pipetui.services.transfer.types import (
    MAX_PROBLEMS,
    ON_DUPLICATE,
    DealIn,
    ImportOptions,
    ImportSummary,
    Progress,
    Record,
    Source,
)
from pipetui.store.database import Database
from pipetui.store.pipelines import update_stage

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from pipetui.services.transfer.known import Known


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
    options = _check_options(options)
    source = read_file(path, kind=options.kind, encoding=options.encoding)
    return import_source(
        db, source, options, default_currency=default_currency, progress=progress, path=path
    )


def _check_options(options: ImportOptions) -> ImportOptions:
    """The options, checked, with `pipeline` cleaned like any pipeline name."""
    if options.on_duplicate not in ON_DUPLICATE:
        raise ValidationError(
            "on-duplicate", f"use {', '.join(ON_DUPLICATE)}, not {options.on_duplicate!r}"
        )
    if options.pipeline is not None:
        options = replace(options, pipeline=check_stage_name(options.pipeline, field="pipeline"))
    if options.date_format is not None:
        options = replace(options, date_format=check_date_format(options.date_format))
    return options


def import_source(
    db: Database,
    source: Source,
    options: ImportOptions,
    *,
    default_currency: str,
    progress: Progress | None = None,
    path: Path | None = None,
) -> ImportSummary:
    """Import a file already read (the TUI reads it first to preview it).
    With `skip_invalid`, the rows refused are left out and, unless dry, written
    with their reasons to a rejects file beside `path`."""
    options = _check_options(options)
    local = Local(options.date_format, options.decimal_comma)
    checked = check_source(
        source, default_currency, progress, local=local, skip_invalid=options.skip_invalid
    )
    summary = ImportSummary(source.name, source.layout.label, len(source.records), options.dry_run)
    summary.ignored = list(source.ignored)
    summary.notes.extend(source.notes + checked.notes)
    summary.columns = column_report(source, default_currency)
    summary.rejected = len(checked.rejected)
    if checked.rejected:
        summary.notes.extend(
            f"refused: {'; '.join(reasons)}" for _record, reasons in checked.rejected[:MAX_PROBLEMS]
        )
    rows = f"{len(source.records):,} row" + ("" if len(source.records) == 1 else "s")
    try:
        # One transaction, for all or nothing; the note tells any other writer
        # kept waiting meanwhile what holds the lock.
        with db.write(holding=f"importing {source.name} ({rows})") as conn:
            if source.full:
                merge = restore_or_merge(conn, source, options, summary)
            else:
                merge = merge_of(conn, source, options, summary)
                _add_stages_in_file_order(merge.known, conn, checked.deals)
            merge.run(checked, progress)
            if options.dry_run:
                raise _Rollback(summary)
    except _Rollback as rollback:
        return rollback.summary
    if checked.rejected and path is not None:
        summary.rejects_file = str(write_rejects(path, source, checked.rejected))
    return summary


_HOW = {
    "title": "title",
    "contact_first": "name (first part)",
    "contact_last": "name (last part)",
    "associated_contact": 'the deal\'s contact, from "Name (email)" (the first of several)',
    "stage_probability": "orders the stages it adds, and gives them this probability",
    "is_closed": "closed or open (a closed stage makes the deal won or lost)",
    "is_closed_won": "won or lost",
    "won_time": "closed_at (won deals)",
    "lost_time": "closed_at (lost deals)",
}


def column_report(source: Source, default_currency: str) -> list[str]:
    """What happens to each column of a CSV file: the field it fills, what
    changes form on the way (dates, amounts, currency, closed stages), or that
    it is ignored."""
    if not source.headers or not source.layout.fields:
        return []
    fmt, lines, seen = source.layout.format, [], set()
    for header, target in zip(source.headers, source.layout.fields, strict=False):
        if target is None:
            if header:
                lines.append(f"{header!r}: ignored")
            continue
        how = _HOW.get(target, target)
        if target in seen:
            how += f" (where {source.column(target)!r} is empty)"
        elif target == "value":
            currency = source.column("currency")
            how += (
                f" (amounts parsed, in the currency of {currency!r})"
                if currency
                else f" (amounts parsed; an amount without its currency is in {default_currency},"
                " the database's default: the file has no currency column)"
            )
        elif target == "stage" and fmt in ("hubspot", "salesforce"):
            how += " (a closed stage, such as Closed Won, becomes the deal's status)"
        elif target in DATE_FIELDS:
            how += " (dates as YYYY-MM-DD; see any note on their format)"
        elif target == "tags" and fmt == "pipedrive":
            how += " (labels, comma-separated)"
        elif target == "source" and fmt == "hubspot":
            how += " (the lead source)"
        seen.add(target)
        lines.append(f"{header!r} → {how}")
    return lines


def _add_stages_in_file_order(known: Known, conn: Connection, rows: list[DealIn]) -> None:
    """Add the stages the file names that the pipeline lacks, before any deal:
    by the probability the file gives them when it gives every new one a
    probability (HubSpot's `Deal Stage Probability`, Salesforce's), with that
    probability; else nothing is done here and they come in first-seen order."""
    wanted: dict[str, dict[str, int | None]] = {}
    for row in rows:
        if row.stage is not None:
            stages = wanted.setdefault(known.options.pipeline or row.pipeline or "", {})
            stages.setdefault(row.stage, row.stage_probability)
    for pipeline, stages in wanted.items():
        pipeline_id = known.pipeline(pipeline or None)
        have = known.stages.get(pipeline_id, {})
        new = {name: chance for name, chance in stages.items() if name.casefold() not in have}
        if not new or any(chance is None for chance in new.values()):
            continue
        for name, chance in sorted(new.items(), key=lambda item: item[1] or 0):
            stage_id = known.stage(pipeline_id, name)
            update_stage(conn, stage_id=stage_id, probability=chance)


def rejects_path(path: Path) -> Path:
    """`<name>.rejects.csv` beside the file; `<name>.rejects-2.csv`... when taken."""
    stem = path.name.removesuffix(path.suffix) if path.suffix else path.name
    for n in range(1, 1000):
        found = path.with_name(f"{stem}.rejects{'' if n == 1 else f'-{n}'}.csv")
        if not os.path.lexists(found):
            return found
    raise ValidationError("file", f"too many rejects files beside {path}")


def write_rejects(path: Path, source: Source, rejected: list[tuple[Record, list[str]]]) -> Path:
    """The refused rows as the file has them, plus `line` and `reason` columns,
    into a new 0600 file beside `path` (never one already there)."""
    while True:
        target = rejects_path(path)
        try:
            handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        break
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([*source.headers, "line", "reason"])
        for record, reasons in rejected:
            cells = list(record.cells) or ["" for _ in source.headers]
            writer.writerow([*cells, record.where.removeprefix("line "), "; ".join(reasons)])
    return target
