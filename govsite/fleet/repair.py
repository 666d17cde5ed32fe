"""A rectified site (整改后): the same site a quarter later, with its planted defects repaired.

A two-quarter history needs sites that fixed what the first census found, at the same
addresses: a re-check (整改复核) fetches the pages a finding named and must find them repaired,
not gone. A clean `SiteSpec` alone would not do: the plan draws columns, dates and article
addresses from the site's own `Random`, so a clean spec would draw another site whose pages
answer 404. The site is therefore planned exactly as before and the plan is then repaired the
way a unit repairs a site: footer elements and meta tags added, wrong texts deleted or
corrected, dead links taken down (the portal's 便民服务 block goes, with the two pages only it
linked), stale and blank 栏目 given new items, every open 留言 answered, a search box, a 留言
channel and a 政务服务 entry where they were missing. Every other page stays where it was.

What a repair cannot change is the site's identity: its name, code, host and parent stay, so
a domain finding (域名不规范, a property of the host) remains in the truth of a repaired site.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Collection
from dataclasses import replace
from datetime import date, timedelta

from govsite.fleet.content import HEADLINES, Article, Column, Message
from govsite.fleet.defects import SiteSpec
from govsite.fleet.expect import NEWS_DAYS, column_is_stale
from govsite.fleet.facts import column_info, home_newest
from govsite.fleet.interaction import plan_messages
from govsite.fleet.pages import SitePlan
from govsite.fleet.plan import build_column
from govsite.fleet.plants import ChannelPlan, ColumnPlant, SearchPlan
from govsite.fleet.wording import BANNED, PlacedText, SiteWording, Wrong

# Items a blank column gets: enough to be a list, not so many that it needs a second page.
BLANK_FILL = 3
# Open 留言 are answered during the rectification: this many days before as_of.
REPLY_DAYS_AGO = 2
# Titles for new items of a column type without headlines of its own (其他, 历史专题 …).
PLAIN_HEADLINES = ("{unit}{topic}工作情况", "{district}{topic}有关情况介绍")
ARTICLE_ID = re.compile(r"_(\d+)\.s?html?$")


def repaired_codes(
    specs: list[SiteSpec], codes: dict[str, str], repaired: Collection[str]
) -> set[str]:
    """The keys of the sites whose codes are in `repaired`, after checking each can be repaired.

    Only running sites with content can be: a WAF, closed or merged host has no pages to fix.
    """
    by_code = {codes[spec.key]: spec for spec in specs}
    keys = set()
    for code in sorted(set(repaired)):
        spec = by_code.get(code)
        if spec is None:
            raise ValueError(f"repaired: no site {code} in this fleet")
        if not spec.audited or spec.lifecycle is not None:
            what = "behind a WAF" if spec.waf else f"registered {spec.status}"
            raise ValueError(
                f"repaired: site {code} ({spec.key}) is {what}; only running content sites "
                "can be repaired"
            )
        keys.add(spec.key)
    return keys


def repaired_spec(spec: SiteSpec) -> SiteSpec:
    """The knobs of `spec` with every defect turned off; layout, charset and traps unchanged.

    The plan's content knobs (ages, planted columns and 留言) stay: `repair_plan` repairs what
    they produced, so that the plan draws the same pages as before.
    """
    plants = spec.plants
    search = replace(plants.search, mode="ok") if plants.search else SearchPlan()
    channel = plants.channel if plants.channel.kind != "none" else ChannelPlan()
    return replace(
        spec,
        footer_omit=frozenset(), malformed_code=False, meta_mode="full", missing_siteid=0,
        probe_failures=0, link_defects=False, soft404=False,
        plants=replace(
            plants, channel=channel, search=search, home_floor=0,
            service="link" if plants.service == "none" else plants.service,
            guides=tuple(replace(g, missing=frozenset()) for g in plants.guides),
        ),
        wording=SiteWording(texts=tuple(t for t in spec.wording.texts if not t.wrongs)),
    )


def repair_plan(plan: SitePlan, *, as_of: date, seed: int) -> SitePlan:
    """`plan` repaired (see the module docstring); `plan` itself is left as it was.

    New items and 留言 come from a generator of their own, so the repair never shifts what
    the site's own generator drew.
    """
    spec = repaired_spec(plan.spec)
    rng = random.Random(f"{seed}:repair:{spec.key}")
    columns = copy.deepcopy(plan.columns)
    texts = correct_texts(columns, plan.texts)
    for article in (a for c in columns for a in c.articles):
        article.missing_meta = frozenset()
        if article.guide is not None:
            article.guide = replace(article.guide, missing=frozenset())
    repaired = replace(
        plan, spec=spec, columns=columns, messages=repair_messages(rng, plan, spec, as_of),
        footer=replace(plan.footer, omit=frozenset(), shown_code=plan.site_code),
        planted=(), extra_pages=(), extra_resources={},
    )
    refresh_columns(rng, repaired, as_of=as_of)
    repaired.texts = relocate_titles(columns, texts)
    return repaired


def correct_texts(columns: list[Column], placed: list[PlacedText]) -> list[PlacedText]:
    """Take the wrong texts out of `columns`; returns the correct ones (traps), still placed.

    A wrong paragraph is deleted from its article; a wrong item title is corrected in place
    (违规内容 has no correct form: it is cut out of the title).
    """
    by_path = {a.path: a for c in columns for a in c.articles}
    kept = []
    for text in placed:
        plant = text.plant
        if not plant.wrongs:
            kept.append(text)
        elif plant.title:
            article = next(a for c in columns for a in c.articles if a.title == plant.text)
            article.title = corrected(plant.text, plant.wrongs)
        else:
            by_path[text.path].paragraphs.remove(plant.text)
    return kept


def corrected(text: str, wrongs: tuple[Wrong, ...]) -> str:
    """`text` with each wrong form replaced by its correct form (违规内容 is dropped)."""
    for wrong in wrongs:
        text = text.replace(wrong.text, "" if wrong.rule == BANNED else wrong.correct)
    return text


def relocate_titles(columns: list[Column], placed: list[PlacedText]) -> list[PlacedText]:
    """Title traps moved to the list page they are on now that new items were put before them."""
    out = []
    for text in placed:
        if text.plant.title:
            column = next(c for c in columns if any(a.title == text.plant.text for a in c.articles))
            index = next(i for i, a in enumerate(column.articles) if a.title == text.plant.text)
            text = PlacedText(column.page_path(index // column.per_page), text.plant)
        out.append(text)
    return out


def refresh_columns(rng: random.Random, plan: SitePlan, *, as_of: date) -> None:
    """New items for stale and blank 栏目, dates shown for undated ones, a fresh home page."""
    host, used = plan.spec.host, used_ids(plan.columns)
    for column in plan.columns:
        if column.date_style == "none" and any(a.file for a in column.articles):
            column.date_style = None  # PDF items without a page: only the row can date them
        info = column_info(host, column, has_meta=True)
        if not column.articles:
            publish(rng, plan, column, BLANK_FILL, as_of=as_of, used=used)
        elif column_is_stale(info.type, info.newest, info.items, as_of):
            publish(rng, plan, column, 1, as_of=as_of, used=used)
    infos = [column_info(host, c, has_meta=True) for c in plan.columns]
    newest = home_newest(plan, infos)
    if newest is None or (as_of - newest).days > NEWS_DAYS:
        shown = [c for c in plan.columns if c.on_home] or plan.columns
        publish(rng, plan, shown[0], 1, as_of=as_of, used=used)


def publish(
    rng: random.Random, plan: SitePlan, column: Column, count: int, *, as_of: date, used: set[int]
) -> None:
    """Put `count` new items, published within the column type's usual freshness, on top."""
    plant = ColumnPlant(column.name, column.kind.path, column.kind.type, count=count,
                        date_style=column.date_style,
                        headlines=() if column.kind.type in HEADLINES else PLAIN_HEADLINES,
                        files=bool(column.articles) and all(a.file for a in column.articles))
    fresh: list[Article] = build_column(rng, plan.spec, plant, as_of=as_of,
                                       per_page=column.per_page, used_ids=used).articles
    column.articles[:0] = fresh
    column.placeholder = None


def used_ids(columns: list[Column]) -> set[int]:
    """Article ids already taken (`t20261120_123456.html`), so new pages get their own."""
    return {int(m[1]) for c in columns for a in c.articles if (m := ARTICLE_ID.search(a.path))}


def repair_messages(
    rng: random.Random, plan: SitePlan, spec: SiteSpec, as_of: date
) -> list[Message]:
    """Every open 留言 answered; a site that had no channel gets one, its 留言 answered too."""
    found = plan.messages
    if plan.spec.plants.channel.kind == "none" and spec.plants.channel.kind != "none":
        found = plan_messages(rng, spec.plants.channel, as_of=as_of, topics=spec.unit.topics,
                              old_unanswered=False)
    reply = as_of - timedelta(days=REPLY_DAYS_AGO)
    return [m if m.replied else replace(m, replied=max(m.asked, reply)) for m in found]
