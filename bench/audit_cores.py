"""The demo's employee suppression decision on one process and on two (`analyse/disclosure`: the waves
spread over a forked child; one wave alone: its measures split), in turns, from an empty cache each time:
wall and CPU (this process and its reaped children), and whether the masks are the same.

    .venv/bin/python bench/audit_cores.py [ROUNDS]   → one JSON line per run, then the medians

The second process is forced on (as if `second_core()` said a core is idle): on a busy machine it gains
nothing, so read the figures with the load average printed beside them.
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time

from mirrorgap.analyse import disclosure
from mirrorgap.analyse.pipeline import in_wave, load_side
from mirrorgap.config.params import load_engagement
from mirrorgap.config.paths import params_path
from mirrorgap.stats.audit import load_solver


def cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def decide(clean, engagement, two: bool) -> tuple[float, float, dict]:
    disclosure._CACHE.clear()
    disclosure.second_core = lambda: two
    wall, used = time.perf_counter(), cpu()
    decision = disclosure.side_decision(clean, engagement, pooled=False)
    return time.perf_counter() - wall, cpu() - used, decision.hidden


def main(rounds: int) -> None:
    load_solver()
    engagement = load_engagement(params_path("demo"))
    employee = load_side(engagement, "employee")
    cases = {"both waves": employee, "wave 2026 alone": in_wave(employee, "2026")}
    runs = {(case, two): [] for case in cases for two in (False, True)}
    for _ in range(rounds):
        for case, clean in cases.items():
            masks = {}
            for two in (False, True):
                wall, used, masks[two] = decide(clean, engagement, two)
                runs[(case, two)].append((wall, used))
                same = masks.keys() == {False} or (masks[True].keys() == masks[False].keys() and all(
                    (masks[True][k] == masks[False][k]).all() for k in masks[False]))
                print(json.dumps({"case": case, "processes": 2 if two else 1, "wall": round(wall, 3),
                                  "cpu": round(used, 3), "same_masks": same, "load": os.getloadavg()[0]}))
    for (case, two), values in runs.items():
        print(json.dumps({"case": case, "processes": 2 if two else 1,
                          "median_wall": round(statistics.median(v[0] for v in values), 3),
                          "median_cpu": round(statistics.median(v[1] for v in values), 3)}))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
