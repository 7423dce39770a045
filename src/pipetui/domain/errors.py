"""The one error type every layer uses to refuse bad input."""

from __future__ import annotations


class ValidationError(ValueError):
    """Bad input for one named field; nothing has been written.

    The CLI prints ``str(error)`` and exits 2; forms show ``message`` at ``field``.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFoundError(ValidationError):
    """A referenced record (deal, contact, stage, ...) does not exist."""


class ChangedElsewhere(ValidationError):
    """The row changed since the view that asked for this change read it (another
    window, a CLI, a teammate); nothing was written and the view should refresh."""

    def __init__(self, field: str, what: str, seen: int, now: int) -> None:
        super().__init__(
            field,
            f"{what} changed elsewhere (version {now}, this view showed {seen}); "
            "nothing was written",
        )
        self.seen = seen
        self.now = now


def check_version(field: str, what: str, *, seen: int | None, now: int) -> None:
    """Refuse a change asked for from a view that showed another version of the
    row (`seen` None: the caller did not ask for the check)."""
    if seen is not None and seen != now:
        raise ChangedElsewhere(field, what, seen, now)
