"""The pages of ``assignments web`` (NiceGUI): a home page and one page per model.

A model page (``/roster``, ``/mentoring``, ``/funding``; ``?lang=en`` for English) has four
parts: **start** (the template, or the shipped example in one click), **upload** (the file is
read by the model's reader; every problem is listed, located, and nothing can be solved until
the file is clean), **solve** (time limit, seed, preset; the engine under "advanced"; live
progress; cancel) and **result** (the checker's verdict, the summary and explanations, every
table the CLI writes, the plots, everything as one zip).

Each page visit owns a session folder inside one temporary folder of the server (uploads,
results); the whole temporary folder is removed when the server stops. One solve runs at a
time on the machine (a second one is refused with a message): solves are CPU-bound and the
offices' machines are small.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nicegui import app as ng_app
from nicegui import events, run, ui

from assignments.core.errors import InputError
from assignments.core.i18n import tr
from assignments.web.common import MAX_UPLOAD_MB, _issue_columns, _row_of, _status_text
from assignments.web.worker import (
    MODELS,
    apply_whatif,
    check_upload,
    choices,
    issue_rows,
    plan_diff,
    scenario_job,
    solve_job,
    unpack_upload,
    write_template,
    zip_folder,
)

__all__ = ["MAX_UPLOAD_MB", "build", "examples_dir"]

_TMP: list[Path] = []


def _tmp_root() -> Path:
    """The server's one temporary folder (made at first use, removed when the server stops)."""
    if not _TMP or not _TMP[0].exists():
        _TMP[:] = [Path(tempfile.mkdtemp(prefix="assignments-web-"))]
    return _TMP[0]


def _remove_tmp() -> None:
    _stop_running()
    for p in _TMP:
        shutil.rmtree(p, ignore_errors=True)
    _TMP.clear()


def examples_dir() -> Path | None:
    """The repository's ``instances/`` folder (the shipped examples), when present."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "instances"
        if (cand / "roster" / "tiny.xlsx").exists():
            return cand
    return None


def _title(model: str, lang: str) -> str:
    return {"roster": tr("Rotation roster", lang=lang),
            "mentoring": tr("Mentor pairing", lang=lang),
            "funding": tr("Fund allocation", lang=lang)}[model]


def _office(model: str, lang: str) -> str:
    return {"roster": tr("For a hospital's medical affairs office: who goes to which township "
                         "health center in which quarter.", lang=lang),
            "mentoring": tr("For an education bureau: which experienced teacher mentors which "
                            "new teacher.", lang=lang),
            "funding": tr("For a county office: which projects are funded, from which "
                          "source, in which quarter.", lang=lang)}[model]


def _level_text(model: str, level: str, lang: str) -> str:
    """The objective level a progress report names, as the model's reports name it (the
    engines report their level's key: ``idle``, ``order``, ``check``)."""
    if level in ("done", "check"):
        return tr("checking the plan", lang=lang)
    with contextlib.suppress(Exception):
        if model == "funding":
            from assignments.funding.rules import level_label as funding_label

            return funding_label(level, lang)  # a KeyError for a name it does not know
        elif model == "roster":
            from assignments.roster.rules import level_label as roster_label

            return roster_label(level, lang)
    return level


def _fmt(x: Any) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:,.6g}"
    return str(x)


# ------------------------------------------------------------------ the one running solve


@dataclass
class _Job:
    session: Session
    proc: Any
    queue: Any
    stop: Any
    done: bool = False
    kind: str = "solve"  # or "scenarios"


_RUNNING: list[_Job] = []


def _running() -> _Job | None:
    """The solve running on this server, if any (one at a time); a finished job whose page
    is gone is forgotten."""
    for job in list(_RUNNING):
        if job.done or (not job.proc.is_alive() and job.session.gone):
            _RUNNING.remove(job)
    alive = [j for j in _RUNNING if j.proc.is_alive() and not j.done]
    return alive[0] if alive else None


def _job_of(session: Session) -> _Job | None:
    return next((j for j in _RUNNING if j.session is session and not j.done), None)


def _stop_running() -> None:
    for job in _RUNNING:
        with contextlib.suppress(Exception):
            job.stop.set()
            job.proc.join(5)
            if job.proc.is_alive():
                job.proc.terminate()
    _RUNNING.clear()


# ------------------------------------------------------------------ one page visit


@dataclass
class Session:
    """What one page visit holds: its folder, the file uploaded, the results."""

    model: str
    lang: str
    folder: Path = field(init=False)
    workbook: Path | None = None
    clean: bool = False
    runs: int = 0
    out: Path | None = None
    result: dict[str, Any] | None = None
    error: str | None = None
    progress: dict[str, Any] = field(default_factory=dict)
    gone: bool = False
    solved_input: Path | None = None  # the workbook of the last solve (in the zip, input/)
    edits: list[dict[str, Any]] = field(default_factory=list)
    previous: dict[str, Any] | None = None  # result.json of the plan before a what-if

    def __post_init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=f"{self.model}-", dir=_tmp_root()))


def _header(lang: str, here: str) -> None:
    with ui.header().classes("items-center justify-between bg-teal-800"):
        with ui.row().classes("items-center gap-4"):
            ui.link(tr("Planning assistant", lang=lang), f"/?lang={lang}").classes(
                "text-white text-lg font-bold no-underline")
            for m in MODELS:
                link = ui.link(_title(m, lang), f"/{m}?lang={lang}").classes(
                    "text-white no-underline")
                if m == here:
                    link.classes("underline")
        ui.toggle({"zh": "中文", "en": "English"}, value=lang,
                  on_change=lambda e: ui.navigate.to(f"/{here}?lang={e.value}")
                  ).props("dense color=white text-color=teal-9 toggle-color=amber").mark("lang")


def _home(lang: str) -> None:
    _header(lang, "")
    with ui.column().classes("w-full max-w-4xl mx-auto p-4 gap-4"):
        ui.label(tr("Planning assistant", lang=lang)).classes("text-2xl font-bold")
        ui.label(tr("Everything runs on this computer: the files you upload and the results "
                    "stay in a temporary folder that is removed when the program stops.",
                    lang=lang))
        for m in MODELS:
            with ui.card().classes("w-full"):
                ui.link(_title(m, lang), f"/{m}?lang={lang}").classes("text-xl")
                ui.label(_office(m, lang))


class ModelPage:
    """One model's page for one visit."""

    def __init__(self, model: str, lang: str) -> None:
        self.model = model
        self.lang = lang
        self.s = Session(model, lang)
        self.build()

    # ---------------------------------------------------------------- layout

    def build(self) -> None:
        lang = self.lang
        _header(lang, self.model)
        with ui.column().classes("w-full max-w-6xl mx-auto p-4 gap-4"):
            ui.label(_title(self.model, lang)).classes("text-2xl font-bold")
            ui.label(_office(self.model, lang)).classes("text-gray-700")
            with ui.card().classes("w-full"):
                ui.label(tr("1. Start", lang=lang)).classes("text-lg font-bold")
                ui.label(tr("Fill in the empty workbook (every sheet has its headers, notes "
                            "and an example row), or try the shipped example.", lang=lang))
                with ui.row():
                    ui.button(tr("Download the template", lang=lang), icon="download",
                              on_click=self.template).mark("template")
                    if examples_dir() is not None:
                        ui.button(tr("Try the example", lang=lang), icon="play_arrow",
                                  on_click=self.example).mark("example")
            with ui.card().classes("w-full"):
                ui.label(tr("2. Upload", lang=lang)).classes("text-lg font-bold")
                ui.label(tr("A workbook (.xlsx, .xls, .ods, .et), a .zip of CSV files, or .json "
                            "/ .yaml; at most {mb} MB.", lang=lang, mb=MAX_UPLOAD_MB))
                ui.upload(on_upload=self.upload, on_rejected=self.rejected, auto_upload=True,
                          max_file_size=MAX_UPLOAD_MB * 1024 * 1024,
                          label=tr("Choose or drop a file", lang=lang)
                          ).props('accept=".xlsx,.xlsm,.xls,.ods,.et,.zip,.json,.yaml,.yml"').classes(
                    "w-96").mark("upload")
                self.file_label = ui.label("").mark("file-status")
                self.warnings = ui.column()
                self.issues = ui.table(columns=_issue_columns(lang), rows=[], row_key="n",
                                       pagination=20).classes("w-full issues").mark("issues")
                self.issues.visible = False
                self.issues.on("rowClick", self.show_row)
            with ui.card().classes("w-full"):
                ui.label(tr("3. Solve", lang=lang)).classes("text-lg font-bold")
                with ui.row().classes("items-end gap-4"):
                    self.time_limit = ui.number(tr("Time limit (seconds)", lang=lang),
                                                value=30, min=1, max=3600, step=5
                                                ).classes("w-40").mark("time-limit")
                    self.seed = ui.number(tr("Random seed", lang=lang), value=0, min=0,
                                          step=1).classes("w-32").mark("seed")
                    self.preset = ui.select({"default": tr("standard", lang=lang),
                                             "fast": tr("fast", lang=lang),
                                             "quality": tr("thorough", lang=lang)},
                                            value="default", label=tr("Preset", lang=lang)
                                            ).classes("w-40").mark("preset")
                with ui.expansion(tr("Advanced", lang=lang)).classes("w-full"):
                    from assignments.web.worker import _spec

                    engines = list(_spec(self.model).engines)
                    self.engine = ui.select(engines, value=engines[0],
                                            label=tr("Engine", lang=lang)).classes("w-40").mark(
                        "engine")
                with ui.row():
                    self.solve_btn = ui.button(tr("Solve", lang=lang), icon="bolt",
                                               on_click=self.solve).mark("solve")
                    self.cancel_btn = ui.button(tr("Cancel", lang=lang), icon="stop",
                                                color="red", on_click=self.cancel
                                                ).mark("cancel")
                self.solve_btn.disable()
                self.cancel_btn.disable()
                self.solve_note = ui.label(tr("Upload a file without problems first.",
                                              lang=lang)).mark("solve-note")
                self.bar = ui.linear_progress(value=0, show_value=False).classes("w-full")
                self.bar.visible = False
                self.progress_label = ui.label("").classes("font-mono").mark("progress")
            self.result_card = ui.card().classes("w-full")
            self.result_card.visible = False
            self.whatif_card = ui.card().classes("w-full")
            self.whatif_card.visible = False
            self.scen_card = ui.card().classes("w-full")
            self.scen_card.visible = False
            if self.model == "funding":
                with self.scen_card:
                    self._scenario_form()
            self.ops: Any = None  # the roster's operations (section 6)
            if self.model == "roster":
                from assignments.web.roster_ops import RosterOps

                self.ops = RosterOps(self)
        ui.timer(0.3, self.poll)
        with contextlib.suppress(Exception):
            ui.context.client.on_delete(self.closed)

    # ---------------------------------------------------------------- start / upload

    async def template(self) -> None:
        target = self.s.folder / f"{self.model}_template.xlsx"
        await run.io_bound(write_template, self.model, target)
        ui.download.content(target.read_bytes(), target.name)

    async def example(self) -> None:
        folder = examples_dir()
        if folder is None:
            return
        src = folder / self.model / "tiny.xlsx"
        await self.accept(src.name, src.read_bytes(), example=True)

    async def upload(self, e: events.UploadEventArguments) -> None:
        await self.accept(e.file.name, await e.file.read())

    def rejected(self) -> None:
        ui.notify(tr("The file was refused: at most {mb} MB, and one of .xlsx .xls .ods .et .zip "
                     ".json .yaml.", lang=self.lang, mb=MAX_UPLOAD_MB), type="warning")

    async def accept(self, name: str, content: bytes, example: bool = False) -> None:
        lang = self.lang
        self.s.clean = False
        self.solve_btn.disable()
        self.file_label.text = tr("Reading {name} ...", lang=lang, name=name)
        folder = self.s.folder / f"upload-{len(list(self.s.folder.glob('upload-*'))) + 1}"
        checked: dict[str, Any]
        try:
            path = unpack_upload(name, content, folder)
            checked = await run.io_bound(check_upload, self.model, path, lang) or {}
        except InputError as exc:  # a zip refused (a bomb, a member leaving the folder)
            checked = {"ok": False, "issues": issue_rows(exc)}
            path = folder / Path(name).name
        except Exception as exc:  # an unreadable zip, say
            checked = {"ok": False, "issues": [{"n": 1, "sheet": "", "row": "", "column": "",
                                                "record": "", "message": str(exc)}]}
            path = folder / Path(name).name
        self.s.workbook = path
        self.s.edits = []
        self.s.previous = None
        self.whatif_card.visible = False
        self.scen_card.visible = False
        self.warnings.clear()
        if checked["ok"]:
            self.s.clean = True
            self.file_label.text = tr("{name}: no problems found. Ready to solve.", lang=lang,
                                      name=name)
            self.file_label.classes(replace="text-green-800")
            self.issues.rows = []
            self.issues.visible = False
            with self.warnings:
                for w in checked.get("warnings", []):
                    ui.label(tr("Warning: {text}", lang=lang, text=w)).classes("text-amber-800")
            if _running() is None:
                self.solve_btn.enable()
            self.solve_note.text = ""
            if self.model == "funding":
                await self._scenarios_for(path, example)
                self.scen_card.visible = True
        else:
            n = len(checked["issues"])
            self.file_label.text = tr("{name}: {n} problem(s) to fix (click a row to see it in "
                                      "the file). Nothing is solved until the file is clean.",
                                      lang=lang, name=name, n=n)
            self.file_label.classes(replace="text-red-800")
            self.issues.rows = checked["issues"]
            self.issues.visible = True
            self.solve_note.text = tr("Upload a file without problems first.", lang=lang)
        self.issues.update()

    async def show_row(self, e: events.GenericEventArguments) -> None:
        row = e.args[1] if isinstance(e.args, list) and len(e.args) > 1 else {}
        wb = self.s.workbook
        cells: list[tuple[str, str]] = []
        if wb is not None and row.get("sheet") and isinstance(row.get("row"), int):
            with contextlib.suppress(Exception):
                cells = await run.io_bound(_row_of, wb, row["sheet"], row["row"]) or []
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

    # ---------------------------------------------------------------- solve

    def solve(self) -> None:
        lang = self.lang
        if not self.s.clean or self.s.workbook is None:
            self.solve_note.text = tr("Upload a file without problems first.", lang=lang)
            return
        if _running() is not None:
            self.solve_note.text = tr("Another solve is running on this computer; wait for it "
                                      "to end or cancel it, then solve again.", lang=lang)
            ui.notify(self.solve_note.text, type="warning")
            return
        self.s.runs += 1
        out = self.s.folder / f"result-{self.s.runs}"
        job = {"model": self.model, "workbook": str(self.s.workbook), "out": str(out),
               "lang": lang, "time_limit": float(self.time_limit.value or 30),
               "seed": int(self.seed.value or 0), "workers": 2,
               "preset": self.preset.value if self.preset.value != "default" else None,
               "engine": self.engine.value}
        ctx = mp.get_context("spawn")
        queue = ctx.Queue()
        stop = ctx.Event()
        proc = ctx.Process(target=solve_job, args=(job, queue, stop), daemon=True,
                           name=f"assignments-web-{self.model}")
        proc.start()
        _RUNNING.append(_Job(self.s, proc, queue, stop))
        self.s.out = out
        self.s.solved_input = self.s.workbook
        self.s.progress = {}
        self.solve_btn.disable()
        self.cancel_btn.enable()
        self.bar.visible = True
        self.bar.value = 0
        self.solve_note.text = tr("Solving (at most {s} s) ...", lang=lang,
                                  s=_fmt(job["time_limit"]))
        self.progress_label.text = tr("Starting the solver ...", lang=lang)

    def cancel(self) -> None:
        job = _job_of(self.s)
        if job is None:
            return
        job.stop.set()
        self.cancel_btn.disable()
        self.solve_note.text = tr("Cancelling: the best plan found so far is being checked "
                                  "and written ...", lang=self.lang)

    def _mine(self) -> _Job | None:
        return _job_of(self.s)

    def closed(self) -> None:
        """The page was closed: its solve (if any) is stopped; the folder goes with the
        server's temporary folder."""
        self.s.gone = True
        job = _job_of(self.s)
        if job is not None:
            job.stop.set()

    async def poll(self) -> None:
        job = self._mine()
        if job is not None and job.kind == "scenarios":
            self._poll_scenarios(job)
            return
        if job is None:
            if self.s.clean and _running() is None and self.solve_btn.enabled is False and \
                    not self.cancel_btn.enabled:
                self.solve_btn.enable()
            return
        final: dict[str, Any] | None = None
        while True:
            try:
                msg = job.queue.get_nowait()
            except Exception:
                break
            if msg["kind"] == "progress":
                self.s.progress = msg
            else:
                final = msg
        if self.s.progress:
            p = self.s.progress
            gap = "—" if p.get("gap") is None else format(p["gap"], ".2%")
            elapsed = format(p["elapsed"], ".1f")
            self.progress_label.text = tr(
                "level {level} · best {incumbent} · bound {bound} · gap {gap} · {elapsed} s",
                lang=self.lang, level=_level_text(self.model, p["level"], self.lang),
                incumbent=_fmt(p["incumbent"]),
                bound=_fmt(p["bound"]), gap=gap, elapsed=elapsed)
            limit = float(self.time_limit.value or 30)
            self.bar.value = min(1.0, p["elapsed"] / max(limit, 0.1))
        if final is None and not job.proc.is_alive():
            final = {"kind": "error", "message": tr(
                "The solver process ended without an answer (exit code {code}).",
                lang=self.lang, code=job.proc.exitcode)}
        if final is None:
            return
        job.done = True
        with contextlib.suppress(Exception):
            job.proc.join(2)
        self.cancel_btn.disable()
        self.bar.visible = False
        if self.s.clean:
            self.solve_btn.enable()
        if final["kind"] == "error":
            self.s.error = final["message"]
            self.s.result = None
            self.solve_note.text = tr("The solve failed: {message}", lang=self.lang,
                                      message=final["message"])
            if final.get("violations"):
                self.result_card.clear()
                self.result_card.visible = True
                with self.result_card:
                    ui.label(tr("Independent checker: {n} rule(s) broken", lang=self.lang,
                                n=len(final["violations"]))).classes("text-red-800").mark(
                        "verdict")
                    for v in final["violations"]:
                        ui.label(v).classes("text-red-800")
            return
        self.s.result = final
        self.solve_note.text = tr("Done.", lang=self.lang)
        self.show_result()
        await self.show_whatif()

    # ---------------------------------------------------------------- result

    def show_result(self) -> None:
        import pandas as pd

        lang = self.lang
        r = self.s.result
        out = self.s.out
        assert r is not None and out is not None
        card = self.result_card
        card.clear()
        card.visible = True
        with card:
            ui.label(tr("4. Result", lang=lang)).classes("text-lg font-bold")
            status = _status_text(r["status"], lang)
            if r["stopped"]:
                status += " — " + tr("stopped by you: the best plan found so far (checked), "
                                     "not necessarily the best there is", lang=lang)
            ui.label(tr("Status: {status}", lang=lang, status=status)).classes(
                "font-bold").mark("status")
            if r["has_solution"]:
                ui.label(tr("Independent checker: every hard rule holds (checked without "
                            "the solver).", lang=lang)).classes("text-green-800").mark(
                    "verdict")
            for w in r["warnings"]:
                ui.label(tr("Warning: {text}", lang=lang, text=w)).classes(
                    "text-amber-800 text-sm").mark("warning")
            with ui.expansion(tr("Summary and explanations", lang=lang), value=True
                              ).classes("w-full"):
                for line in [*r["summary"]]:
                    ui.label(line).classes("font-mono text-sm whitespace-pre-wrap")
            if self.s.previous is not None and (out / "result.json").exists():
                self._diff(json.loads((out / "result.json").read_text(encoding="utf-8")))
            if not out.exists():
                return
            ui.button(tr("Download everything (zip)", lang=lang), icon="archive",
                      on_click=self.download_zip).mark("zip")
            tables = self._tables(out)
            if tables:
                with ui.tabs().classes("w-full") as tabs:
                    tab_objs = [ui.tab(name) for name, _ in tables]
                with ui.tab_panels(tabs, value=tab_objs[0]).classes("w-full"):
                    for tab, (_name, path) in zip(tab_objs, tables, strict=True):
                        with ui.tab_panel(tab):
                            df = pd.read_csv(path, dtype=str, keep_default_na=False)
                            cols = [{"name": f"c{i}", "label": str(c), "field": f"c{i}",
                                     "align": "left"} for i, c in enumerate(df.columns)]
                            rows = [{f"c{i}": v for i, v in enumerate(rec)} | {"_k": k}
                                    for k, rec in enumerate(df.itertuples(index=False))]
                            ui.table(columns=cols, rows=rows, row_key="_k",
                                     pagination=25).classes("w-full result-table").mark(
                                "result-table")
            for png in sorted(out.glob("*.png")):
                ui.label(png.name).classes("text-sm text-gray-600")
                ui.image(png).classes("w-full max-w-4xl").mark("plot")

    def _diff(self, after: dict[str, Any]) -> None:
        lang = self.lang
        assert self.s.previous is not None
        d = plan_diff(self.model, self.s.previous, after)
        with ui.column().classes("w-full").mark("diff"):
            ui.label(tr("Compared with the previous plan", lang=lang)).classes("font-bold")
            ui.table(columns=[{"name": k, "label": lb, "field": k, "align": "left"}
                              for k, lb in (("level", tr("Objective level", lang=lang)),
                                            ("before", tr("Before", lang=lang)),
                                            ("after", tr("After", lang=lang)))],
                     rows=[{**x, "before": _fmt(x["before"]), "after": _fmt(x["after"])}
                           for x in d["levels"]], row_key="level").mark("diff-levels")
            what = {"roster": tr("Person", lang=lang), "mentoring": tr("Pair", lang=lang),
                    "funding": tr("Project (yuan)", lang=lang)}[self.model]
            if d["changes"]:
                ui.table(columns=[{"name": k, "label": lb, "field": k, "align": "left"}
                                  for k, lb in (("what", what),
                                                ("before", tr("Before", lang=lang)),
                                                ("after", tr("After", lang=lang)))],
                         rows=d["changes"], row_key="what").classes("w-full").mark(
                    "diff-changes")
            else:
                ui.label(tr("The plan did not change.", lang=lang)).mark("diff-none")

    # ---------------------------------------------------------------- what-if

    async def show_whatif(self) -> None:
        lang = self.lang
        card = self.whatif_card
        if self.s.workbook is None or self.s.result is None or not self.s.result["has_solution"]:
            card.visible = False
            return
        try:
            opts = await run.io_bound(choices, self.model, self.s.workbook) or {}
        except Exception:
            card.visible = False
            return
        card.clear()
        card.visible = True
        with card:
            ui.label(tr("5. What if", lang=lang)).classes("text-lg font-bold")
            ui.label(tr("Add changes, re-solve, and see what moved against the plan above. "
                        "The changes are written into a copy of your workbook (download it "
                        "with the results).", lang=lang))
            with ui.row().classes("items-end gap-2"):
                if self.model == "roster":
                    staff = ui.select(dict(opts.get("staff", [])), label=tr("Person", lang=lang),
                                      with_input=True).classes("w-48").mark("wi-a")
                    quarters = sorted({str(x["quarter"]) for x in self._json().get(
                        "assignments", [])})
                    quarter = ui.select(quarters, label=tr("Quarter", lang=lang)
                                        ).classes("w-32").mark("wi-b")
                    ui.button(tr("Keep out of this quarter", lang=lang),
                              on_click=lambda: self.add_edit("keep_out", staff.value,
                                                             quarter.value)).mark("wi-keep-out")
                elif self.model == "mentoring":
                    teachers = dict(opts.get("teachers", []))
                    mentor = ui.select(teachers, label=tr("Mentor", lang=lang),
                                       with_input=True).classes("w-48").mark("wi-a")
                    mentee = ui.select(teachers, label=tr("Mentee", lang=lang),
                                       with_input=True).classes("w-48").mark("wi-b")
                    ui.button(tr("Force this pair", lang=lang),
                              on_click=lambda: self.add_edit("force", mentor.value, mentee.value)
                              ).mark("wi-force")
                    ui.button(tr("Forbid this pair", lang=lang),
                              on_click=lambda: self.add_edit("forbid", mentor.value,
                                                             mentee.value)).mark("wi-forbid")
                else:
                    project = ui.select(dict(opts.get("projects", [])),
                                        label=tr("Project", lang=lang), with_input=True
                                        ).classes("w-56").mark("wi-a")
                    ui.button(tr("Fund it", lang=lang),
                              on_click=lambda: self.add_edit("fund", project.value, None)
                              ).mark("wi-fund")
                    ui.button(tr("Drop it", lang=lang),
                              on_click=lambda: self.add_edit("drop", project.value, None)
                              ).mark("wi-drop")
            if self.model == "funding":
                with ui.row().classes("items-end gap-2"):
                    source = ui.select(dict(opts.get("sources", [])),
                                       label=tr("Source", lang=lang)).classes("w-56").mark(
                        "wi-source")
                    amount = ui.number(tr("New amount (the workbook's unit)", lang=lang),
                                       min=0).classes("w-56").mark("wi-amount")
                    ui.button(tr("Change the budget", lang=lang),
                              on_click=lambda: self.add_edit("budget", source.value,
                                                             amount.value)).mark("wi-budget")
            self.edit_list = ui.column().mark("wi-edits")
            with ui.row():
                ui.button(tr("Re-solve with these changes", lang=lang), icon="refresh",
                          on_click=self.resolve).mark("wi-resolve")
                ui.button(tr("Clear the changes", lang=lang), icon="clear",
                          on_click=self.clear_edits).props("flat")
            self.whatif_note = ui.label("").mark("wi-note")
        self._show_edits()

    def _json(self) -> dict[str, Any]:
        out = self.s.out
        if out is None or not (out / "result.json").exists():
            return {}
        data: dict[str, Any] = json.loads((out / "result.json").read_text(encoding="utf-8"))
        return data

    def _edit_text(self, e: dict[str, Any]) -> str:
        lang = self.lang
        text = {"keep_out": tr("keep {a} out of {b}", lang=lang, a=e["a"], b=e["b"]),
                "force": tr("force the pair {a} → {b}", lang=lang, a=e["a"], b=e["b"]),
                "forbid": tr("forbid the pair {a} → {b}", lang=lang, a=e["a"], b=e["b"]),
                "fund": tr("fund project {a}", lang=lang, a=e["a"]),
                "drop": tr("drop project {a}", lang=lang, a=e["a"]),
                "budget": tr("source {a}: amount {b}", lang=lang, a=e["a"], b=_fmt(e["b"]))}
        return text[e["kind"]]

    def add_edit(self, kind: str, a: Any, b: Any) -> None:
        if a in (None, "") or (kind != "fund" and kind != "drop" and b in (None, "")):
            self.whatif_note.text = tr("Choose both values first.", lang=self.lang)
            return
        self.s.edits.append({"kind": kind, "a": a, "b": b})
        self.whatif_note.text = ""
        self._show_edits()

    def clear_edits(self) -> None:
        self.s.edits = []
        self._show_edits()

    def _show_edits(self) -> None:
        self.edit_list.clear()
        with self.edit_list:
            if not self.s.edits:
                ui.label(tr("No changes yet.", lang=self.lang)).classes("text-gray-600")
            for e in self.s.edits:
                ui.label("• " + self._edit_text(e))

    async def resolve(self) -> None:
        lang = self.lang
        if not self.s.edits or self.s.workbook is None:
            self.whatif_note.text = tr("Add a change first.", lang=lang)
            return
        if _running() is not None:
            self.whatif_note.text = tr("Another solve is running on this computer; wait for "
                                       "it to end or cancel it, then solve again.", lang=lang)
            return
        target = self.s.folder / f"whatif-{self.s.runs + 1}" / f"{self.model}_whatif.xlsx"
        try:
            path: Path = await run.io_bound(apply_whatif, self.model, self.s.workbook,
                                            list(self.s.edits), target, lang) or target
            checked = await run.io_bound(check_upload, self.model, path, lang) or {}
        except Exception as exc:
            self.whatif_note.text = str(exc)
            return
        if not checked.get("ok"):
            self.whatif_note.text = tr("The changes make the workbook invalid: see the "
                                       "problems under Upload.", lang=lang)
            self.issues.rows = checked.get("issues", [])
            self.issues.visible = True
            self.issues.update()
            return
        self.s.previous = self._json()
        self.s.workbook = path
        self.s.edits = []
        self._show_edits()
        self.whatif_note.text = ""
        self.solve()

    # ---------------------------------------------------------------- funding scenarios

    def _scenario_form(self) -> None:
        lang = self.lang
        ui.label(tr("6. Compare scenarios", lang=lang)).classes("text-lg font-bold")
        ui.label(tr("Each row is a variation of the uploaded workbook, solved side by side with "
                    "the base case (as assignments funding scenarios does); an empty cell keeps "
                    "the workbook's value. Money changes: -10%, +500万, =3000000, ×1.2 (budget: "
                    "every source; or one source in its own column). Shares: a percentage "
                    "(60 or 60%). A figure's cell set to 关 switches its rule off. Projects: "
                    "ids separated by commas.", lang=lang)).classes("text-sm")
        self.scen_rows: list[dict[str, Any]] = []
        self.scen_cols: dict[str, list[list[str]]] = {}
        self.scen_out: Path | None = None
        self.scen_started = 0.0
        self.scen_left_out = ui.column().classes("w-full").mark("sc-left-out")
        self.scen_box = ui.column().classes("w-full gap-1")
        with ui.row().classes("items-end gap-2"):
            ui.button(tr("Add a scenario", lang=lang), icon="add",
                      on_click=lambda: self.add_scenario({})).props("flat").mark("sc-add")
        with ui.row().classes("items-end gap-2"):
            self.front_on = ui.checkbox(tr("Also the budget frontier: every source scaled "
                                           "from", lang=lang)).mark("sc-frontier")
            self.front_lo = ui.input(tr("lowest budget", lang=lang), value="60%"
                                     ).classes("w-28").mark("sc-frontier-lo")
            self.front_hi = ui.input(tr("highest budget", lang=lang), value="140%"
                                     ).classes("w-28").mark("sc-frontier-hi")
            self.front_steps = ui.number(tr("points", lang=lang), value=5, min=2, max=30,
                                         step=1).classes("w-24").mark("sc-frontier-steps")
        self.front_note = ui.label("").classes("text-red-800 text-sm").mark("sc-frontier-msg")
        with ui.row().classes("items-end gap-2"):
            self.scen_limit = ui.number(tr("Time limit per scenario (seconds)", lang=lang),
                                        value=10, min=1, max=600).classes("w-56").mark(
                "sc-time-limit")
            self.scen_run_btn = ui.button(tr("Run the scenarios", lang=lang),
                                          icon="compare_arrows",
                                          on_click=self.run_scenarios).mark("sc-run")
            self.scen_cancel_btn = ui.button(tr("Cancel", lang=lang), icon="stop", color="red",
                                             on_click=self.cancel_scenarios).mark("sc-cancel")
            self.scen_cancel_btn.disable()
        self.scen_note = ui.label("").mark("sc-note")
        self.scen_progress = ui.table(
            columns=[{"name": k, "label": label, "field": k, "align": "left"}
                     for k, label in (("name", tr("Scenario", lang=lang)),
                                      ("state", tr("State", lang=lang)),
                                      ("objective", tr("Objective", lang=lang)),
                                      ("weighted", tr("Weighted beneficiaries", lang=lang)),
                                      ("seconds", tr("Time (s)", lang=lang)))],
            rows=[], row_key="i").classes("w-full").mark("sc-progress")
        self.scen_progress.visible = False
        self.scen_result = ui.column().classes("w-full").mark("sc-result")

    async def _scenarios_for(self, workbook: Path, example: bool) -> None:
        """The scenario rows for a clean funding workbook: one column per source of it; the
        shipped scenarios.yaml's scenarios with the example, else the rows typed so far (or
        two budget changes)."""
        from assignments.web.worker import example_scenarios, scenario_columns

        lang = self.lang
        kept = [self._scenario_values(r) for r in self.scen_rows]
        self.scen_cols = await run.io_bound(scenario_columns, workbook, lang) or {}
        self.scen_left_out.clear()
        folder = examples_dir()
        yaml_path = None if folder is None else folder / "funding" / "scenarios.yaml"
        if example and yaml_path is not None and yaml_path.exists():
            got = await run.io_bound(example_scenarios, yaml_path, workbook,
                                     self.s.folder / "scenario-check", lang) or {}
            kept = list(got.get("rows", []))
            fr = got.get("frontier")
            if fr:
                self.front_on.value = True
                self.front_lo.value, self.front_hi.value = fr["budget"]
                self.front_steps.value = fr["steps"]
            if got.get("left_out"):
                with self.scen_left_out:
                    ui.label(tr("Scenarios of {file} left out (they name what this workbook "
                                "does not have):", lang=lang, file=yaml_path.name)
                             ).classes("text-sm text-gray-700")
                    for line in got["left_out"]:
                        ui.label("• " + line).classes("text-sm text-gray-700")
        elif not kept or not any(r.get("name") for r in kept):
            kept = [{"name": tr("Budget -10%", lang=lang), "budget": "-10%"},
                    {"name": tr("Budget +10%", lang=lang), "budget": "+10%"}]
        self.scen_box.clear()
        self.scen_rows = []
        for r in kept:
            self.add_scenario(r)

    def add_scenario(self, values: dict[str, Any]) -> None:
        """One editable scenario row (values: a page row, see worker.scenario_spec)."""
        lang = self.lang
        cols = self.scen_cols
        row: dict[str, Any] = {}
        with self.scen_box, ui.column().classes("w-full gap-0 border-b pb-1") as box:
            with ui.row().classes("items-end gap-2 w-full"):
                row["name"] = ui.input(tr("Name", lang=lang), value=values.get("name", "")
                                       ).classes("w-40").mark("sc-name")
                row["budget"] = ui.input(tr("Budget change", lang=lang),
                                         value=values.get("budget", "")).classes("w-28").mark(
                    "sc-budget")
                src = values.get("sources") or {}
                row["sources"] = {
                    sid: ui.input(tr("{source} change", lang=lang, source=sid),
                                  value=src.get(sid, "")).classes("w-28").tooltip(label
                                                                                  ).mark(
                        "sc-source", f"sc-source-{sid}")
                    for sid, label in cols.get("sources", [])}
                figs = values.get("figures") or {}
                row["figures"] = {
                    key: ui.input(label, value=figs.get(key, "")).classes("w-32").mark(
                        "sc-figure", f"sc-fig-{key}")
                    for key, label in cols.get("figures", [])}
                row["rules_off"] = ui.select(dict(cols.get("switches", [])), multiple=True,
                                             value=list(values.get("rules_off") or []),
                                             label=tr("Rules switched off", lang=lang)
                                             ).classes("w-56").props("use-chips").mark(
                    "sc-rules-off")
                row["objective"] = ui.select({"": tr("as the workbook", lang=lang),
                                              **dict(cols.get("objectives", []))},
                                             value=values.get("objective") or "",
                                             label=tr("Objective", lang=lang)
                                             ).classes("w-32").mark("sc-objective")
                row["force_in"] = ui.input(tr("Fund projects", lang=lang),
                                           value=values.get("force_in", "")).classes(
                    "w-32").mark("sc-force-in")
                row["force_out"] = ui.input(tr("Drop projects", lang=lang),
                                            value=values.get("force_out", "")).classes(
                    "w-32").mark("sc-force-out")
                ui.button(icon="delete", on_click=lambda: self.remove_scenario(row)).props(
                    "flat round dense").tooltip(tr("Remove this scenario", lang=lang)).mark(
                    "sc-remove")
            row["msg"] = ui.label("").classes("text-red-800 text-sm").mark("sc-row-msg")
            row["msg"].visible = False
        row["box"] = box
        self.scen_rows.append(row)

    def remove_scenario(self, row: dict[str, Any]) -> None:
        if row in self.scen_rows:
            self.scen_rows.remove(row)
            self.scen_box.remove(row["box"])

    @staticmethod
    def _row_cells(row: dict[str, Any]) -> dict[str, Any]:
        """The input elements of a scenario row by cell name (worker.check_scenarios')."""
        cells = {k: row[k] for k in ("name", "budget", "rules_off", "objective", "force_in",
                                     "force_out")}
        cells.update({f"sources.{k}": el for k, el in row["sources"].items()})
        cells.update({f"figures.{k}": el for k, el in row["figures"].items()})
        return cells

    @staticmethod
    def _scenario_values(row: dict[str, Any]) -> dict[str, Any]:
        """The values of a page scenario row (what worker.scenario_spec takes)."""
        def val(el: Any) -> Any:
            return el.value if el.value is not None else ""

        return {"name": val(row["name"]), "budget": val(row["budget"]),
                "sources": {k: val(el) for k, el in row["sources"].items()},
                "figures": {k: val(el) for k, el in row["figures"].items()},
                "rules_off": list(row["rules_off"].value or []),
                "objective": row["objective"].value or "",
                "force_in": val(row["force_in"]), "force_out": val(row["force_out"])}

    def _frontier(self) -> dict[str, Any] | None:
        if not self.front_on.value:
            return None
        return {"budget": [str(self.front_lo.value or "").strip(),
                           str(self.front_hi.value or "").strip()],
                "steps": int(self.front_steps.value or 2)}

    async def run_scenarios(self) -> None:
        import time

        from assignments.web.worker import check_scenarios

        lang = self.lang
        if not self.s.clean or self.s.workbook is None:
            self.scen_note.text = tr("Upload a file without problems first.", lang=lang)
            return
        if _running() is not None:
            self.scen_note.text = tr("Another solve is running on this computer; wait for it "
                                     "to end or cancel it, then solve again.", lang=lang)
            return
        rows = [self._scenario_values(r) for r in self.scen_rows]
        checked = await run.io_bound(check_scenarios, self.s.workbook, rows, self._frontier(),
                                     self.s.folder / "scenario-check", lang) or {}
        for i, r in enumerate(self.scen_rows):
            msgs = checked.get("rows", {}).get(i, [])
            r["msg"].text = "；".join(msgs) if lang == "zh" else "; ".join(msgs)
            r["msg"].visible = bool(msgs)
            bad = checked.get("cells", {}).get(i, {})
            for cell, el in self._row_cells(r).items():
                # the refused figure's cell is marked, its message under it
                el.props["error"] = cell in bad
                el.props["error-message"] = bad.get(cell, "")
                el.update()
        self.front_note.text = "；".join(checked.get("general", [])) if lang == "zh" else \
            "; ".join(checked.get("general", []))
        if not checked.get("ok"):
            self.scen_note.text = tr("Nothing was solved: correct the figures marked in red "
                                     "first.", lang=lang)
            return
        if _running() is not None:  # another page started a solve meanwhile
            self.scen_note.text = tr("Another solve is running on this computer; wait for it "
                                     "to end or cancel it, then solve again.", lang=lang)
            return
        spec = checked["spec"]
        self.s.runs += 1
        out = self.s.folder / f"scenarios-{self.s.runs}"
        job = {"workbook": str(self.s.workbook), "out": str(out), "lang": lang,
               "time_limit": float(self.scen_limit.value or 10), "spec": spec, "cores": 2}
        ctx = mp.get_context("spawn")
        queue, stop = ctx.Queue(), ctx.Event()
        # not a daemon: it runs the scenarios in a process pool of its own
        proc = ctx.Process(target=scenario_job, args=(job, queue, stop), daemon=False,
                           name="assignments-web-scenarios")
        proc.start()
        _RUNNING.append(_Job(self.s, proc, queue, stop, kind="scenarios"))
        self.scen_out = out
        self.scen_started = time.monotonic()
        n_front = int(spec["frontier"]["steps"]) if spec.get("frontier") else 0
        self.scen_note.text = tr("Solving {n} scenarios, the base case and {m} frontier points "
                                 "(2 at a time) ...", lang=lang, n=len(spec["scenarios"]),
                                 m=n_front)
        self.scen_progress.rows = []
        self.scen_progress.visible = True
        self.scen_result.clear()
        self.scen_run_btn.disable()
        self.scen_cancel_btn.enable()

    def cancel_scenarios(self) -> None:
        job = _job_of(self.s)
        if job is None or job.kind != "scenarios":
            return
        job.stop.set()
        self.scen_cancel_btn.disable()
        self.scen_note.text = tr("Cancelling: the scenarios finished so far are compared ...",
                                 lang=self.lang)

    def _poll_scenarios(self, job: _Job) -> None:
        import time

        lang = self.lang
        final: dict[str, Any] | None = None
        while True:
            try:
                msg = job.queue.get_nowait()
            except Exception:
                break
            if msg["kind"] == "scenarios":
                self.scen_progress.rows = [
                    {"i": i, "name": n, "state": tr("solving or waiting ...", lang=lang),
                     "objective": "", "weighted": "", "seconds": "", "done": False,
                     "frontier": f}
                    for i, (n, f) in enumerate(zip(msg["names"], msg["frontier"],
                                                   strict=True))]
            elif msg["kind"] == "scenario":
                state = (tr("cancelled", lang=lang) if msg.get("cancelled") else
                         tr("failed: {error}", lang=lang, error=msg["error"]) if msg["error"]
                         else _status_text(msg["status"], lang))
                for r in self.scen_progress.rows:
                    if r["i"] == msg["i"]:
                        r.update({"state": state, "objective": _fmt(msg.get("objective")),
                                  "weighted": _fmt(msg.get("weighted")),
                                  "seconds": f"{msg['seconds']:.1f}", "done": True})
            else:
                final = msg
        elapsed = f"{time.monotonic() - self.scen_started:.0f}"
        for r in self.scen_progress.rows:
            if not r["done"]:
                r["seconds"] = tr("{s} s so far", lang=lang, s=elapsed)
        self.scen_progress.update()
        if final is None and not job.proc.is_alive():
            final = {"kind": "error", "message": tr(
                "The solver process ended without an answer (exit code {code}).",
                lang=lang, code=job.proc.exitcode)}
        if final is None:
            return
        job.done = True
        with contextlib.suppress(Exception):
            job.proc.join(2)
        self.scen_run_btn.enable()
        self.scen_cancel_btn.disable()
        if final["kind"] == "error":
            self.scen_note.text = tr("The solve failed: {message}", lang=lang,
                                     message=final["message"])
            return
        for r in self.scen_progress.rows:
            if not r["done"]:
                r.update({"state": tr("cancelled", lang=lang), "seconds": "", "done": True})
        self.scen_progress.update()
        if final["kind"] == "stopped":
            self.scen_note.text = tr("Cancelled: the scenarios finished before it are compared "
                                     "below.", lang=lang) if final.get("written") else tr(
                "Cancelled before the base case was solved: nothing to compare.", lang=lang)
        else:
            self.scen_note.text = tr("Done.", lang=lang)
        if final.get("written") and self.scen_out is not None:
            self._show_scenarios(self.scen_out)

    def _show_scenarios(self, out: Path) -> None:
        import pandas as pd

        lang = self.lang
        with self.scen_result:
            async def download() -> None:
                target = self.s.folder / f"{out.name}.zip"
                await run.io_bound(zip_folder, out, target, self.s.workbook)
                ui.download.content(target.read_bytes(), target.name)

            ui.button(tr("Download everything (zip)", lang=lang), icon="archive",
                      on_click=download).mark("sc-zip")
            for name, path in self._tables(out):
                ui.label(name).classes("font-bold")
                df = pd.read_csv(path, dtype=str, keep_default_na=False)
                cols = [{"name": f"c{i}", "label": str(c), "field": f"c{i}", "align": "left"}
                        for i, c in enumerate(df.columns)]
                rows = [{f"c{i}": v for i, v in enumerate(rec)} | {"_k": k}
                        for k, rec in enumerate(df.itertuples(index=False))]
                ui.table(columns=cols, rows=rows, row_key="_k", pagination=25).classes(
                    "w-full result-table").mark("sc-table", f"sc-table-{name}")
            for png in sorted(out.glob("*.png")):
                ui.image(png).classes("w-full max-w-4xl").mark("sc-plot", f"sc-plot-{png.stem}")

    @staticmethod
    def _tables(out: Path) -> list[tuple[str, Path]]:
        """The CSV tables of a result, in the order of the sheets of its Excel workbook."""
        csvs = {p.stem: p for p in sorted((out / "csv").glob("*.csv"))} if \
            (out / "csv").is_dir() else {}
        order: list[str] = []
        for xlsx in sorted(out.glob("*.xlsx")):
            with contextlib.suppress(Exception):
                import openpyxl

                wb = openpyxl.load_workbook(xlsx, read_only=True)
                order += [n for n in wb.sheetnames if n in csvs and n not in order]
                wb.close()
        order += [n for n in csvs if n not in order]
        return [(n, csvs[n]) for n in order]

    async def download_zip(self) -> None:
        out = self.s.out
        if out is None or not out.exists():
            return
        target = self.s.folder / f"{self.model}-result-{self.s.runs}.zip"
        await run.io_bound(zip_folder, out, target, self.s.solved_input)
        if self.ops is not None:  # the roster's operations: ops/, previous/
            await run.io_bound(self.ops.add_to_zip, target)
        ui.download.content(target.read_bytes(), target.name)


def build() -> None:
    """Register the pages (call before ``ui.run``)."""

    @ui.page("/")
    def home(lang: str = "zh") -> None:
        _home(lang if lang in ("zh", "en") else "zh")

    def model_page(model: str) -> None:
        @ui.page(f"/{model}")
        def page(lang: str = "zh") -> None:
            ModelPage(model, lang if lang in ("zh", "en") else "zh")

    for m in MODELS:
        model_page(m)
    ng_app.on_shutdown(_remove_tmp)
