"""The JSON API under /api: runs, sites, results, findings, comparisons and reviews.

It answers from the same views as the pages (govsite.web.data), with the same rules: a
session cookie (401 without one), the user's unit scope (404 outside it), the review
permission for writes, and the X-CSRF-Token header on every POST and DELETE (from /api/me).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from govsite.findings import Finding
from govsite.review import Review
from govsite.store.store import RunInfo, Store
from govsite.store.user_store import User
from govsite.web import audit
from govsite.web.api_models import (
    ComparisonOut,
    DeductionOut,
    ErrorOut,
    FindingOut,
    FindingRefOut,
    MeOut,
    NotMeasuredOut,
    ProfileQuery,
    ReviewId,
    ReviewIn,
    ReviewOut,
    RuleQuery,
    RunId,
    RunOut,
    SiteCode,
    SiteDetailOut,
    SiteOut,
    SiteQuery,
    StatusQuery,
)
from govsite.web.csrf import csrf_token
from govsite.web.data import (
    FindingEntry,
    SiteEntry,
    compare,
    findings,
    pick_run,
    run_view,
    visible_reviews,
)
from govsite.web.reviewing import Choice, ReviewRequestError, build_review, check_choice
from govsite.web.roles import REVIEW, not_found, require, require_user, unit_scope
from govsite.web.templating import rule_names

ERRORS = {401: {"model": ErrorOut, "description": "未登录"},
          403: {"model": ErrorOut, "description": "无权限或 CSRF 校验失败"},
          404: {"model": ErrorOut, "description": "不存在或不在本单位范围内"}}

router = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)
CurrentUser = Annotated[User, Depends(require_user)]


def _store(request: Request) -> Store:
    return request.app.state.store


def _run(request: Request, run_id: str) -> RunInfo:
    run = pick_run(_store(request), run_id)
    assert run is not None  # pick_run raises 404 for an unknown id
    return run


def _site(entry: SiteEntry) -> SiteOut:
    r = entry.result
    return SiteOut(site_code=entry.code, name=r.site.name, url=r.site.url, owner=r.site.owner,
                   unit=entry.unit, category=r.site.category, kind=r.site.kind,
                   status=r.site.status, verdict=r.verdict, score=r.score,
                   measured_score=r.measured_score, bonus=r.bonus, vetoes=list(r.vetoes),
                   findings=len(r.findings))


def _finding(entry: FindingEntry) -> FindingOut:
    f = entry.finding
    return FindingOut(site_code=entry.site.code, idx=entry.idx, rule=f.rule,
                      rule_name=rule_names().get(f.rule, f.rule), url=f.url, target=f.target,
                      detail=f.detail, evidence=f.evidence, review=f.review, status=entry.status)


def _ref(entry: SiteEntry, f: Finding) -> FindingRefOut:
    return FindingRefOut(site_code=entry.code, rule=f.rule, url=f.url, target=f.target,
                         detail=f.detail)


def _review(r: Review) -> ReviewOut:
    assert r.id is not None
    return ReviewOut(id=r.id, rule=r.rule, verdict=r.verdict, reason=r.reason, scope=r.scope,
                     site_code=r.site_code, url=r.url, target=r.target, text=r.text,
                     reviewer=r.reviewer, created_at=r.created_at)


def _run_out(run: RunInfo) -> RunOut:
    return RunOut(id=run.id, profile=run.profile, as_of=run.as_of, started_at=run.started_at,
                  finished_at=run.finished_at, status=run.status, counts=run.counts)


@router.get("/me", response_model=MeOut, summary="当前用户与 CSRF 令牌")
def me(request: Request, user: CurrentUser) -> MeOut:
    return MeOut(username=user.username, display_name=user.display_name, role=user.role,
                 unit=user.unit, csrf_token=csrf_token(request))


@router.get("/runs", response_model=list[RunOut], summary="普查运行列表（新的在前）")
def list_runs(request: Request, user: CurrentUser) -> list[RunOut]:
    return [_run_out(r) for r in _store(request).list_runs()]


@router.get("/runs/{run_id}", response_model=RunOut, summary="一次普查运行")
def get_run(request: Request, user: CurrentUser, run_id: RunId) -> RunOut:
    return _run_out(_run(request, run_id))


@router.get("/runs/{run_id}/sites", response_model=list[SiteOut], summary="该次普查各网站结论与得分")
def list_sites(request: Request, user: CurrentUser, run_id: RunId,
               profile: ProfileQuery = None) -> list[SiteOut]:
    view = run_view(_store(request), _run(request, run_id), profile, unit_scope(user))
    return [_site(s) for s in view.sites]


@router.get("/runs/{run_id}/sites/{site_code}", response_model=SiteDetailOut,
            summary="一个网站的完整结果")
def get_site(request: Request, user: CurrentUser, run_id: RunId, site_code: SiteCode,
             profile: ProfileQuery = None) -> SiteDetailOut:
    store = _store(request)
    view = run_view(store, _run(request, run_id), profile, unit_scope(user))
    entry = view.site(site_code)
    if entry is None:
        raise not_found()
    r = entry.result
    return SiteDetailOut(
        site=_site(entry),
        deductions=[DeductionOut(**d.to_json()) for d in r.deductions],
        findings=[_finding(e) for e in findings(view, store.list_reviews(), site=site_code)],
        not_measured=[NotMeasuredOut(**n.to_json()) for n in r.not_measured],
        stats=r.stats, facts=r.facts)


@router.get("/runs/{run_id}/findings", response_model=list[FindingOut], summary="该次普查发现的问题")
def list_findings(request: Request, user: CurrentUser, run_id: RunId,
                  profile: ProfileQuery = None, site: SiteQuery = None, rule: RuleQuery = None,
                  status: StatusQuery = None) -> list[FindingOut]:
    store = _store(request)
    view = run_view(store, _run(request, run_id), profile, unit_scope(user))
    return [_finding(e) for e in findings(view, store.list_reviews(), site=site, rule=rule,
                                          status=status)]


@router.get("/compare", response_model=ComparisonOut, summary="两次普查的问题对比")
def compare_runs(request: Request, user: CurrentUser,
                 base: Annotated[str, Query(pattern=r"^[0-9A-Za-z_.-]{1,40}$")],
                 head: Annotated[str, Query(pattern=r"^[0-9A-Za-z_.-]{1,40}$")],
                 profile: ProfileQuery = None) -> ComparisonOut:
    store = _store(request)
    head_run, base_run = _run(request, head), _run(request, base)
    profile = profile or head_run.profile
    result = compare(run_view(store, base_run, profile, unit_scope(user)),
                     run_view(store, head_run, profile, unit_scope(user)))
    return ComparisonOut(base=base_run.id, head=head_run.id, profile=profile,
                         new=[_ref(*p) for p in result.new], fixed=[_ref(*p) for p in result.fixed],
                         persisting=[_ref(*p) for p in result.persisting])


@router.get("/reviews", response_model=list[ReviewOut], summary="复核记录与白名单")
def list_reviews(request: Request, user: CurrentUser) -> list[ReviewOut]:
    return [_review(r) for r in visible_reviews(_store(request), unit_scope(user))]


@router.post("/reviews", response_model=ReviewOut, status_code=201, summary="复核一条问题",
             responses={400: {"model": ErrorOut, "description": "无法按所选方式复核"}})
def add_review(request: Request, body: ReviewIn,
               user: Annotated[User, Depends(require(REVIEW))]) -> ReviewOut:
    store = _store(request)
    run = _run(request, body.run_id)
    found = store.load_finding(run.id, body.profile or run.profile, body.site_code, body.finding)
    if found is None:
        raise not_found()
    try:
        choice = check_choice(Choice(body.verdict == "false_positive", body.reason, body.scope,
                                     body.pin))
        review = build_review(body.site_code, found, choice, user.username)
    except ReviewRequestError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    review_id = store.add_review(review, run_id=run.id)
    audit.record(request, user.username, audit.REVIEW_ADDED, "review", review_id, run_id=run.id,
                 site_code=body.site_code, finding=body.finding, rule=found.rule,
                 verdict=review.verdict, scope=review.scope, reason=review.reason)
    stored = next(r for r in store.list_reviews() if r.id == review_id)
    return _review(stored)


@router.delete("/reviews/{review_id}", status_code=204, response_class=Response,
               summary="撤销一条复核记录")
def withdraw_review(request: Request, review_id: ReviewId,
                    user: Annotated[User, Depends(require(REVIEW))]) -> Response:
    store = _store(request)
    review = next((r for r in store.list_reviews() if r.id == review_id), None)
    if review is None or not store.delete_review(review_id):
        raise not_found()
    audit.record(request, user.username, audit.REVIEW_WITHDRAWN, "review", review_id,
                 rule=review.rule, verdict=review.verdict, site_code=review.site_code)
    return Response(status_code=204)
