"""The JSON API's request and response bodies: what /openapi.json describes.

Identifiers in paths and queries are held to the shapes the store makes (run ids, site
codes, rule ids), so a malformed one is a 422 at the edge and never reaches the database.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import BaseModel, Field

RunId = Annotated[str, Path(pattern=r"^[0-9A-Za-z_.-]{1,40}$", description="运行编号")]
SiteCode = Annotated[str, Path(pattern=r"^[0-9A-Za-z_.-]{1,32}$", description="网站标识码")]
ProfileQuery = Annotated[str | None, Query(pattern=r"^[0-9A-Za-z_.-]{1,64}$",
                                           description="评估方案编号（默认：该次普查的方案）")]
ReviewId = Annotated[int, Path(ge=1, le=2**31 - 1, description="复核记录编号")]
SiteQuery = Annotated[str | None, Query(pattern=r"^[0-9A-Za-z_.-]{1,32}$", description="网站标识码")]
RuleQuery = Annotated[str | None, Query(pattern=r"^[a-z0-9_-]{1,64}\.[a-z0-9_.-]{1,64}$",
                                        description="规则编号")]
StatusQuery = Annotated[Literal["open", "confirmed", "pending_false_positive"] | None,
                        Query(description="复核状态")]


class ErrorOut(BaseModel):
    detail: str


class MeOut(BaseModel):
    username: str
    display_name: str
    role: str
    unit: str
    csrf_token: str = Field(description="send as X-CSRF-Token on POST and DELETE")


class RunOut(BaseModel):
    id: str
    profile: str
    as_of: date
    started_at: datetime
    finished_at: datetime | None
    status: str
    counts: dict[str, Any]


class SiteOut(BaseModel):
    site_code: str
    name: str
    url: str
    owner: str
    unit: str
    category: str
    kind: str
    status: str
    verdict: str
    score: float | None
    measured_score: float | None
    bonus: float
    vetoes: list[str]
    findings: int


class FindingOut(BaseModel):
    site_code: str
    idx: int = Field(description="the finding's number in its site's list")
    rule: str
    rule_name: str
    url: str
    target: str | None
    detail: str
    evidence: dict[str, Any]
    review: dict[str, Any] | None
    status: str


class DeductionOut(BaseModel):
    rule: str
    points: float
    count: int
    indicator: str
    indicator_zh: str
    findings: list[int]


class NotMeasuredOut(BaseModel):
    what: str
    why: str


class SiteDetailOut(BaseModel):
    site: SiteOut
    deductions: list[DeductionOut]
    findings: list[FindingOut]
    not_measured: list[NotMeasuredOut]
    stats: dict[str, Any]
    facts: dict[str, Any]


class FindingRefOut(BaseModel):
    site_code: str
    rule: str
    url: str
    target: str | None
    detail: str


class ComparisonOut(BaseModel):
    base: str
    head: str
    profile: str
    new: list[FindingRefOut]
    fixed: list[FindingRefOut]
    persisting: list[FindingRefOut]


class ReviewOut(BaseModel):
    id: int
    rule: str
    verdict: str
    reason: str
    scope: str
    site_code: str | None
    url: str | None
    target: str | None
    text: str | None
    reviewer: str
    created_at: str


class ReviewIn(BaseModel):
    """A decision on one stored finding, as `govsite review mark` takes it."""

    run_id: str = Field(pattern=r"^[0-9A-Za-z_.-]{1,40}$")
    profile: str | None = Field(default=None, pattern=r"^[0-9A-Za-z_.-]{1,64}$")
    site_code: str = Field(pattern=r"^[0-9A-Za-z_.-]{1,32}$")
    finding: int = Field(ge=0, le=1_000_000)
    verdict: Literal["confirmed", "false_positive"]
    reason: str = Field(min_length=1, max_length=2000)
    scope: Literal["site", "global"] = "site"
    pin: Literal["auto", "page", "text", "rule"] = "auto"
