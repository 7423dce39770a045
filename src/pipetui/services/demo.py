"""Sample data for `pipetui demo`: a small realistic set, or N deals for benchmarks.

Everything is built in memory first, with ids assigned up front (after the current
maximum) so history, touchpoints and answers can point at their deals without
reading anything back, then written with one executemany per table inside ONE
write transaction, so a failure leaves the database as it was. One ORM object per
row would take minutes at 100,000 deals; this takes seconds.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import TOUCHPOINT_KINDS
from pipetui.domain.pipeline import DEFAULT_PIPELINE, Stage
from pipetui.domain.text import search_key
from pipetui.services import clock
from pipetui.services import demo_data as data
from pipetui.store import bulk, funnel_facts
from pipetui.store import pipelines as pipeline_store
from pipetui.store.contacts import contact_keys
from pipetui.store.database import Database
from pipetui.store.tables import CONTACT, DEAL

DAY, _EPOCH = bulk.DAY, bulk.EPOCH
# The columns of the row tuples built below, per table, parents first.
_COLUMNS = {
    "contact": "id name sort_name search_key email phone company role source notes tags "
    "journey_stage journey_stage_manual created_at updated_at",
    "deal": "id title search_key pipeline_id stage_id status rank value_minor currency "
    "probability close_date source lost_reason contact_id created_at updated_at "
    "stage_entered_at closed_at",
    "stage_history": "deal_id at from_stage_id to_stage_id from_status to_status imported",
    "touchpoint": "contact_id deal_id kind journey_stage channel direction summary at score",
    "followup": "deal_id contact_id title due created_at done_at",
    "qualification": "deal_id framework criterion status amount_minor currency who note "
    "target_date updated_at",
}
_CRITERIA = ("budget", "authority", "need", "timeline")
Pipe = tuple[int, list[Stage]]


class DemoRefused(ValidationError):
    """Demo data mixed into someone's real deals would be hard to pick out again."""

    def __init__(self) -> None:
        super().__init__("database", "is not empty; use --force to add the demo data anyway")


@dataclass(frozen=True)
class DemoSummary:
    """What `load_demo` added, so the CLI can report it and tests can check it.

    `pipelines` counts the pipelines holding demo deals, new or not.
    """

    pipelines: int
    deals: int
    contacts: int
    touchpoints: int
    followups: int


def load_demo(
    db: Database, *, deals: int | None = None, force: bool = False, seed: int = 7
) -> DemoSummary:
    """Fill a database with sample data, to try pipetui or to benchmark it.

    Without `deals`: a small, realistic set across three pipelines. With `deals=N`:
    N deals in the default pipeline, N/2 contacts, 10 touchpoints per deal. The same
    seed and clock give the same data. Refuses a database that already has deals or
    contacts unless `force`; everything lands in one transaction or nothing does.
    """
    if deals is not None and deals < 1:
        raise ValidationError("deals", f"must be at least 1, got {deals}")
    rng, now = random.Random(seed), clock.now()
    with db.write() as conn:
        for table in (DEAL, CONTACT):
            if not force and conn.execute(select(table.c.id).limit(1)).first():
                raise DemoRefused()
        batch = _Batch(conn, now, clock.today())
        sales = _default_pipeline(conn)
        if deals is None:
            _curated(batch, rng, [sales, *_extra_pipelines(conn, now)])
        else:
            _scaled(batch, rng, deals, sales)
        batch.write(conn)
    counts = (len(batch.rows[name]) for name in ("deal", "contact", "touchpoint", "followup"))
    return DemoSummary(len(batch.pipelines), *counts)


def _default_pipeline(conn: Connection) -> Pipe:
    """The pipeline every new database starts with ("Sales"), else the first one."""
    wanted = DEFAULT_PIPELINE.casefold()
    known = sorted(pipeline_store.pipelines(conn), key=lambda p: p.name.casefold() != wanted)
    if not known:
        raise ValidationError("pipeline", "the database has no pipeline")
    return known[0].id, _open_stages(conn, known[0].id, known[0].name)


def _open_stages(conn: Connection, pipeline_id: int, name: str) -> list[Stage]:
    if stages := pipeline_store.stages(conn, pipeline_id):
        return stages
    raise ValidationError("pipeline", f"{name} has no stages to put demo deals in")


def _extra_pipelines(conn: Connection, now: datetime) -> list[Pipe]:
    """The demo's own pipelines, reused when a forced second run finds them."""
    known = {p.name.casefold(): p.id for p in pipeline_store.pipelines(conn)}
    found = []
    for name, stages in data.PIPELINES:
        pipeline_id = known.get(name.casefold())
        if pipeline_id is None:
            pipeline_id = pipeline_store.insert_pipeline(conn, name=name, now=now)
            for position, stage in enumerate(stages, start=1):
                pipeline_store.insert_stage(
                    conn, pipeline_id=pipeline_id, position=position, **stage
                )
        found.append((pipeline_id, _open_stages(conn, pipeline_id, name)))
    return found


def _spread(rng: random.Random, start: int, end: int, count: int) -> list[int]:
    """`count` strictly increasing, slightly irregular times from `start` to `end`."""
    if count == 1:
        return [start]
    step, rand = max(3, (end - start) // (count - 1)), rng.random
    return [start] + [start + k * step - int(rand() * (step // 3)) for k in range(1, count)]


class _Batch:
    """Every row to write, as tuples in `_COLUMNS` order; times are epoch seconds."""

    def __init__(self, conn: Connection, now: datetime, today: date) -> None:
        self.now, self.today = int(now.timestamp()), today
        sqlite = conn.dialect.name == "sqlite"
        self.stamp: Callable[[int], Any] = (
            bulk.sqlite_stamps(self.now) if sqlite else lambda s: _EPOCH + timedelta(seconds=s)
        )
        self.day: Callable[[date], Any] = date.isoformat if sqlite else lambda d: d
        self.next_contact = int(conn.execute(select(func.max(CONTACT.c.id))).scalar() or 0) + 1
        self.next_deal = int(conn.execute(select(func.max(DEAL.c.id))).scalar() or 0) + 1
        self.rank = int(conn.execute(select(func.min(DEAL.c.rank))).scalar() or 0) - 1
        self.pipelines: set[int] = set()
        self.rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in _COLUMNS}
        self.latest: dict[int, tuple[int, str]] = {}  # contact id -> (time, journey stage)
        self.earliest: dict[int, int] = {}  # contact id -> time of the first touchpoint

    def deal(
        self,
        pipe: Pipe,
        story: Sequence[int | str],
        times: Sequence[int],
        *,
        title: str,
        contact_id: int,
        value: int,
        currency: str = "USD",
        source: str | None = None,
        lost_reason: str | None = None,
        probability: int | None = None,
        close_date: date | None = None,
    ) -> int:
        """Add a deal and its history; return its id. `story` starts with the index
        of its first stage, then holds a stage index per move or a status per close
        or reopen, one for each of `times`."""
        deal_id, self.next_deal = self.next_deal, self.next_deal + 1
        stages, stamp, history = pipe[1], self.stamp, self.rows["stage_history"]
        stage, status, entered = stages[int(story[0])].id, "open", times[0]
        history.append((deal_id, stamp(times[0]), None, stage, None, "open", False))
        for step, at in zip(story[1:], times[1:], strict=True):
            to_stage = stages[step].id if isinstance(step, int) else stage
            to_status = status if isinstance(step, int) else step
            history.append((deal_id, stamp(at), stage, to_stage, status, to_status, False))
            entered = at if isinstance(step, int) else entered
            stage, status = to_stage, to_status
        self.rows["deal"].append(
            (deal_id, title, search_key(title), pipe[0], stage, status, self.rank, value, currency,
             probability, None if close_date is None else self.day(close_date), source,
             lost_reason if status == "lost" else None, contact_id, stamp(times[0]),
             stamp(times[-1]), stamp(entered), None if status == "open" else stamp(times[-1]))
        )  # fmt: skip
        self.rank -= 1
        self.pipelines.add(pipe[0])
        return deal_id

    def touch(self, contact_id: int, deal_id: int | None, kind: str, at: int, **extra: Any) -> None:
        """Add a touchpoint (`extra`: its summary, if not the usual one, and score),
        keeping track of each contact's first and latest."""
        at, stage = min(at, self.now), TOUCHPOINT_KINDS[kind].value
        summary = extra.get("summary", data.SUMMARIES[kind])
        self.rows["touchpoint"].append(
            (contact_id, deal_id, kind, stage, *data.KIND_CHANNEL[kind], summary, self.stamp(at),
             extra.get("score"))
        )  # fmt: skip
        if at >= self.latest.get(contact_id, (0, ""))[0]:
            self.latest[contact_id] = (at, stage)
        self.earliest[contact_id] = min(at, self.earliest.get(contact_id, at))

    def followup(self, title: str, due: date, created: int, **target: int | None) -> None:
        """Add a follow-up on a `deal` or a `contact`, marked done at `done` if given."""
        done = target.get("done")
        finished = None if done is None else self.stamp(min(done, self.now))
        row = (title, self.day(due), self.stamp(created), finished)
        self.rows["followup"].append((target.get("deal"), target.get("contact"), *row))

    def answer(
        self, deal_id: int, statuses: Sequence[str], at: int, details: Sequence[Any] = ()
    ) -> None:
        """Add BANT answers. `details` per criterion: (amount, currency, who, note,
        target date), kept only where the answer is yes or partial."""
        for n, (criterion, status) in enumerate(zip(_CRITERIA, statuses, strict=True)):
            known = details and status in ("yes", "partial")
            amount, currency, who, note, target = details[n] if known else (None,) * 5
            target = None if target is None else self.day(target)
            row = (amount, currency, who, note, target, self.stamp(at))
            self.rows["qualification"].append((deal_id, "bant", criterion, status, *row))

    def contact(self, contact_id: int, values: dict[str, Any], created: int) -> None:
        """Add a contact; its journey stage is that of its latest touchpoint."""
        at, stage = self.latest.get(contact_id, (created, None))
        keys, fields = contact_keys(values), ("email", "phone", "company", "role", "source")
        self.rows["contact"].append(
            (contact_id, values["name"], keys["sort_name"], keys["search_key"],
             *(values.get(name) for name in (*fields, "notes", "tags")), stage, False,
             self.stamp(min(created, at)), self.stamp(max(created, at)))
        )  # fmt: skip

    def write(self, conn: Connection) -> None:
        """One executemany per table, parents before children."""
        for name, rows in self.rows.items():
            bulk.insert_rows(conn, name, _COLUMNS[name].split(), rows)
        bulk.advance_sequences(conn, ("contact", "deal"))
        funnel_facts.rebuild(conn)


def _curated(batch: _Batch, rng: random.Random, pipes: list[Pipe]) -> None:
    """About 60 deals for 40 people, shaped like a solo seller's last nine months."""
    people, first = data.CONTACTS, batch.next_contact
    batch.next_contact += len(people)
    order = list(range(len(people)))
    rng.shuffle(order)
    buyers, leads = order[: -data.LEADS], order[-data.LEADS :]
    total = sum(sum(plan) for plan in data.PLAN)
    owners = buyers + [rng.choice(buyers) for _ in range(total - len(buyers))]
    rng.shuffle(owners)
    plans: list[tuple[int, int, int, str, int, str]] = []  # created, pipeline, k, status, ...
    for index, plan in enumerate(data.PLAN):
        statuses = ["open"] * plan[0] + ["won"] * plan[1] + ["lost"] * plan[2]
        for k, status in enumerate(statuses):
            who, taken = owners.pop(), {p[5] for p in plans}
            titles = [f"{people[who].company} – {o}" for o in data.OFFERINGS[index]]
            rng.shuffle(titles)
            title = next((t for t in titles if t not in taken), titles[0])
            plans.append(
                (batch.now - rng.randrange(4 * DAY, 270 * DAY), index, k, status, who, title)
            )
    first_deal: dict[int, int] = {}
    for created, index, k, status, who, title in sorted(plans):  # ids in order of creation
        _curated_deal(
            batch, rng, pipes[index], (index, k, status), who, first + who, title, created
        )
        first_deal[who] = min(created, first_deal.get(who, created))
    for who in buyers:
        if kind := data.AWARE.get(people[who].source):
            batch.touch(first + who, None, kind, first_deal[who] - rng.randrange(DAY, 20 * DAY))
    for n, who in enumerate(leads):
        at = batch.now - rng.randrange(10 * DAY, 200 * DAY)
        batch.touch(first + who, None, data.AWARE.get(people[who].source, "ad_seen"), at)
        if n % 3:
            later = ("website_visit", "newsletter_signup", "enquiry")[n % 3]
            batch.touch(first + who, None, later, at + rng.randrange(DAY, 9 * DAY))
        if n < 3:
            due = batch.today + timedelta(days=(-3, 0, 5)[n])
            batch.followup(data.LEAD_FOLLOWUP, due, at, contact=first + who)
    for who, person in enumerate(people):
        batch.contact(first + who, person._asdict(), batch.earliest[first + who])


def _story(rng: random.Random, size: int, k: int, status: str) -> list[int | str]:
    """Stages walked in order (some deals went back once), then status changes
    (some were lost once and revived)."""
    if status == "open":
        position = k % size
    else:
        position = max(0, size - 1 - (k % 3 == 0)) if status == "won" else rng.randrange(size)
    story: list[int | str] = list(range(position + 1))
    if status == "open" and position >= 2 and k % 4 == 1:
        back = rng.randrange(1, position)
        story = [*range(back + 2), *range(back, position + 1)]
    if status != "lost" and k % 7 == 3:
        story += ["lost", "open"]
    return story if status == "open" else [*story, status]


def _curated_deal(
    batch: _Batch,
    rng: random.Random,
    pipe: Pipe,
    plan: tuple[int, int, str],
    who: int,
    contact_id: int,
    title: str,
    created: int,
) -> None:
    """One deal, the `k`th (in plan order) of the pipeline at `index`, with the
    touchpoints, follow-up and BANT answers its story implies."""
    (index, k, status), person, size = plan, data.CONTACTS[who], len(pipe[1])
    story = _story(rng, size, k, status)
    share = rng.uniform(0.4, 0.98) if status == "open" else rng.uniform(0.3, 0.9)
    times = _spread(rng, created, created + int((batch.now - created) * share), len(story))
    low, high = data.VALUE_RANGES[index]
    major = rng.randrange(low // 500, high // 500 + 1) * 500
    currency, rate, unit = data.CURRENCIES.get(person.region, ("USD", 1000, 500))
    if currency != "USD" and rng.random() < 0.8:
        major = major * rate // 1000 // unit * unit
    else:
        currency = "USD"
    closed_day = (_EPOCH + timedelta(seconds=times[-1])).date()
    close_date = None if status == "open" else closed_day
    if status == "open" and rng.random() < 0.7:
        close_date = batch.today + timedelta(days=rng.randint(7, 120))
    reason = rng.choice(data.LOST_REASONS) if status == "lost" else ""
    deal_id = batch.deal(
        pipe, story, times, title=title, contact_id=contact_id, value=major * 100,
        currency=currency, source=person.source, lost_reason=reason or None,
        probability=rng.choice((35, 50, 70, 90)) if status == "open" and k % 9 == 5 else None,
        close_date=close_date,
    )  # fmt: skip
    reached = 0
    for n, (step, at) in enumerate(zip(story, times, strict=True)):
        at += rng.randrange(600, 3 * 3600)
        if n == 0:
            kind = "call" if person.source == "Cold outreach" else "enquiry"
            batch.touch(contact_id, deal_id, kind, at)
        elif isinstance(step, int) and step < reached:
            batch.touch(contact_id, deal_id, "demo", at, summary=data.BACKWARD_SUMMARY)
        elif isinstance(step, int):
            kind = rng.choice(data.MOVE_KINDS[min(2, 3 * step // size)])
            batch.touch(contact_id, deal_id, kind, at)
        elif step == "open":
            batch.touch(contact_id, deal_id, "call", at, summary=data.REOPEN_SUMMARY)
        elif step == "won":
            _after_purchase(batch, rng, contact_id, deal_id, at, product=index == 2)
        elif rng.random() < 0.5 and at + 60 * DAY < batch.now:  # lost, yet still reading
            kind = rng.choice(("website_visit", "newsletter_signup"))
            batch.touch(contact_id, None, kind, at + rng.randrange(20 * DAY, 60 * DAY))
        reached = step if isinstance(step, int) else reached
    if status == "open" and k % 4 != 3:
        due = batch.today + timedelta(days=data.FOLLOWUP_DAYS[(k + index) % 12])
        batch.followup(rng.choice(data.FOLLOWUP_TITLES), due, times[-1], deal=deal_id)
    elif status == "won":
        due, done = closed_day + timedelta(days=2), times[-1] + 2 * DAY
        batch.followup(data.DONE_FOLLOWUP, due, times[-1], deal=deal_id, done=done)
    if k % 5 != 2:
        details = (
            (major * 100, currency, None, rng.choice(data.BUDGET_NOTES), None),
            (None, None, person.name, rng.choice(data.AUTHORITY_NOTES), None),
            (None, None, None, rng.choice(data.NEEDS), None),
            (None, None, None, None, close_date),
        )
        verdict = _verdict(rng, status, (reached + 1) / size, reason, k)
        batch.answer(deal_id, verdict, times[-1], details)


def _after_purchase(
    batch: _Batch, rng: random.Random, contact_id: int, deal_id: int, at: int, *, product: bool
) -> None:
    """The customer's journey after buying, as far as it has got by now."""
    batch.touch(contact_id, deal_id, "purchase" if product else "contract_signed", at)
    for kinds, days in data.AFTER_PURCHASE:
        if at + days * DAY > batch.now:
            return
        kind = rng.choice(kinds)
        score = rng.choice(data.NPS) if kind == "survey" else None
        batch.touch(contact_id, deal_id, kind, at + days * DAY, score=score)


def _verdict(
    rng: random.Random, status: str, progress: float, reason: str, k: int
) -> Sequence[str]:
    """BANT statuses that fit how the deal went: won and late deals qualified, deals
    lost for want of budget or authority disqualified, the rest in progress."""
    if status == "won" or (status == "open" and progress >= 0.6):
        return rng.choice(data.QUALIFIED)
    if "budget" in reason or (status == "open" and k % 6 == 0):
        return data.NO_BUDGET
    if "decision" in reason:
        return data.NO_AUTHORITY
    return rng.choice(data.IN_PROGRESS)


def _scaled(batch: _Batch, rng: random.Random, count: int, pipe: Pipe) -> None:
    """`count` deals in one pipeline, mostly open, with few calls per generated row."""
    size, people, now, stamp = len(pipe[1]), max(1, count // 2), batch.now, batch.stamp
    first_id = batch.next_contact
    batch.next_contact += people
    funnel = list(itertools.accumulate(size - s for s in range(size)))  # more deals early
    shapes = _shapes(size)
    titles = [f"{p.company} – {o}" for p in data.CONTACTS for o in data.OFFERINGS[0]]
    dues = {d: batch.today + timedelta(days=d) for d in range(-14, 15)}
    latest, first = [(0, "")] * people, [now] * people
    survey = (*data.SCALED_WON, *data.SCALED_AFTER).index("survey")
    surveys = [tuple(score if n == survey else None for n in range(10)) for score in range(11)]
    no_scores = (None,) * 10
    touches = batch.rows["touchpoint"]
    created_at = sorted(now - DAY - int(rng.random() * 269 * DAY) for _ in range(count))
    for i, created in enumerate(created_at):  # ids in order of creation
        who = i * people // count
        contact_id, roll = first_id + who, rng.random()
        status = "open" if roll < 0.78 else "won" if roll < 0.9 else "lost"
        if status == "won" and roll < 0.87:
            position = size - 1
        else:
            position = bisect.bisect(funnel, rng.random() * funnel[-1])
        story: list[int | str] = [*range(position + 1), *([] if status == "open" else [status])]
        end = created + int((now - created) * rng.uniform(0.4, 0.95))
        times = _spread(rng, created, end, len(story))
        deal_id = batch.deal(
            pipe, story, times, title=titles[i % len(titles)], contact_id=contact_id,
            value=int(rng.uniform(10, 1200)) * 10_000, source=data.SOURCES[i % 5],
            lost_reason=data.LOST_REASONS[i % len(data.LOST_REASONS)],
        )  # fmt: skip
        columns, before = shapes[status, position]
        last, after = times[-1], len(columns[0]) - before
        step = (last - created) // (before - 1)
        final = created + (before - 1) * step
        at = [stamp(created + n * step) for n in range(before)]
        if after:
            gap = (now - last) // (after + 1)
            final = last + after * gap
            at += [stamp(last + (n + 1) * gap) for n in range(after)]
        scores = surveys[i % len(surveys)] if status == "won" else no_scores
        touches.extend(
            zip(itertools.repeat(contact_id), itertools.repeat(deal_id), *columns, at, scores)
        )
        if final >= latest[who][0]:
            latest[who] = (final, columns[1][-1])
        first[who] = min(first[who], created)
        if i % 10 == 0:
            n = i // 10
            title = data.FOLLOWUP_TITLES[n % len(data.FOLLOWUP_TITLES)]
            done = now - DAY if n % 4 == 0 else None
            batch.followup(title, dues[n % 29 - 14], last, deal=deal_id, done=done)
        if i % 3 == 0:
            batch.answer(deal_id, data.SCALED_PROFILES[i // 3 % 3], last)
    for who in range(people):
        lead, trail, sep = data.NAME_PARTS[who % len(data.NAME_PARTS)]
        name = f"{lead[who // 5 % len(lead)]}{sep}{trail[who // 25 % len(trail)]}"
        contact_id = first_id + who
        batch.latest[contact_id] = latest[who]
        values = {"name": name, "email": f"contact{contact_id}@example.com"}
        values["company"] = data.CONTACTS[who % len(data.CONTACTS)].company
        values["source"] = data.SOURCES[who % len(data.SOURCES)]
        batch.contact(contact_id, values, first[who])


def _shapes(size: int) -> dict[tuple[str, int], tuple[tuple[tuple[str, ...], ...], int]]:
    """Ten touchpoints per scaled deal by where it ended, built once per shape: the
    columns (kind, journey stage, channel, direction, summary), and how many come
    before the deal's last change (the rest follow it)."""

    def columns(kinds: Sequence[str]) -> tuple[tuple[str, ...], ...]:
        rows = [
            (k, TOUCHPOINT_KINDS[k].value, *data.KIND_CHANNEL[k], data.SUMMARIES[k]) for k in kinds
        ]
        return tuple(zip(*rows, strict=True))

    shapes, won = {}, columns(data.SCALED_WON + data.SCALED_AFTER)
    for position in range(size):
        reach = 3 + (position + 1) * 6 // size
        journey = data.SCALED_JOURNEY  # topped up with calls, and ending where it got to:
        before = (*journey[:3], *("call",) * (10 - reach), *journey[3:reach])
        shapes["open", position] = (columns(before), 10)
        shapes["lost", position] = (columns((*before[:9], "newsletter_signup")), 10)
        shapes["won", position] = (won, len(data.SCALED_WON))
    return shapes
