"""Every key of the screen `?` was pressed on, read from its live bindings: the
focused widget's, the screen's and the app's, after the user's `[keymap]`.

Nothing here names a key: what the help shows is what pressing the key does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from pipetui.ui import rtl

KEYS_WIDTH = 16


def bidi_note(mode: str) -> str:
    """Where Hebrew and Arabic layout is chosen, and the choice in force."""
    return f"Hebrew/Arabic: bidi = app|terminal|off in config.toml or PIPETUI_BIDI (now: {mode})"


def live_keys(screen: Screen[object]) -> list[tuple[DOMNode, Binding, list[str]]]:
    """(where, binding, keys shown) for each binding with an id that a key on
    `screen` reaches now, the focused widget's first, then the screen's, then
    the app's (on a modal screen only its priority keys, the ones that act
    there: q and ctrl+c); in each, in `BINDINGS` order."""
    found: dict[tuple[int, str], tuple[DOMNode, Binding, list[str]]] = {}
    active = screen.active_bindings
    reached = [(bound.node, bound.binding) for bound in active.values()]
    if screen.is_modal:
        app = screen.app
        reached += [(app, b) for key, b in app._bindings if b.priority and key not in active]
    for node, binding in reached:
        if not binding.id or not binding.description:
            continue  # (Textual's own keys: tab, ctrl+c, ctrl+q, the palette's)
        where = (id(node), binding.id)
        shown = screen.app.get_key_display(binding)
        if where in found:
            found[where][2].append(shown)
        else:
            found[where] = (node, binding, [shown])
    nodes = list(dict.fromkeys(id(node) for node, _, _ in found.values()))
    # The app's keys last, even when one of its priority keys (ctrl+c) took the
    # place of a screen key (Textual's copy) among the screen's.
    return sorted(
        found.values(),
        key=lambda item: (
            isinstance(item[0], App),
            nodes.index(id(item[0])),
            _order(item[0], item[1]),
        ),
    )


def _order(node: DOMNode, binding: Binding) -> int:
    """Where `binding` stands in the `BINDINGS` that declare it, the node's class
    first (a remapped key moves to the end of Textual's map, but not in the help)."""
    index = 0
    for cls in type(node).__mro__:
        for own in Binding.make_bindings(cls.__dict__.get("BINDINGS", ())):
            if own.id == binding.id:
                return index
            index += 1
    return index


def place_name(node: DOMNode) -> str:
    """A heading for a node's keys: "Everywhere", "Board", "Contact list"."""
    if isinstance(node, App):
        return "Everywhere"
    name = type(node).__name__
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", name.removesuffix("Screen")).strip() or name
    return words[:1] + words[1:].lower()


def keys_content(screen: Screen[object]) -> Content:
    """One line per binding, under a heading per place: its keys (as the footer
    shows them), what it does, and its id for `[keymap]` in config.toml."""
    parts: list[str | tuple[str, str]] = [("Keys", "bold"), "\n"]
    lines = live_keys(screen)
    width = max((len(binding.description) for _, binding, _ in lines), default=0)
    heading: DOMNode | None = None
    for node, binding, keys in lines:
        if node is not heading:
            heading = node
            parts += ["\n", (place_name(node), "bold"), "\n"]
        parts += [
            (f"{' / '.join(dict.fromkeys(keys)):>{KEYS_WIDTH}}  ", "$text-accent"),
            f"{binding.description:<{width}}  ",
            (binding.id or "", "$foreground-muted"),
            "\n",
        ]
    note = getattr(screen, "HELP_NOTE", "")  # what the screen's figures mean
    if note:
        parts += ["\n", (note, "")]
        parts.append("\n")
    parts += [
        "\n",
        (bidi_note(rtl.mode()), "$foreground-muted"),
        "\n",
        (
            "Change a key: [keymap] in config.toml, e.g. "
            '"board.won" = "W" (the ids are shown in grey)',
            "$foreground-muted",
        ),
        "\n",
        (f"{_palette_key(screen.app)}  command palette", "$foreground-muted"),
    ]
    return Content.assemble(*parts)


def _palette_key(app: App[Any]) -> str:
    return app.COMMAND_PALETTE_DISPLAY or app.COMMAND_PALETTE_BINDING


class HelpScreen(ModalScreen[None]):
    """The keys of the screen it was opened from, as they are now."""

    BINDINGS = [Binding("escape,question_mark", "close", "Close", id="help.close")]
    """(q quits here too: the app's key, as on every screen.)"""

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__(classes="form-screen")
        self.content = keys_content(screen)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form help"):
            yield Static(self.content, markup=False)

    def on_mount(self) -> None:
        """Say how to close this, with the keys that do it now."""
        keys = list(dict.fromkeys(self._close_keys()))
        self.content = self.content.append(
            Content.styled(f" · {' / '.join(keys)} closes this", "$foreground-muted")
        )
        self.query_one(Static).update(self.content)

    def _close_keys(self) -> Iterator[str]:
        for active in self.active_bindings.values():
            if active.binding.id == "help.close":
                yield self.app.get_key_display(active.binding)

    def action_close(self) -> None:
        """Back."""
        self.dismiss(None)
