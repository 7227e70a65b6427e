"""Comment themes: the codebook, keyword matching, the theme table (with its comment minimum) and
the theme chart."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from statsmodels.stats.proportion import proportion_confint  # noqa: E402

from mirrorgap.analyse.pipeline import load_side  # noqa: E402
from mirrorgap.analyse.themes import (  # noqa: E402
    THEME_COLUMNS,
    UNCATEGORISED,
    keyword_pattern,
    load_codebook,
    match_themes,
    parse_codebook,
    shorten_quote,
    side_comments,
    theme_table,
)
from mirrorgap.config.params import LANGUAGES, load_engagement  # noqa: E402
from mirrorgap.config.texts import section  # noqa: E402
from mirrorgap.errors import ParamsError  # noqa: E402
from mirrorgap.read.recode import CleanSide  # noqa: E402
from mirrorgap.read.scrub import scrub_side  # noqa: E402
from mirrorgap.render.charts.themes import DEFAULT_TEXTS, themes_chart, themes_figure  # noqa: E402
from mirrorgap.render.words import comment_chart_texts as chart_texts  # noqa: E402


def _theme(sv_keywords, sides=("customer", "employee")):
    return {"label": {lang: f"T-{lang}" for lang in LANGUAGES}, "sides": list(sides),
            "keywords": {lang: list(sv_keywords) for lang in LANGUAGES}}


SMALL = parse_codebook({"themes": {
    "price": _theme(["*pris*", "dyr*"]),
    "waiting": _theme(["vänta*", "*väntetid*", "i tid"]),
    "staff": _theme(["trevlig*"]),
    "leadership": _theme(["*chef*"], sides=["employee"]),
}})


# -------------------------------------------------------------------------------------------------
# the codebook

def test_the_shipped_codebook_is_valid_in_every_language():
    for lang in LANGUAGES:
        book = load_codebook("templates/codebook.yaml", language=lang)
        assert {"price", "waiting_time", "booking", "friendliness", "competence", "communication", "quality",
                "follow_up", "cleanliness", "workload", "leadership", "tools"} <= set(book.themes)
        assert all(t.label[lang] and t.keywords[lang] for t in book.themes.values())
    book = load_codebook("templates/codebook.yaml")
    assert book.themes["leadership"].sides == ["employee"]
    assert set(book.themes["price"].sides) == {"customer", "employee"}


def test_the_shipped_codebook_explains_its_format_at_the_top():
    head = open("templates/codebook.yaml", encoding="utf-8").read().split("themes:")[0]
    assert head.count("#") >= 10 and "*" in head and "uncategorised" in head


@pytest.mark.parametrize("data, expected", [
    ({"themes": {"price": {**_theme(["pris"]), "lable": {"sv": "x"}}}}, "themes.price.lable: unknown key — did you mean 'label'?"),
    ({"themes": {"price": {**_theme(["pris"]), "keyword": {}}}}, "did you mean 'keywords'?"),
    ({"themse": {}}, "themse: unknown key — did you mean 'themes'?"),
    ({"themes": {"price": {**_theme(["pris"]), "sides": ["customers"]}}}, "unknown side 'customers' — did you mean 'customer'?"),
    ({"themes": {"price": {**_theme(["pris"]), "label": {"sw": "Pris"}}}}, "unknown language 'sw' — did you mean 'sv'?"),
    ({"themes": {"price": {**_theme(["*"])}}}, "needs letters besides *"),
    ({"themes": {"Price!": _theme(["pris"])}}, "a theme id is lower case"),
    ({"themes": {"uncategorised": _theme(["pris"])}}, "reserved"),
    ({"themes": {"price": {"label": {"sv": "Pris"}}}}, "themes.price.keywords: required but missing"),
    ({"themes": {}}, "themes"),
    (["price"], "mapping"),
])
def test_codebook_errors_speak_to_a_consultant(data, expected):
    with pytest.raises(ParamsError) as info:
        parse_codebook(data, source="codebook.yaml")
    assert expected in str(info.value)
    assert "codebook.yaml" in str(info.value)


def test_a_theme_without_the_engagement_language_is_an_error_that_names_it():
    data = {"themes": {"price": {"label": {"en": "Price"}, "keywords": {"en": ["price"]}}}}
    assert parse_codebook(data, language="en")
    with pytest.raises(ParamsError, match=r"themes.price: no label in the engagement language 'sv'"):
        parse_codebook(data, language="sv")


def test_every_problem_is_reported_at_once():
    data = {"themes": {"a": {**_theme(["x"]), "lable": {}}, "b": {**_theme(["y"]), "sidez": []}}}
    with pytest.raises(ParamsError) as info:
        parse_codebook(data)
    assert len(info.value.problems) == 2


def test_a_missing_or_broken_codebook_file_says_how_to_fix_it(tmp_path):
    with pytest.raises(ParamsError, match="copy templates/codebook.yaml"):
        load_codebook(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("themes:\n  price:\n    keywords: {sv: [*pris*]}\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="must be quoted"):
        load_codebook(bad)


# -------------------------------------------------------------------------------------------------
# matching

@pytest.mark.parametrize("keyword, text, hit", [
    ("pris*", "Priset var högt", True),
    ("pris*", "PRISLISTAN", True),
    ("pris*", "kompris", False),
    ("*pris*", "timpriset", True),
    ("*väntetid*", "telefonväntetiden var lång", True),
    ("*väntetid*", "Väntetid", True),
    ("*tvättad", "otvättad bil", True),
    ("*tvättad", "tvättade", False),
    ("i tid", "klar i  tid", True),
    ("i tid", "inte tid", False),
    ("ring* upp", "ringde upp direkt", True),
    ("ren", "rent och fint", False),
    ("øl", "god ØL", True),
    ("*bemötande*", "BEMÖTANDET", True),
    ("e-post*", "e-posten kom", True),
])
def test_keywords_match_whole_words_any_case_with_wildcards(keyword, text, hit):
    import re
    assert (re.search(keyword_pattern(keyword), text, re.IGNORECASE) is not None) is hit


def test_a_comment_can_have_several_themes_and_side_only_themes_are_only_looked_for_there():
    texts = pd.Series(["Dyrt och fick vänta länge", "Trevlig chef", "Inget särskilt", "Bra pris, kom i tid"],
                      index=[10, 11, 12, 13])
    cust = match_themes(texts, SMALL, language="sv", side="customer")
    assert list(cust.columns) == ["price", "waiting", "staff"]
    assert list(cust.index) == [10, 11, 12, 13]
    assert cust.loc[10].tolist() == [True, True, False]
    assert cust.loc[13].tolist() == [True, True, False]
    assert not cust.loc[12].any()
    emp = match_themes(texts, SMALL, language="sv", side="employee")
    assert emp.loc[11, "leadership"] and emp.loc[11, "staff"]


def test_shorten_quote_cuts_at_a_word_boundary():
    text = "Bilen var klar i tid men ingen hade tvättat den, och fakturan var svår att förstå för en vanlig kund."
    short = shorten_quote(text, 40)
    assert short.endswith("…") and len(short) <= 40
    assert text.startswith(short[:-1]) and text[len(short) - 1] in " ,"
    assert shorten_quote("Kort  text.\n", 40) == "Kort text."


# -------------------------------------------------------------------------------------------------
# the table

def _engagement(**analysis):
    """The demo's params, its customers not raked: the small sides here have no Kundtyp to rake on."""
    e = load_engagement("params/demo.yaml")
    return e.model_copy(update={"analysis": e.analysis.model_copy(update=analysis),
                                "customer": e.customer.model_copy(update={"rake_to": {}})})


def _clean(side: str, comments, *, waves=None, units=None) -> CleanSide:
    col = "Kommentar" if side == "customer" else "kommentar"
    n = len(comments)
    frame = pd.DataFrame({"respondent_id": [f"{side[0]}{i}" for i in range(n)],
                          "wave": waves or ["2026"] * n, "unit": units or ["Kista"] * n, col: comments})
    return CleanSide(side=side, frame=frame, items=[], scales={}, segments=[], ledger=None)


CUSTOMER = (["Priset var högt"] * 12 + ["Fick vänta en timme"] * 5 + ["Dyrt och fick vänta"] * 3
            + ["Helt okej"] * 4 + [np.nan] * 6 + ["-", "  "])  # 24 commented, 8 did not


def test_counts_shares_and_wilson_intervals(tmp_path):
    e = _engagement()
    table = theme_table(_clean("customer", CUSTOMER), _clean("employee", ["Bra chef"] * 12), e, codebook=SMALL)
    assert list(table.columns) == THEME_COLUMNS
    cust = table[table["side"] == "customer"].set_index("theme")
    assert (cust["commenters"] == 24).all()
    assert cust.loc["price", "comments"] == 15 and cust.loc["waiting", "comments"] == 8
    assert cust.loc["staff", "comments"] == 0 and cust.loc[UNCATEGORISED, "comments"] == 4
    assert "leadership" not in cust.index
    for theme, row in cust.iterrows():
        low, high = proportion_confint(int(row["comments"]), 24, alpha=0.05, method="wilson")
        assert row["share"] == pytest.approx(100 * row["comments"] / 24)
        assert row["share_ci_low"] == pytest.approx(100 * low, abs=1e-9)
        assert row["share_ci_high"] == pytest.approx(100 * high, abs=1e-9)
    # most mentioned first, uncategorised last, customers before employees
    assert list(cust.index) == ["price", "waiting", "staff", UNCATEGORISED]
    assert table["side"].tolist() == sorted(table["side"].tolist())
    assert cust.loc[UNCATEGORISED, "label"] == section("sv", "comments")["uncategorised"]
    assert cust.loc["price", "label"] == "T-sv"
    table.to_csv(tmp_path / "themes.csv", index=False)  # the table writes as the CSV the lead delivers


def test_quotes_only_for_themes_at_least_min_n_commenters_mention():
    e = _engagement(min_n_comments=10)
    table = theme_table(_clean("customer", CUSTOMER), _clean("employee", ["Bra chef"] * 12), e, codebook=SMALL)
    cust = table[table["side"] == "customer"].set_index("theme")
    assert cust.loc["price", "quote_1"] and cust.loc["price", "quote_2"]  # 15 mention it
    assert {cust.loc["price", "quote_1"], cust.loc["price", "quote_2"]} <= {"Priset var högt", "Dyrt och fick vänta"}
    assert cust.loc["price", "quote_1"] != cust.loc["price", "quote_2"]
    assert cust.loc["waiting", "quote_1"] == "" and cust.loc["waiting", "quote_2"] == ""  # only 8
    assert cust.loc[UNCATEGORISED, "quote_1"] == ""  # only 4
    emp = table[table["side"] == "employee"].set_index("theme")
    assert emp.loc["leadership", "quote_1"] == "Bra chef" and emp.loc["leadership", "quote_2"] == ""  # one distinct text


def test_an_employee_side_under_the_comment_minimum_shows_nothing_not_even_its_size():
    e = _engagement(min_n_comments=10)
    secret = "Min chef Kalle är hemsk"
    employees = _clean("employee", [secret] * 9 + [np.nan] * 20)  # 9 commented: under 10
    table = theme_table(_clean("customer", CUSTOMER), employees, e, codebook=SMALL)
    emp = table[table["side"] == "employee"]
    assert emp["suppressed"].all() and not table.loc[table["side"] == "customer", "suppressed"].any()
    assert emp["comments"].isna().all()
    for col in ("share", "share_ci_low", "share_ci_high"):
        assert emp[col].isna().all()
    assert (emp[["quote_1", "quote_2"]] == "").all().all()
    assert emp["commenters"].isna().all()  # 9 commented: the size of a hidden group is not shown either
    # attacker: nothing in the whole table (or its CSV) carries the employees' words or theme counts
    csv = table.to_csv(index=False)
    assert "Kalle" not in csv and "hemsk" not in csv
    # the uncategorised row cannot be used to subtract back a theme count either
    assert emp.loc[emp["theme"] == UNCATEGORISED, "comments"].isna().all()


def test_at_exactly_the_minimum_the_employee_side_is_shown():
    e = _engagement(min_n_comments=10)
    table = theme_table(_clean("customer", CUSTOMER), _clean("employee", ["Bra chef"] * 10), e, codebook=SMALL)
    emp = table[table["side"] == "employee"].set_index("theme")
    assert not emp["suppressed"].any()
    assert emp.loc["leadership", "comments"] == 10 and emp.loc["leadership", "quote_1"] == "Bra chef"


def test_quotes_are_scrubbed_shortened_without_unit_and_the_same_every_run():
    e = _engagement(min_n_comments=3)
    long = ("Priset var alldeles för högt jämfört med offerten och Mikael lovade att ringa mig på "
            "070-123 45 67 men det hördes aldrig av, så nu vet jag inte riktigt vad jag ska tro om er längre.")
    comments = [long] * 3 + ["Dyrt men bra", "Dyr service", "Dyrare än förr"]
    cust = _clean("customer", comments, units=["Filial Kista"] * 6)
    first = theme_table(cust, _clean("employee", ["x"] * 12), e, codebook=SMALL)
    again = theme_table(cust, _clean("employee", ["x"] * 12), e, codebook=SMALL)
    pd.testing.assert_frame_equal(first, again)
    quotes = first.loc[first["side"] == "customer", ["quote_1", "quote_2"]].to_numpy().ravel()
    for q in [q for q in quotes if q]:
        assert "Mikael" not in q and "070-123" not in q and "Kista" not in q
        assert len(q) <= 160
    assert any(q.endswith("…") and "[namn]" in q for q in quotes) or all(len(q) < 60 for q in quotes if q)


def test_quote_choice_depends_on_the_seed_not_on_luck():
    comments = [f"Priset var högt, variant {i}" for i in range(40)]
    picks = set()
    for seed in range(6):
        e = _engagement(min_n_comments=10, seed=seed)
        t = theme_table(_clean("customer", comments), _clean("employee", ["x"] * 12), e, codebook=SMALL)
        picks.add(t.loc[(t["side"] == "customer") & (t["theme"] == "price"), "quote_1"].item())
    assert len(picks) > 1  # different seeds pick different quotes; the same seed the same (test above)


def test_wave_selects_the_respondents():
    e = _engagement(min_n_comments=2)
    cust = _clean("customer", ["Priset"] * 5 + ["Trevlig"] * 3, waves=["2025"] * 5 + ["2026"] * 3)
    emp = _clean("employee", ["Bra chef"] * 4, waves=["2025", "2025", "2026", "2026"])
    t = theme_table(cust, emp, e, wave="2026", codebook=SMALL)
    c = t[t["side"] == "customer"].set_index("theme")
    assert c.loc["staff", "commenters"] == 3 and c.loc["staff", "comments"] == 3 and c.loc["price", "comments"] == 0
    t_all = theme_table(cust, emp, e, codebook=SMALL)
    assert t_all.loc[t_all["side"] == "customer", "commenters"].iloc[0] == 8


def test_several_comment_columns_count_one_commenter_once():
    e = _engagement(min_n_comments=2)
    e = e.model_copy(update={"customer": e.customer.model_copy(update={"comment_columns": ["Kommentar", "Övrigt"]})})
    cust = _clean("customer", ["Priset högt", np.nan, "Helt ok"])
    cust.frame["Övrigt"] = ["Dyrt igen", "Fick vänta", np.nan]
    t = theme_table(cust, _clean("employee", ["x"] * 3), e, codebook=SMALL)
    c = t[t["side"] == "customer"].set_index("theme")
    assert c.loc["price", "commenters"] == 3 and c.loc["price", "comments"] == 1
    assert c.loc["waiting", "comments"] == 1 and c.loc[UNCATEGORISED, "comments"] == 1


# -------------------------------------------------------------------------------------------------
# the demo

@pytest.fixture(scope="module")
def demo():
    e = load_engagement("params/demo.yaml")
    c, m = (scrub_side(load_side(e, s), e) for s in ("customer", "employee"))
    return e, c, m, theme_table(c, m, e, wave="2026")


def test_demo_price_and_waiting_show_up_with_sensible_shares(demo):
    e, c, m, table = demo
    cust = table[table["side"] == "customer"].set_index("theme")
    assert cust.loc["waiting_time", "share"] > 8 and cust.loc["price", "share"] > 2
    assert cust.loc["price", "comments"] >= e.analysis.min_n_comments and cust.loc["price", "quote_1"]
    # the codebook catches most comments, and the table says how many it misses
    assert 5 < cust.loc[UNCATEGORISED, "share"] < 40
    emp = table[table["side"] == "employee"].set_index("theme")
    assert not emp["suppressed"].any() and emp.loc["leadership", "comments"] > 0
    assert emp.loc["price", "comments"] > 0  # employees, too, say customers are surprised by prices


def test_demo_quotes_carry_no_personal_data(demo):
    e, _, _, table = demo
    quotes = " ".join(table["quote_1"].tolist() + table["quote_2"].tolist())
    for secret in ["anna.svensson@example.se", "070-123", "19850412", "Mikael", "Sara", "Jonas", "Maria"]:
        assert secret not in quotes
    units = set(load_side(e, "employee").frame["unit"].astype(str))
    assert not any(u in quotes for u in units)


def test_demo_employee_side_of_one_branch_and_wave_is_suppressed(demo):
    e, c, m, _ = demo
    one = CleanSide(side="employee", frame=m.frame[m.frame["unit"] == m.frame["unit"].iloc[0]],
                    items=m.items, scales=m.scales, segments=m.segments, ledger=m.ledger)
    table = theme_table(c, one, e, wave="2026")
    emp = table[table["side"] == "employee"]
    assert len(side_comments(one, e.employee.comment_columns, wave="2026")) < e.analysis.min_n_comments
    assert emp["commenters"].isna().all()
    assert emp["suppressed"].all() and emp["comments"].isna().all() and (emp["quote_1"] == "").all()


# -------------------------------------------------------------------------------------------------
# the chart

def _bars(ax, side):
    return [p for p in ax.patches if p.get_gid() == f"bars_{side}"]


def test_chart_draws_paired_bars_sorted_with_n_in_the_labels(demo):
    e, _, _, table = demo
    ax = themes_chart(table, texts=chart_texts("sv"))
    drawn = set(table.loc[table["comments"] > 0, "theme"])  # themes anyone mentions
    cust = table[table["side"] == "customer"]
    assert len(_bars(ax, "customer")) == cust["theme"].isin(drawn).sum()
    assert len(_bars(ax, "employee")) == table[table["side"] == "employee"]["theme"].isin(drawn).sum()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == len(drawn)
    assert labels[-1] == section("sv", "comments")["uncategorised"]
    # themes of both sides first, by the customers' share, then the employee-only themes
    shared = cust[cust["theme"].isin(drawn) & (cust["theme"] != UNCATEGORISED)]
    assert labels[: len(shared)] == shared.sort_values("share", ascending=False, kind="stable")["label"].tolist()
    assert "Ledarskap" in labels[len(shared):-1]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    n_c, n_e = (table.loc[table["side"] == s, "commenters"].iloc[0] for s in ("customer", "employee"))
    assert legend == [f"Kunder, n = {n_c} kommenterade", f"Medarbetare, n = {n_e} kommenterade"]
    values = [t.get_text() for t in ax.texts if t.get_gid() == "value_customer"]
    top = cust.sort_values("share").iloc[-1]
    assert f"{round(top['share'])} % ({top['comments']})" in values
    # bar lengths are the shares
    widths = sorted(round(b.get_width(), 6) for b in _bars(ax, "customer"))
    assert widths == sorted(round(v, 6) for v in cust.loc[cust["theme"].isin(drawn), "share"])
    assert ax.get_title(loc="left") == section("sv", "comments")["chart_title"]


def test_chart_with_a_suppressed_employee_side_says_so_and_draws_no_employee_bars():
    e = _engagement(min_n_comments=10)
    table = theme_table(_clean("customer", CUSTOMER), _clean("employee", ["Bra chef"] * 5), e, codebook=SMALL)
    fig, ax = themes_figure(table)
    themes_chart(table, ax=ax, min_n_comments=10)
    assert not _bars(ax, "employee") and len(_bars(ax, "customer")) == 3  # price, waiting, uncategorised
    notes = [t for t in ax.texts if t.get_gid() == "employee_suppressed"]
    assert len(notes) == 1 and "10" in notes[0].get_text()
    assert len(ax.get_legend().get_texts()) == 1
    assert ax.get_legend().get_texts()[0].get_text() == DEFAULT_TEXTS["legend"].format(side="Customers", n=24)


def test_chart_follows_seaborn_conventions():
    e = _engagement(min_n_comments=10)
    table = theme_table(_clean("customer", CUSTOMER), _clean("employee", ["Bra chef"] * 12), e, codebook=SMALL)
    fig, (a1, a2) = plt.subplots(1, 2)
    plt.sca(a1)
    assert themes_chart(table, ax=a2) is a2
    assert themes_chart(table) is a1
    ci = themes_chart(table, ax=plt.figure().gca(), show_ci=True)
    assert [c for c in ci.collections if c.get_gid() == "ci_customer"]
    with pytest.raises(ValueError, match="share"):
        themes_chart(table.drop(columns=["share"]))


def test_a_side_without_comment_columns_has_no_theme_counts_but_no_error():
    from mirrorgap.analyse.pipeline import load_side
    engagement = load_engagement("params/demo.yaml")
    engagement = engagement.model_copy(update={"employee": engagement.employee.model_copy(update={"comment_columns": []})})
    customer, employee = load_side(engagement, "customer"), load_side(engagement, "employee")
    table = theme_table(customer, employee, engagement, wave="2026")
    assert (table.loc[table.side == "customer", "comments"] > 0).any()
    employee_rows = table[table.side == "employee"]
    assert employee_rows.empty or employee_rows["comments"].fillna(0).eq(0).all()


def test_a_wave_without_comments_draws_no_empty_chart_and_no_warning(tmp_path):
    """No comment in the wave on either side: the chart says so (no axes, no warning about equal y
    limits), and the report's charts and the deck leave the theme chart out."""
    import warnings
    from types import SimpleNamespace

    from mirrorgap.deliver.deck.slides.themes import themes_slide
    from mirrorgap.deliver.figures import insight_figures

    e = _engagement(min_n_comments=10)
    table = theme_table(_clean("customer", [np.nan, " "] * 6), _clean("employee", [np.nan] * 12), e, codebook=SMALL)
    assert table["comments"].fillna(0).eq(0).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib's "Attempting to set identical low and high ylims"
        fig, ax = themes_figure(table)
        themes_chart(table, ax=ax, texts=chart_texts("sv"))
        fig.canvas.draw()
        figs = insight_figures(SimpleNamespace(engagement=e, tables={"themes": table}, texts={}, gaps=None))
    assert not ax.patches and not ax.axison
    (shown,) = [t for t in ax.texts if t.get_gid() == "no_comments"]
    assert shown.get_text() == "Inga kommentarer att visa i den här vågen."
    assert "themes" not in figs
    from mirrorgap.config.texts import tree

    deck = SimpleNamespace(t=tree("sv"), table=lambda name: table if name == "themes" else None,
                           content_slide=lambda *a, **k: pytest.fail("a slide for a wave without comments"))
    themes_slide(deck)
