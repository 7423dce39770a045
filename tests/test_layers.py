"""The layer contract (DESIGN.md §4; docs/decisions.md, "Layers and the layer
contract"): each layer imports only the layers below it, and the core has no
import cycles, so both fail the build instead of waiting for a review.

Bottom to top: the `pipetui` package itself (its version), domain, store,
services, then the interfaces side by side: the CLI (`pipetui.cli` and
`pipetui.commands`), the TUI (`pipetui.ui`) and the web server of `pipetui
serve` (`pipetui.web`), none importing another but for the exceptions in
`ALLOWED`.

Every import in every file is read from its syntax tree, wherever it is: at the
top, inside a function (a deferred import is still a dependency), under
`if TYPE_CHECKING:` (a type is still a dependency, and hides cycles), and the
modules named to `LazyModule(...)` / `importlib.import_module(...)`. Checked:

(a) no module imports a module of a higher layer, or of the other interface;
(b) no import cycle among the modules of domain, store and services;
(c) Textual is imported only by the TUI, and the domain imports no database
    library.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

RANKS = {"pipetui": 0, "domain": 1, "store": 2, "services": 3, "cli": 4, "ui": 4, "web": 4}
"""A layer may import its own rank and below; the interfaces share the top."""

ALLOWED = {
    ("pipetui.cli", "pipetui.ui.start"): (
        "with no command the CLI opens the board; imported inside `_run_tui` "
        "so a CLI command never loads Textual"
    ),
    ("pipetui.commands.serve", "pipetui.web"): (
        "`pipetui serve` starts the web server; imported inside `run_serve` so "
        "other commands never load aiohttp"
    ),
    ("pipetui.web.child", "pipetui.ui.start"): (
        "a browser session's child process runs the board; imported inside "
        "`main`, so the server process itself never loads Textual"
    ),
}
"""(importer, imported module or package): why. Each is allowed inside a
function only: at the top of a module it would load the other interface with it."""

CORE = ("domain", "store", "services")
"""The layers that must have no import cycles among their modules."""

FORBIDDEN_PACKAGES = {
    "textual": {"pipetui", "domain", "store", "services", "cli", "web"},
    "sqlalchemy": {"pipetui", "domain"},
    "sqlmodel": {"pipetui", "domain"},
    "psycopg": {"pipetui", "domain"},
}
"""Third-party package: the layers that must never import it."""

DYNAMIC_IMPORTERS = {"LazyModule", "import_module"}
"""Calls whose first argument, a string, names a module that gets imported."""


@dataclass(frozen=True, slots=True)
class Import:
    """One import statement's edge: `importer` imports `imported` at `line`."""

    importer: str
    imported: str
    path: Path
    line: int
    in_function: bool

    def where(self) -> str:
        """`src/pipetui/x.py:12 (pipetui.x)` for a failure message."""
        return f"{self.path}:{self.line} ({self.importer})"


def module_files(src: Path) -> dict[str, Path]:
    """Every module of the `pipetui` package under `src`, by dotted name."""
    modules = {}
    for path in sorted((src / "pipetui").rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def layer_of(module: str) -> str:
    """The layer a `pipetui` module belongs to (see `RANKS`)."""
    parts = module.split(".")
    if len(parts) == 1:
        return "pipetui"
    if parts[1] in ("cli", "commands", "__main__"):
        return "cli"
    if parts[1] in RANKS:
        return parts[1]
    raise AssertionError(f"{module}: in no layer; add its package to RANKS in {__file__}")


class _Collector(ast.NodeVisitor):
    """The imports of one module, each with its line and whether it runs in a function."""

    def __init__(self, module: str, is_package: bool, known: set[str]) -> None:
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]
        self.known = known
        self.found: list[tuple[str, int, bool]] = []
        self._depth = 0

    def _add(self, name: str, line: int) -> None:
        self.found.append((name, line, self._depth > 0))

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        self._depth += 1
        self.generic_visit(node)
        self._depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:  # relative: from the importer's package, `level - 1` up
            anchor = self.package.split(".")[: len(self.package.split(".")) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            self._add(submodule if submodule in self.known else base, node.lineno)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in DYNAMIC_IMPORTERS and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                self._add(first.value, node.lineno)
        self.generic_visit(node)


@cache
def imports(src: Path) -> tuple[Import, ...]:
    """Every import in the `pipetui` package under `src`, wherever it is written
    (read once per run: three tests ask)."""
    modules = module_files(src)
    known = set(modules)
    found = []
    for module, path in modules.items():
        collector = _Collector(module, path.name == "__init__.py", known)
        collector.visit(ast.parse(path.read_bytes(), str(path)))
        shown = path.relative_to(src.parent) if src.parent in path.parents else path
        for name, line, in_function in collector.found:
            found.append(Import(module, name, shown, line, in_function))
    return tuple(found)


def layer_violations(src: Path) -> list[str]:
    """Rules (a) and (c): one line per import that breaks one, naming the rule."""
    found = []
    for edge in imports(src):
        source = layer_of(edge.importer)
        top = edge.imported.split(".")[0]
        if top != "pipetui":
            if source in FORBIDDEN_PACKAGES.get(top, ()):
                found.append(
                    f"{edge.where()} imports {edge.imported}: the {source} layer must not "
                    f"import {top} (only {_allowed_for(top)} may)"
                )
            continue
        target = layer_of(edge.imported)
        allowed = _allowed(edge.importer, edge.imported)
        if allowed is not None and edge.in_function:
            continue
        if RANKS[target] > RANKS[source]:
            rule = f"upward import: {source} may import only {_below(source)}"
        elif RANKS[target] == RANKS[source] and target != source:
            rule = f"the {source} interface must not import the {target} interface"
        else:
            continue
        if allowed is not None:
            rule += f" (allowed inside a function only: {allowed})"
        found.append(f"{edge.where()} imports {edge.imported}: {rule}")
    return found


def _allowed(importer: str, imported: str) -> str | None:
    """Why `importer` may import `imported` (a module or one in a package named
    in `ALLOWED`), or None."""
    for (source, target), why in ALLOWED.items():
        if source == importer and (imported == target or imported.startswith(target + ".")):
            return why
    return None


def _below(layer: str) -> str:
    rank = RANKS[layer]
    return ", ".join(name for name, r in RANKS.items() if r < rank or name == layer)


def _allowed_for(package: str) -> str:
    forbidden = FORBIDDEN_PACKAGES[package]
    return ", ".join(name for name in RANKS if name not in forbidden)


def cycles(src: Path) -> list[str]:
    """Rule (b): each import cycle among the core's modules, as the modules it
    passes through with the line of each import (one cycle per strongly
    connected group; fixing it may reveal another in the same group)."""
    graph: dict[str, dict[str, Import]] = {}
    for edge in imports(src):
        core = edge.imported.startswith("pipetui.") and all(
            layer_of(m) in CORE for m in (edge.importer, edge.imported)
        )
        if core and edge.imported != edge.importer:
            graph.setdefault(edge.importer, {}).setdefault(edge.imported, edge)
    found = []
    for group in _strongly_connected(graph):
        if len(group) < 2:
            continue
        path = _cycle_through(min(group), graph, group)
        steps = [graph[a][b] for a, b in pairwise(path)]
        found.append(
            "import cycle: "
            + " -> ".join(f"{step.importer} (line {step.line})" for step in steps)
            + f" -> {path[-1]}\n    "
            + "\n    ".join(f"{step.where()} imports {step.imported}" for step in steps)
        )
    return found


def _strongly_connected(graph: dict[str, dict[str, Import]]) -> list[set[str]]:
    """Tarjan's algorithm, iteratively (no recursion limit on a long chain)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, {}))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, {})))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                groups.append(group)
    return groups


def _cycle_through(start: str, graph: dict[str, dict[str, Import]], group: set[str]) -> list[str]:
    """The shortest path start -> ... -> start inside one strongly connected group."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph.get(node, {})):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if child in group and child not in came_from:
                    came_from[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"no cycle through {start}")


def test_every_import_keeps_to_the_layers() -> None:
    assert module_files(SRC), f"no modules found under {SRC}"
    broken = layer_violations(SRC)
    assert not broken, "layer contract broken (tests/test_layers.py):\n" + "\n".join(broken)


def test_the_core_has_no_import_cycles() -> None:
    found = cycles(SRC)
    assert not found, "layer contract broken (tests/test_layers.py):\n" + "\n".join(found)


def test_the_imports_read_are_all_of_them() -> None:
    """The reader sees the imports that are easy to miss (guards its own blind spots)."""
    edges = {(e.importer, e.imported, e.in_function) for e in imports(SRC)}
    assert ("pipetui.cli", "pipetui.ui.start", True) in edges  # inside a function
    assert ("pipetui.commands.deal", "pipetui.services.deals", False) in edges  # LazyModule
    assert ("pipetui.services.workspace", "pipetui.store.database", False) in edges  # TYPE_CHECKING


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in {"pipetui/__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_the_checker_catches_planted_violations(tmp_path: Path) -> None:
    """A small made-up package with one of each violation: the checker must see
    every one, with its file, line and rule, or the real test could pass by
    seeing nothing."""
    src = _tree(
        tmp_path / "src",
        {
            "pipetui/domain/__init__.py": "",
            "pipetui/domain/money.py": (
                "import decimal\n"
                "def f():\n"
                "    from pipetui.services.deals import x\n"  # line 3: upward, in a function
            ),
            "pipetui/domain/bant.py": "import sqlmodel\n",
            "pipetui/store/__init__.py": "",
            "pipetui/store/a.py": "from pipetui.store import b\n",
            "pipetui/store/b.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n"
                "    from . import c\n"  # line 3: relative, type-checking only
            ),
            "pipetui/store/c.py": "from pipetui.store.a import thing\n",
            "pipetui/services/__init__.py": "",
            "pipetui/services/deals.py": (  # line 2: upward
                "from pipetui.store import a\nfrom pipetui.ui.app import App\n"
            ),
            "pipetui/commands/__init__.py": "",
            "pipetui/commands/deal.py": 'service = LazyModule("pipetui.ui.screens")\n',
            "pipetui/cli.py": "import pipetui.ui.start\n",  # allowed in a function only
            "pipetui/ui/__init__.py": "",
            "pipetui/ui/app.py": "from pipetui.commands import deal\nimport textual\n",
        },
    )
    broken = layer_violations(src)
    expected = [
        ("src/pipetui/cli.py:1 (pipetui.cli)", "allowed inside a function only"),
        ("src/pipetui/commands/deal.py:1 (pipetui.commands.deal)", "must not import the ui"),
        ("src/pipetui/domain/bant.py:1 (pipetui.domain.bant)", "must not import sqlmodel"),
        ("src/pipetui/domain/money.py:3 (pipetui.domain.money)", "upward import: domain"),
        ("src/pipetui/services/deals.py:2 (pipetui.services.deals)", "upward import: services"),
        ("src/pipetui/ui/app.py:1 (pipetui.ui.app)", "must not import the cli"),
    ]
    assert len(broken) == len(expected), "\n".join(broken)
    for line, (where, rule) in zip(sorted(broken), expected, strict=True):
        assert line.startswith(where) and rule in line, line

    [cycle] = cycles(src)
    assert cycle.startswith(
        "import cycle: pipetui.store.a (line 1) -> pipetui.store.b (line 3)"
        " -> pipetui.store.c (line 1) -> pipetui.store.a"
    ), cycle
    assert "src/pipetui/store/b.py:3 (pipetui.store.b) imports pipetui.store.c" in cycle


def test_the_allowed_exception_passes_inside_a_function(tmp_path: Path) -> None:
    src = _tree(
        tmp_path / "src",
        {
            "pipetui/cli.py": "def run():\n    from pipetui.ui.start import run_app\n",
            "pipetui/commands/__init__.py": "",
            "pipetui/commands/serve.py": "def run():\n    from pipetui.web.server import x\n",
            "pipetui/web/__init__.py": "",
            "pipetui/web/server.py": "import aiohttp\n",
            "pipetui/ui/__init__.py": "",
            "pipetui/ui/app.py": "import textual\n",
            "pipetui/ui/start.py": "def run_app():\n    from pipetui.ui.app import open_board\n",
        },
    )
    assert layer_violations(src) == []
    assert cycles(src) == []
