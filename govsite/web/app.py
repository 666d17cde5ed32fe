"""The web application (`govsite serve`): wiring only — store, sessions, guards, routes.

Everything a request passes through, outermost first: the body-size cap, security headers,
the signed session cookie, then two app-wide dependencies that run before any route (the
CSRF check and the read-only guard), then the route's own login and permission checks.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from govsite import __version__
from govsite.feedback import DeadlinePolicy, load_policy
from govsite.store.store import Store
from govsite.web import api, api_messages
from govsite.web.auth import LoginPolicy
from govsite.web.clock import Clock, system_clock
from govsite.web.csrf import verify_csrf
from govsite.web.intake import IntakePolicy
from govsite.web.middleware import SecurityHeaders
from govsite.web.pages import (
    accounts,
    compare,
    dashboard,
    exports,
    findings,
    login,
    message_import,
    messages,
    opendata,
    sites,
    zhaocuo,
)
from govsite.web.ratelimit import IpLimiter
from govsite.web.registry_sites import RegistryCache
from govsite.web.roles import LoginRequired, read_only_guard
from govsite.web.templating import render

SESSION_COOKIE = "govsite_session"
# A session lasts a working day; then the user signs in again.
SESSION_MAX_AGE_S = 8 * 3600
# The largest form or JSON body accepted (413 beyond): a review batch of thousands of findings
# fits. The one upload, a message export, has its own limit (pages.message_import).
MAX_BODY_BYTES = 1024 * 1024
ERROR_ZH = {404: "页面不存在", 405: "不支持该请求方式", 413: "请求内容过大"}


def create_app(store_url: str, *, secret_key: str | None = None, secure_cookies: bool = True,
               login_policy: LoginPolicy | None = None,
               session_max_age_s: int = SESSION_MAX_AGE_S, clock: Clock = system_clock,
               deadline_policy: DeadlinePolicy | None = None,
               intake_policy: IntakePolicy | None = None) -> FastAPI:
    """The application over the store at `store_url` (migrated to the newest schema).

    `secret_key` signs session cookies; without one a random key is made, so sessions end
    when the process does. `secure_cookies=False` drops the cookie's Secure flag, which only
    a plain-HTTP test or development server on 127.0.0.1 should ever need. `clock` is the
    workflow's now (messages received, deadlines passed, 按期办结率): tests pass their own to
    move time. `deadline_policy` is the 找错 deadlines profile (default: the bundled one);
    `intake_policy` limits the public form's reports per client address.
    """
    store = Store(store_url)
    store.migrate()
    policy = login_policy or LoginPolicy()
    intake = intake_policy or IntakePolicy()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(
        title="govsite 政府网站普查与绩效评估", version=__version__,
        description="JSON API of the govsite web application. Sign in through /login "
        "(a session cookie); send the token from GET /api/me as X-CSRF-Token on writes.",
        docs_url=None, redoc_url=None, lifespan=lifespan,  # the docs UIs load scripts from CDNs
        dependencies=[Depends(verify_csrf), Depends(read_only_guard)],
        max_body_size=MAX_BODY_BYTES,
    )
    app.state.store = store
    app.state.secret_key = secret_key or secrets.token_urlsafe(32)
    app.state.login_policy = policy
    app.state.limiter = IpLimiter(policy.ip_max_failures, policy.ip_window_s)
    app.state.clock = clock
    app.state.deadline_policy = deadline_policy or load_policy()
    app.state.intake_limiter = IpLimiter(intake.max_reports, intake.window_s)
    app.state.registry = RegistryCache()

    app.add_middleware(SessionMiddleware, secret_key=app.state.secret_key,
                       session_cookie=SESSION_COOKIE, max_age=session_max_age_s,
                       same_site="lax", https_only=secure_cookies)
    app.add_middleware(SecurityHeaders, hsts=secure_cookies)
    app.mount("/static", StaticFiles(packages=[("govsite.web", "static")]), name="static")
    # message_import before messages: /messages/import must not be read as /messages/{id}.
    for module in (login, dashboard, sites, compare, findings, exports, opendata, accounts,
                   message_import, messages, zhaocuo):
        app.include_router(module.router)
    app.include_router(api.router)
    app.include_router(api_messages.router)
    _handle_errors(app)
    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _handle_errors(app: FastAPI) -> None:
    """The API answers errors as JSON; pages answer with a Chinese page or the login form."""

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _: LoginRequired) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "未登录"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                                headers=exc.headers)
        message = exc.detail
        # English detail is the framework's own ("Not Found"); ours are Chinese.
        if not isinstance(message, str) or message.isascii():
            message = ERROR_ZH.get(exc.status_code, "请求无法完成")
        page = render(request, "error.html", status_code=exc.status_code, status=exc.status_code,
                      message=message)
        page.headers.update(exc.headers or {})
        return page

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return await request_validation_exception_handler(request, exc)
        return render(request, "error.html", status_code=400, status=400, message="请求参数无效")

