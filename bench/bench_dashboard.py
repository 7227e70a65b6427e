"""Dashboard speed and memory (a benchmark, not a test; never part of `make test`).

    .venv/bin/python bench/bench_dashboard.py [--changes 50] [--pages 5] [--skip-pages] [--rebuild]

1. Recomputing a view from the anonymised aggregates after a filter change, on the big engagement
   (1,000,000 customer answers × 30 items, 100,000 employees; bench/make_big.py): the aggregates are
   built once with `build_aggregates` from the big clean sides and cached in bench/out/dashboard/.
   p50/p95/max over ~50 random filter changes, per view; goal p95 < 50 ms.
2. Time to a rendered dashboard in headless Chromium (the real `mirrorgap.dashboard.serve serve`, widgets
   drawn, not just the HTTP answer): from a preheated kernel (goal < 2 s) and from a cold start
   (no pool: the kernel starts and the notebook runs while the viewer waits).
3. Memory per dashboard kernel: RSS of each kernel process after its page rendered and after filter
   changes (goal < 250 MB), with USS (its own pages) and PSS (shared libraries split between the
   kernels), since RSS counts numpy/scipy/arrow libraries once per kernel although they are shared.

Prints a table and writes bench/out/dashboard.json. The machine is shared and noisy.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
CACHE = OUT / "dashboard"  # big/<run>/aggregates (cached), demo runs for the page timings
sys.path.insert(0, str(BENCH))

import make_big  # noqa: E402  (a sibling script, not part of the package)

GOAL_VIEW_MS, GOAL_PREHEATED_S, GOAL_KERNEL_MB = 50.0, 2.0, 250.0
GOAL_REDRAW_MS = 100.0  # issue 14: p50 of the mirror panel's and the item drill-down's whole redraw
REDRAW_GOALS = ("mirror panel redraw incl. HTML chart", "item drill-down redraw incl. HTML chart")
FILL_DELAY = json.loads((ROOT / "templates/voila/voila.json").read_text())["VoilaKernelManager"]["fill_delay"]
BIG_RUN = "20260401-000000"


def percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summary(ms: list[float]) -> dict:
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 2), "p95_ms": round(percentile(ms, 0.95), 2),
            "max_ms": round(max(ms), 2)}


# ---------------------------------------------------------------------------------------------------
# 1. the big aggregates and the views on them

def big_aggregates(rebuild: bool = False) -> tuple[Path, dict]:
    """bench/out/dashboard/big/<run>/aggregates for the big engagement, built once (keyed by the data's stamp)."""
    from mirrorgap import __version__
    from mirrorgap.aggregate.build import aggregate_meta, build_aggregates
    from mirrorgap.aggregate.store import write_aggregates
    from mirrorgap.analyse.pipeline import load_side
    from mirrorgap.config.params import load_engagement

    stamp = make_big.ensure(quiet=True)
    key = {k: stamp[k] for k in ("generator", "seed", "customer_rows", "employee_rows", "items")}
    key["mirrorgap"] = __version__
    run_dir = CACHE / "big" / BIG_RUN
    folder, stamp_file = run_dir / "aggregates", run_dir / "stamp.json"
    if not rebuild and stamp_file.exists() and json.loads(stamp_file.read_text()).get("key") == key:
        return folder, json.loads(stamp_file.read_text())
    print("building the big aggregates (once; cached in bench/out/dashboard/) …", flush=True)
    engagement = load_engagement(make_big.PARAMS)
    t0 = time.perf_counter()
    customer, employee = load_side(engagement, "customer"), load_side(engagement, "employee")
    t1 = time.perf_counter()
    counts = build_aggregates(engagement, customer, employee)
    t2 = time.perf_counter()
    write_aggregates(counts, aggregate_meta(engagement, customer, employee, run_id=BIG_RUN), run_dir)
    info = {"key": key, "load_sides_s": round(t1 - t0, 2), "build_aggregates_s": round(t2 - t1, 2),
            "customer_rows": len(customer.frame), "employee_rows": len(employee.frame), "count_rows": len(counts),
            "parquet_bytes": (folder / "counts.parquet").stat().st_size}
    stamp_file.write_text(json.dumps(info, indent=2))
    latest = CACHE / "big" / "latest"
    latest.unlink(missing_ok=True)
    latest.symlink_to(BIG_RUN, target_is_directory=True)
    return folder, info


def random_filters(views, rng: random.Random, n: int):
    """n filter changes a viewer could make: a wave, sometimes a unit, a customer or employee group,
    a touchpoint or a theme."""
    from mirrorgap.aggregate.views import Filters

    meta = views.meta
    units = meta["groups"]["customer"].get("unit", [])
    segs = {side: [(d, g) for d in meta["dimensions"][side] if d != "unit" for g in meta["groups"][side][d]]
            for side in ("customer", "employee")}
    touchpoints = sorted({i.touchpoint for i in views.items if i.touchpoint})
    themes = sorted({i.theme for i in views.items if i.theme})
    out = []
    for _ in range(n):
        out.append(Filters(wave=rng.choice(views.waves()),
                           unit=rng.choice(units) if rng.random() < 0.5 else None,
                           customer_segment=rng.choice(segs["customer"]) if rng.random() < 0.3 else None,
                           employee_segment=rng.choice(segs["employee"]) if rng.random() < 0.4 else None,
                           touchpoint=rng.choice(touchpoints) if touchpoints and rng.random() < 0.2 else None,
                           theme=rng.choice(themes) if themes and rng.random() < 0.1 else None))
    return out


def png_mirror(views, filters) -> bytes:
    """The mirror panel's redraw before its chart was HTML (issue 14 goal 4): the gap table and the
    report's matplotlib mirror chart as a PNG, as `MirrorPanel.render` drew it; timed beside the panel."""
    from mirrorgap.dashboard.panels.base import chart_figure, chart_png
    from mirrorgap.render.charts.mirror import mirror_chart
    from mirrorgap.render.words import chart_texts

    gaps = views.gap_table(filters)
    ct = chart_texts(views.language, getattr(views, "metric", "mean"))
    fig, ax = chart_figure(10, 1.7 + 0.46 * max(len(gaps), 1))
    mirror_chart(gaps, ax=ax, texts={**ct, "title": ct["mirror_title"]}, threshold=views.analysis.gap_threshold)
    return chart_png(fig)


def png_item(panel) -> bytes:
    """The item drill-down's redraw before its chart was HTML: distributions, the item's gap row and
    statistics, and the matplotlib answer chart as a PNG, as `ItemPanel.render` drew it for `panel.item`."""
    from mirrorgap.analyse.gaps import display_label
    from mirrorgap.config.texts import section
    from mirrorgap.dashboard.html import item_stats_html
    from mirrorgap.dashboard.panels.base import chart_figure, chart_png
    from mirrorgap.dashboard.words import value_labels
    from mirrorgap.render.charts.answers import answer_distribution_chart

    t, lang, views = panel.t, panel.language, panel.views
    item = next(i for i in views.items if i.id == panel.item)
    dist = panel.distributions()
    row = views.gap_table(replace(panel.filters, touchpoint=None, theme=None)).set_index("item").loc[panel.item]
    item_stats_html(row, {side: not dist[dist["side"] == side].empty for side in ("customer", "employee")}, lang,
                    reversed_item=item.reversed)
    labels = value_labels(item, "customer", lang)
    fig, ax = chart_figure(10, 1.9 + 0.62 * max(len(labels), dist["value"].nunique(), 1))
    answer_distribution_chart(dist, ax=ax, labels=labels, texts={
        **section(lang, "side"), "too_few": t["too_few"], "distribution_axis": t["distribution_axis"],
        "title": t["distribution_title"].format(label=display_label(item, lang))})
    return chart_png(fig)


def view_timings(folder: Path, changes: int, seed: int = 20261123) -> dict:
    """Time each view's computation from the aggregates over `changes` random filter changes."""
    from mirrorgap.aggregate.views import AggregateViews
    from mirrorgap.dashboard.panels.item import ItemPanel
    from mirrorgap.dashboard.panels.mirror import MirrorPanel
    from mirrorgap.dashboard.panels.units import UnitPanel, unit_gap_table

    t0 = time.perf_counter()
    views = AggregateViews.from_folder(folder)
    load_s = time.perf_counter() - t0
    rng = random.Random(seed)
    filters = random_filters(views, rng, changes)
    items = [i.id for i in views.items]
    views.gap_table(filters[0])  # warm caches
    timings = {"gap table (mirror, table)": [], "NPS / eNPS": [], "overview (gap table + NPS)": [],
               "item drill-down (2 distributions + gap row)": [], "unit heatmap (gap table per unit)": []}
    for f in filters:
        for name, fn in (("gap table (mirror, table)", lambda: views.gap_table(f)),
                         ("NPS / eNPS", lambda: views.nps_table(f)),
                         ("overview (gap table + NPS)", lambda: (views.gap_table(f), views.nps_table(f))),
                         ("item drill-down (2 distributions + gap row)",
                          lambda: (views.distribution(rng.choice(items), "customer", f),
                                   views.distribution(rng.choice(items), "employee", f),
                                   views.gap_table(replace(f, touchpoint=None, theme=None)))),
                         ("unit heatmap (gap table per unit)", lambda: unit_gap_table(views, f))):
            t = time.perf_counter()
            fn()
            timings[name].append((time.perf_counter() - t) * 1000)
    # the whole redraw of the open panel as a viewer waits for it (computation + chart), and, in the same
    # loop, the same redraw as it was with a matplotlib PNG (before issue 14's HTML charts)
    redraws = {name: [] for name in (*REDRAW_GOALS, "mirror redraw with matplotlib PNG (before)",
                                     "item drill-down redraw with matplotlib PNG (before)",
                                     "unit panel redraw incl. HTML heatmap")}
    mirror, item, legacy_item = MirrorPanel(views, shown=True), ItemPanel(views, shown=True), ItemPanel(views)
    for f in filters[:30]:
        t = time.perf_counter()
        mirror.filters = f
        redraws[REDRAW_GOALS[0]].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        png_mirror(views, f)
        redraws["mirror redraw with matplotlib PNG (before)"].append((time.perf_counter() - t) * 1000)
        # a drill-down: under the filters, the viewer picks another item
        item.filters = legacy_item.filters = f  # legacy_item is never shown: it only holds the inputs
        t = time.perf_counter()
        item.item = rng.choice([i for i in items if i != item.item])
        redraws[REDRAW_GOALS[1]].append((time.perf_counter() - t) * 1000)
        legacy_item.item = rng.choice([i for i in items if i != legacy_item.item])
        t = time.perf_counter()
        png_item(legacy_item)
        redraws["item drill-down redraw with matplotlib PNG (before)"].append((time.perf_counter() - t) * 1000)
    units = UnitPanel(views, shown=True)
    for f in filters[:3]:
        t = time.perf_counter()
        units.filters = f
        redraws["unit panel redraw incl. HTML heatmap"].append((time.perf_counter() - t) * 1000)
    return {"load_aggregates_s": round(load_s, 2), "units": len(views.meta["groups"]["customer"].get("unit", [])),
            "items": len(items), "views": {k: summary(v) for k, v in timings.items()},
            "redraws": {k: summary(v) for k, v in redraws.items()}}


# ---------------------------------------------------------------------------------------------------
# 2 and 3. pages in Chromium, kernels' memory

def demo_run(root: Path) -> None:
    """A demo run's outputs (aggregates included) in root/demo/<run>, as `make run` writes them."""
    from mirrorgap.analyse.pipeline import run_analysis
    from mirrorgap.config.params import load_engagement
    from mirrorgap.config.paths import PARAMS_DIR
    from mirrorgap.deliver.outputs import write_outputs

    run_id = "20261123-101500"
    if not (root / "demo" / "latest" / "aggregates" / "counts.parquet").exists():
        shutil.rmtree(root / "demo", ignore_errors=True)
        write_outputs(run_analysis(load_engagement(PARAMS_DIR / "demo.yaml")), root / "demo" / run_id, run_id=run_id)
        (root / "demo" / "latest").symlink_to(run_id, target_is_directory=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The dashboard server of one client in its own process group; `preheat=False` gives cold starts."""

    def __init__(self, client: str, output_root: Path, *, preheat: bool, pool: int = 1):
        from mirrorgap.dashboard.serve import launch_spec

        self.port = free_port()
        argv, env = launch_spec(client, port=self.port, pool_size=pool, output_root=output_root)
        if not preheat:
            argv = [a for a in argv if not a.startswith(("--preheat_kernel", "--pool_size"))] + ["--preheat_kernel=False"]
        self.log = open(CACHE / f"server-{client}-{'pre' if preheat else 'cold'}.log", "wb")
        self.proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}/"
        deadline = time.time() + 120
        while True:
            try:
                urllib.request.urlopen(self.url + "voila/templates/mirrorgap/static/mirrorgap.css", timeout=2)
                break
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"the dashboard server did not start; see {self.log.name}")
                time.sleep(0.3)

    def kernels(self):
        import psutil
        return [p for p in psutil.Process(self.proc.pid).children(recursive=True)
                if "ipykernel" in " ".join(p.cmdline())]

    def stop(self) -> None:
        kernels = self.kernels()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        for k in kernels:
            if k.is_running():
                k.kill()
        self.log.close()


def rendered_in(browser, url: str, *, interact: bool = False, context=None) -> tuple[float, object]:
    """Seconds from navigation to drawn widgets (KPI cards and the first chart image loaded). A fresh
    browser (nothing cached: ~5 MB of Voilà/JupyterLab scripts to fetch) unless a `context` is given."""
    page = context.new_page() if context else browser.new_page(viewport={"width": 1280, "height": 900})
    t = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(".mg-kpis .mg-kpi-value", timeout=120_000)
    page.wait_for_function("() => [...document.querySelectorAll('.mg-panel img')]"
                           ".some(i => i.complete && i.naturalWidth > 600)", timeout=60_000)
    seconds = time.perf_counter() - t
    if interact:  # a few filter changes and tabs, so the kernel has drawn every panel once
        selects = page.locator(".mg-filter-grid select")
        for k, label_index in ((1, 2), (3, 3), (1, 0)):
            options = selects.nth(k).locator("option").all_inner_texts()
            selects.nth(k).select_option(label=options[label_index])
            page.wait_for_timeout(600)
        for tab in ("Spegeln", "Gaptabell", "Enheter", "Fråga för fråga", "Översikt"):
            page.locator(".mg-tabs .lm-TabBar-tab", has_text=tab).click()
            page.wait_for_timeout(900)
    return seconds, page


def memory(server: Server) -> list[dict]:
    out = []
    for k in server.kernels():
        info = k.memory_full_info()
        out.append({"pid": k.pid, "rss_mb": round(info.rss / 1e6, 1), "uss_mb": round(info.uss / 1e6, 1),
                    "pss_mb": round(info.pss / 1e6, 1)})
    return out


def page_timings(pages: int) -> dict:
    from playwright.sync_api import sync_playwright

    root = CACHE / "runs"
    root.mkdir(parents=True, exist_ok=True)
    demo_run(root)
    results: dict = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for client, output_root in (("demo", root), ("big", CACHE)):
            server = Server(client, output_root, preheat=True, pool=1)
            try:
                # the first page may arrive before the pool kernel has run the notebook: let it finish
                first, page = rendered_in(browser, server.url)
                page.close(run_before_unload=True)
                preheated, cached, mem_used = [], [], []
                returning = browser.new_context(viewport={"width": 1280, "height": 900})  # scripts cached
                rendered_in(browser, server.url, context=returning)[1].close()
                for k in range(pages):
                    for times, ctx in ((preheated, None), (cached, returning)):
                        # the pool refills after its fill_delay: a kernel starts and runs the notebook
                        time.sleep(FILL_DELAY + (8 if client == "demo" else 14))
                        seconds, page = rendered_in(browser, server.url, interact=(k == 0 and ctx is None), context=ctx)
                        times.append(seconds)
                        if k == 0 and ctx is None:
                            mem_used = memory(server)
                        page.close(run_before_unload=True)
                returning.close()
                results[client] = {"first_page_s": round(first, 2),
                                   "preheated_s": [round(s, 2) for s in preheated],
                                   "preheated_median_s": round(statistics.median(preheated), 2),
                                   "preheated_cached_s": [round(s, 2) for s in cached],
                                   "preheated_cached_median_s": round(statistics.median(cached), 2),
                                   "kernels_after_use": mem_used}
                time.sleep(3)  # pages closed like a tab (beforeunload): their kernels are shut down
                results[client]["kernels_idle"] = memory(server)
            finally:
                server.stop()
            if client == "demo":
                server = Server(client, output_root, preheat=False)
                try:
                    cold = []
                    for _ in range(max(2, pages // 2)):
                        seconds, page = rendered_in(browser, server.url)
                        cold.append(seconds)
                        page.close(run_before_unload=True)
                    results[client]["cold_s"] = [round(s, 2) for s in cold]
                    results[client]["cold_median_s"] = round(statistics.median(cold), 2)
                finally:
                    server.stop()
        browser.close()
    return results


# ---------------------------------------------------------------------------------------------------

def table(report: dict) -> str:
    rows = [("measure", "value", "goal", "status")]
    views = report["views"]
    for name, s in views["views"].items():
        rows.append((f"view after a filter change: {name}", f"p95 {s['p95_ms']:.1f} ms (p50 {s['p50_ms']:.1f})",
                     f"< {GOAL_VIEW_MS:.0f} ms", "met" if s["p95_ms"] < GOAL_VIEW_MS else "not met"))
    for name, s in views["redraws"].items():
        shown = f"p50 {s['p50_ms']:.1f} ms (p95 {s['p95_ms']:.1f})"
        if name in REDRAW_GOALS:
            rows.append((name, shown, f"p50 < {GOAL_REDRAW_MS:.0f} ms", "met" if s["p50_ms"] < GOAL_REDRAW_MS else "not met"))
        else:
            rows.append((f"{name} (reference)", shown, "–", "–"))
    pages = report.get("pages") or {}
    for client, p in pages.items():
        rows.append((f"{client}: rendered dashboard, preheated kernel, new browser",
                     f"median {p['preheated_median_s']:.2f} s", f"< {GOAL_PREHEATED_S:.0f} s",
                     "met" if p["preheated_median_s"] < GOAL_PREHEATED_S else "not met"))
        rows.append((f"{client}: rendered dashboard, preheated kernel, scripts cached",
                     f"median {p['preheated_cached_median_s']:.2f} s", f"< {GOAL_PREHEATED_S:.0f} s",
                     "met" if p["preheated_cached_median_s"] < GOAL_PREHEATED_S else "not met"))
        if "cold_median_s" in p:
            rows.append((f"{client}: rendered dashboard, cold start (no pool), new browser",
                         f"median {p['cold_median_s']:.2f} s", "–", "–"))
        used = p["kernels_after_use"]
        if used:
            worst = max(used, key=lambda k: k["rss_mb"])
            rows.append((f"{client}: kernel memory after use (worst of {len(used)} kernels)",
                         f"RSS {worst['rss_mb']:.0f} MB, USS {worst['uss_mb']:.0f}, PSS {worst['pss_mb']:.0f}",
                         f"< {GOAL_KERNEL_MB:.0f} MB", "met" if worst["rss_mb"] < GOAL_KERNEL_MB else
                         ("RSS not met; USS/PSS met" if worst["pss_mb"] < GOAL_KERNEL_MB else "not met")))
    widths = [max(len(str(r[c])) for r in rows) for c in range(4)]
    return "\n".join("  ".join(str(r[c]).ljust(widths[c]) for c in range(4)) for r in rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--changes", type=int, default=50, help="random filter changes timed per view")
    ap.add_argument("--pages", type=int, default=5, help="preheated page loads per client")
    ap.add_argument("--skip-pages", action="store_true", help="only the view timings (no browser)")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached big aggregates")
    args = ap.parse_args()
    os.environ.setdefault("MPLBACKEND", "Agg")
    CACHE.mkdir(parents=True, exist_ok=True)
    folder, built = big_aggregates(args.rebuild)
    report = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": {
        "cpus": os.cpu_count(), "python": sys.version.split()[0]}, "big_aggregates": built,
        "views": view_timings(folder, args.changes)}
    if not args.skip_pages:
        report["pages"] = page_timings(args.pages)
    report["goals"] = {"view_p95_ms": GOAL_VIEW_MS, "redraw_p50_ms": GOAL_REDRAW_MS, "preheated_s": GOAL_PREHEATED_S, "kernel_mb": GOAL_KERNEL_MB}
    (OUT / "dashboard.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(table(report))
    print(f"\nwrote {OUT / 'dashboard.json'}")


if __name__ == "__main__":
    main()
