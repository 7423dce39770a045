"""The page and the static files the browser gets: an explicit list, served
from textual-serve's package (its terminal script, style and font) and ours.

Nothing is served by directory: a name not in `STATIC_FILES` is a 404, so
there is no listing and no path to walk out of the folders.
"""

from __future__ import annotations

from functools import cache
from html import escape
from importlib.resources import files
from pathlib import Path

_OURS = Path(__file__).parent / "static"

STATIC_FILES: dict[str, tuple[str, str, str]] = {
    # URL name: (package or "", path in it, content type)
    "textual.js": ("textual_serve", "static/js/textual.js", "text/javascript"),
    "xterm.css": ("textual_serve", "static/css/xterm.css", "text/css"),
    "fonts/RobotoMono.ttf": (
        "textual_serve",
        "static/fonts/RobotoMono-VariableFont_wght.ttf",
        "font/ttf",
    ),
    "fonts/RobotoMono-Italic.ttf": (
        "textual_serve",
        "static/fonts/RobotoMono-Italic-VariableFont_wght.ttf",
        "font/ttf",
    ),
    "pipetui.js": ("", "pipetui.js", "text/javascript"),
    "pipetui.css": ("", "pipetui.css", "text/css"),
}


@cache
def static_file(name: str) -> tuple[bytes, str] | None:
    """The bytes and content type of one static file, None if not served."""
    entry = STATIC_FILES.get(name)
    if entry is None:
        return None
    package, path, content_type = entry
    data = (files(package) / path).read_bytes() if package else (_OURS / path).read_bytes()
    return data, content_type


def index_html(title: str, font_size: int = 16) -> str:
    """The page: textual.js draws the terminal into `#terminal`; our script
    gives it the websocket address. No inline script, no outside host."""
    name = escape(title)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{name}</title>
<link rel="stylesheet" href="/static/xterm.css">
<link rel="stylesheet" href="/static/pipetui.css">
<script src="/static/pipetui.js"></script>
<script src="/static/textual.js"></script>
</head>
<body>
<div class="dialog connecting"><div>{name}: connecting…</div></div>
<div class="dialog closed">
<div>Session ended.</div>
<button type="button" class="reload">Reload</button>
</div>
<div id="terminal" class="textual-terminal" data-session-websocket-url=""
 data-font-size="{int(font_size)}"></div>
</body>
</html>
"""
