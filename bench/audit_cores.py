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


def cpu() -> tuple[float, float]:
    """CPU seconds of this process and of its reaped children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def decide(clean, engagement, two: bool) -> tuple[float, float, float, dict]:
    """Wall, this process's CPU, the child's CPU (on an idle core the wall is about the larger of the
    two CPU figures), the masks."""
    disclosure._CACHE.clear()
    disclosure.second_core = lambda: two
    wall, (own, children) = time.perf_counter(), cpu()
    decision = disclosure.side_decision(clean, engagement, pooled=False)
    own_after, children_after = cpu()
    return time.perf_counter() - wall, own_after - own, children_after - children, decision.hidden


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
                wall, own, child, masks[two] = decide(clean, engagement, two)
                runs[(case, two)].append((wall, own + child, own, child))
                same = masks.keys() == {False} or (masks[True].keys() == masks[False].keys() and all(
                    (masks[True][k] == masks[False][k]).all() for k in masks[False]))
                print(json.dumps({"case": case, "processes": 2 if two else 1, "wall": round(wall, 3),
                                  "cpu": round(own + child, 3), "cpu_here": round(own, 3),
                                  "cpu_child": round(child, 3), "same_masks": same, "load": os.getloadavg()[0]}))
    for (case, two), values in runs.items():
        print(json.dumps({"case": case, "processes": 2 if two else 1,
                          **{f"median_{name}": round(statistics.median(v[k] for v in values), 3)
                             for k, name in enumerate(["wall", "cpu", "cpu_here", "cpu_child"])}}))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
