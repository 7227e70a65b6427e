"""Where the demo engagement's kernel spends its time, stage by stage, in one process without a profiler
(cProfile inflates Python-heavy code such as the audit and matplotlib): the notebook's steps, with the
suppression decisions (analyse/disclosure → stats/suppression, stats/audit) and the aggregate build
timed apart, so a report can say how much of the run is theirs. The charts and the deliverables use a
forked child where two cores are free to use (`mirrorgap/config/cores`): their stages are wall time.

    .venv/bin/python bench/demo_shares.py OUT_DIR   → one JSON line: seconds per stage
"""
from __future__ import annotations

import json
import sys
import time

T0 = time.perf_counter()
import matplotlib  # noqa: E402

matplotlib.use("Agg")
from mirrorgap.aggregate import build as aggregate_build  # noqa: E402
from mirrorgap.analyse import disclosure  # noqa: E402
from mirrorgap.analyse.insights import add_insights  # noqa: E402
from mirrorgap.analyse.pipeline import analyse  # noqa: E402
from mirrorgap.config.params import load_engagement  # noqa: E402
from mirrorgap.config.paths import params_path  # noqa: E402
from mirrorgap.deliver import outputs  # noqa: E402
from mirrorgap.deliver.figures import chart_pngs  # noqa: E402
from mirrorgap.deliver.narrative import summary_markdown  # noqa: E402
from mirrorgap.run.checked_sides import load_checked_sides  # noqa: E402

IMPORTS_S = time.perf_counter() - T0
SPENT = {"decisions": 0.0, "aggregates": 0.0}


def timed(name, func):
    """func, adding its wall time to SPENT[name] (outermost calls only: decisions may nest)."""
    depth = [0]

    def wrapper(*args, **kwargs):
        depth[0] += 1
        t = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                SPENT[name] += time.perf_counter() - t
    return wrapper


def main(out: str) -> dict:
    disclosure._decide = timed("decisions", disclosure._decide)
    outputs.build_aggregates = timed("aggregates", aggregate_build.build_aggregates)  # decisions inside: cached by then
    stages = {"imports": IMPORTS_S}
    t = time.perf_counter()
    engagement = load_engagement(params_path("demo"))
    sides = load_checked_sides(engagement)
    stages["read_clean_check"] = time.perf_counter() - t
    t = time.perf_counter()
    results = add_insights(analyse(engagement, sides["customer"], sides["employee"]))
    stages["analyse_insights"] = time.perf_counter() - t
    t = time.perf_counter()
    charts = chart_pngs(results)
    summary_markdown(results)
    stages["charts_summary"] = time.perf_counter() - t
    t = time.perf_counter()
    outputs.write_outputs(results, out, run_id="shares", charts=charts)
    stages["deliverables"] = time.perf_counter() - t
    stages["of_which_decisions"] = SPENT["decisions"]
    stages["of_which_aggregate_build"] = SPENT["aggregates"]
    return {k: round(v, 3) for k, v in stages.items()}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
