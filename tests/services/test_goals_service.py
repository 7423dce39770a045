"""Goals through the services (pipetui.services.goals) on a real database:
after random histories (the funnel's own generator, tests/services/test_reports.py),
every goal's actual equals both `funnel_report` for the goal's period and a
brute-force recount from the deal and stage_history rows; the same goal set
again replaces its target; Hebrew and Arabic source names match in any form."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import select
from test_reports import local_zone, programs, run_program

from db_targets import Targets
from pipetui.domain.errors import NotFoundError
from pipetui.domain.goals import Metric, Pace, month_period, quarter_period
from pipetui.domain.money import Money
from pipetui.domain.text import search_key
from pipetui.services import clock, deals, goals
from pipetui.services.reports import Period, funnel_report
from pipetui.services.transfer import ImportFailed, ImportOptions, export, import_file
from pipetui.store.database import Database, open_database
from pipetui.store.tables import DEAL, GOAL, PIPELINE, STAGE, STAGE_HISTORY

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PIPETUI_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PIPETUI_NOW", T0.isoformat())
    monkeypatch.delenv("PIPETUI_DB", raising=False)
    with local_zone("UTC"):
        yield


@pytest.fixture
def db(new_target: Targets) -> Iterator[Database]:
    database = open_database(new_target("g.db"), now=clock.now())
    yield database
    database.dispose()


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time()).astimezone()


def recount(
    db: Database, *, pipeline: str | None, start: date, end: date, source: str | None = None
) -> dict[str, Any]:
    """reached[k] per position and won value per currency, naively: the deals
    created in [start, end) (local midnights), their furthest open stage from
    every stage they were ever in, won deals reaching every stage."""
    since, until = _midnight(start), _midnight(end)
    with db.read() as conn:
        pipelines = {
            name: pid for pid, name in conn.execute(select(PIPELINE.c.id, PIPELINE.c.name))
        }
        stages = {
            sid: (pid, position)
            for sid, pid, position in conn.execute(
                select(STAGE.c.id, STAGE.c.pipeline_id, STAGE.c.position).where(
                    STAGE.c.removed.is_(False)
                )
            )
        }
        rows = conn.execute(
            select(
                DEAL.c.id,
                DEAL.c.pipeline_id,
                DEAL.c.stage_id,
                DEAL.c.status,
                DEAL.c.value_minor,
                DEAL.c.currency,
                DEAL.c.source,
                DEAL.c.created_at,
            )
        ).all()
        history = conn.execute(
            select(
                STAGE_HISTORY.c.deal_id, STAGE_HISTORY.c.to_stage_id, STAGE_HISTORY.c.from_stage_id
            )
        ).all()
    furthest: list[int | None] = []
    won_value: dict[str, int] = {}
    for deal_id, pid, stage_id, status, value, currency, typed, created in rows:
        created = created if created.tzinfo else created.replace(tzinfo=UTC)
        if not since <= created < until:
            continue
        if pipeline is not None and pid != pipelines[pipeline]:
            continue
        if source is not None and (typed is None or search_key(typed) != search_key(source)):
            continue
        if status == "won":
            furthest.append(None)  # every stage
            won_value[currency] = won_value.get(currency, 0) + value
            continue
        been = {stage_id} | {t for d, t, _ in history if d == deal_id}
        been |= {f for d, _, f in history if d == deal_id and f}
        positions = [stages[s][1] for s in been if s in stages and stages[s][0] == pid]
        if positions:
            furthest.append(max(positions))

    def reached(k: int) -> int:
        return sum(1 for top in furthest if top is None or top >= k)

    return {"reached": reached, "won_value": won_value}


def _actuals(db: Database) -> dict[tuple[Any, ...], int]:
    return {
        (
            g.record.metric,
            g.record.period,
            g.record.pipeline,
            g.record.stage,
            g.record.source,
            g.record.currency,
        ): g.progress.actual
        for g in goals.list_goals(db)
    }


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(program=programs)
def test_goal_actuals_match_the_funnel_report_and_a_brute_force_recount(
    program: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIPETUI_NOW", T0.isoformat())
    zone = program[-1]
    with tempfile.TemporaryDirectory() as folder, local_zone(zone):
        db = open_database(str(Path(folder) / "h.db"), now=clock.now())
        try:
            run_program(db, program, monkeypatch)
            periods = [month_period("2026-03"), quarter_period("2026-Q1"), month_period("2026-02")]
            with db.read() as conn:
                names = [
                    n
                    for (n,) in conn.execute(
                        select(STAGE.c.name)
                        .join(PIPELINE)
                        .where(PIPELINE.c.name == "Test", STAGE.c.removed.is_(False))
                        .order_by(STAGE.c.position)
                    )
                ]
            for period in periods:
                goals.set_goal(db, metric="leads", target="1", period=period)
                goals.set_goal(db, metric="leads", target="1", period=period, pipeline="Test")
                goals.set_goal(
                    db,
                    metric="leads",
                    target="1",
                    period=period,
                    pipeline="Test",
                    source="REFERRAL",
                )
                for stage in names:
                    goals.set_goal(
                        db,
                        metric="reached",
                        target="1",
                        period=period,
                        pipeline="Test",
                        stage=stage,
                    )
                for currency in ("USD", "EUR", "JPY"):
                    goals.set_goal(
                        db, metric="won", target=f"1 {currency}", period=period, pipeline="Test"
                    )
            found = _actuals(db)
            for period in periods:
                label = period.label
                truth = recount(db, pipeline="Test", start=period.start, end=period.end)
                everywhere = recount(db, pipeline=None, start=period.start, end=period.end)
                referral = recount(
                    db, pipeline="Test", start=period.start, end=period.end, source="referral"
                )
                funnel = funnel_report(
                    db, pipeline="Test", period=Period(period.start, period.last_day)
                ).funnel
                reached = [s.reached for s in funnel.stages]
                assert found["leads", label, None, None, None, None] == everywhere["reached"](1)
                assert found["leads", label, "Test", None, None, None] == reached[0]
                assert reached[0] == truth["reached"](1)
                assert found["leads", label, "Test", None, "REFERRAL", None] == (
                    referral["reached"](1)
                )
                for k, stage in enumerate(names, start=1):
                    assert found["reached", label, "Test", stage, None, None] == reached[k - 1]
                    assert reached[k - 1] == truth["reached"](k)
                for currency in ("USD", "EUR", "JPY"):
                    expected = truth["won_value"].get(currency, 0)
                    assert found["won", label, "Test", None, None, currency] == expected
        finally:
            db.dispose()


def test_the_same_goal_again_replaces_its_target(db: Database) -> None:
    december = month_period("2026-12")
    first = goals.set_goal(db, metric="leads", target="30", period=december, source="وسائل")
    again = goals.set_goal(db, metric="Leads", target="45", period=december, source="وسائل")
    assert (first.replaced, again.replaced) == (None, "30")
    assert again.goal.record.id == first.goal.record.id
    other = goals.set_goal(db, metric="leads", target="10", period=december)
    assert other.replaced is None and other.goal.record.id != first.goal.record.id
    with db.read() as conn:
        rows = conn.execute(select(GOAL.c.target, GOAL.c.source).order_by(GOAL.c.id)).all()
    assert [tuple(r) for r in rows] == [(45, "وسائل"), (10, None)]


def test_a_source_goal_counts_its_channel_in_any_form_and_only_in_its_period(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    for title, source in [("א", "הפניה"), ("ב", "  הפניה "), ("ג", "Ads"), ("ד", None)]:
        deals.add_deal(db, title=title, value=Money(100, "ILS"), source=source)
    monkeypatch.setenv("PIPETUI_NOW", "2026-04-01T00:00:00+00:00")
    deals.add_deal(db, title="April", value=Money(100, "ILS"), source="הפניה")
    monkeypatch.setenv("PIPETUI_NOW", T0.isoformat())
    result = goals.set_goal(
        db, metric="leads", target="1", period=month_period("2026-03"), source="הפניה"
    )
    assert result.goal.progress.actual == 2
    assert result.goal.metric is Metric.LEADS
    # day 2 of 31 with 2 leads: 31 projected
    assert result.goal.progress.pace is Pace.ON_TRACK
    (current,) = goals.list_goals(db, current=True)
    assert current.record.id == result.goal.record.id


def test_goals_of_removed_ones_are_gone(db: Database) -> None:
    made = goals.set_goal(db, metric="won", target="₪1,000", period=month_period("2026-03"))
    goals.remove_goal(db, made.goal.record.id)
    assert goals.list_goals(db) == []
    with pytest.raises(NotFoundError):
        goals.remove_goal(db, made.goal.record.id)


def test_the_default_currency_applies_to_a_bare_amount(db: Database) -> None:
    made = goals.set_goal(
        db, metric="won", target="2,500", period=month_period("2026-03"), default_currency="EUR"
    )
    assert (made.goal.record.target, made.goal.record.currency) == (250_000, "EUR")
    assert goals.goal_json(made.goal)["target"] == {"amount": "2500.00", "currency": "EUR"}


def _shown(db: Database) -> list[dict[str, object]]:
    return [goals.goal_json(g) for g in goals.list_goals(db)]


def test_goals_survive_a_full_json_export_and_restore(
    db: Database, new_target: Targets, tmp_path: Path
) -> None:
    deals.add_deal(db, title="אתר", value=Money(1_000, "ILS"), source="وسائل التواصل")
    march = month_period("2026-03")
    goals.set_goal(db, metric="leads", target="30", period=march, source="وسائل التواصل")
    goals.set_goal(db, metric="won", target="50,000 ILS", period=quarter_period("2026-Q1"))
    goals.set_goal(db, metric="reached", target="10", period=march, stage="Proposal")
    removed = goals.set_goal(db, metric="leads", target="5", period=march)
    goals.remove_goal(db, removed.goal.record.id)  # ids need not be 1, 2, 3…
    written = tmp_path / "all.json"
    with written.open("w", encoding="utf-8") as out:
        export(db, out, kind="all", fmt="json")
    assert '"metric": "reached"' in written.read_text(encoding="utf-8")

    target = open_database(new_target("restored.db"), now=clock.now())
    try:
        import_file(target, written, ImportOptions(), default_currency="USD")
        assert _shown(target) == _shown(db)
        # the next goal gets a new id, not a restored one
        made = goals.set_goal(target, metric="leads", target="1", period=march)
        assert made.goal.record.id not in {g["id"] for g in _shown(db)}
    finally:
        target.dispose()


def test_a_restore_refuses_a_goal_naming_a_stage_not_in_the_file(
    db: Database, new_target: Targets, tmp_path: Path
) -> None:
    goals.set_goal(db, metric="reached", target="10", period=month_period("2026-03"),
                   stage="Proposal")  # fmt: skip
    written = tmp_path / "all.json"
    with written.open("w", encoding="utf-8") as out:
        export(db, out, kind="all", fmt="json")
    data = json.loads(written.read_text(encoding="utf-8"))
    data["goals"][0]["stage_id"] = 999
    data["goals"][0]["metric"] = "visits"
    written.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    target = open_database(new_target("restored.db"), now=clock.now())
    try:
        with pytest.raises(ImportFailed) as failed:
            import_file(target, written, ImportOptions(), default_currency="USD")
        assert {p.column for p in failed.value.problems} >= {"stage_id", "metric"}
        assert goals.list_goals(target) == []
    finally:
        target.dispose()


def test_a_goal_on_a_removed_stage_says_so_instead_of_counting_another_stage(
    db: Database,
) -> None:
    """Removing "Needs assessment" renumbers the stages after it; the goal on
    it must not go on counting whichever stage now sits at its old position."""
    from pipetui.services import pipelines

    made = goals.set_goal(
        db, metric="reached", target="4", period=month_period("2026-03"), stage="needs assessment"
    )
    assert made.goal.progress.pace is not Pace.STAGE_REMOVED
    deal = deals.add_deal(db, title="Proposal stage", value=Money(100, "ILS"))
    deals.move_deal(db, deal.view.deal.id, stage="Proposal")
    pipelines.remove_stage(db, pipeline=None, stage="Needs assessment")
    (goal,) = goals.list_goals(db)
    assert goal.progress.pace is Pace.STAGE_REMOVED
    shown = goals.goal_json(goal)
    assert (shown["actual"], shown["share"], shown["pace"]) == (None, None, "stage removed")
    assert shown["target"] == 4 and shown["stage"] == "Needs assessment"
    assert goals.goal_line(goal).endswith(
        "reached Needs assessment 2026-03 · Sales  target 4  stage removed"
    )
