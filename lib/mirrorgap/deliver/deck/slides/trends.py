"""Since when: the change per item between the last two waves, and the employees' weekly pulse."""
from __future__ import annotations

import math

import pandas as pd

from mirrorgap.deliver.deck.charts.bars import add_bar_chart
from mirrorgap.deliver.deck.charts.lines import add_line_chart
from mirrorgap.deliver.deck.charts.rows import pulse_rows, too_few_label, trend_rows
from mirrorgap.deliver.deck.charts.style import fill, light, nice_step
from mirrorgap.deliver.deck.furniture import Deck
from mirrorgap.deliver.number_formats import SIGNED
from mirrorgap.read.recode import waves_of
from mirrorgap.render.charts.pulse import HIDDEN_MARK
from mirrorgap.render.style import HOUSE_COLORS

__all__ = ["pulse_slide", "trend_slide"]

SIDES = ("customer", "employee")


def trend_slide(deck: Deck) -> None:
    """Both sides' change per item; a change that is not significant is drawn light."""
    trends = deck.table("trends")
    r = deck.results  # the waves in time order, as the trend table has them (params' wave_order first)
    waves = list(dict.fromkeys([*waves_of(r.customer), *waves_of(r.employee)]))
    rows = trend_rows(trends, waves) if trends is not None else None
    if rows is None or rows.empty:
        return
    subtitle = deck.d["trend_subtitle"].format(wave_from=rows["wave_from"].iloc[0], wave_to=rows["wave_to"].iloc[0])
    slide = deck.content_slide(deck.t["trends"]["trend_title"], subtitle, note=deck.d["trend_note"])
    limit = max(5.0, float(rows[list(SIDES)].abs().max().max()) * 1.25)
    step = nice_step(2 * limit)
    limit = math.ceil(limit / step) * step
    labels = [too_few_label(r.label, deck.t) if pd.isna(r.employee) else r.label for r in rows.itertuples()]
    chart = add_bar_chart(
        slide, deck.chart_box(), labels,
        [(deck.t["side"][s], rows[s].tolist(), HOUSE_COLORS[s]) for s in SIDES],
        font=deck.font, fmt=SIGNED, minimum=-limit, maximum=limit, major=step, gap_width=55, overlap=0,
        label_size=9.5, category_size=10.5)
    for series, side in zip(chart.plots[0].series, SIDES):
        for i, significant in enumerate(rows[f"{side}_significant"]):
            if not significant:
                fill(series.points[i].format, light(HOUSE_COLORS[side]))


def pulse_slide(deck: Deck) -> None:
    """The employees' mean per period on the pulse scale; a hidden period leaves a gap in the line and
    is marked "×" under its label."""
    pulse = deck.table("pulse")
    rows = pulse_rows(pulse) if pulse is not None else None
    if rows is None or rows.empty or rows["mean"].isna().all():
        return
    spec, tt = deck.eng.pulse, deck.t["trends"]
    lo, hi = (spec.scale.min, spec.scale.max) if spec is not None else (1, 10)
    weighted = spec is not None and spec.weighted
    subtitle = deck.d["pulse_subtitle_weighted" if weighted else "pulse_subtitle"].format(low=deck.f(lo), high=deck.f(hi))
    slide = deck.content_slide(tt["pulse_title"], subtitle, note=tt["hidden_note"] if rows["mean"].isna().any() else None)
    finite = rows["mean"].dropna()
    y_lo, y_hi = max(float(lo), math.floor(finite.min() - 1)), min(float(hi), math.ceil(finite.max() + 1))
    # a hidden week is marked as the note says ("×"), as in the report's chart
    periods = [f"{p}\n{HIDDEN_MARK}" if pd.isna(m) else p for p, m in zip(rows["period"], rows["mean"])]
    add_line_chart(slide, deck.chart_box(), periods,
                   [(tt["all_employees"], rows["mean"].tolist(), HOUSE_COLORS["employee"])],
                   font=deck.font, decimals=1, language=deck.lang, minimum=y_lo, maximum=y_hi, major=1, legend=False)
