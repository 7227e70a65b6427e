"""Line charts over periods (the weekly pulse)."""
from __future__ import annotations

from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_MARKER_STYLE, XL_TICK_MARK
from pptx.util import Pt

from mirrorgap.deliver.deck.charts.style import (
    chart_value,
    fill,
    place_chart,
    set_legend,
    value_axis,
    value_labels,
)
from mirrorgap.deliver.deck.layout import Box
from mirrorgap.deliver.deck.shapes import WHITE, rgb
from mirrorgap.deliver.number_formats import ONE_DECIMAL

__all__ = ["add_line_chart"]


def add_line_chart(slide, box: Box, categories: list[str], series: list[tuple[str, list, str]], *, font: str,
                   fmt: str, minimum: float | None, maximum: float | None, major: float | None,
                   legend: bool = True) -> Chart:
    """A line chart with markers and value labels over periods; `series` = (name, values, colour);
    None values leave a gap in the line."""
    data = CategoryChartData(number_format=ONE_DECIMAL)
    data.categories = categories
    for name, values, _ in series:
        data.add_series(name, [chart_value(v) for v in values])
    chart = place_chart(slide, box, XL_CHART_TYPE.LINE_MARKERS, data, font=font)
    for s, (_, _, color) in zip(chart.plots[0].series, series):
        s.format.line.color.rgb = rgb(color)
        s.format.line.width = Pt(2.5)
        s.smooth = False
        s.marker.style = XL_MARKER_STYLE.CIRCLE
        s.marker.size = 8
        fill(s.marker.format, color)
        s.marker.format.line.color.rgb = rgb(WHITE)
    value_labels(chart.plots[0], fmt=fmt, position=XL_LABEL_POSITION.ABOVE, size=10)
    ax = chart.category_axis
    ax.tick_labels.font.size = Pt(10)
    ax.major_tick_mark = XL_TICK_MARK.NONE
    ax.format.line.color.rgb = rgb("#BFBFBF")
    value_axis(chart.value_axis, minimum=minimum, maximum=maximum, major=major, fmt=fmt)
    set_legend(chart, show=legend)
    return chart
