"""Settings from a TOML file. A missing file means defaults; a malformed one is a
`SettingsError` naming the key and line, never a traceback."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipetui.domain.bant import Thresholds, check_thresholds
from pipetui.domain.errors import ValidationError
from pipetui.domain.money import check_currency

EXAMPLE = """\
# pipetui settings
default_currency = "USD"   # ISO 4217 code used when an amount names none
theme = "textual-dark"     # any Textual theme name
bidi = "app"               # Hebrew/Arabic on screen: "app" lays it out, "terminal" leaves it
                           # to a terminal that does bidi, "off" sends logical order

[bant]
qualified_score = 6                        # of 8: score needed to be "qualified"
disqualify_on = ["budget", "authority"]    # a "no" here disqualifies
"""


class SettingsError(ValueError):
    """The settings file cannot be used; the message names the file, key and line."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Every user setting, with its default."""

    default_currency: str = "USD"
    theme: str = "textual-dark"
    bant: Thresholds = field(default_factory=Thresholds)
    bidi: str = "app"
    """How right-to-left text reaches the screen: "app" (pipetui lays out each
    field and asks the terminal to keep its own bidi off), "terminal" (logical
    order, for a terminal that does bidi itself) or "off" (logical order)."""


BIDI_MODES = ("app", "terminal", "off")
_KNOWN = {"default_currency", "theme", "bant", "bidi"}
_KNOWN_BANT = {"qualified_score", "disqualify_on"}


def load_settings(path: Path) -> Settings:
    """Read `path`; defaults when it does not exist. `PIPETUI_BIDI` overrides
    the file's `bidi`."""
    settings = _load(path)
    override = os.environ.get("PIPETUI_BIDI")
    if override:
        if override not in BIDI_MODES:
            raise SettingsError(f"PIPETUI_BIDI: must be one of {', '.join(BIDI_MODES)}")
        settings = replace(settings, bidi=override)
    return settings


def _load(path: Path) -> Settings:
    if not path.exists():
        return Settings()
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise SettingsError(f"{path}: cannot read the settings file: {error.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path}: not valid TOML: {error}") from None
    try:
        return _settings(data)
    except ValidationError as error:
        line = _line_of(text, error.field)
        where = f" (line {line})" if line else ""
        raise SettingsError(f"{path}: {error.field}{where}: {error.message}") from None


def _settings(data: dict[str, Any]) -> Settings:
    for key in data:
        if key not in _KNOWN:
            raise ValidationError(key, "unknown setting")
    currency = data.get("default_currency", "USD")
    if not isinstance(currency, str):
        raise ValidationError("default_currency", 'must be a string such as "USD"')
    theme = data.get("theme", "textual-dark")
    if not isinstance(theme, str) or not theme:
        raise ValidationError("theme", "must be a theme name")
    bant = data.get("bant", {})
    if not isinstance(bant, dict):
        raise ValidationError("bant", "must be a table: [bant]")
    for key in bant:
        if key not in _KNOWN_BANT:
            raise ValidationError(f"bant.{key}", "unknown setting")
    defaults = Thresholds()
    thresholds = check_thresholds(
        bant.get("qualified_score", defaults.qualified_score),
        bant.get("disqualify_on", list(defaults.disqualify_on)),
    )
    bidi = data.get("bidi", "app")
    if bidi not in BIDI_MODES:
        raise ValidationError("bidi", f"must be one of {', '.join(BIDI_MODES)}")
    return Settings(check_currency(currency, field="default_currency"), theme, thresholds, bidi)


def _line_of(text: str, dotted_key: str) -> int | None:
    key = dotted_key.rsplit(".", 1)[-1]
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None
