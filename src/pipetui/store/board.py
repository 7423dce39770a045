"""The board's queries, in plain portable SQL (see `pipetui.store.rows`):
per-column sums from the funnel summary (or, for some owners' deals, from a
covering index), and one page of cards at a time (the index on stage, status,
rank, id serves both the page and its count).

This module never imports SQLAlchemy: the TUI's first frame reads through it.
Its rows and the filter are named tuples, immutable like the domain's frozen
dataclasses but built without compiling methods at import (a frozen
dataclass's cost ~4 M instructions each on CPython 3.11, a named tuple's
~0.8 M: the first frame imports this, issue 21).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from pipetui.domain.bant import BANT, Answer, CriterionAnswer, Framework, Thresholds, Verdict
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.money import Money
from pipetui.domain.pipeline import Pipeline, Stage
from pipetui.domain.segments import DealSegment
from pipetui.domain.users import OwnerFilter
from pipetui.store.deal_search import candidates_sql
from pipetui.store.rows import Rows, day, expand, moment
from pipetui.store.segments import deal_segment_sql
from pipetui.store.sums import joined, sum_sql


class AggregateRow(NamedTuple):
    """Open deals of one stage in one currency."""

    stage_id: int
    currency: str
    deals: int
    value_minor: int
    weighted_minor_x100: int


class CardRow(NamedTuple):
    """The columns a card needs, straight from SQL."""

    deal_id: int
    title: str
    status: str
    value_minor: int
    currency: str
    stage_id: int
    stage_entered_at: datetime
    contact_name: str | None
    company: str | None
    last_touch: datetime | None
    has_future_followup: bool
    version: int = 1
    owner: str | None = None
    next_followup: date | None = None
    """The earliest due date among the deal's open follow-ups (its next step,
    overdue or not)."""
    tags: str | None = None
    """The deal's own tags as stored ("vip,q4"), read in the page's query."""


def is_empty(rows: Rows) -> bool:
    """No deal and no contact yet: a new user's database."""
    found = rows(
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM deal LIMIT 1) AS d)"
        " + (SELECT count(*) FROM (SELECT 1 FROM contact LIMIT 1) AS c)",
        {},
    )
    return int(found[0][0]) == 0


def pipelines(rows: Rows) -> list[Pipeline]:
    """Every pipeline in display order."""
    found = rows("SELECT id, name FROM pipeline ORDER BY position, id", {})
    return [Pipeline(int(i), str(name)) for i, name in found]


def stages(rows: Rows, pipeline_id: int) -> list[Stage]:
    """The open stages of a pipeline in position order."""
    found = rows(
        "SELECT id, pipeline_id, name, position, probability, rotting_days FROM stage"
        " WHERE pipeline_id = :pipeline AND removed = :removed ORDER BY position",
        {"pipeline": pipeline_id, "removed": False},
    )
    return [Stage(*row) for row in found]


def owner_condition(owners: OwnerFilter, column: str = "d.owner") -> tuple[str, dict[str, object]]:
    """Whose deals, as an SQL condition on `column` and its parameters."""
    if owners.owner is None:
        return f"{column} IS NULL", {}
    if owners.unowned:
        return f"({column} = :owner OR {column} IS NULL)", {"owner": owners.owner}
    return f"{column} = :owner", {"owner": owners.owner}


def aggregates(
    rows: Rows, stage_probabilities: dict[int, int], owners: OwnerFilter | None = None
) -> list[AggregateRow]:
    """Count, value and weighted value (×100) of open deals per stage and currency
    (only `owners`' deals when given), in stage and currency order.

    Everyone's deals are read from the funnel's running summary
    (`open_facts`), whose size follows the days a pipeline spans rather than
    its deals; some owners' deals from the deals themselves (`open_deals`).
    """
    if owners is None:
        try:
            return open_facts(rows, stage_probabilities)
        except Exception as error:  # sqlite3's OperationalError, or SQLAlchemy's around it
            if "integer overflow" not in str(error):
                raise
    return open_deals(rows, stage_probabilities, owners)


OPEN_FACTS = ("open", "open_own")
"""The facts of `pipetui.store.funnel_facts` that hold today's open deals:
`open` (deals without a probability of their own: n, amount) and `open_own`
(n, amount, amount_own = value × probability); each with its high row, the
name and `FACT_HIGH`, for the amounts' bits above 32."""
FACT_HIGH = "^"


def open_facts(rows: Rows, stage_probabilities: dict[int, int]) -> list[AggregateRow]:
    """`aggregates` of everyone's deals from the funnel summary (`funnel_fact`),
    which every write keeps in step with the deals (its own tests compare it
    with a rebuild). It holds one row per day, stage, currency and fact, not
    one per deal: at 100,000 deals the board's sums took 13.7 ms from the deals'
    covering index and take 1.8 ms here (1,000 deals: 0.14 → 0.76 ms).

    Amounts are stored split (low 32 bits, and the rest in the high row), so
    the SQL sums stay far below 2**63 and are joined exactly here."""
    ids, params = expand("stage", list(stage_probabilities))
    facts, names = expand("fact", [*OPEN_FACTS, *(f + FACT_HIGH for f in OPEN_FACTS)])
    params.update(names)
    found = rows(
        "SELECT stage_id, currency, fact, sum(n), sum(amount), sum(amount_own) FROM funnel_fact"
        f" WHERE pipeline_id IN (SELECT pipeline_id FROM stage WHERE id IN {ids})"
        f" AND stage_id IN {ids} AND fact IN {facts}"
        " GROUP BY stage_id, currency, fact",
        params,
    )
    totals: dict[tuple[int, str], list[int]] = {}
    for stage_id, currency, fact, count, amount, amount_own in found:
        shift = 32 if str(fact).endswith(FACT_HIGH) else 0
        total = totals.setdefault((int(stage_id), str(currency)), [0, 0, 0, 0])
        total[0] += int(count)
        total[1] += int(amount) << shift
        if str(fact).removesuffix(FACT_HIGH) == "open":
            total[2] += int(amount) << shift
        else:
            total[3] += int(amount_own) << shift
    return [
        AggregateRow(stage_id, currency, count, value, plain * stage_probabilities[stage_id] + own)
        for (stage_id, currency), (count, value, plain, own) in sorted(totals.items())
        if count  # a bucket every deal has left
    ]


def open_deals(
    rows: Rows, stage_probabilities: dict[int, int], owners: OwnerFilter | None = None
) -> list[AggregateRow]:
    """`aggregates` read from the deals' covering index alone; every sum is
    exact. Each is one SUM() first, which is exact where it succeeds
    (PostgreSQL sums bigints as numeric; SQLite raises "integer overflow"
    rather than round); only on that error is it read again as two halves
    (`pipetui.store.sums`). Half the aggregates for the usual case: two columns
    of 20,000 deals were summed in 11 → 6.5 ms on SQLite, 6.8 → 5 ms on
    PostgreSQL. Deals without their own probability are summed apart and
    weighted with their stage's probability afterwards.
    """
    ids, params = expand("stage", list(stage_probabilities))
    whose = ""
    if owners is not None:
        condition, more = owner_condition(owners, "owner")
        whose = f" AND {condition}"
        params.update(more)
    params["open"] = DealStatus.OPEN.value
    plain = "CASE WHEN probability IS NULL THEN value_minor ELSE 0 END"
    own = "CASE WHEN probability IS NULL THEN 0 ELSE value_minor * probability END"

    def grouped(sums: str) -> list[tuple[Any, ...]]:
        return rows(
            f"SELECT stage_id, currency, count(*), {sums}"
            f" FROM deal WHERE stage_id IN {ids} AND status = :open{whose}"
            " GROUP BY stage_id, currency",
            params,
        )

    try:
        found = grouped(f"sum(value_minor), sum({plain}), sum({own})")
        sums = [(*row[:3], *(int(total) for total in row[3:])) for row in found]
    except Exception as error:  # sqlite3's OperationalError, or SQLAlchemy's around it
        if "integer overflow" not in str(error):
            raise
        found = grouped(", ".join(sum_sql(each) for each in ("value_minor", plain, own)))
        sums = [(*row[:3], *(joined(*row[i : i + 2]) for i in (3, 5, 7))) for row in found]
    result = []
    for stage_id, currency, count, value, plain_sum, own_sum in sums:
        weighted = plain_sum * stage_probabilities[int(stage_id)] + own_sum
        result.append(AggregateRow(int(stage_id), str(currency), int(count), value, weighted))
    return result


class CardFilter(NamedTuple):
    """Which of a column's deals the board lists: by status, by words in the
    title, contact or company, by BANT verdict under the given thresholds, and
    by owner."""

    statuses: Sequence[DealStatus]
    words: Sequence[str] = ()
    verdict: Verdict | None = None
    thresholds: Thresholds = Thresholds()
    framework: Framework = BANT
    owners: OwnerFilter | None = None
    segment: DealSegment = DealSegment()
    """Only deals with these tags, source and owner (the `/` filter's tokens)."""
    indexed: tuple[tuple[str, str], ...] = ()
    """(word, FTS5 query) for the words the trigram indexes narrow (SQLite:
    `pipetui.store.deal_search.narrowing`); the others are matched by a scan."""


def _filters(stage_id: int, cards: CardFilter) -> tuple[str, dict[str, object]]:
    in_statuses, params = expand("status", [s.value for s in cards.statuses])
    queries = dict(cards.indexed)
    # A narrowed filter reads its candidates by id; the stage's index would
    # have every open deal of the column read and checked instead ("+").
    stage = "+d.stage_id" if any(w in queries for w in cards.words) else "d.stage_id"
    sql = f"{stage} = :stage AND d.status IN {in_statuses}"
    params["stage"] = stage_id
    for i, word in enumerate(cards.words):
        if word in queries:
            sql += f" AND {candidates_sql(f'q{i}')}"
            params[f"q{i}"] = queries[word]
        sql += (
            f" AND (d.search_key LIKE :w{i} ESCAPE '\\'"
            f" OR coalesce(c.search_key, '') LIKE :w{i} ESCAPE '\\')"
        )
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params[f"w{i}"] = f"%{escaped}%"
    if cards.owners is not None:
        condition, more = owner_condition(cards.owners)
        sql += f" AND {condition}"
        params.update(more)
    if not cards.segment.empty:
        condition, more = deal_segment_sql(cards.segment)
        sql += f" AND {condition}"
        params.update(more)
    if cards.verdict is not None:
        ids, verdict_params, among = verdict_ids(cards.verdict, cards.thresholds, cards.framework)
        sql += f" AND d.id {'IN' if among else 'NOT IN'} ({ids})"
        params.update(verdict_params)
    return sql, params


def verdict_ids(
    verdict: Verdict, thresholds: Thresholds, framework: Framework = BANT
) -> tuple[str, dict[str, object], bool]:
    """`pipetui.domain.bant.assess` as SQL over the answers, so a filtered column
    is counted and paged by the database: a SELECT of deal ids, its parameters,
    and whether the deals with `verdict` are those ids (True) or all the others.
    The two are kept equal by a test that runs every combination of answers
    through both."""
    keys = [c.key for c in framework.criteria]
    in_criteria, params = expand("criterion", keys)
    params.update(framework=framework.name, needed=len(keys))
    params["score"] = thresholds.qualified_score
    answered = (
        "SELECT q.deal_id FROM qualification q"
        f" WHERE q.framework = :framework AND q.criterion IN {in_criteria}"
    )
    if verdict is Verdict.NOT_ASSESSED:
        return f"{answered} AND q.status <> 'unknown'", params, False
    disqualifying = [key for key in keys if key in thresholds.disqualify_on]
    no = "0"
    if disqualifying:
        in_disqualifying, more = expand("disqualifying", disqualifying)
        params.update(more)
        no = (
            f"sum(CASE WHEN q.status = 'no' AND q.criterion IN {in_disqualifying}"
            " THEN 1 ELSE 0 END)"
        )
    met = "sum(CASE WHEN q.status IN ('yes', 'partial') THEN 1 ELSE 0 END)"
    score = "sum(CASE q.status WHEN 'yes' THEN 2 WHEN 'partial' THEN 1 ELSE 0 END)"
    qualified = f"({met} = :needed AND {score} >= :score)"
    having = {
        Verdict.DISQUALIFIED: f"{no} > 0",
        Verdict.QUALIFIED: f"{no} = 0 AND {qualified}",
        Verdict.IN_PROGRESS: (
            f"sum(CASE WHEN q.status <> 'unknown' THEN 1 ELSE 0 END) > 0"
            f" AND {no} = 0 AND NOT {qualified}"
        ),
    }[verdict]
    return f"{answered} GROUP BY q.deal_id HAVING {having}", params, True


_FROM = "FROM deal d LEFT JOIN contact c ON c.id = d.contact_id"


def count(rows: Rows, stage_id: int, cards: CardFilter) -> int:
    """How many cards a column lists under the current view."""
    where, params = _filters(stage_id, cards)
    return int(rows(f"SELECT count(*) {_FROM} WHERE {where}", params)[0][0])


def page(
    rows: Rows,
    stage_id: int,
    cards: CardFilter,
    *,
    offset: int,
    limit: int,
    today: date,
) -> list[CardRow]:
    """One page of a column's cards in board order (rank, id).

    The last touch is two index-driven lookups (by deal, by contact) rather than
    one OR, which could not use an index. The open follow-up is looked up the
    same way, one row at most: as an EXISTS, PostgreSQL hashed every open
    follow-up for each page instead (2.1 → 0.4 ms a page at 100,000 deals).
    The next step's date (the earliest open follow-up, overdue or not) is a
    MIN over the same index (deal, done, due): its first entry, for the
    page's rows only.
    """
    where, params = _filters(stage_id, cards)
    found = rows(
        "SELECT d.id, d.title, d.status, d.value_minor, d.currency, d.stage_id,"
        " d.stage_entered_at, c.name, c.company,"
        " (SELECT max(t.at) FROM touchpoint t WHERE t.deal_id = d.id),"
        " (SELECT max(t.at) FROM touchpoint t WHERE t.contact_id = d.contact_id),"
        " (SELECT 1 FROM followup f WHERE f.deal_id = d.id"
        "   AND f.done_at IS NULL AND f.due >= :today LIMIT 1) IS NOT NULL, d.version, d.owner,"
        " (SELECT min(f.due) FROM followup f WHERE f.deal_id = d.id AND f.done_at IS NULL),"
        f" d.tags {_FROM} WHERE {where} ORDER BY d.rank, d.id LIMIT :limit OFFSET :offset",
        {**params, "today": today.isoformat(), "limit": limit, "offset": offset},
    )
    result = []
    for row in found:
        touches = [t for t in (moment(row[9]), moment(row[10])) if t is not None]
        entered = moment(row[6])
        assert entered is not None
        result.append(
            CardRow(
                int(row[0]),
                str(row[1]),
                str(row[2]),
                int(row[3]),
                str(row[4]),
                int(row[5]),
                entered,
                row[7],
                row[8],
                max(touches) if touches else None,
                bool(row[11]),
                int(row[12]),
                row[13],
                day(row[14]),
                row[15],
            )
        )
    return result


def placement(rows: Rows, deal_id: int) -> tuple[int, int, int, int] | None:
    """(pipeline id, stage id, rank, id) of a deal, or None."""
    found = rows(
        "SELECT pipeline_id, stage_id, rank, id FROM deal WHERE id = :deal", {"deal": deal_id}
    )
    return tuple(int(v) for v in found[0]) if found else None  # type: ignore[return-value]


def index_of(rows: Rows, deal_id: int, cards: CardFilter) -> tuple[int, int, int] | None:
    """(pipeline id, stage id, position in its column under the view), or None."""
    placed = placement(rows, deal_id)
    if placed is None:
        return None
    pipeline_id, stage_id, rank, key = placed
    where, params = _filters(stage_id, cards)
    before = rows(
        f"SELECT count(*) {_FROM} WHERE {where}"
        " AND (d.rank < :rank OR (d.rank = :rank AND d.id < :key))",
        {**params, "rank": rank, "key": key},
    )
    return pipeline_id, stage_id, int(before[0][0])


def answers_for(
    rows: Rows, deal_ids: Sequence[int], framework: str = "bant"
) -> dict[int, dict[str, CriterionAnswer]]:
    """Saved qualification answers of several deals (one query)."""
    if not deal_ids:
        return {}
    ids, params = expand("deal", deal_ids)
    found = rows(
        "SELECT deal_id, criterion, status, amount_minor, currency, who, note, target_date"
        f" FROM qualification WHERE framework = :framework AND deal_id IN {ids}",
        {**params, "framework": framework},
    )
    answers: dict[int, dict[str, CriterionAnswer]] = {}
    for deal_id, criterion, status, amount, currency, who, note, target in found:
        money = Money(int(amount), str(currency)) if amount is not None and currency else None
        answers.setdefault(int(deal_id), {})[str(criterion)] = CriterionAnswer(
            Answer(status), money, who, note, day(target)
        )
    return answers
