"""The gap heatmap of units, segments and the employee journey: items down, groups across, the signed
gap (employees − customers) in every cell on a diverging colour, suppressed cells hatched.

Seaborn's convention, like `mirrorgap.render.charts.mirror`: data first, everything else keyword-only,
draw on `ax` (default `plt.gca()`), return the Axes, never show or save. Display strings come from
`texts` (`mirrorgap.render.words.unit_chart_texts(language)`; a title goes in under the key "title"),
merged over the English `DEFAULT_TEXTS`. Call `mirrorgap.render.style.set_theme()` before drawing.
`cell_colours` and `colour_limit` also colour the dashboard's HTML heatmap.
"""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from mirrorgap.config.numbers import fmt_whole
from mirrorgap.render.charts import parts
from mirrorgap.render.style import HOUSE_COLORS, merge_texts, require_columns
from mirrorgap.render.words import EnglishTexts

__all__ = ["DEFAULT_TEXTS", "cell_colours", "colour_limit", "gap_cmap", "gap_heatmap", "heatmap_figure"]

DEFAULT_TEXTS = EnglishTexts("units", title="")
GROUP_WRAP = 13        # characters per line of a column (group) heading
LABEL_WRAP = 34        # characters per line of an item label
NOTE_WRAP = 140        # at most this many characters per line of the note under a heatmap
DEFAULT_VMAX = 20.0    # colour reaches full strength at ±20 POMP points unless the data go further
CELL_PAD = 0.04        # white gutter around each heatmap cell (data units)
BLOCK_GAP = 0.35       # extra space between column blocks (overall | stage 1 | stage 2)
HATCH_EDGE = "#C9C9C9"


def gap_cmap():
    """Diverging colour map around 0: hidden strength (bluish green) – light grey – blind spot (dark
    red), the house colours, which stay apart for red–green colour-blind readers mostly by lightness."""
    return LinearSegmentedColormap.from_list(
        "gap", [HOUSE_COLORS["hidden_strength"], "#F2F2F2", HOUSE_COLORS["blind_spot"]], N=256)


_CMAP = gap_cmap()


def _group_name(table: pd.DataFrame) -> str:
    return "band_label" if "band_label" in table.columns else "group"


def _columns(table: pd.DataFrame, overall: pd.DataFrame | None) -> list[tuple[str, str]]:
    """Heatmap columns as (block, group): the overall column first, then the groups, blocked by stage
    when the table has one (the employee-journey table)."""
    cols = [("overall", "")] if overall is not None else []
    blocks = table["stage"] if "stage" in table.columns else pd.Series("", index=table.index)
    cols += [(str(b), str(g)) for b, g in dict.fromkeys(zip(blocks, table[_group_name(table)]))]
    return cols


def _positions(cols: list[tuple[str, str]]) -> np.ndarray:
    """x of each column: 1 apart, plus a gap where the block changes."""
    x, out, last = 0.0, [], None
    for block, _ in cols:
        if last is not None and block != last:
            x += BLOCK_GAP
        out.append(x)
        x += 1.0
        last = block
    return np.array(out)


def _optional(df: pd.DataFrame, column: str) -> pd.Series:
    return df[column].astype(float) if column in df.columns else pd.Series(np.nan, index=df.index)


def _cell_frame(table: pd.DataFrame, overall: pd.DataFrame | None) -> pd.DataFrame:
    """One row per drawn cell: block, group, item, gap, gap_ci_low, gap_ci_high, suppressed."""
    cells = pd.DataFrame({
        "block": table["stage"].astype(str) if "stage" in table.columns else "",
        "group": table[_group_name(table)].astype(str), "item": table["item"],
        "gap": table["gap"].astype(float), "gap_ci_low": _optional(table, "gap_ci_low"),
        "gap_ci_high": _optional(table, "gap_ci_high"), "suppressed": table["suppressed"].astype(bool)})
    if overall is None:
        return cells
    require_columns(overall, ("item", "gap"), "overall gap table")
    if "classification" in overall.columns:
        hidden = overall["classification"] == "suppressed"
    else:
        hidden = overall["gap"].isna()
    first = pd.DataFrame({
        "block": "overall", "group": "", "item": overall["item"], "gap": overall["gap"].astype(float),
        "gap_ci_low": _optional(overall, "gap_ci_low"), "gap_ci_high": _optional(overall, "gap_ci_high"),
        "suppressed": hidden.astype(bool)})
    return pd.concat([first, cells], ignore_index=True)


def colour_limit(gaps: pd.Series, vmax: float | None = None) -> float:
    """The |gap| at full colour: `vmax`, else 20, or the largest shown |gap| rounded up to 5 when larger."""
    shown = gaps.abs().dropna()
    return vmax or max(DEFAULT_VMAX, float(np.ceil(shown.max() / 5) * 5) if len(shown) else 0.0)


def cell_colours(gaps, limit: float) -> tuple[np.ndarray, np.ndarray]:
    """Fill (RGBA rows) and text colour of heatmap cells: the diverging colour of each gap, white text
    where the fill is dark. The report's PNG and the dashboard's HTML heatmap both use it."""
    level = np.clip(Normalize(-limit, limit)(np.atleast_1d(np.asarray(gaps, dtype=float))).filled(np.nan), 0, 1)
    ink = np.where(np.abs(level - 0.5) > 0.32, "white", HOUSE_COLORS["text"])
    return _CMAP(level), ink


def _draw_cells(ax: Axes, cells: pd.DataFrame, x_of: dict, y_of: dict, limit: float, t: dict) -> None:
    """One rectangle and one text per cell: the coloured gap, "too few" (hatched) or "–" (no gap).
    Rectangles go in with `add_artist`: the axis limits are set afterwards, and `add_patch` would
    recompute them for each of what can be thousands of cells."""
    c = HOUSE_COLORS
    side = 1 - 2 * CELL_PAD
    fills, inks = cell_colours(cells["gap"].to_numpy(dtype=float), limit)
    for cell, fill, ink in zip(cells.itertuples(index=False), fills, inks):
        x, y = x_of[(cell.block, cell.group)], y_of[cell.item]
        corner = (x - 0.5 + CELL_PAD, y - 0.5 + CELL_PAD)
        if cell.suppressed:
            ax.add_artist(Rectangle(corner, side, side, facecolor=c["light"], edgecolor=HATCH_EDGE,
                                    hatch="////", linewidth=0, gid="cell_suppressed"))
            ax.text(x, y, t["heatmap_too_few"], ha="center", va="center", fontsize=8, style="italic",
                    color=c["neutral"], gid="too_few",
                    bbox=dict(boxstyle="round,pad=0.15", fc=c["light"], ec="none"))
        elif not np.isfinite(cell.gap):
            ax.add_artist(Rectangle(corner, side, side, facecolor="white", edgecolor=c["grid"], linewidth=0.8,
                                    gid="cell_empty"))
            ax.text(x, y, "–", ha="center", va="center", color=c["muted"], gid="no_gap")
        else:
            ax.add_artist(Rectangle(corner, side, side, facecolor=tuple(fill), linewidth=0, gid="cell"))
            significant = cell.gap_ci_low > 0 or cell.gap_ci_high < 0  # NaN compares False: not bold
            ax.text(x, y, fmt_whole(cell.gap, signed=True), ha="center", va="center", fontsize=10.5,
                    fontweight="bold" if significant else "normal", color=str(ink), gid="gap_value")


def _stage_headings(ax: Axes, cols, xs, t: dict, lines: int) -> bool:
    """Stage names (tenure, customer contact) with a thin rule, above the group headings."""
    blocks = [b for b in dict.fromkeys(b for b, _ in cols) if b not in ("overall", "")]
    for block in blocks:
        bx = [x for (b, _), x in zip(cols, xs) if b == block]
        ax.annotate(t.get(f"stage_{block}", block), xy=((min(bx) + max(bx)) / 2, 1.0),
                    xycoords=("data", "axes fraction"), xytext=(0, 12 + 12 * lines),
                    textcoords="offset points", ha="center", va="bottom", fontsize=10, fontweight="bold", color=HOUSE_COLORS["neutral"],
                    gid="stage")
        rule = blended_transform_factory(ax.transData, ax.transAxes) + ScaledTranslation(
            0, (8 + 12 * lines) / 72, ax.figure.dpi_scale_trans)
        ax.add_line(Line2D([min(bx) - 0.45, max(bx) + 0.45], [1.0, 1.0], transform=rule, color="#BFBFBF",
                           linewidth=0.8, clip_on=False, gid="stage_rule"))
    return bool(blocks)


def _heatmap_legend(ax: Axes, table: pd.DataFrame, any_hidden: bool, t: dict, note: bool) -> None:
    """The colour legend under the grid, then the reading note (and what the groups are compared with)."""
    c = HOUSE_COLORS
    handles = [Patch(facecolor=c["blind_spot"], label=t["heatmap_blind_spot_end"]),
               Patch(facecolor=c["hidden_strength"], label=t["heatmap_hidden_strength_end"])]
    if any_hidden:
        handles.append(Patch(facecolor=c["light"], edgecolor=HATCH_EDGE, hatch="////", linewidth=0,
                             label=t["heatmap_too_few"]))
    below = ax.transAxes + ScaledTranslation(0, -6 / 72, ax.figure.dpi_scale_trans)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, 0), bbox_transform=below,
              ncol=len(handles), frameon=False, fontsize=9.5, handlelength=1.4, columnspacing=1.6,
              borderaxespad=0)
    if note:
        compared = set(table["compared_with"]) if "compared_with" in table.columns else set()
        lead = [t[f"compared_{k}"] + "." for k in ("all_customers", "all_employees") if k in compared]
        # wrap to the width of the plot (about 15 characters per inch at this size)
        width = ax.get_position().width * ax.figure.get_figwidth()
        wrap = max(60, min(NOTE_WRAP, int(width * 15)))
        parts.note(ax, textwrap.fill(" ".join([*lead, t["heatmap_note"]]), wrap), offset=30, gid="heatmap_note")


def gap_heatmap(table: pd.DataFrame, *, ax: Axes | None = None, texts: dict | None = None,
                overall: pd.DataFrame | None = None, vmax: float | None = None, note: bool = True) -> Axes:
    """Heatmap of the gap (employees − customers): mirror items down, groups across, colour diverging
    around 0 (dark red: employees higher, a blind spot; green: customers higher, a hidden strength),
    the signed gap printed in every cell (bold when its CI excludes 0), suppressed cells grey and
    hatched with "too few".

    table: `units.group_gap_table(...)` (group, item, label, gap, suppressed; gap_ci_low/high for the
        bold cue) or `journeys.employee_journey_table(...)` (band_label and stage: the stages are drawn
        as blocks with a heading).
    ax: the Axes (default `plt.gca()`).
    texts: display strings over `DEFAULT_TEXTS` (title, heatmap_*, stage_*, compared_*).
    overall: the gap table (item, gap, gap_ci_low/high, classification), drawn as a first column "All".
    vmax: gap at full colour (default: 20, or the largest |gap| rounded up to 5 when larger).
    note: print the reading note under the legend.
    Returns the Axes.
    """
    require_columns(table, ("item", "label", "gap", "suppressed"), "group gap table")
    if "group" not in table.columns and "band_label" not in table.columns:
        raise ValueError("the group gap table needs a 'group' (or 'band_label') column")
    t = merge_texts(DEFAULT_TEXTS, texts)
    ax = plt.gca() if ax is None else ax
    items = list(dict.fromkeys(table["item"]))
    labels = table.drop_duplicates("item").set_index("item")["label"]
    cols = _columns(table, overall)
    xs = _positions(cols)
    y_of = {item: float(i) for i, item in enumerate(items)}
    cells = _cell_frame(table, overall)
    limit = colour_limit(cells.loc[~cells["suppressed"], "gap"], vmax)
    _draw_cells(ax, cells, dict(zip(cols, xs)), y_of, limit, t)

    # items down the left, group headings on top
    ax.set_xlim(xs.min() - 0.5, xs.max() + 0.5)
    ax.set_ylim(len(items) - 0.5, -0.5)
    ax.set_yticks(list(y_of.values()),
                  [parts.wrap_label(labels[i], LABEL_WRAP) for i in items])
    headings = [t["heatmap_overall"] if b == "overall"
                else parts.wrap_label(g, GROUP_WRAP) for b, g in cols]
    ax.set_xticks(xs, headings)
    ax.xaxis.tick_top()
    ax.tick_params(axis="both", length=0, pad=5)
    ax.tick_params(axis="x", labelsize=9.5, colors=HOUSE_COLORS["text"])
    for tick, (block, _) in zip(ax.get_xticklabels(), cols):
        if block == "overall":
            tick.set_fontweight("bold")
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)

    lines = max(h.count("\n") + 1 for h in headings)
    staged = _stage_headings(ax, cols, xs, t, lines)
    parts.title(ax, t["title"], pad=18 + 12 * lines + (22 if staged else 0))
    _heatmap_legend(ax, table, bool(cells["suppressed"].any()), t, note)
    return ax


def heatmap_figure(table: pd.DataFrame, *, overall: pd.DataFrame | None = None) -> tuple[Figure, Axes]:
    """A figure sized for `gap_heatmap` of this table (item rows × group columns). Returns (fig, ax)."""
    n_items = table["item"].nunique()
    n_cols = len(_columns(table, overall))
    return plt.subplots(figsize=(max(8.0, 3.6 + 1.05 * n_cols), 2.6 + 0.44 * n_items))
