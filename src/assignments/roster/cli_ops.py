"""Operations during a programme: ``roster duties``, ``roster assess``, ``roster ledger``
(thin: parse, read, compute, write)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assignments.core.cli import InputPath, Lang, OutDir, check_lang, fail
from assignments.core.errors import InputError, UserError
from assignments.core.i18n import tr

RosterOpt = Annotated[
    Path,
    typer.Option("--roster", help=tr(
        "The roster (roster.xlsx of `roster solve` or `roster replan`).")),
]
QuarterOpt = Annotated[
    list[str] | None,
    typer.Option("--quarter", help=tr("Only this quarter, e.g. 2027Q1 (repeat for several).")),
]
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help=tr("Assessment date (default: the latest date in the logs).")),
]


def validate_lines(name: str, data, alternatives: int) -> list[str]:
    """What ``roster validate`` prints for a readable workbook (in the current language): the
    counts, each quarter's handover and last day, the calendar's and the input's warnings."""
    lines = [tr("{name}: OK — {departments} departments, {staff} staff, {centers} centers "
                "({seats} seats a quarter), {quarters} quarters from {first}, {deferrals} "
                "deferral requests ({alternatives} schedule alternatives)", name=name,
                departments=len(data.departments), staff=len(data.staff),
                centers=len(data.centers), seats=data.seats_per_quarter,
                quarters=data.policy.quarters, first=data.policy.first_quarter,
                deferrals=len(data.deferrals), alternatives=alternatives)]
    for q, (a, b) in zip(data.quarters, data.periods(), strict=True):
        lines.append(tr("  {quarter}: handover {start} (last day {end})", quarter=q, start=a,
                        end=b))
    lines += [tr("Warning: {warning}", warning=w)
              for w in [*data.calendar.warnings, *data.warnings]]
    return lines


def validate_error(name: str, error: Exception) -> str:
    """``roster validate``'s message when the deferral requests cannot be applied."""
    return tr("{name}, sheet 后延申请 (deferrals): {error}", name=name, error=error)


def _quarters(data, texts: list[str] | None) -> list[int] | None:
    """Quarter indices from ``--quarter`` values; a quarter outside the programme is refused."""
    if not texts:
        return None
    from assignments.core.calendar import Quarter

    out = []
    first = data.policy.first_quarter
    for t in texts:
        try:
            q = Quarter.parse(t)
        except ValueError as exc:
            fail(f"--quarter: {exc}")
        if not 0 <= q - first < data.policy.quarters:
            fail(tr("--quarter {quarter} is outside the programme {first}–{last}", quarter=q,
                    first=first, last=first + (data.policy.quarters - 1)))
        out.append(q - first)
    return out


def _confirmations(data, texts: list[str] | None) -> list[str | tuple[str, int]] | str:
    """``--confirm-missing`` values: ``all``, a staff id (every rotation of that person) or
    ``STAFF:QUARTER`` (``S01:2027Q1``); an unknown staff id or quarter is refused."""
    if not texts:
        return []
    if any(t.strip().lower() == "all" for t in texts):
        return "all"
    known = {s.id for s in data.staff}
    out: list[str | tuple[str, int]] = []
    for t in texts:
        sid, _, q = t.strip().partition(":")
        if sid not in known:
            fail(tr("--confirm-missing {value}: unknown staff '{staff}'", value=t, staff=sid))
        if q:
            (qi,) = _quarters(data, [q]) or [0]
            out.append((sid, qi))
        else:
            out.append(sid)
    return out


def register(app: typer.Typer) -> None:
    """Add ``duties``, ``assess``, ``ledger`` and ``ops-template`` to the ``roster`` group."""

    @app.command("ops-template", help=tr(
        "Write an empty events or activity-log workbook: headers, notes, example rows."))
    def roster_ops_template(
        kind: Annotated[str, typer.Argument(help=tr("events (事件) or logs (活动记录)."))],
        out: Annotated[Path, typer.Argument(help=tr("Where to write the workbook (.xlsx)."))],
        lang: Lang = "zh",
    ) -> None:
        """Write an empty events or activity-log workbook: headers, notes, example rows."""
        from assignments.core.io import write_input_workbook
        from assignments.roster.assess import LOG_SHEETS
        from assignments.roster.events import EVENT_SHEETS

        check_lang(lang)
        if out.suffix.lower() != ".xlsx":
            fail(tr("{path}: the template is an Excel workbook; use a name ending in .xlsx",
                    path=out))
        # every column with its note, drop-downs for the fixed choices (the hidden 选项 sheet);
        # the example rows read against the README's example (instances/roster/tiny.xlsx)
        if kind in ("events", "事件"):
            write_input_workbook(out, EVENT_SHEETS, {
                "events": [
                    {"id": "E1", "kind": "进修", "staff": "S04", "name": "刘洋",
                     "start": "2027-07-01", "end": "2027-09-30", "reason": "省人民医院进修",
                     "reported": "2027-03-20"},
                    {"id": "E2", "kind": "后延申请", "department": "D2", "quarter": "2027Q4",
                     "decision": "自动后延", "reason": "两人同期进修"},
                    {"id": "E3", "kind": "名额变更", "center": "WSY1", "quarter": "2027Q4",
                     "seats": 2},
                ],
                "settings": [{"parameter": "重排日期", "value": "2027-03-29",
                              "note": tr("re-planning date (as of)")},
                             {"parameter": "公布季度数", "value": 1,
                              "note": tr("quarters announced after the running one")}],
            }, template=True)
        elif kind in ("logs", "活动记录"):
            write_input_workbook(out, LOG_SHEETS, {
                "teaching": [{"staff": "S01", "name": "张伟", "day": "2027-01-11",
                              "topic": "高血压规范用药"}],
                "rounds": [{"staff": "S01", "name": "张伟", "day": "2027-01-06"}],
                "attendance": [{"staff": "S01", "name": "张伟", "day": "2027-01-04",
                                "status": "出勤"}],
                "leave": [{"staff": "S01", "name": "张伟", "start": "2027-02-08",
                           "end": "2027-02-09", "approved": "是", "phone": "是",
                           "reason": "家事"}],
            }, template=True)
        else:
            fail(tr("unknown template '{kind}'; use events or logs", kind=kind))
        typer.echo(tr("Written: {paths}", paths=out))

    @app.command("duties", help=tr(
        "Plan teaching (every 14 days) and ward rounds (weekly) on working days for every "
        "rotation: duties.xlsx (a sheet per center and quarter) and one .ics file per person."))
    def roster_duties(
        workbook: InputPath,
        roster: RosterOpt,
        out: OutDir = Path("out"),
        quarter: QuarterOpt = None,
        lang: Lang = "zh",
    ) -> None:
        """Plan teaching (every 14 days) and ward rounds (weekly) on working days for every
        rotation: duties.xlsx (a sheet per center and quarter) and one .ics file per person."""
        from assignments.roster import read_roster
        from assignments.roster.duties import duty_plan, write_duties
        from assignments.roster.replan import read_published

        check_lang(lang)
        try:
            data = read_roster(workbook)
            rotations = read_published(roster, data).assignments
            plan = duty_plan(data, rotations, quarters=_quarters(data, quarter))
            written = write_duties(data, plan, out, lang=lang)
        except (InputError, UserError, ValueError) as exc:
            fail(str(exc))
        typer.echo(tr(
            "{rotations} rotations, {teaching} teaching sessions, {rounds} ward rounds, "
            "{later} moved later and {earlier} earlier off holidays",
            rotations=len(plan.rotations),
            teaching=sum(d.kind == "teaching" for d in plan.duties),
            rounds=sum(d.kind == "rounds" for d in plan.duties),
            later=sum(d.day > d.target for d in plan.duties),
            earlier=sum(d.day < d.target for d in plan.duties)))
        from assignments.roster.duties import check_duties
        from assignments.roster.rules import label

        for v in check_duties(data, plan):
            typer.echo(tr("Rule broken: [{rule}] {message}", rule=label(v.rule, lang),
                          message=v.message))
        for note in [*plan.notes, *data.calendar.warnings]:
            typer.echo(tr("Warning: {warning}", warning=note))
        typer.echo(tr("Written: {paths}", paths=", ".join(map(str, written))))

    @app.command("assess", help=tr(
        "Turn activity logs into the assessment: each item with its reason, deductions, the "
        "appraisal form, re-dispatch events (redispatch_events.xlsx, for `roster replan`)."))
    def roster_assess(
        workbook: InputPath,
        logs: Annotated[
            Path,
            typer.Option("--logs", help=tr("Activity logs: sheets 授课, 查房, 考勤 (and 请假).")),
        ],
        roster: Annotated[
            Path | None,
            typer.Option("--roster", help=tr("The roster; default: the rotations found in the "
                                             "logs.")),
        ] = None,
        out: OutDir = Path("out"),
        quarter: QuarterOpt = None,
        as_of: AsOf = None,
        confirm_missing: Annotated[
            list[str] | None,
            typer.Option("--confirm-missing",
                         help=tr("Confirm a rotation without any log record (STAFF:QUARTER, "
                                 "a staff id, or all): its failed items then have "
                                 "consequences.")),
        ] = None,
        lang: Lang = "zh",
    ) -> None:
        """Turn activity logs into the assessment: each item with its reason, deductions, the
        appraisal form, re-dispatch events (redispatch_events.xlsx, for `roster replan`)."""
        from assignments.roster import read_roster
        from assignments.roster.assess import (
            assess,
            read_logs,
            redispatch_events,
            summary_lines,
            write_assessment,
        )
        from assignments.roster.cli_replan import parse_day
        from assignments.roster.replan import read_published

        check_lang(lang)
        when = parse_day(as_of, "--as-of")
        try:
            data = read_roster(workbook)
            log = read_logs(logs, data)
            rotations = read_published(roster, data).assignments if roster else None
            result = assess(data, log, rotations, quarters=_quarters(data, quarter), as_of=when,
                            confirm_missing=_confirmations(data, confirm_missing))
            written = write_assessment(data, result, out, lang=lang)
        except (InputError, UserError, ValueError) as exc:
            fail(str(exc))
        for line in summary_lines(data, result, lang=lang):
            typer.echo(line)
        n = len(redispatch_events(data, result))
        if n:
            typer.echo(tr("{n} re-dispatched: re-plan with roster replan --events {path}", n=n,
                          path=out / "redispatch_events.xlsx"))
        typer.echo(tr("Written: {paths}", paths=", ".join(map(str, written))))

    @app.command("ledger", help=tr(
        "The money ledger: subsidies less deductions, rewards, refusal, re-dispatch and recall "
        "fines, per person, department, quarter and year (ledger.xlsx, reconciled)."))
    def roster_ledger(
        workbook: InputPath,
        roster: RosterOpt,
        logs: Annotated[
            Path | None,
            typer.Option("--logs", help=tr("Activity logs: deductions and re-dispatch fines.")),
        ] = None,
        events: Annotated[
            list[Path] | None,
            typer.Option("--events", help=tr("Events: recalls (擅自调回) and refusals (拒派).")),
        ] = None,
        out: OutDir = Path("out"),
        as_of: AsOf = None,
        lang: Lang = "zh",
    ) -> None:
        """The money ledger: subsidies less deductions, rewards, refusal, re-dispatch and recall
        fines, per person, department, quarter and year (ledger.xlsx, reconciled)."""
        from assignments.roster import read_roster
        from assignments.roster.assess import assess, read_logs
        from assignments.roster.cli_replan import parse_day
        from assignments.roster.events import read_events
        from assignments.roster.ledger import EntryKind, build_ledger, write_ledger
        from assignments.roster.replan import read_published

        check_lang(lang)
        when = parse_day(as_of, "--as-of")
        try:
            data = read_roster(workbook)
            rotations = read_published(roster, data).assignments
            assessment = None
            if logs is not None:
                assessment = assess(data, read_logs(logs, data), rotations, as_of=when)
            log = read_events(events or [], data)
            ledger = build_ledger(data, rotations, assessment=assessment, events=log)
            problems = ledger.reconcile()
            if problems:  # a bug, never a user error: say so loudly
                raise RuntimeError("the ledger views do not reconcile: " + "; ".join(problems))
            written = write_ledger(ledger, out, lang=lang)
        except (InputError, UserError, ValueError) as exc:
            fail(str(exc))
        for k in EntryKind:
            total = ledger.total(k)
            if total:
                typer.echo(f"  {k.label(lang)}: {total:,}")
        typer.echo(tr("Total (yuan): {total}   all views reconcile",
                      total=f"{ledger.total():,}"))
        typer.echo(tr("Written: {paths}", paths=", ".join(map(str, written))))
