"""Use cases shared by the TUI and the CLI: one place for each."""
