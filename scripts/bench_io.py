"""Peak memory and time to validate a large CSV folder with each model's reader (issue #18).

Each model's ``tiny.xlsx`` is turned into a CSV folder whose main sheet is grown (rows
copied with fresh ids) until the folder holds about ``--mb`` megabytes (``50fit``: 50 MB in no
more rows than the limits accept, the names made longer; ``max``: as many rows as the CSV
limits accept, :data:`assignments.core.xlsx.MAX_ROWS` rows and
:data:`~assignments.core.xlsx.MAX_CELLS` cells); the model's reader then validates it in a
fresh process. The peak resident memory of that process is read by the parent with
``resource.getrusage(RUSAGE_CHILDREN)`` (one wrapper process per measurement, so that each
figure is one reader's own); the reader also reports the peak during the read alone
(resident memory sampled every 10 ms, over what the interpreter and imports held before).

Usage::

    PYTHONPATH=src python scripts/bench_io.py [--mb 10,50,50fit,max] [--models roster,...]

Prints one line per model and size: file size, rows, seconds, peak MB (process), read MB
(peak over the memory held before reading), outcome.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# the sheet grown per model and the column holding the record id (made unique per copy)
GROW = {
    "roster": ("instances/roster/tiny.xlsx", "人员", 0),
    "mentoring": ("instances/mentoring/tiny.xlsx", "教师", 0),
    "funding": ("instances/funding/tiny.xlsx", "到户申请", 0),
}
READERS = {
    "roster": "assignments.roster.data:read_roster",
    "mentoring": "assignments.mentoring.data:read_mentoring",
    "funding": "assignments.funding.data:read_funding",
}

CHILD = r"""
import json, resource, sys, threading, time, importlib
mod, fn = sys.argv[2].split(":")
reader = getattr(importlib.import_module(mod), fn)
from assignments.core.errors import InputError

def rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize()

base = rss()
peak = [base]
done = threading.Event()
def sample() -> None:
    while not done.wait(0.01):
        peak[0] = max(peak[0], rss())
threading.Thread(target=sample, daemon=True).start()
t = time.perf_counter()
try:
    reader(sys.argv[1])
    outcome = "valid"
except InputError as exc:
    outcome = f"InputError ({len(exc.issues)} issues: {str(exc.issues[0])[:80]})"
elapsed = time.perf_counter() - t
done.set()
peak[0] = max(peak[0], rss())
print(json.dumps({"outcome": outcome, "seconds": elapsed,
                  "read_mb": (peak[0] - base) / 2**20}))
"""

# runs CHILD as its only child: RUSAGE_CHILDREN's peak is then that reader's peak alone
WRAPPER = r"""
import resource, subprocess, sys
p = subprocess.run([sys.executable, "-c", sys.argv[1], *sys.argv[2:]], capture_output=True,
                   text=True)
sys.stderr.write(p.stderr)
sys.stdout.write(p.stdout)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
sys.exit(p.returncode)
"""


def make_folder(model: str, mb: float | None, dest: Path, *, fit: bool = False
                ) -> tuple[int, int]:
    """Write the model's tiny instance as a CSV folder with one sheet grown to ``mb`` MB
    (``None``: to the most rows the CSV limits accept). ``fit``: no more rows than the limits
    accept, each row's name (the second column) lengthened until the folder holds ``mb`` MB
    (a large file the reader accepts: long texts rather than more rows)."""
    import pandas as pd

    from assignments.core.xlsx import MAX_CELLS, MAX_ROWS

    src, grow, id_col = GROW[model]
    sheets = pd.read_excel(ROOT / src, sheet_name=None, dtype=object, engine="calamine")
    dest.mkdir(parents=True)
    for name, df in sheets.items():
        if name != grow:
            df.to_csv(dest / f"{name}.csv", index=False, encoding="utf-8-sig")
    df = sheets[grow]
    target = int(mb * 2**20) if mb is not None else 2**62
    most = min(MAX_ROWS - 1, MAX_CELLS // len(df.columns) - 1)  # data rows under the limits
    if fit and mb is not None:
        row_bytes = len(df.to_csv(index=False, header=False).encode()) / len(df)
        pad = max(0, int((target / most - row_bytes) / 3) + 2)  # 3 bytes a character
        name = df.columns[1]
        df = df.assign(**{name: [f"{v}{'名' * pad}" for v in df[name]]})
    rows = 0
    per_block = max(1, 2000 // len(df))  # copies written at a time
    with (dest / f"{grow}.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write(df.head(0).to_csv(index=False))
        copy = 0
        while fh.tell() < target:
            k = per_block
            if mb is None or fit:
                k = min(k, (most - rows) // len(df))
                if k <= 0:
                    break
            block = pd.concat([df] * k, ignore_index=True)
            if id_col is not None:
                col = block.columns[id_col]
                # the first copy keeps the ids other sheets refer to
                suffix = [("" if copy + c == 0 else f"_{copy + c}") for c in range(k)
                          for _ in range(len(df))]
                block[col] = [f"{v}{x}" for v, x in zip(block[col], suffix, strict=True)]
            fh.write(block.to_csv(index=False, header=False))
            rows += len(block)
            copy += k
    size = sum(f.stat().st_size for f in dest.iterdir())
    return size, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", default="10,50,50fit,max",
                    help="sizes in MB, comma-separated; 'max': the most rows the limits accept; "
                         "'50fit': 50 MB within the row limits (long names)")
    ap.add_argument("--models", default="roster,mentoring,funding")
    args = ap.parse_args()
    print(f"{'model':<10} {'MB':>6} {'rows':>9} {'seconds':>8} {'peak MB':>8} {'read MB':>8}"
          "  outcome", flush=True)
    for mb_text in args.mb.split(","):
        text = mb_text.strip()
        fit = text.endswith("fit")
        mb = None if text == "max" else float(text.removesuffix("fit"))
        for model in args.models.split(","):
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp) / model
                size, rows = make_folder(model, mb, folder, fit=fit)
                p = subprocess.run([sys.executable, "-c", WRAPPER, CHILD, str(folder),
                                    READERS[model]], capture_output=True, text=True, cwd=ROOT)
            lines = p.stdout.strip().splitlines()
            if p.returncode != 0 or len(lines) < 2:
                print(f"{model:<10} {size / 2**20:>6.1f} {rows:>9,} crashed: "
                      f"{p.stderr.strip().splitlines()[-1:]}", flush=True)
                continue
            r = json.loads(lines[-2])
            peak = float(lines[-1])
            print(f"{model:<10} {size / 2**20:>6.1f} {rows:>9,} {r['seconds']:>8.1f} "
                  f"{peak:>8.0f} {r['read_mb']:>8.0f}  {r['outcome']}", flush=True)


if __name__ == "__main__":
    main()
