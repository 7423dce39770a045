"""A stage move (L, H) shown at once: the card goes to the top of its new
column and both headers change in the key's own frame; the write runs in a
thread afterwards and confirms it, or the card goes back with the reason.

The card's new place is what the write gives it (`store.deals.move_to_stage`:
the top of the stage's column, its version one up, no days in the stage yet).
The headers' count and open value change exactly; the weighted value is
reckoned with the stage's probability and made exact by the read that
confirms the move (a deal's own probability is not on its card).

Moves are written one after the other, in the order of the keys: `L L L`
writes three moves, each with the version the one before it gives the deal.
Only the last confirmation is shown (an earlier one would show the card where
it no longer is on screen); a refusal reloads what the moves touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from pipetui.domain.board import Card, ColumnSummary
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.errors import ValidationError
from pipetui.domain.money import Money, MoneyTotals
from pipetui.ui.screens.deal_changes import DealChange, write_deal

if TYPE_CHECKING:
    from pipetui.domain.pipeline import Stage
    from pipetui.ui.screens.board import BoardScreen
    from pipetui.ui.widgets.board_columns import BoardColumns


@dataclass(frozen=True)
class Shown:
    """A move shown before it is written: where the card was and is now."""

    card: Card
    """The card as it was (its version is the one the write checks)."""
    moved: Card
    """The card as the board shows it now, on top of `to`."""
    source: int
    index: int
    to: int


@dataclass
class Moves:
    """The board's moves in flight (written in key order, one at a time, under
    the app's `write_lock`)."""

    pending: int = 0
    touched: set[int] = field(default_factory=set)


def _totals(totals: MoneyTotals, money: Money, sign: int, keep_zero: bool) -> MoneyTotals:
    """`totals` with `money` added (+1) or taken away (-1), in its currency."""
    amounts = [totals[c] for c in totals]
    result = MoneyTotals(amounts)
    result.add(Money(sign * money.minor, money.currency))
    if keep_zero:
        return result
    return MoneyTotals(m for c in result if (m := result[c]).minor or c != money.currency)


def moved_summary(summary: ColumnSummary, card: Card, sign: int) -> ColumnSummary:
    """A column's header figures with an open `card` come in (+1) or gone (-1)."""
    count = max(0, summary.open_count + sign)
    probability = summary.stage.probability
    weighted = Money((card.value.minor * probability + 50) // 100, card.value.currency)
    # A currency the column no longer has any deal in drops out of the header
    # (a zero sum in it may still be real; the confirming read says).
    keep = count > 0
    return summary._replace(
        open_count=count,
        shown=max(0, summary.shown + sign),
        open_value=_totals(summary.open_value, card.value, sign, keep),
        weighted_value=_totals(summary.weighted_value, weighted, sign, keep),
    )


def target_stage(columns: BoardColumns, stage_id: int, steps: int) -> Stage | None:
    """The stage `steps` columns away from `stage_id`'s, if there is one."""
    order = list(columns.columns)
    if stage_id not in order:
        return None
    index = order.index(stage_id) + steps
    if not 0 <= index < len(order):
        return None
    return columns.columns[order[index]].summary.stage


def show_move(columns: BoardColumns, card: Card, steps: int) -> Shown | None:
    """Move the active column's card under the cursor `steps` stages on screen:
    to the top of its new column, the cursor with it, both headers updated.
    None (nothing shown) when there is no such stage: the write says why."""
    source = columns.columns.get(card.stage_id)
    stage = target_stage(columns, card.stage_id, steps)
    if source is None or stage is None or source.deal_list.current != card:
        return None
    target = columns.columns[stage.id]
    index = source.deal_list.cursor
    moved = card._replace(
        stage_id=stage.id,
        days_in_stage=0,
        rotting=False,
        rots_in_days=stage.rotting_days,
        version=card.version + 1,
    )
    source.deal_list.take(index)
    source.set_summary(moved_summary(source.summary, card, -1))
    target.deal_list.put(0, moved)
    target.set_summary(moved_summary(target.summary, moved, +1))
    columns.activate(stage.id)
    target.deal_list.go_to(0)
    return Shown(card, moved, card.stage_id, index, stage.id)


def take_back(columns: BoardColumns, shown: Shown) -> None:
    """Put a refused move's card back where it was (if it is still where the
    move put it), with both headers as they were."""
    source, target = columns.columns.get(shown.source), columns.columns.get(shown.to)
    if source is None or target is None or target.deal_list.current != shown.moved:
        return
    target.deal_list.take(target.deal_list.cursor)
    target.set_summary(moved_summary(target.summary, shown.moved, -1))
    source.deal_list.put(shown.index, shown.card)
    source.set_summary(moved_summary(source.summary, shown.card, +1))
    columns.activate(shown.source)
    source.deal_list.go_to(shown.index)


def step(board: BoardScreen, steps: int) -> None:
    """`L` / `H`: move the focused deal `steps` stages on, shown at once and
    written after (`write_move`); with nothing to show (no card, no stage
    there), the write says why."""
    from pipetui.services.deals import step_deal

    card = board.card
    if card is not None and card.status is not DealStatus.OPEN:
        board.notify("Reopen the deal (r) to move it", severity="warning")
        return
    shown = show_move(board.board_columns, card, steps) if card else None
    if card is None or shown is None:
        board.change_focused("moved", partial(step_deal, steps=steps), follow=True)
        return
    version = card.version
    change = DealChange(
        card.deal_id,
        card.stage_id,
        f"moved {card.title!r}",
        lambda db, deal_id: step_deal(db, deal_id, steps=steps, seen_version=version),
        True,
    )
    if board.moves is None:
        board.moves = Moves()
    board.moves.pending += 1
    board.run_worker(write_move(board, board.moves, shown, change), group="write")


async def write_move(board: BoardScreen, moves: Moves, shown: Shown, change: DealChange) -> None:
    """Write a move already shown; confirm it, or take it back and say why."""
    own = {shown.source, shown.to}
    moves.touched |= own
    went = False
    try:
        # The app's write lock keeps every key's write in key order (a `W` or
        # `u` right after `L` waits for the move's write).
        async with board.app.write_lock:
            # The write starts once the frame showing the move is drawn: its
            # thread would otherwise hold the GIL while the frame is composed
            # (the move's frame waited for most of the write).
            await board.wait_for_refresh()
            # Only the last move in flight shows what its write read, and
            # which one is last is known when the write is done (a key pressed
            # during it would otherwise have its card drawn back a stage).
            went = await write_deal(
                board, change, show=lambda: moves.pending == 1 and moves.touched == own
            )
    except ValidationError as error:
        board.notify(error.message, severity="warning")
    finally:
        moves.pending -= 1
    if not went:
        take_back(board.board_columns, shown)
    if moves.pending == 0:
        touched, moves.touched = moves.touched, set()
        if not went or touched != own:
            # A refusal, or a chain of moves: read what they touched, as it is.
            board.load(only=touched, focus_deal=shown.card.deal_id)
