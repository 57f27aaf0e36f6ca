"""Where batch work runs: a local process pool, or a Dask cluster.

``--executor`` of every batch command (``funding scenarios``, ``assignments batch``):

* ``local`` (default) — a :class:`concurrent.futures.ProcessPoolExecutor` on this machine;
* ``dask://HOST:PORT`` (or ``tcp://HOST:PORT``) — an existing ``dask.distributed`` scheduler;
* ``dask-local`` — a ``LocalCluster`` of worker processes on 127.0.0.1 (one thread each).

Dask work goes through ``Client.get_executor(pure=False)``: its futures are standard
:class:`concurrent.futures.Future` objects (``submit``/``result``/``as_completed`` as with the
pool), and ``pure=False`` makes every submission run (``pure=True`` would silently hand back the
result of an identical earlier call). Jobs must be plain picklable data (OR-Tools ``CpModel`` and
``CpSolver`` objects do not pickle: build them inside the job). A Dask worker process is a
daemon and cannot start child processes: :func:`local_pool` gives threads there instead of a
process pool. CP-SAT workers per solve come from the cluster's threads per host
(:attr:`ExecutorInfo.solve_workers`).

``dask`` is an optional dependency (``pip install "assignments[dask]"``); it is imported only
when a Dask executor is asked for.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from assignments.core.errors import UserError
from assignments.core.i18n import tr

__all__ = ["ExecutorInfo", "in_daemon_process", "local_pool", "open_executor",
           "parse_executor"]

LOCAL = "local"
DASK_LOCAL = "dask-local"


@dataclass
class ExecutorInfo:
    """An open executor and what the jobs need to know of it.

    Attributes
    ----------
    executor
        Standard executor (``submit``; futures work with ``as_completed``).
    kind
        ``local``, ``dask-local`` or ``dask``.
    slots
        Jobs that run at the same time (pool processes, or the cluster's worker threads).
    solve_workers
        CP-SAT workers per solve so that slots × workers does not exceed the cores of a host.
    where
        For messages: ``local pool of 2 processes``, ``dask tcp://10.0.0.5:8786 (4 workers)``.
    """

    executor: Executor
    kind: str
    slots: int
    solve_workers: int
    where: str


def parse_executor(spec: str) -> tuple[str, str | None]:
    """``(kind, address)`` of an ``--executor`` value; a bad one is a :class:`UserError`."""
    text = spec.strip()
    if text in (LOCAL, DASK_LOCAL):
        return text, None
    for prefix in ("dask://", "tcp://", "tls://"):
        if text.startswith(prefix):
            rest = text[len(prefix):]
            host, _, port = rest.rpartition(":")
            if not host or not port.isdigit():
                break
            scheme = "tls" if prefix == "tls://" else "tcp"
            return "dask", f"{scheme}://{rest}"
    raise UserError(tr("--executor '{spec}': use local, dask-local or dask://HOST:PORT (the "
                       "address of a running dask scheduler)", spec=spec))


def in_daemon_process() -> bool:
    """Whether this process may not start child processes (a Dask worker, a pool worker)."""
    return bool(multiprocessing.current_process().daemon)


def local_pool(max_workers: int) -> Executor:
    """A process pool, or a thread pool where child processes cannot be started (inside a
    Dask worker). The solvers (CP-SAT, HiGHS, the numba kernels) release the GIL."""
    if in_daemon_process():
        return ThreadPoolExecutor(max_workers=max_workers)
    return ProcessPoolExecutor(max_workers=max_workers)


def _per_host(nthreads: dict[str, int], cpus: dict[str, int]) -> int:
    """CP-SAT workers per solve: on every host, its cores ÷ the worker threads it runs; the
    smallest over the hosts (at least 1)."""
    from urllib.parse import urlparse

    threads: dict[str, int] = {}
    cores: dict[str, int] = {}
    for addr, n in nthreads.items():
        host = urlparse(addr).hostname or addr
        threads[host] = threads.get(host, 0) + n
        cores[host] = max(cores.get(host, 0), cpus.get(addr, 1) or 1)
    if not threads:
        return 1
    return max(1, min(cores[h] // max(1, threads[h]) for h in threads))


def _cpu_count() -> int:
    return os.cpu_count() or 1


@contextmanager
def open_executor(spec: str = LOCAL, *, jobs: int = 1, cores: int | None = None,
                  dask_workers: int | None = None,
                  connect_timeout: float = 10.0) -> Iterator[ExecutorInfo]:
    """Open the executor ``spec`` names for ``jobs`` jobs; closed (cluster stopped) after.

    Parameters
    ----------
    spec
        ``local``, ``dask-local`` or ``dask://HOST:PORT``.
    jobs
        Number of jobs (the local pool has no more processes than jobs).
    cores
        Cores of this machine to use (default ``os.cpu_count()``): the local pool's processes
        × workers, and the ``dask-local`` cluster's workers.
    dask_workers
        Worker processes of ``dask-local`` (default: ``cores``, at most ``jobs``).
    connect_timeout
        Seconds to reach a ``dask://`` scheduler before saying it cannot be reached.

    Raises
    ------
    UserError
        A bad ``spec``; dask not installed; a scheduler that cannot be reached.
    """
    kind, address = parse_executor(spec)
    cores = cores or _cpu_count()
    if kind == LOCAL:
        procs = max(1, min(cores, jobs))
        pool = local_pool(procs)
        try:
            yield ExecutorInfo(pool, LOCAL, procs, max(1, cores // procs),
                               tr("local pool of {n} processes", n=procs))
        finally:
            pool.shutdown(cancel_futures=True)
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise UserError(tr("--executor {spec} needs dask: pip install \"assignments[dask]\" (or "
                           "pip install \"dask[distributed]\")", spec=spec)) from None
    cluster: Any = None
    client: Any = None
    try:
        if kind == DASK_LOCAL:
            n = dask_workers or max(1, min(cores, jobs))
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=None)
            client = Client(cluster)
            client.wait_for_workers(n)
        else:
            try:
                client = Client(address, timeout=connect_timeout)
            except (OSError, TimeoutError) as exc:
                raise UserError(tr("--executor {spec}: cannot reach the dask scheduler at "
                                   "{address} ({reason})", spec=spec, address=address,
                                   reason=exc)) from None
        nthreads: dict[str, int] = dict(client.nthreads())
        if not nthreads:
            raise UserError(tr("--executor {spec}: the scheduler has no workers", spec=spec))
        cpus: dict[str, int] = dict(client.run(_cpu_count))
        slots = sum(nthreads.values())
        workers = _per_host(nthreads, cpus)
        if kind == DASK_LOCAL:
            workers = max(1, cores // slots)
        name = "dask-local" if kind == DASK_LOCAL else f"dask {address}"
        yield ExecutorInfo(client.get_executor(pure=False), kind, slots, workers,
                           tr("{name} ({workers} workers, {threads} threads)", name=name,
                              workers=len(nthreads), threads=slots))
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
