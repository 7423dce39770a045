"""Widgets: they show data and post messages; no business rules, no SQL."""
