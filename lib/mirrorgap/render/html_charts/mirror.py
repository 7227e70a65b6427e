"""The mirror (dumbbell) chart as HTML and inline SVG, for the dashboard: per item both sides' score on
0–100 with its confidence interval, joined by a line in the classification colour, the signed gap at
the right — what `mirrorgap.render.charts.mirror.mirror_chart` draws for the report, from the same gap
table, in the same row order and colours.

Not colour alone: a blind spot's or hidden strength's name is written under its label (and the row is
tinted), a hidden side says "too few answers" in words, and every row carries its numbers as one
sentence (`aria-label`, and the plot's `<title>` as a tooltip)."""
from __future__ import annotations

import pandas as pd

from mirrorgap.analyse.gaps import UNTESTED
from mirrorgap.config.numbers import fmt_number
from mirrorgap.render.charts.rows import CLASSES, class_color, is_loud, ordered, row_classes
from mirrorgap.render.html_charts.parts import (
    TEXT_GREEN,
    axis_html,
    chart_html,
    dot_key,
    esc,
    hex_tint,
    pct,
    swatch_key,
    ticks,
)
from mirrorgap.render.style import HOUSE_COLORS, is_missing, merge_texts, require_columns
from mirrorgap.render.words import EnglishTexts

__all__ = ["DEFAULT_TEXTS", "mirror_chart_html"]

# the report chart's texts plus the dashboard's interval words (table_ci, ci_range) for the sentences
DEFAULT_TEXTS = EnglishTexts("side", "classification", "chart", "dashboard", title="")
SIDES = ("customer", "employee")
C = HOUSE_COLORS
LO, HI = 0.0, 100.0
_COLUMNS = ("item", "label", "customer_mean", "employee_mean", "gap", "classification")


def mirror_chart_html(gaps: pd.DataFrame, *, language: str, texts: dict | None = None, threshold: float | None = None,
                      sort: str = "gap") -> str:
    """The mirror chart as an HTML string (a `<style>` sheet and a `<figure>`).

    gaps: the gap table (item, label, customer_mean, employee_mean, gap, classification; *_ci_low /
        *_ci_high drawn as intervals when present). A NaN mean is a hidden side: no dot, "too few answers".
    language: the engagement language (numbers: decimal comma in sv/da/nb).
    texts: display strings over `DEFAULT_TEXTS` (side and classification names, score_axis, gap_header,
        too_few, title, threshold_note, table_ci, ci_range).
    threshold: the materiality threshold in POMP points; when given, a note under the chart says it.
    sort: as `mirror_chart`: "gap" (largest blind spot first), "customer", "employee" or "input".
    """
    require_columns(gaps, _COLUMNS, "gap table")
    t = merge_texts(DEFAULT_TEXTS, texts)
    df = ordered(gaps, sort)
    classes = row_classes(df)
    grid = ticks(LO, HI)
    rows = [f'<div class="mg-chart-row" aria-hidden="true"><div></div><div></div>'
            f'<div class="mg-chart-head">{esc(t["gap_header"])}</div></div>']
    rows += [_row(r, cls, t, language, grid) for r, cls in zip(_records(df), classes)]
    rows.append(axis_html(grid, LO, HI, t["score_axis"], language, value_column=True))
    legend = [dot_key(C[side], t[side]) for side in SIDES]
    legend += [swatch_key(hex_tint(C[cls], 0.10) if is_loud(cls) else "#fff", C[cls], t[cls],
                          edge_width=2.0 if is_loud(cls) else 1.5) for cls in CLASSES if cls in classes]
    note = t["threshold_note"].format(threshold=threshold) if threshold is not None else None
    return chart_html("mirror", title=t["title"], legend=legend, rows="".join(rows), note=note)


def _records(df: pd.DataFrame) -> list[dict]:
    """The rows as dicts of the columns the chart reads (a gap table has ~35 columns; converting them
    all took most of a redraw)."""
    wanted = [*_COLUMNS, *(f"{side}_ci_{end}" for side in SIDES for end in ("low", "high"))]
    columns = {c: df[c].tolist() for c in wanted if c in df.columns}
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def _value(row: dict, column: str) -> float | None:
    value = row.get(column)
    return None if is_missing(value) else float(value)


def _row(row: dict, cls: str, t: dict, language: str, grid: list[float]) -> str:
    """One item: its label (and, in words, its classification or hidden side), the plot, the gap."""
    means = {side: _value(row, f"{side}_mean") for side in SIDES}
    marks = [f'<line x1="{pct(v, LO, HI)}" x2="{pct(v, LO, HI)}" y1="0" y2="100%" stroke="{C["grid"]}" '
             'stroke-width="1"/>' for v in grid]
    for side in SIDES:  # the intervals, under the connector and the dots
        low, high = _value(row, f"{side}_ci_low"), _value(row, f"{side}_ci_high")
        if means[side] is not None and low is not None and high is not None:
            marks.append(f'<line class="mg-mc-ci" data-side="{side}" x1="{pct(low, LO, HI)}" x2="{pct(high, LO, HI)}"'
                         f' y1="50%" y2="50%" stroke="{hex_tint(C[side], 0.40)}" stroke-width="3"/>')
    if None not in means.values():
        marks.append(f'<line class="mg-mc-gap" x1="{pct(means["customer"], LO, HI)}" x2="{pct(means["employee"], LO, HI)}"'
                     f' y1="50%" y2="50%" stroke="{class_color(cls)}" stroke-width="{4.5 if is_loud(cls) else 3}"/>')
    for side in SIDES:
        if means[side] is not None:
            marks.append(f'<circle class="mg-mc-dot" data-side="{side}" data-value="{means[side]:.4f}" '
                         f'cx="{pct(means[side], LO, HI)}" cy="50%" r="7.5" fill="{C[side]}" stroke="#fff" '
                         'stroke-width="1.5"/>')
    sentence = esc(_sentence(row, means, cls, t, language))
    subs = _sub_lines(means, cls, t)
    gap = _value(row, "gap")
    if gap is None:
        shown_gap = f'<div class="mg-chart-value mg-mc-value" style="color:{C["muted"]}">–</div>'
    else:
        loud = is_loud(cls)
        colour = (TEXT_GREEN if cls == "hidden_strength" else C[cls]) if loud else C["neutral"]
        shown_gap = (f'<div class="mg-chart-value mg-mc-value" data-gap="{gap:.4f}" style="color:{colour};'
                     f'font-weight:{700 if loud else 400}">{esc(fmt_number(gap, language, signed=True))}</div>')
    tinted = f' style="background:{hex_tint(C[cls], 0.10)}"' if is_loud(cls) else ""
    return (f'<div class="mg-chart-row mg-mc-row" data-item="{esc(row["item"])}" data-class="{esc(cls)}" role="img" '
            f'aria-label="{sentence}"{tinted}><div class="mg-chart-label">{esc(row["label"])}{subs}</div>'
            f'<div class="mg-chart-plot"><svg aria-hidden="true"><title>{sentence}</title>{"".join(marks)}</svg></div>'
            f"{shown_gap}</div>")


def _sub_lines(means: dict, cls: str, t: dict) -> str:
    """Under the label, in words: a blind spot's or hidden strength's name, why an item is untested,
    which side has too few answers."""
    subs = []
    if is_loud(cls):
        colour = TEXT_GREEN if cls == "hidden_strength" else C[cls]
        subs.append(f'<span class="mg-chart-sub" style="color:{colour};font-weight:600">{esc(t[cls])}</span>')
    elif cls in UNTESTED and cls in t:
        subs.append(f'<span class="mg-chart-sub mg-chart-few">{esc(t[cls])}</span>')
    hidden = [side for side in SIDES if means[side] is None]
    if hidden:
        words = "; ".join(f"{t[side]}: {t['too_few']}" for side in hidden)
        subs.append(f'<span class="mg-chart-sub mg-chart-few mg-mc-few">{esc(words)}</span>')
    return "".join(subs)


def _sentence(row: dict, means: dict, cls: str, t: dict, language: str) -> str:
    """The row's numbers in words, for screen readers and the tooltip (one decimal, the language's)."""
    f = lambda v, **kw: fmt_number(v, language, decimals=1, **kw)  # noqa: E731
    parts = [str(row["label"])]
    for side in SIDES:
        if means[side] is None:
            parts.append(f"{t[side]}: {t['too_few']}")
            continue
        low, high = _value(row, f"{side}_ci_low"), _value(row, f"{side}_ci_high")
        ci = f" ({t['table_ci']} {t['ci_range'].format(low=f(low), high=f(high))})" if None not in (low, high) else ""
        parts.append(f"{t[side]}: {f(means[side])}{ci}")
    gap = _value(row, "gap")
    if gap is not None:
        parts.append(f"{t['gap_header']}: {f(gap, signed=True)}")
    if cls in CLASSES or cls in UNTESTED:
        parts.append(t.get(cls, ""))
    return ". ".join(p for p in parts if p) + "."
