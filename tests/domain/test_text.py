"""User text: every script kept exactly, nothing that could steer the terminal."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipetui.domain.text import clean_text, search_key

BIDI_CONTROLS = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
DANGEROUS = (
    [chr(c) for c in range(0x00, 0x20)]
    + ["\x7f"]
    + [chr(c) for c in range(0x80, 0xA0)]
    + sorted(BIDI_CONTROLS)
    + ["\u2028", "\u2029"]
)
# Text a salesperson might have on a contact card, in several scripts.
SCRIPTS = [
    "שלום עולם",  # Hebrew
    "שָׁלוֹם",  # Hebrew with niqqud
    "مرحبا بالعالم",  # Arabic
    "مَرْحَبًا",  # Arabic with harakat
    "\u061cمرحبا",  # Arabic letter mark
    "你好，世界",  # Chinese
    "こんにちは",  # Japanese
    "안녕하세요",  # Korean
    "Zoë Ångström-Łukasiewicz",
    "👨\u200d👩\u200d👧\u200d👦",  # family: ZWJ sequence
    "👍🏽 🇮🇱 ❤️",  # skin tone, flag, variation selector
]

# Characters at the edges of the rules, so each turns up in most runs.
EDGES = "\t\n\r \x1b\x7f\x80\x85\x9f\u202a\u202e\u2066\u2069\u2028\u2029\u200d\u061c"
texts = st.lists(
    st.one_of(
        st.sampled_from(EDGES),
        st.sampled_from(DANGEROUS),
        st.sampled_from(SCRIPTS),
        st.text(max_size=4),
    ),
    max_size=12,
).map("".join)


def is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS or char in "\u2028\u2029"


@pytest.mark.parametrize("text", SCRIPTS)
def test_every_script_is_kept_exactly(text: str) -> None:
    assert clean_text(text) == text
    assert clean_text(text, single_line=True) == text


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("Acme\x00 Ltd", "Acme Ltd"),
        ("bell\x07", "bell"),
        ("\x1b[31mred\x1b[0m", "[31mred[0m"),
        ("osc\x1b]0;title\x07", "osc]0;title"),
        ("del\x7f", "del"),
        ("c1\x9b31m", "c131m"),
        ("next\x85line", "nextline"),
        ("invoice\u202egnp.exe", "invoicegnp.exe"),
        ("\u2066isolated\u2069", "isolated"),
        ("\u202aembed\u202c", "embed"),
        ("form\x0cfeed\x0bvt", "formfeedvt"),
        ("  padded  ", "padded"),
    ],
)
def test_control_characters_are_removed(dirty: str, clean: str) -> None:
    assert clean_text(dirty) == clean


def test_notes_keep_tabs_and_line_breaks() -> None:
    assert clean_text("line one\r\n\tline two\rthree") == "line one\n\tline two\nthree"
    assert clean_text("para\u2029graph") == "para\ngraph"


def test_a_title_stays_on_one_line() -> None:
    assert clean_text("Big\ndeal", single_line=True) == "Big deal"
    assert clean_text("Big\r\n\r\n\tdeal", single_line=True) == "Big deal"
    assert clean_text("Big\u2028deal", single_line=True) == "Big deal"
    assert clean_text("\nBig deal\n", single_line=True) == "Big deal"


def test_search_ignores_case_and_accents_form() -> None:
    assert search_key("ÉCOLE") == search_key("école")
    assert search_key("e\u0301cole") == search_key("école")  # decomposed vs composed
    assert search_key("Straße") == search_key("STRASSE")
    assert search_key("ＡＣＭＥ") == search_key("acme")  # full-width
    assert search_key("ÉCOLE") != search_key("ecole")


def test_search_keeps_caseless_scripts() -> None:
    assert search_key("שלום") == "שלום"
    assert search_key("مرحبا") == "مرحبا"
    assert search_key("Dana", None, "כהן", "") == "dana כהן"


@settings(max_examples=200, deadline=None)
@given(texts, st.booleans())
def test_cleaned_text_never_holds_a_control_character(text: str, single_line: bool) -> None:
    cleaned = clean_text(text, single_line=single_line)
    allowed = "" if single_line else "\t\n"
    assert [c for c in cleaned if is_control(c) and c not in allowed] == []


@settings(max_examples=200, deadline=None)
@given(texts, st.booleans())
def test_cleaning_twice_changes_nothing(text: str, single_line: bool) -> None:
    once = clean_text(text, single_line=single_line)
    assert clean_text(once, single_line=single_line) == once


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cc", "Cf", "Zl", "Zp"]), max_size=40))
def test_text_without_controls_only_loses_surrounding_space(text: str) -> None:
    assert clean_text(text) == text.strip()
