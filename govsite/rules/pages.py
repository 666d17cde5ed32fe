"""Shared checks about pages: which role a page plays on a site (首页, 栏目页, 文章页).

Several rules ask the same question ("is this an article page?"), so the answer lives here
once. The scheme follows how TRS-style CMSs, which run most Chinese government sites, lay
out URLs (`/xwzx/bmdt/202611/t20261120_123456.html` for articles, `index_N.html` for the
pages of a column list) and their meta tags (standards.md G-7, grade C).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from govsite.snapshot import Page, SiteSnapshot

ROLE_HOME = "home"
ROLE_COLUMN = "column"
ROLE_ARTICLE = "article"
ROLE_OTHER = "other"

ARTICLE_PATH = re.compile(r"/t\d{8}_\d+\.s?html?$", re.IGNORECASE)
COLUMN_PATH = re.compile(r"(/|/index\.s?html?|/index_\d+\.s?html?)$", re.IGNORECASE)


def page_role(page: Page, snap: SiteSnapshot) -> str:
    """Classify a page by URL scheme first, then by the meta tags it declares.

    The URL wins over meta because a missing meta tag is exactly what `meta.missing` looks
    for: classifying by meta alone would hide the pages that lack it.
    """
    if snap.home is not None and page is snap.home:
        return ROLE_HOME
    path = urlsplit(page.final_url or page.url).path or "/"
    if ARTICLE_PATH.search(path) or "ArticleTitle" in page.meta or "PubDate" in page.meta:
        return ROLE_ARTICLE
    if COLUMN_PATH.search(path) or "ColumnName" in page.meta:
        return ROLE_COLUMN
    return ROLE_OTHER
