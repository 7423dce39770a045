"""A report's period is checked where it is made, not only where it is typed:
a day outside years 1900–2199 would put its local midnight off the calendar."""

from __future__ import annotations

from datetime import date

import pytest

from pipetui.domain.errors import ValidationError
from pipetui.services.reports import Period


def test_a_period_outside_the_range_is_refused_even_from_python() -> None:
    with pytest.raises(ValidationError, match=r"^until: 9999-12-31 is out of range"):
        Period(None, date.max)
    with pytest.raises(ValidationError, match=r"^since: 0001-01-01 is out of range"):
        Period(date.min)


def test_the_widest_period_has_both_bounds() -> None:
    since, until = Period(date(1900, 1, 1), date(2199, 12, 31)).bounds()
    assert since is not None and until is not None
    assert (since.year, until.year) == (1900, 2200)
