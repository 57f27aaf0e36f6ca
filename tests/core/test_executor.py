"""Executors of the batch commands: the local pool, a Dask LocalCluster on 127.0.0.1, and a
scheduler + worker started from the ``dask`` command line; the same results for the same seeds
in deterministic mode; a failed scenario does not lose the others."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import assignments
from assignments.core.errors import UserError
from assignments.core.executor import (
    ExecutorInfo,
    in_daemon_process,
    local_pool,
    open_executor,
    parse_executor,
)
from assignments.funding import scenarios as sc
from assignments.funding.data import read_funding

pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "instances" / "funding" / "tiny.xlsx"
SRC = Path(assignments.__file__).resolve().parents[1]


def _datas() -> list:
    base = read_funding(TINY)
    scen = [sc.Scenario(name="base"), sc.Scenario(name="b80", budget="-20%"),
            sc.Scenario(name="b120", budget="+20%"), sc.Scenario(name="prio", objective="priority")]
    return [sc.derive(base, s) for s in scen]


def _run(ex: ExecutorInfo | None, datas: list, **kw) -> list[sc.ScenarioOutcome]:
    return sc.run_scenarios(datas, time_limit=5, seed=3, deterministic=True,
                            executor=None if ex is None else ex.executor,
                            workers_per_solve=1, **kw)


def _figures(outs: list[sc.ScenarioOutcome]) -> list[tuple]:
    return [(o.name, o.metrics.get("status"), o.funded, o.result.objective,
             o.result.objectives, None if o.result.solution is None
             else sorted(o.result.solution.alloc.items())) for o in outs]


def test_parse_executor() -> None:
    """local, dask-local, dask://HOST:PORT; anything else is a user mistake."""
    assert parse_executor("local") == ("local", None)
    assert parse_executor("dask-local") == ("dask-local", None)
    assert parse_executor("dask://10.0.0.5:8786") == ("dask", "tcp://10.0.0.5:8786")
    assert parse_executor("tcp://h:1") == ("dask", "tcp://h:1")
    for bad in ("dask", "dask://host", "spark://h:1", "dask://:80"):
        with pytest.raises(UserError, match="--executor"):
            parse_executor(bad)


def test_local_pool_threads_in_a_daemon_process() -> None:
    """Outside a daemon process the local pool is a process pool; a Dask worker (a daemon)
    gets threads (it cannot start child processes)."""
    from concurrent.futures import ProcessPoolExecutor

    assert not in_daemon_process()
    pool = local_pool(1)
    assert isinstance(pool, ProcessPoolExecutor)
    pool.shutdown()


def test_unreachable_scheduler_is_a_user_error() -> None:
    """A scheduler that cannot be reached: one message, no traceback."""
    port = _free_port()
    with pytest.raises(UserError, match="cannot reach"), \
            open_executor(f"dask://127.0.0.1:{port}", connect_timeout=1):
        pass


def test_failed_scenario_keeps_the_others(monkeypatch) -> None:
    """A scenario whose solve raises is reported with its reason; the others are solved, in
    order, and each is reported as it ends."""
    datas = _datas()[:3]
    real = sc.solve

    def flaky(data, **kw):
        if data.name == "b80":
            raise RuntimeError("boom in b80")
        return real(data, **kw)

    monkeypatch.setattr(sc, "solve", flaky)
    seen: list[str] = []
    with ThreadPoolExecutor(2) as pool:
        outs = sc.run_scenarios(datas, time_limit=2, executor=pool, workers_per_solve=1,
                                on_result=lambda i, o: seen.append(o.name))
    assert [o.name for o in outs] == ["base", "b80", "b120"]
    assert sorted(seen) == ["b120", "b80", "base"]
    assert outs[1].error is not None and "boom in b80" in outs[1].error
    assert outs[1].metrics["status"] == "error"
    assert outs[0].error is None and outs[0].result.status.has_solution
    assert outs[2].result.status.has_solution


def test_dask_local_matches_local_pool() -> None:
    """dask-local with 2 worker processes on 127.0.0.1 gives the same outcomes as the local
    process pool for the same seed in deterministic mode; progress per scenario."""
    datas = _datas()
    with open_executor("local", jobs=len(datas), cores=2) as ex:
        assert ex.kind == "local" and ex.slots == 2
        local = _run(ex, datas)
    seen: list[int] = []
    with open_executor("dask-local", jobs=len(datas), cores=2) as ex:
        assert ex.kind == "dask-local" and ex.slots == 2 and ex.solve_workers == 1
        dask = _run(ex, datas, on_result=lambda i, o: seen.append(i))
    assert sorted(seen) == [0, 1, 2, 3]
    assert all(o.error is None for o in dask), [o.error for o in dask]
    assert _figures(dask) == _figures(local)
    assert all(o.result.status.has_solution for o in local)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def dask_cli_cluster(tmp_path):
    """A scheduler and a worker (2 processes, 1 thread each) started from the ``dask``
    command line, as on a real cluster."""
    dask = shutil.which("dask") or str(Path(sys.executable).parent / "dask")
    if not Path(dask).exists():
        pytest.skip("the dask command line is not installed")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])])}
    log = (tmp_path / "dask.log").open("w")
    sched = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                              "--no-dashboard"], env=env, stdout=log, stderr=log)
    worker = subprocess.Popen([dask, "worker", f"tcp://127.0.0.1:{port}", "--nworkers", "2",
                               "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard"],
                              env=env, stdout=log, stderr=log)
    try:
        from distributed import Client

        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(f"tcp://127.0.0.1:{port}", timeout=2) as c:
                    c.wait_for_workers(2, timeout=max(1.0, deadline - time.monotonic()))
                break
            except (OSError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield f"dask://127.0.0.1:{port}"
    finally:
        for p in (worker, sched):
            p.terminate()
        for p in (worker, sched):
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        log.close()


def test_dask_cli_scheduler_and_workers(dask_cli_cluster, tmp_path) -> None:
    """``funding scenarios --executor dask://HOST:PORT`` against a scheduler and workers
    started from the dask command line: the same comparison as the local pool."""
    from assignments.core.executor import open_executor

    datas = _datas()
    with open_executor(dask_cli_cluster, jobs=len(datas)) as ex:
        assert ex.kind == "dask" and ex.slots == 2
        remote = _run(ex, datas)
    local = _run(None, datas)
    assert _figures(remote) == _figures(local)

    yaml = tmp_path / "s.yaml"
    yaml.write_text("scenarios:\n  - name: b80\n    budget: -20%\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "assignments", "funding", "scenarios", str(TINY),
           "--scenarios", str(yaml), "--time-limit", "3", "--deterministic", "--lang", "en"]
    p_dask = subprocess.run([*cmd, "--out", str(tmp_path / "d"), "--executor", dask_cli_cluster],
                            capture_output=True, text=True, timeout=300)
    assert p_dask.returncode == 0, p_dask.stderr
    assert "scenarios on dask tcp://127.0.0.1" in p_dask.stderr
    assert "[2/2]" in p_dask.stderr
    p_local = subprocess.run([*cmd, "--out", str(tmp_path / "l")], capture_output=True,
                             text=True, timeout=300)
    assert p_local.returncode == 0, p_local.stderr
    table = [line for line in p_dask.stdout.splitlines() if line.startswith(("base", "b80"))]
    assert len(table) == 2
    strip = [line.rsplit(None, 1)[0] for line in table]  # without the time column
    assert strip == [line.rsplit(None, 1)[0] for line in p_local.stdout.splitlines()
                     if line.startswith(("base", "b80"))]


def test_cli_bad_executor_exit_2(tmp_path) -> None:
    """A bad --executor ends with one message and exit 2, nothing written."""
    yaml = tmp_path / "s.yaml"
    yaml.write_text("scenarios: []\n", encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "assignments", "funding", "scenarios", str(TINY),
                        "--scenarios", str(yaml), "--out", str(tmp_path / "o"),
                        "--executor", "spark://x"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 2
    assert "--executor" in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "o").exists()
