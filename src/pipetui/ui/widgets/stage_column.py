"""One stage's column: a header with its figures above its list of cards."""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from pipetui.domain.board import ColumnSummary
from pipetui.domain.text import clean_text
from pipetui.ui import rtl
from pipetui.ui.fitting import fit_parts
from pipetui.ui.widgets.alike_lines import AlikeLines
from pipetui.ui.widgets.deal_list import DealList

HEADER_HELP = (
    "A column's header: the stage's name and its open deals (\"3/2\": 3 cards"
    " shown, with closed deals (c) or a filter (/), of its 2 open deals); the"
    " open value per currency; the stage's win probability ≈ the weighted value"
    ' (open value × probability); "rots 14d": a deal there that long without'
    " a move is rotting. Hover a header for its figures in words."
)
"""What the header's figures mean, for the help screen (`?`)."""


HEADER_LINES = 3
"""The header's lines, at the top of the column (its CSS keeps them free:
`padding-top: 3` on `.stage-column`)."""

HEADER_COMPONENTS = frozenset(
    {"stage-column--header", "stage-column--name", "stage-column--count", "stage-column--muted"}
)
"""The component classes a header is drawn with, declared once by the container
of the columns (`BoardColumns.COMPONENT_CLASSES`), like the cards'."""


def header_lines(summary: ColumnSummary, width: int | None = None) -> list[list[tuple[str, str]]]:
    """Stage name and count, open value per currency, weighted value: three
    lines of (text, part) pieces, the part naming the style ("name", "count",
    "muted", "" for the header's own).

    The stage name is user text: it is drawn as plain text, never markup, laid
    out on its own (`rtl.field`) and cut to what the count leaves of `width`,
    so that it is never wrapped inside (a wrapped right-to-left name would show
    its end first). No line wraps: the figures that do not fit end in "…".
    """
    stage = summary.stage
    count = str(summary.open_count)
    if summary.shown != summary.open_count:
        count = f"{summary.shown}/{summary.open_count}"
    room = None if width is None else max(1, width - cell_len(count) - 2)
    rot = f" · rots {stage.rotting_days}d" if stage.rotting_days else ""
    values = [summary.open_value[c].short() for c in summary.open_value] or ["—"]
    weighted = [summary.weighted_value[c].short() for c in summary.weighted_value] or ["—"]
    return [
        [(rtl.field(clean_text(stage.name, single_line=True), room), "name"), ("  ", ""),
         (count, "count")],
        [(fit_parts(values, width), "")],
        [(fit_parts(weighted, width, f"{stage.probability}% ≈ ", rot), "muted")],
    ]  # fmt: skip


def header_tooltip(summary: ColumnSummary) -> Text:
    """The header's figures in words (plain text: the stage name is user text,
    quoted in a left-to-right sentence laid out by `rtl.sentence`, DESIGN §6)."""
    stage = summary.stage
    name = clean_text(stage.name, single_line=True)
    lines = [rtl.sentence(f"{name}: {summary.open_count} open deals")]
    if summary.shown != summary.open_count:
        lines.append(
            f"{summary.shown} cards shown (closed deals with c, or a filter) "
            f"of {summary.open_count} open deals"
        )
    value = " · ".join(summary.open_value[c].format() for c in summary.open_value) or "none"
    weighted = (
        " · ".join(summary.weighted_value[c].format() for c in summary.weighted_value) or "none"
    )
    lines += [
        f"Open value: {value}",
        f"Weighted at {stage.probability} % win probability: {weighted}",
    ]
    if stage.rotting_days:
        lines.append(f"Rotting after {stage.rotting_days} days in this stage without a move")
    return Text("\n".join(lines))


class StageColumn(Vertical, AlikeLines):
    """A column of the board: its header's three lines drawn by itself above
    `deal_list`, which holds its cards (its other lines, all alike, are the
    border at its right: `AlikeLines`).

    The header is not a widget of its own: six more widgets to mount and style
    (and their text laid out by Textual) cost 31 M instructions of the first
    frame's 1,392 M at 1,000 deals (issue 21, `benchmarks/instructions.py`).
    Hovering it shows its figures in words (`header_tooltip`)."""

    def __init__(self, summary: ColumnSummary) -> None:
        super().__init__(classes="stage-column")
        self.summary = summary
        self.deal_list = DealList(summary.stage.id)
        self._header: tuple[int, list[Strip]] | None = None
        """The header's lines as drawn, for the column's width."""

    @property
    def stage_id(self) -> int:
        """The stage this column shows."""
        return self.summary.stage.id

    def compose(self) -> ComposeResult:
        yield self.deal_list

    def set_summary(self, summary: ColumnSummary) -> None:
        """New header figures; the header's height never changes, so no layout.
        The same figures again (a write confirming what a move showed) are not
        drawn again."""
        if summary == self.summary:
            return
        self.summary = summary
        self._header = None
        if self.tooltip is not None:
            self.tooltip = header_tooltip(summary)
        # (`refresh` takes content coordinates: the header is above the content)
        header = Region(0, 0, self.outer_size.width, HEADER_LINES)
        self.refresh(header.translate(-self.content_offset))

    def header_text(self) -> list[str]:
        """The header's lines as the terminal gets them (for tests and readers)."""
        return [line.text for line in self._header_lines()]

    def render_lines(self, crop: Region) -> list[Strip]:
        """The header's lines, then the column's own (the border beside the cards)."""
        if crop.y >= HEADER_LINES:
            return super().render_lines(crop)
        top = min(crop.bottom, HEADER_LINES)
        lines = [line.crop(crop.x, crop.right) for line in self._header_lines()[crop.y : top]]
        if crop.bottom > HEADER_LINES:
            rest = Region(crop.x, HEADER_LINES, crop.width, crop.bottom - HEADER_LINES)
            lines += super().render_lines(rest)
        return lines

    def _header_lines(self) -> list[Strip]:
        """The header drawn for the column's width: one cell of room each side,
        then the border's cell from the column's own line."""
        width, inner = self.outer_size.width, self.size.width
        if self._header is None or self._header[0] != width:
            holder = self.parent
            if not isinstance(holder, Widget) or not HEADER_COMPONENTS <= holder.COMPONENT_CLASSES:
                raise LookupError("a StageColumn is drawn inside a widget declaring its header's")
            base = holder.get_component_rich_style("stage-column--header")
            styles = {"": base} | {
                part: base + holder.get_component_rich_style(f"stage-column--{part}", partial=True)
                for part in ("name", "count", "muted")
            }
            rim = Widget.render_lines(self, Region(0, 0, width, 1))[0].crop(inner, width)
            lines = []
            for pieces in header_lines(self.summary, max(1, inner - 2)):
                text = Strip([Segment(t, styles[part]) for t, part in pieces if t])
                line = Strip.join(
                    [
                        Strip([Segment(" ", base)], 1),
                        text.crop_extend(0, max(0, inner - 2), base),
                        Strip([Segment(" ", base)], 1),
                    ]
                ).crop(0, inner)
                lines.append(Strip.join([line, rim]))
            self._header = (width, lines)
        return self._header[1]

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Over the header, its figures in words; over the cards, nothing (a
        tooltip is looked for up the DOM, from the list to this column)."""
        if event.widget is not self or event.y >= HEADER_LINES:
            self.tooltip = None
        elif self.tooltip is None:  # (kept up to date by `set_summary` while shown)
            self.tooltip = header_tooltip(self.summary)

    def on_leave(self) -> None:
        """The mouse left the column's own lines: no tooltip left behind."""
        self.tooltip = None

    def notify_style_update(self) -> None:
        """Theme changed: the header is drawn again in its colours."""
        self._header = None
        super().notify_style_update()
