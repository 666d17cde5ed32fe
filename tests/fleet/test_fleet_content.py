"""The content plants of the fleet (update, blank, interaction, service, search) and their truth.

Two kinds of checks. First, the planted ages sit exactly where they were meant to relative to
as_of, for several as_of values (month ends and a year boundary included), and the truth
flags the planted cases and none of the traps. Second, the served HTML, read independently
(`fleet_helpers`), says what the fleet's facts say: the same newest dates, items, blanks,
留言, guide elements and service entries.
"""

from __future__ import annotations

import functools
import json
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from fleet_helpers import html_of, innermost_rows, page_date, request, row_date, site_by_key
from selectolax.lexbor import LexborHTMLParser

from govsite.fleet import Fleet, FleetServer, build_fleet, write_fleet
from govsite.fleet.dates import Age, add_months, months_before
from govsite.fleet.expect import column_is_stale
from govsite.fleet.guides import ELEMENTS
from govsite.fleet.truth import count_by_rule

AS_OF = date(2026, 11, 23)
# A month end (6 months back lands on Feb 28), a year boundary (yearless dates of December),
# and a March 1st (3 months back is Dec 1, 2 months back Jan 1).
OTHER_AS_OFS = (date(2027, 8, 31), date(2027, 1, 5), date(2027, 3, 1))
CONTENT_RULES = ("update.home_stale", "column.stale", "column.blank", "interaction.unanswered",
                 "interaction.no_channel", "interaction.reply_stale", "service.none",
                 "service.guide_incomplete", "search.unavailable")
# (site key, column name) of every column the truth must call stale, whatever as_of is.
STALE = {
    ("jw", "政策文件"), ("rsj", "人事信息"), ("wjw", "部门动态"), ("scjgj", "通知公告"),
    ("zjw", "规范性文件"), ("zjw", "建设动态"), ("dsjzx", "部门动态"), ("dsjzx", "通知公告"),
    ("dsjzx", "政策文件"), ("dsjzx", "人事信息"), ("dsjzx", "公示公告"), ("dsjzx", "政策法规"),
}
BLANK = {("zgy", "社区风采"), ("zgy", "专项资金公示"), ("zgy", "平安建设"), ("portal", "政府信息公开年报")}
CHANNEL = re.compile("咨询|信箱|留言|建言|问政|诉求|互动")
SERVICE = re.compile("办事服务|政务服务|网上办事|办事指南|在线办事|一网通办|便民服务|办事大厅")


@functools.cache
def fleet_at(as_of: date) -> Fleet:
    """One fleet per as_of for the whole module (a build takes most of a second)."""
    return build_fleet(as_of=as_of)


@pytest.fixture(scope="module")
def fleet() -> Fleet:
    return fleet_at(AS_OF)


@pytest.fixture(scope="module", params=(AS_OF, *OTHER_AS_OFS), ids=str)
def any_fleet(request: pytest.FixtureRequest) -> Fleet:
    return fleet_at(request.param)


def truth_of(fleet: Fleet, rule: str) -> list:
    return [t for t in fleet.truth if t.rule == rule]


def keys_of(fleet: Fleet, rule: str) -> set[str]:
    return {next(s.key for s in fleet.sites if s.site_code == t.site_code)
            for t in truth_of(fleet, rule)}


def column(fleet: Fleet, key: str, name: str):
    return next(c for c in site_by_key(fleet, key).columns if c.name == name)


def message(fleet: Fleet, key: str, title: str):
    return next(m for m in site_by_key(fleet, key).messages if m.title == title)


# --- calendar ---------------------------------------------------------------------------------


def test_month_arithmetic_clamps_to_month_end() -> None:
    assert months_before(date(2027, 8, 31), 6) == date(2027, 2, 28)
    assert months_before(date(2028, 8, 31), 6) == date(2028, 2, 29)
    assert months_before(date(2027, 3, 31), 1) == date(2027, 2, 28)
    assert months_before(date(2027, 1, 5), 2) == date(2026, 11, 5)
    assert add_months(date(2026, 10, 31), 4) == date(2027, 2, 28)
    assert Age(months=3).before(date(2027, 5, 31)) == date(2027, 2, 28)
    assert Age(days=10, months=7).before(date(2026, 11, 23)) == date(2026, 4, 13)


def test_windows_at_their_boundaries() -> None:
    as_of = date(2027, 8, 31)
    assert not column_is_stale("动态要闻", as_of - timedelta(days=14), 5, as_of)
    assert column_is_stale("动态要闻", as_of - timedelta(days=15), 5, as_of)
    assert not column_is_stale("政策文件", date(2027, 2, 28), 5, as_of)
    assert column_is_stale("政策文件", date(2027, 2, 27), 5, as_of)
    assert not column_is_stale("人事", date(2026, 8, 31), 5, as_of)
    assert column_is_stale("人事", date(2026, 8, 30), 5, as_of)
    assert column_is_stale("通知公告", None, 3, as_of) and not column_is_stale("通知公告", None, 0, as_of)
    assert not column_is_stale("历史专题", date(2020, 1, 1), 5, as_of)


# --- planted ages, for several as_of values ---------------------------------------------------


def test_planted_column_ages(any_fleet: Fleet) -> None:
    fleet, as_of = any_fleet, any_fleet.as_of
    assert column(fleet, "dsjzx", "部门动态").newest == as_of - timedelta(days=15)
    assert column(fleet, "dhkjy", "部门动态").newest == as_of - timedelta(days=14)
    assert column(fleet, "wjw", "部门动态").newest == as_of - timedelta(days=40)
    assert column(fleet, "zjw", "建设动态").newest == as_of - timedelta(days=30)
    assert column(fleet, "scjgj", "通知公告").newest == months_before(as_of, 7)
    assert column(fleet, "zjw", "政策文件").newest == months_before(as_of, 6)
    assert column(fleet, "rsj", "人事信息").newest == months_before(as_of, 13)
    assert column(fleet, "portal", "往期专题").newest == months_before(as_of, 36)
    assert column(fleet, "portal", "往期专题").type == "历史专题"
    undated = column(fleet, "zjw", "规范性文件")
    assert undated.newest is None and undated.items == 7
    one = column(fleet, "zgy", "机构职能")
    assert one.items == 1 and one.blank is None
    for key, name in (("portal", "街道动态"), ("wjw", "基层动态"), ("jw", "校园动态")):
        assert (as_of - column(fleet, key, name).newest).days <= 4, (key, name)
    assert all(c.pages <= 4 for site in fleet.sites for c in site.columns)


def test_stale_and_blank_truth_is_the_planted_set(any_fleet: Fleet) -> None:
    fleet = any_fleet
    by_url = {(s.site_code, c.url): (s.key, c.name) for s in fleet.sites for c in s.columns}
    stale = {by_url[(t.site_code, t.url)] for t in truth_of(fleet, "column.stale")}
    blank = {by_url[(t.site_code, t.url)] for t in truth_of(fleet, "column.blank")}
    assert stale == STALE and blank == BLANK
    veto_types = {"动态要闻", "通知公告", "政策文件"}
    dsjzx = site_by_key(fleet, "dsjzx")
    assert sum(1 for c in dsjzx.columns if c.type in veto_types and (dsjzx.key, c.name) in stale) >= 5


def test_home_ages(any_fleet: Fleet) -> None:
    fleet, as_of = any_fleet, any_fleet.as_of
    assert site_by_key(fleet, "dsjzx").facts.home_newest == as_of - timedelta(days=15)
    assert site_by_key(fleet, "dhkjy").facts.home_newest == as_of - timedelta(days=14)
    entry = site_by_key(fleet, "dlxx")
    assert entry.facts.nav_only and (as_of - entry.facts.home_newest).days <= 14
    assert keys_of(fleet, "update.home_stale") == {"dsjzx"}


def test_planted_messages(any_fleet: Fleet) -> None:
    fleet, as_of = any_fleet, any_fleet.as_of
    exact = message(fleet, "fgw", "关于居民阶梯电价执行标准的咨询")
    assert exact.date == months_before(as_of, 3) and exact.replied is None
    assert message(fleet, "fgw", "节能改造项目补助资金何时拨付").date == months_before(as_of, 2)
    late = message(fleet, "fgw", "咨询重点项目前期工作经费申报时限")
    assert late.date == as_of - timedelta(days=100) and late.detail_url
    fgw = site_by_key(fleet, "fgw")
    assert [(t.url, t.target) for t in truth_of(fleet, "interaction.unanswered")
            if t.site_code == fgw.site_code] == [(late.list_url, late.detail_url)]
    answered = message(fleet, "portal", "关于老旧小区加装电梯补贴政策的咨询")
    assert answered.date == months_before(as_of, 8)
    assert answered.replied == add_months(answered.date, 4) <= as_of
    assert message(fleet, "portal", "建议在地铁站周边增设非机动车停放区").date == months_before(as_of, 14)
    assert "portal" not in keys_of(fleet, "interaction.unanswered")
    rsj = site_by_key(fleet, "rsj")
    assert rsj.charset == "gbk"
    assert [t.target for t in truth_of(fleet, "interaction.unanswered")
            if t.site_code == rsj.site_code] == [None, None]
    assert keys_of(fleet, "interaction.unanswered") >= {"fgw", "rsj", "scjgj"}
    newest_reply = {key: max(m.replied for m in site_by_key(fleet, key).messages if m.replied)
                    for key in ("jw", "scjgj")}
    assert newest_reply == {"jw": as_of - timedelta(days=50), "scjgj": as_of - timedelta(days=75)}
    assert not any(m.replied for m in site_by_key(fleet, "dsjzx").messages)
    assert keys_of(fleet, "interaction.reply_stale") == {"scjgj", "dsjzx"}
    assert keys_of(fleet, "interaction.no_channel") == {"zgy"}


def test_service_and_search_truth(any_fleet: Fleet) -> None:
    fleet = any_fleet
    assert keys_of(fleet, "service.none") == {"zjw"}
    assert keys_of(fleet, "search.unavailable") == {"zgy", "dlxx", "wjw", "zjw"}
    incomplete = {t.url: t.note for t in truth_of(fleet, "service.guide_incomplete")}
    assert len(incomplete) == 5
    assert {urlsplit(url).hostname for url in incomplete} == {"jw.hdq.gov.cn", "rsj.hdq.gov.cn"}
    planted = {site.key: [g.missing for g in site.facts.guides if g.missing]
               for site in fleet.sites if site.facts}
    assert sorted(planted["jw"]) == sorted([("设定依据",), ("办理地点", "办理时间")])
    assert sorted(planted["rsj"]) == sorted([("事项名称",), ("联系电话",),
                                             ("申请条件", "办理材料", "办理流程")])


def test_truth_counts_do_not_depend_on_as_of(fleet: Fleet) -> None:
    counts = {rule: n for rule, n in count_by_rule(fleet.truth).items() if rule in CONTENT_RULES}
    assert set(counts) == set(CONTENT_RULES)
    for as_of in OTHER_AS_OFS:
        other = fleet_at(as_of)
        assert {rule: n for rule, n in count_by_rule(other.truth).items()
                if rule in CONTENT_RULES} == counts, as_of


# --- the served HTML says what the facts say ---------------------------------------------------


def test_planted_pages_answer_over_http(fleet: Fleet) -> None:
    urls = {t.url for t in fleet.truth if t.rule in CONTENT_RULES}
    urls |= {t.target for t in truth_of(fleet, "interaction.unanswered") if t.target}
    for site in fleet.sites:
        if site.facts:
            urls |= {c.url for c in site.columns} | {g.url for g in site.facts.guides}
            urls |= {m.detail_url for m in site.messages if m.detail_url}
    with FleetServer(fleet) as server:
        for url in sorted(urls):
            reply = request(server, url)
            assert reply.status == 200 and reply.headers["content-type"].startswith("text/html"), url


def column_pages(fleet: Fleet, site, url: str, pages: int) -> list[str]:
    return [url if n == 0 else url.replace("index.html", f"index_{n}.html") for n in range(pages)]


@pytest.mark.parametrize("as_of", (AS_OF, date(2027, 1, 5)), ids=str)
def test_served_columns_match_facts(as_of: date) -> None:
    fleet = fleet_at(as_of)
    checked = 0
    for site in fleet.sites:
        if site.facts is None or site.status != "运行":
            continue
        for info in site.columns:
            dates, items, placeholder = [], 0, False
            for url in column_pages(fleet, site, info.url, info.pages):
                html = html_of(fleet, site, url)
                placeholder |= any(w in html for w in ("暂无信息", "暂无内容", "正在建设中", "暂无数据"))
                for links, outside in innermost_rows(html, "div.content"):
                    for href, _ in links:
                        items += 1
                        when = row_date(outside, as_of)
                        target = urljoin(url, href)
                        if when is None and target.endswith(".html"):
                            when = page_date(html_of(fleet, site, target))
                        if when:
                            dates.append(when)
            assert items == info.items, (site.host, info.name)
            assert (max(dates) if dates else None) == info.newest, (site.host, info.name)
            assert bool(info.blank) == (items == 0), (site.host, info.name)
            assert placeholder == ("占位" in (info.blank or "")), (site.host, info.name)
            checked += 1
    assert checked > 60


def test_served_home_pages_match_facts(fleet: Fleet) -> None:
    for site in fleet.sites:
        if site.facts is None or site.status != "运行":
            continue
        html = html_of(fleet, site, site.url)
        dated = [d for links, outside in innermost_rows(html, "body") if links
                 if (d := row_date(outside, fleet.as_of))]
        if site.facts.nav_only:
            assert dated == [] and "<form" not in html
            assert not [r for r in innermost_rows(html, "div.entry-grid")]
        else:
            assert max(dated) == site.facts.home_newest, site.host


def test_served_guides_match_facts(fleet: Fleet) -> None:
    for site in fleet.sites:
        if site.facts is None or site.status != "运行":
            continue
        guide_pages = {u for u in site.pages if re.search(
            r"<title>[^<]*(办事指南|服务指南)", html_of(fleet, site, u))}
        assert guide_pages == {g.url for g in site.facts.guides}, site.host
        for guide in site.facts.guides:
            html = html_of(fleet, site, guide.url)
            tree = LexborHTMLParser(html)
            # The site footer's 联系电话 is the office's; the guide itself is what is checked.
            for footer in tree.css("footer, .footer, .site-footer"):
                footer.decompose()
            html = tree.html or ""
            headers = {th.text(strip=True) for th in tree.css("th")}
            text = tree.body.text() if tree.body else ""
            missing = []
            for name, labels in ELEMENTS:
                found = any(label in headers or re.search(f"{label}[:：]", text) for label in labels)
                if not found:
                    missing.append(name)
                    # Absent from the whole page, not just unlabelled.
                    assert not any(label in html for label in labels), (guide.url, name)
            assert tuple(missing) == guide.missing, guide.url


def test_served_channels_match_facts(fleet: Fleet) -> None:
    zgy = site_by_key(fleet, "zgy")
    for url in zgy.pages:
        tree = LexborHTMLParser(html_of(fleet, zgy, url))
        assert not CHANNEL.search(tree.css_first("title").text()), url
        assert not [a for a in tree.css("a") if CHANNEL.search(a.text())], url
    wjw = site_by_key(fleet, "wjw")
    nav = dict(re.findall(r'<a href="([^"]+)">([^<]+)</a>', html_of(fleet, wjw, wjw.url)))
    mailbox = next(href for href, text in nav.items() if text == "领导信箱")
    assert urlsplit(mailbox).hostname == "hdjl.hdq.gov.cn" and not wjw.messages
    assert fleet.lookup("hdjl.hdq.gov.cn", urlsplit(mailbox).path).status == 200
    rsj = site_by_key(fleet, "rsj")
    texts = set(re.findall(r'<a href="/hdjl/[^"]+">([^<&]+)</a>', html_of(fleet, rsj, rsj.url)))
    assert texts == {"政策咨询", "网上信访", "纪检举报"}


def test_served_messages_match_facts(fleet: Fleet) -> None:
    for site in fleet.sites:
        if site.facts is None or site.facts.channel_kind not in ("table", "detail"):
            continue
        html = html_of(fleet, site, site.facts.channel_url)
        rows = [(links, outside) for links, outside in innermost_rows(html, "table.messages")
                if "留言时间" not in outside]
        assert len(rows) == len(site.messages), site.host
        for (links, outside), info in zip(rows, site.messages, strict=True):
            days = [date.fromisoformat(d) for d in re.findall(r"\d{4}-\d{2}-\d{2}", outside)]
            if site.facts.channel_kind == "detail":
                assert days == [info.date] and links[0][1] == info.title
                detail = html_of(fleet, site, info.detail_url)
                assert f"留言时间：{info.date}" in detail
                replied = re.search(r"答复时间：(\d{4}-\d{2}-\d{2})", detail)
                assert (replied and date.fromisoformat(replied.group(1))) == (info.replied or None)
                assert ("待回复" in detail) == (info.replied is None)
            else:
                assert days == [info.date] + ([info.replied] if info.replied else [])
                assert info.title in outside


def test_served_service_entries_match_facts(fleet: Fleet) -> None:
    for site in fleet.sites:
        if site.facts is None or site.status != "运行":
            continue
        tree = LexborHTMLParser(html_of(fleet, site, site.url))
        entries = []
        for a in tree.css("a[href]"):
            alt = " ".join(img.attributes.get("alt") or "" for img in a.css("img"))
            host = urlsplit(a.attributes.get("href") or "").hostname or ""
            if SERVICE.search(a.text() + alt) or "zwfw" in host:
                entries.append((a.text(strip=True), alt, host))
        has_column = any(c.type == "办事" for c in site.columns)
        assert bool(entries or has_column) == (site.facts.service_entry is not None), site.host
        if site.key == "dhkjy":
            # Its only entry: an image whose alt names the service, no text, no 办事 column.
            assert entries == [("", "政务服务", "zwfw.gz.gov.cn")] and not has_column


def test_truth_json_carries_the_facts(fleet: Fleet, tmp_path: Path) -> None:
    truth = json.loads(write_fleet(fleet, tmp_path)["truth"].read_text(encoding="utf-8"))
    rules = {f["rule"] for f in truth["findings"]}
    assert set(CONTENT_RULES) <= rules
    dsjzx = truth["sites"][site_by_key(fleet, "dsjzx").site_code]
    assert dsjzx["home_newest"] == (AS_OF - timedelta(days=15)).isoformat()
    assert {"name", "url", "type", "newest", "first_level", "items", "blank"} <= set(
        dsjzx["columns"][0])
    fgw = truth["sites"][site_by_key(fleet, "fgw").site_code]
    assert fgw["channel"]["kind"] == "detail" and fgw["messages"][0]["detail_url"]
    assert fgw["search"]["query"] and fgw["search"]["method"] == "GET"
    jw = truth["sites"][site_by_key(fleet, "jw").site_code]
    assert [g["missing"] for g in jw["guides"] if g["missing"]]
