"""The one label placer: labels keep clear of each other, of the other points and of the edges."""
import itertools

import matplotlib.pyplot as plt
import pytest
from matplotlib.transforms import Bbox

from mirrorgap.render.labels import AROUND_THE_POINT, LabelSearch, figure_renderer, overlap, place_labels

TWO_SPOTS = ((0.0, ((9, 7, "left", "bottom"), (-9, 7, "right", "bottom"))),)


def test_overlap_is_the_shared_area():
    a, b = Bbox.from_extents(0, 0, 10, 10), Bbox.from_extents(5, 8, 20, 20)
    assert overlap(a, b) == overlap(b, a) == 5 * 2
    assert overlap(a, Bbox.from_extents(10, 0, 12, 10)) == 0.0  # touching edges share nothing


def _point_box(ax, x, y, r=6.0):
    px, py = ax.transData.transform((x, y))
    return Bbox.from_extents(px - r, py - r, px + r, py + r)


@pytest.mark.parametrize("others, covers", [(0.0, True), (3.0, False)])
def test_a_label_moves_off_another_point_only_when_points_count(others, covers):
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    # the second point sits where the first label's preferred spot (up and to the right) would be
    ax_px = ax.transData.transform((3.0, 5.0))
    bx, by = ax.transData.inverted().transform((ax_px[0] + 25, ax_px[1] + 16))
    search = LabelSearch(rings=TWO_SPOTS, hard=3.0, others=others, point_px=6.0, soft=0.5, outside=4.0,
                         distance=0.0, rank=0.0, pad=(0.0, 0.0), leader_at=None)
    first, _ = place_labels(ax, [3.0, bx], [5.0, by], ["Alpha unit", "B"], search=search, fontsize=10)
    box = first.get_window_extent(figure_renderer(fig))
    assert bool(overlap(box, _point_box(ax, bx, by)) > 0) == covers
    assert (first.get_ha(), tuple(first.xyann)) == (("left", (9, 7)) if covers else ("right", (-9, 7)))
    assert not [ln for ln in ax.lines if ln.get_gid() == "leader"]  # leader_at None: never


def test_the_default_search_keeps_a_crowd_apart_and_inside_the_axes():
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    x, y = [0.2, 0.3, 9.8, 5.0, 5.1, 5.2], [9.8, 9.6, 0.2, 5.0, 5.1, 4.9]
    labels = [f"Label number {k}" for k in range(6)]
    anns = place_labels(ax, x, y, labels, order=[5, 4, 3, 2, 1, 0], search=AROUND_THE_POINT, fontsize=9,
                        gid="my_label")
    assert [a.get_text() for a in anns] == labels and {a.get_gid() for a in anns} == {"my_label"}
    renderer = figure_renderer(fig)
    boxes = [a.get_window_extent(renderer) for a in anns]
    assert not any(overlap(a, b) for a, b in itertools.combinations(boxes, 2))
    frame = ax.get_window_extent(renderer)
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1 for b in boxes)
