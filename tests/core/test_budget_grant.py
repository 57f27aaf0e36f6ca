"""Budget.grant: a sub-solve's limit is never more than what is left of the one deadline;
Budget.cut_short names each phase the limit cut once."""

from __future__ import annotations

from assignments.core.budget import Budget


def test_grant_is_capped_at_what_is_left_and_recorded() -> None:
    b = Budget(100.0)
    assert b.grant(5.0, "mip") == 5.0
    b.deadline = b.start  # nothing left
    assert b.grant(5.0, "lp") == 0.0
    assert [(p, g) for p, g, _left in b.grants] == [("mip", 5.0), ("lp", 0.0)]
    assert all(g <= left for _p, g, left in b.grants)


def test_grant_inside_holding_back_uses_the_earlier_deadline() -> None:
    b = Budget(10.0)
    with b.holding_back(100.0, most=1.0):
        assert b.grant(3.0, "engine") == 0.0
    assert b.grant(3.0, "engine") == 3.0


def test_cut_short_names_each_phase_once() -> None:
    b = Budget(1.0)
    b.cut_short("split-mip")
    b.cut_short("split-mip")
    b.cut_short("engine")
    assert b.cut_phases == ["split-mip", "engine"]
