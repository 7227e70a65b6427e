"""The charts, checked through the objects they draw (never pixels)."""
from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backend_bases import FigureCanvasBase  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from mirrorgap.config.numbers import fmt_whole  # noqa: E402
from mirrorgap.render.charts.gap import gap_chart  # noqa: E402
from mirrorgap.render.charts.mirror import mirror_chart  # noqa: E402
from mirrorgap.render.charts.nps import nps_chart  # noqa: E402
from mirrorgap.render.charts.rows import DEFAULT_TEXTS, figure_for  # noqa: E402
from mirrorgap.render.style import HOUSE_COLORS, save_png, set_theme  # noqa: E402

MINUS = "\u2212"
# (item, label, gap, classification); i11 has too few employee answers: suppressed, as mirrorgap.analyse.gaps does
ITEMS = [
    ("i01", "Gör det lilla extra", 19.0, "blind_spot"),
    ("i02", "Kunnig personal", -15.0, "hidden_strength"),
    ("i03", "Rätt åtgärdat första gången", 12.0, "blind_spot"),
    ("i04", "Tydligt besked om arbete och pris", 8.0, "aligned"),
    ("i05", "Lätt att nå oss på telefon", 3.0, "aligned"),
    ("i06", "Håller utlovad leveranstid", 24.0, "blind_spot"),
    ("i07", "Vänligt bemötande i receptionen", -2.0, "aligned"),
    ("i08", "Följer upp efter besöket", -11.0, "hidden_strength"),
    ("i09", "Förklarar tekniska frågor så att kunden förstår", 5.0, "aligned"),
    ("i10", "Snabb återkoppling på ärenden i kundtjänst", -6.0, "aligned"),
    ("i11", "Ärliga råd även när det inte lönar sig för oss", np.nan, "suppressed"),
]
SUPPRESSED = "i11"
SV = {
    "title": "Spegeln: medarbetarnas bild mot kundernas",
    "customer": "Kunder", "employee": "Medarbetare", "blind_spot": "Blind fläck",
    "hidden_strength": "Dold styrka", "aligned": "Samstämmigt", "too_few": "för få svar",
    "score_axis": "Poäng, 0–100 (POMP)", "promoters": "Promotorer", "passives": "Passiva",
    "detractors": "Kritiker", "nps_value": "{name} {nps} ({low} till {high})",
    "something_for_another_chart": "ignored",
}



@pytest.fixture
def gaps() -> pd.DataFrame:
    rng = np.random.default_rng(20240611)
    rows = []
    for item, label, gap, cls in ITEMS:
        cust = float(rng.uniform(45, 75))
        emp = cust + gap if not np.isnan(gap) else float(rng.uniform(50, 80))
        cust_n, emp_n = int(rng.integers(80, 300)), int(rng.integers(20, 60))
        if item == SUPPRESSED:
            emp, emp_n = np.nan, 3
        ch, eh = 1.96 * 20 / np.sqrt(cust_n), 1.96 * 20 / np.sqrt(emp_n)
        gh = float(np.hypot(ch, eh))
        rows.append(dict(
            item=item, label=label, touchpoint="Verkstad", theme="Kvalitet",
            customer_n=cust_n, customer_mean=cust, customer_ci_low=cust - ch, customer_ci_high=cust + ch,
            employee_n=emp_n, employee_mean=emp, employee_ci_low=emp - eh, employee_ci_high=emp + eh,
            gap=gap, gap_ci_low=gap - gh, gap_ci_high=gap + gh, p_value=0.01, q_value=0.02,
            hedges_g=gap / 20, classification=cls,
        ))
    return pd.DataFrame(rows)


@pytest.fixture
def nps_table() -> pd.DataFrame:
    return pd.DataFrame([
        dict(side="customer", label="Kunder (NPS)", n=412, promoters=206, passives=136, detractors=70,
             promoter_share=206 / 412, passive_share=136 / 412, detractor_share=70 / 412,
             nps=33.5, ci_low=28.6, ci_high=39.0),
        dict(side="employee", label="Medarbetare (eNPS)", n=58, promoters=30, passives=26, detractors=2,
             promoter_share=30 / 58, passive_share=26 / 58, detractor_share=2 / 58,
             nps=48.3, ci_low=31.0, ci_high=62.4),
    ])


def gap_order(gaps: pd.DataFrame) -> pd.DataFrame:
    """What the charts should show top to bottom: largest gap first, the suppressed item last."""
    return gaps.sort_values("gap", ascending=False, na_position="last").reset_index(drop=True)


def by_gid(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def texts_by_gid(ax, gid):
    return [t for t in ax.texts if t.get_gid() == gid]


def gap_bars(ax):
    (bars,) = [c for c in ax.containers if c.get_label() == "_gap_bars"]
    assert all(p.get_gid() == "gap_bars" for p in bars.patches)
    return bars


def segments(ax, key):
    """The NPS segments of one kind, one per side, top to bottom."""
    return [p for p in ax.patches if p.get_gid() == f"nps_{key}"]


def signed(v: float) -> str:
    return f"{v:+.0f}".replace("-", MINUS)


def labels_top_to_bottom(ax) -> list[str]:
    ticks = ax.get_yticks()
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    screen_y = ax.transData.transform(np.column_stack([np.zeros_like(ticks), ticks]))[:, 1]
    return [lab for _, lab in sorted(zip(-screen_y, labels))]


# --------------------------------------------------------------------------------------- mirror chart

def test_mirror_draws_two_dots_per_item_and_none_for_the_suppressed_side(gaps):
    ax = mirror_chart(gaps)
    (cust,), (emp,) = by_gid(ax, "customer_dots"), by_gid(ax, "employee_dots")
    assert len(cust.get_offsets()) == len(gaps)
    assert len(emp.get_offsets()) == len(gaps) - 1
    expected = gap_order(gaps)
    shown = expected["employee_mean"].notna().to_numpy()
    np.testing.assert_allclose(emp.get_offsets()[:, 0], expected.loc[shown, "employee_mean"])
    np.testing.assert_allclose(emp.get_offsets()[:, 1], np.flatnonzero(shown))
    np.testing.assert_allclose(cust.get_offsets()[:, 0], expected["customer_mean"])
    (connectors,) = by_gid(ax, "connectors")
    assert len(connectors.get_segments()) == len(gaps) - 1


def test_mirror_says_when_a_side_has_too_few_answers(gaps):
    ax = mirror_chart(gaps, texts=SV)
    (note,) = texts_by_gid(ax, "too_few")
    assert note.get_text() == "Medarbetare: för få svar"
    assert note.get_position()[1] == len(gaps) - 1  # the suppressed item's row, at the bottom
    assert texts_by_gid(ax, "gap_label")[-1].get_text() == "–"
    assert "suppressed" not in [t.get_text() for t in ax.get_legend().get_texts()]


def test_mirror_customer_side_missing_and_no_classification(gaps):
    """Either side may be missing; a missing classification is drawn like a suppressed item."""
    table = gaps.copy()
    row = table["item"] == "i05"
    table.loc[row, ["customer_mean", "customer_ci_low", "customer_ci_high", "gap"]] = np.nan
    table["classification"] = table["classification"].astype(object)
    table.loc[row, "classification"] = None
    ax = mirror_chart(table)
    (cust,), (emp,) = by_gid(ax, "customer_dots"), by_gid(ax, "employee_dots")
    assert len(cust.get_offsets()) == len(emp.get_offsets()) == len(gaps) - 1
    notes = sorted(t.get_text() for t in texts_by_gid(ax, "too_few"))
    assert notes == ["Customers: too few answers", "Employees: too few answers"]
    (connectors,) = by_gid(ax, "connectors")
    assert len(connectors.get_segments()) == len(gaps) - 2


def test_mirror_rows_are_in_gap_order_largest_blind_spot_on_top(gaps):
    ax = mirror_chart(gaps)
    assert labels_top_to_bottom(ax) == gap_order(gaps)["label"].tolist()
    assert labels_top_to_bottom(ax)[0] == "Håller utlovad leveranstid"      # +24
    assert labels_top_to_bottom(ax)[-2] == "Kunnig personal"                # −15, suppressed below


def test_mirror_other_sorts(gaps):
    ax = mirror_chart(gaps, sort="input")
    assert labels_top_to_bottom(ax) == gaps["label"].tolist()
    plt.close("all")
    ax = mirror_chart(gaps, sort="employee")
    assert labels_top_to_bottom(ax) == gaps.sort_values("employee_mean", ascending=False)["label"].tolist()
    with pytest.raises(ValueError, match="sort"):
        mirror_chart(gaps, sort="alphabetical")


def test_mirror_blind_spot_rows_use_the_blind_spot_colour(gaps):
    ax = mirror_chart(gaps)
    order = gap_order(gaps)
    both = order["customer_mean"].notna() & order["employee_mean"].notna()
    (connectors,) = by_gid(ax, "connectors")
    colors = connectors.get_colors()
    for color, cls in zip(colors, order.loc[both, "classification"]):
        assert tuple(color) == to_rgba(HOUSE_COLORS[cls])
    bands = by_gid(ax, "row_blind_spot")
    blind_rows = set(np.flatnonzero(order["classification"] == "blind_spot"))
    assert len(bands) == len(blind_rows) == 3
    band_rows = {round(b.get_y() + b.get_height() / 2) for b in bands}
    assert band_rows == blind_rows
    assert len(by_gid(ax, "row_hidden_strength")) == 2
    assert not by_gid(ax, "row_aligned")


def test_mirror_annotates_signed_gaps_in_the_classification_colour(gaps):
    ax = mirror_chart(gaps)
    order = gap_order(gaps)
    labels = texts_by_gid(ax, "gap_label")
    assert [t.get_text() for t in labels[:-1]] == [signed(g) for g in order["gap"][:-1]]
    assert labels[0].get_text() == "+24" and labels[-2].get_text() == f"{MINUS}15"
    for text, cls in zip(labels, order["classification"]):
        if cls in ("blind_spot", "hidden_strength"):
            assert to_rgba(text.get_color()) == to_rgba(HOUSE_COLORS[cls])
            assert text.get_fontweight() == "bold"
        else:
            assert to_rgba(text.get_color()) != to_rgba(HOUSE_COLORS["blind_spot"])


def test_mirror_legend_names_sides_and_classes_outside_the_data(gaps):
    ax = mirror_chart(gaps, texts=SV)
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        "Kunder", "Medarbetare", "Blind fläck", "Dold styrka", "Samstämmigt"]
    ax.figure.canvas.draw()
    assert legend.get_window_extent().y0 >= ax.get_window_extent().y1 - 1  # above the plotting area


def test_mirror_threshold_note(gaps):
    ax = mirror_chart(gaps, threshold=10)
    (note,) = texts_by_gid(ax, "threshold_note")
    assert "10 points" in note.get_text()
    plt.close("all")
    assert not texts_by_gid(mirror_chart(gaps), "threshold_note")


def test_mirror_needs_its_columns(gaps):
    with pytest.raises(ValueError, match="employee_mean"):
        mirror_chart(gaps.drop(columns="employee_mean"))
    bad = gaps.assign(classification=gaps["classification"].replace("aligned", "fine"))
    with pytest.raises(ValueError, match="'fine'"):
        mirror_chart(bad)


# ------------------------------------------------------------------------------------------ gap chart

def test_gap_chart_one_bar_per_item_with_the_gap_as_width(gaps):
    ax = gap_chart(gaps, threshold=10)
    order = gap_order(gaps)
    shown = order["gap"].notna()
    bars = gap_bars(ax)
    assert len(bars.patches) == shown.sum() == len(gaps) - 1
    np.testing.assert_allclose([p.get_width() for p in bars.patches], order.loc[shown, "gap"])
    for patch, cls in zip(bars.patches, order.loc[shown, "classification"]):
        assert patch.get_facecolor() == to_rgba(HOUSE_COLORS[cls])
    assert labels_top_to_bottom(ax) == order["label"].tolist()
    (note,) = texts_by_gid(ax, "too_few")
    assert "too few answers" in note.get_text()


def test_gap_chart_error_bars_span_the_ci(gaps):
    ax = gap_chart(gaps)
    order = gap_order(gaps).dropna(subset=["gap"])
    bars = gap_bars(ax)
    (whiskers,) = bars.errorbar.lines[2]
    segments = whiskers.get_segments()
    np.testing.assert_allclose([s[0][0] for s in segments], order["gap_ci_low"])
    np.testing.assert_allclose([s[1][0] for s in segments], order["gap_ci_high"])


def test_gap_chart_zero_and_threshold_lines(gaps):
    ax = gap_chart(gaps, threshold=10)
    (zero,) = by_gid(ax, "zero_line")
    assert list(zero.get_xdata()) == [0, 0]
    lines = by_gid(ax, "threshold")
    assert sorted(line.get_xdata()[0] for line in lines) == [-10, 10]
    assert all(line.get_linestyle() == "--" for line in lines)
    left, right = ax.get_xlim()
    assert left == -right and right >= 15
    plt.close("all")
    assert not by_gid(gap_chart(gaps), "threshold")


# ------------------------------------------------------------------------------------------ NPS chart

def test_nps_segments_equal_the_shares_and_the_value_is_written(nps_table):
    ax = nps_chart(nps_table)
    for key, col in (("detractors", "detractor_share"), ("passives", "passive_share"),
                     ("promoters", "promoter_share")):
        np.testing.assert_allclose([p.get_width() for p in segments(ax, key)], nps_table[col] * 100)
    values = [t.get_text() for t in texts_by_gid(ax, "nps_value")]
    assert values == ["NPS +34 (29 to 39)", "eNPS +48 (31 to 62)"]
    # rows end at 100 %: detractors + passives + promoters
    np.testing.assert_allclose([p.get_x() + p.get_width() for p in segments(ax, "promoters")], 100)


def test_nps_hides_tiny_shares_and_accepts_percent(nps_table):
    ax = nps_chart(nps_table)
    shares = [t.get_text() for t in texts_by_gid(ax, "share_label")]
    # drawn segment by segment: detractors (the employees' 3 % gets no label), passives, promoters
    assert shares == ["17%", "33%", "45%", "50%", "52%"]
    plt.close("all")
    as_percent = nps_table.assign(**{c: nps_table[c] * 100 for c in
                                     ("promoter_share", "passive_share", "detractor_share")})
    ax = nps_chart(as_percent)
    np.testing.assert_allclose([p.get_width() for p in segments(ax, "promoters")],
                               nps_table["promoter_share"] * 100)


def test_nps_side_without_answers_says_so(nps_table):
    table = nps_table.copy()
    cols = ["promoter_share", "passive_share", "detractor_share", "nps", "ci_low", "ci_high"]
    table.loc[1, cols] = np.nan
    table.loc[1, ["n", "promoters", "passives", "detractors"]] = 0
    ax = nps_chart(table)
    assert [t.get_text() for t in texts_by_gid(ax, "nps_value")] == ["NPS +34 (29 to 39)", "eNPS –"]
    assert [t.get_text() for t in texts_by_gid(ax, "too_few")] == ["too few answers"]
    np.testing.assert_allclose([p.get_width() for p in segments(ax, "promoters")], [206 / 412 * 100, 0])


def test_nps_sides_stay_separate_and_negative_values_read_well(nps_table):
    table = nps_table.assign(nps=[-12.4, 48.3], ci_low=[-20.2, 31.0], ci_high=[-4.6, 62.4])
    ax = nps_chart(table, texts=SV)
    assert [t.get_text() for t in texts_by_gid(ax, "nps_value")] == [
        f"NPS {MINUS}12 ({MINUS}20 till {MINUS}5)", "eNPS +48 (31 till 62)"]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Kunder (NPS)\nn = 412", "Medarbetare (eNPS)\nn = 58"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Kritiker", "Passiva", "Promotorer"]


# ------------------------------------------------------------------------------------- the convention

@pytest.mark.parametrize("chart, data", [(mirror_chart, "gaps"), (gap_chart, "gaps"), (nps_chart, "nps_table")])
def test_draws_on_the_given_ax_or_the_current_one(chart, data, request):
    df = request.getfixturevalue(data)
    fig, (ax1, ax2) = plt.subplots(1, 2)
    assert chart(df, ax=ax1) is ax1
    assert ax1.has_data() and not ax2.has_data()
    plt.sca(ax2)
    assert chart(df) is ax2


@pytest.mark.parametrize("chart, data", [(mirror_chart, "gaps"), (gap_chart, "gaps"), (nps_chart, "nps_table")])
def test_texts_override_the_defaults(chart, data, request):
    ax = chart(request.getfixturevalue(data), texts=SV)
    assert ax.get_title(loc="left") == SV["title"]
    plt.close("all")
    ax = chart(request.getfixturevalue(data))
    assert ax.get_title(loc="left") == ""
    assert DEFAULT_TEXTS["title"] == ""


def test_axis_labels_come_from_texts(gaps, nps_table):
    assert mirror_chart(gaps, texts=SV).get_xlabel() == "Poäng, 0–100 (POMP)"
    plt.close("all")
    assert gap_chart(gaps).get_xlabel() == DEFAULT_TEXTS["gap_axis"]
    plt.close("all")
    assert nps_chart(nps_table, texts={"nps_axis": "Andel svar, %"}).get_xlabel() == "Andel svar, %"


@pytest.mark.parametrize("chart, data", [(mirror_chart, "gaps"), (gap_chart, "gaps"), (nps_chart, "nps_table")])
def test_charts_never_show_or_save(chart, data, request, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("a plot function showed or saved")
    monkeypatch.setattr(plt, "show", forbidden)
    monkeypatch.setattr(plt, "savefig", forbidden)
    monkeypatch.setattr(Figure, "savefig", forbidden)
    monkeypatch.setattr(FigureCanvasBase, "print_figure", forbidden)
    fig, ax = plt.subplots()
    chart(request.getfixturevalue(data), ax=ax, texts=SV)


def test_swedish_letters_render_without_missing_glyphs(gaps, nps_table):
    set_theme()
    fig, axes = plt.subplots(3, 1, figsize=(10, 14))
    mirror_chart(gaps, ax=axes[0], texts=SV, threshold=10)
    gap_chart(gaps, ax=axes[1], texts=SV, threshold=10)
    nps_chart(nps_table, ax=axes[2], texts=SV)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    assert not [w for w in caught if "Glyph" in str(w.message)]


# ------------------------------------------------------------------------------- theme, figures, files

def test_set_theme_applies_the_house_style():
    set_theme()
    assert matplotlib.rcParams["font.sans-serif"][0] == "DejaVu Sans"
    assert matplotlib.rcParams["axes.spines.top"] is False
    cycle = [c["color"] for c in matplotlib.rcParams["axes.prop_cycle"]]
    assert to_rgba(cycle[0]) == to_rgba(HOUSE_COLORS["customer"])
    assert to_rgba(cycle[1]) == to_rgba(HOUSE_COLORS["employee"])


def test_set_theme_equals_seaborns_theme_under_the_house_rc():
    """The house theme is written out (no seaborn import in dashboard kernels) but must stay what
    seaborn's own set_theme with the house palette and rc gives."""
    import seaborn as sns

    from mirrorgap.render.style import FONT_FAMILY, HOUSE_RC, THEME_PALETTE

    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        sns.set_theme(context="notebook", style="whitegrid", palette=[HOUSE_COLORS[k] for k in THEME_PALETTE],
                      font=FONT_FAMILY, rc=HOUSE_RC)
        matplotlib.rcParams.update(HOUSE_RC)
        expected = dict(matplotlib.rcParams)
        matplotlib.rcdefaults()
        set_theme()
        got = dict(matplotlib.rcParams)
    differing = {k: (got[k], expected[k]) for k in expected if got[k] != expected[k]}
    assert not differing


def test_figure_for_sizes_grow_with_the_rows():
    fig, ax = figure_for("mirror", 11)
    assert isinstance(fig, Figure) and ax.figure is fig
    small, _ = figure_for("mirror", 4)
    assert fig.get_size_inches()[1] > small.get_size_inches()[1]
    nps_fig, _ = figure_for("nps", 2)
    assert nps_fig.get_size_inches()[1] < fig.get_size_inches()[1]
    with pytest.raises(ValueError, match="mirror"):
        figure_for("pie", 3)


def test_save_png_writes_a_png_and_returns_the_path(gaps, tmp_path):
    fig, ax = figure_for("mirror", len(gaps))
    mirror_chart(gaps, ax=ax)
    path = save_png(fig, tmp_path / "charts" / "mirror.png")
    assert path == tmp_path / "charts" / "mirror.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_format_signed():
    assert [fmt_whole(v, signed=True) for v in (19.4, -7.6, 0.2, -0.4, 0)] == ["+19", f"{MINUS}8", "0", "0", "0"]


def test_public_api():
    from mirrorgap.render import style
    from mirrorgap.render.charts import gap, mirror, nps, rows

    assert {"set_theme", "HOUSE_COLORS", "save_png"} <= set(style.__all__)
    assert {"mirror_chart"} <= set(mirror.__all__) and {"gap_chart"} <= set(gap.__all__)
    assert {"nps_chart"} <= set(nps.__all__) and {"figure_for", "DEFAULT_TEXTS"} <= set(rows.__all__)
    assert {"customer", "employee", "blind_spot", "hidden_strength", "aligned"} <= set(HOUSE_COLORS)
