"""Logins: argon2 hashes only, lockout per account, rate limit per address, sessions, audit."""

from __future__ import annotations

from datetime import timedelta

from govsite.store import Store
from govsite.web import create_app
from govsite.web.auth import LoginPolicy, check_password, hash_password
from tests.web.conftest import PASSWORD, SECRET, ClientFactory, csrf_from, login


def _try(client, username: str, password: str, next_url: str = "/"):  # noqa: ANN001, ANN202
    token = csrf_from(client.get("/login").text)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token, "next": next_url},
                       follow_redirects=False)


def test_passwords_are_stored_as_argon2_hashes_only(store: Store, seeded: object) -> None:
    user = store.get_user("admin")
    assert user is not None
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert check_password(user.password_hash, PASSWORD)
    assert not check_password(user.password_hash, PASSWORD + "x")


def test_login_and_logout_are_audited(make_client: ClientFactory, store: Store) -> None:
    client = make_client()
    assert _try(client, "admin", "wrong password!").status_code == 401
    assert _try(client, "nobody", "wrong password!").status_code == 401
    response = _try(client, "admin", PASSWORD, next_url="/findings")
    assert response.status_code == 303 and response.headers["location"] == "/findings"
    token = client.get("/api/me").json()["csrf_token"]
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/api/me").status_code == 401

    log = [(e.action, e.actor, e.detail.get("reason")) for e in reversed(store.list_audit())]
    assert log == [("login.failed", "admin", "bad_password"), ("login.failed", "nobody", "unknown_user"),
                   ("login.succeeded", "admin", None), ("logout", "admin", None)]
    assert all(e.detail["ip"] for e in store.list_audit())
    user = store.get_user("admin")
    assert user is not None and user.last_login_at is not None and user.failed_logins == 0


def test_account_locks_after_repeated_failures(make_client: ClientFactory, store: Store) -> None:
    client = make_client(LoginPolicy(max_failures=3, lock_for=timedelta(minutes=15)))
    for _ in range(3):
        assert _try(client, "staff", "not the password").status_code == 401
    locked = store.get_user("staff")
    assert locked is not None and locked.failed_logins == 3 and locked.locked_until is not None
    # Even the right password is refused while the lock lasts, with the same message.
    response = _try(client, "staff", PASSWORD)
    assert response.status_code == 401 and "登录失败" in response.text
    reasons = [e.detail["reason"] for e in store.list_audit(action="login.failed")]
    assert reasons[0] == "locked" and reasons.count("bad_password") == 3
    assert store.list_audit(action="login.failed")[1].detail["locked_now"] is True
    # An administrator's password reset lifts the lock.
    store.set_password(locked.id, locked.password_hash)
    assert _try(client, "staff", PASSWORD).status_code == 303


def test_addresses_are_rate_limited(make_client: ClientFactory) -> None:
    client = make_client(LoginPolicy(max_failures=100, ip_max_failures=4, ip_window_s=300))
    for name in ("a1", "a2", "staff", "viewer"):  # spread over accounts: no account lock helps
        assert _try(client, name, "guess guess guess").status_code == 401
    response = _try(client, "admin", PASSWORD)
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    assert client.get("/api/me").status_code == 401


def test_session_is_rotated_at_login(make_client: ClientFactory) -> None:
    client = make_client()
    before_token = csrf_from(client.get("/login").text)
    before_cookie = client.cookies.get("govsite_session")
    token = login(client, "staff")
    assert client.cookies.get("govsite_session") != before_cookie
    assert token != before_token
    # The token of the anonymous session no longer works.
    response = client.post("/api/reviews", json={}, headers={"X-CSRF-Token": before_token})
    assert response.status_code == 403


def test_session_cookie_flags(store_url: str, seeded: object) -> None:
    from fastapi.testclient import TestClient

    secure = TestClient(create_app(store_url, secret_key=SECRET), base_url="https://testserver")
    cookie = secure.get("/login").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
    assert "strict-transport-security" in secure.get("/login").headers

    plain = TestClient(create_app(store_url, secret_key=SECRET, secure_cookies=False))
    cookie = plain.get("/login").headers["set-cookie"].lower()
    assert "httponly" in cookie and "secure" not in cookie


def test_password_reset_and_deactivation_end_sessions(make_client: ClientFactory,
                                                      store: Store) -> None:
    staff = make_client()
    login(staff, "staff")
    viewer = make_client()
    login(viewer, "viewer")
    user = store.get_user("staff")
    assert user is not None
    store.set_password(user.id, user.password_hash)
    assert staff.get("/api/me").status_code == 200  # the same hash: still the same session
    store.set_password(user.id, hash_password("a brand new password"))
    assert staff.get("/api/me").status_code == 401
    viewer_user = store.get_user("viewer")
    assert viewer_user is not None
    store.deactivate(viewer_user.id)
    assert viewer.get("/api/me").status_code == 401
    assert _try(viewer, "viewer", PASSWORD).status_code == 401


def test_login_redirects_only_within_the_site(make_client: ClientFactory) -> None:
    client = make_client()
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = _try(client, "staff", PASSWORD, next_url=target)
        assert response.headers["location"] == "/", target
        client.cookies.clear()


def test_anonymous_requests_go_to_the_login(make_client: ClientFactory) -> None:
    client = make_client()
    response = client.get("/findings?rule=links.broken", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Ffindings%3Frule%3Dlinks.broken"
    assert client.get("/api/runs").status_code == 401
    assert client.get("/export/scores.csv", follow_redirects=False).status_code == 303
