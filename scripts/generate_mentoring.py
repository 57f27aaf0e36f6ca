"""Mentoring instances: the hand-checkable ``tiny`` workbook and a seeded generator.

    python scripts/generate_mentoring.py tiny --out instances/mentoring/tiny.xlsx
    python scripts/generate_mentoring.py tiny-grid --out instances/mentoring/tiny_grid.xlsx
    python scripts/generate_mentoring.py district --out instances/mentoring/district.xlsx
    python scripts/generate_mentoring.py city --out /tmp/city.xlsx          # not committed
    python scripts/generate_mentoring.py custom --schools 60 --teachers 2000 --seed 3 --out x.xlsx

The generator draws a county-like map (urban schools near the centre, rural ones around it;
about a third of the rural schools weak, each weak school linked to an urban partner),
teachers with Chinese names, subjects weighted as in Chinese timetables, years of teaching,
roles and key-teacher levels, and weekly timetables (12–16 periods of 7–8 a day). The same
seed gives the same workbook.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from assignments.core.io import write_input_workbook  # noqa: E402
from assignments.mentoring.data import SHEETS  # noqa: E402

Records = dict[str, list[dict[str, Any]]]


def _days(spec: dict[int, str]) -> list[dict[str, Any]]:
    return [{"weekday": f"周{'一二三四五'[d - 1]}", "periods": p} for d, p in spec.items()]


def _lessons(tid: str, spec: dict[int, str]) -> list[dict[str, Any]]:
    return [{"teacher": tid, **row} for row in _days(spec)]


TINY: Records = {
    "policy": [
        {"parameter": "学期教学周数", "value": 18, "note": "teaching weeks"},
        {"parameter": "师傅听课节数", "value": 5, "note": "mentor observes the mentee"},
        {"parameter": "徒弟听课节数", "value": 15, "note": "mentee observes the mentor"},
        {"parameter": "最长路程", "value": 40, "note": "minutes, cross-school pairs"},
        {"parameter": "默认带徒人数", "value": 2},
        {"parameter": "默认指导时数", "value": 30, "note": "hours per semester"},
        {"parameter": "单位名称", "value": "青山县教育局",
         "note": "organisation: page headers and notices"},
    ],
    "schools": [
        {"id": "S1", "name": "城关一小", "area": "城区", "weak": "否", "district": "城关区"},
        {"id": "S2", "name": "青山村小", "area": "农村", "weak": "是", "district": "青山镇",
         "partners": "S1"},
        {"id": "S3", "name": "远山小学", "area": "农村", "weak": "否", "district": "远山乡"},
    ],
    "travel": [
        {"origin": "S1", "destination": "S2", "minutes": 25},
        {"origin": "S1", "destination": "S3", "minutes": 70},
        {"origin": "S2", "destination": "S3", "minutes": 50},
    ],
    "teachers": [
        {"id": "T01", "name": "王丽", "school": "S1", "subjects": "语文", "grade_band": "小学",
         "years": 18, "title": "高级教师", "roles": "市级骨干教师", "hours": 20},
        {"id": "T02", "name": "李强", "school": "S1", "subjects": "数学", "grade_band": "小学",
         "years": 12, "title": "一级教师", "roles": "学科带头人", "capacity": 1},
        {"id": "T03", "name": "张敏", "school": "S2", "subjects": "语文", "grade_band": "小学",
         "years": 15, "title": "一级教师"},
        {"id": "T04", "name": "赵刚", "school": "S1", "subjects": "英语", "grade_band": "小学",
         "years": 9, "title": "一级教师", "roles": "教学能手"},
        {"id": "T05", "name": "陈晨", "school": "S1", "subjects": "语文", "grade_band": "小学",
         "years": 1, "title": "三级教师"},
        {"id": "T06", "name": "刘洋", "school": "S2", "subjects": "语文", "grade_band": "小学",
         "years": 2, "title": "二级教师"},
        {"id": "T07", "name": "杨帆", "school": "S2", "subjects": "数学", "grade_band": "小学",
         "years": 0},
        {"id": "T08", "name": "周杰", "school": "S1", "subjects": "数学", "grade_band": "小学",
         "years": 5, "title": "二级教师", "new_transfer": "是"},
        {"id": "T09", "name": "吴静", "school": "S1", "subjects": "英语", "grade_band": "小学",
         "years": 2, "title": "二级教师"},
        {"id": "T10", "name": "孙悦", "school": "S3", "subjects": "语文", "grade_band": "小学",
         "years": 1},
        {"id": "T11", "name": "郑华", "school": "S1", "subjects": "体育", "grade_band": "小学",
         "years": 20, "title": "一级教师"},
        {"id": "T12", "name": "黄磊", "school": "S1", "subjects": "语文", "grade_band": "小学",
         "years": 8, "title": "一级教师", "new_transfer": "是"},
    ],
    "timetable": [
        *_lessons("T01", {1: "1、2", 2: "3", 3: "1、2", 4: "3", 5: "1"}),
        *_lessons("T02", {1: "3", 2: "1、2", 3: "3", 4: "4", 5: "1"}),
        *_lessons("T03", {1: "1", 2: "2、3", 3: "4", 4: "1", 5: "3、4"}),
        *_lessons("T04", {1: "1、2", 2: "1、2", 3: "1、2", 4: "1、2", 5: "1、2"}),
        *_lessons("T05", {1: "3、4", 2: "1", 3: "3", 4: "1、2", 5: "2"}),
        *_lessons("T06", {1: "2", 2: "1", 3: "1、2", 4: "3", 5: "1"}),
        *_lessons("T07", {1: "1、2", 2: "3", 3: "1", 4: "2", 5: "2"}),
        *_lessons("T08", {1: "1", 2: "3", 3: "1、2", 4: "1", 5: "3"}),
        *_lessons("T09", {1: "1、2", 2: "1", 3: "2", 4: "1"}),
        *_lessons("T10", {1: "1", 3: "1", 5: "1"}),
        *_lessons("T11", {1: "5、6", 3: "5"}),
        *_lessons("T12", {1: "5", 2: "4", 3: "5、6", 4: "4", 5: "5"}),
    ],
    "past": [{"mentor": "T03", "mentee": "T06", "year": "2024-2025", "rating": "好"}],
    "preferences": [{"teacher": "T05", "target": "T01", "rank": 1}],
}
"""The hand-checkable instance (docs/mentoring.md works it out)."""


def _school(sid: str, name: str, area: str, weak: str, lon: float, lat: float,
            **kw: Any) -> dict[str, Any]:
    return {"id": sid, "name": name, "area": area, "weak": weak, "lon": lon, "lat": lat, **kw}


SCHOOLS_DEMO: Records = {
    "schools": [
        # one to one: four urban quality schools, four rural weak schools
        _school("U1", "城关一小", "城区", "否", 104.06, 30.66, category="小学", students=2200,
                strengths="数学、英语"),
        _school("U2", "实验小学", "城区", "否", 104.08, 30.67, category="小学", students=1800,
                strengths="语文、科学"),
        _school("U3", "城关中学", "城区", "否", 104.05, 30.68, category="初中", students=1600,
                strengths="物理、英语"),
        _school("U4", "育才中学", "城区", "否", 104.07, 30.65, category="初中", students=1400,
                strengths="数学、化学"),
        _school("R1", "青山村小", "农村", "是", 104.20, 30.75, category="小学", students=180,
                needs="英语、数学", partners="U1"),
        _school("R2", "石桥小学", "农村", "是", 104.25, 30.60, category="小学", students=260,
                needs="科学"),
        _school("R3", "白沙中学", "农村", "是", 104.15, 30.80, category="初中", students=420,
                needs="物理、化学"),
        _school("R4", "河口中学", "农村", "是", 104.30, 30.70, category="初中", students=380,
                needs="数学"),
        # 1+1+1: higher-vocational colleges, demonstration secondary vocational schools, and
        # poor-county vocational schools
        _school("H1", "市职业技术学院", "城区", "否", 104.00, 30.60, category="高职",
                strengths="护理、机电"),
        _school("H2", "交通职业学院", "城区", "否", 104.10, 30.62, category="高职",
                strengths="汽修、物流"),
        _school("D1", "第一职业中学", "城区", "否", 104.03, 30.64, category="示范中职",
                strengths="机电、护理"),
        _school("D2", "城南职业中学", "城区", "否", 104.09, 30.58, category="示范中职",
                strengths="汽修、电商"),
        _school("V1", "青山县职业中学", "农村", "是", 104.60, 31.00, category="中职",
                needs="护理、机电"),
        _school("V2", "石桥县职业中学", "农村", "是", 104.70, 30.40, category="中职",
                needs="汽修、物流"),
        _school("V3", "河口县职教中心", "农村", "是", 104.40, 30.90, category="中职",
                needs="电商"),
    ],
    "teachers": [
        {"id": "P01", "name": "王磊", "school": "U1", "subjects": "英语", "grade_band": "小学",
         "years": 12, "roles": "县级骨干教师", "placement": "是", "placement_term": "学年"},
        {"id": "P02", "name": "李娜", "school": "U1", "subjects": "数学", "grade_band": "小学",
         "years": 8, "placement": "是", "placement_term": "学期"},
        {"id": "P03", "name": "张伟", "school": "U2", "subjects": "语文", "grade_band": "小学",
         "years": 15, "roles": "市级骨干教师", "placement": "是"},
        {"id": "P04", "name": "刘洋", "school": "U3", "subjects": "物理", "grade_band": "初中",
         "years": 6, "placement": "是", "placement_term": "学年"},
        {"id": "P05", "name": "陈静", "school": "U3", "subjects": "英语", "grade_band": "初中",
         "years": 20, "roles": "学科带头人", "placement": "是", "placement_term": "学期"},
        {"id": "P06", "name": "杨帆", "school": "U4", "subjects": "数学", "grade_band": "初中",
         "years": 4, "placement": "是"},
        {"id": "P07", "name": "赵敏", "school": "U4", "subjects": "化学", "grade_band": "初中",
         "years": 9, "placement": "否"},
        {"id": "P08", "name": "周杰", "school": "U2", "subjects": "英语", "grade_band": "小学",
         "years": 3, "placement": "是", "placement_term": "学期"},
    ],
    "demand": [
        {"school": "R1", "subject": "英语", "number": 1, "term": "学年", "grade_band": "小学"},
        {"school": "R2", "subject": "数学", "number": 1, "term": "学期", "grade_band": "小学"},
        {"school": "R3", "subject": "物理", "number": 1, "term": "学年", "grade_band": "初中"},
        {"school": "R4", "subject": "英语", "number": 2, "term": "学期", "grade_band": "初中"},
        {"school": "R3", "subject": "化学", "number": 1, "term": "学期", "grade_band": "初中"},
    ],
}
"""A small demonstration of school pairing, 1+1+1 groups and placement (docs/mentoring.md)."""

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建文林波宁欣怡晨浩然宇轩梓涵子萱雨彤诗琪嘉豪俊杰思远博文家乐志强海燕春梅秋菊冬雪晓东晓红丹丹亮亮"  # noqa: E501
SUBJECTS = {
    "小学": [("语文", 30), ("数学", 25), ("英语", 10), ("科学", 6), ("道德与法治", 6),
             ("音乐", 6), ("体育", 8), ("美术", 6), ("信息技术", 3)],
    "初中": [("语文", 16), ("数学", 16), ("英语", 15), ("物理", 8), ("化学", 6), ("生物", 6),
             ("历史", 6), ("地理", 6), ("道德与法治", 6), ("体育", 6), ("音乐", 3), ("美术", 3),
             ("信息技术", 3)],
    "高中": [("语文", 14), ("数学", 14), ("英语", 14), ("物理", 10), ("化学", 9), ("生物", 8),
             ("历史", 8), ("地理", 7), ("思想政治", 7), ("体育", 5), ("信息技术", 4)],
    "幼儿园": [("学前教育", 100)],
}
GROUPS = {"语文": "文科", "英语": "文科", "历史": "文科", "地理": "文科", "道德与法治": "文科",
          "思想政治": "文科", "数学": "理科", "物理": "理科", "化学": "理科", "生物": "理科",
          "科学": "理科", "信息技术": "理科", "音乐": "艺体", "体育": "艺体", "美术": "艺体",
          "学前教育": "学前"}
PLACES = "城关城南城北城东城西新城青山石桥白沙龙泉河口柳湾桃源双河清水高坪黄土马鞍金竹红岩大坝小溪"


def _name(rng: random.Random) -> str:
    n = 1 if rng.random() < 0.4 else 2
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(n))


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    names, weights = zip(*weighted, strict=True)
    return rng.choices(names, weights=weights)[0]


def generate(
    *,
    schools: int = 40,
    teachers: int = 1200,
    mentee_share: float = 0.25,
    mentor_share: float = 0.40,
    districts: int = 4,
    radius_km: float = 18.0,
    seed: int = 1,
    name: str = "district",
    capacity: int = 2,
    hours: float = 30,
) -> Records:
    """A random mentoring workbook's records (see the module docstring)."""
    rng = random.Random(seed)
    lon0, lat0 = 104.0, 30.5
    km_lon = 1 / (111.32 * math.cos(math.radians(lat0)))
    km_lat = 1 / 110.57
    school_rows: list[dict[str, Any]] = []
    urban_ids: list[str] = []
    per_district = max(1, schools // districts)
    for s in range(schools):
        d = min(s // per_district, districts - 1)
        centre = (0.0, 0.0) if districts == 1 else (
            radius_km * 1.6 * math.cos(2 * math.pi * d / districts),
            radius_km * 1.6 * math.sin(2 * math.pi * d / districts))
        urban = rng.random() < 0.4
        r = rng.uniform(0, radius_km * (0.25 if urban else 1.0))
        a = rng.uniform(0, 2 * math.pi)
        x, y = centre[0] + r * math.cos(a), centre[1] + r * math.sin(a)
        band = _pick(rng, [("小学", 55), ("初中", 25), ("高中", 10), ("幼儿园", 10)])
        place = PLACES[(2 * s) % len(PLACES):(2 * s) % len(PLACES) + 2] or "城关"
        kind = {"小学": "小学", "初中": "中学", "高中": "高级中学", "幼儿园": "幼儿园"}[band]
        sid = f"S{s + 1:03d}"
        weak = (not urban) and rng.random() < 0.35
        row: dict[str, Any] = {
            "id": sid, "name": f"{place}{'第' + str(s // len(PLACES) + 1) if s >= 20 else ''}"
            f"{'中心' if not urban and rng.random() < 0.3 else ''}{kind}",
            "area": "城区" if urban else "农村", "weak": "是" if weak else "否",
            "district": f"第{d + 1}学区", "lon": round(lon0 + x * km_lon, 5),
            "lat": round(lat0 + y * km_lat, 5), "category": band,
            "students": rng.randint(150, 600) if not urban else rng.randint(600, 2500),
            "_band": band,
        }
        if urban:
            urban_ids.append(sid)
        school_rows.append(row)
    for row in school_rows:
        if row["weak"] == "是" and urban_ids:
            row["partners"] = rng.choice(urban_ids)
    sizes = [r["students"] for r in school_rows]
    total = sum(sizes)
    counts = [max(4, round(teachers * s / total)) for s in sizes]
    teacher_rows: list[dict[str, Any]] = []
    lessons: list[dict[str, Any]] = []
    k = 0
    for row, n in zip(school_rows, counts, strict=True):
        band = row.pop("_band")
        per_day = 8 if band in ("初中", "高中") else 7
        for _ in range(n):
            k += 1
            tid = f"T{k:05d}"
            subject = _pick(rng, SUBJECTS[band])
            u = rng.random()
            mentee_like = u < mentee_share
            mentor_like = mentee_share <= u < mentee_share + mentor_share
            if mentee_like:
                kind = rng.random()
                years = rng.randint(0, 2) if kind < 0.7 else rng.randint(3, 15)
                transfer = kind >= 0.7 and rng.random() < 0.6
                upgrade = kind >= 0.7 and not transfer
            else:
                years = rng.randint(10, 35) if mentor_like else rng.randint(3, 9)
                transfer = upgrade = False
            roles = ""
            if mentor_like and rng.random() < 0.45:
                roles = _pick(rng, [("校级骨干教师", 30), ("县级骨干教师", 25),
                                    ("市级骨干教师", 12), ("省级骨干教师", 3),
                                    ("学科带头人", 15), ("教学能手", 15)])
            title = ("三级教师" if years < 2 else "二级教师" if years < 7 else
                     "一级教师" if years < 16 else "高级教师")
            t: dict[str, Any] = {
                "id": tid, "name": _name(rng), "school": row["id"], "subjects": subject,
                "grade_band": band, "years": years, "title": title,
            }
            if roles:
                t["roles"] = roles
            if transfer:
                t["new_transfer"] = "是"
            if upgrade:
                t["needs_upgrade"] = "是"
            if 3 <= years <= 5 and not mentee_like and rng.random() < 0.15:
                t["wants_mentor"] = "是"
            if mentor_like and rng.random() < 0.1:
                t["capacity"] = rng.choice([capacity - 1, capacity + 1])
            teacher_rows.append(t)
            load = rng.randint(12, 16)
            slots = rng.sample([(d, p) for d in range(1, 6) for p in range(1, per_day + 1)],
                               load)
            by_day: dict[int, list[int]] = {}
            for d, p in slots:
                by_day.setdefault(d, []).append(p)
            for d in sorted(by_day):
                lessons.append({"teacher": tid, "weekday": f"周{'一二三四五'[d - 1]}",
                                "periods": "、".join(map(str, sorted(by_day[d])))})
    # last year's pairs: some second-year mentees kept their mentor (same school, subject)
    past: list[dict[str, Any]] = []
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for t in teacher_rows:
        if t["years"] >= 10:
            by_key.setdefault((t["school"], t["subjects"]), []).append(t)
    for t in teacher_rows:
        if t["years"] in (1, 2) and rng.random() < 0.5:
            pool = by_key.get((t["school"], t["subjects"]))
            if pool:
                m = rng.choice(pool)
                past.append({"mentor": m["id"], "mentee": t["id"], "year": "2024-2025",
                             "rating": _pick(rng, [("好", 70), ("一般", 25), ("差", 5)])})
    prefs: list[dict[str, Any]] = []
    for t in teacher_rows:
        if t["years"] < 3 and rng.random() < 0.1:
            pool = by_key.get((t["school"], t["subjects"]), [])
            for rank, m in enumerate(rng.sample(pool, min(2, len(pool))), start=1):
                prefs.append({"teacher": t["id"], "target": m["id"], "rank": rank})
    used_subjects = sorted({t["subjects"] for t in teacher_rows})
    return {
        "policy": [
            {"parameter": "学期教学周数", "value": 18},
            {"parameter": "最长路程", "value": 40, "note": "minutes"},
            {"parameter": "默认带徒人数", "value": capacity},
            {"parameter": "默认指导时数", "value": hours, "note": "hours per semester"},
        ],
        "schools": school_rows,
        "teachers": teacher_rows,
        "timetable": lessons,
        "past": past,
        "preferences": prefs,
        "subjects": [{"subject": s, "group": GROUPS[s]} for s in used_subjects],
    }


PRESETS: dict[str, dict[str, Any]] = {
    "district": {"schools": 40, "teachers": 1200, "mentee_share": 0.25, "districts": 4,
                 "radius_km": 12.0, "seed": 1, "name": "district"},
    # ~5,000 mentees and ~2,500 mentors among ~11,000 teachers in ~350 schools
    "city": {"schools": 150, "teachers": 11000, "mentee_share": 0.455, "mentor_share": 0.22,
             "districts": 12, "radius_km": 14.0, "seed": 7, "name": "city",
             "capacity": 3, "hours": 40},
}


def write(path: Path, records: Records) -> Path:
    """Write records as a workbook in the documented input format."""
    return write_input_workbook(path, SHEETS, records, with_notes=True)


# ------------------------------------------------------------------ timetables as grids

_DAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五")
_DAYS_SHORT = ("周一", "周二", "周三", "周四", "周五")


def _busy(records: Records) -> dict[str, dict[tuple[int, int], str]]:
    """Teacher id -> (weekday, period) -> class text, from the row-form timetable."""
    out: dict[str, dict[tuple[int, int], str]] = {}
    for row in records["timetable"]:
        day = _DAYS_SHORT.index(row["weekday"]) + 1
        for p in str(row["periods"]).split("、"):
            out.setdefault(row["teacher"], {})[(day, int(p))] = row.get("klass") or ""
    return out


def _merge_runs(ws: Any, col: int, rows_of: dict[int, int], texts: dict[int, str]) -> None:
    """Merge a column's equal consecutive cells (a double period) over their rows."""
    periods = sorted(texts)
    k = 0
    while k < len(periods):
        end = k
        while (end + 1 < len(periods) and periods[end + 1] == periods[end] + 1
               and texts[periods[end + 1]] == texts[periods[k]]
               and rows_of[periods[end + 1]] == rows_of[periods[end]] + 1):
            end += 1
        if end > k:
            ws.merge_cells(start_row=rows_of[periods[k]], start_column=col,
                           end_row=rows_of[periods[end]], end_column=col)
        k = end + 1


def _teacher_sheet(wb: Any, title: str, heading: str, slots: dict[tuple[int, int], str],
                   periods: int) -> None:
    """A teacher's grid as schools keep it: a title row, 上午/下午 in column A (merged), 第n节
    in column B (下午 numbered again from 1), a 午休 row merged across, a note below."""
    ws = wb.create_sheet(title)
    ws.cell(1, 1, heading)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=7)
    for j, d in enumerate(("", "节次", *_DAYS_ZH), start=1):
        ws.cell(2, j, d or None)
    morning = min(4, periods)
    rows_of: dict[int, int] = {}
    row = 3
    for p in range(1, periods + 1):
        if p == morning + 1:
            ws.cell(row, 1, "午休")
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
            row += 1
        rows_of[p] = row
        ws.cell(row, 2, f"第{p if p <= morning else p - morning}节")
        row += 1
    ws.cell(rows_of[1], 1, "上午")
    ws.merge_cells(start_row=rows_of[1], start_column=1, end_row=rows_of[morning],
                   end_column=1)
    if periods > morning:
        ws.cell(rows_of[morning + 1], 1, "下午")
        ws.merge_cells(start_row=rows_of[morning + 1], start_column=1,
                       end_row=rows_of[periods], end_column=1)
    for d in range(1, 6):
        texts = {p: text for (day, p), text in slots.items() if day == d}
        for p, text in texts.items():
            ws.cell(rows_of[p], 2 + d, text)
        _merge_runs(ws, 2 + d, rows_of, texts)
    ws.cell(row + 1, 1, "注：以教务处最终安排为准")


def _class_sheet(wb: Any, title: str, cells: dict[tuple[int, int], str], periods: int) -> None:
    """A class's grid: the header 节次 / 周一 … 周五, periods 1 … n as numbers, each cell
    naming the teacher (语文 王丽, 数学 T02)."""
    ws = wb.create_sheet(title)
    for j, d in enumerate(("节次", *_DAYS_SHORT), start=1):
        ws.cell(1, j, d)
    rows_of = {p: p + 1 for p in range(1, periods + 1)}
    for p, r in rows_of.items():
        ws.cell(r, 1, p)
    for d in range(1, 6):
        texts = {p: text for (day, p), text in cells.items() if day == d}
        for p, text in texts.items():
            ws.cell(rows_of[p], 1 + d, text)
        _merge_runs(ws, 1 + d, rows_of, texts)


def write_grids(path: Path, records: Records, form: str = "mixed") -> Path:
    """Write ``records`` with their timetable as grid sheets instead of the 课表 rows:
    ``teacher`` (one sheet a teacher: ``课表-T01`` or ``课表 王丽``), ``class`` (one sheet a
    class: ``课表-城关一小1班``, the cells naming the teacher), or ``mixed`` (the first school's
    teachers by class, the others by teacher). The busy periods are the row form's exactly."""
    from openpyxl import load_workbook

    busy = _busy(records)
    write(path, {k: v for k, v in records.items() if k != "timetable"})
    wb = load_workbook(path)
    teachers = {t["id"]: t for t in records["teachers"]}
    periods = max(p for slots in busy.values() for _, p in slots)
    first_school = records["schools"][0]["id"]
    by_class = {tid for tid, t in teachers.items()
                if form == "class" or (form == "mixed" and t["school"] == first_school)}
    for k, (tid, slots) in enumerate(sorted(busy.items())):
        if tid in by_class:
            continue
        t = teachers[tid]
        title = f"课表-{tid}" if k % 2 == 0 else f"课表 {t['name']}"
        texts = {s: f"{t['subjects']}" for s in slots}
        _teacher_sheet(wb, title, f"{t['name']}（{tid}）课表", texts, periods)
    schools = {s["id"]: s.get("name") or s["id"] for s in records["schools"]}
    classes: dict[str, list[dict[tuple[int, int], str]]] = {}
    for k, (tid, slots) in enumerate(sorted(busy.items())):
        if tid not in by_class:
            continue
        t = teachers[tid]
        who = t["name"] if k % 2 == 0 else tid
        own = classes.setdefault(t["school"], [])
        for slot in sorted(slots):
            free = next((c for c in own if slot not in c), None)
            if free is None:
                free = {}
                own.append(free)
            free[slot] = f"{t['subjects']} {who}" if k % 3 else f"{t['subjects']}\n{who}"
    for sid, own in classes.items():
        for n, cells in enumerate(own, start=1):
            if (5, periods) not in cells:
                cells[(5, periods)] = "班会"  # a class activity: nobody's lesson
            _class_sheet(wb, f"课表-{schools[sid]}{n}班", cells, periods)
    wb.save(path)
    return path


def main(argv: list[str] | None = None) -> None:
    """Command line: ``tiny``, ``district``, ``city`` or ``custom``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kind", choices=["tiny", "tiny-grid", "schools", "district", "city",
                                     "custom"])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--schools", type=int, default=40)
    ap.add_argument("--teachers", type=int, default=1200)
    args = ap.parse_args(argv)
    if args.kind == "tiny-grid":
        write_grids(args.out, TINY, "mixed")
        print(f"Written: {args.out} (the tiny example, its timetable as grid sheets)")
        return
    if args.kind == "tiny":
        records = TINY
    elif args.kind == "schools":
        records = SCHOOLS_DEMO
    elif args.kind == "custom":
        records = generate(schools=args.schools, teachers=args.teachers,
                           seed=1 if args.seed is None else args.seed)
    else:
        kw = dict(PRESETS[args.kind])
        if args.seed is not None:
            kw["seed"] = args.seed
        records = generate(**kw)
    write(args.out, records)
    n_t = len(records["teachers"])
    print(f"Written: {args.out} ({len(records['schools'])} schools, {n_t} teachers)")


if __name__ == "__main__":
    main()
