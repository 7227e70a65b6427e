"""XY charts: the linkage scatter and the priority matrix, each point labelled with its name."""
from __future__ import annotations

import math

import pandas as pd
from lxml import etree
from pptx.chart.chart import Chart
from pptx.chart.data import XyChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.oxml.ns import qn
from pptx.util import Pt

from mirrorgap.analyse.gaps import UNTESTED
from mirrorgap.deliver.deck.charts.labels import POSITION, place_labels, plot_size, wrap_label
from mirrorgap.deliver.deck.charts.rows import CLASSES
from mirrorgap.deliver.deck.charts.style import (
    axis_title,
    fill,
    nice_step,
    place_chart,
    point_label,
    set_legend,
    value_axis,
)
from mirrorgap.deliver.deck.layout import Box
from mirrorgap.deliver.deck.shapes import WHITE, rgb
from mirrorgap.deliver.number_formats import ONE_DECIMAL, WHOLE
from mirrorgap.render.style import HOUSE_COLORS

__all__ = ["add_priority_chart", "add_scatter_chart"]


def _markers(series, color: str, *, size: int) -> None:
    """Points only (no line), round markers in `color` with a white rim."""
    series.format.line.fill.background()
    series.marker.style = XL_MARKER_STYLE.CIRCLE
    series.marker.size = size
    fill(series.marker.format, color)
    series.marker.format.line.color.rgb = rgb(WHITE)


def _axes(chart: Chart, x: tuple[float, float, str, str], y: tuple[float, float, str, str]) -> None:
    """Both value axes of an XY chart: (low, high, number format, title) each."""
    for axis, (lo, hi, fmt, title) in ((chart.category_axis, x), (chart.value_axis, y)):
        value_axis(axis, minimum=lo, maximum=hi, major=nice_step(hi - lo), fmt=fmt)
        axis_title(axis, title)


def add_scatter_chart(slide, box: Box, groups: list[tuple[str, pd.DataFrame, str]], *, font: str,
                      x_range: tuple[float, float], y_range: tuple[float, float], x_fmt: str, y_fmt: str,
                      x_title: str, y_title: str) -> Chart:
    """An XY scatter without a legend: `groups` = (series name, frame with x, y and label, colour);
    each point carries its label as a data label text (editable in PowerPoint)."""
    data = XyChartData()
    for name, frame, _ in groups:
        series = data.add_series(name, number_format=ONE_DECIMAL)
        for x, y in zip(frame["x"], frame["y"]):
            series.add_data_point(float(x), float(y))
    chart = place_chart(slide, box, XL_CHART_TYPE.XY_SCATTER, data, font=font)
    for s, (_, frame, color) in zip(chart.plots[0].series, groups):
        _markers(s, color, size=11)
        texts_ = [wrap_label(label) for label in frame["label"]]
        where = place_labels(frame["x"].tolist(), frame["y"].tolist(), texts_, x_range=x_range,
                             y_range=y_range, plot_size=plot_size(box))
        for i, text in enumerate(texts_):
            point_label(s, i, fmt=WHOLE, color=HOUSE_COLORS["text"], text=text, position=POSITION[where[i]])
    _axes(chart, (*x_range, x_fmt, x_title), (*y_range, y_fmt, y_title))
    set_legend(chart, show=False)
    return chart


def add_priority_chart(slide, box: Box, rows: pd.DataFrame, texts: dict, *, font: str,
                       crosshairs: tuple[float, float]) -> Chart:
    """The priority matrix: customers' score (x) against derived importance (y), one series per
    classification, item labels at the points, dashed crosshairs and the quadrant names in the
    corners (both as chart series, so they move with the axes).

    crosshairs: (importance, performance) where the analysis cut the quadrants
    (`analyse.priority.crosshairs`).
    The classification series share one x column (every item) and leave y empty for the items of the
    other classifications: LibreOffice drops scatter series that are shorter than a later series,
    and a shared x column is also the easiest layout to edit in PowerPoint's data sheet.
    """
    d = texts["drivers"]
    y_mean, x_mean = crosshairs
    x_lo = max(0.0, math.floor(min(rows["performance"].min(), x_mean) / 10 - 0.5) * 10)
    x_hi = min(100.0, math.ceil(max(rows["performance"].max(), x_mean) / 10 + 0.5) * 10)
    y_hi = float(math.ceil(max(rows["importance"].max() * 1.2, y_mean * 2) / 5) * 5)
    data = XyChartData()
    # items without a classification (too few employee answers) are still placed: both axes are customers'
    present = [cls for cls in (*CLASSES, *UNTESTED, "suppressed") if (rows["classification"] == cls).any()]
    for cls in present:
        series = data.add_series(texts["classification"][cls], number_format=ONE_DECIMAL)
        for x, y, c in zip(rows["performance"], rows["importance"], rows["classification"]):
            series.add_data_point(float(x), float(y) if c == cls else None)
    dx, dy = 0.015 * (x_hi - x_lo), 0.04 * y_hi
    corner_points = (("concentrate_here", x_lo + dx, y_hi - dy, XL_LABEL_POSITION.RIGHT),
                     ("keep_up_the_good_work", x_hi - dx, y_hi - dy, XL_LABEL_POSITION.LEFT),
                     ("low_priority", x_lo + dx, dy, XL_LABEL_POSITION.RIGHT),
                     ("possible_overkill", x_hi - dx, dy, XL_LABEL_POSITION.LEFT))
    corners = data.add_series(texts["deck"]["quadrants"], number_format=ONE_DECIMAL)
    for _, x, y, _ in corner_points:
        corners.add_data_point(float(x), float(y))
    cross_x = data.add_series(texts["deck"]["crosshair"], number_format=ONE_DECIMAL)
    cross_x.add_data_point(x_mean, 0.0)
    cross_x.add_data_point(x_mean, y_hi)
    cross_y = data.add_series(texts["deck"]["crosshair"] + " ", number_format=ONE_DECIMAL)
    cross_y.add_data_point(float(x_lo), y_mean)
    cross_y.add_data_point(float(x_hi), y_mean)
    chart = place_chart(slide, box, XL_CHART_TYPE.XY_SCATTER, data, font=font)
    plot_series = list(chart.plots[0].series)
    texts_ = [wrap_label(label) for label in rows["label"]]
    where = place_labels(rows["performance"].tolist(), rows["importance"].tolist(), texts_,
                         x_range=(x_lo, x_hi), y_range=(0.0, y_hi), plot_size=plot_size(box))
    for s, cls in zip(plot_series, present):
        if cls == "suppressed":  # hollow: no classification to show
            _markers(s, WHITE, size=12)
            s.marker.format.line.color.rgb = rgb(HOUSE_COLORS["muted"])
            s.marker.format.line.width = Pt(1.5)
        else:
            _markers(s, HOUSE_COLORS["aligned" if cls in UNTESTED else cls], size=12)
        for i, (text, c) in enumerate(zip(texts_, rows["classification"])):
            if c == cls:
                point_label(s, i, fmt=WHOLE, color=HOUSE_COLORS["text"], text=text, position=POSITION[where[i]])
    quad = plot_series[len(present)]
    quad.format.line.fill.background()
    quad.marker.style = XL_MARKER_STYLE.NONE
    for i, (key, _, _, pos) in enumerate(corner_points):
        point_label(quad, i, fmt=WHOLE, color=HOUSE_COLORS["muted"], bold=True, text=d[key].upper(), position=pos)
    for s in plot_series[len(present) + 1:]:
        s.marker.style = XL_MARKER_STYLE.NONE
        s.format.line.color.rgb = rgb(HOUSE_COLORS["muted"])
        s.format.line.width = Pt(1.25)
        s.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        s.smooth = False
    _axes(chart, (x_lo, x_hi, WHOLE, d["performance_axis"]), (0.0, y_hi, WHOLE, d["importance_axis"]))
    set_legend(chart, show=True)
    # only the classifications in the legend: hide the helper series' entries
    legend = chart.legend._element
    for idx in reversed(range(len(present), len(plot_series))):
        entry = etree.Element(qn("c:legendEntry"))
        etree.SubElement(entry, qn("c:idx"), val=str(idx))
        etree.SubElement(entry, qn("c:delete"), val="1")
        legend.find(qn("c:legendPos")).addnext(entry)
    return chart
