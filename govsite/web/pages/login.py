"""Signing in and out: the login form, lockouts and rate limits (govsite.web.auth), audit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from govsite.web import audit
from govsite.web.auth import (
    OUTCOME_OK,
    OUTCOME_RATE_LIMITED,
    attempt_login,
    client_address,
    end_session,
    session_user,
    start_session,
)
from govsite.web.templating import render

router = APIRouter(include_in_schema=False)
# One message for every failure: it must not tell a guesser which usernames exist.
FAILED = "登录失败：用户名或密码错误，或账户已被临时锁定。"
MAX_FIELD = 256


def safe_next(target: str | None) -> str:
    """Only a path on this site: `//evil.example` or `https://…` would be an open redirect."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:  # noqa: A002
    if session_user(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", next=safe_next(next), error=None, username="")


@router.post("/login")
def login(request: Request, username: Annotated[str, Form(max_length=MAX_FIELD)] = "",
          password: Annotated[str, Form(max_length=MAX_FIELD)] = "",
          next: Annotated[str, Form(max_length=2048)] = "/") -> Response:  # noqa: A002
    state = request.app.state
    name = username.strip() if "\x00" not in username else ""
    outcome = attempt_login(state.store, state.limiter, state.login_policy, name, password,
                            client_address(request))
    if outcome.reason == OUTCOME_OK and outcome.user is not None:
        start_session(request, outcome.user)
        audit.record(request, outcome.user.username, audit.LOGIN_SUCCEEDED, "user",
                     outcome.user.id)
        return RedirectResponse(safe_next(next), status_code=303)
    audit.record(request, name[:64], audit.LOGIN_FAILED, "user", name[:64],
                 reason=outcome.reason, locked_now=outcome.locked_now)
    if outcome.reason == OUTCOME_RATE_LIMITED:
        page = render(request, "login.html", status_code=429, next=safe_next(next),
                      error=f"登录尝试过于频繁，请 {outcome.retry_after} 秒后再试。", username=name)
        page.headers["Retry-After"] = str(outcome.retry_after)
        return page
    return render(request, "login.html", status_code=401, next=safe_next(next), error=FAILED,
                  username=name)


@router.post("/logout")
def logout(request: Request) -> Response:
    user = session_user(request)
    if user is not None:
        audit.record(request, user.username, audit.LOGOUT, "user", user.id)
    end_session(request)
    return RedirectResponse("/login", status_code=303)
