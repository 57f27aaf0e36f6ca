"""Shared core: tables in and out, validation, the solver runner, calendar, plotting."""
