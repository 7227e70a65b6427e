"""The dashboard's unit heatmap as an HTML table: the report's heatmap (`mirrorgap.render.charts.heatmap.gap_heatmap`) with
the same colours, colour limit, bold cue and texts, drawn by the browser instead of as a picture.

Why HTML here: at 50 units × 30 items a PNG took seconds to render after every filter change, and a
picture of a wide table shrinks or scrolls badly; a table is built in milliseconds, scrolls sideways
with the item names kept in view, and its numbers stay text (crisp when zoomed and printed).
"""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
from matplotlib.colors import to_hex

from mirrorgap.config.numbers import fmt_number
from mirrorgap.render.charts.heatmap import cell_colours, colour_limit
from mirrorgap.render.style import HOUSE_COLORS


def heatmap_html(table: pd.DataFrame, overall: pd.DataFrame, texts: dict, *, language: str) -> str:
    """The heatmap table: items down, "all" then each group across; every cell the signed gap
    (bold when its CI excludes 0), "too few answers" where suppressed, "–" where there is no gap.

    table: group, item, label, gap, gap_ci_low, gap_ci_high, suppressed (`AggregateViews.unit_gaps`);
    overall: the gap table of the same filter without a unit (item, gap, CI, classification);
    texts: the unit chart texts in the engagement language plus `too_few` and the legend texts.
    """
    units = list(dict.fromkeys(table["group"]))
    items = list(dict.fromkeys(table["item"]))
    labels = table.drop_duplicates("item").set_index("item")["label"]
    over = overall.set_index("item").reindex(items)
    over["suppressed"] = over["classification"].eq("suppressed")
    # one grid: the overall column first, then the units, items down (missing unit cells: hidden)
    grid = table.set_index(["item", "group"])[["gap", "gap_ci_low", "gap_ci_high", "suppressed"]]
    grid = grid.reindex(pd.MultiIndex.from_product([items, units])).fillna({"suppressed": True})
    columns = {k: np.column_stack([over[k].to_numpy(dtype=float if k != "suppressed" else bool),
                                   grid[k].to_numpy(dtype=float if k != "suppressed" else bool)
                                   .reshape(len(items), len(units))])
               for k in ("gap", "gap_ci_low", "gap_ci_high", "suppressed")}
    hidden = columns["suppressed"]
    gap = np.where(hidden, np.nan, columns["gap"])
    limit = colour_limit(pd.Series(gap.ravel()))
    fills, inks = cell_colours(gap.ravel(), limit)
    fills = np.array([to_hex(f) for f in fills]).reshape(gap.shape)
    inks = inks.reshape(gap.shape)
    bold = (columns["gap_ci_low"] > 0) | (columns["gap_ci_high"] < 0)  # NaN compares False: not bold
    too_few = html.escape(texts["too_few"])
    rows = []
    for r, item in enumerate(items):
        cells = []
        for k in range(gap.shape[1]):
            css = "mg-hm-all " if k == 0 else ""
            if hidden[r, k]:
                cells.append(f'<td class="{css}mg-hm-hidden">{too_few}</td>')
            elif np.isnan(gap[r, k]):
                cells.append(f'<td class="{css}mg-hm-empty">–</td>')
            else:
                cells.append(f'<td class="{css}mg-hm-cell" style="background:{fills[r, k]};color:{inks[r, k]};'
                             f'font-weight:{700 if bold[r, k] else 400}">'
                             f'{fmt_number(gap[r, k], language, signed=True)}</td>')
        cells.insert(1, '<td class="mg-hm-gutter"></td>')
        rows.append(f'<tr><th scope="row">{html.escape(str(labels[item]))}</th>{"".join(cells)}</tr>')
    head = "".join(f'<th scope="col">{html.escape(str(u))}</th>' for u in units)
    table_html = (f'<table class="mg-heatmap"><thead><tr><th></th><th scope="col" class="mg-hm-all">'
                  f'{html.escape(texts["heatmap_overall"])}</th><th class="mg-hm-gutter"></th>{head}</tr></thead>'
                  f'<tbody>{"".join(rows)}</tbody></table>')
    return (f'<div class="mg-heatmap-title">{html.escape(texts["heatmap_title"])}</div>'
            f'<div class="mg-heatmap-scroll">{table_html}</div>{_legend(texts, bool(hidden[:, 1:].any()))}')


def _legend(texts: dict, any_hidden: bool) -> str:
    keys = [("blind_spot", "heatmap_blind_spot_end"), ("hidden_strength", "heatmap_hidden_strength_end")]
    swatches = [f'<span class="mg-hm-key"><i style="background:{HOUSE_COLORS[colour]}"></i>{html.escape(texts[k])}</span>'
                for colour, k in keys]
    if any_hidden:
        swatches.append(f'<span class="mg-hm-key"><i class="mg-hm-hatch"></i>{html.escape(texts["too_few"])}</span>')
    return (f'<div class="mg-hm-legend">{"".join(swatches)}</div>'
            f'<p class="mg-note">{html.escape(texts["heatmap_note"])}</p>')
