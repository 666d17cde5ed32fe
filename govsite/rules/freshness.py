"""Freshness: 首页不更新, 栏目不更新, 空白栏目 — the vetoes that fail most sites.

Windows count back from the 监测时间点 (as_of) and come from data/columns.yaml (standards.md
§1.1, §2.2, §6.1). An item without a readable date is not an update (V15-2, grade A), but a
site whose pages could not be read at all is not_measured, never "stale".
"""

from __future__ import annotations

from datetime import timedelta

from govsite.findings import Finding
from govsite.rules.base import NEED_HOME, NEED_PAGES, RuleContext, RuleMeta, rule
from govsite.rules.columns import Column, home_items, site_columns
from govsite.rules.listing import Item
from govsite.snapshot import SiteSnapshot

HOME_WINDOW_DAYS = 14

HOME_STALE = RuleMeta(
    id="update.home_stale",
    name_zh="首页不更新",
    family="update",
    needs=(NEED_HOME, NEED_PAGES),
    evidence=("newest", "newest_title", "newest_url", "age_days", "allowed_days", "as_of",
              "items", "dated_items", "navigation_only"),
    tags=("gb2015:V15-2", "gb2019:V19-3"),
    options={"window_days": HOME_WINDOW_DAYS},
    help_zh="监测时间点前2周内首页无信息更新（首页仅为导航页的，看二级页面）。",
)


def newest_home_item(snap: SiteSnapshot, ctx: RuleContext) -> tuple[Item | None, list[Item], bool]:
    """The newest dated item on the home page, the home items, and whether the home page is
    navigation only (no list items), in which case the newest item of any column counts."""
    items = home_items(snap)
    pool = items
    navigation_only = not items
    if navigation_only:
        pool = [i for col in site_columns(snap, ctx) for i in col.items]
    dated = [i for i in pool if i.date is not None]
    return (max(dated, key=lambda i: i.date) if dated else None), items, navigation_only  # type: ignore[arg-type,return-value]


@rule(HOME_STALE)
def home_stale(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The home page shows no item published within 14 days of the 监测时间点.

    What it checks: the dated items listed on the home page (title links in list rows with a
        date beside them, or a PubDate on the linked article); the newest must be at most 14
        days before as_of. Undated items do not count. A home page that lists no items at all
        is a navigation page: then the newest item of the second-level pages counts.
    Why it matters: 网站不更新 / 首页不更新 is a single-item veto in 2015 and 2019 ("监测2周，首页
        栏目无信息更新的"; standards.md V15-2, V19-3, grade A/B).
    Example: the home page's newest item is dated 15 days before the 监测时间点.
    References: standards.md §1.1 V15-2, §2.2 V19-3, §6.2.
    """
    window = int(ctx.option(HOME_STALE, "window_days"))
    newest, items, navigation_only = newest_home_item(snap, ctx)
    oldest = ctx.as_of - timedelta(days=window)
    if newest is not None and newest.date is not None and newest.date >= oldest:
        return []
    home = snap.home
    assert home is not None
    age = (ctx.as_of - newest.date).days if newest and newest.date else None
    what = (f"最新信息为{newest.date.isoformat()}（{age}天前）" if newest and newest.date
            else "未找到注明日期的信息")
    return [Finding(
        rule=HOME_STALE.id, url=home.url,
        detail=f"首页{window}天内无信息更新：{what}",
        evidence={"newest": newest.date.isoformat() if newest and newest.date else None,
                  "newest_title": newest.title if newest else None,
                  "newest_url": newest.url if newest else None, "age_days": age,
                  "allowed_days": window, "as_of": ctx.as_of.isoformat(), "items": len(items),
                  "dated_items": sum(1 for i in items if i.date), "navigation_only": navigation_only},
    )]


COLUMN_EVIDENCE = ("column", "type", "level", "newest", "newest_title", "age_days", "allowed",
                   "as_of", "items", "dated_items", "pages")

COLUMN_STALE = RuleMeta(
    id="column.stale",
    name_zh="栏目不更新",
    family="column",
    needs=(NEED_PAGES,),
    evidence=COLUMN_EVIDENCE,
    tags=("gb2015:V15-3", "gb2019:V19-4", "gb2019:D19-1"),
    help_zh="动态要闻类栏目2周、通知公告和政策文件类栏目6个月、人事和规划计划类栏目1年内未更新。",
)


def _column_evidence(col: Column, ctx: RuleContext) -> dict[str, object]:
    newest = col.newest
    return {
        "column": col.name, "type": col.type_name, "level": col.level,
        "newest": newest.date.isoformat() if newest and newest.date else None,
        "newest_title": newest.title if newest else None, "age_days": col.age_days(ctx.as_of),
        "allowed": col.type.allowed if col.type else None, "as_of": ctx.as_of.isoformat(),
        "items": len(col.items), "dated_items": sum(1 for i in col.items if i.date),
        "pages": len(col.pages),
    }


@rule(COLUMN_STALE)
def stale(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """A column has not been updated within the window of its type.

    What it checks: each column (list pages sharing a directory, pagination included) typed
        by its ColumnType/ColumnName meta or name keywords (docs/columns.md); the newest dated
        item must be within 14 days (动态要闻), 6 months (通知公告, 政策文件) or 12 months (人事,
        规划计划, an assumption) of as_of. A column whose items are all undated is stale.
        历史专题 and untyped columns are exempt; a column with no items is column.blank.
    Why it matters: 栏目不更新 is a veto when 5 or more typed columns (or 10 should-update
        columns) are stale, and 2019 deducts 5 points for a stale 政策文件 column (standards.md
        V15-3, V19-4, D19-1).
    Example: 部门动态's newest item is 40 days old; 通知公告's is 7 months old.
    References: standards.md §1.1 V15-3, §1.4, §2.2 V19-4, §2.3 D19-1, §6.1–6.3.
    """
    findings = []
    for col in site_columns(snap, ctx):
        if col.status(ctx.as_of) != "stale":
            continue
        evidence = _column_evidence(col, ctx)
        when = f"最新信息为{evidence['newest']}" if evidence["newest"] else "栏目信息均未注明日期"
        findings.append(Finding(
            rule=COLUMN_STALE.id, url=col.url,
            detail=f"{col.type_name}栏目“{col.name}”超过{evidence['allowed']}未更新（{when}）",
            evidence=evidence))
    return findings


COLUMN_BLANK = RuleMeta(
    id="column.blank",
    name_zh="空白栏目",
    family="column",
    needs=(NEED_PAGES,),
    evidence=("column", "type", "level", "why", "placeholder", "pages"),
    tags=("gb2015:V15-3", "gb2019:V19-4"),
    help_zh="栏目无任何内容，或只有“暂无信息”“正在建设中”等占位文字。",
)


@rule(COLUMN_BLANK)
def blank(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """A column has no content at all.

    What it checks: column list pages with no list items and no dated rows, on any of their
        pages; the placeholder text shown (暂无信息, 正在建设中 …) is recorded when there is one.
        历史专题 columns are exempt.
    Why it matters: 空白栏目 ("有栏目无内容") is a veto at 5 or more (standards.md V15-3c,
        V19-4 item 3, grade A/B).
    Example: 政策解读 shows only “暂无信息”.
    References: standards.md §1.1 V15-3c, §1.4, §2.2 V19-4.
    """
    findings = []
    for col in site_columns(snap, ctx):
        if col.status(ctx.as_of) != "blank":
            continue
        why = "placeholder" if col.placeholder else "no_items"
        shown = f"仅显示“{col.placeholder}”" if col.placeholder else "没有任何信息"
        findings.append(Finding(
            rule=COLUMN_BLANK.id, url=col.url, detail=f"栏目“{col.name}”为空白栏目：{shown}",
            evidence={"column": col.name, "type": col.type_name, "level": col.level, "why": why,
                      "placeholder": col.placeholder, "pages": len(col.pages)}))
    return findings
