"""Issue #19 point 1 for the rotation roster: every command on every shipped example speaks one
language — no English sentence in a ``--lang zh`` output (xlsx cells and sheet names, csv,
result.json's people-facing values, printed stdout and stderr), no Chinese sentence in a
``--lang en`` output except what the input itself wrote (names of people, departments and
centers, sheet names, reasons).

Lean by design (the machine is shared): every command runs in this process (typer's
``CliRunner``, no interpreter start per command), and each example is solved once per language
and module, its outputs reused by the rest of the chain:

* Chinese: tiny and county — solve, assess, replan, duties, ledger, check (tiny compares with a
  2 s optimum; county with none, ``--time-limit 0``); the city workbook validated and solved
  with a 10 s limit (exit 1 allowed when no roster is found so soon); validate of each example;
  the two ops templates.
* English: tiny's whole chain; county's assess, replan, duties and ledger on the roster the
  Chinese run solved (the solve writers are the ones tiny's English solve exercises); the
  templates. The city is not solved again in English (same writers as tiny and county).

Progress lines (``--quiet`` leaves them out) are the shared CLI's, not the roster's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner
from untranslated import (
    JSON_PEOPLE_KEYS,
    _json_texts,
    _xlsx_texts,
    english_runs,
    scan_folder,
)

from assignments.core.i18n import set_lang

ROOT = Path(__file__).resolve().parents[2]
INST = ROOT / "instances" / "roster"
CJK = re.compile(r"[\u3400-\u9fff]+")
# Chinese kept on purpose in English output: the `节假日 (holidays)`-style pairs naming a sheet or
# column of the input, the terms a duty calendar writes (顺延自/提前自), the event kind 重新下乡
# of redispatch_events.xlsx (an input workbook in the 事件 format) and the template's example row
KEPT = {"节假日", "授课间隔天数", "顺延自", "提前自", "重新下乡", "内容", "高血压规范用药",
        # the ops templates' hidden drop-down sheet and the 决定 values it lists (input codes
        # the events reader accepts, as 不可用 or 重新下乡)
        "选项", "自动后延", "调至最后一批", "自动"}
EXAMPLES = (("tiny", "tiny", "5", "2"), ("county", "county_hospital", "8", "0"))


@dataclass
class Ran:
    """One command as a person saw it: exit code, printed stdout and stderr."""

    returncode: int
    stdout: str
    stderr: str


def _chain(name: str, wb: str, limit: str, check_limit: str, out: Path, ln: list[str],
           roster: str | None = None) -> list[tuple[str, list[str]]]:
    """The commands of docs/roster_operations.md on one example; ``roster``: a published
    roster to start from instead of solving."""
    x = f"{INST}/{wb}.xlsx"
    o = str(out / name)
    logs = f"{INST}/{name}_logs.xlsx"
    events = f"{INST}/{name}_events.xlsx"
    cmds: list[tuple[str, list[str]]] = []
    if roster is None:
        roster = f"{o}/roster.xlsx"
        cmds.append((f"{name}_solve", ["solve", x, "--out", o, "--time-limit", limit,
                                       "--quiet", *ln]))
        cmds.append((f"{name}_check", ["check", x, roster, "--time-limit", check_limit, *ln]))
    cmds += [
        (f"{name}_assess", ["assess", x, "--logs", logs, "--roster", roster, "--out",
                            f"{o}_assess", *ln]),
        (f"{name}_replan", ["replan", x, "--published", roster, "--events", events,
                            "--events", f"{o}_assess/redispatch_events.xlsx", "--out",
                            f"{o}_replan", "--time-limit", "5", "--quiet", *ln]),
        (f"{name}_duties", ["duties", x, "--roster", f"{o}_replan/roster.xlsx", "--out",
                            f"{o}_duties", *ln]),
        (f"{name}_ledger", ["ledger", x, "--roster", f"{o}_replan/roster.xlsx", "--logs", logs,
                            "--events", events, "--out", f"{o}_ledger", *ln]),
    ]
    return cmds


def _templates(out: Path, ln: list[str]) -> list[tuple[str, list[str]]]:
    return [("tmpl_events", ["ops-template", "events", str(out / "tmpl" / "events.xlsx"), *ln]),
            ("tmpl_logs", ["ops-template", "logs", str(out / "tmpl" / "logs.xlsx"), *ln])]


def _run(cmds: list[tuple[str, list[str]]]) -> dict[str, Ran]:
    from assignments.cli import app

    runner = CliRunner()
    done = {}
    for name, args in cmds:
        set_lang("zh")  # each command starts as a new process would (Chinese unless --lang)
        r = runner.invoke(app, ["roster", *args])
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            raise AssertionError(f"{name}: {r.exception!r}\n{r.output}") from r.exception
        done[name] = Ran(r.exit_code, r.stdout, r.stderr)
    set_lang("zh")
    return done


@pytest.fixture(scope="module")
def zh_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Ran]]:
    out = tmp_path_factory.mktemp("roster_zh")
    ln = ["--lang", "zh"]
    cmds = [c for name, wb, limit, chk in EXAMPLES for c in _chain(name, wb, limit, chk, out, ln)]
    cmds += [("city_solve", ["solve", f"{INST}/city_hospital.xlsx", "--out", str(out / "city"),
                             "--time-limit", "10", "--quiet", *ln])]
    cmds += _templates(out, ln)
    # `roster validate` has no --lang (the shared CLI's): the Chinese default
    cmds += [(f"{n}_validate", ["validate", f"{INST}/{n}.xlsx"])
             for n in ("tiny", "county_hospital", "city_hospital")]
    return out, _run(cmds)


@pytest.fixture(scope="module")
def en_run(zh_run, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Ran]]:
    out = tmp_path_factory.mktemp("roster_en")
    ln = ["--lang", "en"]
    zh_out, _ = zh_run
    cmds = _chain("tiny", "tiny", "5", "2", out, ln)
    cmds += _chain("county", "county_hospital", "8", "0", out, ln,
                   roster=str(zh_out / "county" / "roster.xlsx"))
    cmds += _templates(out, ln)
    return out, _run(cmds)


def _ran(runs: dict[str, Ran]) -> None:
    """Every command ran (exit 0; 1 for a city solve that finds no roster in its few
    seconds), so the outputs checked are the real ones."""
    for name, p in runs.items():
        allowed = (0, 1) if name == "city_solve" else (0,)
        assert p.returncode in allowed, (name, p.returncode, p.stdout[-2000:], p.stderr[-2000:])


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
                "county_replan/roster.xlsx", "county_duties/duties.xlsx", "tmpl/events.xlsx",
                "tmpl/logs.xlsx"):
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
