"""A deal's status, on its own: the board's first frame needs it, and not the
rest of `pipetui.domain.deal` (its classes cost ≈2.4 ms of start-up)."""

from __future__ import annotations

from enum import StrEnum


class DealStatus(StrEnum):
    """Won and lost are statuses, not stages: a closed deal keeps its stage."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"
