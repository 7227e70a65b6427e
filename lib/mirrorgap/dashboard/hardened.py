"""The Voilà server a client's dashboard runs on: stock Voilà 0.5 with the protections a page on the
open network needs. `mirrorgap.dashboard.serve` starts it as `python -m mirrorgap.dashboard.hardened`
with the same arguments and config as `voila`.

- Kernel websockets speak the v1 protocol only. Voilà 0.5.13 reads every binary frame it sends as v1
  (`voila.tornado.kernel_websocket_handler.read_header_from_binary_message`): on a connection opened
  without the `v1.kernel.websocket.jupyter.org` subprotocol, the first message with buffers (an
  image, a widget state) is a legacy frame whose first 8 bytes read as a count of ~10^17, and the
  server loops and grows until it answers no one. Such connections are refused (400), and incoming
  frames whose offsets do not fit the frame are dropped before jupyter_server parses them the same way.
- Every request's Host header must name this server (DNS rebinding): loopback addresses, `localhost`
  or one of `allowed_hosts`; any other Host gets 403 on every route, static files and websockets included.
- Kernels are capped: at most `max_kernels` viewers' kernels at once and `max_kernels_per_address` per
  client address (the preheated pool comes on top); a page over the cap gets 503 / 429 and starts nothing.
- What a kernel writes to stderr, its `error` messages and the tracebacks of error replies never reach
  the browser; the server logs them (shortened) with the kernel id.
- A kernel belongs to the browser whose page took it (a random HttpOnly cookie): only that browser may
  open its websocket, read or delete it through /api/kernels, shut it down through Voilà's leave-the-page
  beacon or read its request info; other kernel ids are 403. `shutdown_request` is not forwarded over
  the websocket (a kernel that exits is restarted fresh by the kernel restarter, without the raw-data
  guard of the dashboard notebook); interrupt and restart have no route.
- Behind the host (`mirrorgap.publish.host`), the server requires a token only the host knows: it is
  handed over in the environment (`MIRRORGAP_BACKEND_TOKEN`, never on the command line, where any local
  user could read it), removed from the environment before a kernel starts, and the host sends it as
  `Authorization: token …` with every request and websocket it forwards. A local process that calls the
  loopback port directly gets the login redirect or 403.
"""
from __future__ import annotations

import ipaddress
import json
import os
import re
import secrets
import sys
from collections import Counter
from dataclasses import dataclass

import tornado.web
from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1
from jupyter_server.services.kernels.handlers import KernelHandler
from tornado.routing import Matcher, Rule
from traitlets import Bool, Integer, List, Unicode
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from mirrorgap.dashboard.serve import DEFAULT_MAX_KERNELS, DEFAULT_MAX_PER_ADDRESS, ENV_BACKEND_TOKEN

V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
VIEWER_COOKIE = "mirrorgap_viewer"
VIEWERS = "mirrorgap_viewers"  # the app setting holding the `Viewers` book
BEHIND_PROXY = "mirrorgap_behind_proxy"  # the app setting: client addresses come from X-Forwarded-For
MAX_FRAME_PARTS = 64  # channel, header, parent header, metadata, content and up to 59 buffers
LOGGED_CHARS = 2000  # of a withheld stderr text, in the server log
_VIEWER_ID = re.compile(r"[A-Za-z0-9_-]{22,64}")


# ---------------------------------------------------------------------------------------------------
# pure rules (tested without a server)

def host_allowed(host: str, names=()) -> bool:
    """Whether a Host header ("name", "name:port", "[::1]:port") names this server: a loopback address,
    `localhost` or one of `names` (compared without case)."""
    match = re.fullmatch(r"(\[[^\]]*\]|[^:]*)(?::\d+)?", (host or "").strip())
    if not match:
        return False
    name = match.group(1).strip("[]").lower().rstrip(".")
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return name == "localhost" or name in {n.lower().rstrip(".") for n in names}


def _v1_offsets(frame) -> list[int] | None:
    """The offsets of a v1 websocket frame (channel, header, parent_header, metadata, content, buffers),
    or None when it is not one: not bytes, or an offset count or offsets that do not fit the frame.
    (jupyter_server's own parser trusts the count and loops over it.)"""
    if not isinstance(frame, (bytes, bytearray)) or len(frame) < 8:
        return None
    count = int.from_bytes(frame[:8], "little")
    if not 6 <= count <= MAX_FRAME_PARTS + 1 or len(frame) < 8 * (count + 1):
        return None
    offsets = [int.from_bytes(frame[8 * (i + 1): 8 * (i + 2)], "little") for i in range(count)]
    if offsets[0] != 8 * (count + 1) or offsets[-1] > len(frame) or any(b < a for a, b in zip(offsets, offsets[1:])):
        return None
    return offsets


def v1_parts(frame) -> tuple[str, list[bytes]] | None:
    """A v1 websocket frame split as (channel, [header, parent_header, metadata, content, *buffers]),
    or None when it is not one (see `_v1_offsets`)."""
    offsets = _v1_offsets(frame)
    if offsets is None:
        return None
    try:
        channel = bytes(frame[offsets[0]:offsets[1]]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return channel, [bytes(frame[offsets[i]:offsets[i + 1]]) for i in range(1, len(offsets) - 1)]


def for_viewer(frame: bytes) -> tuple[bytes | None, str]:
    """What of an outgoing v1 frame the browser may get: (frame, "") as it is; (None, text) for a
    stderr stream or an `error` message, which are withheld; (frame without traceback, text) for an
    error reply. `text` is what was withheld, for the server log."""
    offsets = _v1_offsets(frame)
    if offsets is None:
        return frame, ""
    msg_type = json.loads(frame[offsets[1]:offsets[2]] or b"{}").get("msg_type", "")  # the header only
    if msg_type not in ("stream", "error") and not msg_type.endswith("_reply"):
        return frame, ""
    channel, parts = v1_parts(frame)
    content = json.loads(parts[3] or b"{}")
    if msg_type == "error":
        return None, "\n".join(content.get("traceback") or [f"{content.get('ename')}: {content.get('evalue')}"])
    if msg_type == "stream":
        return (None, content.get("text", "")) if content.get("name") == "stderr" else (frame, "")
    if content.get("status") != "error":
        return frame, ""
    withheld = "\n".join(content.get("traceback") or [])
    content.update(ename="Error", evalue="", traceback=[])
    parts[3] = json.dumps(content).encode("utf-8")
    return serialize_msg_to_ws_v1(parts, channel), withheld


@dataclass
class Refusal:
    status: int  # 503: the server is full; 429: this address has its share
    reason: str


class Ticket:
    """One page being prepared: holds a place under the caps until its kernel is known (`took`) or
    the page is done (`close`)."""

    def __init__(self, book: Viewers, address: str):
        self.book, self.address, self.open = book, address, True

    def took(self, kernel_id: str, viewer: str) -> None:
        self.close()
        self.book.owners[kernel_id] = (viewer, self.address)

    def close(self) -> None:
        if self.open:
            self.open = False
            self.book.pending[self.address] -= 1
            if self.book.pending[self.address] <= 0:
                del self.book.pending[self.address]


class Viewers:
    """Whose kernel is whose, and the caps on kernels per server and per client address."""

    def __init__(self, max_kernels: int, max_per_address: int):
        self.max_kernels, self.max_per_address = max_kernels, max_per_address
        self.owners: dict[str, tuple[str, str]] = {}  # kernel id -> (viewer id, address)
        self.pending: Counter = Counter()  # address -> pages waiting for their kernel

    def admit(self, address: str, live) -> Ticket | Refusal:
        """A place for one more page from `address`, or why not. `live`: the kernel ids still running
        (shut-down and culled kernels no longer count)."""
        live = set(live)
        self.owners = {k: v for k, v in self.owners.items() if k in live}
        total = len(self.owners) + sum(self.pending.values())
        mine = sum(1 for _, a in self.owners.values() if a == address) + self.pending[address]
        if total >= self.max_kernels:
            return Refusal(503, f"the dashboard has {total} viewers, its maximum; please try again in a minute")
        if mine >= self.max_per_address:
            return Refusal(429, f"{mine} dashboards are open from your address, the maximum; close one first")
        self.pending[address] += 1
        return Ticket(self, address)

    def owns(self, viewer: str | None, kernel_id: str | None) -> bool:
        return bool(viewer) and kernel_id in self.owners and self.owners[kernel_id][0] == viewer


def client_address(request, *, behind_proxy: bool) -> str:
    """The viewer's address: the peer's, or behind a proxy on this host the last X-Forwarded-For entry
    (the one that proxy added)."""
    forwarded = request.headers.get("X-Forwarded-For", "") if behind_proxy else ""
    return forwarded.split(",")[-1].strip() or request.remote_ip


# ---------------------------------------------------------------------------------------------------
# handlers

def _viewer_of(handler) -> str | None:
    value = handler.get_cookie(VIEWER_COOKIE)
    return value if value and _VIEWER_ID.fullmatch(value) else None


class _OwnKernelOnly:
    """Mixed into every handler whose route names a kernel id: refused (403) unless the kernel is the
    requesting browser's."""

    async def prepare(self, *args, **kwargs):
        result = super().prepare(*args, **kwargs)
        if result is not None:
            await result
        kernel_id = self.path_kwargs.get("kernel_id") or (self.path_args[0] if self.path_args else None)
        if not self.settings[VIEWERS].owns(_viewer_of(self), kernel_id):
            tornado.web.app_log.warning("Refused a request for kernel %s from a browser that does not own it",
                                        kernel_id)
            raise tornado.web.HTTPError(403)


class OwnKernelHandler(_OwnKernelOnly, KernelHandler):
    """GET / DELETE /api/kernels/<id> of one's own kernel only."""


class OwnShutdownHandler(_OwnKernelOnly, VoilaShutdownKernelHandler):
    """Voilà's leave-the-page beacon, for one's own kernel only."""


class OwnRequestInfoHandler(_OwnKernelOnly, RequestInfoSocketHandler):
    """The request info of one's own kernel only (it holds the page's URL)."""


class KernelChannelsHandler(_OwnKernelOnly, VoilaKernelWebsocketHandler):
    """The kernel websocket: one's own kernel, v1 protocol only, well-formed frames in, no stderr out."""

    async def prepare(self, *args, **kwargs):
        offered = [p.strip() for p in self.request.headers.get("Sec-WebSocket-Protocol", "").split(",")]
        if V1_PROTOCOL not in offered:
            self.log.warning("Refused a kernel websocket without the %s subprotocol", V1_PROTOCOL)
            raise tornado.web.HTTPError(400, f"the kernel websocket needs the {V1_PROTOCOL} subprotocol")
        await super().prepare(*args, **kwargs)

    def select_subprotocol(self, subprotocols):
        return V1_PROTOCOL if V1_PROTOCOL in subprotocols else None

    def on_message(self, ws_message):
        if _v1_offsets(ws_message) is None:
            self.log.warning("Dropped a malformed frame on the websocket of kernel %s", self.kernel_id)
            return None
        return super().on_message(ws_message)

    def write_message(self, message, binary=False):
        if isinstance(message, (bytes, bytearray)):
            try:
                message, withheld = for_viewer(bytes(message))
            except (ValueError, AttributeError):  # not JSON where a message has it: not for the viewer
                message, withheld = None, "a malformed kernel message"
            if withheld:
                self.log.warning("kernel %s wrote (not sent to the viewer):\n%s", self.kernel_id,
                                 withheld[:LOGGED_CHARS])
            if message is None:
                return None
        return super().write_message(message, binary)


class _RecordingKernels:
    """The kernel manager as a page handler sees it: the kernel the page takes (from the pool or
    started for it) is written down as that browser's."""

    def __init__(self, manager, took):
        self._manager, self._took = manager, took

    def __getattr__(self, name):
        return getattr(self._manager, name)

    async def get_rendered_notebook(self, *args, **kwargs):
        task, cache, kernel_id = await self._manager.get_rendered_notebook(*args, **kwargs)
        self._took(kernel_id)
        return task, cache, kernel_id

    async def start_kernel(self, *args, **kwargs):
        kernel_id = self._manager.start_kernel(*args, **kwargs)
        kernel_id = await kernel_id if hasattr(kernel_id, "__await__") else kernel_id
        self._took(kernel_id)
        return kernel_id


class DashboardPageHandler(TornadoVoilaHandler):
    """The dashboard page: admitted under the kernel caps, its kernel recorded as this browser's."""

    _ticket: Ticket | None = None
    _viewer: str | None = None

    @property
    def kernel_manager(self):
        manager = self.settings["kernel_manager"]
        return _RecordingKernels(manager, self._took) if self._ticket else manager

    def _took(self, kernel_id: str) -> None:
        self._ticket.took(kernel_id, self._viewer)

    @tornado.web.authenticated
    async def get(self, path=None):
        address = client_address(self.request, behind_proxy=self.settings[BEHIND_PROXY])
        admitted = self.settings[VIEWERS].admit(address, self.settings["kernel_manager"].list_kernel_ids())
        if isinstance(admitted, Refusal):
            self.log.warning("Refused a dashboard page for %s: %s", address, admitted.reason)
            self.set_status(admitted.status)
            self.set_header("Retry-After", "60")
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(f"The dashboard is busy: {admitted.reason}.\n")
            return
        self._viewer = _viewer_of(self) or secrets.token_urlsafe(24)
        self.set_cookie(VIEWER_COOKIE, self._viewer, path=self.base_url, httponly=True, samesite="Lax")
        self._ticket = admitted
        try:
            await super().get(path)
        finally:
            admitted.close()


class _ForeignHost(Matcher):
    def __init__(self, names):
        self.names = tuple(names)

    def match(self, request):
        return None if host_allowed(request.host, self.names) else {}


class ForeignHostHandler(tornado.web.RequestHandler):
    """Any request whose Host is not this server's (DNS rebinding): 403, whatever the route."""

    def prepare(self):
        tornado.web.app_log.warning("Refused a request with Host %r", self.request.host)
        raise tornado.web.HTTPError(403)


# ---------------------------------------------------------------------------------------------------
# the application

_OURS = {TornadoVoilaHandler: DashboardPageHandler, KernelHandler: OwnKernelHandler,
         VoilaKernelWebsocketHandler: KernelChannelsHandler, VoilaShutdownKernelHandler: OwnShutdownHandler,
         RequestInfoSocketHandler: OwnRequestInfoHandler}


class DashboardVoila(Voila):
    """Voilà with the handlers above in place of its own (see the module docstring)."""

    max_kernels = Integer(DEFAULT_MAX_KERNELS, config=True,
                          help="viewers' kernels at once (the preheated pool comes on top)")
    max_kernels_per_address = Integer(DEFAULT_MAX_PER_ADDRESS, config=True,
                                      help="viewers' kernels at once from one client address")
    allowed_hosts = List(Unicode(), config=True,
                         help="host names this server answers to besides loopback addresses and localhost")
    behind_proxy = Bool(False, config=True,
                        help="take the client address from X-Forwarded-For (set by a proxy on this host)")

    def initialize(self, argv=None):
        # the host's secret: taken out of the environment before any kernel inherits it
        token = os.environ.pop(ENV_BACKEND_TOKEN, "")
        if token:
            self.token = token
        super().initialize(argv)

    def init_settings(self):
        settings = super().init_settings()
        self.kernel_manager.allowed_message_types = [
            t for t in self.kernel_manager.allowed_message_types if t != "shutdown_request"]
        settings[VIEWERS] = Viewers(self.max_kernels, self.max_kernels_per_address)
        settings[BEHIND_PROXY] = self.behind_proxy
        return settings

    def init_handlers(self):
        handlers, replaced = [], set()
        for route in super().init_handlers():
            ours = _OURS.get(route[1])
            if ours is not None:
                replaced.add(route[1])
                route = (route[0], ours, *route[2:])
            handlers.append(route)
        expected = set(_OURS) - ({RequestInfoSocketHandler} if not self.voila_configuration.preheat_kernel else set())
        if replaced != expected or not self.notebook_path:
            raise RuntimeError(f"Voilà's routes are not the ones mirrorgap.dashboard.hardened replaces "
                               f"(missing: {sorted(c.__name__ for c in expected - replaced)}; one notebook "
                               f"served: {bool(self.notebook_path)}): review it before serving a client")
        # first rule of the application, ahead of all of Voilà's: a foreign Host gets 403 everywhere
        self.app.default_router.rules.insert(0, Rule(_ForeignHost(self.allowed_hosts), ForeignHostHandler))
        return handlers


main = DashboardVoila.launch_instance

if __name__ == "__main__":
    sys.exit(main())
