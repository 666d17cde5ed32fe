"""账户管理 and 审计日志: the administrator's pages. Every change is written to the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from govsite.store.store import Store
from govsite.store.user_store import ROLE_UNIT, ROLES, User, UserExistsError
from govsite.web import audit
from govsite.web.auth import USERNAME_PATTERN, PasswordPolicyError, hash_password
from govsite.web.roles import ACCOUNTS, not_found, require
from govsite.web.templating import render

router = APIRouter(include_in_schema=False)
Admin = Annotated[User, Depends(require(ACCOUNTS))]
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]
AUDIT_PAGE = 100


@router.get("/admin/users")
def users_page(request: Request, user: Admin) -> Response:
    store: Store = request.app.state.store
    return render(request, "users.html", users=store.list_users(), roles=ROLES)


def _back() -> RedirectResponse:
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users")
def add_user(request: Request, user: Admin,
             username: Annotated[str, Form(pattern=USERNAME_PATTERN)],
             password: Annotated[str, Form(max_length=256)],
             role: Annotated[str, Form(pattern=f"^({'|'.join(ROLES)})$")],
             unit: Annotated[str, Form(max_length=255)] = "",
             display_name: Annotated[str, Form(max_length=255)] = "") -> Response:
    store: Store = request.app.state.store
    if role == ROLE_UNIT and not unit.strip():
        raise HTTPException(status_code=400, detail="单位运维人员账户须填写所属单位（主办单位）")
    if "\x00" in unit + display_name:
        raise HTTPException(status_code=400, detail="单位或姓名含有无效字符")
    try:
        new_id = store.add_user(username, hash_password(password), role=role, unit=unit,
                                display_name=display_name)
    except PasswordPolicyError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    except UserExistsError:
        raise HTTPException(status_code=400, detail=f"用户名 {username} 已存在") from None
    audit.record(request, user.username, audit.USER_ADDED, "user", new_id, username=username,
                 role=role, unit=unit.strip() if role == ROLE_UNIT else "")
    return _back()


@router.post("/admin/users/{user_id}/password")
def set_password(request: Request, user: Admin, user_id: UserId,
                 password: Annotated[str, Form(max_length=256)]) -> Response:
    store: Store = request.app.state.store
    target = store.get_user_by_id(user_id)
    if target is None:
        raise not_found()
    try:
        store.set_password(user_id, hash_password(password))
    except PasswordPolicyError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    audit.record(request, user.username, audit.USER_PASSWORD_SET, "user", user_id,
                 username=target.username)
    return _back()


@router.post("/admin/users/{user_id}/deactivate")
def deactivate(request: Request, user: Admin, user_id: UserId) -> Response:
    store: Store = request.app.state.store
    target = store.get_user_by_id(user_id)
    if target is None:
        raise not_found()
    if target.id == user.id:
        raise HTTPException(status_code=400, detail="不能停用自己的账户")
    store.deactivate(user_id)
    audit.record(request, user.username, audit.USER_DEACTIVATED, "user", user_id,
                 username=target.username)
    return _back()


@router.get("/admin/audit")
def audit_page(request: Request, user: Admin,
               page: Annotated[int, Query(ge=1, le=100000)] = 1) -> Response:
    store: Store = request.app.state.store
    entries = store.list_audit(limit=AUDIT_PAGE + 1, offset=(page - 1) * AUDIT_PAGE)
    return render(request, "audit.html", entries=entries[:AUDIT_PAGE], page=page,
                  more=len(entries) > AUDIT_PAGE)
