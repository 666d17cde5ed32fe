"""Site search (站内搜索): collect submitted a recent title; did the site find it?

standards.md G-15 (grade C/B): "提供信息检索功能"; the 2019 功能设计 group checks 搜索功能 (D19-7).
"""

from __future__ import annotations

from govsite.findings import Finding
from govsite.rules.base import NEED_HOME, NotMeasured, RuleContext, RuleMeta, rule
from govsite.snapshot import Page, SiteSnapshot

UNAVAILABLE = RuleMeta(
    id="search.unavailable",
    name_zh="站内搜索不可用",
    family="search",
    needs=(NEED_HOME,),
    evidence=("query", "how", "action", "url", "status", "error", "what_came_back"),
    tags=("spec:G-15", "gb2019:D19-7"),
    help_zh="未提供站内搜索，或以近期文章标题搜索时报错、超时或无结果。",
)


def search_outcome(snap: SiteSnapshot) -> dict[str, object] | None:
    """The search probe and whether the query came back (None when no probe was made)."""
    probe = snap.search
    if probe is None:
        return None
    page = Page.from_json(probe["page"]) if probe.get("page") else None
    query = str(probe.get("query") or "")
    hits = None
    if page is not None and page.ok:
        hits = bool(query) and " ".join(query.split()) in page.text
    return {"found": bool(probe.get("found")), "how": probe.get("how"),
            "action": probe.get("action"), "query": query or None,
            "url": page.final_url if page else None, "status": page.status if page else None,
            "error": page.error if page else None, "hits": hits,
            "excerpt": page.text[:120] if page else ""}


@rule(UNAVAILABLE)
def unavailable(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The site search is missing, broken, or cannot find a recent article.

    What it checks: collect looks for a search form on the home page (or a search page it
        links), submits the first 20 characters of a recent article's title from the home
        page, and keeps the results page; the title must appear in it. No search at all, an
        error or timeout, or no result is a finding with the query and what came back. A
        search blocked by robots.txt or a WAF is not measured.
    Why it matters: 站内搜索 is part of the 2019 功能设计 checks (standards.md G-15, D19-7); a
        search that cannot find this week's news fails the public.
    Example: searching “区政府召开生态环境工作推进会” returns 没有找到相关结果.
    References: standards.md G-15, §2.3 D19-7.
    """
    outcome = search_outcome(snap)
    if outcome is None:
        raise NotMeasured("本次采集未检测站内搜索")
    home = snap.home
    assert home is not None
    evidence = {k: outcome[k] for k in ("query", "how", "action", "url", "status", "error")}
    if not outcome["found"]:
        return [Finding(rule=UNAVAILABLE.id, url=home.url, detail="未找到站内搜索功能",
                        evidence={**evidence, "what_came_back": None})]
    if outcome["error"] in ("robots_denied", "blocked"):
        raise NotMeasured(f"站内搜索请求未能发出或被拦截（{outcome['error']}）")
    if not outcome["query"] or outcome["url"] is None:
        raise NotMeasured("找到站内搜索，但没有可用于检索的文章标题或搜索页无表单")
    if outcome["error"] == "unsupported_scheme":
        raise NotMeasured("站内搜索由脚本提交（javascript:），未经浏览器执行无法检测")
    if outcome["hits"]:
        return []
    if outcome["error"] or (outcome["status"] or 0) >= 400:
        came_back = outcome["error"] or f"HTTP {outcome['status']}"
        detail = f"站内搜索出错：{came_back}"
    else:
        came_back = outcome["excerpt"]
        detail = f"站内搜索“{outcome['query']}”无结果"
    return [Finding(rule=UNAVAILABLE.id, url=home.url, target=outcome["url"],  # type: ignore[arg-type]
                    detail=detail, evidence={**evidence, "what_came_back": came_back})]
