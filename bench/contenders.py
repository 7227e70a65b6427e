"""One benchmark contender, run in a fresh process so its peak memory is its own.

    .venv/bin/python bench/contenders.py {mirrorgap,duckdb,duckdb_fused,pandas} SPEC.json [--profile FILE]

SPEC.json is written by run_bench.py (params path, file paths, column names, reversed items). The
contender prints one JSON object on its last stdout line: stage timings (s), peak RSS (MB) after
imports and after each stage, and per item n / mean / variance on POMP (0–100) for both sides plus
the Welch gap and p-value, so run_bench.py can check that all contenders agree.

Every contender computes the gap table of the latest wave both sides share, as mirrorgap does.
"""
from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
from scipy.special import stdtr

AGREE = {"Instämmer inte alls": 1, "Instämmer inte": 2, "Varken eller": 3, "Instämmer": 4,
         "Instämmer helt": 5}


def cpu_s() -> tuple[float, float, int]:
    """User and system CPU seconds of this process (all its threads) and its minor page faults so far."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime, ru.ru_stime, ru.ru_minflt


def peak_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Clock:
    """Stage timings, CPU seconds (user, system), page faults and the peak RSS by the end of each stage."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self.cpu: dict[str, list[float]] = {}
        self.faults: dict[str, int] = {}
        self.peaks: dict[str, float] = {"imports": peak_mb()}
        self._t = self.created = time.perf_counter()
        self._cpu = cpu_s()

    def lap(self, stage: str) -> None:
        now, cpu = time.perf_counter(), cpu_s()
        self.stages[stage] = self.stages.get(stage, 0.0) + now - self._t
        user, system = self.cpu.get(stage, [0.0, 0.0])
        self.cpu[stage] = [user + cpu[0] - self._cpu[0], system + cpu[1] - self._cpu[1]]
        self.faults[stage] = self.faults.get(stage, 0) + cpu[2] - self._cpu[2]
        self.peaks[stage] = peak_mb()
        self._t, self._cpu = now, cpu


def welch(n1, m1, v1, n2, m2, v2) -> tuple[np.ndarray, np.ndarray]:
    """Welch gap (1 − 2) and two-sided p from per-item summaries (numpy arrays)."""
    a, b = v1 / n1, v2 / n2
    se = np.sqrt(a + b)
    df = (a + b) ** 2 / (a ** 2 / (n1 - 1) + b ** 2 / (n2 - 1))
    diff = m1 - m2
    return diff, 2 * stdtr(df, -np.abs(diff / se))


def pomp_summary(ids, n, mean_native, var_native) -> dict:
    """Per-item POMP summaries (1–5 scale) and the Welch gap employee − customer."""
    n = {s: np.asarray(n[s], dtype=float) for s in n}
    mean = {s: (np.asarray(mean_native[s], dtype=float) - 1) * 25.0 for s in n}
    var = {s: np.asarray(var_native[s], dtype=float) * 625.0 for s in n}
    gap, p = welch(n["employee"], mean["employee"], var["employee"], n["customer"], mean["customer"],
                   var["customer"])
    return {item: {"customer_n": int(n["customer"][k]), "customer_mean": float(mean["customer"][k]),
                   "customer_var": float(var["customer"][k]), "employee_n": int(n["employee"][k]),
                   "employee_mean": float(mean["employee"][k]), "employee_var": float(var["employee"][k]),
                   "gap": float(gap[k]), "p_value": float(p[k])} for k, item in enumerate(ids)}


def latest(c_waves, e_waves) -> str:
    shared = sorted({str(w) for w in c_waves} & {str(w) for w in e_waves}, key=lambda w: (len(w), w))
    return shared[-1]


# ---------------------------------------------------------------- mirrorgap

def run_mirrorgap(spec: dict) -> dict:
    """read_survey + clean_side per side (raw frames freed as in pipeline.load_side), then analyse."""
    from mirrorgap.analyse.pipeline import analyse
    from mirrorgap.config.params import load_engagement
    from mirrorgap.read.readers import read_survey
    from mirrorgap.read.recode import clean_side

    clock = Clock()
    engagement = load_engagement(spec["params"])
    clock.lap("params")
    clean = {}
    for side in ("customer", "employee"):
        raw = read_survey(engagement.side(side).input, side=side)
        clock.lap("read")
        clean[side] = clean_side(raw, engagement, side)
        del raw
        clock.lap("clean")
    results = analyse(engagement, clean["customer"], clean["employee"])
    clock.lap("gaps")
    g = results.gaps
    items = {row.item: {"customer_n": int(row.customer_n), "customer_mean": float(row.customer_mean),
                        "customer_var": float(row.customer_sd) ** 2, "employee_n": int(row.employee_n),
                        "employee_mean": float(row.employee_mean),
                        "employee_var": float(row.employee_sd) ** 2,
                        "gap": float(row.gap), "p_value": float(row.p_value)} for row in g.itertuples()}
    rows = {side: len(clean[side].frame) for side in clean}
    return {"clock": clock, "items": items, "wave": results.wave, "rows": rows,
            "notes": "read/clean summed over both sides; gaps = pipeline.analyse (wave, gap table, NPS)"}


# ---------------------------------------------------------------- DuckDB

def _case(col: str, reversed_: bool) -> str:
    whens = " ".join(f"WHEN '{label}' THEN {code}" for label, code in AGREE.items())
    expr = f'CASE "{col}" {whens} END'
    return f"6 - {expr}" if reversed_ else expr


def _range(col: str, reversed_: bool) -> str:
    expr = f'CASE WHEN "{col}" BETWEEN 1 AND 5 THEN "{col}" END'
    return f"6 - {expr}" if reversed_ else expr


def _duckdb_connect():
    import duckdb
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    return duckdb, con


def _read_sql(spec: dict, side: str) -> str:
    f = spec[side]
    if side == "customer":  # labels: every column as text, like mirrorgap's reader
        return (f"read_csv('{f['path']}', delim='{f['delimiter']}', header=true, encoding='latin-1', "
                "all_varchar=true)")
    return f"read_csv('{f['path']}', delim='{f['delimiter']}', header=true)"


def _clean_select(spec: dict, side: str) -> str:
    f = spec[side]
    make = _case if side == "customer" else _range
    cols = [f'CAST("{f["wave"]}" AS VARCHAR) AS wave']
    cols += [f"{make(col, rev)} AS {item}"
             for item, col, rev in zip(spec["items"], f["items"], spec["reversed"])]
    return ", ".join(cols)


def _not_all_null(spec: dict) -> str:
    return f"coalesce({', '.join(spec['items'])}) IS NOT NULL"


def _aggregates(spec: dict) -> str:
    return ", ".join(f"count({i}), avg({i}), var_samp({i})" for i in spec["items"])


def _split(row, k: int) -> tuple[list, list, list]:
    return list(row[0:3 * k:3]), list(row[1:3 * k:3]), list(row[2:3 * k:3])


def run_duckdb(spec: dict) -> dict:
    """Staged like mirrorgap: materialise the raw table, then the clean table, then aggregate."""
    duckdb, con = _duckdb_connect()
    clock = Clock()
    k = len(spec["items"])
    n, mean, var, waves, rows = {}, {}, {}, {}, {}
    for side in ("customer", "employee"):
        con.execute(f"CREATE TABLE raw_{side} AS SELECT * FROM {_read_sql(spec, side)}")
        clock.lap("read")
        con.execute(f"CREATE TABLE {side} AS SELECT * FROM (SELECT {_clean_select(spec, side)} "
                    f"FROM raw_{side}) WHERE {_not_all_null(spec)}")
        con.execute(f"DROP TABLE raw_{side}")
        rows[side] = con.execute(f"SELECT count(*) FROM {side}").fetchone()[0]
        clock.lap("clean")
    for side in ("customer", "employee"):
        waves[side] = [w for (w,) in con.execute(f"SELECT DISTINCT wave FROM {side}").fetchall()]
    wave = latest(waves["customer"], waves["employee"])
    for side in ("customer", "employee"):
        row = con.execute(f"SELECT {_aggregates(spec)} FROM {side} WHERE wave = ?", [wave]).fetchone()
        n[side], mean[side], var[side] = _split(row, k)
    items = pomp_summary(spec["items"], n, mean, var)
    clock.lap("gaps")
    return {"clock": clock, "items": items, "wave": wave, "rows": rows,
            "threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
            "notes": "CREATE TABLE from read_csv (customer all_varchar, encoding latin-1), CREATE TABLE of "
                     "CASE-mapped codes, one aggregate query per side; Welch in numpy"}


def run_duckdb_fused(spec: dict) -> dict:
    """The idiomatic DuckDB way: one streaming query per file (read, map, aggregate by wave), nothing kept."""
    duckdb, con = _duckdb_connect()
    clock = Clock()
    k = len(spec["items"])
    by_wave = {}
    for side in ("customer", "employee"):
        rows = con.execute(f"SELECT wave, {_aggregates(spec)} FROM (SELECT {_clean_select(spec, side)} "
                           f"FROM {_read_sql(spec, side)}) WHERE {_not_all_null(spec)} "
                           "GROUP BY wave").fetchall()
        by_wave[side] = {str(r[0]): r[1:] for r in rows}
    wave = latest(by_wave["customer"], by_wave["employee"])
    n, mean, var = {}, {}, {}
    for side in by_wave:
        n[side], mean[side], var[side] = _split(by_wave[side][wave], k)
    items = pomp_summary(spec["items"], n, mean, var)
    clock.lap("total")
    return {"clock": clock, "items": items, "wave": wave,
            "threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
            "notes": "one query per file straight over read_csv, aggregated by wave; no stage split"}


# ---------------------------------------------------------------- plain pandas

def run_pandas(spec: dict) -> dict:
    """pd.read_csv(engine='pyarrow') + Series.map of labels + column means/variances, no groupby."""
    import pandas as pd

    clock = Clock()
    clean, rows = {}, {}
    for side in ("customer", "employee"):
        f = spec[side]
        df = pd.read_csv(f["path"], sep=f["delimiter"], encoding=f["encoding"], engine="pyarrow")
        clock.lap("read")
        out = pd.DataFrame({"wave": df[f["wave"]].astype(str)})
        for item, col, rev in zip(spec["items"], f["items"], spec["reversed"]):
            if side == "customer":
                s = df[col].map(AGREE).astype(float)
            else:
                s = df[col].where(df[col].between(1, 5))
            out[item] = 6 - s if rev else s
        out = out[out[spec["items"]].notna().any(axis=1)]
        del df
        clean[side], rows[side] = out, len(out)
        clock.lap("clean")
    wave = latest(clean["customer"]["wave"].unique(), clean["employee"]["wave"].unique())
    n, mean, var = {}, {}, {}
    for side, df in clean.items():
        sub = df.loc[df["wave"] == wave, spec["items"]]
        n[side], mean[side], var[side] = sub.count().to_numpy(), sub.mean().to_numpy(), sub.var().to_numpy()
    items = pomp_summary(spec["items"], n, mean, var)
    clock.lap("gaps")
    return {"clock": clock, "items": items, "wave": wave, "rows": rows,
            "notes": "read_csv(engine='pyarrow', encoding=cp1252), Series.map(labels), DataFrame.mean/var"}


CONTENDERS = {"mirrorgap": run_mirrorgap, "duckdb": run_duckdb, "duckdb_fused": run_duckdb_fused,
              "pandas": run_pandas}


def main() -> None:
    name, spec_path = sys.argv[1], Path(sys.argv[2])
    profile = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--profile" else None
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    if profile and name == "mirrorgap":  # keep module imports out of the profile
        import mirrorgap.analyse.pipeline  # noqa: F401
        import mirrorgap.config.texts
        mirrorgap.config.texts.section("sv", "report")
    t0 = time.perf_counter()
    if profile:
        import cProfile
        import pstats
        prof = cProfile.Profile()
        out = prof.runcall(CONTENDERS[name], spec)
        with open(profile, "w") as fh:
            stats = pstats.Stats(prof, stream=fh).strip_dirs()
            fh.write(f"# cProfile of contender {name!r} (times inflated by profiling)\n")
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(25)
    else:
        out = CONTENDERS[name](spec)
    clock = out.pop("clock")
    # total: from the first stage on (imports excluded; they are `import_s`, about a second for any of them)
    result = {"contender": name, **out, "stages_s": clock.stages, "total_s": sum(clock.stages.values()),
              "cpu_s_by_stage": clock.cpu, "cpu_s": sum(u + s for u, s in clock.cpu.values()),
              "system_s": sum(s for _, s in clock.cpu.values()), "page_faults_by_stage": clock.faults,
              "import_s": clock.created - t0, "peak_mb_after": clock.peaks, "peak_mb": peak_mb()}
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
