"""The dashboard's guards: an access token, security headers, CSRF tokens and safe links.

The middleware is plain ASGI so that it wraps streamed responses (the CSV download) too.
"""

from __future__ import annotations

import hmac
import secrets
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["CSP", "Guard", "safe_url", "new_secret", "LOOPBACK"]

#: No inline script or style, nothing from another origin, no plugins, no framing.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")

HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
COOKIE = "forewarn_token"


def new_secret() -> str:
    """A random token (for CSRF, or for ``--token`` when one is wanted)."""
    return secrets.token_urlsafe(32)


def safe_url(url: Any) -> str | None:
    """``url`` if it is an absolute http(s) address, else ``None`` (``javascript:``, ``data:`` and
    relative or malformed addresses are never rendered as links)."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    if any(ord(c) < 0x20 for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two tokens (``False`` when either is missing)."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a).encode(), str(b).encode())


class Guard:
    """ASGI middleware: checks the access token (when one is set) and adds security headers.

    With a token, a request must carry it as ``Authorization: Bearer T``, as the cookie set on the
    first visit, or once as ``?token=T`` (which sets that cookie, HttpOnly and SameSite=Strict).
    """

    def __init__(self, app: Any, token: str | None = None, hosts: Any = None) -> None:
        self.app = app
        self.token = token
        self.hosts = None if hosts is None else {h.lower() for h in hosts}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if self.hosts is not None and _host(scope) not in self.hosts:
            # a page elsewhere that points its own name at 127.0.0.1 (DNS rebinding) gets nothing
            return await _deny(send, b"forbidden: unexpected Host header\n")
        set_cookie = False
        if self.token:
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            given = None
            auth = headers.get("authorization", "")
            if auth.lower().startswith("bearer "):
                given = auth[7:].strip()
            if not given and "cookie" in headers:
                jar = SimpleCookie()
                try:
                    jar.load(headers["cookie"])
                except Exception:  # noqa: BLE001 - a malformed cookie header is just no token
                    jar = SimpleCookie()
                if COOKIE in jar:
                    given = jar[COOKIE].value
            if not given:
                query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
                if query.get("token"):
                    given = query["token"][0]
                    set_cookie = True
            if not same(given, self.token):
                return await _deny(send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                hdrs = list(message.get("headers", []))
                names = {k.lower() for k, _ in hdrs}
                hdrs += [(k, v) for k, v in HEADERS if k not in names]
                if set_cookie:
                    hdrs.append((b"set-cookie", f"{COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/".encode()))
                message = {**message, "headers": hdrs}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _host(scope) -> str:
    """The host name of the request's Host header, without port or brackets."""
    for k, v in scope.get("headers", []):
        if k == b"host":
            text = v.decode("latin-1").strip().lower()
            if text.startswith("["):
                return text[1:text.find("]")] if "]" in text else text
            return text.rsplit(":", 1)[0] if text.count(":") == 1 else text
    return ""


async def _deny(send, body: bytes | None = None) -> None:
    body = body or b"forbidden: this dashboard needs its access token (?token=... once, or Authorization: Bearer ...)\n"
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *HEADERS]})
    await send({"type": "http.response.body", "body": body})
