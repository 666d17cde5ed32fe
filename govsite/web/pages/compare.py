"""运行对比: what changed between two runs — findings new, fixed, and still there.

By default the newest finished run against the finished run before it, each under the newer
run's profile, for the sites the user may see.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from govsite.store.models import RUN_FINISHED
from govsite.store.store import RunInfo, Store
from govsite.store.user_store import User
from govsite.web.data import compare, pick_run, run_view
from govsite.web.roles import require_user, unit_scope
from govsite.web.templating import render

router = APIRouter(include_in_schema=False)
Id = Annotated[str | None, Query(pattern=r"^[0-9A-Za-z_.-]{1,64}$")]


def _previous(runs: list[RunInfo], head: RunInfo) -> RunInfo | None:
    """The newest finished run started before `head` (runs are listed newest first)."""
    older = [r for r in runs if r.status == RUN_FINISHED and r.started_at < head.started_at]
    return older[0] if older else None


@router.get("/compare")
def compare_page(request: Request, user: Annotated[User, Depends(require_user)],
                 base: Id = None, head: Id = None, profile: Id = None) -> Response:
    store: Store = request.app.state.store
    runs = store.list_runs()
    head_run = pick_run(store, head)
    base_run = pick_run(store, base) if base else (head_run and _previous(runs, head_run))
    if head_run is None or base_run is None:
        return render(request, "compare.html", comparison=None, runs=runs[:30],
                      base=base_run, head=head_run)
    profile = profile or head_run.profile
    scope = unit_scope(user)
    comparison = compare(run_view(store, base_run, profile, scope),
                         run_view(store, head_run, profile, scope))
    return render(request, "compare.html", comparison=comparison, runs=runs[:30],
                  base=base_run, head=head_run)
