"""Write instances/roster/tiny.xlsx: the hand-checkable example explained in the README."""

from __future__ import annotations

import sys
from pathlib import Path

from assignments.core.io import write_input_workbook
from assignments.roster.data import SHEETS

TINY = {
    "policy": [
        {"parameter": "起始季度", "value": "2027Q1", "note": "first quarter"},
        {"parameter": "季度数", "value": 4, "note": "number of quarters"},
        {"parameter": "单位名称", "value": "青山县人民医院",
         "note": "organisation: page headers and notices"},
    ],
    "centers": [{"id": "WSY1", "name": "石桥镇卫生院", "seats": 3}],
    "departments": [
        {"id": "D1", "name": "心内科", "order": 1},
        {"id": "D2", "name": "普外科", "order": 2},
        {"id": "D3", "name": "儿科", "order": 3},
        {"id": "D4", "name": "骨科", "order": 4},
    ],
    "staff": [
        {"id": "S01", "name": "张伟", "department": "D1", "title": "中级"},
        {"id": "S02", "name": "王芳", "department": "D1", "title": "中级"},
        {"id": "S03", "name": "李娜", "department": "D1", "title": "副高"},
        {"id": "S04", "name": "刘洋", "department": "D2", "title": "中级"},
        {"id": "S05", "name": "陈静", "department": "D2", "title": "中级"},
        {"id": "S06", "name": "杨帆", "department": "D2", "title": "初级"},
        {"id": "S07", "name": "赵敏", "department": "D3", "title": "中级"},
        {"id": "S08", "name": "黄磊", "department": "D3", "title": "中级"},
        {"id": "S09", "name": "周杰", "department": "D3", "title": "初级"},
        {"id": "S10", "name": "吴刚", "department": "D4", "title": "中级"},
        {"id": "S11", "name": "徐丽", "department": "D4", "title": "中级"},
        {
            "id": "S12",
            "name": "孙强",
            "department": "D4",
            "title": "初级",
            "promotion_candidate": True,
            "promotion_deadline": "2027Q2",
        },
    ],
    "unavailability": [
        {"staff": "S05", "start": "2027-04-01", "end": "2027-06-30", "reason": "进修"},
    ],
    "deferrals": [
        {"department": "D2", "quarter": "2027Q2", "decision": "next", "reason": "陈静进修"},
    ],
}

if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("instances/roster/tiny.xlsx")
    write_input_workbook(out, SHEETS, TINY)
    print(out)
