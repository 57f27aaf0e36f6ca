"""Peak memory and time to validate a large CSV folder with each model's reader (issue #18).

Each model's ``tiny.xlsx`` is turned into a CSV folder whose largest sheet is grown (rows
copied with fresh ids) until the folder holds about ``--mb`` megabytes; the model's reader then
validates it in a fresh process, which reports its wall time, the peak resident memory
(``ru_maxrss``) and the peak during the read alone (resident memory sampled every 10 ms).

Usage::

    PYTHONPATH=src python scripts/bench_io.py [--mb 50] [--models roster,mentoring,funding]

Prints one line per model: file size, rows, outcome, seconds, peak MB (process), peak MB over
the memory held before reading (the interpreter and the imported packages).
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
    "mentoring": ("instances/mentoring/tiny.xlsx", "课表", None),
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
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "read_mb": (peak[0] - base) / 2**20}))
"""


def make_folder(model: str, mb: float, dest: Path) -> tuple[int, int]:
    """Write the model's tiny instance as a CSV folder with one sheet grown to ``mb`` MB."""
    import pandas as pd

    src, grow, id_col = GROW[model]
    sheets = pd.read_excel(ROOT / src, sheet_name=None, dtype=object, engine="calamine")
    dest.mkdir(parents=True)
    for name, df in sheets.items():
        if name != grow:
            df.to_csv(dest / f"{name}.csv", index=False, encoding="utf-8-sig")
    df = sheets[grow]
    target = int(mb * 2**20)
    rows = 0
    with (dest / f"{grow}.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write(df.head(0).to_csv(index=False))
        copy = 0
        while fh.tell() < target:
            block = df.copy()
            if id_col is not None:
                col = block.columns[id_col]
                if copy:  # the first copy keeps the ids other sheets refer to
                    block[col] = [f"{v}_{copy}" for v in block[col]]
            fh.write(block.to_csv(index=False, header=False))
            rows += len(block)
            copy += 1
    size = sum(f.stat().st_size for f in dest.iterdir())
    return size, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=50.0)
    ap.add_argument("--models", default="roster,mentoring,funding")
    args = ap.parse_args()
    print(f"{'model':<10} {'MB':>6} {'rows':>9} {'seconds':>8} {'peak MB':>8} {'read MB':>8}"
          "  outcome")
    with tempfile.TemporaryDirectory() as tmp:
        for model in args.models.split(","):
            folder = Path(tmp) / model
            size, rows = make_folder(model, args.mb, folder)
            p = subprocess.run([sys.executable, "-c", CHILD, str(folder), READERS[model]],
                               capture_output=True, text=True, cwd=ROOT)
            if p.returncode != 0:
                print(f"{model:<10} crashed: {p.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(p.stdout.strip().splitlines()[-1])
            print(f"{model:<10} {size / 2**20:>6.1f} {rows:>9,} {r['seconds']:>8.1f} "
                  f"{r['maxrss_mb']:>8.0f} {r['read_mb']:>8.0f}  {r['outcome']}")


if __name__ == "__main__":
    main()
