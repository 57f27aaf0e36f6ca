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


# ------------------------------------------------------------------ random small instances

SUBJECTS_SMALL = ("语文", "数学", "英语", "物理")


def random_data(seed: int) -> MentoringData:
    """A small random teacher problem (2–3 schools, 6–14 teachers), built directly as
    :class:`MentoringData`: random timetables, travel, roles, past pairs, wishes, forbidden
    pairs, and a random policy (capacity, hours, related subjects, weights, mode)."""
    import random

    from assignments.mentoring.data import (
        PairRow,
        PastPair,
        Policy,
        Preference,
        Rating,
        School,
        Teacher,
    )

    rng = random.Random(seed)
    n_s = rng.randint(2, 3)
    schools = [School(id=f"S{i}", area=rng.choice(["urban", "rural"]), weak=rng.random() < 0.3,
                      partners=["S0"] if i and rng.random() < 0.3 else [])
               for i in range(n_s)]
    travel = {}
    for a in range(n_s):
        for b in range(a + 1, n_s):
            minutes = float(rng.choice([10, 25, 35, 55]))
            travel[(f"S{a}", f"S{b}")] = travel[(f"S{b}", f"S{a}")] = minutes
    subjects = SUBJECTS_SMALL[: rng.choice([1, 2, 2, 3])]
    teachers = []
    for k in range(rng.randint(8, 16)):
        novice = rng.random() < 0.5
        years = rng.randint(0, 4) if novice else rng.randint(5, 30)
        roles = rng.choice(["", "", "学科带头人", "市级骨干教师", "县级骨干教师", "教学能手"])
        teachers.append(Teacher(
            id=f"T{k:02d}", school=f"S{rng.randrange(n_s)}",
            subjects=[rng.choice(subjects)] if rng.random() < 0.85 else list(subjects[:2]),
            grade_band=rng.choice(["小学", "初中", None]), years=years,
            roles=[roles] if roles else [],
            new_transfer=not novice and rng.random() < 0.1,
            wants_mentor=not novice and years < 8 and rng.random() < 0.3,
            capacity=rng.choice([None, None, 1, 3]),
            hours=rng.choice([None, None, 12.0, 40.0]),
        ))
    lessons = {}
    for t in teachers:
        pool = [(d, p) for d in range(1, 6) for p in range(1, 5)]
        lessons[t.id] = frozenset(rng.sample(pool, rng.randint(1, 8)))
    ids = [t.id for t in teachers]
    old = [t.id for t in teachers if t.years >= 5]
    young = [t.id for t in teachers if t.years < 5]
    past = []
    if old and young:
        for _ in range(rng.randint(0, 3)):
            past.append(PastPair(mentor=rng.choice(old), mentee=rng.choice(young),
                                 rating=rng.choice([Rating.GOOD, Rating.POOR, None])))
    forbidden = [PairRow(mentor=rng.choice(ids), mentee=rng.choice(ids)) for _ in range(2)]
    forbidden = [f for f in forbidden if f.mentor != f.mentee]
    forced = []
    if old and young and rng.random() < 0.3:
        forced.append(PairRow(mentor=rng.choice(old), mentee=rng.choice(young)))
    forbidden = [f for f in forbidden
                 if all((f.mentor, f.mentee) != (g.mentor, g.mentee) for g in forced)]
    prefs = []
    for t in rng.sample(teachers, min(3, len(teachers))):
        others = [x for x in ids if x != t.id]
        for rank, target in enumerate(rng.sample(others, 2), start=1):
            prefs.append(Preference(teacher=t.id, target=target, rank=rank))
    weights = {"balance": rng.choice([0, 1, 3]), "drain": rng.choice([0, 5]),
               "preference": rng.choice([0, 5])}
    policy = Policy(
        semester_weeks=rng.choice([3, 18, 18]), capacity_default=rng.choice([1, 2, 2, 3]),
        hours_default=rng.choice([15.0, 30.0]), max_travel=rng.choice([20.0, 40.0]),
        subject_rule=rng.choice(["same", "related"]), drain_share=rng.choice([0.0, 50.0]),
        objective_mode=rng.choice(["lexicographic", "lexicographic", "weighted"]),
        continuity=rng.choice(["bonus", "bonus", "required"]),
        weights={**Policy().weights, **weights},
    )
    return MentoringData(
        policy=policy, schools=schools, teachers=teachers, lessons=lessons, travel=travel,
        past=past, forced=forced, forbidden=forbidden, preferences=prefs,
        groups={"语文": "文科", "英语": "文科", "数学": "理科", "物理": "理科"},
        source=f"random-{seed}",
    )
