"""Every state-changing request needs the session's CSRF token, as a field or a header."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from govsite.store import Store
from tests.web.conftest import GZ, PASSWORD, ClientFactory, Seeded, csrf_from

SignIn = Callable[[str], tuple[TestClient, str]]


def _review(run: str) -> dict[str, object]:
    return {"run_id": run, "site_code": GZ, "finding": 0, "verdict": "confirmed", "reason": "属实"}


def test_forms_and_json_without_the_token_are_refused(client_as: SignIn, seeded: Seeded,
                                                       store: Store) -> None:
    client, token = client_as("staff")
    form = {"run": seeded.new_run, "profile": "gb2019", "verdict": "confirmed", "reason": "属实",
            "keys": f"{GZ}:0"}
    for data in (form, {**form, "csrf_token": "forged"}, {**form, "csrf_token": ""}):
        response = client.post("/findings/review", data=data)
        assert response.status_code == 403 and "CSRF" in response.text
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        assert client.post("/api/reviews", json=_review(seeded.new_run), headers=headers).status_code == 403
    assert client.delete("/api/reviews/1").status_code == 403
    assert client.post("/logout").status_code == 403
    assert store.list_reviews() == []

    assert client.post("/findings/review", data={**form, "csrf_token": token},
                       follow_redirects=False).status_code == 303
    created = client.post("/api/reviews", json=_review(seeded.new_run), headers={"X-CSRF-Token": token})
    assert created.status_code == 201
    assert client.delete(f"/api/reviews/{created.json()['id']}",
                         headers={"X-CSRF-Token": token}).status_code == 204


def test_login_needs_the_token_of_the_login_form(make_client: ClientFactory) -> None:
    client = make_client()
    data = {"username": "admin", "password": PASSWORD, "next": "/"}
    assert client.post("/login", data=data).status_code == 403
    token = csrf_from(client.get("/login").text)
    assert client.post("/login", data={**data, "csrf_token": token},
                       follow_redirects=False).status_code == 303


def test_another_sessions_token_does_not_work(client_as: SignIn, seeded: Seeded) -> None:
    _, staff_token = client_as("staff")
    admin, _ = client_as("admin")
    response = admin.post("/api/reviews", json=_review(seeded.new_run),
                          headers={"X-CSRF-Token": staff_token})
    assert response.status_code == 403
