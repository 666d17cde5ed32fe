"""Answers of hosts that do not serve a normal site: the WAF, the closed and the merged sites.

These are whole-host behaviours ("every path answers …"), so they are expressed as fallbacks
plus, where the home page differs, one resource for `/`.
"""

from __future__ import annotations

from govsite.fleet.model import BEHAVIOUR_WAF, Resource

HTML = {"Content-Type": "text/html; charset=utf-8"}

# 加速乐-style cookie challenge: a script sets __jsl_clearance and reloads. A client that runs it
# gets the same challenge again here, on purpose: the census must give up and say not_measured.
JSL_CHALLENGE = (
    "<html><head><meta http-equiv=\"pragma\" content=\"no-cache\"></head><body><script>"
    "document.cookie=\"__jsl_clearance=1700000000.214|0|kJ2x%2FQ8wq0pMTa7cD1%3D;"
    "max-age=3600;path=/\";location.href=location.pathname+location.search</script>"
    "</body></html>"
)

SAFEDOG_BLOCK = (
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>网站防火墙</title></head>"
    "<body><div id=\"safedog\"><h2>网站防火墙</h2><p>您的访问被拦截！</p>"
    "<p>可能原因：您提交的内容包含危险的攻击请求，或访问频率过高。</p>"
    "<p>如您是网站管理员，请登录网站安全狗云平台查看拦截日志。</p>"
    "<p>Powered by 网站安全狗 (safedog)</p></div></body></html>"
)


def waf_host() -> tuple[dict[str, Resource], Resource]:
    """The WAF site: a cookie challenge at `/`, a 403 block page everywhere else."""
    home = Resource(
        200,
        {**HTML, "Set-Cookie": "__jsluid_h=5f2c0d9e41a7b3c8; path=/; HttpOnly"},
        JSL_CHALLENGE.encode(),
        BEHAVIOUR_WAF,
    )
    block = Resource(403, {**HTML, "X-Safedog-Flag": "1"}, SAFEDOG_BLOCK.encode(), BEHAVIOUR_WAF)
    return {"/": home}, block


def not_found() -> Resource:
    """A bare nginx 404, as a decommissioned virtual host answers."""
    body = "<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1>"
    body += "</center><hr><center>nginx</center></body></html>"
    return Resource(404, dict(HTML), body.encode())


def closed_notice(name: str) -> Resource:
    """A one-paragraph 已关停 notice: no navigation, no footer, nothing to audit."""
    body = (
        f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{name}</title></head><body>"
        f"<p>因机构改革，{name}网站已关停，相关信息请访问区政府门户网站。</p></body></html>"
    )
    return Resource(200, dict(HTML), body.encode())


def moved(location: str) -> Resource:
    """The merged site: every path moves permanently to the new home page."""
    body = f"<html><body>301 Moved Permanently: <a href=\"{location}\">{location}</a></body></html>"
    return Resource(301, {**HTML, "Location": location}, body.encode())
