"""Import/export is one package, `pipetui.services.transfer`: its modules import
one another without a cycle (counting imports inside functions and those made
for the type checker only, which is how cycles used to hide), its shared types
sit in a leaf module, and what it offers is its `__all__`, each name real."""

from __future__ import annotations

import ast
import importlib
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pipetui.services.transfer as transfer

PACKAGE = "pipetui.services.transfer"
ROOT = Path(transfer.__file__).parent
REPO = Path(__file__).resolve().parents[2]
MODULES = {path.stem for path in ROOT.glob("*.py")}


def imports_of(module: str) -> set[str]:
    """The modules of the package that `module` imports, anywhere in its file."""
    tree = ast.parse((ROOT / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{module}: a relative import"
            base = node.module or ""
            names = [f"{base}.{alias.name}" for alias in node.names] if base == PACKAGE else [base]
        else:
            continue
        for name in names:
            if name == PACKAGE:
                found.add("__init__")
            elif name.startswith(PACKAGE + "."):
                part = name.removeprefix(PACKAGE + ".").split(".")[0]
                found.add(part if part in MODULES else "__init__")
    return found - {module}


def graph() -> dict[str, set[str]]:
    return {module: imports_of(module) for module in MODULES}


def test_the_package_has_no_import_cycle() -> None:
    try:
        order = list(TopologicalSorter(graph()).static_order())
    except CycleError as error:
        raise AssertionError(f"an import cycle: {' → '.join(error.args[1])}") from None
    assert set(order) == MODULES


def test_no_module_imports_the_package_face() -> None:
    """Inside, modules import each other; only callers outside go through `__init__`."""
    assert [m for m, found in graph().items() if "__init__" in found] == []


def test_the_shared_types_are_a_leaf() -> None:
    assert imports_of("types") == set()


def test_every_public_name_resolves() -> None:
    for name in transfer.__all__:
        assert getattr(transfer, name) is not None, name
    fresh = importlib.import_module(PACKAGE)
    assert set(fresh.__all__) <= set(dir(fresh))


def test_callers_outside_import_the_package_only() -> None:
    """`from pipetui.services.transfer import X`, never one of its modules."""
    wrong = []
    for folder in ("src", "tests", "benchmarks", "screenshots"):
        for path in (REPO / folder).rglob("*.py"):
            if ROOT in path.parents:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                    if node.module == PACKAGE:
                        names += [f"{PACKAGE}.{a.name}" for a in node.names if a.name in MODULES]
                wrong += [
                    f"{path.relative_to(REPO)}: {n}" for n in names if n.startswith(PACKAGE + ".")
                ]
    assert wrong == []
