"""Readers of pairing problems: OR-Library GAP files, generic candidate-pair tables."""
