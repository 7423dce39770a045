"""`pipetui serve` as a command: its options, what it refuses, where the apps'
database comes from, and the message when the extra is not installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipetui.cli import main
from pipetui.commands import serve as serve_command
from pipetui.web.config import ServeConfig, ServeConfigError, check_token, new_token


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never the user's own settings, data directory or database."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("PIPETUI_DB", raising=False)
    monkeypatch.delenv("PIPETUI_CONFIG", raising=False)
    monkeypatch.delenv("PIPETUI_SERVE_TOKEN", raising=False)


def test_without_the_serve_extra_it_says_so_in_one_line_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(serve_command, "EXTRA_MODULES", ("aiohttp", "no_such_module_here"))
    code = main(["serve", "--db", str(tmp_path / "x.db")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "'serve' extra" in err and "pipetui[serve]" in err and "no_such_module_here" in err


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["--host", "0.0.0.0"], "--public-url"),
        (["--host", "::"], "--public-url"),
        (["--public-url", "ftp://x"], "public-url"),
        (["--public-url", "https://crm.example.com/pipetui"], "root"),
    ],
)
def test_options_it_cannot_serve_safely_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], words: list[str], message: str
) -> None:
    code = main(["serve", "--db", str(tmp_path / "x.db"), *words])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and err.startswith("pipetui: error: serve:")


@pytest.mark.parametrize(
    "words",
    [["--port", "0"], ["--port", "70000"], ["--max-sessions", "0"], ["--idle-timeout", "-1"]],
)
def test_bad_numbers_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], words: list[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--db", str(tmp_path / "x.db"), *words])
    assert exited.value.code == 2


def test_a_short_or_odd_token_from_the_environment_is_refused() -> None:
    with pytest.raises(ServeConfigError):
        check_token("short")
    with pytest.raises(ServeConfigError):
        check_token("has spaces and & in it 12345")
    assert check_token("a" * 20) == "a" * 20
    assert new_token() != new_token() and len(new_token()) >= 40


def test_the_apps_database_is_the_given_one_made_absolute_or_pipetui_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert serve_command.database_for_child("deals.db") == str(tmp_path / "deals.db")
    monkeypatch.setenv("PIPETUI_DB", "postgresql://dana:pw@db/crm")
    assert serve_command.database_for_child(None) == "postgresql://dana:pw@db/crm"
    assert serve_command._has_password("postgresql://dana:pw@db/crm")
    assert not serve_command._has_password("postgresql://dana@db/crm")
    assert not serve_command._has_password(str(tmp_path / "x.db"))


def test_the_allow_lists_are_the_served_address_only() -> None:
    config = ServeConfig(host="127.0.0.1", port=8000, token="t" * 20, app_argv=("x",))
    assert config.allowed_hosts == {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"}
    assert config.allowed_origins == {
        "http://127.0.0.1:8000",
        "http://localhost:8000",
        "http://[::1]:8000",
    }
    lan = ServeConfig(host="192.168.1.5", port=8000, token="t" * 20, app_argv=("x",))
    assert lan.allowed_hosts == {"192.168.1.5:8000"}
    proxied = ServeConfig(
        host="127.0.0.1",
        port=8000,
        token="t" * 20,
        app_argv=("x",),
        public_url="https://crm.example.com",
    )
    assert "crm.example.com" in proxied.allowed_hosts
    assert "https://crm.example.com" in proxied.allowed_origins
    assert "http://crm.example.com" not in proxied.allowed_origins
    assert proxied.url == "https://crm.example.com/" and proxied.secure_cookie
