"""The demo against the papermill floor, two versions of the code in turns: on a shared machine the
load changes within minutes, so `run_bench.py`'s three floors then three demos can compare a quiet
floor with a busy demo. Here each round runs the floor, then the demo of each version (their order
alternating), each as `run_bench.py` times it (a fresh interpreter, kernel start included).

    .venv/bin/python bench/demo_ab.py BEFORE_ROOT AFTER_ROOT [ROUNDS]

BEFORE_ROOT / AFTER_ROOT: project folders (e.g. `git archive <commit> | tar -x -C DIR` and this
worktree); each version runs with PYTHONPATH=<root>/lib. Prints a JSON line per round and the medians.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
from pathlib import Path

import run_bench


def main(before: Path, after: Path, rounds: int) -> dict:
    roots = {"before": before, "after": after}
    rows = []
    for k in range(rounds):
        row = {"load_start": os.getloadavg()[0]}
        os.environ["PYTHONPATH"] = str(after / "lib")
        row["floor"] = run_bench.floor_timing(1)["median_s"]
        for who in (("before", "after") if k % 2 == 0 else ("after", "before")):
            os.environ["PYTHONPATH"] = str(roots[who] / "lib")
            demo = run_bench.demo_timing(1)
            if "error" in demo:
                raise SystemExit(f"{who}: {demo['error']}")
            row[who], row[f"{who}_cpu"] = demo["median_s"], demo["median_cpu_s"]
        row["load_end"] = os.getloadavg()[0]
        rows.append(row)
        print(json.dumps({key: round(v, 2) for key, v in row.items()}), flush=True)
    medians = {key: round(statistics.median(r[key] for r in rows), 2) for key in rows[0]}
    for who in roots:
        medians[f"{who}_x_floor"] = round(statistics.median(r[who] / r["floor"] for r in rows), 2)
    medians["after_x_before"] = round(statistics.median(r["after"] / r["before"] for r in rows), 3)
    print("medians " + json.dumps(medians))
    return medians


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve(), int(sys.argv[3]) if len(sys.argv) > 3 else 5)
