"""The dashboard server against a viewer who attacks it: first why stock Voilà 0.5.13 is not enough
(a test that starts it with the launcher's config)."""
import subprocess
import sys
import textwrap
import time
import uuid

import psutil
import pytest

from dashboard_server import CSS, KernelSocket, dashboard_server, http_get, write_demo_run

LEGACY_HEADER_READER = textwrap.dedent("""
    from jupyter_server.services.kernels.connection.base import serialize_binary_message
    from voila.tornado.kernel_websocket_handler import read_header_from_binary_message
    frame = serialize_binary_message({"header": {"msg_type": "comm_msg"}, "parent_header": {}, "metadata": {},
                                      "content": {}, "buffers": [b"png"]})
    print("count read as", int.from_bytes(frame[:8], "little"), flush=True)
    read_header_from_binary_message(frame)
    print("returned", flush=True)
""")


def test_voilas_header_reader_runs_away_on_one_legacy_frame():
    """The root cause, in a child process watched for 3 s: Voilà 0.5.13 reads a legacy frame's
    offset count as ~10^17 and loops. When a Voilà release returns here, it is fixed."""
    child = subprocess.Popen([sys.executable, "-c", LEGACY_HEADER_READER], stdout=subprocess.PIPE, text=True)
    watched = psutil.Process(child.pid)
    try:
        first = child.stdout.readline()
        rss, deadline = watched.memory_info().rss, time.time() + 3
        while time.time() < deadline and child.poll() is None and watched.memory_info().rss < rss + 300 * 2 ** 20:
            time.sleep(0.1)
        still_running = child.poll() is None
    finally:
        child.kill()
        rest = child.communicate()[0]
    assert int(first.split()[-1]) > 10 ** 15
    assert still_running and "returned" not in rest


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("hardening_runs")
    write_demo_run(root)
    return root


def answers_quickly(server, seconds: float = 2.0) -> bool:
    try:
        return http_get(server.port, CSS, timeout=seconds)[0] == 200
    except OSError:
        return False


@pytest.mark.browser
def test_stock_voila_stops_answering_after_one_image_on_a_legacy_websocket(root):
    """The attack, on stock Voilà with the launcher's config: a websocket without the v1 subprotocol
    asks for the widgets' states (the charts come back as image buffers) and the server stops
    answering everyone. Watched for at most 15 s, then killed."""
    with dashboard_server(root, stock_voila=True) as stock:
        _, page = http_get(stock.port, "/", timeout=120)
        kernel_id = page.split('"kernelId": "', 1)[1].split('"', 1)[0]
        assert answers_quickly(stock)
        ws = KernelSocket(stock.port, kernel_id, v1=False)
        comm = uuid.uuid4().hex
        ws.send("shell", "comm_open", {"comm_id": comm, "target_name": "jupyter.widget.control", "data": {}},
                metadata={"version": "1.0.0"})
        time.sleep(1.5)
        ws.send("shell", "comm_msg", {"comm_id": comm, "data": {"method": "request_states"}})
        process, deadline = psutil.Process(stock.pid), time.time() + 15
        rss = process.memory_info().rss
        while time.time() < deadline and answers_quickly(stock):
            time.sleep(0.5)
        grew = (process.memory_info().rss - rss) / 2 ** 20
        assert not answers_quickly(stock), "stock Voilà survived a legacy websocket: reconsider the v1-only guard"
        print(f"stock Voilà stopped answering; its memory grew {grew:.0f} MB meanwhile")
