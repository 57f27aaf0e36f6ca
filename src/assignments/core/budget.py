"""One time budget per solve, shared by every engine, sub-solve, rescue, conflict search and
checker that the solve runs; progress reports and a cooperative stop travel with it.

A :class:`Budget` is made once, in a model's ``solve``, from the caller's ``time_limit``,
``on_progress`` and ``stop``; it rides along in :class:`assignments.core.solver.SolveParams`
(``params.budget``), so that every CP-SAT or HiGHS run caps its own limit at what is left
(:meth:`Budget.remaining`), stops when ``stop`` is set, and reports improving solutions.
The promise it keeps: a solve never runs past ``time_limit`` by more than
``max(1 s, 5 %)`` (:data:`SLACK_SECONDS`, :data:`SLACK_SHARE`); the rest of the package ends
its loops on :meth:`Budget.should_end`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from assignments.core.i18n import tr

__all__ = [
    "SLACK_SECONDS",
    "SLACK_SHARE",
    "Budget",
    "Progress",
    "ProgressCallback",
    "StopFlag",
]

SLACK_SECONDS = 1.0
"""A solve may end at most this many seconds after its limit ..."""
SLACK_SHARE = 0.05
"""... or this share of the limit, whichever is larger."""


@dataclass(frozen=True)
class Progress:
    """One progress report.

    Attributes
    ----------
    level
        The objective level being optimised (``"promotion"``, ``"quality"``, ...), or a phase
        (``"explain"``, ``"check"``).
    incumbent
        Objective of the best solution of that level so far (the solver's minimisation form),
        ``None`` before the first one.
    bound
        Best proven bound of that level, ``None`` when unknown.
    elapsed
        Seconds since the solve started.
    message
        A short free text (engine, stage), may be empty.
    """

    level: str
    incumbent: float | None
    bound: float | None
    elapsed: float
    message: str = ""

    @property
    def gap(self) -> float | None:
        """``|incumbent - bound| / max(1, |incumbent|)``; ``None`` when either is unknown."""
        if self.incumbent is None or self.bound is None or self.bound != self.bound:
            return None
        return abs(self.incumbent - self.bound) / max(1.0, abs(self.incumbent))


ProgressCallback = Callable[[Progress], None]


class StopFlag(Protocol):
    """Anything with ``is_set()``: :class:`threading.Event`, :class:`multiprocessing.Event`."""

    def is_set(self) -> bool: ...


class Budget:
    """The time, progress and stop of one solve.

    Parameters
    ----------
    time_limit
        Seconds for the whole solve, from the moment the budget is made (or ``start``).
    on_progress
        Called with a :class:`Progress` for improving solutions and finished levels; it must
        be quick and thread-safe (it may be called from solver threads). An exception it raises
        is swallowed (a broken display must not break a solve).
    stop
        Set it (from any thread) to end the solve cooperatively: the best solution so far is
        checked and returned, marked as stopped.
    start
        ``time.perf_counter()`` at the start of the solve (default: now).
    """

    def __init__(
        self,
        time_limit: float,
        *,
        on_progress: ProgressCallback | None = None,
        stop: StopFlag | None = None,
        start: float | None = None,
    ) -> None:
        self.time_limit = float(time_limit)
        self.start = time.perf_counter() if start is None else start
        self.deadline = self.start + self.time_limit
        self.on_progress = on_progress
        self.stop = stop
        self.cut = False  # a deterministic work budget was cut by the wall clock (see below)
        self.det_left = self.time_limit  # deterministic time not yet given to a stage
        self.cut_phases: list[str] = []  # phases cut short or skipped for lack of time
        self.grants: list[tuple[str, float, float]] = []  # (phase, seconds given, left then)
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ time
    def elapsed(self) -> float:
        """Seconds since the solve started."""
        return time.perf_counter() - self.start

    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self.deadline - time.perf_counter())

    def seconds(self, share: float = 1.0, *, floor: float = 0.0) -> float:
        """``share`` of the time left, at least ``floor`` but never more than what is left."""
        left = self.remaining()
        return min(left, max(floor, left * share))

    def grant(self, seconds: float, phase: str = "") -> float:
        """The time limit of one sub-solve (a MIP, an LP, a CP-SAT run, a search): ``seconds``
        but never more than what is left of the one deadline (``0.0`` when nothing is: the
        caller then skips the sub-solve, see :meth:`cut_short`). Every grant is recorded in
        ``grants`` as ``(phase, seconds given, seconds left then)``."""
        left = self.remaining()
        given = max(0.0, min(float(seconds), left))
        with self._lock:
            self.grants.append((phase, given, left))
        return given

    def cut_short(self, phase: str) -> None:
        """Record that ``phase`` was cut short or skipped because the time was up: the result
        says so (``stats["cut_short"]``) and is then not proven."""
        with self._lock:
            if phase not in self.cut_phases:
                self.cut_phases.append(phase)

    def expired(self) -> bool:
        """The time limit has passed."""
        return time.perf_counter() >= self.deadline

    def stopped(self) -> bool:
        """The caller asked to stop."""
        return self.stop is not None and bool(self.stop.is_set())

    def should_end(self) -> bool:
        """Time is up or a stop was asked: loops end, the best so far is returned."""
        return self.stopped() or self.expired()

    def deterministic_note(self, deterministic: bool) -> list[str]:
        """A warning for a deterministic solve whose work (CP-SAT's deterministic time, the local
        search's work units) was cut by the wall clock (``cut``, set by the engines): the
        result may then differ between runs (the limit is kept rather than exceeded)."""
        if not deterministic or not self.cut:
            return []
        return [tr("deterministic mode: the {seconds:g} s time limit cut the planned work, so "
                   "this result may differ between runs; give a longer --time-limit for a "
                   "reproducible one", seconds=self.time_limit)]

    def net(self) -> float:
        """The wall-clock net of deterministic mode (whose engines count work, not seconds): the
        deadline plus half the overrun a solve may take."""
        return self.deadline + 0.5 * self.slack()

    def slack(self) -> float:
        """The overrun the promise allows: ``max(1 s, 5 % of the limit)``."""
        return max(SLACK_SECONDS, SLACK_SHARE * self.time_limit)

    @contextmanager
    def holding_back(self, seconds: float, *, most: float = 0.8) -> Iterator[None]:
        """Inside the block the deadline is ``seconds`` earlier (at most ``most`` of the time
        left): the time a model's work after the engines (its checker, reasons, reports) is
        known to take on this size, so that the whole solve keeps the limit. With ``most=1``
        nothing is left inside when that work needs all of it (the engines are then skipped)."""
        back = max(0.0, min(seconds, most * self.remaining()))
        self.deadline -= back
        try:
            yield
        finally:
            self.deadline += back

    # ------------------------------------------------------------------ progress
    def report(
        self,
        level: str,
        incumbent: float | None = None,
        bound: float | None = None,
        message: str = "",
    ) -> None:
        """Send a :class:`Progress` to the caller's callback (if any)."""
        if self.on_progress is None:
            return
        event = Progress(level, incumbent, bound, round(self.elapsed(), 3), message)
        try:
            with self._lock:
                self.on_progress(event)
        except Exception:  # a display error must not end a solve
            pass

    # ------------------------------------------------------------------ stopping a solver
    @contextmanager
    def watch(self, interrupt: Callable[[], None], *, poll: float = 0.05) -> Iterator[None]:
        """While the block runs, call ``interrupt()`` once when ``stop`` is set or the deadline
        plus a small margin has passed (for solvers whose own limit cannot be trusted).

        Used around every CP-SAT and HiGHS call (``solver.stop_search``, MathOpt's interrupter).
        """
        if self.stop is None and self.time_limit <= 0:
            yield
            return
        done = threading.Event()

        def run() -> None:
            while not done.wait(poll):
                if self.stopped() or time.perf_counter() > self.net():
                    interrupt()
                    return

        thread = threading.Thread(target=run, daemon=True, name="budget-watch")
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()

    def __repr__(self) -> str:
        return (f"Budget(time_limit={self.time_limit:g}, remaining={self.remaining():.2f}, "
                f"stopped={self.stopped()})")
