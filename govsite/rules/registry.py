"""Registry consistency: what the 名录 says about a site against what the census saw."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from govsite.findings import Finding
from govsite.rules.base import NotMeasured, RuleContext, RuleMeta, rule
from govsite.sites import STATUS_CLOSED, STATUS_MERGED
from govsite.snapshot import SiteSnapshot

# A closed site may legitimately keep a one-line notice page; such a page is not "online".
CLOSED_NOTICE = re.compile(r"已关停|已停止运行|停止服务|已关闭|整合|迁移至|已迁移")
NOTICE_MAX_LINKS = 5

CLOSED_BUT_ONLINE = RuleMeta(
    id="registry.closed_but_online",
    name_zh="已关停网站仍可访问",
    family="registry",
    needs=(),
    evidence=("status", "registered_status", "final_url"),
    tags=("spec:G-4",),
    help_zh="名录中登记为关停或整合迁移的网站，首页仍可正常访问并提供内容。",
)


@rule(CLOSED_BUT_ONLINE)
def closed_but_online(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """A site registered as closed (关停) or merged (整合迁移) still serves its content.

    What it checks: for sites with status 关停 or 整合迁移, whether the home page answered 2xx
        on the site's own host with a real page. Not online: an error, a redirect to another
        host (the expected end of a 整合迁移), or a short notice page saying it closed or moved.
    Why it matters: 47号 asks closed and consolidated sites to be taken down or redirected;
        a forgotten copy serves stale or wrong information under the government's name.
    Example: a 关停 site's home page still lists news and columns.
    References: standards.md G-4, G-5.
    """
    site = snap.site
    if site.status not in (STATUS_CLOSED, STATUS_MERGED):
        return []
    home = snap.home
    if snap.blocked == "waf" or home is None:
        raise NotMeasured("首页被防护拦截或未获取，无法判断是否仍在运行")
    if not home.ok:
        return []
    final_host = (urlsplit(home.final_url).hostname or "").lower()
    if final_host != site.host:
        return []
    if CLOSED_NOTICE.search(home.text) and len(home.links) <= NOTICE_MAX_LINKS:
        return []
    status_zh = "关停" if site.status == STATUS_CLOSED else "整合迁移"
    return [
        Finding(
            rule=CLOSED_BUT_ONLINE.id,
            url=site.url,
            detail=f"登记为{status_zh}的网站仍可访问（HTTP {home.status}）",
            evidence={"status": home.status, "registered_status": site.status,
                      "final_url": home.final_url},
        )
    ]
