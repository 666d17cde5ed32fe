"""The site-search probe: finding the search, the query, and what a real server received."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qs

import pytest
from aiohttp import web
from collect_helpers import collect, html

from govsite.collect.parse import parse_html
from govsite.collect.search import find_form, find_search_link, pick_query
from govsite.snapshot import Page, SiteSnapshot

HOST = "www.example.gov.cn"
SO_HOST = "so.example.gov.cn"
URL = f"http://{HOST}/"
TITLE = "关于印发2024年全市政务公开工作要点的通知"
QUERY = TITLE[:20]
ARTICLE = f"{URL}xwzx/t20240501_123.html"
RECORD_KEYS = {
    "found", "looked_in", "how", "action", "method", "param", "query", "query_source", "page",
}

# A 栏目 link in a menu row that is long enough to pass for a title: the query must skip it.
NEWS = (
    '<ul class="nav"><li><a href="/zwgk/index.html">政府信息公开专栏</a></li></ul>'
    f'<ul class="list"><li><a href="/xwzx/t20240501_123.html">{TITLE}</a></li></ul>'
)
GET_FORM = (
    '<form action="/was5/web/search" name="searchform">'
    '<input type="hidden" name="channelid" value="123">'
    '<input type="text" name="searchword" placeholder="请输入关键字">'
    '<input type="submit" value="搜索"></form>'
)
RESULTS = html("检索结果", f'<ul><li><a href="/xwzx/t20240501_123.html">{TITLE}</a></li></ul>')


def page(body: str, *, url: str = URL, title: str = "", charset: str | None = "utf-8") -> Page:
    """A fetched page built without a server, for the finders' unit tests."""
    doc = html(title, body)
    return Page(url=url, final_url=url, status=200, fetched_at="", html=doc, title=title,
                charset=charset, links=parse_html(doc, url).links)


def home(form: str = GET_FORM, extra: str = "") -> str:
    return html("某某市人民政府门户网站", form + NEWS + extra)


async def serve(servers, body: str, *, search_path: str = "/was5/web/search"):
    server = await servers()
    server.page("/", body)
    server.page("/xwzx/t20240501_123.html", html(TITLE))
    server.page("/zwgk/index.html", html("政府信息公开"))
    server.page(search_path, RESULTS)
    return server


@pytest.mark.parametrize(
    "form",
    [
        '<form action="/jsearch/index.jsp"><input name="q"></form>',
        '<form action="/x.do" class="top-ss"><input name="q"></form>',
        '<form action="/s.jsp"><input name="q"></form>',
        '<form action="/x.do"><input name="kw" type="search"><button>搜 索</button></form>',
        '<form action="/x.do"><input name="kw"><input type="image" alt="站内检索"></form>',
        '<form action="/x.do"><input name="kw" placeholder="请输入关键词"></form>',
        '<form action="/x.do"><input name="kw" value="输入搜索内容"></form>',
    ],
)
def test_search_form_hints(form: str) -> None:
    found = find_form(page(form))
    assert found is not None and found.param in ("q", "kw")


@pytest.mark.parametrize(
    "form",
    [
        # A login form, and an "ss" hidden inside words: neither is a search.
        '<form action="/login.do"><input name="user"><input type="password" name="pw">'
        '<input type="submit" value="登录"></form>',
        '<form action="/address.do" class="class-process"><input name="addr"></form>',
        # A search-looking form without a text box to type into.
        '<form action="/search"><input type="hidden" name="q" value="x"><button>搜索</button></form>',
    ],
)
def test_forms_that_are_not_a_search(form: str) -> None:
    assert find_form(page(form)) is None


def test_form_data_is_what_a_browser_sends() -> None:
    form = find_form(page(
        '<form method="POST" action="search.do#top">'
        '<select name="scope"><option value="all">全站</option>'
        '<option value="col" selected>本栏目</option></select>'
        '<input name="other" value="x"><input name="kw" placeholder="搜索">'
        '<input type="checkbox" name="exact" checked><input type="radio" name="r" value="1">'
        '<input name="off" disabled><input type="submit" name="go" value="检索"></form>',
        url=f"{URL}zwgk/",
    ))
    assert form is not None and (form.method, form.param) == ("POST", "kw")
    assert form.action == f"{URL}zwgk/search.do"
    assert form.fields == (("scope", "col"), ("other", "x"), ("kw", None), ("exact", "on"))
    assert form.request("通知") == (form.action, b"scope=col&other=x&kw=%E9%80%9A%E7%9F%A5&exact=on")


def test_get_form_replaces_the_action_query_and_honours_charsets() -> None:
    form = find_form(page('<form action="/s.jsp?old=1#x"><input name="q"></form>', charset="gbk"))
    assert form is not None and form.encoding == "gb18030"
    assert form.request("通知") == (f"{URL}s.jsp?q=%CD%A8%D6%AA", None)
    empty = find_form(page('<form class="search"><input name="q"></form>', url=f"{URL}a/"))
    assert empty is not None and empty.action == f"{URL}a/"  # empty action: the page itself
    utf8 = find_form(page('<form action="/search" accept-charset="utf-8"><input name="q"></form>',
                          charset="gb2312"))
    assert utf8 is not None and utf8.encoding == "utf-8"


def test_search_links() -> None:
    assert find_search_link(page('<a href="/x/1.html">站内搜索</a>')) == f"{URL}x/1.html"
    assert find_search_link(page('<a href="/x/2.html">搜&nbsp;索</a>')) == f"{URL}x/2.html"
    assert find_search_link(page('<a href="/jrobot/search.do?webid=1">检索</a>')) is not None
    assert find_search_link(page(f'<a href="http://{SO_HOST}/">找</a>')) == f"http://{SO_HOST}/"
    assert find_search_link(page('<a href="/research/">研究</a><a href="javascript:;">搜索</a>')) is None


def test_query_is_the_start_of_the_first_own_article_title() -> None:
    body = (
        '<a href="http://other.gov.cn/t20240501_1.html">别的网站的一篇文章标题</a>'
        '<li><a href="/more.html">更多</a></li>'
        f'<div><a href="/a/b.html">不在列表里的普通页面链接</a></div>{NEWS}'
    )
    assert pick_query(page(body)) == (QUERY, ARTICLE)
    cut = page('<li><a href="/a/1.shtml">关于做好春节期间安全生产工作…</a></li>')
    assert pick_query(cut) == ("关于做好春节期间安全生产工作", f"{URL}a/1.shtml")
    assert pick_query(page("", title="某某市人民政府门户网站")) == ("某某市人民政府门户网", URL)
    assert pick_query(page("")) is None


@pytest.mark.asyncio
async def test_get_form_is_submitted_with_its_hidden_fields(servers) -> None:
    server = await serve(servers, home())
    snap = await collect(URL, resolve=(server.maps(HOST),))
    search = snap.search
    assert search is not None and set(search) == RECORD_KEYS
    assert {k: v for k, v in search.items() if k != "page"} == {
        "found": True, "looked_in": "首页搜索表单", "how": "form",
        "action": f"{URL}was5/web/search", "method": "GET", "param": "searchword",
        "query": QUERY, "query_source": ARTICLE,
    }
    got = search["page"]
    assert (got["status"], got["error"], got["title"]) == (200, None, "检索结果")
    assert (got["depth"], got["referrer"], got["url"]) == (-1, URL, got["final_url"])
    hit = next(h for h in server.hits if h.path == "/was5/web/search")
    assert hit.method == "GET" and hit.raw_query.startswith("channelid=123&searchword=")
    assert parse_qs(hit.raw_query) == {"channelid": ["123"], "searchword": [QUERY]}
    # Kept apart from the crawl: neither a crawled page nor a link target.
    assert all("/was5/" not in p.url for p in snap.pages) and not any("/was5/" in t for t in snap.checks)
    json.dumps(search)
    assert SiteSnapshot.loads(snap.dumps()).search == search
    old = snap.to_json()
    del old["search"]
    assert SiteSnapshot.from_json(old).search is None


@pytest.mark.asyncio
async def test_post_form_sends_a_form_body(servers) -> None:
    form = (
        '<form method="post" action="/search.do"><input type="hidden" name="siteid" value="7">'
        '<input name="keyword"><button type="submit">检索</button></form>'
    )
    server = await serve(servers, home(form), search_path="/search.do")
    posted: list[dict[str, str]] = []

    async def search(request: web.Request) -> web.Response:
        posted.append(dict(await request.post()))  # parsed only for a form content type
        return web.Response(text=RESULTS, content_type="text/html")

    server.route("/search.do", search)
    snap = await collect(URL, resolve=(server.maps(HOST),))
    assert snap.search is not None and snap.search["method"] == "POST"
    assert snap.search["page"]["status"] == 200
    assert posted == [{"siteid": "7", "keyword": QUERY}]
    assert [h.method for h in server.hits if h.path == "/search.do"] == ["POST"]


@pytest.mark.asyncio
async def test_gbk_site_query_is_sent_in_gb18030(servers) -> None:
    doc = home('<form action="/search"><input name="searchword"><input type="submit" value="搜索"></form>')
    gbk = doc.replace('charset="utf-8"', 'charset="gbk"').encode("gb18030")
    server = await serve(servers, "", search_path="/search")
    server.page("/", gbk, content_type="text/html; charset=gbk")
    snap = await collect(URL, resolve=(server.maps(HOST),))
    assert snap.home is not None and snap.home.charset == "gbk"
    assert snap.search is not None and snap.search["query"] == QUERY
    hit = next(h for h in server.hits if h.path == "/search")
    assert parse_qs(hit.raw_query, encoding="gb18030") == {"searchword": [QUERY]}


@pytest.mark.asyncio
async def test_search_link_leads_to_the_form(servers) -> None:
    entry = html("站内搜索", f'<form action="http://{SO_HOST}/s"><input name="q" placeholder="搜索"></form>')
    server = await serve(servers, home("", '<a href="/qt/sousuo.html">站内搜索</a>'), search_path="/s")
    server.page("/qt/sousuo.html", entry)
    snap = await collect(URL, resolve=(server.maps(HOST), server.maps(SO_HOST)))
    search = snap.search
    assert search is not None
    assert (search["how"], search["looked_in"], search["action"], search["param"]) == (
        "link", "首页搜索链接指向的页面", f"http://{SO_HOST}/s", "q",
    )
    assert search["page"]["referrer"] == f"{URL}qt/sousuo.html" and search["page"]["status"] == 200
    hit = next(h for h in server.hits if h.path == "/s")
    assert hit.host.startswith(SO_HOST) and parse_qs(hit.raw_query) == {"q": [QUERY]}


@pytest.mark.asyncio
async def test_search_link_without_a_form_records_its_page(servers) -> None:
    server = await serve(servers, home("", '<a href="/jsearch/">搜索</a>'))
    server.page("/jsearch/", html("搜索", "<div id=app></div>"))
    snap = await collect(URL, resolve=(server.maps(HOST),))
    search = snap.search
    assert search is not None and (search["found"], search["how"]) == (True, "link")
    assert (search["action"], search["method"], search["query"]) == (f"{URL}jsearch/", None, None)
    assert search["page"]["title"] == "搜索"


@pytest.mark.asyncio
async def test_no_search_at_all(servers) -> None:
    server = await serve(servers, home(""))
    snap = await collect(URL, resolve=(server.maps(HOST),))
    assert snap.search == {
        "found": False, "looked_in": "首页表单及链接", "how": None, "action": None,
        "method": None, "param": None, "query": None, "query_source": None, "page": None,
    }


@pytest.mark.asyncio
async def test_search_answering_500_is_recorded_after_retries(servers) -> None:
    server = await serve(servers, home())
    server.page("/was5/web/search", html("错误"), status=500)
    snap = await collect(URL, resolve=(server.maps(HOST),), retries=1)
    assert snap.search is not None
    got = snap.search["page"]
    assert (got["status"], got["error"]) == (500, "http_5xx")
    assert server.count("/was5/web/search") == 2


@pytest.mark.asyncio
async def test_search_timeout_is_recorded(servers) -> None:
    server = await serve(servers, home())

    async def slow(_request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.Response(text=RESULTS, content_type="text/html")

    server.route("/was5/web/search", slow)
    snap = await collect(URL, resolve=(server.maps(HOST),), timeout_s=0.5, retries=0)
    assert snap.search is not None
    got = snap.search["page"]
    assert (got["status"], got["error"], got["html"]) == (None, "timeout", None)


@pytest.mark.asyncio
async def test_search_denied_by_robots_is_not_requested(servers) -> None:
    server = await serve(servers, home())
    server.page("/robots.txt", "User-agent: *\nDisallow: /was5/\n", content_type="text/plain")
    snap = await collect(URL, resolve=(server.maps(HOST),))
    assert snap.search is not None and snap.search["query"] == QUERY
    got = snap.search["page"]
    assert (got["status"], got["error"]) == (None, "robots_denied")
    assert server.count("/was5/web/search") == 0


@pytest.mark.asyncio
async def test_probe_leaves_the_crawl_unchanged_and_can_be_switched_off(servers) -> None:
    server = await serve(servers, home())
    with_probe = await collect(URL, resolve=(server.maps(HOST),))
    searches = server.count("/was5/web/search")
    without = await collect(URL, resolve=(server.maps(HOST),), probe_search=False)
    assert without.search is None and server.count("/was5/web/search") == searches == 1
    assert [p.url for p in with_probe.pages] == [p.url for p in without.pages]
    assert with_probe.checks.keys() == without.checks.keys()
    assert with_probe.stats["requests"] == without.stats["requests"] + 1


@pytest.mark.asyncio
async def test_closed_or_blocked_sites_are_not_searched(servers) -> None:
    server = await serve(servers, home())
    server.page("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    snap = await collect(URL, resolve=(server.maps(HOST),))
    assert snap.blocked == "robots" and snap.search is None
