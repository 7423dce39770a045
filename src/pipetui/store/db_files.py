"""The database file and its -wal and -shm on disk: kept private, and opened
read-only (leaving nothing behind) when they cannot be written.

Standard library only, so the light start-up path (`services.workspace`
before `pipetui.store.light`) can use it without importing SQLAlchemy.

What SQLite does on its own, measured with SQLite 3.40 as an unprivileged user
(root writes through any mode, so only such a user shows it):

- it gives a new -wal and -shm the mode of the database file. A 0400 database
  read with a plain (or even a ``mode=ro``) connection in a writable folder
  leaves a 0400 -shm and -wal behind, and after ``chmod 600`` every write
  still fails with "attempt to write a readonly database";
- a WAL database in a folder it cannot write to cannot be opened at all, with
  or without ``mode=ro``, unless both -wal and -shm already exist;
- ``immutable=1`` opens it without locks and without creating any file, and
  still reads a -wal that is there; but when a -shm is there too (a writer is
  connected) it ignores the -wal's newest commits.

Hence `read_only_uri`.

A long write (an import) also leaves a note here saying who holds the write
lock (`leave_note`), so a writer kept waiting can say why (`who_holds`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import stat
import time
from pathlib import Path
from urllib.parse import quote

SIDECARS = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database, by suffix."""


def sidecar(path: Path, suffix: str) -> Path:
    """The -wal, -shm or -journal file of a database."""
    return path.with_name(path.name + suffix)


def make_private(path: Path) -> list[str]:
    """Take group and other permissions off the database file and its -wal,
    -shm and -journal when they are the user's own (a file created before
    pipetui made its files 0600, or copied in with a 0644 umask); files of
    another user are left alone. A -wal or -shm left read-only by an older
    pipetui's read of a 0400 file is made writable again when the database
    is. Returns what was changed, as warnings to show the user once (the next
    run finds nothing to change)."""
    me = os.geteuid()
    opened: list[str] = []
    repaired: list[str] = []
    problems: list[str] = []
    try:
        main_mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return []
    for file in (path, *(sidecar(path, suffix) for suffix in SIDECARS)):
        try:
            info = os.lstat(file)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or info.st_uid != me:
            continue
        mode = stat.S_IMODE(info.st_mode)
        wanted = mode & 0o700
        if file != path and main_mode & 0o200:
            wanted |= 0o600  # as writable as the database itself
        if wanted == mode:
            continue
        try:
            os.chmod(file, wanted)
        except OSError as error:
            if error.errno != errno.EROFS:  # (a read-only file system: nothing to do)
                problems.append(f"{file.name} ({error.strerror})")
            continue
        change = f"{file.name} {mode:04o} -> {wanted:04o}"
        (opened if mode & 0o077 else repaired).append(change)
    warnings = []
    if opened:
        warnings.append(
            f"db: {path} could be read by other users; made it private: {', '.join(opened)}"
        )
    if repaired:
        warnings.append(
            f"db: {path}: made writable again what an earlier read-only use left "
            f"read-only: {', '.join(repaired)}"
        )
    if problems:
        warnings.append(f"db: could not make {path} private: {', '.join(problems)}")
    return warnings


def write_refusal(path: Path) -> str | None:
    """Why pipetui cannot write to this existing database, or None when it can:
    the file is not writable by this user, its -wal or -shm is not, or its
    folder is not (SQLite must create its -wal and -shm, or a -journal, there)."""
    if not _writable(path):
        if _read_only_file_system(path.parent):
            return "it is on a read-only file system"
        return f"the file is not writable by you (mode {_mode(path)})"
    for suffix in ("-wal", "-shm"):
        extra = sidecar(path, suffix)
        if extra.exists() and not _writable(extra):
            return f"its {extra.name} is not writable by you (mode {_mode(extra)})"
    if not _writable(path.parent, folder=True):
        if _read_only_file_system(path.parent):
            return "it is on a read-only file system"
        return (
            f"its folder {path.parent} is not writable by you, and SQLite must create "
            "its -wal and -shm files there to write"
        )
    return None


def read_only_uri(path: Path) -> str:
    """The SQLite URI that reads a database pipetui cannot write, leaving no
    file behind (see the module's description):

    - ``mode=ro`` when its -wal and -shm both exist (a writer, or one that
      stopped without cleaning up, made them): readers then follow that
      writer's commits through them, and nothing new is created;
    - else ``mode=ro&immutable=1``: no locks and no new files (a plain read
      would create a -shm and -wal with the database's own, read-only, mode),
      and whatever the -wal holds is still read.

    Decided at each connection, since a writer may come or go in between."""
    uri = "file:" + quote(str(path), safe="/")
    if all(os.access(sidecar(path, suffix), os.R_OK) for suffix in ("-wal", "-shm")):
        return uri + "?mode=ro"
    return uri + "?mode=ro&immutable=1"


def _writable(path: Path, *, folder: bool = False) -> bool:
    wanted = os.W_OK | (os.X_OK if folder else 0)
    if os.access in os.supports_effective_ids:
        return os.access(path, wanted, effective_ids=True)
    return os.access(path, wanted)


def _read_only_file_system(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def _mode(path: Path) -> str:
    try:
        return f"{stat.S_IMODE(path.stat().st_mode):04o}"
    except OSError:
        return "unknown"


# -- who holds the write lock ------------------------------------------------------


def holder_note(path: Path) -> Path:
    """The note a long write (an import) leaves beside the database while it
    holds the write lock, so another writer kept waiting can say who by."""
    return sidecar(path, "-writer")


def leave_note(path: Path, what: str) -> Path | None:
    """Write the holder note (0600): this process, what it does, since when.
    Only the lock holder writes it, so it never clobbers another's. None when
    it cannot be written (the note is a courtesy, never a reason to fail)."""
    import json  # only for a writer: a board opens without it

    note = holder_note(path)
    text = json.dumps(
        {"pid": os.getpid(), "host": socket.gethostname(), "what": what, "since": time.time()}
    )
    try:
        fd = os.open(note, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        try:
            os.write(fd, text.encode())
        finally:
            os.close(fd)
    except OSError:
        return None
    return note


def take_note_away(note: Path | None) -> None:
    """Remove the holder note, still under the write lock (after the commit, the
    next holder may already have written its own)."""
    if note is not None:
        with contextlib.suppress(OSError):
            note.unlink()


def who_holds(path: Path, *, now: float | None = None) -> str | None:
    """What the write lock's holder said it is doing, if it is a live pipetui
    process on this machine: "importing deals.csv (20,000 rows) in process
    4242, for 17 s now (since 10:02:03)". None for no note, or a stale one."""
    import json

    try:
        found = json.loads(holder_note(path).read_text(encoding="utf-8"))
        pid, host, what, since = found["pid"], found["host"], found["what"], found["since"]
        pid, since = int(pid), float(since)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if host != socket.gethostname() or not _alive(pid):
        return None
    what = "".join(c if c.isprintable() else "?" for c in str(what))  # no escapes
    seconds = max(0, round((now if now is not None else time.time()) - since))
    started = time.strftime("%H:%M:%S", time.localtime(since))
    return f"{what} in process {pid}, for {seconds} s now (since {started})"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    return True
