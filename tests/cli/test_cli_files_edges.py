"""Files that are not plain files: `import` reads only a regular file of a sane
size (never /dev/zero or a FIFO, which would read or wait forever), and
`export --out` and `backup` write only a new or (with --force, for export) a
regular file: never through or over a symbolic link, never over a FIFO or a
device. Each refusal is one line naming the option, exit 2, and the link, FIFO
or device is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_harness import Cli

from pipetui.services import clock
from pipetui.services.transfer import MAX_FILE_BYTES
from pipetui.store.database import open_database


@pytest.fixture
def acme(cli: Cli) -> Cli:
    cli.add_deal("Acme", "--value", "1,000", "--contact", "Dana")
    return cli


@contextlib.contextmanager
def fifo(path: Path) -> Iterator[Path]:
    """A FIFO at `path`. Should a bug open it and wait for a writer, a writer
    comes after 20 s, so the test fails instead of hanging the suite."""
    os.mkfifo(path)

    def unblock() -> None:
        with contextlib.suppress(OSError):  # (no reader waiting: nothing to do)
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))

    timer = threading.Timer(20, unblock)
    timer.start()
    try:
        yield path
    finally:
        timer.cancel()


def leftovers(folder: Path) -> list[str]:
    """Temporary files an export would have left behind."""
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


# --- import reads regular files only ---------------------------------------------


def test_import_refuses_a_device_before_reading_it(acme: Cli) -> None:
    with acme.unchanged():
        message = acme.fails("import", "/dev/zero", field="file")
    assert message == "/dev/zero is not a regular file (a FIFO, device or socket)"


def test_import_refuses_a_fifo_without_waiting_for_a_writer(acme: Cli, tmp_path: Path) -> None:
    with fifo(tmp_path / "deals.csv") as path, acme.unchanged():
        message = acme.fails("import", str(path), field="file")
    assert message == f"{path} is not a regular file (a FIFO, device or socket)"
    assert stat.S_ISFIFO(path.stat().st_mode)


def test_import_refuses_a_directory(acme: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "deals.csv"
    folder.mkdir()
    with acme.unchanged():
        message = acme.fails("import", str(folder), field="file")
    assert message == f"{folder} is not a regular file (a directory)"


def test_import_refuses_a_file_over_1_gib_without_reading_it(acme: Cli, tmp_path: Path) -> None:
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as out:  # sparse: no disk used, and nothing to read
        out.write(b"title\n")
        out.truncate(MAX_FILE_BYTES + 1)
    with acme.unchanged():
        message = acme.fails("import", str(huge), field="file")
    assert message == f"{huge} is larger than 1 GiB; split it"


def test_import_follows_a_symlink_to_a_regular_file(acme: Cli, tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text('{"format": "pipetui", "version": 1, "deals": []}\n', encoding="utf-8")
    (tmp_path / "link.json").symlink_to(real)
    assert acme.ok("import", str(tmp_path / "link.json")).out.startswith("Imported link.json")


# --- export --out writes a regular file only ----------------------------------------


def test_export_never_replaces_a_symlink_even_with_force(acme: Cli, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.csv"
    target.write_text("keep me\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    for force in ([], ["--force"]):
        message = acme.fails("export", "--out", str(link), *force, field="out")
        assert message == f"{link} is a symbolic link; name the file itself"
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert leftovers(tmp_path) == []


def test_export_refuses_a_dangling_symlink(acme: Cli, tmp_path: Path) -> None:
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "nowhere.csv")
    message = acme.fails("export", "--out", str(link), field="out")
    assert message == f"{link} is a symbolic link; name the file itself"
    assert link.is_symlink() and not (tmp_path / "nowhere.csv").exists()


def test_export_never_replaces_a_fifo_or_a_device(acme: Cli, tmp_path: Path) -> None:
    advice = "is not a regular file (a FIFO, device or socket); to write to it, leave --out out"
    with fifo(tmp_path / "pipe.csv") as path:
        message = acme.fails("export", "--out", str(path), "--force", field="out")
        assert message == f"{path} {advice} and redirect the output"
        assert stat.S_ISFIFO(path.lstat().st_mode)
    message = acme.fails("export", "--out", "/dev/null", "--force", field="out")
    assert message == f"/dev/null {advice} and redirect the output"
    assert stat.S_ISCHR(Path("/dev/null").lstat().st_mode)
    assert leftovers(tmp_path) == []


def test_export_with_force_still_replaces_a_regular_file(acme: Cli, tmp_path: Path) -> None:
    out = tmp_path / "deals.csv"
    out.write_text("old\n", encoding="utf-8")
    acme.ok("export", "--out", str(out), "--force")
    assert out.read_text(encoding="utf-8").startswith("id,external_id,title")
    assert not out.is_symlink()


# --- backup never writes through a symlink -------------------------------------------


def test_backup_refuses_a_dangling_symlink(acme: Cli, tmp_path: Path) -> None:
    link = tmp_path / "backup.db"
    link.symlink_to(tmp_path / "elsewhere.db")
    message = acme.fails("backup", str(link), field="dest")
    assert message == f"{link} is a symbolic link; name a new file"
    assert link.is_symlink() and not (tmp_path / "elsewhere.db").exists()


def test_backup_refuses_a_symlink_to_a_file_and_a_fifo(acme: Cli, tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n", encoding="utf-8")
    link = tmp_path / "backup.db"
    link.symlink_to(target)
    assert acme.fails("backup", str(link), field="dest") == (
        f"{link} is a symbolic link; name a new file"
    )
    assert target.read_text(encoding="utf-8") == "keep me\n"
    with fifo(tmp_path / "pipe.db") as path:
        assert acme.fails("backup", str(path), field="dest") == (
            f"{path} exists; choose another name"
        )
        assert stat.S_ISFIFO(path.lstat().st_mode)


def test_backup_to_creates_its_file_new_and_never_through_a_link(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "p.db"), now=clock.now())
    try:
        link = tmp_path / "copy.db"
        link.symlink_to(tmp_path / "elsewhere.db")
        with pytest.raises(FileExistsError):
            db.backup_to(link)
        assert link.is_symlink() and not (tmp_path / "elsewhere.db").exists()
        made = db.backup_to(tmp_path / "fine.db")
        assert stat.S_IMODE(made.stat().st_mode) == 0o600
    finally:
        db.dispose()


def test_a_database_other_users_could_read_is_made_private_and_the_user_told_once(
    tmp_path: Path,
) -> None:
    cli = Cli(tmp_path / "shared.db")
    cli.add_deal("Gamma")
    for path in tmp_path.glob("shared.db*"):
        path.chmod(0o644)

    first = cli("deal", "list")
    again = cli("deal", "list")

    assert first.code == 0 and again.code == 0
    [warning] = first.err_lines
    assert warning.startswith("pipetui: warning: ") and "other users" in warning
    assert again.err == ""
    assert {oct(p.stat().st_mode & 0o777) for p in tmp_path.glob("shared.db*")} == {"0o600"}
