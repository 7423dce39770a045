"""The funnel screen narrowed to a segment (issue 19, item 6): g opens a
picker with Tag and Source, completing from the tags and sources in use in
any case and script; enter narrows every figure a report's `--tag`/`--source`
narrows (the funnel, forecast, sources, journey, comparison and losses), the
same figures `report … --json --tag` prints; ctrl+r clears the segment."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Static
from ui_helpers import make_app, press, settle, type_text

from pipetui.cli import main
from pipetui.domain.compare import changes_json
from pipetui.domain.segments import DealSegment
from pipetui.services import deals
from pipetui.services.contacts import tag_contact
from pipetui.services.reports import SPEND_NOTE
from pipetui.services.serialize import forecast_json, funnel_json, sources_json, steps_json
from pipetui.services.workspace import Workspace
from pipetui.ui.screens.funnel import FunnelScreen
from pipetui.ui.screens.segment_picker import SegmentPicker, ValueSuggester, completion, split_tags
from pipetui.ui.widgets.compare_section import CompareSection
from pipetui.ui.widgets.losses_section import LossesSection

SIZE = (160, 60)
HEBREW = "לקוח-חם"


def cli_json(ws: Workspace, *args: str) -> Any:
    """`pipetui --db PATH ARGS --json`, in-process, as a script would run it."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--db", _path(ws), *args])
    assert (code, err.getvalue()) == (0, ""), err.getvalue()
    found = json.loads(out.getvalue())
    found.pop("cohort", None)
    return found


def _path(ws: Workspace) -> str:
    return str(ws.db.engine.url.database)


def _ids(ws: Workspace) -> dict[str, int]:
    return {v.deal.title: v.deal.id for v in deals.list_deals(ws.db)}


def tagged(sales: Workspace) -> Workspace:
    """VIP: two deals of their own, and Omar (a VIP customer) whose deal
    counts too; one VIP deal lost; sources on some deals."""
    ids = _ids(sales)
    deals.tag_deal(sales.db, ids["Website redesign"], ["+VIP", f"+{HEBREW}"])
    deals.tag_deal(sales.db, ids["Support plan"], ["+vip"])
    deals.tag_deal(sales.db, ids["Cold lead"], ["+vip", "+[b]x[/]"])
    deals.lose_deal(sales.db, ids["Cold lead"], reason="Price")
    tag_contact(sales.db, "Omar Haddad", ["+Vip"])
    deals.edit_deal(sales.db, ids["Annual licence"], source="Web")
    deals.edit_deal(sales.db, ids["Pilot project"], source="Referral")
    return sales


def funnel(pilot: Pilot[None]) -> FunnelScreen:
    screen = pilot.app.screen
    assert isinstance(screen, FunnelScreen), screen
    return screen


def heading(pilot: Pilot[None]) -> str:
    text = str(funnel(pilot).query_one("#funnel-figures", Static).render())
    return text.splitlines()[0]


async def pick(pilot: Pilot[None], tag: str = "", source: str = "") -> SegmentPicker:
    await press(pilot, "g")
    picker = pilot.app.screen
    assert isinstance(picker, SegmentPicker), picker
    for name, value in (("tag", tag), ("source", source)):
        field = picker.fields[name].input
        field.focus()
        field.value = ""
        await type_text(pilot, value)
    return picker


async def test_a_tag_narrows_every_figure_as_the_cli_does(sales: Workspace) -> None:
    ws = tagged(sales)
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "F")
        assert "tag" not in heading(pilot)

        await pick(pilot, tag="vip")
        await press(pilot, "enter")
        await settle(pilot)

        screen = funnel(pilot)
        assert screen.segment == DealSegment(tags=("vip",), contact_tags=True)
        figures = screen.figures
        assert figures is not None and figures.segment == screen.segment
        assert heading(pilot).endswith("· tag vip")
        # The deals' own tag or their contact's: Website redesign, Support
        # plan, Cold lead (lost), and Omar's Annual licence.
        assert figures.report.funnel.won + figures.report.funnel.lost == 1
        assert figures.report.funnel.open == 3

        tag = ("--tag", "vip")
        assert funnel_json(figures.report) == cli_json(ws, "report", "funnel", *tag, "--json")
        assert forecast_json(figures.report, figures.months) == cli_json(
            ws, "report", "forecast", *tag, "--json"
        )
        period = figures.report.period
        sources = cli_json(ws, "report", "sources", *tag, "--json")
        assert sources.pop("spend_note") == SPEND_NOTE  # (a tag's share of spend is unknown)
        assert sources_json(figures.report.pipeline, period, figures.sources) == sources
        assert SPEND_NOTE in str(screen.query_one("#funnel-figures", Static).render())
        journey = cli_json(ws, "report", "journey", *tag, "--json")
        steps = steps_json(period, figures.journey)
        assert steps == {key: journey[key] for key in steps}

        losses = screen.query_one(LossesSection).report
        assert losses is not None and losses.losses.lost == 1
        cli_losses = cli_json(ws, "report", "losses", *tag, "--json")
        assert cli_losses["lost"] == losses.losses.lost
        assert cli_losses["value"] == losses.losses.value.as_json()
        assert [(r["reason"], r["lost"]) for r in cli_losses["by_reason"]] == [
            (line.name, line.count) for line in losses.losses.by_reason
        ]
        assert "Price" in str(screen.query_one(LossesSection).render())

        # The comparison (c) is of the segment too: as `--compare previous --tag`.
        await press(pilot, "m", "c")
        await settle(pilot)
        comparison = screen.query_one(CompareSection).comparison
        assert comparison is not None
        compared = cli_json(
            ws, "report", "funnel", *tag, "--since", "2026-11-01", "--until", "2026-11-20",
            "--compare", "previous", "--json",
        )  # fmt: skip
        change = changes_json(comparison.rows)
        assert {k: v for k, v in change.items() if k in compared["change"]} == compared["change"]
        assert change["open"]["change"] == 3

        # ctrl+r in the picker clears it: every deal again.
        await press(pilot, "g", "ctrl+r")
        await settle(pilot)
        assert funnel(pilot).segment.empty
        assert "tag" not in heading(pilot)
        assert funnel(pilot).figures.report.funnel.open == 4  # type: ignore[union-attr]
        comparison = screen.query_one(CompareSection).comparison
        assert comparison is not None and changes_json(comparison.rows)["open"]["change"] == 4


async def test_a_source_narrows_as_report_source_does(sales: Workspace) -> None:
    ws = tagged(sales)
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "F")
        await pick(pilot, source="WEB")
        await press(pilot, "enter")
        await settle(pilot)
        figures = funnel(pilot).figures
        assert figures is not None
        assert [s.source for s in figures.sources] == ["Web"]
        assert funnel_json(figures.report) == cli_json(
            ws, "report", "funnel", "--source", "WEB", "--json"
        )
        assert heading(pilot).endswith("· source WEB")


async def test_the_picker_completes_tags_and_sources_in_any_case_and_script(
    sales: Workspace,
) -> None:
    ws = tagged(sales)
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "F")
        picker = await pick(pilot, tag="V")
        await settle(pilot)
        # vip on three deals and a contact, in three spellings: offered once,
        # as most often written.
        assert picker.tags[0] == "vip"
        assert HEBREW in picker.tags and "[b]x[/]" in picker.tags
        tag_input = picker.query_one("#input-tag", Input)
        assert await ValueSuggester(picker.tags, several=True).get_suggestion("vip, ל") == (
            f"vip, {HEBREW}"
        )
        tag_input.focus()
        tag_input.value = ""
        await type_text(pilot, "VI")
        await press(pilot)
        assert tag_input._suggestion == "vip"
        await press(pilot, "right")
        assert tag_input.value == "vip"
        in_use = str(picker.query_one("#tag-in-use", Static).render())
        assert "[b]x[/]" in in_use  # user text, never markup

        source_input = picker.query_one("#input-source", Input)
        source_input.focus()
        await type_text(pilot, "ref")
        await press(pilot)
        assert source_input._suggestion == "Referral"
        await press(pilot, "escape")
        assert funnel(pilot).segment.empty  # escape keeps the segment there was


async def test_a_tag_is_shown_as_typed_and_hebrew_laid_out(sales: Workspace) -> None:
    ws = tagged(sales)
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "F")
        await pick(pilot, tag=f"[b]x[/], {HEBREW}")
        await press(pilot, "enter")
        await settle(pilot)
        line = heading(pilot)
        assert "· tag [b]x[/] · tag " + HEBREW[::-1] in line
        figures = funnel(pilot).figures
        assert figures is not None
        assert figures.report.funnel.lost == 0 and figures.report.funnel.open == 0


def test_completion_keeps_what_was_typed_and_its_length() -> None:
    assert completion("VI", ["vip"]) == "vip"
    assert completion("vip", ["vip"]) is None  # nothing left to add
    assert completion("ל", [HEBREW]) == HEBREW
    # "ß" folds to "ss": a completion that would split it is not offered.
    assert completion("STRAS", ["Straße-Kunde"]) is None
    assert completion("STRASSE-", ["Straße-Kunde"]) == "STRASSE-Kunde"
    assert completion("", ["vip"]) is None
    assert split_tags(" vip, VIP ,,q4 ") == ("vip", "q4")
