"""The three models have one shape: the same ``solve`` call, the same ``Result``, every level.

Each shipped example is read and solved through the same keyword call; the result is checked by
the model's independent checker, carries every objective level with a state, and a stop set
before the solve returns at once with ``stopped`` and no unchecked plan.
"""

from __future__ import annotations

import importlib
import inspect
import threading
from pathlib import Path

import pytest

from assignments.core.budget import Progress

READERS = {"roster": "read_roster", "mentoring": "read_mentoring", "funding": "read_funding"}
SIGNATURE = ["time_limit", "seed", "num_workers", "deterministic", "preset", "engine",
             "on_progress", "stop"]


def _model(name: str):
    pkg = importlib.import_module(f"assignments.{name}")
    return pkg, getattr(pkg, READERS[name])


@pytest.mark.parametrize("name", list(READERS))
def test_one_signature(name: str) -> None:
    pkg, _read = _model(name)
    params = inspect.signature(pkg.solve).parameters
    assert all(p in params and params[p].kind is inspect.Parameter.KEYWORD_ONLY
               for p in SIGNATURE), name


@pytest.mark.parametrize("name", list(READERS))
def test_shipped_example_solves_checked_with_every_level(name: str,
                                                          shipped: dict[str, Path]) -> None:
    pkg, read = _model(name)
    data = read(shipped[name])
    seen: list[Progress] = []
    result = pkg.solve(data, time_limit=30, seed=0, num_workers=2, deterministic=True,
                       preset=None, engine="auto", on_progress=seen.append, stop=None)
    assert result.status.value == "optimal" and not result.stopped
    assert pkg.check(data, result.solution) == []
    assert result.levels and all(v["state"] != "not reached" for v in result.levels.values())
    assert seen and all(isinstance(p, Progress) for p in seen)


@pytest.mark.parametrize("name", list(READERS))
def test_stop_before_the_solve(name: str, shipped: dict[str, Path]) -> None:
    """A stop already set: the solve returns promptly, marked stopped; any plan it returns has
    passed the checker (solve raises otherwise)."""
    pkg, read = _model(name)
    data = read(shipped[name])
    stop = threading.Event()
    stop.set()
    result = pkg.solve(data, time_limit=30, seed=0, num_workers=2, deterministic=False,
                       preset=None, engine="auto", on_progress=None, stop=stop)
    assert result.stopped
    if result.solution is not None:
        assert pkg.check(data, result.solution) == []
