"""Key drivers: how much each mirror item matters for loyalty, by Johnson's relative weights (2000).

Derived importance answers "which items move NPS (or satisfaction, or eNPS)?" from the answers
themselves, without asking anyone what matters to them. Plain regression weights cannot be read that
way when the items correlate (they always do), so we use **relative weights**:

    R_xx = V Λ Vᵀ,   Λ* = V Λ^½ Vᵀ (the symmetric root),   β* = Λ*⁻¹ r_xy,
    weight_j = Σ_k (Λ*_jk)² (β*_k)²,   Σ_j weight_j = R².

Λ* must be the *symmetric* root. The non-symmetric V Λ^½, a known bug in circulating code, gives two
highly correlated drivers the same squared loadings and so splits their importance 50/50 however
differently they relate to the outcome. The raw weights add up to the R² of the regression of the
outcome on all items; `weight_pct` is each weight as a percentage of R² (they add up to 100).

**Missing answers: pairwise deletion.** Respondents without the outcome are dropped; every remaining
correlation (item–item and item–outcome) is computed from the respondents who answered both of its
items. Don't-know answers are common and scattered (in the demo, listwise deletion on 11 items keeps
only about half of the customers, and those who answer everything are not typical), so pairwise
deletion keeps all the information a correlation-based method can use. Its risk is a correlation
matrix that is not positive definite; we check the smallest eigenvalue and, if the check fails, fall
back to listwise deletion (complete answers only) and say so in the `missing` column. `missing=
"listwise"` forces listwise deletion. `n` is the number of respondents behind each item's
correlation with the outcome; `n_respondents` the number with the outcome and at least one item.

**Uncertainty.** Percentile bootstrap intervals for the % weights: respondents are resampled with
replacement (`analysis.bootstrap` times, seeded by `analysis.seed`, so the same inputs give the same
intervals) and the whole analysis is repeated per resample, vectorised over resamples. From
`BLB_FROM_ROWS` respondents on, the bag of little bootstraps gives the same intervals (up to the
bootstrap's own Monte Carlo error; tested against the plain bootstrap) at a fraction of the cost. The plain
Pearson correlation of each item with the outcome, with a Fisher-z interval, is a second view.

**Weights.** With a weight column or raking (`group_design.rows_design`, the analysed wave), every
correlation is a weighted correlation, each bootstrap resample draws respondents with their weights
(a drawn respondent counts its weight times how often it was drawn), and the Fisher-z interval of r
uses Kish's n_eff of the respondents behind it. No finite-population correction: the bootstrap has
no place for it, so a census's driver intervals stay as wide as a sample's (conservative).

**Anonymity.** Employee drivers are computed on the whole employee sample of the wave only, never
per group, and only when at least `analysis.min_n` employees answered; otherwise the employee rows
carry no figures (NaN) and `suppressed` is True. An item answered by fewer than `min_n` employees is
left out of the employee model altogether (not merely hidden), so the weights shown still add up to
100 and nothing about it can be recovered by subtraction.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as _sps
from threadpoolctl import ThreadpoolController

from mirrorgap.analyse.disclosure import RESPONDENTS
from mirrorgap.analyse.gaps import display_label
from mirrorgap.analyse.group_design import rows_design
from mirrorgap.analyse.pipeline import in_wave
from mirrorgap.config.params import Engagement
from mirrorgap.errors import ParamsError
from mirrorgap.read.recode import CleanSide
from mirrorgap.stats.small_groups import hidden_for, too_small

__all__ = [
    "DRIVER_COLUMNS", "MISSING", "DriverModel", "bootstrap_counts", "bootstrap_intervals", "little_bootstrap_intervals", "driver_analysis", "drivers_csv_frame",
    "drivers_table", "fisher_ci", "pairwise_correlations", "question_drivers_table", "relative_weights",
]

# drivers.csv, in this order
DRIVER_COLUMNS = [
    "side", "outcome", "wave", "item", "label", "n", "n_respondents", "r2", "weight_raw", "weight_pct",
    "weight_ci_low", "weight_ci_high", "rank", "r", "r_ci_low", "r_ci_high", "missing", "suppressed",
]
MISSING = ("pairwise", "listwise")
EIGEN_TOLERANCE = 1e-9     # a correlation matrix whose smallest eigenvalue is below this is not usable
BOOTSTRAP_CHUNK = 100      # resamples per batch at most
BOOTSTRAP_BYTES = 256 << 20  # the draws of one batch (resamples × rows counts) stay within this
ROW_BLOCK = 16384          # rows per block of the weighted sums (a block's products fit in cache)
PRODUCTS_FROM_RESAMPLES = 8  # from this many resamples at once the sums go through per-row products
PRODUCT_BLOCK_BYTES = 16 << 20  # the per-row products of one block of rows stay within this
MIN_VALID_RESAMPLES = 0.5  # share of resamples that must give a model for an interval to be reported
BLB_FROM_ROWS = 20_000     # from this many respondents the intervals come from the bag of little bootstraps
BLB_SUBSETS = 10           # subsets of the bag of little bootstraps (Kleiner et al. use 10–20)
BLB_EXPONENT = 0.7         # each subset holds n^0.7 respondents (15,849 of 1,000,000)
DRAWS_KEPT_BYTES = 32 << 20  # the bootstrap draws kept for the next model of the same size and seed


_THREADS: list[ThreadpoolController] = []  # made on first use: finding the BLAS libraries takes ~5 ms


def _one_blas_thread():
    """A context with one BLAS thread, for the eigenvalues of many small matrices and the plain
    bootstrap's sums (a few million products per batch): more threads only add overhead there, and on
    2 busy cores their waiting for work cost 2–3× the demo bootstrap's own CPU. One thread also gives
    those sums the same rounding on a machine with any number of cores (with two threads OpenBLAS
    splits them otherwise: the intervals moved by ~1e-14 relative)."""
    if not _THREADS:
        _THREADS.append(ThreadpoolController())
    return _THREADS[0].limit(limits=1)


# ---------------------------------------------------------------------------------------------------
# the core: correlations and relative weights (pure numpy, batched over resamples)

def pairwise_correlations(values: np.ndarray, counts: np.ndarray | None = None
                          ) -> tuple[np.ndarray, np.ndarray]:
    """Pearson correlations of the columns of `values`, each pair from the rows where both are present.

    values: (rows × columns) floats, NaN for a missing answer.
    counts: optional (resamples × rows) non-negative whole numbers, how often each row is drawn in each
        bootstrap resample; the correlations are then computed per resample (batched).
    Returns (correlations, pair_n), shaped (columns × columns) or (resamples × columns × columns). A pair
    with fewer than 2 rows or without variance gets NaN.
    """
    return _correlations(_Columns.of(values), counts)


@dataclass
class _Columns:
    """The columns of `values` as the weighted sums read them: present (1/0) and centred (0 where
    missing). A bootstrap sums the same rows once per batch of resamples, so the per-row products of
    the batched sums are kept for it (`keep`) when they fit in PRODUCT_BLOCK_BYTES."""

    present: np.ndarray
    x: np.ndarray
    keep: bool = False
    _products: list | None = None

    @classmethod
    def of(cls, values: np.ndarray, *, keep: bool = False) -> _Columns:
        values = np.asarray(values, dtype=float)
        present = (~np.isnan(values)).astype(float)
        # centre each column first: the sums below then stay small and the subtractions precise
        n_col = present.sum(axis=0)
        centre = np.divide(np.where(present > 0, values, 0.0).sum(axis=0), n_col, out=np.zeros(len(n_col)),
                           where=n_col > 0)
        return cls(present, np.where(present > 0, values - centre, 0.0), keep)

    def products(self):
        """Per block of rows, (rows, the products of each row that `_weighted_moments_batched` sums)."""
        if self._products is None and self.keep and len(self.x) <= _product_rows(self.x.shape[1]):
            self._products = list(_row_products(self.present, self.x))  # one block: every row
        return self._products if self._products is not None else _row_products(self.present, self.x)


def _correlations(columns: _Columns, counts: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    w = np.ones((1, len(columns.x))) if counts is None else np.asarray(counts, dtype=float)
    n, sx, sxx, sxy = _weighted_moments(columns, w)
    pt = np.swapaxes
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = n * sxy - sx * pt(sx, 1, 2)
        var_j = n * sxx - sx * sx
        var_k = pt(var_j, 1, 2)
        corr = cov / np.sqrt(var_j * var_k)
    tiny = 1e-12 * np.maximum(n, 1.0) ** 2
    corr = np.where((n >= 2) & (var_j > tiny) & (var_k > tiny), corr, np.nan)
    corr = np.clip(corr, -1.0, 1.0)
    if counts is None:
        return corr[0], n[0]
    return corr, n


def _weighted_moments(columns: _Columns, w: np.ndarray):
    """Per resample (rows of `w`) and column pair (j, k): n_jk = Σ w·p_j·p_k, sx_jk = Σ w·x_j·p_k,
    sxx_jk = Σ w·x_j²·p_k and sxy_jk = Σ w·x_j·x_k, over the rows where both are present (x is 0
    where missing). One product [P X X²]ᵀ·diag(w)·[P X] per block of rows and resample: the blocks
    stay in cache, about 4× faster at a million rows than four products over all rows at once."""
    present, x = columns.present, columns.x
    m = present.shape[1]
    if len(w) >= PRODUCTS_FROM_RESAMPLES:
        return _weighted_moments_batched(columns, w)
    out = np.zeros((len(w), 3 * m, 2 * m))
    for start in range(0, len(present), ROW_BLOCK):
        rows = slice(start, start + ROW_BLOCK)
        left = np.concatenate([present[rows], x[rows], x[rows] ** 2], axis=1)
        right = np.concatenate([present[rows], x[rows]], axis=1)
        for r in range(len(w)):
            out[r] += (left * w[r, rows, None]).T @ right
    return out[:, :m, :m], out[:, m:2 * m, :m], out[:, 2 * m:, :m], out[:, m:2 * m, m:]


def _row_products(present: np.ndarray, x: np.ndarray):
    """Per block of rows (within PRODUCT_BLOCK_BYTES), (rows, z): z holds per row p_j·p_k and x_j·x_k
    once per pair j ≤ k (they are symmetric), x_j·p_k and x_j²·p_k for every pair."""
    m = present.shape[1]
    ju, ku = np.triu_indices(m)
    k, mm = len(ju), m * m
    width = 2 * k + 2 * mm
    block = _product_rows(m)
    for start in range(0, len(present), block):
        rows = slice(start, start + block)
        p, xs = present[rows], x[rows]
        z = np.empty((len(p), width))
        z[:, :k] = p[:, ju] * p[:, ku]
        z[:, k:k + mm] = (xs[:, :, None] * p[:, None, :]).reshape(len(p), mm)
        z[:, k + mm:k + 2 * mm] = ((xs * xs)[:, :, None] * p[:, None, :]).reshape(len(p), mm)
        z[:, k + 2 * mm:] = xs[:, ju] * xs[:, ku]
        yield rows, z


def _product_rows(m: int) -> int:
    """Rows per block of `_row_products` for m columns: (m(m+1) + 2m²) products a row."""
    return max(64, PRODUCT_BLOCK_BYTES // (8 * (m * (m + 1) + 2 * m * m)))


def _weighted_moments_batched(columns: _Columns, w: np.ndarray):
    """`_weighted_moments` for many resamples at once: per row the products the sums need
    (`_row_products`), then one product of the resamples' weights with them per block of rows — half
    the arithmetic of a product per resample, in one large matrix product instead of one small one per
    resample."""
    m = columns.present.shape[1]
    ju, ku = np.triu_indices(m)
    k, mm = len(ju), m * m
    out = np.zeros((len(w), 2 * k + 2 * mm))
    for rows, z in columns.products():
        out += w[:, rows] @ z
    r = len(w)

    def symmetric(flat):
        full = np.empty((r, m, m))
        full[:, ju, ku] = flat
        full[:, ku, ju] = flat
        return full
    return (symmetric(out[:, :k]), out[:, k:k + mm].reshape(r, m, m),
            out[:, k + mm:k + 2 * mm].reshape(r, m, m), symmetric(out[:, k + 2 * mm:]))


def relative_weights(r_xx: np.ndarray, r_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Johnson's (2000) relative weights from a predictor correlation matrix and the predictors'
    correlations with the outcome; batched over leading dimensions.

    r_xx: (… × p × p) correlations among the predictors.
    r_xy: (… × p) correlations of each predictor with the outcome.
    Returns (weights (… × p), r2 (…)): the raw weights, which add up to r2. Where r_xx is not positive
    definite (or holds NaN) the weights and r2 are NaN.
    """
    r_xx = np.asarray(r_xx, dtype=float)
    r_xy = np.asarray(r_xy, dtype=float)
    bad = np.isnan(r_xx).any(axis=(-2, -1)) | np.isnan(r_xy).any(axis=-1)
    safe = np.where(bad[..., None, None], np.eye(r_xx.shape[-1]), r_xx)
    with _one_blas_thread():  # many small matrices: BLAS threads only add overhead (15× on 2 busy cores)
        lam, vec = np.linalg.eigh(safe)
    bad = bad | (lam.min(axis=-1) < EIGEN_TOLERANCE)
    lam = np.where(bad[..., None], 1.0, lam)
    vt = np.swapaxes(vec, -1, -2)
    # the symmetric root V Λ^½ Vᵀ and its inverse V Λ^-½ Vᵀ
    root = (vec * np.sqrt(lam)[..., None, :]) @ vt
    root_inv = (vec / np.sqrt(lam)[..., None, :]) @ vt
    beta = (root_inv @ np.where(bad[..., None], 0.0, r_xy)[..., None])[..., 0]
    weights = (root ** 2 @ (beta ** 2)[..., None])[..., 0]
    weights = np.where(bad[..., None], np.nan, weights)
    return weights, weights.sum(axis=-1)


def bootstrap_counts(n_rows: int, resamples: int, seed: int) -> np.ndarray:
    """How often each of `n_rows` rows is drawn in each of `resamples` bootstrap resamples
    (resamples × rows; each row of the result sums to n_rows). Same seed, same counts."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(n_rows, np.full(n_rows, 1.0 / n_rows), size=resamples)


def fisher_ci(r, n, *, conf: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Fisher-z interval of Pearson correlations r from n pairs (NaN where n < 4)."""
    r, n = np.asarray(r, dtype=float), np.asarray(n, dtype=float)
    z = np.arctanh(np.clip(r, -1 + 1e-15, 1 - 1e-15))
    with np.errstate(invalid="ignore", divide="ignore"):
        half = _sps.norm.ppf(0.5 + conf / 2) / np.sqrt(n - 3)
    ok = (n >= 4) & np.isfinite(r)
    return np.where(ok, np.tanh(z - half), np.nan), np.where(ok, np.tanh(z + half), np.nan)


# ---------------------------------------------------------------------------------------------------
# one driver model: items → outcome

@dataclass
class DriverModel:
    """The result of one driver analysis; per-item arrays follow `items`."""

    items: list[str]
    n: np.ndarray              # respondents behind each item's correlation with the outcome
    n_respondents: int         # respondents with the outcome and at least one item answered
    r2: float
    weight_raw: np.ndarray     # NaN for an item left out of the model (no variance / too few answers)
    weight_pct: np.ndarray
    weight_ci_low: np.ndarray
    weight_ci_high: np.ndarray
    r: np.ndarray
    r_ci_low: np.ndarray
    r_ci_high: np.ndarray
    missing: str               # "pairwise" or "listwise" (what was used)
    valid_resamples: int       # bootstrap resamples that gave a model

    def frame(self) -> pd.DataFrame:
        """One row per item: item, n, r2, weight_raw, weight_pct, weight_ci_low/high, rank, r,
        r_ci_low/high."""
        df = pd.DataFrame({"item": self.items, "n": self.n.astype(int), "r2": self.r2,
                           "weight_raw": self.weight_raw, "weight_pct": self.weight_pct,
                           "weight_ci_low": self.weight_ci_low, "weight_ci_high": self.weight_ci_high,
                           "r": self.r, "r_ci_low": self.r_ci_low, "r_ci_high": self.r_ci_high})
        df["rank"] = df["weight_pct"].rank(ascending=False, method="min").astype("Int64")
        return df


def _fit(values: np.ndarray | _Columns, counts: np.ndarray | None = None):
    """Relative weights of columns 0..p-1 for outcome column p; batched over `counts` (or respondents'
    weights, one row) when given."""
    columns = values if isinstance(values, _Columns) else _Columns.of(values)
    corr, n = _correlations(columns, counts)
    p = columns.x.shape[1] - 1
    weights, r2 = relative_weights(corr[..., :p, :p], corr[..., :p, p])
    return weights, r2, corr, n


def driver_analysis(items: pd.DataFrame, outcome: pd.Series, *, missing: str = "pairwise",
                    bootstrap: int = 500, seed: int = 0, conf: float = 0.95,
                    min_answers: int = 3, weights: np.ndarray | None = None) -> DriverModel:
    """Relative weights, bootstrap intervals and plain correlations of `items` for `outcome`.

    items: one column per item (any numeric scale; the method is scale-free), one row per respondent,
        NaN for no answer.
    outcome: the loyalty measure on the same rows (NaN for no answer; those rows are dropped).
    missing: "pairwise" (default; falls back to "listwise" when the pairwise correlation matrix is not
        positive definite) or "listwise" (complete answers only). See the module docstring.
    bootstrap: resamples for the percentile intervals of weight_pct (0: no intervals).
    seed: seeds the resamples.
    conf: confidence level of both intervals.
    min_answers: an item answered together with the outcome by fewer respondents is left out of the
        model and gets no figures at all (the employee side passes `min_n`, so the weights shown add up
        to 100 without it and nothing can be recovered by subtraction).
    weights: one non-negative weight per row of `items` (None: unweighted) — weighted correlations,
        resamples that keep each respondent's weight, Kish's n_eff in the Fisher-z interval.
    Returns a DriverModel. Items without variance or with fewer than `min_answers` answers are left out
    of the model (NaN weight and r); if no model can be fitted at all, every weight is NaN.
    """
    if missing not in MISSING:
        raise ValueError(f"missing={missing!r}; choose one of {list(MISSING)}")
    names = [str(c) for c in items.columns]
    data = items.astype(float).to_numpy()
    y = pd.Series(outcome, index=items.index).astype(float).to_numpy()
    keep = ~np.isnan(y) & (~np.isnan(data)).any(axis=1)
    w = None if weights is None else np.asarray(weights, dtype=float)[keep]
    data, y = data[keep], y[keep]
    if missing == "listwise":
        complete = ~np.isnan(data).any(axis=1)
        data, y = data[complete], y[complete]
        w = None if w is None else w[complete]
    values = np.column_stack([data, y])
    p = len(names)

    corr, pair_n = pairwise_correlations(values)
    n_ci = pair_n[:p, p] if len(values) else np.zeros(p)  # the n of r's Fisher-z interval
    if w is not None and len(values):
        corr = pairwise_correlations(values, w[None, :])[0][0]
        n_ci = _pair_n_eff(values, w)
    n = pair_n[:p, p] if len(values) else np.zeros(p)
    r = corr[:p, p] if len(values) else np.full(p, np.nan)
    # items that can enter the model: some variance, and enough answers together with the outcome
    usable = np.isfinite(r) & (n >= max(int(min_answers), 3))
    r = np.where(usable, r, np.nan)
    r_low, r_high = fisher_ci(r, n_ci, conf=conf)
    if len(values):
        sub = corr[np.ix_(usable, usable)]
        usable_all = usable.copy()
        usable_all[usable] = ~np.isnan(sub).any(axis=1)
        usable = usable_all
    cols = np.r_[np.flatnonzero(usable), p]
    used = missing
    model = values[:, cols]
    raw_u, r2 = np.full(usable.sum(), np.nan), np.nan
    if usable.sum() >= 1 and len(model) >= usable.sum() + 2:
        if len(cols) == values.shape[1]:  # every column is in the model: its correlations are known
            raw_u, r2 = relative_weights(corr[:p, :p], corr[:p, p])
        else:
            raw_u, r2 = _fit_once(model, w)
        if np.isnan(r2) and missing == "pairwise":
            # pairwise matrix not positive definite: complete answers only
            used = "listwise"
            complete = ~np.isnan(model).any(axis=1)
            model, w = model[complete], None if w is None else w[complete]
            if len(model) >= usable.sum() + 2:
                raw_u, r2 = _fit_once(model, w)
    raw = np.full(p, np.nan)
    raw[usable] = raw_u
    r2 = float(r2)
    pct = 100.0 * raw / r2 if np.isfinite(r2) and r2 > 0 else np.full(p, np.nan)

    ci_low, ci_high, valid = np.full(p, np.nan), np.full(p, np.nan), 0
    if bootstrap > 0 and np.isfinite(r2) and r2 > 0:
        intervals = bootstrap_intervals if len(model) < BLB_FROM_ROWS else little_bootstrap_intervals
        extra = {"estimate": 100.0 * raw_u / r2} if intervals is little_bootstrap_intervals else {}
        low, high, valid = intervals(model, bootstrap=bootstrap, seed=seed, conf=conf, weights=w, **extra)
        if valid >= MIN_VALID_RESAMPLES * bootstrap:
            ci_low[usable], ci_high[usable] = low, high
    return DriverModel(items=names, n=n, n_respondents=int(len(values)), r2=r2, weight_raw=raw,
                       weight_pct=pct, weight_ci_low=ci_low, weight_ci_high=ci_high, r=r, r_ci_low=r_low,
                       r_ci_high=r_high, missing=used, valid_resamples=valid)


def _fit_once(model: np.ndarray, weights: np.ndarray | None) -> tuple[np.ndarray, float]:
    """(raw weights, R²) of one model, weighted by the respondents' weights when given."""
    if weights is None:
        return _fit(model)[:2]
    raw, r2 = _fit(model, weights[None, :])[:2]
    return raw[0], r2[0]


def _pair_n_eff(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Kish's n_eff (Σw)²/Σw² of the respondents behind each predictor's correlation with the outcome
    (the last column): those who answered both."""
    both = ~np.isnan(values[:, :-1]) & ~np.isnan(values[:, -1:])
    sw, sw2 = weights @ both, (weights * weights) @ both
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sw2 > 0, sw * sw / sw2, 0.0)


def _percentile_interval(boot: np.ndarray, conf: float) -> tuple[np.ndarray, np.ndarray, int]:
    ok = np.isfinite(boot).all(axis=1)
    tail = (1 - conf) / 2 * 100
    if not ok.any():
        return np.full(boot.shape[1], np.nan), np.full(boot.shape[1], np.nan), 0
    low, high = np.percentile(boot[ok], [tail, 100 - tail], axis=0)
    return low, high, int(ok.sum())


def bootstrap_intervals(model: np.ndarray, *, bootstrap: int, seed: int, conf: float,
                        weights: np.ndarray | None = None):
    """Percentile intervals of the % weights from `bootstrap` resamples of the rows of `model` (items…,
    outcome); with `weights`, each drawn row counts its weight. Returns (low, high, valid resamples)."""
    columns = _Columns.of(model, keep=True)  # the same rows summed once per batch of resamples
    with _one_blas_thread():
        boot = np.concatenate([_boot_pct(columns, chunk if weights is None else chunk * weights)
                               for chunk in _kept_batches(len(model), bootstrap, seed)])
    return _percentile_interval(boot, conf)


def little_bootstrap_intervals(model: np.ndarray, *, bootstrap: int, seed: int, conf: float,
                               estimate: np.ndarray | None = None, weights: np.ndarray | None = None):
    """The same intervals by the bag of little bootstraps (Kleiner, Talwalkar, Sarkar & Jordan 2014,
    JRSS-B 76(4)), for large samples: BLB_SUBSETS random subsets of b = n^BLB_EXPONENT rows; in each,
    `bootstrap / BLB_SUBSETS` resamples of full size n drawn over the subset's rows (multinomial counts,
    so a resample costs b rows, not n). What each subset gives is how far its percentile interval
    reaches below and above its own estimate; those reaches, averaged over the subsets, are laid around
    the estimate from all n rows (a subset's own estimate is only as precise as b rows allow). At
    n = 1,000,000 about 60× cheaper than resampling every row; below BLB_FROM_ROWS rows (every
    demo-sized engagement) the plain bootstrap is used, with the same draws as before."""
    rng = np.random.default_rng(seed)
    n = len(model)
    b = int(np.ceil(n ** BLB_EXPONENT))
    per_subset = max(1, int(np.ceil(bootstrap / BLB_SUBSETS)))
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    if estimate is None:  # the % weights of all rows (driver_analysis passes those it has)
        estimate = _boot_pct(model, w[None, :])[0]
    below, above, valid = [], [], 0
    for _ in range(BLB_SUBSETS):
        rows = rng.choice(n, size=b, replace=False)
        subset, w_subset = model[rows], w[rows]
        own = _boot_pct(subset, w_subset[None, :])[0]
        counts = rng.multinomial(n, np.full(b, 1.0 / b), size=per_subset) * w_subset
        low, high, ok = _percentile_interval(_boot_pct(subset, counts), conf)
        if ok >= MIN_VALID_RESAMPLES * per_subset and np.isfinite(own).all():
            below.append(own - low)
            above.append(high - own)
        valid += ok
    if not below:
        return np.full(len(estimate), np.nan), np.full(len(estimate), np.nan), valid
    return estimate - np.mean(below, axis=0), estimate + np.mean(above, axis=0), valid


def _count_batches(n_rows: int, resamples: int, seed: int, columns: int):
    """`bootstrap_counts` drawn batch by batch from one generator (the same draws as in one go), each
    batch's counts within BOOTSTRAP_BYTES — 500 resamples of a million rows would need 4 GB at once.
    `columns` is kept for the callers; the weighted sums work block by block and need little more."""
    rng = np.random.default_rng(seed)
    size = int(max(1, min(BOOTSTRAP_CHUNK, BOOTSTRAP_BYTES // max(1, n_rows * 8))))
    p, done = np.full(n_rows, 1.0 / n_rows), 0
    while done < resamples:
        k = min(size, resamples - done)
        yield rng.multinomial(n_rows, p, size=k)
        done += k


_DRAWN: OrderedDict[tuple, list[np.ndarray]] = OrderedDict()  # (rows, resamples, seed) -> the batches


def _kept_batches(n_rows: int, resamples: int, seed: int):
    """`_count_batches`, kept for the next model of as many rows (within DRAWS_KEPT_BYTES, the most
    recent first): a side's models on the mirror items and on its questions often have the same
    respondents, and so the same draws — half the demo's drawing."""
    key = (n_rows, resamples, seed)
    if key in _DRAWN:
        _DRAWN.move_to_end(key)
        return _DRAWN[key]
    if n_rows * resamples * 8 > DRAWS_KEPT_BYTES:
        return _count_batches(n_rows, resamples, seed, 0)
    batches = list(_count_batches(n_rows, resamples, seed, 0))
    for batch in batches:
        batch.setflags(write=False)  # shared by the models that draw them
    _DRAWN[key] = batches
    while sum(b.nbytes for kept in _DRAWN.values() for b in kept) > DRAWS_KEPT_BYTES:
        _DRAWN.popitem(last=False)
    return batches


def _boot_pct(model: np.ndarray | _Columns, counts: np.ndarray) -> np.ndarray:
    weights, r2 = _fit(model, counts)[:2]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((r2 > 0)[:, None], 100.0 * weights / r2[:, None], np.nan)


# ---------------------------------------------------------------------------------------------------
# the drivers table (drivers.csv)

def _labels(clean: CleanSide, language: str) -> dict[str, str]:
    return {item.id: display_label(item, language) for item in clean.items}


def _customer_outcome(customer: CleanSide, engagement: Engagement) -> str:
    outcome = engagement.analysis.driver_outcome
    if outcome not in customer.frame.columns:
        column = "satisfaction_column" if outcome == "satisfaction" else "nps_column"
        raise ParamsError("analysis.driver_outcome", [
            f"the key-driver outcome is {outcome!r} but the customer file has no such answers; set "
            f"`customer.{column}` or choose another `analysis.driver_outcome` (nps or satisfaction)"])
    return outcome


def _side_rows(clean: CleanSide, outcome_column: str, outcome: str, engagement: Engagement,
               wave: str | None, *, missing: str, hidden_totals: set = frozenset(),
               labels: dict[str, str] | None = None) -> pd.DataFrame:
    """One side's driver rows; `labels` (column id -> label) names the predictors, default the mirror items."""
    a = engagement.analysis
    labels = labels if labels is not None else _labels(clean, engagement.language)
    ids = list(labels)
    # employees: an item answered by fewer than min_n is left out of the model altogether
    model = driver_analysis(clean.frame[ids], clean.frame[outcome_column], missing=missing,
                            bootstrap=a.bootstrap, seed=a.seed, conf=1 - a.alpha,
                            min_answers=a.min_n if clean.side == "employee" else 3,
                            weights=rows_design(clean, engagement, wave).weights)
    df = model.frame()
    df.insert(0, "side", clean.side)
    df.insert(1, "outcome", outcome)
    df.insert(2, "wave", wave if wave is not None else "")
    df.insert(4, "label", df["item"].map(labels))
    df["n_respondents"] = model.n_respondents
    df["missing"] = model.missing
    df["suppressed"] = df["weight_raw"].isna()
    if clean.side == "employee":
        # anonymity: the employee model is shown only for at least min_n employees (items answered by
        # fewer were already left out of the model, so their rows carry no figures)
        # nor when the aggregates hide the employees' total (a pooled total that would give a small
        # wave back): weights of the pool beside the single waves' are left out too, to be safe
        hide_all = too_small(model.n_respondents, a.min_n) or RESPONDENTS in hidden_totals
        hidden = pd.Series(hide_all, index=df.index)
        figures = ["r2", "weight_raw", "weight_pct", "weight_ci_low", "weight_ci_high", "r", "r_ci_low",
                   "r_ci_high"]
        df.loc[hidden, figures] = np.nan
        df.loc[hidden, "rank"] = pd.NA
        df["suppressed"] = df["suppressed"] | hidden
        # nor the size of a group too small to show (the item's answers, the model's respondents), nor
        # a total the aggregates hide (`hidden_totals`: a pooled total would give a hidden wave back)
        small = hidden_for(clean.side, df["n"].fillna(0), a.min_n) | df["item"].isin(hidden_totals)
        df["n"] = df["n"].astype("Int64").mask(hidden | small)
        df["n_respondents"] = df["n_respondents"].astype("Int64").mask(hidden | (RESPONDENTS in hidden_totals))
    return df.sort_values(["rank", "item"], na_position="last", kind="stable")[DRIVER_COLUMNS]


def drivers_table(customer: CleanSide, employee: CleanSide, engagement: Engagement, *,
                  wave: str | None = None, missing: str = "pairwise", hidden_totals: set = frozenset()) -> pd.DataFrame:
    """Key drivers of loyalty for both sides (drivers.csv).

    customer, employee: the cleaned sides (`pipeline.load_side`), all waves.
    engagement: the engagement (items, language, `analysis.driver_outcome`, `bootstrap`, `seed`,
        `alpha`, `min_n`).
    wave: the wave to describe, as in `Results.wave`; None uses all rows (pooled), like `in_wave`.
    missing: "pairwise" (default) or "listwise"; see the module docstring.
    hidden_totals: the employee measures whose total the aggregates hide (`Results.hidden_totals`):
        their n (and, for "respondents", the model's n_respondents) is left out.
    Returns one row per side and item, each side sorted by rank (1 = strongest driver), columns
    DRIVER_COLUMNS: side, outcome ("nps"/"satisfaction" for customers, "enps" for employees), wave,
    item, label, n, n_respondents, r2, weight_raw, weight_pct (% of r2), weight_ci_low/high (bootstrap
    percentile interval of weight_pct), rank, r, r_ci_low/high (Pearson r with Fisher-z interval),
    missing (the deletion used), suppressed (True: no figures shown for the row).
    """
    c, e = in_wave(customer, wave), in_wave(employee, wave)
    parts = [_side_rows(c, _customer_outcome(c, engagement), engagement.analysis.driver_outcome, engagement,
                        wave, missing=missing)]
    if "nps" in e.frame.columns:
        parts.append(_side_rows(e, "nps", "enps", engagement, wave, missing=missing, hidden_totals=hidden_totals))
    return pd.concat(parts, ignore_index=True)


def question_drivers_table(customer: CleanSide, employee: CleanSide, engagement: Engagement, *,
                           wave: str | None = None, missing: str = "pairwise",
                           hidden_totals: set = frozenset()) -> pd.DataFrame:
    """Key drivers from the side-only questions (question_drivers.csv): the employees' eNPS from the
    employee questions, the customers' `analysis.driver_outcome` (NPS or satisfaction) from the customer
    questions — the same relative weights, bootstrap, deletion and anonymity as `drivers_table`, on the
    questions instead of the mirror items (`item` holds the question id). A side without questions (or
    without its outcome) has no rows. Columns DRIVER_COLUMNS."""
    c, e = in_wave(customer, wave), in_wave(employee, wave)
    lang = engagement.language
    parts = []
    if c.questions and engagement.analysis.driver_outcome in c.frame.columns:
        parts.append(_side_rows(c, engagement.analysis.driver_outcome, engagement.analysis.driver_outcome,
                                engagement, wave, missing=missing, labels=_question_labels(c, lang)))
    if e.questions and "nps" in e.frame.columns:
        parts.append(_side_rows(e, "nps", "enps", engagement, wave, missing=missing,
                                hidden_totals=hidden_totals, labels=_question_labels(e, lang)))
    if not parts:
        return pd.DataFrame(columns=DRIVER_COLUMNS)
    return pd.concat(parts, ignore_index=True)


def _question_labels(clean: CleanSide, language: str) -> dict[str, str]:
    return {q.id: q.label.get(language) or q.label.get("en") or q.id for q in clean.questions}


def drivers_csv_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The columns of drivers.csv, in order, rounded so that reruns write identical bytes."""
    out = table[DRIVER_COLUMNS].copy()
    floats = out.select_dtypes("float").columns
    out[floats] = out[floats].round(6)
    return out
