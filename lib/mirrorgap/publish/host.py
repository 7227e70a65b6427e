"""One host, many clients: login, then each client's dashboard at /<client>/.

    python -m mirrorgap.publish.host [--bundles dist/] [--accounts dist/accounts.json] [--port 8800] [--https]

A tornado process that owns the login and the session (a signed, HttpOnly, SameSite=Strict cookie
per client path, Secure behind https) and forwards HTTP and websockets under /<client>/ to a hardened
Voilà started lazily from that client's bundle on loopback, one per (client, unit), each behind a random
token of its own that only the host sends (a local process calling the port directly is refused): a manager's
requests only ever reach the Voilà whose kernels were started with their unit. Every request and
websocket is checked: a session of another client, a revoked account or an expired session gets
the login page (pages) or 403 (anything else). Wrong passwords slow down and then lock the account
and the address for a minute.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import tornado.httpclient
import tornado.ioloop
import tornado.web
import tornado.websocket

from mirrorgap.dashboard.serve import ENV_BACKEND_TOKEN, ENV_PAGE
from mirrorgap.publish.accounts import DEFAULT_FILE, Accounts
from mirrorgap.publish.bundle import DIST_DIR
from mirrorgap.publish.serve_bundle import bundle_spec, page

SESSION_COOKIE = "mirrorgap_session"
SESSION_SECONDS = 8 * 3600
MAX_FAILURES, LOCK_SECONDS, FAILURE_DELAY = 5, 60, 1.0
MAX_FAILURES_PER_ADDRESS = 20  # an office behind one address is not locked out by one user
_CLIENT = re.compile(r"[a-z0-9][a-z0-9_-]*")
_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-authorization", "te", "trailer",
        "content-length", "host", "cookie", "authorization"}
BACKEND_LOGIN_COOKIE = "username-"  # jupyter_server's login cookie, set after a token: the browser never gets it


class Backends:
    """The per-(client, unit) Voilà processes, started on first use on a free loopback port, each with a
    random token that only this process knows (handed over in the environment, not on the command line)
    and sends as `Authorization: token …` with everything it forwards: a local process that calls the
    port directly is refused."""

    def __init__(self, bundles: Path):
        self.bundles, self.running, self._starting = Path(bundles), {}, {}

    async def backend(self, client: str, unit: str) -> tuple[int, str]:
        """(port, token) of the (client, unit) server, started if it is not running."""
        key = (client, unit)
        if key in self.running and self.running[key][1].poll() is None:
            return self.running[key][0], self.running[key][2]
        if key not in self._starting:
            self._starting[key] = asyncio.ensure_future(self._start(client, unit))
        try:
            return await asyncio.shield(self._starting[key])
        finally:
            if self._starting.get(key) is not None and self._starting[key].done():
                del self._starting[key]

    async def _start(self, client: str, unit: str) -> tuple[int, str]:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        token = secrets.token_urlsafe(32)
        argv, env = bundle_spec(self.bundles / client, port=port, base_url=f"/{client}/", unit=unit,
                                behind_proxy=True, pool_size=1)
        env[ENV_BACKEND_TOKEN] = token
        env[ENV_PAGE] = json.dumps({**json.loads(env[ENV_PAGE]), "logout_url": f"/{client}/logout"})  # a link
        proc = subprocess.Popen(argv, env=env, cwd=self.bundles / client, start_new_session=True)
        client_http = tornado.httpclient.AsyncHTTPClient()
        for _ in range(300):
            if proc.poll() is not None:
                raise tornado.web.HTTPError(502, f"the dashboard of {client} did not start")
            try:
                await client_http.fetch(f"http://127.0.0.1:{port}/{client}/voila/templates/mirrorgap/static/mirrorgap.css",
                                        headers=authorization(token))
                break
            except (OSError, tornado.httpclient.HTTPClientError):
                await asyncio.sleep(0.3)
        self.running[(client, unit)] = (port, proc, token)
        return port, token

    def stop(self) -> None:
        for _, proc, _ in self.running.values():
            proc.terminate()
        for _, proc, _ in self.running.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def authorization(token: str) -> dict[str, str]:
    """The header that admits the host to its backend."""
    return {"Authorization": f"token {token}"}


def backend_cookies(request) -> str:
    """The browser's cookies a backend may see: not the host's session, not a backend login cookie."""
    return "; ".join(f"{k}={v.value}" for k, v in request.cookies.items()
                     if k != SESSION_COOKIE and not k.startswith(BACKEND_LOGIN_COOKIE))


class Failures:
    """Wrong passwords per user and per address: after MAX_FAILURES within LOCK_SECONDS, locked."""

    def __init__(self):
        self.times: dict[str, list[float]] = defaultdict(list)

    def locked(self, *keys: str) -> bool:
        now = time.monotonic()
        for key in keys:
            self.times[key] = [t for t in self.times[key] if now - t < LOCK_SECONDS]
        return any(len(self.times[k]) >= (MAX_FAILURES_PER_ADDRESS if k.startswith("address:") else MAX_FAILURES)
                   for k in keys)

    def failed(self, *keys: str) -> None:
        for key in keys:
            self.times[key].append(time.monotonic())


class _Base(tornado.web.RequestHandler):
    def client_or_404(self, client: str) -> str:
        if not _CLIENT.fullmatch(client) or not (self.settings["bundles"] / client / "page.json").is_file():
            raise tornado.web.HTTPError(404)
        return client

    def session(self, client: str):
        """The session's account for this client, or None (absent, forged, expired, revoked, other client)."""
        raw = self.get_signed_cookie(SESSION_COOKIE, max_age_days=SESSION_SECONDS / 86400)
        if not raw:
            return None
        data = json.loads(raw)
        if data.get("client") != client or time.time() - data.get("at", 0) > SESSION_SECONDS:
            return None
        account = self.settings["accounts"].get(client, data.get("user", ""))
        return account if account and account.unit == data.get("unit") else None

    def cookie_options(self, client: str) -> dict:
        https = self.settings["https"] or self.request.headers.get("X-Forwarded-Proto") == "https"
        return {"path": f"/{client}/", "httponly": True, "samesite": "Strict", "secure": https}


class LoginHandler(_Base):
    def get(self, client: str):
        self.render_login(self.client_or_404(client))

    def render_login(self, client: str, message: str = "", status: int = 200):
        p = page(self.settings["bundles"] / client)
        t = p["login"]
        self.set_status(status)
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                                   "form-action 'self'; frame-ancestors 'none'")
        self.render("login.html", p=p, t=t, client=client, message=message,
                    title=t["title"].format(client=p["client"]),
                    prepared_by=t["prepared_by"].format(consultancy=p["consultancy"]))

    async def post(self, client: str):
        client = self.client_or_404(client)
        user, password = self.get_body_argument("user", ""), self.get_body_argument("password", "")
        keys = (f"user:{client}/{user}", f"address:{self.request.remote_ip}")
        t = page(self.settings["bundles"] / client)["login"]
        failures = self.settings["failures"]
        if failures.locked(*keys):
            return self.render_login(client, t["locked"], 429)
        account = self.settings["accounts"].verify(client, user, password)
        if account is None:
            failures.failed(*keys)
            await asyncio.sleep(FAILURE_DELAY)  # each guess costs the guesser a second
            return self.render_login(client, t["wrong"], 401)
        value = json.dumps({"client": client, "user": user, "unit": account.unit, "at": time.time(),
                            "nonce": secrets.token_urlsafe(8)})
        self.set_signed_cookie(SESSION_COOKIE, value, expires_days=None, **self.cookie_options(client))
        self.redirect(f"/{client}/")


class LogoutHandler(_Base):
    def post(self, client: str):
        client = self.client_or_404(client)
        self.clear_cookie(SESSION_COOKIE, path=f"/{client}/")
        self.clear_cookie("mirrorgap_viewer", path=f"/{client}/")
        self.redirect(f"/{client}/login")

    get = post  # a link works too; the session cookie is SameSite=Strict, so no other site logs one out


class ProxyHandler(_Base):
    """HTTP under /<client>/ to the session's (client, unit) Voilà."""

    SUPPORTED_METHODS = ("GET", "POST", "DELETE", "PATCH", "PUT", "HEAD")

    async def prepare(self):
        client = self.client_or_404(self.path_args[0])
        self.account = self.session(client)
        if self.account is None:
            if self.request.method == "GET" and self.path_args[1] in ("", "voila/render/"):
                self.redirect(f"/{client}/login")
            else:
                tornado.web.app_log.warning("Refused %s %s without a session of %s", self.request.method,
                                            self.request.path, client)
                self.send_error(403)
            return
        if self.request.headers.get("Upgrade", "").lower() == "websocket":
            return  # handled by SocketHandler's route
        port, token = await self.settings["backends"].backend(client, self.account.unit)
        headers = {k: v for k, v in self.request.headers.get_all() if k.lower() not in _HOP}
        headers.update(authorization(token), **{"X-Forwarded-For": self.request.remote_ip})
        cookies = backend_cookies(self.request)
        if cookies:
            headers["Cookie"] = cookies
        body = self.request.body if self.request.method in ("POST", "PUT", "PATCH") else None
        response = await tornado.httpclient.AsyncHTTPClient().fetch(
            f"http://127.0.0.1:{port}{self.request.uri}", method=self.request.method, headers=headers, body=body,
            follow_redirects=False, raise_error=False, request_timeout=180, allow_nonstandard_methods=True)
        self.set_status(response.code, response.reason)
        self._headers = tornado.httputil.HTTPHeaders()
        for k, v in response.headers.get_all():
            if k.lower() not in _HOP | {"content-encoding"} and not (
                    k.lower() == "set-cookie" and v.startswith(BACKEND_LOGIN_COOKIE)):
                self.add_header(k, v)
        self.finish(response.body if response.body else None)

    async def get(self, *args):
        pass

    post = delete = patch = put = head = get


class SocketHandler(_Base, tornado.websocket.WebSocketHandler):
    """Websockets under /<client>/ to the session's (client, unit) Voilà, frames passed both ways."""

    async def get(self, client, rest):
        client = self.client_or_404(client)
        self.account = self.session(client)
        if self.account is None:
            tornado.web.app_log.warning("Refused a websocket %s without a session of %s", self.request.path, client)
            raise tornado.web.HTTPError(403)
        port, token = await self.settings["backends"].backend(client, self.account.unit)
        offered = [p.strip() for p in self.request.headers.get("Sec-WebSocket-Protocol", "").split(",") if p.strip()]
        request = tornado.httpclient.HTTPRequest(
            f"ws://127.0.0.1:{port}{self.request.uri}", headers={
                "Cookie": backend_cookies(self.request), "X-Forwarded-For": self.request.remote_ip,
                "Origin": f"http://127.0.0.1:{port}", **authorization(token)})
        try:
            self.upstream = await tornado.websocket.websocket_connect(
                request, subprotocols=offered or None, on_message_callback=self._from_upstream,
                max_message_size=1 << 20)
        except (tornado.httpclient.HTTPClientError, tornado.websocket.WebSocketError, OSError) as exc:
            code = getattr(exc, "code", 502)
            raise tornado.web.HTTPError(code if code in (400, 403, 404) else 502) from None
        self._subprotocol = self.upstream.selected_subprotocol
        await super().get(client, rest)

    def select_subprotocol(self, subprotocols):
        return self._subprotocol

    def _from_upstream(self, message):
        if message is None:
            self.close()
        elif self.ws_connection is not None:
            self.write_message(message, binary=isinstance(message, bytes))

    def on_message(self, message):
        self.upstream.write_message(message, binary=isinstance(message, bytes))

    def on_close(self):
        if getattr(self, "upstream", None) is not None:
            self.upstream.close()


class _WebsocketRoute(tornado.routing.Matcher):
    def match(self, request):
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return None
        m = re.fullmatch(r"/([^/]+)/(.*)", request.path)
        return {"path_args": [m[1], m[2]], "path_kwargs": {}} if m else None


def make_app(bundles: Path, accounts: Path, *, https: bool = False, secret: bytes | None = None):
    """The host's tornado application (tests start it in-process or as `main`)."""
    settings = dict(bundles=Path(bundles), accounts=Accounts(accounts), https=https, failures=Failures(),
                    backends=Backends(bundles), cookie_secret=secret or secrets.token_bytes(32),
                    template_path=str(Path(__file__).resolve().parents[3] / "templates" / "host"),
                    xsrf_cookies=False, websocket_max_message_size=1 << 20)
    return tornado.web.Application([
        tornado.web.url(r"/([^/]+)/login", LoginHandler),
        tornado.web.url(r"/([^/]+)/logout", LogoutHandler),
        (_WebsocketRoute(), SocketHandler),
        tornado.web.url(r"/([^/]+)/(.*)", ProxyHandler),
    ], **settings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mirrorgap.publish.host", description=__doc__.split("\n")[0])
    parser.add_argument("--bundles", type=Path, default=DIST_DIR)
    parser.add_argument("--accounts", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--port", type=int, default=8800)
    parser.add_argument("--ip", default="127.0.0.1")
    parser.add_argument("--https", action="store_true", help="behind https: session cookies are Secure")
    args = parser.parse_args(argv)
    secret = os.environ.get("MIRRORGAP_COOKIE_SECRET", "").encode() or None  # shared by replicas; else per start
    app = make_app(args.bundles, args.accounts, https=args.https, secret=secret)
    app.listen(args.port, args.ip, xheaders=False)
    print(f"host: http://{args.ip}:{args.port}/<client>/  (bundles: {args.bundles}; Ctrl-C stops it)", flush=True)
    loop = tornado.ioloop.IOLoop.current()
    # a service manager's SIGTERM (and Ctrl-C) stop the dashboards too: they run in sessions of their own
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.asyncio_loop.add_signal_handler(signum, loop.stop)
    try:
        loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        app.settings["backends"].stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
