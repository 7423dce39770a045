"""The benchmark suite runs (1k deals, one run, no budgets) so it cannot rot:
SQLite, and PostgreSQL with a tiny team load where a server can be had."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def test_the_benchmark_smoke_run_produces_its_table(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "bench.py", "--smoke", "--work", str(tmp_path)],
        cwd=BENCH,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # The head says what failed (a Python error, "no matching frame"); the tail
    # holds the last screen.
    assert result.returncode == 0, result.stderr[:2000] + "\n…\n" + result.stderr[-3000:]
    assert "| 1,000 |" in result.stdout
    assert "first frame" in result.stdout
    if "PostgreSQL: skipped" not in result.stdout:  # (no server here: said why)
        assert "PostgreSQL 15 at 1,000 deals" in result.stdout
        team = next(
            line for line in result.stdout.splitlines() if line.startswith("| PostgreSQL |")
        )
        assert team.endswith("| pass |"), team
