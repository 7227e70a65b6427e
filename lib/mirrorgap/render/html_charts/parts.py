"""What the HTML charts share: their style sheet, the frame (title, legend, rows, axis, note), legend
keys, percent positions and escaping. Every text that reaches the page goes through `esc`: labels come
from the client's params and files."""
from __future__ import annotations

import html
import math

from matplotlib.colors import to_hex

from mirrorgap.config.numbers import fmt_number
from mirrorgap.render.style import FONT_FAMILY, HOUSE_COLORS, tint

__all__ = ["CHART_CSS", "TEXT_GREEN", "axis_html", "chart_html", "dot_key", "esc", "hex_tint", "pct", "swatch_key",
           "ticks"]

C = HOUSE_COLORS
TEXT_GREEN = "#007A59"  # the hidden-strength green darkened for text on white (contrast 5:1; #009E73 is 3.4:1)
PHONE_PX = 600  # the page width up to which the dashboard lays itself out for a phone

# One sheet for every HTML chart, sent with each chart so that the chart looks the same in the Voilà
# template and in the analysts' JupyterLab (which has no template). Rows are grids with the same
# columns, so labels, plots and the gap column line up; text sizes are CSS pixels (never under 12, the
# dashboard's phone minimum), marks are placed in percent of the plot.
CHART_CSS = f"""<style>
.mg-chart-widget, .mg-chart-widget > .widget-html-content {{ width: 100%; min-width: 0; display: block; }}
.mg-chart {{ font-family: var(--mg-font, "{FONT_FAMILY}"), "{FONT_FAMILY}", sans-serif; color: {C["text"]};
  max-width: 1100px; margin: 6px 0 4px; font-variant-numeric: tabular-nums; line-height: 1.25; }}
.mg-chart-title {{ font-size: 17px; font-weight: 700; margin: 0 0 8px; }}
.mg-chart-legend {{ display: flex; flex-wrap: wrap; gap: 4px 20px; font-size: 13.5px; margin: 0 0 6px; }}
.mg-chart-key {{ display: inline-flex; align-items: center; gap: 7px; }}
.mg-chart-key svg {{ flex: none; }}
.mg-chart-mirror {{ --mg-ch-cols: minmax(0, 30%) minmax(0, 1fr) 3.6em; --mg-ch-row: 40px; }}
.mg-chart-answers {{ --mg-ch-cols: minmax(0, 24%) minmax(0, 1fr); --mg-ch-row: 40px; max-width: 980px; }}
.mg-chart-answers.mg-chart-two {{ --mg-ch-row: 64px; }}
.mg-chart-row {{ display: grid; grid-template-columns: var(--mg-ch-cols); align-items: stretch; }}
.mg-chart-label {{ text-align: right; padding: 5px 12px 5px 0; font-size: 14.5px; align-self: center;
  overflow-wrap: anywhere; }}
.mg-chart-sub {{ display: block; font-size: 12.5px; margin-top: 1px; }}
.mg-chart-few {{ color: {C["muted"]}; font-style: italic; }}
.mg-chart-plot {{ position: relative; min-height: var(--mg-ch-row); }}
.mg-chart-plot > svg {{ position: absolute; left: 0; top: 0; width: 100%; height: 100%; overflow: visible; }}
.mg-chart-answers .mg-chart-plot {{ margin-right: 3.2em; }}
.mg-ad-share {{ position: absolute; display: flex; align-items: center; font-size: 12.5px; color: {C["neutral"]};
  white-space: nowrap; }}
.mg-chart-value {{ font-size: 15px; align-self: center; padding-left: 10px; white-space: nowrap; }}
.mg-chart-head {{ font-size: 12.5px; color: {C["muted"]}; align-self: end; padding: 0 0 3px 10px; }}
.mg-chart-axis .mg-chart-plot {{ min-height: 24px; border-top: 1px solid #BFBFBF; }}
.mg-chart-tick {{ position: absolute; top: 5px; transform: translateX(-50%); font-size: 12.5px;
  color: {C["neutral"]}; }}
.mg-chart-axis-title {{ text-align: center; font-size: 13.5px; color: {C["neutral"]}; padding: 2px 0 0; }}
.mg-chart-note {{ font-size: 12.5px; color: {C["muted"]}; margin: 10px 0 0; }}
@media (max-width: {PHONE_PX}px) {{
  .mg-chart-mirror {{ --mg-ch-cols: minmax(0, 36%) minmax(0, 1fr) 2.9em; }}
  .mg-chart-answers {{ --mg-ch-cols: minmax(0, 34%) minmax(0, 1fr); }}
  .mg-chart-title {{ font-size: 16px; }}
  .mg-chart-legend {{ gap: 4px 14px; font-size: 13px; }}
  .mg-chart-label {{ font-size: 13px; padding-right: 8px; }}
  .mg-chart-answers .mg-chart-plot {{ margin-right: 3.2em; }}
.mg-ad-share {{ position: absolute; display: flex; align-items: center; font-size: 12.5px; color: {C["neutral"]};
  white-space: nowrap; }}
.mg-chart-value {{ font-size: 14px; padding-left: 6px; }}
  .mg-mc-row circle {{ r: 6px; }}  /* dots of close scores overlap less on a narrow plot */
  .mg-ad-share, .mg-chart-sub, .mg-chart-tick, .mg-chart-head, .mg-chart-note, .mg-chart-axis-title {{ font-size: 12px; }}
}}
@media print {{ .mg-chart-row {{ break-inside: avoid; }} }}
</style>"""


def esc(text) -> str:
    """Any text as HTML text or attribute value (quotes too)."""
    return html.escape(str(text), quote=True)


def pct(value: float, lo: float, hi: float) -> str:
    """`value`'s place on an axis from `lo` to `hi` as an SVG/CSS percentage, clamped to the axis."""
    share = 100 * (min(max(float(value), lo), hi) - lo) / (hi - lo)
    return f"{share:.2f}%"


def hex_tint(colour: str, amount: float) -> str:
    """`style.tint` as a CSS colour."""
    return to_hex(tint(colour, amount))


def ticks(lo: float, hi: float, *, at_most: int = 6) -> list[float]:
    """Round tick values from `lo` to `hi`: a step of 10, 20 or 25 so that there are at most `at_most`
    ticks beyond the first (few enough for a phone's plot of ~200 px)."""
    step = next(s for s in (10, 20, 25, 50) if (hi - lo) / s <= at_most)
    return [lo + k * step for k in range(int(math.floor((hi - lo) / step)) + 1)]


def dot_key(colour: str, label: str) -> str:
    """A legend entry: a round dot with a white ring, as the chart draws a mean."""
    return (f'<span class="mg-chart-key"><svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" '
            f'r="6.5" fill="{colour}" stroke="#fff" stroke-width="1.5"/></svg>{esc(label)}</span>')


def swatch_key(fill: str, edge: str, label: str, *, edge_width: float = 2.0) -> str:
    """A legend entry: a small box (a bar's colour, or a tinted row with its coloured edge)."""
    return (f'<span class="mg-chart-key"><svg width="24" height="14" aria-hidden="true"><rect x="1" y="1" '
            f'width="22" height="12" rx="1.5" fill="{fill}" stroke="{edge}" stroke-width="{edge_width}"/></svg>'
            f"{esc(label)}</span>")


def axis_html(values: list[float], lo: float, hi: float, title: str, language: str, *, value_column: bool) -> str:
    """The value axis under the rows: tick numbers at their places and the axis title under them."""
    marks = "".join(f'<span class="mg-chart-tick" style="left:{pct(v, lo, hi)}">{esc(fmt_number(v, language))}</span>'
                    for v in values)
    end = "<div></div>" if value_column else ""
    return (f'<div class="mg-chart-row mg-chart-axis" aria-hidden="true"><div></div><div class="mg-chart-plot">{marks}'
            f'</div>{end}</div><div class="mg-chart-row" aria-hidden="true"><div></div><div class="mg-chart-axis-title">'
            f"{esc(title)}</div>{end}</div>")


def chart_html(kind: str, *, title: str, legend: list[str], rows: str, note: str | None = None) -> str:
    """The whole chart: the style sheet, then a figure with its title as caption, the legend, the rows
    (grids with the columns of the chart's `kind`, "mirror" or "answers", set in `CHART_CSS`; an extra
    class such as "answers mg-chart-two" is passed on) and an optional note."""
    caption = f'<figcaption class="mg-chart-title">{esc(title)}</figcaption>' if title else ""
    foot = f'<p class="mg-chart-note">{esc(note)}</p>' if note else ""
    return (f'{CHART_CSS}<figure class="mg-chart mg-chart-{kind}" aria-label="{esc(title)}">{caption}<div class="mg-chart-legend">{"".join(legend)}</div>{rows}{foot}'
            "</figure>")
