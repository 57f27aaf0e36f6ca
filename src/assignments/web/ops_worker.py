"""The roster operations of the page, off the page: events and activity logs, assessment,
re-planning with frozen quarters, duty calendars and the money ledger.

Each function takes and returns plain data (paths, strings, numbers, table rows) and calls the
very functions the ``assignments roster assess|replan|duties|ledger`` commands call, so the page
writes what the command line writes. :func:`replan_job` runs in a worker process with progress
and a stop flag (as :func:`assignments.web.worker.solve_job`); the others are quick (no
solver) and run in a thread.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from assignments.core.errors import InputError, UserError
from assignments.core.i18n import tr, use_lang
from assignments.web.worker import issue_rows, job_error

__all__ = ["OPS_FILES", "add_to_zip", "assess_run", "check_ops_file", "duties_run",
           "frozen_preview", "ledger_run", "parse_day", "plan_json", "replan_job",
           "write_ops_template", "zip_ics"]

OPS_FILES = ("events", "logs", "roster")
"""The files the operations read besides the workbook: an events workbook (事件), activity logs
(授课, 查房, 考勤, 请假) and a published roster (排班 of a ``roster.xlsx``)."""


def parse_day(text: str | None) -> dt.date | None:
    """A date typed on the page (2027-03-29, 2027/3/29 or 2027年3月29日); empty: none.

    Raises
    ------
    UserError
        Not a date (the message says what is expected).
    """
    if text is None or not str(text).strip():
        return None
    from pydantic import TypeAdapter, ValidationError

    from assignments.core.schema import Day

    try:
        day: dt.date = TypeAdapter(Day).validate_python(str(text).strip())
    except ValidationError:
        raise UserError(tr("expected a date like 2027-03-29, got '{text}'",
                           text=text)) from None
    return day


def write_ops_template(kind: str, out: Path, lang: str = "zh") -> Path:
    """The empty events or logs workbook, as ``assignments roster ops-template KIND OUT``
    writes it (the same command function is called)."""
    from assignments.core.i18n import current_lang, set_lang
    from assignments.roster.cli import app as roster_app

    for command in roster_app.registered_commands:
        if command.name == "ops-template" and command.callback is not None:
            before = current_lang()
            try:  # the command sets the process's language (check_lang): set it back
                command.callback(kind=kind, out=out, lang=lang)
            finally:
                set_lang(before)
            return out
    raise UserError(f"no ops-template command for {kind}")


def _problem(path: Path, message: str, sheet: str = "") -> dict[str, Any]:
    return {"ok": False, "issues": [{"n": 1, "file": path.name, "sheet": sheet, "row": "",
                                     "column": "", "record": "", "message": message}]}


def check_ops_file(kind: str, workbook: Path, path: Path, lang: str) -> dict[str, Any]:
    """Read an uploaded events / logs / published roster file as the commands read it:
    ``{"ok": True, "summary": text, "warnings"}`` or ``{"ok": False, "issues": [rows]}`` with
    every problem located (sheet, row, column, record, message)."""
    from assignments.roster import read_roster

    with use_lang(lang):
        try:
            data = read_roster(workbook)
            if kind == "events":
                from assignments.roster.events import read_events

                log = read_events(path, data)
                summary = tr("{n} event(s)", n=len(log.events))
                if log.as_of is not None:
                    summary += " · " + tr("re-planning date {date}", date=log.as_of)
                warnings = list(log.warnings)
            elif kind == "logs":
                from assignments.roster.assess import read_logs

                logs = read_logs(path, data)
                summary = tr("{teaching} teaching sessions, {rounds} ward rounds, "
                             "{attendance} attendance records, {leave} leave records",
                             teaching=len(logs.teaching), rounds=len(logs.rounds),
                             attendance=len(logs.attendance), leave=len(logs.leave))
                warnings = [str(w) for w in getattr(logs, "warnings", [])]
            elif kind == "roster":
                from assignments.roster.replan import read_published

                pub = read_published(path, data)
                summary = tr("{n} rotations", n=len(pub.assignments))
                warnings = []
            else:
                raise UserError(f"unknown kind of file '{kind}'")
        except InputError as exc:
            return {"ok": False, "issues": issue_rows(exc)}
        except (UserError, ValueError) as exc:
            return _problem(path, str(exc))
        except OSError as exc:
            return _problem(path, str(exc.strerror or exc))
        return {"ok": True, "summary": summary, "warnings": warnings}


def _table(name: str, df: Any) -> dict[str, Any]:
    """A DataFrame as plain data: ``{"name", "columns": [labels], "rows": [[cells]]}``."""
    import pandas as pd

    cells = df.astype(object).where(pd.notna(df), "")
    return {"name": str(name), "columns": [str(c) for c in df.columns],
            "rows": [["" if v is None else (v if isinstance(v, int | float | str) else str(v))
                      for v in rec] for rec in cells.itertuples(index=False)]}


def _frozen_names(data: Any, frozen: int) -> list[str]:
    return [str(data.policy.first_quarter + q) for q in range(min(frozen,
                                                                  data.policy.quarters))]


def frozen_preview(workbook: Path, events: Sequence[Path], as_of: str | None,
                   horizon: int | None, lang: str) -> dict[str, Any]:
    """Which quarters a re-plan would keep as published (rule R9), before running it: the
    re-planning date (typed, else the events file's 重排日期, else the latest 报告日期, else
    today — as ``roster replan`` decides it) and the quarters started by then plus the
    announced ones. ``{"as_of", "source", "frozen": [quarters], "open": first open or None}``
    or ``{"error": message}``."""
    from assignments.roster import read_roster
    from assignments.roster.events import read_events
    from assignments.roster.replan import frozen_count

    with use_lang(lang):
        try:
            data = read_roster(workbook)
            when = parse_day(as_of)
            log = read_events(list(events), data) if events else None
            if when is not None:
                source = tr("typed on the page")
            elif log is not None and log.as_of is not None:
                when, source = log.as_of, tr("重排日期 of the events file")
            else:
                reported = [e.reported for e in (log.events if log else [])
                            if e.reported is not None]
                when = max(reported) if reported else dt.date.today()
                source = (tr("the latest report date of the events") if reported
                          else tr("today"))
            announce = horizon if horizon is not None else (
                log.announce if log is not None and log.announce is not None
                else data.policy.announce_quarters)
            frozen = frozen_count(data, when, announce)
        except InputError as exc:
            return {"error": str(exc)}
        except (UserError, ValueError) as exc:
            return {"error": str(exc)}
        names = _frozen_names(data, frozen)
        open_first = (str(data.policy.first_quarter + frozen)
                      if frozen < data.policy.quarters else None)
        return {"as_of": str(when), "source": source, "announce": announce, "frozen": names,
                "open": open_first}


def plan_json(workbook: Path, roster: Path) -> dict[str, Any]:
    """The plan a re-plan starts from, for the page's diff: the ``result.json`` beside
    ``roster`` when it is a plan of the page, else the rotations of the uploaded roster
    (``assignments`` in the ``result.json`` form, no objective values)."""
    import json

    beside = roster.with_name("result.json")
    if beside.exists():
        data: dict[str, Any] = json.loads(beside.read_text(encoding="utf-8"))
        return data
    from assignments.roster import read_roster

    problem = read_roster(workbook)
    first = problem.policy.first_quarter
    return {"objectives": {}, "assignments": [
        {"staff": a.staff, "quarter": str(first + a.quarter), "center": a.center}
        for a in _rotations(problem, roster)]}


def _rotations(data: Any, roster: Path) -> Any:
    from assignments.roster.replan import read_published

    return read_published(roster, data).assignments


def assess_run(job: Mapping[str, Any]) -> dict[str, Any]:
    """``roster assess`` for the page: ``job`` has ``workbook``, ``logs``, ``roster`` (the
    current roster), ``as_of`` (text or empty), ``out``, ``lang``. Returns ``{"ok": True,
    "tables", "summary", "notes", "redispatch": n, "events": path}`` or ``{"ok": False,
    "message", "issues"}``."""
    from assignments.roster import read_roster
    from assignments.roster.assess import (
        assess,
        assessment_tables,
        read_logs,
        redispatch_events,
        summary_lines,
        write_assessment,
    )

    lang = job["lang"]
    with use_lang(lang):
        try:
            data = read_roster(Path(job["workbook"]))
            logs = read_logs(Path(job["logs"]), data)
            rotations = _rotations(data, Path(job["roster"])) if job.get("roster") else None
            result = assess(data, logs, rotations, as_of=parse_day(job.get("as_of")))
            out = Path(job["out"])
            write_assessment(data, result, out, lang=lang)
            tables = assessment_tables(data, result, lang=lang)
        except InputError as exc:
            return {"ok": False, "message": str(exc), "issues": issue_rows(exc)}
        except (UserError, ValueError) as exc:
            return {"ok": False, "message": str(exc), "issues": []}
        names = list(tables)
        return {"ok": True, "tables": [_table(n, tables[n]) for n in names[:2]],
                "notes": [str(x) for x in tables[names[2]].iloc[:, 0]] if len(tables[names[2]])
                else [],
                "summary": summary_lines(data, result, lang=lang),
                "redispatch": len(redispatch_events(data, result)),
                "events": str(out / "redispatch_events.xlsx"),
                "xlsx": str(out / "assessment.xlsx")}


def replan_job(job: Mapping[str, Any], queue: Any, stop: Any) -> None:
    """``roster replan`` for the page (in a worker process); reports on ``queue`` as
    :func:`assignments.web.worker.solve_job` does (``progress`` messages, then one ``done`` or
    ``error``), and the ``done`` message adds ``replan``: the re-planning date, the frozen
    quarters, the changes (staff, quarter, before, after, kind, causes) and the tables
    变更 / 事件 as rows.

    ``job``: ``workbook``, ``published`` (the current roster), ``events`` (paths), ``as_of``
    (text or empty), ``horizon`` (None: the events file's or the workbook's), ``out``,
    ``lang``, ``time_limit``, ``seed``, ``workers``, ``engine``.
    """
    from assignments.core.i18n import set_lang

    lang = job["lang"]
    set_lang(lang)
    try:
        from assignments.roster import read_roster
        from assignments.roster.events import read_events
        from assignments.roster.replan import (
            changes_table,
            events_table,
            read_published,
            replan,
        )
        from assignments.roster.replan import summary_lines as replan_summary
        from assignments.roster.report import summary_lines as roster_summary
        from assignments.roster.report import write_outputs

        workbook, published = Path(job["workbook"]), Path(job["published"])
        data = read_roster(workbook)
        pub = read_published(published, data)
        events = [Path(p) for p in job.get("events", [])]
        log = read_events(events, data)

        def on_progress(p: Any) -> None:
            queue.put({"kind": "progress", "level": str(p.level), "incumbent": p.incumbent,
                       "bound": p.bound, "gap": getattr(p, "gap", None),
                       "elapsed": float(p.elapsed), "message": str(p.message or "")})

        horizon = job.get("horizon")
        outcome = replan(data, pub, log, as_of=parse_day(job.get("as_of")),
                         announce=None if horizon is None else int(horizon),
                         time_limit=float(job["time_limit"]), seed=int(job.get("seed", 0)),
                         num_workers=int(job.get("workers", 2)),
                         engine=str(job.get("engine", "auto")), lang=lang,
                         on_progress=on_progress, stop=stop)
        result = outcome.result
        changes_df = changes_table(outcome, lang=lang)
        events_df = events_table(outcome, lang=lang)
        first = data.policy.first_quarter
        frozen = _frozen_names(data, outcome.frozen)
        info = {
            "published": published.name,
            "events": [p.name for p in events],
            "as_of": str(outcome.as_of),
            "announce": outcome.announce,
            "frozen_quarters": frozen,
            "changes": [{"staff": ch.staff, "quarter": str(first + ch.quarter),
                         "before": ch.before, "after": ch.after, "kind": ch.kind,
                         "causes": ch.causes, "how": ch.how} for ch in outcome.changes],
        }
        has_solution = bool(result.status.has_solution)
        written: list[str] = []
        if has_solution:
            sheets = {tr("changes", lang=lang): changes_df, tr("events", lang=lang): events_df}
            written = [str(p) for p in write_outputs(
                outcome.data, result, Path(job["out"]), lang=lang, extra_sheets=sheets,
                extra_json={"replan": info})]
        summary = [*roster_summary(outcome.data, result, lang=lang),
                   *replan_summary(outcome, lang=lang)]
        queue.put({"kind": "done", "status": result.status.value,
                   "has_solution": has_solution,
                   "stopped": bool(getattr(result, "stopped", False)),
                   "objective": result.objective, "bound": result.bound, "gap": result.gap,
                   "runtime": result.runtime,
                   "objectives": {str(k): v for k, v in result.objectives.items()},
                   "summary": [str(x) for x in summary],
                   "explanation": [str(x) for x in result.explanation],
                   "warnings": [str(x) for x in result.warnings], "written": written,
                   "violations": [],
                   "replan": {**info, "tables": [_table(n, df) for n, df in (
                       (tr("Changes"), changes_df), (tr("Events"), events_df))]}})
    except Exception as exc:  # every failure is said on the page, never a silent hang
        queue.put(job_error(exc))


def duties_run(job: Mapping[str, Any]) -> dict[str, Any]:
    """``roster duties`` for the page: ``job`` has ``workbook``, ``roster``, ``out``, ``lang``.
    Returns ``{"ok": True, "tables" (概览, then one per center and quarter), "summary",
    "broken" (rule violations of the independent duty checker), "notes", "ics": [[file,
    label]]}`` or ``{"ok": False, "message", "issues"}``."""
    from assignments.roster import read_roster
    from assignments.roster.duties import check_duties, duty_plan, duty_tables, write_duties
    from assignments.roster.rules import label

    lang = job["lang"]
    with use_lang(lang):
        try:
            data = read_roster(Path(job["workbook"]))
            plan = duty_plan(data, _rotations(data, Path(job["roster"])))
            out = Path(job["out"])
            write_duties(data, plan, out, lang=lang)
            tables = duty_tables(data, plan, lang=lang)
        except InputError as exc:
            return {"ok": False, "message": str(exc), "issues": issue_rows(exc)}
        except (UserError, ValueError) as exc:
            return {"ok": False, "message": str(exc), "issues": []}
        summary = tr("{rotations} rotations, {teaching} teaching sessions, {rounds} ward "
                     "rounds, {later} moved later and {earlier} earlier off holidays",
                     rotations=len(plan.rotations),
                     teaching=sum(d.kind == "teaching" for d in plan.duties),
                     rounds=sum(d.kind == "rounds" for d in plan.duties),
                     later=sum(d.day > d.target for d in plan.duties),
                     earlier=sum(d.day < d.target for d in plan.duties))
        broken = [tr("Rule broken: [{rule}] {message}", rule=label(v.rule, lang),
                     message=v.message) for v in check_duties(data, plan)]
        staff = {s.id: s.label for s in data.staff}
        ics = [[p.name, f"{p.stem.split('_')[0]} {staff.get(p.stem.split('_')[0], '')}".strip()]
               for p in sorted((out / "ics").glob("*.ics"))]
        return {"ok": True, "tables": [_table(n, df) for n, df in tables.items()],
                "summary": summary, "broken": broken,
                "notes": [str(x) for x in [*plan.notes, *data.calendar.warnings]],
                "ics": ics, "xlsx": str(out / "duties.xlsx")}


def ledger_run(job: Mapping[str, Any]) -> dict[str, Any]:
    """``roster ledger`` for the page: ``job`` has ``workbook``, ``roster``, ``logs`` (or
    None), ``events`` (paths), ``as_of`` (the assessment date, text or empty), ``out``,
    ``lang``. Returns ``{"ok": True, "tables" (every view, 核对 last), "totals": [lines]}`` or
    ``{"ok": False, "message", "issues"}``; views that do not reconcile are an error (a bug,
    never a user mistake), as in the command."""
    from assignments.roster import read_roster
    from assignments.roster.assess import assess, read_logs
    from assignments.roster.events import read_events
    from assignments.roster.ledger import EntryKind, build_ledger, write_ledger

    lang = job["lang"]
    with use_lang(lang):
        try:
            data = read_roster(Path(job["workbook"]))
            rotations = _rotations(data, Path(job["roster"]))
            assessment = None
            if job.get("logs"):
                assessment = assess(data, read_logs(Path(job["logs"]), data), rotations,
                                    as_of=parse_day(job.get("as_of")))
            log = read_events([Path(p) for p in job.get("events", [])], data)
            ledger = build_ledger(data, rotations, assessment=assessment, events=log)
            problems = ledger.reconcile()
            if problems:
                raise RuntimeError("the ledger views do not reconcile: " + "; ".join(problems))
            out = Path(job["out"])
            write_ledger(ledger, out, lang=lang)
            views = ledger.views(lang=lang)
        except InputError as exc:
            return {"ok": False, "message": str(exc), "issues": issue_rows(exc)}
        except (UserError, ValueError) as exc:
            return {"ok": False, "message": str(exc), "issues": []}
        totals = [f"{k.label(lang)}: {ledger.total(k):,}" for k in EntryKind if ledger.total(k)]
        totals.append(tr("Total (yuan): {total}   all views reconcile",
                         total=f"{ledger.total():,}"))
        return {"ok": True, "tables": [_table(n, df) for n, df in views.items()],
                "totals": totals, "xlsx": str(out / "ledger.xlsx")}


def zip_ics(folder: Path, target: Path) -> Path:
    """The ``ics/`` folder of a duties run as one zip (``ics/<工号>_<姓名>.ics``)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted((folder / "ics").glob("*.ics")):
            zf.write(p, f"ics/{p.name}")
    return target


def add_to_zip(target: Path, ops: Path, previous: Sequence[Path] = ()) -> Path:
    """Add the operations' files to a result zip: every file of ``ops`` (uploaded events,
    logs and roster under ``ops/input/``; ``ops/assess``, ``ops/duties``, ``ops/ledger``)
    and each earlier plan a re-plan replaced under ``previous/<folder>/``."""
    with zipfile.ZipFile(target, "a", zipfile.ZIP_DEFLATED) as zf:
        have = set(zf.namelist())
        for root, prefix in [(ops, "ops"), *((p, f"previous/{p.name}") for p in previous)]:
            if not root.is_dir():
                continue
            for p in sorted(root.rglob("*")):
                name = f"{prefix}/{p.relative_to(root).as_posix()}"
                if p.is_file() and not p.name.startswith(".") and name not in have:
                    zf.write(p, name)
    return target
