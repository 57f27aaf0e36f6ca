"""User-facing errors: every message names where the problem is, in the user's terms."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where a value came from: file, sheet, row, column (and the record it belongs to).

    Attributes
    ----------
    file
        The input file (or folder, for a folder of CSV files).
    sheet
        The sheet name as the user wrote it (or the CSV file name).
    row
        1-based row number as shown by Excel (the header is row 1), or the CSV line.
    column
        Column letter and header, e.g. ``"C (科室)"``.
    record
        The record id, e.g. ``"staff 'S012'"``.
    """

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    record: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(Path(self.file).name)
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        if self.record:
            parts.append(self.record)
        return ", ".join(parts)


@dataclass(frozen=True)
class Issue:
    """One problem found in the input."""

    location: Location
    message: str

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message


class InputError(Exception):
    """Raised when the input is invalid; carries every issue found in the file at once."""

    def __init__(self, issues: list[Issue] | Issue | str) -> None:
        if isinstance(issues, str):
            issues = [Issue(Location(), issues)]
        elif isinstance(issues, Issue):
            issues = [issues]
        self.issues: list[Issue] = list(issues)
        super().__init__(self.render())

    def render(self, limit: int = 50) -> str:
        """Format the issues as one message, one line per issue."""
        lines = [str(i) for i in self.issues[:limit]]
        if len(self.issues) > limit:
            lines.append(f"... and {len(self.issues) - limit} more problems")
        if len(lines) == 1:
            return lines[0]
        return f"{len(self.issues)} problems in the input:\n" + "\n".join(f"  - {x}" for x in lines)


class UserError(Exception):
    """A problem the user can fix (bad option, missing file); printed without a traceback."""


class SolutionCheckError(RuntimeError):
    """The independent checker rejected a solver result: a bug, never a user error.

    The one such exception of the package: every model raises it, so catching it once catches
    every model's.
    """
