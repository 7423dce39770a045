"""`python -m pipetui`: the same entry as the `pipetui` command (for a
checkout, a venv without its scripts on PATH, or `python -m` habits)."""

from __future__ import annotations

import sys

from pipetui.cli import main

if __name__ == "__main__":
    sys.exit(main())
