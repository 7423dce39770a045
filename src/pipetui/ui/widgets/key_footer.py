"""The board's footer, rebuilt only when the keys it would show change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """A Footer that skips its rebuild when a focus move leaves the keys as they were.

    Textual's Footer recomposes every key widget on each focus change; moving
    between the board's columns never changes the keys, and that rebuild was most
    of the cost of a column move (DESIGN.md §4).
    """

    _shown: tuple[tuple[str, str, str, bool, bool], ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Rebuild only if the active keys differ from the ones on show."""
        keys = tuple(
            (key, active.binding.action, active.binding.description, active.enabled,
             active.binding.show)
            for key, active in screen.active_bindings.items()
        )  # fmt: skip
        if keys == self._shown:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = keys
        super().bindings_changed(screen)
