"""Explanations in the office's terms.

* :func:`explain_infeasible` — the smallest set of named rules and records found to conflict:
  CP-SAT's sufficient assumptions, shrunk by deletion, then *verified* by re-solving the set
  alone (CP-SAT's sufficient assumptions can be wrong, or-tools#5141);
* :func:`explain_soft` — for a roster that exists: soft rules not fully met, and why.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from assignments.core.conflict import Conflict
from assignments.core.conflict import find_conflict as core_find_conflict
from assignments.core.solver import SolveParams
from assignments.roster.data import RosterData, Title
from assignments.roster.rules import RULES
from assignments.roster.schedule import Schedule, baseline
from assignments.roster.solution import RosterSolution, ranks

__all__ = ["explain_infeasible", "explain_soft", "find_conflict"]


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


def explain_infeasible(
    data: RosterData,
    schedule: Schedule,
    params: SolveParams,
    seconds: float | None = None,
    lang: str = "en",
) -> list[str]:
    """Lines that say why no roster exists under ``schedule``, in the office's terms
    (``seconds``: as for :func:`find_conflict`; rules named by ``RULES.label(key, lang)``)."""
    found = find_conflict(data, schedule, params, seconds)
    conflict, minimal, verified = found.members, found.minimal, found.verified
    if not conflict:
        return [
            "No roster exists, but no conflicting set of rules could be isolated within "
            "the time limit."
        ]
    staff = {s.id: s for s in data.staff}
    depts = {d.id: d for d in data.departments}
    centers = {c.id: c for c in data.centers}
    avail = data.available()
    head = (
        "No roster exists. These rules and records conflict"
        + ("" if minimal else " (the set may not be the smallest)")
        + (
            "; re-solving them alone confirms it:"
            if verified
            else " (re-solving them alone did not finish, so this is CP-SAT's unverified finding):"
        )
    )
    lines = [head]
    unavailable: dict[str, list[str]] = defaultdict(list)
    for family, key in conflict:
        if family == "availability":
            (sid,) = key
            s = staff[sid]
            unavailable[s.department].append(sid)
    for family, key in conflict:
        if family == "order":
            d, q = key
            dept = depts[d]
            need = schedule.demand(d, q)
            members = [s for s in data.staff if s.department == d]
            ok = [s for s in members if avail[s.id][q]]
            turn = schedule.turn_at(d, q)
            cycle = turn.cycle if turn else None
            deferred = cycle is not None and (d, cycle) in schedule.choices
            msg = (
                f"- {_tag('order', lang)} {dept.label}'s turn in {_q(data, q)} needs {need} "
                + (f"of its {len(ok)} available staff"
                   + (" (all of them, so none can be spared for the other rules below)"
                      if len(ok) == need else "")
                   if len(ok) >= need else f"people, only {len(ok)} are available")
            )
            if deferred:
                msg += f"; it has already deferred in cycle {cycle + 1}"  # type: ignore[operator]
            elif cycle is not None:
                msg += (
                    f"; it has not deferred in cycle {cycle + 1}: a deferral request "
                    "(后延申请, next or last) would move its turn"
                )
            away = [s for s in members if not avail[s.id][q]]
            if away:
                reasons = []
                for s in away[:6]:
                    u = data.blocking_leave(s.id, q)
                    why = f"{u.reason or 'unavailable'} {u.start}–{u.end}" if u else "unavailable"
                    reasons.append(f"{s.label} ({why})")
                msg += "; away: " + "; ".join(reasons) + (" …" if len(away) > 6 else "")
            lines.append(msg)
        elif family == "seats":
            c, q = key
            parts = []
            for t in schedule.turns_in(q):
                ok = sum(1 for s in data.staff if s.department == t.dept and avail[s.id][q])
                parts.append(f"{depts[t.dept].label} {ok} available for {t.seats[q]} seats")
            lines.append(
                f"- {_tag('seats', lang)} {centers[c].label} needs exactly "
                f"{data.center_seats(c, q)} "
                f"people in {_q(data, q)}; whose turn it is: {'; '.join(parts) or 'nobody'}"
            )
        elif family == "title":
            c, q = key
            cc = centers[c]
            seats = data.center_seats(c, q)
            need = min(
                seats,
                cc.min_intermediate
                if cc.min_intermediate is not None
                else (data.policy.title_rule.required(seats)),
            )
            rule = set(data.policy.title_rule.titles)
            titles = "/".join(t.value for t in data.policy.title_rule.titles)
            parts = []
            for t in schedule.turns_in(q):
                ok = [
                    s.label
                    for s in data.staff
                    if s.department == t.dept and s.title in rule and avail[s.id][q]
                ]
                parts.append(
                    f"{depts[t.dept].label} {len(ok)}" + (f" ({'、'.join(ok[:5])})" if ok else "")
                )
            lines.append(
                f"- {_tag('title', lang)} {cc.label} needs at least {need} {titles} of its "
                f"{seats} seats in {_q(data, q)}; available {titles} in the "
                f"department(s) whose turn it is: {'; '.join(parts) or 'none'}"
            )
        elif family == "deadline":
            (sid,) = key
            s = staff[sid]
            lines.append(
                f"- {_tag('deadline', lang)} {s.label} ({depts[s.department].label}) "
                f"must serve by {s.promotion_deadline}"
            )
        elif family == "once":
            sid, c = key
            lines.append(
                f"- {_tag('once', lang)} {staff[sid].label} serves at most once in cycle {c + 1}"
            )
        elif family == "consecutive":
            sid, q = key
            if q < 0:
                lines.append(
                    f"- {_tag('consecutive', lang)} {staff[sid].label} served in "
                    f"{staff[sid].last_served}, so not in {_q(data, 0)}"
                )
            else:
                lines.append(
                    f"- {_tag('consecutive', lang)} {staff[sid].label} cannot serve both "
                    f"{_q(data, q)} and {_q(data, q + 1)}"
                )
        elif family == "frozen":
            (q,) = key
            assert data.replan is not None
            names = [
                f"{staff[sid].label}@{centers[cid].label}" if sid in staff else sid
                for (sid, qq), cid in sorted(data.replan.published.items())
                if qq == q
            ]
            lines.append(
                f"- {_tag('frozen', lang)} {_q(data, q)} has started or is announced, so it stays "
                f"as published ({'、'.join(names[:12])}{' …' if len(names) > 12 else ''}); "
                "re-plan with a shorter announce horizon (--horizon) if it may still change"
            )
        elif family == "redispatch":
            if key[0] == "quarter":
                lines.append(
                    f"- {_tag('redispatch', lang)} the re-dispatched people of "
                    f"{_q(data, key[1])} need "
                    "seats given up by the departments whose turn it is"
                )
            else:
                (sid,) = key
                assert data.replan is not None
                t = next(t for t in data.replan.redispatch if t.staff == sid)
                s = staff[sid]
                last = min(t.deadline, data.policy.quarters - 1)
                ok = [_q(data, q) for q in range(max(0, t.earliest), last + 1) if avail[sid][q]]
                lines.append(
                    f"- {_tag('redispatch', lang)} {s.label} "
                    f"({depts[s.department].label}) must serve "
                    f"again between {_q(data, t.earliest)} and {_q(data, last)} "
                    f"({t.source or 'assessment'}); available then: {'、'.join(ok) or 'never'}"
                )
        elif family == "pull":
            what = key[0]
            if what == "quarter":
                lines.append(
                    f"- {_tag('R6', lang)} pulled-forward candidates in {_q(data, key[1])} "
                    "need seats given up by the departments whose turn it is"
                )
            elif what == "swap":
                lines.append(
                    f"- {_tag('R6', lang)} in {_q(data, key[1])} the seats credited to "
                    "pulled-forward candidates must be filled by the departments that "
                    "gave them their seats (seat swap)"
                )
            else:
                lines.append(
                    f"- {_tag('R6', lang)} candidates pulled forward count towards "
                    f"{depts[key[1]].label}'s turn in cycle {key[2] + 1}"
                )
    for d, sids in unavailable.items():
        turns = [t for t in schedule.turns if t.dept == d and t.seats]
        hint = ""
        for t in turns:
            if (d, t.cycle) in schedule.choices:
                hint = f"; {depts[d].label} has already deferred in cycle {t.cycle + 1}"
                break
        else:
            if turns:
                hint = (
                    f"; {depts[d].label} has not deferred in cycle {turns[0].cycle + 1}: a "
                    "deferral request (后延申请, next or last) could move its turn"
                )
        names = []
        for sid in sids[:8]:
            s = staff[sid]
            u = next((u for u in data.unavailability if u.staff == sid), None)
            names.append(f"{s.label}" + (f" ({u.reason or '—'} {u.start}–{u.end})" if u else ""))
        lines.append(
            f"- {_tag('availability', lang)} unavailable in {depts[d].label}: "
            + "; ".join(names)
            + (" …" if len(sids) > 8 else "")
            + hint
        )
    return lines


def explain_soft(
    data: RosterData, sol: RosterSolution, schedule: Schedule, lang: str = "en"
) -> list[str]:
    """Soft rules not fully met by a roster, and why (empty when all are met); rules named by
    ``RULES.label(key, lang)``."""
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
        lines.append(
            f"{_tag('R5', lang)} {depts[d].label}'s 'auto' request in cycle {c + 1}: the "
            f"solver chose '{dec.value}' "
            f"({'自动后延' if dec.value == 'next' else '调至最后一批'})"
        )
    # promotion candidates
    for s in data.staff:
        if not s.promotion_candidate:
            continue
        if not served[s.id]:
            ok = [q for q in range(H) if avail[s.id][q]]
            why = (
                "unavailable in every quarter"
                if not ok
                else ("every quarter they could serve was needed for higher-priority rules")
            )
            lines.append(
                f"{_tag('R6', lang)} candidate {s.label} is not sent within the programme: {why}"
            )
        elif min(served[s.id]) > 0:
            q = min(served[s.id])
            blocked = [r for r in range(q) if not avail[s.id][r]]
            if len(blocked) == q:
                why = "unavailable before"
            else:
                why = (
                    "no earlier seat without breaking a hard rule (seats, title mix, the seat "
                    "swap the giving department must fill) or moving an earlier candidate"
                )
            lines.append(
                f"{_tag('R6', lang)} candidate {s.label} serves in {_q(data, q)}, "
                f"not earlier: {why}"
            )
    # re-dispatched people (re-planning)
    for a in sol.assignments:
        if a.kind == "redo":
            s = staff[a.staff]
            giver = depts[a.seat_from].label if a.seat_from else "?"
            lines.append(
                f"{_tag('redispatch', lang)} {s.label} ({depts[s.department].label}) "
                f"serves again in "
                f"{_q(data, a.quarter)}, in a seat of {giver}'s turn ({giver} sends one fewer)"
            )
    # pulled forward seats
    for a in sol.assignments:
        if a.pulled_forward:
            s = staff[a.staff]
            credit = (
                _q(data, a.credit_quarter)
                if a.credit_quarter is not None
                else "a turn after the programme"
            )
            lines.append(
                f"{_tag('R6', lang)} {s.label} ({depts[s.department].label}) pulled forward "
                f"into {_q(data, a.quarter)}: {depts[a.seat_from].label if a.seat_from else '?'}"
                f" sends one fewer then; {depts[s.department].label} sends one fewer "
                f"in {credit}"
            )
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
                lines.append(
                    f"{_tag('title', lang)} {c.label} {_q(data, q)}: {have} of {need} required "
                    f"{'/'.join(t.value for t in titles)} seats: the departments whose "
                    "turn it is have too few available"
                )
            for spec in c.specialty_weights():
                if not any(data.specialty(staff[p]) == spec for p in people):
                    lines.append(
                        f"{_tag('specialty', lang)} {c.label} {_q(data, q)}: asks for {spec}; "
                        "none of "
                        "the people whose turn it is has it"
                    )
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
                why = "unavailable"
            elif (q > 0 and q - 1 in served[s.id]) or (q + 1 in served[s.id]):
                why = "serves in an adjacent quarter"
            elif s.title is not Title.INTERMEDIATE and Title.INTERMEDIATE in titles:
                why = "the title mix needed an intermediate-title colleague"
            else:
                why = "a higher-priority rule needed someone else"
            lines.append(
                f"{_tag('fairness', lang)} {s.label} ({depts[d].label}) was ahead in line for "
                f"{_q(data, q)} but stayed: {why}"
            )
    base = baseline(data)
    if any(
        base.demand(d.id, q) != schedule.demand(d.id, q) for d in data.departments for q in range(H)
    ):
        lines.append(
            f"{_tag('order', lang)} the turns differ from the published order because of "
            "the deferral requests (see 科室汇总)"
        )
    return lines
