"""Export and backup from the TUI (`E` on the board, or the palette): the same
choices as `pipetui export` and `pipetui backup`, the same use cases underneath
(`pipetui.services.export_file`), run in a worker.

A path that cannot be used (a directory, a link, an existing file without
"Replace", a missing folder) is said at the path field and nothing is written;
once written, the screen says where the file went, in full.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Label, Select, Static

from pipetui.domain.errors import ValidationError
from pipetui.services.workspace import Workspace
from pipetui.ui import rtl
from pipetui.ui.screens.import_screen import PathSuggester
from pipetui.ui.widgets.field import Field

if TYPE_CHECKING:
    from pipetui.services.backup import Backup
    from pipetui.services.export_file import Exported

BACKUP = "backup"
FORMATS = [
    ("CSV: one kind of row, for spreadsheets", "csv"),
    ("JSON: pipetui's own, everything or one kind", "json"),
    ("vCard: contacts, for an address book", "vcard"),
    ("iCalendar: open follow-ups, for a calendar", "ics"),
    ("Backup: a consistent copy of the whole database", BACKUP),
]
KINDS = {
    "csv": [("deals", "deals"), ("contacts", "contacts"), ("touchpoints", "touchpoints")],
    "json": [
        ("everything", "all"),
        ("deals", "deals"),
        ("contacts", "contacts"),
        ("touchpoints", "touchpoints"),
    ],
    "vcard": [("contacts", "contacts")],
    "ics": [("open follow-ups", "followups")],
}
SUFFIXES = {"csv": "csv", "json": "json", "vcard": "vcf", "ics": "ics"}
REPLACE = "Replace the file if it exists"


def default_path(fmt: str, kind: str) -> Path:
    """pipetui-<kind>-<date>.<suffix> in the folder files are saved to
    (`save_folder`: ~/Downloads, else the current directory, else the data dir)."""
    from pipetui.services import clock
    from pipetui.ui.save_folder import save_folder

    day = f"{clock.now().astimezone():%Y-%m-%d}"
    return save_folder() / f"pipetui-{kind}-{day}.{SUFFIXES[fmt]}"


def chosen_path(text: str) -> Path | None:
    """The typed path, `~` expanded and made absolute (a relative one is in the
    current directory), so the screen can say in full where the file went."""
    text = text.strip()
    if not text:
        return None
    path = Path(os.path.expanduser(text))
    return path if path.is_absolute() else Path.cwd() / path


class ExportScreen(ModalScreen[None]):
    """Choose a format (or a backup), what to export and where; ctrl+s writes it."""

    BINDINGS = [
        Binding("escape", "close", "Back", id="export.close"),
        Binding("ctrl+s", "run", "Export", id="export.run"),
    ]
    AUTO_FOCUS = "#export-format"

    def __init__(self, workspace: Workspace, *, backup: bool = False) -> None:
        super().__init__(classes="form-screen")
        self.workspace = workspace
        self.start = BACKUP if backup else "csv"
        # Compact widgets: the whole form fits 80x24 without scrolling.
        self.path_field = Field("File (a backup may also name a folder)", "path", compact=True)
        self.path_field.input.suggester = PathSuggester()
        self.path_field.input.select_on_focus = False  # (back at a refused path: edit, not retype)
        self.suggested = ""
        """The path last filled in for the user: replaced when the format changes,
        unless they typed their own."""
        self.busy = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form export"):
            yield Label("Export", classes="form-title", id="export-title")
            with Vertical(classes="field"):
                yield Label("Format")
                yield Select(
                    FORMATS, value=self.start, allow_blank=False, id="export-format", compact=True
                )
            with Vertical(classes="field", id="export-what"):
                yield Label("What")
                yield Select(
                    KINDS["csv"], value="deals", allow_blank=False, id="export-kind", compact=True
                )
            yield self.path_field
            yield Checkbox(REPLACE, id="export-force", compact=True)
            yield Checkbox(
                "CSV: leave formula-like cells as they are (raw)", id="export-raw", compact=True
            )
            yield Checkbox(
                "CSV for spreadsheets: UTF-8 BOM, phone numbers kept as text",
                id="export-excel",
                compact=True,
            )
            yield Static("", id="export-result", markup=False)
            yield Label("ctrl+s write · escape back · tab next", classes="form-help")

    def on_mount(self) -> None:
        """Show the choices that fit the starting format."""
        self._fit(self.start)

    @property
    def fmt(self) -> str:
        """The chosen format, or "backup"."""
        value = self.query_one("#export-format", Select).value
        return value if isinstance(value, str) else "csv"

    @property
    def kind(self) -> str:
        """What to export, among what the format holds."""
        value = self.query_one("#export-kind", Select).value
        return value if isinstance(value, str) else KINDS[self.fmt][0][1]

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self._fit(event.value)

    @on(Select.Changed, "#export-kind")
    def _kind_changed(self) -> None:
        self._suggest()

    def _fit(self, fmt: str) -> None:
        """Offer what `fmt` can hold; hide what does not apply to it."""
        backup = fmt == BACKUP
        kind = self.query_one("#export-kind", Select)
        if not backup:
            kind.set_options(KINDS[fmt])
            kind.value = KINDS[fmt][0][1]
        self.query_one("#export-what").display = not backup
        for option in ("#export-raw", "#export-excel"):
            self.query_one(option).display = fmt == "csv"
        self.query_one("#export-force").display = not backup  # (a backup never replaces)
        title = self.query_one("#export-title", Label)
        title.update("Back up the database" if backup else "Export")
        self._suggest()

    def _suggest(self) -> None:
        """A path for the chosen format, unless the user typed one. A backup's
        is found in a worker: it asks the database where it lives and may
        create the user's backup directory (a server database)."""
        if self.fmt == BACKUP:
            self._suggest_backup()
        else:
            self._offer(str(default_path(self.fmt, self.kind)))

    @work(thread=True, exclusive=True, group="suggest")
    def _suggest_backup(self) -> None:
        """The default backup path (`pipetui backup` without DEST), if it can
        be had: a backup directory that cannot be made leaves the field empty."""
        from pipetui.services import backup, clock

        try:
            suggested = str(backup.default_destination(self.workspace.db, clock.now()))
        except OSError:
            return
        self.app.call_from_thread(self._offer, suggested, BACKUP)

    def _offer(self, suggested: str, fmt: str | None = None) -> None:
        """Fill in `suggested`, unless the user typed a path of their own (or,
        for a suggestion found in a worker, chose another format meanwhile)."""
        field = self.path_field.input
        if (field.value and field.value != self.suggested) or (fmt and fmt != self.fmt):
            return
        self.suggested = field.value = suggested
        self.path_field.show_error(None)

    def action_run(self) -> None:
        """Check the path, then write the export or backup in a worker."""
        if self.busy:
            return
        self.path_field.show_error(None)
        path = chosen_path(self.path_field.value)
        if path is None:
            self._refused(ValidationError("path", "name the file to write"))
            return
        self.busy = True
        self._say(Content.styled("Writing…", "bold"))
        if self.fmt == BACKUP:
            self._back_up(path)
        else:
            force = self.query_one("#export-force", Checkbox).value
            raw = self.query_one("#export-raw", Checkbox).value
            excel = self.query_one("#export-excel", Checkbox).value
            self._export(path, self.fmt, self.kind, raw=raw, excel=excel, force=force)

    @work(thread=True, exclusive=True, group="export")
    def _export(
        self, path: Path, fmt: str, kind: str, *, raw: bool, excel: bool, force: bool
    ) -> None:
        from pipetui.services.export_file import Wording, export_to_file
        from pipetui.services.transfer import choose

        wording = Wording("path", f"tick “{REPLACE}”", "choose a regular file to write")
        try:
            kind, fmt = choose(kind, fmt, str(path))
            made = export_to_file(
                self.workspace.db, path, kind=kind, fmt=fmt, raw=raw, excel=excel,
                force=force, wording=wording,
            )  # fmt: skip
        except (ValidationError, OSError) as error:
            self.app.call_from_thread(self._refused, error)
            return
        finally:
            self.busy = False
        self.app.call_from_thread(self._done, made)

    @work(thread=True, exclusive=True, group="export")
    def _back_up(self, path: Path) -> None:
        from pipetui.services import backup, clock
        from pipetui.services.export_file import back_up_file

        try:
            made = back_up_file(self.workspace.db, path, clock.now(), field="path")
        except (ValidationError, OSError, backup.BackupError) as error:
            self.app.call_from_thread(self._refused, error)
            return
        finally:
            self.busy = False
        self.app.call_from_thread(self._done, made)

    def _refused(self, error: Exception) -> None:
        """A path error at the path field; anything else under the form."""
        if isinstance(error, ValidationError) and error.field == "path":
            self.path_field.show_error(error.message)
            self.path_field.input.focus()
            self._say(Content.styled("Nothing was written.", "$text-error"))
        elif isinstance(error, ValidationError):
            self._say(
                Content.styled(rtl.sentence(f"{error.field}: {error.message}"), "$text-error")
            )
        else:
            self._say(Content.styled(rtl.sentence(f"Nothing was written: {error}"), "$text-error"))

    def _done(self, made: Exported | Backup) -> None:
        """Say where the file went (the full path, styled as the app's own)."""
        from pipetui.services.export_file import Exported

        lines = [made.line()] if isinstance(made, Exported) else made.lines()
        parts: list[str | tuple[str, str]] = []
        for n, line in enumerate(lines):
            parts += [(rtl.sentence(line), "bold $text-success" if n == 0 else ""), "\n"]
        self._say(Content.assemble(*parts))
        self.suggested = ""  # (a second ctrl+s must not silently overwrite it)

    def _say(self, content: Content) -> None:
        self.query_one("#export-result", Static).update(content)

    def action_close(self) -> None:
        """Back to where it was opened from."""
        self.dismiss(None)
