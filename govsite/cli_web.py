"""`govsite serve` (the web application) and `govsite users` (its accounts)."""

from __future__ import annotations

import ipaddress
import os
import re
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from govsite.cli_common import DEFAULT_DB, fail, open_store

console = Console()
SECRET_ENV = "GOVSITE_SECRET_KEY"

users_app = typer.Typer(
    help="Accounts of the web application (`govsite serve`): admin, staff, unit, viewer. "
    "Start with `govsite users add admin --role admin`.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)

Db = Annotated[str, typer.Option("--db", help="Store URL (the census's --db).")]


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    db: Db = DEFAULT_DB,
    host: Annotated[str, typer.Option("--host", help="Address to listen on; put a TLS reverse proxy in front for anything but this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    insecure_cookies: Annotated[bool, typer.Option("--insecure-cookies", help="Send the session cookie without the Secure flag, for plain-HTTP development on 127.0.0.1 only (refused for any other --host).")] = False,
    deadlines: Annotated[Path | None, typer.Option("--deadlines", help="找错 message deadlines YAML (docs/messages.md); default: the bundled file.")] = None,
    deadline_profile: Annotated[str, typer.Option("--deadline-profile", help="Which profile of the deadlines file to use.")] = "default",
) -> None:
    """Run the web application: dashboards, site pages, reviews, exports, the JSON API.

    Sessions are signed with the key in the GOVSITE_SECRET_KEY environment variable (keep it
    the same across restarts, or everyone signs in again); without it a random key is used.
    """
    if insecure_cookies and not _loopback(host):
        raise fail(console, "--insecure-cookies 仅用于 127.0.0.1 上的本机开发测试；对外服务请使用 HTTPS")
    import uvicorn

    from govsite.feedback.deadlines import DeadlineConfigError, load_policy
    from govsite.web import create_app

    try:
        policy = load_policy(deadlines, deadline_profile)
    except (DeadlineConfigError, OSError) as exc:
        raise fail(console, str(exc)) from None
    secret = os.environ.get(SECRET_ENV)
    if not secret:
        console.print(f"[yellow]未设置 {SECRET_ENV}：使用临时密钥，服务重启后需重新登录。[/]")
    app = create_app(db, secret_key=secret, secure_cookies=not insecure_cookies,
                     deadline_policy=policy)
    console.print(f"govsite 网站管理平台：http://{host}:{port}/  （Ctrl-C 停止）")
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)


def _read_password(from_stdin: bool) -> str:
    """From standard input when asked or piped; else an interactive, confirmed prompt."""
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("密码", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def add_user(
    username: Annotated[str, typer.Argument(help="Login name (letters, digits, _.@-).")],
    role: Annotated[str, typer.Option("--role", help="admin (everything), staff (all but accounts), unit (its unit's sites only), viewer (read-only).")],
    unit: Annotated[str, typer.Option("--unit", help="For --role unit: the 主办单位 its sites roll up to (the top of each site's 上级网站 chain).")] = "",
    name: Annotated[str, typer.Option("--name", help="Display name (姓名) shown in the application.")] = "",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first line of standard input (also the default when input is piped).")] = False,
    db: Db = DEFAULT_DB,
) -> None:
    """Create an account; the password is prompted for (or read from standard input)."""
    from govsite.store.user_store import UserExistsError
    from govsite.web.audit import USER_ADDED
    from govsite.web.auth import USERNAME_PATTERN, PasswordPolicyError, hash_password

    if not re.fullmatch(USERNAME_PATTERN, username):
        raise fail(console, "用户名只能包含字母、数字和 _.@-，长度 2–64")
    try:
        password_hash = hash_password(_read_password(password_stdin))
        store = open_store(db)
        user_id = store.add_user(username, password_hash, role=role, unit=unit, display_name=name)
    except (PasswordPolicyError, UserExistsError, ValueError) as exc:
        raise fail(console, str(exc)) from None
    store.add_audit("cli", USER_ADDED, "user", str(user_id),
                    {"username": username, "role": role, "unit": unit, "via": "govsite users add"})
    console.print(f"已创建账户 {username}（{role}{'，' + unit if unit else ''}）")


@users_app.command("list")
def list_users(db: Db = DEFAULT_DB) -> None:
    """List every account: role, unit, whether active, last login."""
    table = Table(title="账户")
    for col in ("用户名", "姓名", "角色", "所属单位", "状态", "最近登录"):
        table.add_column(col, overflow="fold")
    for user in open_store(db).list_users():
        table.add_row(user.username, user.display_name, user.role, user.unit or "",
                      "正常" if user.active else "已停用",
                      user.last_login_at.isoformat(timespec="seconds") if user.last_login_at else "")
    console.print(table)
