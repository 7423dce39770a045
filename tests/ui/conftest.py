"""Fixtures for TUI tests: a fresh database in tmp_path, a fixed clock, a fixed
terminal size, and helpers that wait for the board's workers to finish."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ui_helpers import make_app, settle  # noqa: F401  (re-exported for tests)

from pipetui.domain.money import Money
from pipetui.services import deals
from pipetui.services.contacts import add_contact
from pipetui.services.settings import Settings
from pipetui.services.workspace import Workspace
from pipetui.store.database import open_database
from pipetui.ui import rtl

NOW = "2026-11-20T10:00:00+00:00"
SIZE = (160, 50)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Same time for every test; user dirs point into tmp_path."""
    monkeypatch.setenv("PIPETUI_NOW", NOW)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture(autouse=True)
def drawing_mode_restored() -> Iterator[None]:
    """An app started with `bidi = "off"` sets the process's drawing mode; the
    next test starts from the default again."""
    yield
    rtl.use("app")


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    """An empty database (the default "Sales" pipeline, no deals)."""
    from pipetui.services import clock

    ws = Workspace(open_database(str(tmp_path / "board.db"), now=clock.now()), Settings())
    yield ws
    ws.close()


@pytest.fixture
def sales(workspace: Workspace) -> Workspace:
    """A few deals across the Sales stages, in two currencies, with contacts."""
    add_contact(workspace.db, name="דנה כהן", company="Negev Solar")
    add_contact(workspace.db, name="Omar Haddad", company="Haddad & Sons")
    seed = [
        ("Website redesign", 120_050, "USD", "Proposal", "דנה כהן"),
        ("Annual licence", 500_000, "USD", "Proposal", "Omar Haddad"),
        ("Pilot project", 1_200_000, "ILS", "Proposal", None),
        ("Support plan", 90_000, "USD", "Negotiation", None),
        ("Cold lead", 10_000, "EUR", "Prospecting", None),
    ]
    for title, minor, currency, stage, contact in seed:
        deals.add_deal(
            workspace.db,
            title=title,
            value=Money(minor, currency),
            stage=stage,
            contact=contact,
        )
    return workspace
