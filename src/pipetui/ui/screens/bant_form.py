"""The BANT form: four criteria, each a status and its details, with the score
and verdict recomputed as the answers change.

Built from the framework's data table (`pipetui.domain.bant.BANT`), so another
framework is another table, not another form. Keyboard: tab/shift+tab between
fields, 1–4 or ←/→ on a status, ctrl+s saves, ctrl+d saves and disqualifies
(marks the deal lost), escape closes with nothing saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from pipetui.domain.bant import (
    BANT,
    Answer,
    AnswerPatch,
    CriterionAnswer,
    Detail,
    Framework,
    Thresholds,
    assess,
    detail_field,
    disqualifying,
)
from pipetui.domain.errors import ValidationError
from pipetui.domain.money import Money, parse_money
from pipetui.domain.text import clean_text
from pipetui.services import inputs
from pipetui.ui import rtl
from pipetui.ui.widgets.field import DateField, Field
from pipetui.ui.widgets.status_picker import StatusPicker

_PLACEHOLDERS = {Detail.AMOUNT: "e.g. 12,000", Detail.DATE: "e.g. +2m, 2027-03-31"}


@dataclass(frozen=True)
class BantFormResult:
    """Every criterion's checked answer, and whether to drop the lead."""

    patch: dict[str, AnswerPatch]
    disqualify: bool = False
    draft: dict[str, str] = field(default_factory=dict)
    """What was typed and picked, to reopen the form with it if the save fails."""


def _shown(answer: CriterionAnswer, detail: Detail) -> str:
    """A saved detail as the text its field starts with."""
    value: Any = getattr(answer, detail.attribute)
    if value is None:
        return ""
    if isinstance(value, Money):
        return value.format()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class BantForm(ModalScreen[BantFormResult | None]):
    """Qualify one deal: Budget, Authority, Need, Timeline."""

    AUTO_FOCUS = "StatusPicker"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="bant.cancel"),
        Binding("ctrl+s", "save", "Save", id="bant.save"),
        # Before the text fields' own ctrl+d (delete the character to the right).
        Binding("ctrl+d", "disqualify", "Disqualify", id="bant.disqualify", priority=True),
    ]

    def __init__(
        self,
        title: str,
        answers: Mapping[str, CriterionAnswer],
        *,
        currency: str,
        thresholds: Thresholds,
        framework: Framework = BANT,
        draft: Mapping[str, str] | None = None,
        error: ValidationError | None = None,
    ) -> None:
        super().__init__(classes="form-screen")
        self.heading = rtl.sentence(f"Qualify: {clean_text(title, single_line=True)}")
        self.currency = currency
        self.thresholds = thresholds
        self.framework = framework
        self.error = error
        draft = draft or {}
        self.pickers: dict[str, StatusPicker] = {}
        self.fields: dict[str, Field] = {}
        for criterion in framework.criteria:
            answer = answers.get(criterion.key, CriterionAnswer())
            status = answer.status
            if criterion.key in draft:
                status = Answer(draft[criterion.key])
            self.pickers[criterion.key] = StatusPicker(status, id=f"status-{criterion.key}")
            for detail in criterion.details:
                name = detail_field(criterion.key, detail)
                self.fields[name] = (DateField if detail is Detail.DATE else Field)(
                    criterion.detail_label(detail),
                    name,
                    draft.get(name, _shown(answer, detail)),
                    _PLACEHOLDERS.get(detail, ""),
                    compact=True,
                )
        self.score = Static("", classes="bant-score", markup=False)

    def compose(self) -> ComposeResult:
        # The heading with the score, and the keys, stay in view while the
        # answers scroll (a short terminal): only the answers are in the
        # scrolling part, so the field that has focus is scrolled into view
        # (a part docked inside a scrolling one would cover it).
        with Vertical(classes="form bant"):
            with Vertical(classes="bant-top"):
                yield Label(self.heading, classes="form-title", markup=False)
                yield self.score
            with VerticalScroll(classes="bant-answers", can_focus=False):
                for criterion in self.framework.criteria:
                    with Horizontal(classes="bant-criterion"):
                        yield Label(criterion.label, markup=False)
                        yield self.pickers[criterion.key]
                    with Horizontal(classes="bant-details"):
                        for detail in criterion.details:
                            yield self.fields[detail_field(criterion.key, detail)]
            yield Label(
                "1–4 ←/→ status · tab next · ctrl+s save · ctrl+d disqualify · esc cancel",
                classes="form-help bant-keys",
            )

    def on_mount(self) -> None:
        """Show the score, and why the last save failed (at its field)."""
        self._show_score()
        if self.error is not None:
            self._show_error(self.error)

    def on_status_picker_changed(self, _message: StatusPicker.Changed) -> None:
        """Recompute the score and verdict as the answers change."""
        self._show_score()

    def _statuses(self) -> dict[str, CriterionAnswer]:
        return {key: CriterionAnswer(picker.value) for key, picker in self.pickers.items()}

    def _show_score(self, note: str | None = None) -> None:
        a = assess(self._statuses(), self.thresholds, self.framework)
        self.score.update(rtl.sentence(f"{a.percent} % · {a.verdict.value} — {note or a.reason}"))
        for verdict in ("qualified", "in-progress", "disqualified", "not-assessed"):
            self.score.set_class(a.verdict.value.replace(" ", "-") == verdict, f"-{verdict}")

    def _show_error(self, error: ValidationError) -> None:
        if error.field in self.fields:
            self.fields[error.field].show_error(error.message)
            self.fields[error.field].input.focus()
        elif error.field in self.pickers:
            self.pickers[error.field].focus()
            self._show_score(error.message)
        else:
            self._show_score(error.message)

    def parse(self) -> dict[str, AnswerPatch]:
        """Every criterion's answer, or a ValidationError naming the field."""
        patch: dict[str, AnswerPatch] = {}
        for criterion in self.framework.criteria:
            answer = AnswerPatch(status=self.pickers[criterion.key].value)
            for detail in criterion.details:
                name = detail_field(criterion.key, detail)
                text = self.fields[name].value
                if detail is Detail.AMOUNT:
                    answer["amount"] = (
                        parse_money(text, self.currency, field=name) if text.strip() else None
                    )
                elif detail is Detail.DATE:
                    answer["target_date"] = inputs.optional_date(text, field=name)
                elif detail is Detail.WHO:
                    answer["who"] = clean_text(text, single_line=True) or None
                else:
                    answer["note"] = clean_text(text) or None
            patch[criterion.key] = answer
        return patch

    def _draft(self) -> dict[str, str]:
        typed = {name: f.value for name, f in self.fields.items()}
        return typed | {key: picker.value.value for key, picker in self.pickers.items()}

    def _result(self, disqualify: bool) -> BantFormResult | None:
        for f in self.fields.values():
            f.show_error(None)
        try:
            return BantFormResult(self.parse(), disqualify, self._draft())
        except ValidationError as error:
            self._show_error(error)
            return None

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        """Enter in a field saves, as in the other forms."""
        self.action_save()

    def action_save(self) -> None:
        """Close with the answers if every field is valid."""
        result = self._result(False)
        if result is not None:
            self.dismiss(result)

    def action_disqualify(self) -> None:
        """Save and mark the deal lost, naming the criterion answered "no"."""
        if disqualifying(self._statuses(), self.thresholds, self.framework) is None:
            self._show_score("set the criterion that fails to no (key 2) to disqualify")
            return
        result = self._result(True)
        if result is not None:
            self.dismiss(result)

    def action_cancel(self) -> None:
        """Close with nothing saved."""
        self.dismiss(None)
