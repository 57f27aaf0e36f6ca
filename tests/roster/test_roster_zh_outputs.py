"""Issue #19 point 1 for the rotation roster: every command on every shipped example speaks one
language — no English sentence in a ``--lang zh`` output (xlsx cells and sheet names, csv,
result.json's people-facing values, printed stdout and stderr), no Chinese sentence in a
``--lang en`` output except what the input itself wrote (names of people, departments and
centers, sheet names, reasons).

Each language runs the whole chain once per module (fixtures): tiny solve / validate / assess /
replan / duties / ledger / check and the ops templates; the county chain as in
docs/roster_operations.md; the city workbook solved with a short time limit.
Progress lines (``--quiet`` leaves them out) are the shared CLI's, not the roster's.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from untranslated import (
    JSON_PEOPLE_KEYS,
    _json_texts,
    _xlsx_texts,
    english_runs,
    scan_folder,
)

ROOT = Path(__file__).resolve().parents[2]
INST = ROOT / "instances" / "roster"
CJK = re.compile(r"[\u3400-\u9fff]+")
# Chinese kept on purpose in English output: the `节假日 (holidays)`-style pairs naming a sheet or
# column of the input, the terms a duty calendar writes (顺延自/提前自), the event kind 重新下乡
# of redispatch_events.xlsx (an input workbook in the 事件 format) and the template's example row
KEPT = {"节假日", "授课间隔天数", "顺延自", "提前自", "重新下乡", "内容", "高血压规范用药"}


def _commands(lang: str, out: Path) -> list[tuple[str, list[str]]]:
    i = str(INST)
    ln = ["--lang", lang]
    cmds: list[tuple[str, list[str]]] = []
    for name, wb, limit in (("tiny", "tiny", "5"), ("county", "county_hospital", "5")):
        x = f"{i}/{wb}.xlsx"
        o = str(out / name)
        logs = f"{i}/{name}_logs.xlsx"
        events = f"{i}/{name}_events.xlsx"
        cmds += [
            (f"{name}_solve", ["solve", x, "--out", o, "--time-limit", limit, "--quiet", *ln]),
            (f"{name}_assess", ["assess", x, "--logs", logs, "--roster", f"{o}/roster.xlsx",
                                "--out", f"{o}_assess", *ln]),
            (f"{name}_replan", ["replan", x, "--published", f"{o}/roster.xlsx", "--events",
                                events, "--events", f"{o}_assess/redispatch_events.xlsx",
                                "--out", f"{o}_replan", "--time-limit", limit, "--quiet", *ln]),
            (f"{name}_duties", ["duties", x, "--roster", f"{o}_replan/roster.xlsx", "--out",
                                f"{o}_duties", *ln]),
            (f"{name}_ledger", ["ledger", x, "--roster", f"{o}_replan/roster.xlsx", "--logs",
                                logs, "--events", events, "--out", f"{o}_ledger", *ln]),
            (f"{name}_check", ["check", x, f"{o}/roster.xlsx", "--time-limit", "2", *ln]),
        ]
    cmds += [
        ("city_solve", ["solve", f"{i}/city_hospital.xlsx", "--out", str(out / "city"),
                        "--time-limit", "5", "--quiet", *ln]),
        ("tmpl_events", ["ops-template", "events", str(out / "tmpl" / "events.xlsx"), *ln]),
        ("tmpl_logs", ["ops-template", "logs", str(out / "tmpl" / "logs.xlsx"), *ln]),
    ]
    if lang == "zh":  # `roster validate` has no --lang yet (the shared CLI's): Chinese default
        cmds += [(f"{n}_validate", ["validate", f"{i}/{n}.xlsx"])
                 for n in ("tiny", "county_hospital", "city_hospital")]
    return cmds


def _run_all(lang: str, out: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    done = {}
    for name, args in _commands(lang, out):
        done[name] = subprocess.run(
            [sys.executable, "-m", "assignments", "roster", *args], capture_output=True,
            text=True, env=env, cwd=ROOT, timeout=600)
    return done


@pytest.fixture(scope="module")
def zh_run(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("roster_zh")
    return out, _run_all("zh", out)


@pytest.fixture(scope="module")
def en_run(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("roster_en")
    return out, _run_all("en", out)


def _ran(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    """Every command ran (exit 0; 1 for a city solve that finds no roster in its few
    seconds), so the outputs checked are the real ones."""
    for name, p in runs.items():
        allowed = (0, 1) if name == "city_solve" else (0,)
        assert p.returncode in allowed, (name, p.returncode, p.stderr[-2000:])


def test_zh_outputs_hold_no_english_sentence(zh_run) -> None:
    out, runs = zh_run
    _ran(runs)
    found = [(where, text[:160], runs_) for where, text, runs_ in scan_folder(out)]
    for name, p in runs.items():
        for stream, text in (("stdout", p.stdout), ("stderr", p.stderr)):
            for line in text.splitlines():
                if english_runs(line):
                    found.append((f"{name}.{stream}", line[:160], english_runs(line)))
    assert not found, "\n".join(map(str, found[:40]))
    # the outputs exist: the scan saw the workbooks of every step
    for sub in ("tiny/roster.xlsx", "tiny_assess/assessment.xlsx", "tiny_replan/roster.xlsx",
                "tiny_duties/duties.xlsx", "tiny_ledger/ledger.xlsx", "county/roster.xlsx",
                "county_replan/roster.xlsx", "tmpl/events.xlsx", "tmpl/logs.xlsx"):
        assert (out / sub).exists(), sub


@cache
def _input_texts() -> frozenset[str]:
    """Every CJK run the shipped inputs write (names, reasons, sheet and column names)."""
    from openpyxl import load_workbook

    runs: set[str] = set()
    for path in INST.glob("*.xlsx"):
        wb = load_workbook(path, read_only=True, data_only=True)
        for ws in wb.worksheets:
            runs.update(CJK.findall(ws.title))
            for row in ws.iter_rows(values_only=True):
                for v in row:
                    if isinstance(v, str):
                        runs.update(CJK.findall(v))
    return frozenset(runs)


def _chinese_runs(text: str) -> list[str]:
    """CJK runs of ``text`` that no shipped input wrote (a name is allowed; a sentence is not)."""
    known = _input_texts() | KEPT
    return [r for r in CJK.findall(text) if r not in known]


def _en_texts(out: Path) -> Iterator[tuple[str, str]]:
    """(where, text) of every output a person reads, as :func:`scan_folder` reads them."""
    for path in sorted(out.rglob("*")):
        if path.suffix == ".xlsx":
            yield from _xlsx_texts(path)
        elif path.suffix in (".csv", ".txt", ".md", ".ics"):
            text = path.read_bytes().decode("utf-8-sig", errors="replace")
            yield from ((path.name, line) for line in text.splitlines())
        elif path.suffix == ".json":
            yield from _json_texts(json.loads(path.read_text(encoding="utf-8")), path.name,
                                   JSON_PEOPLE_KEYS)


def test_en_outputs_hold_no_chinese_sentence(en_run) -> None:
    out, runs = en_run
    _ran(runs)
    found = []
    for where, text in _en_texts(out):
        extra = _chinese_runs(text)
        if extra:
            found.append((where, text[:160], extra))
    for name, p in runs.items():
        for stream, text in (("stdout", p.stdout), ("stderr", p.stderr)):
            for line in text.splitlines():
                if _chinese_runs(line):
                    found.append((f"{name}.{stream}", line[:160], _chinese_runs(line)))
    assert not found, "\n".join(map(str, found[:40]))
