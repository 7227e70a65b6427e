"""Where: the gap per unit and per group of each segment (tables coloured like a heatmap), and the
linkage of employees' and customers' results across units."""
from __future__ import annotations

import math

import pandas as pd
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches

from mirrorgap.deliver.deck.charts.matrix import add_scatter_chart
from mirrorgap.deliver.deck.furniture import Deck
from mirrorgap.deliver.deck.layout import CHART_TOP, CONTENT_W, MARGIN
from mirrorgap.deliver.deck.shapes import WHITE, cell
from mirrorgap.deliver.number_formats import WHOLE
from mirrorgap.render.style import HOUSE_COLORS, tint
from mirrorgap.stats.intervals import excludes_zero

__all__ = ["heatmap_slide", "heatmap_slides", "linkage_slide"]


def heatmap_slides(deck: Deck) -> None:
    """Gap per unit, and per group of each segment with 2–8 groups, one slide each."""
    ut = deck.t["units"]
    units = deck.table("units")
    if units is not None:
        heatmap_slide(deck, units, ut["heatmap_title"], ut["compared_same_group"])
    segments = deck.table("segments")
    if segments is not None:
        for by, part in segments.groupby("by", sort=False):
            if 2 <= part["group"].nunique() <= 8:
                how = ut.get(f"compared_{part['compared_with'].iloc[0]}", "")
                heatmap_slide(deck, part, ut["segment_heatmap_title"], f"{deck.breakdown(by)}: {how}")


def heatmap_slide(deck: Deck, table: pd.DataFrame, title: str, subtitle: str) -> None:
    """Items (largest overall gap first) × groups; cells coloured by the gap, bold where its CI
    excludes zero, "too few" where the group's employee figures are suppressed."""
    order = deck.results.gaps.sort_values("gap", ascending=False, na_position="last")
    items = [i for i in order["item"] if i in set(table["item"])]
    labels = dict(zip(order["item"], order["label"]))
    groups = list(dict.fromkeys(table["group"]))
    # (item, group), one row each -> its figures: a dict look-up per cell rather than a pandas .loc
    cells = {(item, group): row for item, group, *row in zip(table["item"], table["group"], table["suppressed"],
                                                             table["gap"], table["gap_ci_low"], table["gap_ci_high"])}
    slide = deck.content_slide(title, subtitle, note=deck.d["heatmap_note"])
    first_w = Inches(3.6)
    width = min(Inches(1.4), (CONTENT_W - first_w) // max(1, len(groups)))
    shape = slide.shapes.add_table(len(items) + 1, len(groups) + 1, Emu(MARGIN), Emu(CHART_TOP),
                                   Emu(first_w + width * len(groups)), Inches(0.34) * (len(items) + 1))
    grid = shape.table
    grid.columns[0].width = Emu(first_w)
    for k in range(len(groups)):
        grid.columns[k + 1].width = Emu(width)
    deck.header_row(grid, ["", *map(str, groups)], size=9.5)
    too_few = deck.t["units"]["heatmap_too_few"]
    for i, item in enumerate(items, start=1):
        cell(grid.cell(i, 0), [(labels.get(item, item), 10, False, None)], fill=WHITE)
        for k, group in enumerate(groups, start=1):
            suppressed, gap, low, high = cells.get((item, group), (True, None, None, None))
            if bool(suppressed) or pd.isna(gap):
                cell(grid.cell(i, k), [(too_few, 9, False, HOUSE_COLORS["muted"])], fill=HOUSE_COLORS["light"],
                     align=PP_ALIGN.CENTER)
                continue
            gap = float(gap)
            strength = min(abs(gap) / 20, 1.0)
            base = HOUSE_COLORS["blind_spot"] if gap > 0 else HOUSE_COLORS["hidden_strength"]
            significant = excludes_zero(low, high)
            ink = WHITE if strength > 0.55 else HOUSE_COLORS["text"]
            cell(grid.cell(i, k), [(deck.f(gap, signed=True), 10.5, significant, ink)],
                 fill=tint(base, 0.08 + 0.8 * strength), align=PP_ALIGN.CENTER)


def _axis(values: pd.Series) -> tuple[float, float]:
    """Axis limits on multiples of 5 with at least 5 points of room around the values."""
    return math.floor((values.min() - 5) / 5) * 5, math.ceil((values.max() + 5) / 5) * 5


def linkage_slide(deck: Deck) -> None:
    """Units placed by their employee and customer indices, with the run's correlation and its CI."""
    linkage, summary = deck.table("linkage"), deck.results.texts.get("linkage")
    if linkage is None or summary is None:
        return
    used = linkage[linkage["included"].astype(bool) & ~linkage["employee_suppressed"].astype(bool)]
    if len(used) < 3:
        return
    ut = deck.t["units"]
    r_text = ut["linkage_r"].format(r=deck.f(summary.pearson_r, decimals=2),
                                    low=deck.f(summary.pearson_ci_low, decimals=2),
                                    high=deck.f(summary.pearson_ci_high, decimals=2))
    units_text = ut["linkage_units"].format(n_units=deck.f(len(used)))
    slide = deck.content_slide(ut["linkage_title"], f"{r_text} · {units_text}", note=ut["linkage_note"])
    points = pd.DataFrame({"x": used["employee_index"], "y": used["customer_index"], "label": used["unit"]})
    kind_e, kind_c = str(used["employee_index_kind"].iloc[0]), str(used["customer_index_kind"].iloc[0])
    add_scatter_chart(slide, deck.chart_box(), [(units_text, points, deck.primary)], font=deck.font,
                      x_range=_axis(points["x"]), y_range=_axis(points["y"]), x_fmt=WHOLE, y_fmt=WHOLE,
                      x_title=ut[f"linkage_employee_{kind_e}"], y_title=ut[f"linkage_customer_{kind_c}"])
