"""开放数据: each finished run's results.json and data dictionary, as a zip to publish.

The bundle covers the whole fleet, so it is for the roles that see the whole fleet; a unit
operator gets 404 here as for any other unit's data.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from govsite.store.models import RUN_FINISHED
from govsite.store.store import Store
from govsite.store.user_store import User
from govsite.web.api_models import RunId
from govsite.web.data import pick_run, run_view
from govsite.web.opendata import DATA_DICTIONARY, bundle
from govsite.web.roles import VIEW_FLEET, can, not_found, require_user
from govsite.web.templating import render

router = APIRouter(include_in_schema=False)


def _fleet_user(user: Annotated[User, Depends(require_user)]) -> User:
    if not can(user, VIEW_FLEET):
        raise not_found()
    return user


@router.get("/opendata")
def opendata_page(request: Request, user: Annotated[User, Depends(_fleet_user)]) -> Response:
    store: Store = request.app.state.store
    runs = [r for r in store.list_runs() if r.status == RUN_FINISHED]
    return render(request, "opendata.html", runs=runs, dictionary=DATA_DICTIONARY)


@router.get("/opendata/{run_id}.zip")
def opendata_zip(request: Request, user: Annotated[User, Depends(_fleet_user)], run_id: RunId,
                 profile: Annotated[str | None, Query(pattern=r"^[0-9A-Za-z_.-]{1,64}$")] = None,
                 ) -> Response:
    store: Store = request.app.state.store
    info = pick_run(store, run_id)
    assert info is not None
    view = run_view(store, info, profile, None)
    return Response(bundle(view), media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="govsite-opendata-{info.id}-{view.profile}.zip"'})
