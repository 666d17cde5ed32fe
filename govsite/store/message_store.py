"""Message methods of `Store`: 找错 messages and their events.

Every change of a message is written together with its event (`message_events`) and its
audit entry (`audit_log`) in one transaction, so the trail can never miss a step that
happened. The step itself is decided by `govsite.feedback.states`; this module only stores.
The audit log is read with `UserStoreMixin.list_audit` (entries with object_type "message").
A transition locks the message row (PostgreSQL; SQLite transactions are serialised anyway),
so two people acting on one message at once cannot both act on the same old state.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from govsite.feedback.deadlines import DeadlinePolicy, load_policy
from govsite.feedback.model import (
    STATE_CLOSED,
    UNANSWERED_STATES,
    FeedbackError,
    Message,
    MessageEvent,
)
from govsite.feedback.states import apply
from govsite.store.models import AuditRow, MessageEventRow, MessageRow

OBJECT_MESSAGE = "message"
AUDIT_RECEIVE = "message.receive"
AUDIT_IMPORT = "message.import"
# external_ids looked up per query: far below SQLite's bound-parameter limit.
LOOKUP_BATCH = 500
_MESSAGE_FIELDS = tuple(f.name for f in fields(Message))
_ACTOR_MAX = 64  # AuditRow.actor, MessageEventRow.actor


@dataclass(frozen=True)
class ImportCounts:
    """What an import stored: new messages, and those already there (same 留言编号)."""

    added: int
    skipped: int


def _message(row: MessageRow) -> Message:
    return Message(**{name: getattr(row, name) for name in _MESSAGE_FIELDS})


def _message_row(message: Message) -> MessageRow:
    values = {name: getattr(message, name) for name in _MESSAGE_FIELDS if name != "id"}
    return MessageRow(**values)


def _event(row: MessageEventRow) -> MessageEvent:
    return MessageEvent(id=row.id, message_id=row.message_id, at=row.at, actor=row.actor,
                        from_state=row.from_state, to_state=row.to_state, note=row.note)


def _check_actor(actor: str) -> str:
    actor = actor.strip()
    if not actor or len(actor) > _ACTOR_MAX:
        raise FeedbackError(f"操作人须填写，且不超过 {_ACTOR_MAX} 个字符")
    return actor


def _filters(unit: str | None, site_code: str | None, state: str | None,
             overdue_as_of: datetime | None) -> list[Any]:
    where: list[Any] = []
    if unit is not None:
        where.append(MessageRow.unit == unit)
    if site_code is not None:
        where.append(MessageRow.site_code == site_code)
    if state is not None:
        where.append(MessageRow.state == state)
    if overdue_as_of is not None:
        # Same meaning as Message.missed_deadlines: a deadline still running and passed.
        where.append(or_(
            and_(MessageRow.state.in_(UNANSWERED_STATES), MessageRow.reply_deadline < overdue_as_of),
            and_(MessageRow.state != STATE_CLOSED, MessageRow.close_deadline < overdue_as_of),
        ))
    return where


class MessageStoreMixin:
    """找错 messages and their events; see the module docstring."""

    engine: Engine
    _session: sessionmaker[Session]

    # ------------------------------------------------------------------------ messages

    def add_message(self, message: Message, *, actor: str, now: datetime | None = None) -> Message:
        """Store a new message (from `states.receive`) and return it with its id.

        A message whose 留言编号 (`external_id`) is already stored is refused.
        """
        actor = _check_actor(actor)
        now = now or datetime.now(UTC)
        try:
            with self._session.begin() as session:
                stored = self._insert(session, message, actor, now, AUDIT_RECEIVE, {})
        except IntegrityError as exc:
            raise FeedbackError(f"留言编号 {message.external_id} 已存在") from exc
        return stored

    def get_message(self, message_id: int) -> Message | None:
        with self._session() as session:
            row = session.get(MessageRow, message_id)
            return _message(row) if row else None

    def list_messages(self, *, unit: str | None = None, site_code: str | None = None,
                      state: str | None = None, overdue_as_of: datetime | None = None,
                      limit: int | None = None, offset: int = 0) -> list[Message]:
        """Messages matching every filter given, newest received first.

        `overdue_as_of` keeps the messages with a running deadline passed at that moment:
        the reply deadline before 答复, the close deadline before 办结.
        """
        query = (select(MessageRow).where(*_filters(unit, site_code, state, overdue_as_of))
                 .order_by(MessageRow.received_at.desc(), MessageRow.id.desc()).offset(offset))
        if limit is not None:
            query = query.limit(limit)
        with self._session() as session:
            return [_message(r) for r in session.scalars(query)]

    def count_messages(self, *, unit: str | None = None, site_code: str | None = None,
                       state: str | None = None, overdue_as_of: datetime | None = None) -> int:
        """How many messages `list_messages` would return without limit (for paging)."""
        query = select(func.count()).select_from(MessageRow).where(
            *_filters(unit, site_code, state, overdue_as_of))
        with self._session() as session:
            return session.scalar(query) or 0

    def transition(self, message_id: int, action: str, *, actor: str, role: str, unit: str = "",
                   note: str = "", now: datetime | None = None,
                   policy: DeadlinePolicy | None = None) -> Message:
        """Take `action` (分办, 接收, 答复, 办结, 退回重办) on a message; returns it afterwards.

        Raises KeyError for an unknown id and `TransitionError` (Chinese) for a step the
        state machine refuses. `unit` is the actor's unit (checked for role unit); `policy`
        gives the new reply deadline of 退回重办 (default: the bundled default profile).
        """
        actor = _check_actor(actor)
        now = now or datetime.now(UTC)
        policy = policy or load_policy()
        with self._session.begin() as session:
            row = session.scalars(
                select(MessageRow).where(MessageRow.id == message_id).with_for_update()
            ).first()
            if row is None:
                raise KeyError(f"没有编号为 {message_id} 的留言")
            step = apply(_message(row), action, role=role, unit=unit, note=note, now=now,
                         policy=policy)
            for name in _MESSAGE_FIELDS:
                if getattr(step.after, name) != getattr(step.before, name):
                    setattr(row, name, getattr(step.after, name))
            session.add(MessageEventRow(message_id=message_id, at=now, actor=actor,
                                        from_state=step.before.state, to_state=step.after.state,
                                        note=step.note))
            session.add(AuditRow(at=now, actor=actor, action=step.audit_action,
                                 object_type=OBJECT_MESSAGE, object_id=str(message_id),
                                 detail=step.audit_detail()))
        return step.after

    def import_messages(self, messages: Sequence[Message], *, actor: str, file: str = "",
                        now: datetime | None = None) -> ImportCounts:
        """Store imported messages in one transaction, skipping 留言编号 already stored.

        Importing the same export twice therefore adds nothing the second time.
        """
        actor = _check_actor(actor)
        now = now or datetime.now(UTC)
        added = skipped = 0
        with self._session.begin() as session:
            known = self._known_external_ids(session, [m.external_id for m in messages])
            for message in messages:
                if message.external_id in known:
                    skipped += 1
                    continue
                try:
                    # A savepoint: another import of the same file may store a row meanwhile.
                    with session.begin_nested():
                        self._insert(session, message, actor, now, AUDIT_IMPORT, {"file": file})
                except IntegrityError:
                    skipped += 1
                    continue
                known.add(message.external_id)
                added += 1
        return ImportCounts(added, skipped)

    @staticmethod
    def _known_external_ids(session: Session, ids: list[str | None]) -> set[str | None]:
        wanted = iter({i for i in ids if i})
        known: set[str | None] = set()
        while batch := list(islice(wanted, LOOKUP_BATCH)):
            known.update(session.scalars(
                select(MessageRow.external_id).where(MessageRow.external_id.in_(batch))))
        return known

    @staticmethod
    def _insert(session: Session, message: Message, actor: str, now: datetime, action: str,
                detail: dict[str, Any]) -> Message:
        """The row, its arrival event (dated when received) and its audit entry (dated now)."""
        row = _message_row(message)
        session.add(row)
        session.flush()
        session.add(MessageEventRow(message_id=row.id, at=message.received_at, actor=actor,
                                    from_state="", to_state=message.state, note=""))
        session.add(AuditRow(at=now, actor=actor, action=action, object_type=OBJECT_MESSAGE,
                             object_id=str(row.id),
                             detail={"source": message.source, "external_id": message.external_id,
                                     "site_code": message.site_code, "unit": message.unit,
                                     **detail}))
        session.flush()
        return _message(row)

    # ------------------------------------------------------------------------ history

    def message_events(self, message_ids: Iterable[int] | None = None) -> dict[int, list[MessageEvent]]:
        """Events by message id, each list in time order (all messages when `message_ids` is None)."""
        query = select(MessageEventRow).order_by(MessageEventRow.at, MessageEventRow.id)
        with self._session() as session:
            if message_ids is None:
                rows = list(session.scalars(query))
            else:
                rows = []
                wanted = iter(set(message_ids))
                while batch := list(islice(wanted, LOOKUP_BATCH)):
                    rows += session.scalars(query.where(MessageEventRow.message_id.in_(batch)))
        events: dict[int, list[MessageEvent]] = {}
        for row in sorted(rows, key=lambda r: (r.at, r.id)):
            events.setdefault(row.message_id, []).append(_event(row))
        return events
