"""Labels next to points that keep clear of each other: one placer for every chart that names its points.

For each label, in the order given (the important first), `place_labels` tries candidate positions
around the point, ring by ring outwards, and keeps the one that costs least: overlap with the labels
already placed and the obstacles, with the other points, lightly with thin lines (soft obstacles),
heavily with the plot's edges, and a little for distance. A `LabelSearch` says where to look and what
each overlap costs; a label moved far from its point gets a thin leader line.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from mirrorgap.render.style import HOUSE_COLORS

__all__ = ["AROUND_THE_POINT", "LabelSearch", "figure_renderer", "overlap", "place_labels"]

Candidate = tuple[float, float, str, str]  # offset in points (dx, dy), horizontal and vertical alignment

# directions around a point (unit dx, unit dy, ha, va) in order of preference, and the distances tried
_DIRECTIONS = (
    (1, 0, "left", "center"), (-1, 0, "right", "center"), (0, 1, "center", "bottom"),
    (0, -1, "center", "top"), (0.75, 0.75, "left", "bottom"), (-0.75, 0.75, "right", "bottom"),
    (0.75, -0.75, "left", "top"), (-0.75, -0.75, "right", "top"),
)
_RADII = (6.0, 11.0, 18.0, 27.0, 38.0, 52.0)  # points


@dataclass(frozen=True)
class LabelSearch:
    """Where `place_labels` looks for a label's spot and what each kind of overlap costs (per px²).

    rings: (radius in points, candidates) tried nearest first; the search stops after a ring whose
        best spot is clear (it costs no more than its distance and rank), as nothing farther is better.
    hard: overlap with the labels already placed and the obstacles. others: overlap with the other
        points' boxes (`point_px` pixels around each; 0 leaves the points to the obstacles).
    soft: overlap with soft obstacles. outside: area outside the axes. distance: per pixel of radius.
    rank: per step down a ring's candidates. pad: pixels added around a label's box (x, y).
    leader_at: a label farther than this (points) from its point gets a leader line; None: never.
    """

    rings: tuple[tuple[float, tuple[Candidate, ...]], ...]
    hard: float = 6.0
    others: float = 0.0
    point_px: float = 0.0
    soft: float = 3.0
    outside: float = 12.0
    distance: float = 4.0
    rank: float = 2.0
    pad: tuple[float, float] = (5.0, 2.0)
    leader_at: float | None = 16.0


# the item labels of the priority matrix: eight directions at growing distances, leader lines far out
AROUND_THE_POINT = LabelSearch(rings=tuple(
    (radius, tuple((ux * radius, uy * radius, ha, va) for ux, uy, ha, va in _DIRECTIONS)) for radius in _RADII))


def overlap(a: Bbox, b: Bbox) -> float:
    """The area two boxes share (0 when apart)."""
    return _shared(a.extents, b.extents)


def _shared(a: tuple, b: tuple) -> float:
    """`overlap` of two boxes' extents (x0, y0, x1, y1): the search asks it thousands of times, and a
    Bbox works out each corner on every access."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def figure_renderer(fig: Figure):
    """The renderer that measures texts on `fig` (the canvas's own where the backend has one)."""
    get = getattr(fig.canvas, "get_renderer", None)
    return get() if get is not None else fig._get_renderer()  # noqa: SLF001 (backends without one)


def place_labels(ax: Axes, x, y, labels, *, obstacles: list[Bbox] | None = None,
                 soft_obstacles: list[Bbox] | None = None, order=None, search: LabelSearch = AROUND_THE_POINT,
                 **text_kw) -> list:
    """Put a text label next to each point (data coordinates) so that labels do not overlap each other,
    the obstacles or the plot's edges; see the module docstring. Set the axis limits first.

    x, y: the points, in data coordinates.
    labels: one string per point.
    obstacles: display-space boxes labels must avoid (points, markers, other texts).
    soft_obstacles: boxes a label may touch at a lower cost (thin lines).
    order: the order in which points get their labels (default as given); put the important first.
    search: where to look and what overlaps cost (default `AROUND_THE_POINT`).
    text_kw: passed to `ax.annotate` (fontsize, color, fontweight, gid, zorder…); a list value gives
        one per label. Default gid "item_label", zorder 6.
    Returns the Annotation objects, in input order.
    """
    fig = ax.figure
    renderer = figure_renderer(fig)
    frame = tuple(ax.get_window_extent(renderer).extents.tolist())
    hard = [tuple(b.extents.tolist()) for b in obstacles or []]
    soft = [tuple(b.extents.tolist()) for b in soft_obstacles or []]
    px_per_pt = fig.dpi / 72.0
    points = []
    if search.others:
        r = search.point_px
        points = [(px - r, py - r, px + r, py + r)
                  for px, py in (ax.transData.transform((xi, yi)) for xi, yi in zip(x, y))]
    order = list(range(len(labels))) if order is None else list(order)
    out: list = [None] * len(labels)
    for i in order:
        kw = {"gid": "item_label", "zorder": 6,
              **{k: (v[i] if isinstance(v, (list, tuple)) else v) for k, v in text_kw.items()}}
        first = search.rings[0][1][0]
        ann = ax.annotate(labels[i], xy=(x[i], y[i]), xytext=first[:2], textcoords="offset points",
                          ha=first[2], va=first[3], annotation_clip=False, **kw)
        best, best_cost = None, np.inf
        for radius, candidates in search.rings:
            for rank, (dx, dy, ha, va) in enumerate(candidates):
                ann.set_position((dx, dy))
                ann.set_ha(ha)
                ann.set_va(va)
                box = _text_box(ann, renderer, search.pad)
                corners = tuple(box.extents.tolist())
                cost = (search.hard * sum(_shared(corners, b) for b in hard)
                        + search.others * sum(_shared(corners, p) for k, p in enumerate(points) if k != i)
                        + search.soft * sum(_shared(corners, b) for b in soft)
                        + search.outside * (box.width * box.height - _shared(corners, frame))
                        + search.distance * radius * px_per_pt + search.rank * rank)
                if cost < best_cost:
                    best, best_cost = (dx, dy, ha, va, box), cost
            if best_cost < search.distance * (radius + 1) * px_per_pt + search.rank * len(candidates):
                break  # a clear spot at this distance: nothing farther can be better
        dx, dy, ha, va, box = best
        ann.set_position((dx, dy))
        ann.set_ha(ha)
        ann.set_va(va)
        if search.leader_at is not None and np.hypot(dx, dy) > search.leader_at:
            _leader(ax, x[i], y[i], box)
        hard.append(tuple(box.extents.tolist()))
        out[i] = ann
    return out


def _text_box(ann, renderer, pad: tuple[float, float]) -> Bbox:
    """The display box of a label (no arrow is ever attached), padded so that labels keep apart."""
    box = ann.get_window_extent(renderer)
    return Bbox.from_extents(box.x0 - pad[0], box.y0 - pad[1], box.x1 + pad[0], box.y1 + pad[1])


def _leader(ax: Axes, x: float, y: float, box: Bbox) -> None:
    """A thin line from the point to the nearest edge of its label."""
    inv = ax.transData.inverted()
    px, py = ax.transData.transform((x, y))
    tx = min(max(px, box.x0), box.x1)
    ty = min(max(py, box.y0), box.y1)
    (x1, y1), = inv.transform([(tx, ty)])
    # stop short of the marker so the line points at it without covering it
    d = np.hypot(tx - px, ty - py)
    if d <= 0:
        return
    shrink = min(5.0 * ax.figure.dpi / 72.0, d / 2)
    (x0, y0), = inv.transform([(px + (tx - px) * shrink / d, py + (ty - py) * shrink / d)])
    ax.plot([x0, x1], [y0, y1], color=HOUSE_COLORS["muted"], linewidth=0.6, zorder=5, gid="leader",
            solid_capstyle="butt")
