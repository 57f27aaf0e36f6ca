"""Scenarios: variations of one base case, solved in parallel and compared side by side.

A scenario file (YAML or JSON) declares variations of the base workbook::

    scenarios:
      - name: 预算减少10%
        budget: -10%                 # every source
      - name: 东西部协作增加500万
        sources: {S4: +500万}        # +N, -N, =N, +P%, -P%, ×F (yuan, 万 allowed)
      - name: 不设产业占比
        rules: {industry_share: off}
      - name: 贫困人口权重4
        weights: {poor_people: 4}
      - name: 强制安排P010
        force_in: [P010]
        force_out: [P020]
        objective: priority
    frontier:                        # budget–beneficiaries frontier
      budget: [60%, 140%]
      steps: 9

Each scenario is *derived* from the base data with ``model_copy(update=...)`` (never re-read),
and all are solved through a standard :class:`concurrent.futures.Executor`: a local process
pool by default, any other executor (a distributed one) when given — the jobs are plain,
picklable data and only ``submit`` / ``result`` are used. CP-SAT workers per solve are chosen so
that pool size × workers does not exceed the cores.
"""

from __future__ import annotations

import math
import os
import re
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from assignments.core.errors import InputError, Issue, Location
from assignments.core.executor import local_pool
from assignments.core.i18n import current_lang, tr, trc, use_lang
from assignments.core.policy import SWITCH_WORDS, Param, normalize_name, parse_bool
from assignments.core.schema import explain_error
from assignments.core.solver import Result, SolveStatus
from assignments.funding.data import (
    _INPUT_UNIT,
    POLICY_PARAMS,
    FundingData,
    Policy,
    Problem,
    parse_money,
    problem,
    rule_name,
)
from assignments.funding.explain import project_reasons
from assignments.funding.solution import FundingSolution, benefit, coverage, reached
from assignments.funding.solve import solve
from assignments.funding.speak import speaks, status_text

__all__ = [
    "Frontier",
    "MarginalValue",
    "Scenario",
    "ScenarioFile",
    "ScenarioOutcome",
    "comparison_table",
    "default_pool_size",
    "derive",
    "diff_table",
    "failed_outcome",
    "frontier_scenarios",
    "marginal_values",
    "read_scenarios",
    "run_scenarios",
]

_KEYS = {
    "名称": "name", "说明": "description", "预算": "budget", "资金来源": "sources",
    "规则": "rules", "权重": "weights", "强制安排": "force_in", "不予安排": "force_out",
    "目标": "objective", "情景": "scenarios", "前沿": "frontier", "步数": "steps",
    "方案": "policy", "参数": "policy", "parameters": "policy",
}
_WEIGHTS = {"people": "weight_people", "人口": "weight_people",
            "poor_people": "weight_poor_people", "贫困人口": "weight_poor_people",
            "households": "weight_households", "户数": "weight_households",
            "poor_households": "weight_poor_households", "贫困户": "weight_poor_households"}


_PARAMS: dict[str, Param] = {}
for _p in POLICY_PARAMS:
    for _n in (*_p.names, _p.key):
        _PARAMS.setdefault(normalize_name(_n), _p)


def _param(name: Any) -> Param:
    """The 方案 parameter named ``name`` (Chinese, English or key), as the 方案 sheet reads it."""
    p = _PARAMS.get(normalize_name(name))
    if p is None:
        raise ValueError(tr("unknown 方案 parameter '{name}'; known: {known}", name=name,
                            known=tr(", ").join(dict.fromkeys(
                                f"{q.zh} ({q.en})" for q in POLICY_PARAMS))))
    return p


def _read_param(param: Param, value: Any, name: str, unit: int = 1) -> tuple[str, Any]:
    """``(key, parsed value)`` of one 方案 figure or switch, as the 方案 sheet reads it (a switch
    word on a figure's row switches its rule); ``ValueError`` naming it when unreadable."""
    if param.switch is not None and (isinstance(value, bool)
                                     or normalize_name(value) in SWITCH_WORDS):
        return param.switch, value if isinstance(value, bool) else parse_bool(value)
    token = _INPUT_UNIT.set(unit)
    try:
        return param.key, param.read(value)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None
    finally:
        _INPUT_UNIT.reset(token)


def _keys(d: Any) -> Any:
    if isinstance(d, dict):
        return {_KEYS.get(str(k).strip(), str(k).strip()): v for k, v in d.items()}
    return d


def change_amount(amount: float, change: str | float | int) -> float:
    """Apply ``+10%``, ``-10%``, ``+5000000``, ``+500万``, ``=3000000`` or ``×1.2``."""
    if isinstance(change, int | float) and not isinstance(change, bool):
        return float(change)
    text = unicodedata.normalize("NFKC", str(change)).strip().replace(" ", "")
    m = re.match(r"^([+\-=×x*])?(.+)$", text)
    if not m or not m.group(2):
        raise ValueError(tr("change '{change}' not understood", change=change))
    op, rest = m.group(1) or "=", m.group(2)
    if rest.endswith("%"):
        pct = float(rest[:-1])
        if op in "=×x*":
            return amount * pct / 100
        return amount * (1 + (pct if op == "+" else -pct) / 100)
    if op in "×x*":
        return amount * float(rest)
    value = float(parse_money(rest))
    return {"+": amount + value, "-": amount - value, "=": value}[op]


class Scenario(BaseModel):
    """One variation of the base case."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str | None = None
    budget: str | float | None = None  # change of every source
    sources: dict[str, str | float] = Field(default_factory=dict)
    rules: dict[str, bool] = Field(default_factory=dict)
    weights: dict[str, int] = Field(default_factory=dict)
    force_in: list[str] = Field(default_factory=list)
    force_out: list[str] = Field(default_factory=list)
    objective: str | None = None
    policy: dict[str, Any] = Field(default_factory=dict)  # 方案 figures: param key -> raw value

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, v: Any) -> Any:
        return None if v is None else str(v)

    @model_validator(mode="before")
    @classmethod
    def _figures(cls, v: Any) -> Any:
        """``rules:`` values that are figures (``产业占比: 60``) set the figure and keep the rule
        on; ``policy:`` names are 方案 parameters; every value is read now (a value that
        cannot be read is refused, not taken for "off")."""
        if not isinstance(v, dict):
            return v
        v = dict(v)
        rules: dict[str, bool] = {}
        policy: dict[str, Any] = {}
        for k, x in (v.get("policy") or {}).items():
            param = _param(k)
            key, value = _read_param(param, x, str(k))
            if key.startswith("rules."):
                rules[key[6:]] = value
            else:
                policy[key] = x  # money is read again in the workbook's unit by derive()
        raw_rules = v.get("rules") or {}
        if not isinstance(raw_rules, dict):
            raise ValueError(tr("rules: expected a mapping such as {example}",
                                example="{产业占比: 关}"))
        for k, x in raw_rules.items():
            rule = rule_name(str(k))
            if isinstance(x, bool) or normalize_name(x) in SWITCH_WORDS or str(x).strip() in (
                    "0", "1"):
                rules[rule] = x if isinstance(x, bool) else (
                    str(x).strip() == "1" or (str(x).strip() != "0" and parse_bool(x)))
                continue
            figure = next((p for p in POLICY_PARAMS if p.switch == f"rules.{rule}"), None)
            if figure is None:
                raise ValueError(tr("rules: {rule}: expected on/off (开/关), got '{value}'",
                                    rule=k, value=x))
            _read_param(figure, x, str(k))
            policy[figure.key] = x
            rules[rule] = True
        v["rules"] = rules
        v["policy"] = policy
        return v

    @field_validator("weights", mode="before")
    @classmethod
    def _weights(cls, v: Any) -> Any:
        if not isinstance(v, dict):
            return v
        out = {}
        for k, x in v.items():
            key = _WEIGHTS.get(str(k).strip())
            if key is None:
                raise ValueError(tr("unknown weight '{weight}'; expected people, poor_people, "
                                    "households or poor_households (人口, 贫困人口, 户数, 贫困户)",
                                    weight=k))
            out[key] = x
        return out

    @field_validator("force_in", "force_out", mode="before")
    @classmethod
    def _ids(cls, v: Any) -> Any:
        if isinstance(v, str):
            return [x.strip() for x in re.split(r"[,，、;；]", v) if x.strip()]
        return [str(x) for x in v] if isinstance(v, list) else v


class Frontier(BaseModel):
    """A budget range for the budget–beneficiaries frontier (every source scaled alike)."""

    model_config = ConfigDict(extra="forbid")

    budget: tuple[str | float, str | float] = ("60%", "140%")
    steps: int = Field(default=9, ge=2, le=200)

    def factors(self) -> list[float]:
        """The budget factors (1.0 = the base budget)."""
        lo, hi = (_factor(x) for x in self.budget)
        return [lo + (hi - lo) * i / (self.steps - 1) for i in range(self.steps)]


def _factor(x: str | float) -> float:
    if isinstance(x, int | float):
        return float(x)
    text = str(x).strip()
    try:
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ValueError(tr("frontier budget '{value}': expected a share of the base budget "
                            "such as 60% or 0.6", value=x)) from None


class ScenarioFile(BaseModel):
    """A scenario file: the scenarios and an optional frontier."""

    model_config = ConfigDict(extra="forbid")

    scenarios: list[Scenario] = Field(default_factory=list)
    frontier: Frontier | None = None


#: Largest scenario file read (YAML or JSON), in megabytes: a scenario file holds a few
#: dozen lines; a larger one is refused with its size before it is parsed.
MAX_SCENARIO_MB = 8
#: Largest number of values of a scenario file once YAML aliases are expanded.
MAX_SCENARIO_VALUES = 1_000_000


def read_scenarios(path: str | Path, base: FundingData | None = None) -> ScenarioFile:
    """Read a scenario file (YAML or JSON); with ``base``, check every id it names.

    Raises
    ------
    InputError
        Located: file, scenario (by position and name), key.
    """
    from assignments.core.io import load_data
    from assignments.core.workbooks import WORKBOOK_SUFFIXES

    p = Path(path)
    if not p.exists():
        raise InputError(Issue(Location(str(p)), tr("file not found")))
    if p.suffix.lower() in WORKBOOK_SUFFIXES:
        return _read_sheet(p, base)
    # the shared reader's limits: the file's size, its encoding (UTF-8 or GBK) and the values
    # once YAML aliases are expanded (an alias bomb is refused before pydantic walks it)
    raw = load_data(p, max_mb=MAX_SCENARIO_MB, max_values=MAX_SCENARIO_VALUES)
    raw = _keys(raw)
    if isinstance(raw, list):
        raw = {"scenarios": raw}
    if not isinstance(raw, dict):
        raise InputError(Issue(Location(str(p)), tr("expected a mapping with 'scenarios:'")))
    issues: list[Issue] = []
    items = raw.get("scenarios") or []
    if not isinstance(items, list):
        raise InputError(Issue(Location(str(p)), tr("'scenarios' must be a list")))
    scenarios = []
    names: set[str] = set()
    for i, item in enumerate(items, start=1):
        item = _keys(item)
        where = Location(str(p), record=tr("scenario {i} '{name}'", i=i, name=item.get("name"))
                         if isinstance(item, dict) else tr("scenario {i}", i=i))
        if not isinstance(item, dict):
            issues.append(Issue(where, tr("expected a mapping (name:, budget:, ...)")))
            continue
        try:
            sc = Scenario.model_validate(item)
        except ValidationError as exc:
            for err in exc.errors():
                key = ".".join(str(x) for x in err["loc"])
                if err["type"] == "extra_forbidden":
                    issues.append(Issue(where, tr("unknown key '{key}'; known: {known}",
                                                  key=key,
                                                  known=", ".join(Scenario.model_fields))))
                    continue
                msg = explain_error(dict(err))
                issues.append(Issue(where, f"{key}: {msg}" if key else msg))
            continue
        except ValueError as exc:
            issues.append(Issue(where, str(exc)))
            continue
        if sc.name in names:
            issues.append(Issue(where, tr("duplicate scenario name '{name}'", name=sc.name)))
        names.add(sc.name)
        if base is not None:
            issues += [Issue(where, m) for m in _check_ids(sc, base)]
        scenarios.append(sc)
    frontier = None
    if raw.get("frontier") is not None:
        try:
            frontier = Frontier.model_validate(_keys(raw["frontier"]))
            frontier.factors()
        except (ValidationError, ValueError) as exc:
            issues.append(Issue(Location(str(p), record="frontier"), str(exc).splitlines()[0]))
    unknown = set(raw) - {"scenarios", "frontier"}
    if unknown:
        issues.append(Issue(Location(str(p)), f"unknown key(s): {', '.join(sorted(unknown))}"))
    if issues:
        raise InputError(issues)
    return ScenarioFile(scenarios=scenarios, frontier=frontier)


_SHEET_FIELDS = {"name", "description", "budget", "objective", "force_in", "force_out"}


def _read_sheet(p: Path, base: FundingData | None) -> ScenarioFile:
    """An Excel scenario sheet 情景 (or ``scenarios``): one row per scenario, one column per
    changed figure — 名称, 说明, 预算, 目标, 强制安排, 不予安排, a source id (or ``资金来源:S1``)
    for that source's change, and any 方案 parameter or rule switch (产业占比, 特困村最低资金,
    支出进度节点, 特困村规则, 人口权重, …); an empty cell leaves the base's value."""
    from assignments.core.io import read_frames

    # the shared reader (size limits, zip bombs refused before expanding, .xls/.ods/.et)
    book, sheets = read_frames(
        p, lambda n: normalize_name(n) in ("情景", "scenarios", "scenario"))
    name = next(iter(book), None)
    if name is None:
        raise InputError(Issue(Location(str(p)), "no sheet 情景 (scenarios); sheets: "
                               + ", ".join(sheets)))
    df = book[name]
    sids = {s.id for s in base.sources} if base is not None else set()
    issues: list[Issue] = []
    items: list[dict[str, Any]] = []
    cols: list[dict[str, str]] = []
    for i, row in df.iterrows():
        item: dict[str, Any] = {}
        where: dict[str, str] = {}
        for col, value in row.items():
            if value is None or (isinstance(value, float) and math.isnan(value)) or \
                    str(value).strip() == "":
                continue
            head = str(col).strip()
            key = _KEYS.get(head, head)
            src = re.sub(r"^(资金来源|来源|source)\s*[:：]\s*", "", head, flags=re.I)
            if key in _SHEET_FIELDS:
                item[key] = value
            elif src in sids or src != head:
                item.setdefault("sources", {})[src] = value
            else:
                item.setdefault("policy", {})[head] = value
            where[key] = head
        if item:
            items.append(item)
            cols.append(where)
            item["_row"] = int(str(i)) + 2
    scenarios: list[Scenario] = []
    names: set[str] = set()
    for item in items:
        row_no = item.pop("_row")
        where_ = Location(str(p), name, row_no, record=f"scenario '{item.get('name', '')}'")
        try:
            sc = Scenario.model_validate(item)
        except (ValidationError, ValueError) as exc:
            msgs = ([explain_error(dict(e)) for e in exc.errors()]
                    if isinstance(exc, ValidationError) else [str(exc)])
            issues += [Issue(where_, m) for m in msgs]
            continue
        if sc.name in names:
            issues.append(Issue(where_, tr("duplicate scenario name '{name}'", name=sc.name)))
        names.add(sc.name)
        if base is not None:
            issues += [Issue(where_, m) for m in _check_ids(sc, base)]
        scenarios.append(sc)
    if issues:
        raise InputError(issues)
    return ScenarioFile(scenarios=scenarios)


def _check_ids(sc: Scenario, base: FundingData) -> list[str]:
    out = []
    sids = {s.id for s in base.sources}
    pids = {p.id for p in base.projects}
    out += [tr("unknown source '{source}'", source=s) for s in sc.sources if s not in sids]
    out += [tr("force_in: unknown project '{project}'", project=x)
            for x in sc.force_in if x not in pids]
    out += [tr("force_out: unknown project '{project}'", project=x)
            for x in sc.force_out if x not in pids]
    both = set(sc.force_in) & set(sc.force_out)
    out += [tr("project '{project}' is both forced in and out", project=x)
            for x in sorted(both)]
    if sc.objective is not None and sc.objective not in ("coverage", "priority", "cost",
                                                         "覆盖优先", "优先级", "最小成本"):
        out.append(tr("unknown objective '{objective}'; expected coverage, priority or cost",
                      objective=sc.objective))
    try:
        derive(base, sc)
    except ValueError as exc:
        out.append(str(exc))
    return out


def derive(base: FundingData, sc: Scenario) -> FundingData:
    """The base case with the scenario's variations, by ``model_copy(update=...)``."""
    sources = []
    for s in base.sources:
        amount = s.amount
        if sc.budget is not None:
            amount = change_amount(amount, sc.budget)
        if s.id in sc.sources:
            amount = change_amount(amount, sc.sources[s.id])
        if amount < 0:
            raise ValueError(tr("source '{source}' would have a negative amount ({amount})",
                                source=s.id, amount=f"{amount:,.0f}"))
        sources.append(s if amount == s.amount else s.model_copy(update={"amount": amount}))
    projects = []
    fin, fout = set(sc.force_in), set(sc.force_out)
    for p in base.projects:
        if p.id in fin:
            projects.append(p.model_copy(update={"committed": True, "excluded": False}))
        elif p.id in fout:
            projects.append(p.model_copy(update={"excluded": True, "committed": False}))
        else:
            projects.append(p)
    update: dict[str, Any] = {}
    if sc.rules:
        update["rules"] = {**base.policy.rules, **sc.rules}
    for key, raw in sc.policy.items():
        update[key] = _read_param(_param(key), raw, key, base.policy.input_unit)[1]
    update.update(sc.weights)
    if sc.objective is not None:
        update["objective"] = {"覆盖优先": "coverage", "优先级": "priority",
                               "最小成本": "cost"}.get(sc.objective, sc.objective)
    if update:  # validated like the 方案 sheet (ranges), then copied (keeps what was set)
        try:
            Policy.model_validate({**base.policy.model_dump(), **update})
        except ValidationError as exc:
            err = exc.errors()[0]
            key = ".".join(map(str, err["loc"]))
            param = _PARAMS.get(normalize_name(key))
            name = key if param is None else (param.zh if current_lang() == "zh" else param.en)
            raise ValueError(f"{name}: {explain_error(dict(err))}") from None
    policy = base.policy.model_copy(update=update) if update else base.policy
    return base.model_copy(update={"sources": sources, "projects": projects, "policy": policy,
                                   "name": sc.name})


def frontier_scenarios(fr: Frontier) -> list[Scenario]:
    """One scenario per budget factor of the frontier."""
    return [Scenario(name=tr("budget {pct}%", pct=f"{100 * f:.0f}"), budget=f"×{f}")
            for f in fr.factors()]


# ------------------------------------------------------------------ running


def default_pool_size(n_jobs: int, cores: int | None = None) -> tuple[int, int]:
    """``(processes, CP-SAT workers per solve)`` for ``n_jobs`` on ``cores`` cores.

    Never more processes than jobs or cores, and processes × workers ≤ cores.
    """
    cores = cores or os.cpu_count() or 2
    procs = max(1, min(cores, n_jobs))
    return procs, max(1, cores // procs)


@dataclass
class ScenarioOutcome:
    """A solved scenario: its result and the figures the comparison needs."""

    name: str
    result: Result[FundingSolution]
    metrics: dict[str, Any] = field(default_factory=dict)
    funded: dict[str, int] = field(default_factory=dict)  # project id -> level %
    reasons: dict[str, str] = field(default_factory=dict)  # unfunded project id -> reason
    seconds: float = 0.0
    error: str | None = None  # the solve raised: why (the scenario has no result)


def _metrics(data: FundingData, prob: Problem, r: Result[FundingSolution],
             lang: str) -> tuple[dict[str, Any], dict[str, int], dict[str, str]]:
    m: dict[str, Any] = {"status": r.status.value,
                         "budget_yuan": prob.total_budget * prob.unit}
    sol = r.solution
    if sol is None:
        return m, {}, {}
    fund = sol.funding()
    by_cat: dict[str, int] = defaultdict(int)
    by_src: dict[str, int] = defaultdict(int)
    for (j, s, _t), v in sol.alloc.items():
        by_cat[data.projects[j].category] += v * prob.unit
        by_src[data.sources[s].id] += v * prob.unit
    got = reached(data, sol)  # per village, capped by the village totals (as the objective)
    people, poor = got.counted["people"], got.counted["poor_people"]
    spent = sum(fund) * prob.unit
    cov = coverage(data, sol, prob)
    m.update({
        "projects_funded": len(sol.funded()),
        "projects_partial": sum(1 for lv in sol.level if 0 < lv < 100),
        "money_allocated_yuan": spent,
        "idle_yuan": prob.total_budget * prob.unit - spent,
        "targets_met": sum(1 for c in cov if c.met),
        "targets": len(cov),
        "shortfall_permille": sum(c.permille for c in cov),
        "people": people,
        "poor_people": poor,
        "weighted_beneficiaries": int(r.objectives.get("benefit", benefit(data, sol))),
        "yuan_per_person": round(spent / people, 1) if people else None,
        "by_category": dict(sorted(by_cat.items())),
        "by_source": dict(sorted(by_src.items())),
        "objective": r.objective,
        "gap": r.gap,
        "runtime": round(r.runtime, 3),
    })
    funded = {data.projects[j].id: lv for j, lv in enumerate(sol.level) if lv > 0}
    reasons = {data.projects[j].id: rs.text
               for j, rs in project_reasons(data, sol, prob, lang=lang).items()}
    return m, funded, reasons


def solve_job(job: dict[str, Any]) -> ScenarioOutcome:
    """Solve one scenario (runs in a worker process; the job is plain picklable data)."""
    with use_lang(job.get("lang")):  # a worker process starts in Chinese: speak the job's
        return _solve_job(job)


def _solve_job(job: dict[str, Any]) -> ScenarioOutcome:
    t0 = time.perf_counter()
    data: FundingData = job["data"]
    r = solve(data, time_limit=job["time_limit"], seed=job["seed"],
              num_workers=job["workers"], deterministic=job["deterministic"],
              initial_solution=job.get("hint"), explain=job.get("explain", True))
    prob = problem(data)
    metrics, funded, reasons = _metrics(data, prob, r, current_lang())
    return ScenarioOutcome(data.name, r, metrics, funded, reasons, time.perf_counter() - t0)


def run_scenarios(
    datas: Sequence[FundingData],
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    deterministic: bool = False,
    executor: Executor | None = None,
    workers_per_solve: int | None = None,
    cores: int | None = None,
    hint: FundingSolution | None = None,
    lang: str | None = None,
    on_result: Callable[[int, ScenarioOutcome], None] | None = None,
) -> list[ScenarioOutcome]:
    """Solve every derived problem in parallel; outcomes in the order given.

    Parameters
    ----------
    datas
        Problems derived from one base (:func:`derive`).
    time_limit, seed, deterministic
        Per solve.
    executor
        Any :class:`concurrent.futures.Executor` (only ``submit`` and ``result`` are used).
        Default: a local process pool of :func:`default_pool_size` processes, shut down after.
    workers_per_solve
        CP-SAT workers of each solve; default: ``cores // processes`` (at least 1) with the
        local pool, 1 with a given executor.
    cores
        Cores of the machine (default ``os.cpu_count()``).
    hint
        An allocation every solve starts from (the base case's; ignored where it no longer
        fits).
    on_result
        Called as ``on_result(index, outcome)`` as each scenario ends (in the order they end),
        e.g. to print progress.

    A scenario whose solve raises does not lose the others: its outcome has ``error`` (the
    reason) and status ``error``.
    """
    jobs_data = list(datas)
    if not jobs_data:
        return []
    own = executor is None
    procs, workers = default_pool_size(len(jobs_data), cores)
    if workers_per_solve is not None:
        workers = workers_per_solve
    elif not own:
        workers = 1
    jobs = [{"data": d, "time_limit": time_limit, "seed": seed, "workers": workers,
             "deterministic": deterministic, "hint": _fitting_hint(hint, d),
             "lang": lang or current_lang()}
            for d in jobs_data]
    pool: Executor = executor if executor is not None else local_pool(procs)
    try:
        futures = {pool.submit(solve_job, job): i for i, job in enumerate(jobs)}
        outcomes: list[ScenarioOutcome | None] = [None] * len(jobs)
        for f in as_completed(futures):
            i = futures[f]
            try:
                out = f.result()
            except Exception as exc:  # the others go on; the reason is reported
                out = failed_outcome(jobs_data[i].name, exc)
            outcomes[i] = out
            if on_result is not None:
                on_result(i, out)
        return [o for o in outcomes if o is not None]
    finally:
        if own:
            pool.shutdown()


def failed_outcome(name: str, exc: BaseException) -> ScenarioOutcome:
    """The outcome of a scenario whose solve raised: status ``error``, the reason kept."""
    reason = f"{type(exc).__name__}: {exc}"
    return ScenarioOutcome(name, Result(SolveStatus.UNKNOWN, explanation=[reason]),
                           {"status": "error"}, error=reason)


def _fitting_hint(hint: FundingSolution | None, data: FundingData) -> FundingSolution | None:
    if hint is None or len(hint.level) != len(data.projects):
        return None
    return hint if problem(data).unit == hint.unit else None


# ------------------------------------------------------------------ marginal value of money


@dataclass
class MarginalValue:
    """What the next ``step`` yuan of one source buy (levels before → after, projects that
    enter), from a re-solve of the plan with that source raised."""

    source: str
    step_yuan: int
    status: str
    delta: dict[str, float]
    entering: list[str]
    leaving: list[str]


def marginal_values(data: FundingData, result: Result[FundingSolution], *,
                    step: int = 100_000, time_limit: float = 10.0, workers: int = 1,
                    executor: Executor | None = None, cores: int | None = None,
                    sources: Sequence[str] | None = None) -> list[MarginalValue]:
    """The marginal value of the next ``step`` yuan of each source (by re-solving).

    Each source's amount is raised by ``step`` yuan (arriving like the rest of its money: its
    tranches, or the first period) and the plan re-solved from the current one as a hint. The
    deltas are the changes of the objective levels (coverage targets met, ‰ short, weighted
    beneficiaries, idle money in units).
    """
    assert result.solution is not None
    ids = list(sources) if sources is not None else [s.id for s in data.sources]
    scen = [Scenario(name=f"+{step:,} {sid}", sources={sid: f"+{step}"}) for sid in ids]
    derived = [derive(data, sc) for sc in scen]
    outs = run_scenarios(derived, time_limit=time_limit, executor=executor, cores=cores,
                         workers_per_solve=workers if executor is not None else None,
                         hint=result.solution)
    base_funded = {data.projects[j].id for j in result.solution.funded()}
    mv = []
    for sid, out in zip(ids, outs, strict=True):
        r = out.result
        delta: dict[str, float] = {}
        entering: list[str] = []
        leaving: list[str] = []
        if r.solution is not None:
            delta = {k: r.objectives[k] - result.objectives.get(k, 0.0) for k in r.objectives}
            funded = {data.projects[j].id for j in r.solution.funded()}
            entering = sorted(funded - base_funded)
            leaving = sorted(base_funded - funded)
        mv.append(MarginalValue(sid, step, r.status.value, delta, entering, leaving))
    return mv


# ------------------------------------------------------------------ comparison


def _rows() -> list[tuple[str, str]]:
    """The comparison's figures: (metric key, its name in the current language)."""
    return [
        ("status", trc("comparison", "status")),
        ("budget_yuan", trc("comparison", "budget (yuan)")),
        ("projects_funded", trc("comparison", "projects funded")),
        ("projects_partial", trc("comparison", "of which partly")),
        ("money_allocated_yuan", trc("comparison", "money allocated (yuan)")),
        ("idle_yuan", trc("comparison", "idle money (yuan)")),
        ("targets_met", trc("comparison", "coverage targets met")),
        ("targets", trc("comparison", "coverage targets")),
        ("shortfall_permille", trc("comparison", "coverage shortfall (‰)")),
        ("people", trc("comparison", "people benefiting")),
        ("poor_people", trc("comparison", "poor people benefiting")),
        ("weighted_beneficiaries", trc("comparison", "weighted beneficiaries")),
        ("yuan_per_person", trc("comparison", "cost per beneficiary (yuan)")),
        ("gap", trc("comparison", "optimality gap")),
        ("runtime", trc("comparison", "time (s)")),
    ]


@speaks
def comparison_table(outcomes: Sequence[ScenarioOutcome], *,
                     lang: str | None = None) -> pd.DataFrame:
    """Scenarios side by side: one column per scenario, one row per figure (money by category
    and by source included)."""
    cats = sorted({c for o in outcomes for c in o.metrics.get("by_category", {})})
    srcs = sorted({s for o in outcomes for s in o.metrics.get("by_source", {})})
    rows = []
    figure = tr("figure")
    for key, name in _rows():
        rows.append({figure: name,
                     **{o.name: (status_text(o.metrics.get(key)) if key == "status"
                                 and o.metrics.get(key) is not None else o.metrics.get(key))
                        for o in outcomes}})
    for c in cats:
        rows.append({figure: tr("category {category} (yuan)", category=c),
                     **{o.name: o.metrics.get("by_category", {}).get(c, 0) for o in outcomes}})
    for s in srcs:
        rows.append({figure: tr("source {source} (yuan)", source=s),
                     **{o.name: o.metrics.get("by_source", {}).get(s, 0) for o in outcomes}})
    if any(o.result.solution is None for o in outcomes):
        rows.append({figure: tr("why no plan"),
                     **{o.name: no_plan_reason(o) for o in outcomes}})
    return pd.DataFrame(rows)


def no_plan_reason(o: ScenarioOutcome) -> str:
    """Why scenario ``o`` has no plan — the conflicting rules its solve named, or the error —
    in one line; empty when it has a plan."""
    if o.result.solution is not None:
        return ""
    if o.error:
        return o.error
    sep = "；" if current_lang() == "zh" else "; "
    text = ""
    for x in o.result.explanation:
        line = str(x).strip().lstrip("-").strip()
        if line:
            text += (" " if text.endswith((":", "：")) else sep if text else "") + line
    return text


@speaks
def diff_table(a: ScenarioOutcome, b: ScenarioOutcome, data: FundingData, *,
               lang: str | None = None) -> pd.DataFrame:
    """Projects that enter or leave (or change level) from scenario ``a`` to ``b``, and why."""
    names = {p.id: p.name or "" for p in data.projects}
    rows = []
    for pid in [p.id for p in data.projects]:
        la, lb = a.funded.get(pid, 0), b.funded.get(pid, 0)
        if la == lb:
            continue
        if la == 0:
            change = tr("enters")
            why = tr("in '{scenario}': {reason}", scenario=a.name,
                     reason=a.reasons.get(pid, ""))
        elif lb == 0:
            change = tr("leaves")
            why = tr("in '{scenario}': {reason}", scenario=b.name,
                     reason=b.reasons.get(pid, ""))
        else:
            change = f"{la}% → {lb}%"
            why = b.reasons.get(pid, "") or a.reasons.get(pid, "")
        rows.append({tr("from"): a.name, tr("to"): b.name, tr("project"): pid,
                     tr("name"): names[pid], tr("change"): change, tr("reason"): why})
    return pd.DataFrame(rows)


def frontier_sheet(points: pd.DataFrame) -> pd.DataFrame:
    """:func:`frontier_points` for people: headers and statuses in the current language."""
    sheet = points.copy()
    if "status" in sheet:
        sheet["status"] = [status_text(x) if isinstance(x, str) else x for x in sheet["status"]]
    return sheet.rename(columns={
        "scenario": tr("scenario"), "budget_yuan": tr("budget (yuan)"),
        "weighted_beneficiaries": tr("weighted beneficiaries"), "people": tr("people"),
        "poor_people": tr("poor people"), "status": tr("status"), "why": tr("why no plan")})


def frontier_points(outcomes: Sequence[ScenarioOutcome]) -> pd.DataFrame:
    """Budget and beneficiaries of every frontier scenario."""
    return pd.DataFrame([{
        "scenario": o.name, "budget_yuan": o.metrics.get("budget_yuan"),
        "weighted_beneficiaries": o.metrics.get("weighted_beneficiaries"),
        "people": o.metrics.get("people"), "poor_people": o.metrics.get("poor_people"),
        "status": o.metrics.get("status"),
        "why": no_plan_reason(o),
    } for o in outcomes])

