"""Remappable keys (issue 15): a `[keymap]` table in config.toml gives a binding
id another key; the board, its footer, `?` help and the palette all follow, and
a keymap that cannot work is refused, naming its line, before anything starts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.widgets import Footer
from textual.widgets._footer import FooterKey
from ui_helpers import board, column, focus_card, make_app, press, settle

from pipetui.domain.deal_status import DealStatus
from pipetui.services import deals as deal_service
from pipetui.services.deals import DealFilter
from pipetui.services.settings import SettingsError, load_settings
from pipetui.services.workspace import Workspace
from pipetui.ui.app import PipetuiApp
from pipetui.ui.keymap import apply_keymap, bindings_of, ui_classes
from pipetui.ui.screens.contacts import ContactsScreen
from pipetui.ui.screens.help import HelpScreen
from pipetui.ui.widgets.contact_list import ContactList

SIZE = (160, 50)


def configured(ws: Workspace, tmp_path: Path, text: str) -> PipetuiApp:
    """The app as a user with this config.toml starts it: settings read from the
    file, the keymap applied as the app does on start."""
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    ws.settings = load_settings(path)
    app = make_app(ws)
    apply_keymap(app, ws.settings.keymap)
    return app


def refusal(ws: Workspace, tmp_path: Path, text: str) -> str:
    """The message a config.toml is refused with."""
    with pytest.raises(SettingsError) as caught:
        configured(ws, tmp_path, text)
    return str(caught.value)


def status_of(ws: Workspace, title: str) -> DealStatus:
    views = deal_service.list_deals(ws.db, DealFilter(statuses=tuple(DealStatus)))
    return next(v.deal.status for v in views if v.deal.title == title)


def footer_keys(pilot: Pilot[None]) -> dict[str, str]:
    """What the board's footer shows: description -> key."""
    footer = board(pilot).query_one(Footer)
    return {key.description: key.key_display for key in footer.query(FooterKey)}


async def test_W_marks_the_deal_won_when_the_keymap_gives_won_to_W(
    sales: Workspace, tmp_path: Path
) -> None:
    app = configured(sales, tmp_path, '[keymap]\n"board.won" = "W"\n')
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert footer_keys(pilot)["Won"] == "W"

        await focus_card(pilot, "Negotiation", "Support plan")
        await press(pilot, "w")  # the old key does nothing now
        assert status_of(sales, "Support plan") is DealStatus.OPEN

        await press(pilot, "W")
        assert status_of(sales, "Support plan") is DealStatus.WON
        assert column(pilot, "Negotiation").deal_list.total == 0

        await press(pilot, "question_mark")
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        lines = help_screen.content.plain.splitlines()
        won = [line for line in lines if line.endswith(" board.won")]
        assert [line.split() for line in won] == [["W", "Won", "board.won"]]


async def test_the_palette_shows_the_users_key_next_to_an_action(
    sales: Workspace, tmp_path: Path
) -> None:
    app = configured(sales, tmp_path, '[keymap]\n"board.won" = "W,ctrl+w"\n')
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        palette = pilot.app.screen
        assert isinstance(palette, CommandPalette)
        await pilot.press(*"won")
        commands = palette.query_one(CommandList)
        prompts: list[str] = []
        for _ in range(30):
            await settle(pilot)
            prompts = [
                str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)
            ]
            if prompts:
                break
        assert "Won  W / ^w" in prompts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'theme = "nord"\n[keymap]\n"board.won" = "W"\n"board.wonn" = "V"\n',
            'keymap."board.wonn" (line 4): unknown binding id; did you mean "board.won"?',
        ),
        (
            '[keymap]\n"board.won" = "x"\n',
            'keymap."board.won" (line 2): "x" is also the key of "board.lost" (Lost)'
            " on the Board screen",
        ),
        (
            '[keymap]\n"board.lost" = "y"\n\n"board.won" = "y"\n',
            'keymap."board.won" (line 4): "y" is also the key of "board.lost" (Lost, line 2)'
            " on the Board screen",
        ),
        (
            '[keymap]\n"help" = "h"\n',  # the app's keys act on the board too
            'keymap."help" (line 2): "h" is also the key of "board.column(-1)" (Column left)',
        ),
        (
            '[keymap]\n"contacts.sort" = "j"\n',  # the focused contact list's keys
            'keymap."contacts.sort" (line 2): "j" is also the key of "contacts.next" (Next)'
            " on the Contacts screen",
        ),
        (
            '[keymap]\n"board.won" = "ctrl+q"\n',
            'keymap."board.won" (line 2): "ctrl+q" is also the key of Textual\'s quit',
        ),
        (
            '[keymap]\n"board.won" = "ctrl+ww"\n',
            'keymap."board.won" (line 2): "ctrl+ww" is not a key name',
        ),
    ],
    ids=["unknown-id", "clash", "clash-of-two-lines", "app-key", "widget-key", "textual", "bad"],
)
def test_a_keymap_that_cannot_work_is_refused_naming_its_line(
    workspace: Workspace, tmp_path: Path, text: str, expected: str
) -> None:
    message = refusal(workspace, tmp_path, text)
    assert message.startswith(f"{tmp_path / 'config.toml'}: ")
    assert expected in message


async def test_a_refused_keymap_changes_no_key(sales: Workspace, tmp_path: Path) -> None:
    """A keymap with one bad line is not applied in part: the good line before
    it changes nothing either (and the app, which applies it while it is being
    made, never starts)."""
    app = make_app(sales)
    path = tmp_path / "config.toml"
    path.write_text('[keymap]\n"undo" = "U"\n"board.won" = "x"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="line 3"):
        apply_keymap(app, load_settings(path).keymap)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = {a.binding.id: key for key, a in pilot.app.screen.active_bindings.items()}
        assert keys["undo"] == "u"


def test_swapping_two_keys_is_no_clash(workspace: Workspace, tmp_path: Path) -> None:
    configured(workspace, tmp_path, '[keymap]\n"board.won" = "x"\n"board.lost" = "w"\n')


async def test_help_lists_the_live_keys_of_the_screen_it_was_opened_from(
    sales: Workspace, tmp_path: Path
) -> None:
    app = configured(sales, tmp_path, '[keymap]\n"contacts.next" = "x"\n')
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        contacts = pilot.app.screen
        assert isinstance(contacts, ContactsScreen)
        live = {a.binding.id: key for key, a in contacts.active_bindings.items() if a.binding.id}
        await press(pilot, "question_mark")
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        lines = help_screen.content.plain.splitlines()

        # Under a heading per place: the focused list, the screen, the app.
        assert [line for line in lines if line in ("Contact list", "Contacts", "Everywhere")] == [
            "Contact list",
            "Contacts",
            "Everywhere",
        ]
        listed = {line.split()[-1] for line in lines if line.startswith(" ")}
        assert listed == set(live)  # every live key, and nothing else (no board keys)
        assert "board.won" not in listed
        assert "x  Next" in help_screen.content.plain
        assert "↓ / j  Next" not in help_screen.content.plain

        await press(pilot, "escape")
        assert pilot.app.screen is contacts


def test_every_binding_has_an_id_of_the_form_scope_dot_name() -> None:
    """Every key pipetui defines can be remapped; the app's own three keep the
    short ids they always had."""
    screens, widgets = ui_classes()
    nodes: list[type[DOMNode]] = [PipetuiApp, *screens, *widgets]
    missing = [
        f"{node.__name__}: {binding.key} -> {binding.action}"
        for node in nodes
        for binding in Binding.make_bindings(node.__dict__.get("BINDINGS", ()))
        if not binding.id or ("." not in binding.id and node is not PipetuiApp)
    ]
    assert missing == []
    assert {b.id for b in bindings_of(ContactList)} >= {"contacts.next", "contacts.bottom"}
