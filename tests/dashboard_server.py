"""A real dashboard server for the tests that need one (tests/test_dashboard_browser.py,
tests/test_server_hardening.py): a demo run in a temporary output root, `python -m
mirrorgap.dashboard.serve serve demo` on a free port, raw HTTP requests, and a kernel websocket
client that speaks the v1 protocol like the browser (or the legacy one, to show why it is refused)."""
from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest

from mirrorgap.config.paths import PROJ_ROOT

RUN_ID = "20261123-101500"
V1 = "v1.kernel.websocket.jupyter.org"
CSS = "/voila/templates/mirrorgap/static/mirrorgap.css"  # a static file: answered as soon as the server is up


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port: int, path: str, *, follow: int = 2, headers=None, timeout: float = 30,
             method: str = "GET", body=None) -> tuple[int, str]:
    """A raw request (no normalisation by a client library); follows a few redirects."""
    status, _, text = http_request(port, path, follow=follow, headers=headers, timeout=timeout, method=method,
                                   body=body)
    return status, text


def http_request(port: int, path: str, *, follow: int = 0, headers=None, timeout: float = 30, method: str = "GET",
                 body=None) -> tuple[int, http.client.HTTPMessage, str]:
    """(status, response headers, body) of one raw request; follows `follow` redirects."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    text = resp.read().decode("utf-8", "replace")
    conn.close()
    if resp.status in (301, 302, 303, 307, 308) and follow:
        location = resp.getheader("Location")
        return http_request(port, location.split(f":{port}", 1)[-1], follow=follow - 1, headers=headers,
                            timeout=timeout)
    return resp.status, resp.headers, text


def write_demo_run(root: Path, *, full: bool = False):
    """The demo's aggregates (or with full=True every output of a run, as `make run` writes them) in
    root/demo/RUN_ID, with root/demo/latest pointing at it. Returns the analysis results when full."""
    if full:
        from mirrorgap.analyse.pipeline import run_analysis
        from mirrorgap.config.params import load_engagement
        from mirrorgap.config.paths import PARAMS_DIR
        from mirrorgap.deliver.outputs import write_outputs

        results = run_analysis(load_engagement(PARAMS_DIR / "demo.yaml"))
        write_outputs(results, root / "demo" / RUN_ID, run_id=RUN_ID)
    else:
        from helpers import demo_aggregates
        from mirrorgap.aggregate.store import write_aggregates

        demo, results = demo_aggregates(), None
        write_aggregates(demo.counts, demo.meta, root / "demo" / RUN_ID)
    (root / "demo" / "latest").symlink_to(RUN_ID, target_is_directory=True)
    return results


@contextmanager
def dashboard_server(root: Path, *args: str, stock_voila: bool = False, up_within: float = 90, env=None):
    """`serve demo` on root's latest run with extra command-line args, until the block ends; then
    SIGTERM (Voilà shuts its kernels down) and kill whatever is left. stock_voila=True runs stock
    `voila` instead, with the launcher's arguments, config and environment and one pooled kernel (to
    show what it lacks). env: extra environment for the server and so its kernels (e.g. a scope)."""
    port = free_port()
    extra = dict(env or {})
    log = root / f"server-{port}.log"
    if stock_voila:
        from mirrorgap.dashboard.serve import launch_spec

        argv, env = launch_spec("demo", output_root=root, port=port, pool_size=1)
        argv = [argv[0], "-m", "voila", *[a for a in argv[3:] if not a.startswith("--DashboardVoila.")]]
    else:
        argv = [sys.executable, "-m", "mirrorgap.dashboard.serve", "serve", "demo", "--port", str(port),
                "--output-root", str(root), *args]
        env = {**os.environ, **extra} if extra else None
    proc = subprocess.Popen(argv, cwd=PROJ_ROOT, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    server = SimpleNamespace(port=port, url=f"http://127.0.0.1:{port}/", root=root, log=log, proc=proc,
                             pid=proc.pid)
    try:
        deadline = time.time() + up_within
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the dashboard server stopped:\n{log.read_text()}")
            try:
                if http_get(port, CSS, timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                pytest.fail(f"the dashboard server did not come up:\n{log.read_text()}")
            time.sleep(0.3)
        yield server
    finally:
        stop_server(proc, graceful=not stock_voila)


def stop_server(proc: subprocess.Popen, *, graceful: bool = True) -> None:
    """SIGTERM the server (it shuts its kernels down), then kill it and its kernels if still there;
    graceful=False kills at once (a server that no longer answers would not act on SIGTERM)."""
    try:
        kernels = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        kernels = []
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM if graceful else signal.SIGKILL)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    for child in kernels:
        if child.is_running():
            child.kill()


def open_dashboard(browser, server):
    """A new page on the dashboard, returned once the widgets have rendered (not just the HTTP answer)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    start = time.perf_counter()
    response = page.goto(server.url)
    page.wait_for_selector(".mg-kpis .mg-kpi-value", timeout=60_000)
    page.wait_for_function("() => [...document.querySelectorAll('.mg-panel img')]"
                           ".some(i => i.complete && i.naturalWidth > 600)", timeout=30_000)
    return page, response, time.perf_counter() - start


def page_kernel(page) -> tuple[str, str]:
    """The kernel id a browser page got and the cookie header its browser sends with it."""
    kernel_id = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())
    return kernel_id, cookie


class Viewer:
    """One browser's cookies, by raw HTTP: it opens the dashboard page (taking a kernel) and calls the
    server's APIs with its own cookies. `headers` go with every request (a proxy's X-Forwarded-For,
    a Host); `kernels` are the ones its pages took."""

    def __init__(self, port: int, headers=None):
        self.port, self.cookies, self.headers, self.kernels = port, {}, dict(headers or {}), []

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request_page(self, path: str = "/", *, method: str = "GET", headers=None, body=None, timeout: float = 120):
        """(status, response headers, body), keeping the cookies the server sets."""
        cookie = self.cookie_header()
        status, got, text = http_request(self.port, path, method=method, body=body, timeout=timeout, headers={
            **({"Cookie": cookie} if cookie else {}), **self.headers, **(headers or {})})
        for header in got.get_all("Set-Cookie") or []:
            self.cookies.update({k: m.value for k, m in SimpleCookie(header).items()})
        return status, got, text

    def request(self, path: str, *, method: str = "GET", headers=None, body=None, timeout: float = 120):
        status, _, text = self.request_page(path, method=method, headers=headers, body=body, timeout=timeout)
        return status, text

    def open_page(self, path: str = "/") -> tuple[int, str | None]:
        """GET the dashboard: (status, the page's kernel id or None)."""
        status, page = self.request(path)
        found = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', page)
        if found:
            self.kernels.append(found[1])
        return status, found[1] if found else None

    def xsrf(self) -> str:
        """The _xsrf cookie (the branded page sets a random one when the server has not)."""
        return self.cookies.setdefault("_xsrf", uuid.uuid4().hex)

    def post(self, path: str):
        """A POST with the double-submit _xsrf cookie and field, as Voilà's leave-the-page beacon sends it."""
        return self.request(path, method="POST", body=f"_xsrf={self.xsrf()}",
                            headers={"Content-Type": "application/x-www-form-urlencoded"})

    def kernel_socket(self, kernel_id: str, *, v1: bool = True) -> KernelSocket:
        return KernelSocket(self.port, kernel_id, v1=v1, cookie=self.cookie_header())


class KernelSocket:
    """A kernel's channels websocket, as the dashboard page opens it (the v1 subprotocol) or, with
    v1=False, as an old client would (JSON text frames out, legacy binary frames in)."""

    def __init__(self, port: int, kernel_id: str, *, v1: bool = True, cookie: str = "", timeout: float = 10):
        import websocket

        self.session, self.v1 = uuid.uuid4().hex, v1
        self.ws = websocket.create_connection(
            f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels?session_id={self.session}",
            timeout=timeout, subprotocols=[V1] if v1 else None, cookie=cookie or None)

    def send(self, channel: str, msg_type: str, content: dict, metadata=None) -> str:
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "username": "viewer", "session": self.session, "msg_type": msg_type,
                  "version": "5.3", "date": "2026-11-23T10:15:00Z"}
        if self.v1:
            parts = [json.dumps(p).encode() for p in (header, {}, metadata or {}, content)]
            self.send_frame(v1_frame(channel, parts))
        else:
            self.ws.send(json.dumps({"header": header, "parent_header": {}, "metadata": metadata or {},
                                     "content": content, "channel": channel, "buffers": []}))
        return msg_id

    def send_frame(self, frame: bytes) -> None:
        import websocket

        self.ws.send(frame, opcode=websocket.ABNF.OPCODE_BINARY)

    def receive(self, seconds: float, *, until=None) -> list[dict]:
        """The messages that arrive within `seconds` (or until `until(msg)` is true for one), each as
        {channel, header, parent_header, content, buffers, raw}."""
        import websocket

        got, deadline = [], time.time() + seconds
        while time.time() < deadline:
            self.ws.settimeout(max(0.05, min(0.5, deadline - time.time())))
            try:
                raw = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            if raw == "":  # websocket-client hands a close frame over as an empty string
                raise websocket.WebSocketConnectionClosedException("the server closed the socket")
            msg = self._decode(raw)
            got.append(msg)
            if until is not None and until(msg):
                break
        return got

    def _decode(self, raw) -> dict:
        if isinstance(raw, str):
            msg = json.loads(raw)
            return {**msg, "buffers": [], "raw": raw}
        if self.v1:
            count = int.from_bytes(raw[:8], "little")
            offsets = [int.from_bytes(raw[8 * (i + 1): 8 * (i + 2)], "little") for i in range(count)]
            parts = [raw[offsets[i]:offsets[i + 1]] for i in range(count - 1)]
            channel, header, parent, _, content = (p.decode() for p in parts[:5])
            return {"channel": channel, "header": json.loads(header), "parent_header": json.loads(parent),
                    "content": json.loads(content), "buffers": parts[5:], "raw": raw}
        return {"channel": None, "header": {}, "parent_header": {}, "content": {}, "buffers": [], "raw": raw}

    def kernel_info(self, seconds: float = 10) -> dict | None:
        """The kernel's kernel_info_reply (None if none came): the channel works."""
        info = self.send("shell", "kernel_info_request", {})
        got = self.receive(seconds, until=lambda m: m["parent_header"].get("msg_id") == info
                           and m["header"].get("msg_type") == "kernel_info_reply")
        return got[-1] if got and got[-1]["header"].get("msg_type") == "kernel_info_reply" else None

    def widget_states(self, seconds: float = 20) -> dict[str, dict]:
        """Every widget model of the kernel, {model id: {model_name, state}}, as the page's widget
        manager asks for them (the control comm's request_states)."""
        comm_id = uuid.uuid4().hex
        self.send("shell", "comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}},
                  metadata={"version": "1.0.0"})
        self.receive(1.5)  # the comm is open before it is asked
        self.send("shell", "comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}})
        got = self.receive(seconds, until=lambda m: m["header"].get("msg_type") == "comm_msg"
                           and m["content"].get("data", {}).get("method") == "update_states")
        replies = [m for m in got if m["header"].get("msg_type") == "comm_msg"]
        assert replies, "no widget states came back"
        return replies[-1]["content"]["data"]["states"]

    def update_widget(self, model_id: str, state: dict) -> str:
        """What the page sends when the viewer changes a control."""
        return self.send("shell", "comm_msg", {"comm_id": model_id, "data": {"method": "update", "state": state,
                                                                            "buffer_paths": []}})

    def close(self) -> None:
        self.ws.close()


def v1_frame(channel: str, parts: list[bytes]) -> bytes:
    """A v1 websocket frame: the offset count, the offsets, then channel and parts."""
    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    return serialize_msg_to_ws_v1(parts, channel)


def filter_dropdowns(states: dict[str, dict]) -> list[str]:
    """The model ids of the dashboard's filter dropdowns (those with an "all …" first option)."""
    return [k for k, v in states.items() if v["model_name"] == "DropdownModel"
            and len(v["state"].get("_options_labels", [])) > 1]
