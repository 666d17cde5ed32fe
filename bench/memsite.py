"""One huge generated government site, served from its own process, for bench/memory.py.

    .venv/bin/python bench/memsite.py --pages 100000 --charset gbk --port 8080

The fleet generator renders and stores every page of every site up front, which at 100,000
pages of one site is itself gigabytes; this server renders each page when it is asked for,
from its number alone, so it costs nothing to hold and always answers the same bytes.

The site is a tree of 栏目 pages, 20 children each (page n's children are 20n+1 … 20n+20), so
all pages lie within four levels of the home page (1 + 20 + 400 + 8,000 + 160,000 > 100,000),
the crawl's default depth. Pages with children are 栏目 lists (`/lm{n}/index.html`), the rest
articles (`/lm{parent}/t{date}_{n}.html`) that link to 20 "related" articles instead. Every
page also carries the site's navigation (home + 8 栏目), a stylesheet, a script, a logo, one of
500 images, the footer's 网站标识码/ICP/公安备案, the inline style and script a CMS template
repeats and ~2,500 characters of text: about 13.5 KB of GBK (16 KB of UTF-8) and ~35 links.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
from collections.abc import Callable

from aiohttp import web

HOST = "www.memtest.gov.cn"
CHILDREN = 20
RELATED = 20
NAV_COLUMNS = 8
IMAGES = 500
PARAGRAPHS = 30

_COLUMN_PATH = re.compile(r"^/lm(\d+)/index\.html$")
_ARTICLE_PATH = re.compile(r"^/lm\d+/t\d{8}_(\d+)\.html$")

_PHRASES = (
    "为深入贯彻落实党中央、国务院决策部署", "进一步优化营商环境", "切实做好民生保障工作",
    "根据《中华人民共和国政府信息公开条例》", "现将有关事项通知如下", "各乡镇人民政府、街道办事处",
    "区政府各部门、各直属机构", "请认真贯彻执行", "坚持以人民为中心的发展思想",
    "统筹推进疫情防控和经济社会发展",
    "加快推进数字政府建设", "全面提升政务服务效能", "严格落实安全生产责任制", "持续改善农村人居环境",
    "推动高质量发展取得新成效", "加强基层治理体系和治理能力建设", "扎实推进乡村振兴", "着力保障和改善民生",
    "进一步规范行政执法行为", "做好防汛抗旱各项准备工作", "本通知自印发之日起施行", "特此公告",
)
# The inline style and script every page of a CMS template repeats: bulk, as on real sites.
_STYLE = "".join(f".c{i} .item{i} a{{color:#1a4d8f;font-size:{12 + i % 6}px;line-height:1.8;"
                 f"margin:0 {i % 9}px;padding:2px 4px}}" for i in range(40))
_SCRIPT = "".join(f"var _cfg{i}={{id:{i},col:'lm{i}',share:['weibo','wechat','qq'],track:true}};"
                  for i in range(30))
_COLUMNS = ("政务公开", "新闻动态", "通知公告", "政策文件", "政策解读", "办事服务", "互动交流", "走进本区")


def _dashed(date: str) -> str:
    return f"{date[:4]}-{date[4:6]}-{date[6:]}"


def article_date(n: int) -> str:
    """A stable publication date per page (YYYYMMDD), within the last few years.

    A multiplicative hash, not `random.Random(n)`: a page names 20 others' dates, and seeding
    a generator for each would make the server, not the crawler, the bottleneck.
    """
    h = (n * 2_654_435_761) % 2**32
    return f"20{21 + h % 5}{1 + (h >> 3) % 12:02d}{1 + (h >> 7) % 28:02d}"


class MemSite:
    """Paths and pages of a `pages`-page site, computed from page numbers on request."""

    def __init__(self, pages: int, charset: str) -> None:
        self.pages = pages
        self.charset = charset

    def has_children(self, n: int) -> bool:
        return CHILDREN * n + 1 < self.pages

    def path(self, n: int) -> str:
        if n == 0:
            return "/"
        if self.has_children(n):
            return f"/lm{n}/index.html"
        return f"/lm{(n - 1) // CHILDREN}/t{article_date(n)}_{n}.html"

    def number(self, path: str) -> int | None:
        """The page a path names, or None (a 404) when it names none of this site's pages."""
        if path in ("/", "/index.html"):
            return 0
        match = _COLUMN_PATH.match(path) or _ARTICLE_PATH.match(path)
        if match is None:
            return None
        n = int(match.group(1))
        return n if 0 < n < self.pages and self.path(n) == path else None

    def linked(self, n: int) -> list[int]:
        """The pages `n` links to beyond the navigation: its children, or related articles."""
        if self.has_children(n):
            return [c for c in range(CHILDREN * n + 1, CHILDREN * n + 1 + CHILDREN) if c < self.pages]
        rng = random.Random(n)
        return [rng.randrange(1, self.pages) for _ in range(RELATED)]

    def render(self, n: int) -> str:
        rng = random.Random(n)
        column = _COLUMNS[n % len(_COLUMNS)]
        title = f"关于{rng.choice(_PHRASES)}的通知（第{n}号）" if n else "某某区人民政府门户网站"
        nav = "".join(f'<li><a href="{self.path(c)}">{_COLUMNS[c - 1]}</a></li>'
                      for c in range(1, NAV_COLUMNS + 1) if c < self.pages)
        items = "".join(f'<li><a href="{self.path(c)}">{_COLUMNS[c % len(_COLUMNS)]}第{c}号文件</a>'
                        f"<span>{_dashed(article_date(c))}</span></li>" for c in self.linked(n))
        text = "".join(f"<p>{'，'.join(rng.choices(_PHRASES, k=6))}。</p>" for _ in range(PARAGRAPHS))
        date = article_date(n)
        return (
            f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="{self.charset}">'
            f"<title>{title}</title>"
            '<meta name="SiteName" content="某某区人民政府">'
            f'<meta name="SiteDomain" content="{HOST}">'
            '<meta name="SiteIDCode" content="1101080001">'
            f'<meta name="ColumnName" content="{column}"><meta name="ColumnType" content="{column}">'
            f'<meta name="ArticleTitle" content="{title}">'
            f'<meta name="PubDate" content="{_dashed(date)} 09:30">'
            '<meta name="ContentSource" content="区政府办公室">'
            '<link rel="stylesheet" href="/css/style.css"><script src="/js/jquery.min.js"></script>'
            f"<style>{_STYLE}</style><script>{_SCRIPT}</script>"
            "</head><body>"
            '<div class="top"><img src="/images/logo.png" alt="某某区人民政府"></div>'
            f'<ul class="nav"><li><a href="/">首页</a></li>{nav}</ul>'
            f'<div class="main"><h1>{title}</h1><div class="text">{text}'
            f'<img src="/images/p{n % IMAGES}.jpg" alt="配图"></div>'
            f'<ul class="list">{items}</ul></div>'
            '<div class="footer"><p>主办单位：某某区人民政府办公室 联系电话：010-12345678</p>'
            "<p>网站标识码：1101080001 京ICP备12345678号 京公网安备11010802000001号</p>"
            '<a href="http://bszs.conac.cn/sitename?method=show&amp;id=1">党政机关</a></div>'
            "</body></html>"
        )

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path == "/robots.txt":
            return web.Response(text="User-agent: *\nDisallow:\n", content_type="text/plain")
        if path.startswith(("/css/", "/js/", "/images/")):
            kind = {"css": "text/css", "js": "application/javascript"}.get(path.split("/")[1],
                                                                           "image/png")
            return web.Response(body=b"/* static */" if "image" not in kind else b"\x89PNG\r\n",
                                content_type=kind)
        n = self.number(path)
        if n is None:
            return web.Response(status=404, text="<html><body>页面不存在</body></html>",
                                content_type="text/html")
        body = self.render(n).encode(self.charset)
        return web.Response(body=body, headers={"Content-Type": f"text/html; charset={self.charset}"})


async def serve(pages: int, charset: str, port: int, ready: Callable[[int], None]) -> None:
    """Serve until cancelled; `ready` gets the bound port once the socket listens."""
    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", MemSite(pages, charset).handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=1024)
    await site.start()
    ready(runner.addresses[0][1])
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--charset", choices=("gbk", "utf-8"), default="gbk")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    asyncio.run(serve(args.pages, args.charset, args.port,
                      lambda port: print(f"http://{HOST}/ on 127.0.0.1:{port}", flush=True)))


if __name__ == "__main__":
    main()
