"""Findings: one rule broken at one place, shaped as results.json expects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    """What a rule saw. `url` is where the problem shows, `target` what is broken.

    `evidence` is a flat JSON object whose keys the rule's metadata declares; it holds what
    was seen, what was allowed, where and how, never points or verdicts (style.md). `review`
    is set when a person confirmed the finding (govsite.review), never by a rule.
    """

    rule: str
    url: str
    detail: str
    target: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    review: dict[str, Any] | None = None

    def sort_key(self) -> tuple[str, str, str]:
        """Findings sort by (rule, url, target) so two rescore runs diff cleanly."""
        return (self.rule, self.url, self.target or "")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "url": self.url}
        if self.target is not None:
            out["target"] = self.target
        out["detail"] = self.detail
        out["evidence"] = self.evidence
        if self.review is not None:
            out["review"] = self.review
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        return cls(
            rule=data["rule"],
            url=data["url"],
            detail=data.get("detail", ""),
            target=data.get("target"),
            evidence=dict(data.get("evidence") or {}),
            review=data.get("review"),
        )


@dataclass(frozen=True)
class NotMeasuredNote:
    """Something the census could not judge, and why (results.json `not_measured`)."""

    what: str
    why: str

    def to_json(self) -> dict[str, str]:
        return {"what": self.what, "why": self.why}
