"""The checks every request passes before anything else runs: Host and Origin
allow-lists, fetch metadata, and the secret token or its cookie.

They run as one aiohttp middleware, ahead of every route (the page, the
websocket upgrade, static files, downloads, and a 404 alike), so a request
that fails them never reaches code that starts an app.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from pipetui.web.config import ServeConfig

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "font-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
"""Sent with every answer. The page's scripts, styles and fonts come from this
server only (`'self'`), so neither the page nor a `?ping=` given to textual.js
can reach a third-party host; `'unsafe-inline'` styles are xterm.js's own."""


def cookie_value(token: str) -> str:
    """What the cookie holds: derived from the token, so the browser's cookie
    store never holds the token itself."""
    return hmac.new(token.encode(), b"pipetui serve session", hashlib.sha256).hexdigest()


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def refuse(status: int, reason: str) -> web.Response:
    """A short plain-text refusal, with the security headers."""
    response = web.Response(status=status, text=f"{reason}\n")
    response.headers.update(SECURITY_HEADERS)
    return response


def make_guard(config: ServeConfig) -> Middleware:
    """The middleware for `config`'s allow-lists and token."""
    allowed_hosts = config.allowed_hosts
    allowed_origins = config.allowed_origins
    expected_cookie = cookie_value(config.token)

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        host = request.headers.get("Host", "").lower()
        if host not in allowed_hosts:
            return refuse(403, "forbidden: unknown Host")
        origin = request.headers.get("Origin")
        if origin is not None and origin.lower() not in allowed_origins:
            return refuse(403, "forbidden: foreign Origin")
        upgrade = request.headers.get("Upgrade", "").lower() == "websocket"
        if upgrade and origin is None:  # (browsers always send it on a websocket)
            return refuse(403, "forbidden: websocket without Origin")
        site = request.headers.get("Sec-Fetch-Site", "none")
        navigation = request.headers.get("Sec-Fetch-Mode", "navigate") == "navigate"
        if site not in ("same-origin", "none") and not (navigation and request.path == "/"):
            return refuse(403, "forbidden: request from another site")
        if request.method not in ("GET", "HEAD"):
            return refuse(405, "method not allowed")
        token = request.query.get("token")
        if token is not None and request.path == "/":
            if not _same(token, config.token):
                return refuse(403, "forbidden: wrong token")
            return _sign_in(config, expected_cookie, followed_link=site != "none")
        cookie = request.cookies.get(config.cookie_name)
        if cookie is None:
            return refuse(401, "not signed in: open the address pipetui serve printed")
        if not _same(cookie, expected_cookie):
            return refuse(403, "forbidden: stale or wrong session cookie")
        response = await handler(request)
        if not response.prepared:
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
        return response

    return guard


def _sign_in(config: ServeConfig, value: str, *, followed_link: bool) -> web.Response:
    """The first visit: set the cookie and send the browser to the bare
    address, so the token leaves the address bar.

    An address typed or pasted gets a 303. A link followed from another site
    (a chat in a browser tab) gets a page that moves on by itself instead:
    after a redirect that began on another site the browser would not send a
    SameSite=Strict cookie, and the bare address would answer 401.
    """
    if followed_link:
        response = web.Response(
            text='<!DOCTYPE html><meta http-equiv="refresh" content="0; url=/">'
            '<title>pipetui</title><a href="/">Open pipetui</a>\n',
            content_type="text/html",
        )
    else:
        response = web.Response(status=303, headers={"Location": "/"})
    response.headers.update(SECURITY_HEADERS)
    response.set_cookie(
        config.cookie_name,
        value,
        path="/",
        httponly=True,
        samesite="Strict",
        secure=config.secure_cookie,
    )
    return response
