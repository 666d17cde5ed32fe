"""Expected findings of the update, blank, interaction, service, search and text rules.

The windows are those of standards.md §6.1 as the contract's rule semantics state them:
14 days for the home page and 动态要闻 columns (age in days > 14), 6 calendar months for
通知公告/政策文件, 12 for 人事/规划计划; 留言 unanswered for more than 3 calendar months within
the 12 months before as_of; newest reply older than 2 calendar months. They are applied to the
facts the fleet planted (`facts.py`), so the truth states what was built, not what a rule
found. The text rules' findings are the wrong forms and hidden links `wording.py` planted, one
per occurrence per page.
"""

from __future__ import annotations

from datetime import date

from govsite.fleet.dates import months_before
from govsite.fleet.model import FleetSite, TruthItem
from govsite.fleet.wording import HIDDEN, TYPO

NEWS_DAYS = 14
# Column types with an update window, in calendar months (动态要闻 counts days, see NEWS_DAYS).
WINDOW_MONTHS = {"通知公告": 6, "政策文件": 6, "人事": 12, "规划计划": 12}
UNANSWERED_MONTHS = 3
INTERACTION_WINDOW_MONTHS = 12
REPLY_MONTHS = 2


def column_is_stale(column_type: str, newest: date | None, items: int, as_of: date) -> bool:
    """Whether a column of this type, newest item and size misses its update window."""
    if column_type != "动态要闻" and column_type not in WINDOW_MONTHS:
        return False
    if newest is None:
        return items > 0
    if column_type == "动态要闻":
        return (as_of - newest).days > NEWS_DAYS
    return newest < months_before(as_of, WINDOW_MONTHS[column_type])


def allowed_age(column_type: str) -> str:
    return f"{NEWS_DAYS}天" if column_type == "动态要闻" else f"{WINDOW_MONTHS[column_type]}个月"


def update_truth(site: FleetSite, as_of: date) -> list[TruthItem]:
    """update.home_stale, column.stale and column.blank of one site."""
    assert site.facts is not None
    code, items = site.site_code, []
    newest = site.facts.home_newest
    if newest is None or (as_of - newest).days > NEWS_DAYS:
        shown = newest.isoformat() if newest else "无"
        items.append(TruthItem(code, "update.home_stale", site.url, None,
                               f"首页最新信息日期 {shown}，超过{NEWS_DAYS}天未更新"))
    for column in site.columns:
        if column_is_stale(column.type, column.newest, column.items, as_of):
            shown = column.newest.isoformat() if column.newest else "无带日期的信息"
            items.append(TruthItem(
                code, "column.stale", column.url, None,
                f"{column.name}（{column.type}）最新 {shown}，超过{allowed_age(column.type)}",
            ))
        if column.blank:
            items.append(TruthItem(code, "column.blank", column.url, None,
                                   f"{column.name}：{column.blank}"))
    return items


def interaction_truth(site: FleetSite, as_of: date) -> list[TruthItem]:
    """interaction.no_channel, interaction.unanswered and interaction.reply_stale of one site."""
    assert site.facts is not None
    code, items = site.site_code, []
    if site.facts.channel_kind == "none":
        items.append(TruthItem(code, "interaction.no_channel", site.url, None,
                               "未发现咨询、留言、信箱等互动渠道"))
        return items
    window = months_before(as_of, INTERACTION_WINDOW_MONTHS)
    late = months_before(as_of, UNANSWERED_MONTHS)
    recent = [m for m in site.messages if window <= m.date <= as_of]
    for message in recent:
        answered = message.replied is not None and message.replied <= as_of
        if not answered and message.date < late:
            items.append(TruthItem(code, "interaction.unanswered", message.list_url,
                                   message.detail_url,
                                   f"留言《{message.title}》{message.date.isoformat()}，未回复"))
    replies = [m.replied for m in site.messages if m.replied and m.replied <= as_of]
    newest_reply = max(replies) if replies else None
    if recent and (newest_reply is None or newest_reply < months_before(as_of, REPLY_MONTHS)):
        shown = newest_reply.isoformat() if newest_reply else "无"
        items.append(TruthItem(code, "interaction.reply_stale", recent[0].list_url, None,
                               f"最新答复日期 {shown}，超过{REPLY_MONTHS}个月未更新"))
    return items


def service_truth(site: FleetSite) -> list[TruthItem]:
    """service.none and service.guide_incomplete of one site."""
    assert site.facts is not None
    items = []
    if site.facts.service_entry is None:
        items.append(TruthItem(site.site_code, "service.none", site.url, None,
                               "首页无办事服务入口，且无办事类栏目"))
    for guide in site.facts.guides:
        if guide.missing:
            items.append(TruthItem(site.site_code, "service.guide_incomplete", guide.url, None,
                                   f"《{guide.title}》缺少：{'、'.join(guide.missing)}"))
    return items


def search_truth(site: FleetSite) -> list[TruthItem]:
    """search.unavailable of one site."""
    assert site.facts is not None
    search = site.facts.search
    if search is None:
        why = "首页无站内搜索表单"
    elif search.mode == "empty":
        why = f"搜索“{search.query}”（{search.method} {search.action}）返回没有找到相关结果"
    elif search.mode == "error":
        why = f"搜索“{search.query}”（{search.method} {search.action}）返回 HTTP 500"
    else:
        return []
    return [TruthItem(site.site_code, "search.unavailable", site.url, None, why)]


def text_truth(site: FleetSite) -> list[TruthItem]:
    """content.serious_error, content.typo, content.banned and content.hidden_link of one site:
    one item per planted wrong form on the page that shows it (note: the wrong text, for a
    typo wrong→correct), one per hidden link, frame or script (target: its URL)."""
    assert site.facts is not None
    items = []
    for text in site.facts.texts:
        note = f"{text.wrong}→{text.correct}" if text.rule == TYPO else text.wrong
        items.append(TruthItem(site.site_code, text.rule, text.url, None, note))
    for hidden in site.facts.hidden:
        items.append(TruthItem(site.site_code, HIDDEN, hidden.url, hidden.target,
                               f"{hidden.kind}：{hidden.how}"))
    return items


def content_truth(site: FleetSite, as_of: date) -> list[TruthItem]:
    """Every expected finding of the content rules on one audited site."""
    return (update_truth(site, as_of) + interaction_truth(site, as_of) + service_truth(site)
            + search_truth(site) + text_truth(site))
