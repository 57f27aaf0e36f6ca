"""``assignments batch FOLDER --out OUT``: a folder of workbooks of any model, each written as its
model's solve command writes it; a bad workbook is reported and does not lose the others; the
same results on dask-local as on the local pool (deterministic mode)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assignments.batch import detect_model, workbooks
from assignments.core.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
TINY = {"roster": ROOT / "instances/roster/tiny.xlsx",
        "mentoring": ROOT / "instances/mentoring/tiny.xlsx",
        "funding": ROOT / "instances/funding/tiny.xlsx"}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assignments", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    for model, path in TINY.items():
        shutil.copy(path, d / f"{model}_tiny.xlsx")
    (d / "broken.json").write_text("{not json", encoding="utf-8")
    (d / "notes.txt").write_text("ignored", encoding="utf-8")
    return d


def test_detect_model(folder: Path) -> None:
    """The model comes from the workbook's sheets; a file of no model says so."""
    assert [p.name for p in workbooks(folder)] == [
        "broken.json", "funding_tiny.xlsx", "mentoring_tiny.xlsx", "roster_tiny.xlsx"]
    for model in TINY:
        assert detect_model(folder / f"{model}_tiny.xlsx") == model
    other = folder.parent / "other.json"
    other.write_text(json.dumps({"foo": [{"a": 1}]}), encoding="utf-8")
    with pytest.raises(InputError, match="--model"):
        detect_model(other)


def _one(d: Path) -> tuple[list[str], dict]:
    r = json.loads((d / "result.json").read_text(encoding="utf-8"))
    files = sorted(p.name for p in d.iterdir())
    return files, {k: r.get(k) for k in ("status", "objective", "objectives")}


def _outputs(out: Path) -> dict[str, tuple[list[str], dict]]:
    return {d.name: _one(d) for d in sorted(p for p in out.iterdir() if p.is_dir())}


def test_batch_local_and_dask_local(folder: Path, tmp_path: Path) -> None:
    """Every model's workbook solved and written into OUT/<name>/ with the files its solve
    command writes; the broken one reported with its reason (exit 1); dask-local gives the same
    results as the local pool."""
    # a limit the tiny examples never reach (they prove optimality in well under a second on an
    # idle machine), so a loaded machine cannot make the two runs stop at different plans
    args = ["--time-limit", "60", "--deterministic", "--lang", "en"]
    p = run("batch", str(folder), "--out", str(tmp_path / "local"), *args)
    assert p.returncode == 1, p.stderr
    assert "Traceback" not in p.stderr
    assert "broken" in p.stdout and "cannot be parsed" in p.stdout
    assert "3/4 workbooks solved and written" in p.stdout
    assert "[3/3]" in p.stderr
    local = _outputs(tmp_path / "local")
    assert sorted(local) == ["funding_tiny", "mentoring_tiny", "roster_tiny"]

    # the same files as the model's own solve command
    for model, path in TINY.items():
        q = run(model, "solve", str(path), "--out", str(tmp_path / f"solo_{model}"), *args)
        assert q.returncode == 0, q.stderr
        solo = _one(tmp_path / f"solo_{model}")
        assert local[f"{model}_tiny"][0] == solo[0]
        assert local[f"{model}_tiny"][1]["status"] in ("optimal", "feasible")

    p = run("batch", str(folder), "--out", str(tmp_path / "dask"), "--executor", "dask-local",
            *args)
    assert p.returncode == 1, p.stderr
    assert "dask-local" in p.stderr
    assert _outputs(tmp_path / "dask") == local


def test_batch_bad_options(folder: Path, tmp_path: Path) -> None:
    """A bad --executor, --model or an empty folder: one message, exit 2."""
    for extra, text in ((["--executor", "yarn"], "--executor"), (["--model", "x"], "--model")):
        p = run("batch", str(folder), "--out", str(tmp_path / "o"), *extra, "--lang", "en")
        assert p.returncode == 2 and text in p.stderr and "Traceback" not in p.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    p = run("batch", str(empty), "--out", str(tmp_path / "o"), "--lang", "en")
    assert p.returncode == 2 and "no workbooks" in p.stderr
    p = run("batch", str(empty), "--out", str(tmp_path / "o"))  # Chinese by default
    assert p.returncode == 2 and "没有工作簿" in p.stderr


def test_batch_forced_model(folder: Path, tmp_path: Path) -> None:
    """--model forces the model: a workbook of another model is reported, not solved."""
    p = run("batch", str(folder), "--out", str(tmp_path / "o"), "--model", "roster",
            "--time-limit", "2", "--lang", "en")
    assert p.returncode == 1
    assert "1/4 workbooks solved and written" in p.stdout
    assert (tmp_path / "o" / "roster_tiny" / "result.json").exists()
    assert not (tmp_path / "o" / "funding_tiny").exists()
