"""Decoding Chinese pages and parsing titles, meta tags and links."""

from __future__ import annotations

import pytest
from collect_helpers import collect

from govsite.collect.charset import decode_html
from govsite.collect.parse import parse_html

HOST = "www.example.gov.cn"
TITLE = "北京市朝阳区人民政府"
BODY = (
    "关于印发《朝阳区政府信息公开工作年度报告》的通知。各街道办事处、地区办事处，区政府各委、"
    "办、局，各区属机构：现将有关事项通知如下，请认真贯彻执行。"
)


def gbk_page(meta: str = "") -> bytes:
    doc = (
        f"<html><head>{meta}<title>{TITLE}</title>"
        f'<meta name="SiteName" content="{TITLE}"><meta name="ColumnName" content="通知公告">'
        f"</head><body><p>{BODY}</p></body></html>"
    )
    return doc.encode("gbk")


def test_header_charset_wins_when_it_decodes() -> None:
    decoded = decode_html(gbk_page('<meta charset="utf-8">'), "text/html; charset=GBK")
    assert decoded.charset == "gbk" and TITLE in decoded.text


def test_meta_charset_used_without_header_charset() -> None:
    decoded = decode_html(gbk_page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'))
    assert decoded.charset == "gb2312" and TITLE in decoded.text


def test_wrong_header_charset_falls_back_to_meta() -> None:
    # nginx's default "charset utf-8" in front of a GBK page whose <meta> tells the truth.
    decoded = decode_html(gbk_page('<meta charset="gbk">'), "text/html; charset=utf-8")
    assert decoded.charset == "gbk" and BODY in decoded.text


def test_gb2312_declared_page_decodes_as_gb18030_superset() -> None:
    # 镕 (as in 朱镕基) is outside GB2312; pages declaring gb2312 contain it all the same.
    body = '<meta charset="gb2312"><title>朱镕基</title>'.encode("gb18030")
    assert "朱镕基" in decode_html(body).text


def test_detection_without_any_declaration() -> None:
    decoded = decode_html(gbk_page(), "text/html")
    assert decoded.charset == "gb18030" and TITLE in decoded.text and BODY in decoded.text


def test_utf8_bom_wins() -> None:
    decoded = decode_html(b"\xef\xbb\xbf<title>\xe6\x94\xbf\xe5\xba\x9c</title>", "text/html; charset=gbk")
    assert (decoded.charset, decoded.text) == ("utf-8", "<title>政府</title>")


def test_parse_links_meta_title_and_base() -> None:
    doc = """<html><head><title>  首页
      - 测试  </title><base href="http://www.example.gov.cn/sub/">
      <meta name="SiteName" content="测试网站"><meta name="SiteIDCode" content="1100000001">
      <meta name="SiteName" content="second ignored">
      <link rel="stylesheet" href="s.css"><link rel="canonical" href="/c.html">
      <link rel="shortcut icon" href="/favicon.ico"><script src="app.js"></script></head>
    <body>
      <a href="news.html#top">  新闻
         动态 </a>
      <a href="/zc/"><img src="/i/zc.png" alt="我为政府网站找错"></a>
      <a href="javascript:void(0)">空链接</a><a href="mailto:a@b.cn">邮件</a>
      <a href="#main">跳转</a><a href=" tel:12345 ">电话</a>
      <a href="HTTP://WWW.Example.gov.cn:80/x.pdf">附件</a>
      <area href="/map.html" alt="地图"><iframe src="//other.example.com/frame.html"></iframe>
      <embed src="v.swf"><video><source src="v.mp4"></video>
      <a href="&#10;/tab
	ped.html">split</a><a name="anchor-only">no href</a>
    </body></html>"""
    parsed = parse_html(doc, "http://www.example.gov.cn/index.html")
    assert parsed.title == "首页 - 测试"
    assert parsed.meta == {"SiteName": "测试网站", "SiteIDCode": "1100000001"}
    got = [(ln.tag, ln.url, ln.text) for ln in parsed.links]
    base = "http://www.example.gov.cn/sub/"
    assert got == [
        ("link", f"{base}s.css", ""),
        ("link", "http://www.example.gov.cn/favicon.ico", ""),
        ("script", f"{base}app.js", ""),
        ("a", f"{base}news.html", "新闻 动态"),
        ("a", "http://www.example.gov.cn/zc/", "我为政府网站找错"),
        ("img", "http://www.example.gov.cn/i/zc.png", "我为政府网站找错"),
        ("a", "javascript:void(0)", "空链接"),
        ("a", "mailto:a@b.cn", "邮件"),
        ("a", base, "跳转"),
        ("a", "tel:12345", "电话"),
        ("a", "http://www.example.gov.cn/x.pdf", "附件"),
        ("area", "http://www.example.gov.cn/map.html", "地图"),
        ("iframe", "http://other.example.com/frame.html", ""),
        ("embed", f"{base}v.swf", ""),
        ("source", f"{base}v.mp4", ""),
        ("a", "http://www.example.gov.cn/tabped.html", "split"),
    ]
    assert parsed.links[3].raw == "news.html#top"


def test_frameset_frames_are_links() -> None:
    doc = '<html><frameset><frame src="top.html"><frame src="/main.html"></frameset></html>'
    parsed = parse_html(doc, "http://x.gov.cn/a/")
    assert [(ln.tag, ln.url) for ln in parsed.links] == [
        ("frame", "http://x.gov.cn/a/top.html"),
        ("frame", "http://x.gov.cn/main.html"),
    ]


def test_link_text_is_capped() -> None:
    parsed = parse_html(f'<a href="/a">{"长" * 500}</a>', "http://x.gov.cn/")
    assert len(parsed.links[0].text) == 200


@pytest.mark.asyncio
async def test_gbk_page_served_decodes_title_and_meta(servers) -> None:
    server = await servers()
    server.page("/", gbk_page(), content_type="text/html; charset=gbk")
    snap = await collect(f"http://{HOST}/", resolve=(server.maps(HOST),))
    home = snap.home
    assert home is not None
    assert (home.title, home.charset) == (TITLE, "gbk")
    assert home.meta == {"SiteName": TITLE, "ColumnName": "通知公告"}
    assert home.html is not None and BODY in home.html
    assert home.headers["content-type"] == "text/html; charset=gbk"


@pytest.mark.asyncio
async def test_undeclared_gbk_page_served_is_detected(servers) -> None:
    server = await servers()
    server.page("/", gbk_page(), content_type="text/html")
    snap = await collect(f"http://{HOST}/", resolve=(server.maps(HOST),))
    assert snap.home is not None and snap.home.title == TITLE
