"""Line charts over periods (the weekly pulse)."""
from __future__ import annotations

from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_MARKER_STYLE, XL_TICK_MARK
from pptx.util import Pt

from mirrorgap.config.numbers import fmt_number
from mirrorgap.deliver.deck.charts.style import (
    chart_value,
    fill,
    place_chart,
    point_label,
    set_legend,
    value_axis,
    value_labels,
)
from mirrorgap.deliver.deck.layout import Box
from mirrorgap.deliver.deck.shapes import WHITE, rgb
from mirrorgap.deliver.number_formats import ONE_DECIMAL, WHOLE
from mirrorgap.render.style import HOUSE_COLORS

__all__ = ["add_line_chart"]


def add_line_chart(slide, box: Box, categories: list[str], series: list[tuple[str, list, str]], *, font: str,
                   decimals: int, language: str, minimum: float | None, maximum: float | None,
                   major: float | None, legend: bool = True) -> Chart:
    """A line chart with markers and value labels over periods; `series` = (name, values, colour);
    None values leave a gap in the line. Each label is written as the language writes the value with
    `decimals` (7,4 in sv/da/nb): a number format would take its decimal mark from the viewer's
    computer, not from the engagement. The value axis shows whole numbers (major: its step)."""
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
    value_labels(chart.plots[0], fmt=WHOLE, position=XL_LABEL_POSITION.ABOVE, size=10)
    for s, (_, values, _) in zip(chart.plots[0].series, series):
        for i, v in enumerate(values):
            if chart_value(v) is not None:
                point_label(s, i, fmt=WHOLE, color=HOUSE_COLORS["text"], size=10, position=XL_LABEL_POSITION.ABOVE,
                            text=fmt_number(v, language, decimals=decimals))
    ax = chart.category_axis
    ax.tick_labels.font.size = Pt(10)
    ax.major_tick_mark = XL_TICK_MARK.NONE
    ax.format.line.color.rgb = rgb("#BFBFBF")
    value_axis(chart.value_axis, minimum=minimum, maximum=maximum, major=major, fmt=WHOLE)
    set_legend(chart, show=legend)
    return chart
