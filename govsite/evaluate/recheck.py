"""Rectification re-check (整改复核): look again at the pages behind a previous run's findings.

After a 通报 the units repair their sites and the centre checks what it reported, not the
whole site again. For every site with findings, the census's own collector fetches a *small*
snapshot (`Collector.collect_pages`): the home page, each page a finding names (for a dead
link: the pages that linked it; for a 留言: its detail page) and each dead link's target. Only
the rules behind the findings are judged on it, and every finding becomes 已整改, 未整改 or
无法核实 (`model.RecheckItem`).

A false 已整改 is the worst outcome: it tells a centre a problem is gone when nobody saw it go.
So 已整改 needs positive evidence: the page answered now, the rule was measured on it and no
longer reports the finding, and — the control — the same rules on the *previous* run's copies
of the same few pages did report it. When the control does not, the finding rested on pages or
a browser pass the re-check does not repeat (a text block first seen on another page, an item
dated from its article, an axe node), so its absence now proves nothing: 无法核实. A 栏目 must
also be seen again and fresh, a 留言 seen again and answered, a dead link's target answer now
or be gone from every page that linked it. Findings whose evidence a page fetch cannot give
(probe history, the search and security probes, the registry, the browser) are 无法核实 by
design, with the reason in Chinese; only a home page still failing turns an availability
finding into 未整改, because there the failure is the defect itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from govsite.census import context_for
from govsite.clock import now_iso
from govsite.collect import Collector, CollectSettings, errors
from govsite.content.lexicon import LexiconSet
from govsite.evaluate.model import (
    RECHECK_FIXED,
    RECHECK_OPEN,
    RECHECK_STATES,
    RECHECK_UNVERIFIABLE,
    Recheck,
    RecheckItem,
)
from govsite.findings import Finding
from govsite.profile import Profile
from govsite.results import SiteResult
from govsite.rules.base import Judgement, RuleContext, get_rule, judge
from govsite.rules.columns import Column, site_columns
from govsite.rules.interaction import REPLY_STALE, WINDOW_MONTHS
from govsite.rules.links import describe, is_checkable
from govsite.rules.listing import pages_by_url
from govsite.rules.messages import Message, in_window, site_messages
from govsite.rules.taxonomy import months_before
from govsite.snapshot import LinkCheck, Page, SiteSnapshot
from govsite.store.store import Store

# How a rule's findings are looked at again.
PAGE = "page"  # the page the finding names (the home page for site-level rules)
LINK = "link"  # a dead link: its target checked again, and the pages that linked it
COLUMN = "column"  # a 栏目: its list page, and the column seen again
MESSAGE = "message"  # a 留言 list (and detail) page, and the 留言 seen again
AVAILABILITY = "availability"  # probe history: only a home page still failing says anything
BY_DESIGN = "by_design"  # evidence a page fetch cannot give

FAMILY_MODES = {
    "footer": PAGE, "meta": PAGE, "content": PAGE, "service": PAGE, "update": PAGE,
    "interaction": PAGE, "a11y": PAGE, "mobile": PAGE, "links": LINK, "column": COLUMN,
    "availability": AVAILABILITY, "search": BY_DESIGN, "security": BY_DESIGN,
    "registry": BY_DESIGN, "domain": BY_DESIGN,
}
RULE_MODES = {"interaction.unanswered": MESSAGE, "interaction.reply_stale": MESSAGE}
JUDGED = (PAGE, LINK, COLUMN, MESSAGE)

WHY_BY_DESIGN = {
    "availability": "可用性依据监测期内的连续探测记录判断，一次访问正常不能说明已整改",
    "search": "站内搜索需重新提交搜索测试，本次复核只重新获取页面，无法核实",
    "security": "安全问题需重新检测证书、响应头和敏感路径，本次复核只重新获取页面，无法核实",
    "registry": "该问题依据网站登记状态判断，需按更新后的登记信息重新检查，重新获取页面无法核实",
    "domain": "域名规范性依据登记的网站域名判断，需按更新后的登记信息重新检查，重新获取页面无法核实",
    "browser": "该问题由浏览器检测（--browser）发现，本次复核不启动浏览器，无法核实",
}
# Why a link check measured nothing (a 429 throughout is the remaining case).
UNCHECKED = {errors.BLOCKED: "被防火墙或反爬虫页面拦截", errors.ROBOTS_DENIED: "robots.txt 不允许访问",
             errors.UNSUPPORTED_SCHEME: "不支持的地址类型"}
# Linking pages listed in a dead link's evidence (the count says how many there were).
LISTED_PAGES = 5
WHY_UNKNOWN = "本版本不能复核该检查项"
WHY_NO_CONTROL = "仅凭重新获取的页面无法判断该问题（上次检查结合了其他页面或浏览器检测），无法核实"
WHY_NO_BEFORE = "上次检查的快照缺失，无法确认仅凭相关页面能否判断该问题"


def mode_of(rule_id: str) -> tuple[str, str]:
    """How findings of `rule_id` are re-checked, and for BY_DESIGN the reason (Chinese)."""
    if rule_id in RULE_MODES:
        return RULE_MODES[rule_id], ""
    try:
        meta = get_rule(rule_id).meta
    except KeyError:
        return BY_DESIGN, WHY_UNKNOWN
    if "browser" in meta.tags:
        return BY_DESIGN, WHY_BY_DESIGN["browser"]
    mode = FAMILY_MODES.get(meta.family, BY_DESIGN)
    return mode, WHY_BY_DESIGN.get(meta.family, WHY_UNKNOWN) if mode == BY_DESIGN else ""


def linking_pages(finding: Finding) -> list[str]:
    """The pages a dead-link finding says linked its target (at most five are listed)."""
    return list(finding.evidence.get("pages") or [finding.url])


def wanted(findings: Iterable[Finding]) -> tuple[list[str], list[str]]:
    """The pages to fetch again and the link targets to check again, each once, in order."""
    urls: list[str] = []
    targets: list[str] = []
    for finding in findings:
        mode = mode_of(finding.rule)[0]
        if mode in (PAGE, COLUMN, MESSAGE):
            urls.append(finding.url)
        if mode == MESSAGE and finding.target:
            urls.append(finding.target)
        if mode == LINK and finding.target:
            urls += linking_pages(finding)
            targets.append(finding.target)
    return list(dict.fromkeys(urls)), list(dict.fromkeys(targets))


# ---------------------------------------------------------------------------- matching


def identity(finding: Finding) -> tuple[Any, ...]:
    """What tells apart two findings of one rule on one page (two wrong forms, two 留言)."""
    ev = finding.evidence
    if finding.rule in ("content.serious_error", "content.typo"):
        return (ev.get("wrong"),)
    if finding.rule == "content.banned":
        return (ev.get("matched"),)
    if finding.rule == "interaction.unanswered":
        return (ev.get("title"), ev.get("date"))
    if finding.rule.startswith("a11y."):
        return (ev.get("html"),)
    return ()


def exact_key(finding: Finding) -> tuple[Any, ...] | None:
    return (finding.rule, finding.url, finding.target, identity(finding))


def moved_key(finding: Finding) -> tuple[Any, ...] | None:
    """The same defect reported on another page: rules that report a repeated block, node or
    dead link once, on the first page that shows it (and a dead link under another links.*
    rule when it moved onto or off the home page)."""
    if finding.rule.startswith("links."):
        return ("links", finding.target)
    if finding.rule.startswith(("content.", "a11y.")):
        return (finding.rule, finding.target, identity(finding))
    return None


def match(old: list[Finding], new: list[Finding]) -> dict[int, Finding]:
    """Old findings (by index) found again among `new`, each new finding used once."""
    free = dict(enumerate(new))
    found: dict[int, Finding] = {}
    for key in (exact_key, moved_key):
        for i, finding in enumerate(old):
            wanted_key = key(finding)
            if i in found or wanted_key is None:
                continue
            hit = next((j for j, n in free.items() if key(n) == wanted_key), None)
            if hit is not None:
                found[i] = free.pop(hit)
    return found


# ---------------------------------------------------------------------------- snapshots


def in_previous_order(snap: SiteSnapshot, before: SiteSnapshot | None) -> None:
    """Put the refetched pages in the previous crawl's order (home first), so a rule that
    reports a repeated block on the first page showing it picks the page it picked then."""
    if before is None:
        return
    rank = {p.url: n for n, p in enumerate(before.pages)}
    snap.pages.sort(key=lambda p: (p is not snap.home, rank.get(p.url, len(rank))))


def control_snapshot(before: SiteSnapshot, urls: list[str], targets: list[str]) -> SiteSnapshot:
    """The previous run's copies of exactly the pages and checks the re-check fetched."""
    asked = set(urls)
    return SiteSnapshot(
        site=before.site, fetched_at=before.fetched_at, home=before.home,
        pages=[p for p in before.pages
               if p is before.home or p.url in asked or p.final_url in asked],
        checks={t: before.checks[t] for t in targets if t in before.checks},
        blocked=before.blocked, blocked_detail=before.blocked_detail, soft404=before.soft404,
    )


def page_evidence(page: Page | None) -> dict[str, Any]:
    if page is None:
        return {"status": None, "final_url": None, "fetched_at": None, "error": "not_fetched"}
    return {"status": page.status, "final_url": page.final_url, "fetched_at": page.fetched_at,
            "error": page.error}


def check_evidence(check: LinkCheck) -> dict[str, Any]:
    return {"status": check.status, "final_url": check.final_url,
            "fetched_at": check.checked_at, "error": check.error, "reason": check.reason}


def fetch_problem(page: Page | None) -> str | None:
    """Why a page cannot be judged now (Chinese), None when it answered with HTML."""
    if page is None:
        return "页面本次未能获取"
    if page.error == errors.BLOCKED:
        return "页面本次被防火墙或反爬虫页面拦截"
    if page.error == errors.ROBOTS_DENIED:
        return "robots.txt 不允许获取该页面"
    if not page.ok:
        why = describe(LinkCheck(url=page.url, ok=False, status=page.status, error=page.error))
        return f"页面本次无法正常访问：{why}"
    if page.html is None:
        return "页面本次返回的不是网页"
    return None


def home_failing(snap: SiteSnapshot) -> str | None:
    """How the home page fails now (no answer, a loop, 5xx), None when it answered."""
    home = snap.home
    if home is None:
        return "首页无法访问"
    no_answer = home.error in errors.NO_ANSWER or home.error == errors.TOO_MANY_REDIRECTS
    if no_answer or (home.status is not None and home.status >= 500):
        why = describe(LinkCheck(url=home.url, ok=False, status=home.status, error=home.error))
        return f"首页本次无法正常访问：{why}"
    return None


# ---------------------------------------------------------------------------- one site


@dataclass
class SiteLook:
    """One site looked at again: the findings and snapshot then, the small snapshot now.

    `reproduced` holds the indexes of the findings the control reproduced (None when the
    previous snapshot is missing); `again` the findings found again, by index.
    """

    result: SiteResult
    before: SiteSnapshot | None
    after: SiteSnapshot
    now: Judgement
    reproduced: set[int] | None
    again: dict[int, Finding]
    ctx: RuleContext

    def items(self) -> list[RecheckItem]:
        out = []
        for i, finding in enumerate(self.result.findings):
            state, reason, evidence = self.state(i, finding)
            out.append(RecheckItem(
                site_code=self.result.site.site_code, name=self.result.site.name,
                rule=finding.rule, url=finding.url, target=finding.target,
                detail=finding.detail, state=state, reason=reason, evidence=evidence))
        return out

    def page(self, url: str) -> Page | None:
        return pages_by_url(self.after).get(url)

    def state(self, i: int, finding: Finding) -> tuple[str, str, dict[str, Any]]:
        mode, why = mode_of(finding.rule)
        home = page_evidence(self.after.home)
        if mode == AVAILABILITY:
            failing = home_failing(self.after)
            if failing:
                return RECHECK_OPEN, failing, home
            return RECHECK_UNVERIFIABLE, WHY_BY_DESIGN["availability"], home
        if mode == BY_DESIGN:
            return RECHECK_UNVERIFIABLE, why, home
        if self.after.blocked:
            detail = self.after.blocked_detail or self.after.blocked
            why = home_failing(self.after) or f"站点本次无法检查：{detail}"
            return RECHECK_UNVERIFIABLE, why, home
        if i in self.again:
            return self.still_open(finding, self.again[i])
        if mode == LINK:
            return self.link_state(finding)
        page = self.page(finding.url)
        evidence = page_evidence(page)
        problem = fetch_problem(page) if page else self.not_fetched("页面")
        if problem:
            return RECHECK_UNVERIFIABLE, problem, evidence
        if finding.rule in self.now.unmeasured_rules:
            return RECHECK_UNVERIFIABLE, self.now.unmeasured_rules[finding.rule], evidence
        if self.reproduced is None:
            return RECHECK_UNVERIFIABLE, WHY_NO_BEFORE, evidence
        if i not in self.reproduced:
            return RECHECK_UNVERIFIABLE, WHY_NO_CONTROL, evidence
        if mode == COLUMN:
            return self.column_state(finding, evidence)
        if mode == MESSAGE:
            return self.message_state(finding, evidence)
        return RECHECK_FIXED, "页面已重新获取，未再发现该问题", evidence

    def not_fetched(self, what: str) -> str:
        """Why a page or target was not fetched: the home page failed first, or it was skipped."""
        home = fetch_problem(self.after.home)
        if home:
            return f"首页{home.removeprefix('页面')}，未继续获取该{what}"
        return f"该{what}本次未能获取"

    def still_open(self, finding: Finding, new: Finding) -> tuple[str, str, dict[str, Any]]:
        evidence = page_evidence(self.page(new.url))
        check = self.after.checks.get(new.target or "") if new.rule.startswith("links.") else None
        if check is not None:
            evidence = check_evidence(check)
        evidence.update({"url": new.url, "detail": new.detail})
        return RECHECK_OPEN, "重新检查仍发现该问题", evidence

    def link_state(self, finding: Finding) -> tuple[str, str, dict[str, Any]]:
        """A dead link: fixed when its target answers now, or when no page links it any more."""
        target = finding.target or ""
        check = self.after.checks.get(target)
        if check is None:
            return RECHECK_UNVERIFIABLE, self.not_fetched("链接目标"), {}
        evidence = check_evidence(check)
        if check.ok is None:
            why = UNCHECKED.get(check.error or "", f"HTTP {check.status}")
            return RECHECK_UNVERIFIABLE, f"链接目标本次无法检查：{why}", evidence
        if check.ok:
            return RECHECK_FIXED, "链接目标现可正常访问", evidence
        linking, complete = self.linked_from(finding)
        pages = [self.page(url) for url in linking]
        evidence["linking_pages"] = len(linking)
        evidence["pages"] = {url: page_evidence(p) for url, p in
                             zip(linking[:LISTED_PAGES], pages, strict=False)}
        why = describe(check)
        if any(fetch_problem(p) is None and links_to(p, target) for p in pages if p):
            return RECHECK_OPEN, f"链接目标仍无法访问（{why}），页面仍链接该地址", evidence
        if complete and all(fetch_problem(p) is None for p in pages):
            return RECHECK_FIXED, "链接所在页面均已删除该失效链接", evidence
        return (RECHECK_OPEN, f"链接目标仍无法访问（{why}），未能确认所有链接页面均已删除该链接",
                evidence)

    def linked_from(self, finding: Finding) -> tuple[list[str], bool]:
        """The pages that linked the dead target, and whether that list is complete.

        From the previous snapshot when there is one (every page, not the five the finding
        lists); else the finding's own list, complete when it names every page it counted.
        """
        target = finding.target or ""
        if self.before is not None:
            return [p.url for p in self.before.pages if links_to(p, target)], True
        listed = linking_pages(finding)
        return listed, int(finding.evidence.get("page_count") or len(listed)) <= len(listed)

    def column_state(self, finding: Finding,
                     evidence: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        """Fixed only when the column is seen again: fresh (column.stale), listing items (blank)."""
        column = column_at(self.after, self.ctx, finding.url)
        if column is None:
            return RECHECK_UNVERIFIABLE, "未能在重新获取的页面中识别该栏目", evidence
        status = column.status(self.ctx.as_of)
        newest = column.newest
        evidence["newest"] = newest.date.isoformat() if newest and newest.date else None
        if finding.rule == "column.blank" and not column.blank:
            return RECHECK_FIXED, f"栏目已有{len(column.items)}条信息", evidence
        if finding.rule == "column.stale" and status == "ok":
            return RECHECK_FIXED, f"栏目已更新，最新信息为{evidence['newest']}", evidence
        return RECHECK_UNVERIFIABLE, "栏目类型或日期本次无法判断", evidence

    def message_state(self, finding: Finding,
                      evidence: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        """Fixed only when the 留言 is seen answered (unanswered) or a recent reply is seen."""
        messages = site_messages(self.after)
        as_of = self.ctx.as_of
        if finding.rule == "interaction.reply_stale":
            replies = [m.reply_date for m in in_window(messages, as_of, WINDOW_MONTHS)
                       if m.reply_date and m.reply_date <= as_of]
            months = int(self.ctx.option(REPLY_STALE, "months"))
            if replies and max(replies) >= months_before(as_of, months):
                evidence["newest_reply"] = max(replies).isoformat()
                return RECHECK_FIXED, f"最近一次留言答复为{max(replies).isoformat()}", evidence
            return RECHECK_UNVERIFIABLE, "未能在重新获取的页面中看到近期答复", evidence
        message = find_message(messages, finding)
        if message is None:
            return RECHECK_UNVERIFIABLE, "留言列表中已找不到该留言，无法确认是否答复", evidence
        if message.answered_by(as_of):
            shown = message.reply_date.isoformat() if message.reply_date else "未注明日期"
            evidence["reply_date"] = message.reply_date.isoformat() if message.reply_date else None
            return RECHECK_FIXED, f"留言已答复（答复时间：{shown}）", evidence
        return RECHECK_UNVERIFIABLE, "该留言的办理状态本次无法判断", evidence


def links_to(page: Page, target: str) -> bool:
    """Whether the page links `target` with a link a browser would request (not `#top`)."""
    return any(ln.url == target and is_checkable(ln) for ln in page.links)


def column_at(snap: SiteSnapshot, ctx: RuleContext, url: str) -> Column | None:
    return next((c for c in site_columns(snap, ctx)
                 if c.url == url or any(url in (p.url, p.final_url) for p in c.pages)), None)


def find_message(messages: list[Message], finding: Finding) -> Message | None:
    if finding.target:
        return next((m for m in messages if m.url == finding.target), None)
    title, day = finding.evidence.get("title"), finding.evidence.get("date")
    return next((m for m in messages if m.title == title and m.date.isoformat() == day), None)


def look(result: SiteResult, before: SiteSnapshot | None, after: SiteSnapshot,
         urls: list[str], targets: list[str], now: RuleContext, then: RuleContext) -> SiteLook:
    """Judge the rules behind `result`'s findings on the small snapshot and on the control."""
    findings = result.findings
    in_previous_order(after, before)
    rules = [get_rule(r) for r in sorted({f.rule for f in findings}) if mode_of(r)[0] in JUDGED]
    judged = judge(after, now, rules)
    # A rule judging an error page (a 500 home still has HTML) says nothing about the site.
    index = pages_by_url(after)
    seen = [f for f in judged.findings if fetch_problem(index.get(f.url)) is None]
    reproduced = None
    if before is not None:
        control = judge(control_snapshot(before, urls, targets), then, rules)
        reproduced = set(match(findings, control.findings))
    return SiteLook(result, before, after, judged, reproduced, match(findings, seen), now)


# ---------------------------------------------------------------------------- the run


async def recheck_run(
    store: Store, previous_run: str, profile: Profile, settings: CollectSettings, *,
    as_of: date, sites: Collection[str] | None = None,
    column_overrides: dict[str, dict[str, dict[str, Any]]] | None = None,
    lexicons: LexiconSet | None = None,
) -> Recheck:
    """Re-check the findings of `previous_run` under `profile` at the 监测时间点 `as_of`.

    `sites` limits it to those site codes. `column_overrides` and `lexicons` should be what
    the previous census used, or findings that depended on them come out 无法核实.
    """
    run = store.get_run(previous_run)
    if run is None:
        raise KeyError(f"no run {previous_run}")
    results = store.load_site_results(previous_run, profile.id)
    if not results:
        raise ValueError(f"run {previous_run} has no results under profile {profile.id}")
    registry = [r.site for r in results]
    now = context_for(profile, as_of, registry, column_overrides, lexicons)
    then = context_for(profile, run.as_of, registry, column_overrides, lexicons)
    chosen = [r for r in results
              if r.findings and (sites is None or r.site.site_code in sites)]
    checked_at = now_iso()

    async with Collector(settings) as collector:

        async def one(result: SiteResult) -> list[RecheckItem]:
            code = result.site.site_code
            try:
                before = await asyncio.to_thread(store.load_snapshot, previous_run, code)
            except KeyError:
                before = None
            urls, targets = wanted(result.findings)
            after = await collector.collect_pages(result.site, urls, targets=targets)
            return look(result, before, after, urls, targets, now, then).items()

        per_site = await asyncio.gather(*(one(r) for r in chosen))
    return summarize(previous_run, checked_at, as_of, [i for items in per_site for i in items])


def run_recheck(
    store: Store, previous_run: str, profile: Profile, settings: CollectSettings, *,
    as_of: date, sites: Collection[str] | None = None,
    column_overrides: dict[str, dict[str, dict[str, Any]]] | None = None,
    lexicons: LexiconSet | None = None,
) -> Recheck:
    """`recheck_run` for synchronous callers (the CLI)."""
    return asyncio.run(recheck_run(store, previous_run, profile, settings, as_of=as_of,
                                   sites=sites, column_overrides=column_overrides,
                                   lexicons=lexicons))


def summarize(previous_run: str, checked_at: str, as_of: date,
              items: list[RecheckItem]) -> Recheck:
    """Counts per state, and the sites whose every finding is fixed / with one still open."""
    counts = {state: sum(1 for i in items if i.state == state) for state in RECHECK_STATES}
    by_site: dict[str, list[str]] = {}
    for item in items:
        by_site.setdefault(item.site_code, []).append(item.state)
    return Recheck(
        previous_run=previous_run, checked_at=checked_at, as_of=as_of.isoformat(), items=items,
        counts=counts,
        sites_fixed=[c for c, states in by_site.items() if set(states) == {RECHECK_FIXED}],
        sites_open=[c for c, states in by_site.items() if RECHECK_OPEN in states],
    )
