"""Human review of findings: confirmed, or false positive (误报) with a reason.

A false positive becomes an allow-list entry, for one site or for every site, that the next
census and every `rescore` honour: the finding is left out, counted in the site's stats, and
the evidence of the review stays in the store. A confirmed finding carries its review into
results.json so a 通报 can say a person checked it. Reviews match findings by rule and by what
the reviewer pinned — the page, the target, or the offending text — so one review of a wrong
word on a shared template covers every page that repeats it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from govsite.findings import Finding

VERDICT_CONFIRMED = "confirmed"
VERDICT_FALSE_POSITIVE = "false_positive"
VERDICTS = (VERDICT_CONFIRMED, VERDICT_FALSE_POSITIVE)
SCOPE_SITE = "site"
SCOPE_GLOBAL = "global"

# Evidence keys that hold the offending text of a content finding (contract §2: "wrong text",
# "matched text"); a review pinned to a text matches any of them.
TEXT_KEYS = ("wrong", "matched", "text", "word")


@dataclass(frozen=True)
class Review:
    """One reviewer's decision. Empty `url`, `target` or `text` match anything."""

    id: int | None
    rule: str
    verdict: str
    reason: str
    scope: str = SCOPE_SITE
    site_code: str | None = None
    url: str | None = None
    target: str | None = None
    text: str | None = None
    reviewer: str = ""
    created_at: str = ""

    def matches(self, site_code: str, finding: Finding) -> bool:
        if finding.rule != self.rule:
            return False
        if self.scope == SCOPE_SITE and self.site_code != site_code:
            return False
        if self.url and finding.url != self.url:
            return False
        if self.target and finding.target != self.target:
            return False
        if self.text:
            return any(finding.evidence.get(k) == self.text for k in TEXT_KEYS)
        return True

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "verdict": self.verdict, "reason": self.reason,
                "scope": self.scope, "reviewer": self.reviewer, "at": self.created_at}


def review_text(finding: Finding) -> str | None:
    """The offending text of a finding, which a global allow-list entry pins."""
    return next((str(finding.evidence[k]) for k in TEXT_KEYS if finding.evidence.get(k)), None)


@dataclass
class Reviewed:
    findings: list[Finding]
    suppressed: list[tuple[Finding, Review]]


def apply_reviews(site_code: str, findings: list[Finding], reviews: list[Review]) -> Reviewed:
    """Drop findings a false-positive review covers; mark the confirmed ones.

    A false positive wins over a confirmation when both match: the allow-list is the
    reviewer's latest, more specific word on what is not a problem.
    """
    kept: list[Finding] = []
    suppressed: list[tuple[Finding, Review]] = []
    relevant = [r for r in reviews if r.scope == SCOPE_GLOBAL or r.site_code == site_code]
    for finding in findings:
        matching = [r for r in relevant if r.matches(site_code, finding)]
        false_positive = next((r for r in matching if r.verdict == VERDICT_FALSE_POSITIVE), None)
        if false_positive is not None:
            suppressed.append((finding, false_positive))
            continue
        confirmed = next((r for r in matching if r.verdict == VERDICT_CONFIRMED), None)
        kept.append(replace(finding, review=confirmed.to_json()) if confirmed else finding)
    return Reviewed(kept, suppressed)
