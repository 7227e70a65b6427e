"""The host in Debian's headless Chromium: a wrong password refused, login, the dashboard renders
under /demo/, the other client's path sends back to its own login, logout ends the session."""
from __future__ import annotations

import pytest

from test_host import PASSWORD, host  # noqa: F401 - the module's fixture

pytestmark = pytest.mark.browser


def test_login_dashboard_other_client_and_logout(host, browser):  # noqa: F811
    page = browser.new_page()
    base = f"http://127.0.0.1:{host.port}"
    page.goto(f"{base}/demo/")
    assert page.url.endswith("/demo/login")
    page.fill("input[name=user]", "anna")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    assert "Fel användarnamn eller lösenord" in page.inner_text(".mg-login-message")
    page.fill("input[name=user]", "anna")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(".mg-kpis .mg-kpi-value", timeout=90_000)
    page.screenshot(path=str(host.dist / "host-dashboard.png"))
    page.goto(f"{base}/nordbank/")
    assert page.url.endswith("/nordbank/login") and "Logg inn" in page.content()
    page.goto(f"{base}/demo/logout")
    page.goto(f"{base}/demo/")
    assert page.url.endswith("/demo/login")
