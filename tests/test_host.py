"""The host: two clients' bundles behind one login; a user of one client cannot reach the other's
path, pages or kernels (HTTP and websocket); a manager's Voilà is started with their unit only."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import psutil
import pytest

from dashboard_server import CSS, Viewer, free_port, http_request, stop_server, write_demo_run
from mirrorgap.config.paths import PROJ_ROOT
from mirrorgap.publish.accounts import Accounts
from mirrorgap.publish.bundle import write_bundle

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    root = tmp_path_factory.mktemp("host")
    runs, dist = root / "output", root / "dist"
    write_demo_run(runs)
    run = runs / "nordbank" / "20261123-101500"
    run.mkdir(parents=True)
    for f in (runs / "demo" / "latest" / "aggregates").iterdir():
        (run / "aggregates").mkdir(exist_ok=True)
        (run / "aggregates" / f.name).write_bytes(f.read_bytes())
    meta = json.loads((run / "aggregates" / "meta.json").read_text())
    meta.update(client="Nordbanken ASA", language="nb")
    (run / "aggregates" / "meta.json").write_text(json.dumps(meta))
    (runs / "nordbank" / "latest").symlink_to(run.name)
    for client in ("demo", "nordbank"):
        write_bundle(client, dist, output_root=runs)
    accounts = Accounts(dist / "accounts.json")
    accounts.add("demo", "anna", PASSWORD)
    accounts.add("demo", "maja", PASSWORD, unit="Malmö Bulltofta")
    accounts.add("nordbank", "ola", PASSWORD)
    log = root / "host.log"
    port, proc = start_host(dist, log)
    yield type("Host", (), {"port": port, "dist": dist, "log": log, "proc": proc})
    stop_server(proc)


def start_host(dist, log) -> tuple[int, subprocess.Popen]:
    """`python -m mirrorgap.publish.host` on `dist` and a free port, once it answers: (port, process)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "mirrorgap.publish.host", "--bundles", str(dist), "--accounts",
                             str(dist / "accounts.json"), "--port", str(port)], cwd=PROJ_ROOT,
                            stdout=open(log, "wb"), stderr=subprocess.STDOUT, start_new_session=True)
    for _ in range(100):
        try:
            if http_request(port, "/demo/login")[0] == 200:
                break
        except OSError:
            time.sleep(0.3)
    return port, proc


def login(host, client, user, password=PASSWORD):
    viewer = Viewer(host.port)
    status, headers, text = viewer.request_page(f"/{client}/login", method="POST",
                                                body=f"user={user}&password={password.replace(' ', '+')}",
                                                headers={"Content-Type": "application/x-www-form-urlencoded"})
    return viewer, status, headers, text


def test_accounts_file_holds_argon2_hashes_only(host):
    text = (host.dist / "accounts.json").read_text()
    assert PASSWORD not in text and text.count("$argon2id$") == 3


def test_login_page_is_branded_and_in_the_engagement_language(host):
    status, _, page = http_request(host.port, "/demo/login")
    assert status == 200 and "Logga in" in page and "Bilgruppen Norden AB (demo)" in page and "#1D3557" in page
    status, _, page = http_request(host.port, "/nordbank/login")
    assert status == 200 and "Logg inn" in page and "Nordbanken ASA" in page
    assert http_request(host.port, "/nobody/login")[0] == 404


def test_wrong_password_refused_and_repeated_ones_lock(host):
    viewer, status, _, page = login(host, "nordbank", "ola", "wrong password!!")
    assert status == 401 and "Feil brukernavn eller passord" in page and "mirrorgap_session" not in viewer.cookies
    for _ in range(5):
        login(host, "nordbank", "ola", "wrong password!!")
    _, status, _, page = login(host, "nordbank", "ola")
    assert status == 429 and "For mange" in page


def test_without_session_nothing_is_forwarded(host):
    status, headers, _ = http_request(host.port, "/demo/")
    assert status == 302 and headers["Location"] == "/demo/login"
    assert http_request(host.port, "/demo/api/kernels")[0] == 403


def test_user_sees_own_client_only_and_not_the_other_clients_kernels(host):
    anna, status, headers, _ = login(host, "demo", "anna")
    assert status == 302 and headers["Location"] == "/demo/"
    cookie = next(h for h in headers.get_all("Set-Cookie") if h.startswith("mirrorgap_session"))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/demo/" in cookie
    status, kernel = anna.open_page("/demo/")
    assert status == 200 and kernel
    ola, status, _, _ = login(host, "demo", "ola")  # ola is nordbank's: no account at demo
    assert status == 401
    # anna's cookie on nordbank's path: no session there
    status, _ = anna.request("/nordbank/")
    assert status == 302
    assert anna.request(f"/nordbank/api/kernels/{kernel}")[0] == 403
    import websocket
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(f"ws://127.0.0.1:{host.port}/nordbank/api/kernels/{kernel}/channels",
                                    subprotocols=["v1.kernel.websocket.jupyter.org"], cookie=anna.cookie_header())
    assert refused.value.status_code == 403
    # her own kernel's websocket works through the host
    ws = websocket.create_connection(f"ws://127.0.0.1:{host.port}/demo/api/kernels/{kernel}/channels?session_id=x",
                                     subprotocols=["v1.kernel.websocket.jupyter.org"], cookie=anna.cookie_header(),
                                     timeout=20)
    assert ws.subprotocol == "v1.kernel.websocket.jupyter.org"
    ws.close()


def test_manager_reaches_only_a_voila_of_their_unit(host):
    maja, status, _, _ = login(host, "demo", "maja")
    assert status == 302
    status, kernel = maja.open_page("/demo/")
    assert status == 200 and kernel
    anna, _, _, _ = login(host, "demo", "anna")
    _, anna_kernel = anna.open_page("/demo/")
    # the same path, another Voilà: anna's kernel does not exist for maja's server
    assert maja.request(f"/demo/api/kernels/{anna_kernel}")[0] in (403, 404)
    assert anna.request(f"/demo/api/kernels/{kernel}")[0] in (403, 404)
    scopes = {}
    for proc in psutil.Process(host.proc.pid).children(recursive=True):
        try:
            env = proc.environ()
        except psutil.Error:
            continue
        if "MIRRORGAP_SCOPE_UNIT" in env and "ipykernel" in " ".join(proc.cmdline()):
            scopes.setdefault(env["MIRRORGAP_AGGREGATES"].split("/")[-2], set()).add(env["MIRRORGAP_SCOPE_UNIT"])
    assert scopes["demo"] == {"", "Malmö Bulltofta"}


def test_logout_ends_the_session(host):
    anna, _, _, _ = login(host, "demo", "anna")
    status, _, _ = anna.request_page("/demo/logout", method="POST", body="")
    assert status == 302
    status, headers, _ = anna.request_page("/demo/")
    assert status == 302 and headers["Location"] == "/demo/login"


def test_revoked_account_is_out_on_its_next_request(host):
    accounts = Accounts(host.dist / "accounts.json")
    accounts.add("nordbank", "tmp", PASSWORD)
    viewer, status, _, _ = login(host, "nordbank", "tmp")
    assert status == 302
    accounts.revoke("nordbank", "tmp")
    assert viewer.request("/nordbank/api/kernels")[0] == 403
    assert not re.search("tmp", (host.dist / "accounts.json").read_text())
    assert CSS  # the static route the backends are awaited on


def _backends(host) -> dict[str, tuple[int, psutil.Process]]:
    """The Voilà servers the host started: scope ("" or the unit) -> (loopback port, process)."""
    found = {}
    for proc in psutil.Process(host.proc.pid).children():
        cmdline = proc.cmdline()
        if "mirrorgap.dashboard.hardened" in cmdline and "/demo/" in " ".join(cmdline):
            port = int(next(a for a in cmdline if a.startswith("--port=")).split("=")[1])
            found[proc.environ().get("MIRRORGAP_SCOPE_UNIT", "")] = (port, proc)
    return found


def test_the_backends_refuse_whoever_is_not_the_host(host):
    """Each (client, unit) Voilà listens on loopback behind a token only the host knows: a local process
    that calls the port directly, even with a viewer's own cookies and kernel id, is refused (page,
    kernel API, kernel websocket), while the same viewer through the host gets all three."""
    import websocket

    maja, _, _, _ = login(host, "demo", "maja")
    status, kernel = maja.open_page("/demo/")
    assert status == 200 and kernel
    backends = _backends(host)
    assert "Malmö Bulltofta" in backends
    port, proc = backends["Malmö Bulltofta"]
    assert not any("token" in a for a in proc.cmdline())  # not on the command line, where `ps` shows it
    # (its start environment, like its memory, is readable by its own user only); kernels do not inherit it
    for child in proc.children(recursive=True):
        assert "MIRRORGAP_BACKEND_TOKEN" not in child.environ()
    own = maja.cookie_header()  # her viewer cookie (the session cookie means nothing to the backend)
    direct = Viewer(port)
    direct.cookies = dict(maja.cookies)
    status, headers, page = direct.request_page("/demo/")
    assert status in (302, 403) and "kernelId" not in page, status
    assert direct.request(f"/demo/api/kernels/{kernel}")[0] == 403
    status, listing = direct.request("/demo/api/kernels")
    assert status in (302, 403) and kernel not in listing
    assert direct.request(f"/demo/api/kernels/{kernel}", method="DELETE")[0] == 403
    assert direct.request(f"/demo/api/kernels/{kernel}", headers={"Authorization": "token guessed"})[0] == 403
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(f"ws://127.0.0.1:{port}/demo/api/kernels/{kernel}/channels?session_id=x",
                                    subprotocols=["v1.kernel.websocket.jupyter.org"], cookie=own, timeout=20)
    assert refused.value.status_code == 403
    # through the host: the page, her kernel and its websocket
    assert maja.request(f"/demo/api/kernels/{kernel}")[0] == 200
    ws = websocket.create_connection(f"ws://127.0.0.1:{host.port}/demo/api/kernels/{kernel}/channels?session_id=y",
                                     subprotocols=["v1.kernel.websocket.jupyter.org"], cookie=own, timeout=20)
    assert ws.subprotocol == "v1.kernel.websocket.jupyter.org"
    ws.close()
    # the backend's own login cookie, set after the token, never reaches the browser
    assert not [k for k in maja.cookies if k.startswith("username-")]


def test_sigterm_stops_the_host_and_its_dashboards(host):
    """The backends run in sessions of their own (a Ctrl-C in the terminal reaches the host only): a
    service manager's SIGTERM to the host stops them too, rather than leaving them listening."""
    port, proc = start_host(host.dist, host.log.with_name("host-sigterm.log"))
    try:
        viewer = Viewer(port)
        viewer.request_page("/demo/login", method="POST", body=f"user=anna&password={PASSWORD.replace(' ', '+')}",
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert viewer.open_page("/demo/")[0] == 200
        backends = [p for p in psutil.Process(proc.pid).children()
                    if "mirrorgap.dashboard.hardened" in " ".join(p.cmdline())]
        assert backends
        proc.terminate()
        assert proc.wait(timeout=40) == 0
        gone, alive = psutil.wait_procs(backends, timeout=20)
        assert not alive
    finally:
        stop_server(proc)
