"""How long exact solvers need to prove the city's hardest parts optimal (the ≤ 30 s target).

The reduce engine solves the city level by level and component by component
(docs/mentoring.md §8). This script runs it once, instrumented, with a long time limit, keeps
what it needs from the run (the Lagrangian of the largest components, their best pairings,
and the fairness level's MIP), then measures, each alone and on one core unless said:

* the quality level of the ``--components`` largest components: the MIP over the *survivors*
  (the pairs whose Lagrangian forcing bound is at most the best pairing's cost − 1: every
  pairing at least one point better uses only those; exact reduced-cost fixing) solved by
  HiGHS (SciPy's ``milp``), SCIP (``ortools.math_opt``) and CP-SAT (one worker, hinted);
* the fairness level (one MIP over the pairs that can be in a pairing of the best quality,
  each component's quality held) by SCIP and HiGHS (``ortools.math_opt``).

    python scripts/city_proof.py                          # about 25 minutes
    python scripts/city_proof.py --engine-limit 120 --mip-limit 60 --fair-limit 120

It prints the engine's own figures first (when its quality level ended, proven or not), then
one line per solve: status, value, bound, seconds. It uses the engine's internal helpers
(``reduce_split``): a measurement, not an interface.
"""

from __future__ import annotations

import argparse
import datetime
import math
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "src"))


def _instrumented_run(path: Path, limit: float) -> tuple[Any, dict[int, dict[str, Any]], dict]:
    """The engine's solve, keeping each large component's Lagrangian and best pairing, and
    the fairness MIP's rows (by wrapping the engine's helpers for this one run)."""
    from assignments.mentoring import build_problem, read_mentoring, solve
    from assignments.pairing.engines import reduce_split as rs

    comps: dict[int, dict[str, Any]] = {}
    fair: dict[str, Any] = {}
    lag_solve, fairness, milp = rs._lag_solve, rs._fairness, rs._milp

    def keep_lag(d, cols, lag, seconds, must_pair, extra, start, old=None, survivors_mip=True):  # type: ignore[no-untyped-def]
        r = lag_solve(d, cols, lag, seconds, must_pair, extra, start, old, survivors_mip)
        c = comps.setdefault(len(cols), {"d": d, "cols": cols, "must_pair": must_pair,
                                         "extra": extra, "best": None})
        c["lag"] = (lag.block, lag.lam.copy(), lag.mu.copy(), lag.value)
        if r.x is not None and r.value is not None and (
                c["best"] is None or r.value < c["best"][1]):
            c["best"] = (r.x.copy(), round(r.value))
        return r

    def keep_fair(*args, **kw):  # type: ignore[no-untyped-def]
        def grab(d, cols, cost, seconds, **more):  # type: ignore[no-untyped-def]
            fair.update(d=d, cols=cols, **more)
            return milp(d, cols, cost, seconds, **more)

        rs._milp = grab
        try:
            return fairness(*args, **kw)
        finally:
            rs._milp = milp

    rs._lag_solve, rs._fairness = keep_lag, keep_fair
    try:
        data = read_mentoring(path)
        mp = build_problem(data)
        t = time.perf_counter()
        r = solve(data, time_limit=limit, num_workers=2, seed=0, mentor_problem=mp)
        r.stats["wall"] = time.perf_counter() - t
    finally:
        rs._lag_solve, rs._fairness = lag_solve, fairness
    return r, comps, fair


def _mathopt(a: Any, lo: np.ndarray, hi: np.ndarray, cost: np.ndarray, n_int: int,
             lb: np.ndarray, ub: np.ndarray, solver: str, seconds: float) -> tuple[str, Any, Any]:
    """``min cost·v, lo ≤ A v ≤ hi, lb ≤ v ≤ ub``, the first ``n_int`` integer, by SCIP (one
    thread) or HiGHS through MathOpt: (termination, value, dual bound)."""
    from ortools.math_opt.python import mathopt

    m = mathopt.Model()
    v = [m.add_integer_variable(lb=float(lb[k]), ub=float(ub[k])) if k < n_int else
         m.add_variable(lb=float(lb[k]), ub=float(ub[k])) for k in range(len(cost))]
    a = a.tocsr()
    for r in range(a.shape[0]):
        s, e = a.indptr[r], a.indptr[r + 1]
        m.add_linear_constraint(
            lb=float(lo[r]) if math.isfinite(lo[r]) else -math.inf,
            ub=float(hi[r]) if math.isfinite(hi[r]) else math.inf,
            expr=mathopt.fast_sum(float(a.data[t]) * v[a.indices[t]] for t in range(s, e)))
    m.minimize(mathopt.fast_sum(float(c) * x for c, x in zip(cost, v, strict=True) if c))
    kind = {"scip": mathopt.SolverType.GSCIP, "highs": mathopt.SolverType.HIGHS}[solver]
    params = mathopt.SolveParameters(time_limit=datetime.timedelta(seconds=seconds),
                                     relative_gap_tolerance=0.0, absolute_gap_tolerance=0.5)
    if solver == "scip":  # (MathOpt's HiGHS takes no thread count: it runs on its default)
        params.threads = 1
    res = mathopt.solve(m, kind, params=params)
    value = res.objective_value() if res.has_primal_feasible_solution() else None
    return res.termination.reason.name.lower(), value, res.termination.objective_bounds.dual_bound


def _fairness_mip(fair: dict[str, Any]) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray, int,
                                                  np.ndarray, np.ndarray]:
    """The captured fairness MIP as :func:`_mathopt`'s first arguments (the pairs' columns,
    binary, then the auxiliary ones)."""
    from assignments.pairing.engines import reduce_split as rs

    d, cols = fair["d"], fair["cols"]
    aux_cost = np.asarray(fair["aux_cost"], float)
    a, lo, hi = rs._rows(d, cols, len(aux_cost), fair["must_pair"], fair["extra"])
    cost = np.concatenate([np.zeros(len(cols)), aux_cost])
    lb = np.concatenate([d.forced[cols].astype(float), np.zeros(len(aux_cost))])
    ub = np.concatenate([np.ones(len(cols)), np.asarray(fair["aux_ub"], float)])
    return a, lo, hi, cost, len(cols), lb, ub


def _line(what: str, status: str, value: Any, bound: Any, seconds: float) -> None:
    def num(x: Any) -> str:
        return "—" if x is None or not math.isfinite(float(x)) else f"{float(x):.1f}"
    print(f"{what:44} {status:12} {num(value):>10} {num(bound):>10} {seconds:8.1f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engine-limit", type=float, default=180.0,
                    help="seconds for the instrumented engine run")
    ap.add_argument("--mip-limit", type=float, default=120.0,
                    help="seconds per survivors' MIP")
    ap.add_argument("--fair-limit", type=float, default=300.0,
                    help="seconds per fairness MIP")
    ap.add_argument("--components", type=int, default=2, help="largest components measured")
    args = ap.parse_args()

    from bench_mentoring import _path  # type: ignore[import-not-found]

    from assignments.pairing.engines import pair_lagrange as pl
    from assignments.pairing.engines import reduce_split as rs

    path = _path("city")
    r, comps, fair = _instrumented_run(path, args.engine_limit)
    q = r.stats.get("reduce", {}).get("quality", {})
    print(f"engine, --time-limit {args.engine_limit:.0f}: {r.status.value}, levels "
          f"{r.objectives}, level bounds {r.stats.get('level_bounds')}, quality level ended "
          f"after {q.get('seconds')} s ({q.get('unproven')} of {q.get('components')} components "
          f"unproven), whole solve {r.stats['wall']:.1f} s")
    print(f"\n{'solve':44} {'status':12} {'value':>10} {'bound':>10} {'seconds':>8}")
    for n in sorted(comps, reverse=True)[: args.components]:
        c = comps[n]
        d, cols, must_pair, extra = c["d"], c["cols"], c["must_pair"], c["extra"]
        block, lam, mu, value = c["lag"]
        x, ub = c["best"]
        forcing = pl.forcing_bounds(block, lam, mu)
        surv = np.union1d(block.cols[forcing <= ub - 1 + 1e-6], x)
        sub = rs._sub_extra(cols, extra, surv)
        print(f"component of {n} pairs: best {ub}, Lagrangian {value:.2f}, {len(surv)} "
              f"survivors", flush=True)
        t = time.perf_counter()
        m = rs._milp(d, surv, d.cost[surv], args.mip_limit, must_pair=must_pair, extra=sub)
        _line("  survivors' MIP, HiGHS (SciPy milp)", m.status, m.value, m.bound,
              time.perf_counter() - t)
        a, lo, hi = rs._rows(d, surv, 0, must_pair, sub)
        t = time.perf_counter()
        got = _mathopt(a, lo, hi, d.cost[surv], len(surv), d.forced[surv].astype(float),
                       np.ones(len(surv)), "scip", args.mip_limit)
        _line("  survivors' MIP, SCIP (MathOpt)", *got, time.perf_counter() - t)
        t = time.perf_counter()
        m = rs._cpsat(d, surv, args.mip_limit, must_pair, sub, x)
        _line("  survivors' MIP, CP-SAT (1 worker, hinted)", m.status, m.value, m.bound,
              time.perf_counter() - t)
    if fair:
        mip = _fairness_mip(fair)
        a, n_int = mip[0], mip[4]
        print(f"fairness level: {n_int} pairs, {len(mip[3]) - n_int} auxiliary columns, "
              f"{a.shape[0]} rows; the engine's pairing {r.objectives.get('fairness')}")
        for solver in ("scip", "highs"):
            t = time.perf_counter()
            got = _mathopt(*mip, solver, args.fair_limit)
            _line(f"  fairness MIP, {solver.upper()} (MathOpt)", *got, time.perf_counter() - t)
    else:
        print("fairness level: no MIP (the quality level was not proven in the engine run)")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
