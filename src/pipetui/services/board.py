"""The board's use cases: column headers from SQL aggregates and cards one page
at a time, so 100,000 deals cost what a screenful does.

Everything here reads through a `RowSource` (plain SQL), so the TUI can draw its
first board before the full store has even been imported. Its results are
named tuples, like the store's rows (`pipetui.store.board`: cheaper to define
at import than frozen dataclasses).
"""

from __future__ import annotations

from typing import NamedTuple

from pipetui.domain.bant import Answer, Thresholds, Verdict, assess
from pipetui.domain.board import BoardView, Card, ColumnSummary, rot_state
from pipetui.domain.dates import days_between
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.money import Money, MoneyTotals
from pipetui.domain.pipeline import Pipeline, Stage
from pipetui.domain.segments import deal_filter_text, stored_tags
from pipetui.services import clock
from pipetui.store import board as store
from pipetui.store import deal_search
from pipetui.store.rows import Rows, RowSource


class ColumnData(NamedTuple):
    """A column's header figures and the page of cards it asked for."""

    summary: ColumnSummary
    offset: int
    cards: list[Card]


class BoardData(NamedTuple):
    """A pipeline's columns (all, or the ones asked for), with every pipeline
    for the switcher."""

    pipeline: Pipeline
    pipelines: list[Pipeline]
    stages: list[Stage]
    columns: list[ColumnData]
    empty: bool = False
    """No deal and no contact in the whole database (time for the welcome)."""
    focus_index: int | None = None
    """Where the deal `load_board` was asked to focus is in its column (None:
    not shown under this view)."""


def _percent(minor_x100: int) -> int:
    """A sum of value × percent back to minor units, rounding halves up (integers
    only: money never goes through a float)."""
    return (minor_x100 + 50) // 100


def card_filter(
    view: BoardView, thresholds: Thresholds, rows: Rows | None = None
) -> store.CardFilter:
    """What the store needs to list the cards `view` shows. With `rows` (an
    SQLite file's), the words its trigram indexes narrow are looked up."""
    words, segment = deal_filter_text(view.search)  # `tag:vip owner:dana source:web` too
    indexed = tuple(deal_search.narrowing(rows, words).items()) if rows and words else ()
    return store.CardFilter(
        view.statuses,
        words,
        view.verdict,
        thresholds,
        owners=view.owners,
        segment=segment,
        indexed=indexed,
    )


def load_board(
    source: RowSource,
    pipeline_id: int | None,
    view: BoardView,
    *,
    thresholds: Thresholds,
    windows: dict[int, tuple[int, int]] | None = None,
    only: set[int] | None = None,
    default_window: tuple[int, int] = (0, 40),
    focus_deal: int | None = None,
) -> BoardData:
    """Columns of a pipeline (the first when None or gone): header figures from
    SQL aggregates and, per column, the page `windows` asks for.

    `only` limits the work to some stages (a move touches two columns).
    `focus_deal`: the page of that deal's column starts a few cards above it,
    found in the same read (one snapshot, and a transaction fewer per move).
    """
    windows = dict(windows or {})
    focus_index = None
    with source.read_rows() as rows:
        cards = card_filter(view, thresholds, None if source.is_server else rows)
        if focus_deal is not None:
            found = store.index_of(rows, focus_deal, cards)
            if found is not None:
                _, stage_id, focus_index = found
                size = windows.get(stage_id, default_window)[1]
                windows[stage_id] = (max(0, focus_index - 5), size)
        known = store.pipelines(rows)
        pipeline = next((p for p in known if p.id == pipeline_id), known[0])
        stages = store.stages(rows, pipeline.id)
        wanted = [s for s in stages if only is None or s.id in only]
        summaries = _summaries(rows, wanted, cards)
        columns = []
        for summary in summaries:
            offset, limit = windows.get(summary.stage.id, default_window)
            page = _cards(rows, summary.stage, view, cards, offset, limit)
            columns.append(ColumnData(summary, offset, page))
        empty = only is None and store.is_empty(rows)
    return BoardData(pipeline, known, stages, columns, empty, focus_index)


def _summaries(rows: Rows, stages: list[Stage], cards: store.CardFilter) -> list[ColumnSummary]:
    counts: dict[int, int] = {}
    values: dict[int, MoneyTotals] = {s.id: MoneyTotals() for s in stages}
    weighted: dict[int, MoneyTotals] = {s.id: MoneyTotals() for s in stages}
    probabilities = {s.id: s.probability for s in stages}
    for row in store.aggregates(rows, probabilities, cards.owners):
        counts[row.stage_id] = counts.get(row.stage_id, 0) + row.deals
        values[row.stage_id].add(Money(row.value_minor, row.currency))
        weighted[row.stage_id].add(Money(_percent(row.weighted_minor_x100), row.currency))
    plain = (
        tuple(cards.statuses) == (DealStatus.OPEN,)
        and not cards.words
        and not cards.verdict
        and cards.segment.empty
    )
    return [
        ColumnSummary(
            stage=stage,
            open_count=counts.get(stage.id, 0),
            open_value=values[stage.id],
            weighted_value=weighted[stage.id],
            shown=counts.get(stage.id, 0) if plain else store.count(rows, stage.id, cards),
        )
        for stage in stages
    ]


def load_cards(
    source: RowSource,
    stage: Stage,
    view: BoardView,
    *,
    offset: int,
    limit: int,
    thresholds: Thresholds,
) -> list[Card]:
    """One page of a column's cards, with BANT verdicts and rotting marks."""
    with source.read_rows() as rows:
        listed = card_filter(view, thresholds, None if source.is_server else rows)
        return _cards(rows, stage, view, listed, offset, limit)


def _cards(
    rows: Rows, stage: Stage, view: BoardView, listed: store.CardFilter, offset: int, limit: int
) -> list[Card]:
    now, today = clock.now(), clock.today()
    found = store.page(rows, stage.id, listed, offset=offset, limit=limit, today=today)
    answers = store.answers_for(rows, [row.deal_id for row in found])
    # A verdict depends on the answers' statuses alone: deals answered alike
    # share one assessment (a page has a few kinds: not assessed, in progress...).
    verdicts: dict[tuple[tuple[str, Answer], ...], Verdict] = {}
    cards = []
    for row in found:
        last = max(row.stage_entered_at, row.last_touch) if row.last_touch else row.stage_entered_at
        rot = rot_state(
            rotting_days=stage.rotting_days,
            last_activity=last,
            has_future_followup=row.has_future_followup,
            now=now,
        )
        open_deal = row.status == DealStatus.OPEN.value
        given = answers.get(row.deal_id, {})
        alike = tuple((key, answer.status) for key, answer in given.items())
        verdict = verdicts.get(alike)
        if verdict is None:
            verdict = verdicts[alike] = assess(given, listed.thresholds).verdict
        cards.append(
            Card(
                deal_id=row.deal_id,
                title=row.title,
                status=DealStatus(row.status),
                value=Money(row.value_minor, row.currency),
                stage_id=row.stage_id,
                days_in_stage=days_between(row.stage_entered_at, now),
                verdict=verdict,
                contact_name=row.contact_name,
                company=row.company,
                rotting=rot.rotting and open_deal,
                rots_in_days=rot.rots_in_days if open_deal else None,
                version=row.version,
                owner=row.owner if row.owner != view.user else None,
                next_followup=row.next_followup,
                followup_overdue=row.next_followup is not None and row.next_followup < today,
                tags=stored_tags(row.tags),
            )
        )
    return cards
