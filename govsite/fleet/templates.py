"""The three page layouts real district sites are built with.

- `TableLayout`: the old TRS/WCM style, nested `<table>`s, XHTML doctype, no viewport.
- `ListLayout`: `div` boxes with `<ul><li>` lists and bracketed dates.
- `FlexLayout`: HTML5 `header/nav/main/section` with flex `<li>` rows and `<time>` dates.

A layout only knows markup; what goes on a page is decided in `pages.py`. Each layout spells
dates differently (`2026-11-20`, `[2026-11-20]`, `2026年11月20日`) because crawlers meet all three.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape


@dataclass(frozen=True)
class ListItem:
    """One dated entry of a list or home-page block.

    `date_style` overrides the layout's date spelling: "slash" (2026/11/20), "dot" (2026.11.20),
    "short" (11-20 without a year, as many lists print it) or "none" (no date shown).
    """

    title: str
    href: str
    when: date | None = None
    note: str = ""
    date_style: str | None = None


@dataclass(frozen=True)
class Document:
    """Everything a layout needs to write a whole page."""

    title: str
    metas: list[tuple[str, str]]
    charset: str
    charset_via: str
    site_name: str
    toplinks: list[tuple[str, str]]
    nav: list[tuple[str, str]]
    main: str
    footer: list[str]
    search: str = ""


def link(text: str, href: str, **attrs: str) -> str:
    """An `<a>` element; attribute values and text are escaped."""
    extra = "".join(f' {key.rstrip("_")}="{escape(value)}"' for key, value in attrs.items())
    return f'<a href="{escape(href)}"{extra}>{escape(text)}</a>'


def head(doc: Document, *, viewport: bool) -> str:
    """The `<head>`: charset declaration as the site does it, title, govsite meta tags."""
    lines = []
    if doc.charset_via == "meta":
        lines.append(f'<meta charset="{doc.charset}">')
    elif doc.charset_via == "http-equiv":
        lines.append(
            f'<meta http-equiv="Content-Type" content="text/html; charset={doc.charset}">'
        )
    elif doc.charset == "utf-8":
        # UTF-8 sites declare it twice like most do; a GBK site declaring only in the header
        # is the case a decoder must get right without help from the page.
        lines.append('<meta charset="utf-8">')
    if viewport:
        lines.append('<meta name="viewport" content="width=device-width, initial-scale=1">')
    lines.append(f"<title>{escape(doc.title)}</title>")
    lines += [f'<meta name="{name}" content="{escape(value)}">' for name, value in doc.metas]
    lines.append('<link rel="stylesheet" type="text/css" href="/css/style.css">')
    lines.append('<script type="text/javascript" src="/js/common.js"></script>')
    return "<head>\n" + "\n".join(lines) + "\n</head>"


class Layout:
    """Base of the three layouts; subclasses override the markup of each part."""

    name = ""

    def date(self, when: date) -> str:
        return when.strftime("%Y-%m-%d")

    def document(self, doc: Document) -> str:
        raise NotImplementedError

    def block(self, title: str, more: str | None, items: list[ListItem]) -> str:
        raise NotImplementedError

    def item_list(self, items: list[ListItem]) -> str:
        raise NotImplementedError

    def section(self, heading: str, crumbs: list[tuple[str, str]], inner: str) -> str:
        trail = " &gt; ".join(link(text, href) for text, href in crumbs)
        return (
            f'<div class="crumbs">当前位置：{trail}</div>\n'
            f'<div class="content"><h2 class="col-title">{escape(heading)}</h2>\n{inner}\n</div>'
        )

    def pager(self, links: list[tuple[str, str | None]]) -> str:
        parts = [escape(text) if href is None else link(text, href) for text, href in links]
        return '<div class="pager">' + " ".join(parts) + "</div>"

    def home_main(self, blocks: list[str]) -> str:
        return "\n".join(blocks)

    def short(self, when: date) -> str:
        """A date without its year, in the layout's brackets."""
        return f"{when:%m-%d}"

    def _dated(self, item: ListItem) -> str:
        if not item.when or item.date_style == "none":
            return ""
        if item.date_style == "slash":
            return item.when.strftime("%Y/%m/%d")
        if item.date_style == "dot":
            return item.when.strftime("%Y.%m.%d")
        if item.date_style == "short":
            return self.short(item.when)
        return self.date(item.when)


class TableLayout(Layout):
    """Old TRS templates: fixed-width tables, the date in its own cell."""

    name = "table"

    def document(self, doc: Document) -> str:
        top = " | ".join(link(text, href) for text, href in doc.toplinks)
        nav = "".join(f"<td>{link(text, href)}</td>" for text, href in doc.nav)
        foot = "\n".join(f"<tr><td>{line}</td></tr>" for line in doc.footer)
        return (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml">\n'
            f"{head(doc, viewport=False)}\n<body>\n<a name=\"top\"></a>\n"
            '<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" '
            f'class="top"><tr><td><img src="/images/logo.png" alt="{escape(doc.site_name)}" '
            f'width="400" height="80" /></td><td class="toplinks" align="right">{top}</td>'
            f'<td class="search-box" align="right">{doc.search}</td></tr>'
            "</table>\n"
            '<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" '
            f'class="nav"><tr>{nav}</tr></table>\n'
            '<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" '
            f'class="main"><tr><td valign="top">\n{doc.main}\n</td></tr></table>\n'
            '<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" '
            f'class="footer">\n{foot}\n</table>\n</body>\n</html>\n'
        )

    def item_list(self, items: list[ListItem]) -> str:
        rows = "".join(
            f'<tr><td class="dot">{link(i.title, i.href, title=i.title, target="_blank")}'
            f"{escape(i.note)}</td>"
            f'<td class="date" width="90" align="right">{self._dated(i)}</td></tr>\n'
            for i in items
        )
        return f'<table width="100%" border="0" cellspacing="0" class="list">\n{rows}</table>'

    def block(self, title: str, more: str | None, items: list[ListItem]) -> str:
        more_cell = f'<td class="more" align="right">{link("更多>>", more)}</td>' if more else ""
        return (
            '<table width="100%" border="0" cellspacing="0" class="block">'
            f'<tr><td class="block_title">{escape(title)}</td>{more_cell}</tr>'
            f'<tr><td colspan="2">{self.item_list(items)}</td></tr></table>'
        )

    def home_main(self, blocks: list[str]) -> str:
        rows = []
        for left in range(0, len(blocks), 2):
            pair = blocks[left : left + 2] + [""] * (2 - len(blocks[left : left + 2]))
            rows.append(
                f'<tr><td width="490" valign="top">{pair[0]}</td><td width="20"></td>'
                f'<td width="490" valign="top">{pair[1]}</td></tr>'
            )
        return '<table width="1000" border="0" cellspacing="0">\n' + "\n".join(rows) + "</table>"


class ListLayout(Layout):
    """`div` boxes and `<ul>` lists; dates in brackets inside a `<span>`."""

    name = "list"

    def date(self, when: date) -> str:
        return f"[{when:%Y-%m-%d}]"

    def short(self, when: date) -> str:
        return f"[{when:%m-%d}]"

    def document(self, doc: Document) -> str:
        top = "".join(f"<li>{link(text, href)}</li>" for text, href in doc.toplinks)
        nav = "".join(f"<li>{link(text, href)}</li>" for text, href in doc.nav)
        foot = "\n".join(f"<p>{line}</p>" for line in doc.footer)
        return (
            '<!DOCTYPE html>\n<html lang="zh-CN">\n'
            f"{head(doc, viewport=False)}\n<body>\n<div id=\"top\"></div>\n"
            f'<div class="header wrap"><div class="logo"><img src="/images/logo.png" '
            f'alt="{escape(doc.site_name)}"></div><ul class="toplinks">{top}</ul>'
            f'<div class="search-box">{doc.search}</div></div>\n'
            f'<div class="nav"><ul>{nav}</ul></div>\n'
            f'<div class="main wrap">\n{doc.main}\n</div>\n'
            f'<div class="footer">\n{foot}\n</div>\n</body>\n</html>\n'
        )

    def item_list(self, items: list[ListItem]) -> str:
        rows = "".join(
            f'<li>{link(i.title, i.href, title=i.title)}{escape(i.note)}'
            f"<span>{self._dated(i)}</span></li>\n"
            for i in items
        )
        return f'<ul class="list">\n{rows}</ul>'

    def block(self, title: str, more: str | None, items: list[ListItem]) -> str:
        more_link = link("更多", more, class_="more") if more else ""
        return (
            f'<div class="box"><h3><span>{escape(title)}</span>{more_link}</h3>'
            f"{self.item_list(items)}</div>"
        )


class FlexLayout(Layout):
    """HTML5 landmarks, flex rows and `<time datetime>` with a Chinese date."""

    name = "flex"

    def date(self, when: date) -> str:
        return f'<time datetime="{when:%Y-%m-%d}">{when.year}年{when.month}月{when.day}日</time>'

    def short(self, when: date) -> str:
        return f'<span class="date">({when:%m-%d})</span>'

    def document(self, doc: Document) -> str:
        top = " ".join(link(text, href) for text, href in doc.toplinks)
        nav = "".join(link(text, href) for text, href in doc.nav)
        foot = "\n".join(f'<div class="ft-line">{line}</div>' for line in doc.footer)
        return (
            '<!DOCTYPE html>\n<html lang="zh-CN">\n'
            f"{head(doc, viewport=True)}\n<body id=\"top\">\n"
            f'<header class="site-header"><img class="logo" src="/images/logo.png" '
            f'alt="{escape(doc.site_name)}"><div class="toplinks">{top}</div>{doc.search}</header>\n'
            f'<nav class="site-nav">{nav}</nav>\n'
            f'<main class="grid">\n{doc.main}\n</main>\n'
            f'<footer class="site-footer">\n{foot}\n</footer>\n</body>\n</html>\n'
        )

    def item_list(self, items: list[ListItem]) -> str:
        rows = "".join(
            f'<li class="row">{link(i.title, i.href)}{escape(i.note)}{self._dated(i)}</li>\n'
            for i in items
        )
        return f'<ul class="rows">\n{rows}</ul>'

    def block(self, title: str, more: str | None, items: list[ListItem]) -> str:
        more_link = link("查看更多", more, class_="more") if more else ""
        return (
            f'<section class="card"><div class="card-hd"><h2>{escape(title)}</h2>{more_link}'
            f'</div><div class="card-bd">{self.item_list(items)}</div></section>'
        )


LAYOUTS: dict[str, Layout] = {
    layout.name: layout for layout in (TableLayout(), ListLayout(), FlexLayout())
}
