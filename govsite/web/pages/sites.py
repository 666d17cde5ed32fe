"""A site's page: verdict, score, vetoes with their screenshots, every finding with its
evidence, columns and their freshness, the availability history, and its past runs."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from govsite.census import attach_screenshots
from govsite.collect.errors import BLOCKED
from govsite.probes import Probe
from govsite.store.store import RunInfo, Store
from govsite.store.user_store import User
from govsite.web.api_models import SiteCode
from govsite.web.charts import Point, line_chart
from govsite.web.data import findings, pick_run, recent_runs, run_view, site_history
from govsite.web.roles import not_found, require_user, unit_scope
from govsite.web.templating import CST, render

router = APIRouter(include_in_schema=False)
Id = Annotated[str | None, Query(pattern=r"^[0-9A-Za-z_.-]{1,64}$")]
AVAILABILITY_DAYS = 30


def daily_availability(probes: list[Probe]) -> dict[str, float]:
    """Share of successful probes per China-time day, in percent; WAF-blocked ones left out
    (they say nothing about whether the site was up), as the availability rules count."""
    counted: dict[str, list[bool]] = defaultdict(list)
    for probe in probes:
        if probe.error != BLOCKED:
            counted[probe.time.astimezone(CST).date().isoformat()].append(probe.ok)
    return {day: 100 * sum(oks) / len(oks) for day, oks in counted.items()}


def availability_chart(store: Store, run: RunInfo, code: str,
                       snapshot_probes: list[Probe]) -> Markup | None:
    """The 30 days up to the run's 监测时间点: the monitor's probes, else those the census had."""
    end = datetime.combine(run.as_of + timedelta(days=1), time(), tzinfo=CST)
    start = end - timedelta(days=AVAILABILITY_DAYS)
    probes = store.probes_for_site(code, start, end) or [
        p for p in snapshot_probes if start <= p.time < end]
    if not probes:
        return None
    daily = daily_availability(probes)
    days = [(start + timedelta(days=i)).date().isoformat() for i in range(AVAILABILITY_DAYS)]
    return line_chart(f"近{AVAILABILITY_DAYS}天首页可用率（按日）",
                      [Point(day[5:], daily.get(day)) for day in days])


@router.get("/sites/{site_code}")
def site_page(request: Request, user: Annotated[User, Depends(require_user)],
              site_code: SiteCode, run: Id = None, profile: Id = None) -> Response:
    store: Store = request.app.state.store
    info = pick_run(store, run)
    if info is None:
        raise not_found()
    view = run_view(store, info, profile, unit_scope(user))
    entry = view.site(site_code)
    if entry is None:
        raise not_found()
    snapshot_probes: list[Probe] = []
    try:
        snap = store.load_snapshot(info.id, site_code)
    except KeyError:
        snap = None
    if snap is not None:
        attach_screenshots(entry.result, snap)
        snapshot_probes = [Probe.from_json(p) for p in snap.probes or []]
    return render(
        request, "site.html", run=info, view=view, entry=entry, result=entry.result,
        findings=findings(view, store.list_reviews(), site=site_code),
        availability=availability_chart(store, info, site_code, snapshot_probes),
        history=site_history(store, site_code, unit_scope(user), recent_runs(store)))
