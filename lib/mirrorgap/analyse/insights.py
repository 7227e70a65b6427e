"""The insight tables of a run, beyond the gap table: what matters most (drivers, priority), where
(units, touchpoints, journeys), since when (trends, pulse), in whose words (themes) and what to do
(actions). Each is client-facing as it stands: suppression happens inside the module that makes it."""
from __future__ import annotations

import pandas as pd

from mirrorgap.analyse.actions import ground_actions, load_actions, priority_items, propose_actions
from mirrorgap.analyse.drivers import drivers_table, question_drivers_table
from mirrorgap.analyse.journeys import employee_journey_table, touchpoint_table
from mirrorgap.analyse.linkage import linkage_summary, linkage_table
from mirrorgap.analyse.per_frame import reading_sides
from mirrorgap.analyse.pipeline import Results, in_wave
from mirrorgap.analyse.priority import priority_table
from mirrorgap.analyse.pulse import load_pulse, pulse_series
from mirrorgap.analyse.questions import five_i_table, index_table, journey_measured_table
from mirrorgap.analyse.themes import load_codebook, theme_table
from mirrorgap.analyse.trends import trend_table
from mirrorgap.analyse.units import group_gap_table, units_csv_frame
from mirrorgap.config.paths import resolve_input
from mirrorgap.config.texts import section


def add_insights(results: Results) -> Results:
    """Fill `results.tables` (and `results.texts`) with every insight the engagement's data supports."""
    with reading_sides():  # the sides' designs and POMP rows made once for every table
        return _add_insights(results)


def _add_insights(results: Results) -> Results:
    eng, wave = results.engagement, results.wave
    c, e = results.customer, results.employee
    tables, headcount = results.tables, results.headcount
    tables["drivers"] = drivers_table(c, e, eng, wave=wave, hidden_totals=results.hidden_totals)
    customer_drivers = tables["drivers"][tables["drivers"]["side"] == "customer"]
    tables["priority"] = priority_table(customer_drivers, results.gaps)
    if len(_waves(c)) > 1:
        tables["trends"] = trend_table(c, e, eng, headcount=headcount)
    if eng.customer.comment_columns or eng.employee.comment_columns:
        codebook = load_codebook(resolve_input(eng.codebook), language=eng.language)
        tables["themes"] = theme_table(c, e, eng, wave=wave, codebook=codebook)
    if eng.pulse is not None:
        frame, ledger = load_pulse(eng)
        tables["pulse"] = pulse_series(frame, eng)
        results.texts["pulse_ledger"] = ledger
    _add_units(results, c if wave is None else in_wave(c, wave), e if wave is None else in_wave(e, wave))
    _add_questions(results)
    top = priority_items(results.gaps, tables["priority"])
    library = load_actions()
    tables["actions"] = propose_actions(top, library, eng.language)
    if "five_is" in tables:
        tables["actions"] = ground_actions(tables["actions"], tables["five_is"], library, eng.language,
                                           texts=section(eng.language, "survey"))
    return results


def _add_questions(results: Results) -> None:
    """The side-only questions (issue 13): indices with reliability, key drivers from the questions,
    the journeys measured and the 5 I's scorecard, for the one wave the report describes."""
    eng, wave, tables, headcount = results.engagement, results.wave, results.tables, results.headcount
    c, e = results.customer, results.employee
    if not (c.questions or e.questions):
        return
    if eng.indices:
        tables["indices"] = index_table(c, e, eng, wave=wave, headcount=headcount)
    tables["question_drivers"] = question_drivers_table(c, e, eng, wave=wave, hidden_totals=results.hidden_totals)
    tables["journey_measured"] = journey_measured_table(c, e, eng, wave=wave, headcount=headcount)
    if any(getattr(q, "five_i", None) for q in e.questions):
        tables["five_is"] = five_i_table(e, eng, drivers=tables["question_drivers"], wave=wave, headcount=headcount)


def _waves(clean) -> list:
    return clean.frame["wave"].dropna().unique().tolist() if "wave" in clean.frame else []


def _add_units(results: Results, customer, employee) -> None:
    """Units (gap per unit, with suppression), linkage across units, touchpoints and employee journeys,
    all for the one wave the report describes."""
    eng, tables, headcount = results.engagement, results.tables, results.headcount
    if eng.customer.unit_column and eng.employee.unit_column:
        tables["units"] = group_gap_table(customer, employee, eng, by="unit", headcount=headcount)
        links = linkage_table(customer, employee, eng)
        tables["linkage"] = links
        results.texts["linkage"] = linkage_summary(links, language=eng.language, conf=1 - eng.analysis.alpha)
    journey_columns = {eng.employee.tenure_column, eng.employee.customer_facing_column}
    segments = [group_gap_table(customer, employee, eng, by=col, headcount=headcount)
                for col in dict.fromkeys([*eng.customer.segment_columns, *eng.employee.segment_columns])
                if col not in journey_columns]  # a segment on both sides compares its groups once
    if segments:
        tables["segments"] = pd.concat(segments, ignore_index=True)
    if any(i.touchpoint for i in eng.analysed_items):
        tables["touchpoints"] = touchpoint_table(customer, employee, eng, hidden_totals=results.hidden_totals,
                                                 headcount=headcount)
    if eng.employee.tenure_column or eng.employee.customer_facing_column:
        tables["journeys"] = employee_journey_table(customer, employee, eng, headcount=headcount)


def insight_csv_frames(results: Results) -> dict[str, pd.DataFrame]:
    """The tables written as <name>.csv, rounded so reruns write identical bytes."""
    out = {}
    tables = dict(results.tables)
    if "units" in tables:  # units.csv carries the linkage rows too
        tables["units"] = units_csv_frame(tables["units"], tables.pop("linkage", pd.DataFrame()))
    for name, table in tables.items():
        frame = table.copy()
        floats = frame.select_dtypes("float").columns
        frame[floats] = frame[floats].round(6)
        out[name] = frame
    return out
