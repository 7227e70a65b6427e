"""Benchmark of the suppression audit on the demo (not a test; nothing here is asserted).

    .venv/bin/python bench/bench_audit.py [--skip-pool] [--groups]

1. `build_aggregates` with the audit, both sides: the demo's two waves, then (unless --skip-pool) the
   two waves with their pool (`analysis.wave: all`) — wall and CPU seconds (the machine is shared:
   CPU seconds move less with the load), with the load average.
2. The employee side's audit per kind of measure (mirror items, NPS, side-only questions, scores,
   respondents): CPU seconds and solver calls.
3. Per score measure and wave, the employee one-way groups (units and segment groups) it hides
   (--groups: which ones), next to what a mirror item hides.
Each step starts from a cold cache (a fresh decision), so the times are those of one run.
"""
from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict

import numpy as np

from mirrorgap.aggregate.build import build_aggregates
from mirrorgap.analyse import disclosure
from mirrorgap.analyse.pipeline import load_side
from mirrorgap.analyse.scores import scored_side
from mirrorgap.config.params import load_engagement
from mirrorgap.config.paths import PARAMS_DIR


def _load() -> str:
    return "load average %.1f" % os.getloadavg()[0]


def _pooled(eng):
    return eng.model_copy(update={"analysis": eng.analysis.model_copy(update={"wave": "all"})})


def _fresh() -> None:
    disclosure._CACHE.clear()


def time_build(eng, customer, employee, label: str) -> None:
    _fresh()
    load, wall, cpu = _load(), time.perf_counter(), time.process_time()
    build_aggregates(eng, customer, employee)
    print(f"{label}: build_aggregates {time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU"
          f" ({load} before, {_load()} after)", flush=True)


def kind_of(clean, measure: str) -> str:
    if measure == disclosure.RESPONDENTS or measure == "nps":
        return measure
    if ":" in measure:
        return "score"
    return "item" if measure in {i.id for i in clean.items} else "question"


def per_kind(eng, employee, label: str) -> None:
    """CPU seconds and solver calls of the employee audit per kind of measure."""
    _fresh()
    scored = scored_side(employee, eng)
    cpu, solves = defaultdict(float), defaultdict(int)
    real = disclosure.protect_linked

    def timed(tables, hidden, **kw):
        if queued:  # a wave's audits run in the order of its measures, after all are counted
            current[0] = kind_of(scored, queued.pop(0))
        start = time.process_time()
        done = real(tables, hidden, **kw)
        cpu[current[0]] += time.process_time() - start
        solves[current[0]] += done.solves
        return done

    current, queued = [None], []
    real_scores, real_rows = disclosure._scores, disclosure._audit_rows

    def scores(part, measure, respondents):  # the pool's audits: each right after its measure is counted
        current[0] = kind_of(scored, measure)
        return real_scores(part, measure, respondents)

    def rows(lay, counted, *args):
        queued[:] = list(counted)
        return real_rows(lay, counted, *args)

    disclosure.protect_linked, disclosure._scores, disclosure._audit_rows = timed, scores, rows
    try:
        decision = disclosure.side_decision(scored, eng, pooled=eng.analysis.wave == "all")
    finally:
        disclosure.protect_linked, disclosure._scores, disclosure._audit_rows = real, real_scores, real_rows
    print(f"{label}: employee audit per kind (CPU s / solver calls): "
          + ", ".join(f"{k} {cpu[k]:.2f} / {solves[k]}" for k in cpu))
    return decision


def hidden_groups(decision, groups: bool) -> None:
    """One-way groups each score measure (and, for comparison, the mirror items) hides per wave."""
    for (wave, measure), hidden in decision.hidden.items():
        lay = decision.layouts[wave]
        one_way = [c for c in np.flatnonzero(lay.published) if lay.keys[c][2] is None and lay.keys[c][0] is not None]
        shown = [lay.keys[c][1] for c in one_way if hidden[c]]
        if ":" in measure or measure in ("extra_mile", "competence", "nps", disclosure.RESPONDENTS):
            print(f"  {wave or 'pool'} {measure:24s} {len(shown):2d} of {len(one_way)} one-way groups hidden, "
                  f"{len(decision.values[(wave, measure)]):2d} values" + (f": {', '.join(shown)}" if groups else ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--skip-pool", action="store_true")
    ap.add_argument("--groups", action="store_true", help="name the hidden groups")
    args = ap.parse_args()
    eng = load_engagement(PARAMS_DIR / "demo.yaml")
    customer, employee = (load_side(eng, side) for side in ("customer", "employee"))
    time_build(eng, customer, employee, "demo, 2 waves")
    hidden_groups(per_kind(eng, employee, "demo, 2 waves"), args.groups)
    if not args.skip_pool:
        time_build(_pooled(eng), customer, employee, "demo, 2 waves and their pool")
        per_kind(_pooled(eng), employee, "demo, 2 waves and their pool")


if __name__ == "__main__":
    main()
