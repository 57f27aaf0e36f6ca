"""Output folders: written whole, swapped in at once, one writer at a time.

:func:`staged_output` is how every command writes its results:

1. the folder is checked (:func:`check_output_dir`; commands also call it *before* solving, so
   that an unwritable ``--out`` is reported at once);
2. it is locked against a second writer: a lock file ``.<name>.lock`` beside it, created with
   ``O_EXCL`` and holding the writer's process id (a lock left by a process that no longer runs
   is taken over);
3. the results are written into a fresh sibling staging folder ``.<name>.new-*``;
4. the staging folder replaces ``out`` whole. On Linux both are exchanged in one system call
   (``renameat2(RENAME_EXCHANGE)``), so that ``out`` is at every moment the complete old result
   or the complete new one; elsewhere the old folder is first renamed to a backup name
   ``.<name>.old-*`` and the new one renamed into place (the backup is put back if that
   fails). The old result is then deleted.

An exception or Ctrl-C before step 4 leaves ``out`` untouched and removes the staging folder;
Ctrl-C during step 4 is held back until the swap is complete. Staging and backup folders left
by a killed process are removed (a backup is put back when ``out`` is missing) by the next
writer.

A result folder holds a small manifest, ``.assignments.json``, listing what it holds. A folder
is replaced only when it is new, empty, holds only what its manifest lists, or (a folder written
before manifests existed) only names the new result also writes; otherwise the run is refused
with a :class:`UserError`, so that ``--out`` pointed at a folder of other files never deletes
them.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import unicodedata
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from assignments.core.errors import UserError, os_reason
from assignments.core.i18n import tr
from assignments.core.printsetup import PrintOptions

__all__ = [
    "MANIFEST",
    "ExtraSheet",
    "PrintOptions",
    "check_output_dir",
    "interrupt_sets",
    "output_lock",
    "staged_output",
    "write_csv_folder",
    "write_excel",
    "write_input_workbook",
    "write_json",
]

#: The manifest file of a result folder (what the folder holds).
MANIFEST = ".assignments.json"


# ---------------------------------------------------------------- checks


def _probe(folder: Path) -> OSError | None:
    """Create and remove a file in ``folder``: the one test that also holds for root, read-only
    mounts and immutable folders."""
    try:
        fd, name = tempfile.mkstemp(prefix=".probe-", dir=folder)
    except OSError as exc:
        return exc
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(name)
    return None


def _reason(exc: OSError) -> str:
    return os_reason(exc)


def check_output_dir(out: str | os.PathLike[str]) -> None:
    """Check that results can be written into ``out``; call it before solving.

    Creates nothing. Refuses (:class:`UserError`, one clear line) when ``out`` is a file, when
    a folder on its path is a file, when the nearest existing folder (``out`` itself, else its
    first existing parent) cannot be written — permissions, a read-only mount or an immutable
    folder are all reported the same way, found by creating and removing a probe file — or when
    ``out`` holds files a result did not write (see the module's notes). The probe file
    ``.probe-*`` exists in ``out`` for an instant.
    """
    _check(Path(out), inside=True)


def _check(given: Path, *, inside: bool) -> None:
    where = str(given)
    path = Path(os.path.abspath(given))
    if path.exists() and not path.is_dir():
        raise UserError(tr("--out {path}: is a file, not a folder; choose a folder",
                           path=where))
    probe = path if path.is_dir() and inside else None
    if probe is None:
        parent = path.parent
        while not parent.exists():
            parent = parent.parent
        if not parent.is_dir():
            raise UserError(tr("--out {path}: cannot be created because {parent} is a file",
                               path=where, parent=parent))
        probe = parent
    exc = _probe(probe)
    if exc is None and probe == path:
        exc = _probe(path.parent)  # the swap renames out within its parent
    if exc is not None:
        raise UserError(tr("--out {path}: cannot write into {folder} ({reason})", path=where,
                           folder=probe, reason=_reason(exc)))
    if path.is_dir():
        foreign = _foreign(path, None)
        if foreign:
            raise UserError(_foreign_message(given, foreign))


def _names(folder: Path) -> set[str]:
    try:
        return set(os.listdir(folder))
    except FileNotFoundError:
        return set()


def _manifest(folder: Path) -> set[str] | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return {str(n) for n in data.get("files", [])}
    except (OSError, ValueError, AttributeError):
        return None


def _foreign(folder: Path, new: set[str] | None) -> list[str]:
    """Entries of ``folder`` no result wrote: not in its manifest (or, without a manifest, not
    in ``new``; unknown before the new result exists, when ``new`` is None)."""
    names = _names(folder) - {MANIFEST}
    if not names:
        return []
    listed = _manifest(folder)
    if listed is None:
        if new is None:
            return []
        listed = new
    return sorted(names - listed)


def _foreign_message(out: Path, foreign: list[str]) -> str:
    shown = ", ".join(foreign[:5]) + (tr(" and {n} more", n=len(foreign) - 5)
                                      if len(foreign) > 5 else "")
    return tr("--out {path}: the folder holds files that are not results of this program "
              "({files}); they would be deleted when the new result replaces the folder. Choose "
              "a new or empty folder, or move them away", path=out, files=shown)


# ---------------------------------------------------------------- lock


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if os.name == "nt":  # pragma: no cover - Windows
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x100000, False, pid)  # SYNCHRONIZE
        if not handle:
            return False
        try:
            return bool(kernel32.WaitForSingleObject(handle, 0) == 0x102)  # WAIT_TIMEOUT
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


def _read_lock(lock: Path) -> tuple[int, str]:
    try:
        text = lock.read_text(encoding="utf-8").split()
        return int(text[0]), (text[1] if len(text) > 1 else "")
    except (OSError, ValueError, IndexError):
        return 0, ""


@contextlib.contextmanager
def output_lock(out: str | os.PathLike[str]) -> Iterator[Path]:
    """Hold ``.<name>.lock`` beside ``out`` while the block runs (one writer at a time).

    Raises
    ------
    UserError
        When another running process (or another thread of this one) holds the lock.
    """
    out = Path(out)
    lock = _lock_path(out)
    host = socket.gethostname()
    me = f"{os.getpid()} {host} {threading.get_ident()}\n"
    for _ in range(5):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            pid, their_host = _read_lock(lock)
            if their_host in ("", host) and not _alive(pid) and _take_over(lock, pid):
                continue
            raise UserError(tr(
                "--out {path}: another run is writing into this folder (another process, id "
                "{pid}). Wait for it to finish or choose another --out; if no run is going, "
                "delete {lock}", path=out, pid=pid or "?", lock=lock)) from None
        except OSError as exc:
            raise UserError(tr("--out {path}: cannot create the lock file {lock} ({reason})",
                               path=out, lock=lock, reason=_reason(exc))) from None
        try:
            os.write(fd, me.encode())
        finally:
            os.close(fd)
        break
    else:  # pragma: no cover - the lock changed hands five times in a row
        raise UserError(tr("--out {path}: another run is writing into this folder", path=out))
    try:
        yield lock
    finally:
        with contextlib.suppress(OSError):
            if lock.read_text(encoding="utf-8") == me:
                lock.unlink()


def _take_over(lock: Path, dead: int) -> bool:
    """Remove a stale lock of process ``dead``; False when someone else changed it meanwhile."""
    aside = lock.with_name(f"{lock.name}.stale-{uuid.uuid4().hex[:8]}")
    try:
        os.rename(lock, aside)
    except FileNotFoundError:
        return True  # another taker removed it: try to create it again
    except OSError:
        return False
    pid, _ = _read_lock(aside)
    if pid != dead:  # a live writer's lock was moved: put it back
        with contextlib.suppress(OSError):
            os.rename(aside, lock)
        return False
    with contextlib.suppress(OSError):
        aside.unlink()
    return True


# ---------------------------------------------------------------- Ctrl-C


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C back while the block runs (the folder swap), then raise it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.getsignal(signal.SIGINT)
    try:
        signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    except (ValueError, OSError):  # pragma: no cover - no signals here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


@contextlib.contextmanager
def interrupt_sets(stop: threading.Event) -> Iterator[threading.Event]:
    """While the block runs, the first Ctrl-C sets ``stop`` (a solve given ``stop=`` then ends
    with the best checked solution so far, marked stopped); a second one raises
    :class:`KeyboardInterrupt` as usual. For the commands that solve (``solve(...,
    stop=stop)``); outside the main thread it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum: int, frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, handler)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


# ---------------------------------------------------------------- the swap


def _exchange_function() -> Any:
    """``renameat2`` with ``RENAME_EXCHANGE`` (Linux, glibc ≥ 2.28), or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_RENAMEAT2 = _exchange_function()
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False when the system cannot (then nothing changed)."""
    if _RENAMEAT2 is None:
        return False
    rc = _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system cannot exchange
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap(stage: Path, out: Path) -> None:
    """Put ``stage`` in place of ``out`` (see the module's notes); ``stage`` is gone after."""
    with _interrupts_held():
        if not out.exists():
            os.rename(stage, out)
            return
        if _exchange(stage, out):
            old = stage  # the old result now sits at the staging name
        else:
            old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
            os.rename(out, old)
            try:
                os.rename(stage, out)
            except BaseException:
                os.rename(old, out)
                raise
    shutil.rmtree(old, ignore_errors=True)


def _leftovers(out: Path) -> None:
    """Staging and backup folders of killed writers (we hold the lock): a backup is put back
    when ``out`` is missing, the rest removed."""
    parent = out.parent
    for kind in ("old", "new"):
        for p in sorted(parent.glob(f".{out.name}.{kind}-*")):
            if kind == "old" and not out.exists():
                with contextlib.suppress(OSError):
                    os.rename(p, out)
                    continue
            shutil.rmtree(p, ignore_errors=True)


@contextlib.contextmanager
def staged_output(out_dir: str | os.PathLike[str]) -> Iterator[Path]:
    """Write a result into a staging folder; on success it replaces ``out_dir`` whole.

    Yields the staging folder: write every output file into it. When the block ends normally,
    the staging folder replaces ``out_dir`` (created if needed) at once; when it raises (also
    Ctrl-C), ``out_dir`` is left as it was. No staging or backup folder is ever left behind.

    Raises
    ------
    UserError
        ``out_dir`` cannot be written (:func:`check_output_dir`), another run is writing into
        it (:func:`output_lock`), or it holds files no result wrote.
    """
    given = Path(out_dir)
    _check(given, inside=False)  # the block writes only beside out, never into it
    out = Path(os.path.abspath(given))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(tr("--out {path}: cannot create {folder} ({reason})", path=out,
                           folder=out.parent, reason=_reason(exc))) from None
    with output_lock(out):
        _leftovers(out)
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        try:
            yield stage
            names = _names(stage) - {MANIFEST}
            (stage / MANIFEST).write_text(
                json.dumps({"files": sorted(names)}, ensure_ascii=False) + "\n", encoding="utf-8")
            foreign = _foreign(out, names) if out.is_dir() else []
            if foreign:
                raise UserError(_foreign_message(given, foreign))
            if out.exists() and not out.is_dir():
                raise UserError(tr("--out {path}: is a file, not a folder; choose a folder",
                                   path=given))
            _swap(stage, out)
        except OSError as exc:  # disk full, permissions changed meanwhile, immutable folder
            raise UserError(tr("--out {path}: cannot write the results ({reason}); the folder "
                               "was left as it was", path=given, reason=_reason(exc))) from exc
        finally:
            shutil.rmtree(stage, ignore_errors=True)


# ---------------------------------------------------------------- writers


def write_excel(path: Path, sheets: Mapping[str, pd.DataFrame], *,
                options: PrintOptions | None = None) -> Path:
    """Write DataFrames as sheets ready to read and to print.

    Each sheet: the header in row 1 (bold, frozen, auto-filter, repeated on every printed
    page), fitted column widths, real dates, money with thousands separators, A4 fitted to the
    page width (landscape when wide), a page header with ``options``' organisation, title,
    period and date made, and page numbers in the footer (:mod:`assignments.core.printsetup`).
    """
    from assignments.core.printsetup import apply_print_setup, prepare_frame

    opts = options or PrintOptions()
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for name, df in sheets.items():
            frame, formats = prepare_frame(df, opts)
            frame.to_excel(xw, sheet_name=name[:31], index=False)
            apply_print_setup(xw.sheets[name[:31]], frame, formats, opts, sheet=name[:31])
    return path


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_csv_folder(folder: Path, sheets: Mapping[str, pd.DataFrame]) -> Path:
    """Write each table as ``<name>.csv`` in UTF-8 with BOM (opens correctly in Excel)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in sheets.items():
        df.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8-sig")
    return folder


def write_json(path: Path, data: Any) -> Path:
    """Write JSON with Chinese text kept readable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return path


TEMPLATE_ROWS = 1000
"""Rows of a template sheet its drop-down lists cover (rows the user adds included)."""
OPTIONS_SHEET = "选项"
"""The hidden sheet of a template's drop-down lists (every reader ignores it: no model has a
sheet of that name)."""


@dataclass(frozen=True)
class ExtraSheet:
    """A free-form sheet of a template (a model's example of an alternative layout, such as a
    timetable grid): its rows of cells as given, a note on its first cell, placed right after
    the sheet of spec key ``after`` (at the end when absent)."""

    title: str
    rows: Sequence[Sequence[Any]]
    note: str = ""
    after: str | None = None


def write_input_workbook(
    path: Path,
    specs: Sequence[Any],
    records: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    with_notes: bool = True,
    template: bool = False,
    extra_sheets: Sequence[ExtraSheet] = (),
) -> Path:
    """Write an input workbook in the documented format (templates, generated instances).

    ``specs`` are :class:`assignments.core.io.SheetSpec` (not imported here: io imports this
    module). Each sheet gets the ``中文 (english)`` headers of its spec, a comment on each
    header with the column's note (in the current language), and one row per record (keys are
    column keys).

    ``template``: every column of every spec (not only those the records fill), each header's
    comment saying required/optional and the allowed values, and a drop-down list (Excel data
    validation, rows 2 to :data:`TEMPLATE_ROWS`) on every column with ``choices``: fixed
    lists come from the hidden :data:`OPTIONS_SHEET` sheet, ``"sheet.column"`` lists from that
    sheet's column, both through defined names. A record may carry ``"_choices": {column key:
    (values, ...)}``: a drop-down on that one cell (the 方案 sheet's yes/no values).

    ``extra_sheets``: free-form sheets (:class:`ExtraSheet`) written as given.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    written: dict[str, tuple[str, dict[str, str]]] = {}  # spec key -> (title, col key -> letter)
    for spec in specs:
        rows = records.get(spec.key)
        if rows is None:
            continue
        ws = wb.create_sheet(spec.title)
        if template:
            cols = list(spec.columns)
        else:
            cols = [c for c in spec.columns
                    if c.required or any(c.key in r for r in rows) or not rows]
        written[spec.key] = (spec.title, {c.key: get_column_letter(j)
                                          for j, c in enumerate(cols, start=1)})
        for j, c in enumerate(cols, start=1):
            cell = ws.cell(row=1, column=j, value=c.header)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="FFF2CC" if c.required else "EDEDED")
            if with_notes and (c.note or template):
                text = _column_note(c) if template else _note_text(c)
                comment = Comment(text, "assignments")
                comment.width, comment.height = 320, 40 + 16 * (len(text) // 20 + 1)
                cell.comment = comment
            width = (
                max(
                    [_display_width(c.header)]
                    + [_display_width(str(r.get(c.key, ""))) for r in rows[:200]]
                )
                + 2
            )
            ws.column_dimensions[get_column_letter(j)].width = min(width, 60)
        for i, r in enumerate(rows, start=2):
            for j, c in enumerate(cols, start=1):
                value = r.get(c.key)
                if value is not None:
                    ws.cell(row=i, column=j, value=_cell(value))
        ws.freeze_panes = "A2"
    for extra in extra_sheets:
        after = written.get(extra.after or "")
        index = wb.sheetnames.index(after[0]) + 1 if after else len(wb.sheetnames)
        ws = wb.create_sheet(extra.title, index)
        for i, row in enumerate(extra.rows, start=1):
            for j, value in enumerate(row, start=1):
                if value is not None and value != "":
                    ws.cell(row=i, column=j, value=_cell(value))
        for j in range(1, max((len(r) for r in extra.rows), default=0) + 1):
            width = max(_display_width(str(r[j - 1])) for r in extra.rows if len(r) >= j) + 2
            ws.column_dimensions[get_column_letter(j)].width = min(max(width, 8), 40)
        if extra.note:
            comment = Comment(extra.note, "assignments")
            comment.width, comment.height = 360, 40 + 16 * (len(extra.note) // 22 + 1)
            ws.cell(row=1, column=1).comment = comment
    if template:
        _add_dropdowns(wb, specs, records, written)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _translated(text: str) -> str:
    """A note (an English msgid marked with ``N_``) in the current language."""
    from assignments.core.i18n import catalogue, current_lang

    if not text or current_lang() == "en":
        return text
    return catalogue(current_lang()).get(text, text)


def _note_text(c: Any) -> str:
    req = "required / 必填" if c.required else "optional / 选填"
    return f"{c.note} ({req})"


def _column_note(c: Any) -> str:
    """A template header's comment: what the column means (unit and default included in the
    note), required or optional, the allowed values (a fixed drop-down) and the example."""
    from assignments.core.i18n import tr

    parts = [_translated(c.note)] if c.note else []
    parts.append(tr("Required.") if c.required else tr("Optional (may be left empty)."))
    if isinstance(c.choices, tuple):
        shown = "、".join(c.choices[:12]) + ("…" if len(c.choices) > 12 else "")
        parts.append(tr("Choose from the list: {values}", values=shown) if not c.open_choices
                     else tr("Choose from the list ({values}) or type another value",
                             values=shown))
    elif isinstance(c.choices, str):
        parts.append(tr("Drop-down: the values of the {sheet} sheet",
                        sheet=c.choices.split(".")[0]))
    if c.example is not None:
        parts.append(tr("Example: {value}", value=_cell(c.example)))
    return "\n".join(p for p in parts if p)


def _add_dropdowns(wb: Any, specs: Sequence[Any],
                   records: Mapping[str, Sequence[Mapping[str, Any]]],
                   written: Mapping[str, tuple[str, Mapping[str, str]]]) -> None:
    """The drop-down lists of a template (see :func:`write_input_workbook`)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    from assignments.core.i18n import tr

    lists: dict[tuple[str, ...], str] = {}  # values -> defined name
    options = None
    last = TEMPLATE_ROWS

    def fixed(values: tuple[str, ...], title: str) -> str:
        nonlocal options
        if values in lists:
            return lists[values]
        if options is None:
            options = wb.create_sheet(OPTIONS_SHEET)
            options.sheet_state = "hidden"
        j = len(lists) + 1
        letter = get_column_letter(j)
        options.cell(row=1, column=j, value=title).font = Font(bold=True)
        for i, v in enumerate(values, start=2):
            options.cell(row=i, column=j, value=v)
        name = f"list_{j}"
        ref = f"{quote_sheetname(OPTIONS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
        lists[values] = name
        return name

    def validation(formula: str, open_choices: bool) -> Any:
        dv = DataValidation(type="list", formula1=formula, allow_blank=True)
        dv.showErrorMessage = True
        dv.errorStyle = "warning" if open_choices else "stop"
        dv.errorTitle = tr("Not in the list")
        dv.error = (tr("The value is not in the drop-down list; it may still be accepted.")
                    if open_choices else tr("Choose a value from the drop-down list."))
        return dv

    for spec in specs:
        if spec.key not in written:
            continue
        title, letters = written[spec.key]
        ws = wb[title]
        for c in spec.columns:
            if c.choices is None or c.key not in letters:
                continue
            if isinstance(c.choices, tuple):
                name = fixed(c.choices, c.header)
            else:
                sheet_key, col_key = c.choices.split(".", 1)
                if sheet_key not in written or col_key not in written[sheet_key][1]:
                    continue
                other, other_letters = written[sheet_key]
                col = other_letters[col_key]
                name = f"ref_{sheet_key}_{col_key}"
                if name not in wb.defined_names:
                    wb.defined_names[name] = DefinedName(
                        name, attr_text=f"{quote_sheetname(other)}!${col}$2:${col}${last}")
            dv = validation(f"={name}", c.open_choices)
            ws.add_data_validation(dv)
            dv.add(f"{letters[c.key]}2:{letters[c.key]}{last}")
        for i, r in enumerate(records.get(spec.key, ()), start=2):
            for key, values in (r.get("_choices") or {}).items():
                if key in letters:
                    dv = validation(f"={fixed(tuple(values), '/'.join(values))}", False)
                    ws.add_data_validation(dv)
                    dv.add(f"{letters[key]}{i}")


def _cell(value: Any) -> Any:
    import datetime as dt

    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(map(str, value))
    if isinstance(value, int | float | str | dt.date):
        return value
    return str(value)
