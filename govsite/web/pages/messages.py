"""留言办理: the 找错 messages — list, one message with its history and its buttons, statistics.

Every step a button takes goes through `Store.transition`, i.e. the state machine of
govsite.feedback.states: the page offers only what `allowed_actions` allows the user's role
now, and a forged request for anything else is refused there with a Chinese reason. The
time of each step, the deadlines' "passed" and the 按期办结率 all use the application clock.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from govsite.feedback import ACTIONS, STATES, TransitionError, allowed_actions, message_stats
from govsite.store.store import Store
from govsite.store.user_store import User
from govsite.web.api_message_models import (
    MessageId,
    OverdueFilter,
    SiteFilter,
    StateFilter,
    UnitFilter,
)
from govsite.web.clock import now
from govsite.web.message_data import (
    ACTION_BUTTONS,
    ACTION_NOTES,
    MAX_NOTE,
    MessageFilter,
    deadlines,
    history,
    shows_contact,
    visible_message,
)
from govsite.web.roles import MANAGE_MESSAGES, can, require_user, unit_scope
from govsite.web.templating import render

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(require_user)]
PAGE_SIZE = 100


@router.get("/messages")
def messages_page(request: Request, user: CurrentUser, state: StateFilter = None,
                  unit: UnitFilter = None, site: SiteFilter = None, overdue: OverdueFilter = False,
                  page: Annotated[int, Query(ge=1, le=100000)] = 1) -> Response:
    store: Store = request.app.state.store
    moment = now(request)
    chosen = MessageFilter(state, unit, site, overdue).scoped(user)
    total = store.count_messages(**chosen.store_args(moment))
    shown = store.list_messages(**chosen.store_args(moment), limit=PAGE_SIZE,
                                offset=(page - 1) * PAGE_SIZE)
    registry = request.app.state.registry.get(store)
    units = registry.units if registry is not None and unit_scope(user) is None else []
    return render(request, "messages.html", messages=shown, total=total, page=page,
                  pages=max(1, -(-total // PAGE_SIZE)), filters=chosen, states=STATES,
                  units=units, query=urlencode(chosen.query()), now=moment,
                  missed={m.id: m.missed_deadlines(moment) for m in shown},
                  can_import=can(user, MANAGE_MESSAGES))


def _detail(request: Request, user: User, message_id: int, *, error: str = "",
            note: str = "", status_code: int = 200) -> Response:
    store: Store = request.app.state.store
    moment = now(request)
    policy = request.app.state.deadline_policy
    message = visible_message(store, user, message_id)
    actions = allowed_actions(message, role=user.role, unit=user.unit, now=moment, policy=policy)
    return render(request, "message.html", status_code=status_code, message=message,
                  deadlines=deadlines(message, policy, moment),
                  events=history(store.message_events([message_id]).get(message_id, [])),
                  actions=actions, buttons=ACTION_BUTTONS, notes=ACTION_NOTES,
                  show_contact=shows_contact(user), error=error, note=note,
                  done=request.query_params.get("done", ""), max_note=MAX_NOTE)


@router.get("/messages/stats")
def stats_page(request: Request, user: CurrentUser) -> Response:
    """按期办结率 and the rest, as they stand at the application's now (feedback.stats)."""
    store: Store = request.app.state.store
    moment = now(request)
    messages = store.list_messages(unit=unit_scope(user))
    events = store.message_events([m.id for m in messages if m.id is not None])
    return render(request, "message_stats.html", stats=message_stats(messages, events, moment))


@router.get("/messages/{message_id}")
def message_page(request: Request, user: CurrentUser, message_id: MessageId) -> Response:
    return _detail(request, user, message_id)


@router.post("/messages/{message_id}/actions")
def take_action(request: Request, user: CurrentUser, message_id: MessageId,
                action: Annotated[str, Form(pattern=f"^({'|'.join(ACTIONS)})$")],
                note: Annotated[str, Form(max_length=MAX_NOTE)] = "") -> Response:
    """One workflow step; refused steps come back on the page with the machine's reason."""
    store: Store = request.app.state.store
    visible_message(store, user, message_id)
    if "\x00" in note:
        return _detail(request, user, message_id, error="内容含有无效字符", status_code=400)
    try:
        store.transition(message_id, action, actor=user.username, role=user.role,
                         unit=user.unit, note=note, now=now(request),
                         policy=request.app.state.deadline_policy)
    except TransitionError as exc:
        return _detail(request, user, message_id, error=str(exc), note=note, status_code=400)
    return RedirectResponse(f"/messages/{message_id}?{urlencode({'done': action})}",
                            status_code=303)
