"""The rule registry of fund allocation (funding/rules.py): one place for every DOMAIN §F rule.

* every family the model builds, and every family the checkers report, is registered;
* every rule key F0–F7 is found in the model or a checker, and in docs/funding.md;
* the texts quote the instance's figures: an industry share of 60 % prints as 60 %, in the 规则
  sheet and in the explanation of an infeasible plan, never as the default 55 %;
* the funding package has no import cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

from funding_fixtures import ROOT, project, tiny_records, write_records

from assignments.core.solver import SolveStatus
from assignments.funding import model, rules
from assignments.funding.data import SWITCHES, problem, read_funding
from assignments.funding.explain import explain_infeasible
from assignments.funding.report import allocation_tables
from assignments.funding.rules import RULES, figures
from assignments.funding.solution import LEVELS, check
from assignments.funding.solve import solve

SRC = ROOT / "src" / "assignments"


def test_model_families_are_registered_in_order() -> None:
    """The model builds its families from one ordered list whose names are RULES families,
    each with a docstring naming its rule key."""
    names = [name for name, _fn in model.FAMILIES]
    assert len(names) == len(set(names))
    for name, fn in model.FAMILIES:
        assert name in RULES.families
        key = RULES.rule(name).key
        assert fn.__doc__ and fn.__doc__.startswith(key), (name, fn.__doc__)
    assert names[0] == "curve"  # every other family reads its variables


def test_switches_levels_and_labels_come_from_the_registry() -> None:
    """The policy switches, the objective levels and their labels are the registry's."""
    assert set(SWITCHES) == set(rules.SWITCHABLE)
    assert SWITCHES["industry_share"].startswith("F2 产业占比:")
    assert SWITCHES["special_hardship"].startswith("F4 特困村:")
    assert set(LEVELS) == set(rules.LEVELS)
    assert LEVELS["benefit"] == ("加权受益人数", "weighted beneficiaries", "max")
    assert RULES.label("labour", "en") == "F3 work relief"
    assert RULES.label("budget") == "F1 预算与类别·预算"


def test_every_rule_key_is_found_in_code_and_docs() -> None:
    """A newcomer searching for F1…F7 finds each in the model or a checker, and in the docs;
    every family is built or checked under its name (the F4 switches build their targets in
    ``data.problem``)."""
    code = "\n".join((SRC / "funding" / f).read_text(encoding="utf-8")
                     for f in ("model.py", "solution.py", "subsidies.py", "data.py"))
    docs = (ROOT / "docs" / "funding.md").read_text(encoding="utf-8")
    for r in RULES:
        if r.key.startswith("F."):
            continue
        assert r.key in code, r.key
        assert r.key in docs, r.key
    for fam in RULES.families:  # every family is built or checked under its own name
        assert f'"{fam}"' in code, fam


def test_checker_violations_are_registered() -> None:
    """Every violation of a broken plan names a registered family."""
    data = read_funding(ROOT / "instances" / "funding" / "tiny.xlsx")
    prob = problem(data)
    from assignments.funding.solution import FundingSolution

    everything = FundingSolution(level=[100] * prob.n, unit=prob.unit,
                                 alloc={(j, 0, 0): 1 for j in range(prob.n)})
    found = check(data, everything, prob)
    assert found
    assert all(v.rule in RULES for v in found)


def _sixty(tmp_path: Path, **changes: object) -> Path:
    rec = tiny_records()
    rec["policy"].append({"parameter": "产业占比", "value": 60})
    for key, value in changes.items():
        project(rec, key)["committed"] = value
    return write_records(tmp_path, rec)


def test_rules_sheet_prints_the_instance_share(tmp_path: Path) -> None:
    """With 产业占比 = 60 the 规则 sheet says 60 %, never the default 55 %."""
    data = read_funding(_sixty(tmp_path))
    assert data.policy.industry_share == 60
    assert "60%" in RULES.describe("industry_share", figures(data.policy))
    r = solve(data, time_limit=20, num_workers=1)
    assert r.status is SolveStatus.OPTIMAL and r.solution is not None
    assert check(data, r.solution) == []
    for lang, sheet in (("zh", "规则"), ("en", "rules")):
        table = allocation_tables(data, r, lang=lang)[sheet]
        text = table.to_string()
        assert "60%" in text and "55" not in text, text
        f2 = table[table.iloc[:, 0].str.startswith("F2")]
        assert len(f2) == 1


def test_explanation_prints_the_instance_share(tmp_path: Path) -> None:
    """An infeasible plan whose conflict holds the industry share names it with 60 %."""
    rec = tiny_records()
    rec["policy"].append({"parameter": "产业占比", "value": 60})
    rec["sources"][1]["categories"] = "教育"  # only the central S1 can pay P2
    project(rec, "P2")["committed"] = "是"
    project(rec, "P2")["cost"] = 600_000
    data = read_funding(write_records(tmp_path, rec))
    r = solve(data, time_limit=20, num_workers=1)
    assert r.status is SolveStatus.INFEASIBLE
    text = "\n".join(r.explanation)
    assert "F2 产业占比" in text and "60%" in text and "55" not in text, text
    en = "\n".join(explain_infeasible(data, lang="en"))
    assert "F2 industry share" in en and "60%" in en and "55" not in en, en


def _imports(path: Path) -> set[str]:
    """Every ``assignments.funding.X`` a module imports, at module level or in a function."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        out |= {n.split(".")[2] for n in names
                if n.startswith("assignments.funding.") and len(n.split(".")) > 2}
    return out


def test_funding_has_no_import_cycle() -> None:
    """No chain of imports (function-level ones included) leads a funding module back to
    itself (the explain → scenarios → solve → explain cycle is gone)."""
    pkg = SRC / "funding"
    graph = {p.stem: _imports(p) - {p.stem} for p in pkg.glob("*.py")}
    graph = {k: {m for m in v if m in graph} for k, v in graph.items()}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            assert state.get(nxt) != 1, " -> ".join([*path, nxt])
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert "scenarios" not in graph["explain"] and "explain" in graph["solve"]
