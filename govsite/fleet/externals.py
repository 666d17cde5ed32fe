"""Hosts outside the fleet's sites that its pages link to, served by the same server.

Footers link to the national platforms (党政机关网站标识, 找错, ICP and 公安备案 portals), home
pages to www.gov.cn and to the 政务服务 platforms, one department to the district's 信箱
platform, the hacked home page to gambling and porn hosts, a counter and an evil CDN; serving
these from 127.0.0.1 keeps every link check of a census local. Some answer 200 for any path
(the platforms take query strings we do not enumerate); others answer 404 for unknown paths so
that a dead external link can be planted.
"""

from __future__ import annotations

from govsite.fleet.assets import CONTENT_TYPES, png
from govsite.fleet.defects import OLD_PORTAL_HOST, SLOW_HOST
from govsite.fleet.model import BEHAVIOUR_SLOW, Resource
from govsite.fleet.names import GJZWFW_HOST, HDJL_HOST, ZWFW_GZ_HOST, ZWFW_HOST
from govsite.fleet.wording import EVIL_CDN_HOST, EVIL_SCRIPT, EVIL_SCRIPT_PATH, FOREIGN_HOSTS

HTML = {"Content-Type": "text/html; charset=utf-8", "Server": "nginx"}


def _page(title: str, text: str, status: int = 200, behaviour: str | None = None) -> Resource:
    body = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><h1>{title}</h1><p>{text}</p></body></html>"
    )
    return Resource(status, dict(HTML), body.encode("utf-8"), behaviour)


def _not_found() -> Resource:
    return _page("404 Not Found", "The requested URL was not found on this server.", 404)


def external_hosts(
    conac_scripts: dict[str, bytes],
) -> tuple[dict[tuple[str, str], Resource], dict[str, Resource]]:
    """Resources and per-host fallbacks of every external host.

    `conac_scripts` maps the dcs.conac.cn script paths that sites embed to their bodies.
    """
    resources: dict[tuple[str, str], Resource] = {
        ("www.gov.cn", "/"): _page("中国政府网", "中华人民共和国中央人民政府门户网站"),
        (SLOW_HOST, "/"): _page("国家统计局", "统计数据"),
        (SLOW_HOST, "/sj/"): _page("统计数据", "数据查询", behaviour=BEHAVIOUR_SLOW),
    }
    for colour in ("red", "blue"):
        resources[("dcs.conac.cn", f"/image/{colour}.png")] = Resource(
            200, {"Content-Type": CONTENT_TYPES[".png"]}, png(11, 14, (200, 20, 20))
        )
    # The hacked home page's script: served, like everything a hacker plants, with a 200.
    resources[(EVIL_CDN_HOST, EVIL_SCRIPT_PATH)] = Resource(
        200, {"Content-Type": CONTENT_TYPES[".js"]}, EVIL_SCRIPT.encode()
    )
    for path, body in conac_scripts.items():
        resources[("dcs.conac.cn", path)] = Resource(
            200, {"Content-Type": CONTENT_TYPES[".js"]}, body
        )
    fallbacks = {
        "www.gov.cn": _not_found(),
        SLOW_HOST: _not_found(),
        "dcs.conac.cn": _not_found(),
        OLD_PORTAL_HOST: _not_found(),
        "bszs.conac.cn": _page("党政机关网站标识", "网站名称、主办单位、网站标识码等开办信息"),
        "zfwzzc.www.gov.cn": _page("我为政府网站找错", "请填写您发现的问题"),
        "beian.miit.gov.cn": _page("ICP/IP地址/域名信息备案管理系统", "备案查询"),
        "www.beian.gov.cn": _page("全国互联网安全管理服务平台", "公安机关互联网站安全备案信息"),
        # The 政务服务 platforms and the district's 互动 platform that sites link to.
        ZWFW_HOST: _page("北京市海德区政务服务网", "个人办事 法人办事 部门服务 主题服务"),
        ZWFW_GZ_HOST: _page("广州市政务服务网", "个人服务 法人服务 部门服务"),
        GJZWFW_HOST: _page("国家政务服务平台", "国务院部门服务 地方部门服务"),
        HDJL_HOST: _page("海德区政民互动平台", "领导信箱 写信须知 信件查询"),
        EVIL_CDN_HOST: _not_found(),
    }
    # The gambling, porn and counter hosts the hacked home page hides links and a frame to.
    fallbacks.update({host: _page(title, text) for host, (title, text) in FOREIGN_HOSTS.items()})
    return resources, fallbacks
