"""Benchmark re-planning: minimal change versus solving again from scratch, in the same run.

On an instance (default: the city hospital, 60 departments, 2,000 staff, 10 centers, 12
quarters) the script

1. solves the workbook (``publish``) and writes the roster as ``roster solve`` does;
2. draws N random events (default 20, seeded) that act after the frozen quarters: illness and
   study leave of people on the published roster, people leaving, promotion applications,
   re-dispatches of people who served in the first quarter, seat changes, a deferral request,
   and a recall and a refusal (money only);
3. re-plans with the changes level (``minimal``, what ``roster replan`` does) and without it
   (``scratch``: the same events and frozen quarters, levels 1–4 only, then compared with the
   published roster), each in its own process so that the peak memory is that run's.

It prints, per method: status, objective levels, number of changed assignments (people removed
from a quarter, added to one, or moved to another center), time and peak memory.

    python scripts/bench_replan.py                         # city, 20 events, seed 1
    python scripts/bench_replan.py --instance county --events 10 --seed 3 --time-limit 60
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
INSTANCES = {
    "tiny": ROOT / "instances/roster/tiny.xlsx",
    "county": ROOT / "instances/roster/county_hospital.xlsx",
    "city": ROOT / "instances/roster/city_hospital.xlsx",
}


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def publish(workbook: Path, out: Path, time_limit: float, workers: int) -> dict[str, Any]:
    """Solve the workbook and write the published roster (in this process)."""
    from assignments.roster import read_roster, solve
    from assignments.roster.report import write_outputs

    data = read_roster(workbook)
    t0 = time.perf_counter()
    r = solve(data, time_limit=time_limit, num_workers=workers, explain=False)
    runtime = time.perf_counter() - t0
    if r.solution is None:
        raise SystemExit(f"no published roster: {r.status.value}")
    write_outputs(data, r, out)
    return {"method": "publish", "status": r.status.value, "levels": r.stats.get("levels"),
            "changes": "", "time": round(runtime, 2), "peak_mb": _peak_mb()}


def draw_events(workbook: Path, roster: Path, n: int, seed: int) -> tuple[list[dict[str, Any]],
                                                                           dt.date]:
    """``n`` random events acting after the frozen quarters (Q1 running, Q2 announced)."""
    from assignments.roster import read_roster
    from assignments.roster.replan import frozen_count, read_published
    from assignments.roster.schedule import alternatives

    rng = random.Random(seed)
    data = read_roster(workbook)
    pub = read_published(roster, data)
    periods = data.periods()
    first = data.policy.first_quarter
    H = data.policy.quarters
    as_of = periods[0][0] + dt.timedelta(days=30)
    frozen = frozen_count(data, as_of, 1)
    deadline = {s.id for s in data.staff if s.promotion_deadline is not None}
    # leaves and departures hit people without a promotion deadline (one that leaves no open
    # quarter before the deadline makes the re-plan infeasible — explained, but not a benchmark)
    later = [a for a in pub.assignments if a.quarter >= frozen and a.staff not in deadline]
    early = [a for a in pub.assignments if a.quarter == 0]
    served = {a.staff for a in pub.assignments}
    idle = [s for s in data.staff if s.id not in served and not s.promotion_candidate]
    used: set[str] = set()
    events: list[dict[str, Any]] = []

    def pick(pool: list[Any], key: Any) -> Any:
        rest = [x for x in pool if key(x) not in used]
        x = rng.choice(rest)
        used.add(key(x))
        return x

    plan = (["unavailable"] * 8 + ["left"] * 2 + ["promotion"] * 3 + ["redispatch"] * 2
            + ["seats"] * 2 + ["deferral", "recall", "refusal"])
    plan = (plan * (n // len(plan) + 1))[:n]
    for k, kind in enumerate(plan, start=1):
        eid = f"B{k}"
        if kind == "unavailable":
            a = pick(later, lambda a: a.staff)
            start, end = periods[a.quarter]
            events.append({"id": eid, "kind": rng.choice(["病假", "进修", "休假"]),
                           "staff": a.staff, "start": start - dt.timedelta(days=rng.randint(0, 20)),
                           "end": end - dt.timedelta(days=rng.randint(0, 40))})
        elif kind == "left":
            a = pick(later, lambda a: a.staff)
            events.append({"id": eid, "kind": "离职", "staff": a.staff,
                           "start": periods[a.quarter][0] - dt.timedelta(days=5)})
        elif kind == "promotion":
            s = pick(idle, lambda s: s.id)
            events.append({"id": eid, "kind": "晋升申请", "staff": s.id})
        elif kind == "redispatch":
            a = pick(early, lambda a: a.staff)
            events.append({"id": eid, "kind": "重新下乡", "staff": a.staff,
                           "quarter": str(first)})
        elif kind == "seats":
            c = rng.choice(data.centers)
            events.append({"id": eid, "kind": "名额变更", "center": c.id,
                           "quarter": str(first + rng.randrange(frozen + 2, H)),
                           "seats": max(1, c.seats + rng.choice([-1, 1]))})
        elif kind == "deferral":
            from assignments.roster.data import DeferralRequest

            alt = alternatives(data)[0]
            options = [(t.dept, t.first) for t in alt.turns
                       if t.first is not None and t.first >= frozen + 1]
            rng.shuffle(options)
            for dept, q in options:
                req = DeferralRequest(department=dept, quarter=first + q, decision="next")
                try:
                    alternatives(dataclasses.replace(data, deferrals=[*data.deferrals, req]))
                except ValueError:
                    continue
                events.append({"id": eid, "kind": "后延申请", "department": dept,
                               "quarter": str(first + q), "decision": "next"})
                break
        elif kind == "recall":
            a = rng.choice(early)
            events.append({"id": eid, "kind": "擅自调回", "staff": a.staff,
                           "start": periods[0][0] + dt.timedelta(days=10)})
        else:
            events.append({"id": eid, "kind": "拒派", "department": data.departments[0].id,
                           "quarter": str(first)})
    return events, as_of


def replan_once(workbook: Path, roster: Path, events: Path, as_of: dt.date, minimal: bool,
                time_limit: float, workers: int) -> dict[str, Any]:
    """One re-plan in this process."""
    from assignments.roster import read_roster
    from assignments.roster.events import read_events
    from assignments.roster.replan import read_published, replan

    data = read_roster(workbook)
    pub = read_published(roster, data)
    log = read_events(events, data)
    t0 = time.perf_counter()
    out = replan(data, pub, log, as_of=as_of, minimize_changes=minimal, time_limit=time_limit,
                 num_workers=workers, explain=False)
    runtime = time.perf_counter() - t0
    r = out.result
    return {"method": "minimal" if minimal else "scratch", "status": r.status.value,
            "levels": r.stats.get("levels"), "engine": r.stats.get("engine"),
            "changes": len(out.changes) if r.solution is not None else "",
            "unexplained": sum(1 for c in out.changes if not c.causes),
            "frozen": out.frozen, "time": round(runtime, 2), "peak_mb": _peak_mb()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--instance", default="city", help="tiny, county, city or a workbook path")
    ap.add_argument("--events", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=120.0, help="seconds per solve")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--one", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    workbook = INSTANCES.get(args.instance, Path(args.instance))
    if args.one:
        what, roster, events, as_of = args.one
        if what == "publish":
            row = publish(workbook, Path(roster), args.time_limit, args.workers)
        else:
            row = replan_once(workbook, Path(roster) / "roster.xlsx", Path(events),
                              dt.date.fromisoformat(as_of), what == "minimal",
                              args.time_limit, args.workers)
        print(json.dumps(row, ensure_ascii=False))
        return
    tmp = Path(tempfile.mkdtemp(prefix="bench_replan_"))

    def child(what: str, events: str = "-", as_of: str = "-") -> dict[str, Any]:
        cmd = [sys.executable, __file__, "--instance", str(workbook), "--time-limit",
               str(args.time_limit), "--workers", str(args.workers), "--one", what,
               str(tmp / "published"), events, as_of]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit(f"{what} failed:\n{p.stderr[-2000:]}")
        return json.loads(p.stdout.strip().splitlines()[-1])

    rows = [child("publish")]
    from assignments.core.io import write_input_workbook
    from assignments.roster.events import EVENT_SHEETS

    events, as_of = draw_events(workbook, tmp / "published" / "roster.xlsx", args.events,
                                args.seed)
    ev_path = write_input_workbook(tmp / "events.xlsx", EVENT_SHEETS, {"events": events})
    kinds: dict[str, int] = {}
    for e in events:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    print(f"instance {workbook.name}, {len(events)} events (seed {args.seed}, as of {as_of}): "
          + ", ".join(f"{k} {v}" for k, v in kinds.items()))
    rows.append(child("minimal", str(ev_path), str(as_of)))
    rows.append(child("scratch", str(ev_path), str(as_of)))
    header = (f"{'method':8} {'status':18} {'changes':>8} {'time s':>8} {'peak MB':>8}  "
              "levels (promotion/departures/mix/fairness[/changes])")
    print(header)
    print("-" * len(header))
    for r in rows:
        status = r["status"] + (f" ({r['engine']})" if r.get("engine") else "")
        lv = r.get("levels") or {}
        levels = "/".join(str(lv.get(k, "–")) for k in ("promotion", "departures", "mix",
                                                          "fairness", "changes") if k in lv)
        print(f"{r['method']:8} {status:18} {r['changes']!s:>8} {r['time']:>8} "
              f"{r['peak_mb']:>8}  {levels}", flush=True)
    m, s = rows[1], rows[2]
    if m["changes"] != "" and s["changes"] != "":
        print(f"minimal change: {m['changes']} changed assignments in {m['time']} s; from "
              f"scratch: {s['changes']} in {s['time']} s (frozen quarters: {m['frozen']}; "
              f"changes without an event: {m['unexplained']})")


if __name__ == "__main__":
    main()
