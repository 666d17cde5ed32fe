"""Shared helpers of the fleet tests: requests with a Host header, and an independent reading
of the served HTML (rows, dates, labels) to hold the fleet's facts against.

The reading here is deliberately simple and separate from `govsite.rules` and from the fleet's
own `facts.py`: it only has to understand the markup the fleet writes.
"""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from govsite.fleet import Fleet, FleetServer, FleetSite

FULL_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
SHORT_DATE = re.compile(r"^[\[(]?(\d{1,2})-(\d{1,2})[\])]?$")
PUBLISHED = re.compile(r"发布时间[:：]\s*(\d{4})-(\d{2})-(\d{2})")


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def request(server: FleetServer, url: str, *, method: str = "GET", body: bytes | None = None,
            headers: dict[str, str] | None = None) -> Reply:
    """One request to 127.0.0.1:port with the URL's host in the Host header."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request(method, path, body=body,
                     headers={"Host": parts.hostname or "", **(headers or {})})
        resp = conn.getresponse()
        return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    finally:
        conn.close()


def site_by_key(fleet: Fleet, key: str) -> FleetSite:
    return next(site for site in fleet.sites if site.key == key)


def html_of(fleet: Fleet, site: FleetSite, url: str) -> str:
    """A served page of the site, decoded in its charset."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    body = fleet.resources[(site.host, path)].body
    return body.decode("gbk" if site.charset == "gbk" else "utf-8")


def infer_year(month: int, day: int, fetched: date) -> date:
    """A yearless date: the most recent year that does not put it after `fetched`."""
    for year in (fetched.year, fetched.year - 1):
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if found <= fetched:
            return found
    raise AssertionError(f"cannot date {month}-{day}")


def row_date(text: str, fetched: date) -> date | None:
    """The date a list row shows outside its link text (full or yearless), if any."""
    text = text.strip()
    full = FULL_DATE.search(text)
    if full:
        return date(*(int(g) for g in full.groups()))
    short = SHORT_DATE.match(text)
    if short:
        return infer_year(int(short.group(1)), int(short.group(2)), fetched)
    return None


def innermost_rows(html: str, scope: str) -> list[tuple[list[tuple[str, str]], str]]:
    """(links as (href, text), text outside the links) of every innermost li/tr in `scope`."""
    tree = LexborHTMLParser(html)
    out = []
    for box in tree.css(scope):
        for row in box.css("li, tr"):
            # lexbor's css() on a node matches the node itself as well.
            if len(row.css("li, tr")) > 1:
                continue
            anchors = row.css("a[href]")
            links = [(a.attributes.get("href") or "", a.text(strip=True)) for a in anchors]
            outside = row.text(separator=" ")
            for _, text in links:
                outside = outside.replace(text, " ", 1)
            out.append((links, outside))
    return out


def page_date(html: str) -> date | None:
    """An article page's date: its PubDate meta, else the visible 发布时间."""
    tree = LexborHTMLParser(html)
    meta = tree.css_first('meta[name="PubDate"]')
    if meta is not None and meta.attributes.get("content"):
        return date.fromisoformat((meta.attributes.get("content") or "")[:10])
    found = PUBLISHED.search(tree.body.text() if tree.body else "")
    return date(*(int(g) for g in found.groups())) if found else None
