"""Screens: the board, forms as modal screens, help and welcome."""
