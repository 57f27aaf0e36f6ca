"""The web page's own readers fed hostile uploads (issue #18): a zip of CSV files whose member
names leave the folder, links, clashing names, a zip bomb; the issue dialog's row preview.

Before the fix a ``../`` or absolute member was skipped silently (the upload went on without
it), a link was unpacked as a file, two ``x.csv`` in different folders overwrote each other,
a member was read whole into memory (``zf.read``) whatever it expanded to, and the row
preview took row 1 as the header and read only ``.xlsx`` files with openpyxl."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest

from assignments.core.errors import InputError
from assignments.web.app import _row_of
from assignments.web.worker import unpack_upload

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from test_hostile_paths import _Repeat, write_zip

LANG = "zh"
CSV = "编号,姓名\nS1,张三\n".encode()


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.mark.parametrize("bad", ["../evil.csv", "a/../../evil.csv", "/tmp/evil.csv",
                                 "..\\evil.csv", "C:/evil.csv"])
def test_zip_member_leaving_the_folder_is_refused(tmp_path: Path, bad: str) -> None:
    folder = tmp_path / "uploads" / "upload-1"
    z = write_zip(tmp_path / "in.zip", {"人员.csv": CSV, bad: CSV})
    with pytest.raises(InputError) as e:
        unpack_upload("data.zip", z.read_bytes(), folder)
    assert "data.zip" in str(e.value) and "文件夹之外" in str(e.value)
    assert _files(folder) == ["data.zip"]  # nothing unpacked
    assert not (tmp_path / "evil.csv").exists() and not (tmp_path / "uploads" / "evil.csv"
                                                         ).exists()


def test_zip_link_and_clashing_names_are_refused(tmp_path: Path) -> None:
    z = write_zip(tmp_path / "a.zip", {"人员.csv": CSV, "link.csv": b"/etc/passwd"},
                  modes={"link.csv": 0o120777})
    with pytest.raises(InputError, match="链接"):
        unpack_upload("a.zip", z.read_bytes(), tmp_path / "u1")
    assert _files(tmp_path / "u1") == ["a.zip"]
    z = write_zip(tmp_path / "b.zip", {"一/人员.csv": CSV, "二/人员.csv": CSV})
    with pytest.raises(InputError, match=r"两个名为 人员\.csv"):
        unpack_upload("b.zip", z.read_bytes(), tmp_path / "u2")


def test_zip_bomb_upload_refused_before_expanding(tmp_path: Path) -> None:
    """A CSV member declaring 600 MB (about 0.6 MB in the zip): refused by the archive's
    directory, nothing unpacked."""
    bomb = _Repeat("编号,姓名\n".encode(), b"S1,x\n" * (1 << 18), 480, b"")
    z = write_zip(tmp_path / "bomb.zip", {"人员.csv": bomb})  # type: ignore[dict-item]
    assert z.stat().st_size < 3 * 2**20
    with pytest.raises(InputError) as e:
        unpack_upload("bomb.zip", z.read_bytes(), tmp_path / "u")
    assert "文件过大或已损坏" in str(e.value)
    assert _files(tmp_path / "u") == ["bomb.zip"]


def test_valid_zip_unpacks_as_before(tmp_path: Path) -> None:
    z = write_zip(tmp_path / "ok.zip", {"csv/人员.csv": CSV, "csv/科室.csv": CSV,
                                        "__MACOSX/csv/._人员.csv": b"x", "readme.txt": b"x"})
    out = unpack_upload("ok.zip", z.read_bytes(), tmp_path / "u")
    assert out == tmp_path / "u" / "ok"
    assert _files(out) == ["人员.csv", "科室.csv"]
    assert (out / "人员.csv").read_bytes() == CSV


def test_row_preview_uses_the_header_row_and_any_format(tmp_path: Path) -> None:
    """The header two rows down (rows above it empty, as the models accept): the preview
    names the columns; a CSV folder is previewed too."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "人员"
    ws.append([])
    ws.append([])
    ws.append(["编号", "姓名"])
    ws.append(["S1", "张三"])
    p = tmp_path / "in.xlsx"
    wb.save(p)
    assert _row_of(p, "人员", 4) == [("编号", "S1"), ("姓名", "张三")]
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "人员.csv").write_bytes(CSV)
    assert _row_of(folder, "人员.csv", 2) == [("编号", "S1"), ("姓名", "张三")]
