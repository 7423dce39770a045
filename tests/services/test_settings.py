"""Settings: a missing file means defaults; a bad one names the key and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipetui.domain.bant import Thresholds
from pipetui.services.settings import Settings, SettingsError, load_settings


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
