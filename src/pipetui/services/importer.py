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
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipetui.domain.errors import ValidationError
from pipetui.domain.pipeline import check_stage_name
from pipetui.services.import_merge import Merge
from pipetui.services.import_rows import (
    check_source,
)
from pipetui.services.import_source import Progress, Source, read_file
from pipetui.store.database import Database

ON_DUPLICATE = ("skip", "update", "error")


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
                from pipetui.services.restore import restore_or_merge

                merge = restore_or_merge(conn, source, options, summary)
            else:
                from pipetui.services.restore import file_stage_names

                merge = Merge(conn, options, summary, source.name)
                merge.file_stages = dict(file_stage_names(source))
            merge.run(checked, progress)
            if options.dry_run:
                raise _Rollback(summary)
    except _Rollback as rollback:
        return rollback.summary
    return summary
