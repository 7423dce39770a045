"""Follow-ups as iCalendar (RFC 5545), written with `icalendar`: one all-day
VEVENT per open follow-up on its due date, so any calendar shows what is next.

Each event's UID is stable ("pipetui-followup-ID@pipetui"), so importing a newer
export into the same calendar updates events rather than doubling them.

A follow-up due on the last day the calendar can hold (9999-12-31, written by
an older pipetui or another tool) has no next day for DTEND: its event has none,
which RFC 5545 (3.6.1) reads the same way, one whole day from DTSTART.

`icalendar` (about 0.08 s to import) is imported by the function that uses
it, so no other export pays for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from pipetui import __version__


def write_followups(rows: Iterable[dict[str, Any]], now: datetime) -> str:
    """The calendar text for follow-ups (rows from `store.exports.followups`)."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//pipetui//pipetui {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "pipetui follow-ups")
    for row in rows:
        event = icalendar.Event()
        event.add("uid", f"pipetui-followup-{row['id']}@pipetui")
        event.add("dtstamp", now)
        due: date = row["due"]
        event.add("dtstart", due)
        if due < date.max:
            event.add("dtend", due + timedelta(days=1))
        about = row.get("deal_title") or row.get("contact_name")
        event.add("summary", f"{row['title']} – {about}" if about else row["title"])
        details = []
        if row.get("deal_title"):
            details.append(f"Deal: {row['deal_title']} (#{row['deal_id']})")
        if row.get("contact_name"):
            details.append(f"Contact: {row['contact_name']} (#{row['contact_id']})")
        if details:
            event.add("description", "\n".join(details))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return str(calendar.to_ical().decode("utf-8"))
