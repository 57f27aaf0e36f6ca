"""The roster operations' plain-data functions (no page): the re-plan job reports progress and
honours the stop flag, the frozen quarters follow the date and the horizon, bad input is a
located message."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import openpyxl
from web_fixtures import TINY

from assignments.web.ops_worker import assess_run, check_ops_file, frozen_preview, replan_job
from assignments.web.worker import solve_job

EVENTS = TINY["roster"].with_name("tiny_events.xlsx")
LOGS = TINY["roster"].with_name("tiny_logs.xlsx")


class _Box(list[Any]):
    def put(self, item: Any) -> None:
        self.append(item)


def _published(folder: Path) -> Path:
    box = _Box()
    solve_job({"model": "roster", "workbook": str(TINY["roster"]), "out": str(folder),
               "lang": "en", "time_limit": 5, "seed": 0, "workers": 2, "preset": None,
               "engine": "auto"}, box, threading.Event())
    assert box[-1]["kind"] == "done"
    return folder / "roster.xlsx"


def _replan(published: Path, out: Path, stop: threading.Event, **more: Any) -> _Box:
    box = _Box()
    replan_job({"workbook": str(TINY["roster"]), "published": str(published),
                "events": [str(EVENTS)], "as_of": "", "horizon": None, "out": str(out),
                "lang": "en", "time_limit": 5, **more}, box, stop)
    return box


def _redispatch(published: Path, out: Path) -> Path:
    a = assess_run({"workbook": str(TINY["roster"]), "logs": str(LOGS),
                    "roster": str(published), "as_of": "", "out": str(out), "lang": "en"})
    assert a["ok"] and a["redispatch"] == 1, a
    return Path(a["events"])


def test_replan_job_progress_stop_and_frozen_quarters(tmp_path: Path) -> None:
    published = _published(tmp_path / "plan")
    events = [str(EVENTS), str(_redispatch(published, tmp_path / "assess"))]
    box = _replan(published, tmp_path / "a", threading.Event(), events=events)
    done = box[-1]
    assert done["kind"] == "done" and done["has_solution"], done
    assert any(m["kind"] == "progress" for m in box[:-1])
    assert done["replan"]["frozen_quarters"] == ["2027Q1", "2027Q2"]
    assert {(c["staff"], c["causes"][0]) for c in done["replan"]["changes"]} == {
        ("S04", "E2"), ("S01", "KH-S01-2027Q1")}
    assert (tmp_path / "a" / "csv" / "changes.csv").exists()

    # without 张伟's re-dispatch, 刘洋's study leave leaves 2027Q3 without its 中级 (R8): no
    # roster, explained, nothing written (the page keeps the previous plan)
    alone = _replan(published, tmp_path / "e", threading.Event())[-1]
    assert alone["kind"] == "done" and alone["status"] == "infeasible"
    assert not alone["has_solution"] and not (tmp_path / "e").exists()
    assert any("R8" in line for line in alone["explanation"])

    stop = threading.Event()
    stop.set()  # cancelled before the solver starts: said, nothing written, no traceback
    stopped = _replan(published, tmp_path / "b", stop)[-1]
    assert stopped["kind"] == "done" and stopped["stopped"] and not stopped["has_solution"]
    assert not (tmp_path / "b").exists()

    later = _replan(published, tmp_path / "c", threading.Event(), as_of="2027-07-15",
                    horizon=0, events=events)[-1]
    assert later["replan"]["frozen_quarters"] == ["2027Q1", "2027Q2", "2027Q3"]
    bad = _replan(published, tmp_path / "d", threading.Event(), as_of="15.7.2027")[-1]
    assert bad["kind"] == "error" and "15.7.2027" in bad["message"]


def test_frozen_preview_follows_date_horizon_and_events() -> None:
    wb = TINY["roster"]
    p = frozen_preview(wb, [EVENTS], "", None, "en")
    assert (p["as_of"], p["frozen"], p["open"]) == ("2027-03-29", ["2027Q1", "2027Q2"],
                                                    "2027Q3")
    assert "重排日期" in p["source"]
    assert frozen_preview(wb, [EVENTS], "", 0, "en")["frozen"] == ["2027Q1"]
    assert frozen_preview(wb, [], "2026-12-01", None, "en")["frozen"] == ["2027Q1"]
    assert "error" in frozen_preview(wb, [], "not a date", None, "en")


def test_uploaded_files_are_checked_with_located_problems(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(EVENTS)
    book["事件"].cell(row=2, column=3).value = "S99"
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    out = check_ops_file("events", TINY["roster"], bad, "en")
    assert not out["ok"]
    (row,) = [r for r in out["issues"] if r["row"] == 2]
    assert row["sheet"].startswith("事件") and "S99" in row["message"] + str(row["record"])
    logs = check_ops_file("logs", TINY["roster"], EVENTS, "en")  # an events file as logs
    assert not logs["ok"] and logs["issues"]
    assert check_ops_file("events", TINY["roster"], EVENTS, "en")["ok"]
