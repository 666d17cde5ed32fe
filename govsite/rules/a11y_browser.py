"""Accessibility and mobile rules judged from the `--browser` pass (axe-core in Chromium).

The static rules (a11y.py) read markup; axe in a real browser also sees applied CSS (contrast),
hidden elements and script-built DOM. Findings use axe's own rule IDs (`a11y.<axe-rule-id>`,
contract §2). Like the static rules, an identical issue on several pages (same rule, selector
and HTML: the site's template) is one finding that lists the pages.

When static and browser rules share an ID, one element must be reported once: an axe node
whose (rule, page, selector) — or (rule, page, html) — the static rule already reported is
skipped (`merge_static`). The static rule stays the owner of its ID and its metadata; the axe
nodes it could not see (an image inserted by a script, a field hidden until a click) are added
to its findings by an extension (`base.extends`) with exactly the static evidence keys, and
only when the browser ran: without it the static rule is judged as before.

Without the browser pass (no `--browser`, or Chromium missing) these rules are not measured,
never a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

import yaml

from govsite.findings import Finding
from govsite.rules import a11y
from govsite.rules.base import (
    NEED_PAGES,
    NotMeasured,
    RuleContext,
    RuleFunc,
    RuleMeta,
    extends,
    rule,
)
from govsite.snapshot import SiteSnapshot

BROWSER_EVIDENCE = ("selector", "html", "wcag", "impact", "help", "pages", "page_count",
                    "truncated")
# Static checks that own an axe ID: an axe node they already reported is not reported again.
STATIC_CHECKS = {
    "image-alt": a11y.images_without_alt,
    "label": a11y.unlabelled_fields,
    "link-name": a11y.unnamed_links,
    "button-name": a11y.unnamed_buttons,
    "html-has-lang": a11y.html_without_lang,
    "document-title": a11y.missing_title,
}
STATIC_METAS = {"image-alt": a11y.IMAGE_ALT, "label": a11y.LABEL, "link-name": a11y.LINK_NAME,
                "button-name": a11y.BUTTON_NAME, "html-has-lang": a11y.HTML_HAS_LANG,
                "document-title": a11y.DOCUMENT_TITLE}


def browser_record(snap: SiteSnapshot) -> dict[str, Any]:
    """The browser pass, or NotMeasured saying why there is none."""
    rec = snap.browser
    if rec is None:
        raise NotMeasured("未启用浏览器检测（--browser）")
    if rec.get("error"):
        raise NotMeasured(f"浏览器检测未能运行（{rec['error']}）：{rec.get('detail', '')}".rstrip("："))
    return rec


Node = tuple[str, dict[str, Any], dict[str, Any]]  # page url, axe violation, one of its nodes


def axe_nodes(rec: dict[str, Any], axe_id: str) -> Iterable[Node]:
    """(page url, violation, node) for every recorded node of one axe rule, page by page."""
    for page in sorted(rec.get("pages", []), key=lambda p: p["url"]):
        for violation in page.get("violations", []):
            if violation["id"] == axe_id:
                for node in violation.get("nodes", []):
                    yield page["url"], violation, node


_BY_ID = re.compile(r"^[a-z0-9]*#([\w-]+)$", re.IGNORECASE)


def selector_key(selector: str) -> str:
    """`img#logo` (ours) and `#logo` (axe) name one element: compare them as `#logo`."""
    m = _BY_ID.match(selector.strip())
    return f"#{m.group(1)}" if m else selector.strip()


@cache
def axe_rules() -> dict[str, dict[str, Any]]:
    """The curated axe rules of data/axe_rules.yaml, by axe ID (loaded once)."""
    text = resources.files("govsite.rules").joinpath("data/axe_rules.yaml").read_text(
        encoding="utf-8")
    return yaml.safe_load(text)["rules"]


def merge_static(snap: SiteSnapshot, axe_id: str, nodes: list[Node]) -> list[Node]:
    """Drop axe nodes a static rule already reported on the same page.

    The static rule is the one with the same ID, or the one a curated rule names in
    `covered_by` (an unlabelled <select> is static `label` and axe `select-name`).
    """
    covered_by = axe_rules().get(axe_id, {}).get("covered_by", axe_id)
    check = STATIC_CHECKS.get(covered_by)
    if check is None:
        return nodes
    try:
        issues = a11y.site_issues(snap, check)
    except NotMeasured:
        return nodes
    seen = {(i.url, selector_key(i.selector)) for i in issues} | {(i.url, i.html) for i in issues}
    return [(url, v, n) for url, v, n in nodes
            if (url, selector_key(n["target"])) not in seen and (url, n["html"]) not in seen]


Group = tuple[tuple[str, str], tuple[dict[str, Any], dict[str, Any], list[str]]]


def template_groups(nodes: list[Node]) -> list[Group]:
    """Nodes grouped by (selector, html), each with the pages it is on, first page first."""
    groups: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any], list[str]]] = {}
    for url, violation, node in nodes:
        _, _, urls = groups.setdefault((node["target"], node["html"]), (violation, node, []))
        if url not in urls:
            urls.append(url)
    return sorted(groups.items(), key=lambda kv: (kv[1][2][0], kv[0]))


def axe_findings(meta: RuleMeta, snap: SiteSnapshot, ctx: RuleContext, axe_id: str,
                 what: str) -> list[Finding]:
    """One finding per distinct (selector, html) across the sampled pages (template dedup)."""
    rec = browser_record(snap)
    ordered = template_groups(merge_static(snap, axe_id, list(axe_nodes(rec, axe_id))))
    limit = int(ctx.option(meta, "max_findings"))
    kept = ordered[:limit]
    findings = []
    for n, ((selector, html), (violation, node, urls)) in enumerate(kept, 1):
        spread = f"（{len(urls)}个页面相同）" if len(urls) > 1 else ""
        impact = node.get("impact") or violation.get("impact") or ""
        findings.append(Finding(
            rule=meta.id, url=urls[0], target=selector,
            detail=f"{what}（axe：{impact}）：{html}{spread}",
            evidence={"selector": selector, "html": html,
                      "wcag": "/".join(violation.get("wcag", [])), "impact": impact,
                      "help": violation.get("help", ""), "pages": urls[:a11y.MAX_LISTED_PAGES],
                      "page_count": len(urls),
                      "truncated": len(ordered) - len(kept) if n == len(kept) else 0}))
    return findings


def static_axe_findings(meta: RuleMeta, snap: SiteSnapshot, ctx: RuleContext,
                        axe_id: str) -> list[Finding]:
    """Axe nodes of a static-owned rule that the static check did not report, as its findings.

    Evidence has exactly the static rule's keys (`a11y.ELEMENT_EVIDENCE`): axe's target is the
    selector and axe's WCAG criteria the wcag (the static rule's own when axe gives none).
    `truncated` and the `max_findings` cap count these browser-only findings on their own.
    No browser record, or one with an error: nothing to add (the owner stays measured).
    """
    rec = snap.browser
    if rec is None or rec.get("error"):
        return []
    ordered = template_groups(merge_static(snap, axe_id, list(axe_nodes(rec, axe_id))))
    kept = ordered[:int(ctx.option(meta, "max_findings"))]
    static_wcag = "/".join(t.split(":", 1)[1] for t in meta.tags if t.startswith("wcag:"))
    findings = []
    for n, ((selector, html), (violation, node, urls)) in enumerate(kept, 1):
        spread = f"（{len(urls)}个页面相同）" if len(urls) > 1 else ""
        impact = node.get("impact") or violation.get("impact") or ""
        findings.append(Finding(
            rule=meta.id, url=urls[0], target=selector,
            detail=f"{meta.name_zh}（浏览器检测，axe：{impact}）：{html}{spread}",
            evidence={"selector": selector, "html": html,
                      "wcag": "/".join(violation.get("wcag", [])) or static_wcag,
                      "pages": urls[:a11y.MAX_LISTED_PAGES], "page_count": len(urls),
                      "truncated": len(ordered) - len(kept) if n == len(kept) else 0}))
    return findings


def _static_extension(axe_id: str) -> RuleFunc:
    """The extension adding browser-only axe nodes to the static rule `a11y.<axe_id>`."""
    meta = STATIC_METAS[axe_id]

    def extra(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
        return static_axe_findings(meta, snap, ctx, axe_id)

    extra.__name__ = f"axe_{axe_id.replace('-', '_')}"
    return extends(meta.id)(extra)


for _axe_id in STATIC_CHECKS:
    _static_extension(_axe_id)


def _meta(axe_id: str, name_zh: str, wcag: str, help_zh: str) -> RuleMeta:
    return RuleMeta(
        id=f"a11y.{axe_id}", name_zh=name_zh, family="a11y", needs=(NEED_PAGES,),
        evidence=BROWSER_EVIDENCE,
        tags=(f"wcag:{wcag}", a11y.GB37668, "spec:§4.1", "axe", "browser"),
        since="0.5", options={"max_findings": a11y.MAX_FINDINGS}, help_zh=help_zh)


COLOR_CONTRAST = _meta("color-contrast", "文字与背景对比度不足", "1.4.3",
                       "文字颜色与背景对比度低于 4.5:1（大号文字 3:1），"
                       "弱视和色弱用户难以阅读（需 --browser）。")


@rule(COLOR_CONTRAST)
def color_contrast(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """Text does not stand out enough from its background.

    What it checks: axe-core's color-contrast rule in headless Chromium (`--browser`): text
        whose computed colour contrast with its background is below 4.5:1 (3:1 for large text).
        Needs applied CSS, so markup alone cannot tell; without the browser pass: not measured.
    Why it matters: light-grey text on white, common in gov site footers and dates, is
        unreadable for citizens with low vision (WCAG 1.4.3 Contrast (Minimum), referenced by
        GB/T 37668-2019).
    Example: `<span style="color:#bbb">发布日期：2026-11-20</span>` on a white page.
    References: WCAG 2.x SC 1.4.3; axe-core rule color-contrast.
    """
    return axe_findings(COLOR_CONTRAST, snap, ctx, "color-contrast", "文字对比度不足")


FRAME_TITLE = _meta("frame-title", "框架缺少标题", "4.1.2",
                    "iframe/frame 没有 title 等可访问名称，读屏用户无法知道框架内容（需 --browser）。")


@rule(FRAME_TITLE)
def frame_title(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """An iframe has no accessible name.

    What it checks: axe-core's frame-title rule in headless Chromium (`--browser`): every
        visible iframe/frame has a title, aria-label or aria-labelledby. Without the browser
        pass: not measured.
    Why it matters: gov pages embed maps, video and 智能问答 widgets in iframes; a screen
        reader announces an unnamed one only as "frame" (WCAG 4.1.2 Name, Role, Value).
    Example: `<iframe src="https://map.example.cn/embed"></iframe>` on the 联系我们 page.
    References: WCAG 2.x SC 4.1.2; axe-core rule frame-title.
    """
    return axe_findings(FRAME_TITLE, snap, ctx, "frame-title", "框架缺少标题")


def _curated_rule(axe_id: str, data: dict[str, Any]) -> RuleMeta:
    """Register `a11y.<axe_id>` from its data/axe_rules.yaml entry (preview, needs --browser).

    Why generated: these rules differ only in data (name, criterion, one line of why); the
    logic is axe's and `axe_findings` is shared, so a function per rule would repeat itself.
    The docstring is built in the ruff-style sections docs/rules.md renders.
    """
    wcag = str(data["wcag"])
    meta = RuleMeta(
        id=f"a11y.{axe_id}", name_zh=data["name_zh"], family="a11y", needs=(NEED_PAGES,),
        evidence=BROWSER_EVIDENCE,
        tags=(f"wcag:{wcag}", a11y.GB37668, "spec:§4.1", "axe", "browser"), since="0.6",
        status="preview", options={"max_findings": a11y.MAX_FINDINGS},
        help_zh=f"{data['why']}（需 --browser，预览）")

    def check(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
        return axe_findings(meta, snap, ctx, axe_id, data["name_zh"])

    check.__name__ = check.__qualname__ = f"axe_{axe_id.replace('-', '_')}"
    covered = (f" Elements the static a11y.{data['covered_by']} already reports are skipped."
               if data.get("covered_by") else "")
    check.__doc__ = (
        f"{data['name_zh']} (axe-core {axe_id}, preview).\n\n"
        f"What it checks: axe-core's {axe_id} rule in headless Chromium (`--browser`), one\n"
        f"    finding per distinct element across the sampled pages.{covered} Without the\n"
        f"    browser pass: not measured.\n"
        f"Why it matters: {data['why']} (WCAG {wcag}).\n"
        f"Example: `{data['example']}`\n"
        f"References: WCAG 2.x SC {wcag}; axe-core rule {axe_id}; data/axe_rules.yaml.\n")
    rule(meta)(check)
    return meta


CURATED = {axe_id: _curated_rule(axe_id, data) for axe_id, data in axe_rules().items()}


OVERFLOW_375 = RuleMeta(
    id="mobile.overflow_375",
    name_zh="手机宽度下页面横向溢出",
    family="mobile",
    needs=(NEED_PAGES,),
    evidence=("page", "width", "scroll_width"),
    tags=("spec:G-18", "GB/T 31506-2022", "wcag:1.4.10", "browser"),
    since="0.5",
    help_zh="首页在 375 像素宽的手机屏幕上需要左右滚动才能看全（提示性，需 --browser）。",
)


@rule(OVERFLOW_375)
def overflow_375(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The home page scrolls sideways on a 375 px wide phone screen.

    What it checks: the home page rendered in headless Chromium 375 px wide (`--browser`);
        `document.documentElement.scrollWidth` above 375 means horizontal overflow.
        Informational, like mobile.no_viewport. Without the browser pass: not measured.
    Why it matters: a fixed 1000 px table layout forces citizens on phones to pan both ways
        to read a line (WCAG 1.4.10 Reflow).
    Example: `<div style="width:1000px">` wrapping the whole home page.
    References: WCAG 2.1 SC 1.4.10; standards.md G-18.
    """
    rec = browser_record(snap)
    mobile = rec.get("mobile")
    if not mobile or mobile.get("overflow") is None:
        raise NotMeasured("手机宽度渲染未完成")
    if not mobile["overflow"]:
        return []
    return [Finding(rule=OVERFLOW_375.id, url=mobile["url"],
                    detail=f"首页在 {mobile['width']}px 宽度下内容宽 {mobile['scroll_width']}px，需横向滚动",
                    evidence={"page": mobile["url"], "width": mobile["width"],
                              "scroll_width": mobile["scroll_width"]})]
