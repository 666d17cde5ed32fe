"""The text defects of the fleet (严重表述错误, 错别字, 违规内容, 暗链/挂马) and their truth.

The served pages are read here independently of `govsite.content` and of the fleet's own
`facts.py`: the visible text of every page is folded with a small normaliser of our own
(spaces, zero-width characters, full-width forms, the few traditional characters planted),
and every wrong form found in it must be either a planted defect in the truth or inside a
declared trap. The hacked home page is parsed for hidden links, frames and scripts.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fleet_helpers import html_of, request, site_by_key
from selectolax.lexbor import LexborHTMLParser

from govsite.fleet import Fleet, FleetServer, FleetSite, build_fleet, write_fleet
from govsite.fleet.truth import count_by_rule
from govsite.fleet.wording import COMMON_TRAPS, WORDING

AS_OF = date(2026, 11, 23)
OTHER_AS_OFS = (date(2027, 8, 31), date(2027, 1, 5), date(2027, 3, 1))
TEXT_RULES = ("content.serious_error", "content.typo", "content.banned")
RULES = (*TEXT_RULES, "content.hidden_link")
# The traditional characters the fleet plants, folded as a reader would read them.
TRADITIONAL = str.maketrans("習總書記", "习总书记")
INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|left\s*:\s*-\d{4,}px|visibility\s*:\s*hidden")


def fold(text: str) -> str:
    """Our reading of a text: NFKC, traditional → simplified, no spaces or zero-width marks."""
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text).translate(TRADITIONAL))


@functools.cache
def fleet_at(as_of: date) -> Fleet:
    return build_fleet(as_of=as_of)


@pytest.fixture(scope="module")
def fleet() -> Fleet:
    return fleet_at(AS_OF)


def visible_lines(html: str) -> list[str]:
    """The page title and every text node of the body (scripts and styles removed)."""
    tree = LexborHTMLParser(html)
    for node in tree.css("script, style"):
        node.decompose()
    title = tree.css_first("head > title")
    lines = [title.text()] if title is not None else []
    if tree.body is not None:
        lines += tree.body.text(separator="\n").split("\n")
    return [line for line in lines if line.strip()]


def wrong_forms(fleet: Fleet) -> set[str]:
    """Every planted wrong form, folded."""
    return {fold(t.wrong) for site in fleet.sites if site.facts for t in site.facts.texts}


def content_sites(fleet: Fleet) -> list[FleetSite]:
    return [site for site in fleet.sites if site.facts is not None]


def truth_of(fleet: Fleet, rule: str) -> list:
    return [t for t in fleet.truth if t.rule == rule]


# --- what was planted -----------------------------------------------------------------------------


def test_planted_counts_per_rule_and_site(fleet: Fleet) -> None:
    by_rule = count_by_rule(fleet.truth)
    assert 15 <= by_rule["content.serious_error"] <= 25
    assert 8 <= by_rule["content.typo"] <= 12
    assert 1 <= by_rule["content.banned"] <= 3
    assert by_rule["content.hidden_link"] == 5

    def sites(rule: str) -> set[str]:
        return {fleet.site(t.site_code).key for t in truth_of(fleet, rule)}

    assert len(sites("content.serious_error")) in (4, 5)
    assert len(sites("content.banned")) == len(sites("content.hidden_link")) == 1
    # Planted on UTF-8 and on GBK sites, in article bodies and in a list title.
    for rule in ("content.serious_error", "content.typo"):
        assert {fleet.site(t.site_code).charset for t in truth_of(fleet, rule)} == {"gbk", "utf-8"}
    urls = {t.url for t in truth_of(fleet, "content.serious_error")}
    assert any(re.search(r"/index(_\d+)?\.html$", u) for u in urls)
    assert sum(bool(re.search(r"/t\d{8}_\d+\.html$", u)) for u in urls) >= 15
    # The obfuscated spellings a normaliser must see through.
    notes = {t.note for t in truth_of(fleet, "content.serious_error")}
    assert {"习 近 乎", "习\u200b近乎", "習近乎", "习\u3000近\u3000乎"} <= notes


def test_truth_matches_the_plants_and_every_url_is_a_page(fleet: Fleet) -> None:
    for site in content_sites(fleet):
        assert site.facts is not None
        expected = Counter((t.rule, t.url) for t in site.facts.texts)
        expected += Counter(("content.hidden_link", h.url) for h in site.facts.hidden)
        got = Counter((t.rule, t.url) for t in fleet.truth
                      if t.site_code == site.site_code and t.rule in RULES)
        assert got == expected, site.host
        for item in fleet.truth:
            if item.site_code == site.site_code and item.rule in RULES:
                assert item.url in site.pages, item
    # Every planted text landed (none was skipped for a missing column or item).
    for key, plants in WORDING.items():
        facts = site_by_key(fleet, key).facts
        assert facts is not None
        landed = [t.context for t in facts.texts] + [t.text for t in facts.traps]
        for plant in COMMON_TRAPS + plants:
            assert plant.text in landed, (key, plant.text)


def test_truth_does_not_depend_on_as_of(fleet: Fleet) -> None:
    def summary(f: Fleet) -> Counter:
        return Counter((f.site(t.site_code).key, t.rule, t.note) for t in f.truth if t.rule in RULES)

    for as_of in OTHER_AS_OFS:
        assert summary(fleet_at(as_of)) == summary(fleet), as_of


# --- the served pages say what the truth says -------------------------------------------------------


def test_planted_texts_and_traps_are_served(fleet: Fleet) -> None:
    for site in content_sites(fleet):
        assert site.facts is not None
        for text in site.facts.texts:
            html = html_of(fleet, site, text.url)
            assert text.context in html and text.wrong in text.context, (site.host, text)
            # In the page's visible text, not only in an attribute.
            assert any(text.wrong in line for line in visible_lines(html)), (site.host, text)
        for trap in site.facts.traps:
            assert trap.text in html_of(fleet, site, trap.url), (site.host, trap)


def test_every_wrong_form_on_every_page_is_planted_or_a_trap(fleet: Fleet) -> None:
    """No stray wrong form: what the pages show is the truth plus the declared traps."""
    forms = wrong_forms(fleet)
    assert len(forms) >= 20
    checked = 0
    for site in fleet.sites:
        if not site.pages or site.facts is None:
            continue
        declared: dict[str, Counter] = {}
        for text in site.facts.texts:
            declared.setdefault(text.url, Counter())[fold(text.wrong)] += 1
        trap_forms: dict[str, Counter] = {}
        for trap in site.facts.traps:
            folded = fold(trap.text)
            trap_forms.setdefault(trap.url, Counter()).update(
                {f: folded.count(f) for f in forms if f in folded})
        for url in site.pages:
            lines = [fold(line) for line in visible_lines(html_of(fleet, site, url))]
            seen = Counter({f: n for f in forms if (n := sum(line.count(f) for line in lines))})
            assert seen == declared.get(url, Counter()) + trap_forms.get(url, Counter()), url
            checked += 1
    assert checked > 500


def test_traps_carry_wrong_characters_but_no_planted_defect(fleet: Fleet) -> None:
    portal = site_by_key(fleet, "portal")
    assert portal.facts is not None
    traps = " ".join(t.text for t in portal.facts.traps)
    for neighbour in ("学习近乎", "政协委员长期", "打击网络赌博", "六合彩"):
        assert neighbour in traps
    every = [s for s in content_sites(fleet) if s.status == "运行"]
    for site in every:
        assert site.facts is not None
        text = " ".join(t.text for t in site.facts.traps)
        for correct in ("习近平总书记", "习近平新时代中国特色社会主义思想", "中华人民共和国",
                        "人民检察院"):
            assert correct in text, (site.host, correct)
    words = " ".join(t.text for s in every if s.facts for t in s.facts.traps)
    for word in ("扫黄打非", "反腐败", "拆迁", "信访", "截止日期", "截至目前", "既使企业"):
        assert word in words, word


# --- the hacked home page -----------------------------------------------------------------------------


def hidden_by(node) -> str | None:
    """How `node` (or an ancestor) is hidden, as far as inline styles and the page's
    `.fl-links` rule go."""
    while node is not None and node.tag != "body":
        style = node.attributes.get("style") or ""
        if HIDDEN_STYLE.search(style):
            return style
        if "fl-links" in (node.attributes.get("class") or ""):
            return ".fl-links"
        node = node.parent
    return None


def test_hacked_home_page(fleet: Fleet) -> None:
    hacked = [s for s in content_sites(fleet) if s.facts and s.facts.hidden]
    assert [s.key for s in hacked] == ["dsjzx"]
    site = hacked[0]
    raw = fleet.resources[(site.host, "/")].body.decode("utf-8")
    tree = LexborHTMLParser(raw)
    expected = {t.target for t in truth_of(fleet, "content.hidden_link")}
    found = set()
    for node in tree.css("a[href], iframe[src], script[src]"):
        target = node.attributes.get("href") or node.attributes.get("src") or ""
        host = urlsplit(target).hostname
        how = hidden_by(node)
        if node.tag == "a" and how and host and host != site.host and not host.endswith("gov.cn"):
            found.add(target)
        if node.tag == "iframe" and node.attributes.get("width") == "0":
            found.add(target)
        if node.tag == "script" and host and host != site.host:
            found.add(target)
    assert found == expected
    script = next(t for t in expected if t.endswith(".js"))
    assert raw.rstrip().endswith(f'src="{script}"></script>')
    assert raw.index("</html>") < raw.index(script)
    assert "<style>.fl-links{position:absolute;left:-9999px" in raw
    # Traps on the same page: a hidden menu of the site's own pages, a hidden skip link, a
    # hidden link to 中国政府网.
    own = [a.attributes.get("href") for a in tree.css('ul.subnav[style="display:none"] a')]
    assert len(own) == 3 and all(h.startswith("/") and h.endswith("index.html") for h in own)
    skip = tree.css_first("a.skip-link")
    assert skip.attributes.get("href") == "#main" and "visibility:hidden" in skip.attributes["style"]
    assert tree.css_first('div.m-nav[style="display:none"] a').attributes["href"] == (
        "http://www.gov.cn/")


def test_no_other_home_page_hides_foreign_links(fleet: Fleet) -> None:
    for site in content_sites(fleet):
        if site.key == "dsjzx":
            continue
        tree = LexborHTMLParser(html_of(fleet, site, site.url))
        for node in tree.css("a[href], iframe, script[src]"):
            assert node.tag != "iframe", site.host
            if node.tag == "a":
                assert hidden_by(node) is None, site.host
        assert "</html>\n" == html_of(fleet, site, site.url)[-8:], site.host


def test_hidden_targets_answer_over_http(fleet: Fleet) -> None:
    with FleetServer(fleet) as server:
        for item in truth_of(fleet, "content.hidden_link"):
            reply = request(server, item.target)
            assert reply.status == 200, item.target
        js = next(t.target for t in truth_of(fleet, "content.hidden_link") if t.target.endswith(".js"))
        assert "javascript" in request(server, js).headers["content-type"]


def test_truth_json_carries_the_content_facts(fleet: Fleet, tmp_path: Path) -> None:
    truth = json.loads(write_fleet(fleet, tmp_path)["truth"].read_text(encoding="utf-8"))
    rules = Counter(f["rule"] for f in truth["findings"])
    assert {rule: rules[rule] for rule in RULES} == {
        rule: n for rule, n in count_by_rule(fleet.truth).items() if rule in RULES}
    rsj = truth["sites"][site_by_key(fleet, "rsj").site_code]["content"]
    assert {p["wrong"] for p in rsj["planted"]} >= {"习近乎", "人民检查院"}
    assert all(p["url"] and p["context"] for p in rsj["planted"]) and rsj["traps"]
    dsjzx = truth["sites"][site_by_key(fleet, "dsjzx").site_code]["content"]
    assert len(dsjzx["hidden"]) == 5 and len(dsjzx["hidden_traps"]) == 3
