"""Write the example inputs of the rotation operations (docs/roster_operations.md):

* ``instances/roster/tiny_events.xlsx``  — events for tiny.xlsx, re-planning date 2027-03-29;
* ``instances/roster/tiny_logs.xlsx``    — activity logs of tiny's 2027Q1 rotations;
* ``instances/roster/county_events.xlsx`` — events for county_hospital.xlsx, date 2027-05-20;
* ``instances/roster/county_logs.xlsx``  — activity logs of the county's 2027Q1 rotations.

The tiny files are written by hand (the README explains tiny's roster: 2027Q1 is 张伟, 王芳 and
孙强). The county files are derived from the county roster that ``roster solve`` gives (solved
here, as ``roster solve`` does), so that the events touch people who are on it and name turns
that exist; the logs follow the duty plan of every 2027Q1 rotation, with a few people made to
fail on purpose. Whenever the roster model changes, re-run this one command (from the
repository root) and commit the four files; ``tests/roster/test_roster_ops_examples.py`` fails
while the shipped county logs do not match today's roster (a record the assessment ignores, a
rotation without records, a refusal of a turn the roster does not have).

    PYTHONPATH=src python scripts/make_roster_ops_examples.py [OUT_DIR]
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path
from typing import Any

from assignments.core.io import write_input_workbook
from assignments.roster import read_roster, solve
from assignments.roster.assess import LOG_SHEETS
from assignments.roster.duties import duty_plan
from assignments.roster.events import EVENT_SHEETS

D = dt.date

TINY_EVENTS: dict[str, list[dict[str, Any]]] = {
    "events": [
        {"id": "E1", "kind": "病假", "staff": "S09", "start": "2027-05-01", "end": "2027-05-20",
         "reason": "肺炎住院", "reported": "2027-03-25"},
        {"id": "E2", "kind": "进修", "staff": "S04", "start": "2027-07-01", "end": "2027-09-30",
         "reason": "省人民医院进修", "reported": "2027-03-20"},
        {"id": "E3", "kind": "擅自调回", "staff": "S02", "start": "2027-03-01",
         "end": "2027-03-05", "reason": "科室擅自调回顶班", "reported": "2027-03-08"},
    ],
    "settings": [
        {"parameter": "重排日期", "value": "2027-03-29", "note": "re-planning date (as of)"},
        {"parameter": "公布季度数", "value": 1, "note": "quarters announced after the running one"},
    ],
}


def _days(start: D, end: D, step: int = 1) -> list[D]:
    out = []
    d = start
    while d <= end:
        out.append(d)
        d += dt.timedelta(days=step)
    return out


def tiny_logs() -> dict[str, list[dict[str, Any]]]:
    """2027Q1 (2027-01-04 – 2027-04-05): 王芳 passes everything although she was recalled for
    5 days (event E3, absent) and took two leaves — one of 2 days approved and phoned in
    (excused), one of 4 days without the written note (flagged, counted as absence); 孙强 gives
    exactly 4 sessions, two of them 6 days apart (teaching fails: 1 month deducted); 张伟 fails
    all three items (re-dispatch, his department fined 500 yuan)."""
    data = read_roster(Path(__file__).resolve().parents[1] / "instances/roster/tiny.xlsx")
    cal = data.calendar
    start, end = data.periods()[0]
    workdays = cal.working_days(start, end)
    teaching: list[dict[str, Any]] = []
    rounds: list[dict[str, Any]] = []
    attendance: list[dict[str, Any]] = []
    # 王芳 S02: 6 sessions every 14 days, 13 rounds, present except leave and recall days
    for d in [D(2027, 1, 11) + dt.timedelta(days=14 * k) for k in range(6)]:
        teaching.append({"staff": "S02", "day": d, "center": "WSY1"})
    for d in [D(2027, 1, 6) + dt.timedelta(days=7 * k) for k in range(13)]:
        rounds.append({"staff": "S02", "day": d, "center": "WSY1"})
    leave_days = set(_days(D(2027, 2, 8), D(2027, 2, 9))) | set(
        _days(D(2027, 3, 15), D(2027, 3, 18)))
    recalled = set(_days(D(2027, 3, 1), D(2027, 3, 5)))
    for d in workdays:
        status = "请假" if d in leave_days else ("缺勤" if d in recalled else "出勤")
        attendance.append({"staff": "S02", "day": d, "status": status, "center": "WSY1"})
    # 孙强 S12: exactly 4 sessions, 2027-02-22 and 2027-02-28 only 6 days apart
    for d in (D(2027, 1, 11), D(2027, 2, 8), D(2027, 2, 22), D(2027, 2, 28)):
        teaching.append({"staff": "S12", "day": d, "center": "WSY1"})
    for d in [D(2027, 1, 6) + dt.timedelta(days=7 * k) for k in range(12)]:
        rounds.append({"staff": "S12", "day": d, "center": "WSY1"})
    for d in workdays:
        attendance.append({"staff": "S12", "day": d, "status": "出勤", "center": "WSY1"})
    # 张伟 S01: 2 sessions, 5 rounds, present 31 of the working days
    for d in (D(2027, 1, 11), D(2027, 1, 25)):
        teaching.append({"staff": "S01", "day": d, "center": "WSY1"})
    for d in [D(2027, 1, 6) + dt.timedelta(days=7 * k) for k in range(5)]:
        rounds.append({"staff": "S01", "day": d, "center": "WSY1"})
    for i, d in enumerate(workdays):
        attendance.append({"staff": "S01", "day": d,
                           "status": "出勤" if i < 31 else "缺勤", "center": "WSY1"})
    leave = [
        {"staff": "S02", "start": "2027-02-08", "end": "2027-02-09", "approved": "是",
         "phone": "是", "reason": "家事"},
        {"staff": "S02", "start": "2027-03-15", "end": "2027-03-18", "approved": "是",
         "phone": "是", "written": "否", "reason": "陪护住院家属"},
    ]
    return {"teaching": teaching, "rounds": rounds, "attendance": attendance, "leave": leave}


def county_files(root: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Events and logs for the county instance, from its solved roster."""
    data = read_roster(root / "instances/roster/county_hospital.xlsx")
    # deterministic (same roster on any machine, as the test that checks these files solves it)
    r = solve(data, time_limit=60, num_workers=2, explain=False, deterministic=True)
    assert r.solution is not None, r.explanation
    sol = r.solution
    first = data.policy.first_quarter
    {s.id: s for s in data.staff}
    by_q: dict[int, list[str]] = {}
    for a in sorted(sol.assignments, key=lambda a: (a.quarter, a.staff)):
        by_q.setdefault(a.quarter, []).append(a.staff)
    periods = data.periods()
    served = {a.staff for a in sol.assignments}
    candidates = [s for s in data.staff if not s.promotion_candidate and s.id not in served
                  and s.title.value == "中级"]
    from assignments.roster.schedule import alternatives

    alt = alternatives(data)[0]
    turn_q5 = sorted({t.dept for t in alt.turns_in(5)})
    q4, q6 = by_q[4], by_q[6]
    # C7 refuses a turn the roster has: a department whose turn is in 2027Q2
    # (or whose seats went to pulled-forward candidates)
    from assignments.roster.ledger import refusal_problem

    refusing = next(d.id for d in data.departments
                    if refusal_problem(data, sol.assignments, d.id, 1) is None)
    events = [
        {"id": "C1", "kind": "进修", "staff": q4[0], "start": str(periods[4][0] - dt.timedelta(
            days=10)), "end": str(periods[4][1]), "reason": "上级医院进修半年",
         "reported": "2027-05-10"},
        {"id": "C2", "kind": "离职", "staff": q6[1], "start": "2028-03-01", "reason": "调离本院",
         "reported": "2027-05-12"},
        {"id": "C3", "kind": "晋升申请", "staff": candidates[0].id, "deadline": str(first + 7),
         "reason": "申报副高需下乡经历", "reported": "2027-05-15"},
        {"id": "C4", "kind": "名额变更", "center": data.centers[0].id, "quarter": str(first + 9),
         "seats": 2, "reason": "卫生院宿舍改造", "reported": "2027-05-18"},
        {"id": "C5", "kind": "后延申请", "department": turn_q5[0], "quarter": str(first + 5),
         "decision": "next", "reason": "两人同期进修", "reported": "2027-05-19"},
        {"id": "C6", "kind": "擅自调回", "staff": by_q[0][0], "start": "2027-02-22",
         "end": "2027-02-26", "reason": "科室擅自调回", "reported": "2027-03-01"},
        {"id": "C7", "kind": "拒派", "department": refusing,
         "quarter": str(first + 1), "reason": "无故拒派，由医务部协调补派",
         "reported": "2027-04-01"},
    ]
    settings = [{"parameter": "重排日期", "value": "2027-05-20"},
                {"parameter": "公布季度数", "value": 1}]
    # logs of 2027Q1: the duty plan as done, with two people failing on purpose
    plan = duty_plan(data, sol.assignments, quarters=[0])
    rng = random.Random(7)
    logs: dict[str, list[dict[str, Any]]] = {"teaching": [], "rounds": [], "attendance": [],
                                             "leave": []}
    q0 = by_q[0]
    fail_rounds, fail_all = q0[1], q0[2]
    for d in plan.duties:
        if d.staff == fail_all and d.number > 2:
            continue
        if d.kind == "rounds" and d.staff == fail_rounds and d.number > 6:
            continue
        logs["teaching" if d.kind == "teaching" else "rounds"].append(
            {"staff": d.staff, "day": d.day, "center": d.center})
    for a in plan.rotations:
        days = data.calendar.working_days(*periods[a.quarter])
        for i, d in enumerate(days):
            absent = (a.staff == fail_all and i >= 35) or rng.random() < 0.04
            logs["attendance"].append({"staff": a.staff, "day": d,
                                       "status": "缺勤" if absent else "出勤",
                                       "center": a.center})
    logs["leave"].append({"staff": q0[3], "start": "2027-03-15", "end": "2027-03-18",
                          "approved": "是", "written": "是", "reason": "家中老人住院"})
    return {"events": events, "settings": settings}, logs


def main(out: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    out.mkdir(parents=True, exist_ok=True)
    write_input_workbook(out / "tiny_events.xlsx", EVENT_SHEETS, TINY_EVENTS)
    write_input_workbook(out / "tiny_logs.xlsx", LOG_SHEETS, tiny_logs())
    events, logs = county_files(root)
    write_input_workbook(out / "county_events.xlsx", EVENT_SHEETS, events)
    write_input_workbook(out / "county_logs.xlsx", LOG_SHEETS, logs)
    for name in ("tiny_events", "tiny_logs", "county_events", "county_logs"):
        print(out / f"{name}.xlsx")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("instances/roster"))
