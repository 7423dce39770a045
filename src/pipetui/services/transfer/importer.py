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

from dataclasses import replace
from pathlib import Path

from pipetui.domain.errors import ValidationError
from pipetui.domain.pipeline import check_stage_name
from pipetui.services.transfer.reader import read_file
from pipetui.services.transfer.restore import merge_of, restore_or_merge
from pipetui.services.transfer.rows import check_source
from pipetui.services.transfer.types import (
    ON_DUPLICATE,
    ImportOptions,
    ImportSummary,
    Progress,
    Source,
)
from pipetui.store.database import Database


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
    source = read_file(path, kind=options.kind)
    return import_source(db, source, options, default_currency=default_currency, progress=progress)


def _check_options(options: ImportOptions) -> ImportOptions:
    """The options, checked, with `pipeline` cleaned like any pipeline name."""
    if options.on_duplicate not in ON_DUPLICATE:
        raise ValidationError(
            "on-duplicate", f"use {', '.join(ON_DUPLICATE)}, not {options.on_duplicate!r}"
        )
    if options.pipeline is not None:
        options = replace(options, pipeline=check_stage_name(options.pipeline, field="pipeline"))
    return options


def import_source(
    db: Database,
    source: Source,
    options: ImportOptions,
    *,
    default_currency: str,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import a file already read (the TUI reads it first to preview it)."""
    options = _check_options(options)
    checked = check_source(source, default_currency, progress)
    summary = ImportSummary(source.name, source.layout.label, len(source.records), options.dry_run)
    summary.ignored = list(source.ignored)
    rows = f"{len(source.records):,} row" + ("" if len(source.records) == 1 else "s")
    try:
        # One transaction, for all or nothing; the note tells any other writer
        # kept waiting meanwhile what holds the lock.
        with db.write(holding=f"importing {source.name} ({rows})") as conn:
            if source.full:
                merge = restore_or_merge(conn, source, options, summary)
            else:
                merge = merge_of(conn, source, options, summary)
            merge.run(checked, progress)
            if options.dry_run:
                raise _Rollback(summary)
    except _Rollback as rollback:
        return rollback.summary
    return summary
