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
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from assignments.core import xlsx
from assignments.core.errors import InputError, Issue, Location, SolutionCheckError, UserError
from assignments.core.i18n import current_lang, tr, use_lang

__all__ = ["MODELS", "SCENARIO_FIGURES", "WHATIF_KINDS", "apply_whatif", "check_scenarios",
           "check_upload", "choices", "example_scenarios", "issue_rows", "plan_diff",
           "scenario_columns", "scenario_job", "scenario_spec", "solve_job", "unpack_upload",
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



def job_error(exc: BaseException) -> dict[str, Any]:
    """The page's message for a job that failed: the checker's rejected rules, the located
    input problems, a user mistake's message, or (a bug) the exception with its trace."""
    if isinstance(exc, SolutionCheckError):
        return {"kind": "error", "message": str(exc),
                "violations": [x for x in str(exc).splitlines()[1:] if x.strip()]}
    if isinstance(exc, InputError):
        return {"kind": "error", "message": str(exc), "issues": issue_rows(exc)}
    if isinstance(exc, UserError | ValueError):
        return {"kind": "error", "message": str(exc)}
    return {"kind": "error", "message": f"{type(exc).__name__}: {exc}",
            "trace": "".join(traceback.format_exception(exc))}

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
    except Exception as exc:  # every failure is said on the page, never a silent hang
        queue.put(job_error(exc))


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

SCENARIO_FIGURES: tuple[str, ...] = ("industry_share", "labour_share", "special_hardship_amount",
                                     "milestones", "assign_share", "weight_people",
                                     "weight_poor_people")
"""The 方案 figures a page scenario row can change (keys of
:data:`assignments.funding.data.POLICY_PARAMS`): the shares (产业占比, 劳务报酬比例), the
特困村 floor (特困村最低资金), the milestones and the assignment share, two weights. Each is
read by the scenario file's reader (:func:`assignments.funding.scenarios.read_scenarios`), a
switch word (关, off) on a figure's cell switching its rule off, as in a 情景 sheet."""

_OBJECTIVES = ("coverage", "priority", "cost")


def scenario_columns(workbook: Path | None, lang: str) -> dict[str, list[list[str]]]:
    """What a page scenario row offers: ``sources`` (id, label) of the workbook, ``figures``
    (key, name), ``switches`` (switchable rules: name, label) and ``objectives``."""
    from assignments.funding.data import POLICY_PARAMS
    from assignments.funding.rules import RULES as BOOK
    from assignments.funding.rules import SWITCHABLE

    with use_lang(lang):
        params = {p.key: p for p in POLICY_PARAMS}
        sources: list[list[str]] = []
        if workbook is not None:
            with_names = choices("funding", workbook).get("sources", [])
            sources = [[sid, label] for sid, label in with_names]
        return {"sources": sources,
                "figures": [[k, params[k].zh if lang == "zh" else params[k].en]
                            for k in SCENARIO_FIGURES],
                "switches": [[n, BOOK.label(n, lang)] for n in SWITCHABLE],
                "objectives": [[o, {"coverage": tr("coverage first"),
                                    "priority": tr("priority"),
                                    "cost": tr("least cost")}[o]] for o in _OBJECTIVES]}


def _blank(x: Any) -> bool:
    return x is None or str(x).strip() == ""


def scenario_spec(rows: Sequence[Mapping[str, Any]], frontier: Mapping[str, Any] | None = None
                  ) -> dict[str, Any]:
    """The scenario file (what ``funding scenarios --scenarios`` reads) of the page's table.

    Each row: ``name``, ``budget`` (every source: ``-10%``, ``+500万``, ``=3000000``, ``×1.2``),
    ``sources`` ({source id: change}), ``figures`` ({key of :data:`SCENARIO_FIGURES`: value,
    or 关 to switch its rule off}), ``rules_off`` (switchable rule names), ``objective``,
    ``force_in`` / ``force_out`` (project ids, comma separated). Nothing is parsed here: the
    values go as written to the scenario reader. Blank rows are left out. ``frontier``:
    ``{"budget": [low, high], "steps": n}`` or ``None``."""
    out = []
    for r in rows:
        sc = _scenario_item(r, current_lang())
        if sc is not None:
            out.append(sc)
    spec: dict[str, Any] = {"scenarios": out}
    if frontier:
        spec["frontier"] = dict(frontier)
    return spec


def _scenario_item(r: Mapping[str, Any], lang: str = "zh") -> dict[str, Any] | None:
    """One row as a scenario-file entry; ``None`` for a blank row (a row with figures but no
    name keeps its empty name: the reader refuses it). Figures are named in ``lang`` (the
    reader's messages name them so)."""
    from assignments.funding.data import POLICY_PARAMS

    names = {p.key: (p.zh if lang == "zh" else p.en) for p in POLICY_PARAMS}
    sc: dict[str, Any] = {"name": str(r.get("name") or "").strip()}
    if not _blank(r.get("budget")):
        sc["budget"] = str(r["budget"]).strip()
    src = {str(k): str(v).strip() for k, v in (r.get("sources") or {}).items() if not _blank(v)}
    if src:
        sc["sources"] = src
    figs = {names.get(str(k), str(k)): str(v).strip()
            for k, v in (r.get("figures") or {}).items() if not _blank(v)}
    if figs:
        sc["policy"] = figs
    off = [str(x) for x in (r.get("rules_off") or [])]
    if off:
        sc["rules"] = dict.fromkeys(off, False)
    if not _blank(r.get("objective")):
        sc["objective"] = str(r["objective"])
    for key in ("force_in", "force_out"):
        if not _blank(r.get(key)):
            sc[key] = str(r[key]).strip()
    if len(sc) == 1 and not sc["name"]:
        return None
    return sc


def check_scenarios(workbook: Path, rows: Sequence[Mapping[str, Any]],
                    frontier: Mapping[str, Any] | None, folder: Path, lang: str
                    ) -> dict[str, Any]:
    """Read the page's scenarios with the scenario reader of ``funding scenarios`` (every
    figure parsed, every id checked against ``workbook``) and say what is refused, by row and
    by cell.

    Returns ``{"ok", "spec", "rows": {row index: [messages]}, "cells": {row index: {cell:
    message}}, "general": [messages]}``; a cell is ``name``, ``budget``, ``sources.S1``,
    ``figures.industry_share``, ``rules_off``, ``objective``, ``force_in`` or ``force_out``.
    ``spec`` is the scenario file (also written to ``folder/scenarios.json``)."""
    from assignments.funding.data import read_funding

    with use_lang(lang):
        base = read_funding(workbook)
        index: list[int] = []
        items: list[dict[str, Any]] = []
        for i, r in enumerate(rows):
            sc = _scenario_item(r, lang)
            if sc is not None:
                index.append(i)
                items.append(sc)
        spec: dict[str, Any] = {"scenarios": items}
        if frontier:
            spec["frontier"] = dict(frontier)
        by_row: dict[int, list[str]] = {}
        cells: dict[int, dict[str, str]] = {}
        general: list[str] = []
        for i, sc in zip(index, items, strict=True):
            if not sc["name"]:
                by_row.setdefault(i, []).append(tr("give the scenario a name"))
                cells.setdefault(i, {})["name"] = tr("give the scenario a name")
        if not items and not frontier:
            general.append(tr("Name at least one scenario."))
        folder.mkdir(parents=True, exist_ok=True)
        issues = _read_spec(spec, base, folder / "scenarios.json")
        # the reader locates a scenario's problems by its position and name
        where = {tr("scenario {i} '{name}'", i=n, name=sc["name"]): i
                 for n, (i, sc) in enumerate(zip(index, items, strict=True), start=1)}
        failed: set[int] = set()
        for issue in issues:
            row = where.get(issue.location.record or "")
            if row is None:
                general.append(issue.message)
                continue
            failed.add(row)
            if issue.message not in by_row.get(row, []):
                by_row.setdefault(row, []).append(issue.message)
        for i in sorted(failed):
            # which cells: each one read alone (the reader stops at a scenario's first
            # refused figure; alone, every refused figure is found and named)
            row_cells = _cells(rows[i], lang)
            for cell, item in row_cells.items():
                got = _read_spec({"scenarios": [item]}, base, folder / "cell.json")
                msgs = [x.message for x in got]
                if msgs:
                    cells.setdefault(i, {})[cell] = "; ".join(msgs)
                    for m in msgs:
                        if m not in by_row.setdefault(i, []):
                            by_row[i].append(m)
        return {"ok": not by_row and not general, "spec": spec, "rows": by_row,
                "cells": cells, "general": general}


def _read_spec(spec: Mapping[str, Any], base: Any, path: Path) -> list[Any]:
    """The problems :func:`~assignments.funding.scenarios.read_scenarios` finds in ``spec``
    (written to ``path``) against ``base``."""
    import json

    from assignments.funding.scenarios import read_scenarios

    path.write_text(json.dumps(spec, ensure_ascii=False, indent=1), encoding="utf-8")
    try:
        read_scenarios(path, base)
    except InputError as exc:
        return list(exc.issues)
    return []


def _cells(row: Mapping[str, Any], lang: str) -> dict[str, dict[str, Any]]:
    """Each filled cell of a row as a scenario of its own (the row's name and that cell)."""
    name = str(row.get("name") or "").strip() or "?"
    out: dict[str, dict[str, Any]] = {}
    for key in ("budget", "objective", "force_in", "force_out"):
        if not _blank(row.get(key)):
            out[key] = {"name": name, key: row[key]}
    for group in ("sources", "figures"):
        for k, v in (row.get(group) or {}).items():
            if not _blank(v):
                out[f"{group}.{k}"] = {"name": name, group: {k: v}}
    if row.get("rules_off"):
        out["rules_off"] = {"name": name, "rules_off": row["rules_off"]}
    return {k: item for k, v in out.items() if (item := _scenario_item(v, lang)) is not None}


def example_scenarios(path: Path, workbook: Path, folder: Path, lang: str) -> dict[str, Any]:
    """The scenarios of a scenario file (the shipped ``instances/funding/scenarios.yaml``) as
    page rows, for ``workbook``: ``{"rows", "frontier", "left_out"}`` — ``left_out`` names
    the scenarios that do not apply to the workbook (a source or project it does not have),
    each with the reason."""
    from assignments.funding.scenarios import read_scenarios

    with use_lang(lang):
        sf = read_scenarios(path)
        rows = [_row_of_scenario(sc) for sc in sf.scenarios]
        frontier = None if sf.frontier is None else {
            "budget": [str(x) for x in sf.frontier.budget], "steps": sf.frontier.steps}
        kept: list[dict[str, Any]] = []
        left_out: list[str] = []
        for r in rows:
            checked = check_scenarios(workbook, [r], None, folder, lang)
            if checked["ok"]:
                kept.append(r)
            else:
                why = "; ".join(checked["rows"].get(0, []) + checked["general"])
                left_out.append(tr("{name}: {reason}", name=r["name"], reason=why))
        return {"rows": kept, "frontier": frontier, "left_out": left_out}


def _row_of_scenario(sc: Any) -> dict[str, Any]:
    """A parsed :class:`~assignments.funding.scenarios.Scenario` as a page row."""
    from assignments.funding.data import POLICY_PARAMS

    switch_of = {p.switch[len("rules."):]: p.key for p in POLICY_PARAMS
                 if p.switch and p.key in SCENARIO_FIGURES}
    figures = {k: str(v) for k, v in sc.policy.items() if k in SCENARIO_FIGURES}
    figures.update({k: str(v) for k, v in sc.weights.items() if k in SCENARIO_FIGURES})
    off: list[str] = []
    for rule, on in sc.rules.items():
        if on:
            continue
        key = switch_of.get(rule)
        if key is not None and key not in figures:
            figures[key] = "关"
        else:
            off.append(rule)
    objective = {"覆盖优先": "coverage", "优先级": "priority", "最小成本": "cost"}.get(
        sc.objective or "", sc.objective)
    return {"name": sc.name, "budget": "" if sc.budget is None else str(sc.budget),
            "sources": {k: str(v) for k, v in sc.sources.items()}, "figures": figures,
            "rules_off": off, "objective": objective,
            "force_in": ", ".join(sc.force_in), "force_out": ", ".join(sc.force_out)}


def scenario_job(job: Mapping[str, Any], queue: Any, stop: Any) -> None:
    """``assignments funding scenarios`` for the page (in a worker process): the base case,
    every scenario and the frontier points solved in parallel by the functions the command
    uses (its executor, ``run_scenarios``, ``write_scenario_outputs``); one progress message
    per scenario as it ends (status, objective, seconds), the comparison written to
    ``job["out"]``. When ``stop`` is set the pool's solves are ended: the scenarios finished
    so far are compared (when the base case is among them)."""
    from assignments.core.i18n import set_lang

    lang = job["lang"]
    set_lang(lang)
    try:
        import json
        import threading

        from assignments.core.executor import open_executor
        from assignments.funding.data import read_funding
        from assignments.funding.report import write_scenario_outputs
        from assignments.funding.scenarios import (
            Scenario,
            derive,
            frontier_scenarios,
            read_scenarios,
            run_scenarios,
        )

        base = read_funding(Path(job["workbook"]))
        path = Path(job["out"]).with_suffix(".json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(job["spec"], ensure_ascii=False), encoding="utf-8")
        sf = read_scenarios(path, base)
        scen = [Scenario(name=tr("base")), *sf.scenarios]
        front = frontier_scenarios(sf.frontier) if sf.frontier else []
        datas = [derive(base, s) for s in [*scen, *front]]
        queue.put({"kind": "scenarios", "names": [s.name for s in [*scen, *front]],
                   "frontier": [False] * len(scen) + [True] * len(front)})

        def on_result(i: int, o: Any) -> None:
            cancelled = bool(o.error) and stop.is_set()
            queue.put({"kind": "scenario", "i": i, "name": o.name, "cancelled": cancelled,
                       "status": str(o.metrics.get("status", "")),
                       "error": None if cancelled else o.error,
                       "objective": o.result.objective,
                       "weighted": o.metrics.get("weighted_beneficiaries"),
                       "seconds": float(getattr(o, "seconds", 0.0) or 0.0)})

        cores = int(job.get("cores", 2))
        with open_executor("local", jobs=len(datas), cores=cores) as ex:
            done = threading.Event()

            def watch() -> None:  # cancel: end the pool's solves (the queued ones too)
                while not done.is_set():
                    if stop.wait(0.2):
                        for proc in list(getattr(ex.executor, "_processes", {}).values()):
                            proc.terminate()
                        return

            threading.Thread(target=watch, daemon=True).start()
            try:
                outs = run_scenarios(datas, time_limit=float(job["time_limit"]), seed=0,
                                     cores=cores, lang=lang, executor=ex.executor,
                                     workers_per_solve=ex.solve_workers, on_result=on_result)
            finally:
                done.set()
        main, frontier = outs[: len(scen)], outs[len(scen):]
        if stop.is_set():
            main = [o for o in main if not o.error]
            frontier = [o for o in frontier if not o.error]
            if not main or main[0].name != scen[0].name:
                queue.put({"kind": "stopped", "written": []})
                return
        written = write_scenario_outputs(base, main, Path(job["out"]),
                                         frontier=frontier or None, lang=lang)
        queue.put({"kind": "stopped" if stop.is_set() else "done",
                   "written": [str(p) for p in written],
                   "failed": [o.name for o in outs if o.error]})
    except InputError as exc:
        queue.put({"kind": "error", "message": str(exc), "issues": issue_rows(exc)})
    except (UserError, ValueError) as exc:
        queue.put({"kind": "error", "message": str(exc)})
    except Exception as exc:  # a bug: said on the page, never a silent hang
        queue.put({"kind": "error", "message": f"{type(exc).__name__}: {exc}",
                   "trace": traceback.format_exc()})
