"""The Textual interface. Only imported when the TUI starts."""
