"""Review decisions applied to findings: allow-lists drop, confirmations annotate."""

from __future__ import annotations

from govsite.findings import Finding
from govsite.review import (
    SCOPE_GLOBAL,
    VERDICT_CONFIRMED,
    VERDICT_FALSE_POSITIVE,
    Review,
    apply_reviews,
    review_text,
)

TYPO = Finding(rule="content.typo", url="http://a.gov.cn/1.html", detail="d",
               evidence={"wrong": "布署", "suggestion": "部署"})
TYPO_OTHER_PAGE = Finding(rule="content.typo", url="http://a.gov.cn/2.html", detail="d",
                          evidence={"wrong": "布署", "suggestion": "部署"})
STALE = Finding(rule="column.stale", url="http://a.gov.cn/zt/", detail="d", evidence={"type": "动态要闻"})


def test_site_false_positive_pinned_to_a_text_covers_every_page_of_that_site() -> None:
    review = Review(id=1, rule="content.typo", verdict=VERDICT_FALSE_POSITIVE, reason="专有名词",
                    site_code="A", text="布署")
    out = apply_reviews("A", [TYPO, TYPO_OTHER_PAGE, STALE], [review])
    assert out.findings == [STALE]
    assert [f for f, _ in out.suppressed] == [TYPO, TYPO_OTHER_PAGE]
    assert apply_reviews("B", [TYPO], [review]).findings == [TYPO]


def test_global_entry_applies_to_every_site_and_url_pin_to_one_page() -> None:
    everywhere = Review(id=2, rule="content.typo", verdict=VERDICT_FALSE_POSITIVE, reason="r",
                        scope=SCOPE_GLOBAL, text="布署")
    assert apply_reviews("Z", [TYPO], [everywhere]).findings == []
    one_page = Review(id=3, rule="content.typo", verdict=VERDICT_FALSE_POSITIVE, reason="r",
                      site_code="A", url=TYPO.url)
    assert apply_reviews("A", [TYPO, TYPO_OTHER_PAGE], [one_page]).findings == [TYPO_OTHER_PAGE]


def test_confirmed_findings_carry_their_review_into_results() -> None:
    review = Review(id=4, rule="column.stale", verdict=VERDICT_CONFIRMED, reason="人工核实",
                    site_code="A", url=STALE.url, reviewer="张三", created_at="2026-11-23T10:00:00+08:00")
    (kept,) = apply_reviews("A", [STALE], [review]).findings
    assert kept.review == {"id": 4, "verdict": "confirmed", "reason": "人工核实", "scope": "site",
                           "reviewer": "张三", "at": "2026-11-23T10:00:00+08:00"}
    assert kept.to_json()["review"]["verdict"] == "confirmed"
    assert "review" not in STALE.to_json()


def test_false_positive_wins_over_confirmation_and_other_rules_are_untouched() -> None:
    reviews = [Review(id=5, rule="content.typo", verdict=VERDICT_CONFIRMED, reason="r", site_code="A"),
               Review(id=6, rule="content.typo", verdict=VERDICT_FALSE_POSITIVE, reason="r",
                      site_code="A", text="布署")]
    out = apply_reviews("A", [TYPO, STALE], reviews)
    assert out.findings == [STALE] and len(out.suppressed) == 1
    assert review_text(TYPO) == "布署" and review_text(STALE) is None
