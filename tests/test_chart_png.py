"""How a chart becomes a picture (`mirrorgap.render.style.png_bytes`, `encode_png`) and what drawing it
cheaply must not change: the PNG decodes (by PIL, an independent decoder) to exactly the pixels and
resolution given; the picture is savefig's tight-box picture; a title is where matplotlib's own
placement puts it; linkage labels sit where they sat when the figure was drawn first; and the charts
leave Python's collector as they found it."""
from __future__ import annotations

import gc
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from mirrorgap.render.charts.heatmap import gap_heatmap, heatmap_figure  # noqa: E402
from mirrorgap.render.charts.parts import title  # noqa: E402
from mirrorgap.render.style import encode_png, png_bytes, set_theme  # noqa: E402


def _decoded(png: bytes) -> tuple[np.ndarray, Image.Image]:
    image = Image.open(io.BytesIO(png))
    image.load()
    return np.asarray(image), image


@pytest.mark.parametrize("channels", [3, 4])
@pytest.mark.parametrize("level", [1, 3, 9])
def test_encoded_png_decodes_to_the_same_pixels_and_resolution(channels, level):
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, size=(37, 53, channels), dtype=np.uint8)
    pixels[5:20, :] = 255  # runs of one colour, as in a chart
    decoded, image = _decoded(encode_png(pixels, dpi=150, compress_level=level))
    assert image.format == "PNG"
    assert image.mode == ("RGB" if channels == 3 else "RGBA")
    np.testing.assert_array_equal(decoded, pixels)
    assert image.info["dpi"] == pytest.approx((150, 150), abs=0.02)  # pHYs holds whole pixels per metre


def test_a_cut_out_view_is_encoded_as_its_own_pixels():
    canvas = np.arange(40 * 30 * 4, dtype=np.uint32).astype(np.uint8).reshape(40, 30, 4)
    view = canvas[3:31, 4:27, :3]  # not contiguous, as png_bytes cuts the drawn canvas
    decoded, _ = _decoded(encode_png(view, dpi=72, compress_level=3))
    np.testing.assert_array_equal(decoded, view)


def _labelled_figure():
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.barh(["The staff go the extra mile", "Competence", "Delivery on time"], [62, 71, 55])
    ax.set_xlabel("POMP")
    title(ax, "Mirror items", pad=14)
    return fig


def test_the_picture_is_savefigs_tight_picture():
    set_theme()
    fig = _labelled_figure()
    ours, _ = _decoded(png_bytes(fig, dpi=100))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    theirs = np.asarray(Image.open(buf).convert("RGB"))
    # drawn on a larger canvas and cut: the same box, give or take the rounding of one pixel
    assert abs(ours.shape[0] - theirs.shape[0]) <= 1 and abs(ours.shape[1] - theirs.shape[1]) <= 1
    # and the ink as far from each edge: the same margins, nothing cut off
    assert _ink_margins(ours) == pytest.approx(_ink_margins(theirs), abs=1.5)


def _ink_margins(pixels: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.nonzero((pixels[..., :3] < 250).any(axis=2))
    return rows.min(), pixels.shape[0] - rows.max(), cols.min(), pixels.shape[1] - cols.max()


def _title_box(fig, ax):
    fig.canvas.draw()
    return ax.title.get_window_extent(fig.canvas.get_renderer()).bounds


def _heatmap_table():
    rows = [(g, f"i{k}", f"Item {k} of the survey", gap, False)
            for g, shift in (("Stockholm", 0), ("Göteborg", 3), ("Malmö", -4))
            for k, gap in enumerate([8.0 + shift, -6.0 + shift, 1.0 + shift])]
    return pd.DataFrame(rows, columns=["group", "item", "label", "gap", "suppressed"])


@pytest.mark.parametrize("chart", ["bars", "heatmap"])
def test_the_title_is_where_matplotlibs_own_placement_puts_it(chart):
    """`parts.title` places the title itself (no automatic placement, which lays out every tick label
    again): it must land where the automatic placement would, also above tick labels on top."""
    set_theme()
    boxes = []
    for automatic in (False, True):
        if chart == "bars":
            fig = _labelled_figure()
            ax = fig.axes[0]
        else:
            table = _heatmap_table()
            fig, ax = heatmap_figure(table)
            gap_heatmap(table, ax=ax, texts={"title": "Gap per unit"})  # x tick labels on top
        if automatic:
            text = ax.get_title(loc="left")
            pad = ax.titleOffsetTrans.get_matrix()[1, 2] * 72 / fig.dpi  # the title's offset, in points
            ax._autotitlepos = True  # noqa: SLF001 (as for a title set without y)
            ax.set_title(text, loc="left", pad=pad, fontsize=13, fontweight="bold")
        boxes.append(_title_box(fig, ax))
        plt.close(fig)
    assert boxes[0] == pytest.approx(boxes[1], abs=0.01)


def test_linkage_labels_sit_where_they_sat_with_the_figure_drawn_first(monkeypatch):
    """The linkage chart measures its labels without drawing the figure first: the same places."""
    from types import SimpleNamespace

    from mirrorgap.render.charts import linkage

    set_theme()
    table = pd.DataFrame({"unit": [f"Kontor {k}" for k in range(8)],
                          "employee_index": [61, 64, 66, 70, 71, 73, 78, 80.0],
                          "customer_index": [58, 63, 60, 69, 66, 72, 70, 77.0], "included": True})
    summary = SimpleNamespace(pearson_r=0.9, pearson_ci_low=0.5, pearson_ci_high=0.98, spearman_rho=0.88,
                              spearman_ci_low=0.4, spearman_ci_high=0.97, n_units=8, conf=0.95)
    placed = []
    for drawn_first in (False, True):
        fig, ax = plt.subplots(figsize=(9, 6.5))
        if drawn_first:  # as the chart did before: a whole drawing to fix the layout, then the measuring
            real = ax.apply_aspect

            def drawn_first_time(*args, drawn=[]):  # noqa: B006 (remembers its one drawing)
                if not drawn:
                    drawn.append(True)
                    fig.canvas.draw()  # which applies the aspect itself, through here
                return real(*args)
            monkeypatch.setattr(ax, "apply_aspect", drawn_first_time)
        linkage.linkage_chart(table, summary, ax=ax)
        placed.append(sorted((t.get_text(), t.get_position(), t.get_ha(), t.get_va()) for t in ax.texts
                             if t.get_gid() == "unit_label"))
        plt.close(fig)
    assert len(placed[0]) == 8
    assert placed[0] == placed[1]


def test_chart_pngs_leaves_the_collector_as_it_found_it(tmp_path):
    from mirrorgap.deliver.figures import chart_pngs
    from test_forked import _thin_results

    results = _thin_results(tmp_path)
    before = gc.get_freeze_count()
    assert before == 0  # pytest itself freezes nothing
    assert chart_pngs(results)
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    gc.freeze()  # a process that froze its objects itself (the dashboard's kernels) keeps them frozen
    try:
        chart_pngs(results)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
