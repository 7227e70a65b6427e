"""The priority matrix (Martilla & James 1977) and the driver / priority charts."""
import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from mirrorgap.analyse.drivers import drivers_table
from mirrorgap.analyse.pipeline import run_analysis
from mirrorgap.analyse.priority import (
    PRIORITY_COLUMNS,
    QUADRANTS,
    crosshairs,
    priority_csv_frame,
    priority_table,
    quadrant_of,
)
from mirrorgap.config.params import load_engagement
from mirrorgap.config.texts import section
from mirrorgap.render.charts.drivers import drivers_chart, figure_for_drivers
from mirrorgap.render.charts.priority import figure_for_priority, priority_chart
from mirrorgap.render.labels import place_labels
from mirrorgap.render.style import HOUSE_COLORS, set_theme


@pytest.fixture(autouse=True)
def _house_style():
    set_theme()


def tiny_tables():
    """Four items placed one in each quadrant around means (importance 25, performance 60), plus
    employee rows in the drivers table that must be ignored."""
    drivers = pd.DataFrame({
        "side": ["customer"] * 4 + ["employee"] * 4,
        "item": ["a", "b", "c", "d"] * 2,
        "weight_pct": [40.0, 35.0, 15.0, 10.0, 1.0, 1.0, 1.0, 97.0],
        "weight_ci_low": [30.0, 25.0, 10.0, 5.0] + [np.nan] * 4,
        "weight_ci_high": [50.0, 45.0, 20.0, 15.0] + [np.nan] * 4,
    })
    gaps = pd.DataFrame({
        "item": ["a", "b", "c", "d"], "label": ["Alpha", "Beta", "Gamma", "Delta"],
        "customer_mean": [50.0, 70.0, 55.0, 65.0], "employee_mean": [75.0, 60.0, np.nan, 66.0],
        "gap": [25.0, -10.0, np.nan, 1.0],
        "classification": ["blind_spot", "hidden_strength", "suppressed", "aligned"],
    })
    return drivers, gaps


# ---------------------------------------------------------------------------------------------------
# the table

@pytest.mark.parametrize("importance, performance, expected", [
    (30, 50, "concentrate_here"), (30, 70, "keep_up_the_good_work"), (10, 50, "low_priority"),
    (10, 70, "possible_overkill"), (25, 60, "keep_up_the_good_work"), (np.nan, 50, ""),
])
def test_quadrants(importance, performance, expected):
    assert quadrant_of(importance, performance, importance_at=25, performance_at=60) == expected


def test_priority_table_places_each_item_and_carries_the_mirror():
    drivers, gaps = tiny_tables()
    table = priority_table(drivers, gaps)
    assert list(table.columns) == PRIORITY_COLUMNS
    assert crosshairs(table) == pytest.approx((25.0, 60.0))
    by_item = table.set_index("item")
    assert by_item["quadrant"].to_dict() == {"a": "concentrate_here", "b": "keep_up_the_good_work",
                                             "c": "low_priority", "d": "possible_overkill"}
    assert by_item.loc["d", "importance"] == 10.0  # the customer weight, not the employee one
    assert by_item.loc["a", "importance_ci_high"] == 50.0
    assert by_item.loc["a", "classification"] == "blind_spot" and by_item.loc["a", "gap"] == 25.0
    assert np.isnan(by_item.loc["c", "employee_mean"])  # suppressed employee score stays hidden
    assert list(table["quadrant"]) == list(QUADRANTS)  # sorted for action
    assert priority_csv_frame(table).equals(priority_csv_frame(priority_table(drivers, gaps)))


def test_item_without_importance_has_no_quadrant_and_does_not_move_the_crosshairs():
    drivers, gaps = tiny_tables()
    gaps = pd.concat([gaps, pd.DataFrame([{"item": "e", "label": "Epsilon", "customer_mean": 99.0,
                                           "employee_mean": 99.0, "gap": 0.0, "classification": "aligned"}])])
    table = priority_table(drivers, gaps)
    assert table.set_index("item").loc["e", "quadrant"] == ""
    assert crosshairs(table) == pytest.approx((25.0, 60.0))


def test_priority_table_needs_both_tables():
    drivers, gaps = tiny_tables()
    with pytest.raises(ValueError, match="weight_pct"):
        priority_table(drivers.drop(columns="weight_pct"), gaps)
    with pytest.raises(ValueError, match="twice"):
        priority_table(pd.concat([drivers, drivers]), gaps)


@pytest.fixture(scope="module")
def demo():
    engagement = load_engagement("params/demo.yaml")
    results = run_analysis(engagement)
    drivers = drivers_table(results.customer, results.employee, engagement, wave=results.wave)
    return engagement, results, drivers, priority_table(drivers, results.gaps)


def test_demo_priority_matrix(demo):
    _, results, drivers, table = demo
    assert len(table) == len(results.gaps)
    imp_mean = drivers.loc[drivers["side"] == "customer", "weight_pct"].mean()
    perf_mean = results.gaps["customer_mean"].mean()
    for row in table.itertuples():
        important, high = row.importance >= imp_mean, row.performance >= perf_mean
        expected = {(True, False): "concentrate_here", (True, True): "keep_up_the_good_work",
                    (False, False): "low_priority", (False, True): "possible_overkill"}[(important, high)]
        assert row.quadrant == expected, row.item
    q = table.set_index("item")
    assert q.loc["competence", "quadrant"] == "keep_up_the_good_work"  # the planted hidden strength…
    assert q.loc["competence", "classification"] == "hidden_strength"  # …is also a key driver
    assert q.loc["fixed_first_time", "quadrant"] == "keep_up_the_good_work"
    assert q.loc["clear_price", "quadrant"] == "low_priority"
    assert q.loc["extra_mile", "classification"] == "blind_spot"
    assert q.loc["extra_mile", "employee_mean"] > q.loc["extra_mile", "performance"] + 10


# ---------------------------------------------------------------------------------------------------
# charts

def test_drivers_chart_draws_bars_whiskers_and_values(demo):
    _, _, drivers, _ = demo
    fig, ax = figure_for_drivers(11)
    out = drivers_chart(drivers, side="customer", ax=ax)
    assert out is ax
    bars = [p for p in ax.patches]
    assert len(bars) == 11
    widths = [b.get_width() for b in bars]
    assert widths == sorted(widths, reverse=True)  # strongest at the top
    cust = drivers[drivers["side"] == "customer"].sort_values("weight_pct", ascending=False)
    assert [t.get_text() for t in ax.get_yticklabels()][0] == cust["label"].iloc[0]
    assert widths == pytest.approx(cust["weight_pct"].tolist())
    values = [t for t in ax.texts if t.get_gid() == "weight_label"]
    assert len(values) == 11 and values[0].get_text().strip() == f"{cust['weight_pct'].iloc[0]:.0f}%"
    whiskers = [c for c in ax.collections if c.get_gid() == "driver_ci"]
    assert len(whiskers) == 1 and len(whiskers[0].get_segments()) == 11
    assert "(NPS)" in ax.get_title(loc="left")
    blue = plt.matplotlib.colors.to_rgb(HOUSE_COLORS["customer"])
    assert bars[0].get_facecolor()[:3] == pytest.approx(blue)


def test_drivers_chart_in_swedish_for_employees(demo):
    _, _, drivers, _ = demo
    ax = drivers_chart(drivers, side="employee", texts=section("sv", "drivers"), language="sv")
    assert ax.get_title(loc="left").startswith("Vad som driver medarbetarnas")
    notes = [t.get_text() for t in ax.texts if t.get_gid() == "footnote"]
    assert notes and "R² = 0," in notes[0] and "95 %" in notes[0]
    assert [t for t in ax.texts if t.get_gid() == "weight_label"][0].get_text().endswith(" %")


def test_drivers_chart_shows_a_note_for_a_suppressed_side(demo):
    _, _, drivers, _ = demo
    hidden = drivers[drivers["side"] == "employee"].copy()
    hidden[["weight_pct", "weight_ci_low", "weight_ci_high"]] = np.nan
    ax = drivers_chart(hidden)
    assert not ax.patches
    notes = [t.get_text() for t in ax.texts if t.get_gid() == "suppressed_note"]
    assert notes == ["Not shown: too few answers."]


def test_drivers_chart_needs_a_side_when_both_are_given(demo):
    _, _, drivers, _ = demo
    with pytest.raises(ValueError, match="side="):
        drivers_chart(drivers)
    with pytest.raises(ValueError, match="no rows"):
        drivers_chart(drivers, side="supplier")


def _label_boxes(ax):
    renderer = ax.figure.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in ax.texts if t.get_gid() == "item_label"]


def test_priority_chart_draws_points_lines_quadrants_and_clear_labels(demo):
    _, _, _, table = demo
    fig, ax = figure_for_priority()
    assert priority_chart(table, ax=ax) is ax
    points = [c for c in ax.collections if c.get_gid() == "customer_points"]
    assert len(points) == 1 and len(points[0].get_offsets()) == len(table)
    xy = table[["performance", "importance"]].to_numpy()
    assert np.asarray(points[0].get_offsets()) == pytest.approx(xy)
    lines = {cls: [ln for ln in ax.lines if ln.get_gid() == f"employee_line_{cls}"]
             for cls in ("blind_spot", "hidden_strength", "aligned")}
    counts = table["classification"].value_counts()
    for cls, drawn in lines.items():
        assert len(drawn) == counts.get(cls, 0), cls
    # each employee line runs from the customer score to the employee score at the item's importance
    extra = table.set_index("item").loc["extra_mile"]
    assert any(sorted(ln.get_xdata()) == pytest.approx(sorted([extra.performance, extra.employee_mean]))
               and ln.get_ydata()[0] == pytest.approx(extra.importance) for ln in lines["blind_spot"])
    assert sorted(t.get_text() for t in ax.texts if t.get_gid() == "quadrant_name") == sorted(
        ["Concentrate here", "Keep up the good work", "Low priority", "Possible overkill"])
    imp_at, perf_at = crosshairs(table)
    cross = [ln for ln in ax.lines if ln.get_gid() == "crosshair"]
    vertical = [ln.get_xdata()[0] for ln in cross if ln.get_xdata()[0] == ln.get_xdata()[1]]
    assert vertical == pytest.approx([perf_at])
    assert any(ln.get_ydata()[0] == pytest.approx(imp_at) for ln in cross)
    labels = [t for t in ax.texts if t.get_gid() == "item_label"]
    assert sorted(t.get_text().replace("\n", " ") for t in labels) == sorted(table["label"])
    boxes = _label_boxes(ax)
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    frame = ax.get_window_extent(fig.canvas.get_renderer())
    for box in boxes:
        assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1
        assert frame.y0 - 1 <= box.y0 and box.y1 <= frame.y1 + 1


def test_priority_chart_speaks_the_engagement_language(demo):
    _, _, _, table = demo
    fig, ax = figure_for_priority()
    priority_chart(table, ax=ax, texts=section("da", "drivers"))
    assert "Koncentrér indsatsen her" in [t.get_text() for t in ax.texts if t.get_gid() == "quadrant_name"]
    assert ax.get_xlabel() == "Kundernes vurdering, 0–100 (POMP)"
    assert [t.get_text() for t in ax.get_legend().get_texts()][0] == "Kundernes vurdering"


def test_priority_chart_without_employee_scores_draws_no_lines():
    drivers, gaps = tiny_tables()
    gaps["employee_mean"] = np.nan
    table = priority_table(drivers, gaps)
    ax = priority_chart(table)
    assert not [ln for ln in ax.lines if str(ln.get_gid()).startswith("employee_line")]
    assert len([t for t in ax.texts if t.get_gid() == "item_label"]) == 4


def test_place_labels_keeps_crowded_labels_apart():
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    x, y = [5, 5.2, 4.9, 5.1, 5.0], [5, 5.1, 4.9, 5.0, 5.2]
    labels = ["First item", "Second item", "Third item", "Fourth item", "Fifth item"]
    anns = place_labels(ax, x, y, labels, fontsize=9)
    assert [a.get_text() for a in anns] == labels
    boxes = _label_boxes(ax)
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    assert any(ln.get_gid() == "leader" for ln in ax.lines)  # the far ones point back at their dot
