"""The pairing engines (see the engine table in :mod:`assignments.pairing.solve`).

The compiled engines (``gap_search``, ``gap_bb``, ``pair_lagrange``) keep numba's cache in a
user cache folder that is always writable (:func:`numba_cache_dir`), not beside the installed
source: it is set here, before any engine imports numba. ``assignments warmup`` fills it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

__all__ = ["numba_cache_dir"]


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return False
    return True


def numba_cache_dir() -> Path:
    """Where numba's cache of the engines lives: ``$NUMBA_CACHE_DIR`` when set, else the user
    cache folder (``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux, ``~/Library/Caches`` on macOS,
    ``%LOCALAPPDATA%`` on Windows) ``/assignments/numba``, else a folder in the temp folder."""
    given = os.environ.get("NUMBA_CACHE_DIR")
    if given:
        return Path(given)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    for path in (base / "assignments" / "numba",
                 Path(tempfile.gettempdir()) / f"assignments-numba-{os.getuid()}"
                 if hasattr(os, "getuid") else Path(tempfile.gettempdir()) / "assignments-numba"):
        if _writable(path):
            return path
    return base / "assignments" / "numba"


def _configure() -> None:
    """Point numba's cache at :func:`numba_cache_dir` (the environment variable, so that child
    processes and Dask workers started later use it too; numba's config when numba is already
    imported)."""
    path = str(numba_cache_dir())
    os.environ.setdefault("NUMBA_CACHE_DIR", path)
    config = sys.modules.get("numba.core.config")
    if config is not None and not getattr(config, "CACHE_DIR", ""):
        config.CACHE_DIR = os.environ["NUMBA_CACHE_DIR"]  # type: ignore[attr-defined]


_configure()
