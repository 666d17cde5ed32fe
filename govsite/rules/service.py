"""Services (办事服务): an entry to them, and complete 办事指南.

V19-6 服务不实用 (standards.md §2.2, grade B, text truncated): "1.未提供办事服务。2.办事指南重点要素
类别(包括事项名称、设定依据、申请条件、办理材料、…". The 8 elements and their synonyms are data
(data/keywords.yaml); D15-8 asks for "办事指南要素的完整性".
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from govsite.findings import Finding
from govsite.rules.base import NEED_HOME, NEED_PAGES, RuleContext, RuleMeta, rule
from govsite.rules.columns import site_columns
from govsite.rules.keywords import any_in, keywords
from govsite.rules.pages import ROLE_HOME, page_role
from govsite.snapshot import Page, SiteSnapshot

MAX_ENTRY_TEXT = 12

NONE = RuleMeta(
    id="service.none",
    name_zh="未提供办事服务",
    family="service",
    needs=(NEED_HOME, NEED_PAGES),
    evidence=("looked_in", "links_seen"),
    tags=("gb2019:V19-6",),
    help_zh="首页未提供办事服务入口（办事服务栏目或政务服务平台链接）。",
)


def has_service_entry(snap: SiteSnapshot, ctx: RuleContext) -> bool:
    """A home-page link named for services or to a 政务服务 platform, or a 办事 column."""
    kw = keywords()["service"]
    home = snap.home
    for link in home.links if home else []:
        host = (urlsplit(link.url).hostname or "").lower()
        # A long link text is a headline that mentions services, not an entry to them.
        named = len(link.text.strip()) <= MAX_ENTRY_TEXT and any_in(link.text, kw["entry"])
        if named or any(part in host for part in kw["platform_host_parts"]):
            return True
    return any(col.type_name == "办事" for col in site_columns(snap, ctx))


@rule(NONE)
def none(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The site offers no entry to government services.

    What it checks: a home-page link (text or image alt) named 办事服务, 政务服务, 网上办事,
        办事指南, 一网通办 …, or leading to a 政务服务 platform host (zwfw.*, gjzwfw), or a
        column typed 办事.
    Why it matters: "未提供办事服务" is part of the 2019 服务不实用 veto (standards.md V19-6).
    Example: a 街镇 site with news and notices and no 办事 entry anywhere.
    References: standards.md §2.2 V19-6.
    """
    if has_service_entry(snap, ctx):
        return []
    home = snap.home
    assert home is not None
    return [Finding(rule=NONE.id, url=home.url, detail="首页未提供办事服务入口",
                    evidence={"looked_in": "首页链接（文字、图片说明、目标域名）及栏目",
                              "links_seen": len(home.links)})]


GUIDE_INCOMPLETE = RuleMeta(
    id="service.guide_incomplete",
    name_zh="办事指南要素缺失",
    family="service",
    needs=(NEED_PAGES,),
    evidence=("title", "missing", "present"),
    tags=("gb2015:D15-8", "gb2019:V19-6", "gb2019:D19-4"),
    help_zh="办事指南缺少事项名称、设定依据、申请条件、办理材料、办理地点、办理时间、联系电话、办理流程等要素。",
)


def is_guide(page: Page, snap: SiteSnapshot) -> bool:
    """A 办事指南 page: its title, heading or ArticleTitle says so."""
    if page_role(page, snap) == ROLE_HOME or not page.html:
        return False
    tree = page.tree
    heading = tree.css_first("h1") if tree else None
    texts = [page.title, heading.text(strip=True) if heading else "",
             *(v for k, v in page.meta.items() if k.lower() == "articletitle")]
    return any(any_in(t, keywords()["service"]["guide_title"]) for t in texts)


# Site footers print "联系电话：…" on every page; read there, it would hide a guide that gives no
# contact of its own. Footer blocks are dropped before the elements are looked for.
FOOTER_SELECTOR = ("footer, [class*=foot], [id*=foot], [class*=bottom], [id*=bottom], "
                   "[class*=copyright], [id*=copyright]")


def guide_elements(page: Page) -> tuple[list[str], list[str]]:
    """(present, missing) key elements: a synonym followed by a colon, or alone in a cell."""
    tree = LexborHTMLParser(page.html or "")
    for node in tree.css(FOOTER_SELECTOR):
        node.decompose()
    tree.strip_tags(["script", "style", "template"])
    root = tree.body or tree.root
    text = " ".join((root.text(separator=" ") if root else "").split())
    cells = {c.text(strip=True).rstrip("：:") for c in tree.css("th, td, dt")}
    present, missing = [], []
    for element, synonyms in keywords()["service"]["guide_elements"].items():
        labelled = re.search(rf"(?:{'|'.join(map(re.escape, synonyms))})\s*[:：]", text)
        (present if labelled or cells & set(synonyms) else missing).append(element)
    return present, missing


def site_guides(snap: SiteSnapshot) -> list[dict[str, object]]:
    """Every guide page with its present and missing elements (for the rule and the report)."""
    out = []
    for page in sorted(snap.pages, key=lambda p: p.url):
        if page.ok and is_guide(page, snap):
            present, missing = guide_elements(page)
            out.append({"url": page.url, "title": page.title.strip(), "present": present,
                        "missing": missing})
    return out


@rule(GUIDE_INCOMPLETE)
def guide_incomplete(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """A 办事指南 page lacks key elements.

    What it checks: pages titled 办事指南 or 服务指南; each of the 8 key elements (事项名称,
        设定依据, 申请条件, 办理材料, 办理地点, 办理时间, 联系电话, 办理流程) must appear as a label
        (or a synonym: 办理依据, 受理条件, 申请材料, 咨询电话 …) followed by a colon or alone in a
        table cell, outside the site footer (whose 联系电话 is the office's, not the service's).
    Why it matters: incomplete guides make 服务不实用 a veto in 2019 and cost points in 2015
        (standards.md V19-6, D15-8); the element list is the 2019 text's, completed from D15-8.
    Example: a guide with 事项名称, 申请条件 and 办理材料 but no 设定依据 or 办理地点.
    References: standards.md §1.2 D15-8, §2.2 V19-6, §2.3 D19-4.
    """
    return [
        Finding(rule=GUIDE_INCOMPLETE.id, url=str(g["url"]),
                detail=f"办事指南“{g['title']}”缺少：{'、'.join(g['missing'])}",  # type: ignore[arg-type]
                evidence={"title": g["title"], "missing": g["missing"], "present": g["present"]})
        for g in site_guides(snap) if g["missing"]
    ]
