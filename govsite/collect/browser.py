"""The opt-in browser pass (`--browser`): axe-core, a screenshot and a 375 px render check.

Markup alone cannot show contrast, CSS-hidden elements or what scripts add, so after the crawl
a sample of the site's pages (home, the pages one click from it, then deeper ones) is opened in
one shared headless Chromium driven by Playwright, and axe-core is run on each. Chromium is the
system's (`/usr/bin/chromium`, Debian package): Playwright's own browser download is never used,
because machines here cannot fetch it.

`--resolve` is honoured with Chromium's `--host-resolver-rules` (`MAP host[:port] ip[:port]`),
which, like curl's --resolve, only changes where sockets go: URL, Host header and SNI are kept.

A missing Chromium, Playwright or axe-core is recorded as `{"error": ...}` in the snapshot so the
rules say not_measured; it never crashes a census and never becomes a finding.
"""

from __future__ import annotations

import asyncio
import base64
import os
import re
import shutil
from pathlib import Path
from typing import Any

from govsite.clock import now_iso
from govsite.collect.resolve import ResolveRule
from govsite.collect.settings import CollectSettings
from govsite.snapshot import Page, SiteSnapshot

CHROMIUM_ARGS = ("--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage")
# axe's WCAG 2.0/2.1/2.2 A and AA tags: what GB/T 37668-2019 references (standards.md §4.1).
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
MAX_NODES = 20  # per rule and page: the 21st node of one rule adds nothing a reader acts on
MAX_HTML = 300
DESKTOP_WIDTH = 1280
DESKTOP_HEIGHT = 800
MOBILE_WIDTH = 375
MOBILE_HEIGHT = 800
SCREENSHOT_MAX_HEIGHT = 6000
SCREENSHOT_MAX_BYTES = 500_000
SCREENSHOT_QUALITIES = (70, 50, 35, 20)
ERROR_CHROMIUM_MISSING = "chromium_missing"
ERROR_PLAYWRIGHT_MISSING = "playwright_missing"
ERROR_AXE_MISSING = "axe_missing"
ERROR_LAUNCH = "launch_failed"
_WCAG_SC = re.compile(r"^wcag(\d)(\d)(\d+)$")

# The page-side script: run axe and keep only what the snapshot stores, so a page with 5,000
# failing nodes does not ship megabytes back over the DevTools pipe.
_RUN_AXE = """async ([tags, maxNodes, maxHtml]) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                     resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, tags: v.tags,
    node_count: v.nodes.length,
    nodes: v.nodes.slice(0, maxNodes).map(n => ({target: n.target.map(String).join(' '),
                                                 html: (n.html || '').slice(0, maxHtml),
                                                 impact: n.impact}))}));
}"""


def axe_source_path() -> Path | None:
    """axe.min.js from the repo's node_modules (make install), or $GOVSITE_AXE_JS."""
    env = os.environ.get("GOVSITE_AXE_JS")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js")
    return next((p for p in candidates if p.is_file()), None)


def wcag_criteria(tags: list[str]) -> list[str]:
    """axe tags → WCAG success criteria: `wcag143` → `1.4.3`, `wcag1410` → `1.4.10`."""
    out = []
    for tag in tags:
        m = _WCAG_SC.match(tag)
        if m:
            out.append(".".join(m.groups()))
    return out


def host_resolver_rules(rules: list[ResolveRule]) -> str:
    """--resolve specs as Chromium's `--host-resolver-rules` value (same semantics as curl)."""
    parts = []
    # Port-specific rules first: Chromium applies the first matching rule.
    for rule in sorted(rules, key=lambda r: r.port is None):
        pattern = f"{rule.host}:{rule.port}" if rule.port else rule.host
        ip = f"[{rule.ip}]" if ":" in rule.ip else rule.ip
        parts.append(f"MAP {pattern} {ip}:{rule.to_port}" if rule.to_port else f"MAP {pattern} {ip}")
    return ", ".join(parts)


def sample_pages(snap: SiteSnapshot, limit: int, articles: int) -> list[Page]:
    """Home, then each column's first list page, then `articles` article pages spread evenly.

    A site's pages share a handful of templates (home, list, article); this sample shows each
    template and every column's own content once. A site whose URLs follow no scheme
    `rules.pages` knows gives home and then the pages nearest to it. Same crawl, same sample (everything is in
    URL order), capped at `limit` because each page costs a browser load plus an axe run (~1 s).
    """
    from govsite.rules.columns import column_entry_pages
    from govsite.rules.pages import ROLE_ARTICLE, page_role

    home = [snap.home] if snap.home is not None and snap.home.ok else []
    columns = [p for p in column_entry_pages(snap) if p is not snap.home]
    found = sorted((p for p in snap.pages if p.ok and p.html is not None
                    and page_role(p, snap) == ROLE_ARTICLE), key=lambda p: p.url)
    picked: list[Page] = []
    if articles > 0 and found:
        step = len(found) / min(articles, len(found))
        picked = [found[int(i * step)] for i in range(min(articles, len(found)))]
    if not columns and not picked:
        # URLs in no known scheme: the pages nearest the home page stand for its templates.
        picked = sorted((p for p in snap.pages if p.ok and p.html is not None
                         and p is not snap.home),
                        key=lambda p: (p.depth if p.depth is not None else 99, p.url))
    return (home + columns + picked)[:max(1, limit)]


def _error(code: str, detail: str) -> dict[str, Any]:
    return {"error": code, "detail": detail, "pages": [], "screenshot": None, "mobile": None}


class BrowserAudit:
    """One headless Chromium shared by every site of a run; `run(snap)` audits one site."""

    def __init__(self, settings: CollectSettings, rules: list[ResolveRule]) -> None:
        self.settings = settings
        self._rules = rules
        self._pw: Any = None
        self._browser: Any = None
        self._failed: dict[str, Any] | None = None
        self._lock = asyncio.Lock()
        self._slots = asyncio.Semaphore(max(1, settings.browser_concurrency))
        self._axe: str | None = None

    async def _start(self) -> dict[str, Any] | None:
        """Launch Chromium once; return the error record when it cannot run here."""
        async with self._lock:
            if self._browser is not None or self._failed is not None:
                return self._failed
            exe = self.settings.chromium_path
            if not (os.path.isfile(exe) or shutil.which(exe)):
                self._failed = _error(ERROR_CHROMIUM_MISSING, f"未找到 Chromium：{exe}")
                return self._failed
            axe_path = axe_source_path()
            if axe_path is None:
                self._failed = _error(ERROR_AXE_MISSING, "未找到 axe-core（请运行 make install）")
                return self._failed
            self._axe = axe_path.read_text(encoding="utf-8")
            try:
                from playwright.async_api import async_playwright
            except ImportError:
                self._failed = _error(ERROR_PLAYWRIGHT_MISSING, "未安装 playwright（pip install playwright）")
                return self._failed
            args = list(CHROMIUM_ARGS)
            if self._rules:
                args.append(f"--host-resolver-rules={host_resolver_rules(self._rules)}")
            try:
                self._pw = await async_playwright().start()
                self._browser = await self._pw.chromium.launch(
                    executable_path=exe, headless=True, args=args)
            except Exception as exc:  # noqa: BLE001  (any launch failure means: not measured)
                await self.close()
                self._failed = _error(ERROR_LAUNCH, f"Chromium 启动失败：{exc}"[:500])
            return self._failed

    async def close(self) -> None:
        """Close Chromium and the Playwright driver (idempotent)."""
        if self._browser is not None:
            await self._browser.close()
            self._browser = None
        if self._pw is not None:
            await self._pw.stop()
            self._pw = None

    async def run(self, snap: SiteSnapshot) -> dict[str, Any]:
        """The browser record of one site (see `SiteSnapshot.browser`)."""
        failed = await self._start()
        if failed is not None:
            return dict(failed)
        sample = sample_pages(snap, self.settings.browser_pages, self.settings.browser_articles)
        results = await asyncio.gather(*(self._audit_page(p.final_url) for p in sample))
        home_url = snap.home.final_url if snap.home is not None else snap.site.url
        screenshot, mobile = await asyncio.gather(self._screenshot(home_url), self._mobile(home_url))
        return {"error": None, "detail": "", "tags": list(AXE_TAGS), "pages": list(results),
                "screenshot": screenshot, "mobile": mobile}

    async def _context(self, width: int, height: int) -> Any:
        # bypass_csp: a site's CSP would otherwise refuse the injected axe script.
        return await self._browser.new_context(
            viewport={"width": width, "height": height}, bypass_csp=True,
            ignore_https_errors=True, user_agent=self.settings.user_agent, locale="zh-CN")

    async def _goto(self, page: Any, url: str) -> Any:
        """Load `url`; returns Playwright's main-frame response (None for same-page URLs)."""
        timeout = self.settings.timeout_s * 1000
        return await page.goto(url, wait_until="load", timeout=timeout)

    async def _audit_page(self, url: str) -> dict[str, Any]:
        async with self._slots:
            ctx = await self._context(DESKTOP_WIDTH, DESKTOP_HEIGHT)
            try:
                page = await ctx.new_page()
                await self._goto(page, url)
                await page.add_script_tag(content=self._axe)
                violations = await page.evaluate(_RUN_AXE, [list(AXE_TAGS), MAX_NODES, MAX_HTML])
                for v in violations:
                    v["wcag"] = wcag_criteria(v["tags"])
                return {"url": url, "error": None, "violations": violations}
            except Exception as exc:  # noqa: BLE001  (one page failing is recorded, not raised)
                return {"url": url, "error": f"{type(exc).__name__}: {exc}"[:300], "violations": []}
            finally:
                await ctx.close()

    async def screenshots(self, urls: list[str]) -> list[dict[str, Any]]:
        """Full-page captures of `urls` (evidence for findings), one record each, in order.

        A browser that cannot run here gives records with the reason instead of pictures, so
        the report can say why a finding has none.
        """
        failed = await self._start()
        if failed is not None:
            return [{"url": url, "taken_at": now_iso(), "error": failed["detail"]} for url in urls]
        return list(await asyncio.gather(*(self._screenshot(url) for url in urls)))

    async def _screenshot(self, url: str) -> dict[str, Any]:
        """JPEG of a page as loaded, 1280 wide, at most 6000 px tall and ~500 KB (base64).

        `taken_at` is when the page was loaded: with the URL it is what 截图取证 asks for.
        A page that will not load gives `{"url", "taken_at", "error"}` and no picture.
        """
        async with self._slots:
            ctx = await self._context(DESKTOP_WIDTH, DESKTOP_HEIGHT)
            taken_at = now_iso()
            try:
                page = await ctx.new_page()
                response = await self._goto(page, url)
                height = await page.evaluate("document.documentElement.scrollHeight")
                height = max(1, min(int(height), SCREENSHOT_MAX_HEIGHT))
                clip = {"x": 0, "y": 0, "width": DESKTOP_WIDTH, "height": height}
                data = b""
                for quality in SCREENSHOT_QUALITIES:
                    data = await page.screenshot(type="jpeg", quality=quality, clip=clip,
                                                 full_page=True)
                    if len(data) <= SCREENSHOT_MAX_BYTES:
                        break
                return {"url": url, "taken_at": taken_at,
                        "status": response.status if response is not None else None,
                        "mime": "image/jpeg", "width": DESKTOP_WIDTH, "height": height,
                        "bytes": len(data), "data": base64.b64encode(data).decode("ascii")}
            except Exception as exc:  # noqa: BLE001  (no screenshot is a gap, not a failure)
                return {"url": url, "taken_at": taken_at,
                        "error": f"{type(exc).__name__}: {exc}"[:300]}
            finally:
                await ctx.close()

    async def _mobile(self, url: str) -> dict[str, Any] | None:
        """Render the home page 375 px wide: does it scroll sideways (horizontal overflow)?"""
        async with self._slots:
            ctx = await self._context(MOBILE_WIDTH, MOBILE_HEIGHT)
            try:
                page = await ctx.new_page()
                await self._goto(page, url)
                width = await page.evaluate("document.documentElement.scrollWidth")
                return {"url": url, "width": MOBILE_WIDTH, "scroll_width": int(width),
                        "overflow": int(width) > MOBILE_WIDTH}
            except Exception as exc:  # noqa: BLE001
                return {"url": url, "width": MOBILE_WIDTH, "scroll_width": None, "overflow": None,
                        "error": f"{type(exc).__name__}: {exc}"[:300]}
            finally:
                await ctx.close()
