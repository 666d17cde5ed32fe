"""A site's columns (栏目): discovered from its list pages, named, typed and dated.

Shared by the freshness rules, the interaction rules and the report's column table, and
computed once per snapshot. A column is the set of list pages that share a directory
(`/xwzx/bmdt/`, `index.html`, `index_1.html` …); pagination is how the crawl finds the
newest item when the first page is not sorted.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from govsite.rules.base import RuleContext
from govsite.rules.listing import Item, PageListing, page_listing, with_article_dates
from govsite.rules.pages import ROLE_COLUMN, page_role
from govsite.rules.taxonomy import ColumnType, taxonomy
from govsite.snapshot import Page, SiteSnapshot

INDEX_FILE = re.compile(r"(index(_\d+)?\.s?html?)$", re.IGNORECASE)
NOT_A_NAME = re.compile(r"^(首页|上一页|下一页|尾页|更多|more|>>|\d+|查看更多|当前位置.*)$", re.IGNORECASE)
MAX_NAME_CHARS = 20


@dataclass
class Column:
    """One 栏目: where it is, what it is, and what it lists."""

    key: str
    url: str
    name: str
    type: ColumnType | None
    type_name: str
    level: int
    pages: list[Page]
    items: list[Item] = field(default_factory=list)
    dated_rows: int = 0
    placeholder: str | None = None

    @property
    def newest(self) -> Item | None:
        dated = [i for i in self.items if i.date is not None]
        return max(dated, key=lambda i: i.date) if dated else None  # type: ignore[arg-type,return-value]

    @property
    def blank(self) -> bool:
        return not self.items and not self.dated_rows

    def age_days(self, as_of: date) -> int | None:
        newest = self.newest
        return (as_of - newest.date).days if newest and newest.date else None

    def status(self, as_of: date) -> str:
        """ok, stale, blank, exempt or not_judged at the 监测时间点."""
        if self.type is not None and self.type.exempt:
            return "exempt"
        if self.blank:
            return "blank"
        oldest = self.type.oldest_fresh(as_of) if self.type else None
        if oldest is None:
            return "not_judged"
        newest = self.newest
        return "ok" if newest and newest.date and newest.date >= oldest else "stale"


def column_key(page: Page) -> str:
    """The directory a list page belongs to: host + path without index(_N).html."""
    parts = urlsplit(page.final_url or page.url)
    path = INDEX_FILE.sub("", parts.path or "/")
    return f"{(parts.hostname or '').lower()}{path}"


def _override(ctx: RuleContext, key: str) -> dict:
    host, _, path = key.partition("/")
    entries = ctx.column_overrides.get(host, {})
    best = max((p for p in entries if ("/" + path).startswith(p)), key=len, default=None)
    return entries[best] if best else {}


def _name(pages: list[Page], snap: SiteSnapshot) -> str:
    """ColumnName meta, else the text most sites' links use for it, else the page heading."""
    metas = Counter(v.strip() for p in pages for k, v in p.meta.items()
                    if k.lower() == "columnname" and v.strip())
    if metas:
        return metas.most_common(1)[0][0]
    urls = {p.url for p in pages} | {p.final_url for p in pages}
    texts = Counter(
        ln.text.strip() for p in snap.pages for ln in p.links
        if ln.url in urls and ln.tag == "a" and ln.text.strip()
        and len(ln.text.strip()) <= MAX_NAME_CHARS and not NOT_A_NAME.match(ln.text.strip())
    )
    if texts:
        return texts.most_common(1)[0][0]
    tree = pages[0].tree
    heading = tree.css_first("h1, h2") if tree else None
    return (heading.text(strip=True) if heading else "") or pages[0].title.strip()


def _first_page(pages: list[Page]) -> Page:
    return min(pages, key=lambda p: (bool(re.search(r"index_\d+", p.url)), len(p.url), p.url))


def column_pages(snap: SiteSnapshot) -> dict[str, list[Page]]:
    """The site's column list pages grouped by column (`column_key`), keys sorted."""
    groups: dict[str, list[Page]] = {}
    for page in snap.pages:
        if page.ok and page.html and page_role(page, snap) == ROLE_COLUMN:
            groups.setdefault(column_key(page), []).append(page)
    return dict(sorted(groups.items()))


def column_entry_pages(snap: SiteSnapshot) -> list[Page]:
    """One page per column, its first list page: what a reader opens from the menu."""
    return [_first_page(pages) for pages in column_pages(snap).values()]


def site_columns(snap: SiteSnapshot, ctx: RuleContext) -> list[Column]:
    """Every column of the site, in URL order (cached on the snapshot for this context)."""
    cache_key = f"columns:{id(ctx.column_overrides)}"
    if cache_key in snap.cache:
        return snap.cache[cache_key]
    groups = column_pages(snap)
    home_links = {ln.url for ln in snap.home.links} if snap.home else set()
    tax = taxonomy()
    columns: list[Column] = []
    for key, pages in groups.items():
        override = _override(ctx, key)
        if override.get("ignore"):
            continue
        first = _first_page(pages)
        name = str(override.get("name") or _name(pages, snap))
        meta_type = next((v for p in pages for k, v in p.meta.items()
                          if k.lower() == "columntype" and v.strip()), "")
        ctype = (tax.by_name(override["type"]) if override.get("type")
                 else tax.classify(meta_type, name))
        listings: list[PageListing] = [page_listing(p, snap) for p in pages]
        seen: dict[str, Item] = {}
        for listing in listings:
            for item in listing.items:
                seen.setdefault(item.url, item)
        linked = any(p.url in home_links or p.final_url in home_links for p in pages)
        text = " ".join(p.text for p in pages)
        columns.append(Column(
            key=key, url=first.url, name=name, type=ctype,
            type_name=ctype.type if ctype else tax.fallback, level=1 if linked else 2,
            pages=sorted(pages, key=lambda p: p.url),
            items=with_article_dates(tuple(seen.values()), snap),
            dated_rows=sum(listing.dated_rows for listing in listings),
            placeholder=next((ph for ph in tax.placeholders if ph in text), None),
        ))
    snap.cache[cache_key] = columns
    return columns


def home_items(snap: SiteSnapshot) -> list[Item]:
    """Items listed on the home page, with dates filled from their articles where missing."""
    if snap.home is None:
        return []
    return with_article_dates(page_listing(snap.home, snap).items, snap)
