"""The roster page's operations section (section 6): what the medical affairs office does
during the programme, in the browser — as ``docs/roster_operations.md`` does it with
``assignments roster assess|replan|duties|ledger``.

It appears once a clean workbook is uploaded and works on the **current roster**: the plan
solved above, a published ``roster.xlsx`` uploaded here, or the last re-plan. Events and
activity logs are uploaded and checked as the main workbook is (every problem located:
sheet, row, column, record, message). The re-plan runs in a worker process through the page's
job machinery (one solve at a time on the machine, progress and cancel in section 3); its
roster becomes the current plan, shown above with the diff against the previous one. The
assessment, duties and ledger are quick (no solver) and run in a thread. Everything they
write is in the page's "download everything" zip (``ops/``, earlier plans under
``previous/``).
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import sys
from pathlib import Path
from typing import Any

from nicegui import events, run, ui

from assignments.core.i18n import tr
from assignments.web.common import MAX_UPLOAD_MB, _issue_columns, _row_of, _status_text
from assignments.web.ops_worker import (
    add_to_zip,
    assess_run,
    check_ops_file,
    duties_run,
    frozen_preview,
    ledger_run,
    plan_json,
    replan_job,
    write_ops_template,
    zip_ics,
)
from assignments.web.worker import unpack_upload, zip_folder

__all__ = ["RosterOps"]


def _ui_table(table: dict[str, Any], marker: str) -> Any:
    cols = [{"name": f"c{i}", "label": c, "field": f"c{i}", "align": "left"}
            for i, c in enumerate(table["columns"])]
    rows = [{f"c{i}": v for i, v in enumerate(r)} | {"_k": k}
            for k, r in enumerate(table["rows"])]
    return ui.table(columns=cols, rows=rows, row_key="_k", pagination=25).classes(
        "w-full ops-table").mark(marker)


def _tabbed(tables: list[dict[str, Any]], marker: str) -> None:
    """Tables in tabs, one per sheet (the first shown)."""
    if not tables:
        return
    with ui.tabs().classes("w-full") as tabs:
        tab_objs = [ui.tab(t["name"]) for t in tables]
    with ui.tab_panels(tabs, value=tab_objs[0]).classes("w-full"):
        for tab, t in zip(tab_objs, tables, strict=True):
            with ui.tab_panel(tab):
                _ui_table(t, marker)


class RosterOps:
    """Section 6 of one roster page visit."""

    def __init__(self, page: Any) -> None:  # a web.app.ModelPage (not imported: no cycle)
        self.page = page
        # the page's own module, for the one running job (``_RUNNING``): a test harness that
        # re-imports the app module gets the same list as the page
        self.app: Any = sys.modules[type(page).__module__]
        self.s = page.s
        self.lang = page.lang
        self.folder = self.s.folder / "ops"
        self.upload_key: Path | None = None  # the upload the section was built for
        self.roster: Path | None = None  # the current roster.xlsx
        self.roster_from = ""  # which it is, for people
        self.seen_out: Path | None = None
        self.files: dict[str, Path | None] = {"events": None, "logs": None}
        self.redispatch: Path | None = None  # the assessment's redispatch_events.xlsx
        self.previous_plans: list[Path] = []
        self.pending: dict[str, Any] | None = None  # the page's plan while a re-plan runs
        self.card = ui.card().classes("w-full").mark("ops")
        self.card.visible = False
        ui.timer(0.3, self.watch)

    # ---------------------------------------------------------------- state

    def watch(self) -> None:
        """Follow the page: (re)build on a new clean upload, take each new plan as the current
        roster, and finish a re-plan when its job has ended."""
        s = self.s
        if not s.clean or s.workbook is None:
            self.card.visible = False
            return
        wb = s.workbook
        if wb.parent.name.startswith("upload-") and wb != self.upload_key:
            self.upload_key = wb
            self.reset()
        self.card.visible = True
        if self.pending is not None:
            self.ops_progress.text = self.page.progress_label.text
            if self.page._mine() is None:
                self.finish_replan()
            return
        r = s.result
        if r is not None and r.get("has_solution") and s.out is not None and \
                s.out != self.seen_out and (s.out / "roster.xlsx").exists():
            self.seen_out = s.out
            self.set_roster(s.out / "roster.xlsx",
                            tr("the re-planned roster ({folder})", lang=self.lang,
                               folder=s.out.name) if r.get("replan") else
                            tr("the plan solved above ({folder})", lang=self.lang,
                               folder=s.out.name))

    def set_roster(self, path: Path, source: str) -> None:
        self.roster = path
        self.roster_from = source
        self.roster_label.text = tr("Current roster: {source}", lang=self.lang, source=source)
        self.roster_label.classes(replace="font-bold text-green-800")

    def reset(self) -> None:
        self.roster, self.roster_from, self.seen_out = None, "", None
        self.files = {"events": None, "logs": None}
        self.redispatch = None
        self.previous_plans = []
        self.card.clear()
        with self.card:
            self.build()

    # ---------------------------------------------------------------- layout

    def build(self) -> None:
        lang = self.lang
        ui.label(tr("6. During the programme: events, assessment, re-plan, duties, ledger",
                    lang=lang)).classes("text-lg font-bold")
        ui.label(tr("Work on the current roster: the plan solved above, or a published "
                    "roster.xlsx uploaded here. A re-planned roster becomes the current "
                    "roster.", lang=lang)).classes("text-sm")
        self.roster_label = ui.label(tr("Current roster: none yet — solve above, or upload a "
                                        "published roster.xlsx.", lang=lang)
                                     ).classes("font-bold text-gray-700").mark("ops-roster")
        self.statuses: dict[str, Any] = {}
        self.issue_tables: dict[str, Any] = {}
        with ui.row().classes("w-full gap-4 items-start"):
            for kind in ("roster", "events", "logs"):
                with ui.column().classes("gap-1"):
                    self._upload(kind)
        ui.separator()
        self._assess_part()
        ui.separator()
        self._replan_part()
        ui.separator()
        self._duties_part()
        ui.separator()
        self._ledger_part()
        ui.separator()
        ui.button(tr("Download everything of this section (zip)", lang=lang), icon="archive",
                  on_click=self.download_all).props("flat").mark("ops-zip")

    def _upload(self, kind: str) -> None:
        lang = self.lang
        title = {"roster": tr("Published roster (roster.xlsx, sheet 排班)", lang=lang),
                 "events": tr("Events (sheet 事件)", lang=lang),
                 "logs": tr("Activity logs (sheets 授课, 查房, 考勤, 请假)", lang=lang)}[kind]
        ui.label(title).classes("font-bold")
        if kind != "roster":
            ui.button(tr("Download the empty workbook", lang=lang), icon="download",
                      on_click=lambda: self.template(kind)).props("flat dense").mark(
                f"ops-template-{kind}")

        async def handler(e: events.UploadEventArguments) -> None:
            await self.accept(kind, e.file.name, await e.file.read())

        ui.upload(on_upload=handler, auto_upload=True, max_file_size=MAX_UPLOAD_MB * 1024 * 1024,
                  on_rejected=self.page.rejected, label=tr("Choose or drop a file", lang=lang)
                  ).props('accept=".xlsx,.xls,.zip,.json,.yaml,.yml"').classes(
            f"w-72 ops-upload-{kind}").mark(f"ops-upload-{kind}")
        self.statuses[kind] = ui.label("").classes("text-sm").mark(f"ops-status-{kind}")
        table = ui.table(columns=_issue_columns(lang), rows=[], row_key="n",
                         pagination=10).classes("w-full issues").mark(f"ops-issues-{kind}")
        table.visible = False
        table.on("rowClick", lambda e: self.show_row(kind, e))
        self.issue_tables[kind] = table

    async def template(self, kind: str) -> None:
        target = self.folder / "templates" / f"{kind}_template.xlsx"
        target.parent.mkdir(parents=True, exist_ok=True)
        await run.io_bound(write_ops_template, kind, target, self.lang)
        ui.download.content(target.read_bytes(), target.name)

    async def accept(self, kind: str, name: str, content: bytes) -> None:
        lang = self.lang
        status, table = self.statuses[kind], self.issue_tables[kind]
        workbook = self.s.workbook
        assert workbook is not None
        status.text = tr("Reading {name} ...", lang=lang, name=name)
        folder = self.folder / "input" / kind
        with contextlib.suppress(FileNotFoundError):
            for old in folder.iterdir():  # one file of each kind: the newest replaces it
                if old.is_file():
                    old.unlink()
        checked: dict[str, Any]
        try:
            path = unpack_upload(name, content, folder)
            checked = await run.io_bound(check_ops_file, kind, workbook, path,
                                         lang) or {}
        except Exception as exc:  # an unreadable zip, say
            checked = {"ok": False, "issues": [{"n": 1, "sheet": "", "row": "", "column": "",
                                                "record": "", "message": str(exc)}]}
            path = folder / name
        table.rows = checked.get("issues", [])
        table.visible = not checked["ok"]
        table.update()
        if not checked["ok"]:
            if kind in self.files:
                self.files[kind] = None
            status.text = tr("{name}: {n} problem(s) to fix (click a row to see it in the "
                             "file); the file is not used.", lang=lang, name=name,
                             n=len(table.rows))
            status.classes(replace="text-sm text-red-800")
            return
        status.text = tr("{name}: no problems found ({summary}).", lang=lang, name=name,
                         summary=checked["summary"])
        for w in checked.get("warnings", []):
            status.text += " " + tr("Warning: {text}", lang=lang, text=w)
        status.classes(replace="text-sm text-green-800")
        if kind == "roster":
            self.seen_out = self.s.out
            self.set_roster(path, tr("uploaded {name}", lang=lang, name=name))
        else:
            self.files[kind] = path
        if kind == "events":
            await self.preview()

    async def show_row(self, kind: str, e: events.GenericEventArguments) -> None:
        row = e.args[1] if isinstance(e.args, list) and len(e.args) > 1 else {}
        path = self.files.get(kind) if kind != "roster" else self.roster
        cells: list[tuple[str, str]] = []
        folder = self.folder / "input" / kind
        files = [p for p in folder.glob("*.xlsx")] if folder.is_dir() else []
        path = path or (files[0] if files else None)
        if path is not None and path.suffix.lower() == ".xlsx" and row.get("sheet") and \
                isinstance(row.get("row"), int):
            with contextlib.suppress(Exception):
                cells = await run.io_bound(_row_of, path, row["sheet"], row["row"]) or []
        with ui.dialog() as dialog, ui.card():
            ui.label(tr("Sheet {sheet}, row {row}", lang=self.lang, sheet=row.get("sheet", ""),
                        row=row.get("row", ""))).classes("font-bold")
            ui.label(str(row.get("message", "")))
            if cells:
                ui.table(columns=[{"name": "h", "label": tr("Column", lang=self.lang),
                                   "field": "h", "align": "left"},
                                  {"name": "v", "label": tr("Value", lang=self.lang),
                                   "field": "v", "align": "left"}],
                         rows=[{"h": h, "v": v} for h, v in cells], row_key="h")
            ui.button(tr("Close", lang=self.lang), on_click=dialog.close)
        dialog.open()

    def _need_roster(self, note: Any) -> bool:
        if self.roster is None:
            note.text = tr("No roster yet: solve above, or upload a published roster.xlsx.",
                           lang=self.lang)
            note.classes(replace="text-red-800")
            return False
        return True

    def _failed(self, note: Any, box: Any, out: dict[str, Any]) -> None:
        note.text = tr("Not done: {message}", lang=self.lang, message=out.get("message", ""))
        note.classes(replace="text-red-800")
        if out.get("issues"):
            with box:
                ui.table(columns=_issue_columns(self.lang), rows=out["issues"], row_key="n"
                         ).classes("w-full issues")

    def _done(self, note: Any) -> None:
        note.text = tr("Done, on {source}.", lang=self.lang, source=self.roster_from)
        note.classes(replace="text-green-800")

    # ---------------------------------------------------------------- assessment

    def _assess_part(self) -> None:
        lang = self.lang
        ui.label(tr("Assessment (考核)", lang=lang)).classes("font-bold")
        ui.label(tr("The activity logs of each rotation against the three items (teaching, "
                    "ward rounds, attendance): deductions, the appraisal form, re-dispatch and "
                    "the department's fine. Rotations that have ended by the assessment date "
                    "(default: the latest date in the logs) are assessed.", lang=lang)
                 ).classes("text-sm")
        with ui.row().classes("items-end gap-2"):
            self.assess_date = ui.input(tr("Assessment date (optional)", lang=lang),
                                        placeholder="2027-04-02").classes("w-48").mark(
                "ops-assess-date")
            ui.button(tr("Assess", lang=lang), icon="fact_check", on_click=self.assess
                      ).mark("ops-assess")
        self.assess_note = ui.label("").mark("ops-assess-note")
        self.assess_box = ui.column().classes("w-full").mark("ops-assess-out")

    async def assess(self) -> None:
        lang = self.lang
        note, box = self.assess_note, self.assess_box
        box.clear()
        if not self._need_roster(note):
            return
        if self.files["logs"] is None:
            note.text = tr("Upload the activity logs first.", lang=lang)
            note.classes(replace="text-red-800")
            return
        note.text = tr("Assessing ...", lang=lang)
        out = await run.io_bound(assess_run, {
            "workbook": str(self.s.workbook), "logs": str(self.files["logs"]),
            "roster": str(self.roster), "as_of": self.assess_date.value or "",
            "out": str(self.folder / "assess"), "lang": lang}) or {}
        if not out.get("ok"):
            self._failed(note, box, out)
            return
        self._done(note)
        self.redispatch = Path(out["events"]) if out["redispatch"] else None
        with box:
            for line in out["summary"]:
                ui.label(line).classes("font-mono text-sm whitespace-pre-wrap")
            _tabbed(out["tables"], "ops-assess-table")
            if out["notes"]:
                ui.label(tr("Notes (说明)", lang=lang)).classes("font-bold")
                for line in out["notes"]:
                    ui.label(line).classes("text-sm").mark("ops-assess-notes")
            if out["redispatch"]:
                ui.label(tr("{n} re-dispatched: their 重新下乡 events are offered to the "
                            "re-plan below.", lang=lang, n=out["redispatch"])).classes(
                    "text-amber-800").mark("ops-redispatch")
            xlsx = Path(out["xlsx"])
            ui.button(tr("Download {name}", lang=lang, name=xlsx.name), icon="download",
                      on_click=lambda: ui.download.content(xlsx.read_bytes(), xlsx.name)
                      ).props("flat").mark("ops-assess-xlsx")
        self.use_redispatch.value = self.redispatch is not None
        self.use_redispatch.visible = self.redispatch is not None
        await self.preview()

    # ---------------------------------------------------------------- re-plan

    def _replan_part(self) -> None:
        lang = self.lang
        ui.label(tr("Re-plan (重排) with frozen quarters", lang=lang)).classes("font-bold")
        ui.label(tr("The current roster is re-planned after the events: every quarter started "
                    "by the re-planning date and the announced ones after it are kept exactly "
                    "as published (rule R9); the fewest changes elsewhere, each with its "
                    "cause. It uses the time limit, seed and engine of section 3, and shows "
                    "its progress there (cancel keeps the best roster found so far).",
                    lang=lang)).classes("text-sm")
        with ui.row().classes("items-end gap-2"):
            self.replan_date = ui.input(tr("Re-planning date (optional)", lang=lang),
                                        placeholder="2027-03-29",
                                        on_change=self.preview).classes("w-48").mark(
                "ops-replan-date")
            self.horizon = ui.number(tr("Announced quarters (optional)", lang=lang), min=0,
                                     max=8, step=1, on_change=self.preview
                                     ).classes("w-48").mark("ops-horizon")
            self.use_redispatch = ui.checkbox(tr("with the assessment's re-dispatch events",
                                                 lang=lang), value=False,
                                              on_change=self.preview).mark("ops-use-redispatch")
            self.use_redispatch.visible = False
        self.frozen_label = ui.label("").classes("text-sm").mark("ops-frozen")
        with ui.row():
            self.replan_btn = ui.button(tr("Re-plan", lang=lang), icon="event_repeat",
                                        on_click=self.replan).mark("ops-replan")
            ui.button(tr("Stop the re-plan", lang=lang), icon="stop", color="red",
                      on_click=self.page.cancel).props("flat").mark("ops-cancel")
        self.ops_progress = ui.label("").classes("font-mono text-sm").mark("ops-progress")
        self.replan_note = ui.label("").mark("ops-replan-note")
        self.replan_box = ui.column().classes("w-full").mark("ops-replan-out")

    def _events(self) -> list[Path]:
        out = [p for p in [self.files["events"]] if p is not None]
        if self.redispatch is not None and self.use_redispatch.value:
            out.append(self.redispatch)
        return out

    def _horizon(self) -> int | None:
        v = self.horizon.value
        return None if v in (None, "") else int(v)

    def _join(self, quarters: list[str]) -> str:
        if not quarters:
            return tr("none", lang=self.lang)
        return ("、" if self.lang == "zh" else ", ").join(quarters)

    async def preview(self) -> None:
        """Which quarters a re-plan now would freeze (shown before it runs)."""
        lang = self.lang
        if self.s.workbook is None:
            return
        p = await run.io_bound(frozen_preview, self.s.workbook, self._events(),
                               self.replan_date.value or "", self._horizon(), lang) or {}
        if "error" in p:
            self.frozen_label.text = p["error"]
            self.frozen_label.classes(replace="text-sm text-red-800")
            return
        frozen = self._join(p["frozen"])
        self.frozen_label.text = tr(
            "Re-planning date {date} ({source}): frozen quarters {frozen} (started, and "
            "{announce} announced); open from {open}.", lang=lang, date=p["as_of"],
            source=p["source"], frozen=frozen, announce=p["announce"],
            open=p["open"] or tr("none", lang=lang))
        self.frozen_label.classes(replace="text-sm")

    async def replan(self) -> None:
        lang = self.lang
        page, s = self.page, self.s
        note = self.replan_note
        self.replan_box.clear()
        if not self._need_roster(note):
            return
        if self.app._running() is not None:
            note.text = tr("Another solve is running on this computer; wait for it to end or "
                           "cancel it, then solve again.", lang=lang)
            note.classes(replace="text-red-800")
            ui.notify(note.text, type="warning")
            return
        assert self.roster is not None and s.workbook is not None
        try:
            previous = await run.io_bound(plan_json, s.workbook, self.roster) or {}
        except Exception as exc:
            note.text = tr("Not done: {message}", lang=lang, message=str(exc))
            return
        if self.app._running() is not None:  # started meanwhile
            return
        s.runs += 1
        out = s.folder / f"replan-{s.runs}"
        job = {"workbook": str(s.workbook), "published": str(self.roster),
               "events": [str(p) for p in self._events()],
               "as_of": self.replan_date.value or "", "horizon": self._horizon(),
               "out": str(out), "lang": lang,
               "time_limit": float(page.time_limit.value or 30),
               "seed": int(page.seed.value or 0), "workers": 2, "engine": page.engine.value}
        ctx = mp.get_context("spawn")
        queue, stop = ctx.Queue(), ctx.Event()
        proc = ctx.Process(target=replan_job, args=(job, queue, stop), daemon=True,
                           name="assignments-web-replan")
        proc.start()
        # the page's poll follows it as a solve: progress, cancel, then the result with the
        # diff against ``previous``; :meth:`finish_replan` takes it up afterwards
        self.app._RUNNING.append(self.app._Job(s, proc, queue, stop, kind="replan"))
        self.pending = {"out": s.out, "result": s.result, "previous": s.previous,
                        "solved_input": s.solved_input, "roster": self.roster,
                        "from": self.roster_from}
        s.previous = previous
        s.out = out
        s.solved_input = s.workbook
        s.progress = {}
        page.solve_btn.disable()
        page.cancel_btn.enable()
        page.bar.visible = True
        page.bar.value = 0
        page.solve_note.text = tr("Re-planning (at most {s} s) ...", lang=lang,
                                  s=f"{job['time_limit']:g}")
        page.progress_label.text = tr("Starting the solver ...", lang=lang)
        note.text = page.solve_note.text
        note.classes(replace="")

    def finish_replan(self) -> None:
        lang = self.lang
        s, pending = self.s, self.pending
        assert pending is not None
        self.pending = None
        self.ops_progress.text = ""
        r = s.result
        note, box = self.replan_note, self.replan_box
        if r is not None and r.get("has_solution") and r.get("replan"):
            info = r["replan"]
            if pending["out"] is not None and pending["out"].is_dir():
                self.previous_plans.append(pending["out"])
            self.seen_out = s.out
            assert s.out is not None
            self.set_roster(s.out / "roster.xlsx", tr("the re-planned roster ({folder})",
                                                      lang=lang, folder=s.out.name))
            status = _status_text(r["status"], lang)
            if r.get("stopped"):
                status += " — " + tr("stopped by you: the best plan found so far (checked), "
                                     "not necessarily the best there is", lang=lang)
            note.text = tr("Re-planned: {status}. The plan above is now the re-planned "
                           "roster, compared with the previous one.", lang=lang, status=status)
            note.classes(replace="text-green-800")
            with box:
                ui.label(tr("Re-planning date {date}: frozen quarters {frozen} (kept as "
                            "published).", lang=lang, date=info["as_of"],
                            frozen=self._join(info["frozen_quarters"]))
                         ).classes("font-bold").mark("ops-replan-frozen")
                ui.label(tr("{n} change(s), each with the event that caused it:", lang=lang,
                            n=len(info["changes"]))).mark("ops-n-changes")
                for t, marker in zip(info["tables"], ("ops-changes", "ops-events-table"),
                                     strict=False):
                    ui.label(t["name"]).classes("font-bold")
                    _ui_table(t, marker)
            return
        # no new roster: the previous plan stays the current one
        if r is not None:
            note.text = tr("No re-planned roster: {status}.", lang=lang,
                           status=_status_text(r["status"], lang))
            lines = [*r.get("summary", []), *r.get("explanation", [])]
        else:
            note.text = tr("The re-plan failed: {message}", lang=lang, message=s.error or "")
            lines = []
        note.classes(replace="text-red-800")
        with box:
            for line in lines:
                ui.label(line).classes("font-mono text-sm whitespace-pre-wrap")
        s.out, s.result = pending["out"], pending["result"]
        s.previous, s.solved_input = pending["previous"], pending["solved_input"]
        s.error = None
        self.seen_out = s.out
        self.roster, self.roster_from = pending["roster"], pending["from"]
        if s.result is not None and s.out is not None:
            self.page.show_result()
        else:
            self.page.result_card.visible = False

    # ---------------------------------------------------------------- duties

    def _duties_part(self) -> None:
        lang = self.lang
        ui.label(tr("Duties (授课, 查房) and calendars", lang=lang)).classes("font-bold")
        ui.label(tr("Teaching every 14 days and a ward round every week, on working days, for "
                    "every rotation of the current roster; one .ics calendar file per person "
                    "(import it into a phone or Outlook calendar).", lang=lang)
                 ).classes("text-sm")
        ui.button(tr("Plan the duties", lang=lang), icon="event", on_click=self.duties
                  ).mark("ops-duties")
        self.duties_note = ui.label("").mark("ops-duties-note")
        self.duties_box = ui.column().classes("w-full").mark("ops-duties-out")

    async def duties(self) -> None:
        lang = self.lang
        note, box = self.duties_note, self.duties_box
        box.clear()
        if not self._need_roster(note):
            return
        folder = self.folder / "duties"
        out = await run.io_bound(duties_run, {
            "workbook": str(self.s.workbook), "roster": str(self.roster), "out": str(folder),
            "lang": lang}) or {}
        if not out.get("ok"):
            self._failed(note, box, out)
            return
        self._done(note)
        with box:
            ui.label(out["summary"]).mark("ops-duties-summary")
            for line in out["broken"]:
                ui.label(line).classes("text-red-800")
            for line in out["notes"]:
                ui.label(tr("Warning: {text}", lang=lang, text=line)).classes(
                    "text-amber-800 text-sm")
            with ui.row().classes("items-end gap-2"):
                async def all_ics() -> None:
                    target = self.folder / "ics.zip"
                    await run.io_bound(zip_ics, folder, target)
                    ui.download.content(target.read_bytes(), "ics.zip")

                ui.button(tr("Download every calendar (.ics, zip)", lang=lang),
                          icon="calendar_month", on_click=all_ics).mark("ops-ics-zip")
                person = ui.select({f: lb for f, lb in out["ics"]},
                                   label=tr("One person's calendar", lang=lang),
                                   with_input=True).classes("w-56").mark("ops-ics-person")

                def one() -> None:
                    if person.value:
                        p = folder / "ics" / str(person.value)
                        ui.download.content(p.read_bytes(), p.name)

                ui.button(tr("Download", lang=lang), icon="download", on_click=one
                          ).props("flat").mark("ops-ics-one")
                xlsx = Path(out["xlsx"])
                ui.button(tr("Download {name}", lang=lang, name=xlsx.name), icon="download",
                          on_click=lambda: ui.download.content(xlsx.read_bytes(), xlsx.name)
                          ).props("flat").mark("ops-duties-xlsx")
            _tabbed(out["tables"], "ops-duties-table")

    # ---------------------------------------------------------------- ledger

    def _ledger_part(self) -> None:
        lang = self.lang
        ui.label(tr("Ledger (费用台账)", lang=lang)).classes("font-bold")
        ui.label(tr("Subsidies, deductions (from the logs, assessed on the assessment date "
                    "above), rewards, re-dispatch, refusal and recall fines (from the events) of "
                    "the current roster, per person, department, quarter and year; every view "
                    "adds up to the same total (核对).", lang=lang)).classes("text-sm")
        ui.button(tr("Build the ledger", lang=lang), icon="account_balance",
                  on_click=self.ledger).mark("ops-ledger")
        self.ledger_note = ui.label("").mark("ops-ledger-note")
        self.ledger_box = ui.column().classes("w-full").mark("ops-ledger-out")

    async def ledger(self) -> None:
        lang = self.lang
        note, box = self.ledger_note, self.ledger_box
        box.clear()
        if not self._need_roster(note):
            return
        out = await run.io_bound(ledger_run, {
            "workbook": str(self.s.workbook), "roster": str(self.roster),
            "logs": str(self.files["logs"]) if self.files["logs"] else None,
            "events": [str(self.files["events"])] if self.files["events"] else [],
            "as_of": self.assess_date.value or "", "out": str(self.folder / "ledger"),
            "lang": lang}) or {}
        if not out.get("ok"):
            self._failed(note, box, out)
            return
        self._done(note)
        with box:
            for line in out["totals"]:
                ui.label(line).classes("font-mono text-sm").mark("ops-ledger-totals")
            xlsx = Path(out["xlsx"])
            ui.button(tr("Download {name}", lang=lang, name=xlsx.name), icon="download",
                      on_click=lambda: ui.download.content(xlsx.read_bytes(), xlsx.name)
                      ).props("flat").mark("ops-ledger-xlsx")
            _tabbed(out["tables"], "ops-ledger-table")

    # ---------------------------------------------------------------- downloads

    def add_to_zip(self, target: Path) -> Path:
        """Add this section's files to the page's result zip (``ops/``, ``previous/``)."""
        return add_to_zip(target, self.folder, self.previous_plans)

    async def download_all(self) -> None:
        target = self.s.folder / "operations.zip"
        out = self.s.out if self.s.out is not None and self.s.out.is_dir() else None

        def make() -> Path:
            if out is not None:
                zip_folder(out, target, self.s.solved_input)
            else:
                target.unlink(missing_ok=True)
                import zipfile

                zipfile.ZipFile(target, "w").close()
            return self.add_to_zip(target)

        await run.io_bound(make)
        ui.download.content(target.read_bytes(), target.name)
