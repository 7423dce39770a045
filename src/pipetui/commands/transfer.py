"""`pipetui import` and `pipetui export`.

Import problems are listed one per line on stderr (up to twenty, with their
lines and columns) and exit 2 with nothing written. Export writes to stdout, or
to a new 0600 file (`--out`) that appears whole or not at all
(`pipetui.services.export_file`, shared with the TUI).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from pipetui.commands.output import say, shown
from pipetui.services.workspace import Workspace

PROGRESS_FROM = 2_000  # rows; smaller files import faster than a bar can show


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add the `import` and `export` commands."""
    load = commands.add_parser(
        "import",
        help="deals, contacts or touchpoints from CSV (pipetui, Pipedrive, HubSpot, Salesforce), "
        "pipetui JSON or vCard",
        parents=[common],
    )
    load.add_argument("file", metavar="FILE", help=".csv, .json or .vcf")
    load.add_argument("--kind", choices=("deals", "contacts", "touchpoints"), help="(detected)")
    load.add_argument("--pipeline", metavar="NAME", help="put deals here (created if missing)")
    load.add_argument(
        "--dry-run", action="store_true", help="show what would happen, write nothing"
    )
    load.add_argument(
        "--on-duplicate",
        choices=("skip", "update", "error"),
        default="skip",
        help="a row already in the database: skip it (default), update it, or stop",
    )
    load.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the good rows; write the refused ones, with why, to NAME.rejects.csv",
    )
    load.add_argument(
        "--encoding", metavar="NAME", help="a CSV file's encoding, e.g. cp1255 (default: UTF-8)"
    )
    load.add_argument(
        "--date-format",
        metavar="FORMAT",
        help="how the file writes dates: DD.MM.YYYY, MM/DD/YYYY, DD/MM/YYYY... (detected)",
    )
    load.add_argument(
        "--decimal-comma",
        action="store_const",
        const=True,
        default=None,
        help="amounts are written 1.200,50 or 1 200,50 (detected)",
    )
    load.set_defaults(func=run_import)

    save = commands.add_parser(
        "export", help="CSV, JSON, vCard (contacts) or iCalendar (follow-ups)", parents=[common]
    )
    save.add_argument(
        "--kind", choices=("deals", "contacts", "touchpoints", "all"), help="(from the format)"
    )
    save.add_argument("--format", choices=("csv", "json", "vcard", "ics"), help="(from --out)")
    save.add_argument("--out", metavar="PATH", help="file to write (default: stdout)")
    save.add_argument(
        "--raw", action="store_true", help="CSV: leave formula-like cells as they are"
    )
    save.add_argument(
        "--excel",
        action="store_true",
        help="CSV for spreadsheets: a UTF-8 BOM, phone numbers kept as text without a quote",
    )
    save.add_argument("--force", action="store_true", help="replace an existing --out file")
    save.set_defaults(func=run_export)


class ProgressBar:
    """A one-line bar on stderr, redrawn at most ten times a second."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream, self.label, self.last = stream, label, 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 and done < total:
            return
        self.last = now
        share = done / total if total else 1.0
        bar = "█" * int(share * 30) + "░" * (30 - int(share * 30))
        self.stream.write(f"\r{self.label} {bar} {share:4.0%} {done:,}/{total:,}")
        self.stream.flush()

    def close(self) -> None:
        """Clear the bar's line."""
        self.stream.write("\r\x1b[2K")
        self.stream.flush()


def run_import(args: argparse.Namespace, ws: Workspace) -> int:
    """Check the whole file, then import it in one transaction (or print why not)."""
    from pipetui.services.transfer import ImportFailed, ImportOptions, import_source, read_file

    options = ImportOptions(
        kind=args.kind,
        pipeline=args.pipeline,
        on_duplicate=args.on_duplicate,
        dry_run=args.dry_run,
        skip_invalid=args.skip_invalid,
        encoding=args.encoding,
        date_format=args.date_format,
        decimal_comma=args.decimal_comma,
    )
    path = Path(args.file).expanduser()
    bar, failure = None, None
    try:
        source = read_file(path, kind=args.kind, encoding=args.encoding)
        if len(source.records) >= PROGRESS_FROM and sys.stderr.isatty():
            bar = ProgressBar(sys.stderr, f"importing {shown(path.name)}")
        summary = import_source(
            ws.db,
            source,
            options,
            default_currency=ws.settings.default_currency,
            progress=bar,
            path=path,
        )
    except ImportFailed as error:
        failure = error
    finally:
        if bar:
            bar.close()  # (before anything else is written to its line)
    if failure is not None:
        sys.stderr.write(f"pipetui: error: {shown(str(failure))}\n")
        sys.stderr.writelines(f"  {shown(line)}\n" for line in failure.lines())
        return 2
    for line in summary.lines():
        say(line)
    if options.dry_run:
        for line in summary.column_lines():
            say(line)
    return 0


def run_export(args: argparse.Namespace, ws: Workspace) -> int:
    """Write an export to stdout or to a new private file."""
    from pipetui.services.export_file import export_to_file
    from pipetui.services.transfer import choose, export

    kind, fmt = choose(args.kind, args.format, args.out)
    if not args.out or args.out == "-":
        export(ws.db, sys.stdout, kind=kind, fmt=fmt, raw=args.raw, excel=args.excel)
        return 0
    path = Path(args.out).expanduser()
    made = export_to_file(
        ws.db, path, kind=kind, fmt=fmt, raw=args.raw, excel=args.excel, force=args.force
    )
    say(made.line())
    return 0
