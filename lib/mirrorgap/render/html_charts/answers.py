"""The answer distribution chart as HTML and inline SVG, for the dashboard's item drill-down: both
sides' answers to one item as grouped horizontal bars, one row per answer value (best at the top),
the share printed at each bar's end — what `mirrorgap.render.charts.answers.answer_distribution_chart`
draws, with the same rows, shares and axis. A hidden side has no bars and says so in the legend."""
from __future__ import annotations

import pandas as pd

from mirrorgap.config.numbers import fmt_number, fmt_whole
from mirrorgap.render.charts.answers import DEFAULT_TEXTS, answer_values, share_axis_max, side_shares
from mirrorgap.render.html_charts.parts import axis_html, chart_html, esc, pct, swatch_key, ticks
from mirrorgap.render.style import HOUSE_COLORS, merge_texts

__all__ = ["answer_chart_html"]

SIDES = ("customer", "employee")
C = HOUSE_COLORS
NBSP = "\u00a0"
BAND = 0.70  # the share of a row's height its bars take together (the rest parts the answer values)


def answer_chart_html(dist: pd.DataFrame, *, language: str, texts: dict | None = None,
                      labels: dict[float, str] | None = None, sides=SIDES) -> str:
    """The answer distribution chart as an HTML string (a `<style>` sheet and a `<figure>`).

    dist: tidy frame with side, value, share (percent); a side without rows is hidden (too few answers).
    language: the engagement language (numbers); texts: customer, employee, too_few, distribution_axis,
    title over `DEFAULT_TEXTS`; labels: value -> row label (else the value itself).
    """
    t = merge_texts(DEFAULT_TEXTS, texts)
    values = answer_values(dist, labels)
    shares = side_shares(dist, values, sides)
    present = list(shares)
    top = share_axis_max(dist)
    grid = ticks(0.0, top)
    rows = []
    for k, value in enumerate(values):
        label = (labels or {}).get(value, fmt_whole(value))
        rows.append(_row(label, {side: shares[side][k] for side in present}, t, language, grid, top))
    rows.append(axis_html(grid, 0.0, top, t["distribution_axis"], language, value_column=False))
    legend = [swatch_key(C[side], C[side], t[side], edge_width=0) if side in present else
              swatch_key("#fff", C["muted"], f"{t[side]}: {t['too_few']}", edge_width=1.2) for side in sides]
    kind = "answers mg-chart-two" if len(present) > 1 else "answers"
    return chart_html(kind, title=t["title"], legend=legend, rows="".join(rows))


def _share_text(share: float, language: str) -> str:
    return f"{fmt_number(share, language)}{NBSP}%"


def _row(label: str, shares: dict[str, float], t: dict, language: str, grid: list[float], top: float) -> str:
    """One answer value: its label, then a bar per shown side with its share at the bar's end."""
    marks = [f'<line x1="{pct(v, 0, top)}" x2="{pct(v, 0, top)}" y1="0" y2="100%" stroke="{C["grid"]}" '
             'stroke-width="1"/>' for v in grid]
    texts = []
    band = 100 / max(len(shares), 1)
    for j, (side, share) in enumerate(shares.items()):
        y, height = j * band + band * (1 - BAND) / 2, band * BAND
        marks.append(f'<rect class="mg-ad-bar" data-side="{side}" data-value="{share:.4f}" x="0" y="{y:.2f}%" '
                     f'width="{pct(share, 0, top)}" height="{height:.2f}%" fill="{C[side]}"/>')
        texts.append(f'<span class="mg-ad-share" style="left:calc({pct(share, 0, top)} + 6px);top:{y:.2f}%;'
                     f'height:{height:.2f}%">{esc(_share_text(share, language))}</span>')
    sentence = esc(f"{label}: " + ", ".join(f"{t[side]} {_share_text(share, language)}"
                                            for side, share in shares.items()))
    return (f'<div class="mg-chart-row mg-ad-row" role="img" aria-label="{sentence}"><div class="mg-chart-label">'
            f'{esc(label)}</div><div class="mg-chart-plot"><svg aria-hidden="true"><title>{sentence}</title>'
            f'{"".join(marks)}</svg>{"".join(texts)}</div></div>')
