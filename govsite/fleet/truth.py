"""The expected findings of a fleet, derived from what the fleet actually serves.

Link and meta findings are not listed by hand: this module crawls the in-memory fleet the way a
census would (links from the home page, same host), asks the resources what each target answers,
and reads the meta tags of each page. A planted defect that the HTML does not really carry, or a
stray broken link nobody planted, therefore shows up in the truth instead of silently disagreeing
with it. Site-level findings (footer, domain, availability, registry) come from the catalogue,
and those of the content rules (update, blank, interaction, service, search) from the facts of
what each site was built with (`facts.py`, `expect.py`).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from govsite.fleet.defects import SiteSpec, shown_code
from govsite.fleet.expect import content_truth
from govsite.fleet.model import (
    BEHAVIOUR_ERROR_PAGE,
    BEHAVIOUR_SOFT_404,
    Fleet,
    FleetSite,
    Resource,
    TruthItem,
)

ATTACHMENT_EXTS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".rar", ".wps")
LINK_ATTRS = {"a": "href", "area": "href", "img": "src", "script": "src", "link": "href",
              "iframe": "src", "frame": "src", "embed": "src", "source": "src"}
NAVIGATION_TAGS = ("a", "area", "iframe", "frame")
NOT_CHECKED = ("javascript:", "mailto:", "tel:", "data:", "#")
MAX_REDIRECTS = 10

SITE_TAGS = ("SiteName", "SiteDomain", "SiteIDCode")
REQUIRED_META = {
    "home": SITE_TAGS,
    "column": SITE_TAGS + ("ColumnName", "ColumnType"),
    "article": SITE_TAGS + ("ArticleTitle", "PubDate", "ContentSource"),
    "other": SITE_TAGS,
}
ARTICLE_PATH = re.compile(r"/t\d{8}_\d+\.s?html?$")
COLUMN_PATH = re.compile(r"(/|/index\.html|/index_\d+\.html)$")

FOOTER_NOTES = {
    "conac": ("footer.missing_conac", "首页无党政机关网站标识"),
    "zhaocuo": ("footer.missing_zhaocuo", "首页无“我为政府网站找错”入口"),
    "site_code": ("footer.missing_site_code", "首页无网站标识码"),
    "icp": ("footer.missing_icp", "首页无ICP备案编号"),
    "psb": ("footer.missing_psb", "首页无公安机关备案标识"),
    "sponsor": ("footer.missing_sponsor", "首页无主办单位"),
    "contact": ("footer.missing_contact", "首页无联系电话、地址或邮箱"),
    "sitemap": ("footer.missing_sitemap", "首页无网站地图"),
}
# standards.md §6.4 / §7: the availability veto fires at a failure ratio of 5 % (inclusive).
UNREACHABLE_RATIO = 0.05


@dataclass(frozen=True)
class Outcome:
    """What a client ends up with after following redirects to a URL."""

    url: str
    status: int | None
    resource: Resource | None
    error: str | None = None

    def broken(self, *, attachment: bool) -> str | None:
        """Why the target is broken (a short note), or None when it works."""
        if self.error:
            return self.error
        if self.status is None or self.resource is None:
            return "no answer"
        if self.status >= 400:
            return f"HTTP {self.status}"
        if self.resource.behaviour == BEHAVIOUR_SOFT_404:
            return "soft 404：HTTP 200 页面不存在"
        if attachment and self.resource.behaviour == BEHAVIOUR_ERROR_PAGE:
            return "HTTP 200 text/html 文件不存在"
        return None


def follow(fleet: Fleet, url: str) -> Outcome:
    """Resolve a URL against the fleet as a redirect-following client would."""
    seen: list[str] = []
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        resource = fleet.lookup(parts.hostname or "", path)
        if resource is None:
            return Outcome(url, None, None, "unknown host")
        location = resource.headers.get("Location")
        if resource.status in (301, 302, 303, 307, 308) and location:
            seen.append(url)
            url = urljoin(url, location)
            if url in seen:
                return Outcome(url, resource.status, resource, "too_many_redirects")
            continue
        return Outcome(url, resource.status, resource)
    return Outcome(url, None, None, "too_many_redirects")


def is_attachment(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(ATTACHMENT_EXTS)


def absolute(base: str, raw: str) -> str:
    """`raw` resolved against `base`, fragment removed (fast path for root-relative links)."""
    if raw.startswith("/") and not raw.startswith("//") and "#" not in raw:
        parts = urlsplit(base)
        return f"{parts.scheme}://{parts.netloc}{raw}"
    return urldefrag(urljoin(base, raw)).url


@dataclass(frozen=True)
class ParsedPage:
    """What the truth needs of one page: its crawl depth, its links and its meta tags."""

    depth: int
    links: list[tuple[str, str]]
    meta: dict[str, str]


def parse_page(html: str, base: str, *, depth: int = 0) -> ParsedPage:
    """Links (tag, absolute URL) in document order and `<meta name>` tags, in one parse."""
    tree = LexborHTMLParser(html)
    links = []
    for node in tree.css(",".join(f"{t}[{a}]" for t, a in LINK_ATTRS.items())):
        raw = (node.attributes.get(LINK_ATTRS[node.tag]) or "").strip()
        if raw and not raw.lower().startswith(NOT_CHECKED):
            links.append((node.tag, absolute(base, raw)))
    meta = {}
    for node in tree.css("meta[name]"):
        content = node.attributes.get("content") or ""
        if content:
            meta[node.attributes.get("name") or ""] = content
    return ParsedPage(depth, links, meta)


def decode(resource: Resource, site: FleetSite) -> str:
    return resource.body.decode("gbk" if site.charset == "gbk" else "utf-8")


def crawl(fleet: Fleet, site: FleetSite) -> dict[str, ParsedPage]:
    """Every HTML page of the site reachable from its home page, by final URL.

    Only same-host navigation links are followed, attachments are not parsed, and answers that
    are not real pages (soft 404, error pages, anything but 200 text/html) are not pages.
    """
    pages: dict[str, ParsedPage] = {}
    queue = deque([(site.url, 0)])
    queued = {site.url}
    while queue:
        url, depth = queue.popleft()
        outcome = follow(fleet, url)
        resource = outcome.resource
        if (outcome.error or resource is None or outcome.status != 200
                or urlsplit(outcome.url).hostname != site.host or outcome.url in pages
                or not resource.headers.get("Content-Type", "").startswith("text/html")
                or resource.behaviour in (BEHAVIOUR_SOFT_404, BEHAVIOUR_ERROR_PAGE)):
            continue
        page = parse_page(decode(resource, site), outcome.url, depth=depth)
        pages[outcome.url] = page
        for tag, target in page.links:
            if (tag in NAVIGATION_TAGS and target not in queued and not is_attachment(target)
                    and urlsplit(target).hostname == site.host):
                queued.add(target)
                queue.append((target, depth + 1))
    return pages


def link_truth(fleet: Fleet, site: FleetSite, pages: dict[str, ParsedPage]) -> list[TruthItem]:
    """links.broken_home / links.broken / links.attachment_broken of one crawled site."""
    linked_from: dict[str, set[str]] = {}
    for url, page in pages.items():
        for _, target in page.links:
            linked_from.setdefault(target, set()).add(url)
    items = []
    for target in sorted(linked_from):
        attachment = is_attachment(target)
        why = follow(fleet, target).broken(attachment=attachment)
        if why is None:
            continue
        on_home = site.url in linked_from[target]
        if attachment:
            rule = "links.attachment_broken"
        else:
            rule = "links.broken_home" if on_home else "links.broken"
        page = site.url if on_home else min(linked_from[target])
        items.append(TruthItem(site.site_code, rule, page, target, why))
    return items


def page_kind(url: str, home: str, meta: dict[str, str]) -> str:
    """home / article / column / other, as the meta rule classifies pages."""
    path = urlsplit(url).path or "/"
    if url == home:
        return "home"
    if ARTICLE_PATH.search(path) or "ArticleTitle" in meta or "PubDate" in meta:
        return "article"
    if COLUMN_PATH.search(path) or ("ColumnName" in meta and "ArticleTitle" not in meta):
        return "column"
    return "other"


def meta_truth(site: FleetSite, pages: dict[str, ParsedPage]) -> list[TruthItem]:
    """meta.missing: one item per page lacking a tag its page kind requires."""
    items = []
    for url in sorted(pages):
        meta = pages[url].meta
        kind = page_kind(url, site.url, meta)
        missing = [tag for tag in REQUIRED_META[kind] if tag not in meta]
        if missing:
            note = f"{kind} 页面缺少 {', '.join(missing)}"
            items.append(TruthItem(site.site_code, "meta.missing", url, None, note))
    return items


def site_truth(fleet: Fleet, site: FleetSite, spec: SiteSpec) -> list[TruthItem]:
    """Footer, domain, availability and registry findings of one site, from its spec."""
    items = []
    code, home = site.site_code, site.url
    if spec.audited:
        for element in sorted(spec.footer_omit):
            rule, note = FOOTER_NOTES[element]
            items.append(TruthItem(code, rule, home, None, note))
        if spec.malformed_code:
            note = f"首页显示网站标识码 {shown_code(spec, code)}，登记为 {code}"
            items.append(TruthItem(code, "footer.invalid_site_code", home, None, note))
        if spec.domain_defect:
            items.append(TruthItem(code, "domain.noncompliant", home, None, spec.domain_defect))
    probes = [p for p in fleet.probes if p.site_code == code]
    failures = sum(not p.ok for p in probes)
    if probes and failures:
        ratio = failures / len(probes)
        rule = "availability.unreachable" if ratio >= UNREACHABLE_RATIO else (
            "availability.home_failure")
        note = f"{failures}/{len(probes)} 次探测失败（{ratio:.2%}）"
        items.append(TruthItem(code, rule, home, None, note))
    if spec.lifecycle == "closed_online":
        items.append(TruthItem(code, "registry.closed_but_online", home, None,
                               "登记为关停，首页仍返回 HTTP 200 且内容正常"))
    return items


def derive_truth(fleet: Fleet, specs: dict[str, SiteSpec]) -> list[TruthItem]:
    """Every expected finding of the fleet, sorted by (site_code, rule, url, target)."""
    items: list[TruthItem] = []
    for site in fleet.sites:
        spec = specs[site.site_code]
        if spec.audited:
            pages = crawl(fleet, site)
            items += link_truth(fleet, site, pages) + meta_truth(site, pages)
            if site.facts is not None:
                items += content_truth(site, fleet.as_of)
        items += site_truth(fleet, site, spec)
    return sorted(items, key=truth_key)


def truth_key(item: TruthItem) -> tuple[str, str, str, str]:
    return (item.site_code, item.rule, item.url, item.target or "")


def count_by_rule(items: Iterable[TruthItem]) -> dict[str, int]:
    """Number of expected findings per rule ID, for summaries."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.rule] = counts.get(item.rule, 0) + 1
    return dict(sorted(counts.items()))
