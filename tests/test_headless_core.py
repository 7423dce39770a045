"""The core (domain, store, services) and the CLI never import Textual."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "pipetui",
    "pipetui.domain.money",
    "pipetui.domain.bant",
    "pipetui.domain.journey",
    "pipetui.store.database",
    "pipetui.store.deals",
    "pipetui.services.deals",
    "pipetui.services.workspace",
    "pipetui.services.serialize",
    "pipetui.cli",
    "pipetui.commands.deal",
]


def test_importing_the_core_and_cli_leaves_textual_out() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}: importlib.import_module(name)\n"
        "from pipetui.cli import build_parser; build_parser()\n"
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_the_domain_imports_no_database_layer() -> None:
    code = (
        "import sys, pipetui.domain.money, pipetui.domain.bant, pipetui.domain.journey\n"
        "import pipetui.domain.deal, pipetui.domain.contact, pipetui.domain.followup\n"
        "heavy = ('sqlalchemy', 'sqlmodel', 'textual')\n"
        "print(any(m.split('.')[0] in heavy for m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_the_tui_starts_without_the_full_store() -> None:
    # The first board frame must not wait for SQLModel/SQLAlchemy to import.
    code = (
        "import sys\n"
        "import pipetui.cli, pipetui.ui.app\n"
        "from pipetui.services.workspace import open_workspace_for_tui\n"
        "assert pipetui.cli._tui_only(['--db', 'x.db']) == 'x.db'\n"
        "assert pipetui.cli._tui_only(['deal', 'list']) is None\n"
        "heavy = ('sqlalchemy', 'sqlmodel', 'pydantic')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
