"""Footer (底部功能区) elements every government site must show on its home page.

standards.md G-8 (grade C for the full list, which real footers and monitoring tools agree
on; the 47号 annex itself is unconfirmed): 党政机关网站标识, “我为政府网站找错”, 网站标识码,
ICP备案编号, 公安机关备案标识, 主办单位, 联系方式, 网站地图.

The checks read the *whole* home page, not a guessed footer block: sites put these items in
a side bar or header too, and a false "missing" is worse than a miss (brief: precision
first). Each presence test is a small shared check (`has_*`) that tests call directly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from govsite.findings import Finding
from govsite.rules.base import NEED_HOME, NotMeasured, RuleContext, RuleMeta, rule
from govsite.rules.pages import ARTICLE_PATH
from govsite.snapshot import Page, SiteSnapshot

# A home page with less text than this and scripts is a shell built by JavaScript, which
# collect did not render: not seeing the footer there proves nothing.
MIN_TEXT_CHARS = 40

SITE_CODE_LABEL = re.compile(r"(?:网站|政府网站)?标识码\s*[:：]?\s*([A-Za-z0-9]{4,20})")
VALID_SITE_CODE = re.compile(r"^(?:\d{10}|bm\d{8})$")
ICP = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]\s*ICP\s*备\s*\d{4,}\s*号",
    re.IGNORECASE,
)
PSB = re.compile(r"公网安备\s*\d{8,16}\s*号?")
SPONSOR = re.compile(r"(?:主\s*办(?:单\s*位)?|版权所有|主\s*管(?:单\s*位)?)\s*[:：]?\s*[\u4e00-\u9fa5]{3,}")
PHONE = re.compile(r"(?<!\d)(?:\(?0\d{2,3}\)?[-－\s]?\d{7,8}|1[3-9]\d{9}|12345)(?!\d)")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
ADDRESS = re.compile(r"(?:地\s*址|通讯地址|办公地址)\s*[:：]\s*[\u4e00-\u9fa5\d]{4,}")
ZHAOCUO_HOSTS = ("zfwzzc.www.gov.cn",)
ZHAOCUO_PATHS = ("/hudong/", "jbxxk", "check_web/errorinfo", "zfwzzc")


def _home(snap: SiteSnapshot) -> Page:
    home = snap.home
    assert home is not None and home.html is not None  # guaranteed by needs=home
    if len(home.text) < MIN_TEXT_CHARS and "<script" in home.html.lower():
        raise NotMeasured("首页内容由脚本生成，未经浏览器渲染，无法判断底部信息")
    return home


def has_conac(page: Page) -> bool:
    """党政机关网站标识: a badge image, script or link served from conac.cn.

    Real sites load the badge by `<script src="…dcs.conac.cn/js/…">` into `<span
    id="_ideConac">`, so an unrendered page shows no image: the script counts too.
    """
    if any("conac.cn" in (urlsplit(ln.url).hostname or "") for ln in page.links):
        return True
    html = page.html or ""
    return 'id="_ideConac"' in html or "党政机关" in " ".join(ln.text for ln in page.links)


def has_zhaocuo(page: Page) -> bool:
    """“我为政府网站找错” entry: a link to the national platform, or one named for it.

    A link whose text mentions 找错 but leads to an article on the site is news about the
    platform, not the entry, and does not count.
    """
    for link in page.links:
        url = link.url.lower()
        host = urlsplit(url).hostname or ""
        if host in ZHAOCUO_HOSTS or any(p in url for p in ZHAOCUO_PATHS):
            return True
        if "找错" in link.text and link.tag in ("a", "img", "area"):
            if not ARTICLE_PATH.search(urlsplit(link.url).path):
                return True
    return False


def shown_site_code(page: Page) -> str | None:
    """The 网站标识码 printed on the page, or None when the label is absent."""
    match = SITE_CODE_LABEL.search(page.text)
    return match.group(1) if match else None


def has_sitemap(page: Page) -> bool:
    """网站地图: a link named 网站地图/站点地图, or to a sitemap page."""
    return any(
        "网站地图" in ln.text
        or "站点地图" in ln.text
        or re.search(r"sitemap|wzdt", ln.url, re.IGNORECASE)
        for ln in page.links
        if ln.tag == "a"
    )


def has_contact(page: Page) -> bool:
    """联系方式: a phone number, an e-mail address or a postal address."""
    text = page.text
    if PHONE.search(text) or EMAIL.search(text) or ADDRESS.search(text):
        return True
    return any(ln.raw.lower().startswith(("mailto:", "tel:")) for ln in page.links)


def _missing(meta: RuleMeta, snap: SiteSnapshot, present: Callable[[Page], bool]) -> list[Finding]:
    home = _home(snap)
    if present(home):
        return []
    return [
        Finding(
            rule=meta.id,
            url=home.url,
            detail=f"首页{meta.name_zh.removeprefix('缺')}未找到",
            evidence={"looked_in": "首页全文及链接", "links_seen": len(home.links)},
        )
    ]


def _meta(name: str, name_zh: str, tags: tuple[str, ...], help_zh: str) -> RuleMeta:
    return RuleMeta(
        id=f"footer.{name}",
        name_zh=name_zh,
        family="footer",
        needs=(NEED_HOME,),
        evidence=("looked_in", "links_seen"),
        tags=tags,
        help_zh=help_zh,
    )


CONAC = _meta("missing_conac", "缺党政机关网站标识", ("spec:G-6", "spec:G-8"),
              "首页未展示党政机关网站标识（conac.cn 标识图标或链接）。")


@rule(CONAC)
def missing_conac(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The home page shows no 党政机关网站标识.

    What it checks: an image, script or link served from conac.cn (the badge is often
        injected by a conac.cn script into span#_ideConac), or a link named 党政机关.
    Why it matters: the 党政机关网站标识 proves the site was registered with 中央编办 (step 2
        of opening a government site, 47号; standards.md G-6, G-8).
    Example: a footer with ICP and 标识码 but no red conac badge.
    References: standards.md G-6, G-8 (grade C for the footer list).
    """
    return _missing(CONAC, snap, has_conac)


ZHAOCUO = _meta("missing_zhaocuo", "缺“我为政府网站找错”入口", ("gb2019:D19-7", "spec:G-10"),
                "首页未设置“我为政府网站找错”平台入口。")


@rule(ZHAOCUO)
def missing_zhaocuo(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The home page has no entry to the 我为政府网站找错 platform.

    What it checks: links on the home page that lead to the national platform
        (zfwzzc.www.gov.cn, gov.cn/hudong, jbxxk) or whose text or image alt names 找错,
        except links to the site's own articles (news about the platform is not the entry).
    Why it matters: 国办's 2016 Q2 circular requires the entry on the home page of county-level
        and higher portals and State Council departments; 2019 D19-7 checks it.
    Example: a headline “我区开展我为政府网站找错宣传” linking an article, and no entry.
    References: standards.md G-10 (grade B), §2.3 D19-7.
    """
    return _missing(ZHAOCUO, snap, has_zhaocuo)


SITE_CODE = _meta("missing_site_code", "缺网站标识码", ("spec:G-8", "spec:G-9"),
                  "首页未展示“网站标识码”。")


@rule(SITE_CODE)
def missing_site_code(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The home page does not show its 网站标识码.

    What it checks: a label 网站标识码 (or 标识码) followed by a code, in the page text.
    Why it matters: the 标识码 is step 5 of opening a government site and identifies it in the
        national 信息报送系统 (standards.md G-6, G-9).
    Example: a footer ending with the ICP number and no 标识码.
    References: standards.md G-8, G-9.
    """
    return _missing(SITE_CODE, snap, lambda page: shown_site_code(page) is not None)


INVALID_SITE_CODE = RuleMeta(
    id="footer.invalid_site_code",
    name_zh="网站标识码不规范或与登记不符",
    family="footer",
    needs=(NEED_HOME,),
    evidence=("shown", "registered", "why"),
    tags=("spec:G-9",),
    help_zh="首页展示的网站标识码格式不规范（10位数字或bm+8位数字），或与名录登记的不一致。",
)


@rule(INVALID_SITE_CODE)
def invalid_site_code(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The 网站标识码 shown on the home page is malformed or differs from the registry.

    What it checks: the code after the 网站标识码 label must be 10 digits (6-digit region code
        + 4-digit serial) or bm + 8 digits, and equal the code in the registry. A page with no
        code at all is footer.missing_site_code, not this rule.
    Why it matters: a wrong code sends the public's error reports and the national
        supervision system to another site (standards.md G-9, grade B/C).
    Example: the footer shows 网站标识码：110105000012 (12 digits).
    References: standards.md G-9.
    """
    home = _home(snap)
    shown = shown_site_code(home)
    registered = snap.site.site_code
    if shown is None or shown.lower() == registered.lower():
        return []
    why = "格式不规范" if not VALID_SITE_CODE.match(shown) else "与登记不符"
    return [
        Finding(
            rule=INVALID_SITE_CODE.id,
            url=home.url,
            detail=f"网站标识码{why}：页面显示 {shown}，登记为 {registered}",
            evidence={"shown": shown, "registered": registered, "why": why},
        )
    ]


ICP_META = _meta("missing_icp", "缺ICP备案编号", ("spec:G-6", "spec:G-8"),
                 "首页未展示ICP备案编号（如 京ICP备05012345号）。")


@rule(ICP_META)
def missing_icp(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The home page shows no ICP备案编号.

    What it checks: text of the form 京ICP备05012345号 (province abbreviation, ICP备, digits,
        号; spaces allowed), anywhere on the home page.
    Why it matters: ICP filing is step 3 of opening a government site (47号, standards.md G-6).
    Example: a footer with 公网安备 but no ICP number.
    References: standards.md G-6, G-8, §6.5.
    """
    return _missing(ICP_META, snap, lambda page: bool(ICP.search(page.text)))


PSB_META = _meta("missing_psb", "缺公安机关备案标识", ("spec:G-6", "spec:G-8"),
                 "首页未展示公安机关备案标识（公网安备号）。")


@rule(PSB_META)
def missing_psb(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The home page shows no 公安机关备案 (公网安备) number.

    What it checks: text 公网安备 followed by the record number, or a link to beian.gov.cn's
        record page.
    Why it matters: public-security filing is step 4 of opening a government site (standards.md
        G-6).
    Example: a footer with the ICP number only.
    References: standards.md G-6, G-8, §6.5.
    """

    def present(page: Page) -> bool:
        return bool(PSB.search(page.text)) or any(
            "beian.gov.cn" in ln.url and "recordcode" in ln.url.lower() for ln in page.links
        )

    return _missing(PSB_META, snap, present)


SPONSOR_META = _meta("missing_sponsor", "缺主办单位", ("spec:G-8",),
                     "首页未标明网站主办单位。")


@rule(SPONSOR_META)
def missing_sponsor(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The home page does not name the 主办单位.

    What it checks: 主办单位 / 主办 / 主管单位 / 版权所有 followed by a name in Chinese.
    Why it matters: the public must know which office answers for the site (standards.md G-8).
    Example: a footer with only the ICP number and a copyright year.
    References: standards.md G-8, §6.5.
    """
    return _missing(SPONSOR_META, snap, lambda page: bool(SPONSOR.search(page.text)))


CONTACT_META = _meta("missing_contact", "缺联系方式", ("spec:G-8",),
                     "首页未提供联系方式（电话、电子邮箱或地址）。")


@rule(CONTACT_META)
def missing_contact(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The home page gives no way to contact the site's office.

    What it checks: a telephone number (区号-号码, mobile or 12345), an e-mail address (text
        or mailto:), or an address after 地址：.
    Why it matters: standards.md G-8 lists 联系方式 with 主办单位; without it errors cannot be
        reported to the office.
    Example: a footer with 主办单位 and ICP number and nothing else.
    References: standards.md G-8, §6.5.
    """
    return _missing(CONTACT_META, snap, has_contact)


SITEMAP_META = _meta("missing_sitemap", "缺网站地图", ("spec:G-8",),
                     "首页未提供“网站地图”入口。")


@rule(SITEMAP_META)
def missing_sitemap(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The home page has no link to a 网站地图.

    What it checks: a link named 网站地图 or 站点地图, or to a URL with sitemap or wzdt.
    Why it matters: standards.md G-8 lists 网站地图 in the footer; it is how the public and
        the census find every column.
    Example: a footer with every other element and no 网站地图.
    References: standards.md G-8.
    """
    return _missing(SITEMAP_META, snap, has_sitemap)
