"""Blind spots, hidden strengths and loyalty figures in plain words, in the engagement language."""
from __future__ import annotations

import math

import pandas as pd

from mirrorgap.analyse.gaps import UNTESTED
from mirrorgap.config.numbers import fmt_number, fmt_percent
from mirrorgap.config.texts import section
from mirrorgap.stats.small_groups import hidden_for


def method_text(engagement, results=None) -> str:
    """How the gaps were computed and classified, with this engagement's settings and metric; given
    the run's results, also how weights and the employees' headcount entered (`design_text`)."""
    a, lang = engagement.analysis, engagement.language
    text = section(lang, "report", metric=a.metric)["method_text"].format(
        threshold=fmt_number(a.gap_threshold, lang), alpha=fmt_number(a.alpha, lang, decimals=2), min_n=a.min_n,
        top_box_at=fmt_number(a.top_box_at, lang))
    design = design_text(results) if results is not None else ""
    return f"{text} {design}" if design else text


def design_text(results) -> str:
    """The survey design in words: each weighted side (how, Kish's effective n), a weighted pulse and
    the employees' headcount (invited, answered, the response rate and the finite-population
    correction); "" when the run has none of them. The employees' number of answers follows the
    min_n rule (`respondents_words`)."""
    eng = results.engagement
    lang, words = eng.language, section(eng.language, "design")
    parts = []
    for side in ("customer", "employee"):
        design, spec = results.designs.get(side), eng.side(side)
        if design is None or design.weights is None:
            continue
        n = respondents_words({side: len(design.weights)}, min_n=eng.analysis.min_n, language=lang)[side]
        parts.append(words[f"side_{side}"].format(how=_how_weighted(spec, words),
                                                  n_eff=fmt_number(design.n_eff, lang, decimals=1), n=n))
    if parts:  # the breakdowns, the themes and the linkage take the same weights (`analyse.group_design`)
        parts.append(words["weighted_breakdowns"])
    if eng.pulse is not None and eng.pulse.weighted and "pulse" in results.tables:
        parts.append(words["pulse"].format(how=_how_weighted(eng.pulse, words)))
    rates = results.tables.get("response_rates")
    if rates is not None:
        totals = rates[rates["by"] == ""]
        invited = fmt_number(int(totals["invited"].iloc[0]), lang) if len(totals) else "–"
        employee = results.designs.get("employee")
        if employee is not None and employee.population is not None and len(totals) == 1:
            total = totals.iloc[0]
            responded = respondents_words({"employee": results.respondents["employee"]}, min_n=eng.analysis.min_n,
                                          language=lang)["employee"]
            rate = "–" if total.suppressed else fmt_percent(total.response_rate, lang)
            parts.append(words["fpc"].format(invited=invited, responded=responded, rate=rate))
            parts.append(words["fpc_where"].format(groups=_counted_groups(eng.headcount, words)))
        else:
            invited = " / ".join(f"{fmt_number(int(v), lang)} ({w})" for w, v in zip(totals["wave"], totals["invited"]))
            parts.append(words["fpc_pooled"].format(invited=invited))
            if "trends" in results.tables:
                parts.append(words["fpc_pooled_trends"])
    return " ".join(parts)


def _how_weighted(spec, words: dict) -> str:
    """How a side's (or the pulse's) answers are weighted, in words: the weight column, raking or both."""
    columns = ", ".join(spec.rake_to)
    key = "how_both" if spec.weight_column and spec.rake_to else "how_raked" if spec.rake_to else "how_column"
    return words[key].format(column=spec.weight_column, columns=columns)


def _counted_groups(spec, words: dict) -> str:
    """The groups the headcount counts, each corrected by its own number invited, in words."""
    groups = ([words["group_unit"]] if spec.unit_column else []) + (
        [words["group_segment"].format(segment=spec.segment)] if spec.segment_column else [])
    return f" {words['and']} ".join(groups)


def _item_sentence(row: pd.Series, template: str, language: str) -> str:
    f = lambda v, **kw: fmt_number(v, language, **kw)  # noqa: E731
    low, high = sorted((abs(row.gap_ci_low), abs(row.gap_ci_high)))
    return template.format(label=row.label, gap=f(abs(row.gap)), customers=f(row.customer_mean),
                           employees=f(row.employee_mean), low=f(low), high=f(high))


def size_words(n, *, side: str, min_n: int, language: str) -> str:
    """A group's size as the deliverables write it: the number, "färre än 5" where the group is too
    small to show (an employee group under `min_n`), "ett ej redovisat antal" where its table left the
    size out (None or missing: hidden for what it would give away, e.g. a pooled total)."""
    words = section(language, "finding")
    if n is None or pd.isna(n):
        return words["size_hidden"]
    if hidden_for(side, n, min_n):
        return words["fewer_than"].format(min_n=min_n)
    return fmt_number(n, language)


def respondents_words(respondents: dict[str, int], *, min_n: int, language: str) -> dict[str, str]:
    """How many answered on each side, as the deliverables write it: the employees' exact number only
    from `min_n` on ("färre än 5" below it: a side that small is a group too small to show)."""
    return {side: size_words(n, side=side, min_n=min_n, language=language) for side, n in respondents.items()}


def withheld_sentence(key: str, language: str, reason: str, *, said_above: bool = False, **parts) -> str:
    """The sentence `finding.<key>` (none_withheld, enps_withheld, drivers_withheld) that says a figure
    is withheld: with the reason in it, or, `said_above`, pointing to where the text already said it
    (`<key>_above`), so a summary that hides several figures gives the long reason once."""
    words = section(language, "finding")
    return words[f"{key}_above" if said_above else key].format(reason=reason, **parts)


def item_findings(gaps: pd.DataFrame, language: str, *, withheld: str | None = None,
                  said_above: bool = False) -> dict[str, list[str] | str]:
    """One sentence per blind spot and per hidden strength, largest gap first; one per item shown
    without a test (`untested`: no variation, too few answers to test); `none`, what to say when
    there is neither a blind spot nor a hidden strength (no item differs, or no item could be compared:
    why), and `compared`, whether any item could be.
    withheld: why the employees' results are hidden when it is not too few answers (`deliver.withheld.withheld_reason`);
    said_above: the text said that reason already (`withheld_sentence`)."""
    words = section(language, "finding")
    out = {}
    for kind, ascending in (("blind_spot", False), ("hidden_strength", True)):
        rows = gaps[gaps.classification == kind].sort_values("gap", ascending=ascending)
        out[kind] = [_item_sentence(r, words[kind], language) for r in rows.itertuples()]
    out["untested"] = [_untested_sentence(r, words, language) for r in gaps.itertuples() if r.classification in UNTESTED]
    tested = gaps["classification"].isin(["blind_spot", "hidden_strength", "aligned"]).any()
    why = (withheld_sentence("none_withheld", language, withheld, said_above=said_above) if withheld
           else words["none_tested"])
    out["none"] = (section(language, "report")["no_findings"] if tested else
                   "" if out["untested"] else why)  # the untested sentences say why
    out["compared"] = bool(tested)
    return out


def _untested_sentence(row, words: dict, language: str) -> str:
    f = lambda v: fmt_number(v, language, decimals=0 if float(v).is_integer() else 1)  # noqa: E731
    return words[row.classification].format(label=row.label, gap=fmt_number(row.gap, language, signed=True),
                                            customers=f(row.customer_mean_native),
                                            employees=f(row.employee_mean_native))


def shared_findings(gaps: pd.DataFrame, language: str) -> list[str]:
    """Shared strengths and weaknesses, one sentence each where any exist."""
    words = section(language, "finding")
    out = []
    for kind, key in (("shared_strength", "shared_strengths"), ("shared_weakness", "shared_weaknesses")):
        labels = gaps.loc[gaps["shared"] == kind, "label"].tolist()
        if labels:
            out.append(words[key].format(items=", ".join(labels)))
    return out


def nps_sentence(nps: pd.DataFrame, language: str, *, withheld: str | None = None,
                 said_above: bool = False) -> str | None:
    """NPS and eNPS side by side in one sentence (never their difference); a hidden eNPS says why
    (`withheld`: the reason when it is not too few answers, `deliver.withheld.withheld_reason(results, "nps")`;
    said_above: the text said that reason already, `withheld_sentence`)."""
    words = section(language, "finding")
    by_side = {r.side: r for r in nps.itertuples()}
    c, e = by_side.get("customer"), by_side.get("employee")
    if c is None:
        return None
    f = lambda v: fmt_number(v, language, signed=True)  # noqa: E731
    parts = dict(nps=f(c.nps), low=f(c.ci_low), high=f(c.ci_high), n=c.n)
    if e is None or math.isnan(e.nps):
        if withheld and e is not None:
            return withheld_sentence("enps_withheld", language, withheld, said_above=said_above, **parts)
        return words["enps_suppressed"].format(**parts)
    return words["nps"].format(**parts, enps=f(e.nps), elow=f(e.ci_low), ehigh=f(e.ci_high), en=e.n)


def summary_markdown(gaps: pd.DataFrame, nps: pd.DataFrame, language: str) -> str:
    """The findings as Markdown: loyalty, blind spots, hidden strengths, shared strengths/weaknesses."""
    words = section(language, "finding")
    lines = []
    sentence = nps_sentence(nps, language)
    if sentence:
        lines += [sentence, ""]
    found = item_findings(gaps, language)
    for kind, heading in (("blind_spot", "blind_spots_heading"), ("hidden_strength", "hidden_strengths_heading")):
        if found[kind]:
            lines += [f"**{words[heading]}**", ""] + [f"- {s}" for s in found[kind]] + [""]
    if not found["blind_spot"] and not found["hidden_strength"] and found["none"]:
        lines += [found["none"], ""]
    lines += [f"- {s}" for s in found["untested"]] + ([""] if found["untested"] else [])
    lines += shared_findings(gaps, language)
    return "\n".join(lines).strip() + "\n"
