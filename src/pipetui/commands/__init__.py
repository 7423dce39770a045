"""The CLI's subcommands, one module per noun; `pipetui.cli` assembles them.

Each module has `register(subparsers)`, which adds its parser and sets the
handler as `func`. A handler gets the parsed arguments and an open `Workspace`,
prints its result, and returns the exit status. Nothing here imports Textual.
"""
