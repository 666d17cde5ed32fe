"""Decide what one site contains (栏目, articles, 办事指南, 留言, footer) before rendering it.

All choices are drawn from the site's own `Random`, seeded from the fleet seed and the site key,
so adding a site to the catalogue does not reshuffle the others.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from govsite.fleet.content import (
    Article,
    Attachment,
    Column,
    article_times,
    headline,
    paragraphs,
)
from govsite.fleet.dates import Age
from govsite.fleet.defects import (
    PORTAL_LINKS,
    PORTAL_PAGES,
    SOFT404_LINKS,
    SiteSpec,
    portal_resources,
    shown_code,
)
from govsite.fleet.footer import FooterSpec
from govsite.fleet.guides import Guide
from govsite.fleet.interaction import plan_messages
from govsite.fleet.names import (
    DISTRICT_POSTCODE,
    DISTRICT_REGION,
    NEWS_DEPT,
    NEWS_PORTAL,
    NEWS_STREET,
    NOTICES,
    OPTIONAL_COLUMNS,
    POLICIES,
    PROVINCE_ABBR,
    STREET_NAMES,
    ColumnKind,
)
from govsite.fleet.pages import HOME_BLOCK_ITEMS, SitePlan, site_meta_html
from govsite.fleet.plants import ColumnPlant, GuidePlant
from govsite.fleet.wording import COMMON_TRAPS, place_texts

# Default sizes give 40-80 pages a site: enough pagination to test (index, index_1, index_2)
# while a crawler capped at 300 pages still sees every page.
DEFAULT_PER_PAGE = 6
DEFAULT_NEWS_ITEMS = (13, 16)
DEFAULT_OTHER_ITEMS = (6, 12)
# TRS's usual list size; with it a 200-page site needs ~10 list pages per column, all linked
# from the page bar of index.html, so articles stay at depth 3.
LARGE_PER_PAGE = 20
# The newest item's age (days) of a `SiteSpec.stale_column`: the first planted stale 栏目,
# well past the 6-month window of 政策文件. Newer plants use `SitePlants.ages` instead.
STALE_AGE_DAYS = 220

# Headline draws per item before a title already in the column is accepted as a repeat.
TITLE_TRIES = 6

ATTACHMENT_EXTS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".wps")
ATTACHMENT_NAMES = ("申报表", "实施方案全文", "名单", "办事流程图", "统计表", "征求意见稿")


@dataclass(frozen=True)
class Identity:
    """Registry-side facts of a site the plan needs (code, parent, links to other sites)."""

    site_code: str
    friend_links: list[tuple[str, str]]
    dept_links: list[tuple[str, str]]


def title_unit(spec: SiteSpec) -> str:
    """How headlines name the unit (区发展和改革委员会, 中关园街道, 区政府 …)."""
    if spec.kind == "门户" and spec.region == DISTRICT_REGION:
        return "区政府"
    if spec.category == "街镇":
        return spec.unit.name.removesuffix("办事处")
    if spec.region == DISTRICT_REGION:
        return "区" + spec.unit.name
    return spec.unit.name


def column_kinds(rng: random.Random, spec: SiteSpec) -> list[ColumnKind]:
    """Four to six 栏目: news, notices, policy documents, plus one to three optional ones
    (the site's plants may force some optional types in or drop them)."""
    if spec.kind == "门户":
        news = NEWS_PORTAL
    elif spec.category == "街镇":
        news = NEWS_STREET
    else:
        news = NEWS_DEPT
    optional = set(rng.sample(range(len(OPTIONAL_COLUMNS)), rng.randint(1, 3)))
    plants = spec.plants
    return [news, NOTICES, POLICIES] + [
        k for i, k in enumerate(OPTIONAL_COLUMNS)
        if (i in optional or k.type in plants.force) and k.type not in plants.drop
    ]


def column_sizes(
    rng: random.Random, kinds: list[ColumnKind], *, pages_per_site: int | None, fixed_pages: int
) -> tuple[list[int], int]:
    """Articles per column and the list page size, for the default or a target page count."""
    if pages_per_site is None:
        sizes = [rng.randint(*DEFAULT_NEWS_ITEMS)] + [
            rng.randint(*DEFAULT_OTHER_ITEMS) for _ in kinds[1:]
        ]
        return sizes, DEFAULT_PER_PAGE
    budget = max(pages_per_site - fixed_pages, 2 * len(kinds))
    shares = [budget // len(kinds) + (1 if i < budget % len(kinds) else 0)
              for i in range(len(kinds))]
    sizes = []
    for share in shares:
        articles = max(1, share * LARGE_PER_PAGE // (LARGE_PER_PAGE + 1))
        while articles + -(-articles // LARGE_PER_PAGE) < share:
            articles += 1
        sizes.append(articles)
    return sizes, LARGE_PER_PAGE


def main_plant(spec: SiteSpec, kind: ColumnKind, count: int) -> ColumnPlant:
    """One of the site's regular columns, described like a planted one."""
    plants = spec.plants
    newest = plants.age_of(kind.type)
    if newest is None and spec.stale_column == kind.type:
        newest = Age(days=STALE_AGE_DAYS)
    return ColumnPlant(kind.name, kind.path, kind.type, count=count, newest=newest,
                       date_style=plants.date_style(kind.type))


def dodge_leap_day(when: datetime) -> datetime:
    """A yearless "02-29" cannot be dated in most years; short-dated lists skip the day."""
    return when - timedelta(days=1) if (when.month, when.day) == (2, 29) else when


def build_column(
    rng: random.Random, spec: SiteSpec, plant: ColumnPlant, *, as_of: date, per_page: int,
    used_ids: set[int],
) -> Column:
    """A column and its items, newest first, with photos, attachments or PDF items."""
    kind = ColumnKind(plant.name, plant.path, plant.type)
    unit = title_unit(spec)
    times = article_times(
        rng, as_of=as_of, column_type=plant.type, count=plant.count,
        newest=plant.newest.before(as_of) if plant.newest else None, gap=plant.gap,
        floor_days=spec.plants.home_floor,
    )
    out: list[Article] = []
    titles: set[str] = set()
    for index, when in enumerate(times):
        if plant.date_style == "short":
            when = dodge_leap_day(when)
        article_id = rng.randint(100000, 999999)
        while article_id in used_ids:
            article_id = rng.randint(100000, 999999)
        used_ids.add(article_id)
        folder = f"{kind.path}{when:%Y%m}/"
        topic = rng.choice(spec.unit.topics)
        title_date = as_of - timedelta(days=2 + 5 * index) if plant.title_dates else None
        # Retries draw from their own generator: how many a title needs depends on its year,
        # and must not shift the dates of later items when as_of moves.
        title_rng = random.Random(rng.random())
        for _ in range(TITLE_TRIES):
            title = headline(title_rng, column_type=kind.type, unit=unit, topic=topic,
                             year=when.year, patterns=plant.headlines, title_date=title_date)
            if title not in titles:
                break
            topic = title_rng.choice(spec.unit.topics)
        titles.add(title)
        if plant.files:
            path = f"{folder}P0{when:%Y%m%d}{rng.randint(10**11, 10**12 - 1)}.pdf"
            out.append(Article(title, when, path, [], file=True))
            continue
        article = Article(title, when, f"{folder}t{when:%Y%m%d}_{article_id}.html",
                          paragraphs(rng, unit=unit, topic=topic, when=when))
        if kind.type == "动态要闻" and rng.random() < 0.5:
            article.image = f"{folder}W0{when:%Y%m%d}{rng.randint(10**8, 10**9 - 1)}.png"
        if kind.type in ("通知公告", "政策文件") and rng.random() < 0.4:
            for number in range(1, rng.randint(1, 2) + 1):
                ext = rng.choice(ATTACHMENT_EXTS)
                name = f"{number}.{rng.choice(ATTACHMENT_NAMES)}{ext}"
                path = f"{folder}P0{when:%Y%m%d}{rng.randint(10**11, 10**12 - 1)}{ext}"
                article.attachments.append(Attachment(name, path))
        out.append(article)
    return Column(kind, kind.name, out, per_page, date_style=plant.date_style,
                  placeholder=plant.placeholder, footnote=plant.footnote, on_home=plant.on_home)


def add_guides(spec: SiteSpec, columns: list[Column]) -> None:
    """Turn the items of 办事 columns into 办事指南 pages, planted omissions first."""
    plants = spec.plants
    style = plants.guide_style or ("table" if spec.layout == "table" else "para")
    for column in columns:
        if column.kind.type != "办事":
            continue
        for index, article in enumerate(column.articles):
            plant = (plants.guides[index] if index < len(plants.guides)
                     else GuidePlant(synonyms=plants.guide_synonyms))
            item = article.title.removesuffix("办事指南").removesuffix("服务指南")
            colon = ":" if plant.synonyms == 1 and style == "para" else "："
            article.guide = Guide(item, style, plant.synonyms, plant.missing, colon)
            article.paragraphs = [f"本页为{item}的办事指南。"]
            article.image = None


def footer_spec(rng: random.Random, spec: SiteSpec, site_code: str) -> FooterSpec:
    """Footer facts: registration numbers, contact details, badge ids."""
    province = PROVINCE_ABBR[site_code[:2] if not site_code.startswith("bm") else "bm"]
    region = spec.region if not site_code.startswith("bm") else "110102"
    conac_digits = f"{rng.randint(10**7, 10**8 - 1)}"
    domain = spec.host.removeprefix("www.")
    postcode = "510000" if spec.region.startswith("44") else DISTRICT_POSTCODE
    address = spec.address or f"北京市海德区{rng.choice(STREET_NAMES)}{rng.randint(1, 200)}号"
    return FooterSpec(
        owner=spec.owner,
        shown_code=shown_code(spec, site_code),
        code_colon=spec.code_colon,
        icp=f"{province}ICP备{rng.randint(10**7, 10**8 - 1):08d}号-{rng.randint(1, 3)}",
        icp_spaced=spec.icp_spaced,
        psb_province=province,
        psb_code=f"{region}{rng.randint(10**7, 10**8 - 1)}",
        address=address,
        postcode=postcode,
        phone=f"{spec.phone_area}-{rng.randint(60000000, 69999999)}",
        email=f"webmaster@{domain}",
        conac_id="".join(rng.choice("0123456789ABCDEF") for _ in range(32)),
        conac_style=spec.conac_style,
        conac_script=f"http://dcs.conac.cn/js/01/006/0000/{conac_digits}/"
                     f"CA010060000{conac_digits}0002.js",
        zhaocuo_style=spec.zhaocuo_style,
        site_code=site_code,
        omit=spec.footer_omit,
    )


def plan_site(
    spec: SiteSpec, identity: Identity, *, as_of: date, seed: int, pages_per_site: int | None
) -> SitePlan:
    """Everything one site will contain."""
    rng = random.Random(f"{seed}:{spec.key}")
    kinds = column_kinds(rng, spec)
    extra_pages = PORTAL_PAGES if spec.link_defects else ()
    listed = spec.plants.channel.kind in ("table", "detail")
    fixed = 1 + listed + (0 if "sitemap" in spec.footer_omit else 1) + len(extra_pages)
    sizes, per_page = column_sizes(rng, kinds, pages_per_site=pages_per_site, fixed_pages=fixed)
    used_ids: set[int] = set()
    columns = [
        build_column(rng, spec, main_plant(spec, kind, size), as_of=as_of, per_page=per_page,
                     used_ids=used_ids)
        for kind, size in zip(kinds, sizes, strict=True)
    ]
    news = columns[0].articles
    if spec.headline and len(news) > 2:
        news[2].title = spec.headline
    if spec.missing_siteid:
        for article in columns[-1].articles[-spec.missing_siteid:]:
            article.missing_meta = frozenset({"SiteIDCode"})
    columns += [
        build_column(rng, spec, plant, as_of=as_of, per_page=DEFAULT_PER_PAGE, used_ids=used_ids)
        for plant in spec.plants.columns
    ]
    add_guides(spec, columns)
    # After the guides: a text is never put into a 办事指南 page.
    texts = place_texts(columns, COMMON_TRAPS + spec.wording.texts, home_items=HOME_BLOCK_ITEMS)
    planted = PORTAL_LINKS if spec.link_defects else SOFT404_LINKS if spec.soft404 else ()
    plan = SitePlan(
        spec=spec, site_code=identity.site_code, columns=columns,
        messages=plan_messages(rng, spec.plants.channel, as_of=as_of, topics=spec.unit.topics,
                               old_unanswered=spec.old_unanswered),
        footer=footer_spec(rng, spec, identity.site_code),
        friend_links=identity.friend_links, dept_links=identity.dept_links,
        planted=planted, extra_pages=extra_pages, texts=texts,
    )
    if spec.link_defects:
        plan = replace(plan, extra_resources=portal_resources(site_meta_html(plan)))
    return plan
