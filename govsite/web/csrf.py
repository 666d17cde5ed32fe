"""Cross-site request forgery: every state-changing request must prove it came from our page.

A random token is kept in the (signed) session and put in every form we render as a hidden
`csrf_token` field; scripts and API clients send it as the `X-CSRF-Token` header (the JSON
API's `GET /api/me` hands it out). A POST, PUT, PATCH or DELETE without the session's token is
refused with 403 before any route runs: it is installed as an app-wide dependency, so a route
added later cannot forget it. SameSite cookies are the second line, not the only one.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SESSION_CSRF = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def csrf_token(request: Request) -> str:
    """The session's token, made on first use (a login starts a session with a new one)."""
    token = request.session.get(SESSION_CSRF)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return token


async def verify_csrf(request: Request) -> None:
    """App-wide dependency: a state-changing request without the session's token gets 403."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get(SESSION_CSRF)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not (isinstance(expected, str) and expected and sent
            and hmac.compare_digest(expected.encode(), sent.encode())):
        raise HTTPException(status_code=403, detail="请求校验失败（CSRF），请刷新页面后重试。")
