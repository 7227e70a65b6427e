"""Bar charts: clustered bars (mirror, touchpoints, drivers, themes, trends), the gap per item coloured
by its classification, and NPS/eNPS as 100 % stacked bars."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_AXIS_CROSSES, XL_CHART_TYPE, XL_LABEL_POSITION, XL_TICK_LABEL_POSITION
from pptx.util import Pt

from mirrorgap.deliver.deck.charts.style import (
    category_axis,
    chart_value,
    fill,
    nice_step,
    place_chart,
    point_label,
    set_legend,
    value_axis,
    value_labels,
)
from mirrorgap.deliver.deck.layout import Box
from mirrorgap.deliver.deck.shapes import WHITE, rgb
from mirrorgap.deliver.number_formats import (
    ONE_DECIMAL,
    PERCENT_OF_ONE,
    SIGNED,
    WHOLE,
    percent_of_100,
    zero_text,
)
from mirrorgap.render.style import HOUSE_COLORS

__all__ = ["add_bar_chart", "add_gap_chart", "add_mirror_chart", "add_nps_chart"]


def add_bar_chart(slide, box: Box, categories: list[str], series: list[tuple[str, list, str]], *, font: str,
                  fmt: str, minimum: float | None = None, maximum: float | None = None,
                  major: float | None = None, legend: bool = True, gap_width: int = 60,
                  overlap: int = -10, label_size: float = 10, category_size: float = 11,
                  groups: list[str] | None = None) -> Chart:
    """A horizontal clustered bar chart, first category at the top; `series` = (name, values, colour).
    groups: optionally a parent label per category (consecutive categories share it), drawn by
    PowerPoint as a second level of category labels (e.g. the segment beside its groups)."""
    data = CategoryChartData(number_format=ONE_DECIMAL)
    if groups is None:
        data.categories = categories
    else:
        parents = {}
        for leaf, parent in zip(categories, groups):
            if parent not in parents:
                parents[parent] = data.add_category(parent)
            parents[parent].add_sub_category(leaf)
    for name, values, _ in series:
        data.add_series(name, [chart_value(v) for v in values])
    chart = place_chart(slide, box, XL_CHART_TYPE.BAR_CLUSTERED, data, font=font)
    plot = chart.plots[0]
    plot.gap_width, plot.overlap = gap_width, overlap
    plot.vary_by_categories = False
    for s, (_, _, color) in zip(plot.series, series):
        fill(s.format, color)
        s.invert_if_negative = False
    value_labels(plot, fmt=fmt, position=XL_LABEL_POSITION.OUTSIDE_END, size=label_size)
    if fmt == SIGNED:  # a change that rounds to 0 reads "0", never "−0"
        for s, (_, values, _) in zip(plot.series, series):
            for i, v in enumerate(values):
                if chart_value(v) is not None and (text := zero_text(v)) is not None:
                    point_label(s, i, fmt=fmt, color=HOUSE_COLORS["text"], text=text, size=label_size,
                                position=XL_LABEL_POSITION.OUTSIDE_END)
    category_axis(chart.category_axis, size=category_size)
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    chart.category_axis.crosses = XL_AXIS_CROSSES.MAXIMUM  # value axis at the bottom despite top-down order
    value_axis(chart.value_axis, minimum=minimum, maximum=maximum, major=major, fmt=fmt)
    set_legend(chart, show=legend)
    return chart


def add_mirror_chart(slide, box: Box, rows: pd.DataFrame, texts: dict, *, font: str) -> Chart:
    """Customers' and employees' POMP per item side by side (clustered bars, 0–100), in the rows' order."""
    side = texts["side"]
    return add_bar_chart(
        slide, box, rows["category"].tolist(),
        [(side["customer"], rows["customer"].tolist(), HOUSE_COLORS["customer"]),
         (side["employee"], rows["employee"].tolist(), HOUSE_COLORS["employee"])],
        font=font, fmt=WHOLE, minimum=0, maximum=100, major=20, gap_width=55, overlap=0, label_size=9.5,
        category_size=10.5)


def add_gap_chart(slide, box: Box, rows: pd.DataFrame, texts: dict, *, font: str) -> Chart:
    """The gap per item (employees − customers): one bar series, each bar coloured by its
    classification, a signed label at the end of each bar (bold for blind spots and hidden strengths).
    The confidence intervals are in the speaker notes and the workbook: whiskers through the labels
    made the slide hard to read."""
    values = rows["gap"].tolist()
    finite = [abs(v) for v in values if v is not None and np.isfinite(v)]
    limit = max([10.0, *finite]) * 1.15
    step = nice_step(2 * limit)
    limit = math.ceil(limit / step) * step
    chart = add_bar_chart(slide, box, rows["category"].tolist(),
                          [(texts["chart"]["gap_header"], values, HOUSE_COLORS["aligned"])],
                          font=font, fmt=SIGNED, minimum=-limit, maximum=limit, major=step,
                          legend=False, gap_width=45, overlap=0, category_size=10.5)
    series = chart.plots[0].series[0]
    for i, cls in enumerate(rows["classification"]):
        fill(series.points[i].format, HOUSE_COLORS.get(cls, HOUSE_COLORS["aligned"]))
        if values[i] is None or not np.isfinite(values[i]):
            continue
        loud = cls in ("blind_spot", "hidden_strength")
        color = HOUSE_COLORS[cls] if loud else HOUSE_COLORS["neutral"]
        point_label(series, i, fmt=SIGNED, color=color, bold=loud, text=zero_text(values[i]),
                    position=XL_LABEL_POSITION.OUTSIDE_END)
    return chart


def add_nps_chart(slide, box: Box, rows: pd.DataFrame, texts: dict, *, font: str) -> Chart:
    """Detractors, passives and promoters as 100% stacked bars, one bar per side (NPS and eNPS)."""
    c = texts["chart"]
    data = CategoryChartData(number_format=ONE_DECIMAL)
    data.categories = rows["category"].tolist()
    segments = (("detractors", c["detractors"]), ("passives", c["passives"]), ("promoters", c["promoters"]))
    for key, name in segments:
        data.add_series(name, [chart_value(v) for v in rows[key]])
    chart = place_chart(slide, box, XL_CHART_TYPE.BAR_STACKED_100, data, font=font)
    plot = chart.plots[0]
    plot.gap_width, plot.overlap = 45, 100
    for s, (key, _) in zip(plot.series, segments):
        fill(s.format, HOUSE_COLORS[key])
        labels = s.data_labels
        labels.number_format = percent_of_100(texts)
        labels.number_format_is_linked = False
        labels.show_value = True
        labels.position = XL_LABEL_POSITION.CENTER
        label_font = labels.font
        label_font.size = Pt(12)
        label_font.bold = True
        label_font.color.rgb = rgb(WHITE if key != "passives" else HOUSE_COLORS["text"])
    category_axis(chart.category_axis, size=12)
    chart.category_axis.crosses = XL_AXIS_CROSSES.MAXIMUM
    value_axis(chart.value_axis, minimum=0, maximum=1, major=0.25, fmt=PERCENT_OF_ONE, gridlines=False,
               visible=False)
    set_legend(chart, show=True)
    return chart
