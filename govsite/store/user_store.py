"""Account and audit methods of `Store`: the web application's users and its audit log.

A mixin of `Store` like the probe and review methods. Only password *hashes* come in here
(govsite.web.auth makes them): the store never sees a password. Login bookkeeping (failed
attempts, the lock) is updated in one transaction per attempt, so two guesses racing each
other on two workers still both count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from govsite.store.models import AuditRow, UserRow

ROLE_ADMIN = "admin"
ROLE_STAFF = "staff"
ROLE_UNIT = "unit"
ROLE_VIEWER = "viewer"
ROLES = (ROLE_ADMIN, ROLE_STAFF, ROLE_UNIT, ROLE_VIEWER)


class UserExistsError(ValueError):
    """An account with this username already exists (usernames are unique)."""


@dataclass(frozen=True)
class User:
    """An account as read from the store; `password_hash` is an argon2 hash."""

    id: int
    username: str
    password_hash: str
    role: str
    unit: str
    display_name: str
    active: bool
    created_at: datetime
    last_login_at: datetime | None
    failed_logins: int
    locked_until: datetime | None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


@dataclass(frozen=True)
class AuditEntry:
    """One audit log line: who did what to which object, with details as JSON."""

    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    detail: dict[str, Any]


def _user(row: UserRow) -> User:
    return User(id=row.id, username=row.username, password_hash=row.password_hash,
                role=row.role, unit=row.unit, display_name=row.display_name,
                active=row.active, created_at=row.created_at, last_login_at=row.last_login_at,
                failed_logins=row.failed_logins, locked_until=row.locked_until)


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(id=row.id, at=row.at, actor=row.actor, action=row.action,
                      object_type=row.object_type, object_id=row.object_id,
                      detail=dict(row.detail or {}))


class UserStoreMixin:
    """Users and the audit log; see the module docstring."""

    engine: Engine
    _session: sessionmaker[Session]

    # ------------------------------------------------------------------------ users

    def add_user(self, username: str, password_hash: str, *, role: str, unit: str = "",
                 display_name: str = "") -> int:
        """Create an active account and return its id.

        A unit operator must name its unit (the 主办单位 its sites roll up to); other roles
        see the whole fleet and keep no unit.
        """
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
        if role == ROLE_UNIT and not unit.strip():
            raise ValueError("a unit account needs its unit (主办单位)")
        if not username.strip():
            raise ValueError("empty username")
        row = UserRow(username=username.strip(), password_hash=password_hash, role=role,
                      unit=unit.strip() if role == ROLE_UNIT else "",
                      display_name=display_name.strip(), active=True, created_at=_now(),
                      last_login_at=None, failed_logins=0, locked_until=None)
        try:
            with self._session.begin() as session:
                session.add(row)
                session.flush()
                return row.id
        except IntegrityError:
            raise UserExistsError(f"user {username!r} already exists") from None

    def get_user(self, username: str) -> User | None:
        with self._session() as session:
            row = session.scalar(select(UserRow).where(UserRow.username == username))
            return _user(row) if row else None

    def get_user_by_id(self, user_id: int) -> User | None:
        with self._session() as session:
            row = session.get(UserRow, user_id)
            return _user(row) if row else None

    def list_users(self) -> list[User]:
        with self._session() as session:
            return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.username))]

    def set_password(self, user_id: int, password_hash: str) -> bool:
        """Replace the hash; also lifts a lock, since an admin resetting it vouches for the user."""
        with self._session.begin() as session:
            row = session.get(UserRow, user_id)
            if row is None:
                return False
            row.password_hash = password_hash
            row.failed_logins = 0
            row.locked_until = None
            return True

    def deactivate(self, user_id: int) -> bool:
        """Disable an account; it is kept, so the audit log still names who it was."""
        with self._session.begin() as session:
            row = session.get(UserRow, user_id)
            if row is None:
                return False
            row.active = False
            return True

    # ------------------------------------------------------------------------ logins

    def record_login_success(self, user_id: int) -> None:
        """A correct password: forget earlier failures and note when."""
        with self._session.begin() as session:
            row = session.get(UserRow, user_id)
            if row is not None:
                row.failed_logins = 0
                row.locked_until = None
                row.last_login_at = _now()

    def record_login_failure(self, user_id: int, *, max_failures: int,
                             lock_for: timedelta) -> User | None:
        """Count a wrong password; from the `max_failures`-th in a row, lock for `lock_for`.

        The count is reset only by a success, so once an account has been locked each further
        wrong guess locks it again: a guesser gets one try per lock period, not a fresh batch.
        """
        with self._session.begin() as session:
            row = session.get(UserRow, user_id, with_for_update=True)
            if row is None:
                return None
            row.failed_logins += 1
            if row.failed_logins >= max_failures:
                row.locked_until = _now() + lock_for
            session.flush()
            return _user(row)

    # ------------------------------------------------------------------------ audit

    def add_audit(self, actor: str, action: str, object_type: str, object_id: str,
                  detail: dict[str, Any] | None = None) -> int:
        """Append one line to the audit log (it is never edited or deleted)."""
        row = AuditRow(at=_now(), actor=actor[:64], action=action[:64],
                       object_type=object_type[:32], object_id=object_id[:64],
                       detail=dict(detail or {}))
        with self._session.begin() as session:
            session.add(row)
            session.flush()
            return row.id

    def list_audit(self, *, limit: int = 200, offset: int = 0, action: str | None = None,
                   object_type: str | None = None, object_id: str | None = None) -> list[AuditEntry]:
        """Audit lines, newest first."""
        query = select(AuditRow).order_by(AuditRow.at.desc(), AuditRow.id.desc())
        if action is not None:
            query = query.where(AuditRow.action == action)
        if object_type is not None:
            query = query.where(AuditRow.object_type == object_type)
        if object_id is not None:
            query = query.where(AuditRow.object_id == object_id)
        with self._session() as session:
            return [_entry(r) for r in session.scalars(query.limit(limit).offset(offset))]


def _now() -> datetime:
    return datetime.now(UTC)
