"""The JSON API against its own OpenAPI description, driven by schemathesis.

Every operation of /openapi.json is called in-process (ASGI), signed in as staff (so the
writes are reachable) with the session's CSRF token, with generated valid input, generated
invalid input, and valid input pinned to ids that exist (random ids would only ever find
404s): runs, sites, reviews and 找错 messages, with bodies that name registered sites and a
step (分办) staff may take. No answer may be a server error, and every answer must match the documented status
codes, content types and schemas (schemathesis' default checks; see the one exception below).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from govsite.feedback import MESSAGE_TYPES, Router, load_policy, receive
from govsite.review import Review
from govsite.store import Store
from govsite.web import create_app
from tests.web.conftest import DEPT, GZ, PORTAL, SECRET, SITES, XSS_SITE, Seeded, login

EXAMPLES = 25


@pytest.fixture
def signed_in(store_url: str, store: Store, seeded: Seeded) -> Iterator[tuple[FastAPI, dict[str, str], str]]:
    for site in (PORTAL, GZ):
        store.add_review(Review(id=None, rule="links.broken", verdict="confirmed", reason="属实",
                                site_code=site, reviewer="staff"))
    for site in (DEPT, XSS_SITE, GZ):  # 找错 messages in state 待分办, for staff to route
        store.add_message(receive(
            route=Router(SITES).route(site), source="api", msg_type="其他", title="", content="内容",
            page_url="", contact="", submitter_kind="public", received_at=datetime.now(UTC),
            policy=load_policy()), actor="staff")
    app = create_app(store_url, secret_key=SECRET, secure_cookies=False)
    with TestClient(app) as client:
        token = login(client, "staff")
        yield app, {"govsite_session": client.cookies["govsite_session"]}, token


def _strategies(operation: Any, store: Store, seeded: Seeded) -> st.SearchStrategy[Any]:
    """Generated cases, valid and invalid, plus valid ones about runs, sites and reviews that exist."""
    runs = [seeded.old_run, seeded.new_run]
    path_pins = {"run_id": runs, "site_code": [PORTAL, DEPT, XSS_SITE, GZ],
                 "review_id": [r.id for r in store.list_reviews()],
                 "message_id": [m.id for m in store.list_messages()]}
    query_pins = {"base": runs, "head": runs, "site": [PORTAL, GZ], "profile": ["gb2019"]}
    names = {p.name for p in operation.iter_parameters()}
    path = {k: st.sampled_from(v) for k, v in path_pins.items() if k in names and v}
    query = {k: st.sampled_from(v) for k, v in query_pins.items() if k in names}
    options = [operation.as_strategy(), operation.as_strategy(GenerationMode.NEGATIVE)]
    if path or query:
        options.append(st.tuples(st.fixed_dictionaries(path), st.fixed_dictionaries(query)).flatmap(
            lambda pq: operation.as_strategy(path_parameters=pq[0] or None, query=pq[1] or None)))
    if operation.method.upper() == "POST" and operation.path == "/api/reviews":
        # Always recordable: every seeded site has a finding 0, and page and rule pins need no text.
        bodies = st.fixed_dictionaries({
            "run_id": st.sampled_from(runs), "site_code": st.sampled_from([PORTAL, XSS_SITE, GZ]),
            "finding": st.just(0), "verdict": st.sampled_from(["confirmed", "false_positive"]),
            "reason": st.text(min_size=1, max_size=40).filter(str.strip),
            "scope": st.just("site"), "pin": st.sampled_from(["page", "rule"])})
        options.append(bodies.flatmap(lambda body: operation.as_strategy(body=body)))
    if operation.method.upper() == "POST" and operation.path == "/api/messages":
        # Sites of the registry, so that the message can be routed.
        bodies = st.fixed_dictionaries({
            "site_code": st.sampled_from([PORTAL, DEPT, GZ]), "msg_type": st.sampled_from(MESSAGE_TYPES),
            "content": st.text(min_size=1, max_size=40).filter(str.strip)})
        options.append(bodies.flatmap(lambda body: operation.as_strategy(body=body)))
    if operation.method.upper() == "POST" and operation.path == "/api/messages/{message_id}/actions":
        # 分办: the step staff may take on the seeded messages (once each; then it is refused).
        ids = st.sampled_from([m.id for m in store.list_messages()])
        options.append(st.tuples(ids, st.text(max_size=20)).flatmap(
            lambda pair: operation.as_strategy(path_parameters={"message_id": pair[0]},
                                               body={"action": "分办", "note": pair[1]})))
    return st.one_of(options)


def _fuzz(operation: Any, cases: st.SearchStrategy[Any], token: str, cookies: dict[str, str],
          answered: set[tuple[str, str, int]]) -> None:
    # Whether a review can be recorded depends on the finding (a text pin needs a finding with
    # text) — no schema can say so, so there a schema-valid body may rightly get 400.
    excluded = [positive_data_acceptance] if operation.method.upper() == "POST" else []

    @given(case=cases)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def check(case: schemathesis.Case) -> None:
        response = case.call_and_validate(headers={"X-CSRF-Token": token}, cookies=cookies,
                                          excluded_checks=excluded)
        answered.add((case.method.upper(), case.path, response.status_code))

    check()


def test_api_matches_its_openapi(signed_in: tuple[FastAPI, dict[str, str], str], store: Store,
                                 seeded: Seeded) -> None:
    app, cookies, token = signed_in
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 14
    answered: set[tuple[str, str, int]] = set()

    for operation in operations:
        _fuzz(operation, _strategies(operation, store, seeded), token, cookies, answered)

    # The pinned cases reached the data, not only the 404s and 422s.
    for method, path in (("GET", "/api/runs/{run_id}/sites/{site_code}"), ("GET", "/api/compare"),
                         ("POST", "/api/reviews"), ("DELETE", "/api/reviews/{review_id}"),
                         ("GET", "/api/messages/{message_id}"), ("POST", "/api/messages"),
                         ("POST", "/api/messages/{message_id}/actions")):
        ok = 204 if method == "DELETE" else 201 if path in ("/api/reviews", "/api/messages") else 200
        assert (method, path, ok) in answered, (method, path)


def test_every_api_route_is_described(signed_in: tuple[FastAPI, dict[str, str], str]) -> None:
    with TestClient(signed_in[0]) as client:
        spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == {
        "/api/me", "/api/runs", "/api/runs/{run_id}", "/api/runs/{run_id}/sites",
        "/api/runs/{run_id}/sites/{site_code}", "/api/runs/{run_id}/findings", "/api/compare",
        "/api/reviews", "/api/reviews/{review_id}", "/api/messages", "/api/messages/{message_id}",
        "/api/messages/{message_id}/actions"}
