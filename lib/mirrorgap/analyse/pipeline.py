"""One engagement from params to results: read both sides, clean them, pick the wave, compute."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from mirrorgap.analyse.gaps import gap_table
from mirrorgap.analyse.top_box import gap_table_for_metric
from mirrorgap.config.params import Engagement
from mirrorgap.config.texts import section
from mirrorgap.errors import ParamsError
from mirrorgap.read.readers import read_survey
from mirrorgap.read.recode import CleanSide, clean_side, waves_of
from mirrorgap.read.scrub import scrub_side
from mirrorgap.stats.estimators import nps
from mirrorgap.stats.nps import NPS_COLUMNS
from mirrorgap.stats.small_groups import hidden_for


@dataclass
class Results:
    """Everything an engagement run shows or writes."""

    engagement: Engagement
    customer: CleanSide
    employee: CleanSide
    wave: str | None  # the wave the gap table and NPS describe; None when pooled or no wave column
    gaps: pd.DataFrame
    nps: pd.DataFrame
    respondents: dict[str, int]  # per side, in the selected wave
    # The insight tables, by name (drivers, priority, units, linkage, touchpoints, journeys, trends,
    # themes, pulse, actions); each is also written as <name>.csv. Client-facing: already suppressed.
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    texts: dict[str, object] = field(default_factory=dict)  # e.g. linkage summary, narrative


def load_side(engagement: Engagement, side: str) -> CleanSide:
    """Read and clean one side's survey file; comments are scrubbed of personal data here, before
    anything else can store or show them."""
    return scrub_side(clean_side(read_survey(engagement.side(side).input, side=side), engagement, side), engagement)



def resolve_wave(engagement: Engagement, customer: CleanSide, employee: CleanSide) -> str | None:
    """The wave named by `analysis.wave` ("latest", "all" or a label) that both sides share."""
    wanted = engagement.analysis.wave
    if wanted == "all":
        return None
    c_waves, e_waves = waves_of(customer), waves_of(employee)
    if not c_waves or not e_waves:
        return None
    shared = [w for w in c_waves if w in set(e_waves)]
    if wanted == "latest":
        if not shared:
            raise ParamsError("analysis.wave", [f"the sides share no wave (customers: {c_waves}, employees: "
                                                f"{e_waves}); set `analysis.wave: all` or align the wave labels"])
        return shared[-1]
    if wanted not in shared:
        raise ParamsError("analysis.wave", [f"wave {wanted!r} is not in both files; waves found in both: {shared}"])
    return wanted


def in_wave(clean: CleanSide, wave: str | None) -> CleanSide:
    """The side restricted to one wave (all rows when wave is None)."""
    if wave is None:
        return clean
    frame = clean.frame[clean.frame["wave"] == wave].reset_index(drop=True)
    return replace(clean, frame=frame, wave_order=None)


def nps_table(customer: CleanSide, employee: CleanSide, engagement: Engagement) -> pd.DataFrame:
    """NPS (customers) and eNPS (employees) side by side; eNPS from fewer than min_n answers is suppressed."""
    labels = section(engagement.language, "side")
    conf = 1 - engagement.analysis.alpha
    rows = []
    for clean, label in ((customer, labels["customer_nps"]), (employee, labels["employee_nps"])):
        if "nps" not in clean.frame:
            continue
        r = nps(clean.frame["nps"].to_numpy(dtype=float), conf=conf)
        row = {"side": clean.side, "label": label, **{k: getattr(r, k) for k in NPS_COLUMNS[2:]}}
        if hidden_for(clean.side, r.n, engagement.analysis.min_n):
            row.update({k: np.nan for k in NPS_COLUMNS[3:]})
        rows.append(row)
    return pd.DataFrame(rows, columns=NPS_COLUMNS)


def analyse(engagement: Engagement, customer: CleanSide, employee: CleanSide) -> Results:
    """Gap table (on the params' metric) and NPS/eNPS for the wave the params select."""
    wave = resolve_wave(engagement, customer, employee)
    c, e = in_wave(customer, wave), in_wave(employee, wave)
    gaps = gap_table_for_metric(gap_table(c, e, engagement.analysis, language=engagement.language),
                                engagement.analysis)
    return Results(engagement=engagement, customer=customer, employee=employee, wave=wave,
                   gaps=gaps, nps=nps_table(c, e, engagement),
                   respondents={"customer": len(c.frame), "employee": len(e.frame)})


def run_analysis(engagement: Engagement) -> Results:
    """Read, clean and analyse both sides."""
    return analyse(engagement, load_side(engagement, "customer"), load_side(engagement, "employee"))
