"""Where the TUI saves a file the user asked for (a screenshot, an export)
when they named no folder.

Textual saves screenshots in ~/Downloads and fails when there is none; a
terminal user without a Downloads folder expects the current directory, and
the data directory is the last place that always exists. Whatever is chosen,
the app says the full path.
"""

from __future__ import annotations

import os
from pathlib import Path


def save_folder() -> Path:
    """~/Downloads if it exists, else the current directory if writable, else
    pipetui's data directory (created private if missing)."""
    from platformdirs import user_downloads_path

    downloads = user_downloads_path()
    if downloads.is_dir() and os.access(downloads, os.W_OK):
        return downloads
    here = Path.cwd()
    if os.access(here, os.W_OK):
        return here
    from pipetui.services.locations import data_dir

    return data_dir()
