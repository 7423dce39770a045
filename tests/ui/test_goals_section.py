"""Goals on the funnel screen (F): the goals running today with actual, share
and pace, the same as `pipetui goal list`; a Hebrew source name shows as text;
with no goal running the section takes no room."""

from __future__ import annotations

from textual.pilot import Pilot
from ui_helpers import make_app, press, settle

from pipetui.domain.goals import month_period, quarter_period
from pipetui.domain.money import Money
from pipetui.services import deals, goals
from pipetui.services.workspace import Workspace
from pipetui.ui import rtl
from pipetui.ui.screens.funnel import FunnelScreen
from pipetui.ui.widgets.goals_section import GoalsSection

SIZE = (160, 50)


def _section(pilot: Pilot[None]) -> GoalsSection:
    screen = pilot.app.screen
    assert isinstance(screen, FunnelScreen)
    return screen.query_one(GoalsSection)


async def test_the_funnel_screen_shows_the_goals_running_today(sales: Workspace) -> None:
    db = sales.db
    deals.add_deal(db, title="[@click=app.quit]x[/]", value=Money(100, "ILS"), source="הפניה")
    november = month_period("2026-11")  # the clock says 2026-11-20
    goals.set_goal(db, metric="leads", target="1", period=november, source="הפניה")
    goals.set_goal(db, metric="reached", target="8", period=november, stage="Proposal")
    goals.set_goal(db, metric="won", target="5,000 ILS", period=quarter_period("2026-Q4"))
    goals.set_goal(db, metric="leads", target="30", period=month_period("2026-12"))

    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "F")
        await settle(pilot)
        section = _section(pilot)
        assert section.display
        text = str(section.render())
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[0] == "Goals"
        # the won goal's quarter started first; December's goal is not running
        assert lines[1].startswith("won 2026-Q4")
        assert "₪0.00 of ₪5,000.00" in lines[1] and lines[1].endswith("behind")
        leads = next(line for line in lines if line.startswith("leads 2026-11"))
        # the source laid out for the screen (DESIGN.md §6): in visual order
        assert (
            rtl.field("הפניה", 10) in leads
            and "1 of 1" in leads
            and leads.endswith("100.0 %  on track")
        )
        reached = next(line for line in lines if line.startswith("reached Proposal"))
        assert "4 of 8" in reached  # 3 at Proposal and 1 at Negotiation, all created today
        assert "2026-12" not in text
        assert isinstance(pilot.app.screen, FunnelScreen)  # the title was not a link


async def test_with_no_goal_running_the_section_takes_no_room(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "F")
        await settle(pilot)
        section = _section(pilot)
        assert section.goals == []
        assert not section.display


async def test_a_goal_whose_stage_was_removed_shows_its_target_and_why_not_a_count(
    sales: Workspace,
) -> None:
    from pipetui.services import pipelines

    november = month_period("2026-11")
    goals.set_goal(sales.db, metric="reached", target="8", period=november, stage="Proposal")
    pipelines.remove_stage(sales.db, pipeline=None, stage="Proposal", move_to="Negotiation")

    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "F")
        await settle(pilot)
        text = str(_section(pilot).render())
        reached = next(line.strip() for line in text.splitlines() if "reached" in line)
        assert reached.startswith("reached Proposal 2026-11")
        assert reached.endswith("target 8  stage removed")
        assert " of " not in reached
