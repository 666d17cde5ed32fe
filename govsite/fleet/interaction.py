"""The 咨询建言 channel of a site: which 留言 it lists, and the list and detail pages.

Background 留言 come from `content.messages` (answered within days, the two newest still open);
a site's `ChannelPlan` then stops or removes the replies and adds the planted questions. Random
open 留言 are kept clear of the 3-month boundary so that only the planted ones test it.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from html import escape

from govsite.fleet.content import Message, messages
from govsite.fleet.dates import months_before
from govsite.fleet.plants import ChannelPlan
from govsite.fleet.templates import link

# Random open 留言 are never within this many days of the 3-month line.
BOUNDARY_MARGIN = 4
ANONYMOUS = "网友"


def stop_replies(found: list[Message], *, as_of: date, last_reply: int) -> list[Message]:
    """Replies stopped `last_reply` days ago: later questions are open, and the newest reply is
    dated exactly that day."""
    cutoff = as_of - timedelta(days=last_reply)
    out = []
    for message in found:
        if message.asked > cutoff:
            out.append(replace(message, replied=None))
        elif message.replied is None or message.replied > cutoff:
            out.append(replace(message, replied=cutoff))
        else:
            out.append(message)
    answered = [m for m in out if m.replied is not None]
    if answered:
        newest = max(answered, key=lambda m: m.asked)
        out[out.index(newest)] = replace(newest, replied=cutoff)
    return out


def clear_of_boundary(found: list[Message], *, as_of: date) -> list[Message]:
    """Move random open 留言 that sit within a few days of the 3-month line off it."""
    line = months_before(as_of, 3)
    out = []
    for message in found:
        gap = (message.asked - line).days
        if message.replied is None and abs(gap) < BOUNDARY_MARGIN:
            message = replace(message, asked=line - timedelta(days=BOUNDARY_MARGIN))
        out.append(message)
    return out


def plan_messages(
    rng: random.Random, plan: ChannelPlan, *, as_of: date, topics: tuple[str, ...],
    old_unanswered: bool,
) -> list[Message]:
    """The 留言 a site lists on its channel page, newest first (none without a list)."""
    if plan.kind in ("none", "external"):
        return []
    found = messages(rng, as_of=as_of, topics=topics, old_unanswered=old_unanswered)
    if plan.no_replies:
        found = [replace(m, replied=None) for m in found]
    elif plan.last_reply is not None:
        found = stop_replies(found, as_of=as_of, last_reply=plan.last_reply)
    found = clear_of_boundary(found, as_of=as_of)
    for planted in plan.planted:
        asked = planted.asked.before(as_of)
        replied = planted.answered_after.after(asked) if planted.answered_after else None
        found.append(Message(planted.title, ANONYMOUS, asked, replied))
    found.sort(key=lambda m: m.asked, reverse=True)
    if plan.kind == "detail":
        base = plan.path.removesuffix(".html")
        found = [replace(m, detail=f"{base}/{4000 + n}.html")
                 for n, m in enumerate(reversed(found))][::-1]
    return found


def status(message: Message, plan: ChannelPlan) -> str:
    return plan.done_status if message.replied else plan.open_status


def channel_table(found: list[Message], plan: ChannelPlan) -> str:
    """The 留言 list: with status and reply date ("table"), or titles and dates ("detail")."""
    if plan.kind == "detail":
        rows = "".join(
            f"<tr><td>{link(m.title, m.detail or '', target='_blank')}</td>"
            f"<td>{escape(m.author)}</td><td>{m.asked:%Y-%m-%d}</td></tr>"
            for m in found
        )
        header = "<tr><th>留言标题</th><th>留言人</th><th>留言时间</th></tr>"
    else:
        rows = "".join(
            f"<tr><td>{index}</td><td>{escape(m.title)}</td><td>{escape(m.author)}</td>"
            f"<td>{m.asked:%Y-%m-%d}</td><td>{status(m, plan)}</td>"
            f"<td>{m.replied.strftime('%Y-%m-%d') if m.replied else ''}</td></tr>"
            for index, m in enumerate(found, start=1)
        )
        header = ("<tr><th>序号</th><th>留言标题</th><th>留言人</th><th>留言时间</th>"
                  "<th>办理状态</th><th>答复时间</th></tr>")
    return (f'<p>{link("我要写信", "javascript:void(0)")}</p>'
            f'<table class="messages" width="100%">{header}{rows}</table>')


def detail_body(message: Message, plan: ChannelPlan, *, owner: str) -> str:
    """A 留言 detail page: question, status and, once answered, the reply."""
    parts = [
        f'<h1 class="title">{escape(message.title)}</h1>',
        f"<p>留言人：{escape(message.author)}</p>",
        f"<p>留言时间：{message.asked:%Y-%m-%d}</p>",
        f"<p>留言内容：您好，{escape(message.title)}，盼复。</p>",
        f"<p>办理状态：{status(message, plan)}</p>",
    ]
    if message.replied:
        parts += [
            f"<p>答复单位：{escape(owner)}</p>",
            f"<p>答复时间：{message.replied:%Y-%m-%d}</p>",
            "<p>答复内容：您好！您反映的问题已收悉，经研究，现答复如下：相关事项已按规定办理，"
            "如有疑问请在工作日拨打咨询电话。感谢您的关注与支持。</p>",
        ]
    return '<div class="ly-detail">' + "".join(parts) + "</div>"


def side_body(name: str, owner: str) -> str:
    """A 信访 or 举报 page: a notice and a form entry, no 留言 list (it is not a 咨询 channel)."""
    return (f"<p>{escape(owner)}{escape(name)}受理范围：依法应当由本单位处理的{escape(name)}事项。"
            "请如实填写相关信息，我们将按规定办理。</p>"
            f'<p>{link("进入" + name + "系统", "javascript:void(0)")}</p>')
