"""The footer: the keys that matter most on this screen, as many as fit, and
always `? Keys` at the end (which lists every key).

Textual's Footer shows every key in a row and lets the terminal cut the row
wherever it ends ("/ Filte" at 80 columns, with `?` never seen). This one picks
whole keys by priority until the line is full: a screen names its most
important keys, by binding id, in `FOOTER_PRIORITY`; keys it does not name come
after them in the order the screen declares them; the command palette's key is
the least important. The keys chosen keep the screen's own order on the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

HELP_ACTIONS = ("help", "app.help")
"""The help key's action: the app's own binding (`help`) or a screen's that
calls the app's (`app.help`, a modal screen that hides the app's keys). Either
way it is always shown, last."""


class Shown(NamedTuple):
    """A key for the footer: its binding, whether it is enabled, its tooltip."""

    binding: Binding
    enabled: bool
    tooltip: str
    display: str

    @property
    def cells(self) -> int:
        """Cells it takes: " key " then "description " (FooterKey's padding)."""
        return cell_len(self.display) + 2 + cell_len(self.binding.description) + 1


def footer_keys(screen: Screen[object], width: int) -> list[Shown]:
    """The keys to show in `width` cells, in the order they are drawn."""
    app = screen.app
    candidates: dict[str, Shown] = {}
    help_key: Shown | None = None
    palette: Shown | None = None
    for key, active in screen.active_bindings.items():
        binding = active.binding
        shown = Shown(binding, active.enabled, active.tooltip, app.get_key_display(binding))
        if binding.action in HELP_ACTIONS:
            help_key = help_key or shown
        elif key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
            palette = shown
        elif binding.show and binding.action not in candidates:
            candidates[binding.action] = shown
    order = list(candidates.values())
    room = width - (help_key.cells if help_key else 0)
    priority: Sequence[str] = getattr(screen, "FOOTER_PRIORITY", ())
    ranked = sorted(
        order,
        key=lambda s: priority.index(s.binding.id) if s.binding.id in priority else len(priority),
    )
    chosen: set[int] = set()
    for shown in [*ranked, *([palette] if palette else [])]:
        if shown.cells <= room:
            chosen.add(id(shown))
            room -= shown.cells
    keys = [s for s in order if id(s) in chosen]
    if palette is not None and id(palette) in chosen:
        keys.append(palette)
    return keys + ([help_key] if help_key else [])


class KeyFooter(Footer):
    """A Footer that fits its keys to its width, and skips its rebuild when a
    focus move leaves the keys (and the width) as they were.

    Textual's Footer recomposes every key widget on each focus change; moving
    between the board's columns never changes the keys, and that rebuild was most
    of the cost of a column move (DESIGN.md §4).
    """

    _shown: tuple[object, ...] | None = None

    def __init__(self) -> None:
        super().__init__(show_command_palette=False)  # and never compact (see `compose`)

    def _width(self) -> int:
        return self.size.width or self.app.size.width

    def compose(self) -> ComposeResult:
        """One FooterKey per key that fits (see `footer_keys`).

        Each key is made non-compact before it mounts, as this footer always
        is. Textual's Footer binds the keys' `compact` to its own instead: a
        FooterKey starts compact, so each key was styled three times as the
        footer filled (mounted, made compact, made not), ≈8 ms of
        `Stylesheet.apply` for the board's 15 keys at 160×50, in the frames
        right after the first (where the first key presses land)."""
        if not self._bindings_ready:
            return
        for shown in footer_keys(self.screen, self._width()):
            binding = shown.binding
            key = FooterKey(
                binding.key,
                shown.display,
                binding.description,
                binding.action,
                disabled=not shown.enabled,
                tooltip=shown.tooltip or binding.tooltip or binding.description,
            )
            key.set_reactive(FooterKey.compact, False)
            yield key

    def _keys(self, screen: Screen[object]) -> tuple[object, ...]:
        return (
            self._width(),
            *(
                (key, active.binding.action, active.binding.description, active.enabled,
                 active.binding.show)
                for key, active in screen.active_bindings.items()
            ),
        )  # fmt: skip

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Rebuild only if the active keys differ from the ones on show."""
        keys = self._keys(screen)
        if keys == self._shown:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = keys
        super().bindings_changed(screen)

    def on_resize(self) -> None:
        """Another width: choose the keys again."""
        if self.is_attached and self._bindings_ready:
            self.bindings_changed(self.screen)
