"""暗链/挂马: links, frames and scripts that a page hides from its readers but not from crawlers.

A compromised site typically carries a block of links to gambling or pornography sites that
no visitor sees (display:none, a box moved to left:-9999px, a zero-size box with overflow
hidden, font-size:0, text the colour of its background, a one-pixel marquee, or a container
opened and closed by `document.write`), a zero-size `<iframe>` to a malware host, or a
`<script>` pasted before `<html>` or after `</html>` that redirects visitors coming from search
engines.

What is hidden is read from inline styles, `hidden` attributes, HTML size attributes and the
page's own `<style>` rules (simple selectors: tag, .class, #id and descendant chains; rules
inside @media are left out because they apply only on some screens). External stylesheets
were not collected, so what they hide is not seen: a miss, never a false accusation.

Hidden is not enough. Every site hides its own drop-down menus, share panels and collapsed
lists of sister government sites, so a hidden link is a finding only when its target is
foreign to the site and not a government, education or well-known service host, *and* either
its text, URL or host carries gambling/pornography/spam marks, or it is hidden by a cloaking
trick (off-screen, zero size, same colour, font-size 0, marquee, script-written container) that
menus never use, or it is one of at least `MIN_UNRELATED_IN_CONTAINER` such links in one
hidden container (a link farm), or it is hidden in the same container as a spam link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import yaml

from govsite.content.styles import ORDINARY_HIDING, TINY_PX, PageStyles, css_px
from govsite.content.text import css_path
from govsite.snapshot import Page

# A display:none container with this many links to unrelated foreign hosts is a link farm even
# without spam words (assumption: a menu of unrelated commercial sites is never hidden that way).
MIN_UNRELATED_IN_CONTAINER = 3
TEXT_CHARS = 60

CATEGORY_UNRELATED = "无关外部网站"
CATEGORY_FRAME = "疑似挂马"
CATEGORY_SCRIPT = "外部脚本注入"
CATEGORY_INLINE = "可疑内联脚本"

_HTML_OPEN = re.compile(r"<html[\s>]", re.I)
_HTML_CLOSE = re.compile(r"</html\s*>", re.I)
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
_SRC = re.compile(r"""\bsrc\s*=\s*["']?([^"'\s>]+)""", re.I)
_URL = re.compile(r"https?://[^\s'\"<>)]+", re.I)
_SUSPICIOUS_INLINE = re.compile(
    r"document\.referrer|eval\s*\(\s*function\s*\(\s*p\s*,\s*a\s*,\s*c\s*,\s*k|String\.fromCharCode"
    r"|unescape\s*\(|window\.location|location\.href|document\.write",
    re.I,
)


@dataclass(frozen=True)
class HiddenItem:
    """One dark link, hidden frame or injected script on a page."""

    kind: str  # "link" | "iframe" | "script"
    target: str
    how: str
    category: str
    text: str
    position: str


@dataclass(frozen=True)
class HiddenData:
    trusted_suffixes: tuple[str, ...]
    benign_hosts: tuple[str, ...]
    spam_words: dict[str, tuple[str, ...]]
    spam_host_tokens: dict[str, frozenset[str]]


@cache
def hidden_data() -> HiddenData:
    raw = yaml.safe_load(
        resources.files("govsite.lexicons").joinpath("hidden.yaml").read_text(encoding="utf-8")
    )
    return HiddenData(
        trusted_suffixes=tuple(raw["trusted_suffixes"]),
        benign_hosts=tuple(raw["benign_hosts"]),
        spam_words={k: tuple(str(w).lower() for w in v) for k, v in raw["spam_words"].items()},
        spam_host_tokens={k: frozenset(v) for k, v in raw["spam_host_tokens"].items()},
    )


def registrable(host: str) -> str:
    """The registered domain of a host: bjhd.gov.cn for www.bjhd.gov.cn, example.com otherwise."""
    labels = host.lower().strip(".").split(".")
    if labels[-1].isdigit():
        return host  # an IP address is its own domain
    if len(labels) >= 3 and labels[-2] in ("gov", "com", "org", "net", "edu", "ac") and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


class TargetJudge:
    """Classifies link targets relative to one site."""

    def __init__(self, site_hosts: set[str], spam_words: dict[str, tuple[str, ...]]) -> None:
        self.own = {registrable(h) for h in site_hosts if h}
        self.data = hidden_data()
        self.spam_words = spam_words

    def is_foreign_suspect(self, host: str) -> bool:
        """A host that is not the site's own, nor government/education, nor a known service."""
        host = host.lower()
        if not host or registrable(host) in self.own:
            return False
        if any(host.endswith(s) for s in self.data.trusted_suffixes):
            return False
        return not any(host == b or host.endswith("." + b) for b in self.data.benign_hosts)

    def spam_category(self, host: str, url: str, text: str) -> str | None:
        """赌博/色情/违规推广 when the text, URL or host name carries such marks."""
        haystack = f"{text} {unquote(url)}".lower()
        for category, words in self.spam_words.items():
            if any(w in haystack for w in words):
                return category
        tokens = set(re.split(r"[.\-_0-9]+", host.lower()))
        for category, marks in self.data.spam_host_tokens.items():
            if tokens & marks:
                return category
        return None


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def page_hidden_items(page: Page, judge: TargetJudge) -> list[HiddenItem]:
    """Every dark link, hidden frame and injected script of one page."""
    tree = page.tree
    if tree is None or not page.html:
        return []
    base = page.final_url or page.url
    styles = PageStyles(tree)
    items: list[HiddenItem] = []
    unrelated: dict[int, list[HiddenItem]] = {}
    # Containers that hide a gambling/porn/spam link: an unknown foreign link hidden beside it
    # belongs to the same injected block.
    flagged_containers: list[tuple[int, bool]] = []
    for anchor in tree.css("a[href], area[href]"):
        href = (anchor.attributes.get("href") or "").strip()
        if not href.lower().startswith(("http:", "https:", "//")) and "://" not in href:
            continue  # relative, javascript:, mailto: — the site's own or not a link
        url = urljoin(base, href)
        host = _host(url)
        if not judge.is_foreign_suspect(host):
            continue
        hidden = styles.hidden(anchor)
        if hidden is None:
            continue
        how, container = hidden
        text = " ".join((anchor.text() or anchor.attributes.get("title") or "").split())[:TEXT_CHARS]
        category = judge.spam_category(host, url, text)
        item = HiddenItem("link", url, how, category or CATEGORY_UNRELATED, text, css_path(anchor))
        if category or not how.startswith(ORDINARY_HIDING):
            items.append(item)
            flagged_containers.append((container.mem_id, bool(category)))
        else:
            unrelated.setdefault(container.mem_id, []).append(item)
    spam_containers = {c for c, how in flagged_containers if how}
    for container, group in unrelated.items():
        if container in spam_containers or (
                len({_host(i.target) for i in group}) >= 2 and len(group) >= MIN_UNRELATED_IN_CONTAINER):
            items.extend(group)
    items.extend(_hidden_frames(tree, base, styles, judge))
    items.extend(_injected_scripts(page.html, base, judge))
    return items


def _hidden_frames(tree: Any, base: str, styles: PageStyles, judge: TargetJudge) -> list[HiddenItem]:
    out = []
    for frame in tree.css("iframe[src], frame[src]"):
        url = urljoin(base, (frame.attributes.get("src") or "").strip())
        host = _host(url)
        if not url.lower().startswith("http") or not judge.is_foreign_suspect(host):
            continue
        attrs = frame.attributes
        how = next(
            (
                f"框架尺寸为0（{n}={attrs[n]}）"
                for n in ("width", "height")
                if (px := css_px(attrs.get(n) or "")) is not None and px <= TINY_PX
            ),
            None,
        )
        if how is None:
            hidden = styles.hidden(frame)
            how = hidden[0] if hidden else None
        if how:
            category = judge.spam_category(host, url, "") or CATEGORY_FRAME
            out.append(HiddenItem("iframe", url, how, category, "", css_path(frame)))
    return out


def _injected_scripts(html: str, base: str, judge: TargetJudge) -> list[HiddenItem]:
    """Scripts outside <html>…</html> (pasted in by an attacker), and spam-host scripts anywhere."""
    opened = _HTML_OPEN.search(html)
    closes = list(_HTML_CLOSE.finditer(html))
    start = opened.start() if opened else 0
    end = closes[-1].end() if closes else len(html)
    out = []
    for match in _SCRIPT.finditer(html):
        outside = match.start() < start or match.start() >= end
        where = "位于<html>之前" if match.start() < start else "位于</html>之后"
        src = _SRC.search(match.group(1))
        if src:
            url = urljoin(base, src.group(1))
            host = _host(url)
            if not judge.is_foreign_suspect(host):
                continue
            category = judge.spam_category(host, url, "")
            if outside or category:
                how = where if outside else "外部脚本（域名或地址含违规特征）"
                out.append(HiddenItem("script", url, how, category or CATEGORY_SCRIPT, "", "script"))
        elif outside and _SUSPICIOUS_INLINE.search(match.group(2)):
            found = _URL.search(match.group(2))
            target = found.group(0) if found else base
            if found and not judge.is_foreign_suspect(_host(target)):
                continue
            out.append(
                HiddenItem(
                    "script",
                    target,
                    f"{where}的内联脚本",
                    CATEGORY_INLINE,
                    " ".join(match.group(2).split())[:TEXT_CHARS],
                    "script",
                )
            )
    return out
