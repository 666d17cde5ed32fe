"""The audit trail of the web application: every state change, and every login attempt.

One helper so that each line carries the same things — the acting account (or the username
tried, for a failed login), the client address — and action names stay in one list.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from govsite.web.auth import client_address

LOGIN_SUCCEEDED = "login.succeeded"
LOGIN_FAILED = "login.failed"
LOGOUT = "logout"
REVIEW_ADDED = "review.added"
REVIEW_WITHDRAWN = "review.withdrawn"
USER_ADDED = "user.added"
USER_PASSWORD_SET = "user.password_set"
USER_DEACTIVATED = "user.deactivated"

ACTION_ZH = {
    LOGIN_SUCCEEDED: "登录成功",
    LOGIN_FAILED: "登录失败",
    LOGOUT: "退出登录",
    REVIEW_ADDED: "记录复核",
    REVIEW_WITHDRAWN: "撤销复核",
    USER_ADDED: "新建账户",
    USER_PASSWORD_SET: "重置密码",
    USER_DEACTIVATED: "停用账户",
}


def record(request: Request, actor: str, action: str, object_type: str, object_id: str | int,
           **detail: Any) -> None:
    """Write one audit line for a request, with the client's address in its details."""
    request.app.state.store.add_audit(actor, action, object_type, str(object_id),
                                      {"ip": client_address(request), **detail})
