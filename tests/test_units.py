"""Gaps per unit and per segment: figures against scipy, the comparison rules, the anonymity of every
employee cell (attacked by subtraction from the shown totals), units.csv and the heatmap."""
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from mirrorgap.analyse.gaps import gap_table
from mirrorgap.analyse.linkage import linkage_table
from mirrorgap.analyse.pipeline import in_wave, load_side
from mirrorgap.analyse.units import GROUP_COLUMNS, UNITS_CSV_COLUMNS, group_gap_table, units_csv_frame
from mirrorgap.config.params import load_engagement, parse_engagement
from mirrorgap.read.ledger import SideLedger
from mirrorgap.read.recode import CleanSide
from mirrorgap.render.charts.heatmap import gap_heatmap, heatmap_figure
from mirrorgap.render.words import unit_chart_texts as chart_texts

matplotlib.use("Agg")
MIN_N = 5



def make_engagement(min_n=MIN_N, language="en"):
    item = lambda i, tp, **kw: {"id": i, "label": {"en": i.title(), "sv": i.title()}, "customer_column": f"c_{i}",  # noqa: E731
                                "employee_column": f"e_{i}", "touchpoint": tp, **kw}
    return parse_engagement({
        "client": "Test AB", "language": language,
        "customer": {"input": {"path": "c.csv"}, "id_column": "id", "unit_column": "unit", "wave_column": "wave",
                     "segment_columns": ["ctype"], "nps_column": "nps"},
        "employee": {"input": {"path": "e.csv"}, "id_column": "id", "unit_column": "unit", "wave_column": "wave",
                     "segment_columns": ["dept", "tenure", "facing"], "tenure_column": "tenure",
                     "tenure_order": ["< 1", "1-3", "3-10", "> 10"], "customer_facing_column": "facing",
                     "nps_column": "enps"},
        "items": [item("extra", "workshop"), item("booking", "booking", employee_scale={"min": 1, "max": 7}),
                  item("competence", "workshop")],
        "analysis": {"min_n": min_n, "linkage_min_customers": 20},
    })


def clean_side(engagement, side, frame) -> CleanSide:
    frame = frame.reset_index(drop=True)
    frame.insert(0, "respondent_id", [f"{side[0]}{i}" for i in range(len(frame))])
    return CleanSide(side=side, frame=frame, items=list(engagement.items),
                     scales={i.id: getattr(i, f"{side}_scale") for i in engagement.items},
                     segments=list(engagement.side(side).segment_columns),
                     ledger=SideLedger(side=side, file="x", read_as={}, rows_in=len(frame)))


def synthetic(seed=3, unit_sizes=(14, 9, 3, 7, 2, 11), customers=600, engagement=None):
    """Employees in units of the given sizes (some under min_n), customers in every unit; some blanks."""
    rng = np.random.default_rng(seed)
    eng = engagement or make_engagement()
    units = [f"U{k}" for k in range(len(unit_sizes))]
    e_unit = np.repeat(units, unit_sizes)
    n_e = len(e_unit)
    emp = pd.DataFrame({
        "wave": "2026", "unit": e_unit,
        "dept": rng.choice(["Shop", "Sales", "Board", "Admin"], n_e, p=[.55, .3, .05, .1]),
        "tenure": rng.choice(["< 1", "1-3", "3-10", "> 10"], n_e, p=[.1, .3, .4, .2]),
        "facing": rng.choice(["Ja", "Nej"], n_e, p=[.75, .25]),
        "extra": rng.integers(2, 6, n_e).astype(float), "booking": rng.integers(1, 8, n_e).astype(float),
        "competence": rng.integers(1, 6, n_e).astype(float), "nps": rng.integers(0, 11, n_e).astype(float)})
    for col in ("extra", "booking", "competence"):  # don't-knows: every item has its own n per group
        emp.loc[rng.random(n_e) < 0.12, col] = np.nan
    cus = pd.DataFrame({
        "wave": "2026", "unit": rng.choice(units, customers),
        "ctype": rng.choice(["Private", "Business"], customers, p=[.7, .3]),
        "extra": rng.integers(1, 6, customers).astype(float), "booking": rng.integers(1, 6, customers).astype(float),
        "competence": rng.integers(2, 6, customers).astype(float), "nps": rng.integers(0, 11, customers).astype(float)})
    cus.loc[rng.random(customers) < 0.05, "extra"] = np.nan
    return eng, clean_side(eng, "customer", cus), clean_side(eng, "employee", emp)


def pomp_of(clean, item):
    s = clean.scales[item]
    return (clean.frame[item] - s.min) / (s.max - s.min) * 100


# ---------------------------------------------------------------------------------------------------
# the attacker

def assert_no_group_recoverable(table: pd.DataFrame, employee_total: pd.DataFrame, min_n: int) -> None:
    """For every item: the shown employee total (n·mean, as the gap table shows it) minus every shown
    group's n·mean is what an attacker recovers. It must be nobody, or at least min_n people; no shown
    group is under min_n; and a hidden group shows no number, not even its n."""
    hidden = table[table["suppressed"]]
    assert hidden[["employee_n", "employee_mean", "gap"]].isna().all().all(), hidden
    if (table["compared_with"] == "all_employees").all():  # no partition of employees: each row is the total
        for item, rows in table.groupby("item", sort=False):
            total = employee_total.loc[item]
            shown = rows[~rows["suppressed"]]
            assert (shown["employee_n"] == total["employee_n"]).all()
            assert np.allclose(shown["employee_mean"], total["employee_mean"], equal_nan=True)
        return
    for item, rows in table.groupby("item", sort=False):
        total = employee_total.loc[item]
        shown = rows[~rows["suppressed"]]
        assert (shown["employee_n"] >= min_n).all(), (item, shown)
        if np.isnan(total["employee_mean"]):  # the total itself is hidden: nothing to subtract from
            assert rows["employee_mean"].isna().all()
            continue
        left_n = int(total["employee_n"] - shown["employee_n"].sum())
        left_sum = total["employee_n"] * total["employee_mean"] - (shown["employee_n"] * shown["employee_mean"]).sum()
        assert left_n == 0 or left_n >= min_n, (item, left_n)
        if left_n:
            assert np.isfinite(left_sum / left_n)  # the attacker only ever gets a merged mean


def employee_totals(customer, employee, engagement) -> pd.DataFrame:
    """What the gap table shows per item (employee_n, employee_mean): the attacker's starting point."""
    g = gap_table(customer, employee, engagement.analysis, language=engagement.language)
    return g.set_index("item")[["employee_n", "employee_mean"]]


# ---------------------------------------------------------------------------------------------------
# figures

def test_unit_figures_match_scipy_welch():
    eng, cus, emp = synthetic()
    table = group_gap_table(cus, emp, eng, by="unit")
    assert list(table.columns) == GROUP_COLUMNS
    assert (table["compared_with"] == "same_group").all()
    row = table[(table["group"] == "U0") & (table["item"] == "booking")].iloc[0]
    e = pomp_of(emp, "booking")[emp.frame["unit"] == "U0"].dropna()
    c = pomp_of(cus, "booking")[cus.frame["unit"] == "U0"].dropna()
    assert row["employee_n"] == len(e) and row["customer_n"] == len(c)
    assert row["employee_mean"] == pytest.approx(e.mean()) and row["customer_mean"] == pytest.approx(c.mean())
    ref = sps.ttest_ind(e, c, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert row["gap"] == pytest.approx(e.mean() - c.mean())
    assert (row["gap_ci_low"], row["gap_ci_high"]) == pytest.approx((ci.low, ci.high))
    assert row["p_value"] == pytest.approx(ref.pvalue)
    t_ci = sps.t.interval(0.95, len(c) - 1, loc=c.mean(), scale=sps.sem(c))
    assert (row["customer_ci_low"], row["customer_ci_high"]) == pytest.approx(t_ci)


def test_employee_only_segment_is_compared_with_all_customers():
    eng, cus, emp = synthetic()
    table = group_gap_table(cus, emp, eng, by="dept")
    assert (table["compared_with"] == "all_customers").all()
    for item in ("extra", "booking"):
        c_all = pomp_of(cus, item).dropna()
        rows = table[table["item"] == item]
        assert (rows["customer_n"] == len(c_all)).all()
        assert np.allclose(rows["customer_mean"], c_all.mean())
        shop = rows[rows["group"] == "Shop"].iloc[0]
        e = pomp_of(emp, item)[emp.frame["dept"] == "Shop"].dropna()
        ci = sps.ttest_ind(e, c_all, equal_var=False).confidence_interval(0.95)
        assert (shop["gap_ci_low"], shop["gap_ci_high"]) == pytest.approx((ci.low, ci.high))


def test_customer_only_segment_is_compared_with_all_employees():
    eng, cus, emp = synthetic()
    table = group_gap_table(cus, emp, eng, by="ctype")
    assert (table["compared_with"] == "all_employees").all()
    assert set(table["group"]) == {"Private", "Business"}
    e_all = pomp_of(emp, "competence").dropna()
    rows = table[table["item"] == "competence"]
    assert np.allclose(rows["employee_mean"], e_all.mean()) and (rows["employee_n"] == len(e_all)).all()
    assert not rows["suppressed"].any()
    biz = rows[rows["group"] == "Business"].iloc[0]
    c = pomp_of(cus, "competence")[cus.frame["ctype"] == "Business"].dropna()
    assert biz["customer_mean"] == pytest.approx(c.mean())


def test_customer_only_segment_hides_employees_when_their_total_is_small():
    eng, cus, emp = synthetic(unit_sizes=(2, 2))
    table = group_gap_table(cus, emp, eng, by="ctype")
    assert table["suppressed"].all() and table["employee_mean"].isna().all() and table["gap"].isna().all()
    assert table["customer_mean"].notna().all()  # customers are still shown


def test_tenure_bands_follow_tenure_order():
    eng, cus, emp = synthetic()
    table = group_gap_table(cus, emp, eng, by="tenure")
    assert list(dict.fromkeys(table["group"])) == ["< 1", "1-3", "3-10", "> 10"]


def test_unknown_grouping_and_wave_are_explained():
    eng, cus, emp = synthetic()
    with pytest.raises(ValueError, match="neither 'unit' nor a segment"):
        group_gap_table(cus, emp, eng, by="shoe_size")
    with pytest.raises(ValueError, match="not in the customer file"):
        group_gap_table(cus, emp, eng, by="unit", wave="1999")


def test_employees_without_a_group_are_a_group_of_their_own():
    eng, cus, emp = synthetic()
    emp.frame.loc[:2, "dept"] = np.nan  # three people did not say: their remainder must not leak
    table = group_gap_table(cus, emp, eng, by="dept")
    assert "Not stated" in set(table["group"])
    assert_no_group_recoverable(table, employee_totals(cus, emp, eng), MIN_N)


# ---------------------------------------------------------------------------------------------------
# anonymity

def test_small_units_are_hidden_with_a_complement():
    eng, cus, emp = synthetic(unit_sizes=(14, 9, 3, 7, 2, 11))
    table = group_gap_table(cus, emp, eng, by="unit")
    for item, rows in table.groupby("item"):
        rows = rows.set_index("group")
        assert rows.loc["U2", "suppressed"] and rows.loc["U4", "suppressed"]  # 3 and 2 people (or fewer)
        assert rows.loc[rows["suppressed"], "employee_mean"].isna().all()
        assert rows.loc[rows["suppressed"], ["gap", "gap_ci_low", "gap_ci_high", "p_value"]].isna().all().all()
        assert rows.loc[rows["suppressed"], "customer_mean"].notna().all()  # the customers stay visible
    assert_no_group_recoverable(table, employee_totals(cus, emp, eng), MIN_N)


def test_a_unit_without_employees_does_not_hide_the_others():
    eng, cus, emp = synthetic(unit_sizes=(14, 9, 12, 11))
    before = group_gap_table(cus, emp, eng, by="unit")  # what the employees' own tables hide anyway
    cus.frame.loc[:40, "unit"] = "U9"  # a branch only the customer file knows
    table = group_gap_table(cus, emp, eng, by="unit")
    u9 = table[table["group"] == "U9"]
    assert u9["suppressed"].all() and u9["employee_n"].isna().all() and u9["customer_mean"].notna().all()
    others = table[table["group"] != "U9"].set_index(["group", "item"])["suppressed"]
    assert others.equals(before.set_index(["group", "item"])["suppressed"].loc[others.index])
    link = linkage_table(cus, emp, eng).set_index("unit")
    assert link.loc["U9", "status"] == "too_few_employees" and link["included"].sum() == 4


@pytest.mark.parametrize("seed", range(8))
def test_no_small_group_is_recoverable_by_subtraction(seed):
    rng = np.random.default_rng(100 + seed)
    sizes = tuple(int(s) for s in rng.choice([1, 2, 3, 4, 5, 6, 8, 12, 20], size=int(rng.integers(2, 8))))
    eng, cus, emp = synthetic(seed=seed, unit_sizes=sizes, customers=300)
    totals = employee_totals(cus, emp, eng)
    for by in ("unit", "dept", "tenure", "facing"):
        assert_no_group_recoverable(group_gap_table(cus, emp, eng, by=by), totals, MIN_N)


def test_the_attacker_model_does_recover_an_unprotected_group():
    """The check above must be able to fail: without complementary suppression the subtraction gives
    back a lone small group exactly."""
    eng, cus, emp = synthetic(unit_sizes=(14, 9, 3, 11))
    table = group_gap_table(cus, emp, eng, by="unit")
    answers = emp.frame.groupby("unit")[[i.id for i in eng.items]].count().stack()  # (unit, item) -> n
    naive = table.copy()
    naive["employee_n"] = [int(answers.get((g, i), 0)) for g, i in zip(naive["group"], naive["item"])]
    small = naive["employee_n"] < MIN_N
    naive["suppressed"] = small
    for col in ("employee_mean", "gap"):
        naive[col] = naive[col].where(small | ~table["suppressed"], 0.0)  # pretend the complement were shown
    naive["employee_n"] = naive["employee_n"].astype("Int64").mask(small)
    with pytest.raises(AssertionError):
        assert_no_group_recoverable(naive, employee_totals(cus, emp, eng), MIN_N)


# ---------------------------------------------------------------------------------------------------
# the demo engagement

@pytest.fixture(scope="module")
def demo():
    eng = load_engagement("params/demo.yaml")
    return eng, load_side(eng, "customer"), load_side(eng, "employee")


@pytest.mark.parametrize("wave", ["2025", "2026"])
def test_demo_ledning_never_appears_with_a_number(demo, wave):
    eng, cus, emp = demo
    table = group_gap_table(cus, emp, eng, by="avdelning", wave=wave)
    ledning = table[table["group"] == "Ledning"]
    assert len(ledning) == len(eng.items) and ledning["suppressed"].all()
    assert ledning[["employee_mean", "employee_ci_low", "employee_ci_high", "gap", "gap_ci_low",
                    "gap_ci_high"]].isna().all().all()
    # ...and it is hidden together with another department, so the total does not give it away
    hidden = table[table["suppressed"]].groupby("item")["group"].nunique()
    assert (hidden >= 2).all()
    totals = employee_totals(in_wave(cus, wave), in_wave(emp, wave), eng)
    assert_no_group_recoverable(table, totals, eng.analysis.min_n)


@pytest.mark.parametrize("by", ["unit", "anstallningstid", "kundkontakt", "Kundtyp", "Besökstyp"])
def test_demo_other_breakdowns_are_safe(demo, by):
    eng, cus, emp = demo
    table = group_gap_table(cus, emp, eng, by=by, wave="2026")
    totals = employee_totals(in_wave(cus, "2026"), in_wave(emp, "2026"), eng)
    assert_no_group_recoverable(table, totals, eng.analysis.min_n)


def test_demo_units_show_the_planted_blind_spot_everywhere(demo):
    eng, cus, emp = demo
    table = group_gap_table(cus, emp, eng, by="unit", wave="2026")
    # every unit has 16+ employees; the value-level audit hides extra_mile in three of them (their
    # crossed cells, e.g. Göteborg × < 1 år, would give away how its 4 employees answered)
    assert table["group"].nunique() == 6
    assert set(table.loc[table["suppressed"], "item"]) == {"extra_mile"}
    shown = table[~table["suppressed"]]
    extra = shown[shown["item"] == "extra_mile"]
    competence = shown[shown["item"] == "competence"]
    assert len(extra) == 3 and (extra["gap"] > 10).all() and (competence["gap"] < 0).all()


def test_units_csv_frame_holds_gap_rows_then_linkage_rows(demo):
    eng, cus, emp = demo
    units = group_gap_table(cus, emp, eng, by="unit", wave="2026")
    link = linkage_table(cus, emp, eng, wave="2026")
    out = units_csv_frame(units, link)
    assert list(out.columns) == UNITS_CSV_COLUMNS
    assert (out["row_type"] == "gap").sum() == len(units) and (out["row_type"] == "linkage").sum() == 6
    lk = out[out["row_type"] == "linkage"].set_index("group")
    assert lk.loc["Malmö Bulltofta", "customer_mean"] == pytest.approx(
        link.set_index("unit").loc["Malmö Bulltofta", "customer_index"], abs=1e-6)
    assert (lk["item"] == "linkage_index").all() and (lk["label"] == "items/items").all()
    assert out.to_csv(index=False) == units_csv_frame(units, link).to_csv(index=False)  # byte-stable


# ---------------------------------------------------------------------------------------------------
# the heatmap

def test_heatmap_draws_a_cell_per_group_and_item_and_hides_suppressed_ones():
    eng, cus, emp = synthetic(unit_sizes=(14, 9, 3, 7, 2, 11))
    table = group_gap_table(cus, emp, eng, by="unit")
    fig, ax = heatmap_figure(table)
    gap_heatmap(table, ax=ax, texts={"title": "Gap per unit"})
    cells = [p for p in ax.patches if p.get_gid() == "cell"]
    hidden = [p for p in ax.patches if p.get_gid() == "cell_suppressed"]
    assert len(cells) == (~table["suppressed"]).sum() and len(hidden) == table["suppressed"].sum()
    assert all(p.get_hatch() for p in hidden)
    values = [t.get_text() for t in ax.texts if t.get_gid() == "gap_value"]
    assert len(values) == len(cells)
    assert sum(t.get_gid() == "too_few" for t in ax.texts) == table["suppressed"].sum()
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"U{k}" for k in range(6)]
    assert ax.get_title(loc="left") == "Gap per unit"


def test_heatmap_colours_diverge_and_bold_marks_significant_gaps():
    table = pd.DataFrame({"group": ["A", "B", "C"], "item": "x", "label": "X", "gap": [18.0, -18.0, 1.0],
                          "gap_ci_low": [10.0, -25.0, -4.0], "gap_ci_high": [26.0, -11.0, 6.0],
                          "suppressed": False})
    ax = gap_heatmap(table, ax=plt.figure().gca())
    cells = {t.get_text(): t for t in ax.texts if t.get_gid() == "gap_value"}
    assert set(cells) == {"+18", "\u221218", "+1"}
    assert cells["+18"].get_fontweight() == "bold" and cells["+1"].get_fontweight() == "normal"
    faces = [p.get_facecolor() for p in ax.patches if p.get_gid() == "cell"]
    red, green, pale = faces
    assert red[0] > red[1] and green[1] > green[0]  # blind spot red-ish, hidden strength green-ish
    assert min(pale[:3]) > 0.85  # a gap near 0 is nearly white


def test_heatmap_in_swedish_with_overall_column_and_journey_blocks(demo):
    from mirrorgap.analyse.journeys import employee_journey_table
    eng, cus, emp = demo
    journey = employee_journey_table(in_wave(cus, "2026"), in_wave(emp, "2026"), eng)
    overall = gap_table(in_wave(cus, "2026"), in_wave(emp, "2026"), eng.analysis, language="sv")
    texts = chart_texts("sv")
    fig, ax = heatmap_figure(journey, overall=overall)
    gap_heatmap(journey, ax=ax, overall=overall, texts=texts)
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[0] == "Alla" and ticks[1:5] == ["< 1 år", "1–3 år", "3–10 år", "> 10 år"]
    stages = [t.get_text() for t in ax.texts if t.get_gid() == "stage"]
    assert stages == ["Anställningstid", "Kundkontakt"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == texts["heatmap_blind_spot_end"]
