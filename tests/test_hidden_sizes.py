"""No exact n of a hidden group: breakdown tables leave the size of a suppressed employee group empty."""
from __future__ import annotations

import pytest

from helpers import demo_results


@pytest.fixture(scope="module")
def strict():
    return demo_results(min_n=121, bootstrap=0)  # a minimum that hides some items and groups of the demo


def test_a_hidden_journey_groups_size_is_not_shown(strict):
    journeys = strict.tables["journeys"]
    hidden = journeys[journeys["suppressed"].astype(bool)]
    assert len(hidden) and hidden["employee_n"].isna().all()
    assert journeys.loc[~journeys["suppressed"].astype(bool), "employee_n"].notna().all()


def test_a_hidden_waves_size_is_not_shown_in_the_trends(strict):
    trends = strict.tables["trends"]
    rows = trends[(trends["kind"] == "item_change") & (trends["side"] == "employee")]
    hidden = rows[rows["mean_to"].isna() | rows["mean_from"].isna()]
    assert len(hidden)
    assert (hidden["mean_to"].isna() <= hidden["n_to"].isna()).all()
    assert (hidden["mean_from"].isna() <= hidden["n_from"].isna()).all()
