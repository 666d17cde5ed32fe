"""Link-check verdicts: attachments, soft-404, WAF pages; and WAF-blocked sites."""

from __future__ import annotations

import pytest
from aiohttp import web
from collect_helpers import collect, html

from govsite.collect import waf

HOST = "www.example.gov.cn"
URL = f"http://{HOST}/"

NOT_FOUND = html("页面不存在", "<h1>对不起，您访问的页面不存在！</h1><p>请返回首页。</p>")
CHALLENGE = (
    "<html><head><script>document.cookie='__jsl_clearance=1700000000.123|0|abc';"
    "location.href=location.pathname+location.search</script></head></html>"
)
SAFEDOG = html("网站防火墙", "<p>您的请求带有不合法参数，已被网站管理员设置拦截！</p><p>安全狗</p>")


async def one_page_site(servers, body: str):
    server = await servers()
    server.page("/", html("首页", body))
    return server


@pytest.mark.asyncio
async def test_attachment_answered_with_html_is_broken(servers) -> None:
    server = await one_page_site(
        servers, '<a href="/files/a.docx">通知附件</a><a href="/files/b.pdf">正常附件</a>'
    )
    server.page("/files/a.docx", html("首页", "<p>跳回首页</p>"))
    server.page("/files/b.pdf", b"%PDF-1.7" + b"0" * 3_000_000, content_type="application/pdf")
    snap = await collect(URL, resolve=(server.maps(HOST),))
    fake = snap.checks[f"{URL}files/a.docx"]
    assert (fake.ok, fake.status, fake.reason) == (False, 200, "html_for_attachment")
    real = snap.checks[f"{URL}files/b.pdf"]
    assert (real.ok, real.error, real.content_type) == (True, None, "application/pdf")
    assert snap.stats["bytes"] < 500_000  # the 3 MB attachment was only sniffed


@pytest.mark.asyncio
async def test_soft_404_is_detected_for_same_site_targets(servers) -> None:
    server = await one_page_site(
        servers, '<a href="/gone.html">失效</a><a href="/real.html">有效</a><a href="/">首页</a>'
    )
    server.page("/real.html", html("正文", "<p>" + "政务公开内容" * 50 + "</p>"))

    async def not_found(request: web.Request) -> web.Response:
        # Echoes the path, as many CMS 404 templates do; must still match the fingerprint.
        body = NOT_FOUND.replace("</h1>", f"（{request.path}）</h1>")
        return web.Response(text=body, content_type="text/html")

    server.fallback = not_found
    snap = await collect(URL, resolve=(server.maps(HOST),))
    assert snap.soft404 is not None and snap.soft404["title"] == "页面不存在"
    assert snap.soft404["status"] == 200 and not snap.soft404["same_as_home"]
    gone = snap.checks[f"{URL}gone.html"]
    assert (gone.ok, gone.status, gone.reason) == (False, 200, "soft_404")
    assert snap.checks[f"{URL}real.html"].ok is True
    assert snap.checks[URL].ok is True


@pytest.mark.asyncio
async def test_soft_404_by_redirect_to_home(servers) -> None:
    server = await one_page_site(servers, '<a href="/gone.html">失效</a><a href="/index.html">首页</a>')

    async def to_home(_request: web.Request) -> web.Response:
        raise web.HTTPFound("/")

    server.fallback = to_home
    snap = await collect(URL, resolve=(server.maps(HOST),))
    assert snap.soft404 is not None and snap.soft404["redirected_to"] == URL
    assert snap.checks[f"{URL}gone.html"].reason == "soft_404"
    assert snap.checks[f"{URL}index.html"].ok is True  # a home link, not a dead one


@pytest.mark.asyncio
async def test_real_404_leaves_no_fingerprint(servers) -> None:
    server = await one_page_site(servers, '<a href="/gone.html">失效</a>')
    snap = await collect(URL, resolve=(server.maps(HOST),))
    assert snap.soft404 is None
    assert snap.checks[f"{URL}gone.html"].error == "http_4xx"


@pytest.mark.asyncio
async def test_catch_all_home_disables_soft_404(servers) -> None:
    server = await servers()
    home = html("首页", '<a href="/news.html">新闻</a>')
    server.page("/", home)
    server.page("/news.html", html("新闻", "<p>" + "新闻内容" * 30 + "</p>"))

    async def same_as_home(_request: web.Request) -> web.Response:
        return web.Response(text=home, content_type="text/html")

    server.fallback = same_as_home
    snap = await collect(URL, resolve=(server.maps(HOST),))
    assert snap.soft404 is not None and snap.soft404["same_as_home"]
    assert snap.checks[f"{URL}news.html"].ok is True
    assert any("软404" in note for note in snap.notes)


def test_waf_detection_markers_and_restraint() -> None:
    assert waf.detect(200, CHALLENGE)
    assert waf.detect(403, SAFEDOG)
    assert waf.detect(412, "<html><script src='/x.js'></script></html>")
    assert waf.detect(503, html("", "<p>Please enable JavaScript and cookies to continue</p>"))
    article = html("新闻", "<p>我市完成网站防火墙升级改造。" + "政务公开" * 200 + "</p>")
    assert waf.detect(200, article) is None
    assert waf.detect(403, html("禁止访问", "<p>Forbidden</p>")) is None


@pytest.mark.asyncio
async def test_challenge_home_blocks_site_as_waf(servers) -> None:
    server = await servers()
    server.page("/", CHALLENGE)
    snap = await collect(URL, resolve=(server.maps(HOST),))
    assert snap.blocked == "waf" and "__jsl_clearance" in snap.blocked_detail
    assert snap.home is not None and snap.home.error == "blocked" and snap.home.status == 200
    assert snap.checks == {} and len(snap.pages) == 1


@pytest.mark.asyncio
async def test_block_page_home_with_403_blocks_site(servers) -> None:
    server = await servers()
    server.page("/", SAFEDOG, status=403)
    snap = await collect(URL, resolve=(server.maps(HOST),))
    assert snap.blocked == "waf" and snap.home is not None and snap.home.status == 403


@pytest.mark.asyncio
async def test_link_answered_by_waf_is_not_measured(servers) -> None:
    server = await one_page_site(servers, '<a href="http://ext.example.com/x.pdf">外部附件</a>')
    ext = await servers()
    ext.page("/x.pdf", SAFEDOG, status=403)
    snap = await collect(URL, resolve=(server.maps(HOST), ext.maps("ext.example.com")))
    check = snap.checks["http://ext.example.com/x.pdf"]
    assert (check.ok, check.error, check.status) == (None, "blocked", 403)


@pytest.mark.asyncio
async def test_every_tag_kind_is_checked_once(servers) -> None:
    body = (
        '<img src="/i.png"><script src="/s.js"></script><iframe src="/f.html"></iframe>'
        '<a href="/i.png">同一图片</a><link rel="stylesheet" href="/c.css">'
        '<embed src="/m.swf"><video><source src="/v.mp4"></video>'
    )
    server = await one_page_site(servers, body)
    for path, kind in [("/i.png", "image/png"), ("/s.js", "application/javascript"),
                       ("/c.css", "text/css"), ("/m.swf", "application/x-shockwave-flash")]:
        server.page(path, b"x", content_type=kind)
    server.page("/f.html", html("框架"))
    snap = await collect(URL, resolve=(server.maps(HOST),))
    assert set(snap.checks) == {
        f"{URL}{p}" for p in ("i.png", "s.js", "f.html", "c.css", "m.swf", "v.mp4")
    }
    assert snap.checks[f"{URL}v.mp4"].ok is False and snap.checks[f"{URL}i.png"].ok is True
    assert server.count("/i.png") == 1
    assert snap.stats["links"] == 6 and snap.stats["pages"] == 2
