"""The gap table: per mirror item, both sides' scores on POMP, the gap with Welch's CI, BH q-values,
Hedges' g and the classification blind spot / hidden strength / aligned."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mirrorgap.config.params import Analysis
from mirrorgap.config.texts import section
from mirrorgap.stats.estimators import (
    benjamini_hochberg,
    from_pomp,
    hedges_g_from_summary,
    mean_ci_from_summary,
    pomp,
    summary_from_counts,
    top_box,
    welch_from_summary,
    wilson_ci,
)
from mirrorgap.stats.small_groups import hidden_for
from mirrorgap.stats.survey import SIMPLE, Design, fpc_mean, fpc_share

if TYPE_CHECKING:  # clean rows come from read/; a dashboard computing gaps from counts loads none of it
    from mirrorgap.read.recode import CleanSide

# gaps.csv, in this order (means on POMP 0–100).
GAP_CSV_COLUMNS = [
    "item", "label", "customer_n", "customer_mean", "customer_ci_low", "customer_ci_high",
    "employee_n", "employee_mean", "employee_ci_low", "employee_ci_high", "gap", "gap_ci_low",
    "gap_ci_high", "p_value", "q_value", "hedges_g", "classification",
]
# suppressed: the employees' figures are hidden (too few); no_variation: every answer on each side the same,
# so the gap is exact but has no test; too_few_to_test: shown, but a side has fewer than 2 answers
UNTESTED = ("no_variation", "too_few_to_test")
CLASSIFICATIONS = ("blind_spot", "hidden_strength", "aligned", "suppressed", *UNTESTED)
_SIDE_STATS = ("n", "mean", "sd", "ci_low", "ci_high", "mean_native", "top_box", "top_box_ci_low",
               "top_box_ci_high")


_SPAN = 1 << 16  # whole-number answers spanning less than this are counted by position


def value_counts(scores: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The distinct answers of one item in ascending order and how many gave each (missing answers
    left out). Answers a whole step apart (any scale's codes) are counted with `np.bincount`, a
    tenth of pandas' hashing on half a million rows; other answers as pandas counts them."""
    x = scores.to_numpy(dtype=float, na_value=np.nan)
    answered = x[~np.isnan(x)]
    if answered.size:
        low, high = answered.min(), answered.max()
        if np.isfinite(low) and np.isfinite(high) and high - low < _SPAN:
            steps = (answered - low).astype(np.int64)
            if np.array_equal(steps + low, answered):  # each answer is exactly `low` + a whole step
                counts = np.bincount(steps)
                given = np.flatnonzero(counts)
                return given + low, counts[given]
    counts = scores.dropna().value_counts(sort=False).sort_index()
    return counts.index.to_numpy(dtype=float), counts.to_numpy(dtype=np.int64)


def counts_summary(values: np.ndarray, counts: np.ndarray, *, scale_min: float, scale_max: float,
                   top_box_at: float) -> tuple[int, float, float, int]:
    """(n, mean, SD, top-box count) on POMP from the answer counts of one item on its native scale."""
    values, counts = np.asarray(values, dtype=float), np.asarray(counts, dtype=np.int64)
    scores = pomp(values, scale_min, scale_max)
    n, mean, sd = summary_from_counts(scores, counts) if counts.sum() else (0, np.nan, np.nan)
    return n, mean, sd, int(counts[top_box(scores, top_box_at)].sum())


def designs_of(n: int, design: tuple | None) -> tuple[Design, Design]:
    """(for means, for shares): the estimators' designs of one item's n answers from its (n_eff,
    population) — n_eff None when unweighted, population None without a headcount; None is both."""
    if design is None:
        return SIMPLE, SIMPLE
    n_eff, population = design
    n_eff = None if n_eff is None else float(n_eff)
    return (Design(n_eff=n_eff, fpc=fpc_mean(n, population)), Design(n_eff=n_eff, fpc=fpc_share(n, population)))


def summary_stats(n: int, mean: float, sd: float, top: int, *, scale_min: float, scale_max: float,
                  conf: float, design: tuple | None = None) -> dict:
    """From one item's sufficient statistics on POMP: the t-CI of the mean, the native-scale mean,
    and the top-box share with its Wilson CI. design: (n_eff, population) of a weighted or
    headcounted side (`analyse.design`); `top` is then the weighted top-box share × n."""
    for_mean, for_share = designs_of(n, design)
    m = mean_ci_from_summary(n, mean, sd, conf=conf, design=for_mean)
    tb = wilson_ci(top if for_share.n_eff is not None else int(top), int(n), conf=conf, design=for_share)
    native = from_pomp(m.mean, scale_min, scale_max) if m.n else np.nan
    return {"n": m.n, "mean": m.mean, "sd": m.sd, "ci_low": m.ci_low, "ci_high": m.ci_high,
            "mean_native": native, "top_box": tb.share * 100, "top_box_ci_low": tb.ci_low * 100,
            "top_box_ci_high": tb.ci_high * 100}


def side_summary(values, counts, *, scale_min: float, scale_max: float, top_box_at: float, conf: float) -> dict:
    """From the answer counts of one item on its native scale: n, mean, SD and t-CI on POMP, the
    native-scale mean, and the top-box share with its Wilson CI. Raw rows and anonymised aggregates
    both come through `summary_stats`, so a dashboard figure equals the report's."""
    summary = counts_summary(values, counts, scale_min=scale_min, scale_max=scale_max, top_box_at=top_box_at)
    return summary_stats(*summary, scale_min=scale_min, scale_max=scale_max, conf=conf)


def _suppressed(summary: dict) -> dict:
    """A hidden side's figures, its n included: the exact size of a group too small to show is not shown."""
    return {k: np.nan for k in summary}


def untested_reason(row) -> str | None:
    """Why a gap that both sides show has no test, or None: every answer the same on both sides
    (no_variation: the gap is exact) or fewer than 2 answers on a side (too_few_to_test)."""
    if not (np.isfinite(row.customer_mean) and np.isfinite(row.employee_mean)) or np.isfinite(row.p_value):
        return None
    if row.customer_n >= 2 and row.employee_n >= 2 and row.customer_sd == 0 and row.employee_sd == 0:
        return "no_variation"
    return "too_few_to_test" if min(row.customer_n, row.employee_n) < 2 else None


def classify(gap: float, q: float, *, threshold: float, alpha: float) -> str:
    """blind_spot: employees materially and significantly higher; hidden_strength: customers; else aligned."""
    if not (np.isfinite(gap) and np.isfinite(q)):
        return "suppressed"
    if gap >= threshold and q < alpha:
        return "blind_spot"
    if gap <= -threshold and q < alpha:
        return "hidden_strength"
    return "aligned"


def shared_level(customer_mean: float, employee_mean: float, analysis: Analysis) -> str:
    """'shared_strength' when both sides score high, 'shared_weakness' when both score low, else ''."""
    if min(customer_mean, employee_mean) >= analysis.shared_strength_at:
        return "shared_strength"
    if max(customer_mean, employee_mean) < analysis.shared_weakness_at:
        return "shared_weakness"
    return ""


def display_label(item, language: str) -> str:
    """An item's label in the engagement language, marked when its wording is reversed."""
    label = item.label.get(language, item.id)
    return f"{label} {section(language, 'report')['reversed_suffix']}" if item.reversed else label


def gap_table(customer: CleanSide, employee: CleanSide, analysis: Analysis, *, language: str,
              hidden: dict | None = None) -> pd.DataFrame:
    """The gap table from clean rows (see `gap_table_from_counts`, also for `hidden`)."""
    counts = {side.side: {i.id: value_counts(side.frame[i.id]) for i in side.items} for side in (customer, employee)}
    scales = {side.side: side.scales for side in (customer, employee)}
    return gap_table_from_counts(counts, scales, customer.items, analysis, language=language, hidden=hidden)


def gap_table_from_counts(counts: dict, scales: dict, items: list, analysis: Analysis, *, language: str,
                          hidden: dict | None = None) -> pd.DataFrame:
    """One row per mirror item, in params order.

    counts: side -> item id -> (answer values, counts) on the native scale; scales: side -> item id ->
    Scale. Employee results of fewer than `min_n` answers, and any (side, item) listed in `hidden`
    (side -> set of item ids, from anonymised aggregates), are suppressed with their gap:
    classification 'suppressed'.
    """
    summaries = {side: {item.id: counts_summary(*by_item[item.id], scale_min=scales[side][item.id].min,
                                                scale_max=scales[side][item.id].max,
                                                top_box_at=analysis.top_box_at)
                        for item in items if item.id in by_item}
                 for side, by_item in counts.items()}
    return gap_table_from_summaries(summaries, scales, items, analysis, language=language, hidden=hidden)


def gap_table_from_summaries(summaries: dict, scales: dict, items: list, analysis: Analysis, *, language: str,
                             hidden: dict | None = None, designs: dict | None = None) -> pd.DataFrame:
    """The gap table (see `gap_table_from_counts`) from each side's per-item (n, mean, SD, top-box
    count) on POMP, as `counts_summary` gives them; an item missing on a side has no answers.

    designs: side -> item id -> (n_eff, population) for weighted or headcounted sides
    (`analyse.design.design_summaries`): Kish's n_eff and the finite-population correction go into
    the CIs, Welch's test and its degrees of freedom; the table then also carries each side's `n_var`
    (the n a variance divides by) and `fpc_share` (for the top-box test). None: no design, the plain
    estimators (and no extra columns)."""
    conf = 1 - analysis.alpha
    designs = designs or {}
    hidden = hidden or {}
    empty = (0, np.nan, np.nan, 0)
    rows = []
    for item in items:
        row = {"item": item.id, "label": display_label(item, language),
               "touchpoint": item.touchpoint or "", "theme": item.theme or ""}
        sides, side_designs = {}, {}
        for side in ("customer", "employee"):
            scale = scales[side][item.id]
            summary = summaries[side].get(item.id, empty)
            design = designs.get(side, {}).get(item.id)
            side_designs[side] = designs_of(summary[0], design)
            s = summary_stats(*summary, scale_min=scale.min, scale_max=scale.max, conf=conf, design=design)
            if item.id in hidden.get(side, ()) or hidden_for(side, s["n"], analysis.min_n):
                s = _suppressed(s)
            sides[side] = s
            row.update({f"{side}_{k}": s[k] for k in _SIDE_STATS})
        c, e = ({**v, "n": 0 if np.isnan(v["n"]) else v["n"]} for v in (sides["customer"], sides["employee"]))
        w = welch_from_summary(e["n"], e["mean"], e["sd"], c["n"], c["mean"], c["sd"], conf=conf,
                               design1=side_designs["employee"][0], design2=side_designs["customer"][0])
        if designs:
            for side in ("customer", "employee"):
                for_mean, for_share = side_designs[side]
                row[f"{side}_n_var"] = for_mean.n_var(sides[side]["n"]) if np.isfinite(sides[side]["n"]) else np.nan
                row[f"{side}_fpc_share"] = for_share.fpc
        row.update({"gap": w.diff, "gap_ci_low": w.ci_low, "gap_ci_high": w.ci_high, "p_value": w.p_value,
                    "hedges_g": hedges_g_from_summary(e["n"], e["mean"], e["sd"], c["n"], c["mean"], c["sd"])})
        rows.append(row)
    table = pd.DataFrame(rows)
    table["q_value"] = benjamini_hochberg(table["p_value"].to_numpy(dtype=float))
    table["classification"] = [untested_reason(r) or classify(r.gap, r.q_value, threshold=analysis.gap_threshold,
                                                                alpha=analysis.alpha) for r in table.itertuples()]
    table["shared"] = [shared_level(c, e, analysis) if cl != "suppressed" else ""
                       for c, e, cl in zip(table["customer_mean"], table["employee_mean"], table["classification"])]
    return table


def gaps_csv_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The columns of gaps.csv, in order, rounded so that reruns write identical bytes."""
    out = table[GAP_CSV_COLUMNS].copy()
    floats = out.select_dtypes("float").columns
    out[floats] = out[floats].round(6)
    return out
