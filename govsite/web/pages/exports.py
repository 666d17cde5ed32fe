"""Downloads of the list views — findings, scores and 找错 messages — as CSV, XLSX or JSON.

The same filters as the pages, applied to the same scoped view: a unit operator's export
holds its own sites only, and naming another unit's site is a 404 as on the page.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from govsite.store.store import Store
from govsite.store.user_store import User
from govsite.web.api_message_models import OverdueFilter, SiteFilter, StateFilter, UnitFilter
from govsite.web.clock import now
from govsite.web.data import findings, pick_run, run_view
from govsite.web.exports import download, findings_table, messages_table, scores_table
from govsite.web.message_data import MessageFilter, shows_contact
from govsite.web.roles import not_found, require_user, unit_scope
from govsite.web.templating import CST, rule_names

router = APIRouter(include_in_schema=False)
Id = Annotated[str | None, Query(pattern=r"^[0-9A-Za-z_.-]{1,64}$")]
Format = Literal["csv", "xlsx", "json"]


@router.get("/export/findings.{fmt}")
def export_findings(request: Request, user: Annotated[User, Depends(require_user)],
                    fmt: Format, run: Id = None, profile: Id = None, site: Id = None,
                    rule: Annotated[str | None, Query(pattern=r"^[a-z0-9_.-]{1,128}$")] = None,
                    status: Annotated[str | None, Query(max_length=32)] = None) -> Response:
    store: Store = request.app.state.store
    info = pick_run(store, run)
    if info is None:
        raise not_found()
    view = run_view(store, info, profile, unit_scope(user))
    entries = findings(view, store.list_reviews(), site=site, rule=rule, status=status)
    stem = f"findings-{info.id}" + (f"-{site}" if site else "")
    return download(findings_table(view, entries, lambda r: rule_names().get(r, r)), fmt, stem)


@router.get("/export/scores.{fmt}")
def export_scores(request: Request, user: Annotated[User, Depends(require_user)], fmt: Format,
                  run: Id = None, profile: Id = None,
                  unit: Annotated[str | None, Query(max_length=255)] = None) -> Response:
    store: Store = request.app.state.store
    info = pick_run(store, run)
    own = unit_scope(user)
    if info is None or (own is not None and unit not in (None, own)):
        raise not_found()
    view = run_view(store, info, profile, own or unit)
    return download(scores_table(view), fmt, f"scores-{info.id}")


@router.get("/export/messages.{fmt}")
def export_messages(request: Request, user: Annotated[User, Depends(require_user)], fmt: Format,
                    state: StateFilter = None, unit: UnitFilter = None, site: SiteFilter = None,
                    overdue: OverdueFilter = False) -> Response:
    """The 留言办理 list with its filters, scoped as the page is; every message, not a page."""
    store: Store = request.app.state.store
    moment = now(request)
    chosen = MessageFilter(state, unit, site, overdue).scoped(user)
    table = messages_table(store.list_messages(**chosen.store_args(moment)), moment,
                           contact=shows_contact(user))
    return download(table, fmt, f"messages-{moment.astimezone(CST):%Y%m%d-%H%M}")
