"""Generate realistic, seeded rotation-roster workbooks (DOMAIN §R) of any size.

    python scripts/generate_roster.py OUT.xlsx --departments 25 --staff 300 --centers 2 \\
        --quarters 12 --seed 1
    python scripts/generate_roster.py instances/roster/county_hospital.xlsx --preset county

Presets: county (25 departments, 300 staff, 2 centers, 12 quarters from 2027Q1), city (60, 2000,
10, 12) and regional (200, 10000, 50, 20). Explicit options override a preset's figures.

What the generator guarantees, so that the default rules of DOMAIN §R leave a roster:

* every center has 3 seats; a cycle through all departments fills the programme (turn sizes
  ``seats per quarter × quarters / departments``, varying by one between departments);
* every department has at least ``turn size + 3`` staff, of whom ``turn size + 2`` are
  intermediate (中级), so the majority-intermediate title rule can be met in every quarter;
* leaves never leave a department with fewer than ``turn size + 1`` intermediate staff (or
  ``turn size + 2`` staff) available in any quarter, and a promotion candidate with a deadline
  keeps at least two quarters before it;
* nobody's previous rotation (上次下乡) is the quarter just before the programme;
* every deferral request names a quarter of the department's turn, and applies under every
  combination of ``next``/``last`` for the requests marked ``auto`` (at most two).

Same arguments and seed → identical records (each aspect draws from its own seeded stream).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from assignments.core.calendar import Quarter, WorkCalendar
from assignments.core.io import write_input_workbook
from assignments.roster.data import SHEETS, DeferralDecision
from assignments.roster.schedule import ScheduleError, build_schedule

__all__ = ["PRESETS", "SEATS_PER_CENTER", "generate", "main", "write"]

Records = dict[str, list[dict[str, Any]]]

SEATS_PER_CENTER = 3

PRESETS: dict[str, dict[str, Any]] = {
    "county": {
        "departments": 25,
        "staff": 300,
        "centers": 2,
        "quarters": 12,
        "first_quarter": "2027Q1",
    },
    "city": {
        "departments": 60,
        "staff": 2000,
        "centers": 10,
        "quarters": 12,
        "first_quarter": "2027Q1",
    },
    "regional": {
        "departments": 200,
        "staff": 10_000,
        "centers": 50,
        "quarters": 20,
        "first_quarter": "2027Q1",
    },
}

# (department name, specialty of its staff), most common first: a hospital with n departments
# has the first n (more departments than names: wards 一病区, 二病区, ... of the same names)
DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("心内科", "心血管"),
    ("呼吸内科", "呼吸"),
    ("消化内科", "消化"),
    ("神经内科", "神经"),
    ("肾内科", "肾病"),
    ("内分泌科", "内分泌"),
    ("普外科", "普外"),
    ("骨科", "骨科"),
    ("泌尿外科", "泌尿"),
    ("神经外科", "神经外科"),
    ("胸外科", "胸外"),
    ("妇产科", "妇产"),
    ("儿科", "儿科"),
    ("眼科", "眼科"),
    ("耳鼻喉科", "耳鼻喉"),
    ("口腔科", "口腔"),
    ("皮肤科", "皮肤"),
    ("中医科", "中医"),
    ("康复医学科", "康复"),
    ("急诊科", "急诊"),
    ("重症医学科", "重症"),
    ("麻醉科", "麻醉"),
    ("影像科", "影像"),
    ("检验科", "检验"),
    ("感染科", "感染"),
    ("老年病科", "老年病"),
    ("全科医学科", "全科"),
    ("肿瘤科", "肿瘤"),
    ("血液内科", "血液"),
    ("风湿免疫科", "风湿免疫"),
    ("肝胆外科", "肝胆"),
    ("甲状腺乳腺外科", "甲乳"),
    ("血管外科", "血管外科"),
    ("烧伤整形科", "烧伤整形"),
    ("新生儿科", "新生儿"),
    ("小儿外科", "小儿外科"),
    ("疼痛科", "疼痛"),
    ("精神心理科", "心理"),
    ("超声医学科", "超声"),
    ("病理科", "病理"),
    ("核医学科", "核医学"),
    ("营养科", "营养"),
    ("针灸推拿科", "针灸推拿"),
    ("药剂科", "药学"),
    ("介入血管科", "介入"),
)
# what township health centers ask for most (their 特色), among the departments' specialties
CENTER_NEEDS: tuple[tuple[str, int], ...] = (
    ("儿科", 10),
    ("中医", 10),
    ("康复", 9),
    ("全科", 8),
    ("妇产", 7),
    ("老年病", 6),
    ("急诊", 5),
    ("心血管", 5),
    ("骨科", 4),
    ("口腔", 3),
    ("眼科", 3),
    ("内分泌", 3),
    ("针灸推拿", 3),
    ("呼吸", 2),
    ("消化", 2),
    ("皮肤", 1),
    ("耳鼻喉", 1),
    ("影像", 1),
)
# specialties some staff hold beyond their department's (全科转岗, 西学中, 康复培训)
EXTRA_SPECIALTIES: tuple[str, ...] = ("全科", "中医", "康复")

TOWNS: tuple[str, ...] = (
    "石桥",
    "龙泉",
    "白沙",
    "青山",
    "黄土",
    "新华",
    "太平",
    "长安",
    "永安",
    "三河",
    "马鞍",
    "清水",
    "东坝",
    "西河",
    "南岭",
    "北山",
    "桃源",
    "柳林",
    "金竹",
    "双河",
    "大坪",
    "高桥",
    "凤凰",
    "莲花",
    "平安",
    "安乐",
    "水口",
    "古城",
    "河口",
    "杨柳",
    "梅岭",
    "竹园",
    "松林",
    "枫树",
    "沙坪",
    "天星",
    "红岩",
    "新田",
    "五里",
    "官渡",
    "铁佛",
    "龙潭",
    "草坝",
    "鹤林",
    "花桥",
    "瓦屋",
    "石门",
    "白马",
    "青龙",
    "兴隆",
    "仁和",
    "复兴",
    "永丰",
    "观音",
    "碧水",
    "金山",
    "土桥",
    "板桥",
    "大河",
    "小溪",
)
TOWN_CHARS_1 = "石龙白青黄新太长永三清东西南北桃柳金双大高凤莲平安水古河杨梅竹松"
TOWN_CHARS_2 = "桥泉沙山坝河岭林园坪口城湾溪塘冲铺店庙寺屯堡营村"

# common surnames, roughly by frequency (the first ones drawn more often)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建国文斌宇浩凯健俊帆旭宁琳雪"
    "婷倩颖欣悦晨阳佳怡嘉子梓思雨博晓海燕慧丹波飞亮林峰兰凤梅莉琴云志永春荣德胜成龙新东鑫磊"
)

# title shares among staff (the intermediate floor of each department may raise 中级 above 45 %)
TITLE_SHARES = (("中级", 0.45), ("初级", 0.25), ("副高", 0.20), ("正高", 0.10))

LEAVE_REASONS = (("进修", 35), ("休假", 30), ("病假", 20), ("产假", 15))
DEFERRAL_REASONS = (
    "两人外出进修",
    "科室人员不足",
    "承担等级医院评审任务",
    "新院区搬迁",
    "科室主任外出进修",
    "承担重大公共卫生任务",
    "两人休产假",
    "新开展手术项目，骨干需留院",
)

_NUMERALS = "零一二三四五六七八九"


def _zh_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 35 -> 三十五 (n < 100)."""
    tens, ones = divmod(n, 10)
    text = "" if tens == 0 else ("十" if tens == 1 else _NUMERALS[tens] + "十")
    return text + (_NUMERALS[ones] if ones or not text else "")


def _rng(seed: int, aspect: str) -> random.Random:
    """An independent stream per aspect: changing one knob leaves the others' draws alone."""
    return random.Random(f"{seed}/{aspect}")


# ------------------------------------------------------------------ departments


def _department_names(n: int) -> list[tuple[str, str]]:
    """``n`` (name, specialty); beyond the list, wards 一病区, 二病区, ... of the busiest names."""
    base = DEPARTMENTS
    if n <= len(base):
        return list(base[:n])
    copies = [n // len(base) + (1 if i < n % len(base) else 0) for i in range(len(base))]
    out = []
    for (name, spec), k in zip(base, copies, strict=True):
        if k == 1:
            out.append((name, spec))
        else:
            out.extend((f"{name}{_zh_number(j)}病区", spec) for j in range(1, k + 1))
    return out


def _turn_sizes(rng: random.Random, departments: int, total: int) -> list[int]:
    """Turn sizes summing to the programme's seats (one cycle ≈ the programme), varying by one.

    With more departments than seats in the whole programme every turn is 1 (the cycle is longer
    than the programme).
    """
    if departments >= total:
        return [1] * departments
    lo = total // departments
    sizes = [lo + (1 if i < total - lo * departments else 0) for i in range(departments)]
    rng.shuffle(sizes)
    # a few transfers of one seat between departments (larger departments send more)
    for _ in range(departments // 4):
        a, b = rng.sample(range(departments), 2)
        if sizes[a] > max(1, lo - 1) and sizes[b] < lo + 2:
            sizes[a] -= 1
            sizes[b] += 1
    return sizes


def _allocate(total: int, weights: list[float], floors: list[int]) -> list[int]:
    """Split ``total`` into parts ≥ ``floors``, the rest in proportion to ``weights``."""
    rest = total - sum(floors)
    raw = [rest * w / sum(weights) for w in weights]
    parts = [f + math.floor(r) for f, r in zip(floors, raw, strict=True)]
    left = total - sum(parts)
    by_remainder = sorted(range(len(raw)), key=lambda i: (-(raw[i] - math.floor(raw[i])), i))
    for i in by_remainder[:left]:
        parts[i] += 1
    return parts


# ------------------------------------------------------------------ people


def _person_name(rng: random.Random) -> str:
    # surnames: a skewed draw (王, 李, 张, 刘, 陈 are the commonest)
    k = min(len(SURNAMES) - 1, int(len(SURNAMES) * rng.random() ** 2.2))
    given = rng.choice(GIVEN)
    if rng.random() < 0.65:
        given += rng.choice(GIVEN)
    return SURNAMES[k] + given


def _titles(rng: random.Random, dept_sizes: list[int], int_floor: list[int]) -> list[list[str]]:
    """Titles per department: each department's floor of 中级, the rest towards the shares."""
    n = sum(dept_sizes)
    counts = {t: round(n * share) for t, share in TITLE_SHARES}
    counts["中级"] = max(counts["中级"], sum(int_floor))
    counts["初级"] += n - sum(counts.values())  # rounding and a raised 中级 come off 初级 first
    for t in ("初级", "副高", "正高"):
        if counts[t] < 0:
            counts["中级"] += counts[t]
            counts[t] = 0
    pool = [t for t, c in counts.items() for _ in range(c - (sum(int_floor) if t == "中级" else 0))]
    rng.shuffle(pool)
    out = []
    k = 0
    for size, floor in zip(dept_sizes, int_floor, strict=True):
        titles = ["中级"] * floor + pool[k : k + size - floor]
        k += size - floor
        rng.shuffle(titles)
        out.append(titles)
    return out


# ------------------------------------------------------------------ leaves


def _leave(rng: random.Random, lo: date, hi: date) -> tuple[date, date, str]:
    reason = rng.choices([r for r, _ in LEAVE_REASONS], [w for _, w in LEAVE_REASONS])[0]
    if reason == "进修":  # study leave: 3, 6 or 12 months from the first of a month
        months = rng.choice((3, 3, 6, 6, 12))
        day = lo + timedelta(days=rng.randrange(max(1, (hi - lo).days)))
        start = date(day.year, day.month, 1)
        y, m = divmod(start.month - 1 + months, 12)
        end = date(start.year + y, m + 1, 1) - timedelta(days=1)
    else:
        days = {"休假": rng.randint(5, 20), "病假": rng.randint(7, 90), "产假": 158}[reason]
        start = lo + timedelta(days=rng.randrange(max(1, (hi - lo).days)))
        end = start + timedelta(days=days - 1)
    return start, end, reason


# ------------------------------------------------------------------ deferrals


def _deferrals(
    rng: random.Random,
    order: list[tuple[str, int]],
    seats: int,
    quarters: int,
    q0: Quarter,
    n: int,
) -> list[dict[str, Any]]:
    """``n`` deferral requests that apply (every auto combination), each at a quarter of a turn."""
    if n <= 0:
        return []
    seat_list = [seats] * quarters
    base = build_schedule(order, seat_list)
    last_of_cycle = order[-1][0]
    eligible = [
        t
        for t in base.turns
        if t.cycle == 0 and t.first is not None and t.first >= 1 and t.dept != last_of_cycle
    ]
    if len(eligible) < n:
        eligible = [t for t in base.turns if t.first is not None and t.dept != last_of_cycle]
    for _attempt in range(200):
        k = min(n, len({t.dept for t in eligible}))
        picks, seen = [], set()
        for t in rng.sample(eligible, len(eligible)):
            if t.dept not in seen and len(picks) < k:
                picks.append(t)
                seen.add(t.dept)
        kinds = [rng.choice(("next", "last", "auto")) for _ in picks]
        while kinds.count("auto") > 2:
            kinds[kinds.index("auto")] = rng.choice(("next", "last"))
        requests = []
        for t, kind in zip(picks, kinds, strict=True):
            q = rng.choice(sorted(t.seats))
            requests.append((t.dept, q, kind))
        if _applies(order, seat_list, requests):
            requests.sort(key=lambda r: (r[1], r[0]))
            return [
                {
                    "department": d,
                    "quarter": str(q0 + q),
                    "decision": kind,
                    "reason": rng.choice(DEFERRAL_REASONS),
                }
                for d, q, kind in requests
            ]
    raise ValueError(f"could not place {n} deferral requests that apply; ask for fewer")


def _applies(
    order: list[tuple[str, int]], seats: list[int], requests: list[tuple[str, int, str]]
) -> bool:
    autos = [i for i, (_d, _q, k) in enumerate(requests) if k == "auto"]
    for mask in range(2 ** len(autos)):
        chosen = {i: ("next" if mask >> j & 1 else "last") for j, i in enumerate(autos)}
        reqs = [(d, q, DeferralDecision(chosen.get(i, k))) for i, (d, q, k) in enumerate(requests)]
        try:
            build_schedule(order, seats, reqs)
        except ScheduleError:
            return False
    return True


# ------------------------------------------------------------------ the generator


def generate(
    *,
    departments: int,
    staff: int,
    centers: int,
    quarters: int,
    first_quarter: str = "2027Q1",
    seed: int = 0,
    candidates: float = 0.04,
    leave_rate: float = 0.08,
    deferrals: int = 2,
    specialties: bool = True,
) -> Records:
    """Records of a realistic roster workbook (keys of :data:`assignments.roster.data.SHEETS`).

    Parameters
    ----------
    departments, staff, centers, quarters
        Size of the hospital and the programme (each center has 3 seats per quarter).
    first_quarter
        First quarter of the programme, e.g. ``"2027Q1"``.
    seed
        Same arguments and seed give identical records.
    candidates
        Share of staff who are promotion candidates (晋升候选); about 40 % of them get a
        deadline 2–6 quarters after the start.
    leave_rate
        Share of staff with an unavailable period (进修/休假/病假/产假) inside the programme.
    deferrals
        Number of deferral requests (后延申请); decisions mix next/last/auto (at most 2 auto).
    specialties
        Give departments specialties and centers requested specialties (特色).

    Raises
    ------
    ValueError
        When a size is not positive, or ``staff`` is too few to give every department its
        turn size + 3 people.
    """
    for name, v in (
        ("departments", departments),
        ("staff", staff),
        ("centers", centers),
        ("quarters", quarters),
    ):
        if v < 1:
            raise ValueError(f"{name} must be at least 1, got {v}")
    if not 0 <= candidates <= 1 or not 0 <= leave_rate <= 1:
        raise ValueError("candidates and leave_rate are shares between 0 and 1")
    q0 = Quarter.parse(first_quarter)
    seats = SEATS_PER_CENTER * centers

    # ---- departments: names, published order, turn sizes
    r = _rng(seed, "departments")
    named = _department_names(departments)
    sizes = _turn_sizes(r, departments, seats * quarters)
    width = max(2, len(str(departments)))
    ids = [f"D{i + 1:0{width}d}" for i in range(departments)]
    order = list(range(1, departments + 1))
    r.shuffle(order)
    dept_rows = []
    for i, did in enumerate(ids):
        row: dict[str, Any] = {
            "id": did,
            "name": named[i][0],
            "order": order[i],
            "turn_size": sizes[i],
        }
        if specialties:
            row["specialty"] = named[i][1]
        dept_rows.append(row)

    # ---- staff per department: floors for feasibility, the rest in proportion to the turn
    floors = [t + 3 for t in sizes]
    if staff < sum(floors):
        raise ValueError(
            f"{staff} staff are too few: {departments} departments with turn sizes "
            f"{min(sizes)}–{max(sizes)} need at least {sum(floors)} (turn size + 3 each)"
        )
    weights = [t * r.uniform(0.75, 1.35) for t in sizes]
    dept_sizes = _allocate(staff, weights, floors)
    int_floor = [t + 2 for t in sizes]
    titles = _titles(_rng(seed, "titles"), dept_sizes, int_floor)

    rn = _rng(seed, "names")
    rs = _rng(seed, "specialty")
    swidth = max(4, len(str(staff)))
    staff_rows: list[dict[str, Any]] = []
    dept_of: list[int] = []
    for i, did in enumerate(ids):
        for t in titles[i]:
            row = {
                "id": f"S{len(staff_rows) + 1:0{swidth}d}",
                "name": _person_name(rn),
                "department": did,
                "title": t,
            }
            if specialties and rs.random() < 0.04:
                extra = rs.choice(EXTRA_SPECIALTIES)
                if extra != named[i][1]:
                    row["specialty"] = extra
            staff_rows.append(row)
            dept_of.append(i)

    # ---- promotion candidates (mostly 中级 → 副高, some 初级 → 中级), some with a deadline
    rc = _rng(seed, "candidates")
    n_cand = round(staff * candidates)
    by_title: dict[str, list[int]] = {}
    for k, row in enumerate(staff_rows):
        by_title.setdefault(row["title"], []).append(k)
    n_junior = min(len(by_title.get("初级", [])), round(n_cand * 0.3))
    n_inter = min(len(by_title.get("中级", [])), n_cand - n_junior)
    chosen = sorted(
        rc.sample(by_title.get("中级", []), n_inter) + rc.sample(by_title.get("初级", []), n_junior)
    )
    deadline: dict[int, int] = {}
    for k in chosen:
        staff_rows[k]["promotion_candidate"] = True
        if quarters >= 3 and rc.random() < 0.4:
            dl = rc.randint(2, min(6, quarters - 1))
            deadline[k] = dl
            staff_rows[k]["promotion_deadline"] = str(q0 + dl)

    # ---- past rotations: 下乡次数 0–2, 上次下乡 at least two quarters before the start
    rh = _rng(seed, "history")
    for k, row in enumerate(staff_rows):
        if k in deadline or row.get("promotion_candidate") or row["title"] == "初级":
            continue
        times = rh.choices((0, 1, 2), (60, 30, 10))[0]
        if times:
            row["times_served"] = times
            row["last_served"] = str(q0 - rh.randint(2, 12))

    # ---- leaves, kept only while every department can still fill its turn in every quarter
    rl = _rng(seed, "leaves")
    calendar = WorkCalendar()
    periods = [calendar.quarter_period(q0 + q) for q in range(quarters)]
    lo, hi = periods[0][0] - timedelta(days=30), periods[-1][1] - timedelta(days=10)
    avail_int = [[sum(1 for t in titles[i] if t == "中级")] * quarters for i in range(departments)]
    avail_all = [[dept_sizes[i]] * quarters for i in range(departments)]
    blocked: dict[int, set[int]] = {}
    leave_rows: list[dict[str, Any]] = []
    n_leave = round(staff * leave_rate)
    for k in sorted(rl.sample(range(staff), n_leave)):
        for _ in range(2 if rl.random() < 0.1 else 1):
            start, end, reason = _leave(rl, lo, hi)
            qs = {q for q, (a, b) in enumerate(periods) if start <= b and a <= end}
            new = qs - blocked.get(k, set())
            i = dept_of[k]
            is_int = staff_rows[k]["title"] == "中级"
            ok = all(avail_all[i][q] - 1 >= sizes[i] + 2 for q in new) and (
                not is_int or all(avail_int[i][q] - 1 >= sizes[i] + 1 for q in new)
            )
            if k in deadline:
                free = [q for q in range(deadline[k] + 1) if q not in blocked.get(k, set()) | qs]
                ok = ok and len(free) >= 2
            if not ok:
                continue
            for q in new:
                avail_all[i][q] -= 1
                if is_int:
                    avail_int[i][q] -= 1
            blocked.setdefault(k, set()).update(qs)
            leave_rows.append(
                {"staff": staff_rows[k]["id"], "start": start, "end": end, "reason": reason}
            )

    # ---- health centers with their requested specialties
    rt = _rng(seed, "centers")
    towns = list(TOWNS)
    rt.shuffle(towns)
    extra = [a + b for a in TOWN_CHARS_1 for b in TOWN_CHARS_2 if a + b not in TOWNS]
    rt.shuffle(extra)
    towns += extra
    present = {spec for _n, spec in named} | set(EXTRA_SPECIALTIES)
    needs = [(s, w) for s, w in CENTER_NEEDS if s in present]
    cwidth = max(2, len(str(centers)))
    center_rows = []
    for c in range(centers):
        town = towns[c % len(towns)] + ("" if c < len(towns) else _zh_number(c // len(towns)))
        kind = "乡" if rt.random() < 0.2 else "镇"
        row = {
            "id": f"WSY{c + 1:0{cwidth}d}",
            "name": f"{town}{kind}卫生院",
            "seats": SEATS_PER_CENTER,
        }
        if specialties and needs:
            k = rt.choices((0, 1, 2, 3), (15, 40, 35, 10))[0]
            picked: list[str] = []
            while len(picked) < min(k, len(needs)):
                s = rt.choices([s for s, _ in needs], [w for _, w in needs])[0]
                if s not in picked:
                    picked.append(s)
            if picked:
                row["specialties"] = "、".join(
                    f"{s}:2" if rt.random() < 0.15 else s for s in picked
                )
        center_rows.append(row)

    # ---- deferral requests
    published = sorted(range(departments), key=lambda i: order[i])
    defer_rows = _deferrals(
        _rng(seed, "deferrals"),
        [(ids[i], sizes[i]) for i in published],
        seats,
        quarters,
        q0,
        deferrals,
    )

    records: Records = {
        "policy": [
            {"parameter": "起始季度", "value": str(q0), "note": "first quarter"},
            {"parameter": "季度数", "value": quarters, "note": "number of quarters"},
        ],
        "centers": center_rows,
        "departments": dept_rows,
        "staff": staff_rows,
    }
    if leave_rows:
        records["unavailability"] = leave_rows
    if defer_rows:
        records["deferrals"] = defer_rows
    return records


def write(path: str | Path, records: Records) -> Path:
    """Write generated records as an input workbook in the documented format."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    return write_input_workbook(out, SHEETS, records)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("out", type=Path, help="workbook to write (.xlsx)")
    ap.add_argument("--preset", choices=sorted(PRESETS), help="county, city or regional")
    ap.add_argument("--departments", type=int)
    ap.add_argument("--staff", type=int)
    ap.add_argument("--centers", type=int)
    ap.add_argument("--quarters", type=int)
    ap.add_argument("--first-quarter")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--candidates",
        type=float,
        default=0.04,
        help="share of staff who are promotion candidates (default 0.04)",
    )
    ap.add_argument(
        "--leave-rate", type=float, default=0.08, help="share of staff with a leave (default 0.08)"
    )
    ap.add_argument("--deferrals", type=int, default=2, help="deferral requests (default 2)")
    ap.add_argument(
        "--no-specialties",
        action="store_true",
        help="no department specialties and no requested specialties",
    )
    a = ap.parse_args(argv)
    sizes: dict[str, Any] = dict(PRESETS[a.preset]) if a.preset else {"first_quarter": "2027Q1"}
    for key in ("departments", "staff", "centers", "quarters", "first_quarter"):
        if getattr(a, key) is not None:
            sizes[key] = getattr(a, key)
    missing = [k for k in ("departments", "staff", "centers", "quarters") if k not in sizes]
    if missing:
        ap.error("give --preset or --" + ", --".join(missing))
    try:
        records = generate(
            **sizes,
            seed=a.seed,
            candidates=a.candidates,
            leave_rate=a.leave_rate,
            deferrals=a.deferrals,
            specialties=not a.no_specialties,
        )
    except ValueError as exc:
        ap.error(str(exc))
    out = write(a.out, records)
    print(
        f"{out}: {len(records['departments'])} departments, {len(records['staff'])} staff, "
        f"{len(records['centers'])} centers, {sizes['quarters']} quarters, "
        f"{len(records.get('unavailability', []))} leaves, "
        f"{len(records.get('deferrals', []))} deferral requests"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
