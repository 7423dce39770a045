"""Containers whose own lines are all alike: one is drawn and repeated.

A container's own lines are its background (and a left or right border) behind
its children. Textual draws each of them, then the compositor cuts each at
every widget edge on that row, only to throw away the parts its children
cover: on the board's first frame the screen, the body, the columns' row and
six columns gave 711 lines to cut into 3,205 pieces. One line repeated is
drawn once, and cut once per set of edges (`Strip.divide` keeps its last cuts).
"""

from __future__ import annotations

from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

VARYING_RULES = (
    "border_top",
    "border_bottom",
    "outline_top",
    "outline_bottom",
    "hatch",
    "keyline",
)
"""Rules that would make a container's own lines differ from one another."""


class AlikeLines(Widget):
    """Mixed into a container (or a screen) that shows no content of its own:
    every line of it is drawn as its first one, unless a rule or a border title
    makes them differ (then Textual draws each, as usual).

    It comes after the Textual class in the bases (`class BoardBody(Horizontal,
    AlikeLines)`): Textual takes a widget's CSS type names, default CSS and
    bindings from its first base only."""

    def render_lines(self, crop: Region) -> list[Strip]:
        """One line drawn, `crop.height` times."""
        if (
            crop.height <= 1
            or self.border_title
            or self.border_subtitle
            or any(self.styles.has_rule(rule) for rule in VARYING_RULES)
        ):
            return super().render_lines(crop)
        return super().render_lines(Region(crop.x, crop.y, crop.width, 1)) * crop.height
