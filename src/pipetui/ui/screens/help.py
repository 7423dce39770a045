"""Every key of the current screen and the app, from their BINDINGS tables."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from pipetui.ui import rtl


def bidi_note(mode: str) -> str:
    """Where Hebrew and Arabic layout is chosen, and the choice in force."""
    return f"Hebrew/Arabic: bidi = app|terminal|off in config.toml or PIPETUI_BIDI (now: {mode})"


def keys_content(screen: Screen[object]) -> Content:
    """One line per binding: its keys and what it does, screen first then app."""
    seen: set[str] = set()
    parts: list[str | tuple[str, str]] = [("Keys", "bold"), "\n\n"]
    for owner in (screen, screen.app):
        for binding in Binding.make_bindings(owner.BINDINGS):  # type: ignore[arg-type]
            name = binding.id or binding.action
            if name in seen or not binding.description:
                continue
            seen.add(name)
            keys = [
                b.key_display or b.key
                for b in Binding.make_bindings(owner.BINDINGS)  # type: ignore[arg-type]
                if (b.id or b.action) == name
            ]
            parts += [
                (f"{' / '.join(dict.fromkeys(keys)):>16}  ", "$text-accent"),
                binding.description,
                "\n",
            ]
    parts += [
        "\n",
        (bidi_note(rtl.mode()), "$foreground-muted"),
        "\n",
        ("ctrl+p  command palette · escape closes this", "$foreground-muted"),
    ]
    return Content.assemble(*parts)


class HelpScreen(ModalScreen[None]):
    """The full key map."""

    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", id="help.close")]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__(classes="form-screen")
        self.content = keys_content(screen)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form help"):
            yield Static(self.content, markup=False)

    def action_close(self) -> None:
        """Back."""
        self.dismiss(None)
