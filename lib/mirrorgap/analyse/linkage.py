"""Linkage: do units whose employees rate things higher also have happier customers?

Per unit an employee index and a customer index, then their correlation across units (Pearson and
Spearman) with Fisher-z confidence intervals. Research on bank branches found such unit-level links
and that they run both ways (Schneider & Bowen 1985; Schneider, White & Paul 1998): a correlation
says nothing about which causes which, and with a handful of units its interval is wide. The summary
carries that caveat in the engagement language.

Indices (both parameters):
- employee: "items" — per respondent the mean POMP of the mirror items they answered, averaged over
  the unit; or "enps" — the unit's eNPS (−100..100).
- customer: "items" — the same on the customers' mirror items; or "nps" — the unit's NPS.
A unit enters the correlation with at least `analysis.min_n` employees AND
`analysis.linkage_min_customers` customers. Employee indices are also suppressed per unit with
`anonymity.hidden_groups` (via `units.protect`: a small unit is hidden with a complement), and a
hidden unit stays out.

Weights: on a weighted side (a weight column or raking, `group_design.rows_design` of the wave) a
unit's index is the weighted mean of its respondents' index (or its weighted NPS); its n stays the
number of respondents, on which who enters and who is hidden are decided. The correlation is still
one of the unit figures, each unit counting once.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats as sps

from mirrorgap.analyse.group_design import RowsDesign, rows_design
from mirrorgap.analyse.units import group_order, protect, side_rows
from mirrorgap.config.numbers import fmt_number
from mirrorgap.config.params import Engagement
from mirrorgap.config.texts import section
from mirrorgap.errors import AnalysisError
from mirrorgap.read.recode import CleanSide
from mirrorgap.stats.nps import nps, nps_weighted
from mirrorgap.stats.small_groups import too_small

__all__ = ["LINKAGE_COLUMNS", "LinkageSummary", "fisher_z_ci", "linkage_summary", "linkage_table",
           "pearson_ci", "respondent_index", "spearman_ci"]

EmployeeIndex = Literal["items", "enps"]
CustomerIndex = Literal["items", "nps"]
LINKAGE_COLUMNS = ["unit", "employee_n", "employee_index", "customer_n", "customer_index",
                   "employee_suppressed", "included", "status", "employee_index_kind", "customer_index_kind"]
# status: why a unit is in or out of the correlation
STATUSES = ("included", "too_few_employees", "employees_hidden", "too_few_customers")
MIN_UNITS_FOR_CI = 4   # Fisher z needs n − 3 > 0
WIDE_CI = 0.5          # a CI for r wider than this is called wide in the caveat


# ----------------------------------------------------------------------------------------------
# correlation intervals

def fisher_z_ci(r: float, n: int, *, se: float | None = None, conf: float = 0.95) -> tuple[float, float]:
    """CI for a correlation by Fisher's z: tanh(atanh(r) ± z_{(1+conf)/2}·se).

    r: the correlation; n: number of pairs; se: the standard error of atanh(r) (default 1/√(n − 3),
    Pearson's). NaN when n < 4 or r is NaN. |r| = 1 gives the degenerate (r, r).
    """
    if n < MIN_UNITS_FOR_CI or not np.isfinite(r):
        return (math.nan, math.nan)
    se = 1 / math.sqrt(n - 3) if se is None else se
    if abs(r) >= 1:
        return (float(r), float(r))
    z, q = math.atanh(r), float(sps.norm.ppf((1 + conf) / 2))
    return (math.tanh(z - q * se), math.tanh(z + q * se))


def pearson_ci(r: float, n: int, *, conf: float = 0.95) -> tuple[float, float]:
    """Fisher-z CI for Pearson's r, se = 1/√(n − 3), as scipy's `pearsonr(...).confidence_interval()`."""
    return fisher_z_ci(r, n, conf=conf)


def spearman_ci(rho: float, n: int, *, conf: float = 0.95) -> tuple[float, float]:
    """Fisher-z CI for Spearman's rho with Bonett & Wright's (2000) se = √((1 + rho²/2)/(n − 3))."""
    if n < MIN_UNITS_FOR_CI or not np.isfinite(rho):
        return (math.nan, math.nan)
    return fisher_z_ci(rho, n, se=math.sqrt((1 + rho * rho / 2) / (n - 3)), conf=conf)


# ----------------------------------------------------------------------------------------------
# the per-unit table

def respondent_index(rows: pd.DataFrame, item_ids: list[str]) -> pd.Series:
    """Per respondent the mean POMP over the mirror items they answered (NaN when none)."""
    return rows[item_ids].mean(axis=1, skipna=True)


def _unit_index(rows: pd.DataFrame, kind: str, item_ids: list[str], units: list[str], design: RowsDesign,
                *, conf: float) -> pd.DataFrame:
    """Per unit: n (respondents with a value) and the index, weighted with the design's weights (rows
    indexed by their position in the wave, as `units.side_rows` gives them)."""
    weights = design.weights
    if kind == "items":
        values = respondent_index(rows, item_ids)
        if weights is None:
            per = values.groupby(rows["unit"]).agg(["count", "mean"])
            per.columns = ["n", "index"]
        else:
            per = pd.DataFrame([{"unit": u, "n": s.n, "index": s.mean} for u, part in values.groupby(rows["unit"])
                                for s in [design.summary(part, conf=conf)]]).set_index("unit")
    else:  # an NPS question
        if "nps" not in rows:
            raise ValueError(f"index {kind!r} needs the side's nps_column in the params")
        per = pd.DataFrame([{"unit": u, "n": n, "index": index} for u in units
                            for n, index in [_unit_nps(rows.loc[rows["unit"] == u, "nps"], weights, conf=conf)]]
                           ).set_index("unit")
    return per.reindex(units).fillna({"n": 0}).astype({"n": int})


def _unit_nps(scores: pd.Series, weights: np.ndarray | None, *, conf: float) -> tuple[int, float]:
    """(answers, NPS) of one unit's 0–10 scores; weighted with the rows' weights when given (NaN when
    the unit's answers all weigh 0: there is no weighted figure)."""
    x = scores.to_numpy(dtype=float)
    if weights is None:
        r = nps(x)
        return int(r.n), r.nps
    w = weights[scores.index.to_numpy()][~np.isnan(x)]
    if not w.sum() > 0:
        return int(w.size), math.nan
    r = nps_weighted(x, weights[scores.index.to_numpy()], conf=conf)
    return int(r.n), r.nps


def linkage_table(customer: CleanSide, employee: CleanSide, engagement: Engagement, *,
                  wave: str | None = None, employee_index: EmployeeIndex = "items",
                  customer_index: CustomerIndex = "items") -> pd.DataFrame:
    """One row per unit (columns `LINKAGE_COLUMNS`): employee_n, employee_index, customer_n,
    customer_index, employee_suppressed, included (enters the correlation), status (one of
    `STATUSES`) and which indices were used (employee_index_kind, customer_index_kind).

    customer, employee: the cleaned sides; both need a unit column.
    engagement: analysis.min_n and analysis.linkage_min_customers set who enters.
    wave: restrict both sides to this wave (None: all rows as given).
    employee_index: "items" (mean POMP of the mirror items) or "enps".
    customer_index: "items" (mean POMP of the mirror items) or "nps".
    A weighted side's unit indices are weighted (weighted means, weighted NPS); the n stay counts.
    """
    if employee_index not in ("items", "enps") or customer_index not in ("items", "nps"):
        raise AnalysisError(f"employee_index must be 'items' or 'enps' (got {employee_index!r}); "
                         f"customer_index 'items' or 'nps' (got {customer_index!r})")
    for clean in (customer, employee):
        if "unit" not in clean.frame:
            raise AnalysisError(f"linkage needs units on both sides: set {clean.side}.unit_column in the params")
    a = engagement.analysis
    item_ids = [i.id for i in customer.items]
    c_rows, e_rows = side_rows(customer, wave), side_rows(employee, wave)
    c_rows, e_rows = c_rows[c_rows["unit"].notna()], e_rows[e_rows["unit"].notna()]
    units = group_order(pd.concat([c_rows["unit"], e_rows["unit"]]))
    conf = 1 - a.alpha
    emp = _unit_index(e_rows, "items" if employee_index == "items" else "nps", item_ids, units,
                      rows_design(employee, engagement, wave), conf=conf)
    cus = _unit_index(c_rows, "items" if customer_index == "items" else "nps", item_ids, units,
                      rows_design(customer, engagement, wave), conf=conf)
    # respondents without a unit are left out of the partition's total here, which only merges more
    # people into what a subtraction could recover
    hidden = protect(emp["n"], a.min_n)
    rows = []
    for unit in units:
        e_n, c_n = int(emp.at[unit, "n"]), int(cus.at[unit, "n"])
        if too_small(e_n, a.min_n):
            status = "too_few_employees"
        elif hidden[unit]:
            status = "employees_hidden"
        elif c_n < a.linkage_min_customers:
            status = "too_few_customers"
        else:
            status = "included"
        rows.append({"unit": unit, "employee_n": pd.NA if hidden[unit] else e_n,  # a hidden unit: not even its n
                     "employee_index": np.nan if hidden[unit] else emp.at[unit, "index"],
                     "customer_n": c_n, "customer_index": cus.at[unit, "index"],
                     "employee_suppressed": bool(hidden[unit]), "included": status == "included",
                     "status": status, "employee_index_kind": employee_index,
                     "customer_index_kind": customer_index})
    return pd.DataFrame(rows, columns=LINKAGE_COLUMNS).astype({"employee_n": "Int64"})


# ----------------------------------------------------------------------------------------------
# the summary

@dataclass(frozen=True)
class LinkageSummary:
    """The correlation across the included units, with Fisher-z CIs and the caveat in words."""

    n_units: int
    pearson_r: float
    pearson_ci_low: float
    pearson_ci_high: float
    pearson_p: float
    spearman_rho: float
    spearman_ci_low: float
    spearman_ci_high: float
    spearman_p: float
    conf: float
    caveat: str

    def as_frame(self) -> pd.DataFrame:
        """One row (for linkage.csv / the report)."""
        return pd.DataFrame([asdict(self)])


def _correlations(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float]:
    """Pearson r, its p, Spearman rho, its p (NaN with fewer than 3 pairs or a constant index)."""
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return (math.nan,) * 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = sps.pearsonr(x, y)
        s = sps.spearmanr(x, y)
    return float(p.statistic), float(p.pvalue), float(s.statistic), float(s.pvalue)


def caveat_text(n_units: int, r: float, ci: tuple[float, float], *, language: str) -> str:
    """The plain-language caveat: direction runs both ways, no cause; wide CI or too few units."""
    t = section(language, "units")
    parts = [t["linkage_caveat"]]
    if n_units < MIN_UNITS_FOR_CI or not np.isfinite(r):
        parts.append(t["linkage_too_few"].format(n_units=n_units, needed=MIN_UNITS_FOR_CI))
    elif np.isfinite(ci[0]) and ci[1] - ci[0] > WIDE_CI:
        parts.append(t["linkage_wide"].format(n_units=n_units, low=fmt_number(ci[0], language, decimals=2),
                                              high=fmt_number(ci[1], language, decimals=2)))
    return " ".join(parts)


def linkage_summary(table: pd.DataFrame, *, language: str = "en", conf: float = 0.95) -> LinkageSummary:
    """Pearson and Spearman correlations of employee_index and customer_index over the included units.

    table: `linkage_table(...)`. language: the caveat's language. conf: CI level (1 − analysis.alpha).
    Pearson's CI: Fisher z with se 1/√(n − 3); Spearman's: se √((1 + rho²/2)/(n − 3))
    (Bonett & Wright 2000). NaN where there are too few units (r needs 3, a CI 4).
    """
    used = table[table["included"]]
    x, y = used["employee_index"].to_numpy(dtype=float), used["customer_index"].to_numpy(dtype=float)
    n = len(used)
    r, r_p, rho, rho_p = _correlations(x, y)
    r_ci, rho_ci = pearson_ci(r, n, conf=conf), spearman_ci(rho, n, conf=conf)
    return LinkageSummary(n_units=n, pearson_r=r, pearson_ci_low=r_ci[0], pearson_ci_high=r_ci[1],
                          pearson_p=r_p, spearman_rho=rho, spearman_ci_low=rho_ci[0],
                          spearman_ci_high=rho_ci[1],
                          spearman_p=rho_p, conf=conf, caveat=caveat_text(n, r, r_ci, language=language))
