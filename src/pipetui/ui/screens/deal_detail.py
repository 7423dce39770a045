"""A deal's details: its fields, the history of its stage changes with dates,
its touchpoints, follow-ups and BANT answers."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from pipetui.domain.dates import days_between
from pipetui.domain.deal import StageChange
from pipetui.domain.journey import kind_label
from pipetui.domain.text import clean_text

if TYPE_CHECKING:
    from pipetui.services.deals import DealDetail


def _t(text: str | None) -> str:
    return clean_text(text or "", single_line=True)


def _when(moment: datetime) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}"


def _change(change: StageChange, names: dict[int, str]) -> str:
    to = _t(names.get(change.to_stage_id, "?"))
    if change.from_stage_id is None:
        return f"entered {to}" + (" (imported)" if change.imported else "")
    if change.from_status != change.to_status:
        return (
            "reopened" if change.to_status.value == "open" else f"{change.to_status.value} in {to}"
        )
    return f"{_t(names.get(change.from_stage_id, '?'))} → {to}"


def detail_content(detail: DealDetail, now: datetime) -> Content:
    """Everything about one deal as plain, styled text (user text never markup)."""
    view, deal = detail.view, detail.view.deal
    rows: list[tuple[str, str]] = [
        ("Pipeline", f"{_t(view.pipeline_name)} › {_t(view.stage_name)}"),
        ("Status", deal.status.value + (f" ({_t(deal.lost_reason)})" if deal.lost_reason else "")),
        ("Value", deal.value.format()),
        (
            "Probability",
            f"{view.probability} %" + (" (own)" if deal.probability is not None else ""),
        ),
        ("Contact", " · ".join(_t(p) for p in (view.contact_name, view.company) if p) or "—"),
        ("Source", _t(deal.source) or "—"),
        ("Expected close", deal.close_date.isoformat() if deal.close_date else "—"),
        ("Created", _when(deal.created_at)),
        ("In stage", f"{days_between(deal.stage_entered_at, now)} days"),
    ]
    a = detail.assessment
    rows.append(("BANT", f"{a.verdict.value} · {a.percent} % · {a.reason}"))
    parts: list[str | tuple[str, str]] = [(_t(deal.title), "bold"), "\n\n"]
    for label, value in rows:
        parts += [(f"{label:>15}  ", "$text-muted"), value, "\n"]
    parts += ["\n", ("Stage history", "bold"), "\n"]
    for change in detail.history:
        parts += [
            (f"  {_when(change.at)}  ", "$text-muted"),
            _change(change, detail.stage_names),
            "\n",
        ]
    parts += ["\n", ("Touchpoints", "bold"), "\n"]
    for t in detail.touchpoints or []:
        parts += [
            (f"  {_when(t.at)}  ", "$text-muted"),
            kind_label(t.kind),
            "  ",
            _t(t.summary),
            "\n",
        ]
    if not detail.touchpoints:
        parts.append(("  none yet\n", "$text-muted"))
    parts += ["\n", ("Follow-ups", "bold"), "\n"]
    for f in detail.followups:
        mark = "✔" if f.done_at else "·"
        parts += [f"  {mark} {f.due.isoformat()}  ", _t(f.title), "\n"]
    if not detail.followups:
        parts.append(("  none\n", "$text-muted"))
    return Content.assemble(*parts)


class DealDetailScreen(ModalScreen[None]):
    """Read-only view of a deal; escape or enter goes back to the board."""

    BINDINGS = [
        Binding("escape,enter,q", "close", "Back", id="detail.close"),
    ]

    def __init__(self, detail: DealDetail, now: datetime) -> None:
        super().__init__(classes="form-screen")
        self.content = detail_content(detail, now)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form detail"):
            yield Static(self.content, markup=False)

    def action_close(self) -> None:
        """Back to the board."""
        self.dismiss(None)
