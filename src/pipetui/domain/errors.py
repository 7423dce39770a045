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
