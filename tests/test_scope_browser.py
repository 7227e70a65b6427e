"""The demo served with $MIRRORGAP_SCOPE_UNIT to headless Chromium at a phone's width (390 × 844): the
page shows the manager's unit and the company total only, every tab fits the screen, and the charts
are legible on the phone: the picture charts are drawn for it (their smallest text at least 9 CSS px,
where a desktop drawing scaled down shows it at 4), the HTML charts (mirror, item by item) lay
themselves out for its width with their text in CSS px. Screenshots of each tab at 390 px and at
desktop width go to tests/_artifacts/scope_*.png."""
import pytest

from dashboard_server import dashboard_server, write_demo_run
from mirrorgap.dashboard.panels.base import DPI
from mirrorgap.render.phone import MIN_FONT_PT, css_px

pytestmark = pytest.mark.browser

SCOPE = "Malmö Bulltofta"
TABS = ["Översikt", "Spegeln", "Gaptabell", "Enheter", "Fråga för fråga"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("scope_runs")
    write_demo_run(root)
    with dashboard_server(root, "--pool-size", "1", env={"MIRRORGAP_SCOPE_UNIT": SCOPE}) as server:
        yield server


def _open(browser, server, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(server.url)
    page.wait_for_selector(".mg-kpis .mg-kpi-value", timeout=60_000)
    return page


PHONE_PNG = "i.naturalWidth < 700"  # a phone drawing: 4.3 in at DPI (a desktop one is 1200-1500 px)
HTML_CHART_TABS = ("Spegeln", "Fråga för fråga")


def _tab(page, title, drawn="i.naturalWidth > 600"):
    page.locator(".mg-tabs .lm-TabBar-tab", has_text=title).click()
    page.locator(".mg-panel >> visible=true").first.wait_for(timeout=20_000)
    if title in HTML_CHART_TABS:
        page.locator(".mg-chart >> visible=true").first.wait_for(timeout=20_000)
    page.wait_for_function("() => [...document.querySelectorAll('.mg-panel img')].filter(i => i.offsetParent)"
                           f".every(i => i.complete && i.naturalWidth > 0 && {drawn})", timeout=30_000)
    page.wait_for_timeout(300)  # the panel's HTML widgets arrive with the same update


def _boxes_apart(boxes):
    for k, a in enumerate(boxes):
        for b in boxes[k + 1:]:
            apart = (a["x"] + a["width"] <= b["x"] + 0.5 or b["x"] + b["width"] <= a["x"] + 0.5
                     or a["y"] + a["height"] <= b["y"] + 0.5 or b["y"] + b["height"] <= a["y"] + 0.5)
            assert apart, (a, b)


def test_a_manager_sees_only_their_unit_and_the_phone_layout_fits(browser, server, artifacts):
    from helpers import demo_aggregates

    others = [u for u in demo_aggregates().meta["groups"]["employee"]["unit"] if u != SCOPE]
    page = _open(browser, server, 390, 844)
    units = page.locator(".mg-filter-grid select").nth(1).locator("option").all_inner_texts()
    units = [u.replace("\xa0", " ") for u in units]  # the dropdown shows spaces as no-break spaces
    assert units[1:] == [SCOPE] and len(units) == 2
    charts = 0
    for title in TABS:
        _tab(page, title, PHONE_PNG)
        html = page.content().replace("\xa0", " ").replace("&nbsp;", " ")
        assert not [u for u in others if u in html], title
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), title
        for img in page.locator(".mg-panel img >> visible=true").all():
            box = img.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390 + 0.5 and box["width"] > 300, title
            natural = img.evaluate("i => i.naturalWidth")
            smallest = css_px(MIN_FONT_PT, dpi=DPI, natural_px=natural, shown_px=box["width"])
            assert smallest >= 9, (title, natural, box["width"], smallest)
            charts += 1
        for chart in page.locator(".mg-chart >> visible=true").all():  # HTML charts: laid out for 390 px
            box = chart.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390 + 0.5 and box["width"] > 300, title
            plots = chart.evaluate("c => [...c.querySelectorAll('svg, .mg-chart-tick, .mg-ad-share')]"
                                   ".map(e => e.getBoundingClientRect()).map(r => [r.left, r.right])")
            assert plots and all(left >= 0 and right <= 390 for left, right in plots), title
            smallest = chart.evaluate("c => Math.min(...[...c.querySelectorAll('*')].filter(e => e.offsetParent && "
                                      "[...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))"
                                      ".map(e => parseFloat(getComputedStyle(e).fontSize)))")
            assert smallest >= 9, (title, smallest)
            charts += 1
        sizes = page.evaluate("() => [...document.querySelectorAll('body *')].filter(e => e.offsetParent &&"
                              " [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))"
                              ".map(e => parseFloat(getComputedStyle(e).fontSize))")
        assert sizes and min(sizes) >= 12, (title, page.evaluate("() => [...document.querySelectorAll('body *')].filter(e => e.offsetParent && parseFloat(getComputedStyle(e).fontSize) < 12 && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())).map(e => e.className).slice(0, 5)"))
        page.screenshot(path=str(artifacts / f"scope_phone_{TABS.index(title)}.png"), full_page=True)
    assert charts >= 3  # overview (picture), mirror and item by item (HTML)
    selects = page.locator(".mg-filter-grid select")
    boxes = [selects.nth(k).bounding_box() for k in range(selects.count())]
    assert all(b["width"] > 0 and b["x"] >= 0 and b["x"] + b["width"] <= 390 for b in boxes)
    _boxes_apart(boxes)
    tabs = [t.bounding_box() for t in page.locator(".mg-tabs .lm-TabBar-tab").all()]
    _boxes_apart(tabs)
    assert all(t["height"] > 0 for t in tabs)
    assert SCOPE in page.inner_text(".mg-heatmap") if page.locator(".mg-heatmap").count() else True
    page.close(run_before_unload=True)


def test_a_phone_turned_sideways_gets_desktop_charts_again(browser, server):
    """The page tells the kernel when it narrows or widens: the picture charts are redrawn for the new
    width (the overview's NPS chart); an HTML chart is not redrawn, the browser lays it out again."""
    page = _open(browser, server, 390, 844)
    _tab(page, TABS[0], PHONE_PNG)
    page.set_viewport_size({"width": 1100, "height": 800})
    _tab(page, TABS[0], "i.naturalWidth > 1000")
    page.set_viewport_size({"width": 390, "height": 844})
    _tab(page, TABS[0], PHONE_PNG)
    _tab(page, TABS[1])
    narrow = page.locator(".mg-chart-label >> visible=true").first.bounding_box()["width"]
    page.set_viewport_size({"width": 1100, "height": 800})
    page.wait_for_timeout(300)
    assert page.locator(".mg-chart-label >> visible=true").first.bounding_box()["width"] > 2 * narrow
    page.close(run_before_unload=True)


def test_the_scoped_board_at_desktop_width(browser, server, artifacts):
    page = _open(browser, server, 1280, 900)
    for title in TABS:
        _tab(page, title)
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), title
        for img in page.locator(".mg-panel img >> visible=true").all():  # desktop drawings, not phone ones
            assert img.evaluate("i => i.naturalWidth") > 1000, title
        page.screenshot(path=str(artifacts / f"scope_desktop_{TABS.index(title)}.png"), full_page=True)
    page.close(run_before_unload=True)
