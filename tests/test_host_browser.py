"""The host in Debian's headless Chromium, two clients (demo in Swedish, nordbank in Norwegian) on one
host: the branded login page, a wrong password refused, login, the dashboard renders under /demo/, the
other client's path sends back to its own login, the other client's kernel ids are refused over HTTP
and websocket (from inside the logged-in page, as an attacker's script would try), a manager sees
only their unit and cannot reach the company-wide server's kernels, logout ends the session.
Screenshots go to tests/_artifacts/host_*.png."""
from __future__ import annotations

import pytest

from dashboard_server import page_kernel
from test_host import PASSWORD, host  # noqa: F401 - the module's fixture

pytestmark = pytest.mark.browser

V1 = "v1.kernel.websocket.jupyter.org"
SCOPE = "Malmö Bulltofta"
# a websocket opened by the page's own script: "open" or "refused" (closed before it opened)
SOCKET = """([url, protocol]) => new Promise(done => {
    const ws = new WebSocket(url, [protocol]);
    ws.onopen = () => { done("open"); ws.close(); };
    ws.onclose = () => done("refused");
    setTimeout(() => done("timeout"), 20000);
})"""


def _login(browser, base, client, user, password=PASSWORD, *, width=1280, height=900):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{base}/{client}/")
    assert page.url.endswith(f"/{client}/login")
    page.fill("input[name=user]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    return page


def _status(page, url, method="GET"):
    return page.evaluate("([u, m]) => fetch(u, {method: m, credentials: 'same-origin'}).then(r => r.status)",
                         [url, method])


def test_login_dashboard_other_client_and_logout(host, browser, artifacts):  # noqa: F811
    base = f"http://127.0.0.1:{host.port}"
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{base}/demo/")
    assert page.url.endswith("/demo/login")
    assert page.locator("html").get_attribute("lang") == "sv" and "Logga in" in page.content()
    page.screenshot(path=str(artifacts / "host_login_demo.png"))
    page.fill("input[name=user]", "anna")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    assert "Fel användarnamn eller lösenord" in page.inner_text(".mg-login-message")
    page.screenshot(path=str(artifacts / "host_login_wrong.png"))
    page.fill("input[name=user]", "anna")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(".mg-kpis .mg-kpi-value", timeout=90_000)
    assert page.inner_text(".mg-logout") == "Logga ut"
    page.screenshot(path=str(artifacts / "host_dashboard.png"))
    other = page.context.new_page()  # a second tab of the same browser, logged in at demo
    other.goto(f"{base}/nordbank/")
    assert other.url.endswith("/nordbank/login") and "Logg inn" in other.content()
    other.screenshot(path=str(artifacts / "host_login_nordbank.png"))
    page.click(".mg-logout")  # the dashboard's header link, in the engagement language
    page.wait_for_url(f"{base}/demo/login")
    other.goto(f"{base}/demo/")
    assert other.url.endswith("/demo/login")
    page.context.close()


def test_a_user_of_one_client_cannot_reach_the_other_clients_kernels(host, browser):  # noqa: F811
    base, ws_base = f"http://127.0.0.1:{host.port}", f"ws://127.0.0.1:{host.port}"
    ola = _login(browser, base, "nordbank", "ola")
    ola.wait_for_selector(".mg-kpis .mg-kpi-value", timeout=90_000)
    theirs, _ = page_kernel(ola)
    anna = _login(browser, base, "demo", "anna")
    anna.wait_for_selector(".mg-kpis .mg-kpi-value", timeout=90_000)
    mine, _ = page_kernel(anna)
    assert mine and theirs and mine != theirs
    # anna's own kernel, from her page: HTTP and websocket work
    assert _status(anna, f"{base}/demo/api/kernels/{mine}") == 200
    assert anna.evaluate(SOCKET, [f"{ws_base}/demo/api/kernels/{mine}/channels?session_id=a", V1]) == "open"
    # nordbank's kernel, at nordbank's path (no session there) and at her own path (another server)
    for url in (f"{base}/nordbank/api/kernels/{theirs}", f"{base}/demo/api/kernels/{theirs}"):
        assert _status(anna, url) in (403, 404), url
        assert _status(anna, url, "DELETE") in (403, 404), url
    for path in ("nordbank", "demo"):
        url = f"{ws_base}/{path}/api/kernels/{theirs}/channels?session_id=b"
        assert anna.evaluate(SOCKET, [url, V1]) == "refused", url
    # ola's kernel is alive and his: the attempts did nothing to it
    assert _status(ola, f"{base}/nordbank/api/kernels/{theirs}") == 200
    anna.context.close()
    ola.context.close()


def test_a_manager_sees_one_unit_and_cannot_reach_the_company_view(host, browser, artifacts):  # noqa: F811
    from helpers import demo_aggregates

    others = [u for u in demo_aggregates().meta["groups"]["employee"]["unit"] if u != SCOPE]
    base, ws_base = f"http://127.0.0.1:{host.port}", f"ws://127.0.0.1:{host.port}"
    anna = _login(browser, base, "demo", "anna")
    anna.wait_for_selector(".mg-kpis .mg-kpi-value", timeout=90_000)
    company, _ = page_kernel(anna)
    maja = _login(browser, base, "demo", "maja", width=390, height=844)
    maja.wait_for_selector(".mg-kpis .mg-kpi-value", timeout=90_000)
    units = [u.replace("\xa0", " ") for u in
             maja.locator(".mg-filter-grid select").nth(1).locator("option").all_inner_texts()]
    assert units[1:] == [SCOPE]
    maja.locator(".mg-tabs .lm-TabBar-tab", has_text="Enheter").click()
    maja.wait_for_selector(".mg-heatmap", timeout=30_000)
    html = maja.content().replace("\xa0", " ").replace("&nbsp;", " ")
    assert SCOPE in html and not [u for u in others if u in html]
    # two columns (the company and her unit) fit a phone without scrolling, the page nor the table
    assert maja.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert maja.evaluate("(s => s.scrollWidth <= s.clientWidth)(document.querySelector('.mg-heatmap-scroll'))")
    maja.screenshot(path=str(artifacts / "host_manager_phone.png"), full_page=True)
    # the company-wide server's kernel (anna's): not reachable from maja's session, HTTP or websocket
    assert _status(maja, f"{base}/demo/api/kernels/{company}") in (403, 404)
    assert maja.evaluate(SOCKET, [f"{ws_base}/demo/api/kernels/{company}/channels?session_id=m", V1]) == "refused"
    # a session names its unit; a forged query does not change the server it reaches
    maja.goto(f"{base}/demo/?unit=Örebro+Marieberg")
    maja.wait_for_selector(".mg-kpis .mg-kpi-value", timeout=90_000)
    units = [u.replace("\xa0", " ") for u in
             maja.locator(".mg-filter-grid select").nth(1).locator("option").all_inner_texts()]
    assert units[1:] == [SCOPE]
    anna.context.close()
    maja.context.close()
