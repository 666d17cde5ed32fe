"""What a census should read off each site for the update, interaction, service and search rules.

Computed from the plan the site was rendered from, with the contract's reading of a page
(the semantics the rules implement, restated here independently of `govsite.rules`):

- a column's type is its ColumnType meta when that names a type, else the first keyword group
  its name matches (`names.COLUMN_TYPES`), else 其他;
- an item's date is the date in its list row, else its article page's PubDate or visible
  发布时间 (every fleet article page shows 发布时间); a PDF item without a row date is undated;
- the home page's newest item is the newest dated row it lists (column blocks and 留言), or,
  on a navigation-only home page, the newest item of any column;
- a planted wrong form is one finding on the one page that shows it, a planted trap none; the
  hacked home page's hidden links, frame and script are one finding each (`wording.py`).
"""

from __future__ import annotations

from datetime import date

from govsite.fleet.content import Article, Column
from govsite.fleet.guides import ELEMENT_NAMES
from govsite.fleet.model import (
    ColumnInfo,
    GuideInfo,
    HiddenInfo,
    MessageInfo,
    SearchInfo,
    SiteFacts,
    TextInfo,
    TrapInfo,
)
from govsite.fleet.names import COLUMN_TYPES, OTHER_TYPE
from govsite.fleet.pages import HOME_BLOCK_ITEMS, HOME_MESSAGES, SitePlan
from govsite.fleet.search import query_text

TYPE_NAMES = {name for name, _ in COLUMN_TYPES} | {OTHER_TYPE}


def classify(meta_type: str | None, name: str) -> str:
    """The rule's column type: the ColumnType meta if it names a type, else name keywords."""
    if meta_type in TYPE_NAMES:
        return meta_type
    for column_type, words in COLUMN_TYPES:
        if any(word in name for word in words):
            return column_type
    return OTHER_TYPE


def item_date(article: Article, column: Column) -> date | None:
    """The date a census can give an item: row date, else the article page's date."""
    if column.date_style != "none" or not article.file:
        return article.when.date()
    return None


def column_info(host: str, column: Column, *, has_meta: bool) -> ColumnInfo:
    dates = [d for a in column.articles if (d := item_date(a, column))]
    blank = None
    if not column.articles:
        blank = f"占位文字“{column.placeholder}”" if column.placeholder else "无信息条目"
    return ColumnInfo(
        name=column.name, url=f"http://{host}{column.index_path}",
        type=classify(column.kind.type if has_meta else None, column.name),
        newest=max(dates) if dates else None, first_level=True, items=len(column.articles),
        pages=column.page_count, blank=blank,
    )


def home_newest(plan: SitePlan, columns: list[ColumnInfo]) -> date | None:
    """The newest dated row of the home page (or of any column, for an entry page)."""
    plants = plan.spec.plants
    if plants.nav_only:
        dated = [c.newest for c in columns if c.newest]
        return max(dated) if dated else None
    rows = [a.when.date() for c in plan.columns if c.on_home and c.date_style != "none"
            for a in c.articles[:HOME_BLOCK_ITEMS]]
    if plants.home_messages:
        rows += [m.asked for m in plan.messages[:HOME_MESSAGES]]
    dated = [d for d in rows if d]
    return max(dated) if dated else None


def service_entry(plan: SitePlan) -> str | None:
    """How the home page leads to 办事服务, or None when it does not."""
    plants = plan.spec.plants
    if plants.service == "link":
        return f"链接“{plants.service_text}”→ {plants.service_url}"
    if plants.service == "image":
        return f"图片链接（alt“{plants.service_text}”）→ {plants.service_url}"
    services = [c.name for c in plan.columns if c.kind.type == "办事"]
    return f"办事栏目“{services[0]}”" if services else None


def guides(host: str, plan: SitePlan) -> list[GuideInfo]:
    out = []
    for column in plan.columns:
        for article in column.articles:
            if article.guide:
                missing = tuple(n for n in ELEMENT_NAMES if n in article.guide.missing)
                out.append(GuideInfo(f"http://{host}{article.path}", article.title, missing))
    return out


def search_info(plan: SitePlan) -> SearchInfo | None:
    """The form a census submits, and the query it types (first article link on the home page)."""
    form = plan.spec.plants.search
    if form is None:
        return None
    first = "" if plan.spec.plants.nav_only else next(
        (a.title for c in plan.columns if c.on_home for a in c.articles[:HOME_BLOCK_ITEMS]
         if not a.file), "")
    return SearchInfo(form.path, form.method.upper(), form.param, form.mode, query_text(first))


def texts(host: str, plan: SitePlan) -> tuple[list[TextInfo], list[TrapInfo]]:
    """The wrong forms and the traps planted in the site's text, on the page that shows each."""
    wrongs, traps = [], []
    for placed in plan.texts:
        url = f"http://{host}{placed.path}"
        plant = placed.plant
        if not plant.wrongs:
            traps.append(TrapInfo(url, plant.text, plant.why))
        wrongs += [TextInfo(w.rule, url, w.text, w.correct, plant.text) for w in plant.wrongs]
    return wrongs, traps


def hidden(host: str, plan: SitePlan) -> tuple[list[HiddenInfo], list[str]]:
    """The 暗链/挂马 items of the hacked home page, and its traps."""
    hacked = plan.hacked_home
    if hacked is None:
        return [], []
    home = f"http://{host}/"
    return ([HiddenInfo(home, item.kind, item.target, item.how) for item in hacked.items],
            list(hacked.traps))


def describe_site(
    host: str, plan: SitePlan
) -> tuple[list[ColumnInfo], list[MessageInfo], SiteFacts]:
    """Columns, 留言 and the other facts of one rendered site."""
    has_meta = plan.spec.meta_mode != "none"
    columns = [column_info(host, c, has_meta=has_meta) for c in plan.columns]
    channel = plan.spec.plants.channel
    channel_url = None
    if channel.kind in ("table", "detail"):
        channel_url = f"http://{host}{channel.path}"
    elif channel.kind == "external":
        channel_url = channel.url
    messages = [
        MessageInfo(m.title, m.asked, m.replied, channel_url or "",
                    f"http://{host}{m.detail}" if m.detail else None)
        for m in plan.messages
    ]
    wrongs, traps = texts(host, plan)
    hidden_items, hidden_traps = hidden(host, plan)
    facts = SiteFacts(
        home_newest=home_newest(plan, columns), nav_only=plan.spec.plants.nav_only,
        channel_url=channel_url, channel_kind=channel.kind, service_entry=service_entry(plan),
        guides=guides(host, plan), search=search_info(plan), texts=wrongs, traps=traps,
        hidden=hidden_items, hidden_traps=hidden_traps,
    )
    return columns, messages, facts
