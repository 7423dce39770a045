"""What each entry point imports: the core (domain, store, services) and the CLI
never import Textual, the domain imports no database layer, and the TUI draws
its first frame before the full store (SQLModel, SQLAlchemy) is imported."""

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


def packages_loaded_by(code: str) -> set[str]:
    """Run `code` in a fresh interpreter; the top-level packages it imported."""
    script = f"{code}\nimport sys\nprint(' '.join({{m.split('.')[0] for m in sys.modules}}))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_importing_the_core_and_cli_leaves_textual_out() -> None:
    loaded = packages_loaded_by(
        "import importlib\n"
        f"for name in {CORE!r}: importlib.import_module(name)\n"
        "from pipetui.cli import build_parser; build_parser()"
    )
    assert "sqlalchemy" in loaded  # the imports really happened
    assert "textual" not in loaded


def test_the_domain_imports_no_database_layer() -> None:
    loaded = packages_loaded_by(
        "import pipetui.domain.money, pipetui.domain.bant, pipetui.domain.journey\n"
        "import pipetui.domain.deal, pipetui.domain.contact, pipetui.domain.followup"
    )
    assert "pipetui" in loaded
    assert not loaded & {"sqlalchemy", "sqlmodel", "textual"}


def test_the_tui_starts_without_the_full_store() -> None:
    loaded = packages_loaded_by(
        "import pipetui.cli, pipetui.ui.app\n"
        "from pipetui.services.workspace import open_workspace_for_tui\n"
        "assert pipetui.cli._tui_only(['--db', 'x.db']) == 'x.db'\n"
        "assert pipetui.cli._tui_only(['deal', 'list']) is None"
    )
    assert "textual" in loaded
    assert not loaded & {"sqlalchemy", "sqlmodel", "pydantic"}
