"""Workbooks of the web tests: the shipped tiny examples and a malformed roster."""

from __future__ import annotations

from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[2]
TINY = {m: ROOT / "instances" / m / "tiny.xlsx" for m in ("roster", "mentoring", "funding")}


def malformed_roster(folder: Path) -> Path:
    """tiny.xlsx with two located mistakes: a person of an unknown department (人员 row 2,
    科室 column) and a center with a negative number of seats (卫生院 row 2)."""
    wb = openpyxl.load_workbook(TINY["roster"])
    wb["人员"].cell(row=2, column=3).value = "D99"
    wb["卫生院"].cell(row=2, column=3).value = -1
    path = folder / "broken.xlsx"
    wb.save(path)
    return path
