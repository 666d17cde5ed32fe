"""`govsite users add/list` and the guard on `govsite serve --insecure-cookies`."""

from __future__ import annotations

from typer.testing import CliRunner

from govsite.cli import app
from govsite.store import Store
from govsite.web.auth import check_password

runner = CliRunner()


def test_users_add_and_list(store_url: str, store: Store) -> None:
    result = runner.invoke(app, ["users", "add", "haide-ops", "--role", "unit", "--unit",
                                 "北京市海德区人民政府办公室", "--name", "海德运维", "--password-stdin",
                                 "--db", store_url], input="a long enough password\n")
    assert result.exit_code == 0, result.output
    user = store.get_user("haide-ops")
    assert user is not None and user.role == "unit" and user.unit == "北京市海德区人民政府办公室"
    assert user.display_name == "海德运维" and user.active
    assert check_password(user.password_hash, "a long enough password")
    assert "a long enough password" not in user.password_hash
    (entry,) = store.list_audit(action="user.added")
    assert entry.actor == "cli" and entry.detail["username"] == "haide-ops"

    # Piped input is read without --password-stdin; the password is never echoed.
    result = runner.invoke(app, ["users", "add", "boss", "--role", "admin", "--db", store_url],
                           input="another long password\n")
    assert result.exit_code == 0 and "another long password" not in result.output

    listing = runner.invoke(app, ["users", "list", "--db", store_url], env={"COLUMNS": "200"})
    assert listing.exit_code == 0
    assert "haide-ops" in listing.output and "boss" in listing.output and "海德运维" in listing.output


def test_users_add_refuses_bad_input(store_url: str, store: Store) -> None:
    def add(*args: str, password: str = "a long enough password") -> int:
        return runner.invoke(app, ["users", "add", *args, "--db", store_url],
                             input=password + "\n").exit_code

    assert add("short", "--role", "staff", password="short") == 2
    assert add("nounit", "--role", "unit") == 2
    assert add("who", "--role", "superuser") == 2
    assert add("bad name!", "--role", "staff") == 2
    assert add("dup", "--role", "viewer") == 0
    assert add("dup", "--role", "viewer") == 2
    assert [u.username for u in store.list_users()] == ["dup"]


def test_serve_refuses_insecure_cookies_off_loopback() -> None:
    result = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--insecure-cookies"])
    assert result.exit_code == 2 and "127.0.0.1" in result.output
