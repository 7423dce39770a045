"""Settings from a TOML file. A missing file means defaults; a malformed one is a
`SettingsError` naming the key and line, never a traceback."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, NamedTuple

from pipetui.domain.bant import DEFAULT_THRESHOLDS, Thresholds, check_thresholds
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

[keymap]                 # binding id = keys (press ? on a screen to see its ids)
"board.won" = "W"        # alternatives separated by commas: "W,ctrl+w"
"""


class SettingsError(ValueError):
    """The settings file cannot be used; the message names the file, key and line."""


class KeymapEntry(NamedTuple):
    """One line of the `[keymap]` table: a binding id and the keys the user wants
    for it, with where it was written. Only the UI knows the binding ids, so it
    checks the entry and refuses it through `where` (the file, the key, the line)."""

    binding_id: str
    keys: str
    """Textual key names, alternatives separated by commas ("W,ctrl+w")."""
    line: int | None = None
    file: str = ""

    @property
    def where(self) -> str:
        """The start of an error about this entry: `<file>: keymap."<id>" (line N)`."""
        line = f" (line {self.line})" if self.line else ""
        return f'{self.file}: keymap."{self.binding_id}"{line}'


class Settings(NamedTuple):
    """Every user setting, with its default."""

    default_currency: str = "USD"
    theme: str = "textual-dark"
    bant: Thresholds = DEFAULT_THRESHOLDS
    bidi: str = "app"
    """How right-to-left text reaches the screen: "app" (pipetui lays out each
    field and asks the terminal to keep its own bidi off), "terminal" (logical
    order, for a terminal that does bidi itself) or "off" (logical order)."""
    keymap: tuple[KeymapEntry, ...] = ()
    """The user's keys for binding ids, in file order (checked and applied by the UI)."""
    churn_days: int = 365
    """A customer with no purchase in this many days has churned (`report customers`)."""


BIDI_MODES = ("app", "terminal", "off")
_KNOWN = {"default_currency", "theme", "bant", "bidi", "keymap", "churn_days"}
_KNOWN_BANT = {"qualified_score", "disqualify_on"}


def load_settings(path: Path) -> Settings:
    """Read `path`; defaults when it does not exist. `PIPETUI_BIDI` overrides
    the file's `bidi`."""
    settings = _load(path)
    override = os.environ.get("PIPETUI_BIDI")
    if override:
        if override not in BIDI_MODES:
            raise SettingsError(f"PIPETUI_BIDI: must be one of {', '.join(BIDI_MODES)}")
        settings = settings._replace(bidi=override)
    return settings


def _load(path: Path) -> Settings:
    if not path.exists():
        return Settings()
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise SettingsError(f"{path}: cannot read the settings file: {error.strerror}") from None
    import tomllib  # here: a board with no settings file opens without it (≈1.5 ms)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path}: not valid TOML: {error}") from None
    try:
        settings = _settings(data)
    except ValidationError as error:
        line = _line_of(text, error.field)
        where = f" (line {line})" if line else ""
        raise SettingsError(f"{path}: {error.field}{where}: {error.message}") from None
    return settings._replace(keymap=_keymap(data.get("keymap", {}), text, str(path)))


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
    churn_days = data.get("churn_days", 365)
    whole = isinstance(churn_days, int) and not isinstance(churn_days, bool)
    if not whole or not 1 <= churn_days <= 36_500:
        raise ValidationError("churn_days", "must be a whole number of days from 1 to 36,500")
    return Settings(
        check_currency(currency, field="default_currency"),
        theme,
        thresholds,
        bidi,
        churn_days=churn_days,
    )


def _line_of(text: str, dotted_key: str) -> int | None:
    key = dotted_key.rsplit(".", 1)[-1]
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


# -- [keymap] ---------------------------------------------------------------

_BARE_KEY = r"[A-Za-z0-9_-]+"
_QUOTED_KEY = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_KEY_PART = rf"(?:{_BARE_KEY}|{_QUOTED_KEY})"
_DOTTED_KEY = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER = re.compile(rf"^\s*\[\s*({_DOTTED_KEY})\s*\]\s*(?:#.*)?$")
_ASSIGNMENT = re.compile(rf"^\s*({_DOTTED_KEY})\s*=")


def _keymap(table: object, text: str, file: str) -> tuple[KeymapEntry, ...]:
    """The `[keymap]` table as entries in file order, each with its line.

    An id may be written quoted (`"board.won" = "W"`) or, where TOML allows,
    as dotted keys (`board.won = "W"`, `[keymap.board]` then `won = "W"`): both
    name the binding "board.won". Whether the id exists and the keys clash is
    for the UI to say; here each value must be keys, and each id given once.
    """
    if not isinstance(table, dict):
        line = _line_of(text, "keymap")
        where = f" (line {line})" if line else ""
        raise SettingsError(f'{file}: keymap{where}: must be a table: [keymap] then "id" = "key"')
    lines = _keymap_lines(text)
    entries: list[KeymapEntry] = []
    seen: dict[str, KeymapEntry] = {}
    for binding_id, value in _flatten(table):
        written = lines.get(binding_id, [])
        line = written[1] if binding_id in seen and len(written) > 1 else None
        entry = KeymapEntry(binding_id, "", line or (written[0] if written else None), file)
        if not isinstance(value, str) or not value.strip():
            raise SettingsError(f'{entry.where}: must be keys such as "W" or "W,ctrl+w"')
        if any(not key.strip() for key in value.split(",")):
            raise SettingsError(f'{entry.where}: "{value}" has an empty key between its commas')
        if binding_id in seen:
            first = seen[binding_id].line
            raise SettingsError(
                f"{entry.where}: given twice" + (f" (also line {first})" if first else "")
            )
        entry = entry._replace(keys=",".join(key.strip() for key in value.split(",")))
        seen[binding_id] = entry
        entries.append(entry)
    return tuple(sorted(entries, key=lambda e: e.line or 0))


def _flatten(table: dict[str, Any], prefix: str = "") -> list[tuple[str, object]]:
    """(dotted id, value) for every leaf of a table (`board.won = "W"` nests)."""
    leaves: list[tuple[str, object]] = []
    for key, value in table.items():
        if isinstance(value, dict):
            leaves += _flatten(value, f"{prefix}{key}.")
        else:
            leaves.append((f"{prefix}{key}", value))
    return leaves


def _keymap_lines(text: str) -> dict[str, list[int]]:
    """The lines of each id of the `[keymap]` table (tomllib gives no positions):
    a small reader of table headers and `key =` lines, quoted or dotted."""
    found: dict[str, list[int]] = {}
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if header := _HEADER.match(line):
            table = _key_parts(header.group(1))
        elif assignment := _ASSIGNMENT.match(line):
            path = table + _key_parts(assignment.group(1))
            if len(path) > 1 and path[0] == "keymap":
                found.setdefault(".".join(path[1:]), []).append(number)
    return found


def _key_parts(dotted: str) -> list[str]:
    """`"board.won"` -> ["board.won"]; `keymap . board` -> ["keymap", "board"]."""
    import tomllib

    parts = []
    for match in re.finditer(_KEY_PART, dotted):
        part = match.group(0)
        if part[0] in "\"'":
            try:
                part = tomllib.loads(f"k = {part}")["k"]
            except tomllib.TOMLDecodeError:
                part = part[1:-1]
        parts.append(part)
    return parts
