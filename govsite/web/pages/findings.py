"""The findings list with its review form (人工复核), and the list of recorded decisions.

Reviews are stored with the store's review methods, exactly as `govsite review mark` stores
them, so the next census and every `govsite rescore` honour them: a false positive is left
out of the result, a confirmation is carried into it. Until then a finding marked false
positive is shown as such on this list.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from govsite.review import SCOPE_GLOBAL, SCOPE_SITE
from govsite.store.store import Store
from govsite.store.user_store import User
from govsite.web import audit
from govsite.web.api_models import ReviewId
from govsite.web.data import (
    FINDING_STATUS_ZH,
    findings,
    pick_run,
    run_view,
    visible_reviews,
)
from govsite.web.reviewing import (
    PIN_AUTO,
    PIN_ZH,
    Choice,
    ReviewRequestError,
    build_review,
    check_choice,
    distinct,
)
from govsite.web.roles import REVIEW, not_found, require, require_user, unit_scope
from govsite.web.templating import render, rule_names

router = APIRouter(include_in_schema=False)
Id = Annotated[str | None, Query(pattern=r"^[0-9A-Za-z_.-]{1,64}$")]
RuleFilter = Annotated[str | None, Query(pattern=r"^[a-z0-9_.-]{1,128}$")]
StatusFilter = Annotated[str | None, Query(pattern="^(open|confirmed|pending_false_positive)$")]
PAGE_SIZE = 200
MAX_SELECTED = 5000


@router.get("/findings")
def findings_page(request: Request, user: Annotated[User, Depends(require_user)],
                  run: Id = None, profile: Id = None, site: Id = None, rule: RuleFilter = None,
                  status: StatusFilter = None, page: Annotated[int, Query(ge=1, le=100000)] = 1,
                  recorded: Annotated[int | None, Query(ge=0)] = None) -> Response:
    store: Store = request.app.state.store
    info = pick_run(store, run)
    if info is None:
        return render(request, "findings.html", run=None)
    view = run_view(store, info, profile, unit_scope(user))
    entries = findings(view, store.list_reviews(), site=site, rule=rule, status=status)
    pages = max(1, -(-len(entries) // PAGE_SIZE))
    rules = sorted({f.rule for s in view.sites for f in s.result.findings})
    query = {k: v for k, v in {"run": info.id, "profile": view.profile, "site": site,
                               "rule": rule, "status": status}.items() if v}
    return render(
        request, "findings.html", run=info, view=view, entries=entries[(page - 1) * PAGE_SIZE:
                                                                       page * PAGE_SIZE],
        total=len(entries), page=page, pages=pages, site=site or "", rule=rule or "",
        status=status or "", rules=rules, statuses=FINDING_STATUS_ZH, names=rule_names(),
        query=urlencode(query), filters=query, recorded=recorded, pins=PIN_ZH,
        runs=store.list_runs()[:30])


@router.post("/findings/review")
def review_findings(
    request: Request, user: Annotated[User, Depends(require(REVIEW))],
    run: Annotated[str, Form(pattern=r"^[0-9A-Za-z_.-]{1,40}$")],
    profile: Annotated[str, Form(pattern=r"^[0-9A-Za-z_.-]{1,64}$")],
    verdict: Annotated[str, Form(pattern="^(confirmed|false_positive)$")],
    reason: Annotated[str, Form(max_length=2000)] = "",
    scope: Annotated[str, Form(pattern=f"^({SCOPE_SITE}|{SCOPE_GLOBAL})$")] = SCOPE_SITE,
    pin: Annotated[str, Form(pattern="^(auto|page|text|rule)$")] = PIN_AUTO,
    keys: Annotated[list[str], Form(max_length=MAX_SELECTED)] = [],  # noqa: B006
    all_matching: Annotated[bool, Form()] = False,
    site: Annotated[str, Form(max_length=64)] = "",
    rule: Annotated[str, Form(max_length=128)] = "",
    status: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """Record one decision for the selected findings, or for every finding the filter shows."""
    store: Store = request.app.state.store
    info = pick_run(store, run)
    assert info is not None
    view = run_view(store, info, profile, None)
    listed = findings(view, store.list_reviews(), site=site or None, rule=rule or None,
                      status=status or None)
    chosen = listed if all_matching else [e for e in listed if e.key in set(keys)]
    try:
        choice = check_choice(Choice(verdict == "false_positive", reason, scope, pin))
        if not chosen:
            raise ReviewRequestError("请至少选择一条问题")
        reviews = distinct([build_review(e.site.code, e.finding, choice, user.username)
                            for e in chosen])
    except ReviewRequestError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    for review in reviews:
        review_id = store.add_review(review, run_id=info.id)
        audit.record(request, user.username, audit.REVIEW_ADDED, "review", review_id,
                     run_id=info.id, rule=review.rule, verdict=review.verdict,
                     scope=review.scope, site_code=review.site_code, url=review.url,
                     target=review.target, text=review.text, reason=review.reason)
    back = {k: v for k, v in {"run": info.id, "profile": view.profile, "site": site,
                              "rule": rule, "status": status}.items() if v}
    return RedirectResponse(f"/findings?{urlencode({**back, 'recorded': len(reviews)})}",
                            status_code=303)


@router.get("/reviews")
def reviews_page(request: Request, user: Annotated[User, Depends(require_user)]) -> Response:
    store: Store = request.app.state.store
    return render(request, "reviews.html", reviews=visible_reviews(store, unit_scope(user)),
                  names=rule_names())


@router.post("/reviews/{review_id}/withdraw")
def withdraw(request: Request, user: Annotated[User, Depends(require(REVIEW))],
             review_id: ReviewId) -> Response:
    store: Store = request.app.state.store
    review = next((r for r in store.list_reviews() if r.id == review_id), None)
    if review is None or not store.delete_review(review_id):
        raise not_found()
    audit.record(request, user.username, audit.REVIEW_WITHDRAWN, "review", review_id,
                 rule=review.rule, verdict=review.verdict, site_code=review.site_code)
    return RedirectResponse("/reviews", status_code=303)
