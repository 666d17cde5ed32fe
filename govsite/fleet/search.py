"""Site search: the form in each page header and the endpoint that answers it.

The endpoint searches the site's article titles by substring, like the TRS/jsearch engines
district sites run, and answers with a results page in the site's own template. The query is
decoded in the site's charset, as the form submits it: a GBK site's browser sends `%C7%F8…`,
and a server that decoded it as UTF-8 would find nothing. A planted broken search either always
answers 没有找到相关结果 (without echoing the query, so the words searched for are nowhere on the
page) or fails with HTTP 500.
"""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qs

from govsite.fleet.model import Resource, SearchEndpoint, SearchHit
from govsite.fleet.plants import SearchPlan

SEARCH_SLOT = "<!--search-results-->"
RESULTS_SHOWN = 10
QUERY_CHARS = 20

NO_RESULTS = '<div class="search-empty"><p>没有找到相关结果，请更换关键词后重试。</p></div>'
ERROR_PAGE = (
    "<html><head><title>500 Internal Server Error</title></head><body>"
    "<h1>HTTP Status 500 - Internal Server Error</h1><p>java.lang.NullPointerException: "
    "com.trs.search.SearchService.query(SearchService.java:212)</p></body></html>"
)


def form_html(plan: SearchPlan) -> str:
    """The header search box: hidden engine parameters, the query input, a 搜索 button."""
    hidden = "".join(f'<input type="hidden" name="{escape(n)}" value="{escape(v)}">'
                     for n, v in plan.hidden)
    button = ('<input type="submit" class="search-btn" value="搜索">' if plan.button == "input"
              else '<button type="submit" class="search-btn">搜索</button>')
    return (
        f'<form class="search" name="searchform" action="{escape(plan.path)}" '
        f'method="{plan.method}" target="_blank">{hidden}'
        f'<input type="text" name="{escape(plan.param)}" class="search-input" '
        f'placeholder="请输入关键字">{button}</form>'
    )


def query_text(title: str) -> str:
    """What a census searches for: the first 20 characters of the first article link's text."""
    return title.strip()[:QUERY_CHARS]


def results_html(query: str, hits: list[SearchHit]) -> str:
    """The result list, the query highlighted in each title as search engines do."""
    if not hits:
        return NO_RESULTS
    marked = f'<em class="hl">{escape(query)}</em>'
    rows = "".join(
        f'<li><a href="{escape(hit.path)}" target="_blank">'
        f"{escape(hit.title).replace(escape(query), marked)}</a>"
        f'<span class="date">{hit.when:%Y-%m-%d}</span></li>'
        for hit in hits[:RESULTS_SHOWN]
    )
    return (f'<div class="search-info">找到与“{escape(query)}”相关的结果共{len(hits)}条</div>'
            f'<ul class="search-results">{rows}</ul>')


def decode_params(raw: str, charset: str) -> dict[str, list[str]]:
    """Form parameters from a query string or urlencoded body, in the site's charset."""
    encoding = "gb18030" if charset == "gbk" else "utf-8"
    return parse_qs(raw, encoding=encoding, errors="replace")


def answer(endpoint: SearchEndpoint, method: str, raw_query: str, body: bytes) -> Resource:
    """The endpoint's answer to one request (GET query string or POST form body)."""
    allowed = endpoint.method.upper()
    if method.upper() not in ({"GET", "HEAD"} if allowed == "GET" else {"POST"}):
        return Resource(405, {"Content-Type": "text/html; charset=utf-8", "Allow": allowed},
                        b"<html><body><h1>405 Method Not Allowed</h1></body></html>")
    if endpoint.mode == "error":
        return Resource(500, {"Content-Type": "text/html; charset=utf-8"}, ERROR_PAGE.encode())
    raw = body.decode("latin-1") if allowed == "POST" else raw_query
    query = decode_params(raw, endpoint.charset).get(endpoint.param, [""])[0].strip()
    hits = [] if endpoint.mode == "empty" or not query else [
        hit for hit in endpoint.hits if query in hit.title
    ]
    page = endpoint.shell.replace(SEARCH_SLOT, results_html(query, hits))
    encoding = "gbk" if endpoint.charset == "gbk" else "utf-8"
    return Resource(200, dict(endpoint.headers), page.encode(encoding, "xmlcharrefreplace"))
