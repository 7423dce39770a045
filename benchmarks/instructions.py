"""Instructions from a start to its first frame, counted by valgrind (callgrind).

Wall-clock time on this 2-core VM swings ±15 % from one minute to the next,
and a paired A/B of two builds needs dozens of starts to see 10 ms. The number
of instructions a start executes before its first frame is the same from one
run to the next (to ±0.3 %, scheduling of the first frame's worker threads),
so it shows a 2 % change in one run of each. It is no budget (the budgets are
wall-clock ratios, `bench.py`), a tool to see where the first frame's work is.

    python instructions.py [--deals N] [--src DIR ...] [--exit-at MODULE=ATTR:N]

Each `--src` is a pipetui source tree (a `git worktree`'s `src`) put first on
the import path; the bare Textual app is counted too. `--exit-at` stops at the
N-th call of a function instead of the first frame
(`textual.app=App.run:1`: everything before the app runs). Needs valgrind
(`apt-get install valgrind`); bytecode is compiled first, as `make` does.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import struct
import subprocess
import sys
import tempfile
import termios
from pathlib import Path

import bench

STARTER = """
import importlib, os, sys
from textual.drivers import linux_driver

_write = linux_driver.LinuxDriver.write

def write(self, data):
    _write(self, data)
    if "\\u258c" in data or "bare textual" in data:  # a card's bar, or the bare app's line
        os._exit(0)

linux_driver.LinuxDriver.write = write
if os.environ.get("EXIT_AT"):
    target, nth = os.environ["EXIT_AT"].rsplit(":", 1)
    module, path = target.split("=")
    owner = importlib.import_module(module)
    *parents, name = path.split(".")
    for part in parents:
        owner = getattr(owner, part)
    real, calls = getattr(owner, name), [0]

    def stop(*args, **kwargs):
        calls[0] += 1
        if calls[0] >= int(nth):
            os._exit(0)
        return real(*args, **kwargs)

    setattr(owner, name, stop)
if sys.argv[1:] == ["bare"]:
    sys.path.insert(0, os.environ["BENCH_DIR"])
    import bare_app
    bare_app.Bare().run()
else:
    from pipetui.cli import main
    sys.argv = ["pipetui"]
    sys.exit(main())
"""


def count(db: Path | None, src: str | None, exit_at: str | None) -> int:
    """Instructions one start executes (valgrind's `summary`), in a 160×50 pty."""
    with tempfile.TemporaryDirectory() as work:
        starter = Path(work, "start.py")
        starter.write_text(STARTER)
        out = Path(work, "callgrind.out")
        env = bench._env(db)
        env["BENCH_DIR"] = str(bench.HERE)
        if src:
            env["PYTHONPATH"] = src
        if exit_at:
            env["EXIT_AT"] = exit_at
        argv = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
        argv += [sys.executable, str(starter), *([] if db else ["bare"])]
        pid, fd = pty.fork()
        if pid == 0:
            width, height = bench.SIZE
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
            os.execvpe(argv[0], argv, env)
        while True:
            try:
                if not os.read(fd, 65536):
                    break
            except OSError:
                break
        os.waitpid(pid, 0)
        for line in out.read_text().splitlines():
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise RuntimeError("valgrind wrote no count")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=1000)
    parser.add_argument("--src", action="append", default=[])
    parser.add_argument("--exit-at")
    args = parser.parse_args()
    db = bench.build(args.deals)
    trees = args.src or [None]
    for tree in trees:
        if tree:
            subprocess.run([sys.executable, "-m", "compileall", "-q", tree], check=True)
    bare = count(None, None, None)
    print(f"bare Textual app, to its first frame: {bare / 1e6:.1f} M instructions")
    for tree in trees:
        found = count(db, tree, args.exit_at)
        where = f"to {args.exit_at}" if args.exit_at else "to its first frame"
        name = tree or "installed pipetui"
        print(f"{name}, {where}: {found / 1e6:.1f} M ({found / bare:.3f}× bare)")


if __name__ == "__main__":
    main()
