"""What goes into each chart of the deck: pure functions from a result table (+ texts) to the rows
of a chart — categories in display order and their values, with suppressed figures as NaN (the
chart leaves an empty place there and the category label says "too few answers")."""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["CLASSES", "gap_rows", "mirror_rows", "nps_rows", "priority_rows", "pulse_rows", "too_few_label",
           "touchpoint_rows", "trend_rows"]

CLASSES = ("blind_spot", "hidden_strength", "aligned")


def too_few_label(label: str, texts: dict) -> str:
    """An item's label with "(employees: too few answers)", for a place left empty in a chart."""
    return texts["deck"]["suppressed_label"].format(label=label, too_few=texts["chart"]["too_few"])


def _categories(labels, hidden, texts: dict) -> list[str]:
    return [too_few_label(label, texts) if h else label for label, h in zip(labels, hidden)]


def _by_gap(gaps: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The gap table largest gap first (suppressed items last) and which of its rows are suppressed."""
    df = gaps.sort_values("gap", ascending=False, na_position="last", kind="stable").reset_index(drop=True)
    return df, df["classification"].eq("suppressed")


def mirror_rows(gaps: pd.DataFrame, texts: dict) -> pd.DataFrame:
    """The mirror chart's rows: item, category (label; "(… too few answers)" where suppressed),
    customer and employee POMP means (employee NaN where suppressed), classification; largest gap
    first, suppressed items last."""
    df, suppressed = _by_gap(gaps)
    return pd.DataFrame({
        "item": df["item"],
        "category": _categories(df["label"], suppressed, texts),
        "customer": df["customer_mean"].astype(float),
        "employee": df["employee_mean"].astype(float).where(~suppressed),
        "classification": df["classification"],
    })


def gap_rows(gaps: pd.DataFrame, texts: dict) -> pd.DataFrame:
    """The gap chart's rows: item, category, gap (employees − customers, POMP points; NaN where
    suppressed), gap_ci_low, gap_ci_high, classification; largest gap first, suppressed last."""
    df, suppressed = _by_gap(gaps)
    out = pd.DataFrame({
        "item": df["item"],
        "category": _categories(df["label"], suppressed, texts),
        "gap": df["gap"].astype(float), "gap_ci_low": df["gap_ci_low"].astype(float),
        "gap_ci_high": df["gap_ci_high"].astype(float), "classification": df["classification"],
    })
    out.loc[suppressed, ["gap", "gap_ci_low", "gap_ci_high"]] = np.nan
    return out


def touchpoint_rows(touchpoints: pd.DataFrame, texts: dict) -> pd.DataFrame:
    """The touchpoint mirror's rows, in the table's order: category, customer and employee POMP means
    (employee NaN where suppressed)."""
    hidden = touchpoints["suppressed"].astype(bool)
    return pd.DataFrame({
        "category": _categories(touchpoints["label"], hidden, texts),
        "customer": touchpoints["customer_mean"].astype(float),
        "employee": touchpoints["employee_mean"].astype(float).where(~hidden),
    })


def nps_rows(nps: pd.DataFrame, texts: dict) -> pd.DataFrame:
    """The NPS/eNPS chart's rows: side, category, detractors, passives, promoters (shares 0–100; NaN
    when suppressed), nps, ci_low, ci_high, n (missing when suppressed), suppressed."""
    rows = []
    for r in nps.itertuples():
        hidden = bool(pd.isna(r.nps))
        rows.append({
            "side": r.side, "category": too_few_label(r.label, texts) if hidden else r.label,
            "detractors": np.nan if hidden else 100 * float(r.detractor_share),
            "passives": np.nan if hidden else 100 * float(r.passive_share),
            "promoters": np.nan if hidden else 100 * float(r.promoter_share),
            "nps": np.nan if hidden else float(r.nps), "ci_low": np.nan if hidden else float(r.ci_low),
            "ci_high": np.nan if hidden else float(r.ci_high), "n": r.n, "suppressed": hidden,
        })
    return pd.DataFrame(rows, columns=["side", "category", "detractors", "passives", "promoters", "nps",
                                       "ci_low", "ci_high", "n", "suppressed"])


def priority_rows(priority: pd.DataFrame) -> pd.DataFrame:
    """The priority matrix's points: item, label, performance (customers' POMP), importance (% of
    explained variance), classification, quadrant — items with both figures only."""
    df = priority.dropna(subset=["importance", "performance"]).reset_index(drop=True)
    return df[["item", "label", "performance", "importance", "classification", "quadrant"]].copy()


def trend_rows(trends: pd.DataFrame, waves: list[str]) -> pd.DataFrame:
    """Change per item between the last two waves, both sides: item, label, wave_from, wave_to,
    customer, employee (change in POMP points; NaN where suppressed), customer_significant,
    employee_significant; largest customer change first.
    waves: the waves in time order (`recode.waves_of`: `analysis.wave_order` or the labels' order);
    the last wave is the latest of them that the table has a change to."""
    changes = trends[trends["kind"] == "item_change"]
    if changes.empty:
        return pd.DataFrame(columns=["item", "label", "wave_from", "wave_to", "customer", "employee",
                                     "customer_significant", "employee_significant"])
    wave_to = [w for w in waves if w in set(changes["wave_to"])][-1]
    last = changes[changes["wave_to"] == wave_to]
    rows, seen = {}, set()  # per item (in the table's order) its first row of each side: plain loops, few rows
    for item, label, wave_from, side, suppressed, change, significant in zip(
            last["item"], last["label"], last["wave_from"], last["side"], last["suppressed"], last["change"],
            last["significant"]):
        if pd.isna(item):
            continue
        row = rows.setdefault(item, {"item": item, "label": label, "wave_from": wave_from, "wave_to": wave_to,
                                     "customer": np.nan, "customer_significant": False,
                                     "employee": np.nan, "employee_significant": False})
        if side not in ("customer", "employee") or (item, side) in seen:
            continue
        seen.add((item, side))
        if not bool(suppressed):
            row[side], row[f"{side}_significant"] = float(change), bool(significant)
    out = pd.DataFrame(list(rows.values()))
    out = out.sort_values("customer", ascending=False, na_position="last", kind="stable")
    return out.reset_index(drop=True)


def pulse_rows(pulse: pd.DataFrame) -> pd.DataFrame:
    """The pulse line: period, mean (pulse scale; NaN where suppressed), n (missing where suppressed) —
    the total only."""
    total = pulse[pulse["group"] == "(all)"] if "group" in pulse else pulse
    shown = ~total["suppressed"].astype(bool)
    return pd.DataFrame({"period": total["period"].astype(str).to_numpy(),
                         "mean": total["mean"].astype(float).where(shown).to_numpy(),
                         "n": total["n"].astype("Int64").where(shown).to_numpy()})
