"""The command palette (ctrl+p): jump to a deal by name, switch pipeline, and
every board action, taken from the board's BINDINGS so nothing is listed twice."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape

from pipetui.domain.deal import DealStatus
from pipetui.ui.screens.board import BoardScreen


def highlight(matcher: Matcher, text: str) -> Content:
    """`matcher.highlight` for plain text: Textual's parses its argument as markup,
    and deal titles and pipeline names are user text (`[@click=app.quit]x[/]`)."""
    content = Content(text)
    _, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


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
        for description, action in self._actions():
            yield DiscoveryHit(description, partial(board.run_action, action))

    async def search(self, query: str) -> Hits:
        """Actions, pipelines and deals matching what was typed."""
        board = self._board()
        if board is None:
            return
        matcher = self.matcher(query)
        for description, action in self._actions():
            score = matcher.match(description)
            if score > 0:
                yield Hit(score, matcher.highlight(description), partial(board.run_action, action))
        from pipetui.services.deals import search_deals
        from pipetui.services.pipelines import list_pipelines

        workspace = board.workspace
        items = await asyncio.to_thread(lambda: list_pipelines(workspace.db))
        for item in items:
            text = f"Switch to pipeline: {item.pipeline.name}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score, highlight(matcher, text), partial(board.show_pipeline, item.pipeline.id)
                )
        if len(query.strip()) < 2:
            return
        views = await asyncio.to_thread(lambda: search_deals(workspace.db, query, limit=20))
        for view in views:
            text = f"Deal: {view.deal.title}"
            yield Hit(
                max(matcher.match(text), 0.5),
                highlight(matcher, text),
                partial(
                    board.jump_to_deal,
                    view.deal.id,
                    view.deal.pipeline_id,
                    view.deal.status is not DealStatus.OPEN,
                ),
                # Textual reads `help` as markup; the names in it are user text.
                help=escape(
                    f"{view.pipeline_name} › {view.stage_name} · {view.deal.value.format()}"
                ),
            )
