"""The planted-defect catalogue: which site carries which defect, and the traps around them.

The catalogue is data. `catalogue()` lists the sites in a fixed order; the first twelve are the
running sites that together carry every defect of the brief (one footer element missing per
site, the soft-404 site, the WAF site, the non-compliant domains, the probe failures), then come
the lifecycle sites (关停, 整合迁移) and, for larger fleets, clean filler sites.

The content defects of the update, interaction, service and search rules are in `plants.py`,
those of the text rules (严重表述错误, 错别字, 违规内容, 暗链) in `wording.py`, both attached to the
running sites here by key.

Link defects are planted on the portal as `PlantedLink`s plus the special answers they lead to
(`portal_resources`); whether a target is broken is *not* written here but derived from what the
server answers (`truth.py`), so the truth cannot drift from the fleet.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from govsite.fleet.assets import CONTENT_TYPES, attachment
from govsite.fleet.footer import ELEMENTS
from govsite.fleet.model import BEHAVIOUR_429_ONCE, BEHAVIOUR_ERROR_PAGE, Resource
from govsite.fleet.names import DEPARTMENTS, DISTRICT_DOMAIN, PORTAL_TOPICS, STREETS, Unit
from govsite.fleet.plants import PLANTS, SitePlants
from govsite.fleet.wording import SiteWording, site_wording

PORTAL_HOST = f"www.{DISTRICT_DOMAIN}"
OLD_PORTAL_HOST = f"old.{DISTRICT_DOMAIN}"
SLOW_HOST = "www.stats.gov.cn"

# Probe failures out of 168 (24 a day for 7 days). standards.md §6.4: a failure ratio >= 5 % is
# the availability veto; 9/168 = 5.36 % sits just above that line, 3/168 = 1.8 % below it.
FAILURES_UNREACHABLE = 12
FAILURES_AT_THRESHOLD = 9
FAILURES_HOME = 3


@dataclass(frozen=True)
class SiteSpec:
    """One site of the catalogue and every knob the generator turns for it."""

    key: str
    unit: Unit
    host: str
    name: str
    owner: str
    category: str
    kind: str
    role: str
    status: str = "运行"
    parent_key: str | None = None
    region: str = "110105"
    site_code: str | None = None
    layout: str = "table"
    charset: str = "utf-8"
    charset_via: str = "header"
    footer_omit: frozenset[str] = frozenset()
    malformed_code: bool = False
    conac_style: str = "img"
    zhaocuo_style: str = "text"
    icp_spaced: bool = False
    code_colon: str = "："
    meta_mode: str = "full"
    missing_siteid: int = 0
    probe_failures: int = 0
    domain_defect: str | None = None
    link_defects: bool = False
    soft404: bool = False
    waf: bool = False
    lifecycle: str | None = None
    robots: bool = False
    sitemap_xml: bool = False
    stale_column: str | None = None
    old_unanswered: bool = False
    headline: str | None = None
    address: str = ""
    phone_area: str = "010"
    plants: SitePlants = field(default_factory=SitePlants)
    wording: SiteWording = field(default_factory=SiteWording)

    @property
    def audited(self) -> bool:
        """Running and not behind a WAF: the sites whose content the census can judge."""
        return self.status == "运行" and not self.waf


def shown_code(spec: SiteSpec, site_code: str) -> str:
    """The 标识码 a footer prints: the registered one, or for `malformed_code` twelve digits
    that begin with it (a trap for a `\\d{10}` pattern without word boundaries)."""
    return f"{site_code}01" if spec.malformed_code else site_code


@dataclass(frozen=True)
class PlantedLink:
    """A link planted on a page of a site.

    `on` is "home", "column" (the first list page of the first column) or "article" (the
    newest article of the first column); `tag` "img" makes it an image source.
    """

    text: str
    href: str
    on: str
    tag: str = "a"


@dataclass(frozen=True)
class ExtraPage:
    """An "other" page rendered with the site's template (SiteName… meta only)."""

    path: str
    title: str
    behaviour: str | None = None


PORTAL_UNIT = Unit("人民政府", "www", PORTAL_TOPICS)
BIGDATA_UNIT = Unit(
    "大数据中心", "dsjzx", ("政务数据共享", "公共数据开放", "电子政务外网", "数据安全")
)
PARK_UNIT = Unit(
    "东湖科技园区管理委员会", "dhkjy", ("园区招商", "企业服务", "科技孵化", "安全生产")
)
NATIONAL_UNIT = Unit(
    "国家地理信息公共服务局", "dlxx", ("地理信息服务", "测绘成果管理", "地图审核", "北斗应用")
)

_DEPT = {unit.abbr: unit for unit in DEPARTMENTS}


def _dept(abbr: str, role: str, **knobs: object) -> SiteSpec:
    """A department of 海德区 at `<abbr>.hdq.gov.cn` under the portal."""
    unit = _DEPT[abbr]
    base = SiteSpec(
        key=abbr, unit=unit, host=f"{abbr}.{DISTRICT_DOMAIN}", name=f"北京市海德区{unit.name}",
        owner=f"北京市海德区{unit.name}", category="区政府部门", kind="部门", role=role,
        parent_key="portal",
    )
    return replace(base, **knobs)


def running_sites() -> list[SiteSpec]:
    """The twelve running sites that carry the whole defect catalogue, in order."""
    return [
        SiteSpec(
            key="portal", unit=PORTAL_UNIT, host=PORTAL_HOST, name="北京市海德区人民政府",
            owner="北京市海德区人民政府办公室", category="区政府", kind="门户", role="portal",
            conac_style="script", link_defects=True, missing_siteid=3, robots=True,
            sitemap_xml=True, headline="关于“我为政府网站找错”平台网民留言办理情况的通报",
        ),
        _dept("fgw", "missing_conac", layout="list", charset="gbk", charset_via="header",
              footer_omit=frozenset({"conac"}), meta_mode="no_pubdate",
              probe_failures=FAILURES_UNREACHABLE, robots=True),
        _dept("jw", "missing_zhaocuo", layout="flex", footer_omit=frozenset({"zhaocuo"}),
              stale_column="政策文件", headline="区教委召开政府网站找错问题整改工作会"),
        _dept("rsj", "missing_site_code", layout="table", charset="gbk", charset_via="meta",
              footer_omit=frozenset({"site_code"}), probe_failures=FAILURES_AT_THRESHOLD,
              old_unanswered=True),
        _dept("wjw", "invalid_site_code", layout="list", malformed_code=True,
              zhaocuo_style="image", probe_failures=FAILURES_HOME, sitemap_xml=True),
        _dept("scjgj", "missing_icp", layout="flex", charset="gbk", charset_via="http-equiv",
              footer_omit=frozenset({"icp"}), meta_mode="none", code_colon=":"),
        _dept("zjw", "missing_psb", host="www.hdqzj.gov.cn", layout="table",
              footer_omit=frozenset({"psb"}), icp_spaced=True,
              domain_defect="部门网站域名 www.hdqzj.gov.cn 不是上级门户 hdq.gov.cn 的下级域名"),
        SiteSpec(
            key="dsjzx", unit=BIGDATA_UNIT, host="www.dsjzx-hd.com", name="北京市海德区大数据中心",
            owner="北京市海德区大数据中心", category="区政府部门", kind="其他",
            role="missing_sponsor", parent_key="portal", layout="list",
            footer_omit=frozenset({"sponsor"}),
            domain_defect="域名 www.dsjzx-hd.com 未使用 .gov.cn 后缀",
        ),
        SiteSpec(
            key="zgy", unit=STREETS[0], host=f"zgy.{DISTRICT_DOMAIN}",
            name=f"北京市海德区{STREETS[0].name}", owner=f"北京市海德区{STREETS[0].name}",
            category="街镇", kind="其他", role="soft404", parent_key="portal", layout="list",
            footer_omit=frozenset({"contact"}), soft404=True,
        ),
        SiteSpec(
            key="dhkjy", unit=PARK_UNIT, host="www.dhkjy.gov.cn", name=f"广州{PARK_UNIT.name}",
            owner=f"广州{PARK_UNIT.name}", category="管委会", kind="其他",
            role="missing_sitemap", region="440106", layout="flex", charset="gbk",
            charset_via="header", footer_omit=frozenset({"sitemap"}),
            address="广州市东湖科技园区科学大道88号", phone_area="020",
        ),
        SiteSpec(
            key="dlxx", unit=NATIONAL_UNIT, host="dlxx.gov.cn", name=NATIONAL_UNIT.name,
            owner=NATIONAL_UNIT.name, category="国务院部门", kind="门户", role="portal_form",
            site_code="bm34000002", layout="table", charset_via="meta",
            domain_defect="门户网站域名 dlxx.gov.cn 不符合 www.□□□.gov.cn 形式",
            address="北京市西城区三里河路甲9号", robots=True,
        ),
        _dept("yjglj", "waf", layout="flex", waf=True),
    ]


def lifecycle_sites() -> list[SiteSpec]:
    """Registry rows that are no longer running: one still online (a finding), three traps."""
    return [
        _dept("kw", "closed_online", status="关停", layout="flex", lifecycle="closed_online"),
        _dept("lyj", "closed_404", status="关停", lifecycle="closed_404"),
        _dept("daj", "closed_notice", status="关停", lifecycle="closed_notice"),
        _dept("ghfj", "merged", status="整合迁移", lifecycle="merged"),
    ]


_FILLER_LAYOUTS = ("table", "list", "flex")
_FILLER_CHARSETS = (("utf-8", "header"), ("utf-8", "meta"), ("gbk", "header"), ("utf-8", "header"),
                    ("gbk", "meta"), ("utf-8", "header"), ("gbk", "http-equiv"))


def filler_sites(count: int, *, taken: set[str]) -> list[SiteSpec]:
    """Clean department and street sites for fleets larger than the catalogue."""
    units = [u for u in DEPARTMENTS if u.abbr not in taken] + [
        u for u in STREETS if u.abbr not in taken
    ]
    out = []
    for index in range(count):
        unit = units[index % len(units)]
        round_ = index // len(units)
        abbr = unit.abbr if round_ == 0 else f"{unit.abbr}{round_ + 1}"
        name = unit.name if round_ == 0 else f"{unit.name}第{round_ + 1}分站"
        street = unit in STREETS
        charset, via = _FILLER_CHARSETS[index % len(_FILLER_CHARSETS)]
        out.append(SiteSpec(
            key=abbr, unit=unit, host=f"{abbr}.{DISTRICT_DOMAIN}", name=f"北京市海德区{name}",
            owner=f"北京市海德区{name}", category="街镇" if street else "区政府部门",
            kind="其他" if street else "部门", role="filler", parent_key="portal",
            layout=_FILLER_LAYOUTS[index % 3], charset=charset, charset_via=via,
            sitemap_xml=index % 4 == 0, robots=index % 2 == 0,
        ))
    return out


def catalogue(n_sites: int) -> list[SiteSpec]:
    """The fleet's sites: `n_sites` running ones, plus the lifecycle rows when n_sites >= 12.

    Fewer than twelve gives a prefix of the catalogue (the portal always first), which is what
    small unit tests want; lifecycle rows are left out then because they only make sense next to
    a full district.
    """
    running = [replace(spec, plants=PLANTS.get(spec.key, SitePlants()),
                       wording=site_wording(spec.key))
               for spec in running_sites()]
    if n_sites < len(running):
        return running[:n_sites]
    lifecycle = lifecycle_sites()
    taken = {spec.unit.abbr for spec in running + lifecycle}
    return running + filler_sites(n_sites - len(running), taken=taken) + lifecycle


def check_catalogue(specs: list[SiteSpec]) -> None:
    """Fail early on a catalogue typo (an unknown footer element, a duplicate host)."""
    hosts = [spec.host for spec in specs]
    if len(hosts) != len(set(hosts)):
        raise ValueError("duplicate host in fleet catalogue")
    for spec in specs:
        unknown = spec.footer_omit - set(ELEMENTS)
        if unknown:
            raise ValueError(f"{spec.key}: unknown footer elements {sorted(unknown)}")


# --- links planted on the portal --------------------------------------------------------------

PORTAL_LINKS: tuple[PlantedLink, ...] = (
    # Broken, on the home page (links.broken_home).
    PlantedLink("往期回顾", "/xwzx/old/t20190315_100001.html", "home"),
    PlantedLink("区情概况（旧版）", "/zjhd/qqgk_2018.html", "home"),
    PlantedLink("网上办事大厅", "/zwfw/wsbs.do", "home"),
    PlantedLink("政务公开专栏", "/zwgk/zt/loop_a.html", "home"),
    PlantedLink("海德区旧版网站", f"http://{OLD_PORTAL_HOST}/", "home"),
    # Attachments on the home page: one answers 200 with an HTML error page, one is fine.
    PlantedLink("政务服务事项目录（下载）", "/upload/files/zwfwsxml.doc", "home"),
    PlantedLink("办事指南汇编（下载）", "/upload/files/bsznhb.zip", "home"),
    # Traps on the home page: none of these is broken.
    PlantedLink("依申请公开", "/zwgk/ysqgk.html", "home"),
    PlantedLink("政府信息公开指南", "/zwgk/xxgkzn.jsp", "home"),
    PlantedLink("统计数据", f"http://{SLOW_HOST}/sj/", "home"),
    PlantedLink("服务热线", "tel:010-12345", "home"),
    PlantedLink("更多服务", "javascript:void(0)", "home"),
    # Broken, not on the home page (links.broken); the first also sits on the home page above,
    # so it must be reported once, as broken_home.
    PlantedLink("往期回顾", "/xwzx/old/t20190315_100001.html", "article"),
    PlantedLink("领导信息（旧版）", "/zwgk/ldxx/ldxx_old.html", "article"),
    PlantedLink("专题图片", "/images/2019/zt_banner.png", "article", tag="img"),
    PlantedLink("国务院政策文件库（旧链接）",
                "http://www.gov.cn/zhengce/content/2016-01/01/content_5000000.htm", "column"),
    # A 404 attachment, not on the home page (links.attachment_broken).
    PlantedLink("附件：重点工作任务分解表.pdf", "/zwgk/zcwj/201901/P020190108385012345678.pdf",
                "article"),
)

PORTAL_PAGES: tuple[ExtraPage, ...] = (
    ExtraPage("/zwgk/ysqgk.html", "依申请公开", BEHAVIOUR_429_ONCE),
    ExtraPage("/zwgk/xxgkzn.html", "政府信息公开指南"),
)

SOFT404_LINKS: tuple[PlantedLink, ...] = (
    PlantedLink("办事指南（旧版）", "/bsfw/bszn_old.html", "home"),
    PlantedLink("相关专题", "/ztzl/2019hd.html", "article"),
)


def _plain(status: int, title: str, text: str, **headers: str) -> Resource:
    body = (
        f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>{text}</p>"
        "</body></html>"
    ).encode()
    return Resource(status, {"Content-Type": "text/html; charset=utf-8", **headers}, body)


def portal_resources(site_meta: str) -> dict[str, Resource]:
    """410, 500, a redirect loop, a 301→302→200 chain and an attachment that is an error page.

    `site_meta` is the SiteName/SiteDomain/SiteIDCode tags of the portal: the download
    servlet's error page carries them so that, if a crawler does parse it as a page, it is not
    also a meta.missing finding.
    """
    error_doc = (
        "<html><head><meta charset=\"utf-8\"><title>文件下载</title>"
        f"{site_meta}</head><body><div class=\"err\">对不起，文件不存在或已被删除！</div>"
        "<p>文件不存在</p></body></html>"
    ).encode()
    return {
        "/zjhd/qqgk_2018.html": _plain(410, "410 Gone", "该页面已永久移除。"),
        "/zwfw/wsbs.do": _plain(500, "500 Internal Server Error", "java.lang.NullPointerException"),
        "/zwgk/zt/loop_a.html": _plain(302, "302 Found", "", Location="/zwgk/zt/loop_b.html"),
        "/zwgk/zt/loop_b.html": _plain(302, "302 Found", "", Location="/zwgk/zt/loop_a.html"),
        "/zwgk/xxgkzn.jsp": _plain(301, "301 Moved Permanently", "",
                                   Location=f"http://{PORTAL_HOST}/zwgk/xxgkzn.do"),
        "/zwgk/xxgkzn.do": _plain(302, "302 Found", "", Location="/zwgk/xxgkzn.html"),
        "/upload/files/bsznhb.zip": Resource(
            200, {"Content-Type": CONTENT_TYPES[".zip"]}, attachment(".zip", "办事指南汇编")
        ),
        "/upload/files/zwfwsxml.doc": Resource(
            200, {"Content-Type": "text/html; charset=utf-8"}, error_doc, BEHAVIOUR_ERROR_PAGE
        ),
    }
