"""Domain names (域名) of government sites, from the registry alone.

国办发〔2017〕47号 (standards.md G-1…G-3, grade B for quoted wording): English domains must end
in .gov.cn; a portal is www.□□□.gov.cn; a department site is ○○○.□□□.gov.cn, a subdomain of
its parent portal. The rule needs no crawl: it judges the registered home URL.
"""

from __future__ import annotations

import re

from govsite.findings import Finding
from govsite.rules.base import NEED_REGISTRY, RuleContext, RuleMeta, rule
from govsite.sites import KIND_DEPARTMENT, KIND_PORTAL, Site
from govsite.snapshot import SiteSnapshot

GOV_SUFFIXES = (".gov.cn", ".政务", ".xn--zfr164b")  # .政务 in Unicode and punycode
PORTAL_HOST = re.compile(r"^www\.[a-z0-9-]+(\.[a-z0-9-]+)*\.gov\.cn$")

NONCOMPLIANT = RuleMeta(
    id="domain.noncompliant",
    name_zh="域名不规范",
    family="domain",
    needs=(NEED_REGISTRY,),
    evidence=("host", "kind", "broken", "parent_host"),
    tags=("spec:G-1", "spec:G-2", "spec:G-3"),
    help_zh="网站域名不符合《政府网站发展指引》要求（.gov.cn后缀、门户www格式、部门网站为上级门户子域名）。",
)


def _parent(site: Site, registry: dict[str, Site]) -> Site | None:
    """The parent site named by 上级网站, given as a site code or a URL."""
    if not site.parent:
        return None
    if site.parent in registry:
        return registry[site.parent]
    wanted = site.parent.rstrip("/").lower()
    return next((s for s in registry.values() if s.url.rstrip("/").lower() == wanted), None)


def domain_problems(site: Site, registry: dict[str, Site]) -> tuple[list[str], str | None]:
    """Which domain rules a site breaks (Chinese phrases), and the parent host consulted."""
    host = site.host
    problems: list[str] = []
    if not host.endswith(GOV_SUFFIXES):
        problems.append("未使用.gov.cn后缀的英文域名")
    parent = _parent(site, registry)
    parent_host = parent.host if parent else None
    if site.kind == KIND_PORTAL and host.endswith(".gov.cn") and not PORTAL_HOST.match(host):
        problems.append("门户网站域名应为www.□□□.gov.cn格式")
    if site.kind == KIND_DEPARTMENT and parent_host and host.endswith(".gov.cn"):
        base = parent_host.removeprefix("www.")
        if not host.endswith("." + base) or host == parent_host:
            problems.append(f"部门网站域名应为上级门户{base}的下级域名")
    return problems, parent_host


@rule(NONCOMPLIANT)
def noncompliant(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The registered domain breaks the 47号 naming rules.

    What it checks: the host of the registered home URL ends in .gov.cn (or .政务); a portal
        (门户) is www.X.gov.cn; a department site (部门) with a 上级网站 in the registry is a
        subdomain of the parent portal's domain (jyj.hdq.gov.cn under www.hdq.gov.cn).
        Department sites without a known parent are judged on the suffix only.
    Why it matters: 47号 forbids other suffixes for government sites and asks for the
        hierarchy to show in the name, so the public can tell a real government site
        (standards.md G-1…G-3, grade B).
    Example: the 教育局 of 海淀区 at www.hdqjy.gov.cn instead of jyj.hdq.gov.cn.
    References: standards.md G-1, G-2, G-3.
    """
    site = snap.site
    problems, parent_host = domain_problems(site, ctx.registry)
    if not problems:
        return []
    return [
        Finding(
            rule=NONCOMPLIANT.id,
            url=site.url,
            detail=f"域名 {site.host} 不规范：{'；'.join(problems)}",
            evidence={"host": site.host, "kind": site.kind, "broken": problems,
                      "parent_host": parent_host},
        )
    ]
