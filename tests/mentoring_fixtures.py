"""Shared helpers for the mentoring tests: the TINY records, writers, readers, small builders."""

from __future__ import annotations

import copy
import importlib.util
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from assignments.core.io import write_input_workbook
from assignments.mentoring.data import SHEETS, MentoringData, read_mentoring

ROOT = Path(__file__).resolve().parents[1]
TINY_XLSX = ROOT / "instances" / "mentoring" / "tiny.xlsx"
DISTRICT_XLSX = ROOT / "instances" / "mentoring" / "district.xlsx"
GAP_DIR = ROOT / "instances" / "mentoring" / "gap"

_spec = importlib.util.spec_from_file_location(
    "generate_mentoring", ROOT / "scripts" / "generate_mentoring.py"
)
assert _spec and _spec.loader
generator = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generator)

Records = dict[str, list[dict[str, Any]]]
TINY: Records = generator.TINY


def tiny_records() -> Records:
    """A deep copy of the TINY records, free to edit."""
    return copy.deepcopy(TINY)


def write_records(
    tmp_path: Path, rec: Mapping[str, Sequence[Mapping[str, Any]]], name: str = "m.xlsx"
) -> Path:
    """Write records as an input workbook in the documented format."""
    return write_input_workbook(tmp_path / name, SHEETS, rec)


def read_records(
    tmp_path: Path, edit: Callable[[Records], Any] | None = None, name: str = "m.xlsx"
) -> MentoringData:
    """Write (an edited copy of) TINY and read it back."""
    rec = tiny_records()
    if edit is not None:
        edit(rec)
    return read_mentoring(write_records(tmp_path, rec, name))


def teacher(rec: Records, tid: str) -> dict[str, Any]:
    """The teacher row ``tid`` of ``rec`` (to edit in place)."""
    return next(t for t in rec["teachers"] if t["id"] == tid)


def policy(rec: Records, name: str, value: Any) -> None:
    """Set (or add) a 方案 parameter."""
    for row in rec["policy"]:
        if row["parameter"] == name:
            row["value"] = value
            return
    rec["policy"].append({"parameter": name, "value": value})
