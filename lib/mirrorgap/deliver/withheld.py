"""Why an employee total is not shown when it is not for too few answers.

In a pooled run (`analysis.wave: all`) the aggregates hide the employees' pooled total when it minus
the dashboard's single waves would give a small wave back (`analyse.disclosure.hidden_totals`); the
deliverables hide it too, and must then not say "too few answered": they say this reason, from the
language tables (`finding.withheld_pooled`, `finding.withheld`).
"""
from __future__ import annotations

from mirrorgap.analyse.disclosure import RESPONDENTS
from mirrorgap.analyse.pipeline import Results, in_wave
from mirrorgap.config.texts import section
from mirrorgap.stats.small_groups import hidden_for

__all__ = ["drivers_withheld", "withheld_reason"]


def withheld_reason(results: Results, measure: str = RESPONDENTS) -> str | None:
    """Why the employees' total of `measure` (an item id, "nps", or the respondents) is hidden when it
    is not for too few answers: the aggregates hide it for what it would give away (a pooled total
    minus the dashboard's single waves gives a small wave back; `disclosure.hidden_totals`). None when
    the total is shown, or hidden because too few answered (the usual "too few" words are right then)."""
    if measure not in results.hidden_totals:
        return None
    rows = in_wave(results.employee, results.wave).frame
    n = len(rows) if measure == RESPONDENTS else int(rows[measure].notna().sum()) if measure in rows else 0
    if hidden_for("employee", n, results.engagement.analysis.min_n):
        return None
    words = section(results.engagement.language, "finding")
    return words["withheld_pooled" if results.wave is None else "withheld"]


def drivers_withheld(results: Results) -> str | None:
    """"The employees' key drivers of eNPS are not shown: <why>" when the employees' total is withheld
    for what it would give away (the drivers table then hides every employee weight); else None."""
    reason = withheld_reason(results)
    drivers = results.tables.get("drivers")
    if reason is None or drivers is None or not (drivers["side"] == "employee").any():
        return None
    return section(results.engagement.language, "finding")["drivers_withheld"].format(reason=reason)
