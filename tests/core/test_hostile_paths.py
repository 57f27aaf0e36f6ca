"""Every command that reads a file the user gives, fed hostile files (issue #18): a zip-bomb
workbook whose sheet XML expands to 600 MB (1.9 MB on disk), a YAML "billion laughs" alias
bomb, text files far larger than their format ever is.

Each runs the real command in a subprocess (address space capped at 3 GB, so a regression
fails instead of taking the machine down): it must exit 2 with one located message in Chinese
(the file's name, "文件过大或已损坏"), print no traceback, write no output folder, and peak at
less than 500 MB of resident memory (``ru_maxrss`` of the child).

Before the fix, ``funding check`` and ``funding scenarios`` read workbooks with
``pandas.read_excel`` (openpyxl) and ran out of memory or time on the bomb; the scenarios'
YAML reader expanded alias bombs; the GAP, MKP and Pabulib readers read any size. The other
commands already went through the shared reader: their cases guard against regressions.
"""

from __future__ import annotations

import io
import os
import resource
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from assignments.core.errors import InputError
from assignments.core.io import Percent

LANG = "zh"
ROOT = Path(__file__).resolve().parents[2]
INSTANCES = ROOT / "instances"
SRC = ROOT / "src"

LAUNCH = """
import resource, runpy, sys
sys.argv = ["assignments", *sys.argv[1:]]
try:
    runpy.run_module("assignments", run_name="__main__")
finally:
    sys.stderr.write("\\nMAXRSS_KB=%d\\n" % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def run_cli(args: list[str]) -> tuple[int, str, float]:
    """``assignments ARGS`` in a child process: exit code, stderr+stdout, peak RSS in MB."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    env = dict(os.environ, PYTHONPATH=str(SRC), ASSIGNMENTS_LANG="zh")
    p = subprocess.run([sys.executable, "-c", LAUNCH, *args], cwd=ROOT, env=env,
                       capture_output=True, text=True, preexec_fn=cap, timeout=120)
    text = p.stdout + p.stderr
    rss = next(int(x.split("=")[1]) for x in text.splitlines() if x.startswith("MAXRSS_KB="))
    return p.returncode, text, rss / 1024


def sheet_bomb(path: Path, sheets: dict[str, list[list[object]]], mb: int = 600) -> Path:
    """A workbook with ``sheets`` whose first sheet's XML goes on with ``mb`` megabytes of
    repeated rows: one compressed 1 MB block repeated (a full flush resets the compressor, so
    the block's bytes repeat), with the true sizes and CRC declared (a well-formed archive)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    first = "xl/worksheets/sheet1.xml"
    head, tail = members[first].split(b"</sheetData>")
    tail = b"</sheetData>" + tail
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c><c><v>1</v></c></row>'
    chunk = row * ((1 << 20) // len(row))
    members[first] = _Repeat(head, chunk, mb * (1 << 20) // len(chunk), tail)  # type: ignore
    return write_zip(path, members)


class _Repeat:
    """A member made of ``head + chunk * times + tail``, compressed without building it."""

    def __init__(self, head: bytes, chunk: bytes, times: int, tail: bytes) -> None:
        self.head, self.chunk, self.times, self.tail = head, chunk, times, tail

    def deflate(self) -> tuple[bytes, int, int]:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        start = c.compress(self.head) + c.flush(zlib.Z_FULL_FLUSH)
        block = c.compress(self.chunk) + c.flush(zlib.Z_FULL_FLUSH)
        end = c.compress(self.tail) + c.flush(zlib.Z_FINISH)
        crc = zlib.crc32(self.head)
        for _ in range(self.times):
            crc = zlib.crc32(self.chunk, crc)
        crc = zlib.crc32(self.tail, crc)
        size = len(self.head) + len(self.chunk) * self.times + len(self.tail)
        return start + block * self.times + end, size, crc


def write_zip(path: Path, members: dict[str, bytes | _Repeat],
              modes: dict[str, int] | None = None) -> Path:
    """A zip archive written byte by byte (deflated members; ``modes``: Unix modes of members,
    e.g. a symbolic link's ``0o120777``; names in UTF-8)."""
    out, cd = bytearray(), bytearray()
    for name, data in members.items():
        if isinstance(data, _Repeat):
            comp, size, crc = data.deflate()
        else:
            co = zlib.compressobj(6, zlib.DEFLATED, -15)
            comp, size, crc = co.compress(data) + co.flush(), len(data), zlib.crc32(data)
        nb = name.encode()
        off = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, 0, 0, crc, len(comp), size,
                           len(nb), 0) + nb + comp
        attr = (modes or {}).get(name, 0o100644) << 16
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x0314, 20, 0x800, 8, 0, 0, crc,
                          len(comp), size, len(nb), 0, 0, 0, 0, attr, off) + nb
    n = len(members)
    out += cd + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(cd), len(out), 0)
    path.write_bytes(bytes(out))
    return path


def assert_refused(rc: int, text: str, rss: float, name: str, *needles: str) -> None:
    assert "Traceback" not in text, text[-3000:]
    assert rc == 2, text[-3000:]
    assert name in text and all(n in text for n in needles), text[-3000:]
    assert rss < 500, rss


F_TINY = str(INSTANCES / "funding" / "tiny.xlsx")
R_TINY = str(INSTANCES / "roster" / "tiny.xlsx")
M_TINY = str(INSTANCES / "mentoring" / "tiny.xlsx")
_R = {"排班": [["人员", "季度"]]}

# (command, its arguments with {bomb} and {out}, the sheets of the bomb); the first two failed
# before the fix, the others went through the shared reader already (regression guards)
BOMB_CASES = [
    ("funding check", ["funding", "check", F_TINY, "{bomb}"],
     {"分配明细": [["项目编号", "资金来源", "季度", "金额"]]}),
    ("funding scenarios", ["funding", "scenarios", F_TINY, "--scenarios", "{bomb}", "--out",
                           "{out}"], {"情景": [["名称", "预算"]]}),
    ("roster check", ["roster", "check", R_TINY, "{bomb}"], _R),
    ("roster replan", ["roster", "replan", R_TINY, "--published", "{bomb}", "--out", "{out}"],
     _R),
    ("roster assess", ["roster", "assess", R_TINY, "--logs", "{bomb}", "--out", "{out}"],
     {"授课": [["人员"]], "查房": [["人员"]], "考勤": [["人员"]]}),
    ("roster duties", ["roster", "duties", R_TINY, "--roster", "{bomb}", "--out", "{out}"], _R),
    ("roster ledger", ["roster", "ledger", R_TINY, "--roster", "{bomb}", "--out", "{out}"], _R),
    ("mentoring check", ["mentoring", "check", M_TINY, "{bomb}"], {"结对": [["师傅", "徒弟"]]}),
]


@pytest.mark.parametrize(("command", "args", "sheets"), BOMB_CASES,
                         ids=[c[0] for c in BOMB_CASES])
def test_zip_bomb_refused_at_every_entry_point(tmp_path: Path, command: str, args: list[str],
                                               sheets: dict[str, list[list[object]]]) -> None:
    bomb = sheet_bomb(tmp_path / "bomb.xlsx", sheets)
    assert bomb.stat().st_size < 3 * 2**20
    with zipfile.ZipFile(bomb) as z:
        assert sum(i.file_size for i in z.infolist()) > 600 * 2**20
    out = tmp_path / "out"
    rc, text, rss = run_cli([a.format(bomb=bomb, out=out) for a in args])
    assert_refused(rc, text, rss, "bomb.xlsx", "文件过大或已损坏", "解压后超过 512 MB")
    assert not out.exists()


def _alias_bomb(levels: int = 9) -> str:
    """``a`` holds 10 strings, each next level 10 aliases of the one before: 10**levels
    strings once expanded, a few hundred bytes written."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for k in "bcdefghijk"[:levels - 1]:
        lines.append(f"{k}: &{k} [" + ", ".join(["*" + prev] * 10) + "]")
        prev = k
    return "\n".join(lines) + f"\nscenarios:\n  - name: x\n    rules: {{产业占比: *{prev}}}\n"


def test_yaml_alias_bomb_refused(tmp_path: Path) -> None:
    """Before: MemoryError (a traceback) while a rule value of 10**9 strings was read."""
    bomb = tmp_path / "laughs.yaml"
    bomb.write_text(_alias_bomb(), encoding="utf-8")
    out = tmp_path / "out"
    rc, text, rss = run_cli(["funding", "scenarios", F_TINY, "--scenarios", str(bomb),
                             "--out", str(out)])
    assert_refused(rc, text, rss, "laughs.yaml", "文件过大或已损坏", "YAML 别名")
    assert not out.exists()


def _sparse(path: Path, mb: int) -> Path:
    """A file of ``mb`` megabytes taking no disk space."""
    with path.open("wb") as fh:
        fh.truncate(mb << 20)
    return path


@pytest.mark.parametrize(("args", "name"), [
    (["funding", "scenarios", F_TINY, "--scenarios", "{big}", "--out", "{out}"], "big.yaml"),
    (["mentoring", "gap", "{big}"], "big.txt"),
    (["funding", "mkp", "{big}"], "big.txt"),
    (["funding", "pb", "{big}", "--out", "{out}"], "big.pb"),
], ids=["scenarios-yaml", "gap", "mkp", "pabulib"])
def test_huge_text_files_refused_by_size(tmp_path: Path, args: list[str], name: str) -> None:
    """A 100 MB file where the format's files are a few KB to a few MB: refused by its size
    before it is read (before: read whole, then parsed or split into tokens)."""
    big = _sparse(tmp_path / name, 100)
    out = tmp_path / "out"
    rc, text, rss = run_cli([a.format(big=big, out=out) for a in args])
    assert_refused(rc, text, rss, name, "文件过大或已损坏", "超过")
    assert not out.exists()


# ---------------------------------------------------------------- valid files: as before


def test_read_frames_is_what_pandas_read(tmp_path: Path) -> None:
    """The shared reader's frames equal ``pandas.read_excel(..., dtype=object)`` on every sheet
    of the shipped funding workbook and on a sheet with gaps, a repeated and an empty header
    (percent-formatted cells aside: they read as the percentage shown)."""
    from assignments.core.io import read_frames

    for path in (INSTANCES / "funding" / "county.xlsx", INSTANCES / "funding" / "tiny.xlsx"):
        mine, names = read_frames(path, lambda _n: True)
        theirs = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl")
        assert names == list(theirs)
        for name, df in theirs.items():
            got = mine[name].map(lambda v: v.fraction if isinstance(v, Percent) else v)
            assert list(got.columns) == list(df.columns), name
            pd.testing.assert_frame_equal(got.reset_index(drop=True), df.reset_index(drop=True),
                                          check_dtype=False, check_column_type=False)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "情景"
    for r in (["名称", "预算", None, "名称"], ["a", 1, None, "x"], [], ["b", 2.5]):
        ws.append(r)
    p = tmp_path / "gaps.xlsx"
    wb.save(p)
    mine, _ = read_frames(p, lambda n: n == "情景")
    theirs = pd.read_excel(p, sheet_name=None, dtype=object, engine="openpyxl")["情景"]
    pd.testing.assert_frame_equal(mine["情景"], theirs, check_dtype=False)


def test_read_frames_locates_a_formula_without_value(tmp_path: Path) -> None:
    """A formula cell written by a script (no cached value) in the sheet read: refused with its
    sheet, row and column; in a sheet not read: ignored."""
    from assignments.core.io import read_frames

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "分配明细"
    ws.append(["项目编号", "金额"])
    ws.append(["P1", "=2*2"])
    wb.create_sheet("其他").append(["=1+1"])
    p = tmp_path / "plan.xlsx"
    wb.save(p)
    with pytest.raises(InputError) as e:
        read_frames(p, lambda n: n == "分配明细")
    text = str(e.value)
    assert "plan.xlsx" in text and "分配明细" in text and "第 2 行" in text and "B (金额)" in text
    frames, _ = read_frames(p, lambda n: n == "其他")
    assert list(frames) == ["其他"]
