"""Mobile adaptation (移动端适配): what a phone browser needs from the home page."""

from __future__ import annotations

from govsite.findings import Finding
from govsite.rules.base import NEED_HOME, RuleContext, RuleMeta, rule
from govsite.snapshot import SiteSnapshot

NO_VIEWPORT = RuleMeta(
    id="mobile.no_viewport",
    name_zh="未适配移动端",
    family="mobile",
    needs=(NEED_HOME,),
    evidence=("page",),
    tags=("spec:G-18", "GB/T 31506-2022"),
    help_zh="首页没有 <meta name=\"viewport\">，手机浏览器按桌面宽度缩小显示（提示性）。",
)


@rule(NO_VIEWPORT)
def no_viewport(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The home page declares no viewport, so phones show a shrunken desktop page.

    What it checks: whether the home page has a `<meta name="viewport">` (any content).
        Informational: a viewport tag is necessary for a mobile layout, not proof of one.
    Why it matters: most citizens reach gov sites from a phone; without a viewport the page
        renders 980 px wide and text is unreadable without zooming.
    Example: a 2012 table-layout home page with no viewport meta tag.
    References: standards.md G-18; GB/T 31506-2022.
    """
    home = snap.home
    assert home is not None and home.tree is not None  # guaranteed by needs=home
    for node in home.tree.css("meta[name]"):
        if (node.attributes.get("name") or "").strip().lower() == "viewport":
            return []
    return [Finding(rule=NO_VIEWPORT.id, url=home.final_url,
                    detail="首页未设置 viewport，未适配移动端", evidence={"page": home.final_url})]
