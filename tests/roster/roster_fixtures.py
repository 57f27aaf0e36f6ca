"""Shared helpers for the roster input and rule tests: the TINY records, writers, readers."""

from __future__ import annotations

import copy
import importlib.util
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from assignments.core.io import write_input_workbook
from assignments.roster.data import SHEETS, RosterData, read_roster

ROOT = Path(__file__).resolve().parents[2]
TINY_XLSX = ROOT / "instances" / "roster" / "tiny.xlsx"

_spec = importlib.util.spec_from_file_location(
    "make_tiny_roster", ROOT / "scripts" / "make_tiny_roster.py"
)
assert _spec and _spec.loader
_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mod)

Records = dict[str, list[dict[str, Any]]]
TINY: Records = _mod.TINY

# English sheet name of every sheet key, and English header of every column key
SHEET_EN = {s.key: s.en for s in SHEETS}
SHEET_ZH = {s.key: s.zh for s in SHEETS}


def tiny_records() -> Records:
    """A deep copy of the TINY records, free to edit."""
    return copy.deepcopy(TINY)


def write_records(
    tmp_path: Path, rec: Mapping[str, Sequence[Mapping[str, Any]]], name: str = "roster.xlsx"
) -> Path:
    """Write records as an input workbook in the documented format."""
    return write_input_workbook(tmp_path / name, SHEETS, rec)


def read_records(
    tmp_path: Path,
    edit: Callable[[Records], Any] | None = None,
    name: str = "roster.xlsx",
) -> RosterData:
    """Write (an edited copy of) TINY and read it back."""
    rec = tiny_records()
    if edit is not None:
        edit(rec)
    return read_roster(write_records(tmp_path, rec, name))


def write_raw(path: Path, sheets: Mapping[str, Sequence[Sequence[Any]]]) -> Path:
    """Write a workbook cell by cell (header row first): for defects the writer cannot express."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


def raw_sheets(
    rec: Mapping[str, Sequence[Mapping[str, Any]]], *, english: bool = False
) -> dict[str, list[list[Any]]]:
    """Records as sheet name -> rows (header first), with Chinese or English names only."""
    out: dict[str, list[list[Any]]] = {}
    for spec in SHEETS:
        rows = rec.get(spec.key)
        if rows is None:
            continue
        cols = [c for c in spec.columns if c.required or any(c.key in r for r in rows)]
        header = [c.en if english else c.zh for c in cols]
        body = [[_plain(r.get(c.key)) for c in cols] for r in rows]
        out[spec.en if english else spec.zh] = [header, *body]
    return out


def _plain(v: Any) -> Any:
    if isinstance(v, bool):
        return "yes" if v else "no"
    return v


def staff_index(rec: Records, sid: str) -> int:
    """Position of staff ``sid`` in the records (its workbook row is this + 2)."""
    return next(i for i, s in enumerate(rec["staff"]) if s["id"] == sid)


def summary(data: RosterData) -> dict[str, Any]:
    """The content of a RosterData that every input format must reproduce."""
    return {
        "first_quarter": str(data.policy.first_quarter),
        "quarters": data.policy.quarters,
        "centers": [(c.id, c.name, c.seats) for c in data.centers],
        "departments": [(d.id, d.name, d.order) for d in data.departments],
        "staff": [
            (
                s.id,
                s.name,
                s.department,
                s.title.value,
                s.promotion_candidate,
                str(s.promotion_deadline) if s.promotion_deadline else None,
            )
            for s in data.staff
        ],
        "unavailability": [(u.staff, u.start, u.end, u.reason) for u in data.unavailability],
        "deferrals": [(r.department, str(r.quarter), r.decision.value) for r in data.deferrals],
    }
