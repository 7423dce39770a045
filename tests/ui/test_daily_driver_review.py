"""Review fixes for the daily driver (issue 17), as a seller meets them: a
Hebrew stage's tooltip reads right, the backup form does not touch the database
on the event loop, the deal detail's footer ends with `? Keys`, a message keeps
user text exactly, and a card's next step turns red the moment it is overdue.
Clock: 2026-11-20 10:00 UTC."""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path

import pytest
from rich.style import Style
from textual import events
from textual.content import Content
from textual.pilot import Pilot
from ui_helpers import board, focus_card, make_app, press, settle

from pipetui.domain.bant import Verdict
from pipetui.domain.board import Card
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.money import Money
from pipetui.services import backup
from pipetui.services.pipelines import rename_stage
from pipetui.services.workspace import Workspace
from pipetui.ui import rtl
from pipetui.ui.screens.deal_detail import DealDetailScreen
from pipetui.ui.screens.export_screen import ExportScreen
from pipetui.ui.widgets.card_lines import card_line
from pipetui.ui.widgets.key_footer import KeyFooter

SMALL = (80, 24)
HE_STAGE = "הצעת מחיר"


def toasts(pilot: Pilot[None]) -> list[str]:
    """Every notification's title and message as its toast reads them."""
    return [
        f"{n.title}\n{(Content.from_markup(n.message) if n.markup else Content(n.message)).plain}"
        for n in pilot.app._notifications
    ]


async def test_a_hebrew_stage_name_in_the_header_tooltip_is_laid_out(sales: Workspace) -> None:
    rename_stage(sales.db, pipeline=None, stage="Proposal", new_name=HE_STAGE)
    async with make_app(sales).run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        col = next(c for c in board(pilot).columns.values() if c.summary.stage.name == HE_STAGE)
        await pilot.hover(col, offset=(2, 1))  # over its header
        first = str(col.tooltip).splitlines()[0]
        await pilot.hover(col.deal_list, offset=(2, 1))  # over a card: not the header's
        assert col.tooltip is None

    assert first == rtl.sentence(f"{HE_STAGE}: 3 open deals")
    assert HE_STAGE[::-1] in first  # visual order: the terminal draws it as read
    assert HE_STAGE not in first


async def test_the_backup_path_is_suggested_from_a_worker_not_the_event_loop(
    sales: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding where a backup goes asks the database where it lives (and may
    create the user's backup folder): never on the event loop."""
    threads: list[bool] = []
    real = backup.default_destination

    def spy(db: object, now: datetime) -> Path:
        threads.append(threading.current_thread() is threading.main_thread())
        return real(db, now)  # type: ignore[arg-type]

    monkeypatch.setattr(backup, "default_destination", spy)
    async with make_app(sales).run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        pilot.app.action_export("backup")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ExportScreen)
        suggested = Path(screen.path_field.value)

    assert threads and not any(threads)
    assert suggested.parent == sales.db.path.parent  # type: ignore[union-attr]
    assert suggested.name.startswith("board-backup-") and suggested.suffix == ".db"


@pytest.mark.parametrize("width", [80, 50])
async def test_the_deal_detail_footer_ends_with_help(sales: Workspace, width: int) -> None:
    """The detail binds `?` itself (a modal screen hides the app's keys): it is
    still the help key, always shown, last, however narrow the terminal."""
    async with make_app(sales).run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Proposal", "Website redesign")
        await press(pilot, "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DealDetailScreen)
        footer = pilot.app.screen.query_one(KeyFooter)
        keys = [(k.key_display, k.description) for k in footer.query("FooterKey")]

    assert keys[-1] == ("?", "Keys")
    assert keys.count(("?", "Keys")) == 1


async def test_a_styled_message_shows_user_text_exactly_backslashes_too(
    sales: Workspace,
) -> None:
    typed = r"C:\deals\[b]not bold[/b] \ דנה\\"
    async with make_app(sales).run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "C")  # the contacts screen: messages are toasts there
        pilot.app.notify(Content.assemble("Saved ", (typed, "$text-success")), title="Note")
        await settle(pilot)
        shown = toasts(pilot)

    assert shown == [f"Note\nSaved {typed}"]


async def test_the_screenshot_message_lays_out_a_hebrew_folder(
    sales: Workspace, tmp_path: Path
) -> None:
    folder = tmp_path / "צילומי מסך"
    folder.mkdir()
    path = folder / "pipetui.svg"
    async with make_app(sales).run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        pilot.app.post_message(events.DeliveryComplete("key", path, "screenshot"))
        await settle(pilot)
        shown = toasts(pilot)

    assert shown == [f"Screenshot\nSaved screenshot to {rtl.field(str(path))}"]
    assert str(path) not in shown[0]  # (the Hebrew folder arrives in visual order)


def test_a_next_step_due_before_today_is_drawn_overdue_whenever_the_card_was_read() -> None:
    """A card read yesterday said its follow-up due "today" was not overdue;
    drawn today, the date and its colour come from the same today."""
    styles = {
        name: Style()
        for name in (
            "card", "bar", "gap", "title", "value", "rotting", "won", "lost",
            *(v.value for v in Verdict),
        )
    }  # fmt: skip
    styles |= {"muted": Style(color="grey50"), "overdue": Style(color="red")}
    card = Card(
        deal_id=1,
        title="אתר חדש",
        status=DealStatus.OPEN,
        value=Money(100, "ILS"),
        stage_id=1,
        days_in_stage=1,
        contact_name="דנה כהן",
        next_followup=date(2026, 11, 19),
        followup_overdue=False,  # as read on 2026-11-19
    )
    [label] = [s for s in card_line(card, 1, 40, styles) if s.text == "→ Nov 19"]
    assert label.style is not None and label.style.color is not None
    assert label.style.color.name == "red"


def test_a_translucent_colour_is_judged_as_it_looks_on_its_background() -> None:
    """A theme's muted text is often translucent ("#E0E0E099"): over a dark
    panel it is a mid grey, far from the 13:1 its opaque self would score."""
    from textual.color import Color

    from pipetui.ui.readable import contrast

    panel = Color.parse("#1E1E1E")
    seen = Color.parse("#E0E0E099")
    assert contrast(seen, panel) == pytest.approx(contrast(panel + seen, panel))
    assert contrast(seen, panel) < 6 < contrast(seen.with_alpha(1), panel)
