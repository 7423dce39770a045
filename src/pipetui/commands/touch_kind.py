"""`pipetui touch-kind add|list|remove`: the user's own kinds of touchpoint."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pipetui.commands.common import add_json
from pipetui.commands.lazy import LazyModule
from pipetui.commands.output import print_json, print_table, say
from pipetui.domain.journey import JourneyStage, kind_label
from pipetui.services.workspace import Workspace

if TYPE_CHECKING:
    from pipetui.services import touchpoints as service
else:
    service = LazyModule("pipetui.services.touchpoints")


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add the `touch-kind` command."""
    parser = commands.add_parser(
        "touch-kind", help="kinds of touchpoint and their journey stage", parents=[common]
    )
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = sub.add_parser("add", help="add your own kind", parents=[common])
    add.add_argument("name", metavar="NAME", help='e.g. webinar, "trade fair"')
    add.add_argument(
        "--stage",
        required=True,
        metavar="STAGE",
        help="its journey stage: " + ", ".join(s.value for s in JourneyStage),
    )
    add_json(add)
    add.set_defaults(func=run_add)

    listing = sub.add_parser("list", help="every kind, built-in and yours", parents=[common])
    add_json(listing)
    listing.set_defaults(func=run_list)

    remove = sub.add_parser("remove", help="remove your own unused kind", parents=[common])
    remove.add_argument("name", metavar="NAME")
    add_json(remove)
    remove.set_defaults(func=run_remove)


def run_add(args: argparse.Namespace, ws: Workspace) -> int:
    """Add a kind."""
    kind, stage = service.add_kind(ws.db, name=args.name, stage=args.stage)
    if args.json:
        print_json({"kind": kind, "journey_stage": stage.value, "built_in": False})
    else:
        say(f"Added kind {kind_label(kind)!r} at {stage.value}")
    return 0


def run_list(args: argparse.Namespace, ws: Workspace) -> int:
    """Every kind with its stage, whether it is built in, and its uses."""
    lines = service.list_kinds(ws.db)
    if args.json:
        print_json(
            [
                {
                    "kind": line.kind,
                    "journey_stage": line.stage.value,
                    "built_in": line.built_in,
                    "touchpoints": line.uses,
                }
                for line in lines
            ]
        )
        return 0
    print_table(
        ["Kind", "Journey stage", "Own", "Touchpoints"],
        [
            [kind_label(line.kind), line.stage.value, "" if line.built_in else "yes", line.uses]
            for line in lines
        ],
    )
    return 0


def run_remove(args: argparse.Namespace, ws: Workspace) -> int:
    """Remove a kind."""
    kind = service.remove_kind(ws.db, name=args.name)
    if args.json:
        print_json({"removed": kind})
    else:
        say(f"Removed kind {kind_label(kind)!r}")
    return 0
