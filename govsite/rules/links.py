"""Link availability: 首页不可用链接, 其他页面不可用链接, 附件无法下载.

Collect checks every link target once per run (`snapshot.checks`); these rules only decide
which broken targets count under which indicator. 2015 D15-2 counts home-page links and
other pages' links separately (standards.md §1.2, grade A for the wording), and D15-9 counts
attachments that cannot be downloaded; a target is counted under one rule only, so one dead
link never costs twice (the 2019 "不重复扣分" note, grade C).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from govsite.findings import Finding
from govsite.rules.base import NEED_CHECKS, NEED_HOME, RuleContext, RuleMeta, rule
from govsite.snapshot import Link, LinkCheck, Page, SiteSnapshot

ATTACHMENT_EXTENSIONS = frozenset(
    ".pdf .doc .docx .xls .xlsx .ppt .pptx .zip .rar .7z .wps .et .dps .ofd .txt .csv".split()
)
# Links that are not requests to a server: judging them as broken would be a false accusation.
NOT_FETCHED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "#", "about:")

EVIDENCE = ("status", "error", "reason", "attempts", "pages", "page_count", "tag", "link_text")


def is_checkable(link: Link) -> bool:
    """True for links that name a resource to fetch (not javascript:, mailto:, #…)."""
    raw = link.raw.strip().lower()
    return bool(raw) and not raw.startswith(NOT_FETCHED_SCHEMES)


def is_attachment(url: str) -> bool:
    """An attachment is a downloadable document, judged by the extension of the URL path."""
    path = urlsplit(url).path.lower()
    dot = path.rfind(".")
    return dot > path.rfind("/") and path[dot:] in ATTACHMENT_EXTENSIONS


def describe(check: LinkCheck) -> str:
    """A short Chinese description of why a target failed, for the finding's detail."""
    if check.reason == "html_for_attachment":
        return "附件地址返回HTML错误页面"
    if check.reason == "soft_404":
        return "返回“页面不存在”内容（软404）"
    if check.status is not None and check.status >= 400:
        return f"HTTP {check.status}"
    return {
        "dns": "域名无法解析",
        "refused": "连接被拒绝",
        "reset": "连接被重置",
        "timeout": "访问超时",
        "tls": "TLS/证书错误",
        "too_many_redirects": "重定向次数过多（循环）",
        "too_large": "响应过大",
    }.get(check.error or "", check.error or "无法访问")


def _broken_targets(pages: list[Page], snap: SiteSnapshot) -> Iterator[tuple[str, Link, Page]]:
    """Yield (target, link, page) for broken targets, each target once, first page first.

    Pages are visited in URL order so the page named in a finding does not depend on the
    order in which the crawl happened to finish.
    """
    seen: set[str] = set()
    for page in sorted(pages, key=lambda p: p.url):
        for link in page.links:
            if link.url in seen or not is_checkable(link):
                continue
            check = snap.checks.get(link.url)
            if check is not None and check.ok is False:
                seen.add(link.url)
                yield link.url, link, page


def _pages_linking(snap: SiteSnapshot, target: str, limit: int = 5) -> tuple[list[str], int]:
    urls = sorted({p.url for p in snap.pages if any(ln.url == target for ln in p.links)})
    return urls[:limit], len(urls)


def _finding(rule_id: str, snap: SiteSnapshot, page: Page, link: Link) -> Finding:
    check = snap.checks[link.url]
    pages, count = _pages_linking(snap, link.url)
    why = describe(check)
    label = "附件" if rule_id == ATTACHMENT.id else "链接"
    return Finding(
        rule=rule_id,
        url=page.url,
        target=link.url,
        detail=f"{label}无法访问：{why}",
        evidence={
            "status": check.status,
            "error": check.error,
            "reason": check.reason,
            "attempts": check.attempts,
            "pages": pages,
            "page_count": count,
            "tag": link.tag,
            "link_text": link.text[:60],
        },
    )


BROKEN_HOME = RuleMeta(
    id="links.broken_home",
    name_zh="首页不可用链接",
    family="links",
    needs=(NEED_HOME, NEED_CHECKS),
    evidence=EVIDENCE,
    tags=("gb2015:D15-2", "gb2019:D19-7"),
    help_zh="首页上的链接（含图片、脚本、样式、外部链接）无法正常访问。",
)


@rule(BROKEN_HOME)
def broken_home(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """A link on the home page leads nowhere.

    What it checks: every link target on the home page (a, img, script, css, iframe; internal
        and external) that failed its check after retries: 4xx/5xx, DNS, refused, timeout,
        redirect loop, or a page identical to the site's "not found" page (soft 404).
        javascript:, mailto:, tel: and #fragment links are not requests and never count; a
        target blocked by a WAF or answering 429 throughout is not measured, not broken.
        Attachments count under links.attachment_broken instead.
    Why it matters: the home page is where the public starts; 2015 D15-2 counts 首页 links
        separately from the rest of the site (standards.md §1.2).
    Example: the 政务要闻 block links /xwzx/old.html, which answers HTTP 404.
    References: standards.md §1.2 D15-2; §2.3 D19-7 (可用性).
    """
    home = snap.home
    assert home is not None  # guaranteed by needs=home
    return [
        _finding(BROKEN_HOME.id, snap, home, link)
        for _, link, _page in _broken_targets([home], snap)
        if not is_attachment(link.url)
    ]


BROKEN = RuleMeta(
    id="links.broken",
    name_zh="其他页面不可用链接",
    family="links",
    needs=("pages", NEED_CHECKS),
    evidence=EVIDENCE,
    tags=("gb2015:D15-2", "gb2019:D19-7"),
    help_zh="首页以外页面上的链接无法正常访问（同一目标只计一次）。",
)


@rule(BROKEN)
def broken(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """A link on a page other than the home page leads nowhere.

    What it checks: each distinct broken target that is not linked from the home page
        (those count under links.broken_home), with the first page that links it and how
        many pages do; the same failure rules as links.broken_home.
    Why it matters: dead links tell the public that a site is not maintained; 2015 D15-2
        counts them (standards.md §1.2). One finding per target, not per page, because a dead
        link in a shared template is one defect to fix.
    Example: every article of 部门动态 carries a 打印 button whose script /js/print.js is 404.
    References: standards.md §1.2 D15-2.
    """
    home_targets = {ln.url for ln in snap.home.links} if snap.home else set()
    others = [p for p in snap.pages if p is not snap.home]
    return [
        _finding(BROKEN.id, snap, page, link)
        for target, link, page in _broken_targets(others, snap)
        if target not in home_targets and not is_attachment(target)
    ]


ATTACHMENT = RuleMeta(
    id="links.attachment_broken",
    name_zh="附件无法下载",
    family="links",
    needs=("pages", NEED_CHECKS),
    evidence=EVIDENCE,
    tags=("gb2015:D15-9",),
    help_zh="办事表格、文件等附件（pdf/doc/xls/zip等）无法正常下载。",
)


@rule(ATTACHMENT)
def attachment_broken(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """An attachment (form, document, archive) cannot be downloaded.

    What it checks: link targets whose path ends in a document extension (.pdf .doc .docx
        .xls .xlsx .zip .rar .wps .ofd …) that failed their check, including those answered
        with an HTML error page instead of the file. Counted wherever linked, home page
        included.
    Why it matters: 2015 D15-9 asks whether "所需的办事表格、文件附件等资料能否正常下载"
        (standards.md §1.2, grade B); a form that cannot be downloaded blocks the service.
    Example: 申请表.doc answers 200 with a page saying 文件不存在.
    References: standards.md §1.2 D15-9.
    """
    return [
        _finding(ATTACHMENT.id, snap, page, link)
        for target, link, page in _broken_targets(snap.pages, snap)
        if is_attachment(target)
    ]
