"""What each role sees and may do: admin, staff, viewer, and unit operators of two units."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from govsite.store import Store
from tests.web.conftest import DEPT, GUANGZHOU, GZ, HAIDE, PORTAL, XSS_SITE, Seeded

SignIn = Callable[[str], tuple[TestClient, str]]


def _review_form(run: str, token: str, key: str) -> dict[str, str]:
    return {"csrf_token": token, "run": run, "profile": "gb2019", "verdict": "confirmed",
            "reason": "人工核实属实", "scope": "site", "pin": "page", "keys": key}


def test_admin_manages_accounts_and_reads_the_audit_log(client_as: SignIn, store: Store) -> None:
    client, token = client_as("admin")
    page = client.get("/admin/users")
    assert page.status_code == 200 and "账户管理" in page.text and "haide" in page.text
    response = client.post("/admin/users", data={
        "csrf_token": token, "username": "newunit", "password": "a long enough password",
        "role": "unit", "unit": GUANGZHOU, "display_name": "新单位"}, follow_redirects=False)
    assert response.status_code == 303
    new = store.get_user("newunit")
    assert new is not None and new.role == "unit" and new.unit == GUANGZHOU
    assert new.password_hash.startswith("$argon2id$")
    assert client.post(f"/admin/users/{new.id}/password", data={
        "csrf_token": token, "password": "another long password"}, follow_redirects=False).status_code == 303
    assert client.post(f"/admin/users/{new.id}/deactivate", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    after = store.get_user("newunit")
    assert after is not None and not after.active
    # Refused: a weak password, a unit account without its unit, deactivating oneself.
    for data in ({"username": "weak", "password": "short", "role": "staff"},
                 {"username": "nounit", "password": "a long enough password", "role": "unit"}):
        assert client.post("/admin/users", data={"csrf_token": token, **data}).status_code == 400
    me = store.get_user("admin")
    assert me is not None
    assert client.post(f"/admin/users/{me.id}/deactivate", data={"csrf_token": token}).status_code == 400

    actions = [(e.action, e.object_id) for e in store.list_audit(object_type="user")]
    assert ("user.added", str(new.id)) in actions
    assert ("user.password_set", str(new.id)) in actions
    assert ("user.deactivated", str(new.id)) in actions
    audit_page = client.get("/admin/audit")
    assert audit_page.status_code == 200 and "新建账户" in audit_page.text and "停用账户" in audit_page.text


def test_staff_reviews_but_has_no_account_pages(client_as: SignIn, seeded: Seeded) -> None:
    client, token = client_as("staff")
    assert client.get("/").status_code == 200
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/audit").status_code == 403
    assert client.post("/admin/users", data={"csrf_token": token, "username": "x1",
                                             "password": "a long enough password",
                                             "role": "admin"}).status_code == 403
    response = client.post("/findings/review", data=_review_form(seeded.new_run, token, f"{GZ}:0"),
                           follow_redirects=False)
    assert response.status_code == 303
    assert "记录复核" in client.get("/findings").text
    assert client.get("/opendata").status_code == 200


def test_viewer_reads_everything_and_changes_nothing(client_as: SignIn, seeded: Seeded,
                                                     store: Store) -> None:
    client, token = client_as("viewer")
    for path in ("/", f"/sites/{GZ}", "/findings", "/compare", "/reviews", "/opendata",
                 f"/api/runs/{seeded.new_run}/sites"):
        assert client.get(path).status_code == 200, path
    assert "记录复核" not in client.get("/findings").text  # no review form is offered
    assert client.get("/admin/users").status_code == 403
    # Every state-changing request is refused, even with a valid CSRF token.
    assert client.post("/findings/review", data=_review_form(seeded.new_run, token, f"{GZ}:0"),
                       ).status_code == 403
    assert client.post("/api/reviews", headers={"X-CSRF-Token": token}, json={
        "run_id": seeded.new_run, "site_code": GZ, "finding": 0, "verdict": "confirmed",
        "reason": "x"}).status_code == 403
    assert client.delete("/api/reviews/1", headers={"X-CSRF-Token": token}).status_code == 403
    assert client.post("/reviews/1/withdraw", data={"csrf_token": token}).status_code == 403
    assert store.list_reviews() == []
    # …but signing out is allowed.
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303


@pytest.mark.parametrize("username", ["haide", "gz"])
def test_unit_operator_sees_only_its_own_sites(client_as: SignIn, seeded: Seeded,
                                               username: str) -> None:
    client, token = client_as(username)
    own, other = ({PORTAL, DEPT, XSS_SITE}, {GZ}) if username == "haide" else ({GZ}, {PORTAL, DEPT, XSS_SITE})
    unit = HAIDE if username == "haide" else GUANGZHOU
    run = seeded.new_run

    home = client.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/unit"
    page = client.get("/unit")
    assert page.status_code == 200 and unit in page.text
    for code in own:
        assert f"/sites/{code}?" in page.text
        assert client.get(f"/sites/{code}").status_code == 200
        assert client.get(f"/api/runs/{run}/sites/{code}").status_code == 200
    for code in other:
        assert f"/sites/{code}?" not in page.text
        assert client.get(f"/sites/{code}").status_code == 404
        assert client.get(f"/sites/{code}?run={seeded.old_run}").status_code == 404
        assert client.get(f"/api/runs/{run}/sites/{code}").status_code == 404
        assert client.get(f"/findings?site={code}").status_code == 404
        assert client.get(f"/api/runs/{run}/findings?site={code}").status_code == 404
        assert client.get(f"/export/findings.csv?site={code}").status_code == 404
    other_unit = GUANGZHOU if username == "haide" else HAIDE
    assert client.get("/unit", params={"unit": other_unit}).status_code == 404
    assert client.get("/export/scores.csv", params={"unit": other_unit}).status_code == 404

    sites = {s["site_code"] for s in client.get(f"/api/runs/{run}/sites").json()}
    assert sites == own
    findings = {f["site_code"] for f in client.get(f"/api/runs/{run}/findings").json()}
    assert findings <= own and findings
    rows = list(csv.reader(io.StringIO(client.get("/export/scores.csv").content.decode("utf-8-sig"))))
    assert {r[1] for r in rows[1:]} == own
    compared = client.get(f"/api/compare?base={seeded.old_run}&head={run}").json()
    assert {f["site_code"] for k in ("new", "fixed", "persisting") for f in compared[k]} <= own
    # Fleet-wide data and the centre's pages are not theirs.
    assert client.get("/opendata").status_code == 404
    assert client.get(f"/opendata/{run}.zip").status_code == 404
    assert client.get("/admin/users").status_code == 403
    # Reviewing is the centre's: a unit may not clear its own findings.
    code = sorted(own)[0]
    assert client.post("/findings/review", data=_review_form(run, token, f"{code}:0")).status_code == 403
