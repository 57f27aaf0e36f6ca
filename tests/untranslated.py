"""Find English sentences in output meant to be Chinese (issue #19's untranslated-text test).

An "English sentence" is three or more English words in a row (letters, apostrophes, hyphens;
separated by spaces and light punctuation), after removing what is legitimately Latin in a
Chinese output: identifiers (S0061, P0002, 2027Q1), file names and paths, URLs, program and
library names (CP-SAT, HiGHS, OR-Tools, chinesecalendar …), option names (--lang),
and units. Use :func:`english_runs` on a text, :func:`scan_folder` on an output folder (xlsx
cells and sheet names, csv, txt/md/ics, result.json *values* of the keys meant for people).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

ALLOWED = [
    r"CP-SAT", r"OR-Tools", r"HiGHS", r"SCIP", r"MathOpt", r"chinesecalendar", r"Microsoft YaHei",
    r"SimHei", r"Excel", r"WPS", r"CSV", r"JSON", r"YAML", r"PDF", r"PNG", r"ICS", r"iCalendar",
    r"numba", r"Dask", r"Python", r"pip", r"assignments(?: \w+)*",
    # a debugging line the HiGHS library itself prints to stdout on some MIP solves (not ours)
    r"HighsMipSolverData::\w+ tmpSolver\.run\(\);",
]
_STRIP = re.compile(
    r"(?:https?://\S+)"                      # URLs
    r"|(?:--[a-z][a-z-]*(?: [A-Za-z0-9_.:/-]+)?)"  # options with their value
    r"|(?:\S+\.(?:xlsx|xls|csv|json|png|pdf|ics|yaml|yml|toml|md|txt)\b)"  # file names
    r"|(?:(?:[A-Za-z]:)?[\\/][\w./\\-]+)"    # paths
    r"|(?:\b[A-Z]{1,3}\d[\w-]*)"             # ids like S0061, P0002, K03, R11, F2
    r"|(?:\b\d{4}Q\d\b)"                     # quarters
    r"|" + "|".join(ALLOWED)
)
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ \t,;:/()]+[A-Za-z][A-Za-z'’-]*){2,}")


def english_runs(text: str) -> list[str]:
    """The English word runs (3+ words) left in ``text`` after the allowed Latin is removed."""
    return [m.group(0) for m in _WORDS.finditer(_STRIP.sub(" ", text))]


def _xlsx_texts(path: Path) -> Iterator[tuple[str, str]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    for ws in wb.worksheets:
        yield f"{path.name}!{ws.title}", ws.title
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str):
                    yield f"{path.name}!{ws.title}", v


def _json_texts(obj: object, where: str, keys: Iterable[str]) -> Iterator[tuple[str, str]]:
    want = set(keys)
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in want and isinstance(v, str):
                yield f"{where}.{k}", v
            elif k in want and isinstance(v, list):
                for x in v:
                    if isinstance(x, str):
                        yield f"{where}.{k}", x
            else:
                yield from _json_texts(v, f"{where}.{k}", want)
    elif isinstance(obj, list):
        for i, x in enumerate(obj):
            yield from _json_texts(x, f"{where}[{i}]", want)


JSON_PEOPLE_KEYS = ("warnings", "explanation", "explanations", "message", "messages", "reason",
                    "reasons", "notes", "note", "summary", "status_text")


def scan_folder(folder: Path) -> list[tuple[str, str, list[str]]]:
    """Every (where, text, english runs) of an output folder that holds English sentences."""
    found = []
    for path in sorted(folder.rglob("*")):
        texts: Iterable[tuple[str, str]] = ()
        if path.suffix == ".xlsx":
            texts = _xlsx_texts(path)
        elif path.suffix in (".csv", ".txt", ".md", ".ics"):
            raw = path.read_bytes()
            text = raw.decode("utf-8-sig", errors="replace")
            texts = [(path.name, line) for line in text.splitlines()]
        elif path.suffix == ".json":
            texts = _json_texts(json.loads(path.read_text(encoding="utf-8")), path.name,
                                JSON_PEOPLE_KEYS)
        for where, text in texts:
            runs = english_runs(text)
            if runs:
                found.append((where, text, runs))
    return found
