"""CPU of each deliverable of the demo run, as `write_outputs` pays it: each piece's first call in a
process that has the run's results and imports but has not yet written anything (a forked copy, so no
piece warms another's caches). Two versions of the code in turns, on results made once per version.

    .venv/bin/python bench/deliverables_cpu.py BEFORE_ROOT AFTER_ROOT [ROUNDS]

BEFORE_ROOT / AFTER_ROOT: project folders (e.g. `git worktree add` of the old commit, and this one);
each version runs in its own interpreter with PYTHONPATH=<root>/lib. CPU seconds (process time), the
median of ROUNDS (default 5) per piece and version; the versions alternate within each round.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

PIECES = ("deck", "workbook", "tables", "build_aggregates", "aggregate_meta", "resolved_params")


def worker(rounds: int) -> None:
    """In one version's interpreter: the demo's results once, then per round and piece a forked child
    timing its first call; one JSON line per round."""
    import pickle
    import tempfile
    import time

    import matplotlib

    matplotlib.use("Agg")
    from mirrorgap.aggregate.build import aggregate_meta, build_aggregates, decision
    from mirrorgap.analyse.insights import add_insights
    from mirrorgap.analyse.pipeline import analyse
    from mirrorgap.config.params import load_engagement
    from mirrorgap.config.paths import params_path
    from mirrorgap.deliver import outputs
    from mirrorgap.deliver.deck.build import write_deck
    from mirrorgap.deliver.workbook import write_workbook
    from mirrorgap.run.checked_sides import load_checked_sides

    eng = load_engagement(params_path("demo"))
    sides = load_checked_sides(eng)
    results = add_insights(analyse(eng, sides["customer"], sides["employee"]))
    for clean in (results.customer, results.employee):
        decision(eng, clean)  # the run has decided them before its deliverables
    out = Path(tempfile.mkdtemp(prefix="deliverables-cpu-"))
    pieces = {
        "deck": lambda: write_deck(results, out / "deck.pptx", run_id="bench"),
        "workbook": lambda: write_workbook(results, out / "gaps.xlsx"),
        "tables": lambda: outputs._write_tables(results, out, "bench"),
        "build_aggregates": lambda: build_aggregates(eng, results.customer, results.employee),
        "aggregate_meta": lambda: aggregate_meta(eng, results.customer, results.employee, run_id="bench"),
        "resolved_params": lambda: outputs.write_resolved_params(results, out / outputs.RESOLVED_PARAMS),
    }
    print("ready", flush=True)
    for _ in range(rounds):
        sys.stdin.readline()  # the driver's turn signal
        row = {}
        for name in PIECES:
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read)
                start = time.process_time()
                pieces[name]()
                os.write(write, pickle.dumps(time.process_time() - start))
                os._exit(0)
            os.close(write)
            with os.fdopen(read, "rb") as fh:
                row[name] = pickle.loads(fh.read())
            os.waitpid(pid, 0)
        print(json.dumps(row), flush=True)


def main(before: Path, after: Path, rounds: int) -> dict:
    workers = {}
    for who, root in (("before", before), ("after", after)):
        env = {**os.environ, "PYTHONPATH": str(root / "lib")}
        workers[who] = subprocess.Popen([sys.executable, __file__, "--worker", str(rounds)], env=env, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        if workers[who].stdout.readline().strip() != "ready":
            raise SystemExit(f"{who}: the worker did not start")
    rows = {who: [] for who in workers}
    for k in range(rounds):
        for who in (("before", "after") if k % 2 == 0 else ("after", "before")):
            workers[who].stdin.write("go\n")
            workers[who].stdin.flush()
            rows[who].append(json.loads(workers[who].stdout.readline()))
        print(json.dumps({who: {p: round(r[-1][p], 3) for p in PIECES} for who, r in rows.items()}), flush=True)
    for w in workers.values():
        w.stdin.close()
        w.wait()
    return {who: {p: round(statistics.median(r[p] for r in rs), 3) for p in PIECES} for who, rs in rows.items()}


if __name__ == "__main__":
    if sys.argv[1] == "--worker":
        worker(int(sys.argv[2]))
    else:
        print(json.dumps({"median_cpu_s": main(Path(sys.argv[1]), Path(sys.argv[2]),
                                                int(sys.argv[3]) if len(sys.argv) > 3 else 5)}))
