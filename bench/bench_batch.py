"""Benchmark of the deliverables and of `make batch` (not a test; nothing here is asserted).

    .venv/bin/python bench/bench_batch.py [--clients 20] [--repeat 3] [--skip-demo] [--skip-batch]

1. The demo engagement end to end with every deliverable: `run.run_engagement("demo")` (papermill
   notebook: analysis, charts, CSVs, report.html, aggregates, manifest) plus deck.pptx, gaps.xlsx
   (client workbook) and report.pdf — timed in this process on the same results when deliver.py does
   not write them yet. Median of --repeat. Goal: under 20 s on 2 cores.
2. A batch of --clients demo-sized clients (copies of params/demo.yaml on the demo data), forced,
   serial (--jobs 1) and parallel (--jobs 2), then once more with nothing changed (all skipped).
   Goal: parallel speed-up ≥ 1.7× on 2 cores.

Everything is written under a temporary output root, never into output/. Writes bench/out/batch.json.
The machine may be shared: read the ratio of the same run, not the seconds alone.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
GOAL_DEMO_S = 20.0
GOAL_SPEEDUP = 1.7


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def demo_end_to_end(repeat: int) -> dict:
    """Median seconds of the demo run plus deck, workbook and PDF."""
    from mirrorgap.analyse.insights import add_insights
    from mirrorgap.analyse.pipeline import analyse, load_side
    from mirrorgap.config.params import load_engagement
    from mirrorgap.config.paths import PARAMS_DIR
    from mirrorgap.deliver.deck.build import write_deck
    from mirrorgap.deliver.pdf import write_pdf
    from mirrorgap.deliver.workbook import write_workbook
    from mirrorgap.run.engagement import run_engagement

    rows = []
    for k in range(repeat):
        with tempfile.TemporaryDirectory(prefix="mirrorgap-bench-") as tmp:
            t0 = time.perf_counter()
            run_dir = run_engagement("demo", output_root=Path(tmp))
            run_s = time.perf_counter() - t0
            wired = {name: (run_dir / name).is_file() for name in ("deck.pptx", "report.pdf")}
            extra = {}
            if not all(wired.values()):  # deliver.py does not write them yet: time them here
                eng = load_engagement(PARAMS_DIR / "demo.yaml")
                results = add_insights(analyse(eng, load_side(eng, "customer"), load_side(eng, "employee")))
                t = time.perf_counter()
                write_deck(results, run_dir / "deck.pptx", run_id=run_dir.name)
                extra["deck_s"] = time.perf_counter() - t
                t = time.perf_counter()
                write_workbook(results, run_dir / "workbook.xlsx")
                extra["workbook_s"] = time.perf_counter() - t
                t = time.perf_counter()
                write_pdf(run_dir / "report.html", run_dir / "report.pdf")
                extra["pdf_s"] = time.perf_counter() - t
            total = run_s + sum(extra.values())
            rows.append({"run_s": run_s, **extra, "total_s": total, "wired_in_run": all(wired.values())})
            print(f"  demo {k + 1}/{repeat}: run {run_s:.1f} s"
                  + "".join(f", {name[:-2]} {v:.1f} s" for name, v in extra.items()) + f" → {total:.1f} s",
                  flush=True)
    keys = [k for k in rows[0] if k.endswith("_s")]
    median = {k: round(statistics.median(r[k] for r in rows), 2) for k in keys}
    return {"repeat": repeat, "median": median, "runs": rows, "goal_s": GOAL_DEMO_S,
            "meets_goal": median["total_s"] < GOAL_DEMO_S}


def batch_speedup(n_clients: int) -> dict:
    """Serial vs parallel batch of n demo-sized clients, then a rerun with nothing changed."""
    from mirrorgap.config.paths import PARAMS_DIR
    from mirrorgap.run.batch import run_batch

    out = {}
    with tempfile.TemporaryDirectory(prefix="mirrorgap-bench-batch-") as tmp:
        params = Path(tmp) / "params"
        params.mkdir()
        clients = [f"klient{k:02d}" for k in range(1, n_clients + 1)]
        for client in clients:
            shutil.copy(PARAMS_DIR / "demo.yaml", params / f"{client}.yaml")
        for jobs in (1, 2):
            t0 = time.perf_counter()
            results = run_batch(clients, params_dir=params, output_root=Path(tmp) / f"out{jobs}", jobs=jobs,
                                force=True, progress=False)
            seconds = time.perf_counter() - t0
            statuses = {s: sum(r.status == s for r in results) for s in ("ok", "failed", "skipped")}
            out[f"jobs{jobs}"] = {"seconds": round(seconds, 2), "per_client_s": round(seconds / n_clients, 2),
                                  "statuses": statuses, "load_after": _load_average()}
            print(f"  batch of {n_clients}, jobs={jobs}: {seconds:.1f} s ({statuses})", flush=True)
        t0 = time.perf_counter()
        results = run_batch(clients, params_dir=params, output_root=Path(tmp) / "out2", jobs=2, progress=False)
        out["rerun_unchanged"] = {"seconds": round(time.perf_counter() - t0, 2),
                                  "skipped": sum(r.status == "skipped" for r in results)}
        print(f"  rerun with nothing changed: {out['rerun_unchanged']['seconds']:.1f} s "
              f"({out['rerun_unchanged']['skipped']} skipped)", flush=True)
    speedup = out["jobs1"]["seconds"] / out["jobs2"]["seconds"]
    return {"clients": n_clients, **out, "speedup": round(speedup, 2), "goal_speedup": GOAL_SPEEDUP,
            "meets_goal": speedup >= GOAL_SPEEDUP}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--skip-batch", action="store_true")
    args = parser.parse_args(argv)
    report = {"when_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"), "cores": os.cpu_count(),
              "python": platform.python_version(), "load_before": _load_average()}
    if not args.skip_demo:
        print("demo end to end with every deliverable", flush=True)
        report["demo"] = demo_end_to_end(args.repeat)
    if not args.skip_batch:
        print(f"batch of {args.clients} demo-sized clients", flush=True)
        report["batch"] = batch_speedup(args.clients)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "batch.json").write_text(json.dumps(report, indent=2), encoding="utf-8")

    print()
    print(f"{'measure':<46} {'value':>10} {'goal':>10}")
    if "demo" in report:
        m = report["demo"]["median"]
        print(f"{'demo end to end, all deliverables (median)':<46} {m['total_s']:>8.1f} s {'< 20 s':>10}")
        for key in ("run_s", "deck_s", "workbook_s", "pdf_s"):
            if key in m:
                print(f"{'  ' + key[:-2]:<46} {m[key]:>8.1f} s")
    if "batch" in report:
        b = report["batch"]
        serial, parallel = f"batch of {b['clients']}, serial (jobs 1)", f"batch of {b['clients']}, parallel (jobs 2)"
        print(f"{serial:<46} {b['jobs1']['seconds']:>8.1f} s")
        print(f"{parallel:<46} {b['jobs2']['seconds']:>8.1f} s")
        print(f"{'speed-up':<46} {b['speedup']:>9.2f}x {'>= 1.7x':>10}")
        print(f"{'rerun with nothing changed (all skipped)':<46} {b['rerun_unchanged']['seconds']:>8.1f} s")
    print(f"\nwrote {(OUT / 'batch.json').relative_to(ROOT)} (cores {report['cores']}, load before "
          f"{report['load_before']})")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "lib"))
    sys.exit(main())
