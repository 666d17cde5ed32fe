"""Exposed files and content (敏感文件, 目录浏览, 混合内容): what a site serves that it should not.

Judges the fixed list of paths `collect/security.py` requested and the crawled pages; shares
the probe record and references with `security.py`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from govsite.findings import Finding
from govsite.rules.base import NEED_PAGES, RuleContext, RuleMeta, rule
from govsite.rules.security import (
    IIS_LISTING,
    LISTING_HEADINGS,
    MIXED_TAGS,
    REFS,
    _security,
)
from govsite.snapshot import Page, SiteSnapshot

SENSITIVE_FILE = RuleMeta(
    id="security.sensitive_file",
    name_zh="敏感文件暴露（.git、备份包…）",
    family="security",
    needs=(NEED_PAGES,),
    evidence=("path", "status", "content_type", "marker", "head"),
    tags=REFS,
    help_zh="版本库文件、备份压缩包、环境配置、phpinfo 等敏感文件可被公开下载。",
)


@rule(SENSITIVE_FILE)
def sensitive_file(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """A source-control, backup or configuration file is publicly readable.

    What it checks: the probe's one GET per fixed path on the site's own host (/.git/HEAD,
        /.svn/entries, /.env, /www.zip, /wwwroot.zip, /backup.zip, /web.rar, /phpinfo.php,
        /.DS_Store, /WEB-INF/web.xml). A path counts only when it answered 2xx, did not match
        the site's soft-404 page, and its content carries the file's own signature
        (`ref: refs/`, zip magic `PK\\x03\\x04`, `Rar!`, `phpinfo()`, `Bud1`, `<web-app`, KEY=
        lines); a 200 "page not found" never counts.
    Why it matters: an exposed .git or backup archive hands out the site's source code and
        often database passwords; phpinfo shows the server's full configuration.
    Example: /.git/HEAD answers `ref: refs/heads/master`.
    References: standards.md G-18, G-21; GB/T 31506-2022.
    """
    findings = []
    for rec in _security(snap)["paths"]:
        if rec["kind"] != "file" or not _answered(rec) or rec.get("soft404"):
            continue
        hits = [m for m in rec.get("markers", []) if m in rec["expected"]]
        if not hits:
            continue
        findings.append(Finding(
            rule=SENSITIVE_FILE.id, url=rec["url"], target=rec["url"],
            detail=f"敏感文件可公开访问：{rec['path']}（HTTP {rec['status']}，特征 {hits[0]}）",
            evidence={"path": rec["path"], "status": rec["status"],
                      "content_type": rec.get("content_type", ""), "marker": hits[0],
                      "head": rec.get("head", "")[:512]}))
    return findings


def _answered(rec: dict[str, Any]) -> bool:
    status = rec.get("status")
    return status is not None and 200 <= status < 300 and rec.get("error") is None


DIRECTORY_LISTING = RuleMeta(
    id="security.directory_listing",
    name_zh="目录浏览",
    family="security",
    needs=(NEED_PAGES,),
    evidence=("source", "status"),
    tags=REFS,
    help_zh="服务器开启了目录浏览，目录下的文件清单可被任何人查看。",
)


@rule(DIRECTORY_LISTING)
def directory_listing(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """A directory's file list is served to anyone (autoindex).

    What it checks: crawled pages, and the probe's few directories (/upload/, /uploads/,
        /files/, /backup/), whose body is an autoindex listing: "Index of /" (Apache, nginx),
        "[To Parent Directory]" (IIS), "Directory listing for /". One finding per URL.
    Why it matters: a listing exposes files never linked from the site — drafts, backups,
        personal data in uploaded attachments.
    Example: /upload/ answers "Index of /upload/" with 300 .doc files.
    References: standards.md G-18, G-21; GB/T 31506-2022.
    """
    found: dict[str, Finding] = {}
    for page in snap.pages:
        if page.ok and is_listing(page):
            found[page.final_url] = _listing(page.final_url, "crawl", page.status)
    for rec in (snap.security or {}).get("paths", []):
        if rec["kind"] == "dir" and _answered(rec) and "index_of" in rec.get("markers", []):
            url = rec.get("final_url") or rec["url"]
            found.setdefault(url, _listing(url, "probe", rec["status"]))
    return list(found.values())


def is_listing(page: Page) -> bool:
    """Whether a page is an autoindex listing, judged from its parsed title, h1 and text (raw
    HTML would also match a comment or a script that merely mentions "Index of /")."""
    tree = page.tree
    if tree is None:
        return False
    h1 = tree.css_first("h1")
    heads = [page.title, h1.text() if h1 is not None else ""]
    return any(h.strip().lower().startswith(LISTING_HEADINGS) for h in heads) or (
        IIS_LISTING in page.text)


def _listing(url: str, source: str, status: int | None) -> Finding:
    return Finding(rule=DIRECTORY_LISTING.id, url=url, target=url,
                   detail=f"开启了目录浏览：{url}", evidence={"source": source, "status": status})


MIXED_CONTENT = RuleMeta(
    id="security.mixed_content",
    name_zh="混合内容",
    family="security",
    needs=(NEED_PAGES,),
    evidence=("resources", "count"),
    tags=REFS,
    help_zh="HTTPS页面加载了HTTP明文的脚本、样式、框架或图片。",
)


@rule(MIXED_CONTENT)
def mixed_content(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """An https page loads resources over plain http.

    What it checks: every crawled page served over https and its script, stylesheet, icon,
        iframe/frame, img, embed and source elements whose URL is http://. Links (`<a>`) are
        navigation, not loading, and do not count. One finding per page with the first ten
        insecure resources.
    Why it matters: browsers block http scripts, styles and frames on https pages (the page
        breaks) and warn for images; what still loads can be altered on the way.
    Example: https://www.example.gov.cn/ loads http://www.example.gov.cn/js/jquery.js.
    References: standards.md G-18; W3C Mixed Content; GB/T 31506-2022.
    """
    findings = []
    for page in snap.pages:
        if not page.ok or urlsplit(page.final_url).scheme != "https":
            continue
        insecure = list(dict.fromkeys(
            ln.url for ln in page.links
            if ln.tag in MIXED_TAGS and urlsplit(ln.url).scheme == "http"))
        if insecure:
            findings.append(Finding(
                rule=MIXED_CONTENT.id, url=page.final_url, target=insecure[0],
                detail=f"HTTPS页面加载了{len(insecure)}个HTTP资源，如 {insecure[0]}",
                evidence={"resources": insecure[:10], "count": len(insecure)}))
    return findings
