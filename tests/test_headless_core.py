"""What each entry point imports: the core (domain, store, services) and the CLI
never import Textual, the domain imports no database layer, and the TUI draws
its first frame before the full store (SQLModel, SQLAlchemy) is imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
CORE_PACKAGES = ["pipetui.domain", "pipetui.store", "pipetui.services", "pipetui.commands"]
"""Walked whole (`pkgutil.walk_packages`), so a new module is checked the day it
is written; the commands are imported lazily by the parser, so naming a few
here would leave most of them unchecked."""

WALK = """
import importlib, pkgutil
checked = []
def walk(package):
    checked.append(importlib.import_module(package).__name__)
    for info in pkgutil.walk_packages(importlib.import_module(package).__path__, package + "."):
        checked.append(importlib.import_module(info.name).__name__)
"""


def loaded_by(code: str) -> tuple[set[str], set[str]]:
    """Run `code` in a fresh interpreter: the top-level packages it imported, and
    the names in its `checked` list (empty when it has none)."""
    script = (
        f"{code}\nimport json, sys\n"
        "print(json.dumps([sorted({m.split('.')[0] for m in sys.modules}),"
        " globals().get('checked', [])]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    packages, checked = json.loads(result.stdout)
    return set(packages), set(checked)


def packages_loaded_by(code: str) -> set[str]:
    """Run `code` in a fresh interpreter; the top-level packages it imported."""
    return loaded_by(code)[0]


def modules_on_disk(package: str) -> set[str]:
    """Every module of `package` as its files say, to prove the walk saw them all."""
    root = SRC.joinpath(*package.split("."))
    names = set()
    for path in root.rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_importing_every_core_and_cli_module_leaves_textual_out() -> None:
    loaded, checked = loaded_by(
        WALK
        + "import pipetui, pipetui.cli\n"
        + "".join(f"walk({package!r})\n" for package in CORE_PACKAGES)
        + "from pipetui.cli import build_parser; build_parser()"
    )
    on_disk = set().union(*(modules_on_disk(package) for package in CORE_PACKAGES))
    assert on_disk - checked == set()  # every module really was imported
    assert len(checked) > 70
    assert "sqlalchemy" in loaded
    assert "textual" not in loaded


def test_the_domain_imports_no_database_layer() -> None:
    loaded, checked = loaded_by(WALK + "walk('pipetui.domain')")
    assert checked == modules_on_disk("pipetui.domain")
    assert "pipetui" in loaded
    assert not loaded & {"sqlalchemy", "sqlmodel", "psycopg", "textual"}


def test_the_tui_starts_without_the_full_store() -> None:
    loaded = packages_loaded_by(
        "import pipetui.cli, pipetui.ui.app\n"
        "from pipetui.services.workspace import open_workspace\n"
        "assert pipetui.cli._tui_only(['--db', 'x.db']) == ('x.db', None)\n"
        "assert pipetui.cli._tui_only(['deal', 'list']) is None"
    )
    assert "textual" in loaded
    assert not loaded & {"sqlalchemy", "sqlmodel", "pydantic"}


def test_the_board_opens_without_what_its_first_frame_does_not_draw() -> None:
    """Issue 21's first frame: what opening the board imports leaves out the
    deal's full record, the BANT answers' history, the move and change
    helpers (the warm-up loads them after the first frame), and the parsers
    only a settings file, a writer's note or a quoted filter needs."""
    _, modules = loaded_by(
        "import pipetui.cli, pipetui.ui.app, pipetui.ui.start\n"
        "from pipetui.services.workspace import open_workspace\n"
        "from pipetui.store.light import SchemaError\n"
        "import sys\n"
        "checked = sorted(sys.modules)"
    )
    assert {"pipetui.ui.screens.board", "pipetui.domain.deal_status", "textual.app"} <= modules
    left_out = {
        "pipetui.domain.deal",
        "pipetui.domain.bant_history",
        "pipetui.ui.screens.board_moves",
        "pipetui.ui.screens.deal_changes",
        "tomllib",
        "json",
        "shlex",
    }
    assert modules & left_out == set()


def test_the_board_opens_with_one_dataclass_defined() -> None:
    """On CPython 3.11 defining a frozen dataclass compiles six methods from
    source (≈4.7 M instructions, a named tuple ≈1 M): what the first frame
    imports keeps its records as named tuples, Money alone a dataclass (its
    arithmetic refuses mixed currencies, which a tuple's `+` and `*` would not)."""
    _, classes = loaded_by(
        "import pipetui.cli, pipetui.ui.app, pipetui.ui.start, dataclasses, sys\n"
        "from pipetui.services.workspace import open_workspace\n"
        "checked = sorted(f'{name}.{key}' for name, module in list(sys.modules.items())\n"
        "    if name.startswith('pipetui') for key, value in vars(module).items()\n"
        "    if isinstance(value, type) and value.__module__ == name\n"
        "    and dataclasses.is_dataclass(value))"
    )
    assert classes == {"pipetui.domain.money.Money"}


def test_the_first_board_is_read_before_textual_is_imported() -> None:
    """`pipetui.ui.start` starts the first board's read, then imports Textual
    (the two overlap): it must not load Textual itself."""
    loaded = packages_loaded_by("import pipetui.ui.start")
    assert "pipetui" in loaded
    assert not loaded & {"textual", "sqlalchemy", "sqlmodel"}


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
