"""The overview: respondents per side, NPS and eNPS, how many blind spots and hidden strengths, the
findings in words, and the NPS/eNPS chart."""
from __future__ import annotations

import math

import ipywidgets as widgets

from mirrorgap.aggregate.views import SIDES
from mirrorgap.config.numbers import fmt_count, fmt_number, fmt_percent
from mirrorgap.dashboard.html import findings_html, kpi_card, notes_html
from mirrorgap.dashboard.panels.base import Panel, chart_figure, chart_png
from mirrorgap.render.charts.nps import nps_chart
from mirrorgap.render.style import is_missing

__all__ = ["OverviewPanel"]


class OverviewPanel(Panel):
    """Respondents per side, NPS and eNPS, how many blind spots and hidden strengths, the findings in
    words, and the NPS/eNPS chart."""

    title_key = "tab_overview"

    def __init__(self, views, **kwargs):
        self.cards, self.findings = widgets.HTML(), widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="100%", max_width="980px"))
        super().__init__(views, **kwargs)
        self.children = [self.cards, self.findings, self.image]

    def render(self) -> None:
        t, lang = self.t, self.language
        gaps, nps = self.views.gap_table(self.filters), self.views.nps_table(self.filters)
        self.gaps, self.nps = gaps, nps
        by_side = {r.side: r for r in nps.itertuples()}
        n_items = len(gaps)
        counts = gaps["classification"].value_counts()
        cards = []
        rate = self.views.response_rate(self.filters)  # only beside a shown employee count
        rate_line = None if rate is None else t["kpi_response_rate"].format(
            rate=fmt_percent(rate[1], lang), invited=fmt_count(rate[0], lang))
        for side, key in (("customer", "customers_answered"), ("employee", "employees_answered")):
            n = self.views.respondents(side, self.filters)
            cards.append(kpi_card(t[key], None if math.isnan(n) else fmt_count(n, lang),
                                  rate_line if side == "employee" else None, t=t))
        for side, key in (("customer", "kpi_nps"), ("employee", "kpi_enps")):
            r = by_side.get(side)
            if r is None or is_missing(r.nps):
                cards.append(kpi_card(t[key], None, None, t=t))
            else:
                ci = t["kpi_ci"].format(low=fmt_number(r.ci_low, lang, signed=True),
                                        high=fmt_number(r.ci_high, lang, signed=True))
                cards.append(kpi_card(t[key], fmt_number(r.nps, lang, signed=True), ci, t=t))
        # a selection where no item could be compared has no count of blind spots: "too few", not "0"
        compared = gaps["classification"].isin(["blind_spot", "hidden_strength", "aligned"]).any()
        for cls, key in (("blind_spot", "kpi_blind_spots"), ("hidden_strength", "kpi_hidden_strengths")):
            cards.append(kpi_card(t[key], str(int(counts.get(cls, 0))) if compared else None,
                                  t["kpi_of_items"].format(n=n_items), t=t, css=f"mg-kpi-{cls}"))
        notes = [t[f"{side}s_hidden"] for side in SIDES if gaps[f"{side}_mean"].isna().all()]
        self.cards.value = '<div class="mg-kpis">' + "".join(cards) + "</div>" + notes_html(notes)
        self.findings.value = findings_html(gaps, lang)
        fig, ax = chart_figure(10, 1.6 + 0.72 * 2)
        ct = self.chart_texts()
        nps_chart(nps, ax=ax, texts={**ct, "title": ct["nps_title"]})
        self.image.value = chart_png(fig)
