"""A right-to-left field as a terminal without bidi must receive it: read left to
right on screen, it must read as its writer wrote it (DESIGN.md §6)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipetui.domain.bidi import (
    ONE_CELL_RANGES,
    Direction,
    base_direction,
    cell_width,
    fit,
    has_rtl,
    shape,
    visual,
)


def test_a_hebrew_name_is_sent_mirrored_so_the_screen_shows_it_right() -> None:
    assert visual("רונית לוי") == "יול תינור"


@pytest.mark.parametrize(
    ("logical", "shown"),
    [
        ("אתר חדש 2026", "2026 שדח רתא"),  # numbers keep their order
        ("פגישה עם Acme", "Acme םע השיגפ"),  # a Latin word inside, right-to-left field
        ('Acme בע"מ', 'Acme מ"עב'),  # a left-to-right field with Hebrew at its end
        ("הצעה ₪1,200.50", "₪1,200.50 העצה"),  # money reads as money
        ("פרויקט (שלב ב)", "(ב בלש) טקיורפ"),  # brackets mirrored
    ],
)
def test_numbers_latin_and_brackets_inside_hebrew_follow_uax9(logical: str, shown: str) -> None:
    assert visual(logical) == shown


def test_the_base_direction_comes_from_the_first_strong_character() -> None:
    assert base_direction("123 שלום abc") == "R"
    assert base_direction("abc שלום") == "L"
    assert base_direction("123 …") is None
    assert not has_rtl("Zoë Müller 上海 😀")
    assert has_rtl("Zoë רונית")


def test_niqqud_and_harakat_stay_on_their_letters() -> None:
    shown = visual("שָׁלוֹם")
    assert shown == "ם" + "וֹ" + "ל" + "שָׁ"
    arabic = visual("مُحَمَّد")
    assert _clusters(arabic) == _clusters(shape("مُحَمَّد"))[::-1]
    assert cell_width(arabic) == 4  # four letters, the marks take no cell


def _clusters(text: str) -> list[str]:
    """Letters with the marks on them."""
    found: list[str] = []
    for ch in text:
        if unicodedata.combining(ch) and found:
            found[-1] += ch
        else:
            found.append(ch)
    return found


def test_arabic_is_joined_and_lam_alef_is_one_ligature() -> None:
    shaped = shape("سلام")
    assert all("FORM" in unicodedata.name(ch) for ch in shaped)  # presentation forms
    assert len(shape("لا")) == 1 and "LAM WITH ALEF" in unicodedata.name(shape("لا"))
    assert visual("سلام") == shaped[::-1]


def _form_names(text: str) -> list[str]:
    return [unicodedata.name(ch).removeprefix("ARABIC LETTER ") for ch in text]


def test_each_letter_takes_the_form_its_neighbours_join_it_in() -> None:
    # seen joins after, lam between, alef only before it (a right-joining
    # letter), meem alone after the alef
    assert _form_names(shape("سلام")) == [
        "SEEN INITIAL FORM",
        "ARABIC LIGATURE LAM WITH ALEF FINAL FORM",
        "MEEM ISOLATED FORM",
    ]
    # dal joins nothing after it, so the heh after "ahmad" starts again
    assert _form_names(shape("احمد ه")) == [
        "ALEF ISOLATED FORM",
        "HAH INITIAL FORM",
        "MEEM MEDIAL FORM",
        "DAL FINAL FORM",
        "SPACE",
        "HEH ISOLATED FORM",
    ]


def test_marks_stay_on_their_letters_and_do_not_break_a_join() -> None:
    shaped = shape("مُحَمَّد")
    assert [ch for ch in shaped if unicodedata.combining(ch)] == [
        "\u064f",
        "\u064e",
        "\u064e",
        "\u0651",
    ]
    letters = [ch for ch in shaped if not unicodedata.combining(ch)]
    assert _form_names("".join(letters)) == [
        "MEEM INITIAL FORM",
        "HAH MEDIAL FORM",
        "MEEM MEDIAL FORM",
        "DAL FINAL FORM",
    ]
    # a mark between lam and alef: still one ligature, the mark after it
    assert shape("لًا") == "\ufefb\u064b"


def test_persian_letters_and_every_alef_join_too() -> None:
    assert _form_names(shape("پگ")) == ["PEH INITIAL FORM", "GAF FINAL FORM"]
    assert [unicodedata.name(shape(f"ل{alef}")) for alef in "آأإا"] == [
        "ARABIC LIGATURE LAM WITH ALEF WITH MADDA ABOVE ISOLATED FORM",
        "ARABIC LIGATURE LAM WITH ALEF WITH HAMZA ABOVE ISOLATED FORM",
        "ARABIC LIGATURE LAM WITH ALEF WITH HAMZA BELOW ISOLATED FORM",
        "ARABIC LIGATURE LAM WITH ALEF ISOLATED FORM",
    ]


def test_no_word_ligature_every_letter_keeps_its_cell() -> None:
    # "Allah" as four joined letters (alef, lam, lam, heh), not U+FDF2, which
    # many terminal fonts lack
    assert _form_names(shape("الله")) == [
        "ALEF ISOLATED FORM",
        "LAM INITIAL FORM",
        "LAM MEDIAL FORM",
        "HEH FINAL FORM",
    ]
    assert cell_width(visual("الله")) == 4


def test_arabic_with_digits_keeps_the_number_in_reading_order() -> None:
    shown = visual("فاتورة 123")
    assert shown.startswith("123 ")
    assert shown[4:] == shape("فاتورة")[::-1]


def test_a_long_right_to_left_field_is_cut_at_its_logical_end_ellipsis_on_the_left() -> None:
    assert visual("רונית לוי", 6) == "…תינור"
    assert cell_width(visual("רונית לוי", 6)) == 6
    assert visual("Zoë Müller", 5) == "Zoë …"


def test_a_cut_never_separates_a_mark_from_its_letter() -> None:
    assert visual("שָׁלוֹם", 3) == "…ל" + "שָׁ"


def test_direction_marks_do_their_work_and_are_not_sent() -> None:
    assert visual("\u200fשלום") == "םולש"


def test_a_sentence_of_the_app_stays_left_to_right_around_quoted_names() -> None:
    said = visual("moved 'אתר חדש' to Proposal", None, "L")
    assert said == "moved 'שדח רתא' to Proposal"


def _cells_one_by_one(text: str) -> int:
    """Cells counted character by character, the way every script is counted."""
    return sum(
        0
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me")
        else 2
        if unicodedata.east_asian_width(ch) in "WF"
        else 1
        for ch in text
    )


def test_every_character_the_one_cell_path_measures_by_length_takes_one_cell() -> None:
    """The fast path (a name in Latin, Greek, Cyrillic, Hebrew or Arabic
    letters is measured by its length) holds no mark and nothing wide."""
    for first, last in ONE_CELL_RANGES:
        for code in range(ord(first), ord(last) + 1):
            assert _cells_one_by_one(chr(code)) == 1, f"U+{code:04X}"


_ONE_CELL_TEXT = st.text(
    alphabet=st.sampled_from(
        [
            *"Zoë Çağla Öztürk Müller & Söhne – “Ωμέγα” Иванов",
            *"רונית לוי שלום",
            *"ماجد الحربي ٣٤",
            *"€₪→…·",
            *"\u05b0\u064e\u0301",  # marks: the lookup's path
            *"上海",  # wide: the lookup's path
        ]
    )
)


@settings(max_examples=400, deadline=None)
@given(
    text=st.one_of(st.text(alphabet=st.characters(max_codepoint=0x7F)), _ONE_CELL_TEXT),
    width=st.integers(-1, 12),
)
def test_any_text_is_measured_and_cut_as_one_by_one(text: str, width: int) -> None:
    """The fast paths (ASCII; a name in letters that take one cell each) give
    what the lookup per character gives: the same width and the same cut."""
    assert cell_width(text) == _cells_one_by_one(text)
    cut = fit(text, width)
    if _cells_one_by_one(text) <= width:
        assert cut == text
    elif width <= 0:
        assert cut == ""
    else:
        assert cut.endswith("…") and text.startswith(cut[:-1])
        assert _cells_one_by_one(cut) <= width
        if text.isascii():
            assert _cells_one_by_one(cut) == width


_RTL_LINE = st.text(
    alphabet=st.sampled_from(
        [
            *"אבגדהוזחטיכךלמםנןסעפףצץקרשתابتثجحخدذرسشصضعفقلمنهويىةءآأإ",
            *"\u05b0\u05bc\u064e\u0651\u064b",  # niqqud, harakat
            *" .,-…'\"!?:;·",  # spaces and neutral punctuation
            *"()[]<>«»",  # mirrored: not the plain case
            *"\u200f\u200e1a",  # RLM, LRM, a digit, a Latin letter
            *"Renwal Zé",  # Latin words (and a letter with its accent)
            *"25+%$#/٣٤",  # numbers (European, Arabic-Indic) and their separators
        ]
    ),
    max_size=14,
)


@settings(max_examples=1500)
@given(line=_RTL_LINE, base=st.sampled_from(["L", "R"]))
@example(line="מחיר 2+5 ו-1,5", base="R")  # a separator between two numbers (W4)
@example(line="سعر ٣/٤ و $25", base="R")  # Arabic-Indic numbers, a terminator (W5)
@example(line="מזרחי ובניו – Renewal + add-ons, 25 seats", base="R")  # the demo's titles
@example(line="Acme בע״מ – 10% off", base="L")
def test_pipetuis_own_reordering_is_what_uax9_gives(line: str, base: Direction) -> None:
    # `_reorder` lays out a line of letters, marks, numbers, spaces and
    # punctuation itself, without python-bidi: for every line, whichever way
    # it takes, the result is UAX #9's
    from pipetui.domain.bidi import _reorder, _uax9

    assert _reorder(line, base) == _uax9(line, base)
