"""Every threshold and time share of the pairing engines, in one object.

:class:`EngineParams` is made once per solve (defaults, or :meth:`EngineParams.from_toml`, or
the caller's own) and passed down explicitly to the engine table
(:func:`assignments.pairing.solve.choose_engine`) and to every engine; no engine reads a module
constant for these. Fields are grouped by prefix, which is also the TOML section they are read
from (``[table]``, ``[colgen]``, ``[split]``, ``[lns]``): ``split_kernel_component`` is
``kernel_component`` under ``[split]`` (flat keys work too). The shipped defaults are
``pairing/engines.toml`` (a commented copy of the dataclass's values; a test keeps them equal).

Times here are shares of the solve's one budget (``params.budget``) or small per-step limits;
no field can make a solve run past its time limit.
"""

from __future__ import annotations

import dataclasses
import time
import tomllib
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

from assignments.core.i18n import tr
from assignments.core.solver import SolveParams

__all__ = ["SECTIONS", "EngineParams", "deadline_of", "report", "should_end", "stopped",
           "wall_net"]

SECTIONS = ("table", "colgen", "split", "lns")
"""TOML sections; a field ``<section>_<name>`` is read from ``[<section>] <name>``."""


@dataclass(frozen=True)
class EngineParams:
    """The engines' thresholds and shares (defaults measured on the team's instances).

    Engine table (``table_``)
    -------------------------
    table_reduce_above
        ``engine="auto"``: lexicographic problems (not assign-all) with more candidate pairs than
        this go to the ``reduce`` engines (split by components, else column generation).
    table_stage_shares
        CP-SAT levels: share of the time left for each stage, by number of stages (1, 2, 3);
        the quality stage is the hard one.
    table_gap_cpsat_share
        Assign-all (GAP) problems: CP-SAT's share of the time before the large-neighbourhood
        search gets the rest (measured better than CP-SAT alone on types C, D, E).
    table_gap_prove_share
        Of that share: the part for one CP-SAT worker with the stronger LP (it proves gap1–12
        fastest), before the full portfolio.
    table_gap_warm_early_pairs
        Assign-all problems with this many pairs or more compile the local search at the start,
        beside CP-SAT (CP-SAT never proves them in its first phase).

    Column generation (``colgen_``, :mod:`assignments.pairing.engines.colgen`)
    -------------------------------------------------------------------------
    colgen_per_mentee
        Columns per mentee in the first LP (and added per round).
    colgen_highs_max_columns
        Sub-MIPs up to this many free pairs go to HiGHS, larger ones to CP-SAT.
    colgen_neighbourhood
        Mentees freed at a time when improving a pairing whose reduced-cost set is too large.
    colgen_stage_share
        Share of the time left for a level that is not the last.
    colgen_guided_seconds
        The most seconds of the LP-guided first pairing of a level (and a third of the time
        left at most).

    Components (``split_``, :mod:`assignments.pairing.engines.reduce_split`)
    ------------------------------------------------------------------------
    split_reach_pairs
        A second-pass kernel takes every pair a pairing at the bound may use when there are at
        most this many (HiGHS can overrun its limit on much larger MIPs).
    split_rins_share, split_rins_keep, split_rins_rounds
        RINS on large components: share of a second-pass solve's time, share of the agreeing
        pairs held in later rounds, most rounds.
    split_set_columns
        Most mentor sets for the set MIP (0: no set MIP).
    split_set_share
        Share of a second-pass solve's time for the set MIP (then the survivors' MIP).
    split_cpsat_pairs
        The survivors' exact MIP goes to CP-SAT up to this many pairs (HiGHS above).
    split_kernel_seconds
        The least time a large component's first (kernel) MIP is given.
    split_full_mip_max
        Components up to this many pairs get MIPs over all their pairs when time is left.
    split_kernel_component
        Components with more pairs than this get their first pairing from a kernel (LP's or
        Lagrangian's pairs), not one MIP.
    split_kernel_above
        Components with more pairs than this are first solved on a few pairs per mentee
        (mandatory level).
    split_per_mentee
        Pairs per mentee in those first, restricted solves.
    split_first_pass
        Share of the quality level's time in which every component gets a first pairing.
    split_min_seconds, split_again_seconds
        The least time a component's first / second MIP is given.
    split_steps_after_min
        After a first-pass kernel MIP, subgradient steps run when more than this many seconds of
        the component's share are left.
    split_check_seconds_per_pair
        Seconds kept at the end, per candidate pair, for the independent checks.
    split_fairness_mip_max
        The fairness MIP runs up to this many pairs.
    split_kernel_gap
        Relative gap at which a kernel MIP stops (a pairing, never a proof).
    split_kernel_per_mentee
        Best-scoring pairs per mentee added to the LP's pairs for a large component.
    split_lagrangian
        Use the per-mentor Lagrangian on large components (``False``: the LP path only).
    split_lag_target
        The first subgradient steps aim this share above the LP duals' Lagrangian bound.
    split_lag_steps_seconds, split_lag_steps_share
        The most seconds one run of subgradient steps is given; its share of a component's
        first time (after its LP).
    split_lag_min_seconds
        The least time a component's Lagrangian path is given in the first pass.
    split_lag_kernel_delta
        The first kernel: pairs whose forcing bound is within this of ``L`` (doubled on retries).
    split_lag_kernel_points
        The first pass's kernel MIP stops within this many points of its own bound.
    split_lag_kernel_share
        Share of the time left that a kernel MIP gets (the rest: steps, survivors' MIP).

    Large-neighbourhood search for GAP (``lns_``, :mod:`assignments.pairing.engines.lns`)
    -------------------------------------------------------------------------------------
    lns_guide_share
        Share of the search time for the Lagrangian relaxation that guides it.
    lns_kernel_agents
        A freed job may move to its agent or to this many agents where forcing it costs least.
    lns_sub_limit
        Seconds per sub-solve (deterministic time in deterministic mode).
    lns_near_dual
        Share of the neighbourhoods built around jobs the relaxation wants elsewhere.
    lns_search_lanes
        Threads running the compiled local search beside the sub-solves (0: none).
    lns_search_rates
        Local search: factors raising and lowering the penalty weights.
    lns_search_depth
        Local search: the longest ejection chain (jobs).
    lns_search_near
        Local search: ejection chains move a job only into this many agents.
    lns_search_stall
        Local search: rounds without a new best before it restarts between elite assignments.
    lns_search_work_rate
        Deterministic mode: local-search work (pairs looked at) that stands for one second.
    lns_search_chunk
        Seconds of local search between two looks at the stop signal.
    lns_lagrange_max_work
        The Lagrangian step is skipped above this size (agents × jobs × mean capacity).
    lns_rescue_share
        Deterministic mode: the most local-search work spent on a first assignment, as a share
        of the time limit.
    lns_bb_max_jobs
        No branch-and-bound above this many jobs.
    lns_bb_share
        Share of the time after the Lagrangian step for the branch-and-bound (0: none).
    lns_bb_wait
        The most seconds (and a fifth of the time left) to wait for the branch-and-bound's
        compiled code.
    lns_bb_node_rate
        Deterministic mode: branch-and-bound nodes that stand for one second.
    """

    # engine table
    table_reduce_above: int = 2_000
    table_stage_shares: tuple[tuple[float, ...], ...] = ((1.0,), (0.3, 1.0), (0.2, 0.8, 1.0))
    table_gap_cpsat_share: float = 0.2
    table_gap_prove_share: float = 0.5
    table_gap_warm_early_pairs: int = 20_000
    # column generation
    colgen_per_mentee: int = 6
    colgen_highs_max_columns: int = 40_000
    colgen_neighbourhood: int = 1500
    colgen_stage_share: float = 0.6
    colgen_guided_seconds: float = 10.0
    # components
    split_reach_pairs: int = 20_000
    split_rins_share: float = 0.5
    split_rins_keep: float = 0.3
    split_rins_rounds: int = 6
    split_set_columns: int = 50_000
    split_set_share: float = 0.6
    split_cpsat_pairs: int = 6_000
    split_kernel_seconds: float = 10.0
    split_full_mip_max: int = 40_000
    split_kernel_component: int = 1_000
    split_kernel_above: int = 20_000
    split_per_mentee: int = 8
    split_first_pass: float = 1.0
    split_min_seconds: float = 0.3
    split_again_seconds: float = 1.5
    split_steps_after_min: float = 1.0
    split_check_seconds_per_pair: float = 1e-5
    split_fairness_mip_max: int = 60_000
    split_kernel_gap: float = 1e-3
    split_kernel_per_mentee: int = 3
    split_lagrangian: bool = True
    split_lag_target: float = 0.005
    split_lag_steps_seconds: float = 1.5
    split_lag_steps_share: float = 0.4
    split_lag_min_seconds: float = 2.0
    split_lag_kernel_delta: float = 0.25
    split_lag_kernel_points: float = 1.0
    split_lag_kernel_share: float = 0.7
    # large-neighbourhood search
    lns_guide_share: float = 0.15
    lns_kernel_agents: int = 4
    lns_sub_limit: float = 0.3
    lns_near_dual: float = 0.34
    lns_search_lanes: int = 1
    lns_search_rates: tuple[float, float] = (1.2, 0.9)
    lns_search_depth: int = 6
    lns_search_near: int = 8
    lns_search_stall: int = 300
    lns_search_work_rate: float = 1.6e8
    lns_search_chunk: float = 0.02
    lns_lagrange_max_work: float = 1e7
    lns_rescue_share: float = 0.4
    lns_bb_max_jobs: int = 1_000
    lns_bb_share: float = 0.6
    lns_bb_wait: float = 3.0
    lns_bb_node_rate: int = 3_000

    def replace(self, **changes: Any) -> EngineParams:
        """A copy with some fields changed (unknown names raise ``TypeError``)."""
        return dataclasses.replace(self, **changes)

    def stage_shares(self, n: int) -> list[float]:
        """Share of the time left for each of ``n`` CP-SAT level stages."""
        table = self.table_stage_shares
        return list(table[min(n, len(table)) - 1]) if n >= 1 else []

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> EngineParams:
        """From a dictionary: flat field names, or sections ``{"split": {"kernel_component":
        0}}``. Unknown names raise ``ValueError`` (a typo must not pass silently)."""
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key in SECTIONS and isinstance(value, dict):
                for sub, v in value.items():
                    values[f"{key}_{sub}"] = v
            else:
                values[key] = value
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(tr("unknown engine parameter(s): {names}",
                                names=", ".join(unknown)))
        for key, value in list(values.items()):
            default = getattr(cls, key)
            if isinstance(default, tuple):
                values[key] = tuple(tuple(v) if isinstance(v, list) else v for v in value)
            elif isinstance(default, bool):
                values[key] = bool(value)
            elif isinstance(default, int):
                values[key] = int(value)
            elif isinstance(default, float):
                values[key] = float(value)
        return cls(**values)

    @classmethod
    def from_toml(cls, path: str | Path) -> EngineParams:
        """From a TOML file (sections ``[table]``, ``[colgen]``, ``[split]``, ``[lns]``, or
        flat keys); fields it does not name keep their defaults."""
        with open(path, "rb") as f:
            return cls.from_mapping(tomllib.load(f))

    @classmethod
    def shipped(cls) -> EngineParams:
        """The values of the file shipped beside this module, ``pairing/engines.toml``."""
        text = (resources.files("assignments.pairing") / "engines.toml").read_text(
            encoding="utf-8")
        return cls.from_mapping(tomllib.loads(text))


def deadline_of(params: SolveParams) -> float:
    """The ``time.perf_counter()`` value at which an engine run with ``params`` must end: the
    solve budget's deadline (``params.time_limit`` from now when there is no budget, e.g. an
    engine called on its own)."""
    if params.budget is not None:
        return params.budget.deadline
    return time.perf_counter() + params.time_limit


def wall_net(params: SolveParams) -> float:
    """Deterministic mode counts work, not seconds; the wall clock stays a net at the budget's
    deadline plus half the overrun a solve may take (without a budget: a generous net)."""
    if params.budget is not None:
        return params.budget.net()
    return deadline_of(params) + 10 * params.time_limit + 60


def stopped(params: SolveParams) -> bool:
    """The caller asked the solve to stop (``params.budget.stop`` is set)."""
    return params.budget is not None and params.budget.stopped()


def should_end(params: SolveParams) -> bool:
    """Time is up or a stop was asked (the budget's :meth:`~Budget.should_end`); without a
    budget, never (the engine's own deadline decides)."""
    return params.budget is not None and params.budget.should_end()


def report(params: SolveParams, level: str, incumbent: float | None, bound: float | None,
           message: str) -> None:
    """Send one progress report to the solve's callback (nothing without one)."""
    if params.budget is not None:
        bound = None if bound is None or bound != bound or abs(bound) == float("inf") else bound
        params.budget.report(level, incumbent, bound, message)
