"""Every rule against its breaking page and its trap page (style.md: tests beside rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsite.rules.base import NotMeasured, RuleContext, all_rules, judge
from govsite.snapshot import Page

from .harness import AS_OF, HOME, PAGES, SITE, load_case, page_from_html

CASES = sorted(PAGES.glob("*/*.html"))


@pytest.mark.parametrize("reg", all_rules(), ids=lambda r: r.meta.id)
def test_rule_is_complete(reg) -> None:
    meta = reg.meta
    assert meta.name_zh and meta.tags and meta.help_zh and meta.evidence
    assert reg.doc.why_it_matters and reg.doc.what_it_checks
    for kind in ("break", "trap"):
        assert (PAGES / meta.family / f"{meta.id.split('.')[1]}.{kind}.html").is_file()


def family_rules(path: Path) -> list:
    """A page is written for one family: the other families' rules are not its subject."""
    return [r for r in all_rules() if r.meta.family == path.parent.name]


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_page_gives_exactly_the_expected_findings(path: Path) -> None:
    snap, registry, expect = load_case(path)
    judgement = judge(snap, RuleContext(as_of=AS_OF, registry=registry), family_rules(path))
    got = sorted((f.rule, f.target or "") for f in judgement.findings)
    assert got == sorted((e["rule"], e.get("target") or "") for e in expect)
    for e in expect:
        if "url" in e:
            assert any(f.rule == e["rule"] and f.url == e["url"] for f in judgement.findings)
    assert not judgement.unmeasured_rules, judgement.unmeasured_rules


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_evidence_carries_exactly_the_declared_keys(path: Path) -> None:
    snap, registry, _ = load_case(path)
    judgement = judge(snap, RuleContext(as_of=AS_OF, registry=registry))
    declared = {r.meta.id: set(r.meta.evidence) for r in all_rules()}
    for finding in judgement.findings:
        assert set(finding.evidence) == declared[finding.rule], finding.rule
        assert finding.detail and finding.url.startswith("http")


def test_blocked_site_is_not_measured_never_accused() -> None:
    snap, registry, _ = load_case(PAGES / "footer" / "missing_conac.break.html")
    snap.blocked, snap.blocked_detail = "waf", "安全狗拦截页"
    judgement = judge(snap, RuleContext(as_of=AS_OF, registry=registry))
    assert not [f for f in judgement.findings if f.rule.split(".")[0] in ("footer", "links", "meta")]
    assert any("waf" in n.why for n in judgement.not_measured)
    assert "footer.missing_conac" in judgement.unmeasured_rules


def test_script_shell_home_page_is_not_measured_for_footer_rules() -> None:
    snap, registry, _ = load_case(PAGES / "footer" / "missing_conac.break.html")
    shell = page_from_html('<html><body><div id="app"></div><script src="/app.js"></script>'
                           "</body></html>", HOME)
    snap.home, snap.pages = shell, [shell]
    judgement = judge(snap, RuleContext(as_of=AS_OF, registry=registry))
    assert not [f for f in judgement.findings if f.rule.startswith("footer.")]
    assert "脚本" in judgement.unmeasured_rules["footer.missing_conac"]


def test_availability_without_probes_is_not_measured() -> None:
    snap, registry, _ = load_case(PAGES / "availability" / "unreachable.break.html")
    snap.probes = None
    judgement = judge(snap, RuleContext(as_of=AS_OF, registry=registry))
    assert "availability.unreachable" in judgement.unmeasured_rules
    assert not [f for f in judgement.findings if f.rule.startswith("availability.")]


def test_too_few_probes_is_not_measured_with_the_count() -> None:
    snap, registry, _ = load_case(PAGES / "availability" / "unreachable.break.html")
    snap.probes = snap.probes[:100]
    judgement = judge(snap, RuleContext(as_of=AS_OF, registry=registry))
    assert "100" in judgement.unmeasured_rules["availability.unreachable"]


def test_veto_ratio_boundary_is_inclusive() -> None:
    """7 of 140 probes is exactly 5 %: the text says 超过(含), so it is a veto."""
    from .harness import _probes

    snap, registry, _ = load_case(PAGES / "availability" / "unreachable.break.html")
    for failures, rule in ((7, "availability.unreachable"), (6, "availability.home_failure")):
        snap.probes = _probes({"per_day": 20, "days": 7, "failures": failures})
        found = {f.rule for f in judge(snap, RuleContext(as_of=AS_OF, registry=registry)).findings
                 if f.rule.startswith("availability.")}
        assert found == {rule}, failures


def test_rule_raising_not_measured_is_recorded() -> None:
    from govsite.rules.base import RegisteredRule, RuleMeta

    def shy(snap, ctx):  # noqa: ANN001, ANN202
        raise NotMeasured("无法判断")

    meta = RuleMeta(id="test.shy", name_zh="测试", family="test", needs=(), evidence=())
    snap, registry, _ = load_case(PAGES / "footer" / "missing_conac.trap.html")
    judgement = judge(snap, RuleContext(as_of=AS_OF), [RegisteredRule(meta, shy)])
    assert judgement.unmeasured_rules == {"test.shy": "无法判断"}
    assert isinstance(SITE, object) and isinstance(snap.home, Page)
