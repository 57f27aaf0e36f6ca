"""Write the fund-allocation instances: tiny (by hand), county (seeded), province (generator).

    python scripts/generate_funding.py       # instances/funding/tiny.xlsx and county.xlsx
    python scripts/generate_funding.py --province 2000 OUT.xlsx [--seed 1]

The county is a fictional county in the style of seed 003 篇一 (融安县, kumquat): 40 villages of
which 15 poor and 2 special-hardship, 5 funding sources, 4 quarters of 2027, about 150 projects
with Chinese names, the kumquat household subsidy as a committed project and its 1,350
household applications. The province generator scales the same recipe to any number of
projects (2,000 for the benchmark).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from assignments.core.io import write_input_workbook  # noqa: E402
from assignments.funding.data import SHEETS  # noqa: E402

Records = dict[str, list[dict[str, Any]]]

TINY: Records = {
    "policy": [
        {"parameter": "起始季度", "value": "2027Q1", "note": "first quarter"},
        {"parameter": "期数", "value": 4, "note": "four quarters"},
        {"parameter": "特困村最低资金", "value": 500_000,
         "note": "F4: per special-hardship village"},
        {"parameter": "奖补预算", "value": 20_000, "note": "household subsidy budget (tiny)"},
        {"parameter": "配给规则", "value": "贫困优先", "note": "poorest first"},
        {"parameter": "单位名称", "value": "青山县乡村振兴局",
         "note": "organisation: page headers and notices"},
    ],
    "sources": [
        {"id": "S1", "name": "中央财政衔接资金", "kind": "中央衔接", "amount": 1_000_000,
         "categories": "产业、基础设施"},
        {"id": "S2", "name": "县级统筹整合资金", "kind": "县级", "amount": 600_000},
    ],
    "villages": [
        {"id": "V1", "name": "大坡村", "township": "大将镇", "poor": "是", "special_hardship": "否",
         "poor_households": 80, "poor_population": 300},
        {"id": "V2", "name": "石门村", "township": "大将镇", "poor": "是", "special_hardship": "是",
         "poor_households": 60, "poor_population": 220},
        {"id": "V3", "name": "新村", "township": "长安镇", "poor": "否", "special_hardship": "否",
         "poor_households": 40, "poor_population": 150},
    ],
    "projects": [
        {"id": "P1", "name": "金桔种植基地", "category": "产业", "villages": "V1", "cost": 400_000,
         "people": 200, "poor_people": 80, "poor_households": 30, "start": "2027Q1"},
        {"id": "P2", "name": "村道硬化", "category": "基础设施", "villages": "V2", "cost": 500_000,
         "people": 300, "poor_people": 60, "poor_households": 25, "labour_share": 25,
         "start": "2027Q2", "curve": "50、50"},
        {"id": "P3", "name": "产业合作社", "category": "产业", "villages": "V2", "cost": 300_000,
         "people": 120, "poor_people": 50, "poor_households": 20, "start": "2027Q2"},
        {"id": "P4", "name": "灌溉水渠", "category": "基础设施", "villages": "V3", "cost": 300_000,
         "people": 250, "poor_people": 20, "poor_households": 8, "labour_share": 10,
         "start": "2027Q2"},
        {"id": "P5", "name": "村卫生室", "category": "医疗", "villages": "V3", "cost": 200_000,
         "partial": "是", "min_funding": 100_000, "people": 150, "poor_people": 30,
         "poor_households": 10, "start": "2027Q3"},
        {"id": "P6", "name": "文化广场", "category": "人居环境", "villages": "V1", "cost": 250_000,
         "people": 100, "poor_people": 10, "poor_households": 5, "start": "2027Q4"},
    ],
    "targets": [
        {"id": "T1", "kind": "贫困户受益比例", "value": 50, "note": "≥ 50% of poor households"},
    ],
    "applications": [
        {"id": "H1", "name": "韦家福", "village": "V1", "members": 4, "poor": "是", "area": 5,
         "income": 2800},
        {"id": "H2", "name": "覃秀英", "village": "V1", "members": 2, "poor": "是", "area": 8,
         "income": 3100},
        {"id": "H3", "name": "蓝志强", "village": "V2", "members": 5, "poor": "是", "area": 3,
         "contiguous": 0.8, "income": 2600},
        {"id": "H4", "name": "黄建国", "village": "V2", "members": 3, "poor": "否", "area": 4,
         "income": 5200},
        {"id": "H5", "name": "莫桂兰", "village": "V2", "members": 6, "poor": "是", "area": 6,
         "income": 2500},
        {"id": "H6", "name": "罗小梅", "village": "V3", "members": 1, "poor": "是", "area": 2,
         "income": 3500},
    ],
}
"""The tiny instance; its optimum is worked out by hand in docs/funding.md."""

TOWNS = ["大将镇", "长安镇", "浮石镇", "泗顶镇", "板榄镇", "雅瑶乡", "大良镇", "沙子乡"]
VILLAGE_A = "大小上下东西南北新老石金桔龙凤青山水田高坡岭塘湾"
VILLAGE_B = ["坡", "门", "岭", "塘", "湾", "寨", "屯", "冲", "洞", "坪", "江", "口"]
PROJECTS: dict[str, list[str]] = {
    "产业": ["金桔标准化种植基地", "砂糖橘果园提质", "生猪代养场", "油茶低产林改造", "食用菌大棚",
           "茶叶加工厂", "电商服务站", "冷链仓储中心", "稻鱼综合种养", "中药材种植", "肉牛养殖场",
           "竹木加工车间"],
    "基础设施": ["村道硬化", "产业路", "饮水安全巩固", "灌溉水渠", "便民桥", "机耕道",
             "村级光伏电站"],
    "教育": ["村小校舍改造", "乡镇幼儿园", "教学点改造", "学生食堂"],
    "医疗": ["村卫生室标准化", "乡镇卫生院设备", "远程医疗站"],
    "就业": ["就业帮扶车间", "技能培训基地", "公益性岗位开发"],
    "人居环境": ["垃圾收运处理", "生活污水处理", "户厕改造", "村容村貌提升"],
}
SURNAMES = "韦覃蓝黄莫罗梁陆潘吴杨石龙谢廖"
GIVEN = ["家福", "秀英", "志强", "建国", "桂兰", "小梅", "振华", "玉凤", "永福", "春花", "海生",
         "丽娟", "明德", "金莲", "德胜", "月英", "国强", "翠兰", "文军", "秀珍"]


def _village_names(rng: random.Random, n: int) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        name = rng.choice(VILLAGE_A) + rng.choice(VILLAGE_A) + rng.choice(VILLAGE_B) + "村"
        if name not in out and name[0] != name[1]:
            out.append(name)
    return out


def _curve(rng: random.Random, start: int, periods: int) -> tuple[str, str]:
    length = rng.choice([1, 1, 2, 2, 3, 3, 4])
    length = min(length, periods - start)
    if length == 1:
        return f"2027Q{start + 1}", ""
    weights = [rng.randint(1, 5) for _ in range(length)]
    pct = [round(100 * w / sum(weights)) for w in weights]
    pct[-1] = 100 - sum(pct[:-1])
    return f"2027Q{start + 1}", "、".join(str(p) for p in pct)


def generate(n_projects: int, n_villages: int, n_poor: int, n_hardship: int, seed: int,
             budget_ratio: float = 0.62, households: int = 0) -> Records:
    """A county- or province-like instance (see the module docstring)."""
    rng = random.Random(seed)
    towns = TOWNS[: max(3, min(len(TOWNS), n_villages // 6))]
    names = _village_names(rng, n_villages)
    villages = []
    poor_ids = set(rng.sample(range(n_villages), n_poor))
    hard_ids = set(rng.sample(sorted(poor_ids), n_hardship))
    for i, name in enumerate(names):
        hh = rng.randint(250, 900)
        poor = i in poor_ids
        ph = int(hh * (rng.uniform(0.18, 0.35) if poor else rng.uniform(0.03, 0.12)))
        villages.append({"id": f"V{i + 1:03d}", "name": name, "township": towns[i % len(towns)],
                         "poor": "是" if poor else "否", "special_hardship": "是" if i in hard_ids
                         else "否", "households": hh, "poor_households": ph,
                         "population": int(hh * 3.6), "poor_population": int(ph * 3.5)})
    cats = ["产业"] * 36 + ["基础设施"] * 26 + ["教育"] * 10 + ["医疗"] * 8 + ["就业"] * 8 + \
           ["人居环境"] * 12
    projects: list[dict[str, Any]] = []
    kumquat_villages = [v["id"] for v in villages if v["poor"] == "是"][:8] if households else []
    if households:
        projects.append({"id": "P0001", "name": "滑皮金桔到户奖补", "category": "产业",
                         "villages": "、".join(kumquat_villages), "cost": 4_000_000,
                         "households": households, "people": 5000, "poor_households": households,
                         "poor_people": 5000, "start": "2027Q1", "curve": "40、60",
                         "committed": "是", "priority": 9})
    hard = [v for v in villages if v["special_hardship"] == "是"]
    poor_v = [v for v in villages if v["poor"] == "是"]
    k = len(projects)
    while len(projects) < n_projects:
        k += 1
        cat = rng.choice(cats)
        # special-hardship and poor villages get more projects
        r = rng.random()
        v = rng.choice(hard) if r < 0.08 and hard else (rng.choice(poor_v) if r < 0.55
                                                         else rng.choice(villages))
        vids = [v["id"]]
        if cat == "基础设施" and rng.random() < 0.2:
            other = rng.choice(villages)["id"]
            if other != v["id"]:
                vids.append(other)
        base = {"产业": (40, 300), "基础设施": (50, 400), "教育": (80, 500), "医疗": (30, 200),
                "就业": (20, 150), "人居环境": (20, 150)}[cat]
        cost = rng.randint(*base) * 10_000
        if v["special_hardship"] == "是":
            cost = int(cost * 1.5) // 10_000 * 10_000
        poor_factor = 2.0 if v["poor"] == "是" else 1.0
        people = int(cost / 10_000 * rng.uniform(2, 12) * (1.5 if cat == "产业" else 1))
        poor_people = int(people * rng.uniform(0.1, 0.35) * poor_factor)
        start, curve = _curve(rng, rng.choice([0, 0, 1, 1, 2]), 4)
        partial = cat in ("教育", "医疗", "人居环境", "就业") and rng.random() < 0.5
        rec: dict[str, Any] = {
            "id": f"P{k:04d}", "name": v["name"] + rng.choice(PROJECTS[cat]), "category": cat,
            "villages": "、".join(vids), "township": v["township"], "cost": cost,
            "partial": "是" if partial else "否", "households": int(people / 3.6),
            "people": people, "poor_households": int(poor_people / 3.5),
            "poor_people": poor_people, "start": start, "curve": curve,
            "priority": rng.randint(1, 9),
        }
        if partial:
            rec["min_funding"] = round(cost * rng.choice([0.5, 0.6, 0.7]) / 10_000) * 10_000
        if cat == "基础设施":
            rec["labour_share"] = rng.choice([10, 15, 20, 22, 25, 30, 35])
        projects.append(rec)
    # a few links: a cold-chain centre requires a road in its village; alternative sites exclude
    by_village: dict[str, list[dict[str, Any]]] = {}
    for p in projects:
        by_village.setdefault(p["villages"].split("、")[0], []).append(p)
    for p in projects:
        if "冷链" in p["name"] or "加工" in p["name"]:
            roads = [q for q in by_village[p["villages"].split("、")[0]]
                     if q["category"] == "基础设施" and q is not p]
            if roads:
                p["requires"] = roads[0]["id"]
    pairs = [p for p in projects if p["category"] == "教育"]
    for a, b in zip(pairs[::2], pairs[1::2], strict=False):
        if rng.random() < 0.3:
            a["excludes"] = b["id"]
    total_cost = sum(p["cost"] for p in projects)
    budget = total_cost * budget_ratio
    shares = [("S1", "中央财政衔接资金", "中央衔接", 0.42, "产业、基础设施、就业、人居环境", ""),
              ("S2", "自治区财政衔接资金", "省级", 0.18, "", "50、50"),
              ("S3", "市级财政衔接资金", "市级", 0.08, "", ""),
              ("S4", "县级统筹整合涉农资金", "县级", 0.22, "", "60、40"),
              ("S5", "东西部协作资金", "东西部协作", 0.10, "产业、就业、基础设施", "")]
    sources = [{"id": i, "name": n, "kind": kd, "amount": int(budget * f) // 100_000 * 100_000,
                "categories": c, "tranches": t} for i, n, kd, f, c, t in shares]
    for s in sources:
        if not s["categories"]:
            del s["categories"]
        if not s["tranches"]:
            del s["tranches"]
    sharing = [
        {"group": "G1", "categories": "教育", "source": "S2", "share": 3},
        {"group": "G1", "categories": "教育", "source": "S3", "share": 3},
        {"group": "G1", "categories": "教育", "source": "S4", "share": 3},
        {"group": "G2", "categories": "医疗", "source": "S2", "share": 6},
        {"group": "G2", "categories": "医疗", "source": "S4", "share": 4},
    ]
    targets = [
        {"id": "T1", "kind": "贫困户受益比例", "value": 60, "note": "≥ 60% 贫困户受益"},
        {"id": "T2", "kind": "类别资金", "category": "就业", "value": int(budget * 0.03)
         // 10_000 * 10_000, "note": "就业帮扶资金"},
    ]
    policy = [
        {"parameter": "起始季度", "value": "2027Q1"},
        {"parameter": "期数", "value": 4},
        {"parameter": "产业占比", "value": 55},
        {"parameter": "劳务报酬比例", "value": 20},
        {"parameter": "特困村最低资金", "value": 10_000_000},
        {"parameter": "支出进度节点", "value": "6月:50、9月:75、12月:95"},
        {"parameter": "贫困人口权重", "value": 2},
        {"parameter": "奖补预算", "value": 4_000_000},
        {"parameter": "最小连片面积", "value": 1},
        {"parameter": "配给规则", "value": "贫困优先"},
    ]
    recs: Records = {"policy": policy, "sources": sources, "projects": projects,
                     "villages": villages, "sharing": sharing, "targets": targets}
    if households:
        recs["applications"] = _applications(rng, households, kumquat_villages)
    return recs


def _applications(rng: random.Random, n: int, villages: list[str]) -> list[dict[str, Any]]:
    """Kumquat applications: ~4,300 mu and ~5,000 people for 1,350 households (seed 003)."""
    apps = []
    for h in range(n):
        members = rng.choices([1, 2, 3, 4, 5, 6, 7], weights=[4, 10, 20, 28, 20, 12, 6])[0]
        area = round(rng.choice([1.5, 2, 2.5, 3, 3, 3.5, 4, 4, 5, 6]) * rng.uniform(0.8, 1.2), 1)
        rec: dict[str, Any] = {
            "id": f"H{h + 1:04d}", "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "village": villages[h % len(villages)], "members": members,
            "poor": "是" if rng.random() < 0.92 else "否", "area": area,
            "income": rng.randint(1800, 6000),
        }
        if rng.random() < 0.05:
            rec["contiguous"] = round(rng.uniform(0.3, 0.95), 1)
        if rng.random() < 0.03:
            rec["verified"] = "否"
        apps.append(rec)
    return apps


def county_records(seed: int = 2027) -> Records:
    """The county instance."""
    return generate(150, 40, 15, 2, seed, households=1350)


def province_records(n_projects: int = 2000, seed: int = 1) -> Records:
    """A province-scale instance (no household applications)."""
    n_v = max(40, n_projects // 5)
    return generate(n_projects, n_v, n_v * 3 // 8, max(2, n_v // 20), seed)


def write(records: Records, path: Path) -> Path:
    """Write records as an input workbook."""
    return write_input_workbook(path, SHEETS, records)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--province", nargs=2, metavar=("PROJECTS", "OUT"))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if args.province:
        n, out = int(args.province[0]), Path(args.province[1])
        print(write(province_records(n, args.seed), out))
        return
    folder = ROOT / "instances" / "funding"
    print(write(TINY, folder / "tiny.xlsx"))
    print(write(county_records(), folder / "county.xlsx"))


if __name__ == "__main__":
    main()
