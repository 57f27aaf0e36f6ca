"""``assignments warmup`` compiles the numba engines into the user cache folder (always
writable), before the first solve needs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _py(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=900, cwd=ROOT)


def test_cache_dir_is_a_writable_user_folder(tmp_path: Path) -> None:
    """Without NUMBA_CACHE_DIR the cache goes to the user cache folder; when that cannot be
    written, to a folder in the temp folder — never beside the installed sources."""
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    code = ("import os, assignments.pairing.engines as e; "
            "print(e.numba_cache_dir()); print(os.environ['NUMBA_CACHE_DIR'])")
    p = _py(code, {**env, "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert p.returncode == 0, p.stderr
    first, second = p.stdout.split()
    assert first == second == str(tmp_path / "cache" / "assignments" / "numba")
    locked = tmp_path / "locked"
    locked.write_text("a file, not a folder")
    p = _py(code, {**env, "XDG_CACHE_HOME": str(locked)})
    assert p.returncode == 0, p.stderr
    got = Path(p.stdout.split()[0])
    assert "assignments-numba" in got.name and got.is_dir()


@pytest.mark.slow
def test_warmup_populates_the_cache(tmp_path: Path) -> None:
    """``assignments warmup`` into an empty cache writes numba's index and object files of the
    three engines and its marker; afterwards the engines count as warm."""
    cache = tmp_path / "numba"
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
    code = "from assignments.pairing.warmup import is_warm; print(is_warm())"
    assert _py(code, env).stdout.strip() == "False"
    p = subprocess.run([sys.executable, "-m", "assignments", "warmup"], env=env,
                       capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    assert "已编译 gap_search, gap_bb, pair_lagrange" in p.stdout  # Chinese by default
    files = [f for f in cache.rglob("*") if f.is_file()]
    for engine in ("gap_search", "gap_bb", "pair_lagrange"):
        assert any(f.name.startswith(engine) and f.suffix == ".nbi" for f in files), engine
        assert any(f.name.startswith(engine) and f.suffix == ".nbc" for f in files), engine
    assert list(cache.glob("warm-*.json"))
    assert _py(code, env).stdout.strip() == "True"
