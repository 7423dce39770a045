"""A seller who exports everything and imports it into a new, empty database
gets back exactly what they had: every pipeline and stage with its settings,
every contact, deal (its history and its place on the board), touchpoint,
touchpoint kind, follow-up, BANT answer with its history and lead-source spend,
with the same ids, and the same funnel report for every pipeline. Importing the
same file again adds nothing.

CSV, one kind per file, carries the rows without the stages' settings: contacts,
deals then touchpoints imported into an empty database give back the same rows.

The databases are built at random through the real use cases (pipelines,
stages, contacts, deals moved, won, lost, reopened, edited, given to a seller
and deleted, touchpoints, follow-ups, BANT, spend, by several sellers in turn
or by nobody known, so owners and who made each history row travel too), with
text in Hebrew, Arabic, CJK and emoji mixed with whatever Hypothesis finds
(control characters, bidi overrides, formula-looking cells...), at times down
to the microsecond.

Nothing the app allows is left out: two contacts of one name or one email,
identical touchpoints, a stage named like a removed one all happen. What the
properties found is kept at the end as plain examples.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from db_targets import Targets
from pipetui.cli import main
from pipetui.domain.bant import Answer
from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import Direction, JourneyStage
from pipetui.domain.money import Money
from pipetui.domain.text import clean_text
from pipetui.services import clock, deals, followups, pipelines, qualification
from pipetui.services.contacts import add_contact, delete_contact, edit_contact
from pipetui.services.reports import funnel_report, set_source_spend
from pipetui.services.serialize import funnel_json
from pipetui.services.touchpoints import log_touchpoint
from pipetui.services.transfer import ImportOptions, export, import_file, import_source, read_bytes
from pipetui.store.database import Database, open_database
from pipetui.store.imports import has_data as _has_data
from table_dump import dump

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def _no_user_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A frozen clock, and no settings file, home or data directory of the user's
    (the CLI's `report funnel` reads settings)."""
    monkeypatch.setenv("PIPETUI_NOW", T0.isoformat())
    monkeypatch.setenv("PIPETUI_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("PIPETUI_DB", raising=False)


# --- random text and random databases ---------------------------------------------------

WORLD = [
    "שלום כהן",
    "דנה לוי, סמנכ״ל",
    "محمد العلي",
    "فاطمة الزهراء",
    "李小龙",
    "山田 太郎",
    "김민준",
    "🦄 Unicorn Labs",
    "👩🏽‍💻 Dev team",
    "Zoë Ørsted",
    "Straße",
    "İstanbul",
    "=SUM(A1:A9)",
    "+972 50-123-4567",
    "-5% off",
    "@everyone",
    "'quoted",
    "'=already quoted",
    '"quotes", commas',
]
# Anything at all (control characters, bidi overrides, lone combining marks...).
anything = st.text(max_size=12)
words = st.one_of(
    st.sampled_from(WORLD),
    st.tuples(st.sampled_from(WORLD), anything).map("".join),
    st.tuples(anything, st.sampled_from(WORLD)).map("".join),
    st.tuples(st.sampled_from(WORLD), anything, st.sampled_from(WORLD)).map("\n".join),
)
maybe_words = st.none() | words
EMAILS = [
    "dana@example.com",
    "DANA@Example.com",
    "محمد@مثال.com",
    "李@例子.中国",
    "x+tag@ex.io",
    "=cmd@ex.io",
]
emails = st.none() | st.sampled_from(EMAILS)
CURRENCIES = ["USD", "EUR", "ILS", "JPY", "KWD", "CLF"]
amounts = st.sampled_from([0, 1, 5, 99, 100, 150_050]) | st.integers(0, 10**13)
probabilities = st.integers(0, 100)
ref = st.integers(0, 50)  # picks one of what exists, modulo how many
days = st.dates(date(2025, 1, 1), date(2027, 12, 31))
# Gaps between changes: none (the same microsecond), tiny, or days.
gaps = st.sampled_from([0, 1, 10**6, 3600 * 10**6, 86_400 * 10**6]) | st.integers(0, 10**11)
answers = st.sampled_from(list(Answer))
USERS = ["dana", "עומר כהן", "李小龙", "=cmd", "Zoë Ørsted"]

add_contact_op = st.tuples(
    st.just("contact"), words, emails, maybe_words, maybe_words, maybe_words, maybe_words,
    maybe_words,
)  # fmt: skip
add_deal_op = st.tuples(
    st.just("deal"), words, amounts, st.sampled_from(CURRENCIES), ref, ref,
    st.none() | ref | words, maybe_words, st.none() | days, st.none() | probabilities,
)  # fmt: skip
operations = st.one_of(
    st.tuples(st.just("pipeline"), words),
    st.tuples(st.just("rename_pipeline"), ref, words),
    st.tuples(st.just("stage"), ref, words, ref, probabilities, st.none() | st.integers(1, 90)),
    st.tuples(st.just("rename_stage"), ref, ref, words),
    st.tuples(st.just("set_stage"), ref, ref, probabilities, st.none() | st.integers(1, 90)),
    st.tuples(st.just("move_stage"), ref, ref, ref),
    st.tuples(st.just("remove_stage"), ref, ref, ref),
    add_contact_op,
    st.tuples(
        st.just("edit_contact"),
        ref,
        maybe_words,
        maybe_words,
        st.sampled_from([None, "auto", *(s.value for s in JourneyStage)]),
    ),
    st.tuples(st.just("delete_contact"), ref),
    add_deal_op,
    st.tuples(st.just("move"), ref, ref),
    st.tuples(st.just("step"), ref, st.sampled_from([1, 1, 2, -1])),
    st.tuples(st.just("win"), ref),
    st.tuples(st.just("lose"), ref, words, st.none() | days),
    st.tuples(st.just("reopen"), ref),
    st.tuples(
        st.just("edit"),
        ref,
        st.none() | words,
        st.none() | amounts,
        st.sampled_from(CURRENCIES),
        maybe_words,
        st.none() | days,
        st.none() | probabilities,
    ),
    st.tuples(st.just("delete"), ref),
    # Team mode: who works from here on, and deals given to someone (or no one).
    st.tuples(st.just("as_user"), st.none() | st.sampled_from(USERS)),
    st.tuples(st.just("give"), ref, st.none() | st.sampled_from(USERS)),
    st.tuples(
        st.just("touch"),
        ref,
        st.sampled_from(["call", "Demo", "quote requested", "renewal"]),
        maybe_words,
        maybe_words,
        st.sampled_from([None, *Direction]),
        st.none() | st.integers(-(10**11), 0),
        st.booleans(),
        st.none() | st.integers(0, 10),
    ),
    st.tuples(
        st.just("own_kind"),
        ref,
        st.sampled_from(["שיחת זום", "وسيط", "展示会", "💬 chat"]),
        st.sampled_from(list(JourneyStage)),
        maybe_words,
    ),
    st.tuples(st.just("followup"), ref, st.booleans(), words, days),
    st.tuples(st.just("done"), ref),
    st.tuples(
        st.just("qualify"),
        ref,
        st.sampled_from(["budget", "authority", "need", "timeline"]),
        answers,
        st.none() | amounts,
        st.sampled_from(CURRENCIES),
        maybe_words,
        maybe_words,
        st.none() | days,
    ),
    st.tuples(
        st.just("spend"),
        words,
        st.sampled_from(["2026-01", "2026-02", "2026-03"]),
        amounts,
        st.sampled_from(CURRENCIES),
    ),
)
# Some contacts and deals first, then anything (more of them too).
programs = st.builds(
    lambda *parts: [step for part in parts for step in part],
    st.lists(st.tuples(gaps, add_contact_op), min_size=1, max_size=5),
    st.lists(st.tuples(gaps, add_deal_op), min_size=1, max_size=8),
    st.lists(st.tuples(gaps, operations), min_size=3, max_size=40),
)


def _ids(db: Database, sql: str) -> list[Any]:
    with db.read() as conn:
        return [row[0] if len(row) == 1 else tuple(row) for row in conn.exec_driver_sql(sql)]


def _pick(items: list[Any], index: int) -> Any:
    return items[index % len(items)] if items else None


class Builder:
    """Plays a random program through the use cases, one frozen moment after
    another. A change the app refuses (a deal already won, a duplicate stage
    name...) is skipped, as a user's refused command changes nothing.

    Nothing the app allows is avoided: contacts of one name or one email,
    identical touchpoints, a stage named like a removed one all happen.
    """

    def __init__(self, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
        self.db, self.monkeypatch = db, monkeypatch
        self.now = T0

    def play(self, program: list[tuple[int, tuple[Any, ...]]]) -> None:
        for gap, operation in program:
            self.now += timedelta(microseconds=gap)
            self.monkeypatch.setenv("PIPETUI_NOW", self.now.isoformat())
            kind, *args = operation
            try:
                getattr(self, f"_{kind}")(*args)
            except ValidationError:
                continue
        self.now += timedelta(hours=5)  # reports read a little later
        self.monkeypatch.setenv("PIPETUI_NOW", self.now.isoformat())

    # -- what exists now

    def pipelines(self) -> list[pipelines.PipelineWithStages]:
        return pipelines.list_pipelines(self.db)

    def deal_ids(self) -> list[int]:
        return _ids(self.db, "SELECT id FROM deal ORDER BY id")

    def contacts(self) -> list[tuple[int, str, str | None]]:
        return _ids(self.db, "SELECT id, name, email FROM contact ORDER BY id")

    # -- pipelines and stages

    def _pipeline(self, name: str) -> None:
        pipelines.add_pipeline(self.db, name=name)

    def _rename_pipeline(self, which: int, name: str) -> None:
        chosen = _pick(self.pipelines(), which)
        pipelines.rename_pipeline(self.db, pipeline=chosen.pipeline.name, new_name=name)

    def _stage(self, which: int, name: str, position: int, probability: int, rot: Any) -> None:
        chosen = _pick(self.pipelines(), which)
        pipelines.add_stage(
            self.db,
            pipeline=chosen.pipeline.name,
            name=name,
            position=position % (len(chosen.stages) + 1) + 1,
            probability=probability,
            rotting_days=rot,
        )

    def _rename_stage(self, which: int, stage: int, name: str) -> None:
        chosen = _pick(self.pipelines(), which)
        pipelines.rename_stage(
            self.db,
            pipeline=chosen.pipeline.name,
            stage=_pick(chosen.stages, stage).name,
            new_name=name,
        )

    def _set_stage(self, which: int, stage: int, probability: int, rot: Any) -> None:
        chosen = _pick(self.pipelines(), which)
        pipelines.set_stage(
            self.db,
            pipeline=chosen.pipeline.name,
            stage=_pick(chosen.stages, stage).name,
            probability=probability,
            rotting_days=rot,
            clear_rotting=rot is None,
        )

    def _move_stage(self, which: int, stage: int, position: int) -> None:
        chosen = _pick(self.pipelines(), which)
        pipelines.move_stage(
            self.db,
            pipeline=chosen.pipeline.name,
            stage=_pick(chosen.stages, stage).name,
            position=position % len(chosen.stages) + 1,
        )

    def _remove_stage(self, which: int, stage: int, move_to: int) -> None:
        chosen = _pick(self.pipelines(), which)
        pipelines.remove_stage(
            self.db,
            pipeline=chosen.pipeline.name,
            stage=_pick(chosen.stages, stage).name,
            move_to=_pick(chosen.stages, move_to).name,
        )

    # -- contacts

    def _contact(self, name: str, email: str | None, *fields: str | None) -> None:
        phone, company, role, source, notes = fields
        add_contact(
            self.db, name=name, email=email, phone=phone, company=company, role=role,
            source=source, notes=notes,
        )  # fmt: skip

    def _edit_contact(self, which: int, notes: Any, company: Any, stage: str | None) -> None:
        chosen = _pick(self.contacts(), which)
        if chosen is None:
            return
        edit_contact(
            self.db, str(chosen[0]), notes=notes or "", company=company, journey_stage=stage
        )

    def _delete_contact(self, which: int) -> None:
        chosen = _pick(self.contacts(), which)
        if chosen is not None:
            delete_contact(self.db, str(chosen[0]))

    # -- deals

    def _deal(
        self,
        title: str,
        value: int,
        currency: str,
        which: int,
        stage: int,
        contact: int | str | None,
        source: str | None,
        close: date | None,
        probability: int | None,
    ) -> None:
        chosen = _pick(self.pipelines(), which)
        if isinstance(contact, int):
            picked = _pick(self.contacts(), contact)
            contact = f"#{picked[0]}" if picked else None
        elif isinstance(contact, str) and not clean_text(contact, single_line=True):
            contact = None  # (a name becomes a new contact, or the one of that name)
        deals.add_deal(
            self.db,
            title=title,
            value=Money(value, currency),
            stage_id=_pick(chosen.stages, stage).id,
            contact=contact,
            source=source,
            close_date=close,
            probability=probability,
        )

    def _move(self, which: int, stage: int) -> None:
        deal_id = _pick(self.deal_ids(), which)
        if deal_id is None:
            return
        pipeline_id = _ids(self.db, f"SELECT pipeline_id FROM deal WHERE id = {deal_id}")[0]
        chosen = next(p for p in self.pipelines() if p.pipeline.id == pipeline_id)
        deals.move_deal(self.db, deal_id, stage=_pick(chosen.stages, stage).name)

    def _step(self, which: int, steps: int) -> None:
        deal_id = _pick(self.deal_ids(), which)
        if deal_id is not None:
            deals.step_deal(self.db, deal_id, steps=steps)

    def _win(self, which: int) -> None:
        deal_id = _pick(self.deal_ids(), which)
        if deal_id is not None:
            deals.win_deal(self.db, deal_id)

    def _lose(self, which: int, reason: str, revisit: date | None) -> None:
        deal_id = _pick(self.deal_ids(), which)
        if deal_id is not None:
            deals.lose_deal(self.db, deal_id, reason=reason, revisit=revisit)

    def _reopen(self, which: int) -> None:
        deal_id = _pick(self.deal_ids(), which)
        if deal_id is not None:
            deals.reopen_deal(self.db, deal_id)

    def _edit(self, which: int, title: Any, value: Any, currency: str, *rest: Any) -> None:
        deal_id = _pick(self.deal_ids(), which)
        if deal_id is None:
            return
        source, close, probability = rest
        deals.edit_deal(
            self.db, deal_id, title=title, value=None if value is None else Money(value, currency),
            source=source, close_date=close, probability=probability,
        )  # fmt: skip

    def _as_user(self, name: str | None) -> None:
        """Another seller at the keyboard (or nobody known): what they do
        records them (`by`), and the deals they add are theirs."""
        self.db.user = name

    def _give(self, which: int, owner: str | None) -> None:
        deal_id = _pick(self.deal_ids(), which)
        if deal_id is not None:
            deals.edit_deal(self.db, deal_id, owner=owner)

    def _delete(self, which: int) -> None:
        deal_id = _pick(self.deal_ids(), which)
        if deal_id is not None:
            deals.delete_deal(self.db, deal_id)

    # -- touchpoints, follow-ups, BANT, spend

    def _touch(
        self,
        which: int,
        kind: str,
        summary: str | None,
        channel: str | None,
        direction: Direction | None,
        ago: int | None,
        on_deal: bool,
        score: int | None,
    ) -> None:
        chosen = _pick(self.contacts(), which)
        if chosen is None:
            return
        at = None if ago is None else self.now + timedelta(microseconds=ago)
        deal_id = None
        if on_deal:
            owned = _ids(self.db, f"SELECT id FROM deal WHERE contact_id = {chosen[0]}")
            deal_id = _pick(owned, which)
        log_touchpoint(
            self.db, contact=str(chosen[0]), kind=kind, summary=summary, channel=channel,
            direction=direction, at=at, deal_id=deal_id, score=score,
        )  # fmt: skip

    def _own_kind(self, which: int, kind: str, stage: JourneyStage, summary: Any) -> None:
        """A kind of touchpoint of the user's own: only an import adds one."""
        chosen = _pick(self.contacts(), which)
        if chosen is None:
            return
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["contact_id", "contact_name", "kind", "journey_stage", "at", "summary"])
        writer.writerow(
            [chosen[0], chosen[1], kind, stage.value, self.now.isoformat(), summary or ""]
        )
        source = read_bytes(out.getvalue().encode(), "kind.csv")
        import_source(self.db, source, ImportOptions(), default_currency="USD")

    def _followup(self, which: int, on_deal: bool, title: str, due: date) -> None:
        if on_deal:
            deal_id = _pick(self.deal_ids(), which)
            if deal_id is not None:
                followups.add_followup(self.db, title=title, due=due, deal_id=deal_id)
            return
        chosen = _pick(self.contacts(), which)
        if chosen is not None:
            followups.add_followup(self.db, title=title, due=due, contact=f"#{chosen[0]}")

    def _done(self, which: int) -> None:
        followup_id = _pick(_ids(self.db, "SELECT id FROM followup ORDER BY id"), which)
        if followup_id is not None:
            followups.complete_followup(self.db, followup_id)

    def _qualify(
        self,
        which: int,
        criterion: str,
        status: Answer,
        amount: int | None,
        currency: str,
        note: str | None,
        who: str | None,
        target: date | None,
    ) -> None:
        deal_id = _pick(self.deal_ids(), which)
        if deal_id is None:
            return
        patch: dict[str, Any] = {"status": status}
        if criterion != "timeline":
            patch["note"] = note
        if criterion == "budget":
            patch["amount"] = None if amount is None else Money(amount, currency)
        if criterion == "authority":
            patch["who"] = who
        if criterion == "timeline":
            patch["target_date"] = target
        qualification.qualify_deal(self.db, deal_id, {criterion: patch})  # type: ignore[dict-item]

    def _spend(self, source: str, month: str, amount: int, currency: str) -> None:
        set_source_spend(self.db, source=source, month=month, amount=Money(amount, currency))


# --- comparing two databases ------------------------------------------------------------

# Tables whose ids nothing refers to: compared as multisets of their other columns.
SURROGATE_IDS = ("stage_history", "qualification", "qualification_change", "source_spend")


def comparable(db: Database) -> dict[str, Any]:
    """Every table: rows as they are, rows without their surrogate id (the first
    column) as a multiset, and the funnel summary by what it holds (table_dump)."""
    tables: dict[str, Any] = dict(dump(db, versions=False))
    for name in SURROGATE_IDS:
        tables[name] = Counter(row[1:] for row in tables[name])
    return tables


def diff(before: dict[str, Any], after: dict[str, Any]) -> str:
    """The tables that differ, for the assertion message."""
    lines = []
    for name in sorted(set(before) | set(after)):
        if before.get(name) != after.get(name):
            lines.append(
                f"{name}:\n  expected {before.get(name)!r}\n  got      {after.get(name)!r}"
            )
    return "\n".join(lines)


def cli_funnel(path: Path | str, pipeline: str) -> Any:
    """`pipetui --db PATH report funnel --json --pipeline NAME`, in-process."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--db", str(path), "report", "funnel", "--json", f"--pipeline={pipeline}"])
    assert (code, err.getvalue()) == (0, ""), err.getvalue()
    return json.loads(out.getvalue())


@contextmanager
def fresh(make: Targets, name: str) -> Iterator[Database]:
    """A new database of the test's engine (with the default pipeline, no data)."""
    database = open_database(make(name), now=clock.now())
    try:
        yield database
    finally:
        database.dispose()


def has_data(db: Database) -> bool:
    with db.read() as conn:
        return _has_data(conn)


def export_to(db: Database, path: Path, *, kind: str, fmt: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        export(db, out, kind=kind, fmt=fmt)
    return path


# --- JSON: a full copy ------------------------------------------------------------------


@PROPERTY
@given(program=programs)
def test_a_full_json_export_restores_into_an_empty_database_exactly(
    program: list[tuple[int, tuple[Any, ...]]],
    monkeypatch: pytest.MonkeyPatch,
    new_target: Targets,
) -> None:
    monkeypatch.setenv("PIPETUI_NOW", T0.isoformat())
    with tempfile.TemporaryDirectory() as tmp, fresh(new_target, "original.db") as original:
        folder = Path(tmp)
        Builder(original, monkeypatch).play(program)
        path = export_to(original, folder / "everything.json", kind="all", fmt="json")

        with fresh(new_target, "restored.db") as restored:
            import_file(restored, path, ImportOptions(), default_currency="USD")

            expected, got = comparable(original), comparable(restored)
            assert got == expected, diff(expected, got)
            for item in pipelines.list_pipelines(original):
                name, pipeline_id = item.pipeline.name, item.pipeline.id
                assert funnel_json(funnel_report(restored, pipeline_id=pipeline_id)) == (
                    funnel_json(funnel_report(original, pipeline_id=pipeline_id))
                )
                assert cli_funnel(restored.url, name) == cli_funnel(original.url, name)

            again = import_file(restored, path, ImportOptions(), default_currency="USD")
            after = comparable(restored)
            assert after == expected, diff(expected, after)
            if has_data(original):  # else: test_a_second_import_of_a_copy_of_pipelines_adds_nothing
                assert (+again.created, +again.updated) == (Counter(), Counter())


# --- CSV: one kind per file -------------------------------------------------------------


def deal_rows(db: Database) -> list[tuple[Any, ...]]:
    """Deals with their pipeline's and stage's names (any case: a CSV import
    matches stages so) instead of ids, and without their rank on the board."""
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT d.id, d.title, d.search_key, p.name, s.name, d.status, d.value_minor,"
            " d.currency, d.probability, d.close_date, d.source, d.lost_reason, d.contact_id,"
            " d.external_id, d.created_at, d.updated_at, d.stage_entered_at, d.closed_at,"
            " d.owner FROM deal d JOIN pipeline p ON p.id = d.pipeline_id"
            " JOIN stage s ON s.id = d.stage_id ORDER BY d.id"
        )
        return [(*row[:3], row[3].casefold(), row[4].casefold(), *row[5:]) for row in rows]


def history_rows(db: Database) -> Counter[tuple[Any, ...]]:
    """Every stage change, stages by name (any case), with who made it."""
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT h.deal_id, h.at, f.name, t.name, h.from_status, h.to_status, h.imported,"
            ' h."by" FROM stage_history h LEFT JOIN stage f ON f.id = h.from_stage_id'
            " JOIN stage t ON t.id = h.to_stage_id"
        )
        return Counter(
            (a, at, f and f.casefold(), t.casefold(), *rest) for a, at, f, t, *rest in rows
        )


@PROPERTY
@given(program=programs)
# A deal renamed after its win: the purchase in the file keeps the title it was
# won under, and takes the place of the one the deals file's import logged
# (both had id 1; the file's was once added beside it as a second purchase).
@example(
    program=[
        (0, ("contact", "שלום כהן", None, None, None, None, None, None)),
        (0, ("deal", "שלום כהן", 0, "USD", 0, 0, None, None, None, None)),
        (0, ("deal", "דנה לוי, סמנכ״ל", 0, "USD", 0, 0, 0, None, None, None)),
        (0, ("win", 1)),
        (0, ("edit", 1, "שלום כהן", None, "USD", None, None, None)),
    ]
)
def test_csv_exports_of_contacts_deals_and_touchpoints_import_into_an_empty_database(
    program: list[tuple[int, tuple[Any, ...]]],
    monkeypatch: pytest.MonkeyPatch,
    new_target: Targets,
) -> None:
    monkeypatch.setenv("PIPETUI_NOW", T0.isoformat())
    with tempfile.TemporaryDirectory() as tmp, fresh(new_target, "original.db") as original:
        folder = Path(tmp)
        Builder(original, monkeypatch).play(program)
        files = [
            export_to(original, folder / f"{kind}.csv", kind=kind, fmt="csv")
            for kind in ("contacts", "deals", "touchpoints")
        ]

        with fresh(new_target, "copy.db") as copy:
            for path in files:
                import_file(copy, path, ImportOptions(), default_currency="USD")

            before, after = dump(original, versions=False), dump(copy, versions=False)
            for table in ("contact", "touchpoint"):
                assert after[table] == before[table], diff(
                    {table: before[table]}, {table: after[table]}
                )
            # The user's own kinds travel with the touchpoints that use them.
            used = {row[3] for row in before["touchpoint"]}
            kinds = [row for row in before["touchpoint_kind"] if row[0] in used]
            assert after["touchpoint_kind"] == kinds
            assert deal_rows(copy) == deal_rows(original)
            assert history_rows(copy) == history_rows(original)


# --- what the properties found -------------------------------------------------------------
# Each was wrong when the properties first ran; they stay as plain examples.


@pytest.fixture
def original(new_target: Targets) -> Iterator[Database]:
    with fresh(new_target, "original.db") as database:
        yield database


@pytest.fixture
def restored(new_target: Targets) -> Iterator[Database]:
    with fresh(new_target, "restored.db") as database:
        yield database


def restore(original: Database, restored: Database, folder: Path) -> Path:
    """`original` exported as JSON and imported into `restored` (empty)."""
    path = export_to(original, folder / "everything.json", kind="all", fmt="json")
    import_file(restored, path, ImportOptions(), default_currency="USD")
    return path


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"name": "דנה לוי"}, {"name": "דנה לוי"}),
        ({"name": "Dana Levi", "email": "dana@example.com"}, {"name": "Dana Levi"}),
        (
            {"name": "Dana", "email": "dana@example.com"},
            {"name": "D.", "email": "DANA@example.com"},
        ),
    ],
    ids=["same-name", "same-name-one-email", "same-email"],
)
def test_contacts_of_the_same_name_are_restored(
    original: Database,
    restored: Database,
    tmp_path: Path,
    first: dict[str, str],
    second: dict[str, str],
) -> None:
    """Two people called Dana Levi (the app lets a seller add both) are two
    contacts after a restore, with their own ids (the restore once refused the
    second as "the same contact as contacts[1]")."""
    add_contact(original, **first)
    add_contact(original, **second)

    restore(original, restored, tmp_path)

    assert dump(restored, versions=False)["contact"] == dump(original, versions=False)["contact"]


def test_contacts_of_the_same_name_survive_a_csv_round_trip(
    original: Database, restored: Database, tmp_path: Path
) -> None:
    """The contacts CSV of a database with two people called דנה לוי imports
    into an empty database as those two contacts."""
    add_contact(original, name="דנה לוי", company="Acme")
    add_contact(original, name="דנה לוי", company="Globex")
    path = export_to(original, tmp_path / "contacts.csv", kind="contacts", fmt="csv")

    import_file(restored, path, ImportOptions(), default_currency="USD")

    assert dump(restored, versions=False)["contact"] == dump(original, versions=False)["contact"]


def test_two_identical_touchpoints_are_both_restored(
    original: Database, restored: Database, tmp_path: Path
) -> None:
    """Two calls logged for the same contact at the same moment (a date typed
    twice, or two quick clicks) are two touchpoints after a restore (the restore
    once took the second for one already there)."""
    add_contact(original, name="محمد العلي")
    log_touchpoint(original, contact="1", kind="call", at=T0)
    log_touchpoint(original, contact="1", kind="call", at=T0)

    restore(original, restored, tmp_path)

    assert dump(restored)["touchpoint"] == dump(original)["touchpoint"]


def test_a_stage_named_like_a_removed_one_keeps_its_history(
    original: Database, restored: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proposal removed (its deal moved on), then a new stage called Proposal
    added and the deal moved into it: the deal's first day was in the old
    Proposal, and stays there after a restore (history rows once landed on the
    new stage of that name, changing time in stage)."""
    deal = deals.add_deal(original, title="Acme", value=Money(100, "USD"), stage="Proposal")
    monkeypatch.setenv("PIPETUI_NOW", (T0 + timedelta(days=1)).isoformat())
    pipelines.remove_stage(original, pipeline=None, stage="Proposal", move_to="Negotiation")
    pipelines.add_stage(original, pipeline=None, name="Proposal", probability=60)
    monkeypatch.setenv("PIPETUI_NOW", (T0 + timedelta(days=2)).isoformat())
    deals.move_deal(original, deal.view.deal.id, stage="Proposal")

    restore(original, restored, tmp_path)

    assert comparable(restored) == comparable(original)
    assert funnel_json(funnel_report(restored)) == funnel_json(funnel_report(original))


def test_a_second_import_of_a_copy_with_only_spend_adds_nothing(
    original: Database, restored: Database, tmp_path: Path
) -> None:
    """A seller who so far has only recorded what ads cost imports that copy
    twice: the second time nothing is added (it once restored again and failed
    with a raw sqlite3 IntegrityError on source_spend)."""
    set_source_spend(original, source="מודעות", month="2026-03", amount=Money(50_000, "ILS"))
    path = restore(original, restored, tmp_path)
    before = comparable(restored)

    again = import_file(restored, path, ImportOptions(), default_currency="USD")

    assert (+again.created, +again.updated) == (Counter(), Counter())
    assert comparable(restored) == before


def test_a_second_import_of_a_copy_of_pipelines_adds_nothing(
    original: Database, restored: Database, tmp_path: Path
) -> None:
    """A seller who so far has only set up a pipeline imports that copy, tunes a
    stage, and imports the copy again by mistake: nothing is added, and the
    stage keeps its new probability."""
    pipelines.add_pipeline(original, name="🦄 Enterprise")
    path = restore(original, restored, tmp_path)
    pipelines.set_stage(restored, pipeline="🦄 Enterprise", stage="Proposal", probability=75)
    before = comparable(restored)

    again = import_file(restored, path, ImportOptions(), default_currency="USD")

    assert comparable(restored) == before
    assert (+again.created, +again.updated) == (Counter(), Counter())
