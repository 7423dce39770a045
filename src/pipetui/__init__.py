"""pipetui: a sales-pipeline manager that lives in the terminal.

Importing this package has no side effects and never imports Textual or the
database layer; `pipetui.cli.main` and `pipetui.ui` pull those in when needed.
"""

__version__ = "0.1.0"
