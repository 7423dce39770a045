"""Which invisible direction characters survive `clean_text` (docs/decisions.md,
"Right-to-left text"): the overrides, embeddings and isolates go, since they can
make stored text display in another order or open a scope that runs past its
field on a terminal that does bidi; the marks stay, since a writer may need one
to place a number or a punctuation mark, and they never act past their field."""

from __future__ import annotations

import pytest

from pipetui.domain.bidi import visual
from pipetui.domain.text import clean_text

LRM, RLM, ALM = "\u200e", "\u200f", "\u061c"


@pytest.mark.parametrize("mark", [LRM, RLM, ALM])
@pytest.mark.parametrize("single_line", [False, True])
def test_direction_marks_are_kept(mark: str, single_line: bool) -> None:
    text = f"מחיר{mark} 40 ש״ח"
    assert clean_text(text, single_line=single_line) == text


@pytest.mark.parametrize(
    "control",
    ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"],
)
def test_overrides_embeddings_and_isolates_are_stripped_and_marks_beside_them_kept(
    control: str,
) -> None:
    assert clean_text(f"{control}abc{RLM}d{control}", single_line=True) == f"abc{RLM}d"


def test_a_kept_mark_does_its_work_on_screen_and_is_not_sent_to_the_terminal() -> None:
    # An LRM after "C++" keeps the "++" with the C in a right-to-left field;
    # without it they take the field's direction and show as "++C".
    assert "++C" in visual("קורס C++ למתחילים")
    shown = visual(clean_text(f"קורס C++{LRM} למתחילים"))
    assert LRM not in shown
    assert "C++" in shown
