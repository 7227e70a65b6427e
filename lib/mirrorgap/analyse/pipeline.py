"""One engagement from params to results: read both sides, clean them, pick the wave, compute."""
from __future__ import annotations

import weakref
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from mirrorgap.analyse.design import SideDesign, design_summaries, response_rates, side_design
from mirrorgap.analyse.disclosure import RESPONDENTS, audit_waves, hidden_totals
from mirrorgap.analyse.gaps import gap_table, gap_table_from_summaries
from mirrorgap.analyse.top_box import gap_table_for_metric
from mirrorgap.config.params import Engagement
from mirrorgap.config.texts import section
from mirrorgap.errors import ParamsError
from mirrorgap.read.headcount import read_headcount
from mirrorgap.read.pages import small_pages
from mirrorgap.read.readers import read_survey
from mirrorgap.read.recode import CleanSide, clean_side, waves_of
from mirrorgap.read.scrub import scrub_side
from mirrorgap.read.weights import attach_weights
from mirrorgap.stats.estimators import nps
from mirrorgap.stats.nps import NPS_COLUMNS, nps_weighted
from mirrorgap.stats.small_groups import hidden_for
from mirrorgap.stats.survey import fpc_share


@dataclass
class Results:
    """Everything an engagement run shows or writes."""

    engagement: Engagement
    customer: CleanSide
    employee: CleanSide
    wave: str | None  # the wave the gap table and NPS describe; None when pooled or no wave column
    gaps: pd.DataFrame
    nps: pd.DataFrame
    respondents: dict[str, int | None]  # per side, in the selected wave (None: a total the aggregates hide)
    # The insight tables, by name (drivers, priority, units, linkage, touchpoints, journeys, trends,
    # themes, pulse, actions); each is also written as <name>.csv. Client-facing: already suppressed.
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    texts: dict[str, object] = field(default_factory=dict)  # e.g. linkage summary, narrative
    # the employee measures (item ids, "nps", "respondents") whose total the aggregates hide for these rows
    hidden_totals: set[str] = field(default_factory=set)
    # the survey design of the selected wave per side (weights, the employees' headcount); inactive
    # designs (no weights, no headcount) leave every figure as without them
    designs: dict[str, SideDesign] = field(default_factory=dict)
    # the employees' headcount (None: none), for the breakdowns' finite-population correction
    headcount: pd.DataFrame | None = None


def load_side(engagement: Engagement, side: str) -> CleanSide:
    """Read and clean one side's survey file; comments are scrubbed of personal data here, before
    anything else can store or show them."""
    raw = read_survey(engagement.side(side).input, side=side)
    clean = attach_weights(raw, clean_side(raw, engagement, side), engagement.side(side).weight_column)
    return scrub_side(clean, engagement)


def load_headcount(engagement: Engagement) -> pd.DataFrame | None:
    """The employees' headcount file as `read.headcount.read_headcount` gives it (None without one)."""
    return read_headcount(engagement.headcount) if engagement.headcount is not None else None



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


_IN_WAVE: dict[int, tuple[weakref.ref, dict]] = {}  # id(side) -> (the side, its rows by wave)


@small_pages  # the wave's copy of a million-row side: half a million rows a column, on ordinary pages
def in_wave(clean: CleanSide, wave: str | None) -> CleanSide:
    """The side restricted to one wave (all rows when wave is None). The same object for the same side
    and wave (cached): the suppression decision for these rows (`disclosure.decide`, cached per frame)
    is then made once per run — the gap table's and the unit tables' callers each made it anew."""
    if wave is None:
        return clean
    held = _IN_WAVE.get(id(clean))
    if held is None or held[0]() is not clean:
        held = _IN_WAVE[id(clean)] = (weakref.ref(clean), {})
        weakref.finalize(clean, _IN_WAVE.pop, id(clean), None)
    if wave not in held[1]:
        frame = clean.frame[clean.frame["wave"] == wave].reset_index(drop=True)
        held[1][wave] = replace(clean, frame=frame, wave_order=None)
    return held[1][wave]


def nps_table(customer: CleanSide, employee: CleanSide, engagement: Engagement,
              designs: dict[str, SideDesign] | None = None, *, employee_hidden: bool = False) -> pd.DataFrame:
    """NPS (customers) and eNPS (employees) side by side; eNPS from fewer than min_n answers (or
    `employee_hidden`: its total hidden in the aggregates) is suppressed, its n too (missing: the size of
    a group too small to show is not shown). designs: per side its weights (weighted shares, Kish's n_eff
    in the interval) and headcount (the finite-population correction); None or inactive: the plain NPS."""
    labels = section(engagement.language, "side")
    conf = 1 - engagement.analysis.alpha
    designs = designs or {}
    rows = []
    for clean, label in ((customer, labels["customer_nps"]), (employee, labels["employee_nps"])):
        if "nps" not in clean.frame:
            continue
        scores, design = clean.frame["nps"].to_numpy(dtype=float), designs.get(clean.side, SideDesign())
        answered = ~np.isnan(scores)
        fpc = fpc_share(int(answered.sum()), design.population)
        if design.weights is not None and answered.any() and design.weights[answered].sum() <= 0:
            raise ParamsError(f"{clean.side}.weight_column", [f"every {clean.side} who answered the "
                                                              f"{'NPS' if clean.side == 'customer' else 'eNPS'} "
                                                              "question has weight 0; check the weights"])
        r = (nps(scores, conf=conf, fpc=fpc) if design.weights is None
             else nps_weighted(scores, design.weights, conf=conf, fpc=fpc))
        row = {"side": clean.side, "label": label, **{k: getattr(r, k) for k in NPS_COLUMNS[2:]}}
        if hidden_for(clean.side, r.n, engagement.analysis.min_n) or (clean.side == "employee" and employee_hidden):
            row.update({k: np.nan for k in NPS_COLUMNS[2:]})
        rows.append(row)
    return pd.DataFrame(rows, columns=NPS_COLUMNS).astype({"n": "Int64"})


def design_gap_table(c: CleanSide, e: CleanSide, engagement: Engagement, designs: dict[str, SideDesign], *,
                     hidden: dict | None = None) -> pd.DataFrame:
    """The gap table on the POMP mean: `gap_table` without a design, else from the weighted (or
    headcounted) summaries with Kish's n_eff and the finite-population correction. hidden: as in
    `gaps.gap_table_from_counts`."""
    analysis = engagement.analysis
    if not any(d.active for d in designs.values()):
        return gap_table(c, e, analysis, language=engagement.language, hidden=hidden)
    summaries, per_item = {}, {}
    for clean in (c, e):
        summaries[clean.side], per_item[clean.side] = design_summaries(clean, designs[clean.side],
                                                                       top_box_at=analysis.top_box_at)
    scales = {clean.side: clean.scales for clean in (c, e)}
    return gap_table_from_summaries(summaries, scales, c.items, analysis, language=engagement.language,
                                    hidden=hidden, designs=per_item)


def analyse(engagement: Engagement, customer: CleanSide, employee: CleanSide, *,
            headcount: pd.DataFrame | None = None) -> Results:
    """Gap table (on the params' metric) and NPS/eNPS for the wave the params select, with the survey
    design (weights, the employees' headcount: read here when the params name one and `headcount` is
    not given) and the response rates."""
    wave = resolve_wave(engagement, customer, employee)
    c, e = in_wave(customer, wave), in_wave(employee, wave)
    if engagement.headcount is None:  # the params say whether there is a headcount
        headcount = None
    elif headcount is None:
        headcount = load_headcount(engagement)
    designs = {clean.side: side_design(clean, engagement, headcount=headcount, wave=wave) for clean in (c, e)}
    audit_waves(employee, engagement)  # all at once, on two cores where one is idle; the decisions below reuse them
    # what the aggregates hide of the employees' total the report hides too (a pooled total next to the
    # dashboard's single waves would give a hidden wave back)
    hidden = hidden_totals(e, engagement)
    gaps = gap_table_for_metric(design_gap_table(c, e, engagement, designs, hidden={"employee": hidden}),
                                engagement.analysis)
    employees = len(e.frame)
    if RESPONDENTS in hidden and not hidden_for("employee", employees, engagement.analysis.min_n):
        employees = None  # not "fewer than min_n": hidden for what it would give away
    results = Results(engagement=engagement, customer=customer, employee=employee, wave=wave,
                      gaps=gaps, nps=nps_table(c, e, engagement, designs, employee_hidden="nps" in hidden),
                      respondents={"customer": len(c.frame), "employee": employees}, hidden_totals=hidden,
                      designs=designs, headcount=headcount)
    if headcount is not None:
        waves = [wave] if wave is not None else (waves_of(employee) or [None])
        results.tables["response_rates"] = response_rates(employee, engagement, headcount, waves=waves)
    return results


def run_analysis(engagement: Engagement) -> Results:
    """Read, clean and analyse both sides."""
    return analyse(engagement, load_side(engagement, "customer"), load_side(engagement, "employee"))
