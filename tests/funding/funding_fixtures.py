"""Shared helpers for the funding tests: small random problems, the tiny workbook's records."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path
from typing import Any

from assignments.funding.data import (
    FundingData,
    Policy,
    Project,
    ShareRow,
    Source,
    TargetRow,
    Village,
)

ROOT = Path(__file__).resolve().parents[2]
TINY_XLSX = ROOT / "instances" / "funding" / "tiny.xlsx"
COUNTY_XLSX = ROOT / "instances" / "funding" / "county.xlsx"
MKP_DIR = ROOT / "instances" / "funding" / "benchmarks"  # copies: see SOURCES.md there
PB_DIR = MKP_DIR

CATEGORIES = ("产业", "基础设施", "教育", "医疗")


def load_script(name: str) -> Any:
    """Import ``scripts/<name>.py`` as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def random_data(seed: int, *, n_projects: tuple[int, int] = (4, 9),
                committed: bool = True) -> FundingData:
    """A small random allocation problem exercising every rule.

    2–3 sources (one central), 2–4 quarters with or without carry-over, 4–9 projects (some
    partial with a minimum, some spread over quarters, requires/excludes, sometimes a committed
    one), 2–4 villages (poor / special-hardship), a cost-sharing group for 教育 half of the time,
    declared targets, every rule switched on or off at random.
    """
    rng = random.Random(seed)
    T = rng.randint(2, 4)
    S = rng.randint(2, 3)
    unit = 10_000
    kinds = ["central", "province", "county"]
    sources = []
    for i in range(S):
        cats = [] if rng.random() < 0.4 else rng.sample(CATEGORIES, rng.randint(2, 4))
        tranches: list[float] = []
        if rng.random() < 0.4:
            first = rng.choice([40.0, 50.0, 60.0])
            tranches = [first, 100.0 - first]
        sources.append(Source(id=f"S{i + 1}", kind=kinds[i], amount=unit * rng.randint(20, 80),
                              categories=cats, tranches=tranches))
    V = rng.randint(2, 4)
    villages = [Village(id=f"V{i + 1}", poor=rng.random() < 0.6,
                        special_hardship=rng.random() < 0.25,
                        poor_households=rng.randint(5, 40)) for i in range(V)]
    n = rng.randint(*n_projects)
    projects = []
    for j in range(n):
        cat = rng.choice(CATEGORIES)
        start = rng.randint(0, T - 1)
        length = rng.randint(1, T - start)
        if length == 1:
            curve: list[float] = []
        else:
            cuts = sorted(rng.sample(range(1, 100), length - 1))
            curve = [float(b - a) for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
        partial = rng.random() < 0.35
        cost = unit * rng.randint(5, 40)
        people = rng.randint(10, 300)
        projects.append(Project(
            id=f"P{j + 1}", category=cat,
            villages=rng.sample([v.id for v in villages], rng.randint(1, min(2, V))),
            cost=cost, partial=partial,
            min_funding=cost * rng.choice([0, 0.3, 0.5]) if partial else None,
            people=people, poor_people=rng.randint(0, people // 2),
            poor_households=rng.randint(0, 20), labour_share=float(rng.choice([0, 15, 20, 30])),
            start=f"2027Q{start + 1}", curve=curve, priority=rng.randint(0, 9),
        ))
    for j, p in enumerate(projects):
        if rng.random() < 0.15 and n > 1:
            k = rng.randrange(n)
            if k != j:
                p.requires = [projects[k].id]
        if rng.random() < 0.15 and n > 1:
            k = rng.randrange(n)
            if k != j:
                p.excludes = [projects[k].id]
    if committed and rng.random() < 0.3:
        rng.choice(projects).committed = True
    if rng.random() < 0.15:
        rng.choice(projects).excluded = True
    sharing = []
    if rng.random() < 0.5 and S >= 2:
        a, b = rng.sample(range(S), 2)
        ra, rb = rng.choice([(6, 4), (1, 1), (3, 2)])
        sharing = [ShareRow(group="G1", categories=["教育"], source=sources[a].id, share=ra),
                   ShareRow(group="G1", categories=["教育"], source=sources[b].id, share=rb)]
        for s in (sources[a], sources[b]):
            if s.categories and "教育" not in s.categories:
                s.categories.append("教育")
    targets = []
    if rng.random() < 0.4:
        targets.append(TargetRow(id="T1", kind="poor_household_share",
                                 value=float(rng.choice([20, 40, 60]))))
    if rng.random() < 0.3:
        targets.append(TargetRow(id="T2", kind="category_amount", category="基础设施",
                                 value=unit * rng.randint(5, 30)))
    if rng.random() < 0.3:
        targets.append(TargetRow(id="T3", kind="poor_people", value=rng.randint(20, 200)))
    rules = {r: rng.random() < 0.75 for r in Policy().rules}
    policy = Policy(
        first_period="2027Q1", periods=T, carry_over=rng.random() < 0.6, rules=rules,
        labour_scope=rng.choice(["project", "portfolio"]),
        special_hardship_amount=unit * rng.randint(10, 40),
        milestones=[(6, 50.0), (9, 75.0), (12, 95.0)][: max(0, T - 1)],
        objective=rng.choice(["coverage", "coverage", "priority", "cost"]),
    )
    return FundingData(policy=policy, sources=sources, projects=projects, villages=villages,
                       sharing=sharing, targets=targets, name=f"random-{seed}")


# ------------------------------------------------------------------ the tiny workbook's records

Records = dict[str, list[dict[str, Any]]]


def tiny_records() -> Records:
    """A deep copy of the tiny instance's records (scripts/generate_funding.py), free to edit."""
    import copy

    return copy.deepcopy(load_script("generate_funding").TINY)


def write_records(tmp_path: Path, rec: Records, name: str = "funding.xlsx") -> Path:
    """Write records as an input workbook in the documented format."""
    from assignments.core.io import write_input_workbook
    from assignments.funding.data import SHEETS

    return write_input_workbook(tmp_path / name, SHEETS, rec)


def raw_sheets(rec: Records) -> dict[str, list[list[Any]]]:
    """Records as rows of cells (header first, 中文 (english) headers), for raw edits."""
    from assignments.funding.data import SHEETS

    out: dict[str, list[list[Any]]] = {}
    for spec in SHEETS:
        rows = rec.get(spec.key)
        if rows is None:
            continue
        cols = [c for c in spec.columns if c.required or any(c.key in r for r in rows)]
        out[spec.zh] = [[c.header for c in cols]] + [[r.get(c.key) for c in cols] for r in rows]
    return out


def write_raw(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """Write a workbook cell by cell (for defects the record writer cannot express)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(list(r))
    wb.save(path)
    return path


def project(rec: Records, pid: str) -> dict[str, Any]:
    """The record of project ``pid``."""
    return next(p for p in rec["projects"] if p["id"] == pid)
