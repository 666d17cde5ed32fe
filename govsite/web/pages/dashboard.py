"""The fleet overview (总览) and a unit's view of its own sites (本单位网站).

Both pages show the same things for a different set of sites: verdict counts, 合格率 by
category, vetoes by type, the 合格率 trend over recent runs, and the table of sites. A unit
operator is sent to its own unit's page and gets 404 for any other unit.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from govsite.store.models import RUN_RUNNING
from govsite.store.store import RunInfo, Store
from govsite.store.user_store import User
from govsite.web.charts import Bar, Point, bar_chart, line_chart
from govsite.web.data import (
    Rate,
    pick_run,
    rate,
    rates_by,
    recent_runs,
    run_view,
    trend,
    veto_counts,
)
from govsite.web.roles import not_found, require_user, unit_scope
from govsite.web.templating import render, rule_names
from govsite.work.runstate import count_done, run_sites

router = APIRouter(include_in_schema=False)
Id = Annotated[str | None, Query(pattern=r"^[0-9A-Za-z_.-]{1,64}$")]


def _rate_text(r: Rate) -> str:
    measured = r.passed + r.failed
    return "—（无已测网站）" if r.rate is None else f"{r.rate:.1f}%（{r.passed}/{measured}）"


def _in_progress(store: Store) -> list[tuple[RunInfo, int, int]]:
    """Runs still being audited (a census, or its workers, writing results): done / total.

    The store is what every coordinator and worker writes to, so this is the progress of a
    distributed census too, seen from any machine.
    """
    return [(r, count_done(store, r.id, r.profile), len(run_sites(store, r.id)))
            for r in store.list_runs()[:30] if r.status == RUN_RUNNING]


def _overview(request: Request, unit: str | None, run_id: str | None,
              profile: str | None) -> Response:
    store = request.app.state.store
    run = pick_run(store, run_id)
    progress = _in_progress(store) if unit is None else []
    if run is None:
        return render(request, "dashboard.html", run=None, unit=unit, runs=[], progress=progress)
    view = run_view(store, run, profile, unit)
    categories = rates_by(view.sites, lambda s: s.result.site.category)
    vetoes = veto_counts(view.sites)
    points = trend(store, unit, recent_runs(store))
    names = rule_names()
    charts = {
        "categories": bar_chart("各类别合格率", [
            Bar(r.name, r.rate or 0.0, _rate_text(r)) for r in categories], max_value=100),
        "vetoes": bar_chart("单项否决问题分布（网站数）", [
            Bar(names.get(rule, rule), n, f"{n} 个网站") for rule, n in vetoes],
            max_value=max((n for _, n in vetoes), default=1)),
        "trend": line_chart("历次普查合格率", [
            Point(p.run.as_of.isoformat(), p.rate.rate) for p in points]),
    }
    return render(
        request, "dashboard.html", run=run, view=view, unit=unit, summary=rate("", view.sites),
        categories=categories, vetoes=vetoes, trend=points, charts=charts,
        units=rates_by(view.sites, lambda s: s.unit) if unit is None else [],
        runs=store.list_runs()[:30], rate_text=_rate_text, progress=progress)


@router.get("/")
def fleet(request: Request, user: Annotated[User, Depends(require_user)], run: Id = None,
          profile: Id = None) -> Response:
    if unit_scope(user) is not None:
        return RedirectResponse("/unit", status_code=303)
    return _overview(request, None, run, profile)


@router.get("/unit")
def unit_page(request: Request, user: Annotated[User, Depends(require_user)],
              unit: Annotated[str | None, Query(max_length=255)] = None, run: Id = None,
              profile: Id = None) -> Response:
    own = unit_scope(user)
    if own is not None and unit not in (None, own):
        raise not_found()
    chosen = own or unit
    if not chosen:
        return RedirectResponse("/", status_code=303)
    return _overview(request, chosen, run, profile)
