"""The priority matrix: importance–performance analysis (Martilla & James 1977) with the mirror added.

Importance is the customers' derived importance of an item (its relative weight, % of the explained
variance in loyalty, from `drivers.drivers_table`); performance is the customers' score on it (POMP
mean from the gap table). Crosshairs at the mean of each axis (over the items that have both) cut the
plane into four quadrants:

    concentrate_here        important, performance below the mean   (work on these first)
    keep_up_the_good_work   important, performance at or above the mean
    low_priority            less important, performance below the mean
    possible_overkill       less important, performance at or above the mean

Each item also carries the employees' score, the gap and its classification from the gap table, so a
blind spot that drives loyalty (an important item employees think they do well) stands out.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["PRIORITY_COLUMNS", "QUADRANTS", "crosshairs", "priority_csv_frame", "priority_table",
           "quadrant_of"]

# priority.csv, in this order
PRIORITY_COLUMNS = ["item", "label", "importance", "importance_ci_low", "importance_ci_high", "performance",
                    "employee_mean", "gap", "classification", "quadrant"]
# in the order a reader should act on them
QUADRANTS = ("concentrate_here", "keep_up_the_good_work", "low_priority", "possible_overkill")


def quadrant_of(importance: float, performance: float, *, importance_at: float, performance_at: float) -> str:
    """The Martilla & James quadrant of one item given the crosshairs ("" when a value is missing).
    An item exactly on a crosshair counts as important / high performing."""
    if not (np.isfinite(importance) and np.isfinite(performance)):
        return ""
    important = importance >= importance_at
    high = performance >= performance_at
    if important:
        return "keep_up_the_good_work" if high else "concentrate_here"
    return "possible_overkill" if high else "low_priority"


def crosshairs(priority: pd.DataFrame) -> tuple[float, float]:
    """(importance, performance) at which the crosshairs sit: the means over the items having both."""
    both = priority["importance"].notna() & priority["performance"].notna()
    if not both.any():
        return float("nan"), float("nan")
    return (float(priority.loc[both, "importance"].astype(float).mean()),
            float(priority.loc[both, "performance"].astype(float).mean()))


def priority_table(drivers: pd.DataFrame, gaps: pd.DataFrame) -> pd.DataFrame:
    """The priority matrix as a table (priority.csv).

    drivers: the drivers table (`drivers.drivers_table`); only its customer rows are used (item,
        weight_pct, weight_ci_low, weight_ci_high). Pass the table of the same wave as `gaps`.
    gaps: the gap table (item, label, customer_mean, employee_mean, gap, classification).
    Returns one row per item of the gap table, columns PRIORITY_COLUMNS: item, label, importance
    (customer driver weight, % of R²), importance_ci_low/high (its bootstrap interval), performance
    (customers' POMP mean), employee_mean, gap, classification (from the gap table), quadrant (one of
    QUADRANTS, "" when importance or performance is missing). Sorted by quadrant in QUADRANTS order,
    then by importance, most important first.
    """
    missing = [c for c in ("item", "weight_pct") if c not in drivers.columns]
    missing += [c for c in ("item", "label", "customer_mean", "employee_mean", "gap", "classification")
                if c not in gaps.columns]
    if missing:
        raise ValueError(f"priority_table needs the drivers and gap tables; missing column(s) {missing}")
    cust = drivers[drivers["side"] == "customer"] if "side" in drivers.columns else drivers
    if cust["item"].duplicated().any():
        raise ValueError("the drivers table holds an item twice for customers; pass one wave and one outcome")
    weights = cust.set_index("item")
    out = pd.DataFrame({"item": gaps["item"].to_numpy(), "label": gaps["label"].to_numpy()})
    for column, source in (("importance", "weight_pct"), ("importance_ci_low", "weight_ci_low"),
                           ("importance_ci_high", "weight_ci_high")):
        values = weights[source] if source in weights.columns else pd.Series(dtype=float)
        out[column] = out["item"].map(values).astype(float)
    # performance is the POMP mean whatever the gap metric (a top-box gap table keeps it in *_mean_pomp)
    mean = {side: gaps.get(f"{side}_mean_pomp", gaps[f"{side}_mean"]) for side in ("customer", "employee")}
    out["performance"] = mean["customer"].astype(float).to_numpy()
    out["employee_mean"] = mean["employee"].astype(float).to_numpy()
    out["gap"] = gaps["gap"].astype(float).to_numpy()
    out["classification"] = gaps["classification"].to_numpy()
    importance_at, performance_at = crosshairs(out)
    out["quadrant"] = [quadrant_of(i, p, importance_at=importance_at, performance_at=performance_at)
                       for i, p in zip(out["importance"], out["performance"])]
    order = {q: k for k, q in enumerate(QUADRANTS)}
    out["_order"] = out["quadrant"].map(order).fillna(len(QUADRANTS))
    out = out.sort_values(["_order", "importance"], ascending=[True, False], kind="stable")
    return out.drop(columns="_order").reset_index(drop=True)[PRIORITY_COLUMNS]


def priority_csv_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The columns of priority.csv, in order, rounded so that reruns write identical bytes."""
    out = table[PRIORITY_COLUMNS].copy()
    floats = out.select_dtypes("float").columns
    out[floats] = out[floats].round(6)
    return out
