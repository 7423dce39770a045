"""`pipetui import` with files real CRMs and spreadsheets write (issue 18):
the options `--encoding`, `--date-format`, `--decimal-comma`, `--skip-invalid`,
the dry run's report per column, refusals with exit 2 and nothing written, and
`export --excel`."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

from cli_harness import ERROR_PREFIX, Cli

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"


def test_pipedrive_currencies_land_per_deal(cli: Cli) -> None:
    cli.ok("import", str(FIXTURES / "pipedrive_deals_currencies.csv"))

    listed = {d["title"]: d["value"] for d in cli.json("deal", "list", "--all")}
    assert listed == {
        "Erweiterung Berlin": {"amount": "25000.00", "currency": "EUR"},
        "חידוש רישיון — דנה כהן": {"amount": "12000.00", "currency": "ILS"},
        "Pilot in Austin": {"amount": "1500.50", "currency": "USD"},
    }


def test_an_amount_without_its_currency_exits_2_and_writes_nothing(
    cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(
        "Deal - Title,Deal - Value,Deal - Currency of Value\r\nA,100,EUR\r\nB,200,\r\n",
        encoding="utf-8",
    )

    with cli.unchanged():
        result = cli("import", str(path))

    assert result.code == 2
    assert result.out == ""
    assert result.err_lines == [
        f"{ERROR_PREFIX}file: deals.csv: 1 problem, nothing was imported",
        "  line 3, column 'Deal - Currency of Value': is empty, so the amount in "
        "'Deal - Value' has no currency",
    ]


def test_a_dry_run_reports_each_column(cli: Cli) -> None:
    with cli.unchanged():
        result = cli.ok("import", str(FIXTURES / "excel_german_local.csv"), "--dry-run")

    assert result.out.splitlines() == [
        "Would import excel_german_local.csv (pipetui CSV deals, 3 rows):",
        "  new: 3 deals",
        "  read as Windows-1252 (Western European): the file is not UTF-8 (detected: letters "
        "beyond ASCII read as ü; if they look wrong, give --encoding)",
        "  close_date: 3 values read as DD.MM.YYYY, detected, e.g. 12.03.2026 → 2026-03-12",
        "  value: 3 values read as decimal comma, detected, e.g. 1.200,50 € → 1200.50 €",
        "Nothing was written (a dry run).",
        "Columns:",
        "  'title' → title",
        "  'value' → value (amounts parsed, in the currency of 'currency')",
        "  'currency' → currency",
        "  'close_date' → close_date (dates as YYYY-MM-DD; see any note on their format)",
    ]


def test_ambiguous_dates_exit_2_naming_the_option_then_the_option_imports(cli: Cli) -> None:
    path = str(FIXTURES / "ambiguous_dates.csv")
    with cli.unchanged():
        result = cli("import", path)
    assert result.code == 2
    assert result.err_lines[1] == (
        "  line 1, column 'close_date': dates like '03/04/2026' could be day first or month "
        "first; give --date-format DD/MM/YYYY or --date-format MM/DD/YYYY"
    )

    cli.ok("import", path, "--date-format", "MM/DD/YYYY")

    dates = {d["title"]: d["close_date"] for d in cli.json("deal", "list", "--all")}
    assert dates == {"April or March": "2026-03-04", "June or May": "2026-05-06"}


def test_a_bad_date_format_is_refused(cli: Cli) -> None:
    message = cli.fails(
        "import", str(FIXTURES / "ambiguous_dates.csv"), "--date-format", "DAY/MONTH",
        field="date-format",
    )  # fmt: skip

    assert message == "use e.g. DD.MM.YYYY, MM/DD/YYYY or DD/MM/YYYY, not 'DAY/MONTH'"


def test_the_encoding_option(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes("name\r\nŽofie Čapková\r\n".encode("cp1250"))

    cli.ok("import", str(path), "--encoding", "cp1250")

    assert [c["name"] for c in cli.json("contact", "list")] == ["Žofie Čapková"]
    assert cli.fails("import", str(path), "--encoding", "nope", field="encoding") == (
        "unknown encoding 'nope'"
    )


def test_decimal_comma_option(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text('title,value\r\nA,"1 200,50 ₪"\r\n', encoding="utf-8")

    cli.ok("import", str(path), "--decimal-comma")

    listed = cli.json("deal", "list", "--all")
    assert listed[0]["value"] == {"amount": "1200.50", "currency": "ILS"}


def test_skip_invalid_writes_a_private_rejects_file(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text("title,value\r\nGood,1\r\nBad,x\r\n", encoding="utf-8")

    result = cli.ok("import", str(path), "--skip-invalid")

    rejects = tmp_path / "deals.rejects.csv"
    assert result.out.splitlines() == [
        "Imported deals.csv (pipetui CSV deals, 2 rows):",
        "  new: 1 deals",
        "  refused: line 3, column 'value': not an amount: 'x' (e.g. 1,200.50)",
        f"  refused and left out: 1 row, listed with their reasons in {rejects}",
    ]
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
    rows = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8"))))
    assert rows == [
        ["title", "value", "line", "reason"],
        ["Bad", "x", "3", "line 3, column 'value': not an amount: 'x' (e.g. 1,200.50)"],
    ]
    assert [d["title"] for d in cli.json("deal", "list", "--all")] == ["Good"]


def test_export_excel_writes_a_bom_and_plain_phone_numbers(cli: Cli, tmp_path: Path) -> None:
    cli.ok("contact", "add", "Dana", "--phone", "+972-50-123-4567", "--company", "=1+1")
    out = tmp_path / "contacts.csv"

    cli.ok("export", "--kind", "contacts", "--out", str(out), "--excel")

    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,")
    row = next(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert (row["phone"], row["company"]) == ('="+972-50-123-4567"', "'=1+1")
    message = cli.fails("export", "--format", "json", "--excel", field="excel")
    assert message == "is for CSV exports, not json"
