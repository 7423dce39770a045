"""Import and export: files in (CSV of pipetui, Pipedrive or HubSpot; pipetui's
JSON export; vCard) and out (CSV, JSON, vCard, iCalendar).

This package's one public face is `__all__` below; code outside it imports
from `pipetui.services.transfer`, never from its modules. The modules, each
depending only on those listed before it (no cycles, a test checks):

- `types`: the shared types (a file read, its problems, checked rows, options
  and summary); imports nothing else of the package.
- `formats`: which column names mean which field, per format and kind.
- `cells`: one cell's text to a value.
- `vcard`, `ics`: vCard read and write, iCalendar write.
- `details`: a contact's details (every email, phone, address...) as a cell.
- `reader`: a file's bytes to a `Source` of records.
- `rows`: every record checked into typed rows.
- `known`: the contacts, pipelines and stages an import finds or adds.
- `merge`: deals and touchpoints matched and everything written (holds a `Known`).
- `restore`: a full JSON export into an empty database.
- `importer`, `exporter`: the two use cases.

The names load lazily (PEP 562 `__getattr__`): reading a file must not
import the full store, and the TUI's import screen and the CLI's commands
import only what they use, as they did when these were separate modules.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (what __getattr__ loads, for the type checker)
    from pipetui.services.transfer.exporter import (
        EXPORT_KINDS,
        FORMATS,
        choose,
        export,
        write_json,
    )
    from pipetui.services.transfer.formats import KINDS, OWN_FIELDS, field_map, norm_header
    from pipetui.services.transfer.importer import import_file, import_source
    from pipetui.services.transfer.reader import MAX_FILE_BYTES, read_bytes, read_file
    from pipetui.services.transfer.types import (
        JSON_VERSION,
        ON_DUPLICATE,
        ImportFailed,
        ImportOptions,
        ImportSummary,
        Problem,
        Progress,
        Source,
    )

_HOME = {
    "EXPORT_KINDS": "exporter",
    "FORMATS": "exporter",
    "choose": "exporter",
    "export": "exporter",
    "write_json": "exporter",
    "KINDS": "formats",
    "OWN_FIELDS": "formats",
    "field_map": "formats",
    "norm_header": "formats",
    "import_file": "importer",
    "import_source": "importer",
    "MAX_FILE_BYTES": "reader",
    "read_bytes": "reader",
    "read_file": "reader",
    "JSON_VERSION": "types",
    "ON_DUPLICATE": "types",
    "ImportFailed": "types",
    "ImportOptions": "types",
    "ImportSummary": "types",
    "Problem": "types",
    "Progress": "types",
    "Source": "types",
}
"""Each public name, and the module of this package that holds it."""

__all__ = [
    "EXPORT_KINDS",
    "FORMATS",
    "JSON_VERSION",
    "KINDS",
    "MAX_FILE_BYTES",
    "ON_DUPLICATE",
    "OWN_FIELDS",
    "ImportFailed",
    "ImportOptions",
    "ImportSummary",
    "Problem",
    "Progress",
    "Source",
    "choose",
    "export",
    "field_map",
    "import_file",
    "import_source",
    "norm_header",
    "read_bytes",
    "read_file",
    "write_json",
]


def __getattr__(name: str) -> object:
    """A public name, imported from its module when first asked for."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names (loaded or not) beside what the package already holds."""
    return sorted({*globals(), *__all__})
