"""Side-only questions (issue 13, points 1–5): the schema, reading them like mirror items, indices with
their reliability, drivers from the questions, the journeys measured and the 5 I's scorecard."""

import numpy as np
import pandas as pd
import pytest

from helpers import demo_results, engagement, raw_survey
from mirrorgap.analyse.actions import FIVE_IS, ground_actions, load_actions, propose_actions
from mirrorgap.analyse.drivers import driver_analysis, question_drivers_table
from mirrorgap.analyse.questions import (
    five_i_table,
    index_scores,
    index_table,
    journey_measured_table,
    question_rows,
)
from mirrorgap.config.params import parse_engagement
from mirrorgap.config.texts import section
from mirrorgap.errors import InputFileError, ParamsError
from mirrorgap.read.plausibility import plausibility_problems
from mirrorgap.read.recode import clean_side

NA = None
INDICES = [{"id": "engagement", "label": {"sv": "Engagemang", "en": "Engagement"}}]
EMPLOYEE_QUESTIONS = [
    {"id": "proud", "column": "q1", "label": {"sv": "Stolt"}, "index": "engagement", "five_i": "inspire"},
    {"id": "energy", "column": "q2", "label": {"sv": "Energi"}, "index": "engagement", "stage": "introduction"},
    {"id": "workload", "column": "q3", "label": {"sv": "För mycket att göra"}, "reversed": True,
     "index": "engagement", "stage": "feedback", "five_i": "instruct"},
    {"id": "score10", "column": "q4", "label": {"sv": "Betyg"}, "scale": {"min": 0, "max": 10}, "five_i": "inspire"},
]


def with_questions(**extra):
    return engagement(indices=INDICES, questions={"employee": EMPLOYEE_QUESTIONS, **extra})


def employee_frame(n=12, **cols):
    rng = np.random.default_rng(3)
    base = {"id": [str(k) for k in range(n)], "unit": (["A"] * 7 + ["B"] * 3 + ["C"] * 2)[:n], "wave": ["2026"] * n,
            "dept": ["X"] * n, "e1": rng.integers(1, 6, n), "e2": rng.integers(1, 6, n),
            "enps": rng.integers(0, 11, n), "q1": rng.integers(1, 6, n), "q2": rng.integers(1, 6, n),
            "q3": rng.integers(1, 6, n), "q4": rng.integers(0, 11, n)}
    base.update(cols)
    return pd.DataFrame(base)


def problems_of(data) -> str:
    with pytest.raises(ParamsError) as err:
        parse_engagement(data)
    return "\n".join(err.value.problems)


# ------------------------------------------------------------------------------------------- schema

def base_dict():
    eng = with_questions()
    return eng.model_dump(mode="json", exclude_defaults=True)


def test_questions_are_in_the_schema_with_their_defaults():
    eng = with_questions()
    q = {x.id: x for x in eng.side_questions("employee")}
    assert q["proud"].scale.min == 1 and q["proud"].scale.max == 5 and not q["proud"].reversed
    assert q["workload"].reversed and q["workload"].stage == "feedback" and q["workload"].five_i == "instruct"
    assert eng.side_questions("customer") == []


def test_question_typos_are_errors_with_did_you_mean():
    data = base_dict()
    data["questions"]["employee"][0]["stag"] = "introduction"
    data["questions"]["employee"][1]["five_i"] = "inspiration"
    data["questions"]["employee"][2]["stage"] = "onboarding"
    text = problems_of(data)
    assert "questions.employee.0.stag: unknown key — did you mean 'stage'?" in text
    assert "questions.employee.1.five_i" in text and "'inspire'" in text
    assert "questions.employee.2.stage" in text and "'introduction'" in text


def test_an_index_that_is_not_declared_says_which_was_meant():
    data = base_dict()
    data["questions"]["employee"][0]["index"] = "engagment"
    assert "index 'engagment' is not an index id — did you mean 'engagement'?" in problems_of(data)


def test_question_ids_and_columns_must_not_clash():
    data = base_dict()
    data["questions"]["employee"][0]["id"] = "extra"  # a mirror item id
    data["questions"]["employee"][1]["column"] = "e1"  # a mirror item's employee column
    data["questions"]["employee"][3]["column"] = "q3"  # used twice
    data["questions"]["customer"] = [{"id": "trust", "column": "t", "label": {"sv": "T"}, "index": "engagement"}]
    text = problems_of(data)
    assert "'extra' is also a mirror item id" in text
    assert "column 'e1' is already used" in text
    assert "column 'q3' is used by more than one question" in text
    assert "index 'engagement' mixes customer and employee questions" in text


def test_a_question_needs_a_label_in_the_engagement_language():
    data = base_dict()
    data["questions"]["employee"][0]["label"] = {"en": "Proud"}
    assert "'proud' has no label in the engagement language 'sv'" in problems_of(data)


# ------------------------------------------------------------------------------------------- reading

def test_questions_are_read_with_the_same_coding_and_ledger_as_mirror_items():
    frame = employee_frame(q1=["Instämmer helt", 9, NA, "Instämmer", "Okänd", 3, 4, 5, 1, 2, 3, 4],
                           q3=[1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 7])
    clean = clean_side(raw_survey(frame), with_questions(), "employee")
    f = clean.frame
    assert f["proud"].iloc[:4].tolist()[0] == 5 and np.isnan(f["proud"].iloc[1]) and f["proud"].iloc[3] == 4
    assert f["workload"].iloc[:5].tolist() == [5, 4, 3, 2, 1]  # reversed: 6 − x
    led = {c.name: c for c in clean.ledger.columns}
    assert led["proud"].column == "q1" and led["proud"].missing["dont_know"] == 1
    assert led["proud"].missing["blank"] == 1 and dict(led["proud"].unknown_labels) == {"Okänd": 1}
    assert dict(led["workload"].out_of_range) == {"7": 1}
    assert [q.id for q in clean.questions] == ["proud", "energy", "workload", "score10"]
    assert clean.question_pomp()["score10"].max() <= 100


def test_a_respondent_with_only_question_answers_is_used_and_every_row_is_accounted_for():
    frame = employee_frame(e1=[NA] * 2 + [3] * 10, e2=[NA] * 2 + [3] * 10,
                           q1=[4, NA] + [3] * 10, q2=[NA] * 2 + [2] * 10, q3=[NA] * 2 + [4] * 10,
                           q4=[NA, 9] + [5] * 10)
    clean = clean_side(raw_survey(frame), with_questions(), "employee")
    assert "0" in clean.frame["respondent_id"].tolist()  # no mirror answer, but a question answered
    # the side's don't-know code 9 holds for its questions as for its mirror items (0–10 included):
    # row "1" answered nothing usable and is in the ledger with its reason
    left = {e["respondent_id"]: e for e in clean.ledger.excluded}
    assert left["1"]["reason"] == "no_usable_answer" and left["1"]["answers"] == {"dont_know": 1}
    assert clean.ledger.rows_in == len(clean.frame) + len(clean.ledger.excluded)


def test_a_missing_question_column_stops_with_its_name():
    frame = employee_frame().rename(columns={"q2": "q_2"})
    with pytest.raises(InputFileError) as err:
        clean_side(raw_survey(frame), with_questions(), "employee")
    assert "'q2' (did you mean 'q_2'?)" in str(err.value)


def test_a_question_without_a_valid_answer_stops():
    frame = employee_frame(q2=[9] * 12)
    with pytest.raises(InputFileError) as err:
        clean_side(raw_survey(frame), with_questions(), "employee")
    assert "question 'energy' has no valid employee answer" in str(err.value)


def test_plausibility_checks_the_questions_too():
    frame = employee_frame(q4=[5, 6, 7, 8, 9, 3, 4, 5, 100, 20, 30, 40])  # a third of them on 0–100
    clean = clean_side(raw_survey(frame), with_questions(), "employee")
    text = "\n".join(str(p) for p in plausibility_problems(clean))
    assert "outside the scale 0–10" in text and "'q4'" in text


# ------------------------------------------------------------------------------------------- analyses

def small_sides(n=12, **cols):
    eng = with_questions()
    customer = clean_side(raw_survey(pd.DataFrame({
        "id": ["c1", "c2", "c3"], "unit": ["A", "B", "C"], "wave": ["2026"] * 3, "seg": ["P"] * 3,
        "c1": [4, 5, 3], "c2": [2, 1, 3], "nps": [9, 10, 5]})), eng, "customer")
    employee = clean_side(raw_survey(employee_frame(n, **cols)), eng, "employee")
    return eng, customer, employee


def test_index_score_is_the_mean_pomp_of_at_least_half_the_questions():
    eng, _, employee = small_sides(q1=[5] * 12, q2=[3] * 11 + [NA], q3=[NA] * 11 + [1])
    scores = index_scores(employee, eng)["engagement"]
    # 3 questions 1–5 of which 2 answered: 17 possible scores, more than 11, so on the 10-point grid
    assert scores.iloc[0] == 80  # q3 blank: 2 of 3 answered, (100 + 50) / 2 = 75, the tie to the even ten
    assert scores.iloc[11] == pytest.approx((100 + 100) / 2)  # q3 = 1, reversed to 5 → 100; q2 blank
    assert set(scores.dropna()) <= {float(v) for v in range(0, 101, 10)}


def test_index_table_reliability_matches_pingouin_and_small_groups_are_hidden_with_a_complement():
    pg = pytest.importorskip("pingouin")
    eng, customer, employee = small_sides()
    table = index_table(customer, employee, eng)
    total = table[(table["by"] == "") & (table["side"] == "employee")].iloc[0]
    rows = question_rows(employee, None)[["proud", "energy", "workload"]].dropna()
    assert total["alpha"] == pytest.approx(pg.cronbach_alpha(rows)[0], abs=1e-12)
    assert total["n_complete"] == len(rows)
    units = table[table["by"] == "unit"].set_index("group")
    # A has 7; B (3) and C (2) are under min_n 5, and together 5: hidden, with no n
    assert not units.loc["A", "suppressed"] and units.loc["A", "n"] == 7
    assert units.loc[["B", "C"], "suppressed"].all() and units.loc[["B", "C"], "mean"].isna().all()
    assert units.loc[["B", "C"], "n"].isna().all()


def test_a_lone_small_group_takes_a_complement_so_the_total_does_not_give_it_away():
    eng, customer, employee = small_sides(n=12, unit=["A"] * 6 + ["B"] * 5 + ["C"])
    units = index_table(customer, employee, eng).query("by == 'unit'").set_index("group")
    assert units.loc["C", "suppressed"] and units.loc["B", "suppressed"] and not units.loc["A", "suppressed"]


def test_a_too_small_employee_side_shows_no_index_stage_or_i():
    eng, customer, employee = small_sides(n=4)
    assert index_table(customer, employee, eng).query("side == 'employee'")["suppressed"].all()
    assert journey_measured_table(customer, employee, eng).query("side == 'employee'")["suppressed"].all()
    card = five_i_table(employee, eng)
    assert card["suppressed"].all() and card["mean"].isna().all()


def test_stage_and_five_i_scores_are_the_mean_of_each_respondents_step_score():
    eng, customer, employee = small_sides()
    rows = question_rows(employee, None)
    stages = journey_measured_table(customer, employee, eng).set_index("step")
    assert list(stages.index[:2]) == ["introduction", "feedback"]  # JOURNEY_STAGES order
    assert stages.loc["feedback", "mean"] == pytest.approx(rows["workload"].mean())
    card = five_i_table(employee, eng).set_index("i")
    assert list(card.index) == ["inspire", "instruct"]
    # inspire: a 1–5 and a 0–10 question, 37 possible scores: each respondent's on the 10-point grid
    exact = rows[["proud", "score10"]].mean(axis=1)
    on_grid = exact.map(lambda x: round(x / 10) * 10 if x == x else x)  # Python's round: ties to even
    assert card.loc["inspire", "mean"] == pytest.approx(on_grid.mean())
    assert card.loc["inspire", "mean"] != pytest.approx(exact.mean())
    assert card.loc["inspire", "label"] == section("sv", "actions")["inspire"]


def test_question_drivers_are_the_relative_weights_of_the_existing_code():
    eng, customer, employee = small_sides(n=40, unit=["A"] * 40)
    table = question_drivers_table(customer, employee, eng)
    emp = table[table["side"] == "employee"].set_index("item")
    model = driver_analysis(employee.frame[["proud", "energy", "workload", "score10"]], employee.frame["nps"],
                            bootstrap=eng.analysis.bootstrap, seed=eng.analysis.seed, min_answers=eng.analysis.min_n)
    assert emp.loc[model.items, "weight_pct"].to_numpy() == pytest.approx(model.weight_pct, nan_ok=True)
    assert emp["weight_pct"].sum() == pytest.approx(100)
    assert set(emp["outcome"]) == {"enps"}


def test_five_i_focus_weighs_room_to_improve_by_the_drivers():
    eng, _, employee = small_sides()
    drivers = pd.DataFrame({"side": "employee", "item": ["proud", "score10", "workload"],
                            "weight_pct": [50.0, 10.0, 40.0]})
    card = five_i_table(employee, eng, drivers=drivers).set_index("i")
    assert card.loc["inspire", "driver_pct"] == pytest.approx(60.0)
    assert card.loc["instruct", "focus"] == pytest.approx((100 - card.loc["instruct", "mean"]) * 0.40)
    assert card["focus_rank"].min() == 1


def test_the_action_plan_follows_the_scorecard_and_says_why():
    library = load_actions()
    plan = propose_actions(pd.DataFrame(columns=["item", "label", "theme", "gap", "classification"]), library, "en")
    card = pd.DataFrame({"i": ["inspire", "involve", "inform", "instruct", "incentives"],
                         "mean": [80.0, 40.0, 60.0, 70.0, 50.0], "driver_pct": [10.0, 40.0, 10.0, 10.0, 30.0],
                         "focus_rank": [4, 1, 3, 5, 2], "suppressed": False})
    grounded = ground_actions(plan, card, library, "en", texts=section("en", "survey"))
    assert list(dict.fromkeys(grounded["i"])) == list(FIVE_IS)  # still one group per I, in order
    extra = grounded[grounded["why"].str.contains("extra initiative")]
    assert sorted(extra["i"]) == ["incentives", "involve"]  # focus ranks 1 and 2 get one more
    assert grounded.groupby("i").size()[["involve", "incentives"]].tolist() == [2, 2]
    row = grounded[grounded["i"] == "involve"].iloc[0]
    assert "40 of 100" in row["why"] and "place 1 of 5" in row["why"] and "40 %" in row["why"]
    assert grounded["initiative"].is_unique


# ------------------------------------------------------------------------------------------- the demo

@pytest.fixture(scope="module")
def demo():
    return demo_results(bootstrap=50)


def test_the_demo_has_the_question_tables(demo):
    for name in ("indices", "question_drivers", "journey_measured", "five_is"):
        assert name in demo.tables and len(demo.tables[name]), name
    assert len(demo.employee.questions) == 18 and len(demo.customer.questions) == 6
    stages = demo.tables["journey_measured"].query("side == 'employee'")
    assert stages["step"].tolist() == ["introduction", "expectations", "feedback", "development", "ideas"]
    # planted: the ideas forum and feedback are the weak stages, introduction the strongest
    means = stages.set_index("step")["mean"]
    assert means.idxmax() == "introduction" and set(means.nsmallest(2).index) == {"feedback", "ideas"}


def test_the_demo_engagement_index_is_reliable_and_checked_by_pingouin(demo):
    pg = pytest.importorskip("pingouin")
    indices = demo.tables["indices"]
    total = indices[(indices["index"] == "engagement") & (indices["by"] == "")].iloc[0]
    ids = total["questions"].split(", ")
    rows = question_rows(demo.employee, demo.wave)[ids]
    assert total["alpha"] == pytest.approx(pg.cronbach_alpha(rows, nan_policy="listwise")[0], abs=1e-12)
    assert 0.8 < total["alpha"] <= total["omega"] < 0.95


def test_the_demo_index_hides_the_small_management_group(demo):
    indices = demo.tables["indices"]
    dept = indices[(indices["side"] == "employee") & (indices["by"] == "avdelning")].set_index("group")
    assert dept.loc["Ledning", "suppressed"] and pd.isna(dept.loc["Ledning", "n"])
    assert dept["suppressed"].sum() >= 2  # with a complement
    shown = dept[~dept["suppressed"]]
    assert (shown["n"] >= demo.engagement.analysis.min_n).all()


def test_the_demo_mirror_figures_do_not_move(demo):
    # the questions are extra columns drawn from their own random streams
    assert demo.respondents == {"customer": 1498, "employee": 125}
    gaps = demo.gaps.set_index("item")
    assert gaps.loc["extra_mile", "classification"] == "blind_spot"
    assert gaps.loc["competence", "classification"] == "hidden_strength"


def test_the_demo_action_plan_is_grounded(demo):
    actions = demo.tables["actions"]
    assert actions["why"].str.len().gt(10).all()
    focus = demo.tables["five_is"].nsmallest(2, "focus_rank")["i"].tolist()
    assert set(actions.loc[actions["why"].str.contains("extra initiativ"), "i"]) == set(focus)


def test_the_run_writes_the_question_tables_as_csv(demo):
    from mirrorgap.analyse.insights import insight_csv_frames

    frames = insight_csv_frames(demo)
    for name in ("indices", "question_drivers", "journey_measured", "five_is"):
        assert name in frames and frames[name].equals(frames[name].round(6)), name
    hidden = frames["indices"][frames["indices"]["suppressed"]]
    assert hidden[["n", "mean", "alpha"]].isna().all().all()


def test_the_report_has_the_whole_survey_section_and_the_reasons(demo):
    from mirrorgap.deliver.report import render_report

    html = render_report(demo, {}, run_id="20261207-000000")
    words = section("sv", "survey")
    assert words["report_heading"].replace("'", "&#39;") in html
    for title in ("report_indices_title", "report_journey_title", "report_five_is_title"):
        assert words[title] in html
    engagement = demo.tables["indices"].query("index == 'engagement' and by == ''").iloc[0]
    assert f"{engagement['alpha']:.2f}".replace(".", ",") in html  # Swedish decimal comma
    assert "Introduktion" in html and "Ett forum för idéer" in html
    assert demo.tables["actions"]["why"].iloc[0].split(";")[0] in html


def test_the_deck_draws_the_scorecard_the_journey_and_the_question_drivers(demo, tmp_path):
    from pptx import Presentation

    from mirrorgap.deliver.deck.build import write_deck

    prs = Presentation(write_deck(demo, tmp_path / "deck.pptx", run_id="20261207-000000"))
    charts = {s.shapes.title.text: next(sh.chart for sh in s.shapes if sh.has_chart)
              for s in prs.slides if s.shapes.title is not None and any(sh.has_chart for sh in s.shapes)}
    words = section("sv", "survey")
    card = demo.tables["five_is"]
    chart = charts[words["report_five_is_title"]]
    assert list(chart.plots[0].categories) == card["label"].tolist()
    assert list(chart.series[0].values) == pytest.approx(card["mean"].tolist())
    stages = demo.tables["journey_measured"].query("side == 'employee'")
    assert list(charts[words["report_journey_title"]].plots[0].categories) == stages["label"].tolist()
    assert sum("Nyckeldrivare (frågor)" in title for title in charts) == 2  # customers' NPS and eNPS


def test_hidden_employee_figures_stay_out_of_the_new_slides(tmp_path):
    from pptx import Presentation

    from mirrorgap.deliver.deck.build import write_deck

    hidden = demo_results(bootstrap=0, min_n=200)  # more than the demo's 125 employees
    assert hidden.tables["five_is"]["suppressed"].all()
    prs = Presentation(write_deck(hidden, tmp_path / "deck.pptx", run_id="20261207-000000"))
    titles = [s.shapes.title.text for s in prs.slides if s.shapes.title is not None]
    words = section("sv", "survey")
    assert words["report_five_is_title"] not in titles and words["report_journey_title"] not in titles


def test_the_report_breaks_the_indices_down_and_hides_the_small_department(demo):
    from mirrorgap.deliver.report import render_report

    html = render_report(demo, {}, run_id="20261207-000000")
    words = section("sv", "survey")
    assert words["report_index_groups_title"].format(index="Engagemangsindex") in html
    part = html[html.index(words["report_index_groups_title"].format(index="Engagemangsindex")):]
    part = part[: part.index("</table>")]
    row = part[part.index("<td>Ledning</td>"):]
    row = row[: row.index("</tr>")]
    assert section("sv", "chart")["too_few"] in row and not any(ch.isdigit() for ch in row)
