"""Whatever file a user hands `pipetui import` (a CSV saved by the wrong
program, a binary file renamed .csv, a Pipedrive export edited by hand, a
spreadsheet with Hebrew, quotes, line breaks and control characters in its
cells), the import either works or says what is wrong: never any other error.

A refused file changes nothing at all (every row of every table is as it was);
an imported one only adds or updates rows, never removes any; and the funnel's
running summary still equals a rebuild from the deals and their history.

Each example imports into its own copy of one small database that already
holds contacts, deals (some from Pipedrive, with external ids), touchpoints and
a second pipeline, so rows match, update and collide as well as add.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipetui.domain.errors import ValidationError
from pipetui.domain.money import Money
from pipetui.domain.text import clean_text
from pipetui.services import clock, deals, pipelines
from pipetui.services.contacts import add_contact
from pipetui.services.touchpoints import log_touchpoint
from pipetui.services.transfer import (
    OWN_FIELDS,
    ImportFailed,
    ImportOptions,
    field_map,
    import_source,
    norm_header,
    read_bytes,
)
from pipetui.store import funnel_facts
from pipetui.store.database import Database, open_database
from table_dump import dump

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PIPEDRIVE_SEED = (
    "Deal - ID,Deal - Title,Deal - Value,Deal - Currency,Deal - Stage,Deal - Status,"
    "Person - Name,Person - Email\r\n"
    '12,Acme renewal,"1,200.50",EUR,Proposal,open,דנה לוי,dana@example.com\r\n'
    "13,Globex,99,USD,Negotiation,won,محمد العلي,\r\n"
)


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPETUI_NOW", T0.isoformat())


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The database every example starts from (each gets its own copy)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PIPETUI_NOW", T0.isoformat())
        folder = tmp_path_factory.mktemp("fuzz-template")
        db = open_database(str(folder / "template.db"), now=clock.now())
        add_contact(db, name="שלום כהן", email="shalom@example.co.il", company="=cmd|' /C calc'!A0")
        add_contact(db, name="李小龙", notes="第一行\n第二行")
        pipelines.add_pipeline(db, name="日本")
        first = deals.add_deal(db, title="Acme", value=Money(100_000, "USD"), contact="שלום כהן")
        deals.add_deal(db, title="🦄", value=Money(5, "JPY"), pipeline="日本", stage="Proposal")
        deals.step_deal(db, first.view.deal.id, steps=2)
        deals.win_deal(db, first.view.deal.id)
        log_touchpoint(db, contact="李小龙", kind="call", summary="hello")
        source = read_bytes(PIPEDRIVE_SEED.encode(), "pipedrive.csv")
        import_source(db, source, ImportOptions(), default_currency="USD")
        yield db
        db.dispose()


def _counts(db: Database) -> dict[str, int]:
    with db.read() as conn:
        names = [
            name
            for (name,) in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {n: conn.exec_driver_sql(f'SELECT count(*) FROM "{n}"').scalar() for n in names}


def _checksum(db: Database) -> str:
    """Every row of every table (funnel summary by what it holds), hashed."""
    return hashlib.sha256(repr(sorted(dump(db).items())).encode()).hexdigest()


def _check_names(db: Database) -> None:
    """Every pipeline and stage name is one clean line of at most 200 characters,
    as the forms and the CLI would have it."""
    with db.read() as conn:
        names = [n for (n,) in conn.exec_driver_sql("SELECT name FROM pipeline")]
        names += [n for (n,) in conn.exec_driver_sql("SELECT name FROM stage")]
    for name in names:
        assert name == clean_text(name, single_line=True), name
        assert 0 < len(name) <= 200, name


def _summary(db: Database) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT pipeline_id, day, fact, stage_id, currency,"
            " n, amount, amount_own, ms, open_n, open_start FROM funnel_fact"
        )
        return {tuple(row[:5]): tuple(row[5:]) for row in rows}


def _rebuilt(db: Database) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    with db.write() as conn:
        funnel_facts.rebuild(conn)
    return _summary(db)


options = st.builds(
    ImportOptions,
    pipeline=st.sampled_from([None, "Sales", "日本", "שיווק"]),
    on_duplicate=st.sampled_from(["skip", "skip", "update", "error"]),
    dry_run=st.booleans(),
)
kinds = st.sampled_from([None, None, None, "deals", "contacts", "touchpoints"])


def check_import(
    template: Database,
    data: bytes,
    name: str,
    kind: str | None,
    chosen: ImportOptions,
    *,
    empty: bool = False,
) -> bool:
    """Import `data` into a copy of the template (or a new, `empty` database);
    check the property. Returns whether the import went through."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        target = folder / "empty.db" if empty else template.backup_to(folder / "copy.db")
        db = open_database(str(target), now=clock.now())
        try:
            counts, checksum = _counts(db), _checksum(db)
            try:
                import_source(db, read_bytes(data, name, kind=kind), chosen, default_currency="ILS")
            except ImportFailed as failed:
                assert failed.lines(), "a refused file says why"
                assert (_counts(db), _checksum(db)) == (counts, checksum)
                return False
            except ValidationError as refused:
                assert refused.message
                assert (_counts(db), _checksum(db)) == (counts, checksum)
                return False
            after = _counts(db)
            if chosen.dry_run:
                assert (after, _checksum(db)) == (counts, checksum)
            else:
                shrunk = {t: (counts[t], n) for t, n in after.items() if n < counts[t]}
                assert not shrunk, f"rows went missing: {shrunk}"
            _check_names(db)
            assert _summary(db) == _rebuilt(db)
            return True
        finally:
            db.dispose()


# --- (a) any bytes, (b) any text ----------------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=600), kind=kinds, chosen=options)
@example(data=b"\xff\xfe" + "title\r\nא\r\n".encode("utf-16-le"), kind=None, chosen=ImportOptions())
@example(data=b"\xef\xbb\xbftitle\nx\n", kind=None, chosen=ImportOptions())
@example(data=b"title\n\xc3(\n", kind=None, chosen=ImportOptions())
@example(data=b"\xfe\xff\x00", kind=None, chosen=ImportOptions())
def test_any_bytes_import_or_are_refused_and_then_nothing_changed(
    template: Database, data: bytes, kind: str | None, chosen: ImportOptions
) -> None:
    """A picture, a zip or a file in Latin-1 saved as .csv is refused, saying
    where it is not UTF-8 text, and nothing is written."""
    check_import(template, data, "upload.csv", kind, chosen)


@FUZZ
@given(text=st.text(max_size=400), kind=kinds, chosen=options)
@example(text="title\n\x00\n", kind=None, chosen=ImportOptions())
@example(text="name\r\r\r", kind=None, chosen=ImportOptions())
@example(text='title\n"unclosed\n', kind=None, chosen=ImportOptions())
def test_any_text_imports_or_is_refused_and_then_nothing_changed(
    template: Database, text: str, kind: str | None, chosen: ImportOptions
) -> None:
    """Any text at all (not a table, half a table, stray quotes and NULs) is
    imported or refused with its problems."""
    check_import(template, text.encode(), "upload.csv", kind, chosen)


# --- (c) CSV that looks like the real thing -------------------------------------------------

PIPEDRIVE_HEADERS = [
    "Deal - ID", "Deal - Title", "Deal - Value", "Deal - Currency", "Deal - Pipeline",
    "Deal - Stage", "Deal - Status", "Deal - Probability", "Deal - Expected close date",
    "Deal - Deal created", "Deal - Update time", "Deal - Last stage change", "Deal - Won time",
    "Deal - Lost time", "Deal - Lost reason", "Deal - Organization", "Deal - Contact person",
    "Deal - Source", "Organization - Name", "Person - ID", "Person - Name", "Person - Email",
    "Person - Email - Work", "Person - Phone", "Person - Phone - Work", "Person - Organization",
    "Person - Job title", "Person - Source", "Person - Person created", "Person - Update time",
]  # fmt: skip
HUBSPOT_HEADERS = [
    "Record ID", "Contact ID", "Deal ID", "First Name", "Last Name", "Email", "Phone Number",
    "Company Name", "Job Title", "Lifecycle Stage", "Original Source", "Original Source Type",
    "Create Date", "Last Modified Date", "Deal Name", "Deal Stage", "Amount", "Currency",
    "Deal Currency Code", "Close Date", "Pipeline", "Closed Lost Reason",
]  # fmt: skip
OWN_HEADERS = sorted({h for fields in OWN_FIELDS.values() for h in fields} | {"company"})
OTHER_HEADERS = ["Notes", "Owner", "", "Deal - Weighted value", "מזהה", "Person - Label"]


def _spelled(header: str, how: int) -> str:
    """A header as someone might have typed it: any case, spaces, underscores, BOM."""
    return [
        header,
        header.upper(),
        header.lower().replace(" ", "_"),
        f"  {header} ",
        "\ufeff" + header,
    ][how]


messy_headers = st.tuples(
    st.sampled_from([OWN_HEADERS, PIPEDRIVE_HEADERS, HUBSPOT_HEADERS]).flatmap(
        lambda known: st.lists(st.sampled_from(known), min_size=1, max_size=9)
    ),
    st.lists(st.sampled_from(OTHER_HEADERS), max_size=2),
    st.lists(st.integers(0, 4), min_size=12, max_size=12),
).map(
    lambda parts: [_spelled(h, how) for h, how in zip(parts[0] + parts[1], parts[2], strict=False)]
)

MOMENTS = [
    "2026-03-01",
    "2026-03-01T10:00:00+02:00",
    "2026-03-01 10:00",
    "2026-03-01T10:00:00.123456+00:00",
    "2026-02-30",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-12:00",
    "01/03/2026",
]


def _history(stage_names: list[str], moments: list[str], statuses: list[str]) -> str:
    rows = [
        [at, None if i == 0 else stage_names[(i - 1) % len(stage_names)],
         stage_names[i % len(stage_names)], None if i == 0 else statuses[(i - 1) % len(statuses)],
         statuses[i % len(statuses)], i % 2 == 0]
        for i, at in enumerate(moments)
    ]  # fmt: skip
    return json.dumps(rows, ensure_ascii=False)


nasty = st.text(
    alphabet=st.sampled_from(list("=+-@'\",;\t\r\n\x00\x1b\x7f\u202e\u2028 aZ9אבג☃")), max_size=12
)
# Not-quite-JSON-text values a hand-edited history may hold where text belongs.
odd_json = st.sampled_from([None, 0, 1, 7, 2**70, True, 1.5, [], {}])
histories = st.builds(
    _history,
    st.lists(
        st.sampled_from(["Proposal", "Negotiation", "שלב", "New", "proposal"])
        | nasty
        | st.just("S" * 201)
        | odd_json,
        min_size=1,
    ),
    st.lists(st.sampled_from(MOMENTS[:4]) | odd_json, min_size=1, max_size=4).map(
        lambda moments: sorted(moments, key=repr)
    ),
    st.lists(st.sampled_from(["open", "won", "lost", "Won", "maybe"]) | odd_json, min_size=1),
)
any_cell = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "1",
            "2",
            "12",
            "0",
            "-1",
            "٣",
            "99999999999999999999",
            "1,200.50",
            "₪1,200",
            "12,000 ILS",
            "USD 99",
            "1e9",
            "0.001",
            "abc",
            "open",
            "won",
            "lost",
            "closedwon",
            "Closed Lost",
            "true",
            "false",
            "yes",
            "awareness",
            "Lead",
            "customer",
            "call",
            "Demo",
            "quote requested",
            "in",
            "outbound",
            "50%",
            "101",
            "EUR",
            "usd",
            "XXX",
            "Sales",
            "日本",
            "Proposal",
            "Negotiation",
            "שלום כהן",
            "李小龙",
            "Acme",
            "dana@example.com",
            "not-an-email",
            "=SUM(A1)",
            "'=SUM(A1)",
            "+972",
            "@x",
            "[]",
            "[1]",
            '{"a": 1}',
        ]
    ),
    st.sampled_from(MOMENTS),
    histories,
    nasty,
    st.text(max_size=20),
)
names = st.sampled_from(
    ["שלום כהן", "李小龙", "دانة", "Acme", "🦄", '=HYPERLINK("x")', "Dana, Levi", "Zoë\n2nd line"]
) | st.tuples(st.sampled_from(["דנה", "محمد", "山田"]), nasty).map("".join)
moments = st.sampled_from([*MOMENTS[:4], ""])
# What a real file holds in each field's column (a cell is that, or anything).
TYPICAL: dict[str, st.SearchStrategy[str]] = {
    "id": st.sampled_from(["", "1", "2", "3", "5", "40"]),
    "external_id": st.sampled_from(["", "12", "13", "x-1", "99"]),
    "name": names,
    "title": names,
    "contact_name": names,
    "contact_first": names,
    "contact_last": names,
    "deal_title": st.sampled_from(["", "Acme", "🦄", "Acme renewal"]),
    "email": st.sampled_from(["", "dana@example.com", "shalom@example.co.il", "x@y.io"]),
    "contact_email": st.sampled_from(["", "dana@example.com", "DANA@EXAMPLE.COM"]),
    "value": st.sampled_from(["", "100", "1,200.50", "₪1,200", "12,000 ILS", "USD 99", "0"]),
    "currency": st.sampled_from(["", "USD", "EUR", "ILS", "JPY", "KWD"]),
    "pipeline": st.sampled_from(["", "Sales", "日本", "שיווק"]),
    "stage": st.sampled_from(["", "Proposal", "Negotiation", "שלב חדש", "closedwon", "closedlost"]),
    "status": st.sampled_from(["", "open", "won", "lost"]),
    "probability": st.sampled_from(["", "0", "50", "100", "35%"]),
    "close_date": st.sampled_from(["", "2026-04-30", "2026-04-30T00:00:00Z"]),
    "history": histories,
    "kind": st.sampled_from(["call", "Demo", "quote requested", "שיחה", "meeting"]),
    "journey_stage": st.sampled_from(["", "awareness", "intent", "lead", "customer", "other"]),
    "journey_stage_manual": st.sampled_from(["", "true", "false"]),
    "direction": st.sampled_from(["", "in", "out", "outbound"]),
    "score": st.sampled_from(["", "0", "7", "10"]),
    "contact_id": st.sampled_from(["", "1", "2", "3"]),
    "deal_id": st.sampled_from(["", "1", "2", "4"]),
    "lost_reason": names,
    "summary": names,
    "notes": names,
    **dict.fromkeys(
        [
            "at",
            "created_at",
            "updated_at",
            "stage_entered_at",
            "closed_at",
            "won_time",
            "lost_time",
        ],
        moments,
    ),
}
LAYOUTS: dict[tuple[str, str], tuple[list[str], list[str]]] = {
    # (format, kind): (the columns every such file has, the others it may have)
    ("pipetui", "deals"): (["title"], [*OWN_FIELDS["deals"], "contact_phone", "company"]),
    ("pipetui", "contacts"): (["name"], list(OWN_FIELDS["contacts"])),
    ("pipetui", "touchpoints"): (["kind", "contact_name", "at"], list(OWN_FIELDS["touchpoints"])),
    ("pipedrive", "deals"): (["Deal - Title"], PIPEDRIVE_HEADERS),
    ("pipedrive", "contacts"): (
        ["Person - Name"],
        [h for h in PIPEDRIVE_HEADERS if h.startswith(("Person", "Organization"))],
    ),
    ("hubspot", "deals"): (["Deal Name"], HUBSPOT_HEADERS),
    ("hubspot", "contacts"): (
        ["First Name", "Email"],
        [h for h in HUBSPOT_HEADERS if not h.startswith(("Deal", "Amount", "Close", "Pipe"))],
    ),
}


def _cell(layout: tuple[str, str], header: str) -> st.SearchStrategy[str]:
    found = field_map(*layout).get(norm_header(header))
    typical = TYPICAL.get(found or "", any_cell)
    return st.one_of(typical, typical, typical, any_cell)


def _coherent(layout: tuple[str, str]) -> st.SearchStrategy[tuple[list[str], list[Any]]]:
    required, others = LAYOUTS[layout]
    columns = st.lists(st.sampled_from(others), unique=True, max_size=8).flatmap(
        lambda extra: st.permutations(required + [h for h in extra if h not in required])
    )
    return columns.flatmap(
        lambda header: st.tuples(
            st.just(list(header)),
            st.lists(st.tuples(*(_cell(layout, h) for h in header)).map(list), max_size=6),
        )
    )


coherent = st.sampled_from(sorted(LAYOUTS)).flatmap(_coherent)
messy = st.tuples(messy_headers, st.lists(st.lists(any_cell, min_size=12, max_size=12), max_size=6))
tables = st.tuples(
    coherent | coherent | messy,
    st.sampled_from([",", ",", ",", ";", "\t"]),
    st.sampled_from(["\r\n", "\n", "\r"]),
    st.sampled_from(["csv", "csv", "csv", "csv", "raw"]),
    st.sampled_from([0, 0, 0, 0, -1, 1]),  # cells per row: as many as the header, or not
)


def _csv(table: Any) -> bytes:
    (header, rows), delimiter, newline, writer_kind, width = table
    rows = [[*row, "extra"][: max(0, len(header) + width)] for row in rows]
    if writer_kind == "raw":  # cells joined without quoting: quotes and commas break rows
        lines = [delimiter.join(header), *(delimiter.join(row) for row in rows)]
        return (newline.join(lines) + newline).encode()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


@FUZZ
@given(table=tables, kind=kinds, chosen=options)
def test_csv_with_real_headers_and_odd_cells_imports_or_is_refused_and_then_nothing_changed(
    template: Database, table: Any, kind: str | None, chosen: ImportOptions
) -> None:
    """A Pipedrive, HubSpot or pipetui export as a spreadsheet saves it, or as
    someone edited it (columns missing or renamed, cells with quotes, commas,
    line breaks, control characters, Hebrew, formulas, bad dates and amounts,
    rows too short or too long) is imported or refused with its problems."""
    check_import(template, _csv(table), "export.csv", kind, chosen)


# --- what fuzzing found ---------------------------------------------------------------------
# Each crashed or was let through when the fuzzing first ran; they stay as plain examples.


@pytest.fixture
def copy(template: Database, tmp_path: Path) -> Iterator[Database]:
    """A copy of the template for one test."""
    db = open_database(str(template.backup_to(tmp_path / "copy.db")), now=clock.now())
    yield db
    db.dispose()


def _history_file(history: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([["title", "stage", "history"], ["Acme 2", "Proposal", history]])
    return out.getvalue().encode()


@pytest.mark.parametrize(
    "history",
    [
        '[["2026-03-01T10:00:00+00:00", null, "Proposal", null, 1, true]]',
        '[[20260301, null, "Proposal", null, "open", true]]',
        '[["2026-03-01T10:00:00+00:00", null, "Proposal", {}, "open", true]]',
    ],
    ids=["status-is-a-number", "time-is-a-number", "from-status-is-an-object"],
)
def test_a_history_with_numbers_where_text_belongs_is_refused(copy: Database, history: str) -> None:
    """A hand-edited history column with a number for a status or a time is a
    problem on its line, like any bad cell (it once crashed with AttributeError)."""
    before = _checksum(copy)

    with pytest.raises(ImportFailed) as failed:
        import_source(
            copy, read_bytes(_history_file(history), "deals.csv"), ImportOptions(),
            default_currency="USD",
        )  # fmt: skip

    assert "history" in failed.value.lines()[0]
    assert _checksum(copy) == before


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (_history_file("[" * 100_000), "deals.csv"),
        (b'{"format": "pipetui", "contacts": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "x.json"),
    ],
    ids=["csv-history", "json-file"],
)
def test_deeply_nested_json_is_refused(copy: Database, data: bytes, name: str) -> None:
    """100,000 opening brackets (a broken or hostile file) are a problem, not a
    crash (json.loads once ended in RecursionError)."""
    with pytest.raises(ImportFailed):
        import_source(copy, read_bytes(data, name), ImportOptions(), default_currency="USD")


@pytest.mark.parametrize(
    ("header", "cell"),
    [
        (
            "history",
            '[["2026-03-01T10:00:00+00:00", null, "\\u001b[31mRed\\u202e", null, "open", true],'
            ' ["2026-03-02T10:00:00+00:00", "\\u001b[31mRed\\u202e", "Proposal", "open", "open",'
            " true]]",
        ),
        ("stage", "S" * 1000),
        ("pipeline", "P" * 1000),
    ],
    ids=["control-characters-in-history", "long-stage", "long-pipeline"],
)
def test_stages_and_pipelines_an_import_creates_have_clean_names(
    copy: Database, header: str, cell: str
) -> None:
    """A stage or pipeline an import adds has a name the CLI would have
    accepted: one clean line of at most 200 characters, or the row is refused
    (history stage names were once stored with their escape codes, and names of
    any length were taken)."""
    out = io.StringIO()
    stage = [] if header == "stage" else ["Proposal"]
    csv.writer(out).writerows(
        [["title", *(["stage"] if stage else []), header], ["Acme 2", *stage, cell]]
    )
    try:
        import_source(
            copy, read_bytes(out.getvalue().encode(), "deals.csv"), ImportOptions(),
            default_currency="USD",
        )  # fmt: skip
    except ImportFailed:
        return
    _check_names(copy)


@pytest.mark.parametrize(
    "pipeline",
    ["\x1b[31mRed\u202e", "P" * 201, "Sales\nWinter"],
    ids=["control-characters", "longer-than-200", "two-lines"],
)
def test_the_pipeline_option_names_a_clean_pipeline(copy: Database, pipeline: str) -> None:
    """`pipetui import deals.csv --pipeline NAME` puts the deals in a pipeline
    whose name the CLI would have accepted, or refuses the name."""
    source = read_bytes(b"title\r\nAcme 2\r\n", "deals.csv")
    try:
        import_source(copy, source, ImportOptions(pipeline=pipeline), default_currency="USD")
    except ValidationError:
        return
    _check_names(copy)


# --- the JSON export, edited by hand ------------------------------------------------------

JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.sampled_from([2**63, 2**70, -(2**63) - 1]),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.sampled_from(["2026-01-01", "2026-01-01T00:00:00+00:00", "", "yes", "USD", "awareness"]),
    st.just([]),
    st.just({}),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Where every value of a JSON document is, depth first."""
    if prefix:
        yield prefix
    if isinstance(node, (dict, list)):
        for key, value in node.items() if isinstance(node, dict) else enumerate(node):
            yield from _paths(value, (*prefix, key))


def _edited(export: dict[str, Any], edits: list[tuple[int | str, Any]]) -> dict[str, Any]:
    """The export with some values replaced: the n-th value of the document
    (depth first, modulo how many), or a top-level section by name."""
    data = json.loads(json.dumps(export))
    for where, value in edits:
        paths = list(_paths(data))
        *parents, last = (where,) if isinstance(where, str) else paths[where % len(paths)]
        node = data
        for key in parents:
            node = node[key]
        node[last] = value
    return data


@pytest.fixture(scope="module")
def full_export(template: Database) -> dict[str, Any]:
    from pipetui.services.transfer import export

    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PIPETUI_NOW", T0.isoformat())
        export(template, out, kind="all", fmt="json")
    return dict(json.loads(out.getvalue()))


PIPE = {"id": 1, "name": "P", "position": 1, "created_at": T0.isoformat(), "stages": []}


@FUZZ
@given(
    edits=st.lists(st.tuples(st.integers(0, 10**6), JSON_VALUES), min_size=1, max_size=3),
    empty=st.booleans(),
    chosen=options,
)
@example(edits=[("pipelines", [{**PIPE, "stages": 5}])], empty=True, chosen=ImportOptions())
@example(edits=[("pipelines", [{**PIPE, "id": 2**70}])], empty=True, chosen=ImportOptions())
@example(edits=[("pipelines", [PIPE, {**PIPE, "name": "Q"}])], empty=True, chosen=ImportOptions())
def test_an_edited_full_json_export_restores_or_is_refused(
    template: Database,
    full_export: dict[str, Any],
    edits: list[tuple[int | str, Any]],
    empty: bool,
    chosen: ImportOptions,
) -> None:
    """Whatever a user changed in an export file, restoring it into an empty
    database (or merging it into one with data) works or lists what is wrong,
    with the same guarantees as a CSV (the examples once crashed: stages not a
    list, a 70-bit id, two pipelines with one id)."""
    data = json.dumps(_edited(full_export, edits), ensure_ascii=False).encode()
    check_import(template, data, "copy.json", None, chosen, empty=empty)
