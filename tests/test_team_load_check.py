"""The bench's team load (benchmarks/team_load.py) is a data-loss check: its
count must not mistake what the product does on purpose for a lost update.
Winning a deal logs a purchase on its contact's journey and reopening takes
it back (issue 19); the check counted those with the processes' touchpoints
and reported "lost updates" for them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture
def team_load() -> Iterator[ModuleType]:
    sys.path.insert(0, str(BENCH))
    try:
        import team_load

        yield team_load
    finally:
        sys.path.remove(str(BENCH))


def test_a_team_that_wins_and_reopens_deals_loses_nothing(
    tmp_path: Path, team_load: ModuleType
) -> None:
    db = tmp_path / "team.db"
    subprocess.run(
        [sys.executable, "-m", "pipetui.cli", "--db", str(db), "demo", "--deals", "300"],
        check=True,
        capture_output=True,
    )
    result = team_load.run_load(str(db), processes=3, writes=80, hot=30, seed=3)
    assert result["by_change"].get("won", 0) > 0 and result["by_change"].get("reopen", 0) > 0
    assert result["errors"] == 0, result["error_messages"]
    assert result["lost_updates"] == 0, result["lost_by_kind"]
    assert result["purchase_mismatches"] == 0
    assert result["history_chain_breaks"] == 0 and result["funnel_equals_rebuild"]
    assert result["passed"]
