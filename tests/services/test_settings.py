"""Settings: a missing file means defaults; a bad one names the key and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipetui.domain.bant import Thresholds
from pipetui.services.settings import EXAMPLE, Settings, SettingsError, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "absent.toml") == Settings()


def test_a_full_file_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'default_currency = "ils"\ntheme = "nord"\n'
        '[bant]\nqualified_score = 8\ndisqualify_on = ["need"]\n',
    )
    assert load_settings(path) == Settings("ILS", "nord", Thresholds(8, ("need",)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('default_currency = "XYZ"\n', "default_currency (line 1): unknown currency"),
        ('theme = "x"\ncolour = 3\n', "colour (line 2): unknown setting"),
        ("[bant]\n\nqualified_score = 12\n", "bant.qualified_score (line 3): must be"),
        ('[bant]\ndisqualify_on = "budget"\n', "bant.disqualify_on (line 2): must be a list"),
        ("default_currency = \n", "not valid TOML"),
    ],
)
def test_a_bad_file_is_refused_naming_key_and_line(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert expected in str(caught.value)
    assert str(path) in str(caught.value)


# -- [keymap] (issue 15): read here with its lines; the ids are checked by the UI --


def test_the_keymap_is_read_in_file_order_with_its_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'theme = "nord"\n'
        "[keymap]\n"
        '"board.won" = "W"\n'
        'board.lost = "X, ctrl+x"   # a dotted key names the same id\n'
        "'board.cursor(1)' = \"J\"\n"
        "[keymap.contacts]\n"
        'sort = "S"\n',
    )
    keymap = load_settings(path).keymap
    assert [(e.binding_id, e.keys, e.line) for e in keymap] == [
        ("board.won", "W", 3),
        ("board.lost", "X,ctrl+x", 4),
        ("board.cursor(1)", "J", 5),
        ("contacts.sort", "S", 7),
    ]
    assert keymap[0].where == f'{path}: keymap."board.won" (line 3)'


def test_no_keymap_table_means_every_key_as_shipped(tmp_path: Path) -> None:
    assert load_settings(write(tmp_path, 'theme = "nord"\n')).keymap == ()


def test_the_example_file_is_a_valid_settings_file(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, EXAMPLE))
    assert [(e.binding_id, e.keys) for e in settings.keymap] == [("board.won", "W")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('keymap = "W"\n', 'keymap (line 1): must be a table: [keymap] then "id" = "key"'),
        ('[keymap]\n"board.won" = ""\n', 'keymap."board.won" (line 2): must be keys such as "W"'),
        ('[keymap]\n\n"board.won" = 7\n', 'keymap."board.won" (line 3): must be keys'),
        ('[keymap]\n"board.won" = "W,"\n', '(line 2): "W," has an empty key between its commas'),
        (
            '[keymap]\n"board.won" = "W"\nboard.won = "V"\n',
            'keymap."board.won" (line 3): given twice (also line 2)',
        ),
    ],
    ids=["not-a-table", "empty", "not-text", "empty-alternative", "twice"],
)
def test_a_bad_keymap_is_refused_naming_id_and_line(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert expected in str(caught.value)
    assert str(caught.value).startswith(f"{path}: ")
