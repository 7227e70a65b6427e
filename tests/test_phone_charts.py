"""Charts for a phone (mirrorgap.render.phone, Panel.narrow): drawn on a narrow figure and re-laid so
that nothing sticks out; on a 390 px screen their smallest text stays legible, where the desktop
drawing scaled down is not. Only the open panel redraws when the page turns narrow, and only if its
charts are pictures: the HTML charts (mirror, item by item) fit any width as drawn
(tests/test_html_charts.py, tests/test_scope_browser.py)."""
import io

import ipywidgets as widgets
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from helpers import demo_aggregates
from mirrorgap.aggregate.views import Filters
from mirrorgap.dashboard.board import Dashboard
from mirrorgap.dashboard.panels.base import DPI, chart_figure
from mirrorgap.render.charts.mirror import mirror_chart
from mirrorgap.render.charts.nps import nps_chart
from mirrorgap.render.phone import MIN_FONT_PT, PHONE_WIDTH, crowded_labels, css_px, fit_for_phone
from mirrorgap.render.style import set_theme
from mirrorgap.render.words import chart_texts

SHOWN_PX = 338  # a chart's width on a 390 px phone behind the host (tests/test_scope_browser.py measures it)
SHOWN_PX_360 = 308  # and on a 360 px one
CHARTS = {0: "overview (NPS)"}  # the tabs whose charts are PNG pictures
HTML_CHARTS = (1, 4)  # mirror, item by item


@pytest.fixture(scope="module")
def demo():
    return demo_aggregates()


@pytest.fixture()
def board(demo):
    widgets.Widget.close_all()
    yield Dashboard.for_views(demo.views)
    widgets.Widget.close_all()


def _width(png: bytes) -> int:
    return Image.open(io.BytesIO(png)).size[0]


def test_phone_charts_are_narrow_and_their_text_legible_at_390_px(board):
    desktop, phone = {}, {}
    for k in CHARTS:
        board.tabs.selected_index = k
        desktop[k] = _width(board.panels[k].image.value)
    board.phone.value = True
    for k in CHARTS:
        board.tabs.selected_index = k
        phone[k] = _width(board.panels[k].image.value)
    for k, what in CHARTS.items():
        # nothing sticks out of the figure (savefig adds 0.1 in of margin each side)
        assert phone[k] <= (PHONE_WIDTH + 0.2) * DPI, (what, phone[k])
        assert css_px(MIN_FONT_PT, dpi=DPI, natural_px=phone[k], shown_px=SHOWN_PX) >= 9.5, what
        assert css_px(MIN_FONT_PT, dpi=DPI, natural_px=phone[k], shown_px=SHOWN_PX_360) >= 9, what
        assert css_px(8.5, dpi=DPI, natural_px=desktop[k], shown_px=SHOWN_PX) < 6, what  # the desktop's notes


def test_only_the_open_panel_redraws_when_the_page_turns_narrow(board):
    board.tabs.selected_index = 0
    before = [p.renders for p in board.panels]
    board.phone.value = True
    after = [p.renders for p in board.panels]
    assert [a - b for a, b in zip(after, before)] == [int(i == 0) for i in range(len(board.panels))]
    assert all(p.narrow for p in board.panels)
    board.phone.value = False
    assert not any(p.narrow for p in board.panels) and _width(board.panels[0].image.value) > 1000


@pytest.mark.parametrize("tab", HTML_CHARTS)
def test_an_html_chart_is_not_redrawn_when_the_page_turns_narrow(board, tab):
    board.tabs.selected_index = tab
    panel = board.panels[tab]
    drawn, renders = panel.chart.value, panel.renders
    board.phone.value = True
    assert panel.narrow and panel.renders == renders and panel.chart.value == drawn
    board.bar.wave = board.views.waves()[0]  # a filter change still redraws it
    assert panel.renders == renders + 1


def test_a_share_too_wide_for_its_bar_is_left_out_on_a_phone(demo):
    set_theme()
    nps = demo.views.nps_table(Filters(wave=demo.views.waves()[-1]))
    fig, ax = chart_figure(PHONE_WIDTH, 3)
    nps_chart(nps, ax=ax, texts=chart_texts("sv", "mean"))
    fit_for_phone(fig)
    assert not crowded_labels(fig)
    shares = {t.get_text(): t.get_visible() for t in ax.texts if t.get_gid() == "share_label"}
    assert [k[:2] for k, shown in shares.items() if not shown] == ["17"]  # the demo's detractors' narrow bar
    assert sum(shares.values()) == len(shares) - 1  # the others stay


def test_fit_for_phone_keeps_every_text_in_the_figure_and_no_smaller(demo):
    set_theme()
    gaps = demo.views.gap_table(Filters(wave=demo.views.waves()[-1]))
    fig, ax = chart_figure(PHONE_WIDTH, 7)
    ct = chart_texts("sv", "mean")
    mirror_chart(gaps, ax=ax, texts={**ct, "title": ct["mirror_title"]}, threshold=5)
    sizes = sorted(t.get_fontsize() for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and
                                                         getattr(a, "get_text", lambda: "")()))
    fit_for_phone(fig)
    box = fig.get_tightbbox(FigureCanvasAgg(fig).get_renderer())
    assert box.x0 >= -0.1 and box.x1 <= PHONE_WIDTH + 0.1, (box.x0, box.x1)  # inches; tight_layout is approximate
    after = sorted(t.get_fontsize() for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and
                                                         getattr(a, "get_text", lambda: "")()))
    assert sizes[0] < MIN_FONT_PT <= after[0]  # the notes grew to the phone's smallest size
    legend = ax.get_legend()
    assert legend._ncols == 2
