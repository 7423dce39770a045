"""Importing a file from the TUI (`I` on the board): pick the file, see how its
columns map and its first rows, see what the import would do, then confirm.

The same use case as `pipetui import` runs underneath: the whole file is checked
first (a dry run, in a worker, with a progress bar), and problems are listed
with their lines and columns; ctrl+s then imports it, all or nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.suggester import Suggester
from textual.widgets import DataTable, Input, Label, ProgressBar, Select, Static

from pipetui.services.workspace import Workspace
from pipetui.ui import rtl
from pipetui.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from pipetui.services.transfer import ImportFailed, ImportOptions, ImportSummary, Source

PREVIEW_ROWS = 8
KINDS = [("detect from the headers", ""), ("deals", "deals"), ("contacts", "contacts"),
         ("touchpoints", "touchpoints")]  # fmt: skip
DUPLICATES = [("skip rows already here", "skip"), ("update them", "update"),
              ("stop with an error", "error")]  # fmt: skip


class PathSuggester(Suggester):
    """Completes a path from the files in its directory (→ accepts)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        """The first entry of the typed directory that starts with the typed name."""
        if not value:
            return None
        folder, _, start = value.rpartition("/")
        where = Path(os.path.expanduser(folder or ".") or "/")
        try:
            names = sorted(os.listdir(where))
        except OSError:
            return None
        for name in names:
            if name.startswith(start) and name != start and not name.startswith("."):
                tail = "/" if (where / name).is_dir() else ""
                return f"{folder}/{name}{tail}" if folder or value.startswith("/") else name + tail
        return None


def mapping_content(source: Source) -> Content:
    """How the file's columns are read: "Deal - Title → title", ignored ones dim."""
    parts: list[str | tuple[str, str]] = [(f"{source.layout.label}", "bold"), "\n"]
    if source.headers:
        for header, field in zip(source.headers, source.layout.fields, strict=True):
            if field is None:
                parts += [
                    ("  " + rtl.field(header), "$foreground-muted"),
                    (" (ignored)\n", "$foreground-muted"),
                ]
            else:
                parts += ["  " + rtl.field(header), (f" → {field}\n", "$text-accent")]
    else:
        parts.append(f"  {len(source.records):,} records\n")
    return Content.assemble(*parts)


def result_content(summary: ImportSummary | None, failure: ImportFailed | None) -> Content:
    """The dry run's or the import's outcome, or the problems found."""
    if failure is not None:
        # Sentences of the app's own that may quote the file's text.
        lines: list[str | tuple[str, str]] = [(rtl.sentence(str(failure)), "bold $error"), "\n"]
        for line in failure.lines():
            lines += [("  " + rtl.sentence(line), "$error"), "\n"]
        lines.append(("Nothing was written. Fix the file and press enter to read it again.", ""))
        return Content.assemble(*lines)
    assert summary is not None
    parts: list[str | tuple[str, str]] = []
    for n, line in enumerate(summary.lines()):
        parts += [(rtl.sentence(line), "bold" if n == 0 else ""), "\n"]
    if summary.dry_run:
        for n, line in enumerate(summary.column_lines()):
            parts += [(rtl.sentence(line), "bold" if n == 0 else ""), "\n"]
        parts.append(("ctrl+s imports it; escape goes back.", "$text-accent"))
    return Content.assemble(*parts)


class ImportScreen(Screen[bool]):
    """Pick, preview, check and import a file; returns whether anything changed."""

    BINDINGS = [
        Binding("escape", "close", "Back", id="import.close"),
        Binding("ctrl+s", "run_import", "Import", id="import.run"),
        Binding("ctrl+r", "read", "Read again", id="import.read"),
    ]
    AUTO_FOCUS = "#import-path"

    def __init__(self, workspace: Workspace, pipeline: str | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.pipeline = pipeline
        self.source: Source | None = None
        self.checked: ImportSummary | None = None
        self.changed = False
        """Whether an import wrote something (the board reloads then)."""
        self.imported = False
        """Whether the file read last was imported (ctrl+s then imports it again)."""
        self.busy = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="import-screen"):
            yield Label("Import a file", classes="form-title")
            yield Label(
                "CSV (pipetui, Pipedrive or HubSpot export), pipetui JSON, or vCard (.vcf)",
                classes="form-help",
            )
            yield Input(
                placeholder="path to the file, e.g. ~/Downloads/deals.csv (→ completes)",
                id="import-path",
                suggester=PathSuggester(),
            )
            with Horizontal(id="import-options"):
                yield Select(KINDS, value="", allow_blank=False, id="import-kind")
                yield Input(
                    self.pipeline or "",
                    placeholder="pipeline for deals (default: the file's)",
                    id="import-pipeline",
                )
                yield Select(DUPLICATES, value="skip", allow_blank=False, id="import-duplicates")
            yield ProgressBar(id="import-progress", show_eta=False)
            yield Static("", id="import-result", markup=False)
            yield DataTable(id="import-preview", cursor_type="none", zebra_stripes=True)
            yield Static("", id="import-mapping", markup=False)
        yield KeyFooter()

    def options(self, *, dry_run: bool) -> ImportOptions:
        """The options as chosen on the screen."""
        from pipetui.services.transfer import ImportOptions

        kind = self.query_one("#import-kind", Select).value
        pipeline = self.query_one("#import-pipeline", Input).value.strip()
        duplicates = self.query_one("#import-duplicates", Select).value
        return ImportOptions(
            kind=kind if isinstance(kind, str) and kind else None,
            pipeline=pipeline or None,
            on_duplicate=duplicates if isinstance(duplicates, str) else "skip",
            dry_run=dry_run,
        )

    @on(Input.Submitted, "#import-path")
    @on(Input.Submitted, "#import-pipeline")
    def action_read(self) -> None:
        """Read the file and check it (a dry run)."""
        path = self.query_one("#import-path", Input).value.strip()
        if not path or self.busy:
            return
        self.checked, self.imported, self.busy = None, False, True
        self._say(Content.styled("Reading and checking every row (nothing is written)…", ""))
        self._check(Path(os.path.expanduser(path)), self.options(dry_run=True))

    @on(Select.Changed)
    def _option_changed(self) -> None:
        if self.source is not None:
            self.action_read()

    def _say(self, content: Content) -> None:
        self.query_one("#import-result", Static).update(content)

    def _progress(self, done: int, total: int) -> None:
        self.app.call_from_thread(self.query_one(ProgressBar).update, total=total, progress=done)

    def _run(self, source: Source, options: ImportOptions) -> ImportSummary | None:
        """The use case, in a worker: its summary, or None once the problems show."""
        from pipetui.domain.errors import ValidationError
        from pipetui.services.transfer import import_source

        currency = self.workspace.settings.default_currency
        try:
            return import_source(
                self.workspace.db, source, options, default_currency=currency,
                progress=self._progress,
            )  # fmt: skip
        except ValidationError as error:
            self.app.call_from_thread(self._failed, source, error)
            return None

    @work(thread=True, exclusive=True, group="import")
    def _check(self, path: Path, options: ImportOptions) -> None:
        from pipetui.domain.errors import ValidationError
        from pipetui.services.transfer import read_file

        try:
            try:
                source = read_file(path, kind=options.kind)
            except ValidationError as error:
                self.app.call_from_thread(self._failed, None, error)
                return
            self.app.call_from_thread(self._preview, source)
            summary = self._run(source, options)
            if summary is not None:
                self.app.call_from_thread(self._checked, source, summary)
        finally:
            self.busy = False

    def _preview(self, source: Source) -> None:
        self.source = source
        self.query_one("#import-mapping", Static).update(mapping_content(source))
        table = self.query_one("#import-preview", DataTable)
        table.clear(columns=True)
        records = source.records[:PREVIEW_ROWS]
        fields = list(dict.fromkeys(name for r in records for name in r.values if name[:2] != "__"))
        # The file's own text: each header and cell laid out on its own (DESIGN.md §6).
        table.add_columns(*(Text(rtl.field(source.column(name) or name)) for name in fields))
        for record in records:
            table.add_row(*(Text(rtl.field(record.values.get(name, "")[:40])) for name in fields))

    def _failed(self, source: Source | None, error: Exception) -> None:
        from pipetui.services.transfer import ImportFailed

        self.source = source
        if isinstance(error, ImportFailed):
            self._say(result_content(None, error))
        else:
            self._say(Content.styled(rtl.sentence(str(error)), "bold $error"))

    def _checked(self, source: Source, summary: ImportSummary) -> None:
        self.source, self.checked = source, summary
        self._say(result_content(summary, None))

    def action_run_import(self) -> None:
        """Import the checked file, all or nothing. Again after an import, it
        runs again and says what it found, as `pipetui import` run twice does
        ("already there, skipped: …"), instead of leaving the first result up."""
        if self.busy:
            self.notify("Still reading or importing; a moment…", severity="warning")
            return
        if self.source is None or (self.checked is None and not self.imported):
            self.notify("Read the file first (enter in the path field)", severity="warning")
            return
        self.busy = True
        self._say(Content.styled("Importing… (all of it or, on any problem, none)", "bold"))
        self._import(self.source, self.options(dry_run=False))

    @work(thread=True, exclusive=True, group="import")
    def _import(self, source: Source, options: ImportOptions) -> None:
        try:
            summary = self._run(source, options)
            if summary is not None:
                self.checked, self.imported = None, True
                self.changed = self.changed or bool(+(summary.created + summary.updated))
                self.app.call_from_thread(self._say, result_content(summary, None))
        finally:
            self.busy = False

    def action_close(self) -> None:
        """Back to the board (which reloads if anything was imported)."""
        if self.busy:
            self.notify("Still reading or importing; a moment…", severity="warning")
            return
        self.dismiss(self.changed)
