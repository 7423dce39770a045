"""A deal's details: its fields and BANT answers, one history of its stage
changes and answer changes with dates, its touchpoints and follow-ups."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from pipetui.domain.bant import BANT, CriterionAnswer
from pipetui.domain.dates import days_between, local_time
from pipetui.domain.deal import StageChange
from pipetui.domain.journey import kind_label
from pipetui.domain.text import clean_text
from pipetui.ui import rtl

if TYPE_CHECKING:
    from pipetui.services.deals import DealDetail


def _t(text: str | None) -> str:
    """A field of user text on one line, laid out for the terminal (DESIGN.md §6)."""
    return rtl.field(clean_text(text or "", single_line=True))


def _said(text: str) -> str:
    """A line of the app's own that quotes user text ("Authority: who decides: X")."""
    return rtl.sentence(clean_text(text, single_line=True))


def _when(moment: datetime) -> str:
    return f"{local_time(moment):%Y-%m-%d %H:%M}"


def _change(change: StageChange, names: dict[int, str]) -> str:
    to = _t(names.get(change.to_stage_id, "?"))
    if change.from_stage_id is None:
        return f"entered {to}" + (" (imported)" if change.imported else "")
    if change.from_status != change.to_status:
        return (
            "reopened" if change.to_status.value == "open" else f"{change.to_status.value} in {to}"
        )
    return f"{_t(names.get(change.from_stage_id, '?'))} → {to}"


def _by(name: str | None) -> list[tuple[str, str]]:
    """ "  by dana" after a history line or touchpoint; nothing when who made
    it is not known."""
    return [(f"  by {_t(name)}", "$foreground-muted")] if name else []


def _answer(answer: CriterionAnswer) -> str:
    """ "yes · ₪12,000.00 · CFO": the status, then whichever details there are."""
    details = [
        answer.amount.format() if answer.amount else None,
        _t(answer.who) or None,
        _t(answer.note) or None,
        answer.target_date.isoformat() if answer.target_date else None,
    ]
    return " · ".join([answer.status.value, *(d for d in details if d)])


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
        *([("Owner", _t(deal.owner))] if deal.owner else []),
        ("Source", _t(deal.source) or "—"),
        ("Expected close", deal.close_date.isoformat() if deal.close_date else "—"),
        ("Created", _when(deal.created_at)),
        ("In stage", f"{days_between(deal.stage_entered_at, now)} days"),
    ]
    a = detail.assessment
    rows.append(("BANT", _said(f"{a.verdict.value} · {a.percent} % · {a.reason}")))
    for criterion in BANT.criteria:
        answer = detail.answers.get(criterion.key, CriterionAnswer())
        rows.append((criterion.label, _answer(answer)))
    parts: list[str | tuple[str, str]] = [(_t(deal.title), "bold"), "\n\n"]
    for label, value in rows:
        parts += [(f"{label:>15}  ", "$foreground-muted"), value, "\n"]
    parts += ["\n", ("History", "bold"), ("  (b: qualify)", "$foreground-muted"), "\n"]
    events = [(c.at, _change(c, detail.stage_names), c.by) for c in detail.history]
    events += [(d.at, _said(d.change.describe()), d.by) for d in detail.answer_history]
    for at, text, by in sorted(events, key=lambda event: event[0]):
        parts += [(f"  {_when(at)}  ", "$foreground-muted"), text, *_by(by), "\n"]
    parts += ["\n", ("Touchpoints", "bold"), "\n"]
    for t in detail.touchpoints or []:
        parts += [
            (f"  {_when(t.at)}  ", "$foreground-muted"),
            kind_label(t.kind),
            "  ",
            _t(t.summary),
            *_by(t.by),
            "\n",
        ]
    if not detail.touchpoints:
        parts.append(("  none yet\n", "$foreground-muted"))
    parts += ["\n", ("Follow-ups", "bold"), "\n"]
    for f in detail.followups:
        mark = "✔" if f.done_at else "·"
        parts += [f"  {mark} {f.due.isoformat()}  ", _t(f.title), "\n"]
    if not detail.followups:
        parts.append(("  none\n", "$foreground-muted"))
    return Content.assemble(*parts)


class DealDetailScreen(ModalScreen[str | None]):
    """Read-only view of a deal; escape or enter goes back to the board, b goes
    on to the BANT form."""

    BINDINGS = [
        Binding("escape,enter,q", "close", "Back", id="detail.close"),
        Binding("b", "qualify", "Qualify (BANT)", id="detail.qualify"),
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

    def action_qualify(self) -> None:
        """Close, and open the BANT form for this deal."""
        self.dismiss("qualify")
