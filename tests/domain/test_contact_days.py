"""How long since a seller last spoke to someone, in calendar days where they
are, and the tags typed into the contact form."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipetui.domain.contact import (
    check_tags,
    days_since_contact,
    since_contact_short,
    since_contact_text,
)
from pipetui.domain.errors import ValidationError

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def test_no_touchpoint_is_no_contact_yet() -> None:
    assert days_since_contact(None, NOW) is None
    assert since_contact_text(None) == "no contact yet"
    assert since_contact_short(None) == "—"


def test_the_silence_the_issue_saw_is_243_days() -> None:
    last = datetime(2026, 3, 22, 15, 30, tzinfo=UTC)
    assert days_since_contact(last, NOW) == 243
    assert since_contact_text(243) == "243 days since last contact"
    assert since_contact_short(243) == "243 d ago"


def test_earlier_today_is_today_and_yesterday_is_one_day() -> None:
    assert days_since_contact(datetime(2026, 11, 20, 0, 1, tzinfo=UTC), NOW) == 0
    assert since_contact_text(0) == "last contact today"
    assert since_contact_short(0) == "today"
    assert since_contact_text(1) == "last contact yesterday"
    assert since_contact_short(1) == "1 d ago"


def test_days_are_calendar_days_in_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 00:10 in Jerusalem, a call at 23:50 the evening before was yesterday,
    though only twenty minutes ago; in UTC both are on the same day."""
    import time

    monkeypatch.setenv("TZ", "Asia/Jerusalem")
    time.tzset()
    try:
        call = datetime(2026, 11, 19, 21, 50, tzinfo=UTC)  # 23:50 local
        now = datetime(2026, 11, 19, 22, 10, tzinfo=UTC)  # 00:10 local, next day
        assert days_since_contact(call, now) == 1
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()
    assert days_since_contact(call, now) == 0


def test_a_touchpoint_dated_later_today_counts_as_today() -> None:
    assert days_since_contact(datetime(2026, 12, 1, tzinfo=UTC), NOW) == 0


def test_thousands_are_grouped() -> None:
    assert since_contact_text(12345) == "12,345 days since last contact"
    assert since_contact_short(12345) == "12,345 d ago"


def test_tags_are_split_cleaned_and_kept_once_in_any_script() -> None:
    assert check_tags(" vip, לקוח חם ,, VIP,عميل\t,  hot ") == ("vip", "לקוח חם", "عميل", "hot")
    assert check_tags("") == ()
    assert check_tags(["a, b", "c"]) == ("a", "b", "c")


def test_a_tag_too_long_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as refused:
        check_tags("ok, " + "x" * 101)
    assert refused.value.field == "tags"
