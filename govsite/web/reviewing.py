"""Turning a reviewer's choice on stored findings into allow-list entries (govsite.review).

The same decisions as `govsite review mark`: a false positive pinned to its page, its wrong
text, or the whole rule on the site; `global` scope only for a text. Bulk marking many
findings of one rule with one pin would make identical entries, so a batch keeps one of each.
"""

from __future__ import annotations

from dataclasses import dataclass

from govsite.findings import Finding
from govsite.review import (
    SCOPE_GLOBAL,
    SCOPE_SITE,
    VERDICT_CONFIRMED,
    VERDICT_FALSE_POSITIVE,
    Review,
    review_text,
)

PIN_AUTO = "auto"
PIN_PAGE = "page"
PIN_TEXT = "text"
PIN_RULE = "rule"
PINS = (PIN_AUTO, PIN_PAGE, PIN_TEXT, PIN_RULE)
PIN_ZH = {PIN_AUTO: "自动（内容类按文字，其余按页面）", PIN_PAGE: "本页面及目标", PIN_TEXT: "该错误文字",
          PIN_RULE: "本站该规则全部问题"}
MAX_REASON = 2000


class ReviewRequestError(ValueError):
    """A review that cannot be recorded as asked; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class Choice:
    """What the reviewer picked for a batch of findings."""

    false_positive: bool
    reason: str
    scope: str = SCOPE_SITE
    pin: str = PIN_AUTO


def check_choice(choice: Choice) -> Choice:
    reason = choice.reason.strip()
    if not reason:
        raise ReviewRequestError("请填写复核理由")
    if len(reason) > MAX_REASON or "\x00" in reason:
        raise ReviewRequestError(f"复核理由应为不超过 {MAX_REASON} 字的文本")
    if choice.scope not in (SCOPE_SITE, SCOPE_GLOBAL) or choice.pin not in PINS:
        raise ReviewRequestError("复核范围或对象无效")
    return Choice(choice.false_positive, reason, choice.scope, choice.pin)


def build_review(site_code: str, finding: Finding, choice: Choice, reviewer: str) -> Review:
    """The allow-list entry for one finding (as `govsite review mark` builds it)."""
    text = review_text(finding)
    pin = choice.pin
    if pin == PIN_AUTO:
        pin = PIN_TEXT if text else PIN_PAGE
    if pin == PIN_TEXT and not text:
        raise ReviewRequestError(f"{finding.rule} 类问题没有可固定的文字，请按页面或规则复核")
    if choice.scope == SCOPE_GLOBAL and pin != PIN_TEXT:
        raise ReviewRequestError("适用于全部网站的复核只能固定错误文字（页面和规则属于单个网站）")
    return Review(
        id=None, rule=finding.rule,
        verdict=VERDICT_FALSE_POSITIVE if choice.false_positive else VERDICT_CONFIRMED,
        reason=choice.reason, scope=choice.scope,
        site_code=None if choice.scope == SCOPE_GLOBAL else site_code,
        url=finding.url if pin == PIN_PAGE else None,
        target=finding.target if pin == PIN_PAGE else None,
        text=text if pin == PIN_TEXT else None, reviewer=reviewer)


def distinct(reviews: list[Review]) -> list[Review]:
    """One review per distinct allow-list entry, first kept."""
    seen: set[tuple[object, ...]] = set()
    out = []
    for r in reviews:
        key = (r.rule, r.verdict, r.scope, r.site_code, r.url, r.target, r.text)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out
