"""Site search on the served fleet: GET, POST, GBK queries, and the planted broken searches.

Each request goes to 127.0.0.1 with the site's Host header and is encoded as a browser would
submit the site's own form: in the page's charset, by the form's method.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlencode

import pytest
from fleet_helpers import html_of, request, site_by_key
from selectolax.lexbor import LexborHTMLParser

from govsite.fleet import Fleet, FleetServer, FleetSite, build_fleet
from govsite.fleet.search import NO_RESULTS, answer

AS_OF = date(2026, 11, 23)


@pytest.fixture(scope="module")
def fleet() -> Fleet:
    return build_fleet(as_of=AS_OF)


@pytest.fixture(scope="module")
def server(fleet: Fleet):
    with FleetServer(fleet) as running:
        yield running


def home_form(fleet: Fleet, site: FleetSite) -> dict[str, object] | None:
    """The search form of the home page: action, method and its fields (hidden ones filled)."""
    tree = LexborHTMLParser(html_of(fleet, site, site.url))
    form = tree.css_first("form")
    if form is None:
        return None
    fields = {i.attributes.get("name"): i.attributes.get("value") or ""
              for i in form.css("input[name]")}
    text = next(i.attributes.get("name") for i in form.css('input[type="text"]'))
    return {"action": form.attributes.get("action"), "method": form.attributes.get("method"),
            "fields": fields, "text": text,
            "button": form.css_first("button, input[type=submit]") is not None}


def submit(server: FleetServer, fleet: Fleet, site: FleetSite, query: str,
           *, encoding: str | None = None):
    """Submit the home page's search form with `query`, as a browser on that page would."""
    form = home_form(fleet, site)
    assert form is not None
    fields = {**form["fields"], form["text"]: query}
    encoded = urlencode(fields, encoding=encoding or ("gbk" if site.charset == "gbk" else "utf-8"))
    url = f"http://{site.host}{form['action']}"
    if form["method"] == "post":
        return request(server, url, method="POST", body=encoded.encode("ascii"),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    return request(server, f"{url}?{encoded}")


def text_of(body: bytes, site: FleetSite) -> str:
    html = body.decode("gbk" if site.charset == "gbk" else "utf-8")
    tree = LexborHTMLParser(html)
    return tree.body.text() if tree.body else ""


def test_forms_match_the_facts(fleet: Fleet) -> None:
    for site in fleet.sites:
        if site.facts is None or site.status != "运行":
            continue
        form, search = home_form(fleet, site), site.facts.search
        if search is None:
            assert form is None, site.host
            continue
        assert form is not None and form["button"], site.host
        assert (form["action"], form["method"].upper(), form["text"]) == (
            search.action, search.method, search.param)
    assert home_form(fleet, site_by_key(fleet, "zgy")) is None
    assert home_form(fleet, site_by_key(fleet, "dlxx")) is None


def test_working_searches_find_the_first_home_article(fleet: Fleet, server: FleetServer) -> None:
    working = [s for s in fleet.sites
               if s.facts and s.facts.search and s.facts.search.mode == "ok"]
    assert {s.key for s in working} >= {"portal", "fgw", "jw", "rsj", "scjgj", "dhkjy", "dsjzx"}
    for site in working:
        query = site.facts.search.query
        assert 10 <= len(query) <= 20
        reply = submit(server, fleet, site, query)
        assert reply.status == 200, site.host
        text = text_of(reply.body, site)
        assert query in text and "相关的结果共" in text, site.host
        links = re.findall(r'<a href="(/[^"]+\.html)" target="_blank">',
                           reply.body.decode("gbk" if site.charset == "gbk" else "utf-8"))
        assert links and all(f"http://{site.host}{link}" in site.pages for link in links)


def test_gbk_search_decodes_the_query_as_gbk(fleet: Fleet, server: FleetServer) -> None:
    fgw = site_by_key(fleet, "fgw")
    assert fgw.charset == "gbk"
    query = fgw.facts.search.query
    found = submit(server, fleet, fgw, query)
    assert query in found.body.decode("gbk")
    assert "charset=gbk" in found.headers["content-type"].lower()
    # The same words sent as UTF-8 are gibberish to a GBK site: nothing found.
    wrong = submit(server, fleet, fgw, query, encoding="utf-8")
    assert wrong.status == 200 and "没有找到相关结果" in wrong.body.decode("gbk")


def test_post_search(fleet: Fleet, server: FleetServer) -> None:
    jw = site_by_key(fleet, "jw")
    assert home_form(fleet, jw)["method"] == "post"
    found = submit(server, fleet, jw, jw.facts.search.query)
    assert found.status == 200 and jw.facts.search.query in text_of(found.body, jw)
    assert request(server, f"http://{jw.host}/search?keyword=x").status == 405


def test_broken_searches(fleet: Fleet, server: FleetServer) -> None:
    zjw = site_by_key(fleet, "zjw")
    query = zjw.facts.search.query
    empty = submit(server, fleet, zjw, query)
    assert empty.status == 200
    text = text_of(empty.body, zjw)
    assert "没有找到相关结果" in text and query not in text
    wjw = site_by_key(fleet, "wjw")
    assert submit(server, fleet, wjw, wjw.facts.search.query).status == 500


def test_search_answers_in_memory(fleet: Fleet) -> None:
    portal = site_by_key(fleet, "portal")
    endpoint = fleet.searches[portal.host]
    query = portal.facts.search.query
    found = answer(endpoint, "GET", urlencode({"searchword": query}), b"")
    assert found.status == 200 and query in found.body.decode()
    nothing = answer(endpoint, "GET", urlencode({"searchword": "不存在的标题词语"}), b"")
    assert NO_RESULTS in nothing.body.decode()
    assert answer(endpoint, "POST", "", b"").status == 405
    assert not {"zgy.hdq.gov.cn", "dlxx.gov.cn"} & set(fleet.searches)
