"""Weights in the comment themes, the linkage across units and the pulse (issue 13, point 7): each
checked against an independent computation (numpy weighted sums, statsmodels' Wilson interval and
DescrStatsW, pandas' weighted means, the raking written out in `helpers.raked_weights`), never against
our own estimators; plus: without weights each table is byte-identical to the code before weights
reached it, and with weights each one moves while its counts (and so its suppression) stay.
"""
import dataclasses
import hashlib

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW
from tests.helpers import engagement, kish, raked_weights, raw_survey
from tests.test_comments import SMALL, _clean
from tests.test_comments import _engagement as comments_engagement
from tests.test_pulse import pulse_frame
from tests.test_weighted_breakdowns import two_waves

from mirrorgap.analyse.linkage import linkage_table
from mirrorgap.analyse.pulse import pulse_series
from mirrorgap.analyse.themes import UNCATEGORISED, match_themes, side_comments, theme_table
from mirrorgap.read.weights import WEIGHT

CONF = 0.95
POOL = ["Priset var högt", "Fick vänta en timme", "Dyrt och fick vänta", "Trevlig personal", "Helt okej",
        "Trevlig men dyr", "Bra chef", "Chefen lyssnar inte", np.nan, "-"]


# ------------------------------------------------------------------------------------------- fixtures

def comment_sides(weights: bool = True):
    """Customers (two waves, 150 + 180) and employees (two waves, 40 + 45) commenting from `POOL`,
    optionally with a design weight each."""
    rng = np.random.default_rng(21)
    sides = []
    for k, (side, sizes) in enumerate((("customer", (150, 180)), ("employee", (40, 45)))):
        waves = ["2025"] * sizes[0] + ["2026"] * sizes[1]
        comments = [POOL[i] for i in rng.integers(0, len(POOL), len(waves))]
        clean = _clean(side, comments, waves=waves, units=[f"U{i % 3}" for i in range(len(waves))])
        if weights:
            frame = clean.frame.assign(**{WEIGHT: np.random.default_rng(30 + k).uniform(0.2, 3.0, len(waves))})
            clean = dataclasses.replace(clean, frame=frame)
        sides.append(clean)
    return comments_engagement(min_n_comments=10), sides[0], sides[1]


def weighted_pulse(seed: int = 5):
    rng = np.random.default_rng(seed)
    frame = pulse_frame(rng, {"2026-W05": {"X": 30, "Y": 14, "Z": 3}, "2026-W06": {"X": 25, "Y": 9, "Z": 7},
                              "2026-W07": {"X": 4}})
    return frame.assign(**{WEIGHT: np.random.default_rng(seed + 1).uniform(0.2, 3.0, len(frame))})


PULSE = {"input": {"path": "p.csv"}, "id_column": "id", "period_column": "week", "score_column": "score",
         "unit_column": "unit", "segment_columns": ["dept"]}


# ------------------------------------------------------------------------------------------- themes

def commenters_of(clean, wave):
    """The wave's respondents who wrote words (not blank, "-"), and their comments, written out here."""
    frame = clean.frame[clean.frame["wave"] == wave]
    text = frame[[c for c in frame.columns if c.lower() == "kommentar"][0]]
    wrote = text.map(lambda v: isinstance(v, str) and any(ch.isalpha() for ch in v))
    return frame[wrote.to_numpy()], text[wrote.to_numpy()]


def wilson_reference(mentions: np.ndarray, w: np.ndarray):
    """(share %, low %, high %): numpy's weighted share and statsmodels' Wilson interval on Kish's n_eff."""
    share = w[mentions].sum() / w.sum()
    n_eff = w.sum() ** 2 / (w * w).sum()
    low, high = proportion_confint(share * n_eff, n_eff, alpha=1 - CONF, method="wilson")
    return 100 * share, 100 * low, 100 * high


def test_theme_shares_are_weighted_with_a_wilson_interval_on_kishs_n_eff_and_the_counts_stay_people():
    eng, c, e = comment_sides()
    table = theme_table(c, e, eng, wave="2026", codebook=SMALL)
    plain = theme_table(*comment_sides(weights=False)[1:], eng, wave="2026", codebook=SMALL)
    checked = 0
    for clean in (c, e):
        rows, texts = commenters_of(clean, "2026")
        w = rows[WEIGHT].to_numpy()
        matched = match_themes(texts, SMALL, language="sv", side=clean.side)
        matched[UNCATEGORISED] = ~matched.any(axis=1)
        side = table[table["side"] == clean.side].set_index("theme")
        for theme, mentions in matched.items():
            row = side.loc[theme]
            assert (row["comments"], row["commenters"]) == (mentions.sum(), len(texts))
            assert (row["share"], row["share_ci_low"], row["share_ci_high"]) == pytest.approx(
                wilson_reference(mentions.to_numpy(), w), rel=1e-9)
            checked += 1
    assert checked == 9
    # the counts, and so what is suppressed and quoted, are the unweighted table's; the shares move
    for column in ("comments", "commenters", "suppressed", "quote_1", "quote_2"):
        assert table.set_index(["side", "theme"])[column].sort_index().equals(
            plain.set_index(["side", "theme"])[column].sort_index()), column
    assert not np.allclose(table.sort_values(["side", "theme"])["share"], plain.sort_values(["side", "theme"])["share"])


def test_pooled_waves_take_every_commenters_weight():
    eng, c, e = comment_sides()
    table = theme_table(c, e, eng, codebook=SMALL).set_index(["side", "theme"])
    frame = c.frame
    wrote = frame["Kommentar"].map(lambda v: isinstance(v, str) and any(ch.isalpha() for ch in v)).to_numpy()
    price = frame.loc[wrote, "Kommentar"].str.contains(r"(?i)pris|dyr").to_numpy()
    row = table.loc[("customer", "price")]
    assert (row["share"], row["share_ci_low"], row["share_ci_high"]) == pytest.approx(
        wilson_reference(price, frame.loc[wrote, WEIGHT].to_numpy()), rel=1e-9)


def test_a_weighted_employee_side_under_the_comment_minimum_still_shows_nothing():
    eng = comments_engagement(min_n_comments=10)
    employees = _clean("employee", ["Min chef är hemsk"] * 9 + [np.nan] * 20)
    employees = dataclasses.replace(employees, frame=employees.frame.assign(**{WEIGHT: np.linspace(0.5, 5, 29)}))
    customers = comment_sides()[1]
    emp = theme_table(customers, employees, eng, wave="2026", codebook=SMALL).query("side == 'employee'")
    assert emp["suppressed"].all() and emp["commenters"].isna().all() and emp["comments"].isna().all()
    assert emp[["share", "share_ci_low", "share_ci_high"]].isna().all().all()


def test_the_demo_customers_theme_shares_take_the_raking_to_kundtyp():
    """The demo rakes each wave's customers to `rake_to: Kundtyp`: the theme shares are the commenters'
    shares under those weights (raked here by `helpers.raked_weights`, over the whole wave)."""
    from mirrorgap.analyse.pipeline import load_side
    from mirrorgap.config.params import load_engagement
    from mirrorgap.read.scrub import scrub_side

    eng = load_engagement("params/demo.yaml")
    c, m = (scrub_side(load_side(eng, s), eng) for s in ("customer", "employee"))
    table = theme_table(c, m, eng, wave="2026").set_index(["side", "theme"])
    wave = c.frame[c.frame["wave"] == "2026"]
    w = raked_weights(wave, eng.customer.rake_to)
    texts = side_comments(c, eng.customer.comment_columns, wave="2026")
    matched = match_themes(texts, load_codebook_for(eng), language=eng.language, side="customer")
    for theme in ("waiting_time", "price"):
        row = table.loc[("customer", theme)]
        assert row["comments"] == matched[theme].sum() and row["commenters"] == len(texts)
        assert (row["share"], row["share_ci_low"], row["share_ci_high"]) == pytest.approx(
            wilson_reference(matched[theme].to_numpy(), w.loc[texts.index].to_numpy()), rel=1e-9)
        assert row["share"] != pytest.approx(100 * row["comments"] / row["commenters"], rel=1e-6)
    # the employees are not weighted in the demo: their shares stay counts over commenters
    emp = table.loc["employee"]
    shown = emp[~emp["suppressed"]]
    assert len(shown) and shown["share"].to_numpy() == pytest.approx(
        100 * shown["comments"].astype(float) / shown["commenters"].astype(float), rel=1e-12)


def load_codebook_for(eng):
    from mirrorgap.analyse.themes import load_codebook

    return load_codebook(eng.codebook, language=eng.language)


# ------------------------------------------------------------------------------------------- linkage

def unit_reference(clean, wave: str, kind: str) -> pd.DataFrame:
    """Per unit (n, index) from the wave's rows with pandas and numpy: the weighted mean of each
    respondent's mean POMP over the mirror items answered, or the weighted NPS."""
    frame = clean.frame[clean.frame["wave"] == wave]
    w = frame[WEIGHT]
    if kind == "items":
        pomps = pd.DataFrame({i.id: (frame[i.id] - clean.scales[i.id].min) /
                              (clean.scales[i.id].max - clean.scales[i.id].min) * 100 for i in clean.items})
        value = pomps.mean(axis=1)
        ok = value.notna()
        return pd.DataFrame({"n": ok.groupby(frame["unit"]).sum(),
                             "index": (value[ok] * w[ok]).groupby(frame["unit"][ok]).sum() /
                             w[ok].groupby(frame["unit"][ok]).sum()})
    score = frame["nps"]
    ok = score.notna()
    signed = np.where(score >= 9, 1.0, np.where(score <= 6, -1.0, 0.0))
    return pd.DataFrame({"n": ok.groupby(frame["unit"]).sum(),
                         "index": 100 * (pd.Series(signed, index=frame.index)[ok] * w[ok]).groupby(frame["unit"][ok]).sum()
                         / w[ok].groupby(frame["unit"][ok]).sum()})


@pytest.mark.parametrize("kinds", [("items", "items"), ("enps", "nps")])
def test_unit_indices_are_weighted_means_of_their_respondents_and_n_stays_a_count(kinds):
    eng, c, e = two_waves()
    table = linkage_table(c, e, eng, wave="2026", employee_index=kinds[0], customer_index=kinds[1]).set_index("unit")
    plain = linkage_table(*two_waves(weights=False)[1:], eng, wave="2026", employee_index=kinds[0],
                          customer_index=kinds[1]).set_index("unit")
    kind = "items" if kinds[0] == "items" else "nps"
    for side, clean in (("employee", e), ("customer", c)):
        ref = unit_reference(clean, "2026", kind)
        assert table[f"{side}_n"].astype(int).to_numpy() == pytest.approx(ref["n"].reindex(table.index).to_numpy())
        assert table[f"{side}_index"].to_numpy() == pytest.approx(ref["index"].reindex(table.index).to_numpy(), rel=1e-9)
        assert not np.allclose(table[f"{side}_index"], plain[f"{side}_index"])
    for column in ("employee_n", "customer_n", "employee_suppressed", "included", "status"):
        assert table[column].equals(plain[column]), column


def test_the_correlation_is_still_one_of_the_unit_figures():
    from scipy import stats as sps

    from mirrorgap.analyse.linkage import linkage_summary

    eng, c, e = two_waves()
    table = linkage_table(c, e, eng, wave="2026")
    s = linkage_summary(table)
    used = table[table["included"]]
    assert s.pearson_r == pytest.approx(sps.pearsonr(used["employee_index"], used["customer_index"]).statistic)


def test_the_demo_customer_index_per_unit_takes_the_raking_to_kundtyp():
    from mirrorgap.analyse.pipeline import load_side
    from mirrorgap.config.params import load_engagement

    eng = load_engagement("params/demo.yaml")
    c, e = load_side(eng, "customer"), load_side(eng, "employee")
    table = linkage_table(c, e, eng, wave="2026").set_index("unit")
    wave = c.frame[c.frame["wave"] == "2026"]
    raked = dataclasses.replace(c, frame=wave.assign(**{WEIGHT: raked_weights(wave, eng.customer.rake_to)}))
    ref = unit_reference(raked, "2026", "items")
    assert table["customer_index"].to_numpy() == pytest.approx(ref["index"].reindex(table.index).to_numpy(), rel=1e-9)
    assert (table["customer_n"] == ref["n"].reindex(table.index)).all()


# ------------------------------------------------------------------------------------------- pulse

def pulse_reference(x: np.ndarray, w: np.ndarray):
    """(mean, ci_low, ci_high) by statsmodels' DescrStatsW on the weights scaled to Kish's n_eff."""
    n_eff = kish(w)
    d = DescrStatsW(x, weights=w * n_eff / w.sum())
    return (d.mean, *d.tconfint_mean(1 - CONF))


@pytest.mark.parametrize("by", [None, "dept", "unit"])
def test_pulse_means_and_intervals_are_weighted_with_kishs_n_eff(by):
    frame = weighted_pulse()
    eng = engagement(pulse={**PULSE, "weight_column": "vikt"})
    series = pulse_series(frame, eng, by=by)
    plain = pulse_series(frame.drop(columns=[WEIGHT]), eng, by=by)
    checked = 0
    for row in series[~series["suppressed"]].itertuples():
        part = frame[frame["period"] == row.period]
        if row.group != "(all)":
            part = part[part["unit" if by == "unit" else "dept"] == row.group]
        mean, low, high = pulse_reference(part["score"].to_numpy(), part[WEIGHT].to_numpy())
        assert row.n == len(part)
        assert (row.mean, row.ci_low, row.ci_high) == pytest.approx((mean, low, high), rel=1e-9)
        assert row.mean_pomp == pytest.approx((mean - 1) / 9 * 100) and row.ci_high_pomp == pytest.approx((high - 1) / 9 * 100)
        checked += 1
    assert checked >= 2
    # suppression stays on the counts: the same cells hidden, the same n shown
    assert series["suppressed"].equals(plain["suppressed"]) and series["n"].equals(plain["n"])
    assert not np.allclose(series["mean"].dropna(), plain["mean"].dropna())


def test_weights_hide_the_same_pulse_cells_in_every_view_of_the_demo():
    """Suppression is decided on the number of answers: with a weight per answer the demo's total,
    per-unit and per-department series hide exactly the cells (and show exactly the n) they hide
    without. An attacker who knew every weight would face, in the weighted scores w·x, the very
    equations `test_pulse`'s linear-algebra attacker finds no hidden group in."""
    from mirrorgap.analyse.pulse import load_pulse
    from mirrorgap.config.params import load_engagement

    eng = load_engagement("params/demo.yaml")
    frame, _ = load_pulse(eng)
    weighted = frame.assign(**{WEIGHT: np.random.default_rng(8).uniform(0.2, 3.0, len(frame))})
    for by in (None, "unit", "avdelning"):
        a, b = pulse_series(frame, eng, by=by), pulse_series(weighted, eng, by=by)
        assert a["suppressed"].any() or by is None
        assert a[["period", "group", "n", "suppressed"]].equals(b[["period", "group", "n", "suppressed"]])
        assert (a["mean"].isna() == b["mean"].isna()).all()


def test_pulse_raked_to_margins_within_each_period():
    frame = weighted_pulse().drop(columns=[WEIGHT])
    margins = {"unit": {"A": 50, "B": 30, "C": 20}}
    eng = engagement(pulse={**PULSE, "rake_to": margins})
    series = pulse_series(frame, eng, by="dept")
    for row in series[~series["suppressed"]].itertuples():
        week = frame[frame["period"] == row.period]
        w = raked_weights(week, margins)  # raked over the period's answers, not the group's
        part = week if row.group == "(all)" else week[week["dept"] == row.group]
        mean, low, high = pulse_reference(part["score"].to_numpy(), w.loc[part.index].to_numpy())
        assert (row.mean, row.ci_low, row.ci_high) == pytest.approx((mean, low, high), rel=1e-9)


def test_pulse_raking_needs_every_group_in_every_period():
    from mirrorgap.errors import ParamsError

    frame = weighted_pulse()
    eng = engagement(pulse={**PULSE, "rake_to": {"dept": {"X": 50, "Y": 30, "Z": 20}}})
    with pytest.raises(ParamsError, match="no pulse respondent is in 'Y', 'Z'"):
        pulse_series(frame, eng)  # the week 2026-W07 has only X
    with pytest.raises(ParamsError, match="rake_to: 'role' is not `unit` or one of segment_columns"):
        engagement(pulse={**PULSE, "rake_to": {"role": {"a": 1}}})


def test_pulse_weights_are_read_as_the_sides_are_and_bad_ones_stop_the_run():
    from mirrorgap.analyse.pulse import clean_pulse
    from mirrorgap.errors import InputFileError

    spec = engagement(pulse={**PULSE, "weight_column": "vikt"}).pulse
    rows = pd.DataFrame({"id": ["a", "b", "c", "d"], "week": ["2026-W05"] * 4, "unit": ["A"] * 4, "dept": ["X"] * 4,
                         "score": ["7", "8", "Vet ej", "5"], "vikt": ["1,5", "2", "x", "0,25"]})
    frame, ledger = clean_pulse(raw_survey(rows, decimal=","), spec)  # row c is left out (don't know): its weight too
    assert frame[WEIGHT].tolist() == [1.5, 2.0, 0.25] and ledger["rows_used"] == 3
    for bad, shown in (("-1", "-1"), ("", ""), ("tre", "tre")):
        broken = rows.assign(vikt=["1", bad, "1", "1"])
        with pytest.raises(InputFileError, match="a pulse respondent without a usable weight") as exc:
            clean_pulse(raw_survey(broken, decimal=","), spec)
        assert (exc.value.row, exc.value.column, exc.value.value) == (3, "vikt", shown)
        assert "weight_column" in exc.value.fix
    with pytest.raises(InputFileError, match="the pulse weight column 'vikt' is not in the file"):
        clean_pulse(raw_survey(rows.drop(columns=["vikt"]), decimal=","), spec)


# ------------------------------------------------------------------------------------------- method text

@pytest.mark.parametrize("language, themes, linkage, unweighted, pulse", [
    ("en", "a comment theme's share is the weighted share", "the weighted mean (or weighted NPS) of its respondents",
     "Cronbach's α and McDonald's ω are unweighted.", "The weekly pulse is weighted (the weight column vikt):"),
    ("sv", "ett kommentarstemas andel är den viktade andelen", "det viktade medelvärdet (eller viktade NPS)",
     "Cronbachs α och McDonalds ω är oviktade.", "Veckopulsen är viktad (med viktkolumnen vikt):"),
    ("da", "et kommentartemas andel er den vægtede andel", "det vægtede gennemsnit (eller vægtede NPS)",
     "Cronbachs α og McDonalds ω er uvægtede.", "Den ugentlige puls er vægtet (med vægtkolonnen vikt):"),
    ("nb", "et kommentartemas andel er den vektede andelen", "det vektede gjennomsnittet (eller vektet NPS)",
     "Cronbachs α og McDonalds ω er uvektede.", "Den ukentlige pulsen er vektet (med vektkolonnen vikt):")])
def test_method_text_says_the_themes_linkage_and_pulse_are_weighted_and_only_alpha_and_omega_are_not(
        language, themes, linkage, unweighted, pulse):
    from mirrorgap.analyse.pipeline import analyse
    from mirrorgap.render.findings import method_text

    eng, c, e = two_waves()
    eng = eng.model_copy(update={"language": language, "pulse": engagement(pulse={**PULSE, "weight_column": "vikt"}).pulse})
    results = analyse(eng, c, e)
    text = method_text(eng, results)
    assert themes in text and linkage in text and text.count(unweighted) == 1
    for word in ("unweighted", "oviktade", "uvægtede", "uvektede"):  # said once, of α and ω only
        assert text.count(word) == (1 if word in unweighted else 0)
    assert pulse not in text  # no pulse series in these results: nothing said about it
    results.tables["pulse"] = pulse_series(weighted_pulse(), eng)
    assert pulse in method_text(eng, results)
    plain = eng.model_copy(update={"pulse": eng.pulse.model_copy(update={"weight_column": None})})
    results = analyse(plain, c, e)
    results.tables["pulse"] = pulse_series(weighted_pulse().drop(columns=[WEIGHT]), plain)
    assert pulse.split("(")[0] not in method_text(plain, results)


def test_a_weighted_pulse_is_called_weighted_on_its_chart_and_slide(tmp_path):
    """The demo's pulse with a weight per answer: the report's pulse chart notes that its means are
    weighted with intervals on Kish's n_eff, the deck's pulse slide calls them weighted means."""
    from pptx import Presentation
    from tests.helpers import demo_results

    from mirrorgap.analyse.pulse import load_pulse
    from mirrorgap.deliver.deck.build import write_deck
    from mirrorgap.deliver.figures import insight_figures

    results = demo_results()
    frame, _ = load_pulse(results.engagement)
    eng = results.engagement.model_copy(update={"pulse": results.engagement.pulse.model_copy(
        update={"weight_column": "vikt"})})
    weights = np.random.default_rng(4).uniform(0.5, 2.0, len(frame))
    results.engagement, results.tables = eng, {"pulse": pulse_series(frame.assign(**{WEIGHT: weights}), eng)}
    (note,) = [t.get_text() for t in insight_figures(results)["pulse"].axes[0].texts if t.get_gid() == "note"]
    assert "viktade medelvärden" in note and "Kishs effektiva n" in note
    prs = Presentation(str(write_deck(results, tmp_path / "deck.pptx", run_id="r")))
    texts = [shape.text_frame.text for slide in prs.slides for shape in slide.shapes if shape.has_text_frame]
    assert any("Medarbetarnas viktade medelvärde per vecka" in t for t in texts)


# ------------------------------------------------------------------------------------------- without weights

def insight_tables(weights: bool) -> dict[str, pd.DataFrame]:
    """The theme table, the linkage tables and the pulse series of the fixtures (weights dropped when
    not wanted, so this runs on the code before weights reached them too)."""
    ceng, cc, ce = comment_sides(weights)
    eng, c, e = two_waves(weights)
    frame = weighted_pulse()
    if not weights:
        frame = frame.drop(columns=[WEIGHT])
    peng = engagement(pulse=PULSE)
    return {"themes": theme_table(cc, ce, ceng, wave="2026", codebook=SMALL),
            "themes_pooled": theme_table(cc, ce, ceng, codebook=SMALL),
            "linkage": linkage_table(c, e, eng, wave="2026"),
            "linkage_nps": linkage_table(c, e, eng, wave="2026", employee_index="enps", customer_index="nps"),
            "pulse": pulse_series(frame, peng),
            "pulse_dept": pulse_series(frame, peng, by="dept"),
            "pulse_unit": pulse_series(frame, peng, by="unit")}


def digests(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    return {name: hashlib.sha256(t.to_csv(index=False).encode()).hexdigest()[:16] for name, t in tables.items()}


# sha256 (first 16 hex digits) of each table's CSV, made with the code before weights reached the themes,
# the linkage and the pulse (commit f1974bb; `python tests/test_weighted_insights.py` against that lib/)
BEFORE = {"themes": "fc99ed4054d3c162", "themes_pooled": "8b198011049fbb84", "linkage": "423deecaf7edc746",
          "linkage_nps": "0a558fecc08d82ff", "pulse": "792db95201353faa", "pulse_dept": "ecffffafe4d2531d",
          "pulse_unit": "c408e39345905627"}


def test_without_weights_the_themes_linkage_and_pulse_are_byte_identical_to_before():
    assert digests(insight_tables(weights=False)) == BEFORE


if __name__ == "__main__":  # the digests of this code's tables without weights (for BEFORE)
    print(digests(insight_tables(weights=False)))
