"""The types import and export share: what a file read holds (`Source`,
`Record`, `Layout`), its problems (`Problems`, `ImportFailed`), the checked
rows (`ContactIn`, `DealIn`, `TouchIn`: `Checked`), and what the user asks for
and gets back (`ImportOptions`, `ImportSummary`).

A leaf: it imports nothing else of `pipetui.services.transfer`, so every other
module of the package can import it and no two of them need each other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pipetui.domain.deal_status import DealStatus
from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import JourneyStage
from pipetui.domain.money import Money

MAX_PROBLEMS = 20
JSON_VERSION = 1
"""The version of pipetui's JSON export this pipetui writes and reads."""
Progress = Callable[[int, int], None]
"""Called with (done, total) while a long import reads, checks and writes."""
StageRef = str | int
"""A stage as a file names it: by name (CSV), or by its id in the file (JSON)."""
ON_DUPLICATE = ("skip", "update", "error")
FORMAT_NAMES = {
    "pipetui": "pipetui CSV",
    "pipetui-json": "pipetui JSON",
    "pipedrive": "Pipedrive",
    "hubspot": "HubSpot",
    "salesforce": "Salesforce",
    "vcard": "vCard",
}


# -- problems ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an import file, and where."""

    where: str
    column: str | None
    message: str

    def text(self) -> str:
        """ "line 4, column 'Deal - Value': not an amount: 'abc' (e.g. 1,200.50)"."""
        column = f", column {self.column!r}" if self.column else ""
        return f"{self.where}{column}: {self.message}"


class ImportFailed(ValidationError):
    """The file cannot be imported; nothing was written. `problems` holds the
    first `MAX_PROBLEMS`, `total` how many there were in all."""

    def __init__(self, name: str, problems: list[Problem], total: int | None = None) -> None:
        self.problems = sorted(problems[:MAX_PROBLEMS], key=_line_of)
        self.total = len(problems) if total is None else total
        count = f"{self.total} problem" + ("" if self.total == 1 else "s")
        super().__init__("file", f"{name}: {count}, nothing was imported")

    def lines(self) -> list[str]:
        """The problems as lines for stderr or a form, with "… and N more" last."""
        lines = [problem.text() for problem in self.problems]
        if self.total > len(self.problems):
            lines.append(f"… and {self.total - len(self.problems):,} more")
        return lines


def _line_of(problem: Problem) -> tuple[int, str]:
    """Problems sort by line (JSON records and whole-file ones keep their order)."""
    number = problem.where.removeprefix("line ")
    return (int(number), "") if number.isdigit() else (0, "")


class Problems:
    """Collects problems; counts all of them but keeps only the first few."""

    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.total = 0

    def add(self, where: str, column: str | None, message: str) -> None:
        """Note one problem."""
        self.total += 1
        if len(self.kept) < MAX_PROBLEMS:
            self.kept.append(Problem(where, column, message))

    def check(self, name: str) -> None:
        """Raise `ImportFailed` if anything was noted."""
        if self.total:
            raise ImportFailed(name, self.kept, self.total)


# -- a file read -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Layout:
    """How a file's header row reads: the format, the kind, and per column the
    field it fills (None: ignored)."""

    format: str
    kind: str
    fields: tuple[str | None, ...]

    @property
    def label(self) -> str:
        """ "Pipedrive deals", "pipetui CSV contacts"."""
        return f"{FORMAT_NAMES[self.format]} {self.kind}"


@dataclass(slots=True)
class Record:
    """One row of the file: where it is, and its raw text per pipetui field."""

    where: str
    values: dict[str, str]
    cells: tuple[str, ...] = ()
    """The row as the file has it (CSV), for a rejects file."""


@dataclass(slots=True)
class Source:
    """A file read and understood: its layout, its records, the label of the
    column behind each field (for messages), and the columns it ignores.

    `sections` holds a pipetui JSON export's other parts (pipelines, follow-ups,
    answers...) for a restore into an empty database.
    """

    name: str
    layout: Layout
    records: list[Record]
    labels: dict[str, str]
    ignored: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    sections: dict[str, Any] = field(default_factory=dict)
    full: bool = False
    problems: Problems = field(default_factory=Problems)
    notes: list[str] = field(default_factory=list)
    """What reading it decided that the user should know (an encoding detected)."""

    def column(self, name: str) -> str | None:
        """The file's own name for a field's column."""
        return self.labels.get(name)


# -- rows, checked ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonRef:
    """Who a deal or touchpoint row names: an id from the file, a name, an email."""

    id: int | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    company: str | None = None


@dataclass(frozen=True, slots=True)
class ContactIn:
    """A contact row, checked. `given` names the fields the file has columns for
    (what `--on-duplicate update` overwrites)."""

    where: str
    id: int | None
    external_id: str | None
    values: dict[str, Any]
    created_at: datetime | None
    updated_at: datetime | None
    given: frozenset[str]


@dataclass(frozen=True, slots=True)
class HistoryIn:
    """One row of a deal's stage history as the file has it (stage names)."""

    at: datetime
    from_stage: StageRef | None
    to_stage: StageRef
    from_status: DealStatus | None
    to_status: DealStatus
    imported: bool
    by: str | None = None


@dataclass(frozen=True, slots=True)
class DealIn:
    """A deal row, checked."""

    where: str
    id: int | None
    external_id: str | None
    title: str
    pipeline: str | None
    stage: str | None
    status: DealStatus
    value: Money
    probability: int | None
    close_date: date | None
    source: str | None
    lost_reason: str | None
    person: PersonRef | None
    created_at: datetime | None
    updated_at: datetime | None
    stage_entered_at: datetime | None
    closed_at: datetime | None
    history: tuple[HistoryIn, ...]
    given: frozenset[str]
    rank: int | None = None
    owner: str | None = None
    """The file's owner (used when it has an owner column: `"owner" in given`)."""
    stage_probability: int | None = None
    """The probability the file gives the deal's stage (HubSpot, Salesforce):
    stages an import adds are ordered by it, and get it."""
    notes: str | None = None
    """The deal's notes (pipetui's own files: a `notes` column), lines kept."""
    tags: str | None = None
    """The deal's tags as stored, comma-separated (a `tags` column; Pipedrive's
    "Deal - Label")."""


@dataclass(frozen=True, slots=True)
class TouchIn:
    """A touchpoint row, checked (the kind is resolved against the database)."""

    where: str
    id: int | None
    person: PersonRef
    deal_id: int | None
    deal_title: str | None
    kind: str
    journey_stage: JourneyStage | None
    channel: str | None
    direction: str | None
    at: datetime
    summary: str | None
    score: int | None
    by: str | None = None


@dataclass(slots=True)
class Checked:
    """Every row of a file, checked, by kind."""

    contacts: list[ContactIn]
    deals: list[DealIn]
    touchpoints: list[TouchIn]
    notes: list[str] = field(default_factory=list)
    """What reading the rows decided that the user should know."""
    rejected: list[tuple[Record, list[str]]] = field(default_factory=list)
    """Rows refused and left out (`--skip-invalid`), with their problems."""


# -- what the user asks for, and gets ----------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What the user asked for (`pipetui import` options)."""

    kind: str | None = None
    pipeline: str | None = None
    on_duplicate: str = "skip"
    dry_run: bool = False
    skip_invalid: bool = False
    """Import the good rows; write the refused ones to `<name>.rejects.csv`."""
    encoding: str | None = None
    """A CSV file's encoding (None: UTF-8, else detected)."""
    date_format: str | None = None
    """DD.MM.YYYY, MM/DD/YYYY...: how the file writes dates (None: detected)."""
    decimal_comma: bool | None = None
    """Amounts are written 1.200,50 (None: detected)."""


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
    rejected: int = 0
    """Rows refused and left out (`--skip-invalid`)."""
    rejects_file: str | None = None
    columns: list[str] = field(default_factory=list)
    """Per column of a CSV file: the field it fills and how, or that it is ignored."""

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
        if self.rejected:
            rows = f"{self.rejected:,} row" + ("" if self.rejected == 1 else "s")
            where = (
                f", listed with their reasons in {self.rejects_file}" if self.rejects_file else ""
            )
            lines.append(f"  refused and left out: {rows}{where}")
        if self.dry_run:
            lines.append("Nothing was written (a dry run).")
        return lines

    def column_lines(self) -> list[str]:
        """The dry run's report per column (empty for files without columns)."""
        if not self.columns:
            return []
        return ["Columns:", *(f"  {line}" for line in self.columns)]


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
