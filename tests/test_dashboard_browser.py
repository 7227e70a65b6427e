"""The client dashboard as a client gets it: the real `mirrorgap.dashboard.serve` server (Voilà, preheated
kernels) on a fresh demo run, driven by headless Chromium. Widgets render; a filter changes the
charts and numbers; no code, no raw data and no small group reach the browser; the kernel runs no
code sent over its websocket. Screenshots go to tests/_artifacts/dashboard_*.png. The server's
hardening (websockets, Host, kernel caps and ownership) is tested in tests/test_server_hardening.py."""
import re
import time
from types import SimpleNamespace

import pandas as pd
import pytest

from dashboard_server import (
    RUN_ID,
    KernelSocket,
    dashboard_server,
    open_dashboard,
    page_kernel,
    write_demo_run,
)
from dashboard_server import http_get as _get
from helpers import raked_weights
from mirrorgap.config.numbers import fmt_number
from mirrorgap.config.paths import PROJ_ROOT

pytestmark = pytest.mark.browser

CODE_MARKERS = ("forbid_raw_access", "aggregates_from_env", "Dashboard.for_views(", "FilterBar(", "dlink(", "from mirrorgap", "import ",
                "Traceback", 'class="cm-editor', 'class="CodeMirror', 'class="jp-InputArea', "In&nbsp;[",
                "MIRRORGAP_", str(PROJ_ROOT))
FILTERS = ("wave", "unit", "customer_segment", "employee_segment", "touchpoint", "theme")  # dropdown order


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A fresh demo run in a temporary output root, served by `python -m mirrorgap.dashboard.serve serve`."""
    root = tmp_path_factory.mktemp("dashboard_runs")
    results = write_demo_run(root, full=True)
    with dashboard_server(root, "--pool-size", "2") as server:
        server.results = results
        yield server


def pick(page, name: str, label: str) -> None:
    """Choose a filter by its visible label and wait for the dashboard to say it shows it."""
    page.locator(".mg-filter-grid select").nth(FILTERS.index(name)).select_option(label=label)
    page.wait_for_function("(t) => document.querySelector('.mg-selection').textContent.includes(t)", arg=label,
                           timeout=20_000)


def open_tab(page, title: str):
    page.locator(".mg-tabs .lm-TabBar-tab", has_text=title).click()
    panel = page.locator(".mg-panel >> visible=true").first
    panel.wait_for(timeout=20_000)
    return panel


def customer_weights(results, wave: str = "2026"):
    """The wave's customers raked to the demo's `rake_to: Kundtyp` by our own raking (tests/helpers.py)."""
    rows = results.customer.frame[results.customer.frame["wave"] == wave]
    return raked_weights(rows, results.engagement.customer.rake_to)


def raw_gap(results, unit: str, item: str, wave: str = "2026") -> float:
    """An item's gap in one unit straight from the clean rows (employee − customer POMP, the customers'
    mean weighted by the wave's raked weights): the check."""
    scores = []
    for side in (results.customer, results.employee):
        rows = side.frame[(side.frame["wave"] == wave) & (side.frame["unit"] == unit)]
        w = customer_weights(results, wave)[rows.index] if side is results.customer else pd.Series(1.0, index=rows.index)
        ok = rows[item].notna()
        scale = side.scales[item]
        scores.append(((rows[item][ok] * w[ok]).sum() / w[ok].sum() - scale.min) / (scale.max - scale.min) * 100)
    return scores[1] - scores[0]


def kpis(page) -> dict[str, str]:
    cards = page.locator(".mg-kpi")
    return {cards.nth(k).locator(".mg-kpi-label").inner_text(): cards.nth(k).locator(".mg-kpi-value").inner_text()
            for k in range(cards.count())}


@pytest.fixture(scope="module")
def dashboard(browser, server):
    page, response, seconds = open_dashboard(browser, server)
    yield SimpleNamespace(page=page, html=response.text(), seconds=seconds)
    page.close(run_before_unload=True)


def test_dashboard_renders_branded_with_its_widgets(dashboard, server, artifacts):
    page = dashboard.page
    assert page.title() == "Perceptionsgap: Bilgruppen Norden AB (demo)"
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("h1.mg-client").inner_text() == "Bilgruppen Norden AB (demo)"
    logo = page.locator("img.mg-logo")
    assert logo.get_attribute("alt") == "Nordisk Kundinsikt" and logo.evaluate("i => i.naturalWidth") > 100
    assert page.locator(".mg-filter-grid select").count() == 6
    assert page.locator(".mg-tabs .lm-TabBar-tab").all_inner_texts() == [
        "Översikt", "Spegeln", "Gaptabell", "Enheter", "Fråga för fråga", "Hela enkäten"]
    nps = server.results.nps.set_index("side")
    shown = kpis(page)
    assert shown["Kundernas NPS"] == fmt_number(nps.loc["customer", "nps"], "sv", signed=True)
    assert shown["Medarbetarnas eNPS"] == fmt_number(nps.loc["employee", "nps"], "sv", signed=True)
    assert shown["Blinda fläckar"] == str((server.results.gaps["classification"] == "blind_spot").sum())
    body = page.inner_text("body")
    assert "Blinda fläckar — medarbetarna ser sig själva mer positivt än kunderna gör" in body
    assert "Konfidentiellt: för ledningen i Bilgruppen Norden AB (demo)" in body
    page.screenshot(path=str(artifacts / "dashboard_overview.png"), full_page=True)


def test_no_source_code_or_server_path_anywhere_in_the_page(dashboard):
    rendered = dashboard.page.content()
    for text in (dashboard.html, rendered):
        for marker in CODE_MARKERS:
            assert marker not in text, marker


def test_changing_a_filter_changes_the_chart_and_the_numbers(browser, server, artifacts):
    page, _, _ = open_dashboard(browser, server)
    before = kpis(page)
    mirror = open_tab(page, "Spegeln").locator(".mg-chart")
    mirror.wait_for()
    page.screenshot(path=str(artifacts / "dashboard_mirror.png"), full_page=True)
    chart_before, html_before = mirror.screenshot(), mirror.inner_html()
    pick(page, "unit", "Malmö Bulltofta")
    page.wait_for_function("(old) => { const c = [...document.querySelectorAll('.mg-chart')]"
                           ".find(c => c.offsetParent); return c && c.innerHTML !== old; }",
                           arg=html_before, timeout=20_000)
    assert mirror.screenshot() != chart_before
    # the gap the chart prints for Malmö is the one the clean rows give
    shown = mirror.locator(".mg-mc-row[data-item='competence'] .mg-mc-value").inner_text()
    assert shown == fmt_number(raw_gap(server.results, "Malmö Bulltofta", "competence"), "sv", signed=True)
    page.screenshot(path=str(artifacts / "dashboard_mirror_malmo.png"), full_page=True)
    open_tab(page, "Översikt")  # drawn again now that it is shown
    page.wait_for_function("(old) => document.querySelector('.mg-kpi .mg-kpi-value').textContent !== old",
                           arg=before["Kunder har svarat"], timeout=20_000)
    after = kpis(page)
    assert after["Kunder har svarat"] != before["Kunder har svarat"]
    assert after["Kundernas NPS"] != before["Kundernas NPS"]
    customers = server.results.customer.frame
    malmo = customers[(customers["wave"] == "2026") & (customers["unit"] == "Malmö Bulltofta")]
    scores = malmo["nps"].dropna()
    w = customer_weights(server.results)[scores.index]  # weighted NPS: the customers are raked
    expected_nps = 100 * (w[scores >= 9].sum() - w[scores <= 6].sum()) / w.sum()
    assert after["Kundernas NPS"] == fmt_number(expected_nps, "sv", signed=True)
    open_tab(page, "Enheter")
    page.wait_for_selector(".mg-heatmap >> visible=true", timeout=20_000)
    assert "Här visas alla enheter" in page.inner_text(".mg-panel >> visible=true")
    units = sorted(customers["unit"].unique())
    assert page.locator(".mg-heatmap thead th").all_inner_texts()[3:] == units
    gothenburg = 3 + units.index("Göteborg Hisingen")  # item name, "all", gutter, then the units
    gap = raw_gap(server.results, "Göteborg Hisingen", "competence")
    row = page.locator(".mg-heatmap tbody tr", has_text="Kunnig personal")
    assert row.locator("th, td").nth(gothenburg).inner_text() == fmt_number(gap, "sv", signed=True)
    page.screenshot(path=str(artifacts / "dashboard_units.png"), full_page=True)
    page.close(run_before_unload=True)


def test_small_department_reads_too_few_answers_and_its_figures_are_nowhere(browser, server, artifacts):
    employees = server.results.employee.frame
    small = employees[(employees["wave"] == "2026") & (employees["avdelning"] == "Ledning")]
    assert 0 < len(small) < 5
    scales = server.results.employee.scales
    means = {i.id: (small[i.id].mean() - scales[i.id].min) / (scales[i.id].max - scales[i.id].min) * 100
             for i in server.results.employee.items}
    enps = 100 * ((small["nps"] >= 9).mean() - (small["nps"] <= 6).mean())

    page, _, _ = open_dashboard(browser, server)
    pick(page, "employee_segment", "Avdelning: Ledning")
    page.wait_for_function("() => [...document.querySelectorAll('.mg-kpi')].some(k => "
                           "k.textContent.includes('eNPS') && k.textContent.includes('för få svar'))", timeout=20_000)
    shown = kpis(page)
    assert shown["Medarbetarnas eNPS"] == "för få svar" and shown["Medarbetare har svarat"] == "för få svar"
    assert fmt_number(enps, "sv", signed=True) not in page.inner_text(".mg-kpis")

    table = open_tab(page, "Gaptabell")
    rows = table.locator("table.mg-table tbody tr")
    rows.first.wait_for()
    assert rows.count() == 11
    employee_column = [rows.nth(k).locator("td").nth(3).inner_text() for k in range(11)]
    assert employee_column == ["för få svar"] * 11
    assert [rows.nth(k).locator("td").nth(6).inner_text() for k in range(11)] == ["För få svar"] * 11
    assert not any(fmt_number(m, "sv") in " ".join(employee_column) for m in means.values())
    page.screenshot(path=str(artifacts / "dashboard_ledning_table.png"), full_page=True)

    item = open_tab(page, "Fråga för fråga")
    item.locator(".mg-item-stats").wait_for()
    item.locator(".mg-chart").wait_for()
    assert "Medarbetare: för få svar" in item.inner_text().replace("\n", " ")
    assert "Medarbetare: för få svar" in item.locator(".mg-chart-legend").inner_text().replace("\xa0", " ")
    assert item.locator(".mg-chart rect[data-side='employee']").count() == 0
    page.screenshot(path=str(artifacts / "dashboard_item.png"), full_page=True)

    text = re.sub(r"\s+", " ", page.inner_text("body"))
    assert f"n = {len(small)}" not in text and "n = 3" not in text
    page.close(run_before_unload=True)


def test_leaving_the_page_shuts_its_kernel_down(browser, server):
    """Voilà's leave-the-page beacon carries the _xsrf cookie, which its own page never sets (a 403, and
    the viewer's kernel stays until culled); the branded template sets one."""
    page, _, _ = open_dashboard(browser, server)
    used = re.findall(r"Using pre-heated kernel: ([0-9a-f-]+)", server.log.read_text())[-1]
    page.goto("about:blank")
    deadline = time.time() + 20
    while f"Kernel shutdown: {used}" not in server.log.read_text() and time.time() < deadline:
        time.sleep(0.3)
    log = server.log.read_text()
    assert f"Kernel shutdown: {used}" in log and "'_xsrf' argument missing" not in log
    page.close()


def test_raw_data_params_notebooks_and_listings_are_not_served(server):
    paths = ["/voila/files/data/demo/customers.csv", "/voila/files/../data/demo/customers.csv",
             "/voila/files/%2e%2e/params/demo.yaml", "/voila/files/dashboard.ipynb", "/voila/files/engagement.ipynb",
             "/voila/files/", "/files/data/demo/customers.csv", "/files/params/demo.yaml", "/data/demo/customers.csv",
             "/params/demo.yaml", "/tree", "/voila/tree", "/api/contents", "/api/contents/data",
             "/voila/api/contents", "/notebooks/dashboard.ipynb", "/notebooks/engagement.ipynb",
             "/voila/render/engagement.ipynb", "/api/kernels", "/api/sessions", "/lab", "/terminals/1",
             "/voila/static/../../../../params/demo.yaml",
             "/voila/templates/mirrorgap/static/../../../../../../params/demo.yaml",
             f"/voila/files/{server.root}/demo/{RUN_ID}/gaps.csv"]
    secrets = ("Respondent-ID", "scrub_names", "forbid_raw_access", "customers.csv\"", "employees.xlsx\"",
               "demo.yaml\"", "Anläggning;", "\"cells\"")
    for path in paths:
        status, body = _get(server.port, path)
        # Voilà's template file handler answers a path that climbs out of "static/" with a bare 500
        # (an assert in it): no content, no traceback
        allowed = (403, 404, 405, 500) if path.startswith("/voila/templates/") else (403, 404, 405)
        assert status in allowed, (path, status)
        assert not any(s in body for s in secrets) and "Traceback" not in body, path


def test_execute_request_over_the_kernel_websocket_runs_nothing(dashboard, server, tmp_path):
    kernel_id, cookie = page_kernel(dashboard.page)
    marker = tmp_path / "executed.txt"
    ws = KernelSocket(server.port, kernel_id, cookie=cookie)  # as the page connects: its cookies, v1
    code = f"open({str(marker)!r}, 'w').write('ran')\nimport os; os.system('touch {marker}')"
    executed = ws.send("shell", "execute_request", {"code": code, "silent": False, "store_history": False,
                                                    "user_expressions": {}, "allow_stdin": False,
                                                    "stop_on_error": True})
    info = ws.send("shell", "kernel_info_request", {})
    got = ws.receive(10, until=lambda m: m["parent_header"].get("msg_id") == info
                     and m["header"]["msg_type"] == "kernel_info_reply")
    got += ws.receive(2)  # anything the execute caused
    ws.close()
    replies = [(m["parent_header"].get("msg_id"), m["header"]["msg_type"]) for m in got]
    assert (info, "kernel_info_reply") in replies  # the channel works: only execution is refused
    assert not [t for parent, t in replies if parent == executed]
    time.sleep(0.5)
    assert not marker.exists()


def test_dashboard_prints_as_a_document(dashboard, artifacts):
    page = dashboard.page
    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts / "dashboard_print.png"), full_page=True)
    assert page.locator(".mg-filter-grid").evaluate("e => getComputedStyle(e).display") == "none"
    assert page.locator(".mg-footer").is_visible() and page.locator(".mg-header").is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    (artifacts / "dashboard.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    assert pdf.startswith(b"%PDF") and 1 <= pages <= 3
    page.emulate_media(media="screen")


def test_whole_survey_tab_shows_the_journeys_and_the_5_is_and_hides_a_small_group(browser, server, artifacts):
    """The whole survey from the aggregates: the employee journey, the 5 I's, the customer journey and
    the indices; the small department reads "för få svar" in the employee sections."""
    page, _, _ = open_dashboard(browser, server)
    panel = open_tab(page, "Hela enkäten")
    page.locator(".mg-survey").first.wait_for(timeout=20_000)
    text = panel.inner_text()
    for heading in ("Medarbetarresan, steg för steg", "De 5 I:na", "Kundresan, kontaktpunkt för kontaktpunkt"):
        assert heading in text
    assert page.locator(".mg-survey").count() == 4 and "för få svar" not in text
    page.screenshot(path=str(artifacts / "dashboard_survey.png"), full_page=True)
    pick(page, "employee_segment", "Avdelning: Ledning")
    page.wait_for_function("() => [...document.querySelectorAll('.mg-survey')].slice(0, 2)"
                           ".every(t => t.textContent.includes('för få svar'))", timeout=20_000)
    page.screenshot(path=str(artifacts / "dashboard_survey_ledning.png"), full_page=True)
    page.close(run_before_unload=True)
