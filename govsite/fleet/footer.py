"""The 底部功能区 (standards.md G-8, patterns of §6.5) of a fleet site.

Each element can be left out, and several are written in the variant spellings real sites use
(full- or half-width colon, `京ICP备 0501…` with a space, the 找错 entry as an image link, the
conac badge as a script) so that footer rules meet their traps. An omitted element is absent
from the whole page, not moved: the rules read the whole home page.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from govsite.fleet.templates import link

# The element names used by SiteSpec.footer_omit.
ELEMENTS = ("conac", "zhaocuo", "site_code", "icp", "psb", "sponsor", "contact", "sitemap")

CONAC_SHOW = "http://bszs.conac.cn/sitename?method=show&id={id}"
CONAC_BADGE = "http://dcs.conac.cn/image/red.png"
ZHAOCUO = "http://zfwzzc.www.gov.cn/check_web/errorInfo/jcInfoNew?sitecode={code}"
ICP_PORTAL = "http://beian.miit.gov.cn/"
PSB_PORTAL = "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode={code}"


@dataclass(frozen=True)
class FooterSpec:
    """What one site's footer shows, and how it spells it."""

    owner: str
    shown_code: str
    code_colon: str
    icp: str
    icp_spaced: bool
    psb_province: str
    psb_code: str
    address: str
    postcode: str
    phone: str
    email: str
    conac_id: str
    conac_style: str
    conac_script: str
    zhaocuo_style: str
    site_code: str
    omit: frozenset[str] = frozenset()


def icp_text(spec: FooterSpec) -> str:
    """`京ICP备05012345号-1`, or the spaced variant some sites print."""
    prefix, number = spec.icp.split("ICP备", 1)
    return f"{prefix}ICP备 {number}" if spec.icp_spaced else spec.icp


def conac_badge(spec: FooterSpec) -> str:
    """党政机关网站标识: an image link, or the script + span many real sites embed instead."""
    if spec.conac_style == "script":
        return (
            '<span id="_ideConac"></span>'
            f'<script type="text/javascript" src="{escape(spec.conac_script)}"></script>'
        )
    return (
        f'<a href="{escape(CONAC_SHOW.format(id=spec.conac_id))}" target="_blank">'
        f'<img src="{CONAC_BADGE}" alt="党政机关" width="55" height="68"></a>'
    )


def zhaocuo_entry(spec: FooterSpec) -> str:
    """The 我为政府网站找错 entry, as text or as an image whose alt carries the words."""
    href = ZHAOCUO.format(code=spec.site_code)
    if spec.zhaocuo_style == "image":
        return (
            f'<a href="{escape(href)}" target="_blank">'
            '<img src="/images/jiucuo.png" alt="我为政府网站找错" width="110" height="55"></a>'
        )
    return link("我为政府网站找错", href, target="_blank")


def footer_lines(spec: FooterSpec, *, top_link: bool = False) -> list[str]:
    """The footer as lines of HTML, in the usual order (links, sponsor, contact, codes, badges)."""
    omit = spec.omit
    lines: list[str] = []
    nav = []
    if "sitemap" not in omit:
        nav.append(link("网站地图", "/wzdt.html"))
    if top_link:
        nav.append(link("返回顶部", "#top"))
    if nav:
        lines.append(" | ".join(nav))
    if "sponsor" not in omit:
        lines.append(f"主办单位：{escape(spec.owner)}")
    if "contact" not in omit:
        lines.append(
            f"地址：{escape(spec.address)}　邮编：{spec.postcode}　联系电话：{spec.phone}　"
            f"电子邮箱：{link(spec.email, 'mailto:' + spec.email)}"
        )
    codes = []
    if "site_code" not in omit:
        codes.append(f"网站标识码{spec.code_colon}{spec.shown_code}")
    if "icp" not in omit:
        codes.append(link(icp_text(spec), ICP_PORTAL, target="_blank"))
    if "psb" not in omit:
        codes.append(
            f'<a href="{escape(PSB_PORTAL.format(code=spec.psb_code))}" target="_blank">'
            '<img src="/images/ga.png" alt="" width="16" height="16">'
            f"{spec.psb_province}公网安备 {spec.psb_code}号</a>"
        )
    if codes:
        lines.append("　".join(codes))
    badges = []
    if "conac" not in omit:
        badges.append(conac_badge(spec))
    if "zhaocuo" not in omit:
        badges.append(zhaocuo_entry(spec))
    if badges:
        lines.append(" ".join(badges))
    return lines
