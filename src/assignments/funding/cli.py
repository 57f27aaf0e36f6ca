"""``assignments funding ...`` commands: solve, scenarios, subsidies, validate, template, mkp, pb.

Thin: parse, read, solve, write. User mistakes end with one located message and exit code 2,
nothing written (outputs are staged); no traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from assignments.core.cli import (
    Deterministic,
    InputPath,
    Lang,
    Option,
    OutDir,
    ProgressFlag,
    Seed,
    SolveSpec,
    TimeLimit,
    Workers,
    check_lang,
    fail,
    solve_command,
    template_command,
)
from assignments.core.errors import InputError, UserError
from assignments.core.i18n import tr
from assignments.funding.cli_subsidies import register as register_subsidies
from assignments.funding.speak import status_text

app = typer.Typer(
    help=tr("F — fund allocation (资金分配), household subsidies and scenarios."),
    no_args_is_help=True,
)

ExecutorOption = Annotated[str, typer.Option(
    "--executor", help=tr("Where the solves run: local (a process pool on this machine), "
                          "dask-local (a Dask LocalCluster on 127.0.0.1) or dask://HOST:PORT "
                          "(a running dask scheduler)."))]
Marginal = Annotated[
    bool, typer.Option("--marginal/--no-marginal",
                       help=tr("Re-solve with 100,000 yuan more per source (marginal "
                               "value)."))]


def _read(workbook: Path, options: Mapping[str, Any]) -> Any:
    from assignments.funding.data import read_funding

    return read_funding(workbook)


def _marginal(data: Any, result: Any, args: Mapping[str, Any]) -> dict[str, Any]:
    """Marginal values of the sources (re-solves with 100,000 yuan more), for the outputs."""
    from assignments.funding.scenarios import marginal_values

    mv = None
    if args["marginal"] and result.solution is not None and data.sources:
        mv = marginal_values(data, result, time_limit=max(2.0, min(20.0, args["time_limit"] / 4)),
                             cores=args["workers"])
    return {"marginal": mv}


solve_command(app, SolveSpec(
    model="funding",
    doc=tr("Allocate the funds of a workbook; write funding.xlsx, csv/, result.json and "
           "plots."),
    read=_read,
    engine_help=tr("auto (HiGHS, the reduced-cost ladder), cpsat or highs."),
    after=_marginal,
    options=(Option("marginal", Marginal, True),),
))


@app.command("validate", help=tr("Check a funding workbook without solving: every problem, "
                                  "located."))
def validate_cmd(workbook: InputPath, lang: Lang = "zh") -> None:
    """Check a funding workbook without solving: every problem, located."""
    from assignments.funding.data import problem, read_funding

    check_lang(lang)
    try:
        data = read_funding(workbook)
    except InputError as exc:
        fail(str(exc))
        return
    prob = problem(data)
    pol = data.policy
    typer.echo(tr(
        "{file}: OK — {sources} sources ({budget} 元), {projects} projects ({cost} 元), "
        "{villages} villages ({poor} poor, {hardship} special-hardship), {periods} periods "
        "{first}–{last}, {targets} coverage targets, {applications} household applications",
        file=workbook.name, sources=len(data.sources),
        budget=f"{prob.total_budget * prob.unit:,}", projects=len(data.projects),
        cost=f"{sum(prob.cost) * prob.unit:,}", villages=len(data.villages),
        poor=sum(v.poor for v in data.villages),
        hardship=sum(v.special_hardship for v in data.villages), periods=len(prob.periods),
        first=prob.periods[0], last=prob.periods[-1], targets=len(prob.targets),
        applications=len(data.applications)))
    typer.echo("  " + (tr("money unit: 1 = {step} 元", step=f"{prob.unit:,}") if prob.exact
                       else tr("money unit: 1 = {step} 元 (rounded)", step=f"{prob.unit:,}")))
    typer.echo("  " + tr("rules: {rules}", rules=tr(", ").join(
        f"{k} {tr('on') if pol.on(k) else tr('off')}" for k in pol.rules)))
    for w in [*data.warnings, *prob.warnings]:
        typer.echo(tr("Warning: {text}", text=w))


@app.command("check", help=tr("Verify a plan edited by hand: every broken rule with its sheet "
                               "and rows; exit 0 when it keeps every rule, 1 when it breaks "
                               "one, 2 when it cannot be read."))
def check_cmd(
    workbook: InputPath,
    plan: Annotated[Path, typer.Argument(help=tr("A plan workbook (its 分配明细 sheet), e.g. "
                                                 "edited by hand from funding.xlsx."))],
    time_limit: TimeLimit = 10.0,
    optimum: Annotated[bool, typer.Option("--optimum/--no-optimum",
                                          help=tr("Solve the workbook to compare with the "
                                                  "best plan."))] = True,
    lang: Lang = "zh",
) -> None:
    """Verify a plan edited by hand: every broken rule with its sheet and rows; exit 0 when it
    keeps every rule, 1 when it breaks one, 2 when it cannot be read."""
    from assignments.funding.data import problem, read_funding
    from assignments.funding.handcheck import check_plan, read_plan
    from assignments.funding.solution import objective_levels
    from assignments.funding.solve import solve

    check_lang(lang)
    try:
        data = read_funding(workbook)
        prob = problem(data)
        sol, sheet, rows = read_plan(plan, data, prob)
    except (InputError, UserError, ValueError) as exc:
        fail(str(exc))
        return
    found = check_plan(data, sol, sheet, rows, prob)
    for x in found:
        where = f"{plan.name}, {sheet}" + (
            tr(", rows {rows}", rows=tr(", ").join(map(str, x.rows))) if x.rows else "")
        typer.echo(f"{where}: [{x.rule}] {x.message}")
    mine = objective_levels(data, sol, prob)
    iu = data.policy.input_unit
    from assignments.funding.data import money_text

    typer.echo(tr("Broken rules: {n}   allocated: {allocated}   weighted beneficiaries: "
                  "{benefit}   targets not met: {unmet}", n=len(found),
                  allocated=money_text(mine["spent"] * prob.unit, iu),
                  benefit=f"{mine['benefit']:,}", unmet=mine["unmet"]))
    if optimum:
        best = solve(data, time_limit=time_limit, num_workers=1)
        if best.solution is not None:
            top = objective_levels(data, best.solution, prob)
            typer.echo(tr("Best plan ({status}): weighted beneficiaries {benefit}, targets not "
                          "met {unmet}; this plan is short by {short}",
                          status=status_text(best.status), benefit=f"{top['benefit']:,}",
                          unmet=top["unmet"], short=f"{top['benefit'] - mine['benefit']:,}"))
    raise typer.Exit(1 if found else 0)


def _examples(records: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    from assignments.funding.data import policy_template_rows

    project = records["projects"][0]
    return {
        "policy": policy_template_rows(),
        "projects": [
            {**project, "min_funding": None},
            {**project, "id": "P002", "name": "大坡村道路硬化", "category": "基础设施",
             "cost": 1_500_000, "partial": "是", "min_funding": 500_000, "labour_share": 20,
             "requires": "P001", "curve": "50、50"},
            {**project, "id": "P003", "name": "大坡村便民桥", "category": "基础设施",
             "cost": 800_000, "labour_share": 20, "min_funding": None, "excludes": "P002",
             "curve": None},
        ],
        "sharing": [{"group": "G1", "categories": "教育", "source": "S2", "share": 6},
                    {"group": "G1", "categories": "教育", "source": "S3", "share": 4}],
        "sources": [
            {"id": "S1", "name": "中央财政衔接资金", "kind": "中央衔接", "amount": 30_000_000},
            {"id": "S2", "name": "省级衔接资金", "kind": "省级", "amount": 10_000_000},
            {"id": "S3", "name": "县级统筹整合资金", "kind": "县级", "amount": 8_000_000},
        ],
    }


template_command(app, "funding", "assignments.funding.data:TEMPLATE_SHEETS", _examples,
                 tr("Write an empty funding workbook: every sheet with headers, notes and "
                    "example rows."))


@app.command("scenarios", help=tr("Solve the base case and every scenario in parallel; write "
                                   "the side-by-side comparison."))
def scenarios_cmd(
    workbook: InputPath,
    scenarios: Annotated[Path, typer.Option("--scenarios",
                                            help=tr("Scenario file (.yaml/.json)."))],
    out: OutDir = Path("out"),
    time_limit: TimeLimit = 30.0,
    seed: Seed = 0,
    cores: Annotated[int, typer.Option("--cores",
                                       help=tr("Cores to use (processes × workers)."))]
    = 2,
    deterministic: Deterministic = False,
    lang: Lang = "zh",
    executor: ExecutorOption = "local",
    progress: ProgressFlag = None,
) -> None:
    """Solve the base case and every scenario in parallel; write the side-by-side comparison."""
    from assignments.core.executor import open_executor, parse_executor
    from assignments.funding.data import read_funding
    from assignments.funding.report import write_scenario_outputs
    from assignments.funding.scenarios import (
        Scenario,
        derive,
        frontier_scenarios,
        no_plan_reason,
        read_scenarios,
        run_scenarios,
    )

    check_lang(lang)
    try:
        parse_executor(executor)
        base = read_funding(workbook)
        sf = read_scenarios(scenarios, base)
        scen = [Scenario(name=tr("base")), *sf.scenarios]
        fr = frontier_scenarios(sf.frontier) if sf.frontier else []
        datas = [derive(base, s) for s in [*scen, *fr]]
        show = progress if progress is not None else True
        with open_executor(executor, jobs=len(datas), cores=cores) as ex:
            if show:
                typer.echo(tr("{n} scenarios on {where}", n=len(datas), where=ex.where), err=True)
            outs = run_scenarios(datas, time_limit=time_limit, seed=seed, cores=cores,
                                 deterministic=deterministic, lang=lang, executor=ex.executor,
                                 workers_per_solve=ex.solve_workers,
                                 on_result=_progress(len(datas), lang) if show else None)
        main, front = outs[: len(scen)], outs[len(scen):]
        written = write_scenario_outputs(base, main, out, frontier=front or None, lang=lang)
    except (InputError, UserError, ValueError) as exc:
        fail(str(exc))
        return
    head = [tr("Scenario"), tr("Status"), tr("Funded"), tr("Weighted"), tr("Idle (yuan)"),
            tr("Time")]
    typer.echo(f"{_pad(head[0], 26)} {_pad(head[1], 10)} {_lpad(head[2], 7)} "
               f"{_lpad(head[3], 10)} {_lpad(head[4], 14)} {_lpad(head[5], 7)}")
    for o in [*main, *front]:
        m = o.metrics
        typer.echo(f"{_pad(o.name, 26)} {_pad(status_text(m.get('status', '')), 10)} "
                   f"{m.get('projects_funded', 0):>7} "
                   f"{m.get('weighted_beneficiaries', 0) or 0:>10,} "
                   f"{m.get('idle_yuan', 0) or 0:>14,} {o.result.runtime:>6.1f}s")
    failed = [o for o in [*main, *front] if o.error]
    for o in [*main, *front]:
        if o.result.solution is None and not o.error:
            typer.echo(tr("scenario '{name}' has no plan: {reason}", name=o.name,
                          reason=no_plan_reason(o)))
    for o in failed:
        typer.echo(tr("scenario '{name}' failed: {error}", name=o.name, error=o.error), err=True)
    typer.echo(tr("Written: {files}", files=", ".join(map(str, written))))
    if failed:
        raise typer.Exit(1)


def _progress(total: int, lang: str) -> Any:
    """``on_result`` printing one line to stderr per scenario as it ends."""
    done = [0]

    def show(i: int, o: Any) -> None:
        done[0] += 1
        if o.error:
            state = tr("failed: {error}", error=o.error)
        else:
            state = f"{status_text(o.metrics.get('status', ''))}  {o.seconds:.1f}s"
        typer.echo(f"[{done[0]}/{total}] {o.name}  {state}", err=True)

    return show


def _lpad(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` terminal columns (CJK characters are two wide)."""
    import unicodedata

    w = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return " " * max(0, width - w) + text


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (CJK characters are two wide)."""
    import unicodedata

    w = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - w)


@app.command("mkp", help=tr("Solve OR-Library multidimensional knapsack instances with the "
                             "allocation engine."))
def mkp_cmd(
    file: Annotated[Path, typer.Argument(
        help=tr("OR-Library MKP file (mknap1.txt, mknapcb*.txt)."))],
    instances: Annotated[str, typer.Option("--instances",
                                           help=tr("Indices, e.g. 0-4 or 0,3."))] = "",
    time_limit: TimeLimit = 10.0,
    seed: Seed = 0,
    workers: Workers = 2,
    method: Annotated[str, typer.Option("--method",
                                        help=tr("cpsat, core (LP core + hint) or highs."))]
    = "core",
    lang: Lang = "zh",
) -> None:
    """Solve OR-Library multidimensional knapsack instances with the allocation engine."""
    from assignments.funding.mkp import read_mkp, solve_mkp

    check_lang(lang)
    try:
        insts = read_mkp(file)
        picked = _indices(instances, len(insts))
    except (InputError, UserError, ValueError) as exc:
        fail(str(exc))
        return
    head = [tr("Instance"), tr("Status"), tr("Objective"), tr("Bound"), tr("Gap"),
            tr("File opt"), tr("Time")]
    typer.echo(f"{_pad(head[0], 18)} {_pad(head[1], 9)} {_lpad(head[2], 11)} "
               f"{_lpad(head[3], 11)} {_lpad(head[4], 8)} {_lpad(head[5], 9)} "
               f"{_lpad(head[6], 7)}")
    for k in picked:
        inst = insts[k]
        r = solve_mkp(inst, time_limit=time_limit, seed=seed, workers=workers, method=method)
        obj = (r.objective or 0) / inst.scale
        bound = (r.bound or 0) / inst.scale
        gap = "—" if r.gap is None else f"{100 * r.gap:.3f}%"
        typer.echo(f"{inst.name:<18} {_pad(status_text(r.status), 9)} {obj:>11,.1f} "
                   f"{bound:>11,.1f} {gap:>8} "
                   f"{inst.optimum or '—':>9} {r.runtime:>6.2f}s")


def _indices(text: str, n: int) -> list[int]:
    if not text.strip():
        return list(range(n))
    out: list[int] = []
    for part in text.replace(" ", "").split(","):
        a, _, b = part.partition("-")
        lo, hi = int(a), int(b) if b else int(a)
        if not (0 <= lo <= hi < n):
            raise UserError(tr("--instances {text}: indices must be within 0–{last}", text=text,
                               last=n - 1))
        out += list(range(lo, hi + 1))
    return out


@app.command("pb", help=tr("Allocate a Pabulib participatory budget (votes as "
                            "beneficiaries); compare with greedy."))
def pb_cmd(
    file: Annotated[Path, typer.Argument(help=tr("Pabulib .pb file."))],
    out: OutDir = Path("out"),
    time_limit: TimeLimit = 30.0,
    seed: Seed = 0,
    workers: Workers = 2,
    lang: Lang = "zh",
) -> None:
    """Allocate a Pabulib participatory budget (votes as beneficiaries); compare with greedy."""
    from assignments.funding.pabulib import greedy_by_votes, pb_data, read_pb
    from assignments.funding.report import summary_lines, write_outputs
    from assignments.funding.solve import solve

    check_lang(lang)
    try:
        inst = read_pb(file)
        data = pb_data(inst)
        result = solve(data, time_limit=time_limit, seed=seed, num_workers=workers)
        written = write_outputs(data, result, out, lang=lang)
    except (InputError, UserError, ValueError) as exc:
        fail(str(exc))
        return
    for line in summary_lines(data, result, lang=lang):
        typer.echo(line)
    greedy = greedy_by_votes(inst)
    support = {p["project_id"]: inst.support(p) for p in inst.projects}
    sel = inst.selected()
    same = "n/a" if sel is None else ("matches" if sorted(sel) == sorted(greedy) else "differs")
    same = {"n/a": tr("n/a"), "matches": tr("matches"), "differs": tr("differs")}[same]
    typer.echo(tr("greedy by votes: {n} projects, support {support} (META rule: {rule}; the "
                  "file's selected column: {same})", n=len(greedy),
                  support=sum(support[g] for g in greedy), rule=inst.rule, same=same))
    typer.echo(tr("Written: {files}", files=", ".join(map(str, written))))


register_subsidies(app)
