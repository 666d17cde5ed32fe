"""Accessible names, hiding and element addresses, as far as static markup shows them.

A simplified reading of W3C accname 1.2 for the static accessibility rules (`rules/a11y.py`):
aria-labelledby, aria-label, the element's own label source (alt, value, <label>), its
content for roles named from content (links, buttons), then title/placeholder. No CSS is
applied and no script runs, so content hidden by a style sheet, or built by JavaScript, is
invisible here; only markup-level hiding (the hidden attribute, aria-hidden, inline
display:none / visibility:hidden) is honoured. The browser/axe part (`--browser`) sees more.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
SIMPLE_NAME = re.compile(r"^[A-Za-z_][\w-]*$")
# Elements whose content is never read out as a name.
SILENT_TAGS = frozenset({"script", "style", "template", "noscript", "head"})
# Form controls inside a name's content give their value, not their markup: a <select> its
# chosen option, a <textarea> nothing (its default text is not a label; axe label fail12).
VALUE_TAGS = frozenset({"select", "textarea"})
MAX_SELECTOR = 120
MAX_SNIPPET = 120
SELECTOR_DEPTH = 4  # ancestors walked for an id-less element: short, and unique enough


def squash(text: str) -> str:
    """Whitespace folded (str.split also folds &nbsp;, which sites use as padding)."""
    return " ".join(text.split())


def attr(node: LexborNode, name: str) -> str:
    """An attribute's value, '' when absent or valueless."""
    return node.attributes.get(name) or ""


def role(node: LexborNode) -> str:
    """The first token of the role attribute (browsers use the first one they know)."""
    tokens = attr(node, "role").lower().split()
    return tokens[0] if tokens else ""


def presentational(node: LexborNode) -> bool:
    """role=presentation/none that holds: ARIA drops it on a focusable element or one with
    global ARIA attributes (presentational role conflict resolution)."""
    if role(node) not in ("presentation", "none") or "tabindex" in node.attributes:
        return False
    return not any(name.startswith("aria-") and name != "aria-hidden"
                   for name in node.attributes)


def self_hidden(node: LexborNode) -> bool:
    """Hidden by its own markup: hidden attribute, aria-hidden=true, inline hiding style."""
    attrs = node.attributes
    return ("hidden" in attrs or attr(node, "aria-hidden").strip().lower() == "true"
            or bool(HIDING_STYLE.search(attr(node, "style"))))


def is_hidden(node: LexborNode) -> bool:
    """Hidden from assistive technology by the node's or an ancestor's markup."""
    current: LexborNode | None = node
    while current is not None and current.is_element_node:
        if self_hidden(current) or current.tag in SILENT_TAGS:
            return True
        current = current.parent
    return False


class NameIndex:
    """Per-page lookups accname needs: elements by id, <label for> by id."""

    def __init__(self, tree: LexborHTMLParser) -> None:
        self.by_id: dict[str, LexborNode] = {}
        self.labels_for: dict[str, list[LexborNode]] = {}
        for node in tree.css("[id]"):
            self.by_id.setdefault(attr(node, "id"), node)
        for label in tree.css("label[for]"):
            self.labels_for.setdefault(attr(label, "for"), []).append(label)


def content_text(node: LexborNode, *, skip: int | None = None) -> str:
    """The name a subtree gives by its content: text, image alts, nested aria-labels.

    `skip` is the mem_id of the control being labelled: a <select> wrapped in its own
    <label> is not named by its chosen option.
    """
    parts: list[str] = []
    for child in node.iter(include_text=True):
        if child.is_text_node:
            parts.append(child.text(deep=False) or "")
        elif (not child.is_element_node or child.tag in SILENT_TAGS or self_hidden(child)
              or child.mem_id == skip):
            continue
        elif child.tag in VALUE_TAGS:
            chosen = child.css_first("option[selected]") or child.css_first("option")
            parts.append(chosen.text() if child.tag == "select" and chosen is not None else "")
        elif squash(attr(child, "aria-label")):
            parts.append(attr(child, "aria-label"))
        elif child.tag in ("img", "area") or (child.tag == "input"
                                               and attr(child, "type").lower() == "image"):
            parts.append(attr(child, "alt") or attr(child, "title"))
        elif child.tag == "svg":
            title = child.css_first("title")
            parts.append(title.text() if title is not None else "")
        else:
            parts.append(content_text(child, skip=skip))
    return squash(" ".join(parts))


def _labelledby(node: LexborNode, index: NameIndex) -> str:
    """aria-labelledby: the referenced elements' content, hidden or not (accname 2B)."""
    found = (index.by_id.get(ref) for ref in attr(node, "aria-labelledby").split())
    return squash(" ".join(content_text(ref) or attr(ref, "aria-label") for ref in found if ref))


def _label_text(node: LexborNode, index: NameIndex) -> str:
    """Text of a <label for=id> or of a wrapping <label> (HTML-AAM for form fields)."""
    # A label hidden by markup names nothing (axe label fail7).
    texts = [content_text(label, skip=node.mem_id)
             for label in index.labels_for.get(attr(node, "id"), []) if not is_hidden(label)]
    parent = node.parent
    while parent is not None and parent.is_element_node:
        if parent.tag == "label":
            texts.append(content_text(parent, skip=node.mem_id))
            break
        parent = parent.parent
    return squash(" ".join(texts))


def accessible_name(node: LexborNode, index: NameIndex, *, from_content: bool) -> str:
    """The element's accessible name ('' when it has none), by accname's order of sources.

    Form fields also accept placeholder, as axe's `label` rule does (non-empty-placeholder):
    browsers expose it as the name when nothing else is there.
    """
    for name in (_labelledby(node, index), squash(attr(node, "aria-label"))):
        if name:
            return name
    tag = node.tag
    kind = attr(node, "type").lower()
    if tag == "img" or (tag == "input" and kind == "image"):
        own = squash(attr(node, "alt"))
    elif tag == "input" and kind in ("button", "submit", "reset"):
        own = squash(attr(node, "value"))
        if not own and kind != "button" and "value" not in node.attributes:
            own = "提交" if kind == "submit" else "重置"  # the browser's default caption
    elif tag in ("input", "select", "textarea", "button"):
        own = _label_text(node, index)
    else:
        own = ""
    if not own and from_content:
        own = content_text(node)
    if not own and tag in ("input", "textarea"):
        own = squash(attr(node, "placeholder"))
    return own or squash(attr(node, "title"))


def _segment(node: LexborNode) -> str:
    """tag + up to two classes + :nth-of-type when the parent has siblings of that tag."""
    seg = node.tag or ""
    classes = [c for c in attr(node, "class").split() if SIMPLE_NAME.match(c)][:2]
    seg += "".join(f".{c}" for c in classes)
    parent = node.parent
    if parent is not None:
        same = [c for c in parent.iter() if c.tag == node.tag]
        if len(same) > 1:
            position = next(i for i, c in enumerate(same, 1) if c.mem_id == node.mem_id)
            seg += f":nth-of-type({position})"
    return seg


def css_selector(node: LexborNode) -> str:
    """A short, unique-ish CSS selector: tag#id, else a child path of up to 4 steps.

    The path stops at the nearest ancestor with an id, so `div#footer > ul > li:nth-of-type(3)
    > a` stays stable when unrelated parts of a template change.
    """
    steps: list[str] = []
    current: LexborNode | None = node
    while current is not None and current.is_element_node and len(steps) < SELECTOR_DEPTH:
        ident = attr(current, "id")
        if ident and SIMPLE_NAME.match(ident):
            steps.insert(0, f"{current.tag}#{ident}")
            break
        steps.insert(0, _segment(current))
        if current.tag in ("html", "body"):
            break
        current = current.parent
    selector = " > ".join(steps)
    while len(selector) > MAX_SELECTOR and len(steps) > 1:
        steps.pop(0)
        selector = " > ".join(steps)
    return selector[:MAX_SELECTOR]


def opening_tag(node: LexborNode) -> str:
    """`<tag attr="v">` rebuilt from the attributes (for <html>, whose outer HTML is the page)."""
    attrs = "".join(f' {k}="{v}"' if v is not None else f" {k}"
                    for k, v in node.attributes.items())
    return f"<{node.tag}{attrs}>"[:MAX_SNIPPET]


def snippet(node: LexborNode) -> str:
    """About 120 characters of the element's outer HTML, whitespace folded."""
    return squash(node.html or "")[:MAX_SNIPPET]
