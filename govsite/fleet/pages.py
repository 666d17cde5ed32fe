"""Render one planned site into the resources the server answers with.

What is on each page is decided here; how it looks is the layout's business (`templates.py`).
Page URLs follow the scheme the meta rule classifies by (contract brief): the home page is `/`,
column lists `…/index.html` and `…/index_N.html`, articles `…/<yyyymm>/t<yyyymmdd>_<id>.html`,
everything else (留言 and their detail pages, 网站地图, 信息公开指南 …) a plain `.html` page.
The search endpoint is not a page: it is returned as a `SearchEndpoint` the server answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import PurePosixPath

from govsite.fleet import assets, interaction, search
from govsite.fleet.content import Article, Column, Message
from govsite.fleet.defects import ExtraPage, PlantedLink, SiteSpec
from govsite.fleet.footer import FooterSpec, footer_lines
from govsite.fleet.guides import guide_html
from govsite.fleet.model import BEHAVIOUR_SOFT_404, Resource, SearchEndpoint, SearchHit
from govsite.fleet.names import DISTRICT, SITEMAP_PATH
from govsite.fleet.templates import LAYOUTS, Document, ListItem, link
from govsite.fleet.wording import HackedHome, PlacedText, hacked_home

HOME_BLOCK_ITEMS = 6
HOME_MESSAGES = 5
SERVER_HEADER = "nginx"
SERVICE_IMAGE = "/images/zwfw.png"


@dataclass
class SitePlan:
    """Everything decided about one site before any HTML is written."""

    spec: SiteSpec
    site_code: str
    columns: list[Column]
    messages: list[Message]
    footer: FooterSpec
    friend_links: list[tuple[str, str]]
    dept_links: list[tuple[str, str]] = field(default_factory=list)
    planted: tuple[PlantedLink, ...] = ()
    extra_pages: tuple[ExtraPage, ...] = ()
    extra_resources: dict[str, Resource] = field(default_factory=dict)
    texts: list[PlacedText] = field(default_factory=list)

    @property
    def has_sitemap(self) -> bool:
        return "sitemap" not in self.spec.footer_omit

    @property
    def hacked_home(self) -> HackedHome | None:
        """The injected blocks of the home page, on the hacked site (`wording.py`)."""
        if not self.spec.wording.hacked:
            return None
        return hacked_home(tuple((c.name, c.index_path) for c in self.columns[:3]))

    @property
    def channel_entries(self) -> list[tuple[str, str]]:
        """(text, href) of the 互动 channel and of the 信访/举报 pages, as the nav shows them."""
        channel = self.spec.plants.channel
        entries = []
        if channel.kind in ("table", "detail"):
            entries.append((channel.name, channel.path))
        elif channel.kind == "external":
            entries.append((channel.name, channel.url))
        return entries + list(channel.side)


@dataclass
class RenderedSite:
    """The resources of one site, its fallback answer, its HTML page paths, its search."""

    resources: dict[str, Resource]
    fallback: Resource
    pages: list[str]
    search: SearchEndpoint | None = None


def html_headers(spec: SiteSpec) -> dict[str, str]:
    """Content-Type as the site sends it: charset in the header only for header-declared sites."""
    if spec.charset_via == "header":
        charset = "GBK" if spec.charset == "gbk" else "utf-8"
        return {"Content-Type": f"text/html; charset={charset}", "Server": SERVER_HEADER}
    return {"Content-Type": "text/html", "Server": SERVER_HEADER}


def site_metas(plan: SitePlan, *, drop: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """SiteName, SiteDomain, SiteIDCode (standards.md G-7), minus what the plan leaves out."""
    if plan.spec.meta_mode == "none":
        return []
    tags = [("SiteName", plan.spec.name), ("SiteDomain", plan.spec.host),
            ("SiteIDCode", plan.site_code)]
    return [(name, value) for name, value in tags if name not in drop]


def site_meta_html(plan: SitePlan) -> str:
    """The Site* meta tags as HTML, for pages built outside a layout (error pages)."""
    return "".join(f'<meta name="{n}" content="{escape(v)}">' for n, v in site_metas(plan))


class SiteRenderer:
    """Writes every page of one site; one instance per site."""

    def __init__(self, plan: SitePlan) -> None:
        self.plan = plan
        self.spec = plan.spec
        self.layout = LAYOUTS[plan.spec.layout]
        self.resources: dict[str, Resource] = {}
        self.pages: list[str] = []

    def render(self) -> RenderedSite:
        plan = self.plan
        hacked = plan.hacked_home
        main = self._home_main()
        if hacked is not None:
            main = hacked.top + main + hacked.bottom
        self._page("/", self.spec.name, self._home_metas(), main,
                   tail=hacked.tail if hacked else "")
        for column in plan.columns:
            for number in range(column.page_count):
                self._column_page(column, number)
            for article in column.articles:
                if article.file:
                    self._binary(article.path, assets.attachment(".pdf", article.title), ".pdf")
                else:
                    self._article(column, article)
        self._channel()
        if plan.has_sitemap:
            self._sitemap()
        for extra in plan.extra_pages:
            self._page(extra.path, extra.title, site_metas(plan), self._plain_main(extra.title),
                       behaviour=extra.behaviour)
        self._static()
        self.resources.update(plan.extra_resources)
        return RenderedSite(self.resources, self._not_found(), self.pages, self._search())

    # --- page kinds --------------------------------------------------------------------------

    def _home_metas(self) -> list[tuple[str, str]]:
        metas = site_metas(self.plan)
        if metas:
            topics = "，".join(self.spec.unit.topics)
            metas += [("Keywords", f"{self.spec.name}，{topics}"),
                      ("Description", f"{self.spec.name}官方网站")]
        return metas

    def _home_main(self) -> str:
        layout, plan, plants = self.layout, self.plan, self.spec.plants
        if plants.nav_only:
            return self._entry_main()
        blocks = [
            layout.block(c.name, c.index_path, [
                ListItem(a.title, a.path, a.when.date(), date_style=c.date_style)
                for a in c.articles[:HOME_BLOCK_ITEMS]
            ])
            for c in plan.columns if c.on_home
        ]
        if plan.messages and plants.home_messages:
            blocks.append(layout.block("网民留言", plants.channel.path, [
                ListItem(m.title, m.detail or plants.channel.path, m.asked,
                         f"（{interaction.status(m, plants.channel)}）")
                for m in plan.messages[:HOME_MESSAGES]
            ]))
        planted = [ListItem(p.text, p.href) for p in plan.planted if p.on == "home"]
        if planted:
            blocks.append(layout.block("便民服务", None, planted))
        if plan.dept_links:
            blocks.append(layout.block("部门网站", None,
                                       [ListItem(t, h) for t, h in plan.dept_links]))
        blocks.append(layout.block("友情链接", None,
                                   [ListItem(t, h) for t, h in plan.friend_links]))
        return self._service_banner() + layout.home_main(blocks)

    def _entry_main(self) -> str:
        """A navigation-only home page (导航入口): big tiles to the columns and the channel,
        nothing else, so it lists no items at all."""
        entries = [(c.name, c.index_path) for c in self.plan.columns]
        entries += self.plan.channel_entries
        tiles = "".join(link(text, href, class_="entry") for text, href in entries)
        return self._service_banner() + f'<div class="entry-grid">{tiles}</div>'

    def _service_banner(self) -> str:
        """The image-only 政务服务 entry some home pages carry instead of a text link."""
        plants = self.spec.plants
        if plants.service != "image":
            return ""
        return (f'<div class="banner"><a href="{escape(plants.service_url)}" target="_blank">'
                f'<img src="{SERVICE_IMAGE}" alt="{escape(plants.service_text)}" width="320" '
                'height="60"></a></div>')

    def _column_page(self, column: Column, number: int) -> None:
        layout, plan = self.layout, self.plan
        start = number * column.per_page
        items = [
            ListItem(a.title, "./" + PurePosixPath(a.path).relative_to(column.kind.path).as_posix(),
                     a.when.date(), date_style=column.date_style)
            for a in column.articles[start : start + column.per_page]
        ]
        if not column.articles and column.placeholder:
            inner = f'<div class="empty">{escape(column.placeholder)}</div>'
        elif not column.articles:
            inner = layout.item_list([])
        else:
            inner = layout.item_list(items) + self._pager(column, number)
            if column.footnote and number == column.page_count - 1:
                inner += f'<div class="no-more">{escape(column.footnote)}</div>'
        if number == 0 and column is plan.columns[0]:
            inner += self._planted("column")
        metas = site_metas(plan)
        if metas:
            metas += [("ColumnName", column.name), ("ColumnDescription", column.name),
                      ("ColumnKeywords", column.name), ("ColumnType", column.kind.type)]
        main = layout.section(column.name, [("首页", "/"), (column.name, column.index_path)], inner)
        self._page(column.page_path(number), f"{column.name}_{self.spec.name}", metas, main)

    def _pager(self, column: Column, number: int) -> str:
        count = column.page_count
        name = PurePosixPath(column.page_path(0)).name

        def rel(n: int) -> str:
            return PurePosixPath(column.page_path(n)).name

        links: list[tuple[str, str | None]] = [(f"共{count}页", None), ("首页", name)]
        links.append(("上一页", rel(number - 1) if number > 0 else None))
        links += [(str(n + 1), None if n == number else rel(n)) for n in range(count)]
        links.append(("下一页", rel(number + 1) if number + 1 < count else None))
        links.append(("尾页", rel(count - 1)))
        return self.layout.pager(links)

    def _article(self, column: Column, article: Article) -> None:
        plan = self.plan
        when = article.when.strftime("%Y-%m-%d %H:%M")
        if article.guide:
            body = guide_html(article.guide, district=DISTRICT, phone=plan.footer.phone,
                              window=len(article.title) % 12 + 1)
        else:
            body = "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
        if article.image:
            image = PurePosixPath(article.image).name
            body += (f'<p style="text-align:center"><img src="./{image}"'
                     f' alt="{escape(article.title)}"></p>')
        if article.attachments:
            body += "<p>附件：" + "<br>".join(
                link(a.name, "./" + PurePosixPath(a.path).name) for a in article.attachments
            ) + "</p>"
        if article is plan.columns[0].articles[0]:
            body += self._planted("article")
        tools = (f'{link("【打印本页】", "javascript:window.print()")} '
                 f'{link("【关闭窗口】", "javascript:window.close()")}')
        inner = (f'<h1 class="title">{escape(article.title)}</h1>'
                 f'<div class="info">发布时间：{when}　来源：{escape(self.spec.owner)}</div>'
                 f'<div id="zoom">{body}</div><div class="tools">{tools}</div>')
        metas: list[tuple[str, str]] = []
        if plan.spec.meta_mode != "none":
            metas = site_metas(plan, drop=article.missing_meta) + [
                ("ColumnName", column.name), ("ColumnType", column.kind.type),
                ("ArticleTitle", article.title), ("PubDate", when),
                ("ContentSource", self.spec.owner), ("Keywords", column.name),
                ("Description", article.paragraphs[0][:60]),
                ("Url", f"http://{self.spec.host}{article.path}"),
            ]
            if plan.spec.meta_mode == "no_pubdate":
                metas = [(n, v) for n, v in metas if n != "PubDate"]
        main = self.layout.section(column.name, [("首页", "/"), (column.name, column.index_path)],
                                   inner)
        self._page(article.path, article.title, metas, main)
        if article.image:
            self._binary(article.image, assets.png(8, 6, (60, 110, 170)), ".png")
        for attachment in article.attachments:
            ext = PurePosixPath(attachment.path).suffix
            self._binary(attachment.path, assets.attachment(ext, attachment.name), ext)

    def _channel(self) -> None:
        """The 留言 list, its detail pages, and the 信访/举报 pages beside the channel."""
        plan, layout = self.plan, self.layout
        channel = self.spec.plants.channel
        crumbs = [("首页", "/"), (channel.name, channel.path)]
        if channel.kind in ("table", "detail"):
            inner = interaction.channel_table(plan.messages, channel)
            self._page(channel.path, f"{channel.name}_{self.spec.name}", site_metas(plan),
                       layout.section(channel.name, crumbs, inner))
        for message in plan.messages:
            if message.detail:
                inner = interaction.detail_body(message, channel, owner=self.spec.owner)
                self._page(message.detail, f"{message.title}_{self.spec.name}",
                           site_metas(plan), layout.section(channel.name, crumbs, inner))
        for name, path in channel.side:
            inner = interaction.side_body(name, self.spec.owner)
            self._page(path, f"{name}_{self.spec.name}", site_metas(plan),
                       layout.section(name, [("首页", "/"), (name, path)], inner))

    def _sitemap(self) -> None:
        items = [ListItem("首页", "/")]
        items += [ListItem(c.name, c.index_path) for c in self.plan.columns]
        items += [ListItem(text, href) for text, href in self.plan.channel_entries]
        main = self.layout.section("网站地图", [("首页", "/"), ("网站地图", SITEMAP_PATH)],
                                   self.layout.item_list(items))
        self._page(SITEMAP_PATH, f"网站地图_{self.spec.name}", site_metas(self.plan), main)

    def _search(self) -> SearchEndpoint | None:
        """The search endpoint: every article title of the site, and the results page shell."""
        form = self.spec.plants.search
        if form is None:
            return None
        hits = tuple(SearchHit(a.title, a.path, a.when.date())
                     for c in self.plan.columns for a in c.articles if not a.file)
        main = self.layout.section("搜索结果", [("首页", "/")], search.SEARCH_SLOT)
        shell = self._document(f"搜索结果_{self.spec.name}", site_metas(self.plan), main)
        return SearchEndpoint(form.path, form.method.upper(), form.param, self.spec.charset,
                              form.mode, hits, shell, html_headers(self.spec))

    def _plain_main(self, title: str) -> str:
        text = f"<p>{escape(self.spec.owner)}{escape(title)}相关内容。</p>"
        return self.layout.section(title, [("首页", "/")], text)

    def _not_found(self) -> Resource:
        """The site's 404 page; on the soft-404 site the same page answers 200."""
        inner = f"<p>抱歉，您访问的页面不存在或已被删除。</p><p>{link('返回首页', '/')}</p>"
        main = self.layout.section("页面不存在", [("首页", "/")], inner)
        body = self._encode(self._document("页面不存在", site_metas(self.plan), main))
        if self.spec.soft404:
            return Resource(200, html_headers(self.spec), body, BEHAVIOUR_SOFT_404)
        return Resource(404, html_headers(self.spec), body)

    # --- shared pieces -----------------------------------------------------------------------

    def _planted(self, on: str) -> str:
        parts = []
        for planted in self.plan.planted:
            if planted.on != on:
                continue
            if planted.tag == "img":
                parts.append(f'<img src="{escape(planted.href)}" alt="{escape(planted.text)}">')
            else:
                parts.append(link(planted.text, planted.href))
        return f'<div class="related">相关链接：{" ".join(parts)}</div>' if parts else ""

    def _document(self, title: str, metas: list[tuple[str, str]], main: str) -> str:
        plan, spec = self.plan, self.spec
        toplinks = [("设为首页", "javascript:void(0)"), ("加入收藏", "javascript:void(0)")]
        if plan.has_sitemap:
            toplinks.append(("网站地图", SITEMAP_PATH))
        if spec.plants.service == "link":
            toplinks.append((spec.plants.service_text, spec.plants.service_url))
        nav = [("首页", "/")] + [(c.name, c.index_path) for c in plan.columns]
        nav += plan.channel_entries
        doc = Document(
            title=title, metas=metas, charset=spec.charset, charset_via=spec.charset_via,
            site_name=spec.name, toplinks=toplinks, nav=nav, main=main,
            footer=footer_lines(plan.footer, top_link=spec.link_defects),
            search=search.form_html(spec.plants.search) if spec.plants.search else "",
        )
        return self.layout.document(doc)

    def _encode(self, text: str) -> bytes:
        # Strict on purpose: a character GBK cannot hold is a bug in our names, not the site's.
        return text.encode("gbk" if self.spec.charset == "gbk" else "utf-8")

    def _page(self, path: str, title: str, metas: list[tuple[str, str]], main: str,
              *, behaviour: str | None = None, tail: str = "") -> None:
        """A page of the site; `tail` is markup after `</html>` (an injected script)."""
        body = self._encode(self._document(title, metas, main) + tail)
        self.resources[path] = Resource(200, html_headers(self.spec), body, behaviour)
        self.pages.append(path)

    def _binary(self, path: str, body: bytes, ext: str) -> None:
        headers = {"Content-Type": assets.CONTENT_TYPES[ext], "Server": SERVER_HEADER}
        self.resources[path] = Resource(200, headers, body)

    def _static(self) -> None:
        spec = self.spec
        self._binary("/images/logo.png", assets.png(40, 8, (181, 25, 26)), ".png")
        self._binary("/images/ga.png", assets.png(4, 4, (30, 60, 150)), ".png")
        if spec.zhaocuo_style == "image":
            self._binary("/images/jiucuo.png", assets.png(11, 5, (200, 40, 40)), ".png")
        if spec.plants.service == "image":
            self._binary(SERVICE_IMAGE, assets.png(32, 6, (20, 90, 170)), ".png")
        self._binary("/css/style.css", assets.STYLESHEET.encode(), ".css")
        self._binary("/js/common.js", assets.SCRIPT.encode(), ".js")
        if spec.robots:
            lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /cms/"]
            if spec.sitemap_xml:
                lines.append(f"Sitemap: http://{spec.host}/sitemap.xml")
            self._binary("/robots.txt", ("\n".join(lines) + "\n").encode(), ".txt")
        if spec.sitemap_xml:
            urls = ["/"] + [c.index_path for c in self.plan.columns]
            entries = "".join(f"<url><loc>http://{spec.host}{u}</loc></url>" for u in urls)
            xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns='
                   f'"http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>\n')
            self._binary("/sitemap.xml", xml.encode(), ".xml")


def render_site(plan: SitePlan) -> RenderedSite:
    """All resources of one site (pages, images, attachments, css/js, robots, sitemap)."""
    return SiteRenderer(plan).render()
