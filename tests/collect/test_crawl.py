"""Crawl scope, caps, robots.txt, sitemaps and redirects, against a real local server."""

from __future__ import annotations

import gzip

import pytest
from collect_helpers import collect, html

from govsite.collect.robots import parse_robots

HOST = "www.example.gov.cn"
URL = f"http://{HOST}/"


def redirect(server, path: str, to: str, status: int = 302) -> None:
    server.page(path, "", status=status, headers={"Location": to})


@pytest.mark.asyncio
async def test_bfs_depth_referrer_and_scope(servers) -> None:
    server = await servers()
    server.page("/", html("首页", '<a href="/a.html">A</a><a href="http://other.gov.cn/">外</a>'))
    server.page("/a.html", html("A", '<a href="/b.html">B</a><img src="/p.png">'))
    server.page("/b.html", html("B", '<a href="/a.html">A</a>'))
    server.page("/p.png", b"\x89PNG", content_type="image/png")
    snap = await collect(URL, resolve=(server.maps(HOST),), check_links=False)
    got = [(p.url, p.depth, p.referrer) for p in snap.pages]
    assert got == [
        (URL, 0, None),
        (f"{URL}a.html", 1, URL),
        (f"{URL}b.html", 2, f"{URL}a.html"),
    ]
    assert snap.home is snap.pages[0]
    assert server.count("/p.png") == 0  # images are link-checked, never crawled
    assert set(snap.checks) == {f"{URL}a.html", f"{URL}b.html"}  # crawled pages reuse fetches
    for page in snap.pages:
        assert page.fetched_at.endswith("+00:00") and page.elapsed_ms > 0


@pytest.mark.asyncio
async def test_page_and_depth_caps_are_noted(servers) -> None:
    server = await servers()
    server.page("/", html("首页", "".join(f'<a href="/p{i}.html">{i}</a>' for i in range(5))))
    for i in range(5):
        server.page(f"/p{i}.html", html(str(i), f'<a href="/deep{i}.html">深</a>'))
    snap = await collect(URL, resolve=(server.maps(HOST),), max_pages=4, check_links=False)
    assert len(snap.pages) == 4 and any("页面数上限" in n for n in snap.notes)
    snap = await collect(URL, resolve=(server.maps(HOST),), max_depth=1, check_links=False)
    assert len(snap.pages) == 6 and any("深度上限" in n for n in snap.notes)
    assert server.count("/deep0.html") == 0


@pytest.mark.asyncio
async def test_never_fetched_links_are_kept_but_not_requested(servers) -> None:
    server = await servers()
    body = (
        '<a href="javascript:void(0)">JS</a><a href="mailto:x@y.gov.cn">邮件</a>'
        '<a href="tel:010-12345678">电话</a><a href="#top">顶部</a>'
        '<img src="data:image/png;base64,AAAA"><a href="ftp://files.gov.cn/a.zip">FTP</a>'
    )
    server.page("/", html("首页", body))
    snap = await collect(URL, resolve=(server.maps(HOST),))
    assert snap.home is not None and len(snap.home.links) == 6
    assert {h.path for h in server.hits} == {"/robots.txt", "/", "/sitemap.xml"} | {
        h.path for h in server.hits if h.path.startswith("/govsite-404-")
    }
    ftp = snap.checks["ftp://files.gov.cn/a.zip"]
    assert (ftp.ok, ftp.error) == (None, "unsupported_scheme")
    assert set(snap.checks) == {"ftp://files.gov.cn/a.zip"}


def test_robots_parser_groups_wildcards_and_precedence() -> None:
    text = """
    User-agent: Baiduspider
    Disallow: /

    User-agent: *
    Disallow: /private/
    Allow: /private/open.html
    Disallow: /*.jsp$
    Sitemap: http://www.example.gov.cn/sm.xml
    """
    rules = parse_robots(text, "govsite")
    assert rules.allowed("/") and rules.allowed("/news/1.html")
    assert not rules.allowed("/private/x.html") and rules.allowed("/private/open.html")
    assert not rules.allowed("/a/b.jsp") and rules.allowed("/a/b.jsp?x=1")
    assert rules.sitemaps == ["http://www.example.gov.cn/sm.xml"]
    own = parse_robots("User-agent: govsite\nDisallow: /x\n\nUser-agent: *\nDisallow: /", "govsite")
    assert own.allowed("/y") and not own.allowed("/x")


@pytest.mark.asyncio
async def test_robots_disallow_is_obeyed(servers) -> None:
    server = await servers()
    server.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    server.page("/", html("首页", '<a href="/private/a.html">内</a><a href="/pub.html">公</a>'))
    server.page("/pub.html", html("公开"))
    server.page("/private/a.html", html("内部"))
    snap = await collect(URL, resolve=(server.maps(HOST),))
    assert server.count("/private/a.html") == 0 and server.count("/pub.html") == 1
    denied = next(p for p in snap.pages if p.url.endswith("/private/a.html"))
    assert denied.error == "robots_denied" and denied.status is None
    check = snap.checks[f"{URL}private/a.html"]
    assert (check.ok, check.error) == (None, "robots_denied")
    assert server.count("/robots.txt") == 1


@pytest.mark.asyncio
async def test_home_denied_by_robots_blocks_site(servers) -> None:
    server = await servers()
    server.page("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    server.page("/", html("首页"))
    snap = await collect(URL, resolve=(server.maps(HOST),))
    assert snap.blocked == "robots" and server.count("/") == 0
    assert snap.home is not None and snap.home.error == "robots_denied"
    ignored = await collect(URL, resolve=(server.maps(HOST),), obey_robots=False)
    assert ignored.blocked is None and ignored.home is not None and ignored.home.title == "首页"


@pytest.mark.asyncio
async def test_robots_server_error_means_disallow(servers) -> None:
    server = await servers()
    server.page("/robots.txt", "oops", status=500, content_type="text/plain")
    server.page("/", html("首页"))
    snap = await collect(URL, resolve=(server.maps(HOST),), retries=0)
    assert snap.blocked == "robots"


@pytest.mark.asyncio
async def test_sitemaps_seed_the_crawl(servers) -> None:
    server = await servers()
    server.page(
        "/robots.txt", f"User-agent: *\nAllow: /\nSitemap: {URL}index.xml\n", content_type="text/plain"
    )
    server.page("/", html("首页"))
    index = f"<sitemapindex><sitemap><loc>{URL}sm1.xml.gz</loc></sitemap></sitemapindex>"
    server.page("/index.xml", index, content_type="application/xml")
    urlset = f"<urlset><url><loc>{URL}hidden.html?a=1&amp;b=2</loc></url></urlset>"
    server.page("/sm1.xml.gz", gzip.compress(urlset.encode()), content_type="application/gzip")
    server.page("/sitemap.xml", f"<urlset><url><loc>{URL}also.html</loc></url></urlset>",
                content_type="text/xml")
    server.page("/hidden.html", html("隐藏栏目"))
    server.page("/also.html", html("另一个"))
    snap = await collect(URL, resolve=(server.maps(HOST),))
    crawled = {p.url: p for p in snap.pages}
    assert crawled[f"{URL}hidden.html?a=1&b=2"].title == "隐藏栏目"
    assert crawled[f"{URL}also.html"].depth == 1
    assert [h.query for h in server.hits if h.path == "/hidden.html"] == ["a=1&b=2"]


@pytest.mark.asyncio
async def test_redirect_chain_is_recorded(servers) -> None:
    server = await servers()
    server.page("/", html("首页", '<a href="/old.html">旧</a>'))
    redirect(server, "/old.html", "/mid.html", 301)
    redirect(server, "/mid.html", f"http://{HOST}/new.html")
    server.page("/new.html", html("新"))
    snap = await collect(URL, resolve=(server.maps(HOST),))
    page = next(p for p in snap.pages if p.url == f"{URL}old.html")
    assert page.redirects == [f"{URL}old.html", f"{URL}mid.html"]
    assert (page.final_url, page.status, page.title) == (f"{URL}new.html", 200, "新")
    check = snap.checks[f"{URL}old.html"]
    assert (check.ok, check.final_url) == (True, f"{URL}new.html")


@pytest.mark.asyncio
async def test_redirect_loop_is_too_many_redirects(servers) -> None:
    server = await servers()
    server.page("/", html("首页", '<a href="/a.html">A</a><a href="/r0.html">长链</a>'))
    redirect(server, "/a.html", "/b.html")
    redirect(server, "/b.html", "/a.html")
    for i in range(12):
        redirect(server, f"/r{i}.html", f"/r{i + 1}.html")
    snap = await collect(URL, resolve=(server.maps(HOST),))
    loop = snap.checks[f"{URL}a.html"]
    assert (loop.ok, loop.error) == (False, "too_many_redirects")
    assert server.count("/a.html") <= 3
    chain = snap.checks[f"{URL}r0.html"]
    assert (chain.ok, chain.error) == (False, "too_many_redirects")
    assert server.count("/r11.html") == 0


@pytest.mark.asyncio
async def test_home_redirect_to_another_host_is_in_scope(servers) -> None:
    old, new = await servers(), await servers()
    redirect(old, "/", f"http://{HOST}/index.html", 301)
    new.page("/index.html", html("首页", '<a href="/a.html">A</a>'))
    new.page("/a.html", html("A"))
    snap = await collect(
        "http://example.gov.cn", resolve=(old.maps("example.gov.cn"), new.maps(HOST))
    )
    assert snap.home is not None and snap.home.final_url == f"{URL}index.html"
    assert [p.url for p in snap.pages] == ["http://example.gov.cn/", f"{URL}a.html"]


@pytest.mark.asyncio
async def test_closed_site_fetches_home_only(servers) -> None:
    from collect_helpers import settings, site

    from govsite.collect import Collector

    server = await servers()
    server.page("/", html("首页", '<a href="/a.html">A</a>'))
    server.page("/a.html", html("A"))
    async with Collector(settings(resolve=(server.maps(HOST),))) as collector:
        seen: list[str] = []
        snap = await collector.collect(site(URL, status="closed"), on_page=seen.append)
    assert [p.url for p in snap.pages] == [URL] and snap.checks == {} and seen == [URL]
    assert server.count("/a.html") == 0 and snap.blocked is None
    assert snap.stats["pages"] == 1 and snap.stats["requests"] == 2


@pytest.mark.asyncio
async def test_oversized_page_is_too_large_but_its_link_works(servers) -> None:
    server = await servers()
    server.page("/", html("首页", '<a href="/big.html">大页面</a>'))
    server.page("/big.html", html("大", "<p>" + "很长的内容" * 2000 + "</p>"))
    snap = await collect(URL, resolve=(server.maps(HOST),), max_body_bytes=20_000)
    big = next(p for p in snap.pages if p.url.endswith("/big.html"))
    assert (big.status, big.error, big.html) == (200, "too_large", None)
    assert snap.checks[f"{URL}big.html"].ok is True


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("url", "error"),
    [("ftp://files.example.gov.cn/", "unsupported_scheme"), ("http://[bad/", "invalid_url"),
     ("www.example.gov.cn", "invalid_url")],
)
async def test_unusable_home_url_is_unreachable_not_a_crash(url: str, error: str) -> None:
    snap = await collect(url)
    assert snap.blocked == "unreachable" and snap.home is not None
    assert snap.home.error == error and snap.stats["requests"] == 0
