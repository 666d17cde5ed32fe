"""What a page's own markup and `<style>` rules do to hide an element (for 暗链 detection).

Inline styles, `hidden` attributes, HTML size attributes, marquee tricks, containers opened
and closed by `document.write`, and the page's `<style>` rules with simple selectors (tag,
.class, #id and descendant chains; @media rules are left out because they apply only on some
screens). External stylesheets are not collected, so what they hide is not seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# How far off-screen an element must be moved to count as hidden (px; 1em taken as 16px).
OFFSCREEN_PX = -500
TINY_PX = 1.0
MARQUEE_FAST = 500

HOW_DISPLAY = "display:none"
HOW_VISIBILITY = "visibility:hidden"
HOW_ATTRIBUTE = "hidden属性"
# Ways of hiding that menus and widgets use legitimately; all other ways are cloaking.
ORDINARY_HIDING = (HOW_DISPLAY, HOW_VISIBILITY, HOW_ATTRIBUTE)


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


def css_px(value: str) -> float | None:
    """A CSS or HTML length in px (1em = 16px), None when there is no number."""
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
    size = css_px(decls.get("font-size", ""))
    if size is not None and size <= TINY_PX:
        return "font-size:0（字号为0）"
    if decls.get("position", "") in ("absolute", "fixed"):
        for prop in ("left", "top", "right", "bottom", "margin-left", "margin-top"):
            offset = css_px(decls.get(prop, ""))
            if offset is not None and offset <= OFFSCREEN_PX:
                return f"移出可视区域（{prop}:{decls[prop]}）"
    indent = css_px(decls.get("text-indent", ""))
    if indent is not None and indent <= OFFSCREEN_PX:
        return f"移出可视区域（text-indent:{decls['text-indent']}）"
    if decls.get("overflow", "").startswith("hidden"):
        for prop in ("height", "width", "max-height", "max-width"):
            px = css_px(decls.get(prop, ""))
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
        px = css_px(attrs.get(name) or "")
        if px is not None and px <= TINY_PX:
            return f"marquee尺寸为0（{name}={attrs[name]}）"
    speed = css_px(attrs.get("scrollamount") or "")
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
