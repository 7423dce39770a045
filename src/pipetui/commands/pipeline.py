"""`pipetui pipeline list|add|add-stage|rename-stage|move-stage|set-stage`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pipetui.commands.common import add_json
from pipetui.commands.lazy import LazyModule
from pipetui.commands.output import print_json, say
from pipetui.domain.pipeline import Stage
from pipetui.services import inputs
from pipetui.services.serialize import pipeline_json
from pipetui.services.workspace import Workspace

if TYPE_CHECKING:
    from pipetui.services import pipelines as service
else:
    service = LazyModule("pipetui.services.pipelines")


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add the `pipeline` command."""
    pipeline = commands.add_parser("pipeline", help="pipelines and their stages", parents=[common])
    sub = pipeline.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = sub.add_parser("list", help="pipelines with their stages", parents=[common])
    add_json(listing)
    listing.set_defaults(func=run_list)

    add = sub.add_parser("add", help="a new pipeline with the default stages", parents=[common])
    add.add_argument("name", metavar="NAME")
    add.set_defaults(func=run_add)

    add_stage = sub.add_parser("add-stage", help="add a stage", parents=[common])
    add_stage.add_argument("name", metavar="NAME")
    add_stage.add_argument("--pipeline", metavar="NAME")
    add_stage.add_argument("--position", metavar="N", help="1 = first (default: last)")
    add_stage.add_argument("--probability", metavar="0-100", default="0")
    add_stage.add_argument("--rotting-days", metavar="DAYS")
    add_stage.set_defaults(func=run_add_stage)

    rename = sub.add_parser("rename-stage", help="rename a stage", parents=[common])
    rename.add_argument("stage", metavar="STAGE")
    rename.add_argument("new_name", metavar="NEW_NAME")
    rename.add_argument("--pipeline", metavar="NAME")
    rename.set_defaults(func=run_rename_stage)

    move = sub.add_parser("move-stage", help="put a stage at another position", parents=[common])
    move.add_argument("stage", metavar="STAGE")
    move.add_argument("position", metavar="POSITION")
    move.add_argument("--pipeline", metavar="NAME")
    move.set_defaults(func=run_move_stage)

    settings = sub.add_parser("set-stage", help="probability and rotting limit", parents=[common])
    settings.add_argument("stage", metavar="STAGE")
    settings.add_argument("--pipeline", metavar="NAME")
    settings.add_argument("--probability", metavar="0-100")
    settings.add_argument("--rotting-days", metavar="DAYS", help='"" or 0 for never')
    settings.set_defaults(func=run_set_stage)


def _stage_line(stage: Stage) -> str:
    rot = f", rots after {stage.rotting_days} d" if stage.rotting_days else ""
    return f"{stage.position}. {stage.name} ({stage.probability} %{rot})"


def run_list(args: argparse.Namespace, ws: Workspace) -> int:
    """Print every pipeline and its stages."""
    items = service.list_pipelines(ws.db)
    if args.json:
        print_json([pipeline_json(item) for item in items])
        return 0
    for item in items:
        say(item.pipeline.name)
        for stage in item.stages:
            say(f"  {_stage_line(stage)}")
    return 0


def run_add(args: argparse.Namespace, ws: Workspace) -> int:
    """Create a pipeline."""
    pipeline = service.add_pipeline(ws.db, name=args.name)
    say(f"Added pipeline #{pipeline.id} {pipeline.name!r} with the default stages")
    return 0


def run_add_stage(args: argparse.Namespace, ws: Workspace) -> int:
    """Add a stage."""
    stage = service.add_stage(
        ws.db,
        pipeline=args.pipeline,
        name=args.name,
        position=inputs.whole_number(args.position, field="position"),
        probability=inputs.probability(args.probability) or 0,
        rotting_days=inputs.whole_number(args.rotting_days, field="rotting-days"),
    )
    say(f"Added stage {_stage_line(stage)}")
    return 0


def run_rename_stage(args: argparse.Namespace, ws: Workspace) -> int:
    """Rename a stage."""
    stage = service.rename_stage(
        ws.db, pipeline=args.pipeline, stage=args.stage, new_name=args.new_name
    )
    say(f"Renamed: {_stage_line(stage)}")
    return 0


def run_move_stage(args: argparse.Namespace, ws: Workspace) -> int:
    """Reorder a stage."""
    position = inputs.whole_number(args.position, field="position")
    stages = service.move_stage(
        ws.db, pipeline=args.pipeline, stage=args.stage, position=position or 0
    )
    for stage in stages:
        say(_stage_line(stage))
    return 0


def run_set_stage(args: argparse.Namespace, ws: Workspace) -> int:
    """Set a stage's probability or rotting limit."""
    rotting = inputs.whole_number(args.rotting_days, field="rotting-days")
    stage = service.set_stage(
        ws.db,
        pipeline=args.pipeline,
        stage=args.stage,
        probability=inputs.probability(args.probability),
        rotting_days=rotting or None,
        clear_rotting=args.rotting_days is not None and not rotting,
    )
    say(f"Updated: {_stage_line(stage)}")
    return 0
