"""Lines of figures that fit their width: whole figures, then "…".

A line that wraps in a narrow column or pane breaks a figure in two or leaves
a separator dangling at its end (" ·"); a line cut by the terminal loses its
end without saying so. These keep whole figures and say when some are left out.
"""

from __future__ import annotations

from rich.cells import cell_len

from pipetui.domain.bidi import fit

SEPARATOR = " · "
MORE = " …"


def fit_parts(parts: list[str], width: int | None, prefix: str = "", suffix: str = "") -> str:
    """`prefix` and as many whole `parts` (joined by " · ") as fit in `width`,
    then " …" if some did not (else `suffix`): never a figure cut in half,
    never a dangling separator. Text is the app's own (figures), not user text."""
    line = prefix + SEPARATOR.join(parts) + suffix
    if width is None or cell_len(line) <= width:
        return line
    shown: list[str] = []
    for part in parts:
        if cell_len(prefix + SEPARATOR.join([*shown, part]) + MORE) > width:
            break
        shown.append(part)
    line = prefix + SEPARATOR.join(shown) + MORE if shown else prefix.rstrip() + MORE
    return line if cell_len(line) <= width else fit(line, width)
