"""The store's tables, as SQLAlchemy 2 typed models.

Only portable column types are used (String, Text, Integer, Float, Date, DateTime, JSON,
LargeBinary), so the same models and migrations run on SQLite (the embedded default) and
PostgreSQL (the server choice). Any change here needs a new migration in `migrations/`;
tests/store checks that the two agree.

Snapshots are stored once per content (`blobs`, keyed by sha256 of the compressed JSON, the
bytes in `blob_chunks`): a rescore or a re-collection that saw the same thing adds no bytes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

RUN_RUNNING = "running"
RUN_FINISHED = "finished"
RUN_FAILED = "failed"

# Named constraints: PostgreSQL and SQLite otherwise invent different names, and a later
# migration that drops or alters a constraint has to name it the same way on both.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp, stored in UTC.

    PostgreSQL keeps the offset (timestamptz) but SQLite drops it and hands back naive
    values; normalising to UTC on the way in and tagging UTC on the way out gives the same
    aware datetimes on both.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store keeps aware timestamps only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {
        datetime: UTCDateTime(),
        date: Date(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
        bytes: LargeBinary(),
        float: Float(),
    }


class Run(Base):
    """One census: which profile, which 监测时间点, and how it went."""

    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    profile: Mapped[str] = mapped_column(String(255))
    as_of: Mapped[date]
    started_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))
    options: Mapped[dict[str, Any]]
    counts: Mapped[dict[str, Any]]


class RunSite(Base):
    """A registry row as it was when the run started (the registry may change later)."""

    __tablename__ = "sites"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    site_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    parent: Mapped[str] = mapped_column(Text)
    source_line: Mapped[int] = mapped_column(Integer)


class Blob(Base):
    """Content-addressed bytes: a gzip-compressed snapshot, stored once however often seen.

    Since migration 0007 the bytes are in `blob_chunks` and `data` is empty; blobs stored
    before it keep theirs whole in `data` (rewriting them would rebuild the table on SQLite).
    """

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes]
    size: Mapped[int] = mapped_column(Integer)


class BlobChunk(Base):
    """One piece of a blob, in order (`seq` from 0): no database value, and no copy the
    driver makes of it, is ever the size of a big site's snapshot (`store/blobs.py`)."""

    __tablename__ = "blob_chunks"

    sha256: Mapped[str] = mapped_column(
        ForeignKey("blobs.sha256", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes]


class Snapshot(Base):
    """Which blob holds a site's snapshot in a run, with a few figures to list without it."""

    __tablename__ = "snapshots"
    __table_args__ = (
        ForeignKeyConstraint(
            ["run_id", "site_code"], ["sites.run_id", "sites.site_code"], ondelete="CASCADE"
        ),
    )

    run_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    site_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    blob_sha: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    pages: Mapped[int] = mapped_column(Integer)
    links: Mapped[int] = mapped_column(Integer)
    blocked: Mapped[str | None] = mapped_column(String(64))
    fetched_at: Mapped[datetime | None]


class Result(Base):
    """One site's verdict under one profile; a rescore under the same profile replaces it."""

    __tablename__ = "results"
    __table_args__ = (
        ForeignKeyConstraint(
            ["run_id", "site_code"], ["sites.run_id", "sites.site_code"], ondelete="CASCADE"
        ),
        Index("ix_results_run_profile_verdict", "run_id", "profile", "verdict"),
    )

    run_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    site_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    profile: Mapped[str] = mapped_column(String(255), primary_key=True)
    verdict: Mapped[str] = mapped_column(String(16))
    score: Mapped[float | None]
    measured_score: Mapped[float | None]
    bonus: Mapped[float]
    vetoes: Mapped[list[Any]]
    deductions: Mapped[list[Any]]
    not_measured: Mapped[list[Any]]
    stats: Mapped[dict[str, Any]]
    # Added by migration 0002: results stored before it read back as {} (no facts).
    facts: Mapped[dict[str, Any]] = mapped_column(server_default="{}")
    created_at: Mapped[datetime]


class FindingRow(Base):
    """One finding of a result, in its place (`idx`) in the site's sorted findings list.

    Kept as rows rather than inside the result's JSON so that fleet questions ("which sites
    have links.broken_home?") are plain SQL; `idx` keeps the order deductions point into.
    """

    __tablename__ = "findings"
    __table_args__ = (
        ForeignKeyConstraint(
            ["run_id", "site_code", "profile"],
            ["results.run_id", "results.site_code", "results.profile"],
            ondelete="CASCADE",
        ),
        Index("ix_findings_run_profile_rule", "run_id", "profile", "rule"),
    )

    run_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    site_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    profile: Mapped[str] = mapped_column(String(255), primary_key=True)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule: Mapped[str] = mapped_column(String(128))
    url: Mapped[str] = mapped_column(Text)
    target: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]]
    review: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)


class ReviewRow(Base):
    """A reviewer's decision on findings (govsite.review.Review): confirmed, or a false
    positive that acts as an allow-list entry for one site or for all of them.

    Kept apart from any run: an allow-list outlives the census it was made in and is honoured
    by every later census and rescore.
    """

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_rule", "rule"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rule: Mapped[str] = mapped_column(String(128))
    verdict: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(String(16))
    site_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    target: Mapped[str | None] = mapped_column(Text, nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    reviewer: Mapped[str] = mapped_column(String(255))
    run_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime]


class ProbeRow(Base):
    """One availability probe (`govsite monitor`, or history imported from CSV).

    Keyed by target and schedule slot, so a monitor restarted after a crash can never store
    two probes for one slot, and importing the same file twice adds nothing. Indexed by
    (site_code, time): a census reads one site's week at a time. Not tied to a run: probes
    are gathered continuously, and every census picks the window it needs.
    """

    __tablename__ = "probes"
    __table_args__ = (Index("ix_probes_site_code_time", "site_code", "time"),)

    site_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    url: Mapped[str] = mapped_column(Text, primary_key=True)
    slot: Mapped[datetime] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    time: Mapped[datetime]
    ok: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(String(64))
    elapsed_ms: Mapped[float | None]
    dns_ms: Mapped[float | None]
    connect_ms: Mapped[float | None]
    tls_ms: Mapped[float | None]
    ttfb_ms: Mapped[float | None]
    bytes: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))


class PeriodRecord(Base):
    """A decision document of one evaluation period (考核周期, e.g. 2026Q3), as JSON.

    `kind` says which: an evaluation (`key` = evaluation profile id), a sample plan, a
    self-check comparison, a rectification re-check (`key` = the re-checked run). Kept as
    documents rather than tables because the 通报 reads them whole and they are written once
    per period; the figures inside are recomputable from runs and imported files.
    """

    __tablename__ = "period_records"

    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime]
    data: Mapped[dict[str, Any]]



class UserRow(Base):
    """An account of the web application (`govsite users add`, `govsite serve`).

    `role` is admin (centre admin: everything), staff (centre staff: everything but settings
    and accounts), unit (a unit operator: only the sites whose unit is `unit`), or viewer
    (read-only). Passwords are stored only as argon2 hashes. `failed_logins` and
    `locked_until` slow down password guessing per account.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]
    failed_logins: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[datetime | None]


class AuditRow(Base):
    """One state change made through the web application or the CLI: who, when, what."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]]


class MessageRow(Base):
    """A 我为政府网站找错 message: who it concerns, where it stands, and its deadlines.

    `source` is form (the public page), api, or import (the national platform's export, whose
    id is `external_id`). `unit` is the unit the owning site belongs to, fixed when routed.
    Deadlines are computed in working days (govsite.feedback.deadlines) when the message is
    received and again when it is returned for redo (退回重办).
    """

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_site_code", "site_code"),
        Index("ix_messages_unit_state", "unit", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    site_code: Mapped[str] = mapped_column(String(32))
    site_name: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(255))
    msg_type: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text)
    page_url: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(Text)
    submitter_kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime]
    assigned_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    reply_deadline: Mapped[datetime | None]
    close_deadline: Mapped[datetime | None]
    returned_count: Mapped[int] = mapped_column(Integer)
    reply: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]


class MessageEventRow(Base):
    """One step of a message's life (分办, 答复, 办结, 退回重办 …), kept for the audit trail."""

    __tablename__ = "message_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"),
                                            index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text)
