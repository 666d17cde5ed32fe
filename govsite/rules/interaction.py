"""Interaction (互动回应): 咨询建言 channels, unanswered messages, stale replies.

V15-5 / V19-5 (standards.md §1.1, §2.2, grade A/B): no 网上有效咨询建言渠道 is a veto (2019), and
so is "监测时间点前1年内 … 存在超过3个月未回应" a message. D19-5 deducts when no reply was published in
the 2 months before the 监测时间点 (grade B).
"""

from __future__ import annotations

import statistics
from datetime import date

from govsite.findings import Finding
from govsite.rules.base import NEED_HOME, NEED_PAGES, NotMeasured, RuleContext, RuleMeta, rule
from govsite.rules.messages import channel_links, in_window, site_messages
from govsite.rules.taxonomy import months_before
from govsite.snapshot import SiteSnapshot

UNANSWERED_MONTHS = 3
WINDOW_MONTHS = 12
REPLY_STALE_MONTHS = 2
SLOW_REPLY_DAYS = 30

NO_CHANNEL = RuleMeta(
    id="interaction.no_channel",
    name_zh="无咨询建言渠道",
    family="interaction",
    needs=(NEED_HOME, NEED_PAGES),
    evidence=("looked_in", "pages_seen"),
    tags=("gb2019:V19-5",),
    help_zh="网站未提供网上咨询建言渠道（网上信访、纪检举报等专门渠道除外）。",
)


@rule(NO_CHANNEL)
def no_channel(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The site offers no online channel for questions and suggestions.

    What it checks: links on the home page and in the site's template (and one hop from
        those) named for a 咨询/建言 channel (领导信箱, 在线咨询, 我要留言, 政民互动 …, on this
        site or another host), and pages whose ColumnName names one. Links named only for
        网上信访 or 纪检举报 do not count, as the indicator excludes them.
    Why it matters: "未提供网上有效咨询建言渠道" is part of the 互动回应差 veto in 2019
        (standards.md V19-5, grade B).
    Example: a 街镇 site whose only interaction link is 信访举报.
    References: standards.md §2.2 V19-5.
    """
    if channel_links(snap):
        return []
    home = snap.home
    assert home is not None
    return [Finding(rule=NO_CHANNEL.id, url=home.url, detail="未找到网上咨询建言渠道",
                    evidence={"looked_in": "首页、页面公共区域及其链接页面的链接和栏目名",
                              "pages_seen": len(snap.pages)})]


UNANSWERED = RuleMeta(
    id="interaction.unanswered",
    name_zh="留言超过3个月未回应",
    family="interaction",
    needs=(NEED_PAGES,),
    evidence=("title", "date", "status", "reply_date", "age_days", "list_url", "as_of"),
    tags=("gb2015:V15-5", "gb2019:V19-5"),
    options={"months": UNANSWERED_MONTHS, "window_months": WINDOW_MONTHS},
    help_zh="监测时间点前1年内的留言，超过3个月仍未答复。",
)


@rule(UNANSWERED)
def unanswered(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """A message from the last year has waited more than 3 months for an answer.

    What it checks: every message listed on the site's 咨询 channels (title, date written,
        status, date answered; a linked detail page fills gaps) written within 12 months before
        as_of, not answered by as_of, and written more than 3 calendar months before it. A
        message answered late is a statistic in the report, not this finding; a message whose
        state the site does not show is not judged.
    Why it matters: one such message is the 互动回应差 veto in 2015 and 2019 (standards.md
        V15-5, V19-5, grade A/B).
    Example: “关于城市更新的咨询”, written 4 months ago, still 未回复.
    References: standards.md §1.1 V15-5, §2.2 V19-5.
    """
    months = int(ctx.option(UNANSWERED, "months"))
    cutoff = months_before(ctx.as_of, months)
    findings = []
    for msg in in_window(site_messages(snap), ctx.as_of, int(ctx.option(UNANSWERED, "window_months"))):
        if msg.date >= cutoff or msg.answered_by(ctx.as_of) is not False:
            continue
        age = (ctx.as_of - msg.date).days
        findings.append(Finding(
            rule=UNANSWERED.id, url=msg.list_url, target=msg.url,
            detail=f"留言“{msg.title}”（{msg.date.isoformat()}）已{age}天未答复",
            evidence={"title": msg.title, "date": msg.date.isoformat(), "status": msg.status,
                      "reply_date": msg.reply_date.isoformat() if msg.reply_date else None,
                      "age_days": age, "list_url": msg.list_url, "as_of": ctx.as_of.isoformat()}))
    return findings


REPLY_STALE = RuleMeta(
    id="interaction.reply_stale",
    name_zh="留言答复长期未更新",
    family="interaction",
    needs=(NEED_PAGES,),
    evidence=("newest_reply", "allowed", "messages_in_window", "as_of"),
    tags=("gb2019:D19-5",),
    options={"months": REPLY_STALE_MONTHS},
    help_zh="监测时间点前2个月内未更新留言答复。",
)


@rule(REPLY_STALE)
def reply_stale(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """No answer to a message was published in the 2 months before the 监测时间点.

    What it checks: sites with messages written in the last 12 months; the newest dated
        answer (on or before as_of) must be within 2 calendar months of as_of. When answers
        are marked 已回复 without dates, the site's timing cannot be judged (not measured).
    Why it matters: 2019 D19-5 deducts 3 points for "监测时间点前2个月内未更新留言答复"
        (standards.md §2.3, grade B); the 2-month window is that item's, the rule's use of it
        for every site is our reading.
    Example: 12 messages this year, the newest answer dated 3 months ago.
    References: standards.md §2.3 D19-5.
    """
    messages = in_window(site_messages(snap), ctx.as_of, WINDOW_MONTHS)
    if not messages:
        return []
    replies = [m.reply_date for m in messages if m.reply_date and m.reply_date <= ctx.as_of]
    newest = max(replies) if replies else None
    months = int(ctx.option(REPLY_STALE, "months"))
    if newest is not None and newest >= months_before(ctx.as_of, months):
        return []
    if newest is None and any(m.status == "answered" for m in messages):
        raise NotMeasured("留言显示已答复但未注明答复日期，无法判断答复更新时间")
    return [Finding(
        rule=REPLY_STALE.id, url=messages[0].list_url,
        detail=(f"最近一次留言答复为{newest.isoformat()}，{months}个月内未更新" if newest
                else f"一年内{len(messages)}条留言均无答复"),
        evidence={"newest_reply": newest.isoformat() if newest else None,
                  "allowed": f"{months}个月", "messages_in_window": len(messages),
                  "as_of": ctx.as_of.isoformat()})]


def message_stats(snap: SiteSnapshot, as_of: date) -> dict[str, object]:
    """Reply statistics for the report: counts, latency median/P90, share over a month."""
    messages = site_messages(snap)
    window = in_window(messages, as_of, WINDOW_MONTHS)
    cutoff = months_before(as_of, UNANSWERED_MONTHS)
    latencies = sorted((m.reply_date - m.date).days for m in window
                       if m.reply_date and m.reply_date <= as_of)
    answered = [m for m in window if m.answered_by(as_of)]
    replies = [m.reply_date for m in messages if m.reply_date and m.reply_date <= as_of]
    return {
        "channels": channel_links(snap),
        "total": len(messages),
        "in_window": len(window),
        "answered": len(answered),
        "unanswered": sum(1 for m in window if m.answered_by(as_of) is False),
        "unanswered_over_3m": sum(1 for m in window if m.answered_by(as_of) is False and m.date < cutoff),
        "median_days": statistics.median(latencies) if latencies else None,
        "p90_days": _percentile(latencies, 0.9),
        "share_over_30d": (round(sum(1 for d in latencies if d > SLOW_REPLY_DAYS) / len(latencies), 3)
                           if latencies else None),
        "newest_reply": max(replies).isoformat() if replies else None,
    }


def _percentile(values: list[int], share: float) -> float | None:
    """Nearest-rank percentile of sorted values."""
    if not values:
        return None
    rank = max(1, -(-len(values) * share // 1))
    return float(values[int(rank) - 1])

