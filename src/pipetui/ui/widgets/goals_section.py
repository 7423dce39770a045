"""The funnel screen's "Goals": every goal running today with its actual,
share of the target and pace (`pipetui.services.goals`, the same lines as
`pipetui goal list` and `pipetui today`), read in a worker.

Goals are about their own month or quarter, not the screen's period, so the
section reads them whatever period the screen shows. A lead source's name is
user text: laid out with `rtl.field`, never read as markup. With no goal
running, the section takes no room.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.content import Content
from textual.widgets import Static

from pipetui.domain.bidi import cell_width
from pipetui.domain.funnel import percent_text
from pipetui.domain.goals import Pace
from pipetui.domain.text import clean_text
from pipetui.ui import rtl

if TYPE_CHECKING:
    from pipetui.services.goals import GoalProgress
    from pipetui.services.workspace import Workspace

Parts = list[str | Content | tuple[str, str]]
LABEL_WIDTH = 30
PACE_STYLES = {
    "on track": "$text-success",
    "met": "$text-success",
    "behind": "$text-warning",
    "missed": "$text-error",
    "not started": "$foreground-muted",
    "stage removed": "$text-warning",
}


def _label(goal: GoalProgress) -> str:
    """ "leads 2026-12 · Referral", cut to its width at the logical end."""
    record = goal.record
    what = record.metric if record.stage is None else f"reached {record.stage}"
    scope = "".join(f" · {s}" for s in (record.pipeline, record.source) if s)
    shown = rtl.field(clean_text(f"{what} {record.period}{scope}", single_line=True), LABEL_WIDTH)
    return shown + " " * max(0, LABEL_WIDTH - cell_width(shown))


def goals_content(goals: list[GoalProgress]) -> Content:
    """The section's text: one line per goal."""
    parts: Parts = [("Goals", "bold $text-accent"), "\n"]
    for goal in goals:
        done = goal.progress
        if done.pace is Pace.STAGE_REMOVED:
            parts += [
                f"  {_label(goal)}",
                f"  target {goal.amount(done.target)}  ",
                (done.pace.value, PACE_STYLES[done.pace.value]),
                "\n",
            ]
            continue
        parts += [
            f"  {_label(goal)}",
            f"  {goal.amount(done.actual)} of {goal.amount(done.target)}",
            f"  {percent_text(done.share)}  ",
            (done.pace.value, PACE_STYLES.get(done.pace.value, "")),
            "\n",
        ]
    return Content.assemble(*parts)


class GoalsSection(Static):
    """The goals running today, under the funnel."""

    def __init__(self) -> None:
        super().__init__("", id="goals-section", markup=False)
        self.goals: list[GoalProgress] | None = None
        self.display = False

    def load(self, workspace: Workspace) -> None:
        """Read the goals and their progress (in a worker) and show them."""
        self._read(workspace)

    @work(thread=True, exclusive=True, group="goals-section")
    def _read(self, workspace: Workspace) -> None:
        from pipetui.services.goals import list_goals

        found = list_goals(workspace.db, current=True)
        self.app.call_from_thread(self._show, found)

    def _show(self, goals: list[GoalProgress]) -> None:
        self.goals = goals
        self.display = bool(goals)
        self.update(Content.assemble("\n", goals_content(goals)) if goals else "")
