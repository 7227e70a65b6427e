"""Who answered: the employees' response rate per wave — all employees, then each unit and department
the headcount counts — from `analyse.design.response_rates`.

A rate and the public number invited give the number who answered, so a rate is drawn only where the
table shows the group's respondent count (the audited decision of the aggregates); a hidden group is
named in the note, with no number. The unit × department cells stay in the workbook (too many bars).
"""
from __future__ import annotations

import pandas as pd

from mirrorgap.config.numbers import fmt_count
from mirrorgap.deliver.deck.charts.bars import add_bar_chart
from mirrorgap.deliver.deck.furniture import Deck
from mirrorgap.deliver.number_formats import percent_of_100
from mirrorgap.render.style import HOUSE_COLORS

__all__ = ["response_rate_slides"]


def _subtitle(deck: Deck, wave: str, total: pd.DataFrame) -> str:
    """"All employees: 83 % (125 of 151 invited) · wave 2026"; the total's figures only where shown."""
    everyone = deck.t["trends"]["all_employees"]
    if total.empty:
        text = deck.d["rate_subtitle"]
    elif bool(total["suppressed"].iloc[0]):
        text = f"{everyone}: {deck.t['chart']['too_few']}"
    else:
        r = total.iloc[0]
        text = deck.d["rate_total"].format(group=everyone, rate=deck.t["chart"]["percent"].format(r.response_rate),
                                           responded=fmt_count(r.responded, deck.lang),
                                           invited=fmt_count(r.invited, deck.lang))
    return f"{text} · {deck.t['report']['wave']} {wave}" if wave else text


def response_rate_slides(deck: Deck) -> None:
    """One slide per wave of the response-rate table: a bar per shown group (the rate, and the
    answered of invited in its label), the groups' dimension beside them when there are two."""
    rates = deck.table("response_rates")
    if rates is None:
        return
    rates = rates[rates["by2"] == ""]
    for wave, part in rates.groupby("wave", sort=False):
        groups = part[part["by"] != ""]
        shown, hidden = groups[~groups["suppressed"].astype(bool)], groups[groups["suppressed"].astype(bool)]
        names = [f"{deck.breakdown(by)}: {', '.join(g['group'])}" for by, g in hidden.groupby("by", sort=False)]
        note = deck.d["rate_hidden"].format(groups="; ".join(names)) if names else None
        slide = deck.content_slide(deck.d["rate_title"], _subtitle(deck, str(wave), part[part["by"] == ""]), note=note)
        if shown.empty:
            continue
        labels = [deck.d["rate_category"].format(group=r.group, responded=fmt_count(r.responded, deck.lang),
                                                 invited=fmt_count(r.invited, deck.lang)) for r in shown.itertuples()]
        two_levels = shown["by"].nunique() > 1
        add_bar_chart(slide, deck.chart_box(), labels,
                      [(deck.t["side"]["employee"], shown["response_rate"].tolist(), HOUSE_COLORS["employee"])],
                      font=deck.font, fmt=percent_of_100(deck.t), minimum=0, maximum=100, major=20, legend=False,
                      gap_width=50, overlap=0,
                      groups=[deck.breakdown(by) for by in shown["by"]] if two_levels else None)
