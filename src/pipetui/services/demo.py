"""Sample data for `pipetui demo`: a small realistic set, or N deals for benchmarks.

Everything is built in memory first, with ids assigned up front (after the current
maximum) so history, touchpoints and answers can point at their deals without
reading anything back, then written with one executemany per table inside ONE
write transaction, so a failure leaves the database as it was. One ORM object per
row would take minutes at 100,000 deals; this takes seconds.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.engine import Connection

from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import TOUCHPOINT_KINDS
from pipetui.domain.pipeline import DEFAULT_PIPELINE, Stage
from pipetui.domain.text import search_key
from pipetui.services import clock
from pipetui.services import demo_data as data
from pipetui.store import pipelines as pipeline_store
from pipetui.store.contacts import contact_keys
from pipetui.store.database import Database
from pipetui.store.tables import METADATA, ContactRow, DealRow

DAY = 86_400
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Above this many new rows (and more than the table holds), indexes are rebuilt
# after loading: one sort per index instead of a million random B-tree inserts.
_REBUILD_INDEXES_FROM = 50_000

_CONTACT = ("id", "name", "sort_name", "search_key", "email", "phone", "company", "role",
            "source", "notes", "tags", "journey_stage", "journey_stage_manual", "created_at",
            "updated_at")  # fmt: skip
_DEAL = ("id", "title", "search_key", "pipeline_id", "stage_id", "status", "rank",
         "value_minor", "currency", "probability", "close_date", "source", "lost_reason",
         "contact_id", "created_at", "updated_at", "stage_entered_at", "closed_at")  # fmt: skip
_HISTORY = ("deal_id", "at", "from_stage_id", "to_stage_id", "from_status", "to_status",
            "imported")  # fmt: skip
_TOUCH = ("contact_id", "deal_id", "kind", "journey_stage", "channel", "direction", "at",
          "summary", "score")  # fmt: skip
_FOLLOWUP = ("deal_id", "contact_id", "title", "due", "created_at", "done_at")
_ANSWER = ("deal_id", "framework", "criterion", "status", "amount_minor", "currency", "who",
           "note", "target_date", "updated_at")  # fmt: skip
_CRITERIA = ("budget", "authority", "need", "timeline")
# Per-criterion statuses of the three verdicts, for the scaled data.
_PROFILES = (
    ("yes", "yes", "yes", "partial"),  # qualified
    ("yes", "unknown", "partial", "unknown"),  # in progress
    ("no", "partial", "yes", "yes"),  # disqualified
)
_PLAN = ((18, 7, 5), (9, 4, 2), (9, 3, 3))  # open, won, lost deals per demo pipeline
_FOLLOWUP_DAYS = (-9, 0, 4, -2, 12, 1, -21, 7, 0, 30, -4, 2)  # due, from today
_NPS = (10, 9, 9, 8, 7, 6, 3, 10, 9, 0)


class DemoRefused(ValidationError):
    """Demo data mixed into someone's real deals would be hard to pick out again."""

    def __init__(self) -> None:
        super().__init__("database", "is not empty; use --force to add the demo data to it anyway")


@dataclass(frozen=True)
class DemoSummary:
    """What `load_demo` added, so the CLI can report it and tests can check it.

    `pipelines` counts the pipelines holding demo deals, whether or not new.
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
    rng = random.Random(seed)
    with db.write() as conn:
        if not force and _has_data(conn):
            raise DemoRefused()
        batch = _Batch(conn, clock.now(), clock.today())
        sales = _default_pipeline(conn)
        if deals is None:
            _curated(batch, rng, [sales, *_extra_pipelines(conn, clock.now())])
        else:
            _scaled(batch, rng, deals, sales)
        batch.write(conn)
    return DemoSummary(
        len(batch.pipelines),
        len(batch.deals),
        len(batch.contacts),
        len(batch.touchpoints),
        len(batch.followups),
    )


def _has_data(conn: Connection) -> bool:
    return any(
        conn.execute(select(column).limit(1)).first() is not None
        for column in (DealRow.id, ContactRow.id)
    )


def _default_pipeline(conn: Connection) -> tuple[int, list[Stage]]:
    known = pipeline_store.pipelines(conn)
    if not known:
        raise ValidationError("pipeline", "the database has no pipeline")
    chosen = next((p for p in known if p.name.casefold() == DEFAULT_PIPELINE.casefold()), known[0])
    return chosen.id, _open_stages(conn, chosen.id, chosen.name)


def _open_stages(conn: Connection, pipeline_id: int, name: str) -> list[Stage]:
    stages = pipeline_store.stages(conn, pipeline_id)
    if not stages:
        raise ValidationError("pipeline", f"{name} has no stages to put demo deals in")
    return stages


def _extra_pipelines(conn: Connection, now: datetime) -> list[tuple[int, list[Stage]]]:
    """The demo's own pipelines, reused when a forced second run finds them."""
    known = {p.name.casefold(): p.id for p in pipeline_store.pipelines(conn)}
    found = []
    for name, stages in data.PIPELINES:
        pipeline_id = known.get(name.casefold())
        if pipeline_id is None:
            pipeline_id = pipeline_store.insert_pipeline(conn, name=name, now=now)
            for position, (stage, probability, rotting) in enumerate(stages, start=1):
                pipeline_store.insert_stage(
                    conn,
                    pipeline_id=pipeline_id,
                    name=stage,
                    position=position,
                    probability=probability,
                    rotting_days=rotting,
                )
        found.append((pipeline_id, _open_stages(conn, pipeline_id, name)))
    return found


def _sqlite_stamp() -> Callable[[int], str]:
    """SQLite keeps times as text in SQLAlchemy's layout (UTC, with microseconds);
    writing that text directly spares a conversion per row on a million rows."""
    days: dict[int, str] = {}

    def stamp(seconds: int) -> str:
        day, rest = divmod(seconds, DAY)
        text = days.get(day)
        if text is None:
            text = days[day] = (_EPOCH + timedelta(days=day)).strftime("%Y-%m-%d")
        return f"{text} {rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}.000000"

    return stamp


def _spread(rng: random.Random, start: int, end: int, count: int) -> list[int]:
    """`count` strictly increasing, slightly irregular times from `start` to `end`."""
    if count == 1:
        return [start]
    step = max(3, (end - start) // (count - 1))
    return [start] + [start + k * step - rng.randrange(step // 3) for k in range(1, count)]


class _Batch:
    """Every row to write, as tuples in column order; times are epoch seconds."""

    def __init__(self, conn: Connection, now: datetime, today: date) -> None:
        self.now = int(now.timestamp())
        self.today = today
        sqlite = conn.dialect.name == "sqlite"
        self.stamp: Callable[[int], Any] = (
            _sqlite_stamp() if sqlite else lambda s: _EPOCH + timedelta(seconds=s)
        )
        self.day: Callable[[date], Any] = date.isoformat if sqlite else lambda d: d
        self.next_contact = int(conn.execute(select(func.max(ContactRow.id))).scalar() or 0) + 1
        self.next_deal = int(conn.execute(select(func.max(DealRow.id))).scalar() or 0) + 1
        self.rank = int(conn.execute(select(func.min(DealRow.rank))).scalar() or 0) - 1
        self.pipelines: set[int] = set()
        self.contacts: list[tuple[Any, ...]] = []
        self.deals: list[tuple[Any, ...]] = []
        self.history: list[tuple[Any, ...]] = []
        self.touchpoints: list[tuple[Any, ...]] = []
        self.followups: list[tuple[Any, ...]] = []
        self.answers: list[tuple[Any, ...]] = []
        self.latest: dict[int, tuple[int, str]] = {}  # contact id -> (time, journey stage)
        self.earliest: dict[int, int] = {}  # contact id -> time of the first touchpoint

    def deal(
        self,
        pipeline_id: int,
        stages: Sequence[Stage],
        story: Sequence[int | str],
        times: Sequence[int],
        **fields: Any,
    ) -> int:
        """Add a deal and its history. `story` starts with the index of its first
        stage, then holds a stage index per move or a status per status change."""
        deal_id, self.next_deal = self.next_deal, self.next_deal + 1
        stage_id, status, entered = stages[int(story[0])].id, "open", times[0]
        self.history.append((deal_id, self.stamp(times[0]), None, stage_id, None, "open", False))
        for step, at in zip(story[1:], times[1:], strict=True):
            to_stage, to_status = (stages[step].id, status) if isinstance(step, int) else (
                stage_id, step)  # fmt: skip
            self.history.append(
                (deal_id, self.stamp(at), stage_id, to_stage, status, to_status, False)
            )
            entered = at if to_stage != stage_id else entered
            stage_id, status = to_stage, to_status
        close = fields.pop("close_date", None)
        self.deals.append((
            deal_id, fields["title"], search_key(fields["title"]), pipeline_id, stage_id, status,
            self.rank, fields["value"], fields["currency"], fields.get("probability"),
            self.day(close) if close else None, fields["source"],
            fields.get("lost_reason") if status == "lost" else None, fields["contact_id"],
            self.stamp(times[0]), self.stamp(times[-1]), self.stamp(entered),
            self.stamp(times[-1]) if status != "open" else None,
        ))  # fmt: skip
        self.rank -= 1
        self.pipelines.add(pipeline_id)
        return deal_id

    def touch(self, contact_id: int, deal_id: int | None, kind: str, at: int, **extra: Any) -> None:
        """Add a touchpoint, keeping track of each contact's latest journey stage."""
        at = min(at, self.now)
        stage = TOUCHPOINT_KINDS[kind].value
        channel, direction = data.KIND_CHANNEL[kind]
        summary = extra.get("summary", data.SUMMARIES[kind])
        self.touchpoints.append((contact_id, deal_id, kind, stage, channel, direction,
                                 self.stamp(at), summary, extra.get("score")))  # fmt: skip
        if at >= self.latest.get(contact_id, (0, ""))[0]:
            self.latest[contact_id] = (at, stage)
        self.earliest[contact_id] = min(at, self.earliest.get(contact_id, at))

    def followup(
        self, title: str, due: date, created: int, *, deal: int | None = None,
        contact: int | None = None, done: int | None = None,
    ) -> None:  # fmt: skip
        """Add a follow-up on a deal or a contact."""
        self.followups.append((deal, contact, title, self.day(due), self.stamp(created),
                               None if done is None else self.stamp(min(done, self.now))))  # fmt: skip

    def answer(self, deal_id: int, statuses: Sequence[str], at: int, **details: Any) -> None:
        """Add BANT answers; details (amount, who, notes, date) only where not unknown/no."""
        amount, currency = details.get("amount"), details.get("currency")
        when, stamp = details.get("target_date"), self.stamp(at)
        for criterion, status in zip(_CRITERIA, statuses, strict=True):
            known = status in ("yes", "partial")
            row = (
                {
                    "budget": (amount, currency, None, details.get("budget_note")),
                    "authority": (None, None, details.get("who"), details.get("authority_note")),
                    "need": (None, None, None, details.get("need")),
                    "timeline": (None, None, None, None),
                }[criterion]
                if known
                else (None,) * 4
            )
            target = self.day(when) if known and when and criterion == "timeline" else None
            self.answers.append((deal_id, "bant", criterion, status, *row, target, stamp))  # fmt: skip

    def contact(self, contact_id: int, values: dict[str, Any], created: int) -> None:
        """Add a contact; its journey stage is that of its latest touchpoint."""
        at, stage = self.latest.get(contact_id, (created, None))
        keys = contact_keys(values)
        self.contacts.append((
            contact_id, values["name"], keys["sort_name"], keys["search_key"],
            *(values.get(name) for name in ("email", "phone", "company", "role", "source",
                                            "notes", "tags")),
            stage, False, self.stamp(min(created, at)), self.stamp(max(created, at)),
        ))  # fmt: skip

    def write(self, conn: Connection) -> None:
        """One executemany per table, parents before children."""
        for name, columns, rows in (
            ("contact", _CONTACT, self.contacts),
            ("deal", _DEAL, self.deals),
            ("stage_history", _HISTORY, self.history),
            ("touchpoint", _TOUCH, self.touchpoints),
            ("followup", _FOLLOWUP, self.followups),
            ("qualification", _ANSWER, self.answers),
        ):
            _insert(conn, METADATA.tables[name], columns, rows)
        if conn.dialect.name == "postgresql":  # explicit ids leave the sequences behind
            for name in ("contact", "deal"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM {name}))"
                )


def _insert(conn: Connection, table: Table, columns: Sequence[str], rows: list[Any]) -> None:
    """SQLite gets the driver's executemany directly (about 3x faster than Core on
    a million rows); other engines get a Core executemany with the same rows."""
    if not rows:
        return
    big = len(rows) >= _REBUILD_INDEXES_FROM
    existing = conn.execute(select(func.count()).select_from(table)).scalar() if big else 0
    indexes = (
        sorted(table.indexes, key=lambda i: str(i.name))
        if len(rows) > (existing or 0) and big
        else []
    )
    for index in indexes:
        index.drop(conn)
    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" * len(columns))
        conn.exec_driver_sql(
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})", rows
        )
    else:
        conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
    for index in indexes:
        index.create(conn)


_AWARE = {"Referral": "referral_heard", "Website": "website_visit", "LinkedIn": "ad_seen",
          "Conference": "event_met"}  # fmt: skip


def _curated(batch: _Batch, rng: random.Random, pipelines: list[tuple[int, list[Stage]]]) -> None:
    """About 60 deals for 40 people, shaped like a solo seller's last nine months."""
    people = data.CONTACTS
    ids = [batch.next_contact + n for n in range(len(people))]
    batch.next_contact += len(people)
    order = list(range(len(people)))
    rng.shuffle(order)
    buyers, leads = order[:-6], order[-6:]  # six people are still only leads
    total = sum(sum(plan) for plan in _PLAN)
    owners = buyers + [rng.choice(buyers) for _ in range(total - len(buyers))]
    rng.shuffle(owners)
    first_deal: dict[int, int] = {}
    for index, (pipeline, plan) in enumerate(zip(pipelines, _PLAN, strict=True)):
        offerings = list(data.OFFERINGS[index])
        rng.shuffle(offerings)
        statuses = ["open"] * plan[0] + ["won"] * plan[1] + ["lost"] * plan[2]
        for k, status in enumerate(statuses):
            who = owners.pop()
            title = f"{people[who].company} – {offerings[k % len(offerings)]}"
            created = _curated_deal(batch, rng, pipeline, index, k, status, who, ids[who], title)
            first_deal[ids[who]] = min(created, first_deal.get(ids[who], created))
    for who in buyers:
        kind = _AWARE.get(people[who].source)
        if kind:
            batch.touch(ids[who], None, kind, first_deal[ids[who]] - rng.randrange(DAY, 20 * DAY))
    for n, who in enumerate(leads):
        at = batch.now - rng.randrange(10 * DAY, 200 * DAY)
        batch.touch(ids[who], None, _AWARE.get(people[who].source, "ad_seen"), at)
        if n % 3:
            later = ("website_visit", "newsletter_signup", "enquiry")[n % 3]
            batch.touch(ids[who], None, later, at + rng.randrange(DAY, 9 * DAY))
        if n < 3:
            due = batch.today + timedelta(days=(-3, 0, 5)[n])
            batch.followup(data.LEAD_FOLLOWUP, due, at, contact=ids[who])
    for who, person in enumerate(people):
        batch.contact(ids[who], person._asdict(), batch.earliest[ids[who]])


def _story(rng: random.Random, size: int, k: int, status: str) -> list[int | str]:
    """Stage indices walked in order (some went back once), then status changes
    (some were lost once and revived)."""
    if status == "open":
        position = k % size
    elif status == "won":
        position = max(0, size - 1 - (k % 3 == 0))
    else:
        position = rng.randrange(size)
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
    pipeline: tuple[int, list[Stage]],
    index: int,
    k: int,
    status: str,
    who: int,
    contact_id: int,
    title: str,
) -> int:
    """One deal with the touchpoints, follow-up and BANT answers its story implies;
    returns when it was created."""
    person, (pipeline_id, stages) = data.CONTACTS[who], pipeline
    size = len(stages)
    story = _story(rng, size, k, status)
    created = batch.now - rng.randrange(4 * DAY, 270 * DAY)
    share = rng.uniform(0.4, 0.98) if status == "open" else rng.uniform(0.3, 0.9)
    times = _spread(rng, created, created + int((batch.now - created) * share), len(story))
    low, high = data.VALUE_RANGES[index]
    major, currency = rng.randrange(low // 500, high // 500 + 1) * 500, "USD"
    if person.region == "il" and rng.random() < 0.75:
        major, currency = major * 37 // 10_000 * 1000, "ILS"
    elif person.region == "eu":
        major, currency = major * 92 // 10_000 * 100, "EUR"
    closed_day = (_EPOCH + timedelta(seconds=times[-1])).date()
    close_date = closed_day if status != "open" else None
    if status == "open" and rng.random() < 0.7:
        close_date = batch.today + timedelta(days=rng.randint(7, 120))
    reason = rng.choice(data.LOST_REASONS) if status == "lost" else ""
    deal_id = batch.deal(
        pipeline_id, stages, story, times, title=title, value=major * 100, currency=currency,
        source=person.source, contact_id=contact_id, lost_reason=reason or None,
        probability=rng.choice((35, 50, 70, 90)) if status == "open" and k % 9 == 5 else None,
        close_date=close_date,
    )  # fmt: skip
    previous = 0
    for n, (step, at) in enumerate(zip(story, times, strict=True)):
        at += rng.randrange(600, 3 * 3600)
        if n == 0:
            batch.touch(contact_id, deal_id, "call" if person.source == "Cold outreach" else
                        "enquiry", at)  # fmt: skip
        elif isinstance(step, int) and step < previous:
            batch.touch(contact_id, deal_id, "demo", at, summary=data.BACKWARD_SUMMARY)
        elif isinstance(step, int):
            batch.touch(contact_id, deal_id, _move_kind(rng, (step + 1) / size), at)
        elif step == "open":
            batch.touch(contact_id, deal_id, "call", at, summary=data.REOPEN_SUMMARY)
        elif step == "won":
            _after_purchase(batch, rng, contact_id, deal_id, at, index == 2)
        elif rng.random() < 0.5 and at + 60 * DAY < batch.now:  # lost, still reading us
            kind = rng.choice(("website_visit", "newsletter_signup"))
            batch.touch(contact_id, None, kind, at + rng.randrange(20 * DAY, 60 * DAY))
        previous = step if isinstance(step, int) else previous
    if status == "open" and k % 4 != 3:
        due = batch.today + timedelta(days=_FOLLOWUP_DAYS[(k + index) % len(_FOLLOWUP_DAYS)])
        batch.followup(rng.choice(data.FOLLOWUP_TITLES), due, times[-1], deal=deal_id)
    elif status == "won":
        due, done = closed_day + timedelta(days=2), times[-1] + 2 * DAY
        batch.followup(data.DONE_FOLLOWUP, due, times[-1], deal=deal_id, done=done)
    if k % 5 != 2:
        batch.answer(
            deal_id, _verdict(rng, status, (previous + 1) / size, reason, k), times[-1],
            amount=major * 100, currency=currency, who=person.name,
            budget_note=rng.choice(data.BUDGET_NOTES), need=rng.choice(data.NEEDS),
            authority_note=rng.choice(data.AUTHORITY_NOTES), target_date=close_date,
        )  # fmt: skip
    return created


def _move_kind(rng: random.Random, progress: float) -> str:
    """What usually happens when a deal reaches a stage this far along."""
    if progress <= 0.34:
        return "call"
    if progress <= 0.67:
        return rng.choice(("meeting", "demo", "case_study_sent"))
    return rng.choice(("quote_requested", "proposal_sent", "trial_started"))


def _after_purchase(
    batch: _Batch, rng: random.Random, contact_id: int, deal_id: int, at: int, product: bool
) -> None:
    """The customer's journey after buying, as far as it has got by now."""
    steps = [("purchase" if product else "contract_signed", 0), ("onboarding", 5),
             ("survey", 30), ("check_in", 60),
             (rng.choice(("renewal", "upsell", "repeat_purchase")), 120),
             (rng.choice(("review", "referral_given", "testimonial")), 150)]  # fmt: skip
    if rng.random() < 0.3:
        steps.insert(3, ("support_request", 40))
    for kind, days in steps:
        if at + days * DAY > batch.now:
            return
        score = rng.choice(_NPS) if kind == "survey" else None
        batch.touch(contact_id, deal_id, kind, at + days * DAY, score=score)


def _verdict(
    rng: random.Random, status: str, progress: float, reason: str, k: int
) -> tuple[str, ...]:
    """BANT statuses that fit how the deal went: won and late deals qualified,
    lost for budget or authority disqualified, the rest in progress."""
    if status == "won" or (status == "open" and progress >= 0.6):
        return ("yes", rng.choice(("yes", "partial")), "yes", rng.choice(("yes", "partial")))
    if "budget" in reason:
        return ("no", "partial", "yes", "unknown")
    if "decision" in reason:
        return ("partial", "no", "yes", "unknown")
    if status == "open" and k % 6 == 0:
        return ("no", "unknown", "partial", "unknown")
    return rng.choice(
        (("partial", "unknown", "yes", "unknown"), ("yes", "partial", "partial", "unknown"))
    )


def _scaled(
    batch: _Batch, rng: random.Random, count: int, pipeline: tuple[int, list[Stage]]
) -> None:
    """`count` deals in one pipeline, mostly open, with few calls per generated row."""
    pipeline_id, stages = pipeline
    size, people, now, stamp = len(stages), max(1, count // 2), batch.now, batch.stamp
    first_id = batch.next_contact
    batch.next_contact += people
    weights = list(itertools.accumulate(size - s for s in range(size)))  # a funnel's shape
    shapes = _shapes(size)
    titles = [f"{p.company} – {o}" for p in data.CONTACTS for o in data.OFFERINGS[0]]
    dues = {d: batch.day(batch.today + timedelta(days=d)) for d in range(-14, 15)}
    latest, first = [(0, "")] * people, [now] * people
    touches, followups, answers = batch.touchpoints, batch.followups, batch.answers
    for i in range(count):
        who = i * people // count
        contact_id = first_id + who
        roll = rng.random()
        status = "open" if roll < 0.78 else "won" if roll < 0.9 else "lost"
        if status == "won" and roll < 0.87:
            position = size - 1
        else:
            position = rng.choices(range(size), cum_weights=weights)[0]
        story: list[int | str] = [*range(position + 1)]
        if status != "open":
            story.append(status)
        created = now - rng.randrange(DAY, 270 * DAY)
        end = created + (now - created) * rng.randrange(40, 96) // 100
        times = _spread(rng, created, end, len(story))
        deal_id = batch.deal(
            pipeline_id, stages, story, times, title=titles[i % len(titles)],
            value=rng.randrange(10, 1200) * 10_000, currency="USD", source=data.SOURCES[i % 5],
            contact_id=contact_id, lost_reason=data.LOST_REASONS[i % len(data.LOST_REASONS)],
        )  # fmt: skip
        before, after = shapes[status, position]
        last = times[-1]
        step = (last - created) // (len(before) - 1)
        touches.extend((contact_id, deal_id, *row, stamp(created + n * step), summary, None)
                       for n, (*row, summary) in enumerate(before))  # fmt: skip
        end = created + (len(before) - 1) * step
        if after:
            gap = (now - last) // (len(after) + 1)
            end = last + len(after) * gap
            touches.extend((contact_id, deal_id, *row, stamp(last + (n + 1) * gap), summary,
                            i % 11 if row[0] == "survey" else None)
                           for n, (*row, summary) in enumerate(after))  # fmt: skip
        if end >= latest[who][0]:
            latest[who] = (end, (after or before)[-1][1])
        first[who] = min(first[who], created)
        if i % 10 == 0:
            n = i // 10
            done = stamp(now - DAY) if n % 4 == 0 else None
            title = data.FOLLOWUP_TITLES[n % len(data.FOLLOWUP_TITLES)]
            followups.append((deal_id, None, title, dues[n % 29 - 14], stamp(last), done))
        if i % 3 == 0:
            profile, at = _PROFILES[i // 3 % 3], stamp(last)
            answers.extend((deal_id, "bant", criterion, status, None, None, None, None, None, at)
                           for criterion, status in zip(_CRITERIA, profile, strict=True))  # fmt: skip
    for who in range(people):
        lead, trail, sep = data.NAME_PARTS[who % len(data.NAME_PARTS)]
        name = f"{lead[who // 5 % len(lead)]}{sep}{trail[who // 25 % len(trail)]}"
        contact_id = first_id + who
        batch.latest[contact_id] = latest[who]
        values = {"name": name, "email": f"contact{contact_id}@example.com",
                  "company": data.CONTACTS[who % len(data.CONTACTS)].company,
                  "source": data.SOURCES[who % len(data.SOURCES)]}  # fmt: skip
        batch.contact(contact_id, values, first[who])


def _shapes(size: int) -> dict[tuple[str, int], tuple[tuple[tuple[Any, ...], ...], ...]]:
    """The ten touchpoints of a scaled deal by where it ended, built once per shape:
    (touchpoints up to its last change, touchpoints after it)."""
    journey = ("ad_seen", "website_visit", "enquiry", "call", "meeting", "demo",
               "case_study_sent", "quote_requested", "proposal_sent")  # fmt: skip
    won = ("ad_seen", "website_visit", "enquiry", "call", "demo", "proposal_sent",
           "contract_signed")  # fmt: skip

    def rows(kinds: Sequence[str]) -> tuple[tuple[Any, ...], ...]:
        return tuple((k, TOUCHPOINT_KINDS[k].value, *data.KIND_CHANNEL[k], data.SUMMARIES[k])
                     for k in kinds)  # fmt: skip

    shapes = {}
    for position in range(size):
        reach = 3 + (position + 1) * 6 // size
        before = (*journey[:reach], *("call",) * (10 - reach))
        shapes["open", position] = (rows(before), ())
        shapes["lost", position] = (rows((*before[:9], "newsletter_signup")), ())
        shapes["won", position] = (rows(won), rows(("onboarding", "survey", "renewal")))
    return shapes
