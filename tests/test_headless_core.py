"""What each entry point imports: the core (domain, store, services) and the CLI
never import Textual, the domain imports no database layer, and the TUI draws
its first frame before the full store (SQLModel, SQLAlchemy) is imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
        "assert pipetui.cli._tui_only(['--db', 'x.db']) == ('x.db', None)\n"
        "assert pipetui.cli._tui_only(['deal', 'list']) is None"
    )
    assert "textual" in loaded
    assert not loaded & {"sqlalchemy", "sqlmodel", "pydantic"}


def test_deal_list_answers_without_importing_the_full_store(tmp_path: Path) -> None:
    """`pipetui deal list --json` on an up-to-date file reads it with the sqlite3
    driver alone (the issue's start-up budget), and says what the full store says."""
    db = tmp_path / "p.db"
    subprocess.run([sys.executable, "-m", "pipetui.cli", "--db", str(db), "demo"], check=True,
                   capture_output=True)  # fmt: skip
    code = (
        "import contextlib, io\n"
        "from pipetui.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    assert main(['--db', {str(db)!r}, 'deal', 'list', '--all', '--json']) == 0\n"
        f"open({str(tmp_path / 'light.json')!r}, 'w').write(out.getvalue())\n"
    )
    loaded = packages_loaded_by(code)
    assert "sqlalchemy" not in loaded and "sqlmodel" not in loaded and "textual" not in loaded
    light = json.loads((tmp_path / "light.json").read_text())

    from pipetui.services import clock
    from pipetui.services.deals import show_deal
    from pipetui.services.serialize import deal_json
    from pipetui.store.database import open_database

    database = open_database(str(db), now=clock.now())
    try:  # each deal as `deal show` reads it, through SQLAlchemy
        full = [deal_json(show_deal(database, d["id"]).view, clock.now()) for d in light]
    finally:
        database.dispose()
    assert len(light) == 60

    def timeless(deals: list[dict[str, object]]) -> list[dict[str, object]]:
        return [{k: v for k, v in d.items() if k != "days_in_stage"} for d in deals]

    assert timeless(light) == timeless(full)  # (two clocks: a day may turn between them)
