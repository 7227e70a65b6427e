"""`make bench`: mirrorgap's read → clean → gap table on a big engagement against DuckDB and plain pandas,
plus the time of a full demo run (`make run CLIENT=demo`). Speed and memory are measured here, never
asserted in tests.

    .venv/bin/python bench/run_bench.py [--rows 1000000] [--employees 100000] [--repeat 3]
                                        [--contenders mirrorgap,duckdb,...] [--skip-demo] [--profile]
                                        [--skip-contenders] [--skip-big-run] [--big-run-reps 1]

Besides the contenders: the papermill floor and the demo run (issue 14, goal 3), the demo kernel's stages
with the suppression decisions timed apart (bench/demo_shares.py), and the 1,000,000-answer engagement end
to end (goal 2); every goal is printed met / not met.

Each contender runs in a fresh subprocess (bench/contenders.py), so its peak RSS is its own; the
contenders take turns `--repeat` times and the median time / highest peak are reported. The machine
is shared and noisy: read the ratios to the peers of the same run, not the seconds.
Writes bench/out/results.json and bench/out/results.md (a table for the README).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
sys.path.insert(0, str(BENCH))

import make_big  # noqa: E402  (a sibling script, not part of the package)

GOAL_RATIO = 1.2       # issue 14: mirrorgap total time within 1.2x DuckDB staged's
GOAL_PEAK_MB = 1024    # issue 14: mirrorgap peak RSS at most 1 GB
GOAL_DEMO_S = 20.0     # `make run CLIENT=demo` under 20 s
GOAL_DEMO_FLOOR = 2.0  # issue 14: the demo run within 2x the papermill floor
GOAL_BIG_RUN_S = 60.0  # issue 14: the 1,000,000-answer engagement end to end (every deliverable) within 60 s
ORDER = ("mirrorgap", "duckdb", "duckdb_fused", "pandas")
TITLES = {"mirrorgap": "mirrorgap (read_survey + clean_side + analyse)",
          "duckdb": "DuckDB, staged (table per stage)",
          "duckdb_fused": "DuckDB, one query per file",
          "pandas": "plain pandas (pyarrow read + map)"}
HEADER = ["contender", "read s", "clean s", "gaps s", "total s", "CPU s (sys)", "peak MB",
          "× DuckDB staged", "× DuckDB 1-query", "CPU × DuckDB staged"]
NOTE_DUCKDB = ("DuckDB reads the customer file with `encoding='latin-1'`: 2.0 has no cp1252 without the "
               "downloadable `encodings` extension, and rejects bytes 0x80–0x9F as Latin-1, so the data "
               "avoids them")


def machine() -> dict:
    import psutil
    versions = {}
    for pkg in ("pandas", "numpy", "pyarrow", "duckdb", "scipy"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "not installed"
    return {"nproc": os.cpu_count(), "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(), **versions,
            "load_avg_at_start": [round(x, 2) for x in os.getloadavg()]}


def write_spec(params: Path) -> Path:
    """The facts the peers need (files, columns, reversed items), taken from the validated params."""
    from mirrorgap.config.params import load_engagement
    eng = load_engagement(params)
    spec = {"params": str(params), "items": [i.id for i in eng.items],
            "reversed": [i.reversed for i in eng.items]}
    for side, delimiter, encoding in (("customer", ";", "cp1252"), ("employee", ",", "utf-8")):
        s = eng.side(side)
        spec[side] = {"path": str(Path(s.input.path)), "delimiter": delimiter, "encoding": encoding,
                      "wave": s.wave_column, "items": [getattr(i, f"{side}_column") for i in eng.items]}
    path = OUT / "spec.json"
    path.write_text(json.dumps(spec, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def warm_cache(*paths: str) -> None:
    """Read the files once so that no contender pays the first read from disk."""
    for p in paths:
        with open(p, "rb") as fh:
            while fh.read(1 << 24):
                pass


def run_contender(name: str, spec: Path, profile: Path | None = None) -> dict:
    cmd = [sys.executable, str(BENCH / "contenders.py"), name, str(spec)]
    if profile:
        cmd += ["--profile", str(profile)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=3600)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        return {"contender": name, "error": (proc.stderr or proc.stdout).strip().splitlines()[-1:],
                "stderr_tail": proc.stderr[-3000:]}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_s"] = wall  # including interpreter start and imports
    return result


def median_of(runs: list[dict]) -> dict:
    """The run with the median total (its stages), with the highest peak of all runs."""
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return runs[-1]
    mid = sorted(ok, key=lambda r: r["total_s"])[(len(ok) - 1) // 2]
    return {**mid, "peak_mb": max(r["peak_mb"] for r in ok), "totals_s": [r["total_s"] for r in ok]}


DEMO_CODE = """
import json, sys, time
t = time.perf_counter()
from mirrorgap.run.engagement import run_engagement
d = run_engagement('demo', output_root=sys.argv[1])
m = json.load(open(d / 'manifest.json'))
print(json.dumps({'inner_s': time.perf_counter() - t, 'timings': m.get('timings', {}), 'run_dir': str(d)}))
"""


def demo_timing(reps: int) -> dict:
    """`make run CLIENT=demo` equivalent: a fresh interpreter calling run_engagement (checks, papermill,
    kernel start), `reps` times, into bench/out/demo_runs/; median wall time."""
    root = OUT / "demo_runs"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    runs = []
    for _ in range(reps):
        out = tempfile.mkdtemp(dir=root)
        t0, c0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run([sys.executable, "-c", DEMO_CODE, out], capture_output=True, text=True,
                              cwd=ROOT, timeout=600)
        wall, c1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU of the interpreter and the kernel it started (reaped children count into RUSAGE_CHILDREN)
        cpu = c1.ru_utime - c0.ru_utime + c1.ru_stime - c0.ru_stime
        if proc.returncode != 0:
            return {"error": [x.strip() for x in proc.stderr.strip().splitlines()[-3:]] or ["failed"],
                    "stderr_tail": proc.stderr[-3000:]}
        runs.append({"wall_s": wall, "cpu_s": cpu, **json.loads(proc.stdout.strip().splitlines()[-1])})
        if len(runs) < reps:
            shutil.rmtree(out, ignore_errors=True)  # keep the last run (and failed ones) to look at
    walls = [r["wall_s"] for r in runs]
    return {"reps": reps, "wall_s": walls, "median_s": statistics.median(walls),
            "cpu_s": [r["cpu_s"] for r in runs], "median_cpu_s": statistics.median(r["cpu_s"] for r in runs),
            "runs": runs}


FLOOR_CODE = """
import json, sys, time
t = time.perf_counter()
import papermill as pm
pm.execute_notebook(sys.argv[1], sys.argv[2], parameters={'client': 'demo', 'params_file': '', 'run_id': 'floor',
                    'output_dir': ''}, cwd=sys.argv[3], kernel_name='python3', progress_bar=False)
print(json.dumps({'inner_s': time.perf_counter() - t}))
"""


def floor_notebook(path: Path) -> Path:
    """The papermill floor: a notebook with the engagement notebook's parameters cell and its import
    cell (the same stack: matplotlib, pandas, mirrorgap's modules), and nothing else."""
    import nbformat

    from mirrorgap.run.warm_kernel import notebook_imports  # what the run's kernel imports while it checks
    source = nbformat.read(ROOT / "notebooks" / "engagement.ipynb", as_version=4)
    params = next(c for c in source.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", []))
    imports = notebook_imports(ROOT / "notebooks" / "engagement.ipynb")
    nb = nbformat.v4.new_notebook()
    nb.metadata = source.metadata
    nb.cells = [nbformat.v4.new_code_cell(params.source, metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(imports)]
    nbformat.write(nb, path)
    return path


def floor_timing(reps: int) -> dict:
    """The papermill floor as `demo_timing` measures the demo: a fresh interpreter that imports
    papermill and executes `floor_notebook` (kernel start, the stack's imports), median wall time."""
    root = OUT / "floor_runs"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    nb = floor_notebook(root / "floor.ipynb")
    walls = []
    for k in range(reps):
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", FLOOR_CODE, str(nb), str(root / f"out{k}.ipynb"), str(ROOT)],
                              capture_output=True, text=True, cwd=ROOT, timeout=600)
        if proc.returncode != 0:
            return {"error": [x.strip() for x in proc.stderr.strip().splitlines()[-3:]] or ["failed"]}
        walls.append(time.perf_counter() - t0)
    return {"reps": reps, "wall_s": walls, "median_s": statistics.median(walls),
            "imports": (root / "floor.ipynb").read_text(encoding="utf-8").count("import ")}


BIG_RUN_CODE = """
import json, sys, time
from pathlib import Path
from mirrorgap.run.engagement import run_engagement
d = run_engagement('big', params_dir=Path(sys.argv[1]), output_root=Path(sys.argv[2]))
print(json.dumps({'timings': json.load(open(d / 'manifest.json')).get('timings', {}), 'run_dir': str(d)}))
"""


def big_run_timing(params: Path, reps: int) -> dict:
    """The 1,000,000-answer engagement end to end (`run_engagement` on bench/out/big.yaml: check, read,
    clean, every insight and deliverable, kernel start included) in a fresh interpreter, `reps` times;
    wall time from before the interpreter starts, CPU and peak RSS of the interpreter and its kernel."""
    root = OUT / "big_runs"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    runs = []
    for k in range(reps):
        load = os.getloadavg()[0]
        t0, c0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run([sys.executable, "-c", BIG_RUN_CODE, str(params.parent), str(root / f"run{k}")],
                              capture_output=True, text=True, cwd=ROOT, timeout=3600)
        wall, c1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            return {"error": [x.strip() for x in proc.stderr.strip().splitlines()[-3:]] or ["failed"],
                    "stderr_tail": proc.stderr[-3000:]}
        runs.append({"wall_s": wall, "cpu_s": c1.ru_utime - c0.ru_utime + c1.ru_stime - c0.ru_stime,
                     "peak_mb_any_child": c1.ru_maxrss / 1024, "load_at_start": round(load, 2),
                     **json.loads(proc.stdout.strip().splitlines()[-1])})
        shutil.rmtree(root / f"run{k}", ignore_errors=True)  # 1M answers' deliverables: not kept
    walls = [r["wall_s"] for r in runs]
    return {"reps": reps, "wall_s": walls, "median_s": statistics.median(walls),
            "median_cpu_s": statistics.median(r["cpu_s"] for r in runs), "runs": runs}


def demo_shares() -> dict:
    """bench/demo_shares.py in a fresh interpreter: the demo kernel's stages, with the suppression
    decisions and the aggregate build timed apart."""
    out = OUT / "demo_shares"
    shutil.rmtree(out, ignore_errors=True)
    proc = subprocess.run([sys.executable, str(BENCH / "demo_shares.py"), str(out)], capture_output=True,
                          text=True, cwd=ROOT, timeout=1200)
    if proc.returncode != 0:
        return {"error": [x.strip() for x in proc.stderr.strip().splitlines()[-3:]] or ["failed"]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def correctness(results: dict[str, dict], reference: str = "duckdb") -> dict:
    """Max absolute differences per field between each contender and the reference, over all items."""
    ref = results.get(reference, {}).get("items")
    out = {}
    if not ref:
        return out
    for name, r in results.items():
        if name == reference or "items" not in r:
            continue
        diffs = {field: max(abs(r["items"][i][field] - ref[i][field]) for i in ref)
                 for field in ("customer_mean", "employee_mean", "gap", "customer_var", "employee_var",
                               "p_value")}
        diffs["n_mismatches"] = sum(r["items"][i][f"{s}_n"] != ref[i][f"{s}_n"]
                                    for i in ref for s in ("customer", "employee"))
        diffs["same_wave"] = r.get("wave") == results[reference].get("wave")
        out[name] = diffs
    return out


def paired_ratios(runs: dict[str, list[dict]], peer: str, key: str = "total_s") -> dict[str, float]:
    """Per contender, the median over rounds of (its total / the peer's total in the same round): on a
    noisy shared machine, contenders run back to back see similar load, so the pair is fairer."""
    out = {}
    for name, rs in runs.items():
        pairs = [a[key] / b[key] for a, b in zip(rs, runs.get(peer, []))
                 if "error" not in a and "error" not in b]
        if pairs:
            out[name] = statistics.median(pairs)
    return out


def fmt(x, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def table_rows(results: dict[str, dict], ratios: dict[str, dict[str, float]]) -> list[list[str]]:
    rows = []
    for name in ORDER:
        r = results.get(name)
        if r is None:
            continue
        if "error" in r:
            rows.append([TITLES[name], "error: " + " ".join(r["error"])] + [""] * (len(HEADER) - 2))
            continue
        st, total = r["stages_s"], r["total_s"]
        rows.append([TITLES[name], fmt(st.get("read")), fmt(st.get("clean")), fmt(st.get("gaps")),
                     fmt(total), f"{r['cpu_s']:.1f} ({r['system_s']:.1f})", f"{r['peak_mb']:.0f}",
                     fmt(ratios["duckdb"].get(name)), fmt(ratios["duckdb_fused"].get(name)),
                     fmt(ratios["duckdb_cpu"].get(name))])
    return rows


def goals(results: dict, ratios: dict[str, dict[str, float]], demo: dict | None,
          floor: dict | None = None, big: dict | None = None, shares: dict | None = None) -> list[dict]:
    mg = results.get("mirrorgap", {})
    out = []

    def add(goal: str, measured: str, met: bool) -> None:
        out.append({"goal": goal, "measured": measured, "status": "met" if met else "not met"})

    for peer, what in (("duckdb", "DuckDB (staged)"), ("duckdb_fused", "DuckDB one-query (stricter)")):
        r = ratios[peer].get("mirrorgap")
        if r is not None:
            add(f"total time within {GOAL_RATIO:g}× {what}", f"{r:.2f}× (median of paired runs)",
                r <= GOAL_RATIO)
    r = ratios["duckdb_cpu"].get("mirrorgap")
    if r is not None:
        add(f"(for reference) CPU time within {GOAL_RATIO:g}× DuckDB (staged), less sensitive to load",
            f"{r:.2f}×", r <= GOAL_RATIO)
    if "peak_mb" in mg:
        add(f"mirrorgap peak memory under {GOAL_PEAK_MB / 1024:g} GB", f"{mg['peak_mb']:.0f} MB",
            mg["peak_mb"] <= GOAL_PEAK_MB)
    if demo and "median_s" in demo:
        add(f"demo engagement (make run CLIENT=demo) under {GOAL_DEMO_S:g} s",
            f"{demo['median_s']:.1f} s (median of {demo['reps']}; CPU {demo['median_cpu_s']:.1f} s)",
            demo["median_s"] < GOAL_DEMO_S)
    elif demo:
        add(f"demo engagement under {GOAL_DEMO_S:g} s", "failed: " + " ".join(demo["error"]),
            False)
    if demo and "median_s" in demo and floor and "median_s" in floor:
        r = demo["median_s"] / floor["median_s"]
        add(f"demo engagement within {GOAL_DEMO_FLOOR:g}× the papermill floor (empty parameterised notebook "
            "importing the same stack)", f"{r:.2f}× ({demo['median_s']:.1f} s vs {floor['median_s']:.1f} s, "
            f"medians of {demo['reps']} / {floor['reps']})", r <= GOAL_DEMO_FLOOR)
    elif floor and "error" in floor:
        add(f"demo within {GOAL_DEMO_FLOOR:g}× the papermill floor", "floor failed: " + " ".join(floor["error"]),
            False)
    if demo and "median_s" in demo and floor and "median_s" in floor and shares and "error" not in shares:
        # not a goal of its own: how much of the demo's distance to the floor the suppression decisions
        # (analyse/disclosure → stats/suppression, stats/audit) and the aggregate build take
        theirs = shares["of_which_decisions"] + shares["of_which_aggregate_build"]
        r = (demo["median_s"] - theirs) / floor["median_s"]
        out.append({"goal": "(for reference) demo vs floor without the suppression decisions and the aggregate "
                            "build", "measured": f"{r:.2f}× (decisions {shares['of_which_decisions']:.1f} s + "
                            f"aggregate build {shares['of_which_aggregate_build']:.1f} s, one in-process run)",
                    "status": "met" if r <= GOAL_DEMO_FLOOR else "not met"})
    if big and "median_s" in big:
        add(f"1,000,000-answer engagement end to end (every deliverable, interpreter and kernel start included) "
            f"within {GOAL_BIG_RUN_S:g} s", f"{big['median_s']:.1f} s wall (median of {big['reps']}; CPU "
            f"{big['median_cpu_s']:.1f} s; load at start {', '.join(str(r['load_at_start']) for r in big['runs'])})",
            big["median_s"] <= GOAL_BIG_RUN_S)
    elif big:
        add(f"1,000,000-answer engagement end to end within {GOAL_BIG_RUN_S:g} s", "failed: " + " ".join(big["error"]),
            False)
    out.append({"goal": "dashboard redraws p50 < 100 ms (issue 14, goal 4)", "measured": "bench/bench_dashboard.py "
                "--skip-pages prints it", "status": "see there"})
    return out


def stage_peaks(mg: dict) -> str:
    return ("mirrorgap peak RSS by the end of each stage (MB): "
            + ", ".join(f"{k} {v:.0f}" for k, v in mg["peak_mb_after"].items()))


def markdown(report: dict) -> str:
    m, d = report["machine"], report["data"]
    lines = [
        f"Benchmark ({report['started_utc'][:10]}): customers {d['customer_rows']:,} rows × {d['items']} "
        f"items ({d['customer_bytes'] / 1e6:.0f} MB, `;`, Windows-1252, Swedish labels), employees "
        f"{d['employee_rows']:,} rows ({d['employee_bytes'] / 1e6:.0f} MB, `,`, UTF-8, codes); gap table of "
        f"the latest wave, all items. Machine: {m['nproc']} cores, {m['ram_gb']} GB RAM, "
        f"Python {m['python']}, pandas {m['pandas']}, duckdb {m['duckdb']}, pyarrow {m['pyarrow']}. "
        f"Each contender in a fresh "
        f"process, median of {report['repeat']} run(s), times without imports; shared, noisy machine — "
        f"read the ratios (× columns: median over rounds of the paired ratio of wall times; CPU = user + "
        f"system seconds of all threads). {NOTE_DUCKDB}.", "",
        "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r) + " |" for r in table_rows(report["results"], report["ratios"])]
    lines += ["", "| goal | measured | status |", "|---|---|---|"]
    lines += [f"| {g['goal']} | {g['measured']} | {g['status']} |" for g in report["goals"]]
    mg = report["results"].get("mirrorgap", {})
    if "peak_mb_after" in mg:
        lines += ["", stage_peaks(mg) + "."]
    if report["correctness"]:
        lines += ["", "Agreement with DuckDB (max |difference| over all items, POMP): " + "; ".join(
            f"{k}: means {max(v['customer_mean'], v['employee_mean']):.1e}, gap {v['gap']:.1e}, "
            f"n mismatches {v['n_mismatches']}" for k, v in report["correctness"].items()) + "."]
    return "\n".join(lines) + "\n"


def print_table(rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    for r in [HEADER, ["-" * w for w in widths], *rows]:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))


def main() -> None:
    ap = argparse.ArgumentParser(description="mirrorgap benchmark against DuckDB and plain pandas")
    ap.add_argument("--rows", type=int, default=1_000_000, help="customer rows (default 1,000,000)")
    ap.add_argument("--employees", type=int, default=100_000, help="employee rows (default 100,000)")
    ap.add_argument("--seed", type=int, default=make_big.SEED)
    ap.add_argument("--repeat", type=int, default=3, help="runs per contender, taking turns (median)")
    ap.add_argument("--contenders", default=",".join(ORDER), help="comma-separated subset of the default")
    ap.add_argument("--demo-reps", type=int, default=3)
    ap.add_argument("--skip-demo", action="store_true")
    ap.add_argument("--skip-big-run", action="store_true",
                    help="leave out the 1,000,000-answer engagement end to end (run_engagement, every deliverable)")
    ap.add_argument("--big-run-reps", type=int, default=1)
    ap.add_argument("--skip-contenders", action="store_true",
                    help="no read/clean/gap-table contenders (only the demo, the floor and the big run)")
    ap.add_argument("--profile", action="store_true",
                    help="also run mirrorgap once under cProfile (bench/out/profile_mirrorgap.txt)")
    args = ap.parse_args()
    names = [] if args.skip_contenders else [n for n in args.contenders.split(",") if n]
    OUT.mkdir(parents=True, exist_ok=True)
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    facts = machine()
    print(f"machine: {facts['nproc']} cores, {facts['ram_gb']} GB RAM, Python {facts['python']}, "
          f"pandas {facts['pandas']}, duckdb {facts['duckdb']}, pyarrow {facts['pyarrow']}; "
          f"load {facts['load_avg_at_start']}", flush=True)

    stamp = make_big.ensure(args.rows, args.employees, args.seed)
    print(f"data: {stamp['customer_rows']:,} customer rows ({stamp['customer_bytes'] / 1e6:.0f} MB), "
          f"{stamp['employee_rows']:,} employee rows ({stamp['employee_bytes'] / 1e6:.0f} MB)"
          + ("" if stamp["regenerated"] else " — reused (same seed and size)"), flush=True)
    spec_path = write_spec(Path(stamp["params"]))
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    warm_cache(spec["customer"]["path"], spec["employee"]["path"])

    runs: dict[str, list[dict]] = {n: [] for n in names}
    for rep in range(args.repeat):
        for name in names:
            r = run_contender(name, spec_path)
            runs[name].append(r)
            shown = (f"error: {r['error']}" if "error" in r
                     else f"{r['total_s']:.1f} s, peak {r['peak_mb']:.0f} MB")
            print(f"  run {rep + 1}/{args.repeat} {name:13s} {shown}", flush=True)
    results = {n: median_of(rs) for n, rs in runs.items()}
    ratios = {peer: paired_ratios(runs, peer) for peer in ("duckdb", "duckdb_fused")}
    ratios["duckdb_cpu"] = paired_ratios(runs, "duckdb", "cpu_s")

    profile = None
    if args.profile and "mirrorgap" in names:
        profile = OUT / "profile_mirrorgap.txt"
        run_contender("mirrorgap", spec_path, profile)
        print(f"  profile written to {profile}", flush=True)

    demo = floor = shares = None
    if not args.skip_demo:
        floor = floor_timing(args.demo_reps)
        if "median_s" in floor:
            print(f"  papermill floor: {floor['median_s']:.1f} s median of "
                  + ", ".join(f"{w:.1f}" for w in floor["wall_s"]) + " s wall", flush=True)
        demo = demo_timing(args.demo_reps)
        if "median_s" in demo:
            print(f"  demo run: {demo['median_s']:.1f} s median of "
                  + ", ".join(f"{w:.1f}" for w in demo["wall_s"]) + " s wall; CPU "
                  + ", ".join(f"{c:.1f}" for c in demo["cpu_s"]) + " s; notebook "
                  + ", ".join(f"{r['timings'].get('notebook_s', 0):.1f}" for r in demo["runs"]) + " s",
                  flush=True)
        else:
            print(f"  demo run: error: {demo['error']}", flush=True)
        shares = demo_shares()
        print("  demo kernel stages (s, one in-process run): " + ", ".join(f"{k} {v}" for k, v in shares.items()),
              flush=True)
    big = None
    if not args.skip_big_run:
        big = big_run_timing(Path(stamp["params"]), args.big_run_reps)
        if "median_s" in big:
            print(f"  1M engagement end to end: {big['median_s']:.1f} s median of "
                  + ", ".join(f"{w:.1f}" for w in big["wall_s"]) + " s wall; run_engagement's timings "
                  + "; ".join(str(r["timings"]) for r in big["runs"]), flush=True)
        else:
            print(f"  1M engagement end to end: error: {big['error']}", flush=True)

    data_keys = ("seed", "customer_rows", "employee_rows", "items", "customer_bytes", "employee_bytes")
    report = {"started_utc": started, "machine": facts, "repeat": args.repeat,
              "data": {k: stamp[k] for k in data_keys}, "results": results,
              "ratios": ratios, "correctness": correctness(results), "demo": demo, "floor": floor,
              "demo_shares": shares, "big_run": big,
              "profile": str(profile) if profile else None, "notes": [NOTE_DUCKDB]}
    report["goals"] = goals(results, ratios, demo, floor, big, shares)
    report["machine"]["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    (OUT / "results.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    (OUT / "results.md").write_text(markdown(report), encoding="utf-8")

    print()
    print_table(table_rows(results, ratios))
    print()
    for g in report["goals"]:
        print(f"  {g['status']:8s} {g['goal']}: {g['measured']}")
    if "peak_mb_after" in results.get("mirrorgap", {}):
        print("  " + stage_peaks(results["mirrorgap"]))
    for name, c in report["correctness"].items():
        print(f"  check {name} vs duckdb: max |Δ mean| {max(c['customer_mean'], c['employee_mean']):.2e}, "
              f"|Δ gap| {c['gap']:.2e}, |Δ var| {max(c['customer_var'], c['employee_var']):.2e}, "
              f"|Δ p| {c['p_value']:.2e}, n mismatches {c['n_mismatches']}, same wave {c['same_wave']}")
    for name, r in results.items():
        if "error" in r:
            print(f"\n{name} failed:\n{r.get('stderr_tail', '')}")
    if demo and "error" in demo:
        print(f"\ndemo run failed:\n{demo.get('stderr_tail', '')}")
    if big and "error" in big:
        print(f"\n1M engagement failed:\n{big.get('stderr_tail', '')}")
    print(f"\nwrote {OUT / 'results.json'} and {OUT / 'results.md'}")


if __name__ == "__main__":
    main()
