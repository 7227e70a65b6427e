"""Why an employee total is not shown when it is not for too few answers.

In a pooled run (`analysis.wave: all`) the aggregates hide the employees' pooled total when it minus
the dashboard's single waves would give a small wave back (`analyse.disclosure.hidden_totals`); the
deliverables hide it too, and must then not say "too few answered": they say this reason, from the
language tables (`finding.withheld_pooled`, `finding.withheld`). A summary that hides several
figures for it says it once (`withheld_note`) and then only points to it (`said_above`), so the long
sentence does not stand there three times.
"""
from __future__ import annotations

from mirrorgap.analyse.disclosure import RESPONDENTS
from mirrorgap.analyse.pipeline import Results, in_wave
from mirrorgap.config.texts import section
from mirrorgap.render.findings import withheld_sentence
from mirrorgap.stats.small_groups import hidden_for

__all__ = ["drivers_withheld", "withheld_note", "withheld_reason"]


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


def withheld_note(results: Results) -> str | None:
    """The reason as a sentence of its own, for the top of a summary, when the employees' total or their
    eNPS is withheld for what it would give away (`withheld_reason`); the figures hidden for it then
    say `said_above`. None when neither is."""
    reason = withheld_reason(results) or withheld_reason(results, "nps")
    return None if reason is None else f"{reason[:1].upper()}{reason[1:]}."


def drivers_withheld(results: Results, *, said_above: bool = False) -> str | None:
    """"The employees' key drivers of eNPS are not shown: <why>" when the employees' total is withheld
    for what it would give away (the drivers table then hides every employee weight); else None.
    said_above: point to the reason said before (`withheld_note`) instead of repeating it."""
    reason = withheld_reason(results)
    drivers = results.tables.get("drivers")
    if reason is None or drivers is None or not (drivers["side"] == "employee").any():
        return None
    return withheld_sentence("drivers_withheld", results.engagement.language, reason, said_above=said_above)
