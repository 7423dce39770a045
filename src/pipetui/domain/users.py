"""Who works in the database (team mode, DESIGN.md §5): user names, deal
owners, and which owners' deals a list or the board shows."""

from __future__ import annotations

from typing import NamedTuple

from pipetui.domain.text import clean_text, one_line

USER_NAME_LIMIT = 100
"""The longest user name (`--as`, PIPETUI_USER, a deal's owner): a person's
name or a database role (PostgreSQL's are at most 63 bytes)."""


def check_user_name(name: str, *, field: str) -> str:
    """A user name as typed: one line, control characters removed, not empty,
    at most `USER_NAME_LIMIT` characters; else a ValidationError on `field`."""
    return one_line(name, field=field, limit=USER_NAME_LIMIT)


def found_user_name(name: str | None) -> str | None:
    """A name the system gave (the login name, the database role), cleaned the
    same way, or None when nothing usable is left: never an error, since the
    user did not type it."""
    if not name:
        return None
    cleaned = clean_text(name, single_line=True)
    return cleaned[:USER_NAME_LIMIT] or None


class OwnerFilter(NamedTuple):
    """Whose deals to show: one owner's (`owner`; None for deals nobody owns),
    and with `unowned` also the deals nobody owns.

    "Mine" is `mine(user)`: the user's deals and the unowned ones, which are the
    team's queue (and every deal from before owners existed), so that nobody's
    board hides a deal nobody has taken (docs/decisions.md, "Team mode: users
    and owners")."""

    owner: str | None
    unowned: bool = False

    @classmethod
    def mine(cls, user: str | None) -> OwnerFilter:
        """The user's deals and the unowned ones (only those when the user is
        not known)."""
        return cls(user, unowned=True)
