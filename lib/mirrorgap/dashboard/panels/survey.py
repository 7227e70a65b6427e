"""The whole survey ("Hela enkäten"): the employee journey measured by stage, the 5 I's scorecard, the
customer journey by touchpoint and the indices — each step's score with its 95 % CI and respondents,
from the anonymised aggregates (`aggregate.survey.step_table`), following the filters; a step the
aggregates hide reads "too few answers" and shows no n."""
from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from mirrorgap.aggregate.survey import step_table
from mirrorgap.config.numbers import fmt_count, fmt_number
from mirrorgap.config.texts import section
from mirrorgap.dashboard.html import notes_html
from mirrorgap.dashboard.panels.base import Panel

__all__ = ["SurveyPanel", "step_table_html"]

SECTIONS = (("stage", "survey_stages_heading"), ("five_i", "survey_five_is_heading"),
            ("touchpoint", "survey_touchpoints_heading"), ("index", "survey_indices_heading"))


def step_table_html(table: pd.DataFrame, language: str, *, with_side: bool = False) -> str:
    """One kind's steps as an HTML table: name, a bar of the score, the score, its CI and respondents;
    "too few answers" (and no n) where suppressed. Every text escaped."""
    t, w, sides = section(language, "dashboard"), section(language, "survey"), section(language, "side")
    f = lambda v: fmt_number(v, language)  # noqa: E731
    rows = []
    for r in table.itertuples():
        side = f'<td>{html.escape(sides[r.side])}</td>' if with_side else ""
        if r.suppressed:
            figures = (f'<td></td><td class="mg-num" colspan="3"><span class="mg-too-few">'
                       f'{html.escape(t["too_few"])}</span></td>')
        else:
            width = max(0.0, min(100.0, float(r.mean)))
            bar = (f'<div style="background:var(--mg-line,#e5e7eb);height:10px;border-radius:5px">'
                   f'<div style="background:var(--mg-primary,#1f4e79);height:10px;width:{width:.1f}%;'
                   f'border-radius:5px"></div></div>')
            ci = t["ci_range"].format(low=f(r.ci_low), high=f(r.ci_high)) if pd.notna(r.ci_low) else "–"
            figures = (f'<td>{bar}</td><td class="mg-num">{f(r.mean)}</td>'
                       f'<td class="mg-num mg-ci">{ci}</td><td class="mg-num">{fmt_count(r.n, language)}</td>')
        rows.append(f'<tr><td class="mg-item">{html.escape(str(r.label))}</td>{side}{figures}</tr>')
    headings = [w["report_col_name"]] + ([w["report_col_side"]] if with_side else []) + [
        "", w["report_col_score"], w["report_col_ci"], w["report_col_n"]]
    numeric = set(range(len(headings) - 3, len(headings)))
    widths = ([26, 12] if with_side else [38]) + [28, 10, 14, 10]  # % of the width: the bars line up across tables
    head = "".join(f'<th class="mg-num" style="width:{w}%">{html.escape(h)}</th>' if i in numeric
                   else f'<th style="width:{w}%">{html.escape(h)}</th>' for i, (h, w) in enumerate(zip(headings, widths)))
    return (f'<table class="mg-table mg-survey" style="table-layout:fixed"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


class SurveyPanel(Panel):
    """The employee journey by stage, the 5 I's, the customer journey by touchpoint and the indices."""

    title_key = "tab_survey"

    def __init__(self, views, **kwargs):
        self.note, self.body = widgets.HTML(), widgets.HTML(layout=widgets.Layout(width="100%"))
        super().__init__(views, **kwargs)
        self.children = [self.note, self.body]

    def render(self) -> None:
        t, lang = self.t, self.language
        self.tables = {kind: step_table(self.views, self.filters, kind) for kind, _ in SECTIONS}
        shown = [(kind, key) for kind, key in SECTIONS if len(self.tables[kind])]
        if not shown:
            self.note.value, self.body.value = notes_html([t["survey_none"]]), ""
            return
        self.note.value = notes_html([t["survey_intro"].format(min_n=self.views.analysis.min_n)])
        self.body.value = "".join(
            f'<h3 class="mg-h3">{html.escape(t[key])}</h3>'
            + step_table_html(self.tables[kind], lang, with_side=kind == "index") for kind, key in shown)
