"""List items (标题 + 日期) on list pages and home-page blocks.

A list item is a link in a list row (li, tr, dd, dt, p, or a small div) that is not part of
the site's template (navigation, footer, side bars: links found on most pages) and not a
pager link. Its date is read from the row *outside* the link text: a date in a title is an
event date ("关于2026年11月30日停电的通知"), not when the item was published.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from selectolax.lexbor import LexborNode

from govsite.collect.urls import absolutize, is_fetched
from govsite.rules import dates
from govsite.snapshot import Page, SiteSnapshot

ROW_TAGS = frozenset({"li", "tr", "dd", "dt", "p"})
DIV_ROW_MAX_TEXT = 200  # a div this short around a link is a row; longer, it is a block
# A "row" longer than this is a layout table or a whole article, and its dates are not the item's.
ROW_MAX_TEXT = 400
ROW_SEARCH_DEPTH = 4
PAGER_PATH = re.compile(r"/index_\d+\.s?html?$", re.IGNORECASE)
PAGER_TEXT = re.compile(
    r"^(首页|上一页|下一页|尾页|末页|更多|more|>>|<<|»|«|\d{1,3}|\[?更多\]?|查看更多)\W*$", re.IGNORECASE)
# A link on this share of a site's pages (and on at least TEMPLATE_MIN_PAGES) is template.
TEMPLATE_SHARE = 0.5
TEMPLATE_MIN_PAGES = 3
MIN_TITLE_CHARS = 2
SHORT_DATE_TAGS = ("span", "td", "em", "i", "font", "div", "dd", "b")


@dataclass(frozen=True)
class Item:
    """One listed item: its title and link, the list page it was on, and its date."""

    title: str
    url: str
    page: str
    date: date | None
    date_source: str  # list | pubdate | article | none


def template_links(snap: SiteSnapshot) -> frozenset[str]:
    """URLs linked from most of the site's pages: navigation, footer, side bars."""
    if "template_links" in snap.cache:
        return snap.cache["template_links"]
    pages = [p for p in snap.pages if p.html]
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({ln.url for ln in page.links if ln.tag == "a"})
    threshold = max(TEMPLATE_MIN_PAGES, math.ceil(TEMPLATE_SHARE * len(pages)))
    result = frozenset(url for url, n in counts.items() if n >= threshold)
    snap.cache["template_links"] = result
    return result


def _row(node: LexborNode) -> LexborNode | None:
    current = node.parent
    for _ in range(ROW_SEARCH_DEPTH):
        if current is None:
            return None
        if current.tag in ROW_TAGS:
            return current if len(current.text(strip=True)) <= ROW_MAX_TEXT else None
        if current.tag == "div" and len(current.text(strip=True)) <= DIV_ROW_MAX_TEXT:
            return current
        current = current.parent
    return None


def _row_date(row: LexborNode, anchor_text: str, seen: date) -> date | None:
    text = row.text(separator=" ")
    outside = text.replace(anchor_text, " ", 1) if anchor_text else text
    found = dates.plausible(dates.parse_full(outside), seen)
    if found is None:
        found = dates.plausible(dates.parse_short(outside, seen, whole_cell=False), seen)
    if found is None:
        for cell in row.css(",".join(SHORT_DATE_TAGS)):
            cell_text = cell.text(strip=True)
            if cell_text and cell_text not in anchor_text:
                found = dates.plausible(dates.parse_short(cell_text, seen, whole_cell=True), seen)
                if found:
                    break
    return found


def _base(page: Page) -> str:
    tree = page.tree
    base_node = tree.css_first("base[href]") if tree else None
    href = (base_node.attributes.get("href") or "").strip() if base_node else ""
    return absolutize(href, page.final_url) if href else page.final_url


@dataclass(frozen=True)
class PageListing:
    """What a list page shows: its items, and how many content rows it has at all."""

    items: tuple[Item, ...]
    dated_rows: int


def page_listing(page: Page, snap: SiteSnapshot) -> PageListing:
    """Items listed on one page, in document order, each URL once."""
    key = f"listing:{page.url}"
    if key in snap.cache:
        return snap.cache[key]
    tree = page.tree
    if tree is None:
        return PageListing((), 0)
    template = template_links(snap)
    seen = dates.fetched_day(page.fetched_at)
    base = _base(page)
    own = {page.url, page.final_url}
    items: dict[str, Item] = {}
    rows_with_dates = 0
    for anchor in tree.css("a[href]"):
        raw = anchor.attributes.get("href") or ""
        if not is_fetched(raw):
            continue
        url = absolutize(raw, base)
        title = " ".join(anchor.text(separator=" ").split()) or (anchor.attributes.get("title") or "")
        if (url in template or url in own or url in items or PAGER_PATH.search(url)
                or PAGER_TEXT.match(title) or len(title) < MIN_TITLE_CHARS):
            continue
        row = _row(anchor)
        if row is None:
            continue
        found = _row_date(row, anchor.text(separator=" "), seen)
        rows_with_dates += found is not None
        items[url] = Item(title=title, url=url, page=page.url, date=found,
                          date_source="list" if found else "none")
    listing = PageListing(tuple(items.values()), rows_with_dates)
    snap.cache[key] = listing
    return listing


def pages_by_url(snap: SiteSnapshot) -> dict[str, Page]:
    if "pages_by_url" not in snap.cache:
        index: dict[str, Page] = {}
        for page in snap.pages:
            index.setdefault(page.url, page)
            index.setdefault(page.final_url, page)
        snap.cache["pages_by_url"] = index
    return snap.cache["pages_by_url"]


def with_article_dates(items: tuple[Item, ...], snap: SiteSnapshot) -> list[Item]:
    """Fill undated list items from their article page: PubDate meta, then 发布时间 text."""
    index = pages_by_url(snap)
    out = []
    for item in items:
        article = index.get(item.url)
        if item.date is not None or article is None or not article.html:
            out.append(item)
            continue
        seen = dates.fetched_day(article.fetched_at)
        meta = next((v for k, v in article.meta.items() if k.lower() == "pubdate"), "")
        found = dates.plausible(dates.parse_full(meta), seen)
        source = "pubdate"
        if found is None:
            found, source = dates.plausible(dates.published_on_page(article.text), seen), "article"
        out.append(Item(item.title, item.url, item.page, found, source if found else "none"))
    return out
