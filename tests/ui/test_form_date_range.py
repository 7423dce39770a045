"""The TUI's forms refuse dates outside years 1900–2199 at the field, with the
same words as the CLI: the funnel screen's custom period, a follow-up's due
date and a lost deal's revisit date (which, accepted, used to end the app with
a traceback later)."""

from __future__ import annotations

from datetime import date

import pytest

from pipetui.domain.errors import ValidationError
from pipetui.ui.screens.funnel import check_dates
from pipetui.ui.screens.journey_forms import check_followup


@pytest.mark.parametrize(
    ("since", "until", "field", "day"),
    [("0001-01-01", "", "since", "0001-01-01"), ("", "9999-12-31", "until", "9999-12-31")],
)
def test_a_custom_period_outside_the_range_is_refused_at_its_field(
    since: str, until: str, field: str, day: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        check_dates({"since": since, "until": until})
    assert caught.value.field == field
    assert caught.value.message == f"{day} is out of range (years 1900–2199)"


def test_the_widest_custom_period_is_accepted() -> None:
    assert check_dates({"since": "1900-01-01", "until": "2199-12-31"}) == (
        date(1900, 1, 1),
        date(2199, 12, 31),
    )


def test_a_follow_up_due_outside_the_range_is_refused_at_its_field() -> None:
    with pytest.raises(ValidationError) as caught:
        check_followup({"title": "Call back", "due": "9999-12-31"})
    assert caught.value.field == "due"
    assert caught.value.message == "9999-12-31 is out of range (years 1900–2199)"


def test_a_lost_deals_revisit_date_outside_the_range_is_refused_at_its_field() -> None:
    from pipetui.ui.screens.lost_form import check_lost

    with pytest.raises(ValidationError) as caught:
        check_lost({"reason": "price", "revisit": "9999-12-31"})
    assert caught.value.field == "revisit"
    assert caught.value.message == "9999-12-31 is out of range (years 1900–2199)"
