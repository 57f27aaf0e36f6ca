"""Explanations in the office's terms.

* :func:`explain_infeasible` — the smallest set of named rules and records found to conflict:
  CP-SAT's sufficient assumptions, shrunk by deletion, then *verified* by re-solving the set
  alone (CP-SAT's sufficient assumptions can be wrong, or-tools#5141). Every line is about a
  member of that set (departments, people and centers by name); then the changes the office
  could make (deferral requests added, changed or withdrawn), each re-solved and printed only
  when a roster then exists that the independent checker accepts;
* :func:`explain_soft` — for a roster that exists: soft rules not fully met, and why.
"""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assignments.core.budget import Budget
from assignments.core.conflict import Conflict
from assignments.core.conflict import find_conflict as core_find_conflict
from assignments.core.i18n import N_, current_lang, tr, use_lang
from assignments.core.solver import SolveParams
from assignments.roster.data import DeferralDecision, DeferralRequest, RosterData, Title
from assignments.roster.rules import RULES
from assignments.roster.schedule import Schedule, ScheduleError, alternatives, baseline
from assignments.roster.solution import RosterSolution, ranks

__all__ = [
    "Suggestion",
    "conflict_lines",
    "explain_infeasible",
    "explain_soft",
    "find_conflict",
    "suggestion_candidates",
    "suggestion_lines",
    "verify_suggestions",
]


def _tag(key: str, lang: str) -> str:
    """``[R4 published order]``: the rule's label from the registry, in brackets."""
    return f"[{RULES.label(key, lang)}]"


def _q(data: RosterData, q: int) -> str:
    return str(data.policy.first_quarter + q)


# deletion tries these families first, so the conflict kept speaks of turns and people
_DROP_FIRST = [
    "seats",
    "pull",
    "consecutive",
    "once",
    "title",
    "deadline",
    "redispatch",
    "frozen",
    "order",
    "availability",
]


def find_conflict(
    data: RosterData, schedule: Schedule, params: SolveParams, seconds: float | None = None
) -> Conflict:
    """A conflicting set of rule instances (``Conflict.members``: ``(family, key)`` pairs),
    found by the one conflict search (:func:`assignments.core.conflict.find_conflict`: shrunk
    by deletion and always re-verified).

    ``seconds`` (default: what ``params.budget`` has left, else ``params.time_limit``) is the
    most it may take; it never runs past the budget's deadline.
    """
    from assignments.roster.model import build_model

    rm = build_model(data, schedule, explain=True)
    if seconds is None:
        seconds = params.budget.remaining() if params.budget is not None else params.time_limit
    return core_find_conflict(rm.model, rm.literals, params, seconds=seconds,
                              drop_first=_DROP_FIRST)


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _suggestion(msgid: str, deferrals: list[DeferralRequest], **fields: Any) -> Suggestion:
    """A suggestion in both languages (``result.json`` keeps both): ``msgid`` is a catalogued
    message (marked with ``N_``); a field given as a function of the language is called with
    each language."""
    zh, en = (tr(msgid, lang=lang, **{k: v(lang) if callable(v) else v
                                       for k, v in fields.items()})
              for lang in ("zh", "en"))
    return Suggestion(zh, en, deferrals)


def _decision(dec: DeferralDecision, lang: str) -> str:
    if dec is DeferralDecision.NEXT:
        return tr("next (the next batch)", lang=lang)
    if dec is DeferralDecision.LAST:
        return tr("last (end of the cycle)", lang=lang)
    return tr("auto (the solver decides)", lang=lang)


@dataclass
class Suggestion:
    """A change the office can make (a deferral request added, its decision changed, or the
    request withdrawn), with the deferral requests of the changed instance.

    ``verified`` is ``True`` only when the changed instance was re-solved and a roster found
    that the independent checker accepts; ``False`` when it was proven to have none either;
    ``None`` when the re-solve did not finish in time (or was not tried).
    """

    zh: str
    en: str
    deferrals: list[DeferralRequest]
    verified: bool | None = None

    def text(self, lang: str) -> str:
        return _t(lang, self.zh, self.en)

    def data(self, data: RosterData) -> RosterData:
        """``data`` with this change applied."""
        return dataclasses.replace(data, deferrals=list(self.deferrals))

    def as_dict(self) -> dict[str, Any]:
        return {
            "zh": self.zh,
            "en": self.en,
            "verified": self.verified,
            "deferrals": [
                {"department": r.department, "quarter": str(r.quarter),
                 "decision": r.decision.value}
                for r in self.deferrals
            ],
        }


Verify = Callable[[RosterData, float], bool | None]
"""``verify(changed data, seconds)``: ``True`` when a roster exists (found and accepted by the
checker), ``False`` when none exists, ``None`` when the re-solve did not finish in time."""


def _staff_of(key: tuple[Any, ...], family: str) -> str | None:
    """The staff id a conflict member is about, if it is about one person."""
    if family in ("availability", "deadline") or (family == "redispatch" and key[0] != "quarter"):
        return str(key[0])
    if family in ("once", "consecutive"):
        return str(key[0])
    return None


def conflict_departments(data: RosterData, schedule: Schedule, conflict: Conflict) -> set[str]:
    """Departments the conflict's members are about: their turn, one of their people, or (for
    a center's seats or title mix in a quarter where no other member names a department) the
    departments whose turn it is then — only their people can fill those seats."""
    staff = {s.id: s for s in data.staff}
    out: set[str] = set()
    for family, key in conflict.members:
        if family == "order":
            out.add(key[0])
        elif family == "pull" and key[0] == "turn":
            out.add(key[1])
        sid = _staff_of(key, family)
        if sid is not None and sid in staff:
            out.add(staff[sid].department)
    named = set(out)
    for family, key in conflict.members:
        if family in ("seats", "title"):
            turns = {t.dept for t in schedule.turns_in(key[1])}
            if not turns & named:
                out |= turns
    return out


def conflict_quarters(data: RosterData, conflict: Conflict) -> set[int]:
    """Quarter indices the conflict's members are about."""
    out: set[int] = set()
    avail = data.available()
    for family, key in conflict.members:
        if family in ("order", "seats", "title"):
            out.add(key[1])
        elif family == "frozen":
            out.add(key[0])
        elif family in ("pull", "redispatch") and key[0] in ("quarter", "swap"):
            out.add(key[1])
        elif family == "consecutive" and key[1] >= 0:
            out.update((key[1], key[1] + 1))
        elif family == "availability":
            out.update(q for q in range(data.policy.quarters) if not avail[key[0]][q])
    return out


def conflict_lines(
    data: RosterData, schedule: Schedule, found: Conflict, lang: str = "zh"
) -> list[str]:
    """The conflict put into words: one line per member (people shown with the member of their
    department's turn), naming departments, people and centers by name; nothing about a
    department, quarter or rule outside the conflict."""
    conflict, minimal, verified = found.members, found.minimal, found.verified
    if not conflict:
        return [tr("No roster exists, but no conflicting set of rules could be isolated within "
                   "the time limit.", lang=lang)]
    staff = {s.id: s for s in data.staff}
    depts = {d.id: d for d in data.departments}
    centers = {c.id: c for c in data.centers}
    avail = data.available()
    in_conflict = conflict_departments(data, schedule, found)
    away_members = {key[0] for family, key in conflict if family == "availability"}
    head = (tr("No roster exists. These rules and records conflict", lang=lang)
            + ("" if minimal else tr(" (the set may not be the smallest)", lang=lang))
            + (tr("; re-solving them alone confirms it:", lang=lang) if verified
               else tr(" (re-solving them alone did not finish, so this is CP-SAT's "
                       "unverified finding):", lang=lang)))
    lines = [head]

    def leave(sid: str, q: int | None) -> str:
        u = data.blocking_leave(sid, q) if q is not None else next(
            (u for u in data.unavailability if u.staff == sid), None)
        if u is None:
            return staff[sid].label
        reason = u.reason or tr("unavailable", lang=lang)
        return tr("{name} ({reason} {start}–{end})", lang=lang, name=staff[sid].label,
                  reason=reason, start=u.start, end=u.end)

    def deferral(d: str, q: int) -> str:
        """Whether ``d`` has used its deferral in the cycle of its turn in ``q``."""
        turn = schedule.turn_at(d, q)
        if turn is None:
            return ""
        choice = schedule.choices.get((d, turn.cycle))
        if choice is not None:
            return tr("it has already deferred in cycle {cycle} ({decision})", lang=lang,
                      cycle=turn.cycle + 1, decision=_decision(choice, lang))
        return tr("it has not deferred in cycle {cycle}", lang=lang, cycle=turn.cycle + 1)

    shown: set[str] = set()  # people whose leave was told in their turn's line
    order_quarters = {key for family, key in conflict if family == "order"}
    for family, key in conflict:
        if family == "order":
            d, q = key
            dept = depts[d]
            need = schedule.demand(d, q)
            members = [s for s in data.staff if s.department == d]
            ok = [s for s in members if avail[s.id][q]]
            fields = {"tag": _tag("order", lang), "dept": dept.label, "quarter": _q(data, q),
                      "need": need, "ok": len(ok)}
            if need == 0:
                msg = tr("- {tag} {dept} has no seats of its turn in {quarter}: its staff serve "
                         "then only to fill a swapped seat", lang=lang, **fields)
            elif len(ok) < need:
                msg = tr("- {tag} {dept}'s turn in {quarter} needs {need} people, only {ok} are "
                         "available", lang=lang, **fields)
            elif len(ok) == need:
                msg = tr("- {tag} {dept}'s turn in {quarter} needs {need} of its {ok} available "
                         "staff (all of them, so none can be spared for the other rules below)",
                         lang=lang, **fields)
            else:
                msg = tr("- {tag} {dept}'s turn in {quarter} needs {need} of its {ok} available "
                         "staff", lang=lang, **fields)
            if deferral(d, q):
                msg += tr("; {what}", lang=lang, what=deferral(d, q))
            away = [s for s in members if not avail[s.id][q] and s.id in away_members]
            if away:
                msg += tr("; away: {people}", lang=lang, people=tr("; ", lang=lang).join(
                    leave(s.id, q) for s in away[:8]) + (
                    tr(" … ({n} in all)", lang=lang, n=len(away)) if len(away) > 8 else ""))
                shown.update(s.id for s in away)
            lines.append(msg)
        elif family == "seats":
            c, q = key
            parts = []
            for t in schedule.turns_in(q):
                if t.dept not in in_conflict:
                    continue
                ok_n = sum(1 for s in data.staff if s.department == t.dept and avail[s.id][q])
                parts.append(tr("{dept} {ok} available for {seats} seats ({deferral})",
                                lang=lang, dept=depts[t.dept].label, ok=ok_n,
                                seats=t.seats[q], deferral=deferral(t.dept, q)))
            lines.append(
                tr("- {tag} {center} needs exactly {n} people in {quarter}", lang=lang,
                   tag=_tag("seats", lang), center=centers[c].label,
                   n=data.center_seats(c, q), quarter=_q(data, q))
                + (tr("; whose turn it is: {parts}", lang=lang,
                      parts=tr("; ", lang=lang).join(parts)) if parts else ""))
        elif family == "title":
            c, q = key
            cc = centers[c]
            seats = data.center_seats(c, q)
            need = min(seats, cc.min_intermediate if cc.min_intermediate is not None
                       else data.policy.title_rule.required(seats))
            rule = set(data.policy.title_rule.titles)
            titles = "/".join(t.value for t in data.policy.title_rule.titles)
            parts = []
            for t in schedule.turns_in(q):
                if t.dept not in in_conflict:
                    continue
                ok_s = [s.label for s in data.staff
                        if s.department == t.dept and s.title in rule and avail[s.id][q]]
                parts.append(f"{depts[t.dept].label} {len(ok_s)}"
                             + (f" ({'、'.join(ok_s[:5])})" if ok_s else "")
                             + tr(" ({deferral})", lang=lang, deferral=deferral(t.dept, q)))
            lines.append(
                tr("- {tag} {center} needs at least {need} {titles} of its {seats} seats in "
                   "{quarter}", lang=lang, tag=_tag("title", lang), center=cc.label, need=need,
                   titles=titles, seats=seats, quarter=_q(data, q))
                + (tr("; available {titles} in the department(s) whose turn it is: {parts}",
                      lang=lang, titles=titles, parts=tr("; ", lang=lang).join(parts))
                   if parts else ""))
        elif family == "deadline":
            (sid,) = key
            s = staff[sid]
            lines.append(tr("- {tag} {name} ({dept}) must serve by {deadline}", lang=lang,
                            tag=_tag("deadline", lang), name=s.label,
                            dept=depts[s.department].label, deadline=s.promotion_deadline))
        elif family == "once":
            sid, c = key
            lines.append(tr("- {tag} {name} serves at most once in cycle {cycle}", lang=lang,
                            tag=_tag("once", lang), name=staff[sid].label, cycle=c + 1))
        elif family == "consecutive":
            sid, q = key
            if q < 0:
                lines.append(tr("- {tag} {name} served in {last}, so not in {quarter}",
                                lang=lang, tag=_tag("consecutive", lang),
                                name=staff[sid].label, last=staff[sid].last_served,
                                quarter=_q(data, 0)))
            else:
                lines.append(tr("- {tag} {name} cannot serve both {a} and {b}", lang=lang,
                                tag=_tag("consecutive", lang), name=staff[sid].label,
                                a=_q(data, q), b=_q(data, q + 1)))
        elif family == "frozen":
            (q,) = key
            assert data.replan is not None
            names = [
                f"{staff[sid].label}@{centers[cid].label}" if sid in staff else sid
                for (sid, qq), cid in sorted(data.replan.published.items())
                if qq == q
            ]
            listed = f"{'、'.join(names[:12])}{' …' if len(names) > 12 else ''}"
            lines.append(tr("- {tag} {quarter} has started or is announced, so it stays as "
                            "published ({listed})", lang=lang, tag=_tag("frozen", lang),
                            quarter=_q(data, q), listed=listed))
        elif family == "redispatch":
            if key[0] == "quarter":
                lines.append(tr("- {tag} the re-dispatched people of {quarter} need seats "
                                "given up by the departments whose turn it is", lang=lang,
                                tag=_tag("redispatch", lang), quarter=_q(data, key[1])))
            else:
                (sid,) = key
                assert data.replan is not None
                term = next(t for t in data.replan.redispatch if t.staff == sid)
                s = staff[sid]
                last = min(term.deadline, data.policy.quarters - 1)
                ok_q = [_q(data, q) for q in range(max(0, term.earliest), last + 1)
                        if avail[sid][q]]
                src = term.source or tr("assessment", lang=lang)
                lines.append(tr("- {tag} {name} ({dept}) must serve again between {first} and "
                                "{last} ({source}); available then: {quarters}", lang=lang,
                                tag=_tag("redispatch", lang), name=s.label,
                                dept=depts[s.department].label,
                                first=_q(data, term.earliest), last=_q(data, last), source=src,
                                quarters="、".join(ok_q) or tr("never", lang=lang)))
        elif family == "pull":
            what = key[0]
            if what == "quarter":
                lines.append(tr("- {tag} pulled-forward candidates in {quarter} need seats "
                                "given up by the departments whose turn it is", lang=lang,
                                tag=_tag("pull", lang), quarter=_q(data, key[1])))
            elif what == "swap":
                lines.append(tr("- {tag} in {quarter} the seats credited to pulled-forward "
                                "candidates must be filled by the departments that gave them "
                                "their seats (seat swap)", lang=lang, tag=_tag("pull", lang),
                                quarter=_q(data, key[1])))
            else:
                lines.append(tr("- {tag} candidates pulled forward count towards {dept}'s "
                                "turn in cycle {cycle}", lang=lang, tag=_tag("pull", lang),
                                dept=depts[key[1]].label, cycle=key[2] + 1))
    # people away whose department's turn is not itself a member: one line each, with the
    # leave that blocks a quarter of the conflict (else their first leave)
    quarters = conflict_quarters(data, found)
    for sid in sorted(away_members - shown, key=lambda x: list(staff).index(x)):
        s = staff[sid]
        blocked = [q for q in sorted(quarters) if not avail[sid][q]
                   and any((s.department, q) == k for k in order_quarters)]
        blocked = blocked or [q for q in range(data.policy.quarters)
                              if not avail[sid][q] and schedule.turn_at(s.department, q)]
        lines.append(tr("- {tag} unavailable in {dept}: {who}", lang=lang,
                        tag=_tag("availability", lang), dept=depts[s.department].label,
                        who=leave(sid, blocked[0] if blocked else None)))
    return lines


# ------------------------------------------------------------------ what would make a roster


def layouts(data: RosterData) -> frozenset[tuple[Any, ...]] | None:
    """Where every turn lies in each schedule alternative of ``data`` (``None``: its deferral
    requests cannot be applied). Two instances with the same layouts give the same rosters, so
    a change that keeps them changes nothing (e.g. a request that is not needed)."""
    try:
        alts = alternatives(data)
    except ScheduleError:
        return None
    return frozenset(
        tuple(sorted((t.dept, t.cycle, tuple(sorted(t.seats.items())), t.beyond)
                     for t in alt.turns))
        for alt in alts
    )


def _request(data: RosterData, dept: str, q: int, dec: DeferralDecision) -> DeferralRequest:
    return DeferralRequest(department=dept, quarter=data.policy.first_quarter + q,
                           decision=dec, reason="explain")


def suggestion_candidates(
    data: RosterData, schedule: Schedule, found: Conflict
) -> list[Suggestion]:
    """Changes the office could make that might let a roster exist, not yet verified: for each
    department of the conflict that has not deferred its turn there, a deferral request
    (``next``, ``last``); for each deferral request of the input, the other decision and its
    withdrawal. Changes that cannot be applied (e.g. ``next`` for the last department of a
    cycle) or that move no turn (a request that is not needed) are left out."""
    depts = {d.id: d for d in data.departments}
    in_conflict = conflict_departments(data, schedule, found)
    quarters = conflict_quarters(data, found)
    out: list[Suggestion] = []
    for d in data.departments:
        if d.id not in in_conflict:
            continue
        turns = [t for t in schedule.turns if t.dept == d.id and t.seats]
        relevant = [t for t in turns if quarters & set(t.seats)] or turns[:1]
        for t in relevant:
            if (d.id, t.cycle) in schedule.choices:
                continue  # its request is among the input's requests below
            q = min(set(t.seats) & quarters) if set(t.seats) & quarters else t.first
            assert q is not None
            for dec in (DeferralDecision.NEXT, DeferralDecision.LAST):
                out.append(_suggestion(
                    N_("{department} requests a deferral of its turn in {quarter}, decided "
                       "{decision}"),
                    [*data.deferrals, _request(data, d.id, q, dec)],
                    department=d.label, quarter=_q(data, q),
                    decision=lambda lang, dec=dec: _decision(dec, lang),
                ))
    mine = sorted(range(len(data.deferrals)),
                  key=lambda k: data.deferrals[k].department not in in_conflict)
    for k in mine:
        r = data.deferrals[k]
        name = depts[r.department].label if r.department in depts else r.department
        rest = data.deferrals[:k] + data.deferrals[k + 1:]
        for dec in (DeferralDecision.NEXT, DeferralDecision.LAST):
            if dec is r.decision or r.decision is DeferralDecision.AUTO:
                continue
            changed = r.model_copy(update={"decision": dec})
            out.append(_suggestion(
                N_("{department}'s deferral request ({quarter}) decided {decision} instead"),
                [*data.deferrals[:k], changed, *data.deferrals[k + 1:]],
                department=name, quarter=r.quarter,
                decision=lambda lang, dec=dec: _decision(dec, lang),
            ))
        out.append(_suggestion(
            N_("withdraw {department}'s deferral request ({quarter}, {decision})"), rest,
            department=name, quarter=r.quarter,
            decision=lambda lang, r=r: _decision(r.decision, lang),
        ))
    seen = {layouts(data)}
    kept = []
    for s in out:
        key = layouts(s.data(data))
        if key is None or key in seen:
            continue  # cannot be applied, changes nothing, or the same as one kept already
        seen.add(key)
        kept.append(s)
    return kept


def verify_suggestions(
    data: RosterData,
    candidates: list[Suggestion],
    verify: Verify,
    seconds: float,
    budget: Budget | None = None,
) -> int:
    """Re-solve each candidate's changed instance (``verify``), sharing ``seconds`` (never past
    ``budget``'s deadline); sets ``verified`` and returns how many were tried."""
    deadline = time.perf_counter() + seconds
    if budget is not None:
        deadline = min(deadline, budget.deadline)
    tried = 0
    for i, s in enumerate(candidates):
        left = deadline - time.perf_counter()
        if left < 0.2 or (budget is not None and budget.stopped()):
            break
        s.verified = verify(s.data(data), left / (len(candidates) - i))
        tried += 1
    return tried


def suggestion_lines(
    candidates: list[Suggestion], tried: int, lang: str = "zh"
) -> list[str]:
    """The verified changes, marked as verified; or an honest line when none was."""
    good = [s for s in candidates if s.verified]
    if good:
        return [tr("Changes that make a roster exist (each verified: the changed instance was "
                   "re-solved and its roster passed the independent checker):", lang=lang)] + [
            tr("- [verified] {change}", lang=lang, change=s.text(lang)) for s in good]
    if not candidates:
        return [tr("No change to suggest: no department of the conflict can request or change "
                   "a deferral (it has deferred in this cycle, or neither next nor last can be "
                   "applied, e.g. it is the last department of its cycle).", lang=lang)]
    if tried < len(candidates) or any(s.verified is None for s in candidates[:tried]):
        return [tr("No change was verified to make a roster exist within the time limit "
                   "({tried} of {n} deferral changes tried); try a longer --time-limit.",
                   lang=lang, tried=tried, n=len(candidates))]
    return [tr("None of the {tried} deferral changes tried (adding, changing or withdrawing "
               "a deferral request) makes a roster exist.", lang=lang, tried=tried)]


def explain_infeasible(
    data: RosterData,
    schedule: Schedule,
    params: SolveParams,
    seconds: float | None = None,
    lang: str = "zh",
    verify: Verify | None = None,
) -> list[str]:
    """Lines that say why no roster exists under ``schedule``, in the office's terms (Chinese by
    default, English with ``lang="en"``): the verified conflict (:func:`conflict_lines`), then,
    with ``verify``, the changes re-solved and verified to make a roster exist
    (``seconds``: as for :func:`find_conflict`, shared by both)."""
    if seconds is None:
        seconds = params.budget.remaining() if params.budget is not None else params.time_limit
    start = time.perf_counter()
    found = find_conflict(data, schedule, params, seconds * (0.6 if verify else 1.0))
    lines = conflict_lines(data, schedule, found, lang)
    if verify is not None and found:
        candidates = suggestion_candidates(data, schedule, found)
        left = seconds - (time.perf_counter() - start)
        tried = verify_suggestions(data, candidates, verify, left, params.budget)
        lines += suggestion_lines(candidates, tried, lang)
    return lines


def explain_soft(
    data: RosterData, sol: RosterSolution, schedule: Schedule, lang: str | None = None
) -> list[str]:
    """Soft rules not fully met by a roster, and why (empty when all are met); rules named by
    ``RULES.label(key, lang)``; in ``lang`` (default: the current language)."""
    with use_lang(lang):
        return _explain_soft(data, sol, schedule)


def _explain_soft(data: RosterData, sol: RosterSolution, schedule: Schedule) -> list[str]:
    lang = current_lang()
    lines: list[str] = []
    H = data.policy.quarters
    staff = {s.id: s for s in data.staff}
    depts = {d.id: d for d in data.departments}
    avail = data.available()
    served: dict[str, list[int]] = defaultdict(list)
    for a in sol.assignments:
        served[a.staff].append(a.quarter)
    # deferrals chosen by the solver
    for (d, c), dec in schedule.auto.items():
        lines.append(tr("{tag} {dept}'s 'auto' request in cycle {cycle}: the solver chose "
                        "{decision}", tag=_tag("R5", lang), dept=depts[d].label, cycle=c + 1,
                        decision=_decision(dec, lang)))
    # promotion candidates
    for s in data.staff:
        if not s.promotion_candidate:
            continue
        if not served[s.id]:
            ok = [q for q in range(H) if avail[s.id][q]]
            why = (
                tr("unavailable in every quarter")
                if not ok
                else tr("every quarter they could serve was needed for higher-priority rules")
            )
            lines.append(tr("{tag} candidate {name} is not sent within the programme: {why}",
                            tag=_tag("R6", lang), name=s.label, why=why))
        elif min(served[s.id]) > 0:
            q = min(served[s.id])
            blocked = [r for r in range(q) if not avail[s.id][r]]
            if len(blocked) == q:
                why = tr("unavailable before")
            else:
                why = tr(
                    "no earlier seat without breaking a hard rule (seats, title mix, the seat "
                    "swap the giving department must fill) or moving an earlier candidate"
                )
            lines.append(tr("{tag} candidate {name} serves in {quarter}, not earlier: {why}",
                            tag=_tag("R6", lang), name=s.label, quarter=_q(data, q), why=why))
    # re-dispatched people (re-planning)
    for a in sol.assignments:
        if a.kind == "redo":
            s = staff[a.staff]
            giver = depts[a.seat_from].label if a.seat_from else "?"
            lines.append(tr("{tag} {name} ({dept}) serves again in {quarter}, in a seat of "
                            "{giver}'s turn ({giver} sends one fewer)",
                            tag=_tag("redispatch", lang), name=s.label,
                            dept=depts[s.department].label, quarter=_q(data, a.quarter),
                            giver=giver))
    # pulled forward seats
    for a in sol.assignments:
        if a.pulled_forward:
            s = staff[a.staff]
            credit = (
                _q(data, a.credit_quarter)
                if a.credit_quarter is not None
                else tr("a turn after the programme")
            )
            lines.append(tr("{tag} {name} ({dept}) pulled forward into {quarter}: {giver} sends "
                            "one fewer then; {dept} sends one fewer in {credit}",
                            tag=_tag("R6", lang), name=s.label, dept=depts[s.department].label,
                            quarter=_q(data, a.quarter),
                            giver=depts[a.seat_from].label if a.seat_from else "?",
                            credit=credit))
    # title mix (soft) and specialties
    titles = set(data.policy.title_rule.titles)
    by_cell: dict[tuple[str, int], list[str]] = defaultdict(list)
    for a in sol.assignments:
        by_cell[(a.center, a.quarter)].append(a.staff)
    for c in data.centers:
        for q in range(H):
            seats = data.center_seats(c.id, q)
            need = min(
                seats,
                c.min_intermediate
                if c.min_intermediate is not None
                else (data.policy.title_rule.required(seats)),
            )
            people = by_cell[(c.id, q)]
            have = sum(1 for p in people if staff[p].title in titles)
            if have < need:
                lines.append(tr("{tag} {center} {quarter}: {have} of {need} required {titles} "
                                "seats: the departments whose turn it is have too few available",
                                tag=_tag("title", lang), center=c.label, quarter=_q(data, q),
                                have=have, need=need,
                                titles="/".join(t.value for t in titles)))
            for spec in c.specialty_weights():
                if not any(data.specialty(staff[p]) == spec for p in people):
                    lines.append(tr("{tag} {center} {quarter}: asks for {specialty}; none of "
                                    "the people whose turn it is has it",
                                    tag=_tag("specialty", lang), center=c.label,
                                    quarter=_q(data, q), specialty=spec))
    # fairness: someone ranked ahead stayed home while a colleague went
    rank = ranks(data)
    members: dict[str, list[Any]] = defaultdict(list)
    for s in data.staff:
        members[s.department].append(s)
    sent_in: dict[tuple[int, str], list[str]] = defaultdict(list)
    for a in sol.assignments:
        sent_in[(a.quarter, staff[a.staff].department)].append(a.staff)
    for (q, d), sent in sorted(sent_in.items()):
        worst = max(rank[p] for p in sent)
        skipped = [
            s for s in members[d] if rank[s.id] < worst and s.id not in sent and not served[s.id]
        ]
        for s in skipped[:3]:
            if not avail[s.id][q]:
                why = tr("unavailable")
            elif (q > 0 and q - 1 in served[s.id]) or (q + 1 in served[s.id]):
                why = tr("serves in an adjacent quarter")
            elif s.title is not Title.INTERMEDIATE and Title.INTERMEDIATE in titles:
                why = tr("the title mix needed an intermediate-title colleague")
            else:
                why = tr("a higher-priority rule needed someone else")
            lines.append(tr("{tag} {name} ({dept}) was ahead in line for {quarter} but stayed: "
                            "{why}", tag=_tag("fairness", lang), name=s.label,
                            dept=depts[d].label, quarter=_q(data, q), why=why))
    base = baseline(data)
    if any(
        base.demand(d.id, q) != schedule.demand(d.id, q) for d in data.departments for q in range(H)
    ):
        lines.append(tr("{tag} the turns differ from the published order because of the "
                        "deferral requests (see the departments sheet)", tag=_tag("order", lang)))
    return lines
