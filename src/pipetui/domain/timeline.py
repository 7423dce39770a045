"""A contact's journey as it happened: the path through the journey stages,
long silences, NPS, and the attention list's rules (DESIGN.md §1).

Plain values and arithmetic; the store reads the rows, the UI draws the text.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction

from pipetui.domain.journey import JourneyStage, Touchpoint

GAP_DAYS = 30
"""A silence longer than this many days shows on the timeline ("43 days without contact")."""

PROMOTER_MIN, DETRACTOR_MAX = 9, 6


def journey_path(touchpoints: Iterable[Touchpoint]) -> list[JourneyStage]:
    """The stages in the order the contact went through them, each repeat of the
    same stage in a row shown once: a non-linear journey stays non-linear
    (awareness → interest → consideration → interest → intent)."""
    path: list[JourneyStage] = []
    for touch in sorted(touchpoints, key=lambda t: (t.at, t.id)):
        if not path or path[-1] is not touch.journey_stage:
            path.append(touch.journey_stage)
    return path


@dataclass(frozen=True, slots=True)
class Gap:
    """A silence between two moments of contact."""

    start: datetime
    end: datetime

    @property
    def days(self) -> int:
        """Whole days without contact."""
        return (self.end - self.start).days


def gaps(moments: Iterable[datetime], *, longer_than: int = GAP_DAYS) -> list[Gap]:
    """The silences of more than `longer_than` days between consecutive moments."""
    ordered = sorted(moments)
    return [Gap(a, b) for a, b in itertools.pairwise(ordered) if (b - a).days > longer_than]


@dataclass(frozen=True, slots=True)
class Nps:
    """Net Promoter Score over 0–10 answers: promoters (9–10) minus detractors
    (0–6), as a percentage of all answers; None without answers."""

    promoters: int
    passives: int
    detractors: int

    @property
    def answers(self) -> int:
        """How many scores were counted."""
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> Fraction | None:
        """From −100 to 100, exact."""
        if not self.answers:
            return None
        return Fraction(100 * (self.promoters - self.detractors), self.answers)

    def score_text(self) -> str:
        """The score rounded half away from zero: "+40", "-20", "0";
        "—" without answers."""
        score = self.score
        if score is None:
            return "—"
        whole = int(score + Fraction(1, 2)) if score >= 0 else -int(-score + Fraction(1, 2))
        return f"{whole:+d}" if whole else "0"

    def text(self) -> str:
        """ "+40 (5 answers)", or "—"."""
        if self.score is None:
            return "—"
        return f"{self.score_text()} ({self.answers} answer{'s' if self.answers != 1 else ''})"


def nps(scores: Iterable[int]) -> Nps:
    """Count the 0–10 answers into promoters, passives and detractors."""
    values = list(scores)
    promoters = sum(1 for s in values if s >= PROMOTER_MIN)
    detractors = sum(1 for s in values if s <= DETRACTOR_MAX)
    return Nps(promoters, len(values) - promoters - detractors, detractors)


def nps_scores(touchpoints: Sequence[Touchpoint]) -> list[int]:
    """The NPS answers among touchpoints: every score given (a `survey` carries
    one; any touchpoint may)."""
    return [t.score for t in touchpoints if t.score is not None]


def is_due(due: date, today: date) -> bool:
    """A follow-up needs the seller today: overdue or due today."""
    return due <= today
