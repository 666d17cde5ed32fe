"""政务咨询 channels and the messages (留言) they publish.

Channels are found from the links a site puts in front of everybody — the home page and its
template — plus one hop from those channel pages (an 互动交流 landing page that lists 领导信箱
and 在线咨询), then their pagination. Messages are the rows of the channels' lists: a title, the
date it was written, a status, the date it was answered; a linked detail page fills in what the
list leaves out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from selectolax.lexbor import LexborNode

from govsite.collect.urls import absolutize, is_fetched
from govsite.rules import dates
from govsite.rules.keywords import any_in, keywords
from govsite.rules.listing import pages_by_url, template_links
from govsite.rules.taxonomy import months_before
from govsite.snapshot import Page, SiteSnapshot

MAX_CHANNEL_TEXT = 12  # 领导信箱, 我要咨询, 政民互动…; longer link texts are message titles
PAGER_PATH = re.compile(r"(_\d+|index_\d+)\.s?html?$|[?&](page|pageno|p)=\d+", re.IGNORECASE)
PAGER_TEXT = ("下一页", "上一页", "尾页", "末页")


@dataclass(frozen=True)
class Message:
    """One published message and what the site shows about its answer."""

    title: str
    list_url: str
    url: str | None
    date: date
    reply_date: date | None
    status: str  # answered | unanswered | unknown

    def answered_by(self, as_of: date) -> bool | None:
        """Whether it was answered at `as_of` (None: the site does not say)."""
        if self.reply_date is not None:
            return self.reply_date <= as_of
        if self.status == "answered":
            return True
        return False if self.status == "unanswered" else None


def _status(text: str) -> str:
    kw = keywords()["interaction"]
    if any_in(text, kw["unanswered_status"]):
        return "unanswered"
    if any_in(text, kw["answered_status"]):
        return "answered"
    return "unknown"


def is_channel_text(text: str) -> bool:
    """A link text naming a 政务咨询 channel (and not a special 信访/举报 channel)."""
    kw = keywords()["interaction"]
    text = text.strip()
    return (0 < len(text) <= MAX_CHANNEL_TEXT and any_in(text, kw["channel"]) is not None
            and any_in(text, kw["excluded"]) is None)


def channel_links(snap: SiteSnapshot) -> list[str]:
    """Targets of channel links on the home page, in the template, and one hop from those."""
    if "channel_links" in snap.cache:
        return snap.cache["channel_links"]
    index = pages_by_url(snap)
    template = template_links(snap)
    front = [ln for p in snap.pages for ln in p.links
             if (p is snap.home or ln.url in template) and ln.tag in ("a", "area", "img")]
    found = {ln.url for ln in front if is_channel_text(ln.text)}
    for url in list(found):
        page = index.get(url)
        for ln in page.links if page else []:
            if is_channel_text(ln.text) or (ln.url not in template and any(t in ln.text for t in PAGER_TEXT)):
                found.add(ln.url)
    for page in snap.pages:
        if any(k.lower() == "columnname" and is_channel_text(v) for k, v in page.meta.items()):
            found.add(page.url)
    result = sorted(found)
    snap.cache["channel_links"] = result
    return result


def channel_pages(snap: SiteSnapshot) -> list[Page]:
    index = pages_by_url(snap)
    pages = {id(p): p for url in channel_links(snap) if (p := index.get(url)) and p.html}
    return sorted(pages.values(), key=lambda p: p.url)


def _header_roles(cells: list[str]) -> dict[int, str]:
    kw = keywords()["interaction"]
    roles: dict[int, str] = {}
    for n, text in enumerate(cells):
        for role, words in (("date", kw["message_date_header"]), ("reply", kw["reply_date_header"]),
                            ("status", kw["status_header"]), ("title", kw["title_header"])):
            if role not in roles.values() and any_in(text, words):
                roles[n] = role
                break
    return roles


def _detail(url: str | None, snap: SiteSnapshot) -> tuple[date | None, date | None, str]:
    """Message date, reply date and status as the detail page states them."""
    page = pages_by_url(snap).get(url or "")
    if page is None or not page.html:
        return None, None, "unknown"
    kw = keywords()["interaction"]
    text, seen = page.text, dates.fetched_day(page.fetched_at)

    def labelled(labels: list[str]) -> date | None:
        match = re.search(rf"(?:{'|'.join(labels)})\s*[:：]\s*([^\s　]{{6,16}})", text)
        return dates.plausible(dates.parse_full(match[1]), seen) if match else None

    return labelled(kw["detail_message_date"]), labelled(kw["detail_reply_date"]), _status(text)


def _row_link(row: LexborNode, base: str, template: frozenset[str]) -> tuple[str | None, str]:
    for anchor in row.css("a[href]"):
        raw = anchor.attributes.get("href") or ""
        text = anchor.text(strip=True)
        if is_fetched(raw) and text:
            url = absolutize(raw, base)
            if url not in template:
                return url, text
    return None, ""


def _table_messages(page: Page, snap: SiteSnapshot) -> list[Message]:
    tree = page.tree
    if tree is None:
        return []
    template, seen = template_links(snap), dates.fetched_day(page.fetched_at)
    out: list[Message] = []
    for table in tree.css("table"):
        rows = table.css("tr")
        if not rows:
            continue
        header = [c.text(strip=True) for c in rows[0].css("th, td")]
        roles = _header_roles(header)
        if "date" not in roles.values() and not ("title" in roles.values() and len(roles) >= 2):
            continue
        for row in rows[1:]:
            cells = [c.text(separator=" ").strip() for c in row.css("td, th")]
            if len(cells) < 2:
                continue
            by_role = {role: cells[n] for n, role in roles.items() if n < len(cells)}
            url, link_text = _row_link(row, page.final_url, template)
            found = [d for c in cells if (d := dates.plausible(dates.parse_full(c), seen))]
            written = dates.plausible(dates.parse_full(by_role.get("date", "")), seen) or (
                found[0] if found else None)
            reply = dates.plausible(dates.parse_full(by_role.get("reply", "")), seen)
            if reply is None and "reply" not in roles.values() and len(found) > 1:
                reply = found[1]
            status = _status(by_role.get("status", " ".join(cells)))
            title = link_text or by_role.get("title") or max(cells, key=len)
            d_written, d_reply, d_status = _detail(url, snap)
            written = written or d_written
            if written is None:
                continue
            out.append(Message(
                title=title.strip()[:80], list_url=page.url, url=url, date=written,
                reply_date=reply or d_reply,
                status=status if status != "unknown" else d_status))
    return out


def _list_messages(page: Page, snap: SiteSnapshot) -> list[Message]:
    """Messages laid out as li rows: a title link, a date, a status, maybe a reply date."""
    tree = page.tree
    if tree is None:
        return []
    template, seen = template_links(snap), dates.fetched_day(page.fetched_at)
    out = []
    for row in tree.css("li"):
        url, title = _row_link(row, page.final_url, template)
        if url is None:
            continue
        text = row.text(separator=" ").replace(title, " ", 1)
        found = [dates.plausible(dates.parse_full(m[0]), seen) for m in dates.FULL_DATE.finditer(text)]
        found = [d for d in found if d]
        d_written, d_reply, d_status = _detail(url, snap)
        written = found[0] if found else d_written
        status = _status(text)
        # A dated link in a side bar is news, not a message: a message row (or its detail
        # page) says whether it was answered.
        if written is None or (status == "unknown" and d_status == "unknown"):
            continue
        out.append(Message(
            title=title[:80], list_url=page.url, url=url, date=written,
            reply_date=(found[1] if len(found) > 1 else None) or d_reply,
            status=status if status != "unknown" else d_status))
    return out


def site_messages(snap: SiteSnapshot) -> list[Message]:
    """Every message on every channel page, each (title, date) once."""
    if "messages" in snap.cache:
        return snap.cache["messages"]
    seen: dict[tuple[str, date, str | None], Message] = {}
    for page in channel_pages(snap):
        found = _table_messages(page, snap) or _list_messages(page, snap)
        for msg in found:
            seen.setdefault((msg.title, msg.date, msg.url), msg)
    result = sorted(seen.values(), key=lambda m: (m.date, m.title))
    snap.cache["messages"] = result
    return result


def in_window(messages: list[Message], as_of: date, months: int = 12) -> list[Message]:
    """Messages written in the `months` before as_of ("监测时间点前1年内", V15-5/V19-5)."""
    start = months_before(as_of, months)
    return [m for m in messages if start <= m.date <= as_of]
