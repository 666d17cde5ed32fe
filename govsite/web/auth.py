"""Who is asking: argon2 password hashes, logins with lockouts and rate limits, sessions.

Sessions live in a cookie signed with the app's secret (Starlette's SessionMiddleware, via
itsdangerous): nothing about a session is kept on the server. Because such a cookie cannot
be revoked, it carries a digest of the account's password hash, checked on every request: a
password reset ends every session of that account, and a deactivated account is refused
at once because the account is re-read each time.

Guessing is slowed twice. Per account, `LoginPolicy.max_failures` wrong passwords in a row
lock the account for `lock_for` (kept in the store, so it holds across workers and restarts).
Per client address, an `IpLimiter` (govsite.web.ratelimit) refuses logins after too many
failures in a sliding window; it lives in this process's memory, so with several workers each
counts on its own, and a restart forgets it — the account lock is the limit that always holds.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Request

from govsite.store.store import Store
from govsite.store.user_store import User
from govsite.web.csrf import csrf_token
from govsite.web.ratelimit import IpLimiter

MIN_PASSWORD_LENGTH = 10
USERNAME_PATTERN = r"^[A-Za-z0-9_.@-]{2,64}$"
SESSION_USER = "uid"
SESSION_AUTH = "auth"

OUTCOME_OK = "ok"
OUTCOME_UNKNOWN = "unknown_user"
OUTCOME_BAD_PASSWORD = "bad_password"
OUTCOME_LOCKED = "locked"
OUTCOME_INACTIVE = "inactive"
OUTCOME_RATE_LIMITED = "rate_limited"

# argon2id at the OWASP Password Storage Cheat Sheet's parameters (19 MiB, 2 passes, 1 lane):
# about 0.1 s here, so a burst of logins cannot tie up the server as the library default (64 MiB,
# 4 lanes: ~0.6 s on two cores) would. Hashes made with other parameters are upgraded at login.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


class PasswordPolicyError(ValueError):
    """A new password too weak to accept (the message is Chinese: it is shown to the user)."""


def hash_password(password: str) -> str:
    """An argon2id hash with a fresh salt; the only form a password is ever stored in."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordPolicyError(f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符")
    return _hasher.hash(password)


def check_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _decoy_hash() -> str:
    """Verified against when the account does not exist, so that answer takes as long."""
    return _hasher.hash("decoy password that no account has")


@dataclass(frozen=True)
class LoginPolicy:
    """How hard guessing is made; the defaults suit a government intranet."""

    max_failures: int = 5
    lock_for: timedelta = timedelta(minutes=15)
    ip_max_failures: int = 20
    ip_window_s: float = 300.0


@dataclass(frozen=True)
class LoginOutcome:
    """What a login attempt came to; `user` only when it succeeded."""

    reason: str
    user: User | None = None
    retry_after: int = 0
    locked_now: bool = False


def attempt_login(store: Store, limiter: IpLimiter, policy: LoginPolicy, username: str,
                  password: str, address: str) -> LoginOutcome:
    """Check a username and password, recording the attempt on the account and the address."""
    wait = limiter.retry_after(address)
    if wait:
        return LoginOutcome(OUTCOME_RATE_LIMITED, retry_after=wait)
    user = store.get_user(username) if username else None
    if user is None or not user.active:
        check_password(_decoy_hash(), password)
        limiter.record(address)
        return LoginOutcome(OUTCOME_UNKNOWN if user is None else OUTCOME_INACTIVE)
    if user.locked(datetime.now(UTC)):
        limiter.record(address)
        return LoginOutcome(OUTCOME_LOCKED)
    if not check_password(user.password_hash, password):
        limiter.record(address)
        updated = store.record_login_failure(user.id, max_failures=policy.max_failures,
                                             lock_for=policy.lock_for)
        locked = updated is not None and updated.locked(datetime.now(UTC))
        return LoginOutcome(OUTCOME_BAD_PASSWORD, locked_now=locked)
    store.record_login_success(user.id)
    if _hasher.check_needs_rehash(user.password_hash):
        store.set_password(user.id, _hasher.hash(password))
    return LoginOutcome(OUTCOME_OK, user=store.get_user_by_id(user.id))


# ---------------------------------------------------------------------------- sessions


def session_digest(secret_key: str, user: User) -> str:
    """Ties a session to the password it was opened with (and to this server's secret)."""
    mac = hmac.new(secret_key.encode(), b"session:" + user.password_hash.encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def start_session(request: Request, user: User) -> None:
    """A brand-new session for `user`: whatever the visitor's session held before is dropped
    (with its CSRF token), so a session planted before login is worth nothing after it. The
    new CSRF token is made now, so the cookie set at login is the one the session keeps."""
    request.session.clear()
    request.session[SESSION_USER] = user.id
    request.session[SESSION_AUTH] = session_digest(request.app.state.secret_key, user)
    csrf_token(request)


def end_session(request: Request) -> None:
    request.session.clear()


def session_user(request: Request) -> User | None:
    """The signed-in account, re-read from the store; None if absent, inactive or stale."""
    if hasattr(request.state, "user"):
        return request.state.user
    user = None
    user_id = request.session.get(SESSION_USER)
    if isinstance(user_id, int):
        found = request.app.state.store.get_user_by_id(user_id)
        digest = request.session.get(SESSION_AUTH, "")
        if found is not None and found.active and isinstance(digest, str) and hmac.compare_digest(
                digest, session_digest(request.app.state.secret_key, found)):
            user = found
    request.state.user = user
    return user


def client_address(request: Request) -> str:
    """The client's address as uvicorn saw it (behind a proxy: from trusted X-Forwarded-For)."""
    return request.client.host if request.client else "unknown"
