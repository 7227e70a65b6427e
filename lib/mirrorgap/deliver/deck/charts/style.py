"""The house style of a native chart: placing it, its font, axes, value labels, fills and legend.

Colours come from `render.style.HOUSE_COLORS` (the sides, the classifications, the NPS segments), so
the deck matches the report's charts; the consultancy's own colours are kept for the slide furniture.
"""
from __future__ import annotations

import math

import pandas as pd
from lxml import etree
from pptx.chart.chart import Chart
from pptx.enum.chart import XL_LEGEND_POSITION, XL_TICK_MARK
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from mirrorgap.deliver.deck.layout import Box
from mirrorgap.deliver.deck.shapes import rgb
from mirrorgap.render.style import HOUSE_COLORS, tint

__all__ = ["axis_title", "category_axis", "chart_value", "fill", "light", "nice_step", "place_chart",
           "point_label", "set_legend", "value_axis", "value_labels"]


def place_chart(slide, box: Box, kind, data, *, font: str) -> Chart:
    """Add a chart of `kind` with `data` inside `box`, in the house font, without a chart title (the
    slide title names the chart; PowerPoint would add the series name)."""
    chart = slide.shapes.add_chart(kind, Emu(box.left), Emu(box.top), Emu(box.width), Emu(box.height),
                                   data).chart
    chart.has_title = False
    chart_font = chart.font
    chart_font.name = font
    chart_font.size = Pt(11)
    chart_font.color.rgb = rgb(HOUSE_COLORS["text"])
    return chart


def chart_value(value) -> float | None:
    """A chart value: None for a missing/suppressed figure (the chart leaves the place empty)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return None
    return float(value)


def nice_step(span: float) -> float:
    """A round axis step giving at most 8 intervals over `span`."""
    for step in (1, 2, 5, 10, 20, 25, 50):
        if span / step <= 8:
            return float(step)
    return 100.0


def set_legend(chart: Chart, *, show: bool) -> None:
    """A legend above the plot, or none."""
    chart.has_legend = show
    if show:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(11)


def value_axis(axis, *, minimum: float | None, maximum: float | None, major: float | None, fmt: str,
               gridlines: bool = True, visible: bool = True) -> None:
    if minimum is not None:
        axis.minimum_scale = minimum
    if maximum is not None:
        axis.maximum_scale = maximum
    if major is not None:
        axis.major_unit = major
    axis.has_major_gridlines = gridlines
    if gridlines:
        axis.major_gridlines.format.line.color.rgb = rgb(HOUSE_COLORS["grid"])
        axis.major_gridlines.format.line.width = Pt(0.75)
    ticks = axis.tick_labels
    ticks.number_format = fmt
    ticks.number_format_is_linked = False
    tick_font = ticks.font
    tick_font.size = Pt(10)
    tick_font.color.rgb = rgb(HOUSE_COLORS["neutral"])
    axis.format.line.fill.background()
    axis.major_tick_mark = XL_TICK_MARK.NONE
    axis.visible = visible


def category_axis(axis, *, size: float = 11) -> None:
    """Categories top down (first category at the top, like a table), without ticks or gridlines."""
    axis.tick_labels.font.size = Pt(size)
    axis.major_tick_mark = XL_TICK_MARK.NONE
    axis.format.line.color.rgb = rgb("#BFBFBF")
    axis.has_major_gridlines = False
    axis.reverse_order = True


def axis_title(axis, title: str) -> None:
    axis.has_title = True
    axis.axis_title.text_frame.text = title
    run = axis.axis_title.text_frame.paragraphs[0].runs[0]
    run_font = run.font
    run_font.size, run_font.bold = Pt(11), False
    run_font.color.rgb = rgb(HOUSE_COLORS["neutral"])


def fill(fmt, color) -> None:
    """Solid fill of a shape/point/marker format in a hex colour or an RGB tuple."""
    solid = fmt.fill
    solid.solid()
    solid.fore_color.rgb = rgb(color)


def light(color: str) -> tuple[float, float, float]:
    """A light tint of a house colour (non-significant changes, secondary series)."""
    return tint(color, 0.4)


def value_labels(plot, *, fmt: str, position, size: float = 10) -> None:
    """Value labels on every series (per series, so a point's own label can sit beside them)."""
    for series in plot.series:
        labels = series.data_labels
        labels.number_format = fmt
        labels.number_format_is_linked = False
        labels.show_value = True
        label_font = labels.font
        label_font.size = Pt(size)
        label_font.color.rgb = rgb(HOUSE_COLORS["text"])
        labels.position = position


def point_label(series, idx: int, *, fmt: str, color: str, bold: bool = False, position=None,
                text: str | None = None, size: float = 10) -> None:
    """A data label for one point with its own colour/weight (and optionally its own text)."""
    label = series.points[idx].data_label
    dlbl = label._get_or_add_dLbl()
    if text is not None:
        label.text_frame.text = text
        for paragraph in label.text_frame.paragraphs:  # rich text carries its own run properties
            for run in paragraph.runs:
                run_font = run.font
                run_font.size, run_font.bold = Pt(size), bold
                run_font.color.rgb = rgb(color)
    else:
        num = dlbl.find(qn("c:numFmt"))
        if num is None:
            num = etree.SubElement(dlbl, qn("c:numFmt"))
            dlbl.remove(num)
            anchor = dlbl.find(qn("c:spPr"))
            anchor.addprevious(num)
        num.set("formatCode", fmt)
        num.set("sourceLinked", "0")
    label_font = label.font
    label_font.size = Pt(size)
    label_font.bold = bold
    label_font.color.rgb = rgb(color)
    if position is not None:
        label.position = position
    show = dlbl.find(qn("c:showVal"))
    show.set("val", "0" if text is not None else "1")
