"""The command palette (ctrl+p): jump to a deal by name, switch pipeline, and
every board action, taken from the board's BINDINGS so nothing is listed twice,
each with the key that runs it now (the user's `[keymap]` included).

Matching runs on the names as stored (logical order); only what is shown is laid
out for the terminal (`rtl.field`, DESIGN.md §6).
"""

from __future__ import annotations

import asyncio
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape

from pipetui.domain.bidi import has_rtl
from pipetui.domain.deal_status import DealStatus
from pipetui.ui import rtl
from pipetui.ui.screens.board import BoardScreen
from pipetui.ui.screens.help import bidi_note

BACKUP = "Back up the database"
BACKUP_ACTION = "app.export('backup')"
"""Besides the board's keys (which include "Export / back up", E): the backup
form opened on its own, as `pipetui backup` is a command of its own."""


def highlight(matcher: Matcher, text: str) -> Content:
    """`matcher.highlight` for plain text: Textual's parses its argument as markup,
    and deal titles and pipeline names are user text (`[@click=app.quit]x[/]`)."""
    content = Content(text)
    _, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def hit_display(matcher: Matcher, prefix: str, name: str) -> Content:
    """ "<prefix><name>" with the matched letters highlighted, the name laid out
    on its own. A name that is laid out in visual order (Hebrew, Arabic in "app"
    mode) is shown without highlights: the matcher's offsets are positions in the
    stored text, and reordering (and Arabic shaping) leaves no simple map from
    those to the cells shown."""
    if rtl.mode() == "app" and has_rtl(name):
        return highlight(matcher, prefix).append(rtl.field(name))
    return highlight(matcher, prefix + name)


def action_keys(board: BoardScreen) -> dict[str, str]:
    """Each board action's keys as the footer shows them, after the user's
    `[keymap]`: read from the board's live bindings, never from its table."""
    shown: dict[str, list[str]] = {}
    for active in board.active_bindings.values():
        if active.node is board:
            key = board.app.get_key_display(active.binding)
            shown.setdefault(active.binding.action, []).append(key)
    return {action: " / ".join(dict.fromkeys(keys)) for action, keys in shown.items()}


def with_key(display: Content, keys: str | None) -> Content:
    """An action's name followed by the keys that run it ("Won  W")."""
    return display.append_text(f"  {keys}", "$text-accent") if keys else display


class BoardCommands(Provider):
    """Deals, pipelines and actions of the board."""

    def _board(self) -> BoardScreen | None:
        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, BoardScreen):
                return screen
        return None

    def _actions(self) -> list[tuple[str, str]]:
        board = self._board()
        if board is None:
            return []
        seen: dict[str, str] = {}
        for binding in Binding.make_bindings(BoardScreen.BINDINGS):
            if binding.description and binding.action not in seen.values():
                seen[binding.description] = binding.action
        return list(seen.items())

    async def discover(self) -> Hits:
        """With nothing typed: every board action."""
        board = self._board()
        if board is None:
            return
        keys = action_keys(board)
        for description, action in self._actions():
            yield DiscoveryHit(
                with_key(Content(description), keys.get(action)),
                partial(board.run_action, action),
                text=description,
            )
        yield DiscoveryHit(self._bidi_text(), self._say_bidi)
        yield DiscoveryHit(BACKUP, partial(board.run_action, BACKUP_ACTION), text=BACKUP)

    def _bidi_text(self) -> str:
        return f"Hebrew/Arabic layout (bidi = {rtl.mode()})"

    def _say_bidi(self) -> None:
        self.app.notify(bidi_note(rtl.mode()))

    async def search(self, query: str) -> Hits:
        """Actions, pipelines and deals matching what was typed."""
        board = self._board()
        if board is None:
            return
        matcher = self.matcher(query)
        keys = action_keys(board)
        for description, action in self._actions():
            score = matcher.match(description)
            if score > 0:
                yield Hit(
                    score,
                    with_key(matcher.highlight(description), keys.get(action)),
                    partial(board.run_action, action),
                    text=description,
                )
        score = matcher.match(self._bidi_text())
        if score > 0:
            yield Hit(score, matcher.highlight(self._bidi_text()), self._say_bidi)
        score = matcher.match(BACKUP)
        if score > 0:
            back_up = partial(board.run_action, BACKUP_ACTION)
            yield Hit(score, matcher.highlight(BACKUP), back_up, text=BACKUP)
        from pipetui.services.deals import search_deals
        from pipetui.services.pipelines import list_pipelines

        workspace = board.workspace
        items = await asyncio.to_thread(lambda: list_pipelines(workspace.db))
        for item in items:
            prefix, name = "Switch to pipeline: ", item.pipeline.name
            score = matcher.match(prefix + name)
            if score > 0:
                yield Hit(
                    score,
                    hit_display(matcher, prefix, name),
                    partial(board.show_pipeline, item.pipeline.id),
                    text=prefix + name,
                )
        if len(query.strip()) < 2:
            return
        views = await asyncio.to_thread(lambda: search_deals(workspace.db, query, limit=20))
        for view in views:
            prefix, title = "Deal: ", view.deal.title
            yield Hit(
                max(matcher.match(prefix + title), 0.5),
                hit_display(matcher, prefix, title),
                partial(
                    board.jump_to_deal,
                    view.deal.id,
                    view.deal.pipeline_id,
                    view.deal.status is not DealStatus.OPEN,
                ),
                text=prefix + title,
                # Textual reads `help` as markup; the names in it are user text.
                help=escape(
                    f"{rtl.field(view.pipeline_name)} › {rtl.field(view.stage_name)}"
                    f" · {view.deal.value.format()}"
                ),
            )
