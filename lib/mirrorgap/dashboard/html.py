"""The dashboard's HTML pieces in the engagement language: the gap table, the key-figure cards, the
findings in words, notes and an item's statistics. Every text is escaped; a suppressed figure reads
"too few answers" and its n is not shown either."""
from __future__ import annotations

import html

import pandas as pd

from mirrorgap.aggregate.views import SIDES
from mirrorgap.config.numbers import fmt_count, fmt_number
from mirrorgap.config.texts import section
from mirrorgap.dashboard.words import dashboard_texts, touchpoint_name
from mirrorgap.render.findings import item_findings, shared_findings
from mirrorgap.render.style import is_missing

__all__ = ["findings_html", "gap_table_html", "item_stats_html", "kpi_card", "notes_html"]

NBSP = "\u00a0"


def _too_few(t: dict) -> str:
    return f'<span class="mg-too-few">{html.escape(t["too_few"])}</span>'


def gap_table_html(gaps: pd.DataFrame, language: str, *, metric: str = "mean") -> str:
    """The gap table as a formatted HTML table in the engagement language. Suppressed cells read
    "too few answers"; their n is not shown either. metric "top_box" labels the columns as shares."""
    t, words = dashboard_texts(language), section(language, "classification")
    table = section(language, "table")
    f = lambda v, **kw: fmt_number(v, language, **kw)  # noqa: E731
    too_few = _too_few(t)
    unit = f"{NBSP}%" if metric == "top_box" else ""
    rows = []
    for r in gaps.itertuples():
        cells = []
        for side in SIDES:
            mean, n = getattr(r, f"{side}_mean"), getattr(r, f"{side}_n")
            cells.append(too_few if is_missing(mean) else
                         f'{f(mean)}{unit}<span class="mg-n">{t["n_answers"].format(n=fmt_count(n, language))}</span>')
        if r.classification == "suppressed" or is_missing(r.gap):
            gap, ci = "–", "–"
        else:
            gap = f(r.gap, signed=True)
            ci = t["ci_range"].format(low=f(r.gap_ci_low, signed=True), high=f(r.gap_ci_high, signed=True))
        cls = r.classification
        result = f'<span class="mg-badge mg-{cls}">{html.escape(words[cls])}</span>'
        tp = touchpoint_name(r.touchpoint, language) if r.touchpoint else ""
        rows.append(f'<tr class="mg-row-{cls}"><td class="mg-item">{html.escape(str(r.label))}</td>'
                    f'<td class="mg-tp">{html.escape(tp)}</td><td class="mg-num">{cells[0]}</td>'
                    f'<td class="mg-num">{cells[1]}</td><td class="mg-num mg-gap">{gap}</td>'
                    f'<td class="mg-num mg-ci">{ci}</td><td>{result}</td></tr>')
    headings = [table["item"], table["touchpoint"], t["table_customer"], t["table_employee"], t["table_gap"],
                t["table_ci"], t["table_result"]]
    head = "".join(f'<th class="mg-num">{html.escape(h)}</th>' if 2 <= i <= 5 else f"<th>{html.escape(h)}</th>"
                   for i, h in enumerate(headings))
    return f'<table class="mg-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def kpi_card(label: str, value: str | None, detail: str | None, *, t: dict, css: str = "") -> str:
    """One key figure: its label, the value ("too few answers" when None) and a detail line."""
    shown = (f'<div class="mg-kpi-value">{html.escape(value)}</div>' if value is not None else
             f'<div class="mg-kpi-value mg-too-few">{html.escape(t["too_few"])}</div>')
    extra = f'<div class="mg-kpi-detail">{html.escape(detail)}</div>' if detail else ""
    return f'<div class="mg-kpi {css}"><div class="mg-kpi-label">{html.escape(label)}</div>{shown}{extra}</div>'


def findings_html(gaps: pd.DataFrame, language: str) -> str:
    """The blind spots and hidden strengths in sentences, then the shared strengths and weaknesses."""
    t, words = dashboard_texts(language), section(language, "finding")
    found = item_findings(gaps, language)
    parts = [f'<h3 class="mg-h3">{html.escape(t["findings_heading"])}</h3>']
    for kind, heading in (("blind_spot", "blind_spots_heading"), ("hidden_strength", "hidden_strengths_heading")):
        if found[kind]:
            items = "".join(f"<li>{html.escape(s)}</li>" for s in found[kind])
            parts.append(f'<div class="mg-finding mg-finding-{kind}"><h4>{html.escape(words[heading])}</h4>'
                         f"<ul>{items}</ul></div>")
    if not found["blind_spot"] and not found["hidden_strength"] and found["none"]:
        parts.append(f'<p>{html.escape(found["none"])}</p>')
    parts += [f'<p class="mg-untested">{html.escape(s)}</p>' for s in found["untested"]]
    parts += [f'<p class="mg-shared">{html.escape(s)}</p>' for s in shared_findings(gaps, language)]
    return '<div class="mg-findings">' + "".join(parts) + "</div>"


def notes_html(notes: list[str]) -> str:
    """Notes to the reader, one paragraph each."""
    return "".join(f'<p class="mg-note">{html.escape(n)}</p>' for n in notes)


def item_stats_html(row: pd.Series, shown: dict[str, bool], language: str, *, reversed_item: bool) -> str:
    """One item's average, top-box share and n per side (from its gap-table `row`); "too few answers"
    for a side not `shown`; a note when the item is worded negatively."""
    t, words = dashboard_texts(language), section(language, "side")
    lines = []
    for side in SIDES:
        if not shown[side] or is_missing(row[f"{side}_mean"]):
            lines.append(f"<b>{html.escape(words[side])}</b>: {_too_few(t)}")
        else:
            mean = row.get(f"{side}_mean_pomp", row[f"{side}_mean"])  # the top-box views keep the mean there
            lines.append(f"<b>{html.escape(words[side])}</b>: " + html.escape(t["distribution_stats"].format(
                mean=fmt_number(mean, language), top=fmt_number(row[f"{side}_top_box"], language),
                n=fmt_count(row[f"{side}_n"], language))))
    if reversed_item:
        lines.append(f'<span class="mg-note">{html.escape(t["reversed_note"])}</span>')
    return '<div class="mg-item-stats">' + "<br>".join(lines) + "</div>"
