"""A manager's scoped dashboard ($MIRRORGAP_SCOPE_UNIT): their unit and the company total, nothing of
other units, and every figure one the full, audited publication already shows."""
import itertools
import json

import ipywidgets as widgets
import numpy as np
import pandas as pd
import pytest
from ipywidgets.widgets.widget import _instances

from helpers import demo_aggregates
from mirrorgap.aggregate.store import write_aggregates
from mirrorgap.aggregate.views import SIDES, Filters, UnknownScope, scoped_views
from mirrorgap.analyse.scores import scored_side
from mirrorgap.dashboard.board import Dashboard
from mirrorgap.dashboard.serve import ENV_AGGREGATES, ENV_SCOPE_UNIT, aggregates_from_env
from mirrorgap.errors import DashboardError
from test_attacker import attack_run

SCOPE = "Malmö Bulltofta"


@pytest.fixture(scope="module")
def demo():
    return demo_aggregates()


@pytest.fixture(scope="module")
def others(demo):
    units = set(demo.meta["groups"]["customer"]["unit"]) | set(demo.meta["groups"]["employee"]["unit"])
    assert SCOPE in units and len(units) > 2
    return sorted(units - {SCOPE})


def _all_states(widget) -> str:
    """Every widget model's state the kernel would send the browser, as one text."""
    return json.dumps([w.get_state() for w in _instances.values()], ensure_ascii=False, default=str)


def test_the_scoped_board_names_no_other_unit_anywhere(demo, others):
    widgets.Widget.close_all()
    board = Dashboard.for_views(scoped_views(demo.views, SCOPE))
    for k in range(len(board.panels)):  # every tab drawn, then the unit picked and every tab again
        board.tabs.selected_index = k
    board.bar.unit = SCOPE
    for k in range(len(board.panels)):
        board.tabs.selected_index = k
    units = board.bar.controls["unit"].options
    assert [v for _, v in units] == ["", SCOPE]
    assert set(board.panels[3].table["group"]) == {SCOPE}
    state = _all_states(board)
    assert SCOPE in state
    for unit in others:
        assert unit not in state, unit
    widgets.Widget.close_all()


def test_the_full_board_does_name_the_other_units(demo, others):
    """The check above can fail: unscoped, the same state names them."""
    widgets.Widget.close_all()
    board = Dashboard.for_views(demo.views)
    board.tabs.selected_index = 3
    state = _all_states(board)
    assert all(unit in state for unit in others)
    widgets.Widget.close_all()


def _combinations(views):
    meta = views.meta
    segments = {side: [None] + [(d, g) for d in meta["dimensions"][side] if d != "unit"
                                for g in meta["groups"][side].get(d, [])] for side in SIDES}
    units = [None] + list(meta["groups"]["employee"]["unit"])
    for wave, unit, cs, es in itertools.product(views.waves(), units, segments["customer"], segments["employee"]):
        yield Filters(wave=wave, unit=unit, customer_segment=cs, employee_segment=es)
    for item in views.items:  # the item filters only pick rows: each once, on the totals
        yield Filters(wave=views.waves()[-1], unit=SCOPE, touchpoint=item.touchpoint)
        yield Filters(wave=views.waves()[-1], unit=SCOPE, theme=item.theme)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def test_every_figure_the_scoped_board_can_show_is_a_figure_of_the_full_view(demo):
    full, scoped = demo.views, scoped_views(demo.views, SCOPE)
    combos = list(_combinations(scoped))
    assert len(combos) > 100 and {f.unit for f in combos} == {None, SCOPE}
    shown = 0
    for f in combos:
        mine, theirs = scoped.gap_table(f), full.gap_table(f)
        _same(mine, theirs)
        _same(scoped.nps_table(f), full.nps_table(f))
        for side in SIDES:
            a, b = scoped.respondents(side, f), full.respondents(side, f)
            assert a == b or (np.isnan(a) and np.isnan(b))
            for item in scoped.items:
                d = scoped.distribution(item.id, side, f)
                e = full.distribution(item.id, side, f)
                assert (d is None) == (e is None)
                if d is not None:
                    _same(d, e)
        grid = scoped.unit_gaps(f)
        whole = full.unit_gaps(f)
        _same(grid, whole[whole["group"] == SCOPE])
        shown += int(mine["gap"].notna().sum())
    assert shown > 0  # not all hidden: the comparison compared figures


def test_another_units_filter_finds_nothing_in_scope(demo, others):
    scoped, full = scoped_views(demo.views, SCOPE), demo.views
    f = Filters(wave=scoped.waves()[-1], unit=others[0])
    assert full.gap_table(f)["gap"].notna().any()
    assert scoped.gap_table(f)["gap"].isna().all() and scoped.nps_table(f)["nps"].isna().all()
    assert np.isnan(scoped.respondents("employee", f))


def test_no_scope_is_the_company_and_an_unknown_unit_is_refused(demo, tmp_path, monkeypatch, capfd):
    write_aggregates(demo.counts, demo.meta, tmp_path)
    monkeypatch.setenv(ENV_AGGREGATES, str(tmp_path / "aggregates"))
    for empty in (None, "", "  "):
        if empty is None:
            monkeypatch.delenv(ENV_SCOPE_UNIT, raising=False)
        else:
            monkeypatch.setenv(ENV_SCOPE_UNIT, empty)
        views = aggregates_from_env()
        assert views.scope is None and len(views.meta["groups"]["employee"]["unit"]) > 2
    monkeypatch.setenv(ENV_SCOPE_UNIT, SCOPE)
    assert aggregates_from_env().scope == SCOPE
    monkeypatch.setenv(ENV_SCOPE_UNIT, "Malmö")
    with pytest.raises(DashboardError, match="MIRRORGAP_SCOPE_UNIT.*'Malmö' is not a unit.*fix the account"):
        aggregates_from_env()
    assert "dashboard refused" in capfd.readouterr().err
    with pytest.raises(UnknownScope):
        scoped_views(demo.views, "Nowhere")


def test_the_attacker_recovers_nothing_from_what_a_manager_sees(demo, others):
    """The manager's publication: the company total, every company-wide segment and their own unit
    (with its crossings); every other unit's cell is to them hidden. The attacker sets up the same
    equations and must pin no small group's figure."""
    counts = demo.counts.copy()
    other = (counts["dimension"] == "unit") & counts["group"].astype(str).isin(others)
    assert other.any()
    counts.loc[other, "suppressed"] = True
    employee = scored_side(demo.employee, demo.engagement)  # the truth of the whole survey's scores too
    assert attack_run(counts, demo.meta, [employee], min_n=demo.engagement.analysis.min_n) == []
