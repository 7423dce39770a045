"""An export or a backup written to a file, for the CLI (`pipetui export
--out`, `pipetui backup`) and the TUI's export screen alike: a new private file
(0600) that appears whole or not at all, never written through a link or over a
directory, FIFO or device.

The refusals name the path the way the asking interface does (`Wording`): the
CLI's `--out` and `--force`, or a screen's field and its checkbox.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pipetui.domain.errors import ValidationError

if TYPE_CHECKING:
    from pipetui.services.backup import Backup
    from pipetui.store.database import Database


@dataclass(frozen=True, slots=True)
class Wording:
    """How a refusal names the path and the way round it."""

    field: str = "out"
    """The field the ValidationError names."""
    replace: str = "use --force to replace it"
    """How to replace an existing file."""
    stream: str = "to write to it, leave --out out and redirect the output"
    """What to do with a FIFO, device or socket."""


CLI = Wording()


@dataclass(frozen=True, slots=True)
class Exported:
    """An export written: where, how many rows (or cards, or events), of what."""

    path: Path
    count: int
    kind: str
    fmt: str

    def line(self) -> str:
        """What to tell the user ("Exported 12 deals to /home/dana/deals.csv (csv)")."""
        what = {"vcard": "contacts", "ics": "follow-ups"}.get(self.fmt, self.kind)
        what = "rows" if self.kind == "all" else what
        return f"Exported {self.count:,} {what} to {self.path} ({self.fmt})"


def export_to_file(
    db: Database,
    path: Path,
    *,
    kind: str,
    fmt: str,
    raw: bool = False,
    excel: bool = False,
    force: bool = False,
    wording: Wording = CLI,
) -> Exported:
    """Write one export (`transfer.export`) to a new private file at `path`;
    ValidationError (naming `wording.field`) when the path cannot be used."""
    from pipetui.services.transfer import export

    check_target(path, force=force, wording=wording)
    if not path.parent.is_dir():
        raise ValidationError(wording.field, f"no directory {path.parent}")
    with private_file(path, force=force, wording=wording) as out:
        count = export(db, out, kind=kind, fmt=fmt, raw=raw, excel=excel)
    return Exported(path, count, kind, fmt)


def check_target(path: Path, *, force: bool, wording: Wording = CLI) -> None:
    """Refuse a path that is not a plain file to write or replace: a directory,
    a symbolic link (replacing would replace the link, not write where it
    points), a FIFO, a device or a socket (never replaced), or an existing file
    unless `force`. The link itself is looked at, not its target."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise ValidationError(wording.field, f"cannot use {path}: {error.strerror}") from None
    if stat.S_ISDIR(mode):
        raise ValidationError(wording.field, f"{path} is a directory; name a file")
    if stat.S_ISLNK(mode):
        raise ValidationError(wording.field, f"{path} is a symbolic link; name the file itself")
    if not stat.S_ISREG(mode):
        raise ValidationError(
            wording.field,
            f"{path} is not a regular file (a FIFO, device or socket); {wording.stream}",
        )
    if not force:
        raise ValidationError(wording.field, f"{path} exists; {wording.replace}")


@contextlib.contextmanager
def private_file(path: Path, *, force: bool = False, wording: Wording = CLI) -> Iterator[TextIO]:
    """A text file only its owner can read (0600), written beside `path` and
    renamed over it when complete: a failed export leaves no half file. `path`
    is checked again just before the rename, in case it changed meanwhile."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            yield out
        check_target(path, force=force, wording=wording)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def back_up_file(db: Database, dest: Path | None, now: datetime, *, field: str = "dest") -> Backup:
    """A backup (`pipetui.services.backup`) at `dest`: a new file, or a directory
    to put the default name in; with no `dest`, the default place. A name that
    is taken or a link, or a missing directory, is a ValidationError naming
    `field`; a failed pg_dump a `backup.BackupError` (nothing is left behind)."""
    from pipetui.services import backup

    if dest is None:
        destination = backup.default_destination(db, now)
    elif dest.is_dir():
        destination = dest / backup.default_name(db, now)
    else:
        destination = dest
    if destination.is_symlink():  # (even a dangling one: the backup would land at its target)
        raise ValidationError(field, f"{destination} is a symbolic link; name a new file")
    if destination.exists():
        raise ValidationError(field, f"{destination} exists; choose another name")
    if not destination.parent.is_dir():
        raise ValidationError(field, f"no directory {destination.parent}")
    try:  # (back_up creates the file new: a name taken meanwhile is refused too)
        return backup.back_up(db, destination)
    except FileExistsError:
        raise ValidationError(field, f"{destination} exists; choose another name") from None
