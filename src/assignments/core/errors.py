"""User-facing errors: every message names where the problem is, in the user's terms."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path

from assignments.core.i18n import tr


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
            parts.append(tr("sheet {sheet}", sheet=self.sheet))
        if self.row is not None:
            parts.append(tr("row {row}", row=self.row))
        if self.column:
            parts.append(tr("column {column}", column=self.column))
        if self.record:
            parts.append(self.record)  # the model's words: "staff 'S012'", "事件 'E1'"
        return tr(", ").join(parts)


@dataclass(frozen=True)
class Issue:
    """One problem found in the input."""

    location: Location
    message: str

    def __str__(self) -> str:
        where = str(self.location)
        return tr("{where}: {message}", where=where, message=self.message) if where \
            else self.message


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
            lines.append(tr("... and {n} more problems", n=len(self.issues) - limit))
        if len(lines) == 1:
            return lines[0]
        return tr("{n} problems in the input:", n=len(self.issues)) + "\n" + \
            "\n".join(f"  - {x}" for x in lines)


class UserError(Exception):
    """A problem the user can fix (bad option, missing file); printed without a traceback."""


class SolutionCheckError(RuntimeError):
    """The independent checker rejected a solver result: a bug, never a user error.

    The one such exception of the package: every model raises it, so catching it once catches
    every model's.
    """


def os_reason(exc: OSError) -> str:
    """Why the system refused a file operation, in the current language (the common causes;
    others in the system's words)."""
    words = {
        errno.EACCES: tr("permission denied"),
        errno.EPERM: tr("operation not permitted"),
        errno.ENOENT: tr("no such file or folder"),
        errno.ENOSPC: tr("the disk is full"),
        errno.EROFS: tr("the disk is read-only"),
        errno.EEXIST: tr("it already exists"),
        errno.ENOTDIR: tr("a part of the path is a file, not a folder"),
        errno.EISDIR: tr("it is a folder, not a file"),
        errno.EBUSY: tr("it is in use (open in Excel or WPS?)"),
    }
    if exc.errno in words:
        return words[exc.errno]
    return exc.strerror or str(exc)
