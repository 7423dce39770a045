"""A running summary of the funnel, so its figures cost the same at 100 deals
and at 100,000: per pipeline and UTC day of creation, what the deals created
that day add to each figure (`funnel_fact`, schema v2).

Each deal contributes a few additive facts, worked out in Python from its row
and its stage history (`contribution`):

- `reach`: not won, and its furthest open stage (by position) is `stage_id`;
- `open`: open in `stage_id` without a probability of its own, value in
  `currency` (weighted with the stage's probability when read, so changing it
  needs no rebuild); `open_own`: the same with its own probability, and
  `amount_own` = value × that probability;
- `won` / `lost`: closed, value and milliseconds from creation to closing;
- `stay`: was open in `stage_id`: one deal, the milliseconds of its finished stays,
  and, if it sits there now, `open_n` = 1 and `open_start` = when that stay began
  (epoch milliseconds), so the time "up to now" is added at read time.

Every write to a deal or its history goes through `tracked` (before and after
contributions; the difference is added), and whatever changes stage positions
or writes rows in bulk calls `rebuild`. A test compares the summary with a
recomputation from the raw history after random sequences of changes.

Exact at any size: a bucket adds up its deals in a 64-bit column (`amount_own +
:x`), which on SQLite silently turns into a float past 2**63 and on PostgreSQL
fails, and 100 deals of $9,999,999,999,999.99 at 100 % already pass it. So each
deal's amounts and times are split when they are added: the low 32 bits go to
the fact's own row, the rest (value >> 32) to its high row, the same key with
the fact named `fact^` (`HIGH`). Every stored value is then a sum of per-deal
parts below 2**32 (or of small high parts) and fits for up to 2**31 deals per
bucket; `funnel_fact_sums.summed` reads both rows with exact SQL sums and joins them,
value = low + (high << 32). Counts (`n`, `open_n`) are never split. A value
below 2**32 has no high part, so most buckets have no high row. Rows written
before the split (whole values in the fact's row) still read correctly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, delete, select
from sqlalchemy.engine import Connection

from pipetui.domain.deal_status import DealStatus
from pipetui.store import engine as engines
from pipetui.store.tables import DEAL, FUNNEL_FACT, STAGE, STAGE_HISTORY

Key = tuple[int, str, str, int, str]
"""(pipeline id, day, fact, stage id, currency)."""
VALUES = ("n", "amount", "amount_own", "ms", "open_n", "open_start")
Vector = list[int]
HIGH = "^"
"""Suffix of the fact whose row holds the high parts (value >> 32) of another
fact's amounts and times ("open_own^"); the fact's own row holds the low 32 bits."""
SPLIT = frozenset({"amount", "amount_own", "ms", "open_start"})
"""The values stored in two parts; the others are counts."""
_LOW_BITS = 2**32 - 1


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)


def epoch_ms(moment: datetime) -> int:
    """Whole milliseconds since 1970 of an aware (or UTC-naive, as SQLite
    returns) time. Times are summed as integers so that adding a deal's facts
    and taking them away again leaves exactly what was there."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return (aware - _EPOCH) // _MS


def day_of(moment: datetime) -> str:
    """The UTC day a deal was created, its bucket."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).date().isoformat()


@dataclass(frozen=True, slots=True)
class _Deal:
    id: int
    pipeline_id: int
    stage_id: int
    status: str
    currency: str
    value_minor: int
    probability: int | None
    created_at: datetime
    closed_at: datetime | None


def _deals_query(where: Any) -> Select[Any]:
    return select(
        DEAL.c.id,
        DEAL.c.pipeline_id,
        DEAL.c.stage_id,
        DEAL.c.status,
        DEAL.c.currency,
        DEAL.c.value_minor,
        DEAL.c.probability,
        DEAL.c.created_at,
        DEAL.c.closed_at,
    ).where(where)


def _deals(conn: Connection, where: Any) -> list[_Deal]:
    return [_Deal(*row) for row in conn.execute(_deals_query(where))]


History = list[tuple[datetime, int, str, int | None]]
"""(at, to stage, to status, from stage) per row, oldest first."""


def _histories_query(where: Any) -> Select[Any]:
    return (
        select(
            STAGE_HISTORY.c.deal_id,
            STAGE_HISTORY.c.at,
            STAGE_HISTORY.c.to_stage_id,
            STAGE_HISTORY.c.to_status,
            STAGE_HISTORY.c.from_stage_id,
        )
        .join(DEAL, DEAL.c.id == STAGE_HISTORY.c.deal_id)
        .where(where)
        .order_by(STAGE_HISTORY.c.deal_id, STAGE_HISTORY.c.at, STAGE_HISTORY.c.id)
    )


def _histories(conn: Connection, where: Any) -> dict[int, History]:
    """Each deal's stage history."""
    return _by_deal(conn.execute(_histories_query(where)))


def _by_deal(rows: Iterable[Sequence[Any]]) -> dict[int, History]:
    found: dict[int, History] = defaultdict(list)
    for deal_id, at, stage_id, status, from_stage in rows:
        found[deal_id].append((at, stage_id, status, from_stage))
    return found


def _positions(conn: Connection, pipeline_ids: Iterable[int]) -> dict[int, int]:
    """Open stages' positions by stage id (removed stages are left out)."""
    rows = conn.execute(
        select(STAGE.c.id, STAGE.c.position).where(
            STAGE.c.pipeline_id.in_(list(pipeline_ids)), STAGE.c.removed.is_(False)
        )
    )
    return {int(stage_id): int(position) for stage_id, position in rows}


StagePlaces = dict[int, tuple[int, int]]
"""(pipeline id, position) of every open stage, by stage id."""


_PLACES = select(STAGE.c.id, STAGE.c.pipeline_id, STAGE.c.position).where(
    STAGE.c.removed.is_(False)
)
"""Every open stage's pipeline and position (removed stages are left out)."""
_ONE: BindParameter[int] = bindparam("deal")
_ONE_DEAL = (_deals_query(DEAL.c.id == _ONE), _histories_query(DEAL.c.id == _ONE))
"""One deal's row and history, as `tracked` reads them around a change to it."""


def _places(rows: Iterable[Sequence[Any]]) -> StagePlaces:
    return {int(stage_id): (int(pipeline), int(position)) for stage_id, pipeline, position in rows}


_INDEX = {name: index for index, name in enumerate(VALUES)}
_WON, _OPEN = DealStatus.WON.value, DealStatus.OPEN.value


def _add(facts: dict[Key, Vector], key: Key, **values: int) -> None:
    vector = facts.get(key)
    if vector is None:
        vector = facts[key] = [0] * len(VALUES)
    for name, value in values.items():
        vector[_INDEX[name]] += value


def _add_split(facts: dict[Key, Vector], key: Key, **values: int) -> None:
    """Add one deal's values: amounts and times split into their low 32 bits
    (this key) and the rest (the same key, fact + `HIGH`); counts (1 each)
    never reach 2**32, so they are never split."""
    vector = facts.get(key)
    if vector is None:
        vector = facts[key] = [0] * len(VALUES)
    high: dict[str, int] = {}
    for name, value in values.items():
        part = value >> 32
        if part:
            high[name] = part
            value &= _LOW_BITS
        vector[_INDEX[name]] += value
    if high:
        pipeline_id, day, fact, stage_id, currency = key
        _add(facts, (pipeline_id, day, fact + HIGH, stage_id, currency), **high)


def _contribute(
    facts: dict[Key, Vector],
    deal: _Deal,
    history: History,
    positions: dict[int, int],
) -> None:
    """Add one deal's facts to `facts` (see the module's description)."""
    day = day_of(deal.created_at)

    def key(fact: str, stage_id: int = 0, currency: str = "") -> Key:
        return (deal.pipeline_id, day, fact, stage_id, currency)

    if deal.status != _WON:
        # Where it went, where it came from (a deal imported without history
        # first shows up as the "from" of its first move), and where it is.
        been = [stage for _, stage, _, _ in history] + [f for *_, f in history if f]
        visited = [stage for stage in [*been, deal.stage_id] if stage in positions]
        if visited:
            _add(facts, key("reach", max(visited, key=positions.__getitem__)), n=1)
    if deal.status == _OPEN:
        if deal.probability is None:
            _add_split(
                facts, key("open", deal.stage_id, deal.currency), n=1, amount=deal.value_minor
            )
        else:
            _add_split(
                facts,
                key("open_own", deal.stage_id, deal.currency),
                n=1,
                amount=deal.value_minor,
                amount_own=deal.value_minor * deal.probability,
            )
    else:
        cycle = epoch_ms(deal.closed_at) - epoch_ms(deal.created_at) if deal.closed_at else 0
        _add_split(
            facts, key(deal.status, 0, deal.currency), n=1, amount=deal.value_minor, ms=cycle
        )
    stayed: set[int] = set()
    for index, (at, stage_id, status, _) in enumerate(history):
        if status != _OPEN:
            continue
        if stage_id not in stayed:
            stayed.add(stage_id)
            _add(facts, key("stay", stage_id), n=1)
        if index + 1 < len(history):
            end = history[index + 1][0]
            _add_split(facts, key("stay", stage_id), ms=epoch_ms(end) - epoch_ms(at))
        elif deal.status == _OPEN:
            _add_split(facts, key("stay", stage_id), open_n=1, open_start=epoch_ms(at))
        elif deal.closed_at is not None:
            _add_split(facts, key("stay", stage_id), ms=epoch_ms(deal.closed_at) - epoch_ms(at))


def contributions(
    conn: Connection, where: Any, places: StagePlaces | None = None
) -> dict[Key, Vector]:
    """The facts of the deals matching `where` (a condition on DEAL); the
    stages' positions are read unless `places` holds them."""
    deals = _deals(conn, where)
    histories = _histories(conn, where)
    if places is None:
        places = _places(conn.execute(_PLACES))
    return _facts(deals, histories, places)


def _facts(
    deals: list[_Deal], histories: dict[int, History], places: StagePlaces
) -> dict[Key, Vector]:
    """The facts of `deals`, with their pipelines' stage positions from `places`."""
    pipelines = {d.pipeline_id for d in deals}
    positions = {s: place for s, (p, place) in places.items() if p in pipelines}
    facts: dict[Key, Vector] = {}
    for deal in deals:
        _contribute(facts, deal, histories.get(deal.id, []), positions)
    return facts


def _from_rows(
    deal: list[dict[str, Any]], history: list[dict[str, Any]], places: StagePlaces
) -> dict[Key, Vector]:
    """The facts of the rows `engines.select_many` read with `_ONE_DEAL`."""
    histories = _by_deal(tuple(row.values()) for row in history)
    return _facts([_Deal(**row) for row in deal], histories, places)


def _upsert(conn: Connection) -> Any:
    """An INSERT … ON CONFLICT into the summary in the engine's own dialect.

    Imported here, not at the top: the engine has loaded its own dialect
    already, and the other one is not needed (PostgreSQL's dialect alone is
    2.2 MiB of a board process on an SQLite file)."""
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert

        return insert(FUNNEL_FACT)
    from sqlalchemy.dialects.postgresql import insert as insert_pg

    return insert_pg(FUNNEL_FACT)


def _apply(conn: Connection, facts: dict[Key, Vector], sign: int = 1) -> None:
    rows = [
        dict(
            zip(("pipeline_id", "day", "fact", "stage_id", "currency"), key, strict=True),
            **{name: sign * value for name, value in zip(VALUES, vector, strict=True)},
        )
        for key, vector in facts.items()
        if any(vector)
    ]
    if not rows:
        return
    upsert = _upsert(conn)
    statement = upsert.on_conflict_do_update(
        index_elements=["pipeline_id", "day", "fact", "stage_id", "currency"],
        set_={name: FUNNEL_FACT.c[name] + upsert.excluded[name] for name in VALUES},
    )
    # A bucket nothing contributes to any more goes: the summary holds only
    # what the deals add up to, whatever path led there.
    keys = ("pipeline_id", "day", "fact", "stage_id", "currency")
    if conn.dialect.name == "postgresql":
        # The upsert returns the buckets as it left them: only those at zero
        # (usually none) are deleted, a round trip fewer per change.
        returned = conn.execute(
            statement.returning(*(FUNNEL_FACT.c[name] for name in (*keys, *VALUES))), rows
        )
        emptied = [row[: len(keys)] for row in returned if not any(row[len(keys) :])]
    else:
        conn.execute(statement, rows)
        emptied = [tuple(row[k] for k in keys) for row in rows]
    if emptied:
        conn.execute(
            delete(FUNNEL_FACT).where(
                *(FUNNEL_FACT.c[k] == bindparam(f"k_{k}") for k in keys),
                *(FUNNEL_FACT.c[name] == 0 for name in VALUES),
            ),
            [{f"k_{k}": value for k, value in zip(keys, key, strict=True)} for key in emptied],
        )


def add_deals(conn: Connection, deal_ids: Iterable[int]) -> None:
    """Add the facts of deals just inserted: read a few thousand at a time (an IN
    list has limits), summed first, so each bucket is written once."""
    ids = list(deal_ids)
    total: dict[Key, Vector] = {}
    for start in range(0, len(ids), 5000):
        for key, vector in contributions(conn, DEAL.c.id.in_(ids[start : start + 5000])).items():
            old = total.setdefault(key, [0] * len(VALUES))
            for i, value in enumerate(vector):
                old[i] += value
    _apply(conn, total)


DealFacts = tuple[int, int, int, str, str, int, "int | None", datetime, "datetime | None"]
"""(id, pipeline, stage, status, currency, value_minor, probability, created,
closed) of a deal, as `add_written` takes it."""


def add_written(
    conn: Connection, deals: Sequence[DealFacts], histories: dict[int, History]
) -> None:
    """Add the facts of deals just written in bulk, from the rows in hand rather
    than read back (an import of 100,000 deals saves about 2 s)."""
    found = [_Deal(*deal) for deal in deals]
    positions = _positions(conn, {deal.pipeline_id for deal in found})
    facts: dict[Key, Vector] = {}
    for deal in found:
        _contribute(facts, deal, histories.get(deal.id, []), positions)
    _apply(conn, facts)


@contextmanager
def tracked(conn: Connection, deal_ids: Iterable[int]) -> Iterator[None]:
    """Around a write to these deals (or their history): add the difference
    their facts made, in the same transaction.

    Stage positions are read once: nothing inside a tracked write moves a
    stage (what does calls `rebuild`). All pipelines' are read, as a deal may
    change pipeline in between; a database has a handful. A change to one
    deal (every change made from the board) reads them with the deal's row
    and history, in one round trip on a server (`engines.select_many`), and
    the deal again after the change in one more (they were 6)."""
    ids = list(deal_ids)
    if not ids:
        yield
        return
    if len(ids) == 1:
        one = {"deal": ids[0]}
        found, deal, history = engines.select_many(conn, (_PLACES, *_ONE_DEAL), one)
        places = _places(tuple(row.values()) for row in found)
        before = _from_rows(deal, history, places)
        yield
        deal, history = engines.select_many(conn, _ONE_DEAL, one)
        after = _from_rows(deal, history, places)
    else:
        where = DEAL.c.id.in_(ids)
        places = _places(conn.execute(_PLACES))
        before = contributions(conn, where, places)
        yield
        after = contributions(conn, where, places)
    for key, vector in before.items():
        old = after.setdefault(key, [0] * len(VALUES))
        for i, value in enumerate(vector):
            old[i] -= value
    _apply(conn, after)


def rebuild(conn: Connection, pipeline_ids: Iterable[int] | None = None) -> None:
    """Recompute the summary of some pipelines (or all) from the deals and their
    history: after stage positions change, and after rows written in bulk."""
    ids = None if pipeline_ids is None else list(pipeline_ids)
    if ids is None:
        conn.execute(delete(FUNNEL_FACT))
        where: Any = DEAL.c.id.is_not(None)
    else:
        conn.execute(delete(FUNNEL_FACT).where(FUNNEL_FACT.c.pipeline_id.in_(ids)))
        where = DEAL.c.pipeline_id.in_(ids)
    _apply(conn, contributions(conn, where))
