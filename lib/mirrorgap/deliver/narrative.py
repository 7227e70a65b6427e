"""The executive summary, written from the numbers in the engagement language (`summary.<lang>.md`).

Every sentence comes from a template in templates/lang/<lang>.narrative.yaml and is only used when
the statistics support it: a gap or a change is named only when its CI excludes zero, the strongest
driver is named alone only when its interval does not overlap the next one, and linkage is never
described as cause."""
from __future__ import annotations

import math

import pandas as pd

from mirrorgap.analyse.pipeline import Results
from mirrorgap.config.numbers import fmt_number
from mirrorgap.config.texts import section
from mirrorgap.deliver.withheld import drivers_withheld, withheld_note, withheld_reason
from mirrorgap.render import findings
from mirrorgap.stats.intervals import excludes_zero, intervals_overlap

TOP = 3  # blind spots, hidden strengths and changes named in the summary


def _f(language: str):
    return lambda v, **kw: fmt_number(v, language, **kw)


def _driver_sentence(drivers: pd.DataFrame | None, words: dict, language: str, outcome_words: dict) -> str | None:
    if drivers is None or drivers.empty:
        return None
    d = drivers[(drivers["side"] == "customer") & drivers["weight_pct"].notna()].sort_values("rank")
    if d.empty:
        return None
    f, first = _f(language), d.iloc[0]
    outcome = outcome_words.get(f"outcome_{first['outcome']}", str(first["outcome"]).upper())
    second = d.iloc[1] if len(d) > 1 else None
    if second is not None and intervals_overlap(first["weight_ci_low"], first["weight_ci_high"],
                                                second["weight_ci_low"], second["weight_ci_high"]):
        return words["driver_two"].format(outcome=outcome, label=first["label"], label2=second["label"],
                                          weight=f(first["weight_pct"]), weight2=f(second["weight_pct"]))
    return words["driver_one"].format(outcome=outcome, label=first["label"], weight=f(first["weight_pct"]),
                                      low=f(first["weight_ci_low"]), high=f(first["weight_ci_high"]))


def _unit_sentence(units: pd.DataFrame | None, words: dict, language: str) -> str | None:
    if units is None or units.empty:
        return None
    shown = units[~units["suppressed"].astype(bool) & units["gap"].notna()]
    clear = shown[excludes_zero(shown["gap_ci_low"], shown["gap_ci_high"])]
    if clear.empty:
        return words["unit_none"]
    row = clear.loc[clear["gap"].abs().idxmax()]
    f = _f(language)
    return words["unit_gap"].format(unit=row["group"], label=row["label"], gap=f(row["gap"], signed=True),
                                    low=f(row["gap_ci_low"], signed=True), high=f(row["gap_ci_high"], signed=True))


def _change_sentences(trends: pd.DataFrame | None, words: dict, sides: dict, language: str) -> tuple[str, list[str]]:
    """(the wave compared with, sentences) for significant item changes and closed/widened gaps."""
    if trends is None or trends.empty:
        return "", []
    last_to = trends["wave_to"].dropna().iloc[-1]
    latest = trends[trends["wave_to"] == last_to]
    wave_from = str(latest["wave_from"].iloc[0])
    f, out = _f(language), []
    items = latest[(latest["kind"] == "item_change") & latest["significant"].fillna(False).astype(bool)]
    items = items.reindex(items["change"].abs().sort_values(ascending=False).index).head(TOP)
    for r in items.itertuples():
        key = "change_up" if r.change > 0 else "change_down"
        out.append(words[key].format(side=sides[r.side], label=r.label, wave_from=wave_from,
                                     change=f(r.change, signed=True, decimals=1),
                                     low=f(r.change_ci_low, signed=True, decimals=1),
                                     high=f(r.change_ci_high, signed=True, decimals=1)))
    if not out:
        out.append(words["no_changes"].format(wave_from=wave_from))
    gaps = latest[(latest["kind"] == "gap_change") & latest["gap_direction"].isin(["closed", "widened"])]
    for r in gaps.itertuples():
        out.append(words[f"gap_{r.gap_direction}"].format(
            label=r.label, gap_from=f(r.gap_from, signed=True), gap_to=f(r.gap_to, signed=True),
            change=f(r.gap_change, signed=True, decimals=1), low=f(r.gap_change_ci_low, signed=True, decimals=1),
            high=f(r.gap_change_ci_high, signed=True, decimals=1)))
    if gaps.empty:
        out.append(words["gaps_stable"].format(wave_from=wave_from))
    return wave_from, out


def _linkage_sentence(summary, words: dict, language: str) -> str | None:
    if summary is None or not getattr(summary, "n_units", 0) or summary.pearson_r is None \
            or (isinstance(summary.pearson_r, float) and math.isnan(summary.pearson_r)):
        return None
    f = lambda v: fmt_number(v, language, decimals=2)  # noqa: E731
    low, high = summary.pearson_ci_low, summary.pearson_ci_high
    key = "linkage" if excludes_zero(low, high) else "linkage_unclear"
    return words[key].format(n_units=fmt_number(summary.n_units, language), r=f(summary.pearson_r), low=f(low),
                             high=f(high))


def summary_markdown(results: Results) -> str:
    """The executive summary as Markdown in the engagement language."""
    eng, lang = results.engagement, results.engagement.language
    words, finding = section(lang, "narrative"), section(lang, "finding")
    sides = {"customer": words["subject_customer"], "employee": words["subject_employee"]}
    report = section(lang, "report")
    wave_label = results.wave if results.wave is not None else report["all_waves"]
    shown = findings.respondents_words(results.respondents, min_n=eng.analysis.min_n, language=lang)
    # why employee figures are withheld, said once next to the undisclosed number; the sections point here
    note = withheld_note(results)
    above = note is not None
    intro = words["intro"].format(customers=shown["customer"], employees=shown["employee"], wave_label=wave_label)
    lines = [f"# {words['title'].format(client=eng.client)}", "", f"{intro} {note}" if above else intro, ""]
    loyalty = findings.nps_sentence(results.nps, lang, withheld=withheld_reason(results, "nps"), said_above=above)
    if loyalty:
        lines += [f"## {words['loyalty_heading']}", "", loyalty, ""]
    found = findings.item_findings(results.gaps, lang, withheld=withheld_reason(results), said_above=above)
    lines += [f"## {words['gaps_heading']}", ""]
    for kind, heading in (("blind_spot", "blind_spots_heading"), ("hidden_strength", "hidden_strengths_heading")):
        if found[kind]:
            lines += [f"**{finding[heading]}**", ""] + [f"- {s}" for s in found[kind][:TOP]] + [""]
    if not found["blind_spot"] and not found["hidden_strength"] and found["none"]:
        lines += [found["none"], ""]
    lines += [f"- {s}" for s in found["untested"]] + ([""] if found["untested"] else [])
    lines += [s + "\n" for s in findings.shared_findings(results.gaps, lang)]
    drivers = [s for s in (_driver_sentence(results.tables.get("drivers"), words, lang, words),
                           drivers_withheld(results, said_above=above)) if s]
    if drivers:
        lines += [f"## {words['drivers_heading']}", ""] + [s + "\n" for s in drivers]
    where = [s for s in (_unit_sentence(results.tables.get("units"), words, lang),
                         _linkage_sentence(results.texts.get("linkage"), words, lang)) if s]
    if where:
        lines += [f"## {words['units_heading']}", ""] + [s + "\n" for s in where]
    wave_from, changes = _change_sentences(results.tables.get("trends"), words, sides, lang)
    if changes:
        lines += [f"## {words['changes_heading'].format(wave_from=wave_from)}", ""] + [f"- {s}" for s in changes] + [""]
    return "\n".join(lines).rstrip() + "\n"
