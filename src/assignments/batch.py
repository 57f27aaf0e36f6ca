"""``assignments batch FOLDER --out OUT``: solve a folder of workbooks of any model.

Every workbook (``.xlsx``/``.xls``/``.ods``/``.et``, ``.json``, ``.yaml``, or a folder of ``.csv``
files) is read here — its model found from its sheets, or given by ``--model`` — then solved on
the executor (``--executor local|dask-local|dask://HOST:PORT``, :mod:`assignments.core.executor`)
with the model's ``solve()`` in the one signature, and written into ``OUT/<name>/`` by the same
writer as the model's ``solve`` command (:data:`assignments.core.cli.SPECS`). Only plain data
travels to the workers (the model's data in, its result out): models and solvers are built
inside the job. A workbook that cannot be read or solved is reported with its reason and does
not lose the others; a summary table ends the run. Exit code 0 when every workbook has a
solution, 1 otherwise, 2 for a bad option or a folder without workbooks.
"""

from __future__ import annotations

import time
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from assignments.core.cli import (
    SPECS,
    Deterministic,
    Lang,
    ProgressFlag,
    Seed,
    TimeLimit,
    check_lang,
    fail,
    solve_call,
)
from assignments.core.errors import InputError, UserError, os_reason
from assignments.core.i18n import tr, use_lang

__all__ = ["BatchItem", "detect_model", "register", "solve_job", "workbooks"]

MODELS = ("roster", "mentoring", "funding")
_FILES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".json", ".yaml", ".yml")


def workbooks(folder: Path) -> list[Path]:
    """The inputs of ``folder``, by name: workbook files and sub-folders holding ``.csv``
    files (Excel's lock files ``~$...`` and hidden files skipped)."""
    out = []
    for p in sorted(folder.iterdir()):
        if p.name.startswith((".", "~$")):
            continue
        if (p.is_file() and p.suffix.lower() in _FILES) or \
                (p.is_dir() and any(p.glob("*.csv"))):
            out.append(p)
    return out


def _sheet_names(path: Path) -> set[str]:
    from assignments.core.io import _raw_sheets, normalize_header

    return {normalize_header(n) for n in _raw_sheets(path)}


def detect_model(path: Path) -> str:
    """The model whose required sheets the workbook has (the one matching most of its sheets
    when several do).

    Raises
    ------
    InputError
        No model's required sheets are all there, or two models match equally (use --model).
    """
    import importlib

    from assignments.core.errors import Issue, Location

    names = _sheet_names(path)
    scores: dict[str, int] = {}
    for model in MODELS:
        specs = importlib.import_module(f"assignments.{model}.data").SHEETS
        if all(names & s.accepts() for s in specs if s.required):
            scores[model] = sum(1 for s in specs if names & s.accepts())
    if not scores:
        raise InputError(Issue(Location(str(path)), tr(
            "not a roster, mentoring or funding workbook (its sheets match no model's "
            "required sheets); use --model")))
    best = max(scores.values())
    top = [m for m, s in scores.items() if s == best]
    if len(top) > 1:
        raise InputError(Issue(Location(str(path)), tr(
            "could be {models}; use --model", models=tr(" or ").join(top))))
    return top[0]


@dataclass
class BatchItem:
    """One workbook of the batch and what became of it."""

    path: Path
    name: str
    model: str = ""
    status: str = ""
    objective: float | None = None
    seconds: float = 0.0
    error: str | None = None
    written: Path | None = None


def register_specs() -> None:
    """Import every model's command group (each registers its SolveSpec in ``SPECS``)."""
    import assignments.funding.cli
    import assignments.mentoring.cli
    import assignments.roster.cli  # noqa: F401


def solve_job(job: dict[str, Any]) -> tuple[Any, dict[str, Any], float]:
    """Solve one workbook's data (runs on a worker; the job is plain picklable data):
    ``(result, figures for the writer, seconds)``."""
    register_specs()

    t0 = time.perf_counter()
    spec = SPECS[job["model"]]
    solve = spec.part("solve")
    kwargs = solve_call(solve, time_limit=job["time_limit"], seed=job["seed"],
                        workers=job["workers"], deterministic=job["deterministic"],
                        preset=None, engine=spec.engines[0], progress=False)
    result = solve(job["data"], **kwargs)
    more: dict[str, Any] = {}
    if spec.after is not None:
        more = spec.after(job["data"], result, job["args"])
    return result, more, time.perf_counter() - t0


def _say(text: str) -> None:
    typer.echo(text, err=True)


def _unique(name: str, taken: set[str]) -> str:
    out, k = name, 2
    while out in taken:
        out, k = f"{name}-{k}", k + 1
    taken.add(out)
    return out


def run_batch(folder: Path, out: Path, *, model: str = "auto", executor: str = "local",
              time_limit: float = 60.0, seed: int = 0, deterministic: bool = False,
              cores: int = 2, lang: str = "zh", progress: bool = True) -> list[BatchItem]:
    """Read, solve and write every workbook of ``folder`` (see the module's doc)."""

    with use_lang(lang):
        return _run_batch(folder, out, model=model, executor=executor, time_limit=time_limit,
                          seed=seed, deterministic=deterministic, cores=cores, lang=lang,
                          progress=progress)


def _run_batch(folder: Path, out: Path, *, model: str, executor: str, time_limit: float,
               seed: int, deterministic: bool, cores: int, lang: str,
               progress: bool) -> list[BatchItem]:
    from assignments.core.executor import open_executor, parse_executor

    parse_executor(executor)
    if model != "auto" and model not in MODELS:
        raise UserError(tr("--model must be auto, {models}; got '{model}'",
                           models=", ".join(MODELS), model=model))
    if not folder.is_dir():
        raise UserError(tr("{path}: not a folder", path=folder))
    paths = workbooks(folder)
    if not paths:
        raise UserError(tr("{path}: no workbooks (.xlsx, .json, .yaml or folders of .csv)",
                           path=folder))
    register_specs()

    taken: set[str] = set()
    items = [BatchItem(p, _unique(p.stem if p.is_file() else p.name, taken)) for p in paths]
    ready: list[tuple[BatchItem, Any]] = []
    for item in items:
        try:
            item.model = model if model != "auto" else detect_model(item.path)
            spec = SPECS[item.model]
            data = spec.read(item.path, {o.name: o.default for o in spec.options})
        except (InputError, UserError, ValueError) as exc:
            item.status, item.error = "error", str(exc)
            continue
        except OSError as exc:
            item.status, item.error = "error", f"{item.path}: {os_reason(exc)}"
            continue
        ready.append((item, data))
    for item in items:
        if item.error and progress:
            _say(tr("{name}: cannot be read — {reason}", name=item.name, reason=item.error))
    if not ready:
        return items
    with open_executor(executor, jobs=len(ready), cores=cores) as ex:
        if progress:
            _say(tr("{n} workbooks on {where}", n=len(ready), where=ex.where))
        futures = {}
        for item, data in ready:
            spec = SPECS[item.model]
            args = {o.name: o.default for o in spec.options}
            args.update(time_limit=time_limit, workers=ex.solve_workers, seed=seed)
            job = {"model": item.model, "data": data, "time_limit": time_limit, "seed": seed,
                   "workers": ex.solve_workers, "deterministic": deterministic, "args": args}
            futures[ex.executor.submit(solve_job, job)] = (item, data)
        for done, f in enumerate(as_completed(futures), start=1):
            item, data = futures[f]
            try:
                result, more, item.seconds = f.result()
                item.status = result.status.value
                item.objective = result.objective
                if result.status.has_solution:
                    target = out / item.name
                    SPECS[item.model].part("write")(data, result, target, lang=lang, **more)
                    item.written = target
                else:
                    item.error = "; ".join(result.explanation[:2]) or None
            except (InputError, UserError, ValueError) as exc:
                item.status, item.error = "error", str(exc)
            except Exception as exc:  # a failed solve does not lose the others
                item.status, item.error = "error", f"{type(exc).__name__}: {exc}"
            if progress:
                state = _status_text(item.status) + (f" — {item.error}" if item.error else "")
                _say(tr("[{done}/{total}] {name} ({model}): {state}", done=done,
                        total=len(ready), name=item.name, model=item.model, state=state))
    return items


def summary_lines(items: list[BatchItem], *, lang: str = "zh") -> list[str]:
    """The summary table: one line per workbook (name, model, status, objective, time,
    where written or why not)."""
    with use_lang(lang):
        return _summary_lines(items)


def _status_text(status: str) -> str:
    """A status for people: the solver's words (最优 …), ``error`` as 出错."""
    from assignments.core.solver import SolveStatus

    if status == "error":
        return tr("error")
    try:
        return SolveStatus(status).text()
    except ValueError:
        return status


def _summary_lines(items: list[BatchItem]) -> list[str]:
    head = (tr("workbook"), tr("model"), tr("status"), tr("objective"), tr("time"),
            tr("output / reason"))
    lines = [f"{head[0]:<24} {head[1]:<10} {head[2]:<10} {head[3]:>14} {head[4]:>7}  {head[5]}"]
    for it in items:
        obj = "—" if it.objective is None else f"{it.objective:,.6g}"
        where = str(it.written) if it.written is not None else (it.error or "")
        lines.append(f"{it.name:<24} {it.model or '?':<10} {_status_text(it.status):<10} {obj:>14} "
                     f"{it.seconds:>6.1f}s  {where}")
    ok = sum(1 for it in items if it.written is not None)
    lines.append(tr("{ok}/{n} workbooks solved and written", ok=ok, n=len(items)))
    return lines


ModelOption = Annotated[str, typer.Option(
    "--model", help=tr("auto (from each workbook's sheets), roster, mentoring or funding."))]
ExecutorOption = Annotated[str, typer.Option(
    "--executor", help=tr("Where the solves run: local (a process pool on this machine), "
                          "dask-local (a Dask LocalCluster on 127.0.0.1) or dask://HOST:PORT "
                          "(a running dask scheduler)."))]
Cores = Annotated[int, typer.Option(
    "--cores", help=tr("Cores of this machine to use (local pool processes × CP-SAT "
                       "workers; dask-local workers)."))]


def register(app: typer.Typer) -> None:
    """Add ``batch`` to the top-level command line."""

    @app.command("batch", help=tr(
        "Solve every workbook of a folder (any model) on a local pool or a Dask cluster; write "
        "each into OUT/<name>/ as its model's solve command does; print a summary."))
    def batch(
        folder: Annotated[Path, typer.Argument(help=tr(
            "Folder of workbooks (.xlsx, .json, .yaml, sub-folders of .csv)."))],
        out: Annotated[Path, typer.Option("--out", help=tr(
            "Output folder: OUT/<name>/ per workbook."))] = Path("out"),
        model: ModelOption = "auto",
        executor: ExecutorOption = "local",
        time_limit: TimeLimit = 60.0,
        seed: Seed = 0,
        deterministic: Deterministic = False,
        cores: Cores = 2,
        progress: ProgressFlag = None,
        lang: Lang = "zh",
    ) -> None:
        """Solve every workbook of a folder (any model) on a local pool or a Dask cluster;
        write each into OUT/<name>/ as its model's solve command does; print a summary."""
        check_lang(lang)
        if not time_limit > 0:
            fail(tr("--time-limit must be a positive number of seconds, got {value:g}",
                    value=time_limit))
        if cores < 1:
            fail(tr("--cores must be at least 1, got {value}", value=cores))
        try:
            items = run_batch(folder, out, model=model, executor=executor,
                              time_limit=time_limit, seed=seed, deterministic=deterministic,
                              cores=cores, lang=lang,
                              progress=progress if progress is not None else True)
        except (InputError, UserError) as exc:
            fail(str(exc))
        for line in summary_lines(items, lang=lang):
            typer.echo(line)
        if any(it.written is None for it in items):
            raise typer.Exit(1)
