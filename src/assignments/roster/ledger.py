"""The money ledger of a rotation programme (DOMAIN §R "Money", seed 篇1 三(六), 四(三)–(六)).

The single source of every money figure: each payment, deduction and fine is one
:class:`Entry` (signed yuan: payments positive, deductions and fines negative), and every view —
per person, department, quarter and year — is a sum of the same entries, so they reconcile by
construction; :meth:`Ledger.reconcile` checks it from the views themselves.

Entries (every figure a 方案 parameter):

* 下乡补助 (subsidy): 22 days × 20 yuan × 3 months = 1,320 yuan per rotation, to the person;
* 补助扣除 (deduction): 1 or 2 months of subsidy (440 yuan each) when assessment items fail;
* 科室奖励 (reward): 1,000 yuan per person sent, to the department (not for a re-dispatch:
  that seat repeats a failed rotation);
* 拒派罚款 (refusal fine): 2,000 yuan (redacted in the source: a parameter) to a department
  that refuses without cause (a 拒派 event);
* 重新下乡罚款 (re-dispatch fine): 500 yuan to the department of a person who failed all three
  items;
* 调回罚款 (recall penalty): 40 yuan per working day away, to the person *and* to the
  department (a 擅自调回 event: from 开始 to 结束, or to the end of the rotation).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import pandas as pd

from assignments.core.calendar import Quarter
from assignments.core.errors import InputError, Issue, Location
from assignments.core.i18n import tr, trc, use_lang
from assignments.roster.assess import _item_name
from assignments.roster.data import RosterData
from assignments.roster.events import Event, EventKind, EventLog
from assignments.roster.solution import Assignment

__all__ = ["Entry", "EntryKind", "Ledger", "build_ledger", "write_ledger"]


class EntryKind(str, Enum):
    """What an entry is for."""

    SUBSIDY = "subsidy"
    DEDUCTION = "deduction"
    REWARD = "reward"
    REFUSAL_FINE = "refusal_fine"
    REDISPATCH_FINE = "redispatch_fine"
    RECALL_PERSON = "recall_person"
    RECALL_DEPARTMENT = "recall_department"

    @property
    def payee(self) -> str:
        """``"person"`` or ``"department"``."""
        return "person" if self in _PERSON else "department"

    def label(self, lang: str | None = None) -> str:
        """Column name of the kind in the views (with the unit), in ``lang`` (default: the
        current language)."""
        with use_lang(lang):
            return {
                EntryKind.SUBSIDY: tr("rural subsidy (yuan)"),
                EntryKind.DEDUCTION: trc("ledger", "subsidy deducted (yuan)"),
                EntryKind.REWARD: tr("department reward (yuan)"),
                EntryKind.REFUSAL_FINE: tr("refusal fine (yuan)"),
                EntryKind.REDISPATCH_FINE: tr("re-dispatch fine (yuan)"),
                EntryKind.RECALL_PERSON: tr("recall penalty, person (yuan)"),
                EntryKind.RECALL_DEPARTMENT: tr("recall penalty, department (yuan)"),
            }[self]


_PERSON = {EntryKind.SUBSIDY, EntryKind.DEDUCTION, EntryKind.RECALL_PERSON}
_PERSON_KINDS = [EntryKind.SUBSIDY, EntryKind.DEDUCTION, EntryKind.RECALL_PERSON]
_DEPT_KINDS = [EntryKind.REWARD, EntryKind.REFUSAL_FINE, EntryKind.REDISPATCH_FINE,
               EntryKind.RECALL_DEPARTMENT]


@dataclass(frozen=True)
class Entry:
    """One line of the ledger.

    Attributes
    ----------
    kind
        What it is for; ``kind.payee`` says whether a person or a department receives or pays.
    amount
        Yuan, signed: payments positive, deductions and fines negative.
    department
        The department (of the person, for personal entries).
    staff
        The person, for personal entries and for rewards and fines about one person.
    quarter
        The quarter the money belongs to (the rotation's, or the event's).
    source
        What caused it: ``S01 2027Q1`` (a rotation), an event id, ``考核`` (the assessment).
    note
        How the amount was computed.
    """

    kind: EntryKind
    amount: int
    department: str
    staff: str | None
    quarter: Quarter
    source: str
    note: str = ""


@dataclass
class Ledger:
    """All entries of a programme, and the views that must reconcile."""

    data: RosterData
    entries: list[Entry] = field(default_factory=list)
    rotations: list[Assignment] = field(default_factory=list)

    def total(self, kind: EntryKind | None = None) -> int:
        """Sum of the entries (of one kind)."""
        return sum(e.amount for e in self.entries if kind is None or e.kind is kind)

    # ------------------------------------------------------------------ views
    def _frame(self) -> pd.DataFrame:
        rows = [
            {"kind": e.kind, "amount": e.amount, "department": e.department, "staff": e.staff,
             "year": e.quarter.year, "quarter": str(e.quarter)}
            for e in self.entries
        ]
        return pd.DataFrame(rows, columns=["kind", "amount", "department", "staff", "year",
                                           "quarter"])

    def _pivot(self, frame: pd.DataFrame, keys: list[str], kinds: Sequence[EntryKind],
               lang: str) -> pd.DataFrame:
        out = (
            frame.pivot_table(index=keys, columns="kind", values="amount", aggfunc="sum",
                              fill_value=0, observed=True)
            if not frame.empty else pd.DataFrame(index=pd.MultiIndex.from_tuples([], names=keys))
        )
        for k in kinds:
            if k not in out.columns:
                out[k] = 0
        out = out[list(kinds)].astype(int)
        out.columns = [k.label(lang) for k in kinds]
        return out.reset_index()

    def views(self, *, lang: str = "zh") -> dict[str, pd.DataFrame]:
        """明细 (entries), 按人员, 按科室, 按季度, 按年度 and 核对 (reconciliation)."""
        with use_lang(lang):
            return self._views(lang)

    def _views(self, lang: str) -> dict[str, pd.DataFrame]:
        staff = {s.id: s for s in self.data.staff}
        depts = {d.id: d for d in self.data.departments}
        total = tr("total (yuan)")
        frame = self._frame()
        kinds = list(EntryKind)

        entries = pd.DataFrame([
            {
                tr("year"): e.quarter.year,
                tr("quarter"): str(e.quarter),
                trc("ledger", "kind"): e.kind.label(lang).split("(")[0],
                tr("payee"): tr("person") if e.kind.payee == "person"
                else tr("department"),
                tr("staff id"): e.staff or "",
                tr("name"): staff[e.staff].label if e.staff in staff else "",
                tr("department"): depts[e.department].label,
                tr("amount (yuan)"): e.amount,
                tr("source"): e.source,
                trc("ledger", "note"): e.note,
            }
            for e in self.entries
        ])

        # per person: personal entries only
        person_frame = frame[frame["kind"].isin(_PERSON_KINDS)]
        person = self._pivot(person_frame, ["staff"], _PERSON_KINDS, lang)
        rot_count = pd.Series([a.staff for a in self.rotations]).value_counts()
        person.insert(1, tr("name"), [staff[s].label for s in person["staff"]])
        person.insert(2, tr("department"),
                      [depts[staff[s].department].label for s in person["staff"]])
        person.insert(3, trc("ledger", "rotations"),
                      [int(rot_count.get(s, 0)) for s in person["staff"]])
        person[total] = person[[k.label(lang) for k in _PERSON_KINDS]].sum(axis=1)
        person = person.rename(columns={"staff": tr("staff id")})

        # per department: its own money and its people's, side by side
        dept = self._pivot(frame, ["department"], kinds, lang)
        sent = pd.Series([staff[a.staff].department for a in self.rotations
                          if a.kind != "redo"]).value_counts()
        dept.insert(1, trc("ledger", "people sent"),
                    [int(sent.get(d, 0)) for d in dept["department"]])
        dept[tr("department total (yuan)")] = dept[
            [k.label(lang) for k in _DEPT_KINDS]].sum(axis=1)
        dept[tr("people total (yuan)")] = dept[
            [k.label(lang) for k in _PERSON_KINDS]].sum(axis=1)
        dept[total] = dept[[k.label(lang) for k in kinds]].sum(axis=1)
        dept["department"] = [depts[d].label for d in dept["department"]]
        dept = dept.rename(columns={"department": tr("department")})

        by_q = self._pivot(frame, ["year", "quarter"], kinds, lang)
        by_q[total] = by_q[[k.label(lang) for k in kinds]].sum(axis=1)
        by_q = by_q.rename(columns={"year": tr("year"),
                                    "quarter": tr("quarter")})
        by_y = self._pivot(frame, ["year"], kinds, lang)
        by_y[total] = by_y[[k.label(lang) for k in kinds]].sum(axis=1)
        by_y = by_y.rename(columns={"year": tr("year")})

        views = {
            tr("entries"): entries,
            tr("by person"): _with_total(person),
            tr("by department"): _with_total(dept),
            tr("by quarter"): _with_total(by_q),
            tr("by year"): _with_total(by_y),
        }
        views[tr("reconciliation")] = self._reconciliation(views, lang)
        return views

    def _reconciliation(self, views: dict[str, pd.DataFrame], lang: str) -> pd.DataFrame:
        """Per kind and in total: the sum in every view, and whether they all agree."""
        with use_lang(lang):
            return self._reconciliation_rows(views, lang)

    def _reconciliation_rows(self, views: dict[str, pd.DataFrame], lang: str) -> pd.DataFrame:
        names = list(views)
        entries, person, dept, by_q, by_y = (views[n] for n in names[:5])
        amount = tr("amount (yuan)")
        kind_col = trc("ledger", "kind")

        def body(df: pd.DataFrame) -> pd.DataFrame:
            return df.iloc[:-1]  # without the totals row

        rows = []
        for k in [*EntryKind, None]:
            if k is None:
                label = tr("total")
                from_entries = int(entries[amount].sum()) if not entries.empty else 0
                col = tr("total (yuan)")
                person_part = int(body(person)[col].sum())
                dept_own = int(body(dept)[tr("department total (yuan)")]
                               .sum())
                from_people = person_part + dept_own
                from_dept = int(body(dept)[col].sum())
                from_q = int(body(by_q)[col].sum())
                from_y = int(body(by_y)[col].sum())
                totals_row = int(by_y.iloc[-1][col])
            else:
                label = k.label(lang).split("(")[0]
                from_entries = (
                    int(entries.loc[entries[kind_col] == label, amount].sum())
                    if not entries.empty else 0
                )
                col = k.label(lang)
                from_people = int(body(person)[col].sum()) if k in _PERSON_KINDS else int(
                    body(dept)[col].sum())
                from_dept = int(body(dept)[col].sum())
                from_q = int(body(by_q)[col].sum())
                from_y = int(body(by_y)[col].sum())
                totals_row = int(by_y.iloc[-1][col])
            values = [from_entries, from_people, from_dept, from_q, from_y, totals_row]
            rows.append({
                tr("item"): label,
                tr("entries"): from_entries,
                tr("by person + department"): from_people,
                tr("by department"): from_dept,
                tr("by quarter"): from_q,
                tr("by year"): from_y,
                tr("totals row"): totals_row,
                tr("agree"): tr("yes") if len(set(values)) == 1
                else tr("NO"),
            })
        return pd.DataFrame(rows)

    def reconcile(self) -> list[str]:
        """Items whose sums differ between views (an empty list: everything adds up)."""
        table = self.views(lang="en")["reconciliation"]
        return [
            f"{r['item']}: entries {r['entries']}, by person + department "
            f"{r['by person + department']}, by department {r['by department']}, by quarter "
            f"{r['by quarter']}, by year {r['by year']}, totals row {r['totals row']}"
            for _, r in table.iterrows()
            if r["agree"] != "yes"
        ]


def _with_total(df: pd.DataFrame) -> pd.DataFrame:
    """Append a totals row (numbers summed, the first column says 合计), in the current
    language."""
    if df.empty:
        return df
    row: dict[str, object] = {}
    for i, c in enumerate(df.columns):
        if i == 0:
            row[c] = tr("total")
        elif pd.api.types.is_numeric_dtype(df[c]) and c != tr("year"):
            row[c] = int(df[c].sum())
        else:
            row[c] = ""
    return pd.concat([df, pd.DataFrame([row])], ignore_index=True)


def build_ledger(
    data: RosterData,
    rotations: Iterable[Assignment],
    *,
    assessment: object | None = None,
    events: EventLog | Sequence[Event] = (),
) -> Ledger:
    """Every entry of the programme.

    Parameters
    ----------
    data
        The roster problem (its 方案 money parameters).
    rotations
        The roster's rotations (subsidies and rewards).
    assessment
        An :class:`assignments.roster.assess.Assessment` (deductions, re-dispatch fines).
    events
        Events: 擅自调回 (recall penalties) and 拒派 (refusal fines); others are ignored here.

    Raises
    ------
    InputError
        A recall of someone who is not on a rotation that day (located at the event).
    """
    pol = data.policy
    first = pol.first_quarter
    staff = {s.id: s for s in data.staff}
    rots = sorted(rotations, key=lambda a: (a.quarter, a.staff))
    ledger = Ledger(data, rotations=rots)
    add = ledger.entries.append
    per_month = pol.subsidy_per_month
    for a in rots:
        s = staff[a.staff]
        q = first + a.quarter
        add(Entry(EntryKind.SUBSIDY, pol.subsidy_per_rotation, s.department, s.id, q,
                  f"{s.id} {q}",
                  tr("{days} days × {per_day} yuan × {months} months",
                     days=pol.subsidy_days_per_month, per_day=pol.subsidy_per_day,
                     months=pol.subsidy_months)))
        if a.kind != "redo":
            add(Entry(EntryKind.REWARD, pol.reward_per_person, s.department, s.id, q,
                      f"{s.id} {q}", tr("per person sent")))
    if assessment is not None:
        from assignments.roster.assess import Assessment

        assert isinstance(assessment, Assessment)
        for ra in assessment.rotations:
            a = ra.rotation
            s = staff[a.staff]
            q = first + a.quarter
            if ra.deduction:
                add(Entry(EntryKind.DEDUCTION, -ra.deduction, s.department, s.id, q,
                          tr("assessment"),
                          tr("{n} item(s) failed ({items}): {months} month(s) × {per_month} "
                             "yuan", n=len(ra.failed),
                             items=tr(", ").join(_item_name(k) for k in ra.failed),
                             months=ra.deduction_months, per_month=per_month)))
            if ra.department_fine:
                add(Entry(EntryKind.REDISPATCH_FINE, -ra.department_fine, s.department, s.id, q,
                          tr("assessment"),
                          tr("all three items failed: the person is re-dispatched")))
    log = events if isinstance(events, EventLog) else None
    issues: list[Issue] = []
    periods = data.periods()
    for e in events.events if isinstance(events, EventLog) else events:
        where = log.where(e.id) if log else Location(record=tr("event '{id}'", id=e.id))
        if e.kind is EventKind.REFUSAL:
            assert e.department is not None and e.quarter is not None
            problem = refusal_problem(data, rots, e.department, e.quarter - first)
            if problem:
                issues.append(Issue(where, problem))
                continue
            add(Entry(EntryKind.REFUSAL_FINE, -pol.refusal_fine, e.department, None, e.quarter,
                      e.id, tr("refused to send its turn without cause ({reason})",
                               reason=e.reason) if e.reason
                      else tr("refused to send its turn without cause")))
        elif e.kind is EventKind.RECALL:
            assert e.staff is not None and e.start is not None
            s = staff[e.staff]
            a = next((r for r in rots if r.staff == s.id
                      and periods[r.quarter][0] <= e.start <= periods[r.quarter][1]), None)
            if a is None:
                issues.append(Issue(where, tr("{name} is not on a rotation on {day}, so there is "
                                              "nothing to be recalled from", name=s.label,
                                              day=e.start)))
                continue
            end = min(e.end or periods[a.quarter][1], periods[a.quarter][1])
            days = len(data.calendar.working_days(e.start, end))
            amount = days * pol.recall_fine_per_day
            q = first + a.quarter
            note = tr("{n} working days {start}–{end} × {per_day} yuan", n=days, start=e.start,
                      end=end, per_day=pol.recall_fine_per_day)
            add(Entry(EntryKind.RECALL_PERSON, -amount, s.department, s.id, q, e.id, note))
            add(Entry(EntryKind.RECALL_DEPARTMENT, -amount, s.department, s.id, q, e.id, note))
    if issues:
        raise InputError(issues)
    return ledger


def refusal_problem(
    data: RosterData, rotations: Iterable[Assignment], dept: str, q: int
) -> str | None:
    """Why a 拒派 (refusal) of ``dept``'s turn in quarter index ``q`` cannot be right, or None.

    The department must have a turn there: one of its people serves that quarter in the roster
    in its own turn or filling a swapped seat, a seat of its turn went to a pulled-forward
    candidate or a re-dispatched person, or the turn schedule (published order and deferrals)
    gives it seats that quarter."""
    staff = {s.id: s for s in data.staff}
    depts = {d.id: d for d in data.departments}
    mine = [a for a in rotations if a.quarter == q and (
        (a.kind in ("turn", "swap") and staff[a.staff].department == dept)
        or a.seat_from == dept)]
    if mine:
        return None
    # a roster read back from roster.xlsx does not say whose seat a candidate took: the turn
    # schedule of the published order (and the workbook's deferrals) says whose turn it is
    from assignments.roster.schedule import ScheduleError, alternatives

    try:
        alts = alternatives(data)
    except ScheduleError:
        alts = []
    if any(alt.demand(dept, q) > 0 for alt in alts):
        return None
    first = data.policy.first_quarter
    turns = sorted({first + a.quarter for a in rotations
                    if a.kind == "turn" and staff[a.staff].department == dept}
                   | {first + qq for alt in alts for qq in range(data.policy.quarters)
                      if alt.demand(dept, qq) > 0})
    name = depts[dept].label if dept in depts else dept
    return tr("{dept} has no turn in {quarter} in the roster, so it cannot have refused one "
              "(its turns: {turns}); the refusal fine is not booked — correct the event's 季度 "
              "(quarter) or 科室 (department)", dept=name, quarter=first + q,
              turns=", ".join(map(str, turns)) or tr("none in the roster"))


def write_ledger(ledger: Ledger, out_dir: str | Path, *, lang: str = "zh") -> list[Path]:
    """Write ``ledger.xlsx`` (the views and the reconciliation) into ``out_dir``."""
    from assignments.core.io import staged_output, write_excel

    with staged_output(out_dir) as stage:
        write_excel(stage / "ledger.xlsx", ledger.views(lang=lang))
    return [Path(out_dir) / "ledger.xlsx"]


def rotation_money(
    data: RosterData, rotations: Iterable[Assignment], *, lang: str = "zh"
) -> pd.DataFrame:
    """Planned money per rotation (subsidy and reward), from the ledger: the 费用 sheet of
    ``roster solve``."""
    with use_lang(lang):
        return _rotation_money(data, rotations, lang)


def _rotation_money(data: RosterData, rotations: Iterable[Assignment], lang: str) -> pd.DataFrame:
    ledger = build_ledger(data, rotations)
    staff = {s.id: s for s in data.staff}
    depts = {d.id: d for d in data.departments}
    by_source: dict[str, dict[EntryKind, int]] = {}
    for e in ledger.entries:
        by_source.setdefault(e.source, {}).setdefault(e.kind, 0)
        by_source[e.source][e.kind] += e.amount
    rows = []
    for a in ledger.rotations:
        s = staff[a.staff]
        q = data.policy.first_quarter + a.quarter
        money = by_source[f"{s.id} {q}"]
        subsidy = money.get(EntryKind.SUBSIDY, 0)
        reward = money.get(EntryKind.REWARD, 0)
        rows.append({
            tr("year"): q.year,
            tr("quarter"): str(q),
            tr("staff id"): a.staff,
            tr("name"): s.label,
            tr("department"): depts[s.department].label,
            EntryKind.SUBSIDY.label(lang): subsidy,
            EntryKind.REWARD.label(lang): reward,
            tr("total (yuan)"): subsidy + reward,
        })
    return pd.DataFrame(rows)
