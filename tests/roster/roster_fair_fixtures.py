"""The workbook of issue #16 point 1 (the same people went again and again): 5 departments of
6 staff, 2 centers of 3 seats, 8 quarters from 2027Q1, turns of 3 people (two departments a
quarter, a cycle every 2.5 quarters). Titles are hospital titles (主治医师 …) mapped through the
title table. Written with the documented workbook writer and read back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from roster_fixtures import write_records

from assignments.roster import RosterData, read_roster

DEPARTMENTS = ("内科", "外科", "妇产科", "儿科", "中医科")
NAMES = {
    "内科": ("刘洋", "王静", "李强", "张敏", "陈晨", "杨帆"),
    "外科": ("郑凯", "冯雪", "周涛", "吴磊", "孙悦", "马骏"),
    "妇产科": ("曹琳", "许婷", "何蕾", "吕娜", "施琪", "朱红"),
    "儿科": ("胡波", "郭亮", "林枫", "罗敏", "高洁", "梁宇"),
    "中医科": ("曾毅", "萧然", "田野", "韩冰", "唐宁", "冯涛"),
}
TITLES = ("主治医师", "主治医师", "主治医师", "主治医师", "副主任医师", "住院医师")
TCM_TITLES = ("主治中医师", "主治中医师", "主治中医师", "主治医师", "副主任中医师", "住院医师")


def issue_records() -> dict[str, list[dict[str, Any]]]:
    staff = []
    for k, dept in enumerate(DEPARTMENTS):
        titles = TCM_TITLES if dept == "中医科" else TITLES
        for i, name in enumerate(NAMES[dept]):
            row: dict[str, Any] = {
                "id": f"S{k + 1}{i + 1}", "name": name, "department": f"D{k + 1}",
                "title": titles[i],
            }
            if i == 3:  # one past rotation, long ago
                row |= {"times_served": 1, "last_served": "2024Q2"}
            staff.append(row)
    return {
        "policy": [
            {"parameter": "起始季度", "value": "2027Q1"},
            {"parameter": "季度数", "value": 8},
        ],
        "centers": [
            {"id": "WSY1", "name": "石桥镇卫生院", "seats": 3},
            {"id": "WSY2", "name": "河口镇卫生院", "seats": 3},
        ],
        "departments": [
            {"id": f"D{k + 1}", "name": d, "order": k + 1, "turn_size": 3}
            for k, d in enumerate(DEPARTMENTS)
        ],
        "staff": staff,
    }


def issue_workbook(tmp_path: Path) -> RosterData:
    return read_roster(write_records(tmp_path, issue_records(), "issue16_fair.xlsx"))
