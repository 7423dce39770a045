"""Reading an import file into records, strictly: CSV (pipetui's own, Pipedrive,
HubSpot), pipetui's JSON export, and vCard (`vcard`).

Nothing here touches the database. Every problem is reported with where it is
(line, or JSON record) and which column, up to `MAX_PROBLEMS` of them, and any
problem stops the import before anything is written (`ImportFailed`).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import Any

from pipetui.domain.errors import ValidationError
from pipetui.domain.text import is_utf8
from pipetui.services.transfer.formats import (
    KINDS,
    SPLIT_NAMES,
    detect_format,
    detect_kind,
    field_map,
    norm_header,
)
from pipetui.services.transfer.types import (
    JSON_VERSION,
    ImportFailed,
    Layout,
    Problem,
    Problems,
    Record,
    Source,
)
from pipetui.services.transfer.vcard import read_vcards

MAX_FILE_BYTES = 2**30
"""A larger file is refused before it is read (its records would not fit in memory)."""


def read_file(path: Path, *, kind: str | None = None, encoding: str | None = None) -> Source:
    """Read and understand an import file, by its extension and contents
    (a CSV file in `encoding` when given)."""
    return read_bytes(file_bytes(path), path.name, kind=kind, encoding=encoding)


def file_bytes(path: Path) -> bytes:
    """The whole of a regular file of at most `MAX_FILE_BYTES`, else a
    `ValidationError` on `file`. A FIFO, a device (/dev/zero never ends) or a
    directory is refused before anything is read: opened without blocking (a
    FIFO's open would wait for a writer), then looked at through the open file,
    so what is read is what was checked."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise ValidationError("file", f"cannot read {path}: {error.strerror}") from None
    found = os.fstat(fd)
    limit = f"{MAX_FILE_BYTES / 2**30:g} GiB"
    if not stat.S_ISREG(found.st_mode) or found.st_size > MAX_FILE_BYTES:
        os.close(fd)
        if not stat.S_ISREG(found.st_mode):
            what = "a directory" if stat.S_ISDIR(found.st_mode) else "a FIFO, device or socket"
            raise ValidationError("file", f"{path} is not a regular file ({what})")
        raise ValidationError("file", f"{path} is larger than {limit}; split it")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read()  # (read(n) would reserve n bytes at once)
        except OSError as error:
            raise ValidationError("file", f"cannot read {path}: {error.strerror}") from None
    if len(data) > MAX_FILE_BYTES:  # (it grew while being read)
        raise ValidationError("file", f"{path} is larger than {limit}; split it")
    return data


def read_bytes(
    data: bytes, name: str, *, kind: str | None = None, encoding: str | None = None
) -> Source:
    """Read an import file held in memory; `name` picks the format by extension
    (.json, .vcf/.vcard, else CSV) and names the file in messages. A CSV file
    that is not UTF-8 is read in `encoding`, else in the 8-bit encoding its
    letters show unambiguously (`detect_encoding`), else refused."""
    if kind is not None and kind not in KINDS:
        raise ValidationError("kind", f"must be one of {', '.join(KINDS)}, got {kind!r}")
    suffix = Path(name).suffix.casefold()
    if suffix not in (".json", ".vcf", ".vcard"):
        text, note = decode_csv(data, name, encoding)
        found = read_csv(text, name, kind)
        if note:
            found.notes.append(note)
        return found
    if suffix in (".vcf", ".vcard"):
        if kind not in (None, "contacts"):
            raise ValidationError("kind", "a vCard file holds contacts")
        return read_vcards(data, name)  # (bytes: each property declares its charset)
    text = decode(data, name)
    if suffix == ".json":
        return _read_json(text, name, kind)
    return read_csv(text, name, kind)


def decode(data: bytes, name: str) -> str:
    """The file's text: UTF-16 when it starts with its BOM, else strict UTF-8
    (BOM allowed). Undecodable bytes are a problem with their line and column."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ImportFailed(
                name, [Problem("file", None, f"not UTF-16: {error.reason}")]
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        line_start = data.rfind(b"\n", 0, error.start) + 1
        column = len(data[line_start : error.start].decode("utf-8", errors="replace")) + 1
        bad = data[error.start : error.end].hex(" ")
        message = f"not UTF-8 text: byte {bad} at character {column} ({_HINT})"
        raise ImportFailed(name, [Problem(f"line {line}", None, message)]) from None


ENCODING_NAMES = {
    "cp1255": "Windows-1255 (Hebrew)",
    "cp1256": "Windows-1256 (Arabic)",
    "cp1252": "Windows-1252 (Western European)",
}
_HINT = "save the file as UTF-8, or give its encoding: --encoding NAME, e.g. cp1255"


def decode_csv(data: bytes, name: str, encoding: str | None) -> tuple[str, str | None]:
    """A CSV file's text and, when it was not UTF-8, a note saying which
    encoding was used: `encoding` if given (strictly), UTF-16 or UTF-8 by BOM,
    UTF-8, else the one 8-bit encoding `detect_encoding` finds."""
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise ValidationError("encoding", f"unknown encoding {encoding!r}") from None
        if codec.startswith("utf-16") and not data.startswith(
            (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
        ):
            codec = codec if codec != "utf-16" else "utf-16-le"
        try:
            text = data.decode("utf-8-sig" if codec == "utf-8" else codec)
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            bad = data[error.start : error.end].hex(" ")
            message = f"not {encoding} text: byte {bad} ({error.reason})"
            raise ImportFailed(name, [Problem(f"line {line}", None, message)]) from None
        return text.removeprefix("\ufeff"), None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or is_utf8_bytes(data):
        return decode(data, name), None
    found = detect_encoding(data)
    if found is None:
        decode(data, name)  # raises, naming the first byte that is not UTF-8
    assert found is not None
    text = data.decode(found)
    letters = ", ".join(_letters(text)[:8])
    note = (
        f"read as {ENCODING_NAMES[found]}: the file is not UTF-8 (detected: letters beyond "
        f"ASCII read as {letters}; if they look wrong, give --encoding)"
    )
    return text, note


def _letters(text: str) -> list[str]:
    """The letters beyond ASCII, in the order they first appear."""
    return list(dict.fromkeys(c for c in text if not c.isascii() and c.isalpha()))


def is_utf8_bytes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_LATIN = frozenset("àáâãäåæçèéêëìíîïñòóôõöøùúûüýßœšžÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝŒŠŽ")
_WORDS = re.compile(r"[^\W\d_]+")


def _script_ok(codec: str, text: str) -> bool:
    """Whether `text` (the file decoded as `codec`) reads as that encoding's
    script: every word with a letter beyond ASCII wholly Hebrew (cp1255) or
    Arabic (cp1256), or, for cp1252, Latin words with common accented letters
    (a word of accented letters only is Hebrew or Arabic read wrongly); no
    combining marks, private or control characters beyond ASCII."""
    seen = False
    for char in set(text):
        if char.isascii():
            continue
        if unicodedata.category(char) in ("Mn", "Cc", "Co", "Cn", "Cf"):
            return False
    for word in _WORDS.findall(text):
        if word.isascii():
            continue
        seen = True
        if codec == "cp1255" and not all("\u05d0" <= c <= "\u05f2" for c in word):
            return False
        if codec == "cp1256" and not all("\u0600" <= c <= "\u06ff" for c in word):
            return False
        if codec == "cp1252":
            wide = [c for c in word if not c.isascii()]
            if any(c not in _LATIN for c in wide) or (len(wide) == len(word) > 1):
                return False
    return seen


_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH = re.compile(rb"[\x80-\xff]")


def detect_encoding(data: bytes) -> str | None:
    """cp1255, cp1256 or cp1252 when exactly one of them reads the file's
    letters as its own script (`_script_ok`); None when none or several do,
    or when the file is mostly UTF-8 with a few bad bytes (a damaged file)."""
    high = len(_HIGH.findall(data))
    in_utf8 = sum(len(found) for found in _UTF8_SEQUENCE.findall(data))
    if in_utf8 * 2 >= high:
        return None
    found = []
    for codec in ENCODING_NAMES:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _script_ok(codec, text):
            found.append(codec)
    return found[0] if len(found) == 1 else None


def _delimiter(text: str) -> str:
    """Comma, unless the header line has none and has semicolons or tabs
    (spreadsheets in many locales save CSV with semicolons)."""
    first = text.split("\n", 1)[0]
    if "," in first:
        return ","
    return ";" if ";" in first else "\t" if "\t" in first else ","


def read_csv(text: str, name: str, kind: str | None) -> Source:
    """Parse CSV strictly: quotes must close and every row must have as many
    cells as the header. Blank lines are skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    rows: list[tuple[int, list[str]]] = []
    line = 1
    problems = Problems()
    try:
        for row in reader:
            rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as error:
        problems.add(f"line {line}", None, f"malformed CSV: {_csv_words(error)}")
        problems.check(name)
    if not rows or not any(cell.strip() for cell in rows[0][1]):
        raise ImportFailed(name, [Problem("line 1", None, "no header row: the file is empty")])
    headers = [cell.strip() for cell in rows[0][1]]
    layout, labels, ignored = _layout(headers, name, kind)
    width = len(headers)
    first: dict[str, int] = {}
    extra: list[tuple[int, str]] = []  # a second column for a field fills its gaps
    for index, target in enumerate(layout.fields):
        if target is not None:
            if target in first:
                extra.append((index, target))
            else:
                first[target] = index
    columns = list(first.items())
    records: list[Record] = []
    for line, row in rows[1:]:
        if len(row) != width:
            if "".join(row).strip():
                problems.add(f"line {line}", None, f"has {len(row)} cells; the header has {width}")
            continue
        if not "".join(row).strip():
            continue
        values = {target: row[index] for target, index in columns}
        for index, target in extra:
            if not values[target].strip():
                values[target] = row[index]
        records.append(Record(f"line {line}", values, tuple(row)))
    found = Source(name, layout, records, labels, ignored, headers)
    found.problems = problems  # reported with the cells' problems, all at once
    return found


def _csv_words(error: csv.Error) -> str:
    text = str(error)
    if "EOF" in text or "end of data" in text:
        return "a quoted cell is never closed"
    return text


def _layout(
    headers: list[str], name: str, kind: str | None
) -> tuple[Layout, dict[str, str], list[str]]:
    """Which field each header fills; duplicate fields and a missing required
    column are problems on line 1."""
    file_format = detect_format(headers)
    kind = kind or detect_kind(file_format, headers)
    if kind is None:
        message = (
            "not a file of a kind pipetui knows (pipetui, Pipedrive, HubSpot or Salesforce "
            "CSV); if it is pipetui's, name the kind (--kind deals|contacts|touchpoints)"
        )
        raise ImportFailed(name, [Problem("line 1", None, message)])
    mapping = field_map(file_format, kind)
    if not mapping:
        message = f"{file_format} files of {kind} are not supported"
        raise ImportFailed(name, [Problem("line 1", None, message)])
    fields: list[str | None] = []
    labels: dict[str, str] = {}
    ignored: list[str] = []
    problems = Problems()
    for header in headers:
        target = mapping.get(norm_header(header))
        fields.append(target)
        if target is None:
            ignored.append(header) if header else None
        else:  # a second column for a field (Pipedrive's two contact names) fills gaps
            labels.setdefault(target, header)
    required = _required(file_format, kind)
    if required and not any(f in labels for f in required):
        problems.add("line 1", None, f"no {' or '.join(required)} column")
    if "value" in labels and "currency" not in labels:
        for header in ignored:  # an amount's currency pipetui does not read: never defaulted
            if "currency" in norm_header(header):
                money = labels["value"]
                message = f"pipetui cannot read this currency column (for {money!r})"
                problems.add("line 1", header, message)
    problems.check(name)
    return Layout(file_format, kind, tuple(fields)), labels, ignored


def _required(file_format: str, kind: str) -> tuple[str, ...]:
    if kind == "deals":
        return ("title",)
    if kind == "touchpoints":
        return ("kind",)
    if file_format in SPLIT_NAMES:
        return ("contact_first", "contact_last", "email")
    return ("name",)


def _json_text(value: Any) -> str:
    """A JSON value as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _read_json(text: str, name: str, kind: str | None) -> Source:
    """pipetui's JSON export: an object with a list per kind (`export --format json`)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}"
        raise ImportFailed(name, [Problem(where, None, f"not JSON: {error.msg}")]) from None
    except RecursionError:
        raise ImportFailed(name, [Problem("file", None, "not JSON: nested too deeply")]) from None
    if not isinstance(data, dict) or data.get("format") != "pipetui":
        message = 'not a pipetui export (expected an object with "format": "pipetui")'
        raise ImportFailed(name, [Problem("file", None, message)])
    version = data.get("version", JSON_VERSION)
    if type(version) is not int or version != JSON_VERSION:
        message = (
            f"version {version!r} is not supported (this pipetui reads version {JSON_VERSION})"
        )
        raise ImportFailed(name, [Problem("file", "version", message)])
    if _SURROGATE_ESCAPE.search(text):  # (only escapes can make one: the text was decoded)
        _check_utf8(data, name)
    present = [k for k in KINDS if isinstance(data.get(k), list)]
    problems = Problems()
    for section in (*KINDS, "pipelines", "followups", "touchpoint_kinds", "source_spend",
                    "funnel_counts", "goals"):  # fmt: skip
        if section in data and not isinstance(data[section], list):
            problems.add(section, None, "must be a list")
    problems.check(name)
    chosen = kind or (present[0] if len(present) == 1 else None)
    wanted = [chosen] if chosen else present
    records: list[Record] = []
    for section in wanted:
        for n, item in enumerate(data.get(section) or [], start=1):
            if not isinstance(item, dict):
                problems.add(f"{section}[{n}]", None, "must be an object")
                continue
            values = {str(k): _json_text(v) for k, v in item.items()}
            values["__kind"] = section
            records.append(Record(f"{section}[{n}]", values))
    problems.check(name)
    layout = Layout("pipetui-json", chosen or "all", ())
    full = chosen is None
    sections = {k: v for k, v in data.items() if k not in KINDS}
    return Source(name, layout, records, {}, [], [], sections, full)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")


def _check_utf8(data: dict[str, Any], name: str) -> None:
    """Refuse text with a lone surrogate (a `"\\ud800"` escape without its pair):
    it is not Unicode text and cannot be stored or printed. Each is a problem
    at its record (`deals[3]`) and field (`title`, `history[2][1]`)."""
    problems = Problems()

    def visit(value: Any, where: str, column: str | None) -> None:
        if isinstance(value, str):
            if not is_utf8(value):
                problems.add(where, column, "not valid UTF-8 text (a lone surrogate escape)")
        elif isinstance(value, list):
            for n, item in enumerate(value, start=1):
                if column is None:
                    visit(item, f"{where}[{n}]", None)
                else:
                    visit(item, where, f"{column}[{n}]")
        elif isinstance(value, dict):
            for key, item in value.items():
                if not is_utf8(key):
                    problems.add(where, column, "a name is not valid UTF-8 text")
                    continue
                visit(item, where, key if column is None else f"{column}.{key}")

    for key, value in data.items():
        if not is_utf8(key):
            problems.add("file", None, "a name is not valid UTF-8 text")
        elif isinstance(value, list):
            visit(value, key, None)
        else:
            visit(value, "file", key)
    problems.check(name)
