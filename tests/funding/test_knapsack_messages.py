"""The OR-Library MKP and Pabulib readers (``assignments.knapsack``) report a bad file in the
language asked for — Chinese by default — located by file and line (and instance or section),
through the message catalogue (domain ``knapsack``); the command exits 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assignments.cli import app
from assignments.core.errors import InputError
from assignments.core.i18n import use_lang
from assignments.knapsack.mkp import read_mkp
from assignments.knapsack.pabulib import read_pb

LANG = "zh"


def _mkp(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "m.txt"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(("text", "zh", "en"), [
    ("2\n3 2 10\n1 2 x\n", "m.txt，第 3 行，第 0 个算例：“x”不是数字",
     "m.txt, row 3, instance 0: 'x' is not a number"),
    ("1\n3 2 10\n1 2 3\n1 1 1\n1 1\n",
     "第 5 行，第 0 个算例第 2 个约束：文件提前结束：还应有 3 个数",
     "row 5, instance 0 constraint 2: the file ends early: 3 numbers expected"),
    ("1\n2 1 5\n1 2\n1.5 1\n3\n", "第 4 行，第 0 个算例：权重和容量必须是整数",
     "row 4, instance 0: weights and capacities must be whole numbers"),
    ("1\n2 1 opt\n1 2\n1 1\n3\n", "第 2 行，第 0 个算例：“opt”不是数字",
     "row 2, instance 0: 'opt' is not a number"),
])
def test_mkp_errors_are_located_and_translated(tmp_path: Path, text: str, zh: str,
                                               en: str) -> None:
    path = _mkp(tmp_path, text)
    with pytest.raises(InputError) as info:
        read_mkp(path)
    assert zh in str(info.value)
    with use_lang("en"), pytest.raises(InputError) as info:
        read_mkp(path)
    assert en in str(info.value)


def test_pabulib_errors_are_translated(tmp_path: Path) -> None:
    p = tmp_path / "x.pb"
    p.write_text("META\nkey;value\nnum_projects;1\nPROJECTS\nproject_id;cost\nP1;abc\n",
                 encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_pb(p)
    assert "应为数字" in str(info.value) and "第 6 行" in str(info.value)
    p.write_text("META\nkey;value\nnum_projects;1\nPROJECTS\nproject_id;cost\nP1;5\n",
                 encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_pb(p)
    assert "缺少预算（budget）" in str(info.value)
    with use_lang("en"), pytest.raises(InputError) as info:
        read_pb(tmp_path / "none.pb")
    assert "file not found" in str(info.value)


def test_funding_mkp_command_says_it_in_chinese(tmp_path: Path) -> None:
    path = _mkp(tmp_path, "2\n3 2 10\n1 2 x\n")
    r = CliRunner().invoke(app, ["funding", "mkp", str(path)])
    assert r.exit_code == 2
    assert "“x”不是数字" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(app, ["funding", "mkp", str(path), "--lang", "en"])
    assert r.exit_code == 2 and "'x' is not a number" in r.output
