"""Processes released together: each worker (a `python -c` script) writes its
`ready` file, waits for the shared `go` file, does its work and prints one JSON
report. Used by the concurrency tests of both engines."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def race(
    worker: str, args: list[dict[str, Any]], go: Path, env: dict[str, str], *, timeout: float
) -> list[Any]:
    """Start one `worker` per args dict (each holding its "ready" path and
    `go`), wait until all are ready, release them, and return their reports
    in order; a worker that dies or fails fails the test with its stderr."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", worker, json.dumps({**each, "go": str(go)})],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for each in args
    ]
    try:
        deadline = time.monotonic() + 60
        while not all(Path(each["ready"]).exists() for each in args):
            assert all(p.poll() is None for p in processes), "a worker died before the start"
            assert time.monotonic() < deadline, "the workers never got ready"
            time.sleep(0.005)
        go.touch()
        reports = []
        for process in processes:
            out, err = process.communicate(timeout=timeout)
            assert process.returncode == 0, err
            reports.append(json.loads(out))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    return reports
