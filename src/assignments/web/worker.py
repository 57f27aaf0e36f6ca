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

import shutil
import stat
import traceback
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from assignments.core import xlsx
from assignments.core.errors import InputError, Issue, Location, SolutionCheckError, UserError
from assignments.core.i18n import current_lang, tr, use_lang

__all__ = ["MODELS", "WHATIF_KINDS", "apply_whatif", "check_upload", "choices", "issue_rows",
           "plan_diff", "scenario_job", "scenario_spec", "solve_job", "unpack_upload",
           "write_template", "zip_folder"]

MODELS = ("roster", "mentoring", "funding")
"""The three models a page is made for."""


def _spec(model: str) -> Any:
    from assignments.batch import register_specs
    from assignments.core.cli import SPECS

    register_specs()

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


#: Largest number of ``.csv`` files taken from an uploaded zip.
MAX_ZIP_CSV = 200


def unpack_upload(name: str, content: bytes, folder: Path) -> Path:
    """Save an uploaded file into ``folder``; a ``.zip`` of CSV files is unpacked into a folder
    (the readers take a folder of CSV files). Returns the path to read.

    The zip is checked as a workbook is (:mod:`assignments.core.xlsx`: number of members, total
    expanded size, expansion ratios, every member decompressed in bounded chunks and refused as
    soon as it yields more than it declares) and refused whole, with nothing unpacked, when a
    member's name leaves the folder (``../``, an absolute path), a member is a link, or two
    ``.csv`` files have the same name; other files (and hidden ones) are skipped.

    Raises
    ------
    InputError
        Located (the upload, the member) when the zip is refused.
    """
    folder.mkdir(parents=True, exist_ok=True)
    safe = Path(name).name
    if safe in ("", ".", ".."):
        safe = "upload.xlsx"
    target = folder / safe
    target.write_bytes(content)
    if target.suffix.lower() != ".zip":
        return target
    out = folder / target.stem
    members = _csv_members(target)
    out.mkdir(exist_ok=True)
    try:
        with zipfile.ZipFile(target) as zf:
            fp = zf.fp
            assert fp is not None
            for info, base in members:
                with (out / base).open("xb") as fh:
                    for chunk in xlsx._member_chunks(fp, zf, info, target):
                        fh.write(chunk)
    except BaseException:  # a member lying about its size: nothing half unpacked is kept
        shutil.rmtree(out, ignore_errors=True)
        raise
    return out


def _csv_members(target: Path) -> list[tuple[zipfile.ZipInfo, str]]:
    """The ``.csv`` members of an uploaded zip and the names they are unpacked under, after the
    archive's checks (see :func:`unpack_upload`)."""
    def refuse(member: str, why: str) -> InputError:
        return InputError(Issue(Location(str(target), record=member), why))

    try:
        zf = zipfile.ZipFile(target)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(Issue(Location(str(target)), tr(
            "not a readable zip archive ({reason})", reason=exc))) from None
    with zf:
        infos = zf.infolist()
    xlsx._check_directory(target, infos)
    out: list[tuple[zipfile.ZipInfo, str]] = []
    seen: dict[str, str] = {}
    for info in infos:
        raw = info.filename
        parts = PurePosixPath(raw.replace("\\", "/")).parts
        if raw.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise refuse(raw, tr("the member's name leaves the folder (absolute or '..'): "
                                 "the zip is refused, nothing is unpacked"))
        if stat.S_ISLNK(info.external_attr >> 16):
            raise refuse(raw, tr("the member is a link: the zip is refused, nothing is "
                                 "unpacked"))
        if info.is_dir() or not parts:
            continue
        base = parts[-1]
        if not base.lower().endswith(".csv") or base.startswith("."):
            continue
        if base.lower() in seen:
            raise refuse(raw, tr("two CSV files named {name} ({first} and {second}): the zip "
                                 "is refused, nothing is unpacked", name=base,
                                 first=seen[base.lower()], second=raw))
        seen[base.lower()] = raw
        out.append((info, base))
    if len(out) > MAX_ZIP_CSV:
        raise xlsx.too_large(target, tr("{n:,} members in the archive, more than {limit:,}",
                                        n=len(out), limit=MAX_ZIP_CSV))
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


def write_template(model: str, out: Path, lang: str | None = None) -> Path:
    """Write the model's empty input workbook, as ``assignments <model> template OUT`` does
    (the same command function is called), in ``lang`` (default: the current language)."""
    from assignments.funding.cli import app as funding_app
    from assignments.mentoring.cli import app as mentoring_app
    from assignments.roster.cli import app as roster_app

    group = {"roster": roster_app, "mentoring": mentoring_app, "funding": funding_app}[model]
    for command in group.registered_commands:
        if command.name == "template" and command.callback is not None:
            command.callback(out=out, lang=lang or current_lang())
            return out
    raise UserError(f"no template command for {model}")


def zip_folder(folder: Path, target: Path, source: Path | None = None) -> Path:
    """Every file of ``folder`` (what a CLI run writes) in one zip, and the input it was
    solved from (a what-if's changed workbook, say) under ``input/``."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file() and not p.name.startswith("."):
                zf.write(p, p.relative_to(folder).as_posix())
        if source is not None and source.is_file():
            zf.write(source, f"input/{source.name}")
        elif source is not None and source.is_dir():
            for p in sorted(source.glob("*.csv")):
                zf.write(p, f"input/{source.name}/{p.name}")
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


# ------------------------------------------------------------------ what-if

WHATIF_KINDS = {"roster": ("keep_out",), "mentoring": ("force", "forbid"),
                "funding": ("fund", "drop", "budget")}
"""The changes a page can ask for, per model: roster — keep a person out of a quarter (an
unavailability inside that quarter); mentoring — force or forbid a pair (the 强制结对 / 禁止结对
sheets); funding — fund or drop a project (its 已承诺 / 不予安排 columns), change a source's
amount."""


def _sheets(model: str) -> Any:
    import importlib

    return importlib.import_module(f"assignments.{model}.data").SHEETS


def _records(model: str, workbook: Path) -> dict[str, list[dict[str, Any]]]:
    from assignments.core.io import read_tables

    tables = read_tables(workbook, _sheets(model))
    return {k: [dict(r.values) for r in t.rows] for k, t in tables.items()}


def choices(model: str, workbook: Path) -> dict[str, list[list[str]]]:
    """What the what-if controls offer: ``[id, label]`` lists by kind of record."""
    rec = _records(model, workbook)

    def pairs(key: str, label: str = "name") -> list[list[str]]:
        return [[str(r.get("id")), f"{r.get('id')} {r.get(label) or ''}".strip()]
                for r in rec.get(key, []) if r.get("id") is not None]

    if model == "roster":
        return {"staff": pairs("staff")}
    if model == "mentoring":
        return {"teachers": pairs("teachers")}
    return {"projects": pairs("projects"), "sources": pairs("sources")}


def _quarter_inside(quarter: str) -> tuple[Any, Any]:
    """Days well inside a calendar quarter (the 15th of its first to the 15th of its last
    month): they overlap that quarter's service period only (handovers are early in a
    quarter's first month)."""
    import datetime as dt

    year, q = int(quarter[:4]), int(quarter[-1])
    first = 3 * (q - 1) + 1
    return dt.date(year, first, 15), dt.date(year, first + 2, 15)


def apply_whatif(model: str, workbook: Path, edits: list[dict[str, Any]], target: Path,
                 lang: str | None = None) -> Path:
    """A copy of ``workbook`` (rewritten in the documented format) with ``edits`` applied.

    Each edit: ``{"kind", "a", "b"}`` — roster ``keep_out`` (a staff id, b quarter
    ``2027Q2``); mentoring ``force`` / ``forbid`` (a mentor id, b mentee id); funding ``fund`` /
    ``drop`` (a project id), ``budget`` (a source id, b the new amount in the workbook's unit).
    """
    from assignments.core.output import write_input_workbook

    with use_lang(lang):
        return _apply(model, workbook, edits, target, write_input_workbook)


def _apply(model: str, workbook: Path, edits: list[dict[str, Any]], target: Path,
           write: Any) -> Path:
    rec = _records(model, workbook)
    note = "网页假设分析 (what-if from the page)"
    for e in edits:
        kind, a, b = e["kind"], str(e["a"]), e.get("b")
        if kind not in WHATIF_KINDS[model]:
            raise UserError(tr("unknown change '{kind}'", kind=kind))
        if kind == "keep_out":
            start, end = _quarter_inside(str(b))
            rec.setdefault("unavailability", []).append(
                {"staff": a, "start": start, "end": end, "reason": note})
        elif kind in ("force", "forbid"):
            sheet = "forced" if kind == "force" else "forbidden"
            rec.setdefault(sheet, []).append({"mentor": a, "mentee": str(b), "reason": note})
        elif kind in ("fund", "drop"):
            rows = [r for r in rec.get("projects", []) if str(r.get("id")) == a]
            if not rows:
                raise UserError(tr("project '{id}' is not in the workbook", id=a))
            for r in rows:
                r["committed"], r["excluded"] = kind == "fund", kind == "drop"
        else:
            rows = [r for r in rec.get("sources", []) if str(r.get("id")) == a]
            if not rows:
                raise UserError(tr("source '{id}' is not in the workbook", id=a))
            for r in rows:
                r["amount"] = b
    path: Path = write(target, _sheets(model), rec)
    return path


def plan_diff(model: str, before: Mapping[str, Any], after: Mapping[str, Any]
              ) -> dict[str, Any]:
    """What changed between two ``result.json`` of the same model: the objective of every
    level before/after, and ``changes`` — roster: who moved (staff, quarter/center before →
    after); mentoring: pairs formed and dissolved; funding: projects that entered, left or
    changed amount."""
    levels = [{"level": k, "before": before.get("objectives", {}).get(k),
               "after": after.get("objectives", {}).get(k)}
              for k in dict.fromkeys([*before.get("objectives", {}),
                                      *after.get("objectives", {})])]
    changes: list[dict[str, Any]] = []
    if model == "roster":
        def where(res: Mapping[str, Any]) -> dict[str, set[str]]:
            out: dict[str, set[str]] = {}
            for x in res.get("assignments", []):
                out.setdefault(str(x["staff"]), set()).add(f"{x['quarter']} {x['center']}")
            return out
        b, a = where(before), where(after)
        for s in sorted(set(b) | set(a)):
            if b.get(s, set()) != a.get(s, set()):
                changes.append({"what": s, "before": "、".join(sorted(b.get(s, set()))) or "—",
                                "after": "、".join(sorted(a.get(s, set()))) or "—"})
    elif model == "mentoring":
        def pairs(res: Mapping[str, Any]) -> set[tuple[str, str]]:
            return {(str(x["mentor"]), str(x["mentee"])) for x in res.get("pairs", [])}
        b2, a2 = pairs(before), pairs(after)
        for m, e in sorted(b2 - a2):
            changes.append({"what": f"{m} → {e}", "before": "✓", "after": "—"})
        for m, e in sorted(a2 - b2):
            changes.append({"what": f"{m} → {e}", "before": "—", "after": "✓"})
    else:
        def funded(res: Mapping[str, Any]) -> dict[str, float]:
            return {str(x["project"]): float(x.get("yuan") or 0) for x in res.get("projects", [])
                    if float(x.get("yuan") or 0) > 0}
        b3, a3 = funded(before), funded(after)
        for p in sorted(set(b3) | set(a3)):
            if b3.get(p) != a3.get(p):
                changes.append({"what": p, "before": f"{b3[p]:,.0f}" if p in b3 else "—",
                                "after": f"{a3[p]:,.0f}" if p in a3 else "—"})
    return {"levels": levels, "changes": changes}


# ------------------------------------------------------------------ funding scenarios


def scenario_spec(rows: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The scenario file (as ``funding scenarios --scenarios`` reads it) from the page's table:
    each row ``name``, ``budget`` (``-10%``, ``+500万``), ``sources`` (``S1:+10%, S2:=300万``),
    ``share`` (the F2 industry share in %, or ``关`` to switch the rule off), ``force_in``,
    ``force_out`` (project ids, comma separated). Empty rows are left out."""
    out = []
    for r in rows:
        name = str(r.get("name") or "").strip()
        if not name:
            continue
        sc: dict[str, Any] = {"name": name}
        if str(r.get("budget") or "").strip():
            sc["budget"] = str(r["budget"]).strip()
        src = {}
        for part in str(r.get("sources") or "").replace("，", ",").split(","):
            if ":" in part or "：" in part:
                k, _, v = part.replace("：", ":").partition(":")
                src[k.strip()] = v.strip()
        if src:
            sc["sources"] = src
        if str(r.get("share") or "").strip():
            sc["rules"] = {"产业占比": str(r["share"]).strip()}
        for key in ("force_in", "force_out"):
            ids = [x.strip() for x in str(r.get(key) or "").replace("，", ",").split(",")
                   if x.strip()]
            if ids:
                sc[key] = ids
        out.append(sc)
    return {"scenarios": out}


def scenario_job(job: Mapping[str, Any], queue: Any, stop: Any) -> None:
    """``assignments funding scenarios`` for the page (in a worker process): the base case and
    every scenario solved in parallel by the same functions the command uses, one progress
    message per scenario as it ends, the comparison written to ``job["out"]``."""
    from assignments.core.i18n import set_lang

    lang = job["lang"]
    set_lang(lang)
    try:
        import yaml

        from assignments.core.executor import open_executor
        from assignments.funding.data import read_funding
        from assignments.funding.report import write_scenario_outputs
        from assignments.funding.scenarios import Scenario, derive, read_scenarios, run_scenarios

        base = read_funding(Path(job["workbook"]))
        path = Path(job["out"]).with_suffix(".yaml")
        path.write_text(yaml.safe_dump(job["spec"], allow_unicode=True), encoding="utf-8")
        sf = read_scenarios(path, base)
        scen = [Scenario(name=tr("base case")), *sf.scenarios]
        datas = [derive(base, s) for s in scen]
        queue.put({"kind": "scenarios", "names": [s.name for s in scen]})

        def on_result(i: int, o: Any) -> None:
            queue.put({"kind": "scenario", "i": i, "name": o.name,
                       "status": str(o.metrics.get("status", "")), "error": o.error,
                       "seconds": float(getattr(o, "seconds", 0.0) or 0.0)})

        cores = int(job.get("cores", 2))
        with open_executor("local", jobs=len(datas), cores=cores) as ex:
            outs = run_scenarios(datas, time_limit=float(job["time_limit"]), seed=0,
                                 cores=cores, lang=lang, executor=ex.executor,
                                 workers_per_solve=ex.solve_workers, on_result=on_result)
        written = write_scenario_outputs(base, outs, Path(job["out"]), lang=lang)
        queue.put({"kind": "done", "written": [str(p) for p in written],
                   "failed": [o.name for o in outs if o.error]})
    except InputError as exc:
        queue.put({"kind": "error", "message": str(exc), "issues": issue_rows(exc)})
    except (UserError, ValueError) as exc:
        queue.put({"kind": "error", "message": str(exc)})
    except Exception as exc:  # a bug: said on the page, never a silent hang
        queue.put({"kind": "error", "message": f"{type(exc).__name__}: {exc}",
                   "trace": traceback.format_exc()})
