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

from govsite.content.text import css_path
from govsite.snapshot import Page

# A display:none container with this many links to unrelated foreign hosts is a link farm even
# without spam words (assumption: a menu of unrelated commercial sites is never hidden that way).
MIN_UNRELATED_IN_CONTAINER = 3
# How far off-screen an element must be moved to count as hidden (px; 1em taken as 16px).
OFFSCREEN_PX = -500
TINY_PX = 1.0
MARQUEE_FAST = 500
TEXT_CHARS = 60

HOW_DISPLAY = "display:none"
HOW_VISIBILITY = "visibility:hidden"
HOW_ATTRIBUTE = "hidden属性"
# Ways of hiding that menus and widgets use legitimately; all other ways are cloaking.
ORDINARY_HIDING = (HOW_DISPLAY, HOW_VISIBILITY, HOW_ATTRIBUTE)

CATEGORY_UNRELATED = "无关外部网站"
CATEGORY_FRAME = "疑似挂马"
CATEGORY_SCRIPT = "外部脚本注入"
CATEGORY_INLINE = "可疑内联脚本"

_NUMBER = re.compile(r"(-?\d*\.?\d+)\s*(px|em|rem|pt|%)?")
_COLOR_NAMES = {
    "white": "#ffffff",
    "black": "#000000",
    "red": "#ff0000",
    "blue": "#0000ff",
    "green": "#008000",
    "yellow": "#ffff00",
    "gray": "#808080",
    "grey": "#808080",
    "silver": "#c0c0c0",
    "transparent": "transparent",
}
_HEX = re.compile(r"#([0-9a-f]{3}|[0-9a-f]{6})\b")
_RGB = re.compile(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_COMPOUND = re.compile(r"^([a-z][a-z0-9]*)?((?:[.#][\w-]+)*)$", re.I)
_WRITE_HIDDEN = re.compile(
    r"document\.write(?:ln)?\s*\(\s*['\"]\s*<(?:div|span|p|marquee|ul)\b[^>]*?"
    r"(display\s*:\s*none|visibility\s*:\s*hidden|(?:left|top)\s*:\s*-\d{3,}|(?:height|width)\s*:\s*0)",
    re.I,
)
_WRITE_CLOSE = re.compile(r"document\.write(?:ln)?\s*\(\s*['\"]\s*</", re.I)
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


def _px(value: str) -> float | None:
    match = _NUMBER.search(value)
    if not match:
        return None
    number = float(match.group(1))
    return number * 16 if match.group(2) in ("em", "rem") else number


def declarations(style: str) -> dict[str, str]:
    """`prop: value; …` as a dict of lower-case properties and values (!important dropped)."""
    out: dict[str, str] = {}
    for part in style.split(";"):
        prop, sep, value = part.partition(":")
        if sep:
            out[prop.strip().lower()] = value.replace("!important", "").strip().lower()
    return out


def hiding(decls: dict[str, str]) -> str | None:
    """How a set of declarations hides its element, in words a report reader understands."""
    if decls.get("display", "").startswith("none"):
        return HOW_DISPLAY
    if decls.get("visibility", "").startswith("hidden"):
        return HOW_VISIBILITY
    if decls.get("opacity", "").strip() in ("0", "0.0", ".0"):
        return "opacity:0（完全透明）"
    size = _px(decls.get("font-size", ""))
    if size is not None and size <= TINY_PX:
        return "font-size:0（字号为0）"
    if decls.get("position", "") in ("absolute", "fixed"):
        for prop in ("left", "top", "right", "bottom", "margin-left", "margin-top"):
            offset = _px(decls.get(prop, ""))
            if offset is not None and offset <= OFFSCREEN_PX:
                return f"移出可视区域（{prop}:{decls[prop]}）"
    indent = _px(decls.get("text-indent", ""))
    if indent is not None and indent <= OFFSCREEN_PX:
        return f"移出可视区域（text-indent:{decls['text-indent']}）"
    if decls.get("overflow", "").startswith("hidden"):
        for prop in ("height", "width", "max-height", "max-width"):
            px = _px(decls.get(prop, ""))
            if px is not None and px <= TINY_PX:
                return f"尺寸为0且overflow:hidden（{prop}:{decls[prop]}）"
    return None


def _color(value: str) -> str | None:
    value = value.lower()
    hexed = _HEX.search(value)
    if hexed:
        digits = hexed.group(1)
        return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)
    rgb = _RGB.search(value)
    if rgb:
        return "#" + "".join(f"{int(x):02x}" for x in rgb.groups())
    for word in value.replace(",", " ").split():
        if word in _COLOR_NAMES:
            return _COLOR_NAMES[word]
    return None


@dataclass(frozen=True)
class _Rule:
    chain: tuple[tuple[str | None, str | None, frozenset[str]], ...]
    decls: dict[str, str]


def _parse_chain(selector: str) -> tuple[tuple[str | None, str | None, frozenset[str]], ...] | None:
    """A simple descendant selector as (tag, id, classes) steps; None for anything fancier."""
    if any(c in selector for c in ">+~[:*()"):
        return None
    steps = []
    for part in selector.split():
        match = _COMPOUND.match(part)
        if not match or not part:
            return None
        tag = match.group(1).lower() if match.group(1) else None
        ident = None
        classes = set()
        for token in re.findall(r"[.#][\w-]+", match.group(2)):
            if token[0] == "#":
                ident = token[1:]
            else:
                classes.add(token[1:])
        steps.append((tag, ident, frozenset(classes)))
    return tuple(steps) or None


def stylesheet_rules(tree: Any) -> list[_Rule]:
    """Top-level rules of the page's `<style>` elements that hide or colour something."""
    rules = []
    for style in tree.css("style"):
        css = _CSS_COMMENT.sub("", style.text() or "")
        depth, start, body_start, selector = 0, 0, 0, ""
        for brace in re.finditer(r"[{}]", css):
            if brace.group() == "{":
                if depth == 0:
                    selector, body_start = css[start : brace.start()], brace.end()
                depth += 1
            elif depth > 0:
                depth -= 1
                if depth == 0:
                    start = brace.end()
                    if selector.strip().startswith("@"):
                        continue  # @media, @font-face…: conditional or irrelevant
                    decls = declarations(css[body_start : brace.start()])
                    if not (
                        hiding(decls)
                        or "color" in decls
                        or "background" in decls
                        or "background-color" in decls
                    ):
                        continue
                    for sel in selector.split(","):
                        chain = _parse_chain(sel.strip())
                        if chain:
                            rules.append(_Rule(chain, decls))
    return rules


def _step_matches(node: Any, step: tuple[str | None, str | None, frozenset[str]]) -> bool:
    tag, ident, classes = step
    if tag and node.tag != tag:
        return False
    attrs = node.attributes
    if ident and attrs.get("id") != ident:
        return False
    return not classes or classes <= set((attrs.get("class") or "").split())


def _rule_matches(node: Any, rule: _Rule) -> bool:
    if not _step_matches(node, rule.chain[-1]):
        return False
    i = len(rule.chain) - 2
    current = node.parent
    while i >= 0 and current is not None and current.tag not in (None, "html"):
        if _step_matches(current, rule.chain[i]):
            i -= 1
        current = current.parent
    return i < 0


class PageStyles:
    """Computes, for elements of one page, how they are hidden (closest reason first)."""

    def __init__(self, tree: Any) -> None:
        self.rules = stylesheet_rules(tree)
        self.written_hidden = _script_written_hidden(tree)
        self._own: dict[int, str | None] = {}

    def _own_hiding(self, node: Any) -> str | None:
        """How `node` itself (not its ancestors) is hidden, or None."""
        key = node.mem_id
        if key in self._own:
            return self._own[key]
        attrs = node.attributes
        how = None
        if "hidden" in attrs:
            how = HOW_ATTRIBUTE
        if how is None and attrs.get("style"):
            how = hiding(declarations(attrs["style"] or ""))
        if how is None and node.tag == "marquee":
            how = _marquee_hiding(attrs)
        if how is None and key in self.written_hidden:
            how = "脚本写入的隐藏容器（document.write）"
        if how is None:
            for rule in self.rules:
                rule_how = hiding(rule.decls)
                if rule_how and _rule_matches(node, rule):
                    how = f"{rule_how}（样式表）"
                    break
        self._own[key] = how
        return how

    def hidden(self, node: Any) -> tuple[str, Any] | None:
        """(how, the hiding element) for `node` or its nearest hidden ancestor, else None."""
        current = node
        while current is not None and current.tag not in (None, "html", "body"):
            how = self._own_hiding(current)
            if how:
                return how, current
            current = current.parent
        return self._same_colour(node)

    def _same_colour(self, node: Any) -> tuple[str, Any] | None:
        """Text set in the colour of its background (both stated by the page itself)."""
        colour = self._nearest(node, _text_colour)
        background = self._nearest(node, _background_colour)
        if colour and background and colour == background and colour not in ("transparent", "unknown"):
            return f"文字颜色与背景色相同（{colour}）", node
        return None

    def _nearest(self, node: Any, read: Any) -> str | None:
        current = node
        while current is not None and current.tag not in (None, "html"):
            value = read(current, self.rules)
            if value:
                return value
            current = current.parent
        return None


def _marquee_hiding(attrs: dict[str, str | None]) -> str | None:
    for name in ("width", "height"):
        px = _px(attrs.get(name) or "")
        if px is not None and px <= TINY_PX:
            return f"marquee尺寸为0（{name}={attrs[name]}）"
    speed = _px(attrs.get("scrollamount") or "")
    if speed is not None and speed >= MARQUEE_FAST:
        return f"marquee高速滚动（scrollamount={attrs['scrollamount']}）"
    return None


def _text_colour(node: Any, rules: list[_Rule]) -> str | None:
    attrs = node.attributes
    value = declarations(attrs.get("style") or "").get("color")
    if value is None and node.tag == "font":
        value = attrs.get("color")
    if value is None:
        value = next((r.decls["color"] for r in rules if "color" in r.decls and _rule_matches(node, r)), None)
    return _color(value) if value else None


def _background_colour(node: Any, rules: list[_Rule]) -> str | None:
    attrs = node.attributes
    decls = declarations(attrs.get("style") or "")
    value = decls.get("background-color") or decls.get("background") or attrs.get("bgcolor")
    if value is None:
        value = next(
            (
                r.decls.get("background-color") or r.decls.get("background")
                for r in rules
                if ("background-color" in r.decls or "background" in r.decls) and _rule_matches(node, r)
            ),
            None,
        )
    if "background-image" in decls or (value and ("url(" in value or "gradient" in value)):
        return "unknown"  # an image background: its colour cannot be compared
    return _color(value) if value else None


def _script_written_hidden(tree: Any) -> set[int]:
    """Elements between a script that writes a hidden opening tag and the one that closes it."""
    hidden: set[int] = set()
    for script in tree.css("script"):
        if not _WRITE_HIDDEN.search(script.text() or ""):
            continue
        sibling = script.next
        while sibling is not None:
            if sibling.tag == "script" and _WRITE_CLOSE.search(sibling.text() or ""):
                break
            if sibling.tag and not sibling.tag.startswith("-"):
                hidden.add(sibling.mem_id)
            sibling = sibling.next
    return hidden


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
                if (px := _px(attrs.get(n) or "")) is not None and px <= TINY_PX
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
