"""Why deals are lost (issue 19): lost deals by reason, by the stage where they
were lost, and disqualifications by BANT criterion.

The database groups the lost deals by reason, stage and currency
(`pipetui.store.losses`); this module merges those groups into the figures.
A reason is matched in any case and width ("Price" and "price " are one
reason, shown as its most used spelling). A disqualification is a lost reason
"Disqualified: <criterion>" (what `deal disqualify` and `D` record). Shares
are exact fractions of the lost deals; money stays per currency.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from pipetui.domain.bant import BANT, Framework
from pipetui.domain.money import Money, MoneyTotals
from pipetui.domain.text import search_key

NO_REASON = "(no reason)"
"""How a lost deal without a reason is counted and shown."""
DISQUALIFIED_PREFIX = "Disqualified:"
"""The start of the lost reason a disqualification records (`disqualified_reason`)."""


@dataclass(frozen=True, slots=True)
class LostGroup:
    """Lost deals sharing a reason (as written), a stage and a currency."""

    reason: str | None
    stage: str
    stage_position: int
    currency: str
    count: int
    value_minor: int


@dataclass(frozen=True, slots=True)
class LossLine:
    """One line of a breakdown: how many lost deals, their value per currency,
    and their share of all the lost deals (None when none was lost)."""

    name: str
    count: int
    value: MoneyTotals
    share: Fraction | None


@dataclass(frozen=True, slots=True)
class Losses:
    """The lost deals of a cohort, three ways."""

    lost: int
    value: MoneyTotals
    by_reason: list[LossLine]
    """Most lost first (then by name, "(no reason)" last among equals)."""
    by_stage: list[LossLine]
    """Every stage of the pipeline in order, zeros included."""
    by_criterion: list[LossLine]
    """Every criterion of the framework in order, zeros included, then any
    other disqualification named (a criterion of an older framework)."""
    disqualified: int


def reason_key(reason: str | None) -> str:
    """The key reasons are matched by: any case and width, outer spaces ignored."""
    return search_key((reason or "").strip())


def disqualified_criterion(reason: str | None) -> str | None:
    """The criterion named by "Disqualified: Budget" ("Budget"), else None."""
    text = (reason or "").strip()
    if text[: len(DISQUALIFIED_PREFIX)].casefold() != DISQUALIFIED_PREFIX.casefold():
        return None
    return text[len(DISQUALIFIED_PREFIX) :].strip() or None


def _line(name: str, groups: Sequence[LostGroup], lost: int) -> LossLine:
    count = sum(g.count for g in groups)
    value = MoneyTotals(Money(g.value_minor, g.currency) for g in groups)
    return LossLine(name, count, value, Fraction(count, lost) if lost else None)


def _spelling(groups: Sequence[LostGroup]) -> str:
    """The most used spelling of a reason (ties: the smallest text)."""
    counts: dict[str, int] = {}
    for group in groups:
        text = (group.reason or "").strip()
        counts[text] = counts.get(text, 0) + group.count
    best = min(counts, key=lambda text: (-counts[text], text))
    return best or NO_REASON


def compute_losses(
    groups: Iterable[LostGroup], stages: Sequence[str] = (), framework: Framework = BANT
) -> Losses:
    """The figures from the grouped lost deals; `stages` names the pipeline's
    stages in order (a stage lost in but not named is added after them)."""
    rows = [g for g in groups if g.count]
    lost = sum(g.count for g in rows)

    by_key: dict[str, list[LostGroup]] = {}
    for group in rows:
        by_key.setdefault(reason_key(group.reason), []).append(group)
    reasons = [_line(_spelling(found), found, lost) for found in by_key.values()]
    reasons.sort(key=lambda r: (-r.count, r.name == NO_REASON, search_key(r.name), r.name))

    positions = {name: index for index, name in enumerate(stages)}
    extra = sorted({(g.stage_position, g.stage) for g in rows if g.stage not in positions})
    stage_names = [*stages, *(name for _, name in extra)]
    by_stage = [_line(name, [g for g in rows if g.stage == name], lost) for name in stage_names]

    labels = {search_key(c.label): c.label for c in framework.criteria}
    criteria: dict[str, list[LostGroup]] = {label: [] for label in labels.values()}
    for group in rows:
        named = disqualified_criterion(group.reason)
        if named is not None:
            criteria.setdefault(labels.get(search_key(named), named), []).append(group)
    by_criterion = [_line(name, found, lost) for name, found in criteria.items()]

    return Losses(
        lost=lost,
        value=MoneyTotals(Money(g.value_minor, g.currency) for g in rows),
        by_reason=reasons,
        by_stage=by_stage,
        by_criterion=by_criterion,
        disqualified=sum(line.count for line in by_criterion),
    )


def suggested_reasons(used: Iterable[tuple[str, int]], limit: int = 10) -> list[str]:
    """The reasons to offer when a deal is marked lost: the most used first
    (matched in any case, shown as written most), disqualifications left out
    (they are recorded by disqualifying, not typed)."""
    merged: dict[str, dict[str, int]] = {}
    for reason, count in used:
        text = reason.strip()
        if not text or disqualified_criterion(text) is not None:
            continue
        spellings = merged.setdefault(reason_key(text), {})
        spellings[text] = spellings.get(text, 0) + count
    ranked = sorted(
        ((sum(s.values()), min(s, key=lambda t: (-s[t], t))) for s in merged.values()),
        key=lambda item: (-item[0], search_key(item[1]), item[1]),
    )
    return [text for _, text in ranked[:limit]]
