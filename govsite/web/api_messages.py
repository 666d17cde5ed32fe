"""The JSON API of 找错 messages under /api/messages: list, detail, entry, workflow steps.

The same rules as the 留言办理 pages: a session cookie (401 without one), the unit scope (404
for another unit's message), the state machine for every step (400 with its Chinese reason
when it refuses), X-CSRF-Token on writes, and the application clock for "now".
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from govsite.feedback import (
    FeedbackError,
    Message,
    TransitionError,
    allowed_actions,
    is_approximate,
    receive,
)
from govsite.feedback.model import SOURCE_API
from govsite.store.store import Store
from govsite.store.user_store import User
from govsite.web.api_message_models import (
    ActionIn,
    EventOut,
    MessageDetailOut,
    MessageId,
    MessageIn,
    MessageOut,
    OverdueFilter,
    SiteFilter,
    StateFilter,
    UnitFilter,
    message_out,
)
from govsite.web.api_models import ErrorOut
from govsite.web.clock import now
from govsite.web.message_data import MessageFilter, history, shows_contact, visible_message
from govsite.web.roles import MANAGE_MESSAGES, require, require_user

ERRORS = {401: {"model": ErrorOut, "description": "未登录"},
          403: {"model": ErrorOut, "description": "无权限或 CSRF 校验失败"},
          404: {"model": ErrorOut, "description": "不存在或不在本单位范围内"}}
REFUSED = {400: {"model": ErrorOut, "description": "办理流程或名录不允许（原因见 detail）"}}

router = APIRouter(prefix="/api/messages", tags=["messages"], responses=ERRORS)
CurrentUser = Annotated[User, Depends(require_user)]


def _store(request: Request) -> Store:
    return request.app.state.store


def _out(request: Request, user: User, message: Message) -> MessageOut:
    return message_out(message, now(request), contact=shows_contact(user),
                       approximate=is_approximate(message))


@router.get("", response_model=list[MessageOut], summary="找错留言列表（新收到的在前）")
def list_messages(request: Request, user: CurrentUser, state: StateFilter = None,
                  unit: UnitFilter = None, site: SiteFilter = None,
                  overdue: OverdueFilter = False,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 200,
                  offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> list[MessageOut]:
    chosen = MessageFilter(state, unit, site, overdue).scoped(user)
    found = _store(request).list_messages(**chosen.store_args(now(request)), limit=limit,
                                          offset=offset)
    return [_out(request, user, m) for m in found]


@router.get("/{message_id}", response_model=MessageDetailOut, summary="一条留言及其办理记录")
def get_message(request: Request, user: CurrentUser, message_id: MessageId) -> MessageDetailOut:
    store = _store(request)
    message = visible_message(store, user, message_id)
    events = history(store.message_events([message_id]).get(message_id, []))
    actions = allowed_actions(message, role=user.role, unit=user.unit, now=now(request),
                              policy=request.app.state.deadline_policy)
    return MessageDetailOut(
        message=_out(request, user, message),
        events=[EventOut(at=e.event.at, actor=e.event.actor, action=e.action,
                         from_state=e.event.from_state, to_state=e.event.to_state,
                         note=e.event.note) for e in events],
        allowed_actions=actions)


@router.post("", response_model=MessageOut, status_code=201,
             summary="录入一条留言（管理员、中心工作人员）", responses=REFUSED)
def add_message(request: Request, body: MessageIn,
                user: Annotated[User, Depends(require(MANAGE_MESSAGES))]) -> MessageOut:
    store = _store(request)
    moment = now(request)
    received = body.received_at or moment
    registry = request.app.state.registry.get(store)
    try:
        if registry is None:
            raise FeedbackError("尚无已完成的普查，没有可用于分办的网站名录")
        if received > moment:
            raise FeedbackError("留言时间晚于当前时间")
        message = receive(route=registry.router.route(body.site_code), source=SOURCE_API,
                          msg_type=body.msg_type, title=body.title, content=body.content,
                          page_url=body.page_url, contact=body.contact,
                          submitter_kind=body.submitter_kind, received_at=received,
                          policy=request.app.state.deadline_policy,
                          external_id=body.external_id, now=moment)
        stored = store.add_message(message, actor=user.username, now=moment)
    except FeedbackError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    return _out(request, user, stored)


@router.post("/{message_id}/actions", response_model=MessageOut,
             summary="办理一步：分办、接收、答复、办结、退回重办", responses=REFUSED)
def take_action(request: Request, message_id: MessageId, body: ActionIn,
                user: CurrentUser) -> MessageOut:
    store = _store(request)
    visible_message(store, user, message_id)
    try:
        message = store.transition(message_id, body.action, actor=user.username, role=user.role,
                                   unit=user.unit, note=body.note, now=now(request),
                                   policy=request.app.state.deadline_policy)
    except TransitionError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    return _out(request, user, message)
