"""Native, editable PowerPoint charts for the deck (python-pptx `chart_data` + `add_chart`).

Every chart here is a real chart object with its data in an embedded workbook, so a consultant can
restyle it, relabel it or edit a figure in PowerPoint ("Edit data"). Two layers:

- `*_rows` functions are pure: they take a result table (+ texts) and return the DataFrame that
  goes into the chart — categories in display order and the values, with suppressed figures as NaN
  (a chart shows an empty place there, and the category label says "too few answers").
- `add_*_chart` functions draw one chart on a slide inside a `Box` and return the pptx Chart.

Colours come from `style.HOUSE_COLORS` (the sides, the classifications, the NPS segments), so the deck
matches the report's charts; the consultancy's own colours are reserved for the slide furniture.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from lxml import etree
from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_AXIS_CROSSES,
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
    XL_TICK_MARK,
)
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from mirrorgap.render.style import HOUSE_COLORS, tint

__all__ = [
    "Box", "add_bar_chart", "add_gap_chart", "add_line_chart", "add_mirror_chart", "add_nps_chart",
    "add_priority_chart", "add_scatter_chart", "fill", "gap_rows", "light", "mirror_rows", "nice_step",
    "nps_rows", "percent_format", "place_labels", "point_label", "priority_rows", "pulse_rows", "rgb",
    "signed_format", "too_few_label", "trend_rows", "wrap_label",
]

MINUS = "\u2212"
CLASSES = ("blind_spot", "hidden_strength", "aligned")


@dataclass(frozen=True)
class Box:
    """Where a chart goes on the slide, in EMU."""

    left: int
    top: int
    width: int
    height: int


def rgb(color: str | tuple) -> RGBColor:
    """A hex colour ("#0072B2") or an RGB tuple of floats 0..1 as a pptx colour."""
    if isinstance(color, str):
        return RGBColor.from_string(color.lstrip("#").upper())
    return RGBColor(*(int(round(c * 255)) for c in color))


def signed_format() -> str:
    """Number format for signed whole numbers with a true minus: +19, −7, 0."""
    return f'+0;"{MINUS}"0;0'


def percent_format(texts: dict) -> str:
    """Whole percentages of a 0–100 value as the language writes them: "36 %" (sv/da/nb), "36%" (en)."""
    return '0" %"' if " %" in texts["chart"]["percent"] else '0"%"'


def _num(value) -> float | None:
    """A chart value: None for a missing/suppressed figure (the chart leaves the place empty)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return None
    return float(value)


def too_few_label(label: str, texts: dict) -> str:
    """An item's label with "(employees: too few answers)", for a place left empty in a chart."""
    return texts["deck"]["suppressed_label"].format(label=label, too_few=texts["chart"]["too_few"])


# ------------------------------------------------------------------------------------------ pure rows

def mirror_rows(gaps: pd.DataFrame, texts: dict) -> pd.DataFrame:
    """The mirror chart's rows: item, category (label; "(… too few answers)" where suppressed),
    customer and employee POMP means (employee NaN where suppressed), classification; largest gap
    first, suppressed items last."""
    df = gaps.sort_values("gap", ascending=False, na_position="last", kind="stable").reset_index(drop=True)
    suppressed = df["classification"].eq("suppressed")
    return pd.DataFrame({
        "item": df["item"],
        "category": [too_few_label(lab, texts) if s else lab for lab, s in zip(df["label"], suppressed)],
        "customer": df["customer_mean"].astype(float),
        "employee": df["employee_mean"].astype(float).where(~suppressed),
        "classification": df["classification"],
    })


def gap_rows(gaps: pd.DataFrame, texts: dict) -> pd.DataFrame:
    """The gap chart's rows: item, category, gap (employees − customers, POMP points; NaN where
    suppressed), gap_ci_low, gap_ci_high, classification; largest gap first, suppressed last."""
    df = gaps.sort_values("gap", ascending=False, na_position="last", kind="stable").reset_index(drop=True)
    suppressed = df["classification"].eq("suppressed")
    out = pd.DataFrame({
        "item": df["item"],
        "category": [too_few_label(lab, texts) if s else lab for lab, s in zip(df["label"], suppressed)],
        "gap": df["gap"].astype(float), "gap_ci_low": df["gap_ci_low"].astype(float),
        "gap_ci_high": df["gap_ci_high"].astype(float), "classification": df["classification"],
    })
    out.loc[suppressed, ["gap", "gap_ci_low", "gap_ci_high"]] = np.nan
    return out


def nps_rows(nps: pd.DataFrame, texts: dict) -> pd.DataFrame:
    """The NPS/eNPS chart's rows: side, category, detractors, passives, promoters (shares 0–100; NaN
    when suppressed), nps, ci_low, ci_high, n, suppressed."""
    rows = []
    for r in nps.itertuples():
        hidden = bool(pd.isna(r.nps))
        rows.append({
            "side": r.side, "category": too_few_label(r.label, texts) if hidden else r.label,
            "detractors": np.nan if hidden else 100 * float(r.detractor_share),
            "passives": np.nan if hidden else 100 * float(r.passive_share),
            "promoters": np.nan if hidden else 100 * float(r.promoter_share),
            "nps": np.nan if hidden else float(r.nps), "ci_low": np.nan if hidden else float(r.ci_low),
            "ci_high": np.nan if hidden else float(r.ci_high), "n": int(r.n), "suppressed": hidden,
        })
    return pd.DataFrame(rows, columns=["side", "category", "detractors", "passives", "promoters", "nps",
                                       "ci_low", "ci_high", "n", "suppressed"])


def priority_rows(priority: pd.DataFrame) -> pd.DataFrame:
    """The priority matrix's points: item, label, performance (customers' POMP), importance (% of
    explained variance), classification, quadrant — items with both figures only."""
    df = priority.dropna(subset=["importance", "performance"]).reset_index(drop=True)
    return df[["item", "label", "performance", "importance", "classification", "quadrant"]].copy()


def trend_rows(trends: pd.DataFrame) -> pd.DataFrame:
    """Change per item between the last two waves, both sides: item, label, wave_from, wave_to,
    customer, employee (change in POMP points; NaN where suppressed), customer_significant,
    employee_significant; largest customer change first."""
    changes = trends[trends["kind"] == "item_change"]
    if changes.empty:
        return pd.DataFrame(columns=["item", "label", "wave_from", "wave_to", "customer", "employee",
                                     "customer_significant", "employee_significant"])
    wave_to = sorted(changes["wave_to"].unique(), key=lambda w: (len(str(w)), str(w)))[-1]
    last = changes[changes["wave_to"] == wave_to]
    rows = []
    for item, part in last.groupby("item", sort=False):
        row = {"item": item, "label": part["label"].iloc[0], "wave_from": part["wave_from"].iloc[0],
               "wave_to": wave_to}
        for side in ("customer", "employee"):
            s = part[part["side"] == side]
            hidden = s.empty or bool(s["suppressed"].iloc[0])
            row[side] = np.nan if hidden else float(s["change"].iloc[0])
            row[f"{side}_significant"] = False if hidden else bool(s["significant"].iloc[0])
        rows.append(row)
    out = pd.DataFrame(rows)
    out = out.sort_values("customer", ascending=False, na_position="last", kind="stable")
    return out.reset_index(drop=True)


def pulse_rows(pulse: pd.DataFrame) -> pd.DataFrame:
    """The pulse line: period, mean (pulse scale; NaN where suppressed), n — the total only."""
    total = pulse[pulse["group"] == "(all)"] if "group" in pulse else pulse
    mean = total["mean"].astype(float).where(~total["suppressed"].astype(bool))
    return pd.DataFrame({"period": total["period"].astype(str).to_numpy(), "mean": mean.to_numpy(),
                         "n": total["n"].to_numpy()})


# ------------------------------------------------------------------------------------------ drawing

def _style(chart: Chart, font: str, *, size: float = 11) -> None:
    chart.has_title = False  # the slide title names the chart; PowerPoint would add the series name
    chart.font.name = font
    chart.font.size = Pt(size)
    chart.font.color.rgb = rgb(HOUSE_COLORS["text"])


def _legend(chart: Chart, *, show: bool, position=XL_LEGEND_POSITION.TOP) -> None:
    chart.has_legend = show
    if show:
        chart.legend.position = position
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(11)


def _value_axis(axis, *, minimum: float | None, maximum: float | None, major: float | None, fmt: str,
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
    axis.tick_labels.number_format = fmt
    axis.tick_labels.number_format_is_linked = False
    axis.tick_labels.font.size = Pt(10)
    axis.tick_labels.font.color.rgb = rgb(HOUSE_COLORS["neutral"])
    axis.format.line.fill.background()
    axis.major_tick_mark = XL_TICK_MARK.NONE
    axis.visible = visible


def _category_axis(axis, *, top_down: bool = True, size: float = 11) -> None:
    axis.tick_labels.font.size = Pt(size)
    axis.major_tick_mark = XL_TICK_MARK.NONE
    axis.format.line.color.rgb = rgb("#BFBFBF")
    axis.has_major_gridlines = False
    if top_down:
        axis.reverse_order = True  # first category at the top, like a table


def fill(fmt, color) -> None:
    """Solid fill of a shape/point/marker format in a hex colour or an RGB tuple."""
    fmt.fill.solid()
    fmt.fill.fore_color.rgb = rgb(color)


def _labels(plot, *, fmt: str, position=None, size: float = 10, color: str | None = None) -> None:
    """Value labels on every series (per series, so a point's own label can sit beside them)."""
    for series in plot.series:
        labels = series.data_labels
        labels.number_format = fmt
        labels.number_format_is_linked = False
        labels.show_value = True
        labels.font.size = Pt(size)
        labels.font.color.rgb = rgb(color or HOUSE_COLORS["text"])
        if position is not None:
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
                run.font.size, run.font.bold = Pt(size), bold
                run.font.color.rgb = rgb(color)
    else:
        num = dlbl.find(qn("c:numFmt"))
        if num is None:
            num = etree.SubElement(dlbl, qn("c:numFmt"))
            dlbl.remove(num)
            anchor = dlbl.find(qn("c:spPr"))
            anchor.addprevious(num)
        num.set("formatCode", fmt)
        num.set("sourceLinked", "0")
    label.font.size = Pt(size)
    label.font.bold = bold
    label.font.color.rgb = rgb(color)
    if position is not None:
        label.position = position
    show = dlbl.find(qn("c:showVal"))
    show.set("val", "0" if text is not None else "1")


def wrap_label(text: str, width: int = 20) -> str:
    """A point label on at most two lines, broken at the space nearest the middle when it is long."""
    text = str(text)
    if len(text) <= width or " " not in text:
        return text
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return text[:cut] + "\n" + text[cut + 1:]


POSITIONS = ("right", "left", "above", "below")


def place_labels(xs, ys, labels, *, x_range: tuple[float, float], y_range: tuple[float, float],
                 plot_size: tuple[float, float], font_pt: float = 10, marker_pt: float = 12) -> list[str]:
    """Choose for each point where its label goes ("right", "left", "above", "below") so labels overlap
    each other, the markers and the plot's edges as little as possible (greedy, in the order given).

    xs, ys: the points in data units; labels: their texts (lines split at "\n");
    x_range, y_range: the axes' limits; plot_size: the plot area in inches (width, height).
    """
    (x0, x1), (y0, y1) = x_range, y_range
    w_in, h_in = plot_size
    to_in = lambda x, y: ((x - x0) / (x1 - x0) * w_in, (y - y0) / (y1 - y0) * h_in)  # noqa: E731
    char_w, line_h, gap = font_pt * 0.62 / 72, font_pt * 1.4 / 72, (marker_pt / 2 + 4) / 72
    centres = [to_in(x, y) for x, y in zip(xs, ys)]
    marks = [(px - gap / 2, py - gap / 2, px + gap / 2, py + gap / 2) for px, py in centres]
    placed: list[tuple[float, float, float, float]] = []
    chosen = []

    def overlap(a, b) -> float:
        return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))

    def outside(r) -> float:
        inner = (max(r[0], 0), max(r[1], 0), min(r[2], w_in), min(r[3], h_in))
        area = (r[2] - r[0]) * (r[3] - r[1])
        kept = max(0.0, inner[2] - inner[0]) * max(0.0, inner[3] - inner[1])
        return area - kept

    for k, (x, y, text) in enumerate(zip(xs, ys, labels)):
        lines = str(text).split("\n")
        w, h = max(len(line) for line in lines) * char_w, len(lines) * line_h
        px, py = to_in(x, y)
        boxes = {"right": (px + gap, py - h / 2, px + gap + w, py + h / 2),
                 "left": (px - gap - w, py - h / 2, px - gap, py + h / 2),
                 "above": (px - w / 2, py + gap, px + w / 2, py + gap + h),
                 "below": (px - w / 2, py - gap - h, px + w / 2, py - gap)}
        others = placed + [m for j, m in enumerate(marks) if j != k]
        cost = {pos: sum(overlap(box, o) for o in others) + 2 * outside(box) + 1e-4 * i
                for i, (pos, box) in enumerate(boxes.items())}
        best = min(cost, key=cost.get)
        chosen.append(best)
        placed.append(boxes[best])
    return chosen


_POSITION = {"right": XL_LABEL_POSITION.RIGHT, "left": XL_LABEL_POSITION.LEFT,
             "above": XL_LABEL_POSITION.ABOVE, "below": XL_LABEL_POSITION.BELOW}


def _plot_size(box: Box) -> tuple[float, float]:
    """The plot area of an XY chart in inches, roughly: the box less axis labels, titles and legend."""
    return box.width / 914400 - 1.3, box.height / 914400 - 1.4


def nice_step(span: float) -> float:
    """A round axis step giving at most 8 intervals over `span`."""
    for step in (1, 2, 5, 10, 20, 25, 50):
        if span / step <= 8:
            return float(step)
    return 100.0


def add_bar_chart(slide, box: Box, categories: list[str], series: list[tuple[str, list, str]], *, font: str,
                  fmt: str, axis_fmt: str | None = None, minimum: float | None = None,
                  maximum: float | None = None, major: float | None = None, legend: bool = True,
                  gap_width: int = 60, overlap: int = -10, label_size: float = 10,
                  category_size: float = 11) -> Chart:
    """A horizontal clustered bar chart, first category at the top; `series` = (name, values, colour)."""
    data = CategoryChartData(number_format="0.0")
    data.categories = categories
    for name, values, _ in series:
        data.add_series(name, [_num(v) for v in values])
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, Emu(box.left), Emu(box.top), Emu(box.width),
                                   Emu(box.height), data)
    chart = frame.chart
    _style(chart, font)
    plot = chart.plots[0]
    plot.gap_width, plot.overlap = gap_width, overlap
    plot.vary_by_categories = False
    for s, (_, _, color) in zip(plot.series, series):
        fill(s.format, color)
        s.invert_if_negative = False
    _labels(plot, fmt=fmt, position=XL_LABEL_POSITION.OUTSIDE_END, size=label_size)
    if fmt == signed_format():  # a change that rounds to 0 reads "0", never "−0"
        for s, (_, values, _) in zip(plot.series, series):
            for i, v in enumerate(values):
                if _num(v) is not None and abs(v) < 0.5:
                    point_label(s, i, fmt=fmt, color=HOUSE_COLORS["text"], text="0", size=label_size,
                                position=XL_LABEL_POSITION.OUTSIDE_END)
    _category_axis(chart.category_axis, size=category_size)
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    chart.category_axis.crosses = XL_AXIS_CROSSES.MAXIMUM  # value axis at the bottom despite top-down order
    _value_axis(chart.value_axis, minimum=minimum, maximum=maximum, major=major, fmt=axis_fmt or fmt)
    _legend(chart, show=legend)
    return chart


def add_mirror_chart(slide, box: Box, rows: pd.DataFrame, texts: dict, *, font: str) -> Chart:
    """Customers' and employees' POMP per item side by side (clustered bars, 0–100), largest gap first."""
    side = texts["side"]
    return add_bar_chart(
        slide, box, rows["category"].tolist(),
        [(side["customer"], rows["customer"].tolist(), HOUSE_COLORS["customer"]),
         (side["employee"], rows["employee"].tolist(), HOUSE_COLORS["employee"])],
        font=font, fmt="0", minimum=0, maximum=100, major=20, gap_width=55, overlap=0, label_size=9.5,
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
                          font=font, fmt=signed_format(), minimum=-limit, maximum=limit, major=step,
                          legend=False, gap_width=45, overlap=0, category_size=10.5)
    series = chart.plots[0].series[0]
    for i, cls in enumerate(rows["classification"]):
        fill(series.points[i].format, HOUSE_COLORS.get(cls, HOUSE_COLORS["aligned"]))
        if values[i] is None or not np.isfinite(values[i]):
            continue
        loud = cls in ("blind_spot", "hidden_strength")
        color = HOUSE_COLORS[cls] if loud else HOUSE_COLORS["neutral"]
        # a gap that rounds to 0 is written "0", never "−0" or "+0"
        text = "0" if abs(values[i]) < 0.5 else None
        point_label(series, i, fmt=signed_format(), color=color, bold=loud, text=text,
                    position=XL_LABEL_POSITION.OUTSIDE_END)
    return chart


def add_nps_chart(slide, box: Box, rows: pd.DataFrame, texts: dict, *, font: str) -> Chart:
    """Detractors, passives and promoters as 100% stacked bars, one bar per side (NPS and eNPS)."""
    c = texts["chart"]
    data = CategoryChartData(number_format="0.0")
    data.categories = rows["category"].tolist()
    segments = (("detractors", c["detractors"]), ("passives", c["passives"]), ("promoters", c["promoters"]))
    for key, name in segments:
        data.add_series(name, [_num(v) for v in rows[key]])
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_STACKED_100, Emu(box.left), Emu(box.top), Emu(box.width),
                                   Emu(box.height), data)
    chart = frame.chart
    _style(chart, font)
    plot = chart.plots[0]
    plot.gap_width, plot.overlap = 45, 100
    for s, (key, _) in zip(plot.series, segments):
        fill(s.format, HOUSE_COLORS[key])
        s.data_labels.number_format = percent_format(texts)
        s.data_labels.number_format_is_linked = False
        s.data_labels.show_value = True
        s.data_labels.position = XL_LABEL_POSITION.CENTER
        s.data_labels.font.size = Pt(12)
        s.data_labels.font.bold = True
        s.data_labels.font.color.rgb = rgb("#FFFFFF" if key != "passives" else HOUSE_COLORS["text"])
    _category_axis(chart.category_axis, size=12)
    chart.category_axis.crosses = XL_AXIS_CROSSES.MAXIMUM
    _value_axis(chart.value_axis, minimum=0, maximum=1, major=0.25, fmt="0%", gridlines=False, visible=False)
    _legend(chart, show=True)
    return chart


def add_scatter_chart(slide, box: Box, groups: list[tuple[str, pd.DataFrame, str]], *, font: str,
                      x_range: tuple[float, float], y_range: tuple[float, float], x_fmt: str, y_fmt: str,
                      x_title: str, y_title: str, marker_size: int = 11, legend: bool = False) -> Chart:
    """An XY scatter: `groups` = (series name, frame with x, y, label, colour); each point carries its
    label as a data label text (editable in PowerPoint)."""
    data = XyChartData()
    for name, frame, _ in groups:
        series = data.add_series(name, number_format="0.0")
        for x, y in zip(frame["x"], frame["y"]):
            series.add_data_point(float(x), float(y))
    frame_ = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, Emu(box.left), Emu(box.top), Emu(box.width),
                                    Emu(box.height), data)
    chart = frame_.chart
    _style(chart, font)
    for s, (_, frame, color) in zip(chart.plots[0].series, groups):
        s.format.line.fill.background()
        s.marker.style = XL_MARKER_STYLE.CIRCLE
        s.marker.size = marker_size
        fill(s.marker.format, color)
        s.marker.format.line.color.rgb = rgb("#FFFFFF")
        texts_ = [wrap_label(label) for label in frame["label"]]
        where = place_labels(frame["x"].tolist(), frame["y"].tolist(), texts_, x_range=x_range,
                             y_range=y_range,
                             plot_size=_plot_size(box))
        for i, text in enumerate(texts_):
            point_label(s, i, fmt="0", color=HOUSE_COLORS["text"], text=text, position=_POSITION[where[i]])
    for axis, (lo, hi), fmt, title in ((chart.category_axis, x_range, x_fmt, x_title),
                                       (chart.value_axis, y_range, y_fmt, y_title)):
        _value_axis(axis, minimum=lo, maximum=hi, major=nice_step(hi - lo), fmt=fmt)
        _axis_title(axis, title)
    _legend(chart, show=legend)
    return chart


def add_priority_chart(slide, box: Box, rows: pd.DataFrame, texts: dict, *, font: str) -> Chart:
    """The priority matrix: customers' score (x) against derived importance (y), one series per
    classification, item labels at the points, dashed crosshairs at the means and the quadrant names
    in the corners (both as chart series, so they move with the axes).

    The classification series share one x column (every item) and leave y empty for the items of the
    other classifications: LibreOffice drops scatter series that are shorter than a later series,
    and a shared x column is also the easiest layout to edit in PowerPoint's data sheet.
    """
    d = texts["drivers"]
    x_mean, y_mean = float(rows["performance"].mean()), float(rows["importance"].mean())
    x_lo = max(0.0, math.floor(min(rows["performance"].min(), x_mean) / 10 - 0.5) * 10)
    x_hi = min(100.0, math.ceil(max(rows["performance"].max(), x_mean) / 10 + 0.5) * 10)
    y_hi = float(math.ceil(max(rows["importance"].max() * 1.2, y_mean * 2) / 5) * 5)
    data = XyChartData()
    # items without a classification (too few employee answers) are still placed: both axes are customers'
    present = [cls for cls in (*CLASSES, "suppressed") if (rows["classification"] == cls).any()]
    for cls in present:
        series = data.add_series(texts["classification"][cls], number_format="0.0")
        for x, y, c in zip(rows["performance"], rows["importance"], rows["classification"]):
            series.add_data_point(float(x), float(y) if c == cls else None)
    dx, dy = 0.015 * (x_hi - x_lo), 0.04 * y_hi
    corner_points = (("concentrate_here", x_lo + dx, y_hi - dy, XL_LABEL_POSITION.RIGHT),
                     ("keep_up_the_good_work", x_hi - dx, y_hi - dy, XL_LABEL_POSITION.LEFT),
                     ("low_priority", x_lo + dx, dy, XL_LABEL_POSITION.RIGHT),
                     ("possible_overkill", x_hi - dx, dy, XL_LABEL_POSITION.LEFT))
    corners = data.add_series(texts["deck"]["quadrants"], number_format="0.0")
    for _, x, y, _ in corner_points:
        corners.add_data_point(float(x), float(y))
    cross_x = data.add_series(texts["deck"]["crosshair"], number_format="0.0")
    cross_x.add_data_point(x_mean, 0.0)
    cross_x.add_data_point(x_mean, y_hi)
    cross_y = data.add_series(texts["deck"]["crosshair"] + " ", number_format="0.0")
    cross_y.add_data_point(float(x_lo), y_mean)
    cross_y.add_data_point(float(x_hi), y_mean)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, Emu(box.left), Emu(box.top), Emu(box.width),
                                   Emu(box.height), data)
    chart = frame.chart
    _style(chart, font)
    plot_series = list(chart.plots[0].series)
    texts_ = [wrap_label(label) for label in rows["label"]]
    where = place_labels(rows["performance"].tolist(), rows["importance"].tolist(), texts_,
                         x_range=(x_lo, x_hi), y_range=(0.0, y_hi), plot_size=_plot_size(box))
    for s, cls in zip(plot_series, present):
        s.format.line.fill.background()
        s.marker.style = XL_MARKER_STYLE.CIRCLE
        s.marker.size = 12
        if cls == "suppressed":  # hollow: no classification to show
            fill(s.marker.format, "#FFFFFF")
            s.marker.format.line.color.rgb = rgb(HOUSE_COLORS["muted"])
            s.marker.format.line.width = Pt(1.5)
        else:
            fill(s.marker.format, HOUSE_COLORS[cls])
            s.marker.format.line.color.rgb = rgb("#FFFFFF")
        for i, (text, c) in enumerate(zip(texts_, rows["classification"])):
            if c == cls:
                point_label(s, i, fmt="0", color=HOUSE_COLORS["text"], text=text,
                            position=_POSITION[where[i]])
    quad = plot_series[len(present)]
    quad.format.line.fill.background()
    quad.marker.style = XL_MARKER_STYLE.NONE
    for i, (key, _, _, pos) in enumerate(corner_points):
        point_label(quad, i, fmt="0", color=HOUSE_COLORS["muted"], bold=True, text=d[key].upper(),
                    position=pos)
    for s in plot_series[len(present) + 1:]:
        s.marker.style = XL_MARKER_STYLE.NONE
        s.format.line.color.rgb = rgb(HOUSE_COLORS["muted"])
        s.format.line.width = Pt(1.25)
        s.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        s.smooth = False
    for axis, (lo, hi), title in ((chart.category_axis, (x_lo, x_hi), d["performance_axis"]),
                                  (chart.value_axis, (0.0, y_hi), d["importance_axis"])):
        _value_axis(axis, minimum=lo, maximum=hi, major=nice_step(hi - lo), fmt="0")
        _axis_title(axis, title)
    _legend(chart, show=True)
    # only the classifications in the legend: hide the helper series' entries
    legend = chart.legend._element
    for idx in reversed(range(len(present), len(plot_series))):
        entry = etree.Element(qn("c:legendEntry"))
        etree.SubElement(entry, qn("c:idx"), val=str(idx))
        etree.SubElement(entry, qn("c:delete"), val="1")
        legend.find(qn("c:legendPos")).addnext(entry)
    return chart


def _axis_title(axis, title: str) -> None:
    axis.has_title = True
    axis.axis_title.text_frame.text = title
    run = axis.axis_title.text_frame.paragraphs[0].runs[0]
    run.font.size, run.font.bold = Pt(11), False
    run.font.color.rgb = rgb(HOUSE_COLORS["neutral"])


def add_line_chart(slide, box: Box, categories: list[str], series: list[tuple[str, list, str]], *, font: str,
                   fmt: str, minimum: float | None, maximum: float | None, major: float | None,
                   legend: bool = True, labels: bool = True) -> Chart:
    """A line chart with markers over periods; None values leave a gap in the line."""
    data = CategoryChartData(number_format="0.0")
    data.categories = categories
    for name, values, _ in series:
        data.add_series(name, [_num(v) for v in values])
    frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, Emu(box.left), Emu(box.top), Emu(box.width),
                                   Emu(box.height), data)
    chart = frame.chart
    _style(chart, font)
    for s, (_, _, color) in zip(chart.plots[0].series, series):
        s.format.line.color.rgb = rgb(color)
        s.format.line.width = Pt(2.5)
        s.smooth = False
        s.marker.style = XL_MARKER_STYLE.CIRCLE
        s.marker.size = 8
        fill(s.marker.format, color)
        s.marker.format.line.color.rgb = rgb("#FFFFFF")
    if labels:
        _labels(chart.plots[0], fmt=fmt, position=XL_LABEL_POSITION.ABOVE, size=10)
    ax = chart.category_axis
    ax.tick_labels.font.size = Pt(10)
    ax.major_tick_mark = XL_TICK_MARK.NONE
    ax.format.line.color.rgb = rgb("#BFBFBF")
    _value_axis(chart.value_axis, minimum=minimum, maximum=maximum, major=major, fmt=fmt)
    _legend(chart, show=legend)
    return chart


def light(color: str) -> tuple[float, float, float]:
    """A light tint of a house colour (non-significant changes, secondary series)."""
    return tint(color, 0.4)
