"""Sort keys of the contacts screen at 50,000 contacts (issue 21).

Last touch reads `contact.last_touch_at`, which triggers keep at the latest of
the contact's touchpoints at any date (`pipetui.store.contact_rollups`). The screen
counts only touches up to `now` (a meeting logged ahead has not happened yet):
the few contacts whose kept value lies after `now` have theirs looked up among
their touchpoints (one lookup on ix_touchpoint_contact_at each); everyone else
sorts by the column alone, no touchpoint read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, select

from pipetui.store.tables import CONTACT, TOUCHPOINT


def last_touch_key(now: datetime) -> Any:
    """The contact's latest touchpoint up to `now` (NULL: none), as a column
    expression of CONTACT."""
    kept = CONTACT.c.last_touch_at
    looked_up = (
        select(func.max(TOUCHPOINT.c.at))
        .where(TOUCHPOINT.c.contact_id == CONTACT.c.id, TOUCHPOINT.c.at <= now)
        .scalar_subquery()
    )
    return case((or_(kept.is_(None), kept <= now), kept), else_=looked_up)
