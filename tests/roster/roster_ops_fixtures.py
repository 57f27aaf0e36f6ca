"""Helpers for the rotation-operations tests: small random problems, events, published rosters."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from assignments.core.calendar import Quarter, WorkCalendar
from assignments.core.io import write_input_workbook
from assignments.roster import read_roster, solve
from assignments.roster.data import Center, Department, Policy, RosterData, Staff, Title
from assignments.roster.events import EVENT_SHEETS, Event, EventKind
from assignments.roster.solution import RosterSolution

ROOT = Path(__file__).resolve().parents[2]
TINY_XLSX = ROOT / "instances" / "roster" / "tiny.xlsx"


def random_problem(seed: int) -> RosterData:
    """A small random roster problem inside the years chinesecalendar knows (2024–2026).

    1–2 centers of 1–2 seats (sometimes asking for a department's specialty), 3–5 departments
    of seats+1 to seats+3 people (mostly 中级, so the title rule usually holds), 3–6 quarters,
    up to two promotion candidates.
    """
    rng = random.Random(seed)
    H = rng.randint(3, 6)
    first = Quarter(2024, 1) + rng.randint(0, 12 - H)
    centers = [Center(id=f"C{i + 1}", seats=rng.randint(1, 2)) for i in range(rng.randint(1, 2))]
    seats = sum(c.seats for c in centers)
    depts = [Department(id=f"D{i + 1}", name=f"科{i + 1}", order=i + 1)
             for i in range(rng.randint(3, 5))]
    staff = []
    n = 0
    for d in depts:
        for _ in range(rng.randint(seats + 1, seats + 3)):
            n += 1
            title = Title.INTERMEDIATE if rng.random() < 0.8 else Title.JUNIOR
            staff.append(Staff(id=f"S{n:02d}", name=f"人{n:02d}", department=d.id, title=title))
    for s in rng.sample(staff, rng.randint(0, 2)):
        s.promotion_candidate = True
    if rng.random() < 0.35:  # a center asks for a department's specialty (classes by specialty)
        centers[0].specialties = [f"{rng.choice(depts).name}:{rng.randint(1, 3)}"]
    policy = Policy(first_quarter=first, quarters=H)
    if rng.random() < 0.4:
        policy.title_mix_hard = False
    return RosterData(policy=policy, centers=centers, departments=depts, staff=staff,
                      calendar=WorkCalendar())


def published_roster(data: RosterData) -> RosterSolution | None:
    """The optimal roster of ``data`` (``None`` when none is proven optimal)."""
    r = solve(data, time_limit=10, num_workers=1, explain=False)
    if r.status.value != "optimal":
        return None
    return r.solution


def random_events(
    data: RosterData, published: RosterSolution, frozen: int, seed: int, k: int = 3
) -> list[Event]:
    """Up to ``k`` events acting on the quarters after the frozen ones."""
    rng = random.Random(seed)
    H = data.policy.quarters
    first = data.policy.first_quarter
    periods = data.periods()
    out: list[Event] = []
    served = [a for a in published.assignments if a.quarter < frozen]
    for i in range(k):
        kind = rng.choice(["unavailable", "unavailable", "left", "promotion", "redispatch",
                           "seats"])
        s = rng.choice(data.staff)
        eid = f"E{i + 1}"
        if kind == "unavailable":
            a, _b = periods[rng.randrange(H)]
            start = a + dt.timedelta(days=rng.randint(-10, 60))
            out.append(Event(id=eid, kind=EventKind.UNAVAILABLE, staff=s.id, start=start,
                             end=start + dt.timedelta(days=rng.randint(5, 80))))
        elif kind == "left" and frozen < H:
            a, _b = periods[rng.randrange(frozen, H)]
            out.append(Event(id=eid, kind=EventKind.LEFT, staff=s.id,
                             start=a + dt.timedelta(days=rng.randint(0, 30))))
        elif kind == "promotion" and frozen < H:
            dl = first + rng.randrange(frozen, H) if rng.random() < 0.5 else None
            out.append(Event(id=eid, kind=EventKind.PROMOTION, staff=s.id, deadline=dl))
        elif kind == "redispatch" and served and frozen < H:
            a = rng.choice(served)
            if any(e.kind is EventKind.REDISPATCH and e.staff == a.staff for e in out):
                continue  # a person is re-dispatched once in a re-plan (a second is refused)
            out.append(Event(id=eid, kind=EventKind.REDISPATCH, staff=a.staff,
                             quarter=first + a.quarter))
        elif kind == "seats" and frozen < H:
            c = rng.choice(data.centers)
            out.append(Event(id=eid, kind=EventKind.SEATS, center=c.id,
                             quarter=first + rng.randrange(frozen, H),
                             seats=max(1, c.seats + rng.choice([-1, 1]))))
    return out


def write_events(path: Path, events: list[dict[str, Any]],
                 settings: list[dict[str, Any]] | None = None) -> Path:
    """An events workbook in the documented format."""
    records: dict[str, list[dict[str, Any]]] = {"events": events}
    if settings is not None:
        records["settings"] = settings
    return write_input_workbook(path, EVENT_SHEETS, records)


def tiny() -> RosterData:
    """The README's hand-checked example."""
    return read_roster(TINY_XLSX)
