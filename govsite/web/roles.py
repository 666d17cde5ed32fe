"""Who may see and do what.

admin (centre administrator) does everything, accounts and the audit log included; staff
(centre staff) everything but those; viewer reads the whole fleet and changes nothing; unit
(a unit's operator) reads only the sites of its unit. A site's unit is the 主办单位 of the top
site of its 上级网站 chain (`govsite.evaluate.sampling.units_of`, shared with the 抽查 plan, so
a unit sees exactly the sites it is evaluated and sampled on).

Reviewing findings is the centre's (admin, staff): a unit judging its own findings would be
grading itself. 找错 messages follow the same split: the centre enters, routes and closes them,
a unit sees and answers only its own unit's (govsite.feedback.states decides each step).
Anything a unit may not see answers 404, as if it did not exist, so a guessed URL does not
even confirm that another unit's site (or message) is there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from govsite.store.user_store import ROLE_ADMIN, ROLE_STAFF, ROLE_UNIT, ROLE_VIEWER, User
from govsite.web.auth import session_user
from govsite.web.csrf import SAFE_METHODS

VIEW_FLEET = "view_fleet"
REVIEW = "review"
ACCOUNTS = "accounts"
# Entering 找错 messages (import of the national platform's export, the API): the centre's.
# Who may take which workflow step is the state machine's (govsite.feedback.states).
MANAGE_MESSAGES = "manage_messages"
# A member of the public's 联系方式: for those who handle the message, not for read-only eyes.
MESSAGE_CONTACT = "message_contact"

PERMISSIONS: dict[str, frozenset[str]] = {
    ROLE_ADMIN: frozenset({VIEW_FLEET, REVIEW, ACCOUNTS, MANAGE_MESSAGES, MESSAGE_CONTACT}),
    ROLE_STAFF: frozenset({VIEW_FLEET, REVIEW, MANAGE_MESSAGES, MESSAGE_CONTACT}),
    ROLE_VIEWER: frozenset({VIEW_FLEET}),
    ROLE_UNIT: frozenset({MESSAGE_CONTACT}),
}
ROLE_ZH = {ROLE_ADMIN: "管理员", ROLE_STAFF: "中心工作人员", ROLE_UNIT: "单位运维人员",
           ROLE_VIEWER: "只读用户"}
# The only state change a read-only account makes: ending its own session.
READ_ONLY_ALLOWED = frozenset({"/logout"})


class LoginRequired(Exception):  # noqa: N818  (a signal, handled by a redirect or a 401)
    """No valid session: pages redirect to the login form, the API answers 401."""


def can(user: User, permission: str) -> bool:
    return permission in PERMISSIONS.get(user.role, frozenset())


def unit_scope(user: User) -> str | None:
    """The unit whose sites `user` is limited to; None for the roles that see every site."""
    return user.unit if user.role == ROLE_UNIT else None


def not_found() -> HTTPException:
    return HTTPException(status_code=404, detail="未找到")


def require_user(request: Request) -> User:
    user = session_user(request)
    if user is None:
        raise LoginRequired
    return user


def require(permission: str) -> Callable[[User], User]:
    """Dependency: the signed-in user, if their role carries `permission`; else 403."""

    def dependency(user: Annotated[User, Depends(require_user)]) -> User:
        if not can(user, permission):
            raise HTTPException(status_code=403, detail="无权限执行此操作")
        return user

    return dependency


def read_only_guard(request: Request) -> None:
    """App-wide dependency: a viewer's state-changing request is refused, whatever the route."""
    if request.method in SAFE_METHODS or request.url.path in READ_ONLY_ALLOWED:
        return
    user = session_user(request)
    if user is not None and user.role == ROLE_VIEWER:
        raise HTTPException(status_code=403, detail="只读账户不能修改数据")

