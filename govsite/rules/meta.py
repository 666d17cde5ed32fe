"""Page meta tags (网页标签) that government CMSs must emit.

standards.md G-7 (grade C: tags observed on real gov sites; the 47号 list is unconfirmed):
SiteName, SiteDomain, SiteIDCode on every page; ColumnName, ColumnType on column pages;
ArticleTitle, PubDate, ContentSource on article pages. The national monitoring system reads
them (PubDate feeds the update checks), so a page without them is invisible to it.
"""

from __future__ import annotations

from govsite.findings import Finding
from govsite.rules.base import NEED_PAGES, RuleContext, RuleMeta, rule
from govsite.rules.pages import ROLE_ARTICLE, ROLE_COLUMN, ROLE_HOME, ROLE_OTHER, page_role
from govsite.snapshot import SiteSnapshot

SITE_TAGS = ("SiteName", "SiteDomain", "SiteIDCode")
REQUIRED: dict[str, tuple[str, ...]] = {
    ROLE_HOME: SITE_TAGS,
    ROLE_OTHER: SITE_TAGS,
    ROLE_COLUMN: (*SITE_TAGS, "ColumnName", "ColumnType"),
    ROLE_ARTICLE: (*SITE_TAGS, "ArticleTitle", "PubDate", "ContentSource"),
}
ROLE_ZH = {ROLE_HOME: "首页", ROLE_OTHER: "页面", ROLE_COLUMN: "栏目页", ROLE_ARTICLE: "文章页"}

MISSING = RuleMeta(
    id="meta.missing",
    name_zh="网页元数据缺失",
    family="meta",
    needs=(NEED_PAGES,),
    evidence=("role", "missing", "present"),
    tags=("spec:G-7",),
    help_zh="页面缺少规定的网页标签（SiteName、SiteIDCode、ColumnName、PubDate等）。",
)


@rule(MISSING)
def missing(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """A page lacks meta tags its role requires.

    What it checks: `<meta name=… content=…>` with non-empty content on every fetched HTML
        page: SiteName, SiteDomain, SiteIDCode everywhere; ColumnName and ColumnType on column
        list pages (…/, index.html, index_N.html); ArticleTitle, PubDate and ContentSource on
        article pages (…/tYYYYMMDD_N.html). Tag names match case-insensitively.
    Why it matters: the national monitoring system identifies sites, columns and publication
        dates from these tags (standards.md G-7, grade C).
    Example: an article page with ArticleTitle and ContentSource but no PubDate.
    References: standards.md G-7, §6.2.
    """
    findings: list[Finding] = []
    for page in snap.pages:
        if page.html is None or not page.ok:
            continue
        role = page_role(page, snap)
        present = {k.lower() for k, v in page.meta.items() if v and v.strip()}
        absent = [tag for tag in REQUIRED[role] if tag.lower() not in present]
        if absent:
            findings.append(
                Finding(
                    rule=MISSING.id,
                    url=page.url,
                    detail=f"{ROLE_ZH[role]}缺少网页标签：{'、'.join(absent)}",
                    evidence={
                        "role": role,
                        "missing": absent,
                        "present": sorted(k for k in page.meta if k.lower() in present),
                    },
                )
            )
    return findings
