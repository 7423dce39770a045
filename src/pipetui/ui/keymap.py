"""The user's `[keymap]` (config.toml): checked against the bindings of every
screen and widget, then handed to Textual (`App.set_keymap`).

Settings (services/) reads the table with its lines but cannot know the binding
ids, which live in the UI's `BINDINGS`; this module does: an unknown id, a key
Textual has no name for, or two bindings of one screen on the same key is a
`SettingsError` naming the line, raised before the app draws anything.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator, Sequence
from functools import cache
from types import ModuleType
from typing import Any, NamedTuple

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys, _character_to_key, key_to_character
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

from pipetui.services.settings import KeymapEntry, SettingsError

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


@cache
def named_keys() -> frozenset[str]:
    """Textual's names for keys that are not characters ("f5", "pagedown"), made
    on first use: the app's start must not pay for it when there is no keymap."""
    names = {key.value.rpartition("+")[2] for key in Keys if not key.value.startswith("<")}
    return frozenset(names | {"space", "enter", "tab", "backspace", "delete", "insert"})


def apply_keymap(app: App[Any], keymap: Sequence[KeymapEntry]) -> None:
    """Give the user's keys to Textual, so the footer, `?` and the palette show
    them and pressing them acts; `SettingsError` if the keymap cannot be used
    (nothing is applied then). With no `[keymap]` this costs nothing."""
    if keymap:
        app.set_keymap(check_keymap(app, keymap))


def check_keymap(app: App[Any], keymap: Sequence[KeymapEntry]) -> dict[str, str]:
    """The keymap for `App.set_keymap` (id -> Textual key names), after checking
    every entry against the bindings of all screens and widgets and `app`."""
    places = binding_places(app)
    known = sorted({b.id for place in places for _, b in place.bindings if b.id})
    chosen: dict[str, tuple[KeymapEntry, list[str]]] = {}
    for entry in keymap:
        if entry.binding_id not in known:
            raise SettingsError(f"{entry.where}: unknown binding id{_suggestion(entry, known)}")
        chosen[entry.binding_id] = (entry, [_key_name(entry, key) for key in entry.keys.split(",")])
    clashes = [clash for place in places for clash in _clashes(place, chosen)]
    if clashes:
        raise SettingsError(min(clashes)[1])
    return {binding_id: ",".join(keys) for binding_id, (_, keys) in chosen.items()}


class Place(NamedTuple):
    """Bindings that are active together: a screen, at most one of its widgets
    (the focused one) and the app's (on a modal screen, its priority ones)."""

    owner: type[DOMNode]
    """The screen (or, for a widget no screen uses, the widget)."""
    bindings: tuple[tuple[type[DOMNode], Binding], ...]

    @property
    def name(self) -> str:
        """The owner as a user knows it: "the Board screen", "the Contact list"."""
        name = self.owner.__name__
        words = re.sub(r"(?<!^)(?=[A-Z])", " ", name.removesuffix("Screen")).strip()
        if issubclass(self.owner, Screen):
            return f"the {words or name} screen"
        return f"the {words[:1]}{words[1:].lower()}"


def binding_places(app: App[Any]) -> list[Place]:
    """Every screen of pipetui.ui.screens with the widgets its module uses (the
    ones it can compose), each as the places whose bindings act together."""
    screens, widgets = ui_classes()
    app_bindings = [(type(app), b) for _, b in app._bindings]  # (with the palette's ctrl+p)
    everywhere = [(node, b) for node, b in app_bindings if b.priority]  # (q, ctrl+c: modal too)
    places = []
    for screen in screens:
        base = list(_bindings_of(screen))
        base += everywhere if issubclass(screen, ModalScreen) else app_bindings
        places.append(Place(screen, tuple(base)))
        for widget in _used_by(screen, widgets):
            places.append(Place(screen, tuple(list(_bindings_of(widget)) + base)))
    used = {widget for place in places for widget, _ in place.bindings}
    for widget in widgets:  # (a widget no screen uses still has ids the user may name)
        if widget not in used:
            places.append(Place(widget, tuple(_bindings_of(widget))))
    return places


def bindings_of(node: type[DOMNode]) -> list[Binding]:
    """A class's bindings (its own and inherited), one per key, before any keymap."""
    return [binding for _, binding in _bindings_of(node)]


def _bindings_of(node: type[DOMNode]) -> Iterator[tuple[type[DOMNode], Binding]]:
    merged = node._merged_bindings  # what Textual gives each instance
    for _, binding in merged or ():
        yield node, binding


def ui_classes() -> tuple[list[type[Screen[object]]], list[type[Widget]]]:
    """The screens (most derived only) and the widgets that have bindings."""
    import pipetui.ui.screens
    import pipetui.ui.widgets

    screens: list[type[Screen[object]]] = []
    widgets: list[type[Widget]] = []
    for package in (pipetui.ui.screens, pipetui.ui.widgets):
        for module in _modules(package):
            for value in vars(module).values():
                if not isinstance(value, type) or value.__module__ != module.__name__:
                    continue
                if issubclass(value, Screen):
                    screens.append(value)
                elif issubclass(value, Widget) and value.__dict__.get("BINDINGS"):
                    widgets.append(value)
    screens = [s for s in screens if not any(o is not s and issubclass(o, s) for o in screens)]
    return screens, widgets


def _modules(package: ModuleType) -> Iterator[ModuleType]:
    import pkgutil

    for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
        yield importlib.import_module(info.name)


def _used_by(screen: type[Screen[object]], widgets: list[type[Widget]]) -> list[type[Widget]]:
    """The widgets `screen`'s module (or a base class's) names: the ones it can mount."""
    names: set[int] = set()
    for base in screen.__mro__:
        if not base.__module__.startswith("pipetui."):
            continue
        module = importlib.import_module(base.__module__)
        names |= {id(value) for value in vars(module).values()}
    return [widget for widget in widgets if id(widget) in names]


def _key_name(entry: KeymapEntry, key: str) -> str:
    """`key` as Textual names it ("?" -> "question_mark"), or a SettingsError."""
    key = key.strip()
    if len(key) == 1:
        if key.isprintable() and not key.isspace():
            return _character_to_key(key)
    else:
        *modifiers, base = key.split("+")
        if (
            all(m in MODIFIERS for m in modifiers)
            and len(set(modifiers)) == len(modifiers)
            and (
                (len(base) == 1 and base.isprintable() and not base.isspace())
                or base in named_keys()
                or key_to_character(base) is not None
            )
        ):
            return "+".join([*modifiers, _character_to_key(base) if len(base) == 1 else base])
    raise SettingsError(
        f'{entry.where}: "{key}" is not a key name (like "W", "ctrl+w", "f5", "question_mark")'
    )


def _clashes(
    place: Place, chosen: dict[str, tuple[KeymapEntry, list[str]]]
) -> Iterator[tuple[int, str]]:
    """(line, message) for each key of `place` that the keymap gives to two bindings."""
    holders: dict[str, dict[str, Binding]] = {}
    for node, binding in place.bindings:
        name = binding.id or f"{node.__name__}:{binding.action}"
        keys = chosen[binding.id][1] if binding.id in chosen else [binding.key]
        for key in keys:
            holders.setdefault(key, {}).setdefault(name, binding)
    for key, named in holders.items():
        mapped = [chosen[n][0] for n in named if n in chosen and key in chosen[n][1]]
        if len(named) < 2 or not mapped:
            continue
        entry = max(mapped, key=lambda e: e.line or 0)
        other = next(b for n, b in named.items() if n != entry.binding_id)
        if other.id:
            what = f'"{other.id}" ({other.description or other.action}'
            if other.id in chosen and chosen[other.id][0].line:
                what += f", line {chosen[other.id][0].line}"
            what += ")"
        else:
            what = f"Textual's {other.action} ({other.description or 'no description'})"
        shown = entry.keys.split(",")[chosen[entry.binding_id][1].index(key)]
        message = f'{entry.where}: "{shown}" is also the key of {what} on {place.name}'
        yield entry.line or 0, message


def _suggestion(entry: KeymapEntry, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(entry.binding_id, known, n=1)
    hint = f'; did you mean "{close[0]}"?' if close else ""
    return f"{hint} (press ? on a screen to see the ids of its keys)"
