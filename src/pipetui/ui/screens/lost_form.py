"""Asking why a deal was lost, and when to try again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pipetui.domain.errors import ValidationError
from pipetui.domain.text import clean_text
from pipetui.services import inputs
from pipetui.ui.screens.prompt import PromptForm, Spec


@dataclass(frozen=True)
class LostResult:
    """The reason and the optional revisit date (which creates a follow-up)."""

    reason: str
    revisit: date | None


def check_lost(values: dict[str, str]) -> LostResult:
    """A reason is required; the revisit date is optional."""
    reason = clean_text(values["reason"], single_line=True)
    if not reason:
        raise ValidationError("reason", "say why the deal was lost")
    return LostResult(reason, inputs.optional_date(values["revisit"], field="revisit"))


def lost_form(title: str) -> PromptForm[LostResult]:
    """The "mark lost" dialog for the deal called `title`."""
    return PromptForm(
        f"Mark lost: {title}",
        [
            Spec("reason", "Why was it lost?", placeholder="e.g. chose a competitor"),
            Spec("revisit", "Revisit on (optional)", placeholder="+3m, YYYY-MM-DD", date="date"),
        ],
        check_lost,
    )
