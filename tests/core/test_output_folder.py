"""Output folders (issue #18): replaced whole, never mixed, never left half-written, one writer
at a time, checked before solving."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from assignments.core import output
from assignments.core.errors import UserError
from assignments.core.i18n import use_lang
from assignments.core.io import check_output_dir, staged_output

OLD = {"result.json": "old", "roster.xlsx": "old", "csv/排班.csv": "old", "roster_gantt.png": "old"}
NEW = {"result.json": "new", "roster.xlsx": "new"}  # an infeasible run: no csv/, no plot


def _write(stage: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (stage / name).parent.mkdir(parents=True, exist_ok=True)
        (stage / name).write_text(text, encoding="utf-8")


def _result(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): p.read_text(encoding="utf-8")
            for p in sorted(out.rglob("*")) if p.is_file() and p.name != output.MANIFEST}


def _siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name)


@pytest.fixture
def old(tmp_path: Path) -> Path:
    """A folder holding a complete good result, written by staged_output."""
    out = tmp_path / "out"
    with staged_output(out) as stage:
        _write(stage, OLD)
    assert _result(out) == OLD
    return out


def test_new_result_replaces_the_old_whole(old: Path) -> None:
    """An infeasible run over a good result: the old csv/ and plot are gone with it; nothing
    is left beside the folder (no staging, backup or lock)."""
    with staged_output(old) as stage:
        _write(stage, NEW)
    assert _result(old) == NEW
    assert _siblings(old) == []


@pytest.mark.parametrize("exc", [ValueError("boom"), KeyboardInterrupt()])
def test_failure_while_writing_keeps_the_old_result(old: Path, exc: BaseException) -> None:
    """An exception or Ctrl-C in the middle of writing: the old result untouched, no staging
    folder left."""
    with pytest.raises(type(exc)), staged_output(old) as stage:
        _write(stage, {"result.json": "new"})
        raise exc
    assert _result(old) == OLD
    assert _siblings(old) == []


def test_failed_swap_puts_the_old_result_back(old: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the atomic exchange, the old folder is renamed aside and the new one renamed in;
    when the second rename fails, the old result is put back (UserError, nothing left)."""
    monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    real = os.rename
    calls = []

    def rename(a: object, b: object) -> None:
        calls.append((a, b))
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(a, b)  # type: ignore[arg-type]

    monkeypatch.setattr(output.os, "rename", rename)
    with pytest.raises(UserError, match="the disk is full"), staged_output(old) as stage:
        _write(stage, NEW)
    monkeypatch.setattr(output.os, "rename", real)
    assert _result(old) == OLD
    assert _siblings(old) == []


@pytest.mark.parametrize("atomic", [True, False])
def test_observer_sees_only_complete_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             atomic: bool) -> None:
    """A reader listing the folder while results replace each other 60 times sees the complete
    old or the complete new set of files, never a mixture (with the fallback of two renames, it
    may find the folder missing for an instant)."""
    if atomic and output._RENAMEAT2 is None:
        pytest.skip("renameat2 not available")
    if not atomic:
        monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    out = tmp_path / "out"
    a = {"result.json": "a", "a.xlsx": "a", "csv/x.csv": "a", "a.png": "a"}
    b = {"result.json": "b", "b.xlsx": "b"}
    want = [frozenset({"result.json", "a.xlsx", "csv", "a.png", output.MANIFEST}),
            frozenset({"result.json", "b.xlsx", output.MANIFEST})]
    with staged_output(out) as stage:
        _write(stage, a)
    done = threading.Event()
    seen: list[tuple[frozenset[str], bool]] = []
    missing = [0]

    def watch() -> None:
        while not done.is_set():
            try:
                fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
            except FileNotFoundError:
                missing[0] += 1
                continue
            try:
                names = frozenset(os.listdir(fd))
                try:  # still `out` after the listing: it was `out` all along
                    still = os.stat(out).st_ino == os.fstat(fd).st_ino
                except FileNotFoundError:
                    still = False
                seen.append((names, still))
            finally:
                os.close(fd)

    t = threading.Thread(target=watch)
    t.start()
    try:
        for k in range(60):
            with staged_output(out) as stage:
                _write(stage, b if k % 2 == 0 else a)
    finally:
        done.set()
        t.join()
    assert sum(still for _, still in seen) > 10
    for names, still in seen:
        if still:  # the folder at `out`: one complete result
            assert names in (want[0], want[1])
        else:  # a replaced folder being deleted: part of one result, never a mixture
            assert names <= want[0] or names <= want[1]
    if atomic:
        assert missing[0] == 0
    assert _siblings(out) == []


def test_second_writer_is_refused(tmp_path: Path) -> None:
    """Two writers into the same folder (threads): the second is refused with a clear message
    while the first writes; the first's result is complete; afterwards writing works again."""
    out = tmp_path / "out"
    inside, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with staged_output(out) as stage:
                _write(stage, OLD)
                inside.set()
                release.wait(10)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    t = threading.Thread(target=first)
    t.start()
    assert inside.wait(10)
    try:
        with pytest.raises(UserError) as e, staged_output(out) as stage:
            _write(stage, NEW)
    finally:
        release.set()
        t.join()
    assert not errors
    assert "another run is writing" in str(e.value)
    assert _result(out) == OLD
    with staged_output(out) as stage:
        _write(stage, NEW)
    assert _result(out) == NEW and _siblings(out) == []


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    """A lock left by a process that was killed (its pid no longer runs) does not block."""
    p = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                       capture_output=True, text=True, check=True)
    dead = int(p.stdout)
    out = tmp_path / "out"
    lock = tmp_path / ".out.lock"
    import socket

    lock.write_text(f"{dead} {socket.gethostname()} 1\n", encoding="utf-8")
    with staged_output(out) as stage:
        _write(stage, NEW)
    assert _result(out) == NEW and not lock.exists()


def test_leftovers_of_a_killed_writer_are_cleaned(old: Path) -> None:
    """A staging folder of a killed writer is removed; when the writer died between its two
    renames (``out`` missing, the backup present), the backup is put back first."""
    (old.parent / ".out.new-dead1").mkdir()
    (old.parent / ".out.new-dead1" / "result.json").write_text("half", encoding="utf-8")
    os.rename(old, old.parent / ".out.old-dead2")
    with staged_output(old) as stage:
        _write(stage, NEW)
    assert _result(old) == NEW and _siblings(old) == []


def test_ctrl_c_during_the_swap_is_held_back(old: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C arriving during the swap: the swap completes (the new result is whole), then the
    interrupt is raised."""
    real = output._exchange

    def exchange(a: Path, b: Path) -> bool:
        signal.raise_signal(signal.SIGINT)
        return real(a, b)

    monkeypatch.setattr(output, "_exchange", exchange)
    with pytest.raises(KeyboardInterrupt), staged_output(old) as stage:
        _write(stage, NEW)
    assert _result(old) == NEW and _siblings(old) == []


def test_interrupt_sets_stop_then_raises() -> None:
    """The first Ctrl-C sets the stop event (the solve ends with its best checked plan); the
    second raises KeyboardInterrupt."""
    stop = threading.Event()
    with pytest.raises(KeyboardInterrupt), output.interrupt_sets(stop):
        signal.raise_signal(signal.SIGINT)
        assert stop.is_set()
        signal.raise_signal(signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


# ---------------------------------------------------------------- checked before solving


def test_out_is_a_file(tmp_path: Path) -> None:
    """``--out`` naming a file, or a folder under a file: a clear UserError, nothing created."""
    f = tmp_path / "result.txt"
    f.write_text("x", encoding="utf-8")
    with pytest.raises(UserError, match="is a file"):
        check_output_dir(f)
    with pytest.raises(UserError, match="is a file"):
        check_output_dir(f / "sub" / "deeper")
    with pytest.raises(UserError, match="is a file"), staged_output(f / "sub"):
        pass  # pragma: no cover
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.txt"]


def test_unwritable_parent_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder that cannot be written (permissions, a read-only mount, an immutable folder:
    found by creating a probe file, which also holds for root) gives a clear UserError with the
    system's reason."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(output.tempfile, "mkstemp", refuse)
    with pytest.raises(UserError) as e:
        check_output_dir(tmp_path / "new" / "out")
    assert "cannot write into" in str(e.value) and "(the disk is read-only)" in str(e.value)
    with use_lang("zh"), pytest.raises(UserError) as e:
        check_output_dir(tmp_path / "new" / "out")
    assert "无法写入" in str(e.value) and "（磁盘只读）" in str(e.value)
    assert not (tmp_path / "new").exists()


def test_writable_and_missing_folders_pass(tmp_path: Path, old: Path) -> None:
    """A new folder (parents missing too) and an earlier result pass; nothing is created."""
    check_output_dir(tmp_path / "a" / "b")
    check_output_dir(old)
    assert not (tmp_path / "a").exists()
    assert _siblings(old) == []


def test_folder_of_other_files_is_not_replaced(tmp_path: Path) -> None:
    """``--out`` pointed at a folder holding other files (no result manifest): refused before
    and at writing, and the files are kept."""
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UserError, match="not results of this program"), \
            staged_output(out) as stage:
        _write(stage, NEW)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert _siblings(out) == []
    # a file added by hand to a result folder is protected too
    with staged_output(tmp_path / "res") as stage:
        _write(stage, NEW)
    (tmp_path / "res" / "mine.txt").write_text("x", encoding="utf-8")
    with pytest.raises(UserError, match=r"mine\.txt"):
        check_output_dir(tmp_path / "res")


def test_result_written_before_manifests_is_replaced(tmp_path: Path) -> None:
    """A folder from an earlier version (no manifest) holding only files the new result writes
    is replaced."""
    out = tmp_path / "out"
    _write(out, {"result.json": "older", "roster.xlsx": "older"})
    with staged_output(out) as stage:
        _write(stage, NEW)
    assert _result(out) == NEW
