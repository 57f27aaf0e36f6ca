"""Compile the numba engines ahead of the first solve (``assignments warmup``).

The GAP local search (``gap_search``), the branch-and-bound (``gap_bb``) and the pairing
Lagrangian (``pair_lagrange``) are numba kernels cached in :func:`numba_cache_dir` (a user cache
folder, always writable). :func:`warmup` calls each on tiny inputs of the dtypes the default
paths give them, so that every specialisation they use is compiled and written to the cache;
it then leaves a marker naming the engines' sources. :func:`compile_first` is what a solve calls
before its clock starts: when the marker is missing (``warmup`` never ran for these sources in
this cache) and the path about to run uses the compiled engines, it compiles them first — the
compilation is not counted in the time limit — and says so.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from pathlib import Path
from typing import Any

from assignments.pairing.engines import numba_cache_dir

__all__ = ["compile_first", "is_warm", "marker", "warmup"]

_ENGINES = ("gap_search", "gap_bb", "pair_lagrange")
_LOCK = threading.Lock()


def _sources_key() -> str:
    """A digest of the engines' sources (name, size, modification time), and the versions of
    numba and the package: a change of any invalidates numba's cache and the marker."""
    import numba

    from assignments import __version__

    here = Path(__file__).resolve().parent / "engines"
    parts = [__version__, numba.__version__]
    for name in _ENGINES:
        st = (here / f"{name}.py").stat()
        parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def marker() -> Path:
    """The file :func:`warmup` leaves in the cache folder."""
    return numba_cache_dir() / f"warm-{_sources_key()}.json"


def is_warm() -> bool:
    """Whether :func:`warmup` has compiled the current engines into the cache folder."""
    try:
        return marker().exists()
    except OSError:
        return False


def warmup() -> dict[str, Any]:
    """Compile (or load) every engine specialisation the default paths use; write the marker.

    Returns
    -------
    dict
        ``cache_dir``, ``seconds`` and the compiled ``engines``.
    """
    from assignments.pairing.engines import gap_bb, gap_search, pair_lagrange

    with _LOCK:
        t0 = time.perf_counter()
        gap_search.warm_up()   # int64 costs and loads (the search converts to int64)
        gap_bb.warm_up()       # int64 costs and loads, float64 multipliers
        # the root bound's incumbent cost is an int64 array when the caller's upper bound is a
        # whole number (an incumbent), float64 when it is infinite (warm_up): both
        import numpy as np

        cost = np.array([[1, 2, 3, 2], [2, 1, 1, 3]], dtype=np.int64)
        load = np.array([[1, 2, 1, 1], [2, 1, 1, 2]], dtype=np.int64)
        gap_bb.lagrangian_bound(cost, load, np.array([3, 3]), steps=5, upper=10)
        pair_lagrange.warm_up()  # float64 costs and loads, int64 indices
        seconds = time.perf_counter() - t0
        info = {"cache_dir": str(numba_cache_dir()), "seconds": round(seconds, 1),
                "engines": list(_ENGINES)}
        with contextlib.suppress(OSError):  # an unwritable marker: warmup again next time
            marker().write_text(json.dumps(info), encoding="utf-8")
        return info


def compile_first(runs: str, improve: bool) -> float:
    """Before a solve's clock starts: when the engine path ``runs`` (the engine table's choice)
    uses the compiled engines and they are not warm, compile them now. Returns the seconds it
    took (0 when nothing was compiled)."""
    uses = runs in ("split", "colgen") or (runs == "gap" and improve)
    if not uses or is_warm():
        return 0.0
    return float(warmup()["seconds"])
