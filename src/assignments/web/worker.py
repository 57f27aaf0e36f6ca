"""The page's work off the page: checking an upload, writing a template, and the solve.

The solve runs in a worker *process* (:func:`solve_job`, started by :mod:`assignments.web.app`
with the ``spawn`` method): it gets plain data (paths, numbers, names) and sends plain data back
on a :class:`multiprocessing.Queue` — progress reports while it runs, one final message when
it ends. OR-Tools objects never cross the process boundary. The solve goes through the very
code the command line uses: the model's :class:`~assignments.core.cli.SolveSpec` (its reader,
``solve`` called with :func:`~assignments.core.cli.solve_call`, ``after``, writer and summary),
so a page run writes exactly what ``assignments <model> solve`` writes.
"""

from __future__ import annotations

import traceback
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from assignments.core.errors import InputError, SolutionCheckError, UserError
from assignments.core.i18n import use_lang

__all__ = ["MODELS", "check_upload", "issue_rows", "solve_job", "unpack_upload",
           "write_template", "zip_folder"]

MODELS = ("roster", "mentoring", "funding")
"""The three models a page is made for."""


def _spec(model: str) -> Any:
    import assignments.cli  # noqa: F401  (registers every model's SolveSpec)
    from assignments.core.cli import SPECS

    return SPECS[model]


def _options(spec: Any) -> dict[str, Any]:
    return {o.name: o.default for o in spec.options}


def issue_rows(exc: InputError) -> list[dict[str, Any]]:
    """The located problems of an :class:`InputError` as table rows (sheet, row, column,
    record, message)."""
    rows = []
    for i, issue in enumerate(exc.issues, 1):
        loc = issue.location
        rows.append({"n": i, "file": Path(loc.file).name if loc.file else "",
                     "sheet": loc.sheet or "", "row": loc.row if loc.row is not None else "",
                     "column": loc.column or "", "record": loc.record or "",
                     "message": issue.message})
    return rows


def unpack_upload(name: str, content: bytes, folder: Path) -> Path:
    """Save an uploaded file into ``folder``; a ``.zip`` of CSV files is unpacked into a folder
    (the readers take a folder of CSV files). Returns the path to read."""
    folder.mkdir(parents=True, exist_ok=True)
    safe = Path(name).name or "upload.xlsx"
    target = folder / safe
    target.write_bytes(content)
    if target.suffix.lower() != ".zip":
        return target
    out = folder / target.stem
    out.mkdir(exist_ok=True)
    with zipfile.ZipFile(target) as zf:
        for info in zf.infolist():
            parts = PurePosixPath(info.filename).parts
            if info.is_dir() or not parts or ".." in parts or parts[0] in ("/", ""):
                continue
            if not parts[-1].lower().endswith(".csv") or parts[-1].startswith("."):
                continue
            (out / parts[-1]).write_bytes(zf.read(info))
    return out


def check_upload(model: str, path: Path, lang: str) -> dict[str, Any]:
    """Read ``path`` with the model's reader (what ``solve`` reads): ``{"ok": True, "summary"}``
    or ``{"ok": False, "issues": [rows]}`` with every problem located."""
    with use_lang(lang):
        spec = _spec(model)
        try:
            data = spec.read(path, _options(spec))
            if model == "roster":
                from assignments.roster.schedule import alternatives

                alternatives(data)
        except InputError as exc:
            return {"ok": False, "issues": issue_rows(exc)}
        except (UserError, ValueError) as exc:
            sheet = "后延申请 (deferrals)" if type(exc).__name__ == "ScheduleError" else ""
            return {"ok": False, "issues": [{"n": 1, "file": path.name, "sheet": sheet,
                                             "row": "", "column": "", "record": "",
                                             "message": str(exc)}]}
        except OSError as exc:
            return {"ok": False, "issues": [{"n": 1, "file": path.name, "sheet": "", "row": "",
                                             "column": "", "record": "",
                                             "message": str(exc.strerror or exc)}]}
        warnings = [str(w) for w in getattr(getattr(data, "calendar", None), "warnings", [])]
        warnings += [str(w) for w in getattr(data, "warnings", [])]
        return {"ok": True, "warnings": warnings}


def write_template(model: str, out: Path) -> Path:
    """Write the model's empty input workbook, as ``assignments <model> template OUT`` does
    (the same command function is called)."""
    from assignments.cli import app

    for group in app.registered_groups:
        if group.name != model or group.typer_instance is None:
            continue
        for command in group.typer_instance.registered_commands:
            if command.name == "template" and command.callback is not None:
                command.callback(out=out)
                return out
    raise UserError(f"no template command for {model}")


def zip_folder(folder: Path, target: Path) -> Path:
    """Every file of ``folder`` (what a CLI run writes) in one zip."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file() and not p.name.startswith("."):
                zf.write(p, p.relative_to(folder).as_posix())
    return target


def solve_job(job: Mapping[str, Any], queue: Any, stop: Any) -> None:
    """Read, solve, check and write one workbook (in a worker process); report on ``queue``.

    ``job``: ``model``, ``workbook``, ``out``, ``lang``, ``time_limit``, ``seed``,
    ``workers``, ``preset``, ``engine``. Messages: ``{"kind": "progress", level, incumbent,
    bound, gap, elapsed, message}`` while solving, then one ``{"kind": "done", ...}`` or
    ``{"kind": "error", "message"}``.
    """
    from assignments.core.i18n import set_lang

    lang = job["lang"]
    set_lang(lang)
    try:
        spec = _spec(job["model"])
        from assignments.core.cli import solve_call

        options = _options(spec)
        data = spec.read(Path(job["workbook"]), options)

        def on_progress(p: Any) -> None:
            queue.put({"kind": "progress", "level": str(p.level), "incumbent": p.incumbent,
                       "bound": p.bound, "gap": getattr(p, "gap", None),
                       "elapsed": float(p.elapsed), "message": str(p.message or "")})

        solve = spec.part("solve")
        kwargs = solve_call(solve, time_limit=float(job["time_limit"]), seed=int(job["seed"]),
                            workers=int(job["workers"]), deterministic=False,
                            preset=job.get("preset") or None, engine=job["engine"],
                            progress=True, on_progress=on_progress, stop=stop, lang=lang)
        result = solve(data, **kwargs)
        stopped = bool(getattr(result, "stopped", False))
        more: dict[str, Any] = {}
        args = {**options, "time_limit": float(job["time_limit"]), "workers": int(job["workers"]),
                "seed": int(job["seed"])}
        if spec.after is not None and not stopped and not stop.is_set():
            more = spec.after(data, result, args)
        has_solution = bool(result.status.has_solution)
        written: list[str] = []
        if has_solution or not stopped:
            written = [str(p) for p in spec.part("write")(data, result, Path(job["out"]),
                                                          lang=lang, **more)]
        summary = [str(x) for x in spec.part("summary")(data, result, lang=lang, **more)]
        queue.put({"kind": "done", "status": result.status.value,
                   "has_solution": has_solution,
                   "stopped": stopped, "objective": result.objective, "bound": result.bound,
                   "gap": result.gap, "runtime": result.runtime,
                   "objectives": {str(k): v for k, v in result.objectives.items()},
                   "summary": summary, "explanation": [str(x) for x in result.explanation],
                   "warnings": [str(x) for x in result.warnings], "written": written,
                   # the model's solve runs its independent checker on every plan it returns
                   # (a stopped one too) and raises SolutionCheckError when it rejects it
                   "violations": []})
    except SolutionCheckError as exc:
        queue.put({"kind": "error", "message": str(exc),
                   "violations": [x for x in str(exc).splitlines()[1:] if x.strip()]})
    except InputError as exc:
        queue.put({"kind": "error", "message": str(exc), "issues": issue_rows(exc)})
    except (UserError, ValueError) as exc:
        queue.put({"kind": "error", "message": str(exc)})
    except Exception as exc:  # a bug: said on the page, never a silent hang
        queue.put({"kind": "error", "message": f"{type(exc).__name__}: {exc}",
                   "trace": traceback.format_exc()})
