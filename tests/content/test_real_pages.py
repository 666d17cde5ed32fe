"""The content checks on ten real gov.cn home pages: every finding is listed and justified here.

The pages (../shared/corpora/real-pages/gov-cn, captured 2018, MIT) are genuine government text,
so a finding on them is most likely a false alarm. The expected set below is the complete list
of what the four content rules report; a new finding (or a vanished one) fails the test, so a
change to a lexicon, threshold or guard cannot add false accusations unnoticed.
"""

from __future__ import annotations

import json

from govsite.sites import Site

from .helpers import corpus, page, run_content, snapshot

# (page, rule, quoted text) → why it is reported and whether it is a false positive.
EXPECTED = {
    ("bjciq.gov.cn", "content.typo", "数聚"): (
        "FALSE POSITIVE, accepted: the tab title 质检数聚 puns on 数据 (a column name coined by the site); "
        "数聚 is in no dictionary and the detector reads it as the homophone slip 数据. A human "
        "reviewer dismisses it in seconds; suppressing it would need a site-specific allow entry."
    ),
}


def test_content_findings_on_real_pages_are_exactly_the_listed_ones() -> None:
    root = corpus("real-pages/gov-cn")
    facts = json.loads((root / "pages.json").read_text(encoding="utf-8"))
    names = sorted(p.stem for p in (root / "pages").glob("*.html"))
    assert len(names) == 10, names
    got = set()
    for name in names:
        html = (root / "pages" / f"{name}.html").read_text(encoding="utf-8")  # UTF-8 copies (PROVENANCE)
        url = f"http://www.{name}/"
        site = Site(name=name, site_code="1100000000", url=url, kind="portal", category="市政府部门")
        judgement = run_content(snapshot(page(html, url), site=site))
        for f in judgement.findings:
            quoted = f.evidence.get("wrong") or f.evidence.get("matched") or f.target
            got.add((name, f.rule, quoted))
    assert got == set(EXPECTED), f"new or vanished findings: {sorted(got ^ set(EXPECTED))}"
    assert facts  # pages.json read: the corpus is the one PROVENANCE.md describes
