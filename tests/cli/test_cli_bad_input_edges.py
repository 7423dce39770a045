"""Bad bytes and odd arguments: whatever a tester types, pipetui answers in one
line on stderr naming the field, exits 2 and writes nothing; a bug is one line
too (the traceback goes to the error log); a closed pipe ends quietly; the board
refuses to start without a terminal; and text another tool wrote into the
database never reaches the terminal as control characters.

Bytes that are not UTF-8 reach Python as lone surrogates ("\\udcff"), so most
cases run in-process with those; two run the installed command with real bytes.
"""

from __future__ import annotations

import gc
import io
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from cli_harness import ERROR_PREFIX, Cli, Result, Script

from pipetui.cli import main
from pipetui.services.transfer import read_bytes

PIPE_CLOSED = 141  # 128 + SIGPIPE, as a shell shows `cat big | head -1`


@pytest.fixture
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The platformdirs state (and log) directory, inside tmp_path."""
    home = tmp_path / "xdg-state"
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    return home


@pytest.fixture
def acme(cli: Cli, state_home: Path) -> Cli:
    """Deal #1 "Acme" for contact Dana, with a call logged."""
    cli.add_deal("Acme", "--value", "1,000", "--contact", "Dana")
    cli.ok("touch", "Dana", "--kind", "call", "--deal", "1")
    return cli


def run(argv: list[str], *, stdout: io.TextIOBase | None = None) -> Result:
    """`main(argv)` in-process with stdout (a StringIO unless given) and stderr caught."""
    out, err = stdout or io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):  # type: ignore[type-var]
        try:
            code = main(argv)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    return Result(code, out.getvalue() if isinstance(out, io.StringIO) else "", err.getvalue())


def refused(result: Result, field: str) -> str:
    """`Cli.fails` for a result in hand: exit 2, one stderr line naming `field`."""
    assert (result.code, result.out) == (2, ""), result
    assert len(result.err_lines) == 1, result.err
    assert result.err_lines[0].startswith(f"{ERROR_PREFIX}{field}: "), result.err
    return result.err_lines[0].removeprefix(f"{ERROR_PREFIX}{field}: ")


# --- arguments that are not UTF-8 ----------------------------------------------

NOT_UTF8 = [
    pytest.param(["deal", "add", "\udcff\udcfe bad"], "title", id="deal-add-title"),
    pytest.param(["touch", "Dana", "--kind", "call", "--summary", "\udc9b"], "summary",
                 id="touch-summary"),
    pytest.param(["contact", "list", "--search", "Da\udcffna"], "search", id="contact-search"),
    pytest.param(["deal", "lost", "1", "--reason", "\udcff"], "reason", id="deal-lost-reason"),
    pytest.param(["deal", "add", "x", "--source=\udcff"], "source", id="source-with-equals"),
    pytest.param(["contact", "edit", "Dana", "--company", "\udce9"], "company", id="contact-edit"),
    pytest.param(["deal", "list", "--db", "\udcff.db"], "db", id="db"),
    pytest.param(["import", "deals-\udce9.csv"], "file", id="import-file"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "field"), NOT_UTF8)
def test_an_argument_that_is_not_utf8_is_refused_by_its_name(
    acme: Cli, argv: list[str], field: str
) -> None:
    with acme.unchanged():
        message = acme.fails(*argv, field=field)
    assert message == "not valid UTF-8 text"


def test_pipetui_db_that_is_not_utf8_is_named(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPETUI_DB", "p\udcff.db")
    assert refused(cli("deal", "list", db=False), "PIPETUI_DB") == "not valid UTF-8 text"


def test_the_installed_command_refuses_real_bad_bytes_in_one_line(
    acme: Cli, tmp_path: Path
) -> None:
    script = Script(tmp_path)
    db = str(acme.db)
    # (os.fsdecode gives the str that subprocess turns back into these very bytes)
    title_bytes, summary_bytes = os.fsdecode(b"\xff\xfe bad"), os.fsdecode(b"\x9b")
    with acme.unchanged():
        started = [
            script.start("--db", db, "deal", "add", title_bytes),
            script.start("--db", db, "touch", "Dana", "--kind", "call", "--summary", summary_bytes),
        ]
        title, summary = map(script.finish, started)
    assert (title.code, title.out, title.err) == (
        2, "", f"{ERROR_PREFIX}title: not valid UTF-8 text\n"
    )  # fmt: skip
    assert (summary.code, summary.out, summary.err) == (
        2, "", f"{ERROR_PREFIX}summary: not valid UTF-8 text\n"
    )  # fmt: skip


# --- JSON import: lone surrogates and unknown versions ---------------------------


def export_json(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "in.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_lone_surrogate_in_a_json_import_is_a_problem_at_its_record_and_field(
    acme: Cli, tmp_path: Path
) -> None:
    path = export_json(
        tmp_path,
        '{"format": "pipetui", "version": 1, "deals": [\n'
        '  {"title": "fine \\ud83e\\udd84"},\n'
        '  {"title": "bad \\ud800", "history": [["2026-01-01", "x\\udfff"]]}\n'
        "]}\n",
    )
    with acme.unchanged():
        result = acme("import", str(path))
    assert (result.code, result.out) == (2, "")
    assert result.err_lines == [
        f"{ERROR_PREFIX}file: in.json: 2 problems, nothing was imported",
        "  deals[2], column 'title': not valid UTF-8 text (a lone surrogate escape)",
        "  deals[2], column 'history[1][2]': not valid UTF-8 text (a lone surrogate escape)",
    ]
    assert "Traceback" not in result.err


def test_an_escaped_surrogate_pair_is_just_an_emoji() -> None:
    data = b'{"format": "pipetui", "deals": [{"title": "\\ud83e\\udd84 \\u05d3\\u05e0\\u05d4"}]}'
    source = read_bytes(data, "pair.json")
    assert [r.values["title"] for r in source.records] == ["🦄 דנה"]


@pytest.mark.parametrize("version", ["99", "0", "true", '"1"', "1.0"])
def test_a_json_export_of_another_version_is_refused(
    acme: Cli, tmp_path: Path, version: str
) -> None:
    path = export_json(
        tmp_path, f'{{"format": "pipetui", "version": {version}, "deals": [{{"title": "x"}}]}}'
    )
    with acme.unchanged():
        result = acme("import", str(path))
    assert (result.code, result.out) == (2, "")
    assert result.err_lines == [
        f"{ERROR_PREFIX}file: in.json: 1 problem, nothing was imported",
        f"  file, column 'version': version {json.loads(version)!r} is not supported "
        "(this pipetui reads version 1)",
    ]


# --- --db and PIPETUI_DB that would lose the data --------------------------------

IN_MEMORY = "an in-memory SQLite database loses everything when pipetui exits; give a file path"
BAD_DB = [
    pytest.param("", "is empty; give a database file or an SQLAlchemy URL", id="empty"),
    pytest.param("sqlite://", IN_MEMORY, id="sqlite-no-file"),
    pytest.param("sqlite:///:memory:", IN_MEMORY, id="sqlite-memory"),
    pytest.param("sqlite:///file:x?mode=memory&uri=true", IN_MEMORY, id="sqlite-uri-memory"),
    pytest.param(
        "postgresql://sales@localhost/pipetui",
        "the PostgreSQL driver is not installed: pip install 'pipetui[postgres]'",
        id="postgresql-without-driver",
    ),
    pytest.param("nosuchdb://x/y", "unknown database 'nosuchdb' in the URL", id="unknown-kind"),
]


@pytest.fixture
def no_postgres_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    """Import of any PostgreSQL driver fails, as where none is installed."""
    for module in ("psycopg", "psycopg2", "asyncpg", "pg8000"):
        monkeypatch.setitem(sys.modules, module, None)


@pytest.mark.sqlite_only  # about --db itself; the test's own database is never opened
@pytest.mark.parametrize(("db", "message"), BAD_DB)
@pytest.mark.usefixtures("no_postgres_driver", "board_must_not_start")
def test_a_db_that_cannot_keep_data_is_refused_and_the_default_is_not_used(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db: str, message: str
) -> None:
    assert cli.fails("deal", "add", "lost?", "--db", db, field="db") == message
    monkeypatch.setattr(sys, "stdin", Terminal())
    board = run(["--db", db], stdout=Terminal())  # the board, in a terminal: refused too
    assert refused(board, "db") == message
    assert gc.isenabled()  # start-up turned the collector off: a refused board turns it on
    assert not (tmp_path / "xdg-data" / "pipetui").exists()
    assert not cli.path.exists()


@pytest.mark.sqlite_only  # about PIPETUI_DB itself
@pytest.mark.parametrize(("db", "message"), BAD_DB[1:])
@pytest.mark.usefixtures("no_postgres_driver")
def test_pipetui_db_that_cannot_keep_data_is_named(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db: str, message: str
) -> None:
    monkeypatch.setenv("PIPETUI_DB", db)
    assert refused(cli("deal", "add", "lost?", db=False), "PIPETUI_DB") == message
    assert not (tmp_path / "xdg-data" / "pipetui").exists()


# --- no traceback, ever ------------------------------------------------------------


@pytest.fixture
def bug(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening the database hits a bug no code path expects."""
    import pipetui.services.workspace

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom:\nthe second line")

    monkeypatch.setattr(pipetui.services.workspace, "open_workspace", broken)


@pytest.mark.usefixtures("bug")
def test_an_unexpected_error_is_one_line_and_its_traceback_is_logged(
    cli: Cli, state_home: Path
) -> None:
    log = state_home / "pipetui" / "log" / "errors.log"
    result = cli("deal", "list", "--db", "postgresql://sales:s3cret@db.example/crm")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"{ERROR_PREFIX}unexpected RuntimeError: boom: the second line (details in {log})\n"
    )
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last):" in text
    assert text.rstrip().endswith("RuntimeError: boom:\nthe second line")
    assert "command: pipetui --db" in text and "deal list" in text
    assert "s3cret" not in text  # a database password is not written down
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700

    cli("deal", "list")  # a second error is added to the same log
    assert log.read_text(encoding="utf-8").count("Traceback (most recent call last):") == 2


@pytest.mark.usefixtures("bug")
def test_an_unexpected_error_without_a_writable_log_is_still_one_line(
    cli: Cli, state_home: Path
) -> None:
    state_home.write_text("a file where the log directory would go\n")
    result = cli("deal", "list")
    assert result.code == 1
    assert len(result.err_lines) == 1, result.err
    assert result.err.startswith(f"{ERROR_PREFIX}unexpected RuntimeError: boom: the second line")
    assert "no log written: " in result.err and "Traceback" not in result.err


# --- a closed pipe -------------------------------------------------------------------


class ClosedPipe(io.StringIO):
    """A stdout whose reader has gone: every write fails as a pipe's would."""

    def write(self, _text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_stdout_ends_quietly_with_141(acme: Cli) -> None:
    result = run(["--db", str(acme.db), "deal", "list"], stdout=ClosedPipe())
    assert (result.code, result.err) == (PIPE_CLOSED, "")


def test_export_into_head_stops_quietly_at_the_closed_pipe(acme: Cli, tmp_path: Path) -> None:
    acme.ok("demo", "--force")  # a JSON export of ~260 kB: more than a pipe holds
    script = Script(tmp_path)
    exporter = subprocess.Popen(
        [str(script.path), "--db", str(acme.db), "export", "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=script.env,
    )
    assert exporter.stdout is not None and exporter.stderr is not None
    head = subprocess.run(
        ["head", "-c", "10"], stdin=exporter.stdout, capture_output=True, timeout=60, check=True
    )
    exporter.stdout.close()
    err = exporter.stderr.read().decode()
    exporter.stderr.close()
    assert head.stdout == b'{\n "format'
    assert exporter.wait(timeout=60) == PIPE_CLOSED
    assert err == ""


# --- the board needs a terminal ------------------------------------------------------


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def board_must_not_start(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import pipetui.ui.start

    def started(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the board started")

    monkeypatch.setattr(pipetui.ui.start, "run_app", started)
    yield


NO_TERMINAL = f"{ERROR_PREFIX}the board needs a terminal; use a command, see pipetui --help\n"


@pytest.mark.parametrize(
    ("stdin_is_a_terminal", "stdout_is_a_terminal"),
    [(False, False), (False, True), (True, False)],
    ids=["neither", "stdin-redirected", "stdout-redirected"],
)
@pytest.mark.usefixtures("board_must_not_start")
def test_the_board_without_a_terminal_exits_2_at_once(
    acme: Cli,
    monkeypatch: pytest.MonkeyPatch,
    stdin_is_a_terminal: bool,
    stdout_is_a_terminal: bool,
) -> None:
    monkeypatch.setattr(sys, "stdin", Terminal() if stdin_is_a_terminal else io.StringIO())
    stdout = Terminal() if stdout_is_a_terminal else io.StringIO()
    for argv in ([], ["--db", str(acme.db)]):
        result = run(argv, stdout=stdout)
        assert (result.code, result.err) == (2, NO_TERMINAL)
    assert stdout.getvalue() == ""


def test_the_installed_board_from_dev_null_exits_2(tmp_path: Path) -> None:
    script = Script(tmp_path)
    done = subprocess.run(
        [str(script.path), "--db", str(tmp_path / "p.db")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=script.env,
        timeout=60,
    )
    assert (done.returncode, done.stdout, done.stderr) == (2, "", NO_TERMINAL)


# --- control characters another tool wrote into the database ----------------------

ESCAPES = "\x1b]0;pwned\x07", "\x1b[31m", "\x9b2J", "\u202e", "\x7f", "\x00"
SCRIPTS = "דנה כהן", "أحمد حسن", "山田 太郎", "🦄 Ünïcode"


@pytest.fixture
def tampered(acme: Cli) -> Cli:
    """Contacts in four scripts, and control characters written straight into
    the database by another tool (as a tester did with sqlite3), past
    pipetui's input cleaning."""
    for name in SCRIPTS:
        acme.add_deal(f"Deal {name}", "--contact", name, "--source", name)
    acme.sql(
        "UPDATE deal SET title = :title, source = :source WHERE id = 1",
        {"title": "\x1b]0;pwned\x07Acme\x9b2J", "source": "\u202elanoitnevnoc"},
    )
    acme.sql("UPDATE contact SET name = :name WHERE id = 1", {"name": "Dana\x1b[31m\x7f"})
    # PostgreSQL's text cannot hold NUL at all; SQLite's can.
    nul = "" if "://" in str(acme.db) else "\x00"
    acme.sql("UPDATE touchpoint SET summary = :s", {"s": f"called{nul}\x1b[2J"})
    return acme


def shown_everywhere(cli: Cli) -> dict[str, str]:
    return {
        " ".join(argv): cli.ok(*argv).out
        for argv in (
            ["deal", "list", "--all"],
            ["deal", "show", "1"],
            ["deal", "show", "1", "--json"],
            ["contact", "list"],
            ["contact", "show", "1"],
            ["contact", "list", "--json"],
            ["export"],
            ["export", "--kind", "contacts"],
            ["export", "--kind", "touchpoints"],
            ["export", "--format", "json"],
            ["export", "--format", "vcard"],
        )
    }


def test_control_characters_in_the_database_never_reach_the_terminal(tampered: Cli) -> None:
    for command, out in shown_everywhere(tampered).items():
        for escape in ("\x1b", "\x07", "\x9b", "\u202e", "\x7f", "\x00"):
            assert escape not in out, (command, escape, out)
        if "show" not in command and "touchpoints" not in command:
            for name in SCRIPTS:  # every script, byte for byte
                assert name in out, (command, name)

    shown = tampered.deal(1)
    assert (shown["title"], shown["source"]) == ("]0;pwnedAcme2J", "lanoitnevnoc")
    assert shown["contact"]["name"] == "Dana[31m"


def test_text_pipetui_stored_is_printed_exactly(acme: Cli) -> None:
    for name in SCRIPTS:
        added = acme.add_deal(f"Deal {name}", "--contact", name)
        assert added["contact"]["name"] == name
    listed = acme("contact", "list").out
    for name in SCRIPTS:
        assert name in listed
    titles = {d["title"] for d in acme.json("deal", "list")}
    assert titles == {"Acme", *(f"Deal {name}" for name in SCRIPTS)}
